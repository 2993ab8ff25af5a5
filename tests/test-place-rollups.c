/* test-place-rollups.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rollups of each place a target is checked from (local, paris,
 * tokyo) agree with the raw samples they summarise, whatever order the
 * results came in: tokyo's arrive late, back-filled newest first, with
 * results sent twice. An older file's place rollups are recounted from its
 * chunks, also when retention deletes a chunk still to be counted. A place
 * line over 30 days is drawn from rollups. */

#include "config.h"

#include "lookout-series.h"
#include "lookout-target-options.h"
#include "lookout-test.h"

/* A Monday at midnight UTC, far from any bucket edge question. */
#define T0_MS      G_GINT64_CONSTANT (1767571200000)
#define MINUTE_MS  G_GINT64_CONSTANT (60000)
#define HOUR_MS    (60 * MINUTE_MS)
#define DAY_MS     (24 * HOUR_MS)
#define N_DAYS     4
#define STEP_MS    (30 * 1000)

static const char * const places[] = { NULL, "paris", "tokyo" };

static gint64
now_cb (gpointer user_data)
{
  return *(gint64 *) user_data;
}

/* The i-th result of @target_id from @place: each place checks at its own
 * offset in the step, with its own latencies and failures. */
static LookoutSample
place_sample (gint64  target_id,
              guint   place,
              gint64  i)
{
  gint64 k = i * 7 + place * 131;

  return (LookoutSample) {
    .target_id = target_id,
    .ts_ms = T0_MS + i * STEP_MS + place * 700,
    .latency_us = k % 17 == 0 ? -1 : 2000 + (k * 7919) % 50000 + place * 30000,
    .state = k % 17 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
    .error = k % 17 == 0 ? (char *) "timed out" : NULL,
    .location = (char *) places[place],
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };
}

static void
flush (LookoutStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
}

static gint64
bucket_of (gint64                  ts_ms,
           LookoutRollupResolution resolution)
{
  const gint64 width[] = { MINUTE_MS, HOUR_MS, DAY_MS };

  return ts_ms - ts_ms % width[resolution];
}

/* The rollups of @samples from @place, bucket by bucket, as the store's
 * rules say: n counts all, n_fail the DOWN ones, min/max/sum the others
 * that have a latency. */
static GArray *
expected_rollups (GArray                  *samples,
                  const char              *place,
                  LookoutRollupResolution  resolution)
{
  GArray *rollups = g_array_new (FALSE, FALSE, sizeof (LookoutRollup));

  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *s = &g_array_index (samples, LookoutSample, i);
      gint64 bucket = bucket_of (s->ts_ms, resolution);
      LookoutRollup *r = NULL;

      if (!lookout_series_sample_is_from (s, place))
        continue;
      for (guint k = 0; k < rollups->len && r == NULL; k++)
        if (g_array_index (rollups, LookoutRollup, k).bucket_ms == bucket)
          r = &g_array_index (rollups, LookoutRollup, k);
      if (r == NULL)
        {
          LookoutRollup fresh = { .bucket_ms = bucket, .min_us = -1, .max_us = -1 };
          guint at = 0;

          while (at < rollups->len && g_array_index (rollups, LookoutRollup, at).bucket_ms < bucket)
            at++;
          g_array_insert_val (rollups, at, fresh);
          r = &g_array_index (rollups, LookoutRollup, at);
        }
      r->n++;
      if (s->state == LOOKOUT_TARGET_STATE_DOWN)
        r->n_fail++;
      else if (s->latency_us >= 0)
        {
          if (r->min_us < 0 || s->latency_us < r->min_us)
            r->min_us = s->latency_us;
          r->max_us = MAX (r->max_us, s->latency_us);
          r->sum_us += s->latency_us;
        }
    }
  return rollups;
}

static void
assert_rollups_equal (GArray *got,
                      GArray *want)
{
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      const LookoutRollup *g = &g_array_index (got, LookoutRollup, i);
      const LookoutRollup *w = &g_array_index (want, LookoutRollup, i);

      g_assert_cmpint (g->bucket_ms, ==, w->bucket_ms);
      g_assert_cmpuint (g->n, ==, w->n);
      g_assert_cmpuint (g->n_fail, ==, w->n_fail);
      g_assert_cmpint (g->min_us, ==, w->min_us);
      g_assert_cmpint (g->max_us, ==, w->max_us);
      g_assert_cmpint (g->sum_us, ==, w->sum_us);
    }
}

/* Every resolution of every place's rollups against @raw. */
static void
assert_places_agree (LookoutStore *store,
                     gint64        target_id,
                     GArray       *raw,
                     gint64        from_ms,
                     gint64        to_ms)
{
  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    for (LookoutRollupResolution res = LOOKOUT_ROLLUP_MINUTE; res <= LOOKOUT_ROLLUP_DAY; res++)
      {
        const char *place = places[p] != NULL ? places[p] : LOOKOUT_LOCATION_LOCAL;
        g_autoptr(GArray) want = expected_rollups (raw, place, res);
        g_autoptr(GArray) got = NULL;
        g_autoptr(GError) error = NULL;

        got = lookout_store_query_place_rollups_sync (store, target_id, place, res, from_ms, to_ms,
                                                      NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (want->len, >, 0);
        assert_rollups_equal (got, want);
      }
}

/* The raw samples of @target_id the store holds: what the rollups must
 * agree with. */
static GArray *
stored_samples (LookoutStore *store,
                gint64        target_id)
{
  g_autoptr(GError) error = NULL;
  GArray *raw;

  raw = lookout_store_query_samples_sync (store, target_id, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  return raw;
}

static void
write_three_places (LookoutStore *store,
                    gint64        target_id,
                    guint         n)
{
  /* local and paris as they come, sealed on the way */
  for (guint i = 0; i < n; i++)
    {
      LookoutSample local = place_sample (target_id, 0, i);
      LookoutSample paris = place_sample (target_id, 1, i);

      lookout_store_append_sample (store, &local);
      lookout_store_append_sample (store, &paris);
      if (i % 2000 == 1999)
        flush (store);
    }
  flush (store);

  /* tokyo back-filled afterwards, newest first, one in ten sent twice */
  for (guint i = n; i > 0; i--)
    {
      LookoutSample tokyo = place_sample (target_id, 2, i - 1);

      lookout_store_append_sample (store, &tokyo);
      if (i % 10 == 0)
        lookout_store_append_sample (store, &tokyo);
      if (i % 3000 == 0)
        flush (store);
    }
  /* and paris's last hundred again, as a resumed link might */
  for (guint i = n - 100; i < n; i++)
    {
      LookoutSample paris = place_sample (target_id, 1, i);

      lookout_store_append_sample (store, &paris);
    }
  flush (store);
}

static void
test_agree_with_samples (LookoutTestStore *tmp,
                         gconstpointer     data)
{
  const guint n = N_DAYS * DAY_MS / STEP_MS;
  gint64 now = T0_MS + (N_DAYS + 1) * DAY_MS;
  g_autoptr(GArray) raw = NULL;

  lookout_store_set_clock (tmp->store, now_cb, &now);
  g_assert_true (lookout_store_place_rollups_ready (tmp->store));
  write_three_places (tmp->store, 7, n);

  raw = stored_samples (tmp->store, 7);
  g_assert_cmpuint (raw->len, ==, 3 * n);
  /* sealed chunks and the unsealed head both */
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_chunks WHERE target_id = 7"),
                   >, 3);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM rollup_place_hour WHERE place = 'tokyo'"),
                   >, 0);
  assert_places_agree (tmp->store, 7, raw, T0_MS, T0_MS + N_DAYS * DAY_MS);

  /* and again after a restart, from what the file holds */
  lookout_test_store_close (tmp);
  lookout_test_store_open (tmp);
  lookout_store_set_clock (tmp->store, now_cb, &now);
  assert_places_agree (tmp->store, 7, raw, T0_MS, T0_MS + N_DAYS * DAY_MS);
}

/* An older file: its chunks but no place rollups, as the migration leaves
 * it. Retention deletes old chunks while the recount has only begun: those
 * still listed are counted before they go, their minutes kept. */
static void
test_recount (LookoutTestStore *tmp,
              gconstpointer     data)
{
  const guint n_targets = 300;
  gint64 now = T0_MS + 40 * DAY_MS;
  LookoutStoreRetention retention = { .samples_ms = 30 * DAY_MS };
  g_autoptr(GPtrArray) raws = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GAsyncResult) pruned = NULL;
  g_autoptr(GError) error = NULL;
  guint64 deleted = 0;
  sqlite3 *db;

  /* per target: old results (a chunk retention deletes) and recent ones */
  lookout_store_set_clock (tmp->store, now_cb, &now);
  for (guint t = 1; t <= n_targets; t++)
    for (guint p = 0; p < G_N_ELEMENTS (places); p++)
      for (gint64 i = 0; i < 4; i++)
        {
          LookoutSample old = place_sample (t, p, i * 11);
          LookoutSample recent = place_sample (t, p, i * 11);

          recent.ts_ms += 35 * DAY_MS;
          lookout_store_append_sample (tmp->store, &old);
          lookout_store_append_sample (tmp->store, &recent);
        }
  flush (tmp->store);
  for (guint t = 1; t <= n_targets; t++)
    {
      GArray *raw = stored_samples (tmp->store, t);

      g_assert_cmpuint (raw->len, ==, 3 * 8);
      g_ptr_array_add (raws, raw);
    }
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_chunks"), >, 512);
  lookout_test_store_close (tmp);

  db = lookout_test_sql_open (tmp->path);
  lookout_test_sql_exec (db, "DELETE FROM rollup_place_minute; DELETE FROM rollup_place_hour;"
                             "DELETE FROM rollup_place_day;"
                             "INSERT INTO rollup_place_recount SELECT rowid FROM sample_chunks;");
  sqlite3_close (db);

  lookout_test_store_open (tmp);
  lookout_store_set_clock (tmp->store, now_cb, &now);
  g_assert_false (lookout_store_place_rollups_ready (tmp->store));
  lookout_store_set_retention (tmp->store, &retention);
  lookout_store_prune_async (tmp->store, NULL, lookout_test_async_cb, &pruned);
  g_assert_true (lookout_store_prune_finish (tmp->store, lookout_test_wait_result (&pruned), &deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (deleted, ==, n_targets * 3 * 4);
  LOOKOUT_TEST_WAIT (lookout_store_place_rollups_ready (tmp->store));
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM rollup_place_recount"), ==, 0);

  for (guint t = 1; t <= n_targets; t++)
    assert_places_agree (tmp->store, t, g_ptr_array_index (raws, t - 1), T0_MS, now);
}

/* A 30-day line of one place is drawn from its hourly rollups, and agrees
 * with a line drawn from the raw samples. */
static void
test_series_reads_rollups (LookoutTestStore *tmp,
                           gconstpointer     data)
{
  const guint n = N_DAYS * DAY_MS / STEP_MS;
  gint64 now = T0_MS + 30 * DAY_MS;
  g_autoptr(GArray) raw = NULL;

  lookout_store_set_clock (tmp->store, now_cb, &now);
  write_three_places (tmp->store, 7, n);
  raw = stored_samples (tmp->store, 7);

  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    {
      const char *place = places[p] != NULL ? places[p] : LOOKOUT_LOCATION_LOCAL;
      g_autoptr(LookoutSeries) series = NULL;
      g_autoptr(LookoutSeries) from_raw = NULL;
      g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
      g_autoptr(GError) error = NULL;
      guint drawn = 0;

      series = lookout_series_fetch_place_sync (tmp->store, 7, place, now - 30 * DAY_MS, now, 720,
                                                NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (lookout_series_get_source (series), ==, LOOKOUT_SERIES_SOURCE_HOUR);

      for (guint i = 0; i < raw->len; i++)
        if (lookout_series_sample_is_from (&g_array_index (raw, LookoutSample, i), place))
          g_array_append_vals (kept, &g_array_index (raw, LookoutSample, i), 1);
      from_raw = lookout_series_new_from_samples (lookout_series_get_from_ms (series),
                                                  lookout_series_get_column_ms (series),
                                                  lookout_series_get_n_columns (series),
                                                  (const LookoutSample *) (gpointer) kept->data, kept->len);
      for (guint c = 0; c < lookout_series_get_n_columns (series); c++)
        {
          const LookoutSeriesColumn *a = lookout_series_get_column (series, c);
          const LookoutSeriesColumn *b = lookout_series_get_column (from_raw, c);

          g_assert_cmpuint (a->n, ==, b->n);
          g_assert_cmpuint (a->n_fail, ==, b->n_fail);
          g_assert_cmpint (a->min_us, ==, b->min_us);
          g_assert_cmpint (a->max_us, ==, b->max_us);
          drawn += a->n > 0;
        }
      g_assert_cmpuint (drawn, ==, N_DAYS * 24);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/place-rollups/agree-with-samples", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_agree_with_samples, lookout_test_store_tear_down);
  g_test_add ("/place-rollups/recount", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_recount, lookout_test_store_tear_down);
  g_test_add ("/place-rollups/series-reads-rollups", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_series_reads_rollups, lookout_test_store_tear_down);

  return g_test_run ();
}
