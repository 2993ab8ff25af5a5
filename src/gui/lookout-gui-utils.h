/* lookout-gui-utils.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-format.h"
#include "lookout-types.h"

G_BEGIN_DECLS

void  lookout_set_state_css_class (GtkWidget          *widget,
                                   LookoutTargetState  state);
void  lookout_set_accessible_label (GtkWidget          *widget,
                                   const char         *label);
void  lookout_set_accessible_description (GtkWidget  *widget,
                                          const char *description);

/* Gives every button and check button under @root the one accessible name
 * its label says, without the mnemonic underscore. */
void  lookout_accessible_tidy     (GtkWidget          *root);
/* Tidies each window of the process when it is shown. */
void  lookout_accessible_tidy_windows (void);

/* Loads resources/style.css for the default display. LookoutApplication
 * needs no call (AdwApplication loads it from the resource base path); a
 * program that shows widgets without it (tests, screenshots) does. */
void lookout_load_stylesheet (void);

gboolean lookout_widget_out_of_view (GtkWidget *widget);

/* The application's settings, or NULL when the schema is not installed
 * (running from a build tree without GSETTINGS_SCHEMA_DIR). */
GSettings *lookout_dup_settings (void);

G_END_DECLS
