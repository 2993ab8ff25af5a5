/* test-window-transfer.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main menu's Import Targets…, Export Targets… and Back Up Database…
 * over a real monitor and store: a file with bad lines adds nothing and
 * says which lines, a target already watched refuses the file, an export
 * read back into another window gives the same targets, and a backup
 * opens with them. */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lookout-test-gui.h"
#include "lookout-targets-file.h"

static GtkWidget *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return window;
    }

  return NULL;
}

static char *
take_dialog_body (const char *heading)
{
  GtkWidget *dialog;
  char *body;

  LOOKOUT_TEST_WAIT (find_dialog (heading) != NULL);
  dialog = find_dialog (heading);
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  gtk_window_destroy (GTK_WINDOW (dialog));

  return body;
}

static GFile *
write_file (LookoutTestDir *dir,
            const char     *name,
            const char     *contents)
{
  g_autofree char *path = g_build_filename ((const char *) dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static guint
n_targets (LookoutTestWindow *w)
{
  return g_list_model_get_n_items (lookout_monitor_get_targets (w->monitor));
}

static void
test_import_errors (void)
{
  LookoutTestWindow w = { 0 };
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autoptr(GFile) bad = NULL;
  g_autoptr(GFile) json = NULL;
  g_autoptr(GFile) known = NULL;
  g_autofree char *body = NULL;
  g_autoptr(LookoutTarget) watched = lookout_target_new_from_string ("tcp://127.0.0.1:5432", NULL);

  lookout_test_window_open (&w);

  bad = write_file (dir, "targets.txt",
                    "# two good, two bad\n"
                    "icmp://127.0.0.1 name=\"Loopback\"\n"
                    "tcp://127.0.0.1:70000\n"
                    "tcp://127.0.0.1:22 interval=5 timeout=9000\n"
                    "tcp://127.0.0.1:80 colour=blue\n");
  lookout_window_import_file (w.window, bad);
  body = take_dialog_body ("Nothing Imported");
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "targets.txt:3: "));
  g_assert_nonnull (strstr (body, "65535"));
  g_assert_nonnull (strstr (body, "targets.txt:4: The timeout is longer than the interval"));
  g_assert_nonnull (strstr (body, "targets.txt:5: "));
  g_assert_null (strstr (body, "targets.txt:2:"));
  lookout_test_drain ();
  g_assert_cmpuint (n_targets (&w), ==, 0);

  json = write_file (dir, "targets.json",
                     "[{\"uri\": \"icmp://127.0.0.1\"}, {\"uri\": \"tcp://127.0.0.1\"}]");
  lookout_window_import_file (w.window, json);
  g_clear_pointer (&body, g_free);
  body = take_dialog_body ("Nothing Imported");
  g_assert_true (g_str_has_prefix (body, "targets.json: target 2: "));
  g_assert_cmpuint (n_targets (&w), ==, 0);

  /* already watched: the whole file is refused */
  lookout_test_add_target (w.monitor, watched);
  known = write_file (dir, "known.txt", "icmp://127.0.0.2\ntcp://127.0.0.1:5432 name=again\n");
  lookout_window_import_file (w.window, known);
  g_clear_pointer (&body, g_free);
  body = take_dialog_body ("Nothing Imported");
  g_assert_cmpstr (body, ==, "These targets are already monitored: tcp://127.0.0.1:5432");
  lookout_test_drain ();
  g_assert_cmpuint (n_targets (&w), ==, 1);

  lookout_test_window_close (&w);
}

/* The same options, whatever the order of their members. */
static gboolean
same_json (const char *a,
           const char *b)
{
  g_autoptr(JsonNode) x = NULL;
  g_autoptr(JsonNode) y = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  x = json_from_string (a, NULL);
  y = json_from_string (b, NULL);
  g_test_message ("%s ~ %s", a, b);

  return x != NULL && y != NULL && json_node_equal (x, y);
}

static void
assert_same_targets (LookoutTestWindow *a,
                     LookoutTestWindow *b)
{
  g_assert_cmpuint (n_targets (a), ==, n_targets (b));
  for (guint i = 0; i < n_targets (a); i++)
    {
      g_autoptr(LookoutTarget) x = g_list_model_get_item (lookout_monitor_get_targets (a->monitor), i);
      LookoutTarget *y = lookout_monitor_find_target_by_uri (b->monitor, lookout_target_get_uri_string (x));

      g_assert_nonnull (y);
      g_assert_cmpstr (lookout_target_get_name (x), ==, lookout_target_get_name (y));
      g_assert_cmpuint (lookout_target_get_interval (x), ==, lookout_target_get_interval (y));
      g_assert_cmpuint (lookout_target_get_timeout (x), ==, lookout_target_get_timeout (y));
      g_assert_cmpuint (lookout_target_get_fail_threshold (x), ==, lookout_target_get_fail_threshold (y));
      g_assert_true (same_json (lookout_target_get_options (x), lookout_target_get_options (y)));
    }
}

static void
add (LookoutTestWindow *w,
     const char        *line)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = lookout_targets_file_parse (line, -1, "test", &error);
  g_assert_no_error (error);
  lookout_test_add_target (w->monitor, parsed->pdata[0]);
}

/* Exported as a targets file and as JSON, each read back into an empty
 * window, gives the same targets; a backup opens with them too. */
static void
test_export_round_trip (void)
{
  const char *names[] = { "lookout-targets.txt", "lookout-targets.json" };
  LookoutTestWindow w = { 0 };
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *backup = g_build_filename ((const char *) dir, "backup.db", NULL);
  g_autoptr(GFile) backup_file = g_file_new_for_path (backup);
  g_autoptr(LookoutStore) copy = NULL;
  g_autoptr(GPtrArray) copied = NULL;
  g_autoptr(GError) error = NULL;

  lookout_test_window_open (&w);
  add (&w, "tcp://127.0.0.1:5432 interval=30 timeout=2500 failures=2 name=\"Main “database”\"\n");
  add (&w, "http://127.0.0.1:8080/health method=POST body=\"{\\\"ping\\\": 1}\" "
           "header=\"X-Key: one two\" accept=200-204 slow_ms=400 channels=desktop,ops\n");
  add (&w, "icmp://127.0.0.1 count=5\n");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename ((const char *) dir, names[i], NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      LookoutTestWindow other = { 0 };

      lookout_window_export_file (w.window, file);
      LOOKOUT_TEST_WAIT (g_file_test (path, G_FILE_TEST_EXISTS));
      lookout_test_drain ();

      lookout_test_window_open (&other);
      lookout_window_import_file (other.window, file);
      LOOKOUT_TEST_WAIT (n_targets (&other) == 3);
      assert_same_targets (&w, &other);
      g_assert_null (find_dialog ("Nothing Imported"));
      lookout_test_window_close (&other);
    }

  lookout_window_backup_file (w.window, backup_file);
  LOOKOUT_TEST_WAIT (g_file_test (backup, G_FILE_TEST_EXISTS));
  copy = lookout_store_open_sync (backup, NULL, &error);
  g_assert_no_error (error);
  copied = lookout_store_load_targets_sync (copy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copied->len, ==, 3);
  lookout_store_close (copy);

  lookout_test_window_close (&w);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/window-transfer/import-errors", test_import_errors);
  g_test_add_func ("/gui/window-transfer/export-round-trip", test_export_round_trip);

  return g_test_run ();
}
