/* test-plot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The plot widget rendered offscreen through its own snapshot (GtkSnapshot
 * → GskRenderNode → cairo image), checked pixel by pixel, and its view
 * logic: zoom holds still under live updates, the store feeds it raw or
 * rollup data by range. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <gtk/gtk.h>

#include "lookout-dashboard-plot.h"
#include "lookout-format.h"
#include "lookout-plot.h"
#include "lookout-plot-legend.h"
#include "lookout-range-bar.h"
#include "lookout-sparkline.h"
#include "lookout-store-anomalies.h"
#include "lookout-target-history.h"
#include "lookout-target-options.h"
#include "lookout-test-gui.h"

#define T0_MS G_GINT64_CONSTANT (1767225600000)

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  LOOKOUT_TEST_WAIT (gtk_widget_get_width (child) > 0 && gtk_widget_get_mapped (child));

  return window;
}

static cairo_surface_t *
render (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  cairo_surface_t *surface;
  cairo_t *cr;

  /* The widget's own snapshot vfunc, as GTK calls it for a frame. */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  /* At the device scale, as a HiDPI frame is drawn (GDK_SCALE=2 in the
   * plot-hidpi test). */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w * scale, h * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

typedef struct { guint8 r, g, b, a; } Pixel;

/* The device pixel under the point (x, y) in widget coordinates. */
static Pixel
pixel_at (cairo_surface_t *surface,
          double           x,
          double           y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  double sx, sy;
  guint32 v;

  cairo_surface_get_device_scale (surface, &sx, &sy);
  v = *(const guint32 *) (data + (int) (y * sy) * stride + (int) (x * sx) * 4);
  Pixel p = { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff, v >> 24 };

  /* Unpremultiply. */
  if (p.a > 0)
    {
      p.r = MIN (255, p.r * 255 / p.a);
      p.g = MIN (255, p.g * 255 / p.a);
      p.b = MIN (255, p.b * 255 / p.a);
    }

  return p;
}

/* 100 s in 10 columns of 10 s, a result every 2 s:
 * columns 0–3 and 7–9 latencies 10/30/50 ms (median 30), column 4 all
 * DOWN, columns 5–6 no data at all. */
static LookoutSeries *
known_series (void)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (LookoutSample));
  const gint64 lat[] = { 10000, 30000, 50000, 30000, 10000 };

  for (gint64 t = 0; t < 100000; t += 2000)
    {
      LookoutSample s = { .target_id = 1, .ts_ms = T0_MS + t, .state = LOOKOUT_TARGET_STATE_UP };
      gint64 column = t / 10000;

      if (column == 5 || column == 6)
        continue;
      if (column == 4)
        {
          s.state = LOOKOUT_TARGET_STATE_DOWN;
          s.latency_us = -1;
          s.error = (char *) "timed out";
        }
      else
        s.latency_us = lat[(t / 2000) % 5];
      g_array_append_val (samples, s);
    }

  return lookout_series_new_from_samples (T0_MS, 10000, 10,
                                          (LookoutSample *) (gpointer) samples->data,
                                          samples->len);
}

static gboolean
is_empty (Pixel p)
{
  /* Nothing but, at most, a faint grid line. */
  return p.a < 48;
}

static void
test_render_known_data (void)
{
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window = show_in_window (plot, 800, 400);
  g_autoptr(LookoutSeries) series = known_series ();
  cairo_surface_t *surface;
  graphene_point_t mid, low, high, bottom, gap, fail;
  Pixel p;

  lookout_plot_set_range (LOOKOUT_PLOT (plot), T0_MS, T0_MS + 100000);
  lookout_plot_set_series (LOOKOUT_PLOT (plot), 1, series);

  surface = render (plot);   /* lays out the frame */
  cairo_surface_destroy (surface);
  surface = render (plot);
  if (g_getenv ("LOOKOUT_TEST_PLOT_PNG") != NULL)
    cairo_surface_write_to_png (surface, g_getenv ("LOOKOUT_TEST_PLOT_PNG"));

  /* Column 2 (20–30 s): median line at 30 ms, smoke from 10 to 50 ms. */
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 25000, 30000, &mid));
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 22000, 15000, &low);
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 22000, 45000, &high);
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 22000, 58000, &bottom);

  p = pixel_at (surface, mid.x, mid.y);
  g_test_message ("line pixel %d,%d,%d,%d", p.r, p.g, p.b, p.a);
  g_assert_cmpint (p.a, >, 200);
  g_assert_cmpint (p.b, >, p.r + 40);          /* the accent blue */

  p = pixel_at (surface, low.x, low.y);
  g_test_message ("smoke pixel %d,%d,%d,%d", p.r, p.g, p.b, p.a);
  g_assert_cmpint (p.a, >, 30);
  g_assert_cmpint (p.a, <, 160);               /* translucent */
  p = pixel_at (surface, high.x, high.y);
  g_assert_cmpint (p.a, >, 30);
  g_assert_cmpint (p.a, <, 160);
  /* Above the column's max: no smoke. */
  p = pixel_at (surface, bottom.x, bottom.y);
  g_test_message ("above pixel at %g,%g %d,%d,%d,%d", bottom.x, bottom.y, p.r, p.g, p.b, p.a);
  g_assert_true (is_empty (p));

  /* Column 4 (40–50 s): failed, a red strip under the zero line; nothing
   * drawn at 0 ms as if it had been a latency. */
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 45000, 0, &fail);
  p = pixel_at (surface, fail.x, fail.y + 3);
  g_test_message ("failure pixel %d,%d,%d,%d", p.r, p.g, p.b, p.a);
  g_assert_cmpint (p.a, >, 150);
  g_assert_cmpint (p.r, >, 150);
  g_assert_cmpint (p.g, <, 100);
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 45000, 30000, &fail);
  p = pixel_at (surface, fail.x, fail.y);
  g_assert_cmpint (p.b, <, p.r);               /* shaded red, no blue line */

  /* Columns 5–6 (50–70 s): a gap, and no line bridging it at 30 ms. */
  for (gint64 t = 51000; t < 69000; t += 1000)
    {
      lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + t, 30000, &gap);
      p = pixel_at (surface, gap.x, gap.y);
      g_assert_cmpint (p.a, <, 100);           /* grid lines at most, where they cross */
      lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + t, 0, &gap);
      p = pixel_at (surface, gap.x, gap.y + 3);
      g_assert_cmpint (p.a, <, 48);            /* no failure strip either */
    }

  /* The zero line is one device pixel, on a device row: sharp at any scale. */
  {
    double scale = gtk_widget_get_scale_factor (plot);
    graphene_point_t zero;

    g_test_message ("scale factor %g", scale);
    lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 55000, 0, &zero);
    p = pixel_at (surface, zero.x, floor (zero.y * scale) / scale);
    g_assert_cmpint (p.a, >, 60);
    p = pixel_at (surface, zero.x, (floor (zero.y * scale) - 1) / scale);
    g_assert_cmpint (p.a, <, 20);
  }

  /* Column 8 again has the line. */
  lookout_plot_map_point (LOOKOUT_PLOT (plot), T0_MS + 85000, 30000, &mid);
  p = pixel_at (surface, mid.x, mid.y);
  g_assert_cmpint (p.a, >, 200);

  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_zoom_survives_live_updates (void)
{
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window = show_in_window (plot, 600, 300);
  gint64 now = g_get_real_time () / 1000;
  g_autoptr(LookoutSeries) series = lookout_series_new (now - 10 * 60000, 1000, 1200);
  gint64 from, to, zfrom, zto;
  LookoutSample s = { .target_id = 1, .state = LOOKOUT_TARGET_STATE_UP, .latency_us = 1234 };
  gint64 deadline;

  lookout_plot_set_series (LOOKOUT_PLOT (plot), 1, series);
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_5_MINUTES);
  g_assert_true (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  lookout_plot_get_range (LOOKOUT_PLOT (plot), &from, &to);
  g_assert_cmpint (to - from, ==, LOOKOUT_PLOT_SPAN_5_MINUTES);

  lookout_plot_zoom (LOOKOUT_PLOT (plot), 0.25, to - 60000);
  g_assert_false (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  lookout_plot_get_range (LOOKOUT_PLOT (plot), &zfrom, &zto);
  g_assert_cmpint (zto - zfrom, ==, LOOKOUT_PLOT_SPAN_5_MINUTES / 4);

  /* Results keep arriving and frames keep being drawn for a while. */
  deadline = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    {
      s.ts_ms = g_get_real_time () / 1000;
      lookout_plot_add_sample (LOOKOUT_PLOT (plot), &s);
      cairo_surface_destroy (render (plot));
      lookout_test_run_for (10);
    }

  lookout_plot_get_range (LOOKOUT_PLOT (plot), &from, &to);
  g_assert_cmpint (from, ==, zfrom);
  g_assert_cmpint (to, ==, zto);
  g_assert_false (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  /* The results landed in the series all the same. */
  g_assert_cmpint (lookout_series_get_column (series, lookout_series_column_at (series, s.ts_ms))->min_us, ==, 1234);

  /* Back to live: the view ends at now again, with the span it had. */
  lookout_plot_set_live (LOOKOUT_PLOT (plot), TRUE);
  lookout_plot_get_range (LOOKOUT_PLOT (plot), &from, &to);
  g_assert_cmpint (to - from, ==, LOOKOUT_PLOT_SPAN_5_MINUTES);
  g_assert_cmpint (ABS (to - g_get_real_time () / 1000), <, 1000);

  lookout_plot_pan (LOOKOUT_PLOT (plot), -60000);
  g_assert_false (lookout_plot_get_live (LOOKOUT_PLOT (plot)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static LookoutSeriesSource
wait_for_source (LookoutPlot *plot,
                 gint64       target_id,
                 LookoutSeries *old)
{
  LookoutSeries *series = NULL;

  LOOKOUT_TEST_WAIT_UNTIL ((series = lookout_plot_get_series (plot, target_id)) != NULL && series != old,
                           5000);
  return lookout_series_get_source (series);
}

static void
test_store_sources (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window;
  gint64 now = g_get_real_time () / 1000;
  GError *error = NULL;
  LookoutSeries *first;

  for (gint64 t = now - 3 * 86400000; t < now; t += 60000)
    {
      LookoutSample s = { .target_id = 4, .ts_ms = t, .latency_us = 20000, .state = LOOKOUT_TARGET_STATE_UP };
      lookout_store_append_sample (store, &s);
    }
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);

  window = show_in_window (plot, 700, 300);
  lookout_plot_set_store (LOOKOUT_PLOT (plot), store);
  lookout_plot_add_target (LOOKOUT_PLOT (plot), 4, "tcp://db.test:5432");
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_1_HOUR);
  cairo_surface_destroy (render (plot));

  g_assert_cmpint (wait_for_source (LOOKOUT_PLOT (plot), 4, NULL), ==, LOOKOUT_SERIES_SOURCE_SAMPLES);
  first = lookout_plot_get_series (LOOKOUT_PLOT (plot), 4);
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_7_DAYS);
  g_assert_cmpint (wait_for_source (LOOKOUT_PLOT (plot), 4, first), ==, LOOKOUT_SERIES_SOURCE_MINUTE);
  g_assert_true (lookout_series_get_latency_range (lookout_plot_get_series (LOOKOUT_PLOT (plot), 4), NULL, NULL));

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

/* A target checked from two places: a line per place from the store,
 * each in its own colour at its own latency, named by the place for the
 * legend; a live result goes to its place's line only. */
static gboolean
near_color (Pixel          p,
            const GdkRGBA *c)
{
  return p.a > 200 && ABS (p.r - (int) (c->red * 255)) < 40 && ABS (p.g - (int) (c->green * 255)) < 40 &&
         ABS (p.b - (int) (c->blue * 255)) < 40;
}

static void
test_places (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window;
  gint64 now = g_get_real_time () / 1000;
  gint64 paris, tokyo, min_us, max_us;
  GError *error = NULL;
  cairo_surface_t *surface;
  graphene_point_t at;
  GdkRGBA paris_color, tokyo_color;
  LookoutSample live = { .target_id = 7, .ts_ms = now - 5000, .latency_us = 90000,
                         .state = LOOKOUT_TARGET_STATE_UP, .location = (char *) "tokyo" };

  for (gint64 t = now - 300000; t < now - 10000; t += 2000)
    {
      LookoutSample p = { .target_id = 7, .ts_ms = t, .latency_us = 10000, .state = LOOKOUT_TARGET_STATE_UP,
                          .location = (char *) "paris" };
      LookoutSample k = { .target_id = 7, .ts_ms = t + 1, .latency_us = 50000, .state = LOOKOUT_TARGET_STATE_UP,
                          .location = (char *) "tokyo" };

      lookout_store_append_sample (store, &p);
      lookout_store_append_sample (store, &k);
    }
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);

  window = show_in_window (plot, 800, 400);
  lookout_plot_set_store (LOOKOUT_PLOT (plot), store);
  paris = lookout_plot_add_place (LOOKOUT_PLOT (plot), 7, "paris", "paris");
  tokyo = lookout_plot_add_place (LOOKOUT_PLOT (plot), 7, "tokyo", "tokyo");
  g_assert_cmpint (paris, !=, tokyo);
  g_assert_cmpint (paris, !=, 7);
  g_assert_cmpint (lookout_plot_add_place (LOOKOUT_PLOT (plot), 7, "paris", "paris"), ==, paris);
  lookout_plot_set_range (LOOKOUT_PLOT (plot), now - 320000, now);
  g_assert_cmpuint (lookout_plot_get_n_lines (LOOKOUT_PLOT (plot)), ==, 2);
  g_assert_cmpstr (lookout_plot_get_line_label (LOOKOUT_PLOT (plot), 0), ==, "paris");
  g_assert_cmpstr (lookout_plot_get_line_label (LOOKOUT_PLOT (plot), 1), ==, "tokyo");
  g_assert_cmpint (lookout_plot_get_line_target (LOOKOUT_PLOT (plot), 1), ==, tokyo);

  cairo_surface_destroy (render (plot));
  LOOKOUT_TEST_WAIT (lookout_plot_get_series (LOOKOUT_PLOT (plot), paris) != NULL &&
                     lookout_plot_get_series (LOOKOUT_PLOT (plot), tokyo) != NULL);
  g_assert_true (lookout_series_get_latency_range (lookout_plot_get_series (LOOKOUT_PLOT (plot), paris),
                                                   &min_us, &max_us));
  g_assert_cmpint (min_us, ==, 10000);
  g_assert_cmpint (max_us, ==, 10000);
  g_assert_true (lookout_series_get_latency_range (lookout_plot_get_series (LOOKOUT_PLOT (plot), tokyo),
                                                   &min_us, &max_us));
  g_assert_cmpint (min_us, ==, 50000);
  g_assert_cmpint (max_us, ==, 50000);

  /* two lines, two colours, each at its place's latency */
  lookout_plot_get_target_color (LOOKOUT_PLOT (plot), paris, &paris_color);
  lookout_plot_get_target_color (LOOKOUT_PLOT (plot), tokyo, &tokyo_color);
  g_assert_false (gdk_rgba_equal (&paris_color, &tokyo_color));
  surface = render (plot);
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), now - 150000, 10000, &at));
  g_test_message ("paris pixel %d,%d,%d,%d", pixel_at (surface, at.x, at.y).r, pixel_at (surface, at.x, at.y).g,
                  pixel_at (surface, at.x, at.y).b, pixel_at (surface, at.x, at.y).a);
  g_assert_true (near_color (pixel_at (surface, at.x, at.y), &paris_color));
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), now - 150000, 50000, &at));
  g_assert_true (near_color (pixel_at (surface, at.x, at.y), &tokyo_color));
  /* between them, nothing */
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), now - 150000, 30000, &at));
  g_assert_false (near_color (pixel_at (surface, at.x, at.y), &paris_color));
  g_assert_false (near_color (pixel_at (surface, at.x, at.y), &tokyo_color));
  cairo_surface_destroy (surface);

  /* a live result from tokyo moves tokyo's line only */
  lookout_plot_add_sample (LOOKOUT_PLOT (plot), &live);
  lookout_series_get_latency_range (lookout_plot_get_series (LOOKOUT_PLOT (plot), tokyo), &min_us, &max_us);
  g_assert_cmpint (max_us, ==, 90000);
  lookout_series_get_latency_range (lookout_plot_get_series (LOOKOUT_PLOT (plot), paris), &min_us, &max_us);
  g_assert_cmpint (max_us, ==, 10000);

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

/* An anomaly of the store is a shaded band over its period, explained in
 * the tooltip; outside it the plot is as before. */
static void
test_anomaly_bands (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window;
  cairo_surface_t *surface;
  graphene_point_t in, out;
  gint64 now = g_get_real_time () / 1000;
  /* a whole minute well inside the hour shown */
  gint64 start = (now / 60000 - 40) * 60000, end = start + 20 * 60000;
  GError *error = NULL;
  char *text;

  for (gint64 t = now - 3600000; t < now; t += 60000)
    {
      LookoutSample s = { .target_id = 6, .ts_ms = t, .latency_us = 20000, .state = LOOKOUT_TARGET_STATE_UP };
      lookout_store_append_sample (store, &s);
    }
  lookout_store_put_anomaly (store, 6, start, end, "level_shift", 5.0,
                             "median latency 21 ms → 54 ms since 14:05");
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);

  window = show_in_window (plot, 700, 300);
  lookout_plot_set_store (LOOKOUT_PLOT (plot), store);
  lookout_plot_add_target (LOOKOUT_PLOT (plot), 6, "tcp://db.test:5432");
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_1_HOUR);
  cairo_surface_destroy (render (plot));
  wait_for_source (LOOKOUT_PLOT (plot), 6, NULL);
  LOOKOUT_TEST_WAIT (lookout_plot_get_n_anomalies (LOOKOUT_PLOT (plot), 6) == 1);
  /* held still, so that the frame and the points agree */
  lookout_plot_set_live (LOOKOUT_PLOT (plot), FALSE);

  surface = render (plot);
  /* high above the line (20 ms), inside and outside the band */
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), start + 10 * 60000, 0, &in));
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), start - 10 * 60000, 0, &out));
  in.y = out.y = in.y - 5;
  g_test_message ("band pixel %d, outside %d", pixel_at (surface, in.x, in.y).a, pixel_at (surface, out.x, out.y).a);
  g_assert_cmpint (pixel_at (surface, in.x, in.y).a, >=, pixel_at (surface, out.x, out.y).a + 40);
  cairo_surface_destroy (surface);

  text = lookout_plot_describe_anomalies (LOOKOUT_PLOT (plot), start + 10 * 60000);
  g_assert_cmpstr (text, ==, "Anomaly (Level shift): median latency 21 ms → 54 ms since 14:05");
  g_free (text);
  g_assert_null (lookout_plot_describe_anomalies (LOOKOUT_PLOT (plot), end + 60000));

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

/* A target's maintenance windows shade the plot in the maintenance colour
 * exactly over their spans in the range shown, past and scheduled; the
 * target page's key under the plot names them. The range is fixed (T0, in
 * whatever zone the test runs: the spans are asked for in the same). */
static void
test_maintenance_bands (void)
{
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *window;
  g_autoptr(LookoutMaintenance) spans_of = NULL;
  g_autoptr(GArray) spans = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  graphene_point_t zero, a, b;
  /* more than a day, so that each daily window falls in it in any zone */
  gint64 from = T0_MS, to = T0_MS + 26 * 3600000;
  const char *rules = "every day 01:00-02:00; every day 07:30-08:00";
  GdkRGBA color;
  guint n_checked = 0;

  window = show_in_window (plot, 800, 300);
  lookout_plot_set_range (LOOKOUT_PLOT (plot), from, to);
  lookout_plot_set_maintenance (LOOKOUT_PLOT (plot), lookout_maintenance_parse (rules, &error));
  g_assert_no_error (error);
  g_assert_true (lookout_plot_has_maintenance (LOOKOUT_PLOT (plot)));
  lookout_plot_get_maintenance_color (LOOKOUT_PLOT (plot), &color);

  surface = render (plot);
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), from, 0, &zero));

  spans_of = lookout_maintenance_parse (rules, &error);
  spans = lookout_maintenance_spans (spans_of, from, to, NULL);
  g_assert_cmpuint (spans->len, >=, 2);
  for (guint i = 0; i + 1 < spans->len; i += 2)
    {
      gint64 start = MAX (g_array_index (spans, gint64, i), from);
      gint64 end = MIN (g_array_index (spans, gint64, i + 1), to);
      Pixel in, before, after;
      double y = zero.y - 40;

      if (end - start < 20 * 60000)
        continue;
      g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), start + (end - start) / 2, 0, &a));
      in = pixel_at (surface, a.x, y);
      g_test_message ("band %u: pixel %d,%d,%d,%d", i / 2, in.r, in.g, in.b, in.a);
      /* the maintenance colour, translucent: purple, red and blue over green */
      g_assert_cmpint (in.a, >=, 40);
      g_assert_cmpint (ABS (in.r - (int) (color.red * 255)), <=, 12);
      g_assert_cmpint (ABS (in.g - (int) (color.green * 255)), <=, 12);
      g_assert_cmpint (ABS (in.b - (int) (color.blue * 255)), <=, 12);

      /* and nothing a little way outside either edge */
      g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), start - 10 * 60000, 0, &a));
      g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), end + 10 * 60000, 0, &b));
      before = pixel_at (surface, a.x, y);
      after = pixel_at (surface, b.x, y);
      if (start - 10 * 60000 > from)
        g_assert_cmpint (before.a, <=, in.a - 30);
      if (end + 10 * 60000 < to)
        g_assert_cmpint (after.a, <=, in.a - 30);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >=, 2);
  cairo_surface_destroy (surface);

  /* None set: no band. */
  lookout_plot_set_maintenance (LOOKOUT_PLOT (plot), NULL);
  surface = render (plot);
  g_assert_true (lookout_plot_map_point (LOOKOUT_PLOT (plot), g_array_index (spans, gint64, 0) + 1800000, 0, &a));
  g_assert_true (is_empty (pixel_at (surface, a.x, zero.y - 40)));
  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The target page: its plot gets the target's windows, the key says them. */
  {
    GtkWidget *history = g_object_ref_sink (lookout_target_history_new ());
    g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://db.test:5432", NULL);
    LookoutPlot *page_plot = lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history));
    gboolean found = FALSE;

    lookout_target_set_options (target, "{\"maintenance\":\"every sunday 02:00-03:00\"}");
    lookout_target_history_set_target (LOOKOUT_TARGET_HISTORY (history), target);
    g_assert_true (lookout_plot_has_maintenance (page_plot));
    for (GtkWidget *w = gtk_widget_get_first_child (history); w != NULL && !found;
         w = gtk_widget_get_next_sibling (w))
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && !found; c = gtk_widget_get_next_sibling (c))
        for (GtkWidget *l = gtk_widget_get_first_child (c); l != NULL && !found; l = gtk_widget_get_next_sibling (l))
          if (GTK_IS_LABEL (l) && gtk_widget_get_visible (c) &&
              g_strcmp0 (gtk_label_get_label (GTK_LABEL (l)), "Maintenance window: every Sunday 02:00–03:00") == 0)
            found = TRUE;
    g_assert_true (found);

    /* an edit that removes them takes the band away */
    lookout_target_set_options (target, "{}");
    g_assert_false (lookout_plot_has_maintenance (page_plot));
    lookout_target_history_set_target (LOOKOUT_TARGET_HISTORY (history), NULL);
    g_object_unref (history);
  }
}

static void
test_legend (void)
{
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *legend_widget = g_object_ref_sink (lookout_plot_legend_new (LOOKOUT_PLOT (plot)));
  GtkWidget *legend = gtk_widget_get_first_child (legend_widget);   /* the flow box of entries */
  GtkWidget *child, *button;
  GdkRGBA a, b;
  guint n = 0;

  g_object_ref_sink (plot);

  lookout_plot_add_target (LOOKOUT_PLOT (plot), 1, "one");
  lookout_plot_add_target (LOOKOUT_PLOT (plot), 2, "two");
  for (child = gtk_widget_get_first_child (legend); child; child = gtk_widget_get_next_sibling (child))
    n++;
  g_assert_cmpuint (n, ==, 2);

  lookout_plot_get_target_color (LOOKOUT_PLOT (plot), 1, &a);
  lookout_plot_get_target_color (LOOKOUT_PLOT (plot), 2, &b);
  g_assert_false (gdk_rgba_equal (&a, &b));

  /* Clicking the second entry hides the second line. */
  button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_last_child (legend)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
  g_assert_false (lookout_plot_get_target_visible (LOOKOUT_PLOT (plot), 2));
  g_assert_true (lookout_plot_get_target_visible (LOOKOUT_PLOT (plot), 1));

  lookout_plot_remove_target (LOOKOUT_PLOT (plot), 1);
  n = 0;
  for (child = gtk_widget_get_first_child (legend); child; child = gtk_widget_get_next_sibling (child))
    n++;
  g_assert_cmpuint (n, ==, 1);

  g_object_unref (legend_widget);
  g_object_unref (plot);
}

static void
count_cb (gpointer  instance,
          guint    *count)
{
  (*count)++;
}

static guint
legend_size (GtkWidget *legend)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (legend); child; child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}

static void
test_set_targets (void)
{
  GtkWidget *plot = lookout_plot_new ();
  GtkWidget *legend_widget = g_object_ref_sink (lookout_plot_legend_new (LOOKOUT_PLOT (plot)));
  GtkWidget *legend = gtk_widget_get_first_child (legend_widget);   /* the flow box of entries */
  const gint64 first_ids[] = { 1, 2, 3 };
  const char *first_labels[] = { "one", "two", "three" };
  const gint64 next_ids[] = { 3, 4, 1 };
  const char *next_labels[] = { "three", "four", "uno" };
  GtkWidget *button;
  guint changes = 0;

  g_object_ref_sink (plot);
  g_signal_connect (plot, "lines-changed", G_CALLBACK (count_cb), &changes);

  /* Many lines at once are one change, and the legend is built once. */
  lookout_plot_set_targets (LOOKOUT_PLOT (plot), first_ids, first_labels, 3);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (legend_size (legend), ==, 3);
  lookout_plot_set_target_visible (LOOKOUT_PLOT (plot), 3, FALSE);

  /* The same again is no change at all. */
  lookout_plot_set_targets (LOOKOUT_PLOT (plot), first_ids, first_labels, 3);
  g_assert_cmpuint (changes, ==, 1);

  /* A line that stays keeps its visibility; a renamed one its place. */
  lookout_plot_set_targets (LOOKOUT_PLOT (plot), next_ids, next_labels, 3);
  g_assert_cmpuint (changes, ==, 2);
  g_assert_cmpuint (legend_size (legend), ==, 3);
  g_assert_false (lookout_plot_get_target_visible (LOOKOUT_PLOT (plot), 3));
  g_assert_true (lookout_plot_get_target_visible (LOOKOUT_PLOT (plot), 4));
  g_assert_true (lookout_plot_get_target_visible (LOOKOUT_PLOT (plot), 1));
  button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (legend)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_last_child (legend)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_widget_get_last_child (gtk_button_get_child (GTK_BUTTON (button))))),
                   ==, "uno");

  lookout_plot_set_targets (LOOKOUT_PLOT (plot), NULL, NULL, 0);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_cmpuint (legend_size (legend), ==, 0);

  g_object_unref (legend_widget);
  g_object_unref (plot);
}

/* The range bar follows the plot and drives it: a choice is active only
 * while the view is live at its span, "Back to Live" shows only while the
 * view is held still. */
static void
test_range_bar (void)
{
  GtkWidget *plot = g_object_ref_sink (lookout_plot_new ());
  GtkWidget *bar = g_object_ref_sink (lookout_range_bar_new (LOOKOUT_PLOT (plot)));
  GtkWidget *choices = gtk_widget_get_first_child (bar);
  GtkWidget *live_button = gtk_widget_get_next_sibling (choices);
  const gint64 spans[] = {
    LOOKOUT_PLOT_SPAN_5_MINUTES, LOOKOUT_PLOT_SPAN_1_HOUR, LOOKOUT_PLOT_SPAN_24_HOURS,
    LOOKOUT_PLOT_SPAN_7_DAYS, LOOKOUT_PLOT_SPAN_30_DAYS,
  };
  GtkWidget *buttons[G_N_ELEMENTS (spans)];
  guint n = 0;

  g_assert_true (lookout_range_bar_get_plot (LOOKOUT_RANGE_BAR (bar)) == LOOKOUT_PLOT (plot));
  for (GtkWidget *b = gtk_widget_get_first_child (choices); b; b = gtk_widget_get_next_sibling (b))
    {
      g_assert_true (GTK_IS_TOGGLE_BUTTON (b));
      g_assert_cmpuint (n, <, G_N_ELEMENTS (spans));
      buttons[n++] = b;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (spans));
  g_assert_true (GTK_IS_BUTTON (live_button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (buttons[1])), ==, "1 h");

  /* Live at 5 minutes, as a new plot is. */
  g_assert_true (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[0])));
  g_assert_false (gtk_widget_get_visible (live_button));

  /* Each choice sets its span and stays the only one active. */
  for (guint i = 0; i < G_N_ELEMENTS (spans); i++)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (buttons[i]), TRUE);
      g_assert_cmpint (lookout_plot_get_span (LOOKOUT_PLOT (plot)), ==, spans[i]);
      g_assert_true (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
      for (guint j = 0; j < G_N_ELEMENTS (spans); j++)
        g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[j])) == (i == j));
    }

  /* The plot set from elsewhere: the bar follows. */
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_24_HOURS);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[2])));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[4])));

  /* Held still: no choice active, "Back to Live" shown; clicking it
   * follows now again at the span it had. */
  lookout_plot_set_range (LOOKOUT_PLOT (plot), T0_MS, T0_MS + 100000);
  g_assert_false (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  for (guint j = 0; j < G_N_ELEMENTS (spans); j++)
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[j])));
  g_assert_true (gtk_widget_get_visible (live_button));

  g_signal_emit_by_name (live_button, "clicked");
  g_assert_true (lookout_plot_get_live (LOOKOUT_PLOT (plot)));
  g_assert_false (gtk_widget_get_visible (live_button));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[2])));

  /* Without a plot the bar drives nothing and lets the plot go. */
  lookout_range_bar_set_plot (LOOKOUT_RANGE_BAR (bar), NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (buttons[0]), TRUE);
  g_assert_cmpint (lookout_plot_get_span (LOOKOUT_PLOT (plot)), ==, LOOKOUT_PLOT_SPAN_24_HOURS);
  lookout_plot_set_span (LOOKOUT_PLOT (plot), LOOKOUT_PLOT_SPAN_7_DAYS);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (buttons[3])));

  g_object_unref (bar);
  g_object_unref (plot);
}

static GtkLabel *
find_value_label (GtkWidget  *root,
                  const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), title) == 0)
        return GTK_LABEL (gtk_widget_get_next_sibling (child));
      if ((found = find_value_label (child, title)) != NULL)
        return found;
    }

  return NULL;
}

/* Commits what @store has queued, then shows @history of @target in a window
 * with a monitor over @store. */
static GtkWidget *
show_history (GtkWidget       *history,
              LookoutStore    *store,
              LookoutTarget   *target,
              LookoutMonitor **out_monitor)
{
  GtkWidget *window;
  GError *error = NULL;

  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);

  *out_monitor = lookout_monitor_new (store);
  window = show_in_window (history, 900, 600);
  lookout_target_history_set_monitor (LOOKOUT_TARGET_HISTORY (history), *out_monitor);
  lookout_target_history_set_target (LOOKOUT_TARGET_HISTORY (history), target);

  return window;
}

static GtkWidget *
find_legend (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (LOOKOUT_IS_PLOT_LEGEND (c))
        return c;
      if ((found = find_legend (c)) != NULL)
        return found;
    }
  return NULL;
}

/* A target page's plot: a line per place, and a legend naming them, for a
 * target checked from several; one line and no legend, as ever, for one
 * checked from here only. */
static void
test_history_places (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutTarget) placed = NULL;
  g_autoptr(LookoutTarget) local = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  GtkWidget *history = lookout_target_history_new ();
  GtkWidget *window, *legend;
  LookoutPlot *plot;
  GError *error = NULL;

  placed = lookout_target_new_from_string ("tcp://db.test:5432", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_target_set_option_text (placed, "locations", "local,paris", &error));
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (tmp->store, placed, &error));
  g_assert_no_error (error);
  local = lookout_target_new_from_string ("tcp://db.test:5433", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (tmp->store, local, &error));
  g_assert_no_error (error);

  window = show_history (history, tmp->store, placed, &monitor);
  plot = lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history));
  legend = find_legend (history);
  g_assert_nonnull (legend);
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, 2);
  g_assert_cmpstr (lookout_plot_get_line_label (plot, 0), ==, "local");
  g_assert_cmpstr (lookout_plot_get_line_label (plot, 1), ==, "paris");
  g_assert_true (gtk_widget_get_visible (legend));

  lookout_target_history_set_target (LOOKOUT_TARGET_HISTORY (history), local);
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, 1);
  g_assert_cmpint (lookout_plot_get_line_target (plot, 0), ==, lookout_target_get_id (local));
  g_assert_false (gtk_widget_get_visible (legend));

  /* its Check From edited while shown: the lines follow */
  g_assert_true (lookout_target_set_option_text (local, "locations", "local,tokyo", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, 2);
  g_assert_cmpstr (lookout_plot_get_line_label (plot, 1), ==, "tokyo");
  g_assert_true (gtk_widget_get_visible (legend));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_history_statistics (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutResult) result = NULL;
  LookoutPlot *plot;
  LookoutSeries *series;
  const LookoutSeriesColumn *col;
  GtkWidget *history = lookout_target_history_new ();
  GtkWidget *window;
  GtkLabel *availability, *failures, *median, *outages;
  gint64 now = g_get_real_time () / 1000;
  GError *error = NULL;

  target = lookout_target_new_from_string ("tcp://db.test:5432", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (store, target, &error));
  g_assert_no_error (error);

  /* The last 4 minutes: one result every 10 s, 3 of 24 failed in a row. */
  for (int i = 0; i < 24; i++)
    {
      LookoutSample s = {
        .target_id = lookout_target_get_id (target),
        .ts_ms = now - 240000 + i * 10000,
        .latency_us = 1000 * (i % 4 + 1),
        .state = LOOKOUT_TARGET_STATE_UP,
      };

      if (i >= 10 && i < 13)
        {
          s.state = LOOKOUT_TARGET_STATE_DOWN;
          s.latency_us = -1;
        }
      lookout_store_append_sample (store, &s);
    }
  window = show_history (history, store, target, &monitor);
  g_assert_true (lookout_plot_get_live (lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history))));

  availability = find_value_label (history, "Availability");
  failures = find_value_label (history, "Failures");
  median = find_value_label (history, "Median");
  outages = find_value_label (history, "Outages");
  g_assert_nonnull (availability);

  LOOKOUT_TEST_WAIT_UNTIL (!g_str_equal (gtk_label_get_label (failures), "—"), 5000);

  g_assert_cmpstr (gtk_label_get_label (failures), ==, "3 / 24");
  g_assert_cmpstr (gtk_label_get_label (availability), ==, "87.5 %");
  g_assert_cmpstr (gtk_label_get_label (outages), ==, "1");
  /* 21 timed results of 1, 2, 3, 4 ms: the median is 2 ms. */
  g_assert_cmpstr (gtk_label_get_label (median), ==, "2.00 ms");

  /* A live failure reported by the monitor lands in the plot as a failure. */
  plot = lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history));
  LOOKOUT_TEST_WAIT_UNTIL (lookout_plot_get_series (plot, lookout_target_get_id (target)) != NULL, 5000);
  series = lookout_plot_get_series (plot, lookout_target_get_id (target));
  g_assert_nonnull (series);

  result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);
  result->started_ms = g_get_real_time () / 1000;
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                            "Connection refused");
  g_signal_emit_by_name (monitor, "result", target, result);

  col = lookout_series_get_column (series, lookout_series_column_at (series, result->started_ms));
  g_assert_cmpuint (col->n_fail, ==, 1);
  g_assert_cmpuint (col->n_timed, ==, 0);
  g_assert_cmpstr (lookout_series_get_column_error (series, lookout_series_column_at (series, result->started_ms)),
                   ==, "Connection refused");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
}

/* The statistics follow the header: when a result changes the target's
 * state, the figures include it as soon as the store has it, not at the
 * next periodic refresh (which is 3 s away from the first fetch). Degraded
 * results are counted apart. */
static void
test_history_follows_state (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  GtkWidget *history = lookout_target_history_new ();
  GtkWidget *window;
  GtkLabel *failures, *degraded, *availability;
  gint64 now = g_get_real_time () / 1000;
  GError *error = NULL;

  target = lookout_target_new_from_string ("http://127.0.0.1:9/health", &error);
  g_assert_no_error (error);
  lookout_target_set_fail_threshold (target, 1);
  g_assert_true (lookout_store_insert_target_sync (store, target, &error));
  g_assert_no_error (error);

  for (int i = 0; i < 9; i++)
    {
      LookoutSample s = {
        .target_id = lookout_target_get_id (target),
        .ts_ms = now - 90000 + i * 10000,
        .latency_us = 2000,
        .state = i < 7 ? LOOKOUT_TARGET_STATE_UP : LOOKOUT_TARGET_STATE_DEGRADED,
      };

      lookout_store_append_sample (store, &s);
    }
  window = show_history (history, store, target, &monitor);

  failures = find_value_label (history, "Failures");
  degraded = find_value_label (history, "Degraded");
  availability = find_value_label (history, "Availability");
  g_assert_nonnull (degraded);
  LOOKOUT_TEST_WAIT_UNTIL (!g_str_equal (gtk_label_get_label (failures), "—"), 5000);
  g_assert_cmpstr (gtk_label_get_label (failures), ==, "0 / 9");
  g_assert_cmpstr (gtk_label_get_label (degraded), ==, "2 / 9");
  g_assert_cmpstr (gtk_label_get_label (availability), ==, "77.78 %");

  /* The target goes down: the header says so at once, and so do the figures. */
  for (int i = 0; i < 5 && lookout_target_get_state (target) != LOOKOUT_TARGET_STATE_DOWN; i++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);

      result->started_ms = g_get_real_time () / 1000;
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                                "Connection refused");
      lookout_monitor_handle_result (monitor, target, result);
    }
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_DOWN);
  LOOKOUT_TEST_WAIT_UNTIL (!g_str_equal (gtk_label_get_label (failures), "0 / 9"), 2500);
  g_assert_true (g_str_has_suffix (gtk_label_get_label (failures), " / 10") ||
                 g_str_has_suffix (gtk_label_get_label (failures), " / 11"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
}

static void
pruned_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_assert_true (lookout_store_prune_finish (LOOKOUT_STORE (object), result, user_data, NULL));
}

static gint64
three_days_on (gpointer user_data)
{
  return T0_MS + 3 * 24 * 3600 * G_GINT64_CONSTANT (1000);
}

static gboolean
label_has (GtkLabel   *label,
           const char *text)
{
  return strstr (gtk_label_get_label (label), text) != NULL;
}

/* A range whose degraded results are counted only from some date on (a
 * file of an older version, whose raw results retention had deleted):
 * the figures say from when, in words. */
static void
test_history_degraded_since (void)
{
  const LookoutStoreRetention keep = { .samples_ms = 2 * 24 * 3600 * G_GINT64_CONSTANT (1000) };
  const gint64 since = T0_MS + 30 * 3600 * G_GINT64_CONSTANT (1000);
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autofree char *since_text = lookout_format_date_time (since);
  g_autofree char *counted = g_strdup_printf (", counted since %s", since_text);
  g_autofree char *sql = NULL;
  GtkWidget *history = lookout_target_history_new ();
  GtkWidget *window;
  GtkLabel *degraded;
  GError *error = NULL;
  guint64 deleted = G_MAXUINT64;
  sqlite3 *db;

  lookout_store_set_clock (tmp->store, three_days_on, NULL);
  target = lookout_target_new_from_string ("http://127.0.0.1:9/health", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (tmp->store, target, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3 * 24 * 60; i++)
    {
      LookoutSample s = {
        .target_id = lookout_target_get_id (target),
        .ts_ms = T0_MS + i * 60000,
        .latency_us = 2000,
        .state = i % 10 == 0 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_UP,
      };

      lookout_store_append_sample (tmp->store, &s);
    }
  lookout_store_flush_sync (tmp->store, &error);
  g_assert_no_error (error);
  lookout_store_set_retention (tmp->store, &keep);
  lookout_store_prune_async (tmp->store, NULL, pruned_cb, &deleted);
  LOOKOUT_TEST_WAIT (deleted != G_MAXUINT64);

  db = lookout_test_sql_open (tmp->path);
  sql = g_strdup_printf ("INSERT INTO rollup_degraded_since VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                         lookout_target_get_id (target), since);
  lookout_test_sql_exec (db, sql);
  sqlite3_close (db);

  window = show_history (history, tmp->store, target, &monitor);
  lookout_plot_set_range (lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history)),
                          T0_MS, three_days_on (NULL));
  degraded = find_value_label (history, "Degraded");
  g_assert_nonnull (degraded);
  LOOKOUT_TEST_WAIT_UNTIL (label_has (degraded, counted), 5000);
  g_assert_true (g_str_has_suffix (gtk_label_get_label (degraded), counted));

  /* A range after that date: every degraded result is counted. */
  lookout_plot_set_range (lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history)),
                          since + 3600000, three_days_on (NULL));
  LOOKOUT_TEST_WAIT_UNTIL (!label_has (degraded, "counted since"), 5000);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
}

static void
test_sparkline_history (void)
{
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("icmp://192.0.2.1", NULL);
  GtkWidget *spark = lookout_sparkline_new ();
  GtkWidget *window;
  cairo_surface_t *surface;
  gboolean drawn = FALSE;

  lookout_sparkline_track (target);
  for (int i = 0; i < 100; i++)
    lookout_target_set_live_state (target,
                                   i % 10 == 9 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
                                   i % 10 == 9 ? -1 : 1000 + 100 * (i % 7),
                                   1000 + i, i % 10 == 9 ? "timed out" : NULL, NULL);

  window = show_in_window (spark, 64, 20);
  lookout_sparkline_set_target (LOOKOUT_SPARKLINE (spark), target);
  g_assert_true (lookout_sparkline_get_target (LOOKOUT_SPARKLINE (spark)) == target);

  surface = render (spark);
  for (int y = 0; y < cairo_image_surface_get_height (surface) && !drawn; y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface) && !drawn; x++)
      drawn = pixel_at (surface, x, y).a > 100;
  g_assert_true (drawn);

  cairo_surface_destroy (surface);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The dashboard's axis is a response time: an interface's traffic, in bits
 * per second, is not drawn on it; the interface's own page plots it in
 * bit/s. */
static void
test_dashboard_leaves_out_traffic (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autoptr(LookoutTarget) ping = lookout_target_new_from_string ("icmp://127.0.0.1", NULL);
  g_autoptr(LookoutTarget) link = lookout_target_new_from_string ("iface://lo", NULL);
  GtkWidget *dashboard = g_object_ref_sink (lookout_dashboard_plot_new ());
  LookoutTargetHistory *history = g_object_ref_sink (LOOKOUT_TARGET_HISTORY (lookout_target_history_new ()));
  LookoutPlot *plot;

  lookout_test_add_target (monitor, ping);
  lookout_test_add_target (monitor, link);
  lookout_dashboard_plot_set_monitor (LOOKOUT_DASHBOARD_PLOT (dashboard), monitor);
  plot = lookout_dashboard_plot_get_plot (LOOKOUT_DASHBOARD_PLOT (dashboard));
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, 1);
  g_assert_cmpint (lookout_plot_get_line_target (plot, 0), ==, lookout_target_get_id (ping));
  g_assert_cmpint (lookout_plot_get_value_unit (plot), ==, LOOKOUT_VALUE_UNIT_DURATION);

  lookout_target_history_set_monitor (history, monitor);
  lookout_target_history_set_target (history, link);
  g_assert_cmpint (lookout_plot_get_value_unit (lookout_target_history_get_plot (history)), ==,
                   LOOKOUT_VALUE_UNIT_BITRATE);
  lookout_target_history_set_target (history, ping);
  g_assert_cmpint (lookout_plot_get_value_unit (lookout_target_history_get_plot (history)), ==,
                   LOOKOUT_VALUE_UNIT_DURATION);

  lookout_target_history_set_target (history, NULL);
  lookout_dashboard_plot_set_monitor (LOOKOUT_DASHBOARD_PLOT (dashboard), NULL);
  g_object_unref (history);
  g_object_unref (dashboard);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/plot/render-known-data", test_render_known_data);
  g_test_add_func ("/plot/zoom-survives-live-updates", test_zoom_survives_live_updates);
  g_test_add_func ("/plot/store-sources", test_store_sources);
  g_test_add_func ("/plot/places", test_places);
  g_test_add_func ("/plot/history-places", test_history_places);
  g_test_add_func ("/plot/legend", test_legend);
  g_test_add_func ("/plot/anomaly-bands", test_anomaly_bands);
  g_test_add_func ("/plot/maintenance-bands", test_maintenance_bands);
  g_test_add_func ("/plot/set-targets", test_set_targets);
  g_test_add_func ("/plot/dashboard-leaves-out-traffic", test_dashboard_leaves_out_traffic);
  g_test_add_func ("/plot/range-bar", test_range_bar);
  g_test_add_func ("/plot/history-statistics", test_history_statistics);
  g_test_add_func ("/plot/history-follows-state", test_history_follows_state);
  g_test_add_func ("/plot/sparkline-history", test_sparkline_history);
  g_test_add_func ("/plot/history-degraded-since", test_history_degraded_since);

  return g_test_run ();
}
