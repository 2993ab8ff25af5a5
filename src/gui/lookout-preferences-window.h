/* lookout-preferences-window.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_PREFERENCES_WINDOW (lookout_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPreferencesWindow, lookout_preferences_window, LOOKOUT, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *lookout_preferences_window_new (GtkWindow *transient_for);

G_END_DECLS
