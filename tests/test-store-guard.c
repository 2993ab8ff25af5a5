/* test-store-guard.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the store refuses before it changes anything (an empty path, a
 * read-only file or folder, a database another process holds, an SQLite
 * file that is not Lookout's), and what keeps it healthy while it runs: a
 * WAL that shrinks again once a long reader has gone. */

#include "config.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "lookout-store-private.h"
#include "lookout-test.h"

static void
test_empty_path (void)
{
  g_autoptr(GError) error = NULL;
  LookoutStore *store = lookout_store_open_sync ("", NULL, &error);

  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "empty"));
}

static void
test_read_only_file (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store;
  GStatBuf before, after;

  lookout_test_store_close (ts);
  g_assert_cmpint (g_chmod (ts->path, 0444), ==, 0);
  g_assert_cmpint (g_stat (ts->path, &before), ==, 0);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_assert_nonnull (strstr (error->message, ts->path));

  g_assert_cmpint (g_stat (ts->path, &after), ==, 0);
  g_assert_cmpint (before.st_mtime, ==, after.st_mtime);
  g_assert_cmpint (before.st_size, ==, after.st_size);
  g_chmod (ts->path, 0644);
}

static void
test_read_only_folder (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store;

  lookout_test_store_close (ts);
  g_assert_cmpint (g_chmod (ts->dir, 0555), ==, 0);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_chmod (ts->dir, 0755);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, ts->dir));
}

/* A second open names the process that holds the database; closing lets
 * the next one in. */
static void
test_second_open_refused (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d", (int) getpid ());
  LookoutStore *store;

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, pid));
  g_assert_nonnull (strstr (error->message, g_get_prgname ()));
  g_clear_error (&error);

  lookout_test_store_close (ts);
  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_no_error (error);
  lookout_store_close (store);
  g_object_unref (store);
}

/* The kernel releases the lock of a killed process: no stale lock. */
static void
test_lock_released_on_kill (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new_empty ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store;
  int fds[2];
  char ready;
  pid_t pid;
  int status;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *child_error = NULL;
      LookoutStore *child_store = lookout_store_open_sync (ts->path, NULL, &child_error);

      if (child_store == NULL || write (fds[1], "r", 1) != 1)
        _exit (3);
      for (;;)
        pause ();
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &ready, 1), ==, 1);
  close (fds[0]);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED);
  g_clear_error (&error);

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_no_error (error);
  lookout_store_close (store);
  g_object_unref (store);
}

static void append_samples (LookoutStore *store,
                            gint64        target_id,
                            gint64        first_ts_ms,
                            guint         n);

/* The history of a database another process monitors, read-only. */
static void
test_read_only_history (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:9", NULL);
  g_autoptr(LookoutTarget) other = lookout_target_new_from_string ("tcp://127.0.0.1:7", NULL);
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) history = NULL;

  g_assert_true (lookout_store_insert_target_sync (ts->store, target, &error));
  append_samples (ts->store, lookout_target_get_id (target), 1700000000000, 10);
  g_assert_true (lookout_store_flush_sync (ts->store, &error));

  history = lookout_store_open_read_only_sync (ts->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_get_read_only (history));
  targets = lookout_store_load_targets_sync (history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 1);
  samples = lookout_store_query_samples_sync (history, lookout_target_get_id (target),
                                              0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 10);

  g_assert_false (lookout_store_insert_target_sync (history, other, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY);
  g_assert_cmpuint (lookout_store_append_sample (history, &(LookoutSample) { 1, 1, 1, LOOKOUT_TARGET_STATE_UP }), ==, 0);
  lookout_store_close (history);
}

static void
test_new_database_marked (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();

  lookout_test_store_close (ts);
  g_assert_cmpint (lookout_test_sql_int (ts->path, "PRAGMA application_id"), ==, LOOKOUT_STORE_APPLICATION_ID);
}

/* Another application's database: refused, still in its own journal mode,
 * with its own tables only. */
static void
test_foreign_refused (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *wal = g_strconcat (ts->path, "-wal", NULL);
  sqlite3 *db = lookout_test_sql_open (ts->path);
  LookoutStore *store;

  lookout_test_sql_exec (db, "CREATE TABLE targets (name TEXT); INSERT INTO targets VALUES ('mine')");
  sqlite3_close (db);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_FOREIGN);
  g_assert_nonnull (strstr (error->message, "not a Lookout database"));

  mode = lookout_test_sql_text (ts->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "delete");
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (lookout_test_sql_int (ts->path, "SELECT count(*) FROM sqlite_master"), ==, 1);
  g_assert_cmpint (lookout_test_sql_int (ts->path, "PRAGMA application_id"), ==, 0);
}

static void
test_other_application_id_refused (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new_empty ();
  g_autoptr(GError) error = NULL;
  sqlite3 *db = lookout_test_sql_open (ts->path);
  LookoutStore *store;

  lookout_test_sql_exec (db, "PRAGMA application_id = 1234");
  sqlite3_close (db);

  store = lookout_store_open_sync (ts->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_FOREIGN);
  g_assert_nonnull (strstr (error->message, "0x000004D2"));
  g_assert_cmpint (lookout_test_sql_int (ts->path, "SELECT count(*) FROM sqlite_master"), ==, 0);
}

/* A Lookout database from before the mark is adopted and marked. */
static void
test_old_database_adopted (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  lookout_test_store_close (ts);
  db = lookout_test_sql_open (ts->path);
  lookout_test_sql_exec (db, "PRAGMA application_id = 0");
  sqlite3_close (db);

  lookout_test_store_open (ts);
  lookout_test_store_close (ts);
  g_assert_cmpint (lookout_test_sql_int (ts->path, "PRAGMA application_id"), ==, LOOKOUT_STORE_APPLICATION_ID);
}

static void
append_samples (LookoutStore *store,
                gint64        target_id,
                gint64        first_ts_ms,
                guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      LookoutSample s = {
        .target_id = target_id,
        .ts_ms = first_ts_ms + i,
        .latency_us = 1000 + i,
        .state = LOOKOUT_TARGET_STATE_UP,
      };

      lookout_store_append_sample (store, &s);
    }
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : 0;
}

/* A reader holding a transaction keeps the WAL growing; once it ends, the
 * WAL is checkpointed and truncated back to the journal size limit. */
static void
test_wal_shrinks_after_reader (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (ts->path, "-wal", NULL);
  sqlite3 *reader = lookout_test_sql_open (ts->path);
  sqlite3_stmt *stmt = NULL;
  gint64 ts_ms = 1700000000000;

  lookout_test_sql_exec (reader, "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM targets", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sqlite3_finalize (stmt);

  /* Each target's own rows: enough pages to pass the limit several times. */
  for (guint round = 0; file_size (wal) < 12 * 1024 * 1024; round++)
    {
      g_assert_cmpuint (round, <, 400);
      append_samples (ts->store, 1 + round, ts_ms, 5000);
      lookout_store_flush_sync (ts->store, &error);
      g_assert_no_error (error);
    }
  g_test_message ("WAL with a reader: %" G_GINT64_FORMAT " bytes", file_size (wal));

  lookout_test_sql_exec (reader, "COMMIT");
  sqlite3_close (reader);

  for (guint round = 0; file_size (wal) > 4 * 1024 * 1024; round++)
    {
      g_assert_cmpuint (round, <, 100);
      append_samples (ts->store, 1000 + round, ts_ms, 100);
      lookout_store_flush_sync (ts->store, &error);
      g_assert_no_error (error);
    }
  g_test_message ("WAL after the reader left: %" G_GINT64_FORMAT " bytes", file_size (wal));
  g_assert_cmpint (file_size (wal), <=, 4 * 1024 * 1024);
}

/* Every stored result of targets 1 and 2, read through the store. */
static gint64
count_samples (LookoutTestStore *ts)
{
  gint64 n = 0;

  for (gint64 id = 1; id <= 2; id++)
    {
      g_autoptr(GArray) samples = NULL;
      g_autoptr(GError) error = NULL;

      samples = lookout_store_query_samples_sync (ts->store, id, 0, G_MAXINT64, NULL, &error);
      g_assert_no_error (error);
      n += samples->len;
    }

  return n;
}

/* Another process holds the write lock longer than the busy timeout:
 * results wait, the store says why, then all of them are written late. */
static void
test_locked_results_kept (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  sqlite3 *blocker = lookout_test_sql_open (ts->path);

  lookout_test_sql_exec (blocker, "BEGIN IMMEDIATE");
  append_samples (ts->store, 1, 1700000000000, 50);
  LOOKOUT_TEST_WAIT_UNTIL (!lookout_store_get_saving (ts->store), 30000);
  g_assert_cmpstr (lookout_store_get_saving_problem (ts->store), ==,
                   "database is locked by another process");
  g_assert_cmpint (lookout_store_get_saving_problem_since (ts->store), >, 0);

  /* A flush says so instead of waiting for ever. */
  g_assert_false (lookout_store_flush_sync (ts->store, &error));
  g_assert_nonnull (strstr (error->message, "not being saved"));
  g_clear_error (&error);

  append_samples (ts->store, 1, 1700000001000, 50);
  lookout_test_sql_exec (blocker, "ROLLBACK");
  sqlite3_close (blocker);

  LOOKOUT_TEST_WAIT_UNTIL (lookout_store_get_saving (ts->store), 30000);
  g_assert_null (lookout_store_get_saving_problem (ts->store));
  g_assert_cmpuint (lookout_store_get_n_written_late (ts->store), ==, 100);
  g_assert_cmpuint (lookout_store_get_n_dropped (ts->store), ==, 0);
  lookout_store_flush_sync (ts->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_samples (ts), ==, 100);
}

/* Only past the bound are results dropped, and then they are counted. */
static void
test_overflow_counted (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  sqlite3 *blocker = lookout_test_sql_open (ts->path);

  lookout_store_set_max_pending (ts->store, 20);
  lookout_test_sql_exec (blocker, "BEGIN IMMEDIATE");
  append_samples (ts->store, 1, 1700000000000, 30);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_store_get_n_dropped (ts->store) == 10, 30000);
  LOOKOUT_TEST_WAIT_UNTIL (!lookout_store_get_saving (ts->store), 30000);
  lookout_test_sql_exec (blocker, "ROLLBACK");
  sqlite3_close (blocker);

  LOOKOUT_TEST_WAIT_UNTIL (lookout_store_get_saving (ts->store), 30000);
  g_assert_cmpuint (lookout_store_get_n_written_late (ts->store), ==, 20);
  lookout_store_flush_sync (ts->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_samples (ts), ==, 20);
}

/* The file cannot grow (a file size limit, as on a full disk): results
 * wait until it can, then are all written. */
static void
test_file_cannot_grow (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (ts->path, "-wal", NULL);
  struct rlimit old_limit, limit;

  append_samples (ts->store, 1, 1700000000000, 10);
  lookout_store_flush_sync (ts->store, &error);
  g_assert_no_error (error);

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = MAX (file_size (wal), file_size (ts->path)) + 16 * 1024;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  append_samples (ts->store, 2, 1700000000000, 20000);
  LOOKOUT_TEST_WAIT_UNTIL (!lookout_store_get_saving (ts->store), 30000);
  g_test_message ("problem: %s", lookout_store_get_saving_problem (ts->store));
  g_assert_nonnull (strstr (lookout_store_get_saving_problem (ts->store), "cannot be written"));

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_store_get_saving (ts->store), 30000);
  g_assert_cmpuint (lookout_store_get_n_written_late (ts->store), ==, 20000);
  lookout_store_flush_sync (ts->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_samples (ts), ==, 20010);
  signal (SIGXFSZ, SIG_DFL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-store-guard");

  g_test_add_func ("/store/guard/empty-path", test_empty_path);
  g_test_add_func ("/store/guard/read-only-file", test_read_only_file);
  g_test_add_func ("/store/guard/read-only-folder", test_read_only_folder);
  g_test_add_func ("/store/guard/second-open-refused", test_second_open_refused);
  g_test_add_func ("/store/guard/lock-released-on-kill", test_lock_released_on_kill);
  g_test_add_func ("/store/guard/read-only-history", test_read_only_history);
  g_test_add_func ("/store/guard/new-database-marked", test_new_database_marked);
  g_test_add_func ("/store/guard/foreign-refused", test_foreign_refused);
  g_test_add_func ("/store/guard/other-application-id-refused", test_other_application_id_refused);
  g_test_add_func ("/store/guard/old-database-adopted", test_old_database_adopted);
  g_test_add_func ("/store/guard/wal-shrinks-after-reader", test_wal_shrinks_after_reader);
  g_test_add_func ("/store/guard/locked-results-kept", test_locked_results_kept);
  g_test_add_func ("/store/guard/overflow-counted", test_overflow_counted);
  g_test_add_func ("/store/guard/file-cannot-grow", test_file_cannot_grow);

  return g_test_run ();
}
