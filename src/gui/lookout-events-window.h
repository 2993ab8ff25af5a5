/* lookout-events-window.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_EVENTS_WINDOW (lookout_events_window_get_type ())

G_DECLARE_FINAL_TYPE (LookoutEventsWindow, lookout_events_window, LOOKOUT, EVENTS_WINDOW, AdwWindow)

/* Every event, newest first, filtered by target and kind. */
GtkWidget *lookout_events_window_new (GtkWindow      *transient_for,
                                      LookoutMonitor *monitor);

G_END_DECLS
