/* test-monitor.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "lookout-monitor.h"
#include "lookout-test.h"

typedef struct
{
  LookoutTestStore *tmp;
  LookoutStore     *store;     /* tmp->store while open */
  LookoutMonitor   *monitor;
  guint             changes;
  guint             last_position;
  guint             last_removed;
  guint             last_added;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->changes++;
  f->last_position = position;
  f->last_removed = removed;
  f->last_added = added;
}

static void
open_monitor (Fixture *f)
{
  f->store = lookout_test_store_open (f->tmp);
  f->monitor = lookout_monitor_new (f->store);
  g_assert_true (lookout_monitor_get_store (f->monitor) == f->store);
  g_signal_connect (lookout_monitor_get_targets (f->monitor), "items-changed",
                    G_CALLBACK (items_changed_cb), f);
}

static void
close_monitor (Fixture *f)
{
  g_clear_object (&f->monitor);
  lookout_test_store_close (f->tmp);
  f->store = NULL;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = lookout_test_store_new_empty ();
  open_monitor (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_monitor (f);
  g_clear_pointer (&f->tmp, lookout_test_store_free);
}

static gboolean
add_target (Fixture        *f,
            LookoutTarget  *target,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lookout_monitor_add_target_async (f->monitor, target, NULL, lookout_test_async_cb, &result);
  return lookout_monitor_add_target_finish (f->monitor, lookout_test_wait_result (&result), error);
}

static gboolean
update_target (Fixture        *f,
               LookoutTarget  *target,
               LookoutTarget  *changes,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lookout_monitor_update_target_async (f->monitor, target, changes, NULL, lookout_test_async_cb, &result);
  return lookout_monitor_update_target_finish (f->monitor, lookout_test_wait_result (&result), error);
}

static LookoutTarget *
new_target (const char *uri)
{
  GError *error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  return target;
}

static LookoutTarget *
item (Fixture *f,
      guint    position)
{
  LookoutTarget *target = g_list_model_get_item (lookout_monitor_get_targets (f->monitor), position);

  g_object_unref (target);
  return target;
}

static guint
n_targets (Fixture *f)
{
  return g_list_model_get_n_items (lookout_monitor_get_targets (f->monitor));
}

static void
test_add_update_remove_undo (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(LookoutTarget) web = new_target ("https://example.org/health");
  g_autoptr(LookoutTarget) db = new_target ("tcp://127.0.0.1:5432");
  g_autoptr(LookoutTarget) changes = NULL;
  g_autoptr(GArray) history = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;
  gint64 db_id;

  g_assert_true (lookout_monitor_load_sync (f->monitor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_targets (f), ==, 0);

  lookout_target_set_name (web, "Example");
  g_assert_true (add_target (f, web, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookout_target_get_id (web), >, 0);
  g_assert_cmpuint (n_targets (f), ==, 1);
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_added, ==, 1);

  g_assert_true (add_target (f, db, &error));
  g_assert_no_error (error);
  db_id = lookout_target_get_id (db);
  g_assert_cmpint (db_id, >, lookout_target_get_id (web));
  g_assert_true (item (f, 0) == web);
  g_assert_true (item (f, 1) == db);
  g_assert_cmpuint (f->changes, ==, 2);
  g_assert_cmpuint (f->last_position, ==, 1);

  g_assert_true (lookout_monitor_find_target (f->monitor, db_id) == db);
  g_assert_null (lookout_monitor_find_target (f->monitor, db_id + 100));
  g_assert_true (lookout_monitor_find_target_by_uri (f->monitor, lookout_target_get_uri_string (db)) == db);
  g_assert_null (lookout_monitor_find_target_by_uri (f->monitor, "tcp://127.0.0.1:5433"));

  /* Some history for the database target. */
  for (gint64 i = 1; i <= 50; i++)
    lookout_store_append_sample (f->store, &(LookoutSample) { db_id, i * 1000, i, LOOKOUT_TARGET_STATE_UP });
  g_assert_true (lookout_store_flush_sync (f->store, NULL));

  /* Update: the configuration of @changes is copied and stored. */
  changes = lookout_target_copy (web);
  lookout_target_set_interval (changes, 30);
  lookout_target_set_timeout (changes, 2500);
  lookout_target_set_fail_threshold (changes, 5);
  lookout_target_set_name (changes, "Example health");
  lookout_target_set_options (changes, "{\"keyword\":\"ok\"}");
  g_assert_true (update_target (f, web, changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lookout_target_get_interval (web), ==, 30);
  g_assert_cmpuint (lookout_target_get_timeout (web), ==, 2500);
  g_assert_cmpuint (lookout_target_get_fail_threshold (web), ==, 5);
  g_assert_cmpstr (lookout_target_get_name (web), ==, "Example health");
  g_assert_cmpstr (lookout_target_get_options (web), ==, "{\"keyword\":\"ok\"}");

  /* Remove: gone from the model at once, from the targets table soon, the
   * history stays. */
  f->changes = 0;
  lookout_monitor_remove_target (f->monitor, db);
  g_assert_cmpuint (n_targets (f), ==, 1);
  g_assert_cmpuint (f->changes, ==, 1);
  g_assert_cmpuint (f->last_removed, ==, 1);
  g_assert_null (lookout_monitor_find_target (f->monitor, db_id));
  g_assert_true (lookout_store_flush_sync (f->store, NULL));
  rows = lookout_store_load_targets_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Undo: the same target comes back with its id and its history. */
  g_assert_true (add_target (f, db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookout_target_get_id (db), ==, db_id);
  g_assert_true (item (f, 1) == db);
  history = lookout_store_query_samples_sync (f->store, db_id, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 50);

  /* Adding what is already there is refused. */
  g_assert_false (add_target (f, db, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (n_targets (f), ==, 2);

  /* So is another target with the same address: one target per address. */
  {
    g_autoptr(LookoutTarget) twin = lookout_target_new_from_string (lookout_target_get_uri_string (db), &error);

    g_assert_no_error (error);
    g_assert_false (add_target (f, twin, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_cmpint (lookout_target_get_id (twin), <=, 0);
    g_assert_cmpuint (n_targets (f), ==, 2);
  }

  /* Reload from the same file: the same targets. */
  close_monitor (f);
  open_monitor (f);
  {
    g_autoptr(GAsyncResult) result = NULL;

    gboolean loaded = TRUE;

    g_object_get (f->monitor, "loaded", &loaded, NULL);
    g_assert_false (loaded);
    lookout_monitor_load_async (f->monitor, NULL, lookout_test_async_cb, &result);
    g_assert_true (lookout_monitor_load_finish (f->monitor, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
    g_object_get (f->monitor, "loaded", &loaded, NULL);
    g_assert_true (loaded);
  }
  g_assert_cmpuint (n_targets (f), ==, 2);
  g_assert_cmpint (lookout_target_get_id (item (f, 0)), ==, lookout_target_get_id (web));
  g_assert_cmpstr (lookout_target_get_uri_string (item (f, 0)), ==, lookout_target_get_uri_string (web));
  g_assert_cmpstr (lookout_target_get_name (item (f, 0)), ==, "Example health");
  g_assert_cmpuint (lookout_target_get_interval (item (f, 0)), ==, 30);
  g_assert_cmpuint (lookout_target_get_timeout (item (f, 0)), ==, 2500);
  g_assert_cmpuint (lookout_target_get_fail_threshold (item (f, 0)), ==, 5);
  g_assert_cmpstr (lookout_target_get_options (item (f, 0)), ==, "{\"keyword\":\"ok\"}");
  g_assert_cmpint (lookout_target_get_id (item (f, 1)), ==, db_id);
  g_assert_cmpstr (lookout_target_get_uri_string (item (f, 1)), ==, lookout_target_get_uri_string (db));

  /* Undo at once, before the removal reached the file: writes keep order. */
  {
    g_autoptr(LookoutTarget) first = g_object_ref (item (f, 0));
    gint64 id = lookout_target_get_id (first);

    lookout_monitor_remove_target (f->monitor, first);
    g_assert_true (add_target (f, first, &error));
    g_assert_no_error (error);
    g_assert_cmpint (lookout_target_get_id (first), ==, id);
    g_assert_true (item (f, 0) == first);
    rows = lookout_store_load_targets_sync (f->store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 2);
  }
}

static void
test_invalid_rejected (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = new_target ("icmp://127.0.0.1");
  g_autoptr(LookoutTarget) changes = NULL;
  g_autoptr(LookoutTarget) stranger = new_target ("udp://127.0.0.1:53");
  g_autoptr(LookoutTarget) clash = new_target ("ntp://127.0.0.1:1123");
  GError *error = NULL;
  const struct
  {
    const char *uri;
    int         code;
  } bad_uris[] = {
    { "", LOOKOUT_TARGET_URI_ERROR_EMPTY },
    { "ftp://example.org/", LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME },
    { "tcp://127.0.0.1", LOOKOUT_TARGET_URI_ERROR_MISSING_PORT },
    { "tcp://127.0.0.1:70000", LOOKOUT_TARGET_URI_ERROR_INVALID_PORT },
  };

  /* Only a parsed URI makes a target. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_uris); i++)
    {
      g_assert_null (lookout_target_new_from_string (bad_uris[i].uri, &error));
      g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, bad_uris[i].code);
      g_clear_error (&error);
    }

  g_assert_true (add_target (f, target, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes, ==, 1);

  /* The same target twice. */
  g_assert_false (add_target (f, target, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* An id that the file already gives to another target. */
  lookout_target_set_id (clash, lookout_target_get_id (target));
  g_clear_object (&f->monitor);
  f->monitor = lookout_monitor_new (f->store);
  g_signal_connect (lookout_monitor_get_targets (f->monitor), "items-changed",
                    G_CALLBACK (items_changed_cb), f);
  g_assert_false (add_target (f, clash, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (n_targets (f), ==, 0);
  g_assert_cmpuint (f->changes, ==, 1);

  g_assert_true (lookout_monitor_load_sync (f->monitor, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_targets (f), ==, 1);
  g_clear_object (&target);
  target = g_object_ref (item (f, 0));

  /* A timeout chosen longer than the interval: the dialog's sentence. */
  changes = lookout_target_copy (target);
  lookout_target_set_interval (changes, 5);
  lookout_target_set_timeout (changes, 6000);
  g_assert_false (update_target (f, target, changes, &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "Make it at most 5 s"));
  g_clear_error (&error);
  g_assert_cmpuint (lookout_target_get_timeout (target), ==, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS);
  g_clear_object (&changes);

  /* Updating a target the monitor does not hold. */
  g_assert_false (update_target (f, stranger, stranger, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A store that refuses the update: the target shows what is stored. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_delete_target_async (f->store, lookout_target_get_id (target), NULL,
                                       lookout_test_async_cb, &result);
    g_assert_true (lookout_store_delete_target_finish (f->store, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }
  changes = lookout_target_copy (target);
  lookout_target_set_interval (changes, 5);
  lookout_target_set_name (changes, "Renamed");
  g_assert_false (update_target (f, target, changes, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (lookout_target_get_interval (target), ==, LOOKOUT_TARGET_DEFAULT_INTERVAL_S);
  g_assert_cmpstr (lookout_target_get_name (target), !=, "Renamed");

  /* Removed, then updated. */
  lookout_monitor_remove_target (f->monitor, target);
  g_assert_false (update_target (f, target, changes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/monitor/add-update-remove-undo", Fixture, NULL,
              fixture_set_up, test_add_update_remove_undo, fixture_tear_down);
  g_test_add ("/monitor/invalid-rejected", Fixture, NULL,
              fixture_set_up, test_invalid_rejected, fixture_tear_down);

  return g_test_run ();
}
