/* lookout-plot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the plot works
 *
 * Each line (one target) holds a LookoutSeries: at most one column per
 * pixel, decimated in a worker thread (lookout_series_fetch_async) when the
 * view's range or width changes, never on a frame. A frame only walks the
 * ~width columns, so its cost does not depend on how many results lie in
 * the range.
 *
 * Drawing, SmokePing-like: the min–max spread of each column as translucent
 * smoke, the median (mean for rollup columns) as a line coloured by the
 * column's loss, failures as a red strip along the bottom (and a shaded
 * column where nothing succeeded) — never as zero latency — and no line
 * across a gap in the data.
 *
 * Live: the view ends at now. A timer redraws only when now has moved by
 * half a device pixel (new results wait for that frame), new results are merged into the series'
 * last column (lookout_series_add_sample) and the series slides forward
 * (lookout_series_advance) — both O(columns) at most. Zooming, panning or
 * setting a range holds the view still (live = FALSE); results still land
 * in it if they fall inside, but nothing moves it until live is set again.
 * Ranges that change are refetched after a short debounce; until the new
 * series arrives the old one is drawn stretched to the new range.
 *
 * Anomalies (the store's anomalies table) are read with each line's series
 * and drawn as shaded bands behind the lines, from the result at which
 * each was decided to its end (or now while it lasts); hovering one adds
 * its explanation to the tooltip.
 *
 * Maintenance windows (lookout_plot_set_maintenance) are placed on the
 * view's range at each frame, past and scheduled alike, and drawn as
 * purple bands behind everything else. */

#define G_LOG_DOMAIN "lookout-plot"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lookout-anomaly-detector.h"
#include "lookout-format.h"
#include "lookout-maintenance.h"
#include "lookout-plot.h"
#include "lookout-store-anomalies.h"
#include "lookout-state-colors.h"
#include "lookout-types.h"

#define MIN_SPAN_MS        (G_GINT64_CONSTANT (10) * 1000)
#define MAX_SPAN_MS        (G_GINT64_CONSTANT (400) * 86400 * 1000)
#define REFETCH_DELAY_MS   120
#define FAIL_STRIP_HEIGHT  5.0   /* below the zero line, one per line in overlays */
#define OVERLAY_STRIP      3.0
#define PAD_TOP            8.0
#define PAD_RIGHT          12.0
#define TICK_FONT_GAP      6.0

typedef struct
{
  double  left, top, width, height;
  double  strips;       /* height of the failure strips under the plot area */
  double  total_width;
  gint64  from_ms, to_ms;
  double  y_max_us;     /* in the plot's unit: µs, or bits per second */
  double  scale;
  LookoutValueUnit unit;
} Frame;

typedef struct
{
  LookoutPlot   *plot;
  gint64         key;         /* what the API calls the line: its target's id, or a place line's own */
  gint64         target_id;
  char          *location;    /* a place line's place ("local" or an agent), NULL for the whole target */
  char          *label;
  gboolean       visible;
  guint          color_slot;  /* index into the palette, kept while the line is shown */
  LookoutSeries *series;
  GCancellable  *cancellable;
  GArray        *recent;      /* LookoutSample (error not kept) added since the last fetch began */
  GArray        *anomalies;   /* LookoutStoredAnomaly overlapping the fetched range, or NULL */
} Line;

struct _LookoutPlot
{
  GtkWidget     parent_instance;

  LookoutStore *store;
  GPtrArray    *lines;
  LookoutValueUnit unit;

  gboolean      live;
  gint64        span_ms;
  gint64        from_ms;      /* the view when not live */
  gint64        to_ms;
  int           fetched_width;

  guint         tick_id;
  guint         refetch_id;
  gint64        last_place_key;

  gboolean      hovering;
  double        hover_x;
  gint64        drag_from_ms;
  gint64        drag_to_ms;

  LookoutMaintenance *maintenance;

  /* Plot area and scales of the last frame, for hit tests. */
  graphene_rect_t area;
  Frame           frame;
};

G_DEFINE_FINAL_TYPE (LookoutPlot, lookout_plot, GTK_TYPE_WIDGET)

static char *
format_tick (LookoutValueUnit unit,
             double           value,
             double           axis_max,
             double           step)
{
  return unit == LOOKOUT_VALUE_UNIT_BITRATE ? lookout_format_bitrate_tick (value, axis_max, step)
                                            : lookout_format_latency_tick (value, axis_max, step);
}

enum {
  PROP_0,
  PROP_STORE,
  PROP_LIVE,
  PROP_SPAN,
  N_PROPS
};

enum {
  LINES_CHANGED,
  RANGE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A qualitative palette of 16 hues apart from each other, light and dark
 * variants (the GNOME palette first): blue, green, orange, purple, red,
 * brown, teal, magenta, olive, navy, yellow, grey, pink, dark green, sky,
 * maroon. The lines shown take distinct entries, so that as many lines as
 * the dashboard draws never share a colour. */
static const char * const palette_light[] = {
  "#1c71d8", "#26a269", "#e66100", "#813d9c", "#c01c28", "#865e3c", "#0f8b8d", "#c061cb",
  "#808000", "#1a237e", "#c89d00", "#5e5c64", "#e4577f", "#1b5e20", "#4fa3d9", "#7b1e3a",
};
static const char * const palette_dark[] = {
  "#62a0ea", "#57e389", "#ffa348", "#c061cb", "#f66151", "#cdab8f", "#33c7de", "#f5a3f5",
  "#c8c84a", "#8c9eff", "#f8e45c", "#c0bfbc", "#ff8fab", "#8fd694", "#a6d8ff", "#d9728f",
};

G_STATIC_ASSERT (G_N_ELEMENTS (palette_light) == G_N_ELEMENTS (palette_dark));

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static void
line_free (Line *line)
{
  g_cancellable_cancel (line->cancellable);
  g_clear_object (&line->cancellable);
  g_clear_object (&line->series);
  g_clear_pointer (&line->recent, g_array_unref);
  g_clear_pointer (&line->anomalies, g_array_unref);
  g_free (line->label);
  g_free (line->location);
  g_free (line);
}

static Line *
line_new (LookoutPlot *plot,
          gint64       target_id,
          const char  *label)
{
  Line *line = g_new0 (Line, 1);

  line->plot = plot;
  line->key = target_id;
  line->target_id = target_id;
  line->label = g_strdup (label);
  line->visible = TRUE;
  line->color_slot = G_MAXUINT;
  line->recent = g_array_new (FALSE, FALSE, sizeof (LookoutSample));

  return line;
}

/* Gives each new line the first palette entry no other line holds; a line
 * keeps its entry as long as it is shown. */
static void
assign_color_slots (GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = g_ptr_array_index (lines, i);
      guint slot;

      if (line->color_slot != G_MAXUINT)
        continue;

      for (slot = 0; ; slot++)
        {
          gboolean taken = FALSE;

          for (guint j = 0; j < lines->len && !taken; j++)
            taken = ((Line *) g_ptr_array_index (lines, j))->color_slot == slot;
          if (!taken)
            break;
        }
      line->color_slot = slot;
    }
}

static Line *
find_line (LookoutPlot *self,
           gint64       target_id)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (line->key == target_id)
        return line;
    }

  return NULL;
}

static void
view_range (LookoutPlot *self,
            gint64      *from,
            gint64      *to)
{
  if (self->live)
    {
      *to = now_ms ();
      *from = *to - self->span_ms;
    }
  else
    {
      *from = self->from_ms;
      *to = self->to_ms;
    }
}

/* ---- fetching ---- */

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Line *line = user_data;
  g_autoptr(LookoutSeries) series = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last_ts = -1;

  series = lookout_series_fetch_finish (result, &error);
  if (series == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the history of target %" G_GINT64_FORMAT ": %s",
                   line->target_id, error->message);
      return;
    }

  /* Results that arrived while the store was being read. */
  for (guint i = 0; i < lookout_series_get_n_columns (series); i++)
    last_ts = MAX (last_ts, lookout_series_get_column (series, i)->last_ts_ms);
  for (guint i = 0; i < line->recent->len; i++)
    {
      LookoutSample *s = &g_array_index (line->recent, LookoutSample, i);

      if (s->ts_ms > last_ts)
        lookout_series_add_sample (series, s);
    }

  g_set_object (&line->series, series);
  gtk_widget_queue_draw (GTK_WIDGET (line->plot));
}

static void
anomalies_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Line *line = user_data;
  g_autoptr(GError) error = NULL;
  GArray *anomalies;

  anomalies = lookout_store_query_anomalies_finish (LOOKOUT_STORE (object), result, &error);
  if (anomalies == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the anomalies of target %" G_GINT64_FORMAT ": %s",
                   line->target_id, error->message);
      return;
    }

  g_clear_pointer (&line->anomalies, g_array_unref);
  line->anomalies = anomalies;
  gtk_widget_queue_draw (GTK_WIDGET (line->plot));
}

static void
fetch_line (LookoutPlot *self,
            Line        *line,
            gint64       from_ms,
            gint64       to_ms,
            int          n_columns)
{
  g_cancellable_cancel (line->cancellable);
  g_clear_object (&line->cancellable);
  line->cancellable = g_cancellable_new ();
  g_array_set_size (line->recent, 0);

  if (line->location != NULL)
    {
      /* the target's anomalies are drawn on its own line only */
      lookout_series_fetch_place_async (self->store, line->target_id, line->location, from_ms, to_ms,
                                        n_columns, line->cancellable, fetched_cb, line);
      return;
    }
  lookout_series_fetch_async (self->store, line->target_id, from_ms, to_ms, n_columns,
                              line->cancellable, fetched_cb, line);
  lookout_store_query_anomalies_async (self->store, line->target_id, from_ms, 0, 0,
                                       line->cancellable, anomalies_fetched_cb, line);
}

static gboolean
refetch_cb (gpointer user_data)
{
  LookoutPlot *self = user_data;
  gint64 from, to;
  int width;

  self->refetch_id = 0;

  width = (int) self->area.size.width;
  if (self->store == NULL || width <= 0)
    return G_SOURCE_REMOVE;

  view_range (self, &from, &to);
  /* Live series reach a little past now, so they slide for a while before
   * new columns are needed. */
  if (self->live)
    to += self->span_ms / 16;

  self->fetched_width = width;

  for (guint i = 0; i < self->lines->len; i++)
    fetch_line (self, g_ptr_array_index (self->lines, i), from, to,
                MAX (1, (int) (width * (double) (to - from) / (self->live ? self->span_ms : to - from))));

  return G_SOURCE_REMOVE;
}

static void
queue_refetch (LookoutPlot *self)
{
  g_clear_handle_id (&self->refetch_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->refetch_id = g_timeout_add (REFETCH_DELAY_MS, refetch_cb, self);
}

/* ---- view changes ---- */

static void
set_live_internal (LookoutPlot *self,
                   gboolean     live)
{
  if (self->live == live)
    return;

  self->live = live;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
}

static gint64
clamp_span (gint64 span)
{
  return CLAMP (span, MIN_SPAN_MS, MAX_SPAN_MS);
}

/* ---- drawing ---- */

typedef struct
{
  GdkRGBA fg;
  GdkRGBA accent;
  GdkRGBA degraded;   /* the state colours: lookout-state-colors.c */
  GdkRGBA down;
  gboolean dark;
} Colors;

static void
lookup_color (GtkStyleContext *context,
              const char      *name,
              const char      *fallback,
              GdkRGBA         *out)
{
  if (!gtk_style_context_lookup_color (context, name, out))
    gdk_rgba_parse (out, fallback);
}

static void
get_colors (LookoutPlot *self,
            Colors      *c)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, &c->fg);
  c->dark = 0.299 * c->fg.red + 0.587 * c->fg.green + 0.114 * c->fg.blue > 0.5;
  lookup_color (context, "accent_color", c->dark ? "#78aeed" : "#1c71d8", &c->accent);
  c->degraded = *lookout_state_color (LOOKOUT_TARGET_STATE_DEGRADED);
  c->down = *lookout_state_color (LOOKOUT_TARGET_STATE_DOWN);
}

static void
line_color (LookoutPlot *self,
            gint64       target_id,
            gboolean     dark,
            GdkRGBA     *out)
{
  const char * const *palette = dark ? palette_dark : palette_light;
  Line *line = find_line (self, target_id);
  guint index = (guint) (((guint64) target_id * 2654435761u) >> 8) % G_N_ELEMENTS (palette_light);

  if (line != NULL && line->color_slot != G_MAXUINT)
    index = line->color_slot % G_N_ELEMENTS (palette_light);
  gdk_rgba_parse (out, palette[index]);
}

static double
nice_step (double range,
           int    n_ticks)
{
  double raw = range / MAX (n_ticks, 1);
  double mag = pow (10, floor (log10 (raw)));
  double norm = raw / mag;

  if (norm < 1.5)
    return mag;
  if (norm < 3)
    return 2 * mag;
  if (norm < 7)
    return 5 * mag;
  return 10 * mag;
}

static const gint64 time_steps_ms[] = {
  1000, 2000, 5000, 10000, 15000, 30000,
  60000, 120000, 300000, 600000, 900000, 1800000,
  3600000, 7200000, 10800000, 21600000, 43200000,
  86400000, 172800000, 604800000, 1209600000, G_GINT64_CONSTANT (2592000000),
};

static gint64
pick_time_step (gint64 span_ms,
                double width)
{
  /* Labels need ~90 px each. */
  double max_ticks = MAX (width / 90.0, 2);

  for (guint i = 0; i < G_N_ELEMENTS (time_steps_ms); i++)
    if (span_ms / time_steps_ms[i] <= max_ticks)
      return time_steps_ms[i];

  return time_steps_ms[G_N_ELEMENTS (time_steps_ms) - 1];
}

static char *
format_time_tick (gint64 ts_ms,
                  gint64 step_ms)
{
  if (step_ms < 86400000)
    return lookout_format_time (ts_ms, step_ms < 60000);
  return lookout_format_day (ts_ms);
}

static inline double
frame_x (const Frame *f,
         gint64       ts_ms)
{
  return f->left + (ts_ms - f->from_ms) * f->width / (double) (f->to_ms - f->from_ms);
}

static inline double
frame_y (const Frame *f,
         double       us)
{
  return f->top + f->height - MIN (us, f->y_max_us) * f->height / f->y_max_us;
}

static inline double
snap (const Frame *f,
      double       v)
{
  return (floor (v * f->scale) + 0.5) / f->scale;
}

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y,
           double       xalign,
           double       yalign)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - w * xalign), round (y - h * yalign));
  pango_cairo_show_layout (cr, layout);
}

/* A time label centred under its tick, unless it would stick out. */
static void
show_text_inside (cairo_t     *cr,
                  PangoLayout *layout,
                  const char  *text,
                  double       x,
                  double       y,
                  double       max_x)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (x - w / 2.0 < 0 || x + w / 2.0 > max_x)
    return;
  cairo_move_to (cr, round (x - w / 2.0), round (y));
  pango_cairo_show_layout (cr, layout);
}

static double
latency_tick_step (const Frame *f)
{
  return nice_step (f->y_max_us, MAX ((int) (f->height / 40), 2));
}

static void
draw_axes (LookoutPlot *self,
           cairo_t     *cr,
           PangoLayout *layout,
           const Frame *f,
           const Colors *c)
{
  double step = latency_tick_step (f);
  gint64 tstep = pick_time_step (f->to_ms - f->from_ms, f->width);
  gint64 offset_ms;
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();

  cairo_set_line_width (cr, 1 / f->scale);

  /* Horizontal grid and latency labels. */
  for (double v = 0; v <= f->y_max_us * 1.0001; v += step)
    {
      g_autofree char *label = format_tick (f->unit, v, f->y_max_us, step);
      double y = snap (f, frame_y (f, v));

      cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, v == 0 ? 0.35 : 0.12);
      cairo_move_to (cr, f->left, y);
      cairo_line_to (cr, f->left + f->width, y);
      cairo_stroke (cr);

      cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, 0.7);
      show_text (cr, layout, label, f->left - TICK_FONT_GAP, y, 1.0, 0.5);
    }

  /* Vertical grid on local-time boundaries. */
  offset_ms = g_date_time_get_utc_offset (local) / 1000;
  {
    gint64 first = f->from_ms + offset_ms;

    first = first - (first % tstep + tstep) % tstep + tstep - offset_ms;
    for (gint64 t = first; t < f->to_ms; t += tstep)
      {
        g_autofree char *label = format_time_tick (t, tstep);
        double x = snap (f, frame_x (f, t));

        cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, 0.12);
        cairo_move_to (cr, x, f->top);
        cairo_line_to (cr, x, f->top + f->height);
        cairo_stroke (cr);

        cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, 0.7);
        show_text_inside (cr, layout, label, x, f->top + f->height + f->strips + 4, f->total_width);
      }
  }
}

/* The loss colour of a column: the line's own colour without loss, the
 * degraded colour for answered but degraded results. */
static const GdkRGBA *
loss_color (const LookoutSeriesColumn *col,
            const GdkRGBA             *base,
            const Colors              *c)
{
  if (col->n_fail == 0)
    return col->worst_state == LOOKOUT_TARGET_STATE_DEGRADED ? &c->degraded : base;
  if (col->n_fail * 5 <= col->n)
    return &c->degraded;
  return &c->down;
}

static void
columns_in_view (LookoutSeries *s,
                 gint64         from_ms,
                 gint64         to_ms,
                 guint         *first,
                 guint         *last)
{
  guint n = lookout_series_get_n_columns (s);
  gint64 col_ms = lookout_series_get_column_ms (s);
  gint64 s_from = lookout_series_get_from_ms (s);

  *first = from_ms > s_from ? MIN ((from_ms - s_from) / col_ms, n) : 0;
  *last = to_ms > s_from ? MIN ((to_ms - s_from) / col_ms + 1, n) : 0;
}

static void
draw_line (LookoutPlot  *self,
           cairo_t      *cr,
           const Frame  *f,
           const Colors *c,
           Line         *line,
           gboolean      overlay,
           guint         overlay_index)
{
  LookoutSeries *s = line->series;
  guint n = lookout_series_get_n_columns (s);
  gint64 col_ms = lookout_series_get_column_ms (s);
  gint64 s_from = lookout_series_get_from_ms (s);
  GdkRGBA base;
  guint first, last;
  double strip_h = overlay ? OVERLAY_STRIP : FAIL_STRIP_HEIGHT;
  double strip_top = f->top + f->height + 1 + strip_h * (overlay ? overlay_index : 0);

  if (overlay)
    line_color (self, line->key, c->dark, &base);
  else
    base = c->accent;

  columns_in_view (s, f->from_ms, f->to_ms, &first, &last);

  /* Smoke: the min–max spread of every column. */
  for (guint i = first; i < last; i++)
    {
      const LookoutSeriesColumn *col = lookout_series_get_column (s, i);
      double x0, x1, y0, y1;

      if (col->n_timed == 0)
        continue;
      /* Whole device pixels, no antialiasing: cairo fills such boxes
       * without tessellating. */
      x0 = round (frame_x (f, s_from + i * col_ms) * f->scale) / f->scale;
      x1 = MAX (round (frame_x (f, s_from + (i + 1) * col_ms) * f->scale) / f->scale, x0 + 1 / f->scale);
      y0 = floor (frame_y (f, col->max_us) * f->scale) / f->scale;
      y1 = ceil (frame_y (f, col->min_us) * f->scale) / f->scale;
      cairo_rectangle (cr, x0, y0, x1 - x0, MAX (y1 - y0, 1 / f->scale));
    }
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  if (overlay)
    cairo_set_source_rgba (cr, base.red, base.green, base.blue, 0.1);
  else
    cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, c->dark ? 0.3 : 0.22);
  cairo_fill (cr);

  /* Failures: a strip along the bottom, deeper with more loss, and a
   * shaded column where nothing succeeded. */
  for (guint i = first; i < last; i++)
    {
      const LookoutSeriesColumn *col = lookout_series_get_column (s, i);
      double x0, x1;

      if (col->n_fail == 0)
        continue;
      x0 = round (frame_x (f, s_from + i * col_ms) * f->scale) / f->scale;
      x1 = MAX (round (frame_x (f, s_from + (i + 1) * col_ms) * f->scale) / f->scale, x0 + 1 / f->scale);
      /* Overlays mark each line's failures in its own colour, in its own
       * row of the strip. */
      if (overlay)
        cairo_set_source_rgba (cr, base.red, base.green, base.blue, 0.45 + 0.55 * col->n_fail / col->n);
      else
        cairo_set_source_rgba (cr, c->down.red, c->down.green, c->down.blue,
                               0.45 + 0.55 * col->n_fail / col->n);
      cairo_rectangle (cr, x0, strip_top, x1 - x0, strip_h);
      cairo_fill (cr);
      if (col->n_timed == 0 && !overlay)
        {
          cairo_set_source_rgba (cr, c->down.red, c->down.green, c->down.blue, 0.12);
          cairo_rectangle (cr, x0, f->top, x1 - x0, f->height);
          cairo_fill (cr);
        }
    }

  /* The median line, one segment per pair of neighbouring columns with a
   * latency, coloured by the loss of the column it reaches. No segment
   * across a gap or a column where everything failed. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  cairo_set_line_width (cr, overlay ? 1.5 : 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  for (int pass = 0; pass < 3; pass++)
    {
      const GdkRGBA *want = pass == 0 ? &base : pass == 1 ? &c->degraded : &c->down;
      double px = 0, py = 0;
      gboolean have_prev = FALSE;
      gboolean pen_at_prev = FALSE;
      gboolean any = FALSE;

      for (guint i = first > 0 ? first - 1 : 0; i < MIN (last + 1, n); i++)
        {
          const LookoutSeriesColumn *col = lookout_series_get_column (s, i);
          double x, y;

          if (col->n == 0)
            continue;
          if (col->n_timed == 0 || (col->flags & LOOKOUT_SERIES_COLUMN_GAP_BEFORE))
            have_prev = pen_at_prev = FALSE;
          if (col->n_timed == 0)
            continue;

          x = frame_x (f, s_from + i * col_ms + col_ms / 2);
          y = frame_y (f, col->mid_us);

          /* Overlays keep each target's colour: their loss is in the strips. */
          if ((overlay ? &base : loss_color (col, &base, c)) == want)
            {
              /* One polyline per run; a lone point still shows as a dot. */
              if (!have_prev)
                cairo_move_to (cr, x, y);
              else if (!pen_at_prev)
                cairo_move_to (cr, px, py);
              cairo_line_to (cr, x, y);
              pen_at_prev = TRUE;
              any = TRUE;
            }
          else
            pen_at_prev = FALSE;
          px = x, py = y;
          have_prev = TRUE;
        }

      if (any)
        {
          gdk_cairo_set_source_rgba (cr, want);
          cairo_stroke (cr);
        }
      else
        cairo_new_path (cr);
    }
}

static const char *
source_label (LookoutSeriesSource source)
{
  switch (source)
    {
    case LOOKOUT_SERIES_SOURCE_SAMPLES: return _("raw results");
    case LOOKOUT_SERIES_SOURCE_MINUTE:  return _("per-minute means");
    case LOOKOUT_SERIES_SOURCE_HOUR:    return _("hourly means");
    case LOOKOUT_SERIES_SOURCE_DAY:     return _("daily means");
    default:                            return "";
    }
}

static void
draw_crosshair (LookoutPlot  *self,
                cairo_t      *cr,
                const Frame  *f,
                const Colors *c)
{
  double x = snap (f, self->hover_x);

  if (self->hover_x < f->left || self->hover_x > f->left + f->width)
    return;

  cairo_set_line_width (cr, 1 / f->scale);
  cairo_set_source_rgba (cr, c->fg.red, c->fg.green, c->fg.blue, 0.5);
  cairo_move_to (cr, x, f->top);
  cairo_line_to (cr, x, f->top + f->height);
  cairo_stroke (cr);
}

/* The latency axis covers the middle values in view and all but the
 * rarest spikes: the top is the larger of the highest median and the 99th
 * percentile of the column maxima. Rarer spikes are clipped at the top
 * edge, where they still show. Returns how many lines are drawn. */
static guint
latency_scale (LookoutPlot *self,
               Frame       *f)
{
  g_autoptr(GArray) maxima = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 top_mid = -1, top = -1;
  guint visible = 0;
  double step;

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      guint first, last;

      if (!line->visible || line->series == NULL)
        continue;
      visible++;
      columns_in_view (line->series, f->from_ms, f->to_ms, &first, &last);
      for (guint c = first; c < last; c++)
        {
          const LookoutSeriesColumn *col = lookout_series_get_column (line->series, c);

          if (col->n_timed == 0)
            continue;
          top_mid = MAX (top_mid, col->mid_us);
          g_array_append_val (maxima, col->max_us);
        }
    }

  if (maxima->len > 0)
    {
      gint64 *v = (gint64 *) (gpointer) maxima->data;
      guint k = maxima->len - 1 - maxima->len / 100;

      /* Partial selection is enough, but a sort of ~1,000 values is cheap. */
      qsort (v, maxima->len, sizeof (gint64), compare_int64);
      top = MAX (top_mid, v[k]);
    }

  f->y_max_us = top > 0 ? top * 1.1 : 100000;
  step = nice_step (f->y_max_us, 4);
  f->y_max_us = ceil (f->y_max_us / step) * step;

  return visible;
}

/* Shaded bands behind the lines, in the line's colour when there are
 * several, else in the degraded state's colour. */
static void
draw_anomalies (LookoutPlot  *self,
                cairo_t      *cr,
                const Frame  *f,
                const Colors *colors)
{
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      GdkRGBA color = colors->degraded;

      if (!line->visible || line->anomalies == NULL)
        continue;
      if (self->lines->len > 1)
        line_color (self, line->key, colors->dark, &color);

      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.25);
      for (guint j = 0; j < line->anomalies->len; j++)
        {
          const LookoutStoredAnomaly *a = &g_array_index (line->anomalies, LookoutStoredAnomaly, j);
          gint64 end = a->end_ms >= 0 ? a->end_ms : f->to_ms;
          double x0, x1;

          if (end < f->from_ms || a->start_ms > f->to_ms)
            continue;
          x0 = frame_x (f, MAX (a->start_ms, f->from_ms));
          x1 = frame_x (f, MIN (end, f->to_ms));
          /* at least two pixels, so that a short one is seen */
          cairo_rectangle (cr, x0, f->top, MAX (x1 - x0, 2.0), f->height);
        }
      cairo_fill (cr);
    }
}

static void
draw_maintenance (LookoutPlot  *self,
                  cairo_t      *cr,
                  const Frame  *f,
                  const Colors *colors)
{
  g_autoptr(GArray) spans = NULL;
  GdkRGBA color;

  if (self->maintenance == NULL)
    return;

  spans = lookout_maintenance_spans (self->maintenance, f->from_ms, f->to_ms, NULL);
  lookout_plot_get_maintenance_color (self, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  for (guint i = 0; i + 1 < spans->len; i += 2)
    {
      double x0 = frame_x (f, MAX (g_array_index (spans, gint64, i), f->from_ms));
      double x1 = frame_x (f, MIN (g_array_index (spans, gint64, i + 1), f->to_ms));

      cairo_rectangle (cr, x0, f->top, MAX (x1 - x0, 2.0), f->height);
    }
  cairo_fill (cr);
}

static void
lookout_plot_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  LookoutPlot *self = LOOKOUT_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = NULL;
  cairo_t *cr;
  Colors colors;
  Frame f = { 0 };
  guint visible, index = 0;
  int label_w, label_h;

  if (width <= 0 || height <= 0)
    return;

  get_colors (self, &colors);
  view_range (self, &f.from_ms, &f.to_ms);
  f.scale = gtk_widget_get_scale_factor (widget);
  f.unit = self->unit;

  visible = latency_scale (self, &f);

  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_text (layout, "0", -1);
  pango_layout_get_pixel_size (layout, NULL, &label_h);

  f.top = PAD_TOP + label_h / 2.0;
  f.strips = self->lines->len > 1 ? OVERLAY_STRIP * visible + 1 : FAIL_STRIP_HEIGHT + 1;
  f.height = MAX (height - f.top - label_h - 8 - f.strips, 1);

  /* The margin fits the widest of the labels draw_axes() will print. */
  label_w = 0;
  {
    double step = latency_tick_step (&f);

    for (double v = 0; v <= f.y_max_us * 1.0001; v += step)
      {
        g_autofree char *label = format_tick (f.unit, v, f.y_max_us, step);
        int w;

        pango_layout_set_text (layout, label, -1);
        pango_layout_get_pixel_size (layout, &w, NULL);
        label_w = MAX (label_w, w);
      }
  }

  f.left = label_w + 2 * TICK_FONT_GAP;
  f.width = MAX (width - f.left - PAD_RIGHT, 1);
  f.total_width = width;
  self->area = GRAPHENE_RECT_INIT (f.left, f.top, f.width, f.height);
  self->frame = f;

  /* A resize needs columns of the new width. */
  if (self->store != NULL && self->lines->len > 0 && self->fetched_width != (int) f.width &&
      self->refetch_id == 0)
    queue_refetch (self);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  draw_axes (self, cr, layout, &f, &colors);

  cairo_save (cr);
  cairo_rectangle (cr, f.left, f.top - 2, f.width, f.height + 2 + f.strips);
  cairo_clip (cr);
  draw_maintenance (self, cr, &f, &colors);
  draw_anomalies (self, cr, &f, &colors);
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (!line->visible || line->series == NULL)
        continue;
      draw_line (self, cr, &f, &colors, line, self->lines->len > 1, index++);
    }
  cairo_restore (cr);

  if (self->lines->len == 1 && visible == 1)
    {
      Line *line = g_ptr_array_index (self->lines, 0);

      cairo_set_source_rgba (cr, colors.fg.red, colors.fg.green, colors.fg.blue, 0.55);
      show_text (cr, layout, source_label (lookout_series_get_source (line->series)),
                 f.left + f.width, PAD_TOP - 4, 1.0, 0.0);
    }
  else if (visible == 0)
    {
      cairo_set_source_rgba (cr, colors.fg.red, colors.fg.green, colors.fg.blue, 0.55);
      show_text (cr, layout, _("No data"), f.left + f.width / 2, f.top + f.height / 2, 0.5, 0.5);
    }

  if (self->hovering)
    draw_crosshair (self, cr, &f, &colors);

  cairo_destroy (cr);
}

/* Half a device pixel of the view, in ms: how often the live view moves. */
static guint
live_interval_ms (LookoutPlot *self)
{
  double px_ms = self->span_ms / MAX (self->area.size.width * gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);

  return (guint) CLAMP (px_ms / 2, 16, 60 * 1000);
}

static void schedule_live (LookoutPlot *self);

/* A timer rather than a tick callback: a tick callback keeps the frame
 * clock running at the display's rate while the plot is mapped, and the
 * view only needs a frame when it has moved by half a pixel. New results
 * wait for that frame instead of asking for one each (lookout_plot_add_sample). */
static gboolean
live_cb (gpointer user_data)
{
  LookoutPlot *self = LOOKOUT_PLOT (user_data);
  gint64 now = now_ms ();

  self->tick_id = 0;
  if (self->live)
    {
      for (guint i = 0; i < self->lines->len; i++)
        {
          Line *line = g_ptr_array_index (self->lines, i);

          if (line->series != NULL && now > lookout_series_get_to_ms (line->series))
            lookout_series_advance (line->series, now + self->span_ms / 16);
        }
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  schedule_live (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_live (LookoutPlot *self)
{
  if (self->tick_id == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = g_timeout_add (live_interval_ms (self), live_cb, self);
}

/* ---- tooltip ---- */

/* Sparse data (a result every 30 s in columns of 0.3 s) would leave the
 * pointer between results: take the nearest column with data within reach
 * (in columns). */
static int
nearest_column (LookoutSeries *s,
                int            index,
                double         reach)
{
  int n = lookout_series_get_n_columns (s);
  int r = CLAMP ((int) ceil (reach), 1, 2000);

  if (lookout_series_get_column (s, index)->n > 0)
    return index;

  for (int d = 1; d <= r; d++)
    {
      if (index - d >= 0 && lookout_series_get_column (s, index - d)->n > 0)
        return index - d;
      if (index + d < n && lookout_series_get_column (s, index + d)->n > 0)
        return index + d;
    }

  return index;
}

static gboolean
query_tooltip_cb (LookoutPlot *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *when = NULL;
  gint64 from, to, ts, shown_ts = -1;

  if (!graphene_rect_contains_point (&self->area, &GRAPHENE_POINT_INIT (x, y)))
    return FALSE;

  view_range (self, &from, &to);
  ts = from + (gint64) ((x - self->area.origin.x) * (to - from) / self->area.size.width);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);
      const LookoutSeriesColumn *col;
      int index;

      if (!line->visible || line->series == NULL ||
          (index = lookout_series_column_at (line->series, ts)) < 0)
        continue;
      /* Within 6 pixels, or half the time between two results. */
      index = nearest_column (line->series, index,
                              MAX (6.0 * (to - from) / self->area.size.width,
                                   lookout_series_get_spacing_ms (line->series) / 2.0) /
                              lookout_series_get_column_ms (line->series));
      col = lookout_series_get_column (line->series, index);
      /* One line: the time of the result shown, not of the pointer. */
      if (self->lines->len == 1 && col->n > 0)
        shown_ts = col->first_ts_ms;

      g_string_append_c (text, '\n');
      if (self->lines->len > 1 && line->label != NULL)
        g_string_append_printf (text, "%s: ", line->label);

      if (col->n == 0)
        {
          g_string_append (text, _("no data"));
          continue;
        }

      g_string_append (text, lookout_target_state_get_label (col->worst_state));
      if (col->n_timed > 0)
        {
          g_autofree char *mid = lookout_format_value (self->unit, col->mid_us);
          g_autofree char *min = lookout_format_value (self->unit, col->min_us);
          g_autofree char *max = lookout_format_value (self->unit, col->max_us);

          g_string_append_printf (text, (col->flags & LOOKOUT_SERIES_COLUMN_MEAN)
                                        ? _(" — mean %s, min %s, max %s")
                                        : _(" — median %s, min %s, max %s"),
                                  mid, min, max);
        }
      if (col->n_fail > 0)
        g_string_append_printf (text, g_dngettext (NULL, ", %u of %u failed", ", %u of %u failed",
                                                   col->n), col->n_fail, col->n);
      {
        const char *error = lookout_series_get_column_error (line->series, index);

        if (error != NULL)
          g_string_append_printf (text, "\n%s", error);
      }
    }

  /* the anomalies under the pointer, in words */
  {
    g_autofree char *anomalies = lookout_plot_describe_anomalies (self, ts);

    if (anomalies != NULL)
      g_string_append_printf (text, "\n%s", anomalies);
  }

  when = lookout_format_date_time (shown_ts >= 0 ? shown_ts : ts);
  g_string_prepend (text, when);
  gtk_tooltip_set_text (tooltip, text->str);

  return TRUE;
}

/* ---- input ---- */

static gint64
x_to_time (LookoutPlot *self,
           double       x)
{
  gint64 from, to;

  view_range (self, &from, &to);
  if (self->area.size.width <= 0)
    return (from + to) / 2;

  return from + (gint64) ((x - self->area.origin.x) * (to - from) / self->area.size.width);
}

static void
motion_cb (LookoutPlot              *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->hovering = TRUE;
  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (LookoutPlot              *self,
          GtkEventControllerMotion *motion)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Ctrl+scroll zooms around the pointer, horizontal or Shift+scroll pans;
 * a plain vertical scroll is left to the page around the plot. */
static gboolean
scrolled_cb (LookoutPlot              *self,
             double                    dx,
             double                    dy,
             GtkEventControllerScroll *scroll)
{
  GdkModifierType state;
  gint64 from, to;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  view_range (self, &from, &to);

  if (state & GDK_CONTROL_MASK)
    {
      if (dy == 0)
        return FALSE;
      lookout_plot_zoom (self, pow (1.2, dy),
                         self->hovering ? x_to_time (self, self->hover_x) : (from + to) / 2);
      return TRUE;
    }

  if (state & GDK_SHIFT_MASK)
    dx = dx != 0 ? dx : dy;
  if (dx == 0)
    return FALSE;
  lookout_plot_pan (self, (gint64) (dx * (to - from) / 10));

  return TRUE;
}

static void
zoom_scale_changed_cb (LookoutPlot    *self,
                       double          scale,
                       GtkGestureZoom *gesture)
{
  double x, y;

  if (scale <= 0 || !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;

  /* Relative to the range when the pinch began. */
  {
    gint64 span = (gint64) ((self->drag_to_ms - self->drag_from_ms) / scale);
    gint64 at = self->drag_from_ms +
                (gint64) ((x - self->area.origin.x) * (self->drag_to_ms - self->drag_from_ms) /
                          MAX (self->area.size.width, 1));
    double frac = (double) (at - self->drag_from_ms) / (self->drag_to_ms - self->drag_from_ms);

    lookout_plot_set_range (self, at - (gint64) (frac * span), at - (gint64) (frac * span) + span);
  }
}

static void
zoom_begun_cb (LookoutPlot      *self,
               GdkEventSequence *sequence,
               GtkGesture       *gesture)
{
  view_range (self, &self->drag_from_ms, &self->drag_to_ms);
}

static void
drag_begun_cb (LookoutPlot    *self,
               double          x,
               double          y,
               GtkGestureDrag *drag)
{
  view_range (self, &self->drag_from_ms, &self->drag_to_ms);
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
drag_updated_cb (LookoutPlot    *self,
                 double          dx,
                 double          dy,
                 GtkGestureDrag *drag)
{
  gint64 delta;

  if (self->area.size.width <= 0 || fabs (dx) < 2)
    return;

  delta = (gint64) (-dx * (self->drag_to_ms - self->drag_from_ms) / self->area.size.width);
  lookout_plot_set_range (self, self->drag_from_ms + delta, self->drag_to_ms + delta);
}

static gboolean
key_pressed_cb (LookoutPlot           *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  gint64 from, to;

  view_range (self, &from, &to);

  switch (keyval)
    {
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      lookout_plot_zoom (self, 1 / 1.5, (from + to) / 2);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      lookout_plot_zoom (self, 1.5, (from + to) / 2);
      return TRUE;
    case GDK_KEY_Left:
      lookout_plot_pan (self, -(to - from) / 5);
      return TRUE;
    case GDK_KEY_Right:
      lookout_plot_pan (self, (to - from) / 5);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_Escape:
      if (self->live)
        return FALSE;
      lookout_plot_set_live (self, TRUE);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- GObject ---- */

static void
lookout_plot_map (GtkWidget *widget)
{
  LookoutPlot *self = LOOKOUT_PLOT (widget);

  GTK_WIDGET_CLASS (lookout_plot_parent_class)->map (widget);

  schedule_live (self);
}

static void
lookout_plot_unmap (GtkWidget *widget)
{
  LookoutPlot *self = LOOKOUT_PLOT (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  GTK_WIDGET_CLASS (lookout_plot_parent_class)->unmap (widget);
}

static void
lookout_plot_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 260;
}

static void
lookout_plot_dispose (GObject *object)
{
  LookoutPlot *self = (LookoutPlot *) object;

  g_clear_handle_id (&self->refetch_id, g_source_remove);
  if (self->lines != NULL)
    g_ptr_array_set_size (self->lines, 0);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_plot_parent_class)->dispose (object);
}

static void
lookout_plot_finalize (GObject *object)
{
  LookoutPlot *self = (LookoutPlot *) object;

  g_clear_pointer (&self->lines, g_ptr_array_unref);
  g_clear_pointer (&self->maintenance, lookout_maintenance_free);

  G_OBJECT_CLASS (lookout_plot_parent_class)->finalize (object);
}

static void
lookout_plot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LookoutPlot *self = LOOKOUT_PLOT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;
    case PROP_SPAN:
      g_value_set_int64 (value, self->span_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_plot_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LookoutPlot *self = LOOKOUT_PLOT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      lookout_plot_set_store (self, g_value_get_object (value));
      break;
    case PROP_LIVE:
      lookout_plot_set_live (self, g_value_get_boolean (value));
      break;
    case PROP_SPAN:
      lookout_plot_set_span (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_plot_class_init (LookoutPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_plot_dispose;
  object_class->finalize = lookout_plot_finalize;
  object_class->get_property = lookout_plot_get_property;
  object_class->set_property = lookout_plot_set_property;

  widget_class->snapshot = lookout_plot_snapshot;
  widget_class->measure = lookout_plot_measure;
  widget_class->map = lookout_plot_map;
  widget_class->unmap = lookout_plot_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, LOOKOUT_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPAN] =
    g_param_spec_int64 ("span", NULL, NULL, MIN_SPAN_MS, MAX_SPAN_MS, LOOKOUT_PLOT_SPAN_5_MINUTES,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LINES_CHANGED] =
    g_signal_new ("lines-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  signals[RANGE_CHANGED] =
    g_signal_new ("range-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "lookout-plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lookout_plot_init (LookoutPlot *self)
{
  GtkEventController *controller;
  GtkGesture *drag, *zoom;

  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  self->live = TRUE;
  self->span_ms = LOOKOUT_PLOT_SPAN_5_MINUTES;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Response time plot"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Control and scroll, pinch, or plus and minus zoom; drag, Shift and scroll, or the arrow keys move; Escape returns to live"),
                                  -1);

  g_signal_connect_swapped (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scrolled_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  zoom = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (zoom, "begin", G_CALLBACK (zoom_begun_cb), self);
  g_signal_connect_swapped (zoom, "scale-changed", G_CALLBACK (zoom_scale_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));

  drag = gtk_gesture_drag_new ();
  g_signal_connect_swapped (drag, "drag-begin", G_CALLBACK (drag_begun_cb), self);
  g_signal_connect_swapped (drag, "drag-update", G_CALLBACK (drag_updated_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

/* ---- public API ---- */

GtkWidget *
lookout_plot_new (void)
{
  return g_object_new (LOOKOUT_TYPE_PLOT, NULL);
}

void
lookout_plot_set_store (LookoutPlot  *self,
                        LookoutStore *store)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (!store || LOOKOUT_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  self->fetched_width = 0;
  if (store != NULL)
    queue_refetch (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

LookoutStore *
lookout_plot_get_store (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), NULL);

  return self->store;
}

void
lookout_plot_add_target (LookoutPlot *self,
                         gint64       target_id,
                         const char  *label)
{
  Line *line;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  if ((line = find_line (self, target_id)) != NULL)
    {
      g_free (line->label);
      line->label = g_strdup (label);
      g_signal_emit (self, signals[LINES_CHANGED], 0);
      return;
    }

  g_ptr_array_add (self->lines, line_new (self, target_id, label));
  assign_color_slots (self->lines);

  if (self->store != NULL)
    queue_refetch (self);
  g_signal_emit (self, signals[LINES_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
lookout_plot_add_place (LookoutPlot *self,
                        gint64       target_id,
                        const char  *location,
                        const char  *label)
{
  Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), 0);
  g_return_val_if_fail (location != NULL, 0);

  for (guint i = 0; i < self->lines->len; i++)
    {
      line = g_ptr_array_index (self->lines, i);
      if (line->target_id == target_id && g_strcmp0 (line->location, location) == 0)
        return line->key;
    }

  /* target ids are positive: a place line's key never meets one */
  line = line_new (self, target_id, label);
  line->key = --self->last_place_key;
  line->location = g_strdup (location);
  g_ptr_array_add (self->lines, line);
  assign_color_slots (self->lines);

  if (self->store != NULL)
    queue_refetch (self);
  g_signal_emit (self, signals[LINES_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return line->key;
}

/* Replaces the lines with these, in this order, in one change: lines kept
 * keep their data and visibility, and only new ones are fetched. Adding
 * them one by one would rebuild the legend once per line. */
void
lookout_plot_set_targets (LookoutPlot        *self,
                          const gint64       *target_ids,
                          const char * const *labels,
                          guint               n)
{
  g_autoptr(GPtrArray) old = NULL;
  gboolean added = FALSE;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (n == 0 || (target_ids != NULL && labels != NULL));

  if (n == self->lines->len)
    {
      guint same = 0;

      while (same < n)
        {
          Line *line = g_ptr_array_index (self->lines, same);

          if (line->key != target_ids[same] || g_strcmp0 (line->label, labels[same]) != 0)
            break;
          same++;
        }
      if (same == n)
        return;
    }

  old = g_steal_pointer (&self->lines);
  self->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  for (guint i = 0; i < n; i++)
    {
      Line *line = NULL;

      for (guint j = 0; j < old->len && line == NULL; j++)
        if (((Line *) g_ptr_array_index (old, j))->key == target_ids[i])
          line = g_ptr_array_steal_index_fast (old, j);

      if (line != NULL)
        {
          g_free (line->label);
          line->label = g_strdup (labels[i]);
        }
      else if (find_line (self, target_ids[i]) == NULL)
        {
          line = line_new (self, target_ids[i], labels[i]);
          added = TRUE;
        }

      if (line != NULL)
        g_ptr_array_add (self->lines, line);
    }

  assign_color_slots (self->lines);
  if (added && self->store != NULL)
    queue_refetch (self);
  g_signal_emit (self, signals[LINES_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_plot_remove_target (LookoutPlot *self,
                            gint64       target_id)
{
  Line *line;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  if ((line = find_line (self, target_id)) == NULL)
    return;

  g_ptr_array_remove (self->lines, line);
  g_signal_emit (self, signals[LINES_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_plot_set_value_unit (LookoutPlot      *self,
                             LookoutValueUnit  unit)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  if (self->unit == unit)
    return;
  self->unit = unit;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

LookoutValueUnit
lookout_plot_get_value_unit (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), LOOKOUT_VALUE_UNIT_DURATION);

  return self->unit;
}

void
lookout_plot_remove_all (LookoutPlot *self)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  if (self->lines->len == 0)
    return;

  g_ptr_array_set_size (self->lines, 0);
  g_signal_emit (self, signals[LINES_CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_plot_set_target_visible (LookoutPlot *self,
                                 gint64       target_id,
                                 gboolean     visible)
{
  Line *line;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  if ((line = find_line (self, target_id)) == NULL || line->visible == !!visible)
    return;

  line->visible = !!visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
lookout_plot_get_target_visible (LookoutPlot *self,
                                 gint64       target_id)
{
  Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), FALSE);

  line = find_line (self, target_id);

  return line != NULL && line->visible;
}

guint
lookout_plot_get_n_lines (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), 0);

  return self->lines->len;
}

gint64
lookout_plot_get_line_target (LookoutPlot *self,
                              guint        index)
{
  const Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), 0);
  g_return_val_if_fail (index < self->lines->len, 0);

  line = g_ptr_array_index (self->lines, index);
  return line->key;
}

const char *
lookout_plot_get_line_label (LookoutPlot *self,
                             guint        index)
{
  const Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), NULL);
  g_return_val_if_fail (index < self->lines->len, NULL);

  line = g_ptr_array_index (self->lines, index);
  return line->label;
}

void
lookout_plot_get_target_color (LookoutPlot *self,
                               gint64       target_id,
                               GdkRGBA     *out_color)
{
  Colors colors;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (out_color != NULL);

  get_colors (self, &colors);
  line_color (self, target_id, colors.dark, out_color);
}

void
lookout_plot_set_series (LookoutPlot   *self,
                         gint64         target_id,
                         LookoutSeries *series)
{
  Line *line;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (!series || LOOKOUT_IS_SERIES (series));

  if ((line = find_line (self, target_id)) == NULL)
    {
      lookout_plot_add_target (self, target_id, NULL);
      line = find_line (self, target_id);
    }

  g_set_object (&line->series, series);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

LookoutSeries *
lookout_plot_get_series (LookoutPlot *self,
                         gint64       target_id)
{
  Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), NULL);

  line = find_line (self, target_id);

  return line ? line->series : NULL;
}

static void
add_sample_to_line (LookoutPlot         *self,
                    Line                *line,
                    const LookoutSample *sample)
{
  LookoutSample copy;

  copy = *sample;
  copy.error = NULL;
  copy.location = NULL;
  if (line->cancellable != NULL)
    {
      /* Bounded: only what arrives during one fetch. */
      if (line->recent->len >= 4096)
        g_array_remove_index (line->recent, 0);
      g_array_append_val (line->recent, copy);
    }

  if (line->series == NULL)
    return;

  if (self->live && sample->ts_ms >= lookout_series_get_to_ms (line->series))
    lookout_series_advance (line->series, sample->ts_ms + 1 + self->span_ms / 16);

  /* A live view shows it with its next move (live_cb). */
  if (lookout_series_add_sample (line->series, sample) && line->visible &&
      !(self->live && self->tick_id != 0))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_plot_add_sample (LookoutPlot         *self,
                         const LookoutSample *sample)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (sample != NULL);

  /* the target's own line, or the line of the place it was checked from */
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (line->target_id != sample->target_id)
        continue;
      if (line->location == NULL ? line->key == sample->target_id
                                 : lookout_series_sample_is_from (sample, line->location))
        add_sample_to_line (self, line, sample);
    }
}

void
lookout_plot_add_result (LookoutPlot         *self,
                         LookoutTarget       *target,
                         const LookoutResult *result)
{
  LookoutSample sample;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  /* The sample the monitor stores for this result, so that a later fetch
   * finds the same thing. */
  lookout_sample_init_from_result (&sample, target, result);
  lookout_plot_add_sample (self, &sample);
}

void
lookout_plot_set_span (LookoutPlot *self,
                       gint64       span_ms)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (span_ms > 0);

  span_ms = clamp_span (span_ms);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->span_ms != span_ms)
    {
      self->span_ms = span_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPAN]);
    }
  set_live_internal (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[RANGE_CHANGED], 0);
  queue_refetch (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
lookout_plot_get_span (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), 0);

  return self->span_ms;
}

void
lookout_plot_set_live (LookoutPlot *self,
                       gboolean     live)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  live = !!live;
  if (self->live == live)
    return;

  if (!live)
    view_range (self, &self->from_ms, &self->to_ms);
  set_live_internal (self, live);
  g_signal_emit (self, signals[RANGE_CHANGED], 0);
  queue_refetch (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
lookout_plot_get_live (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), FALSE);

  return self->live;
}

void
lookout_plot_set_range (LookoutPlot *self,
                        gint64       from_ms,
                        gint64       to_ms)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (to_ms > from_ms);

  if (to_ms - from_ms < MIN_SPAN_MS)
    {
      gint64 mid = from_ms + (to_ms - from_ms) / 2;

      from_ms = mid - MIN_SPAN_MS / 2;
      to_ms = from_ms + MIN_SPAN_MS;
    }

  self->from_ms = from_ms;
  self->to_ms = to_ms;
  set_live_internal (self, FALSE);

  g_signal_emit (self, signals[RANGE_CHANGED], 0);
  queue_refetch (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_plot_get_range (LookoutPlot *self,
                        gint64      *out_from_ms,
                        gint64      *out_to_ms)
{
  gint64 from, to;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  view_range (self, &from, &to);
  if (out_from_ms != NULL)
    *out_from_ms = from;
  if (out_to_ms != NULL)
    *out_to_ms = to;
}

void
lookout_plot_zoom (LookoutPlot *self,
                   double       factor,
                   gint64       at_ms)
{
  gint64 from, to, span;
  double frac;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (factor > 0);

  view_range (self, &from, &to);
  span = clamp_span ((gint64) ((to - from) * factor));
  at_ms = CLAMP (at_ms, from, to);
  frac = (double) (at_ms - from) / (to - from);
  from = at_ms - (gint64) (frac * span);

  lookout_plot_set_range (self, from, from + span);
}

void
lookout_plot_pan (LookoutPlot *self,
                  gint64       delta_ms)
{
  gint64 from, to;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  view_range (self, &from, &to);
  lookout_plot_set_range (self, from + delta_ms, to + delta_ms);
}

gboolean
lookout_plot_map_point (LookoutPlot      *self,
                        gint64            ts_ms,
                        gint64            latency_us,
                        graphene_point_t *out_point)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), FALSE);
  g_return_val_if_fail (out_point != NULL, FALSE);

  if (self->frame.width <= 0)
    return FALSE;

  out_point->x = frame_x (&self->frame, ts_ms);
  out_point->y = frame_y (&self->frame, latency_us);

  return TRUE;
}

/**
 * lookout_plot_describe_anomalies:
 *
 * Returns: (nullable): what the tooltip says about the anomalies at @ts_ms,
 *   one line each, or NULL when there is none there.
 */
char *
lookout_plot_describe_anomalies (LookoutPlot *self,
                                 gint64       ts_ms)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), NULL);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (!line->visible || line->anomalies == NULL)
        continue;
      for (guint j = 0; j < line->anomalies->len; j++)
        {
          const LookoutStoredAnomaly *a = &g_array_index (line->anomalies, LookoutStoredAnomaly, j);
          LookoutAnomalyKind kind;

          if (ts_ms < a->start_ms || (a->end_ms >= 0 && ts_ms > a->end_ms))
            continue;
          if (text == NULL)
            text = g_string_new (NULL);
          else
            g_string_append_c (text, '\n');
          if (self->lines->len > 1 && line->label != NULL)
            g_string_append_printf (text, "%s: ", line->label);
          /* Translators: "Anomaly (Level shift): median latency 21 ms → 54 ms since 14:05" */
          g_string_append_printf (text, _("Anomaly (%s): %s"),
                                  lookout_anomaly_kind_from_string (a->kind, &kind)
                                    ? lookout_anomaly_kind_get_label (kind) : a->kind,
                                  a->message);
        }
    }

  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* How many anomalies of @target_id the plot has read; -1 before the first
 * read. */
int
lookout_plot_get_n_anomalies (LookoutPlot *self,
                              gint64       target_id)
{
  Line *line;

  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), -1);

  line = find_line (self, target_id);
  if (line == NULL || line->anomalies == NULL)
    return -1;
  return line->anomalies->len;
}

/**
 * lookout_plot_set_maintenance:
 * @maintenance: (transfer full) (nullable): a target's maintenance windows
 *
 * Shades the windows of @maintenance that fall in the range shown.
 */
void
lookout_plot_set_maintenance (LookoutPlot        *self,
                              LookoutMaintenance *maintenance)
{
  g_return_if_fail (LOOKOUT_IS_PLOT (self));

  g_clear_pointer (&self->maintenance, lookout_maintenance_free);
  self->maintenance = maintenance;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
lookout_plot_has_maintenance (LookoutPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT (self), FALSE);

  return self->maintenance != NULL;
}

void
lookout_plot_get_maintenance_color (LookoutPlot *self,
                                    GdkRGBA     *out_color)
{
  Colors colors;

  g_return_if_fail (LOOKOUT_IS_PLOT (self));
  g_return_if_fail (out_color != NULL);

  get_colors (self, &colors);
  gdk_rgba_parse (out_color, colors.dark ? "#c061cb" : "#9141ac");
  out_color->alpha = 0.22;
}
