/* bench-store.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a raw sample costs on disk and to write, through the public API.
 *
 * The load is what a busy desktop produces: 100 targets probed every second
 * (their starts spread over the second), latencies around a per-target base
 * with jitter, about 2 % failures (no latency, an error text) and 1 %
 * degraded results; HTTP targets carry their status code. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lookout-store.h"
#include "lookout-store-private.h"
#include "lookout-test.h"

#define N_TARGETS 100
#define T0_MS     G_GINT64_CONSTANT (1767225600000)

static const char * const errors[] = {
  "timed out after 10000 ms", "connection refused", "no route to host",
};

static void
make_sample (GRand         *rand,
             guint64        i,
             LookoutSample *s)
{
  guint target = i % N_TARGETS;
  gint64 base_us = 300 + target * 997 % 80000;
  guint r = g_rand_int_range (rand, 0, 1000);

  s->target_id = target + 1;
  s->ts_ms = T0_MS + (gint64) (i / N_TARGETS) * 1000 + target * 10 + g_rand_int_range (rand, 0, 3);
  s->code = target % 3 == 0 ? 200 : 0;
  s->error = NULL;

  if (r < 20)
    {
      s->state = LOOKOUT_TARGET_STATE_DOWN;
      s->latency_us = -1;
      s->code = 0;
      s->error = (char *) errors[r % G_N_ELEMENTS (errors)];
    }
  else
    {
      /* Jitter: a sum of uniforms, roughly normal around the base. */
      gint64 jitter = 0;

      for (guint k = 0; k < 4; k++)
        jitter += g_rand_int_range (rand, 0, base_us / 8 + 50);
      s->latency_us = base_us + jitter;
      s->state = r < 30 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_UP;
    }
}

static double
run (const char *path,
     guint64     n,
     guint       batch,
     gboolean    rollups)
{
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GError *error = NULL;
  gint64 start;
  double elapsed;

  g_unlink (path);
  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  lookout_store_set_rollups_enabled (store, rollups);

  start = g_get_monotonic_time ();
  for (guint64 i = 0; i < n; i++)
    {
      LookoutSample s;

      make_sample (rand, i, &s);
      lookout_store_append_sample (store, &s);
      if (batch > 0 && (i + 1) % batch == 0)
        lookout_store_flush_sync (store, NULL);
    }
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);
  elapsed = (g_get_monotonic_time () - start) / 1e6;

  g_assert_cmpuint (lookout_store_get_committed_seq (store), ==, n);

  /* The last connection to close checkpoints the WAL into the file. */
  lookout_store_close (store);

  return elapsed;
}

static gint64
sql_int (sqlite3    *db,
         const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);

  return value;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  guint64 n = 1000000;
  guint64 n_live = 50000;
  GStatBuf st;
  sqlite3 *db = NULL;
  gint64 table_bytes, payload, samples;
  double t_with, t_without, t_live_with, t_live_without;

  if (argc > 1)
    n = g_ascii_strtoull (argv[1], NULL, 10);

  dir = lookout_test_dir_new ();
  path = g_build_filename (dir, "lookout.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);

  /* Bulk: appended as fast as the caller can, committed every 250 ms. */
  t_without = run (path, n, 0, FALSE);
  t_with = run (path, n, 0, TRUE);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  samples = sql_int (db, "SELECT (SELECT count(*) FROM sample_log)"
                          " + (SELECT coalesce (sum (n), 0) FROM sample_chunks)");
  table_bytes = sql_int (db, "SELECT sum(pgsize) FROM dbstat WHERE name IN ('sample_log', 'sample_chunks')");
  payload = sql_int (db, "SELECT sum(payload) FROM dbstat WHERE name IN ('sample_log', 'sample_chunks')");
  g_assert_cmpint (samples, ==, (gint64) n);

  g_print ("samples %" G_GUINT64_FORMAT ", file %" G_GINT64_FORMAT " bytes, page size %" G_GINT64_FORMAT "\n",
           n, (gint64) st.st_size, sql_int (db, "PRAGMA page_size"));
  for (const char *const *t = (const char *const[]) { "sample_log", "sample_chunks", "rollup_minute", "rollup_hour", "rollup_day", NULL }; *t; t++)
    {
      g_autofree char *q = g_strdup_printf ("SELECT sum(pgsize) FROM dbstat WHERE name = '%s'", *t);
      g_print ("  %-14s %12" G_GINT64_FORMAT " bytes\n", *t, sql_int (db, q));
    }
  sqlite3_close (db);

  g_print ("figure: store_bytes_per_sample = %.1f B\n", (double) st.st_size / n);
  if (table_bytes > 0)
    {
      g_print ("figure: store_samples_table_bytes_per_sample = %.1f B\n", (double) table_bytes / n);
      g_print ("figure: store_samples_payload_bytes_per_sample = %.1f B\n", (double) payload / n);
    }
  else
    g_print ("# dbstat is not available in this SQLite build\n");
  g_print ("figure: store_samples_per_second = %.0f /s\n", n / t_with);
  g_print ("figure: store_samples_per_second_without_rollups = %.0f /s\n", n / t_without);
  g_print ("figure: store_rollup_cost_per_sample = %.2f us\n", (t_with - t_without) * 1e6 / n);

  /* Live rate: one commit per 25 samples, as 100 targets at 1 s give in
   * 250 ms, so the rollups of a batch hardly ever share a bucket. */
  t_live_without = run (path, n_live, 25, FALSE);
  t_live_with = run (path, n_live, 25, TRUE);
  g_print ("figure: store_rollup_cost_per_sample_live = %.2f us\n",
           (t_live_with - t_live_without) * 1e6 / n_live);
  g_print ("figure: store_write_cost_per_sample_live = %.2f us\n", t_live_with * 1e6 / n_live);

  /* A 30-day plot of one target probed every minute, read from rollups. */
  {
    g_autoptr(LookoutStore) store = lookout_store_open_sync (path, NULL, NULL);
    g_autoptr(GRand) rand = g_rand_new_with_seed (7);
    double best_minute = G_MAXDOUBLE, best_hour = G_MAXDOUBLE;
    guint n_minute = 0, n_hour = 0;
    const gint64 days30 = G_GINT64_CONSTANT (30) * 86400000;

    for (gint64 ts = 0; ts < days30; ts += 60000)
      {
        LookoutSample s = { 999, T0_MS + ts, 20000 + g_rand_int_range (rand, 0, 5000),
                            LOOKOUT_TARGET_STATE_UP, 0, NULL };
        lookout_store_append_sample (store, &s);
      }
    g_assert_true (lookout_store_flush_sync (store, NULL));

    for (guint round = 0; round < 5; round++)
      {
        g_autoptr(GArray) minutes = NULL;
        g_autoptr(GArray) hours = NULL;
        gint64 t0 = g_get_monotonic_time ();

        minutes = lookout_store_query_rollups_sync (store, 999, LOOKOUT_ROLLUP_MINUTE,
                                                    T0_MS, T0_MS + days30, NULL, NULL);
        best_minute = MIN (best_minute, (g_get_monotonic_time () - t0) / 1000.0);
        t0 = g_get_monotonic_time ();
        hours = lookout_store_query_rollups_sync (store, 999, LOOKOUT_ROLLUP_HOUR,
                                                  T0_MS, T0_MS + days30, NULL, NULL);
        best_hour = MIN (best_hour, (g_get_monotonic_time () - t0) / 1000.0);
        n_minute = minutes->len;
        n_hour = hours->len;
      }
    g_assert_cmpuint (n_minute, ==, 30 * 1440);
    g_assert_cmpuint (n_hour, ==, 30 * 24);
    g_print ("figure: store_30d_plot_minute_rollups_ms = %.2f ms\n", best_minute);
    g_print ("figure: store_30d_plot_hour_rollups_ms = %.2f ms\n", best_hour);
    lookout_store_close (store);
  }

  return 0;
}
