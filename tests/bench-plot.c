/* bench-plot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a plot frame costs with 1,000, 100,000 and 1,000,000 results in
 * range (rendered offscreen through the widget's snapshot and the cairo
 * renderer's node drawing, at the same size each time), what decimating
 * them costs (done once when data arrives or the range changes, not per
 * frame), and what fetching a 30-day range of a target probed every minute
 * from a real store file costs for a 1,000-pixel plot; the same for one
 * place's line of a target checked from three places (place_line_30d_ms). */

#include "config.h"

#include <stdlib.h>
#include <gtk/gtk.h>

#include "lookout-plot.h"
#include "lookout-stats.h"
#include "lookout-test.h"

/* Waits are bounded by the benchmark's own timeout in tests/meson.build. */
#define BENCH_WAIT_MS (300 * 1000)

#define T0_MS   G_GINT64_CONSTANT (1767225600000)
#define SPAN_MS (G_GINT64_CONSTANT (7) * 86400000)
#define FRAMES  60

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
render_ms (GtkWidget *widget)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  gint64 start = g_get_monotonic_time ();
  cairo_t *cr;

  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  gsk_render_node_unref (node);

  start = g_get_monotonic_time () - start;
  cairo_surface_destroy (surface);

  return start / 1000.0;
}

static LookoutSample *
make_samples (gsize n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  LookoutSample *s = g_new0 (LookoutSample, n);

  for (gsize i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (rand, 0, 1000);

      s[i].target_id = 1;
      s[i].ts_ms = T0_MS + (gint64) (i * (double) SPAN_MS / n);
      if (r < 10)
        {
          s[i].state = LOOKOUT_TARGET_STATE_DOWN;
          s[i].latency_us = -1;
        }
      else
        {
          s[i].state = LOOKOUT_TARGET_STATE_UP;
          s[i].latency_us = 20000 + g_rand_int_range (rand, 0, 8000) + (r > 995 ? 200000 : 0);
        }
    }

  return s;
}

static void
bench_frames (void)
{
  const gsize counts[] = { 1000, 100000, 1000000 };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *plot = lookout_plot_new ();
  graphene_point_t left, right;
  double frame_1k = 0;
  guint columns;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 400);
  gtk_window_set_child (GTK_WINDOW (window), plot);
  gtk_window_present (GTK_WINDOW (window));
  LOOKOUT_TEST_WAIT_UNTIL (gtk_widget_get_width (plot) > 0 && gtk_widget_get_mapped (plot), BENCH_WAIT_MS);

  lookout_plot_set_range (LOOKOUT_PLOT (plot), T0_MS, T0_MS + SPAN_MS);
  render_ms (plot);
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS, 0, &left);
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + SPAN_MS, 0, &right);
  columns = (guint) (right.x - left.x);
  g_print ("# plot %dx%d, plot area %u columns\n",
           gtk_widget_get_width (plot), gtk_widget_get_height (plot), columns);

  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    {
      g_autofree LookoutSample *samples = make_samples (counts[k]);
      g_autoptr(LookoutSeries) series = NULL;
      double times[FRAMES];
      double decimate_ms;
      gint64 start;

      start = g_get_monotonic_time ();
      series = lookout_series_new_from_samples (T0_MS, (SPAN_MS + columns - 1) / columns, columns,
                                                samples, counts[k]);
      decimate_ms = (g_get_monotonic_time () - start) / 1000.0;
      lookout_plot_set_series (LOOKOUT_PLOT (plot), 1, series);

      render_ms (plot);   /* warm-up */
      for (guint i = 0; i < FRAMES; i++)
        times[i] = render_ms (plot);
      qsort (times, FRAMES, sizeof (double), compare_double);

      if (k == 0)
        frame_1k = times[FRAMES / 2];
      g_print ("figure: plot_frame_ms_%" G_GSIZE_FORMAT "_points = %.2f ms\n", counts[k], times[FRAMES / 2]);
      g_print ("figure: plot_frame_p95_ms_%" G_GSIZE_FORMAT "_points = %.2f ms\n", counts[k],
               times[FRAMES * 95 / 100]);
      g_print ("figure: plot_decimate_ms_%" G_GSIZE_FORMAT "_points = %.2f ms\n", counts[k], decimate_ms);
      if (k > 0)
        g_print ("figure: plot_frame_ratio_%" G_GSIZE_FORMAT "_vs_1000 = %.2f x\n", counts[k],
                 times[FRAMES / 2] / frame_1k);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* @tmp's store, once what was written is saved, closed and opened again. */
static LookoutStore *
reopen_flushed (LookoutTestStore *tmp)
{
  GError *error = NULL;

  lookout_store_flush_sync (tmp->store, &error);
  g_assert_no_error (error);
  lookout_test_store_close (tmp);
  return lookout_test_store_open (tmp);
}

static void
bench_fetch (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  LookoutStore *store;
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  gint64 now = g_get_real_time () / 1000;
  GError *error = NULL;
  double best = G_MAXDOUBLE, first = 0;
  LookoutSeriesSource source = LOOKOUT_SERIES_SOURCE_SAMPLES;
  guint n = 0;

  store = lookout_test_store_open (tmp);
  for (gint64 t = now - 30 * G_GINT64_CONSTANT (86400000); t < now; t += 60000, n++)
    {
      LookoutSample s = {
        .target_id = 1, .ts_ms = t, .state = LOOKOUT_TARGET_STATE_UP,
        .latency_us = 15000 + g_rand_int_range (rand, 0, 5000),
      };

      if (g_rand_int_range (rand, 0, 100) == 0)
        {
          s.state = LOOKOUT_TARGET_STATE_DOWN;
          s.latency_us = -1;
        }
      lookout_store_append_sample (store, &s);
    }
  /* Reopened: nothing of the writes left in memory. */
  store = reopen_flushed (tmp);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(LookoutSeries) series = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      series = lookout_series_fetch_sync (store, 1, now - 30 * G_GINT64_CONSTANT (86400000), now,
                                          1000, NULL, &error);
      g_assert_no_error (error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      if (i == 0)
        {
          first = ms;
          source = lookout_series_get_source (series);
          g_print ("# 30 days, %u results, source %d (0 raw, 1 minute, 2 hour, 3 day rollups), %u columns\n",
                   n, source, lookout_series_get_n_columns (series));
        }
      best = MIN (best, ms);
    }

  g_print ("figure: plot_fetch_30d_ms = %.2f ms\n", best);

  /* Of which reading the rollups from the store. */
  {
    double read_best = G_MAXDOUBLE;

    for (guint i = 0; i < 7; i++)
      {
        g_autoptr(GArray) rollups = NULL;
        gint64 start = g_get_monotonic_time ();

        g_assert_cmpint (source, !=, LOOKOUT_SERIES_SOURCE_SAMPLES);
        rollups = lookout_store_query_rollups_sync (store, 1, source - LOOKOUT_SERIES_SOURCE_MINUTE,
                                                    now - 30 * G_GINT64_CONSTANT (86400000), now,
                                                    NULL, &error);
        g_assert_no_error (error);
        read_best = MIN (read_best, (g_get_monotonic_time () - start) / 1000.0);
      }
    g_print ("figure: plot_fetch_30d_store_read_ms = %.2f ms\n", read_best);
  }
  g_print ("figure: plot_fetch_30d_first_ms = %.2f ms\n", first);

  /* A 7-day range at the same width reads minute rollups (10,080 rows). */
  best = G_MAXDOUBLE;
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(LookoutSeries) series = NULL;
      gint64 start = g_get_monotonic_time ();

      series = lookout_series_fetch_sync (store, 1, now - 7 * G_GINT64_CONSTANT (86400000), now,
                                          1000, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (lookout_series_get_source (series), ==, LOOKOUT_SERIES_SOURCE_MINUTE);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
    }
  g_print ("figure: plot_fetch_7d_minute_rollups_ms = %.2f ms\n", best);

  /* The statistics of the same range: exact, from the raw samples. */
  best = G_MAXDOUBLE;
  for (guint i = 0; i < 3; i++)
    {
      g_autofree LookoutStats *stats = NULL;
      gint64 start = g_get_monotonic_time ();

      stats = lookout_stats_fetch_sync (store, 1, now - 30 * G_GINT64_CONSTANT (86400000), now,
                                        NULL, &error);
      g_assert_no_error (error);
      g_assert_true (stats->exact);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);
    }
  g_print ("figure: plot_stats_30d_exact_ms = %.2f ms\n", best);

  lookout_test_store_close (tmp);
}

/* One place's line of a target checked every minute from three places
 * (here, paris, tokyo) over 30 days: from the place's rollups, and, for
 * comparison, from every raw result of the range as a place line was
 * read before. */
static void
bench_place_fetch (void)
{
  static const char * const places[] = { NULL, "paris", "tokyo" };
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  const gint64 span = 30 * G_GINT64_CONSTANT (86400000);
  gint64 now = g_get_real_time () / 1000;
  double best = G_MAXDOUBLE, raw_best = G_MAXDOUBLE;
  LookoutStore *store;
  GError *error = NULL;

  store = lookout_test_store_open (tmp);
  for (gint64 t = now - span; t < now; t += 60000)
    for (guint p = 0; p < G_N_ELEMENTS (places); p++)
      {
        LookoutSample s = {
          .target_id = 1, .ts_ms = t + p * 700, .state = LOOKOUT_TARGET_STATE_UP,
          .latency_us = 15000 + (t / 60000 * 7919 + p * 30000) % 20000,
          .location = (char *) places[p], .min_us = -1, .max_us = -1, .jitter_us = -1,
        };

        lookout_store_append_sample (store, &s);
      }
  store = reopen_flushed (tmp);

  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(LookoutSeries) series = NULL;
      g_autoptr(GArray) samples = NULL;
      g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
      gint64 start = g_get_monotonic_time ();

      series = lookout_series_fetch_place_sync (store, 1, "paris", now - span, now, 1000, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (lookout_series_get_source (series), !=, LOOKOUT_SERIES_SOURCE_SAMPLES);
      best = MIN (best, (g_get_monotonic_time () - start) / 1000.0);

      start = g_get_monotonic_time ();
      samples = lookout_store_query_samples_sync (store, 1, now - span, now, NULL, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < samples->len; k++)
        if (lookout_series_sample_is_from (&g_array_index (samples, LookoutSample, k), "paris"))
          g_array_append_vals (kept, &g_array_index (samples, LookoutSample, k), 1);
      g_clear_object (&series);
      series = lookout_series_new_from_samples (now - span, span / 1000, 1000,
                                                (const LookoutSample *) (gpointer) kept->data, kept->len);
      raw_best = MIN (raw_best, (g_get_monotonic_time () - start) / 1000.0);
    }
  g_print ("figure: place_line_30d_ms = %.2f ms\n", best);
  g_print ("figure: place_line_30d_raw_ms = %.2f ms\n", raw_best);
}

int
main (int   argc,
      char *argv[])
{
  gtk_init ();

  bench_frames ();
  bench_fetch ();
  bench_place_fetch ();

  return 0;
}
