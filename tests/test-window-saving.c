/* test-window-saving.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window tells when results are not being saved (another process
 * holds the database's write lock past the busy timeout), and that a
 * second process cannot monitor the same database. */

#include "config.h"

#include "lookout-test-gui.h"

typedef struct
{
  LookoutTestWindow w;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  lookout_test_window_open (&fixture->w);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  lookout_test_window_close (&fixture->w);
}

static void
test_banner_while_locked (Fixture       *fixture,
                          gconstpointer  data)
{
  LookoutWindow *window = fixture->w.window;
  sqlite3 *blocker = lookout_test_sql_open (fixture->w.tmp->path);

  g_assert_false (gtk_revealer_get_reveal_child (window->saving_revealer));

  lookout_test_sql_exec (blocker, "BEGIN IMMEDIATE");
  for (gint64 i = 0; i < 20; i++)
    lookout_store_append_sample (fixture->w.store,
                                 &(LookoutSample) { 1, 1700000000000 + i, 1000, LOOKOUT_TARGET_STATE_UP });

  LOOKOUT_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (window->saving_revealer), 30000);
  g_assert_cmpstr (gtk_label_get_text (window->saving_label), ==,
                   "Results are not being saved: database is locked by another process");

  lookout_test_sql_exec (blocker, "ROLLBACK");
  sqlite3_close (blocker);
  LOOKOUT_TEST_WAIT_UNTIL (!gtk_revealer_get_reveal_child (window->saving_revealer), 30000);
  g_assert_cmpuint (lookout_store_get_n_written_late (fixture->w.store), ==, 20);
}

/* What a second desktop app would show: the error page names the process. */
static void
test_second_process_page (Fixture       *fixture,
                          gconstpointer  data)
{
  LookoutWindow *window = fixture->w.window;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d", (int) getpid ());
  LookoutStore *second;

  second = lookout_store_open_sync (fixture->w.tmp->path, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED);

  lookout_window_set_load_error (window, error);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "error");
  g_assert_nonnull (strstr (adw_status_page_get_description (window->error_page), pid));
  g_assert_true (gtk_widget_get_visible (window->read_only_button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (window->read_only_button)), ==,
                   "app.show-history-read-only");
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add ("/gui/window/saving-banner", Fixture, NULL,
              fixture_set_up, test_banner_while_locked, fixture_tear_down);
  g_test_add ("/gui/window/second-process", Fixture, NULL,
              fixture_set_up, test_second_process_page, fixture_tear_down);

  return g_test_run ();
}
