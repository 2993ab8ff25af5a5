/* lookout-place-picker.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_PLACE_PICKER (lookout_place_picker_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPlacePicker, lookout_place_picker, LOOKOUT, PLACE_PICKER, GtkWidget)

/* A button beside the "Check from" text: its popover offers "local" and
 * the configured agents' names as check buttons, which add or remove the
 * name in @editable's comma-separated list; the text stays free to type. */
GtkWidget *lookout_place_picker_new        (GtkEditable        *editable);
/* The agents offered; by default those of the application's Preferences →
 * Agents, read each time the popover opens. */
void       lookout_place_picker_set_names  (LookoutPlacePicker *self,
                                            const char * const *names);
/* Opens the popover, with one check button per name. */
void       lookout_place_picker_popup      (LookoutPlacePicker *self);
GtkCheckButton *lookout_place_picker_get_check (LookoutPlacePicker *self,
                                                const char         *name);

G_END_DECLS
