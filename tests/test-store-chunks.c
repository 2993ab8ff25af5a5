/* test-store-chunks.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The chunk store through the store's API: results that arrive late, out of
 * order or twice land once and in place, before and after sealing and
 * across a restart, with rollups that agree; and a row-store file is moved
 * into chunks in the background, surviving a kill half way. */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "lookout-export.h"
#include "lookout-stats.h"
#include "lookout-store-private.h"
#include "lookout-test.h"

#define T0_MS G_GINT64_CONSTANT (1700000000000)

static LookoutSample
sample_at (gint64 target_id,
           gint64 i)
{
  return (LookoutSample) {
    .target_id = target_id,
    .ts_ms = T0_MS + i * 1000,
    .latency_us = i % 13 == 0 ? -1 : 1000 + i % 977,
    .state = i % 13 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
    .code = i % 5 == 0 ? 200 : 0,
    .error = i % 13 == 0 ? (char *) "timed out" : NULL,
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };
}

static void
assert_same_echo (const LookoutSample *got,
                  const LookoutSample *want)
{
  g_assert_cmpuint (got->sent, ==, want->sent);
  g_assert_cmpuint (got->received, ==, want->received);
  g_assert_cmpint (got->min_us, ==, want->min_us);
  g_assert_cmpint (got->max_us, ==, want->max_us);
  g_assert_cmpint (got->jitter_us, ==, want->jitter_us);
}

static void
assert_stored (LookoutStore *store,
               gint64        target_id,
               gint64        n)
{
  g_autoptr(GArray) read = NULL;
  g_autoptr(GArray) minutes = NULL;
  GError *error = NULL;
  guint64 total = 0;

  read = lookout_store_query_samples_sync (store, target_id, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, n);
  for (gint64 i = 0; i < n; i++)
    {
      LookoutSample want = sample_at (target_id, i);
      const LookoutSample *got = &g_array_index (read, LookoutSample, i);

      g_assert_cmpint (got->ts_ms, ==, want.ts_ms);
      g_assert_cmpint (got->latency_us, ==, want.latency_us);
      g_assert_cmpint (got->state, ==, want.state);
      g_assert_cmpint (got->code, ==, want.code);
      g_assert_cmpstr (got->error, ==, want.error);
      assert_same_echo (got, &want);
    }

  /* Each sample counted once in the rollups too. */
  minutes = lookout_store_query_rollups_sync (store, target_id, LOOKOUT_ROLLUP_MINUTE,
                                              0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < minutes->len; i++)
    total += g_array_index (minutes, LookoutRollup, i).n;
  g_assert_cmpuint (total, ==, n);
}

static void
append (LookoutStore  *store,
        LookoutSample  s)
{
  lookout_store_append_sample (store, &s);
}

static void
flush (LookoutStore *store)
{
  GError *error = NULL;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
}

/* 3,000 results (several chunks' worth) appended in a shuffled order, every
 * tenth twice; then all of them again after a restart. */
static void
test_late_and_repeated (LookoutTestStore *tmp,
                        gconstpointer     data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree gint64 *order = g_new (gint64, 3000);
  LookoutStore *store = tmp->store;

  for (gint64 i = 0; i < 3000; i++)
    order[i] = i;
  for (guint i = 2999; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gint64 t = order[i];

      order[i] = order[j];
      order[j] = t;
    }

  /* The first half in order and sealed; the second half late and shuffled
   * among repeats of the first. */
  for (gint64 i = 0; i < 1500; i++)
    append (store, sample_at (1, i));
  flush (store);
  for (guint k = 0; k < 3000; k++)
    {
      LookoutSample s = sample_at (1, order[k]);

      lookout_store_append_sample (store, &s);
      if (k % 10 == 0)
        lookout_store_append_sample (store, &s);
      if (k % 700 == 0)
        flush (store);
    }
  flush (store);
  assert_stored (store, 1, 3000);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 3000);

  for (gint64 i = 2999; i >= 0; i--)
    append (store, sample_at (1, i));
  flush (store);
  assert_stored (store, 1, 3000);
}

/* One target sealed, another not, results of both in the same commits: a
 * restart rebuilds the unsealed part only, and nothing comes twice. */
static void
test_restart_after_sealing (LookoutTestStore *tmp,
                            gconstpointer     data)
{
  LookoutStore *store = tmp->store;

  for (gint64 i = 0; i < 2000; i++)
    {
      append (store, sample_at (1, i));
      if (i % 200 == 0)
        append (store, sample_at (2, i / 200));
      if (i % 50 == 49)
        flush (store);
    }
  flush (store);
  assert_stored (store, 1, 2000);
  assert_stored (store, 2, 10);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 2000);
  assert_stored (store, 2, 10);

  /* And once more with both carrying on. */
  for (gint64 i = 2000; i < 2500; i++)
    append (store, sample_at (1, i));
  append (store, sample_at (2, 10));
  flush (store);
  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 2500);
  assert_stored (store, 2, 11);
}

static void
progress_notified_cb (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  GArray *seen = user_data;
  double progress = lookout_store_get_migration_progress (LOOKOUT_STORE (object));

  g_array_append_val (seen, progress);
}

/* A schema 1 file with 4 targets × 50,000 results; a first process is
 * killed once the move into chunks has started, a second one finishes it. */
static void
test_migration_killed (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  GError *error = NULL;
  sqlite3 *db = NULL;
  int status;
  pid_t pid;

  lookout_test_store_write_v1 (tmp, 4, 50000);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      LookoutStore *child = lookout_store_open_sync (tmp->path, NULL, NULL);

      if (child == NULL)
        _exit (2);
      while (lookout_store_get_migration_progress (child) < 0.3)
        g_main_context_iteration (NULL, TRUE);
      kill (getpid (), SIGKILL);
      _exit (3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  store = lookout_store_open_sync (tmp->path, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "notify::migration-progress", G_CALLBACK (progress_notified_cb), seen);

  /* Readable at once, half moved or not. */
  assert_stored (store, 2, 50000);

  LOOKOUT_TEST_WAIT (lookout_store_get_migration_progress (store) == 1.0);
  g_assert_cmpuint (seen->len, >=, 1);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));

  for (gint64 t = 1; t <= 4; t++)
    assert_stored (store, t, 50000);

  /* A result of the old file arriving again is still a repeat. */
  append (store, sample_at (3, 777));
  flush (store);
  assert_stored (store, 3, 50000);
  lookout_store_close (store);

  g_assert_cmpint (sqlite3_open (tmp->path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name = 'samples'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

/* A ping every 10 s, 3 echoes a round: one round lost whole, one with an
 * echo lost. */
static LookoutSample
ping_at (gint64 i)
{
  gint64 latency = 15000 + i;

  if (i == 2)
    return (LookoutSample) {
      .target_id = 5, .ts_ms = T0_MS + i * 10000, .latency_us = -1,
      .state = LOOKOUT_TARGET_STATE_DOWN, .code = LOOKOUT_SAMPLE_NO_CODE,
      .error = (char *) "no reply", .sent = 3, .received = 0,
      .min_us = -1, .max_us = -1, .jitter_us = -1,
    };

  return (LookoutSample) {
    .target_id = 5, .ts_ms = T0_MS + i * 10000, .latency_us = latency,
    .state = LOOKOUT_TARGET_STATE_UP, .code = LOOKOUT_SAMPLE_NO_CODE,
    .sent = 3, .received = i == 3 ? 2 : 3,
    .min_us = latency - 100, .max_us = latency + 200 + i, .jitter_us = 30 + i,
  };
}

/* What the store gives back of the pings, and their export: min, max,
 * jitter and loss filled. */
static void
assert_pings (LookoutStore *store,
              const gint64 *at,
              guint         n)
{
  g_autoptr(GArray) read = NULL;
  g_autoptr(GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_auto(GStrv) lines = NULL;
  GError *error = NULL;

  read = lookout_store_query_samples_sync (store, 5, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, n);
  for (guint k = 0; k < n; k++)
    {
      LookoutSample want = ping_at (at[k]);
      const LookoutSample *got = &g_array_index (read, LookoutSample, k);

      g_assert_cmpint (got->ts_ms, ==, want.ts_ms);
      g_assert_cmpint (got->latency_us, ==, want.latency_us);
      g_assert_cmpint (got->state, ==, want.state);
      g_assert_cmpstr (got->error, ==, want.error);
      assert_same_echo (got, &want);
    }

  g_assert_true (lookout_export_write_samples (csv, LOOKOUT_EXPORT_CSV, "icmp://192.0.2.5",
                                               G_MININT64, G_MAXINT64,
                                               (const LookoutSample *) read->data, read->len,
                                               NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (csv, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (csv, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)), "\r\n", -1);
  g_assert_true (g_str_has_suffix (lines[1], ",15.000,,,14.900,15.200,0.030,3,3,0.0,local"));
  g_assert_true (g_str_has_suffix (lines[3], ",down,,,no reply,,,,3,0,100.0,local"));
  g_assert_true (g_str_has_suffix (lines[4], ",15.003,,,14.903,15.206,0.033,3,2,33.3,local"));
}

/* A ping's echo figures come back from the store: from the head, from the
 * log after a restart, and from a sealed chunk. */
static void
test_ping_figures (LookoutTestStore *tmp,
                   gconstpointer     data)
{
  static const gint64 at[] = { 0, 1, 2, 3, 2160 };
  LookoutStore *store = tmp->store;

  for (guint k = 0; k < 4; k++)
    append (store, ping_at (at[k]));
  flush (store);
  assert_pings (store, at, 4);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_pings (store, at, 4);

  /* Six hours on: the target's head spans the sealing span. */
  append (store, ping_at (at[4]));
  flush (store);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_chunks WHERE target_id = 5"), >, 0);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_log"), ==, 0);
  assert_pings (store, at, 5);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_pings (store, at, 5);
}

/* A file of the first chunk store kept a minute row for every sealed
 * sample; reads now take those minutes from the samples. Opened again, such
 * a file counts each sample once. */
static void
test_minutes_of_first_chunk_store (LookoutTestStore *tmp,
                                   gconstpointer     data)
{
  sqlite3 *db = NULL;
  GError *error = NULL;

  for (gint64 i = 0; i < 2500; i++)
    append (tmp->store, sample_at (1, i));
  flush (tmp->store);
  lookout_test_store_close (tmp);

  /* As that store left it: the sealed samples' minutes in the table. */
  g_assert_cmpint (sqlite3_open (tmp->path, &db), ==, SQLITE_OK);
  for (gint64 i = 0; i < 2200; i++)
    {
      LookoutSample s = sample_at (1, i);
      g_autofree char *sql = g_strdup_printf (
        "INSERT INTO rollup_minute (target_id, bucket, n, n_fail, min_us, max_us, sum_us)"
        " VALUES (1, %" G_GINT64_FORMAT ", 1, %d, %s, %s, %" G_GINT64_FORMAT ")"
        " ON CONFLICT (target_id, bucket) DO UPDATE SET n = n + 1, n_fail = n_fail + excluded.n_fail,"
        " sum_us = sum_us + excluded.sum_us",
        s.ts_ms / 60000 * 60000, s.state == LOOKOUT_TARGET_STATE_DOWN,
        s.latency_us < 0 ? "NULL" : "1", s.latency_us < 0 ? "NULL" : "1",
        MAX (s.latency_us, 0));

      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  /* The schema step that opening such a file runs. */
  g_assert_true (lookout_store_samples_migrate_4 (db, &error));
  g_assert_no_error (error);
  sqlite3_close (db);

  assert_stored (lookout_test_store_open (tmp), 1, 2500);
}

/* ---- a remote agent's back-fill ---- */

#define N_BACKFILL 3000

/* The i-th result of target 7 from @location (NULL: checked here). Paris
 * checks at the same millisecond as here every fifth time, so its late
 * results also start chunks where local chunks start. */
static LookoutSample
located_at (const char *location,
            gint64      i)
{
  LookoutSample s = sample_at (7, i);

  s.location = (char *) location;
  if (location != NULL)
    {
      s.ts_ms += i % 5 == 0 ? 0 : 500;
      s.latency_us = s.latency_us < 0 ? -1 : s.latency_us + 40000;
    }
  return s;
}

static int
compare_located (gconstpointer a,
                 gconstpointer b)
{
  const LookoutSample *x = a, *y = b;

  if (x->ts_ms != y->ts_ms)
    return x->ts_ms < y->ts_ms ? -1 : 1;
  return g_strcmp0 (x->location, y->location);
}

/* Every reader gives each result once, in time order, with where it was
 * checked from; rollups and statistics count each once. */
static void
assert_located (LookoutStore *store,
                GArray       *want)
{
  g_autoptr(GArray) read = NULL;
  g_autoptr(GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_autofree LookoutStats *stats = NULL;
  g_auto(GStrv) lines = NULL;
  GError *error = NULL;
  guint64 n_fail = 0, n_paris = 0;

  read = lookout_store_query_samples_sync (store, 7, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_array_sort (read, compare_located);   /* ties (one ms, two places) in a known order */
  g_assert_cmpuint (read->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      const LookoutSample *got = &g_array_index (read, LookoutSample, i);
      const LookoutSample *w = &g_array_index (want, LookoutSample, i);

      g_assert_cmpint (got->ts_ms, ==, w->ts_ms);
      g_assert_cmpstr (got->location, ==, w->location);
      g_assert_cmpint (got->latency_us, ==, w->latency_us);
      g_assert_cmpint (got->state, ==, w->state);
      g_assert_cmpstr (got->error, ==, w->error);
      n_fail += w->state == LOOKOUT_TARGET_STATE_DOWN;
      n_paris += g_strcmp0 (w->location, "paris") == 0;
    }

  /* In time order as read, before the test's own sort. */
  g_clear_pointer (&read, g_array_unref);
  read = lookout_store_query_samples_sync (store, 7, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 1; i < read->len; i++)
    g_assert_cmpint (g_array_index (read, LookoutSample, i - 1).ts_ms, <=,
                     g_array_index (read, LookoutSample, i).ts_ms);

  for (LookoutRollupResolution res = LOOKOUT_ROLLUP_MINUTE; res <= LOOKOUT_ROLLUP_DAY; res++)
    {
      static const gint64 widths[] = { 60000, 3600000, 86400000 };
      g_autoptr(GArray) got = lookout_store_query_rollups_sync (store, 7, res, 0, G_MAXINT64, NULL, &error);
      g_autoptr(GArray) computed = lookout_test_compute_rollups (want, NULL, widths[res]);

      g_assert_no_error (error);
      g_assert_cmpuint (got->len, ==, computed->len);
      for (guint i = 0; i < got->len; i++)
        {
          const LookoutRollup *a = &g_array_index (got, LookoutRollup, i);
          const LookoutRollup *b = &g_array_index (computed, LookoutRollup, i);

          g_assert_cmpint (a->bucket_ms, ==, b->bucket_ms);
          g_assert_cmpuint (a->n, ==, b->n);
          g_assert_cmpuint (a->n_fail, ==, b->n_fail);
          g_assert_cmpint (a->min_us, ==, b->min_us);
          g_assert_cmpint (a->max_us, ==, b->max_us);
          g_assert_cmpint (a->sum_us, ==, b->sum_us);
        }
    }

  stats = lookout_stats_fetch_sync (store, 7, T0_MS, T0_MS + N_BACKFILL * 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->n, ==, want->len);
  g_assert_cmpuint (stats->n_fail, ==, n_fail);

  /* The export says where each result came from. */
  g_assert_true (lookout_export_write_samples (csv, LOOKOUT_EXPORT_CSV, "https://example.org/",
                                               G_MININT64, G_MAXINT64,
                                               (const LookoutSample *) read->data, read->len,
                                               NULL, &error));
  g_assert_true (g_output_stream_write_all (csv, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (csv, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)), "\r\n", -1);
  g_assert_true (g_str_has_suffix (lines[0], ",loss_percent,location"));
  g_assert_cmpuint (g_strv_length (lines), ==, want->len + 2);
  for (guint i = 1; i <= want->len; i++)
    n_paris -= g_str_has_suffix (lines[i], ",paris");
  g_assert_cmpuint (n_paris, ==, 0);
}

/* Results checked here arrive in order and are sealed; a remote agent's
 * back-fill of the same time then arrives late, shuffled and partly twice,
 * some at the very millisecond of local ones, and lands once each, in
 * place, before and after a restart. Chunks of local results alone keep
 * the format they always had. */
static void
test_back_fill_located (LookoutTestStore *tmp,
                        gconstpointer     data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree gint64 *order = g_new (gint64, N_BACKFILL);
  g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  LookoutStore *store = tmp->store;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n_v2 = 0, n_v3 = 0;

  /* A target checked here only, sealed. */
  for (gint64 i = 0; i < 1200; i++)
    append (store, sample_at (8, i));

  for (gint64 i = 0; i < N_BACKFILL; i++)
    {
      LookoutSample here = located_at (NULL, i), there = located_at ("paris", i);

      append (store, here);
      g_array_append_val (want, here);
      g_array_append_val (want, there);
      if (i % 100 == 99)
        flush (store);
      order[i] = i;
    }
  g_array_sort (want, compare_located);

  for (guint i = N_BACKFILL - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gint64 t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
  for (guint k = 0; k < N_BACKFILL; k++)
    {
      append (store, located_at ("paris", order[k]));
      if (k % 10 == 0)
        append (store, located_at ("paris", order[(k * 7) % N_BACKFILL]));
      if (k % 400 == 0)
        flush (store);
    }
  flush (store);
  assert_located (store, want);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_located (store, want);

  /* All of it once more, newest first: nothing lands twice. */
  for (gint64 i = N_BACKFILL - 1; i >= 0; i--)
    {
      append (store, located_at ("paris", i));
      append (store, located_at (NULL, i));
    }
  flush (store);
  assert_located (store, want);

  lookout_test_store_close (tmp);
  g_assert_cmpint (sqlite3_open_v2 (tmp->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT target_id, data FROM sample_chunks",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const guint8 *chunk = sqlite3_column_blob (stmt, 1);

      if (sqlite3_column_int64 (stmt, 0) == 8)
        {
          g_assert_cmpint (chunk[0], ==, 2);
          n_v2++;
        }
      else
        n_v3 += chunk[0] == 3;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (n_v2, >, 0);
  g_assert_cmpuint (n_v3, >, 0);
  lookout_test_store_open (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/chunks/late-and-repeated", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_late_and_repeated, lookout_test_store_tear_down);
  g_test_add ("/store/chunks/restart-after-sealing", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_restart_after_sealing, lookout_test_store_tear_down);
  g_test_add_func ("/store/chunks/migration-killed", test_migration_killed);
  g_test_add ("/store/chunks/ping-figures", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_ping_figures, lookout_test_store_tear_down);
  g_test_add ("/store/chunks/minutes-of-first-chunk-store", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_minutes_of_first_chunk_store, lookout_test_store_tear_down);
  g_test_add ("/store/chunks/back-fill-located", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_back_fill_located, lookout_test_store_tear_down);

  return g_test_run ();
}
