/* test-store-degraded.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Degraded results in the rollups.
 *
 * Three days of one-minute results (up, degraded, down), the first day's
 * raw results deleted by retention: statistics read from rollups agree
 * exactly with the same statistics computed from every result, over
 * ranges that span the minute table, the chunks and the unsealed head.
 *
 * An older file is made from a real one by taking schema step 8 back and
 * applying it again (lookout_store_samples_migrate_8() on a raw
 * connection): its degraded counts are gone, the chunks are listed to be
 * counted again. After the recount the hour and day rows hold the degraded
 * results of every stored sample, and the store says from when they are
 * counted. Then kill -9 at random moments of the recount: after each kill
 * every hour and day row holds exactly the degraded results of the chunks
 * no longer listed, and the next start finishes the count. */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "lookout-chunk-codec.h"
#include "lookout-report.h"
#include "lookout-stats.h"
#include "lookout-store.h"
#include "lookout-store-private.h"
#include "lookout-test.h"

#define MINUTE_MS  (G_GINT64_CONSTANT (60) * 1000)
#define HOUR_MS    (60 * MINUTE_MS)
#define DAY_MS     (24 * HOUR_MS)
/* 2026-01-01 00:00 UTC */
#define BASE_MS    G_GINT64_CONSTANT (1767225600000)
#define N_SAMPLES  (3 * 24 * 60)
#define NOW_MS     (BASE_MS + 3 * DAY_MS)

static gint64
fixed_clock (gpointer user_data)
{
  return NOW_MS;
}

static LookoutSample
nth_sample (gint64 target_id,
            guint  i,
            gint64 step_ms)
{
  LookoutSample s = {
    .target_id = target_id,
    .ts_ms = BASE_MS + i * step_ms,
    .latency_us = 1000 + i % 500,
    .state = LOOKOUT_TARGET_STATE_UP,
    .code = LOOKOUT_SAMPLE_NO_CODE,
  };

  if (i % 7 == 3)
    s.state = LOOKOUT_TARGET_STATE_DEGRADED;
  else if (i % 11 == 5 || (i / 90) % 9 == 4)
    {
      s.state = LOOKOUT_TARGET_STATE_DOWN;
      s.latency_us = -1;
    }
  return s;
}

static GArray *
fill (LookoutStore *store,
      gint64        target_id,
      guint         n,
      gint64        step_ms)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  GError *error = NULL;

  for (guint i = 0; i < n; i++)
    {
      LookoutSample s = nth_sample (target_id, i, step_ms);

      g_assert_cmpuint (lookout_store_append_sample (store, &s), >, 0);
      g_array_append_val (all, s);
    }
  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);

  return all;
}

static void
pruned_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  guint64 *deleted = user_data;
  GError *error = NULL;

  g_assert_true (lookout_store_prune_finish (LOOKOUT_STORE (object), result, deleted, &error));
  g_assert_no_error (error);
}

/* Raw results kept two days: the first day's go into the minute table. */
static void
prune_first_day (LookoutStore *store)
{
  const LookoutStoreRetention keep = { .samples_ms = 2 * DAY_MS };
  guint64 deleted = G_MAXUINT64;

  lookout_store_set_retention (store, &keep);
  lookout_store_prune_async (store, NULL, pruned_cb, &deleted);
  LOOKOUT_TEST_WAIT (deleted != G_MAXUINT64);
  g_assert_cmpuint (deleted, >, 0);
}

static void
stats_of (GArray       *all,
          gint64        from_ms,
          gint64        to_ms,
          gint64        since_ms,
          LookoutStats *out)
{
  g_autoptr(GArray) part = g_array_new (FALSE, FALSE, sizeof (LookoutSample));

  for (guint i = 0; i < all->len; i++)
    {
      LookoutSample s = g_array_index (all, LookoutSample, i);

      if (s.ts_ms < from_ms || s.ts_ms >= to_ms)
        continue;
      /* Before @since_ms a degraded result was counted as neither. */
      if (s.ts_ms < since_ms && s.state == LOOKOUT_TARGET_STATE_DEGRADED)
        s.state = LOOKOUT_TARGET_STATE_UP;
      g_array_append_val (part, s);
    }
  lookout_stats_compute_samples (out, (LookoutSample *) part->data, part->len);
}

static void
assert_same_counts (const LookoutStats *got,
                    const LookoutStats *want)
{
  g_assert_cmpuint (got->n, ==, want->n);
  g_assert_cmpuint (got->n_fail, ==, want->n_fail);
  g_assert_cmpuint (got->n_degraded, ==, want->n_degraded);
  g_assert_cmpuint (got->n_timed, ==, want->n_timed);
  g_assert_cmpfloat (got->availability, ==, want->availability);
  g_assert_cmpint (got->min_us, ==, want->min_us);
  g_assert_cmpint (got->max_us, ==, want->max_us);
  g_assert_cmpint (got->mean_us, ==, want->mean_us);
}

static const struct { gint64 from, to; } ranges[] = {
  { BASE_MS, NOW_MS },                                   /* minute table, chunks and head */
  { BASE_MS + 5 * HOUR_MS, BASE_MS + DAY_MS + 7 * HOUR_MS },
  { BASE_MS + 23 * HOUR_MS, BASE_MS + DAY_MS + 2 * HOUR_MS },
  { BASE_MS + 17 * MINUTE_MS, NOW_MS - 3 * HOUR_MS - 11 * MINUTE_MS },
};

/* Each hour or day row of the range against the results it covers. */
static void
assert_rollups (LookoutStore            *store,
                GArray                  *all,
                LookoutRollupResolution  resolution,
                gint64                   width_ms,
                gint64                   since_ms)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) want = NULL;
  g_autoptr(GArray) counted = g_array_copy (all);
  GError *error = NULL;

  for (guint i = 0; i < counted->len; i++)
    {
      LookoutSample *s = &g_array_index (counted, LookoutSample, i);

      if (s->ts_ms < since_ms && s->state == LOOKOUT_TARGET_STATE_DEGRADED)
        s->state = LOOKOUT_TARGET_STATE_UP;
    }
  want = lookout_test_compute_rollups (counted, NULL, width_ms);
  rows = lookout_store_query_rollups_sync (store, 1, resolution, BASE_MS, NOW_MS, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (rows->len, ==, want->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const LookoutRollup *r = &g_array_index (rows, LookoutRollup, i);
      const LookoutRollup *w = &g_array_index (want, LookoutRollup, i);

      g_assert_cmpint (r->bucket_ms, ==, w->bucket_ms);
      g_assert_cmpuint (r->n, ==, w->n);
      g_assert_cmpuint (r->n_fail, ==, w->n_fail);
      g_assert_cmpuint (r->n_degraded, ==, w->n_degraded);
    }
}

static void
test_rollups_agree (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GArray) all = NULL;
  GError *error = NULL;
  gint64 since = 0;

  lookout_store_set_clock (tmp->store, fixed_clock, NULL);
  all = fill (tmp->store, 1, N_SAMPLES, MINUTE_MS);
  prune_first_day (tmp->store);

  g_assert_true (lookout_store_degraded_since_sync (tmp->store, 1, &since, &error));
  g_assert_no_error (error);
  g_assert_cmpint (since, ==, -1);

  for (guint k = 0; k < G_N_ELEMENTS (ranges); k++)
    {
      g_autofree LookoutStats *got = NULL;
      LookoutStats want;

      got = lookout_stats_fetch_sync (tmp->store, 1, ranges[k].from, ranges[k].to, NULL, &error);
      g_assert_no_error (error);
      /* The whole range is read from rollups: its raw results are gone. */
      if (k == 0)
        g_assert_false (got->exact);
      g_assert_cmpint (got->degraded_since_ms, ==, -1);
      g_assert_cmpuint (got->n_degraded, >, 0);

      stats_of (all, ranges[k].from, ranges[k].to, G_MININT64, &want);
      assert_same_counts (got, &want);
    }

  assert_rollups (tmp->store, all, LOOKOUT_ROLLUP_HOUR, HOUR_MS, G_MININT64);
  assert_rollups (tmp->store, all, LOOKOUT_ROLLUP_DAY, DAY_MS, G_MININT64);
}

/* The report (lookout-agent report, the Report window, JSON) carries the
 * same count and date. */
static void
assert_report (LookoutStore *store,
               GArray       *all,
               gint64        since_ms)
{
  g_autoptr(GListStore) targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:9", NULL);
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *row;
  LookoutStats want;
  GError *error = NULL;

  lookout_target_set_id (target, 1);
  g_list_store_append (targets, target);
  report = lookout_report_compute_sync (store, G_LIST_MODEL (targets), BASE_MS, NOW_MS, &error);
  g_assert_no_error (error);
  root = lookout_report_to_json (report);
  row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "targets"), 0);

  stats_of (all, BASE_MS, NOW_MS, since_ms, &want);
  g_assert_cmpint (json_object_get_int_member (row, "degraded"), ==, want.n_degraded);
  g_assert_cmpint (json_object_get_int_member (row, "degraded_since_ms"), ==, since_ms);
}

/* The file as schema step 8 leaves a file of an older version: step 8
 * taken back, then applied again. */
static void
make_older (const char *path)
{
  sqlite3 *db = lookout_test_sql_open (path);
  GError *error = NULL;

  lookout_test_sql_exec (db, "BEGIN IMMEDIATE;"
                             "DROP TRIGGER rollup_recount_lost;"
                             "DROP TABLE rollup_recount;"
                             "DROP TABLE rollup_degraded_since;"
                             "ALTER TABLE rollup_minute DROP COLUMN n_degraded;"
                             "ALTER TABLE rollup_hour DROP COLUMN n_degraded;"
                             "ALTER TABLE rollup_day DROP COLUMN n_degraded;");
  g_assert_true (lookout_store_samples_migrate_8 (db, &error));
  g_assert_no_error (error);
  lookout_test_sql_exec (db, "COMMIT");
  sqlite3_close (db);
}

/* Chunks still listed, read while another process may be writing. */
static gint64
n_listed (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM rollup_recount", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return n;
}

/* The recount thread tells no one: the file is polled, with a deadline. */
static void
wait_recounted (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (n_listed (path) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The degraded results of %s were not counted in 120 s", path);
      g_usleep (2000);
    }
}

static void
test_counted_since (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GArray) all = NULL;
  GError *error = NULL;
  gint64 oldest, since = 0;
  LookoutStore *store;

  lookout_store_set_clock (tmp->store, fixed_clock, NULL);
  all = fill (tmp->store, 1, N_SAMPLES, MINUTE_MS);
  prune_first_day (tmp->store);
  lookout_test_store_close (tmp);

  make_older (tmp->path);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM rollup_recount"), >, 0);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT sum (n_degraded) FROM rollup_hour"), ==, 0);
  oldest = lookout_test_sql_int (tmp->path, "SELECT min (t_start) FROM sample_chunks");
  g_assert_cmpint (oldest, >, BASE_MS);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT since_ms FROM rollup_degraded_since"
                                                    " WHERE target_id = 1"), ==, oldest);

  store = lookout_test_store_open (tmp);
  lookout_store_set_clock (store, fixed_clock, NULL);
  wait_recounted (tmp->path);

  g_assert_true (lookout_store_degraded_since_sync (store, 1, &since, &error));
  g_assert_no_error (error);
  g_assert_cmpint (since, ==, oldest);

  for (guint k = 0; k < G_N_ELEMENTS (ranges); k++)
    {
      g_autofree LookoutStats *got = NULL;
      LookoutStats want;

      got = lookout_stats_fetch_sync (store, 1, ranges[k].from, ranges[k].to, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (got->degraded_since_ms, ==, ranges[k].from < oldest ? oldest : -1);
      stats_of (all, ranges[k].from, ranges[k].to, oldest, &want);
      assert_same_counts (got, &want);
    }

  assert_rollups (store, all, LOOKOUT_ROLLUP_HOUR, HOUR_MS, oldest);
  assert_rollups (store, all, LOOKOUT_ROLLUP_DAY, DAY_MS, oldest);
  assert_report (store, all, oldest);

  /* Pruning a chunk that was still to be counted moves the date on. */
  lookout_test_store_close (tmp);
  make_older (tmp->path);
  {
    sqlite3 *db = lookout_test_sql_open (tmp->path);

    lookout_test_sql_exec (db, "DELETE FROM sample_chunks WHERE t_start ="
                               " (SELECT min (t_start) FROM sample_chunks)");
    sqlite3_close (db);
  }
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT since_ms FROM rollup_degraded_since"
                                                    " WHERE target_id = 1"), >, oldest);
}

/* ---- kill -9 while counting ---- */

#define CRASH_TARGETS  6
#define CRASH_SAMPLES  24000
#define CRASH_STEP_MS  (10 * 1000)

/* Every hour and day row against the degraded results of the chunks no
 * longer listed; returns how many chunks are still listed. */
static gint64
check_counts (const char *path)
{
  g_autoptr(GHashTable) want = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3 *db = lookout_test_sql_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 pending;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT target_id, data FROM sample_chunks"
                                           " WHERE id NOT IN (SELECT chunk_id FROM rollup_recount)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GArray) decoded = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
      GError *error = NULL;

      g_array_set_clear_func (decoded, (GDestroyNotify) lookout_sample_clear);
      g_assert_true (lookout_chunk_decode (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                           sqlite3_column_int64 (stmt, 0), FALSE, decoded, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < decoded->len; i++)
        {
          const LookoutSample *s = &g_array_index (decoded, LookoutSample, i);

          if (s->state != LOOKOUT_TARGET_STATE_DEGRADED)
            continue;
          for (guint res = 0; res < 2; res++)
            {
              gint64 width = res == 0 ? HOUR_MS : DAY_MS;
              char *key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                           res == 0 ? "rollup_hour" : "rollup_day",
                                           s->target_id, s->ts_ms - s->ts_ms % width);
              gint64 *n = g_hash_table_lookup (want, key);

              if (n == NULL)
                g_hash_table_insert (want, key, (n = g_new0 (gint64, 1)));
              else
                g_free (key);
              (*n)++;
            }
        }
    }
  sqlite3_finalize (stmt);

  for (guint res = 0; res < 2; res++)
    {
      const char *table = res == 0 ? "rollup_hour" : "rollup_day";
      g_autofree char *sql = g_strdup_printf ("SELECT target_id, bucket, n_degraded FROM %s", table);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autofree char *key = g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, table,
                                                  (gint64) sqlite3_column_int64 (stmt, 0),
                                                  (gint64) sqlite3_column_int64 (stmt, 1));
          gint64 *n = g_hash_table_lookup (want, key);

          g_assert_cmpint (sqlite3_column_int64 (stmt, 2), ==, n != NULL ? *n : 0);
          rows++;
        }
      sqlite3_finalize (stmt);
    }
  g_assert_cmpuint (rows, >, 0);
  sqlite3_close (db);

  pending = n_listed (path);
  return pending;
}

static void
test_kill_9_recount (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  guint rounds = g_test_slow () ? 200 : 40, midway = 0, files = 0;
  gint64 total;

  if (g_getenv ("LOOKOUT_CRASH_ROUNDS") != NULL)
    rounds = atoi (g_getenv ("LOOKOUT_CRASH_ROUNDS")) / 5;

  for (gint64 t = 1; t <= CRASH_TARGETS; t++)
    g_array_unref (fill (tmp->store, t, CRASH_SAMPLES, CRASH_STEP_MS));
  lookout_test_store_close (tmp);
  make_older (tmp->path);
  total = check_counts (tmp->path);
  g_assert_cmpint (total, >, 100);
  files++;

  for (guint round = 0; round < rounds; round++)
    {
      gint64 pending, wait_below;
      int status;
      pid_t pid;

      /* Kill once the count is below a random point, or at a random moment. */
      wait_below = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, total) : total + 1;
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

          /* Never outlive a parent that failed. */
          prctl (PR_SET_PDEATHSIG, SIGKILL);

          if (lookout_store_open_sync (tmp->path, NULL, NULL) == NULL)
            _exit (2);
          g_main_loop_run (loop);
          _exit (0);
        }
      if (wait_below <= total)
        {
          while (n_listed (tmp->path) >= wait_below)
            {
              g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);
              g_usleep (200);
            }
        }
      else
        g_usleep (g_rand_int_range (rand, 0, 150) * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      pending = check_counts (tmp->path);
      if (pending > 0 && pending < total)
        midway++;
      if (pending == 0)
        {
          make_older (tmp->path);
          g_assert_cmpint (check_counts (tmp->path), ==, total);
          files++;
        }
    }

  /* The next start finishes the count. */
  {
    g_autoptr(LookoutStore) store = NULL;
    GError *error = NULL;

    store = lookout_store_open_sync (tmp->path, NULL, &error);
    g_assert_no_error (error);
    wait_recounted (tmp->path);
    lookout_store_close (store);
    g_assert_cmpint (check_counts (tmp->path), ==, 0);
  }

  g_test_message ("%u kills over %u counts, %u of them part way", rounds, files, midway);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/degraded/rollups-agree", test_rollups_agree);
  g_test_add_func ("/store/degraded/counted-since", test_counted_since);
  g_test_add_func ("/store/degraded/kill-9-recount", test_kill_9_recount);

  return g_test_run ();
}
