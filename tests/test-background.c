/* test-background.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Running in the background with no background portal (the session bus
 * this process is given does not exist): the application is held while
 * "run-in-background" is set, the status says there is no portal, "Start at
 * login" writes and removes the autostart file in $XDG_CONFIG_HOME, and the
 * first closed window is the only one that brings the notice. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lookout-background.h"
#include "lookout-test.h"

static void
test_no_portal (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GApplication) app = g_application_new (APPLICATION_ID ".BackgroundTest", G_APPLICATION_NON_UNIQUE);
  g_autoptr(LookoutBackground) background = NULL;
  g_autofree char *path = lookout_background_dup_autostart_path ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (app, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));

  background = lookout_background_new (app, settings);
  g_assert_true (lookout_background_get_holding (background));
  LOOKOUT_TEST_WAIT (lookout_background_get_status (background) != NULL);
  g_assert_true (g_str_has_prefix (lookout_background_get_status (background), "No background portal answered"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Start at login without a portal: an autostart file that starts hidden. */
  g_settings_set_boolean (settings, "start-at-login", TRUE);
  LOOKOUT_TEST_WAIT (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (contents, "\nExec=lookout --background\n"));
  g_assert_true (g_str_has_prefix (contents, "[Desktop Entry]\nType=Application\n"));

  /* The first closed window says so; the next do not. */
  g_assert_false (g_settings_get_boolean (settings, "background-notice-shown"));
  g_assert_true (lookout_background_window_closed (background));
  g_assert_true (g_settings_get_boolean (settings, "background-notice-shown"));
  g_assert_true (lookout_background_window_closed (background));

  /* Off: no hold, closing the window stops monitoring, no autostart. */
  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_false (lookout_background_get_holding (background));
  g_assert_false (lookout_background_window_closed (background));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (lookout_background_get_status (background), ==, "Closing the window stops monitoring.");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) config = lookout_test_dir_new ();

  /* Before anything asks GLib for the user's folders. */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/background/no-portal", test_no_portal);

  return g_test_run ();
}
