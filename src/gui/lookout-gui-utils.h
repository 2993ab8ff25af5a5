/* lookout-gui-utils.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-types.h"

G_BEGIN_DECLS

char *lookout_format_latency      (gint64              latency_us);
char *lookout_format_timestamp    (gint64              ms);
void  lookout_set_state_css_class (GtkWidget          *widget,
                                   LookoutTargetState  state);
void  lookout_set_accessible_label (GtkWidget          *widget,
                                   const char         *label);

/* The application's settings, or NULL when the schema is not installed
 * (running from a build tree without GSETTINGS_SCHEMA_DIR). */
GSettings *lookout_dup_settings (void);

G_END_DECLS
