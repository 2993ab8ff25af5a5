/* test-series.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The plot's data side: decimation, source choice, statistics and the
 * store reads behind them, retention and export, against a real store file. */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lookout-export.h"
#include "lookout-series.h"
#include "lookout-stats.h"
#include "lookout-store.h"
#include "lookout-test.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define DAY_MS    (1440 * MINUTE_MS)

/* The store's "now" in every test that reads relative to it (retention,
 * raw samples or rollups): 2026-06-15 12:34:56.789 UTC, not on any boundary,
 * so no test depends on when it runs. */
#define NOW_MS    G_GINT64_CONSTANT (1781526896789)

static gint64
fixed_clock (gpointer user_data)
{
  return NOW_MS;
}

/* dir, path and store: a store in a temporary directory. */
typedef LookoutTestStore Fixture;

static void
test_spike_survives (void)
{
  const gsize n = 1000000;
  const guint columns = 1000;
  g_autofree LookoutSample *samples = g_new0 (LookoutSample, n);
  g_autoptr(LookoutSeries) series = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree gint64 *min = g_new (gint64, columns);
  g_autofree gint64 *max = g_new (gint64, columns);
  gsize spike = 612345;
  int column;

  for (guint i = 0; i < columns; i++)
    min[i] = G_MAXINT64, max[i] = -1;

  for (gsize i = 0; i < n; i++)
    {
      samples[i].ts_ms = i;
      samples[i].state = LOOKOUT_TARGET_STATE_UP;
      samples[i].latency_us = i == spike ? 900000 : g_rand_int_range (rand, 1000, 2000);
      min[i / 1000] = MIN (min[i / 1000], samples[i].latency_us);
      max[i / 1000] = MAX (max[i / 1000], samples[i].latency_us);
    }

  series = lookout_series_new_from_samples (0, n / columns, columns, samples, n);
  g_assert_cmpuint (lookout_series_get_n_columns (series), ==, columns);

  for (guint i = 0; i < columns; i++)
    {
      const LookoutSeriesColumn *c = lookout_series_get_column (series, i);

      g_assert_cmpuint (c->n, ==, 1000);
      g_assert_cmpint (c->min_us, ==, min[i]);
      g_assert_cmpint (c->max_us, ==, max[i]);
      g_assert_cmpint (c->first_us, ==, samples[i * 1000].latency_us);
      g_assert_cmpint (c->last_us, ==, samples[i * 1000 + 999].latency_us);
      g_assert_cmpint (c->mid_us, >=, 1000);
      g_assert_cmpint (c->mid_us, <, 2000);
    }

  column = lookout_series_column_at (series, spike);
  g_assert_cmpint (column, ==, 612);
  g_assert_cmpint (lookout_series_get_column (series, column)->max_us, ==, 900000);
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
test_column_median (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint round = 0; round < 200; round++)
    {
      guint n = g_rand_int_range (rand, 1, 60);
      g_autofree LookoutSample *samples = g_new0 (LookoutSample, n);
      g_autofree gint64 *v = g_new (gint64, n);
      g_autoptr(LookoutSeries) series = NULL;
      gint64 expected;

      for (guint i = 0; i < n; i++)
        {
          samples[i].ts_ms = i;
          samples[i].state = LOOKOUT_TARGET_STATE_UP;
          /* Few distinct values, to exercise equal keys. */
          samples[i].latency_us = v[i] = g_rand_int_range (rand, 0, 8) * 100;
        }
      qsort (v, n, sizeof (gint64), compare_int64);
      expected = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;

      series = lookout_series_new_from_samples (0, 1000, 1, samples, n);
      g_assert_cmpint (lookout_series_get_column (series, 0)->mid_us, ==, expected);
    }
}

static void
test_failures_and_gaps (void)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (LookoutSample));
  g_autoptr(LookoutSeries) series = NULL;
  const LookoutSeriesColumn *c;

  /* One result a second for 100 s, a failure at 50 s, nothing 100..200 s,
   * then again 200..300 s. */
  for (gint64 t = 0; t < 300; t++)
    {
      LookoutSample s = { .ts_ms = t * 1000, .state = LOOKOUT_TARGET_STATE_UP, .latency_us = 5000 };

      if (t >= 100 && t < 200)
        continue;
      if (t == 50)
        {
          s.state = LOOKOUT_TARGET_STATE_DOWN;
          s.latency_us = -1;
        }
      g_array_append_val (samples, s);
    }

  series = lookout_series_new_from_samples (0, 1000, 300,
                                            (LookoutSample *) (gpointer) samples->data,
                                            samples->len);
  g_assert_cmpint (lookout_series_get_spacing_ms (series), ==, 1000);

  c = lookout_series_get_column (series, 50);
  g_assert_cmpuint (c->n, ==, 1);
  g_assert_cmpuint (c->n_fail, ==, 1);
  g_assert_cmpuint (c->n_timed, ==, 0);
  g_assert_cmpint (c->mid_us, ==, -1);   /* never a zero latency */
  g_assert_cmpint (c->worst_state, ==, LOOKOUT_TARGET_STATE_DOWN);

  g_assert_true (lookout_series_get_column (series, 0)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
  g_assert_false (lookout_series_get_column (series, 51)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
  g_assert_cmpuint (lookout_series_get_column (series, 150)->n, ==, 0);
  g_assert_true (lookout_series_get_column (series, 200)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
  g_assert_false (lookout_series_get_column (series, 201)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
}

static void
test_live_advance (void)
{
  g_autoptr(LookoutSeries) series = lookout_series_new (0, 1000, 10);
  LookoutSample s = { .state = LOOKOUT_TARGET_STATE_UP };

  for (gint64 t = 0; t < 10; t++)
    {
      s.ts_ms = t * 1000 + 500;
      s.latency_us = 1000 + t;
      g_assert_true (lookout_series_add_sample (series, &s));
    }
  s.ts_ms = 10500;
  g_assert_false (lookout_series_add_sample (series, &s));

  lookout_series_advance (series, 12000);
  g_assert_cmpint (lookout_series_get_from_ms (series), ==, 2000);
  g_assert_cmpint (lookout_series_get_to_ms (series), ==, 12000);
  g_assert_cmpint (lookout_series_get_column (series, 0)->mid_us, ==, 1002);
  g_assert_true (lookout_series_get_column (series, 0)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
  g_assert_cmpuint (lookout_series_get_column (series, 8)->n, ==, 0);
  g_assert_true (lookout_series_add_sample (series, &s));
  g_assert_cmpint (lookout_series_get_column (series, 8)->max_us, ==, 1009);
  g_assert_false (lookout_series_get_column (series, 8)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
}

static void
test_live_spacing_learnt (void)
{
  /* A new target: nothing fetched, columns of 625 ms, a check every second.
   * Empty columns between checks are not gaps; a 10 s silence is. */
  g_autoptr(LookoutSeries) series = lookout_series_new (0, 625, 480);
  LookoutSample s = { .state = LOOKOUT_TARGET_STATE_UP, .latency_us = 1500 };
  gint64 t;

  for (t = 0; t < 20; t++)
    {
      s.ts_ms = 1000 + t * 1000 + (t % 3) * 40;
      g_assert_true (lookout_series_add_sample (series, &s));
    }
  for (guint i = 0; i < 480; i++)
    {
      const LookoutSeriesColumn *c = lookout_series_get_column (series, i);

      if (c->n > 0 && c->first_ts_ms > 1000)
        g_assert_false (c->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
    }
  g_assert_cmpint (lookout_series_get_spacing_ms (series), >=, 960);
  g_assert_cmpint (lookout_series_get_spacing_ms (series), <=, 1080);

  s.ts_ms = 1000 + (t - 1) * 1000 + 10000;
  g_assert_true (lookout_series_add_sample (series, &s));
  g_assert_true (lookout_series_get_column (series, lookout_series_column_at (series, s.ts_ms))->flags
                 & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
}

static void
test_wide_buckets (void)
{
  /* Three hourly buckets over columns of 40 minutes: every column shows
   * the bucket(s) it overlaps, none is left as a hole. */
  const LookoutRollup hours[] = {
    { .bucket_ms = 0,       .n = 60, .n_fail = 0, .min_us = 1000, .max_us = 2000,   .sum_us = 60 * 1500 },
    { .bucket_ms = 3600000, .n = 60, .n_fail = 6, .min_us = 1000, .max_us = 900000, .sum_us = 54 * 1600 },
    { .bucket_ms = 7200000, .n = 60, .n_fail = 0, .min_us = 1100, .max_us = 2100,   .sum_us = 60 * 1600 },
  };
  g_autoptr(LookoutSeries) series = NULL;

  series = lookout_series_new_from_rollups (0, 2400000, 5, LOOKOUT_ROLLUP_HOUR, hours, 3);
  g_assert_cmpint (lookout_series_get_source (series), ==, LOOKOUT_SERIES_SOURCE_HOUR);
  for (guint i = 0; i < 5; i++)
    {
      const LookoutSeriesColumn *c = lookout_series_get_column (series, i);

      g_assert_cmpuint (c->n, >, 0);
      g_assert_true (c->flags & LOOKOUT_SERIES_COLUMN_MEAN);
      if (i > 0)
        g_assert_false (c->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);
    }
  /* The spike of the second hour (60–120 min) shows in columns 1 and 2
   * (40–80, 80–120 min), and not in column 0 or 3. */
  g_assert_cmpint (lookout_series_get_column (series, 0)->max_us, ==, 2000);
  g_assert_cmpint (lookout_series_get_column (series, 1)->max_us, ==, 900000);
  g_assert_cmpint (lookout_series_get_column (series, 2)->max_us, ==, 900000);
  g_assert_cmpint (lookout_series_get_column (series, 3)->max_us, ==, 2100);
  g_assert_cmpuint (lookout_series_get_column (series, 2)->n_fail, ==, 6);
  g_assert_cmpint (lookout_series_get_column (series, 4)->mid_us, ==, 1600);
}

static void
test_pick_source (void)
{
  LookoutStoreRetention keep = { 30 * DAY_MS, 90 * DAY_MS, 0, 0 };
  gint64 now = 1000 * DAY_MS;

  g_assert_cmpint (lookout_series_pick_source (now - 5 * MINUTE_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_SAMPLES);
  g_assert_cmpint (lookout_series_pick_source (now - 60 * MINUTE_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_SAMPLES);
  g_assert_cmpint (lookout_series_pick_source (now - DAY_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_MINUTE);
  /* Narrow plots take coarser tables sooner. */
  g_assert_cmpint (lookout_series_pick_source (now - 60 * MINUTE_MS, now, 50, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_MINUTE);
  /* 43-minute columns: hourly buckets span at most two of them. */
  g_assert_cmpint (lookout_series_pick_source (now - 30 * DAY_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_HOUR);
  g_assert_cmpint (lookout_series_pick_source (now - 7 * DAY_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_MINUTE);
  g_assert_cmpint (lookout_series_pick_source (now - 30 * DAY_MS, now, 100, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_HOUR);
  g_assert_cmpint (lookout_series_pick_source (now - 3000 * DAY_MS, now, 1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_DAY);
  /* Zoomed into one hour 40 days ago: raw samples are gone, minutes remain. */
  g_assert_cmpint (lookout_series_pick_source (now - 40 * DAY_MS, now - 40 * DAY_MS + 3600000,
                                               1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_MINUTE);
  /* ... and 100 days ago only hours. */
  g_assert_cmpint (lookout_series_pick_source (now - 100 * DAY_MS, now - 100 * DAY_MS + 3600000,
                                               1000, now, &keep), ==,
                   LOOKOUT_SERIES_SOURCE_HOUR);
}

static void
append_minutes (LookoutStore *store,
                gint64        target_id,
                gint64        from_ms,
                guint         n,
                gint64        step_ms)
{
  for (guint i = 0; i < n; i++)
    {
      LookoutSample s = {
        .target_id = target_id,
        .ts_ms = from_ms + i * step_ms,
        .latency_us = 10000 + (i % 7) * 1000,
        .state = i % 50 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
        .code = LOOKOUT_SAMPLE_NO_CODE,
      };

      if (s.state == LOOKOUT_TARGET_STATE_DOWN)
        s.latency_us = -1;
      lookout_store_append_sample (store, &s);
    }
}

static void
test_fetch_source (Fixture       *f,
                   gconstpointer  data)
{
  gint64 now = NOW_MS;
  g_autoptr(LookoutSeries) raw = NULL;
  g_autoptr(LookoutSeries) minute = NULL;
  g_autoptr(LookoutSeries) hour = NULL;
  g_autoptr(LookoutSeries) empty = NULL;
  GError *error = NULL;
  guint64 n_raw = 0, n_minute = 0;
  gint64 max_raw = -1, max_minute = -1;

  lookout_store_set_clock (f->store, fixed_clock, NULL);

  /* Two days at one result per 30 s. */
  append_minutes (f->store, 1, now - 2 * DAY_MS, 2 * 2880, 30000);
  lookout_store_flush_sync (f->store, &error);
  g_assert_no_error (error);

  raw = lookout_series_fetch_sync (f->store, 1, now - 3600000, now, 800, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lookout_series_get_source (raw), ==, LOOKOUT_SERIES_SOURCE_SAMPLES);
  g_assert_cmpint (lookout_series_get_spacing_ms (raw), ==, 30000);

  minute = lookout_series_fetch_sync (f->store, 1, now - DAY_MS, now, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lookout_series_get_source (minute), ==, LOOKOUT_SERIES_SOURCE_MINUTE);
  g_assert_false (lookout_series_get_column (minute, 500)->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE);

  hour = lookout_series_fetch_sync (f->store, 1, now - 10 * DAY_MS, now, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lookout_series_get_source (hour), ==, LOOKOUT_SERIES_SOURCE_HOUR);

  /* The two sources agree on what they both cover: one hour at 1000
   * columns from raw, the same hour from minute rollups at 10 columns. */
  {
    gint64 from = (now - 6 * 3600000) / 3600000 * 3600000;
    g_autoptr(LookoutSeries) a = lookout_series_fetch_sync (f->store, 1, from, from + 3600000, 1000, NULL, &error);
    g_autoptr(LookoutSeries) b = lookout_series_fetch_sync (f->store, 1, from, from + 3600000, 10, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (lookout_series_get_source (a), ==, LOOKOUT_SERIES_SOURCE_SAMPLES);
    g_assert_cmpint (lookout_series_get_source (b), ==, LOOKOUT_SERIES_SOURCE_MINUTE);
    for (guint i = 0; i < lookout_series_get_n_columns (a); i++)
      {
        n_raw += lookout_series_get_column (a, i)->n;
        max_raw = MAX (max_raw, lookout_series_get_column (a, i)->max_us);
      }
    for (guint i = 0; i < lookout_series_get_n_columns (b); i++)
      {
        n_minute += lookout_series_get_column (b, i)->n;
        max_minute = MAX (max_minute, lookout_series_get_column (b, i)->max_us);
      }
    g_assert_cmpuint (n_raw, ==, 120);
    g_assert_cmpuint (n_minute, ==, n_raw);
    g_assert_cmpint (max_minute, ==, max_raw);
  }

  /* No data: empty columns, no latency. */
  empty = lookout_series_fetch_sync (f->store, 2, now - 3600000, now, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (lookout_series_get_latency_range (empty, NULL, NULL));
}

static void
check_stats_against_naive (const LookoutSample *s,
                           gsize                n)
{
  LookoutStats stats;
  g_autofree gint64 *v = g_new (gint64, n + 1);
  guint64 n_fail = 0, n_degraded = 0, outages = 0, k = 0;
  gint64 sum = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (s[i].state == LOOKOUT_TARGET_STATE_DOWN)
        {
          n_fail++;
          if (i == 0 || s[i - 1].state != LOOKOUT_TARGET_STATE_DOWN)
            outages++;
        }
      else if (s[i].latency_us >= 0)
        {
          v[k++] = s[i].latency_us;
          sum += s[i].latency_us;
        }
    }
  for (gsize i = 0; i < n; i++)
    n_degraded += s[i].state == LOOKOUT_TARGET_STATE_DEGRADED;
  qsort (v, k, sizeof (gint64), compare_int64);

  lookout_stats_compute_samples (&stats, s, n);
  g_assert_true (stats.exact);
  g_assert_cmpuint (stats.n, ==, n);
  g_assert_cmpuint (stats.n_fail, ==, n_fail);
  g_assert_cmpuint (stats.n_outages, ==, outages);
  /* Degraded results are answered but not available. */
  g_assert_cmpuint (stats.n_degraded, ==, n_degraded);
  g_assert_cmpfloat_with_epsilon (stats.availability, 100.0 * (n - n_fail - n_degraded) / n, 1e-9);
  g_assert_cmpint (stats.last_state, ==, s[n - 1].state);
  if (k == 0)
    {
      g_assert_cmpint (stats.min_us, ==, -1);
      g_assert_cmpint (stats.median_us, ==, -1);
      return;
    }
  g_assert_cmpint (stats.min_us, ==, v[0]);
  g_assert_cmpint (stats.max_us, ==, v[k - 1]);
  g_assert_cmpint (stats.mean_us, ==, sum / (gint64) k);
  g_assert_cmpint (stats.median_us, ==, k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2);
  /* p95 by counting: the smallest value with at least 95 % at or below. */
  for (guint64 i = 0; i < k; i++)
    if ((i + 1) * 100 >= 95 * k)
      {
        g_assert_cmpint (stats.p95_us, ==, v[i]);
        break;
      }
}

static void
test_stats_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);

  for (guint round = 0; round < 100; round++)
    {
      gsize n = g_rand_int_range (rand, 1, 3000);
      g_autofree LookoutSample *s = g_new0 (LookoutSample, n);
      int fail_pct = g_rand_int_range (rand, 0, 60);

      for (gsize i = 0; i < n; i++)
        {
          s[i].ts_ms = i * 1000;
          if (g_rand_int_range (rand, 0, 100) < fail_pct)
            {
              s[i].state = LOOKOUT_TARGET_STATE_DOWN;
              s[i].latency_us = -1;
            }
          else
            {
              s[i].state = g_rand_int_range (rand, 0, 10) ? LOOKOUT_TARGET_STATE_UP
                                                          : LOOKOUT_TARGET_STATE_DEGRADED;
              s[i].latency_us = g_rand_int_range (rand, 0, 10) ? g_rand_int_range (rand, 100, 500000) : -1;
            }
        }
      check_stats_against_naive (s, n);
    }
}

static void
test_stats_rollups (Fixture       *f,
                    gconstpointer  data)
{
  gint64 from = (NOW_MS - DAY_MS) / 3600000 * 3600000;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GArray) rollups = NULL;
  g_autofree LookoutStats *fetched = NULL;
  LookoutStats exact, approx;
  GError *error = NULL;

  lookout_store_set_clock (f->store, fixed_clock, NULL);
  append_minutes (f->store, 5, from, 600, 6000);
  lookout_store_flush_sync (f->store, &error);
  g_assert_no_error (error);

  samples = lookout_store_query_samples_sync (f->store, 5, from, from + 3600000, NULL, &error);
  g_assert_no_error (error);
  rollups = lookout_store_query_rollups_sync (f->store, 5, LOOKOUT_ROLLUP_MINUTE, from,
                                              from + 3600000, NULL, &error);
  g_assert_no_error (error);
  lookout_stats_compute_samples (&exact, (LookoutSample *) (gpointer) samples->data, samples->len);
  lookout_stats_compute_rollups (&approx, (LookoutRollup *) (gpointer) rollups->data,
                                 rollups->len, MINUTE_MS);

  g_assert_false (approx.exact);
  g_assert_cmpuint (approx.n, ==, exact.n);
  g_assert_cmpuint (approx.n_fail, ==, exact.n_fail);
  g_assert_cmpfloat_with_epsilon (approx.availability, exact.availability, 1e-9);
  g_assert_cmpint (approx.min_us, ==, exact.min_us);
  g_assert_cmpint (approx.max_us, ==, exact.max_us);
  g_assert_cmpint (approx.mean_us, ==, exact.mean_us);
  g_assert_cmpint (approx.median_us, ==, -1);
  g_assert_cmpint (approx.p95_us, ==, -1);
  g_assert_cmpuint (approx.n_outages, ==, exact.n_outages);

  /* Within raw retention the fetch is exact. */
  fetched = lookout_stats_fetch_sync (f->store, 5, from, from + 3600000, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fetched->exact);
  g_assert_cmpint (fetched->median_us, ==, exact.median_us);
}

static void
prune_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  guint64 *deleted = user_data;
  GError *error = NULL;

  g_assert_true (lookout_store_prune_finish (LOOKOUT_STORE (object), result, deleted, &error));
  g_assert_no_error (error);
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  /* Retention prunes relative to the store's clock, fixed here; the
   * samples are placed from the start of its hour, so that the ten samples
   * of 100 days ago fall in one hour bucket. */
  gint64 now = NOW_MS / (DAY_MS / 24) * (DAY_MS / 24);
  LookoutStoreRetention keep;
  guint64 deleted = G_MAXUINT64;
  g_autoptr(GArray) old = NULL;
  g_autoptr(GArray) recent = NULL;
  g_autoptr(GArray) minutes = NULL;
  g_autoptr(GArray) hours = NULL;
  GError *error = NULL;

  lookout_store_set_clock (f->store, fixed_clock, NULL);
  lookout_store_get_retention (f->store, &keep);
  g_assert_cmpint (keep.samples_ms, ==, 30 * DAY_MS);
  g_assert_cmpint (keep.minute_ms, ==, 90 * DAY_MS);
  g_assert_cmpint (keep.hour_ms, ==, 0);
  g_assert_cmpint (keep.day_ms, ==, 0);

  /* 5,000 results 40 days old (more than one pruning batch), 100 recent. */
  append_minutes (f->store, 3, now - 40 * DAY_MS, 5000, 10000);
  append_minutes (f->store, 3, now - 100 * DAY_MS, 10, 10000);
  append_minutes (f->store, 3, now - DAY_MS, 100, 10000);
  lookout_store_flush_sync (f->store, &error);
  g_assert_no_error (error);

  lookout_store_prune_async (f->store, NULL, prune_done_cb, &deleted);
  LOOKOUT_TEST_WAIT (deleted != G_MAXUINT64);

  old = lookout_store_query_samples_sync (f->store, 3, 0, now - 2 * DAY_MS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old->len, ==, 0);
  recent = lookout_store_query_samples_sync (f->store, 3, now - 2 * DAY_MS, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, 100);
  /* Minute rollups of 40 days ago stay, those of 100 days ago go; hours stay. */
  minutes = lookout_store_query_rollups_sync (f->store, 3, LOOKOUT_ROLLUP_MINUTE, 0,
                                              now - 2 * DAY_MS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (minutes->len, >, 0);
  for (guint i = 0; i < minutes->len; i++)
    g_assert_cmpint (g_array_index (minutes, LookoutRollup, i).bucket_ms, >, now - 90 * DAY_MS);
  hours = lookout_store_query_rollups_sync (f->store, 3, LOOKOUT_ROLLUP_HOUR, 0,
                                            now - 99 * DAY_MS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hours->len, ==, 1);

  /* Statistics over the pruned days come from rollups, those of the kept
   * day from raw samples. */
  {
    g_autofree LookoutStats *old_stats = NULL;
    g_autofree LookoutStats *new_stats = NULL;

    old_stats = lookout_stats_fetch_sync (f->store, 3, now - 41 * DAY_MS, now, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (old_stats->exact);
    g_assert_cmpuint (old_stats->n, ==, 5000 + 100);
    new_stats = lookout_stats_fetch_sync (f->store, 3, now - 2 * DAY_MS, now, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (new_stats->exact);
    g_assert_cmpuint (new_stats->n, ==, 100);
  }

  /* 5,010 samples and the minute buckets of 100 days ago. */
  {
    gint64 start = now - 100 * DAY_MS;
    guint64 buckets = (start + 9 * 10000) / MINUTE_MS - start / MINUTE_MS + 1;

    g_assert_cmpuint (deleted, ==, 5010 + buckets);
  }
}

/* ---- the store's read API for statistics ---- */

/* 2001-01-01 and 2100-01-01: always older, and always newer, than a day
 * before the clock of the machine running the test. */
#define PAST_MS   G_GINT64_CONSTANT (978307200000)
#define FUTURE_MS G_GINT64_CONSTANT (4102444800000)

static void
append_one (LookoutStore *store,
            gint64        target_id,
            gint64        ts_ms,
            gint64        latency_us,
            guint8        state)
{
  LookoutSample sample = {
    .target_id = target_id,
    .ts_ms = ts_ms,
    .latency_us = latency_us,
    .state = state,
  };

  g_assert_cmpuint (lookout_store_append_sample (store, &sample), >, 0);
}

static void
flush_store (LookoutStore *store)
{
  GError *error = NULL;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
}

typedef struct
{
  gint64 ts_ms;
  gint64 latency_us;
  guint8 state;
} Seen;

static void
sample_seen_cb (gint64   ts_ms,
                gint64   latency_us,
                guint8   state,
                gpointer user_data)
{
  Seen seen = { ts_ms, latency_us, state };

  g_array_append_val ((GArray *) user_data, seen);
}

static void
test_store_scan (Fixture       *f,
           gconstpointer  data)
{
  const Seen expected[] = {
    { PAST_MS + 1000, 1500, LOOKOUT_TARGET_STATE_UP },
    { PAST_MS + 2000, -1,   LOOKOUT_TARGET_STATE_DOWN },
    { PAST_MS + 3000, 9000, LOOKOUT_TARGET_STATE_DEGRADED },
  };
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;

  /* Appended out of order, around the range and for another target. */
  append_one (f->store, 1, PAST_MS + 3000, 9000, LOOKOUT_TARGET_STATE_DEGRADED);
  append_one (f->store, 1, PAST_MS, 100, LOOKOUT_TARGET_STATE_UP);
  append_one (f->store, 1, PAST_MS + 1000, 1500, LOOKOUT_TARGET_STATE_UP);
  append_one (f->store, 1, PAST_MS + 4000, 200, LOOKOUT_TARGET_STATE_UP);
  append_one (f->store, 1, PAST_MS + 2000, -1, LOOKOUT_TARGET_STATE_DOWN);
  append_one (f->store, 2, PAST_MS + 2500, 300, LOOKOUT_TARGET_STATE_UP);
  flush_store (f->store);

  /* From inclusive, to exclusive, in time order, NULL latency as -1. */
  g_assert_true (lookout_store_scan_samples_sync (f->store, 1, PAST_MS + 1000, PAST_MS + 4000,
                                                  sample_seen_cb, seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < seen->len; i++)
    {
      const Seen *s = &g_array_index (seen, Seen, i);

      g_assert_cmpint (s->ts_ms, ==, expected[i].ts_ms);
      g_assert_cmpint (s->latency_us, ==, expected[i].latency_us);
      g_assert_cmpuint (s->state, ==, expected[i].state);
    }

  /* An empty range calls nothing. */
  g_array_set_size (seen, 0);
  g_assert_true (lookout_store_scan_samples_sync (f->store, 3, 0, G_MAXINT64,
                                                  sample_seen_cb, seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 0);

  g_cancellable_cancel (cancellable);
  g_assert_false (lookout_store_scan_samples_sync (f->store, 1, 0, G_MAXINT64,
                                                   sample_seen_cb, seen, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  lookout_store_close (f->store);
  g_assert_false (lookout_store_scan_samples_sync (f->store, 1, 0, G_MAXINT64,
                                                   sample_seen_cb, seen, NULL, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
}

static gboolean
complete_since (LookoutStore *store,
                gint64        target_id,
                gint64        from_ms)
{
  GError *error = NULL;
  gboolean complete;

  complete = lookout_store_raw_complete_since_sync (store, target_id, from_ms, &error);
  g_assert_no_error (error);

  return complete;
}

static void
prune_and_wait (LookoutStore *store,
                guint64       expected_deleted)
{
  guint64 deleted = G_MAXUINT64;

  lookout_store_prune_async (store, NULL, prune_done_cb, &deleted);
  LOOKOUT_TEST_WAIT (deleted != G_MAXUINT64);

  g_assert_cmpuint (deleted, ==, expected_deleted);
}

static void
test_store_raw_complete_since (Fixture       *f,
                         gconstpointer  data)
{
  /* Raw samples one day, rollups forever. */
  const LookoutStoreRetention retention = { .samples_ms = DAY_MS };
  GError *error = NULL;

  lookout_store_set_clock (f->store, fixed_clock, NULL);

  /* Eleven minutes of the past, and two of the future. */
  for (gint64 i = 0; i <= 10; i++)
    append_one (f->store, 1, PAST_MS + i * MINUTE_MS, 1000, LOOKOUT_TARGET_STATE_UP);
  append_one (f->store, 1, FUTURE_MS, 1000, LOOKOUT_TARGET_STATE_UP);
  append_one (f->store, 1, FUTURE_MS + MINUTE_MS, 1000, LOOKOUT_TARGET_STATE_UP);
  flush_store (f->store);

  /* Nothing is missing yet: from before the first sample on too. */
  g_assert_true (complete_since (f->store, 1, PAST_MS - 60 * MINUTE_MS));
  g_assert_true (complete_since (f->store, 1, PAST_MS));
  g_assert_true (complete_since (f->store, 1, PAST_MS + 5 * MINUTE_MS));

  lookout_store_set_retention (f->store, &retention);
  prune_and_wait (f->store, 11);

  /* The past is in the rollups only now. */
  g_assert_false (complete_since (f->store, 1, PAST_MS - 60 * MINUTE_MS));
  g_assert_false (complete_since (f->store, 1, PAST_MS));
  g_assert_false (complete_since (f->store, 1, PAST_MS + 10 * MINUTE_MS));
  /* After the last pruned minute, no rollup says anything was there. */
  g_assert_true (complete_since (f->store, 1, PAST_MS + 11 * MINUTE_MS));
  g_assert_true (complete_since (f->store, 1, FUTURE_MS));
  g_assert_true (complete_since (f->store, 1, FUTURE_MS + 30000));

  /* A target without history has nothing missing. */
  g_assert_true (complete_since (f->store, 2, PAST_MS));

  lookout_store_close (f->store);
  g_assert_false (lookout_store_raw_complete_since_sync (f->store, 1, FUTURE_MS, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED);
  g_clear_error (&error);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  LookoutSample s[] = {
    { .ts_ms = 1767225600123, .latency_us = 12345, .state = LOOKOUT_TARGET_STATE_UP, .code = 200 },
    { .ts_ms = 1767225660000, .latency_us = -1, .state = LOOKOUT_TARGET_STATE_DOWN,
      .code = LOOKOUT_SAMPLE_NO_CODE, .error = (char *) "timed out, \"again\"",
      .location = (char *) "paris" },
  };
  g_autoptr(GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) json = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *csv_text = NULL;
  JsonObject *root, *second;
  JsonArray *array;
  GError *error = NULL;

  g_assert_true (lookout_export_write_samples (csv, LOOKOUT_EXPORT_CSV, "https://example.test/",
                                               0, 1, s, 2, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (csv, "", 1, NULL, NULL, NULL);
  csv_text = g_strdup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)));
  g_assert_cmpstr (csv_text, ==,
                   "time,ts_ms,state,latency_ms,code,error,min_ms,max_ms,jitter_ms,sent,received,loss_percent,location\r\n"
                   "2026-01-01T00:00:00.123Z,1767225600123,up,12.345,200,,,,,,,,local\r\n"
                   "2026-01-01T00:01:00.000Z,1767225660000,down,,,\"timed out, \"\"again\"\"\",,,,,,,paris\r\n");

  g_assert_true (lookout_export_write_samples (json, LOOKOUT_EXPORT_JSON, "https://example.test/",
                                               0, 1, s, 2, NULL, &error));
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (json)),
                              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (json)),
                              &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "target"), ==, "https://example.test/");
  array = json_object_get_array_member (root, "samples");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (array, 0), "latency_ms"),
                                  12.345, 1e-9);
  second = json_array_get_object_element (array, 1);
  g_assert_true (json_object_get_null_member (second, "latency_ms"));
  g_assert_cmpstr (json_object_get_string_member (second, "state"), ==, "down");
  g_assert_cmpstr (json_object_get_string_member (second, "error"), ==, "timed out, \"again\"");
  g_assert_cmpstr (json_object_get_string_member (second, "location"), ==, "paris");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "location"), ==,
                   "local");
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  GError *error = NULL;

  g_assert_true (lookout_export_to_file_finish (result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_export_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean done = FALSE;
  gint64 now = NOW_MS;
  GError *error = NULL;

  append_minutes (f->store, 9, now - 3600000, 60, 60000);
  lookout_store_flush_sync (f->store, &error);
  g_assert_no_error (error);

  lookout_export_to_file_async (f->store, 9, "tcp://example.test:1", now - 3600000, now,
                                LOOKOUT_EXPORT_CSV, file, NULL, export_done_cb, &done);
  LOOKOUT_TEST_WAIT (done);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 60 + 1);   /* header, rows, "" */
  g_assert_true (g_str_has_suffix (lines[1], ",down,,,,,,,,,,local"));    /* i % 50 == 0 failed */
  g_unlink (path);
}

/* A degraded result was answered: its latency is kept and counted, it is
 * not available, and the statistics say how many there were. */
static void
test_stats_degraded (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;
  LookoutSample samples[8];
  LookoutStats stats;
  GError *error = NULL;

  target = lookout_target_new_from_string ("http://127.0.0.1:8080/health", &error);
  g_assert_no_error (error);

  result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);
  result->started_ms = 1700000000000;
  result->latency_us = 240;
  result->http_status = 500;
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_STATUS,
                            "HTTP 500 Internal Server Error");

  /* 5 up at 1 ms, 2 degraded (HTTP 500 in 240 µs), 1 down. */
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      samples[i] = (LookoutSample) {
        .ts_ms = 1700000000000 + i * 1000,
        .latency_us = 1000,
        .state = LOOKOUT_TARGET_STATE_UP,
      };
    }
  lookout_sample_init_from_result (&samples[5], target, result);
  lookout_sample_init_from_result (&samples[6], target, result);
  samples[5].ts_ms += 5000;
  samples[6].ts_ms += 6000;
  samples[7].state = LOOKOUT_TARGET_STATE_DOWN;
  samples[7].latency_us = -1;

  g_assert_cmpint (samples[5].latency_us, ==, 240);
  g_assert_cmpint (samples[5].state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
  g_assert_cmpint (samples[5].code, ==, 500);

  lookout_stats_compute_samples (&stats, samples, G_N_ELEMENTS (samples));
  g_assert_cmpuint (stats.n, ==, 8);
  g_assert_cmpuint (stats.n_fail, ==, 1);
  g_assert_cmpuint (stats.n_degraded, ==, 2);
  g_assert_cmpuint (stats.n_timed, ==, 7);
  g_assert_cmpfloat_with_epsilon (stats.availability, 100.0 * 5 / 8, 1e-9);
  g_assert_cmpint (stats.min_us, ==, 240);
  g_assert_cmpint (stats.max_us, ==, 1000);
  g_assert_cmpint (stats.n_outages, ==, 1);
}

static LookoutResult *
result_for (LookoutTargetKind kind,
            gint64            started_ms)
{
  LookoutResult *result = lookout_result_new (kind);

  result->started_ms = started_ms;
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 1500;

  return result;
}

static JsonArray *
export_json (Fixture     *f,
             gint64       target_id,
             JsonParser  *parser)
{
  g_autofree char *path = g_build_filename (f->dir, "out.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gboolean done = FALSE;
  GError *error = NULL;

  lookout_export_to_file_async (f->store, target_id, "x", 0, G_MAXINT64,
                                LOOKOUT_EXPORT_JSON, file, NULL, export_done_cb, &done);
  LOOKOUT_TEST_WAIT (done);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_unlink (path);

  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "samples");
}

static char *
export_csv_row (Fixture *f,
                gint64   target_id)
{
  g_autofree char *path = g_build_filename (f->dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean done = FALSE;
  GError *error = NULL;

  lookout_export_to_file_async (f->store, target_id, "x", 0, G_MAXINT64,
                                LOOKOUT_EXPORT_CSV, file, NULL, export_done_cb, &done);
  LOOKOUT_TEST_WAIT (done);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_unlink (path);
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);

  return g_strdup (lines[1]);
}

/* A ping's result reaches the file whole (min, max, jitter, loss) through
 * the store, and the code is what the kind says: a DNS rcode of 0 is 0, no
 * code is empty in CSV and null in JSON, never 0. */
static void
test_export_ping_and_codes (Fixture       *f,
                            gconstpointer  data)
{
  static const struct {
    const char *uri;
    const char *csv_tail;   /* after "time,ts_ms," */
  } cases[] = {
    { "icmp://127.0.0.1", "up,1.500,,,1.200,2.100,0.300,4,3,25.0,local" },
    { "dns://127.0.0.1/example.test", "up,1.500,0,,,,,,,,local" },
    { "https://127.0.0.1/", "up,1.500,,,,,,,,,local" },
    { "tcp://127.0.0.1:9", "up,1.500,,,,,,,,,local" },
  };
  const gint64 t0 = G_GINT64_CONSTANT (1767225600000);
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string (cases[i].uri, &error);
      g_autoptr(LookoutResult) result = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *row = NULL;
      LookoutSample sample;
      JsonObject *o;

      g_assert_no_error (error);
      lookout_target_set_id (target, 100 + i);
      result = result_for (lookout_target_get_kind (target), t0);
      result->sent = 4;
      result->received = 3;
      result->min_us = 1200;
      result->max_us = 2100;
      result->jitter_us = 300;
      result->rcode = 0;
      result->http_status = 0;   /* no reply reached the HTTP layer */
      lookout_sample_init_from_result (&sample, target, result);
      lookout_store_append_sample (f->store, &sample);
      lookout_store_flush_sync (f->store, &error);
      g_assert_no_error (error);

      row = export_csv_row (f, 100 + i);
      g_assert_true (g_str_has_suffix (row, cases[i].csv_tail));

      o = json_array_get_object_element (export_json (f, 100 + i, parser), 0);
      if (i == 0)
        {
          g_assert_true (json_object_get_null_member (o, "code"));
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "min_ms"), 1.2, 1e-9);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "max_ms"), 2.1, 1e-9);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "jitter_ms"), 0.3, 1e-9);
          g_assert_cmpint (json_object_get_int_member (o, "sent"), ==, 4);
          g_assert_cmpint (json_object_get_int_member (o, "received"), ==, 3);
          g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "loss_percent"), 25, 1e-9);
        }
      else
        {
          if (i == 1)
            g_assert_cmpint (json_object_get_int_member (o, "code"), ==, 0);
          else
            g_assert_true (json_object_get_null_member (o, "code"));
          g_assert_true (json_object_get_null_member (o, "min_ms"));
          g_assert_true (json_object_get_null_member (o, "loss_percent"));
          g_assert_true (json_object_get_null_member (o, "sent"));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD_STORE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, lookout_test_store_set_up, func, lookout_test_store_tear_down)
  g_test_add_func ("/series/spike-survives", test_spike_survives);
  g_test_add_func ("/series/column-median", test_column_median);
  g_test_add_func ("/series/failures-and-gaps", test_failures_and_gaps);
  g_test_add_func ("/series/live-advance", test_live_advance);
  g_test_add_func ("/series/live-spacing-learnt", test_live_spacing_learnt);
  g_test_add_func ("/series/wide-buckets", test_wide_buckets);
  g_test_add_func ("/series/pick-source", test_pick_source);
  ADD_STORE_TEST ("/series/fetch-source", test_fetch_source);
  g_test_add_func ("/stats/random", test_stats_random);
  g_test_add_func ("/stats/degraded", test_stats_degraded);
  ADD_STORE_TEST ("/stats/rollups", test_stats_rollups);
  ADD_STORE_TEST ("/store/retention", test_retention);
  ADD_STORE_TEST ("/store/read/scan-samples", test_store_scan);
  ADD_STORE_TEST ("/store/read/raw-complete-since", test_store_raw_complete_since);
  ADD_STORE_TEST ("/export/write", test_export);
  ADD_STORE_TEST ("/export/file", test_export_file);
  ADD_STORE_TEST ("/export/ping-and-codes", test_export_ping_and_codes);
#undef ADD_STORE_TEST

  return g_test_run ();
}
