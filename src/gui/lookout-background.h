/* lookout-background.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_BACKGROUND (lookout_background_get_type ())

G_DECLARE_FINAL_TYPE (LookoutBackground, lookout_background, LOOKOUT, BACKGROUND, GObject)

/* Monitoring that outlives the window: while the "run-in-background" key is
 * set the application is held, so closing the last window leaves the checks
 * running until Quit; "start-at-login" asks the background portal for
 * autostart, or writes an autostart .desktop file when there is no portal.
 * "status" (a sentence for the preferences) says what the desktop allowed. */
LookoutBackground *lookout_background_new            (GApplication      *application,
                                                      GSettings         *settings);
const char        *lookout_background_get_status     (LookoutBackground *self);
gboolean           lookout_background_get_holding    (LookoutBackground *self);
/* The autostart file written when there is no portal. */
char              *lookout_background_dup_autostart_path (void);
/* The last window closed: TRUE when monitoring goes on, which the user is
 * told (a notification) the first time. */
gboolean           lookout_background_window_closed  (LookoutBackground *self);

G_END_DECLS
