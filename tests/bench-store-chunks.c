/* bench-store-chunks.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The chunk store against the row store it replaced, in the same run, on
 * the same realistic load.
 *
 * The row store is today's schema-1 layout driven by its own statements
 * (one INSERT per result into the (target_id, ts_ms) table, one UPSERT per
 * touched minute, hour and day bucket, one transaction per commit); the
 * chunk store is LookoutStore through its public API. Both commit once per
 * simulated second, as a running monitor does, in WAL mode with
 * synchronous=NORMAL.
 *
 * Loads: 200 targets every second, and 10,000 targets every minute, with
 * a few ms of jitter on the interval, latencies around a per-target base,
 * 2 % failures (no latency, one of three messages), HTTP codes, and a gap
 * now and then (a result that never came).
 *
 * Figures, for each store: file bytes per stored result after closing
 * (for the chunk store also what its sealed chunks take per result they
 * hold, as pages and as packed bytes: the file also holds the log of what
 * is not sealed yet, and the rollups);
 * bytes written to disk per stored result (/proc/self/io write_bytes, WAL
 * and checkpoints included); bulk append rate. For the chunk store alone:
 * the resident memory the head of unsealed results adds at its largest
 * (sampled each simulated second, SQLite's page cache of a few MB
 * included);
 * a 30-day range of a one-minute target read and decimated to 1,000
 * columns, and exact statistics over it; a day of a remote agent's results
 * landing late among sealed ones. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lookout-stats.h"
#include "lookout-store.h"
#include "lookout-test.h"

#define T0_MS G_GINT64_CONSTANT (1767225600000)

static const char * const errors[] = {
  "timed out after 10000 ms", "connection refused", "no route to host",
};

/* ---- the load ---- */

typedef struct
{
  guint   n_targets;
  gint64  interval_ms;
  gint64  duration_s;
} Load;

/* Calls @emit for every result of simulated second @sec, in time order. */
static void
load_second (const Load *load,
             GRand      *rand,
             gint64      sec,
             void      (*emit) (const LookoutSample *s, gpointer data),
             gpointer    data)
{
  gint64 per_second = load->n_targets * 1000 / load->interval_ms;
  gint64 first = sec * per_second;

  for (gint64 k = first; k < first + per_second; k++)
    {
      guint target = k % load->n_targets;
      gint64 round = k / load->n_targets;
      gint64 base_us = 800 + target * 7919 % 60000;
      guint r = g_rand_int_range (rand, 0, 1000);
      LookoutSample s = {
        .target_id = target + 1,
        .ts_ms = T0_MS + round * load->interval_ms + target * load->interval_ms / load->n_targets
                 + g_rand_int_range (rand, 0, 6),
        .code = target % 2 == 0 ? 200 : 0,
      };

      if (r < 5)
        continue;   /* a gap */
      if (r < 25)
        {
          s.state = LOOKOUT_TARGET_STATE_DOWN;
          s.latency_us = -1;
          s.code = target % 2 == 0 ? 503 : 0;
          s.error = (char *) errors[r % G_N_ELEMENTS (errors)];
        }
      else
        {
          s.state = r < 35 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_UP;
          s.latency_us = base_us + g_rand_int_range (rand, 0, base_us / 10 + 200);
        }
      emit (&s, data);
    }
}

static gint64
write_bytes (void)
{
  g_autofree char *io = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL) ||
      (line = strstr (io, "\nwrite_bytes: ")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nwrite_bytes: "), NULL, 10);
}

/* VmRSS in bytes. */
static gint64
resident_bytes (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10) * 1024;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

/* ---- the row store, as schema 1 wrote it ---- */

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *insert;
  sqlite3_stmt *upsert[3];
  GHashTable   *buckets[3];
  guint64       n;
} RowStore;

static const gint64 widths[3] = { 60000, 3600000, 86400000 };

typedef struct
{
  gint64  target_id, bucket;
  gint64  n, n_fail, min_us, max_us, sum_us;
} Bucket;

static guint
bucket_hash (gconstpointer p)
{
  const Bucket *b = p;
  return g_int64_hash (&b->target_id) * 31 + g_int64_hash (&b->bucket);
}

static gboolean
bucket_equal (gconstpointer a,
              gconstpointer b)
{
  const Bucket *x = a, *y = b;
  return x->target_id == y->target_id && x->bucket == y->bucket;
}

static void
exec (sqlite3    *db,
      const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static RowStore *
row_store_open (const char *path)
{
  RowStore *rs = g_new0 (RowStore, 1);
  const char *tables[3] = { "rollup_minute", "rollup_hour", "rollup_day" };

  g_unlink (path);
  g_assert_cmpint (sqlite3_open (path, &rs->db), ==, SQLITE_OK);
  exec (rs->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE samples (target_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
                "  latency_us INTEGER, state INTEGER NOT NULL, code INTEGER, error TEXT,"
                "  PRIMARY KEY (target_id, ts_ms)) WITHOUT ROWID;");
  g_assert_cmpint (sqlite3_prepare_v2 (rs->db,
                                       "INSERT OR IGNORE INTO samples VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                       -1, &rs->insert, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *create = g_strdup_printf (
        "CREATE TABLE %s (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
        " n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,"
        " sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID", tables[i]);
      g_autofree char *upsert = g_strdup_printf (
        "INSERT INTO %s VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (target_id, bucket) DO UPDATE SET"
        " n = n + excluded.n, n_fail = n_fail + excluded.n_fail,"
        " min_us = min (coalesce (min_us, excluded.min_us), coalesce (excluded.min_us, min_us)),"
        " max_us = max (coalesce (max_us, excluded.max_us), coalesce (excluded.max_us, max_us)),"
        " sum_us = sum_us + excluded.sum_us", tables[i]);

      exec (rs->db, create);
      g_assert_cmpint (sqlite3_prepare_v2 (rs->db, upsert, -1, &rs->upsert[i], NULL), ==, SQLITE_OK);
      rs->buckets[i] = g_hash_table_new_full (bucket_hash, bucket_equal, g_free, NULL);
    }
  exec (rs->db, "BEGIN");

  return rs;
}

static void
row_store_append (const LookoutSample *s,
                  gpointer             data)
{
  RowStore *rs = data;

  sqlite3_reset (rs->insert);
  sqlite3_bind_int64 (rs->insert, 1, s->target_id);
  sqlite3_bind_int64 (rs->insert, 2, s->ts_ms);
  if (s->latency_us >= 0)
    sqlite3_bind_int64 (rs->insert, 3, s->latency_us);
  else
    sqlite3_bind_null (rs->insert, 3);
  sqlite3_bind_int (rs->insert, 4, s->state);
  if (s->code != 0)
    sqlite3_bind_int (rs->insert, 5, s->code);
  else
    sqlite3_bind_null (rs->insert, 5);
  if (s->error != NULL)
    sqlite3_bind_text (rs->insert, 6, s->error, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (rs->insert, 6);
  g_assert_cmpint (sqlite3_step (rs->insert), ==, SQLITE_DONE);
  rs->n++;

  for (guint i = 0; i < 3; i++)
    {
      Bucket key = { s->target_id, s->ts_ms / widths[i] * widths[i] };
      Bucket *b = g_hash_table_lookup (rs->buckets[i], &key);

      if (b == NULL)
        {
          b = g_memdup2 (&key, sizeof key);
          b->min_us = b->max_us = -1;
          g_hash_table_add (rs->buckets[i], b);
        }
      b->n++;
      if (s->state == LOOKOUT_TARGET_STATE_DOWN)
        b->n_fail++;
      else if (s->latency_us >= 0)
        {
          b->min_us = b->min_us < 0 ? s->latency_us : MIN (b->min_us, s->latency_us);
          b->max_us = MAX (b->max_us, s->latency_us);
          b->sum_us += s->latency_us;
        }
    }
}

static void
row_store_commit (RowStore *rs)
{
  for (guint i = 0; i < 3; i++)
    {
      GHashTableIter iter;
      Bucket *b;

      g_hash_table_iter_init (&iter, rs->buckets[i]);
      while (g_hash_table_iter_next (&iter, (gpointer *) &b, NULL))
        {
          sqlite3_stmt *st = rs->upsert[i];

          sqlite3_reset (st);
          sqlite3_bind_int64 (st, 1, b->target_id);
          sqlite3_bind_int64 (st, 2, b->bucket);
          sqlite3_bind_int64 (st, 3, b->n);
          sqlite3_bind_int64 (st, 4, b->n_fail);
          if (b->min_us >= 0)
            {
              sqlite3_bind_int64 (st, 5, b->min_us);
              sqlite3_bind_int64 (st, 6, b->max_us);
            }
          else
            {
              sqlite3_bind_null (st, 5);
              sqlite3_bind_null (st, 6);
            }
          sqlite3_bind_int64 (st, 7, b->sum_us);
          g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
        }
      g_hash_table_remove_all (rs->buckets[i]);
    }
  exec (rs->db, "COMMIT; BEGIN");
}

static void
row_store_close (RowStore *rs)
{
  exec (rs->db, "COMMIT");
  g_clear_pointer (&rs->insert, sqlite3_finalize);
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&rs->upsert[i], sqlite3_finalize);
      g_clear_pointer (&rs->buckets[i], g_hash_table_unref);
    }
  sqlite3_close (rs->db);
  g_free (rs);
}

/* ---- the chunk store ---- */

typedef struct
{
  LookoutStore *store;
  guint64       n;
} ChunkStore;

static void
chunk_store_append (const LookoutSample *s,
                    gpointer             data)
{
  ChunkStore *cs = data;

  lookout_store_append_sample (cs->store, s);
  cs->n++;
}

/* ---- runs ---- */

typedef struct
{
  double disk_per_result;
  double written_per_result;
  double per_second;
  double sealed_pages_per_result;   /* sample_chunks' pages over what they hold */
  double sealed_blob_per_result;    /* the packed bytes alone */
  double head_mb;                   /* resident memory added at most, MB */
} Figures;

static double
sql_double (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  double value = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_double (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static Figures
run_rows (const char *path,
          const Load *load,
          gboolean    commit_each_second)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  RowStore *rs;
  gint64 w0, t0;
  guint64 n;
  Figures f;

  w0 = write_bytes ();
  t0 = g_get_monotonic_time ();
  rs = row_store_open (path);
  for (gint64 sec = 0; sec < load->duration_s; sec++)
    {
      load_second (load, rand, sec, row_store_append, rs);
      if (commit_each_second)
        row_store_commit (rs);
    }
  row_store_commit (rs);
  n = rs->n;
  row_store_close (rs);
  f.per_second = n / ((g_get_monotonic_time () - t0) / 1e6);
  f.written_per_result = (double) (write_bytes () - w0) / n;
  f.disk_per_result = (double) file_size (path) / n;

  return f;
}

static Figures
run_chunks (const char *path,
            const Load *load,
            gboolean    commit_each_second)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  ChunkStore cs = { NULL, 0 };
  GError *error = NULL;
  gint64 w0, t0, rss0, rss_max = 0;
  Figures f;

  g_unlink (path);
  w0 = write_bytes ();
  t0 = g_get_monotonic_time ();
  cs.store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  rss0 = resident_bytes ();
  for (gint64 sec = 0; sec < load->duration_s; sec++)
    {
      load_second (load, rand, sec, chunk_store_append, &cs);
      if (commit_each_second)
        {
          g_assert_true (lookout_store_flush_sync (cs.store, NULL));
          rss_max = MAX (rss_max, resident_bytes ());
        }
    }
  f.head_mb = MAX (rss_max - rss0, 0) / 1e6;
  g_assert_true (lookout_store_flush_sync (cs.store, NULL));
  lookout_store_close (cs.store);
  g_clear_object (&cs.store);
  f.per_second = cs.n / ((g_get_monotonic_time () - t0) / 1e6);
  f.written_per_result = (double) (write_bytes () - w0) / cs.n;
  f.disk_per_result = (double) file_size (path) / cs.n;

  {
    sqlite3 *db = NULL;
    double sealed;

    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sealed = MAX (sql_double (db, "SELECT sum (n) FROM sample_chunks"), 1);
    f.sealed_pages_per_result = sql_double (db, "SELECT sum (pgsize) FROM dbstat WHERE name IN ('sample_chunks', 'sample_chunks_by_target')") / sealed;
    f.sealed_blob_per_result = sql_double (db, "SELECT sum (length (data)) FROM sample_chunks") / sealed;
    sqlite3_close (db);
  }

  return f;
}

static void
compare (const char *dir,
         const char *name,
         const Load *load)
{
  g_autofree char *rows_path = g_build_filename (dir, "rows.db", NULL);
  g_autofree char *chunks_path = g_build_filename (dir, "chunks.db", NULL);
  Figures rows = run_rows (rows_path, load, TRUE);
  Figures chunks = run_chunks (chunks_path, load, TRUE);

  g_print ("figure: store_%s_disk_bytes_per_result_rows = %.2f B\n", name, rows.disk_per_result);
  g_print ("figure: store_%s_disk_bytes_per_result_chunks = %.2f B\n", name, chunks.disk_per_result);
  g_print ("figure: store_%s_sealed_table_bytes_per_result_chunks = %.2f B\n", name, chunks.sealed_pages_per_result);
  g_print ("figure: store_%s_sealed_packed_bytes_per_result_chunks = %.2f B\n", name, chunks.sealed_blob_per_result);
  g_print ("figure: store_%s_written_bytes_per_result_rows = %.1f B\n", name, rows.written_per_result);
  g_print ("figure: store_%s_written_bytes_per_result_chunks = %.1f B\n", name, chunks.written_per_result);
  g_print ("figure: store_%s_head_resident_mb_chunks = %.1f MB\n", name, chunks.head_mb);
}

static void
read_30_days (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "month.db", NULL);
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const gint64 days30 = G_GINT64_CONSTANT (30) * 86400000;
  double best_plot = G_MAXDOUBLE, best_stats = G_MAXDOUBLE;
  guint64 n = 0, n_fail = 0;
  GError *error = NULL;

  g_unlink (path);
  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  for (gint64 ts = 0; ts < days30; ts += 60000)
    {
      gboolean down = g_rand_int_range (rand, 0, 100) < 2;
      LookoutSample s = { 1, T0_MS + ts + g_rand_int_range (rand, 0, 6),
                          down ? -1 : 20000 + g_rand_int_range (rand, 0, 5000),
                          down ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
                          200, down ? (char *) errors[0] : NULL };

      lookout_store_append_sample (store, &s);
      n++;
      n_fail += down;
    }
  g_assert_true (lookout_store_flush_sync (store, NULL));

  for (guint round = 0; round < 7; round++)
    {
      g_autoptr(GArray) samples = NULL;
      g_autofree LookoutStats *stats = NULL;
      gint64 lo[1000], hi[1000];
      gint64 t0 = g_get_monotonic_time ();

      /* The plot's work: the range, then min and max per pixel column. */
      samples = lookout_store_query_samples_sync (store, 1, T0_MS, T0_MS + days30 + 60000, NULL, &error);
      g_assert_no_error (error);
      for (guint c = 0; c < 1000; c++)
        lo[c] = G_MAXINT64, hi[c] = -1;
      for (guint i = 0; i < samples->len; i++)
        {
          const LookoutSample *s = &g_array_index (samples, LookoutSample, i);
          guint c = MIN ((s->ts_ms - T0_MS) * 1000 / days30, 999);

          if (s->latency_us < 0)
            continue;
          lo[c] = MIN (lo[c], s->latency_us);
          hi[c] = MAX (hi[c], s->latency_us);
        }
      best_plot = MIN (best_plot, (g_get_monotonic_time () - t0) / 1000.0);
      g_assert_cmpuint (samples->len, ==, n);
      g_assert_cmpint (hi[500], >=, lo[500]);

      t0 = g_get_monotonic_time ();
      stats = lookout_stats_fetch_sync (store, 1, T0_MS, T0_MS + days30 + 60000, NULL, &error);
      best_stats = MIN (best_stats, (g_get_monotonic_time () - t0) / 1000.0);
      g_assert_no_error (error);
      g_assert_true (stats->exact);
      g_assert_cmpuint (stats->n, ==, n);
      g_assert_cmpuint (stats->n_fail, ==, n_fail);
    }

  g_print ("figure: store_30d_one_minute_decode_decimate_ms = %.2f ms\n", best_plot);
  g_print ("figure: store_30d_one_minute_exact_stats_ms = %.2f ms\n", best_stats);
  lookout_store_close (store);
}

/* A remote agent's back-fill: a day of its results at 1 s arriving late,
 * an hour per commit, over a day of local results already sealed. */
static void
back_fill_day (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "back-fill.db", NULL);
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) read = NULL;
  GError *error = NULL;
  gint64 t0;

  g_unlink (path);
  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < 86400; i++)
    {
      LookoutSample s = { 1, T0_MS + i * 1000, 20000 + i % 500, LOOKOUT_TARGET_STATE_UP, 200, NULL };

      lookout_store_append_sample (store, &s);
      if (i % 3600 == 3599)
        g_assert_true (lookout_store_flush_sync (store, NULL));
    }

  t0 = g_get_monotonic_time ();
  for (gint64 i = 0; i < 86400; i++)
    {
      LookoutSample s = { 1, T0_MS + i * 1000 + 300, 40000 + i % 500, LOOKOUT_TARGET_STATE_UP, 200,
                          NULL, (char *) "paris" };

      lookout_store_append_sample (store, &s);
      if (i % 3600 == 3599)
        g_assert_true (lookout_store_flush_sync (store, NULL));
    }
  g_print ("figure: store_back_fill_day_at_1s_ms = %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  read = lookout_store_query_samples_sync (store, 1, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 2 * 86400);
  lookout_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  const Load fast = { 200, 1000, 1800 };
  const Load wide = { 10000, 60000, 3600 };
  const Load bulk = { 100, 1000, 10000 };
  g_autofree char *rows_path = g_build_filename (dir, "bulk-rows.db", NULL);
  g_autofree char *chunks_path = g_build_filename (dir, "bulk-chunks.db", NULL);
  Figures rows, chunks;

  compare (dir, "200x1s", &fast);
  compare (dir, "10000x60s", &wide);

  /* Bulk: a million results appended as fast as the caller can. */
  rows = run_rows (rows_path, &bulk, FALSE);
  chunks = run_chunks (chunks_path, &bulk, FALSE);
  g_print ("figure: store_bulk_results_per_second_rows = %.0f /s\n", rows.per_second);
  g_print ("figure: store_bulk_results_per_second_chunks = %.0f /s\n", chunks.per_second);

  read_30_days (dir);
  back_fill_day (dir);

  return 0;
}
