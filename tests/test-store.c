/* test-store.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lookout-store-private.h"
#include "lookout-store.h"
#include "lookout-store-private.h"
#include "lookout-test.h"

typedef struct
{
  LookoutTestDir *dir;
  char           *path;
} Fixture;

/* The store's directory does not exist yet: opening makes it. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = lookout_test_dir_new ();
  f->path = g_build_filename (f->dir, "sub", "lookout.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->dir, lookout_test_dir_free);
  g_free (f->path);
}

static LookoutStore *
open_store (const char *path)
{
  GError *error = NULL;
  LookoutStore *store = lookout_store_open_sync (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (LOOKOUT_IS_STORE (store));
  return store;
}

static gint64
sql_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static char *
sql_text (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
flush (LookoutStore *store)
{
  GError *error = NULL;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
}

static void
committed_cb (LookoutStore *store,
              guint64       seq,
              gpointer      user_data)
{
  GArray *seen = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_array_append_val (seen, seq);
}

static guint
count_samples (LookoutStore *store,
               gint64        target_id)
{
  g_autoptr(GArray) read = NULL;
  GError *error = NULL;

  read = lookout_store_query_samples_sync (store, target_id, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  return read->len;
}

static guint
count_rollups (LookoutStore            *store,
               gint64                   target_id,
               LookoutRollupResolution  resolution)
{
  g_autoptr(GArray) read = NULL;
  GError *error = NULL;

  read = lookout_store_query_rollups_sync (store, target_id, resolution, 0, G_MAXINT64,
                                           NULL, &error);
  g_assert_no_error (error);
  return read->len;
}

/* ---- schema ---- */

static void
test_create_empty (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LookoutStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *mode = NULL;

  /* An existing empty file is a new database. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));

  store = open_store (f->path);
  g_assert_cmpstr (lookout_store_get_path (store), ==, f->path);

  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());
  mode = sql_text (f->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (sql_int (f->path,
                            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                            " ('targets', 'sample_log', 'sample_chunks', 'rollup_minute', 'rollup_hour',"
                            "  'rollup_day', 'events', 'geo_cache')"), ==, 8);
  lookout_store_close (store);
  lookout_store_close (store);

  /* Opening again migrates nothing and keeps the version. */
  g_clear_object (&store);
  store = open_store (f->path);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());
}

static void
test_refuse_too_new (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  GError *error = NULL;
  LookoutStore *store;
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 42",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpint (sql_int (f->path, "PRAGMA user_version"), ==, 42);
}

static void
test_refuse_garbage (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *after = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 garbage[8192];
  g_autoptr(GAsyncResult) result = NULL;
  gsize after_len;
  GError *error = NULL;
  LookoutStore *store;

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = g_rand_int_range (rand, 0, 256);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->path, (char *) garbage, sizeof garbage, NULL));

  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (garbage, sizeof garbage, after, after_len);

  /* Also through the async path. */
  lookout_store_open_async (f->path, NULL, lookout_test_async_cb, &result);
  store = lookout_store_open_finish (lookout_test_wait_result (&result), &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
}

static void
test_open_async (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint64));
  GError *error = NULL;
  LookoutSample s = { 1, 1000, 500, LOOKOUT_TARGET_STATE_UP, 0, NULL };

  lookout_store_open_async (f->path, NULL, lookout_test_async_cb, &result);
  store = lookout_store_open_finish (lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (LOOKOUT_IS_STORE (store));

  /* "committed" comes on the context the store was opened from. */
  g_signal_connect (store, "committed", G_CALLBACK (committed_cb), seen);
  g_assert_cmpuint (lookout_store_append_sample (store, &s), ==, 1);
  LOOKOUT_TEST_WAIT (seen->len > 0);
  g_assert_cmpuint (g_array_index (seen, guint64, 0), ==, 1);
}

/* ---- samples ---- */

static void
test_roundtrip (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(GArray) read = NULL;
  GError *error = NULL;
  const LookoutSample samples[] = {
    { 3, 1000, 1234, LOOKOUT_TARGET_STATE_UP, 200, NULL },
    { 3, 2000, -1, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_SAMPLE_NO_CODE, (char *) "connection refused" },
    { 3, 3000, 0, LOOKOUT_TARGET_STATE_UP, LOOKOUT_SAMPLE_NO_CODE, NULL },
    { 3, 4000, 9000000000, LOOKOUT_TARGET_STATE_DEGRADED, 503, (char *) "status 503 « Service Unavailable »" },
    { 3, 5000, -1, LOOKOUT_TARGET_STATE_UNKNOWN, -2, NULL },
    { 4, 1500, 77, LOOKOUT_TARGET_STATE_UP, LOOKOUT_SAMPLE_NO_CODE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    g_assert_cmpuint (lookout_store_append_sample (store, &samples[i]), ==, i + 1);
  flush (store);
  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, G_N_ELEMENTS (samples));

  read = lookout_store_query_samples_sync (store, 3, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 5);
  for (guint i = 0; i < read->len; i++)
    {
      const LookoutSample *r = &g_array_index (read, LookoutSample, i);

      g_assert_cmpint (r->target_id, ==, samples[i].target_id);
      g_assert_cmpint (r->ts_ms, ==, samples[i].ts_ms);
      g_assert_cmpint (r->latency_us, ==, samples[i].latency_us);
      g_assert_cmpint (r->state, ==, samples[i].state);
      g_assert_cmpint (r->code, ==, samples[i].code);
      g_assert_cmpstr (r->error, ==, samples[i].error);
    }
  g_clear_pointer (&read, g_array_unref);

  /* from inclusive, to exclusive */
  read = lookout_store_query_samples_sync (store, 3, 2000, 4000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 2);
  g_assert_cmpint (g_array_index (read, LookoutSample, 0).ts_ms, ==, 2000);
  g_assert_cmpint (g_array_index (read, LookoutSample, 1).ts_ms, ==, 3000);

  /* Absent values cost next to nothing: the six results, two of them
   * without latency, three without code, four without error, take one
   * packed row of the log of unsealed results, a few bytes each besides
   * the error texts. */
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sample_log"), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT sum(n) FROM sample_log"), ==, 6);
  g_assert_cmpint (sql_int (f->path, "SELECT length(data) FROM sample_log"), <,
                   6 * 12 + strlen ("connection refused") + strlen (samples[3].error));
}

static void
test_persistence (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(GArray) read = NULL;
  g_autofree char *wal = NULL;
  GError *error = NULL;

  for (gint64 i = 0; i < 1000; i++)
    {
      LookoutSample s = { 1 + i % 2, 1700000000000 + i * 1000, i * 10,
                          i % 7 ? LOOKOUT_TARGET_STATE_UP : LOOKOUT_TARGET_STATE_DOWN,
                          0, i % 7 ? NULL : (char *) "timeout" };
      lookout_store_append_sample (store, &s);
    }
  lookout_store_append_event (store, 1, 1700000000000, "down", "went down");

  /* close() flushes what is queued. */
  lookout_store_close (store);
  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, 1000);
  g_assert_cmpuint (lookout_store_append_sample (store, &(LookoutSample) { 1, 1 }), ==, 0);
  g_assert_false (lookout_store_flush_sync (store, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_clear_object (&store);

  store = open_store (f->path);
  read = lookout_store_query_samples_sync (store, 2, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 500);
  for (guint i = 0; i < read->len; i++)
    {
      const LookoutSample *r = &g_array_index (read, LookoutSample, i);
      gint64 n = 2 * i + 1;

      g_assert_cmpint (r->ts_ms, ==, 1700000000000 + n * 1000);
      g_assert_cmpint (r->latency_us, ==, n * 10);
      g_assert_cmpstr (r->error, ==, n % 7 ? NULL : "timeout");
    }
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM events WHERE kind = 'down'"), ==, 1);

  /* Closed after reading: everything is back in the file, no WAL left. */
  lookout_store_close (store);
  wal = g_strconcat (f->path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* ---- rollups ---- */

typedef struct
{
  guint32 n, n_fail;
  gint64  min_us, max_us, sum_us;
} Expected;

static void
check_rollups (LookoutStore            *store,
               GArray                  *samples,
               gint64                   target_id,
               LookoutRollupResolution  res,
               gint64                   width)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GArray) rollups = NULL;
  GError *error = NULL;

  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *s = &g_array_index (samples, LookoutSample, i);
      gint64 bucket = s->ts_ms / width * width;
      Expected *e;

      if (s->target_id != target_id)
        continue;

      e = g_hash_table_lookup (expected, &bucket);
      if (e == NULL)
        {
          e = g_new0 (Expected, 1);
          e->min_us = e->max_us = -1;
          g_hash_table_insert (expected, g_memdup2 (&bucket, sizeof bucket), e);
        }
      e->n++;
      if (s->state == LOOKOUT_TARGET_STATE_DOWN)
        e->n_fail++;
      else if (s->latency_us >= 0)
        {
          e->min_us = e->min_us < 0 ? s->latency_us : MIN (e->min_us, s->latency_us);
          e->max_us = MAX (e->max_us, s->latency_us);
          e->sum_us += s->latency_us;
        }
    }

  rollups = lookout_store_query_rollups_sync (store, target_id, res, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rollups->len, ==, g_hash_table_size (expected));

  for (guint i = 0; i < rollups->len; i++)
    {
      const LookoutRollup *r = &g_array_index (rollups, LookoutRollup, i);
      const Expected *e = g_hash_table_lookup (expected, &r->bucket_ms);

      if (i > 0)
        g_assert_cmpint (r->bucket_ms, >, g_array_index (rollups, LookoutRollup, i - 1).bucket_ms);
      g_assert_nonnull (e);
      g_assert_cmpuint (r->n, ==, e->n);
      g_assert_cmpuint (r->n_fail, ==, e->n_fail);
      g_assert_cmpint (r->min_us, ==, e->min_us);
      g_assert_cmpint (r->max_us, ==, e->max_us);
      g_assert_cmpint (r->sum_us, ==, e->sum_us);
    }
}

static void
test_rollups_random (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  gint64 ts = 1700000000000;

  /* Three days of irregular samples for three targets, in several batches. */
  while (ts < 1700000000000 + 3 * 86400000)
    {
      LookoutSample s = { 0 };
      guint r = g_rand_int_range (rand, 0, 100);

      s.target_id = g_rand_int_range (rand, 1, 4);
      s.ts_ms = ts;
      s.state = r < 10 ? LOOKOUT_TARGET_STATE_DOWN
              : r < 15 ? LOOKOUT_TARGET_STATE_DEGRADED
              : r < 17 ? LOOKOUT_TARGET_STATE_UNKNOWN
              : LOOKOUT_TARGET_STATE_UP;
      s.latency_us = (r < 7 || r == 16) ? -1 : g_rand_int_range (rand, 0, 5000000);
      g_array_append_val (samples, s);
      lookout_store_append_sample (store, &s);

      ts += g_rand_int_range (rand, 1, 30000);
      if (samples->len % 3000 == 0)
        flush (store);
    }
  flush (store);
  g_test_message ("%u samples", samples->len);

  for (gint64 id = 1; id <= 3; id++)
    {
      check_rollups (store, samples, id, LOOKOUT_ROLLUP_MINUTE, 60000);
      check_rollups (store, samples, id, LOOKOUT_ROLLUP_HOUR, 3600000);
      check_rollups (store, samples, id, LOOKOUT_ROLLUP_DAY, 86400000);
    }

  /* A range read includes the bucket holding from_ms. */
  {
    g_autoptr(GArray) hours = NULL;
    GError *error = NULL;

    hours = lookout_store_query_rollups_sync (store, 1, LOOKOUT_ROLLUP_HOUR,
                                              1700000000000 + 3600000 + 1,
                                              1700000000000 + 3 * 3600000, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hours->len, >=, 2);
    g_assert_cmpint (g_array_index (hours, LookoutRollup, 0).bucket_ms, <=, 1700000000000 + 3600000 + 1);
  }

  /* The same sample twice is stored (and counted) once. */
  lookout_store_append_sample (store, &g_array_index (samples, LookoutSample, 0));
  flush (store);
  check_rollups (store, samples, g_array_index (samples, LookoutSample, 0).target_id,
                 LOOKOUT_ROLLUP_MINUTE, 60000);
}

/* ---- reads while writing ---- */

typedef struct
{
  LookoutStore *store;
  guint         pending;
  guint         reads;
  guint         max_seen;
  gboolean      stop;
} ReadState;

static void query_next (ReadState *st);

static void
samples_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ReadState *st = user_data;
  g_autoptr(GArray) samples = NULL;
  GError *error = NULL;

  samples = lookout_store_query_samples_finish (LOOKOUT_STORE (object), result, &error);
  g_assert_no_error (error);

  /* A snapshot of committed batches: ordered, no gaps, a prefix. */
  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *s = &g_array_index (samples, LookoutSample, i);

      g_assert_cmpint (s->ts_ms, ==, (gint64) i + 1);
      g_assert_cmpint (s->latency_us, ==, (gint64) i * 3);
    }
  st->max_seen = MAX (st->max_seen, samples->len);
  st->reads++;
  st->pending--;

  if (!st->stop)
    query_next (st);
}

static void
query_next (ReadState *st)
{
  st->pending++;
  lookout_store_query_samples_async (st->store, 9, 0, G_MAXINT64, NULL, samples_read_cb, st);
}

static void
test_read_while_writing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  ReadState st = { store };
  gint64 ts = 1;

  for (guint i = 0; i < 3; i++)
    query_next (&st);

  /* Batches keep committing (flush requests make many small ones) while
   * the readers run, until the readers have seen a good part of it. */
  while (ts <= 20000 || st.max_seen < 2000)
    {
      for (guint i = 0; i < 200; i++, ts++)
        {
          LookoutSample s = { 9, ts, (ts - 1) * 3, LOOKOUT_TARGET_STATE_UP, 0, NULL };
          lookout_store_append_sample (store, &s);
        }
      lookout_store_flush_async (store, NULL, NULL, NULL);
      lookout_test_drain ();
      g_usleep (1000);
    }
  st.stop = TRUE;
  LOOKOUT_TEST_WAIT (st.pending == 0);

  g_test_message ("%u reads, largest %u of %" G_GINT64_FORMAT " samples",
                  st.reads, st.max_seen, ts - 1);
  g_assert_cmpuint (st.reads, >=, 3);
  flush (store);

  {
    g_autoptr(GArray) all = lookout_store_query_samples_sync (store, 9, 0, G_MAXINT64, NULL, NULL);
    g_assert_cmpuint (all->len, ==, ts - 1);
  }
}

/* ---- committed and flush ---- */

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  GError *error = NULL;

  g_assert_true (lookout_store_flush_finish (LOOKOUT_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_committed_signal (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint64));
  gint64 start = g_get_monotonic_time ();
  gboolean done = FALSE;
  guint64 seq = 0;

  g_signal_connect (store, "committed", G_CALLBACK (committed_cb), seen);

  for (guint i = 1; i <= 10; i++)
    {
      LookoutSample s = { 1, i, i, LOOKOUT_TARGET_STATE_UP, 0, NULL };
      seq = lookout_store_append_sample (store, &s);
      g_assert_cmpuint (seq, ==, i);
    }
  g_assert_cmpuint (lookout_store_get_committed_seq (store), <, 10);

  /* Without a flush, the batch commits by itself within 250 ms. */
  LOOKOUT_TEST_WAIT (seen->len > 0 && g_array_index (seen, guint64, seen->len - 1) >= 10);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, 10);

  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpuint (g_array_index (seen, guint64, i), >, g_array_index (seen, guint64, i - 1));

  /* flush_async completes once what was queued before it is committed. */
  seq = lookout_store_append_sample (store, &(LookoutSample) { 1, 11, 11, LOOKOUT_TARGET_STATE_UP });
  lookout_store_flush_async (store, NULL, flushed_cb, &done);
  LOOKOUT_TEST_WAIT (done);
  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, seq);

  /* The last commit is announced on close too. */
  seq = lookout_store_append_sample (store, &(LookoutSample) { 1, 12, 12, LOOKOUT_TARGET_STATE_UP });
  lookout_store_close (store);
  g_assert_cmpuint (g_array_index (seen, guint64, seen->len - 1), ==, seq);
}

/* What is queued in a group commits in one transaction: the writer takes
 * what came before the group, then waits for the group's end, even when a
 * flush is asked for inside it. */
static void
test_group (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  gboolean done = FALSE;
  guint64 before, last = 0;

  before = lookout_store_append_sample (store, &(LookoutSample) { 1, 1, 1, LOOKOUT_TARGET_STATE_UP });
  lookout_store_begin_group (store);
  lookout_store_begin_group (store);
  for (guint i = 2; i <= 5; i++)
    last = lookout_store_append_sample (store, &(LookoutSample) { 1, i, i, LOOKOUT_TARGET_STATE_UP });
  lookout_store_end_group (store);
  lookout_store_flush_async (store, NULL, flushed_cb, &done);

  LOOKOUT_TEST_WAIT (lookout_store_get_committed_seq (store) == before);
  g_assert_false (done);
  g_assert_cmpuint (count_samples (store, 1), ==, 1);

  lookout_store_end_group (store);
  LOOKOUT_TEST_WAIT (done);
  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, last);
  g_assert_cmpuint (count_samples (store, 1), ==, 5);
}

/* ---- orphans ---- */

static void
purged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  GError *error = NULL;

  g_assert_true (lookout_store_purge_orphans_finish (LOOKOUT_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
deleted_missing_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  gboolean *done = user_data;
  GError *error = NULL;

  g_assert_false (lookout_store_delete_target_finish (LOOKOUT_STORE (object), result, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  *done = TRUE;
}

static void
test_purge_orphans (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  gboolean done = FALSE;
  sqlite3 *db = NULL;

  /* A target row written by someone else (the agent, an older run). */
  flush (store);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO targets (id, uri, interval_s, timeout_ms,"
                                 " fail_threshold, created_at) VALUES (5, 'icmp://127.0.0.1', 1, 1000, 3, 0)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  for (gint64 i = 0; i < 100; i++)
    {
      lookout_store_append_sample (store, &(LookoutSample) { 5, i * 1000, 10, LOOKOUT_TARGET_STATE_UP });
      lookout_store_append_sample (store, &(LookoutSample) { 6, i * 1000, 10, LOOKOUT_TARGET_STATE_UP });
    }
  lookout_store_append_event (store, 6, 0, "up", NULL);
  lookout_store_append_event (store, 5, 0, "up", NULL);

  lookout_store_delete_target_async (store, 6, NULL, deleted_missing_cb, &done);
  LOOKOUT_TEST_WAIT (done);

  done = FALSE;
  lookout_store_purge_orphans_async (store, NULL, purged_cb, &done);
  LOOKOUT_TEST_WAIT (done);

  g_assert_cmpuint (count_samples (store, 6), ==, 0);
  g_assert_cmpuint (count_samples (store, 5), ==, 100);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM sample_chunks WHERE target_id = 6"), ==, 0);
  g_assert_cmpuint (count_rollups (store, 6, LOOKOUT_ROLLUP_MINUTE), ==, 0);
  g_assert_cmpuint (count_rollups (store, 5, LOOKOUT_ROLLUP_DAY), ==, 1);
  g_assert_cmpint (sql_int (f->path, "SELECT count(*) FROM events"), ==, 1);
}

/* ---- targets ---- */

static LookoutTarget *
find_in (GPtrArray *targets,
         gint64     id)
{
  for (guint i = 0; i < targets->len; i++)
    if (lookout_target_get_id (g_ptr_array_index (targets, i)) == id)
      return g_ptr_array_index (targets, i);
  return NULL;
}

static void
test_targets_crud (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(LookoutTarget) web = NULL;
  g_autoptr(LookoutTarget) dns = NULL;
  g_autoptr(LookoutTarget) later = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GArray) history = NULL;
  GError *error = NULL;
  LookoutTarget *t;
  gint64 web_id, dns_id;

  web = lookout_target_new_from_string ("https://example.org/health", &error);
  g_assert_no_error (error);
  lookout_target_set_name (web, "Example");
  lookout_target_set_interval (web, 15);
  lookout_target_set_timeout (web, 3000);
  lookout_target_set_fail_threshold (web, 4);
  lookout_target_set_options (web, "{\"accept\":\"200-299\"}");
  lookout_target_set_location (web, 48.85, 2.35, "manual");
  g_assert_true (lookout_store_insert_target_sync (store, web, &error));
  g_assert_no_error (error);
  web_id = lookout_target_get_id (web);
  g_assert_cmpint (web_id, >, 0);
  g_assert_cmpint (lookout_target_get_created_at (web), >, 0);

  /* The async insert sets the id on this context, before the callback. */
  dns = lookout_target_new_from_string ("dns://127.0.0.1:5353/example.test?type=AAAA", &error);
  g_assert_no_error (error);
  lookout_target_set_enabled (dns, FALSE);
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_insert_target_async (store, dns, NULL, lookout_test_async_cb, &result);
    g_assert_cmpint (lookout_target_get_id (dns), ==, 0);
    lookout_test_wait_result (&result);
    g_assert_cmpint (lookout_target_get_id (dns), >, web_id);
    g_assert_true (lookout_store_insert_target_finish (store, result, &error));
    g_assert_no_error (error);
  }
  dns_id = lookout_target_get_id (dns);

  for (gint64 i = 1; i <= 30; i++)
    lookout_store_append_sample (store, &(LookoutSample) { dns_id, i * 1000, i * 100, LOOKOUT_TARGET_STATE_UP });

  /* Update */
  lookout_target_set_interval (web, 120);
  lookout_target_set_name (web, "Example (renamed)");
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_update_target_async (store, web, NULL, lookout_test_async_cb, &result);
    g_assert_true (lookout_store_update_target_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }

  /* Persistence across close and reopen. */
  lookout_store_close (store);
  g_clear_object (&store);
  store = open_store (f->path);

  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_load_targets_async (store, NULL, lookout_test_async_cb, &result);
    loaded = lookout_store_load_targets_finish (store, lookout_test_wait_result (&result), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (loaded->len, ==, 2);
  t = find_in (loaded, web_id);
  g_assert_nonnull (t);
  g_assert_cmpstr (lookout_target_get_uri_string (t), ==, lookout_target_get_uri_string (web));
  g_assert_cmpstr (lookout_target_get_name (t), ==, "Example (renamed)");
  g_assert_cmpuint (lookout_target_get_interval (t), ==, 120);
  g_assert_cmpuint (lookout_target_get_timeout (t), ==, 3000);
  g_assert_cmpuint (lookout_target_get_fail_threshold (t), ==, 4);
  g_assert_true (lookout_target_get_enabled (t));
  g_assert_cmpstr (lookout_target_get_options (t), ==, "{\"accept\":\"200-299\"}");
  g_assert_cmpint (lookout_target_get_created_at (t), ==, lookout_target_get_created_at (web));
  g_assert_cmpfloat_with_epsilon (lookout_target_get_latitude (t), 48.85, 1e-9);
  g_assert_cmpfloat_with_epsilon (lookout_target_get_longitude (t), 2.35, 1e-9);
  g_assert_cmpstr (lookout_target_get_location_source (t), ==, "manual");
  t = find_in (loaded, dns_id);
  g_assert_nonnull (t);
  g_assert_false (lookout_target_get_enabled (t));
  g_assert_cmpstr (lookout_target_get_uri_string (t), ==, lookout_target_get_uri_string (dns));
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Delete: the row only. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_delete_target_async (store, dns_id, NULL, lookout_test_async_cb, &result);
    g_assert_true (lookout_store_delete_target_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }
  loaded = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
  g_clear_pointer (&loaded, g_ptr_array_unref);
  history = lookout_store_query_samples_sync (store, dns_id, 0, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (history->len, ==, 30);
  g_clear_pointer (&history, g_array_unref);

  /* A new target never takes a removed target's id (and its history). */
  later = lookout_target_new_from_string ("ntp://127.0.0.1:1123", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (store, later, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookout_target_get_id (later), >, dns_id);

  /* Reinsert with its id: the history is its own again. */
  g_assert_true (lookout_store_insert_target_sync (store, dns, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lookout_target_get_id (dns), ==, dns_id);

  /* Not twice. */
  g_assert_false (lookout_store_insert_target_sync (store, dns, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_purge_orphans_async (store, NULL, lookout_test_async_cb, &result);
    g_assert_true (lookout_store_purge_orphans_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }
  history = lookout_store_query_samples_sync (store, dns_id, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 30);
  g_clear_pointer (&history, g_array_unref);

  /* Updating a target that is not stored. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_delete_target_async (store, dns_id, NULL, NULL, NULL);
    lookout_store_update_target_async (store, dns, NULL, lookout_test_async_cb, &result);
    g_assert_false (lookout_store_update_target_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* And after purging, a removed target's history is gone. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_purge_orphans_async (store, NULL, lookout_test_async_cb, &result);
    g_assert_true (lookout_store_purge_orphans_finish (store, lookout_test_wait_result (&result), &error));
  }
  history = lookout_store_query_samples_sync (store, dns_id, 0, G_MAXINT64, NULL, &error);
  g_assert_cmpuint (history->len, ==, 0);
}

static void
test_targets_cancel (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:8080", NULL);
  g_autoptr(GPtrArray) loaded = NULL;
  GError *error = NULL;

  /* Cancelled before: nothing is written. */
  g_cancellable_cancel (cancellable);
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_insert_target_async (store, target, cancellable, lookout_test_async_cb, &result);
    g_assert_false (lookout_store_insert_target_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  g_assert_cmpint (lookout_target_get_id (target), ==, 0);

  /* Cancelled once queued: the write is done and reported done. */
  g_cancellable_reset (cancellable);
  {
    g_autoptr(GAsyncResult) result = NULL;

    lookout_store_insert_target_async (store, target, cancellable, lookout_test_async_cb, &result);
    g_cancellable_cancel (cancellable);
    g_assert_true (lookout_store_insert_target_finish (store, lookout_test_wait_result (&result), &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (lookout_target_get_id (target), >, 0);

  loaded = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 1);
}

/* ---- default path ---- */

/* ---- backup ---- */

/* A copy made while the store is open and samples keep coming holds every
 * target, sample and event committed before it began, and opens as a
 * Lookout database of its own. */
static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LookoutStore) store = open_store (f->path);
  g_autoptr(LookoutStore) copy = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:5432", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GArray) events = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *partial = g_strconcat (dest, ".partial", NULL);
  GError *error = NULL;
  gint64 id;

  g_assert_true (lookout_store_insert_target_sync (store, target, &error));
  g_assert_no_error (error);
  id = lookout_target_get_id (target);
  for (gint64 i = 0; i < 3000; i++)
    {
      LookoutSample s = { id, 1700000000000 + i * 1000, 100 + i,
                          i % 10 ? LOOKOUT_TARGET_STATE_UP : LOOKOUT_TARGET_STATE_DEGRADED,
                          200, NULL };
      lookout_store_append_sample (store, &s);
    }
  lookout_store_append_event (store, id, 1700000000000, "down", "went down");

  /* queued, not committed yet: the backup commits them first */
  lookout_store_backup_async (store, dest, NULL, lookout_test_async_cb, &result);
  for (gint64 i = 3000; i < 3100; i++)
    lookout_store_append_sample (store, &(LookoutSample) { id, 1700000000000 + i * 1000, 7,
                                                           LOOKOUT_TARGET_STATE_UP });
  g_assert_true (lookout_store_backup_finish (store, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_int (dest, "PRAGMA application_id"), ==, LOOKOUT_STORE_APPLICATION_ID);
  g_assert_cmpstr (sql_text (dest, "PRAGMA journal_mode"), ==, "delete");

  copy = open_store (dest);
  targets = lookout_store_load_targets_sync (copy, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 1);
  g_assert_cmpstr (lookout_target_get_uri_string (targets->pdata[0]), ==, "tcp://127.0.0.1:5432");
  g_assert_cmpuint (count_samples (copy, id), >=, 3000);
  g_assert_cmpuint (count_samples (copy, id), <=, 3100);
  events = lookout_store_query_events_sync (copy, id, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  lookout_store_close (copy);

  /* never over the database itself */
  g_clear_object (&result);
  lookout_store_backup_async (store, f->path, NULL, lookout_test_async_cb, &result);
  g_assert_false (lookout_store_backup_finish (store, lookout_test_wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  /* a folder that cannot be written: a message, and the old copy kept */
  g_clear_pointer (&dest, g_free);
  dest = g_build_filename (f->dir, "missing", "backup.db", NULL);
  g_clear_object (&result);
  lookout_store_backup_async (store, dest, NULL, lookout_test_async_cb, &result);
  g_assert_false (lookout_store_backup_finish (store, lookout_test_wait_result (&result), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, dest));
  g_clear_error (&error);

  lookout_store_close (store);
}

static void
test_default_path (void)
{
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  /* setenv() is for a process without other threads. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("LOOKOUT_DATA_DIR", "/tmp/lookout-data-dir", TRUE);
  path = lookout_store_dup_default_path ();
  g_assert_cmpstr (path, ==, "/tmp/lookout-data-dir/lookout.db");
  g_clear_pointer (&path, g_free);

  g_unsetenv ("LOOKOUT_DATA_DIR");
  path = lookout_store_dup_default_path ();
  expected = g_build_filename (g_get_user_data_dir (), "lookout", "lookout.db", NULL);
  g_assert_cmpstr (path, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/schema/create-empty", test_create_empty);
  ADD ("/store/schema/refuse-too-new", test_refuse_too_new);
  ADD ("/store/schema/refuse-garbage", test_refuse_garbage);
  ADD ("/store/open-async", test_open_async);
  ADD ("/store/samples/roundtrip", test_roundtrip);
  ADD ("/store/samples/persistence", test_persistence);
  ADD ("/store/rollups/random", test_rollups_random);
  ADD ("/store/samples/read-while-writing", test_read_while_writing);
  ADD ("/store/committed-signal", test_committed_signal);
  ADD ("/store/group", test_group);
  ADD ("/store/targets/purge-orphans", test_purge_orphans);
  ADD ("/store/targets/crud", test_targets_crud);
  ADD ("/store/targets/cancel", test_targets_cancel);
  ADD ("/store/backup", test_backup);
  g_test_add_func ("/store/default-path", test_default_path);

  return g_test_run ();
}
