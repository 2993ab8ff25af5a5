/* lookout-sparkline.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A ring of the last results is attached to each target (qdata) the first
 * time it is tracked, and fed from the target's own notify::last-checked
 * for as long as the target lives. A sparkline only reads that ring: a
 * polyline of latencies scaled to their own maximum, failures as red ticks
 * along the bottom and nothing where there was no latency. */

#define G_LOG_DOMAIN "lookout-sparkline"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-gui-utils.h"
#include "lookout-sparkline.h"
#include "lookout-state-colors.h"

typedef struct
{
  gint64  last_ts;
  guint   head;
  guint   len;
  gint64  latency_us[LOOKOUT_SPARKLINE_HISTORY];
  guint8  state[LOOKOUT_SPARKLINE_HISTORY];
} History;

struct _LookoutSparkline
{
  GtkWidget      parent_instance;

  LookoutTarget *target;
  gulong         changed_id;
};

G_DEFINE_FINAL_TYPE (LookoutSparkline, lookout_sparkline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GQuark
history_quark (void)
{
  return g_quark_from_static_string ("lookout-sparkline-history");
}

static void
target_checked_cb (LookoutTarget *target)
{
  History *h = g_object_get_qdata (G_OBJECT (target), history_quark ());
  gint64 ts = lookout_target_get_last_checked (target);
  guint slot;

  if (h == NULL || ts <= 0 || ts == h->last_ts)
    return;

  h->last_ts = ts;
  slot = (h->head + h->len) % LOOKOUT_SPARKLINE_HISTORY;
  if (h->len < LOOKOUT_SPARKLINE_HISTORY)
    h->len++;
  else
    h->head = (h->head + 1) % LOOKOUT_SPARKLINE_HISTORY;

  /* A failed check sets last-error even while the state holds (failure
   * threshold not reached yet): that is what counts as a failure here. */
  if (lookout_target_get_last_error (target) != NULL)
    {
      h->state[slot] = LOOKOUT_TARGET_STATE_DOWN;
      h->latency_us[slot] = -1;
    }
  else
    {
      h->state[slot] = lookout_target_get_state (target);
      h->latency_us[slot] = lookout_target_get_last_latency (target);
    }
}

void
lookout_sparkline_track (LookoutTarget *target)
{
  History *h;

  g_return_if_fail (LOOKOUT_IS_TARGET (target));

  if (g_object_get_qdata (G_OBJECT (target), history_quark ()) != NULL)
    return;

  h = g_new0 (History, 1);
  g_object_set_qdata_full (G_OBJECT (target), history_quark (), h, g_free);
  g_signal_connect (target, "notify::last-checked", G_CALLBACK (target_checked_cb), NULL);
  target_checked_cb (target);
}

static void
lookout_sparkline_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LookoutSparkline *self = LOOKOUT_SPARKLINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  const GdkRGBA *down = lookout_state_color (LOOKOUT_TARGET_STATE_DOWN);
  GdkRGBA fg;
  History *h;
  gint64 max_us = 1;
  double step;
  gboolean pen = FALSE;
  cairo_t *cr;

  if (self->target == NULL || width <= 0 || height <= 4 ||
      !(h = g_object_get_qdata (G_OBJECT (self->target), history_quark ())) || h->len == 0)
    return;

  gtk_style_context_get_color (context, &fg);

  for (guint i = 0; i < h->len; i++)
    max_us = MAX (max_us, h->latency_us[(h->head + i) % LOOKOUT_SPARKLINE_HISTORY]);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  step = (double) width / (LOOKOUT_SPARKLINE_HISTORY - 1);

  /* Newest at the right edge. */
  for (guint i = 0; i < h->len; i++)
    {
      guint slot = (h->head + i) % LOOKOUT_SPARKLINE_HISTORY;
      double x = width - (h->len - 1 - i) * step;

      if (h->state[slot] == LOOKOUT_TARGET_STATE_DOWN)
        cairo_rectangle (cr, x - 1, height - 3, 2, 3);
    }
  gdk_cairo_set_source_rgba (cr, down);
  cairo_fill (cr);

  for (guint i = 0; i < h->len; i++)
    {
      guint slot = (h->head + i) % LOOKOUT_SPARKLINE_HISTORY;
      double x = width - (h->len - 1 - i) * step;
      double y;

      if (h->latency_us[slot] < 0)
        {
          pen = FALSE;
          continue;
        }
      y = 1 + (height - 5) * (1 - (double) h->latency_us[slot] / max_us);
      if (pen)
        cairo_line_to (cr, x, y);
      else
        cairo_move_to (cr, x, y);
      pen = TRUE;
    }
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  cairo_stroke (cr);

  cairo_destroy (cr);
}

static void
lookout_sparkline_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 64 : 20;
}

static void
lookout_sparkline_dispose (GObject *object)
{
  LookoutSparkline *self = (LookoutSparkline *) object;

  lookout_sparkline_set_target (self, NULL);

  G_OBJECT_CLASS (lookout_sparkline_parent_class)->dispose (object);
}

static void
lookout_sparkline_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LookoutSparkline *self = LOOKOUT_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_sparkline_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LookoutSparkline *self = LOOKOUT_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      lookout_sparkline_set_target (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_sparkline_class_init (LookoutSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_sparkline_dispose;
  object_class->get_property = lookout_sparkline_get_property;
  object_class->set_property = lookout_sparkline_set_property;

  widget_class->snapshot = lookout_sparkline_snapshot;
  widget_class->measure = lookout_sparkline_measure;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, LOOKOUT_TYPE_TARGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "lookout-sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lookout_sparkline_init (LookoutSparkline *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Recent response times"),
                                  -1);
}

GtkWidget *
lookout_sparkline_new (void)
{
  return g_object_new (LOOKOUT_TYPE_SPARKLINE, NULL);
}

LookoutTarget *
lookout_sparkline_get_target (LookoutSparkline *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SPARKLINE (self), NULL);

  return self->target;
}

/* Out of the list's view, nothing is drawn: the row draws the sparkline
 * again when it scrolls in (lookout-target-row.c). */
static void
checked_cb (LookoutSparkline *self)
{
  if (!lookout_widget_out_of_view (GTK_WIDGET (self)))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
lookout_sparkline_set_target (LookoutSparkline *self,
                              LookoutTarget    *target)
{
  g_return_if_fail (LOOKOUT_IS_SPARKLINE (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->target == target)
    return;

  if (self->target != NULL)
    g_clear_signal_handler (&self->changed_id, self->target);
  g_set_object (&self->target, target);
  if (target != NULL)
    {
      lookout_sparkline_track (target);
      self->changed_id = g_signal_connect_object (target, "notify::last-checked",
                                                  G_CALLBACK (checked_cb), self,
                                                  G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}
