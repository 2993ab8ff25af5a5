/* test-place-picker.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Add Target dialog's "Check From" offers local and the configured
 * agents' names: ticking one adds it to the text, unticking takes it out,
 * a name typed by hand is offered ticked, and the target built says the
 * same as the text. */

#include "config.h"

#include <string.h>

#include "lookout-place-picker.h"
#include "lookout-target-dialog-private.h"
#include "lookout-test-gui.h"

static LookoutPlacePicker *
find_picker (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      LookoutPlacePicker *found;

      if (LOOKOUT_IS_PLACE_PICKER (c))
        return LOOKOUT_PLACE_PICKER (c);
      if ((found = find_picker (c)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_picker (void)
{
  const char *agents[] = { "paris", "tokyo", NULL };
  LookoutTargetDialog *dialog = lookout_target_dialog_new (NULL, NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  LookoutPlacePicker *picker;
  GtkEditable *locations;

  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  locations = GTK_EDITABLE (dialog->locations_row);
  picker = find_picker (GTK_WIDGET (dialog->locations_row));
  g_assert_nonnull (picker);
  lookout_place_picker_set_names (picker, agents);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "https://example.org/");

  /* local ticked, as the text says; the agents offered */
  lookout_place_picker_popup (picker);
  g_assert_true (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "local")));
  g_assert_false (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "paris")));
  g_assert_false (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "tokyo")));

  gtk_check_button_set_active (lookout_place_picker_get_check (picker, "paris"), TRUE);
  g_assert_cmpstr (gtk_editable_get_text (locations), ==, "local,paris");
  gtk_check_button_set_active (lookout_place_picker_get_check (picker, "tokyo"), TRUE);
  g_assert_cmpstr (gtk_editable_get_text (locations), ==, "local,paris,tokyo");
  gtk_check_button_set_active (lookout_place_picker_get_check (picker, "local"), FALSE);
  g_assert_cmpstr (gtk_editable_get_text (locations), ==, "paris,tokyo");

  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"locations\":\"paris,tokyo\""));

  /* typed by hand, with spaces and a name that is no agent: offered ticked */
  gtk_editable_set_text (locations, " tokyo , berlin");
  lookout_place_picker_popup (picker);
  g_assert_false (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "local")));
  g_assert_false (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "paris")));
  g_assert_true (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "tokyo")));
  g_assert_true (gtk_check_button_get_active (lookout_place_picker_get_check (picker, "berlin")));
  gtk_check_button_set_active (lookout_place_picker_get_check (picker, "berlin"), FALSE);
  g_assert_cmpstr (gtk_editable_get_text (locations), ==, "tokyo");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/place-picker/ticks-and-text", test_picker);

  return g_test_run ();
}
