/* lookout-window.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_WINDOW (lookout_window_get_type ())

G_DECLARE_FINAL_TYPE (LookoutWindow, lookout_window, LOOKOUT, WINDOW, AdwApplicationWindow)

LookoutWindow  *lookout_window_new             (GtkApplication *application);
LookoutMonitor *lookout_window_get_monitor     (LookoutWindow  *self);
/* Shows the targets of @monitor (set once the store has loaded them). */
void            lookout_window_set_monitor     (LookoutWindow  *self,
                                                LookoutMonitor *monitor);
/* Shows why the targets could not be opened, in place of the list. */
void            lookout_window_set_load_error  (LookoutWindow  *self,
                                                const GError   *error);
LookoutTarget  *lookout_window_get_selected_target (LookoutWindow *self);
void            lookout_window_select_target   (LookoutWindow  *self,
                                                LookoutTarget  *target);
/* The last result of @target that arrived while the window was open, or NULL. */
LookoutResult  *lookout_window_get_last_result (LookoutWindow  *self,
                                                LookoutTarget  *target);

G_END_DECLS
