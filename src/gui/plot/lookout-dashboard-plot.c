/* lookout-dashboard-plot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-dashboard-plot"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-dashboard-plot.h"
#include "lookout-plot.h"
#include "lookout-plot-legend.h"
#include "lookout-range-bar.h"

struct _LookoutDashboardPlot
{
  GtkWidget       parent_instance;

  LookoutMonitor *monitor;

  GtkWidget      *box;
  LookoutPlot    *plot;
  GtkLabel       *more_label;

  /* Target id → trouble_rank () + 1 as last seen: a change of rank
   * chooses the lines again. */
  GHashTable     *ranks;
};

G_DEFINE_FINAL_TYPE (LookoutDashboardPlot, lookout_dashboard_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Which targets the dashboard draws first: those in trouble. */
static guint
trouble_rank (LookoutTarget *target)
{
  switch (lookout_target_get_state (target))
    {
    case LOOKOUT_TARGET_STATE_DOWN:     return 0;
    case LOOKOUT_TARGET_STATE_DEGRADED: return 1;
    case LOOKOUT_TARGET_STATE_UNKNOWN:  return 2;
    case LOOKOUT_TARGET_STATE_UP:       return 3;
    case LOOKOUT_TARGET_STATE_PAUSED:
    default:                            return 4;
    }
}

typedef struct
{
  LookoutTarget *target;
  guint          rank;
  guint          position;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a, *cb = b;

  if (ca->rank != cb->rank)
    return ca->rank < cb->rank ? -1 : 1;
  return ca->position < cb->position ? -1 : ca->position > cb->position;
}

static void targets_changed_cb (LookoutDashboardPlot *self);

static void
result_cb (LookoutDashboardPlot *self,
           LookoutTarget        *target,
           LookoutResult        *result)
{
  gint64 id = lookout_target_get_id (target);
  guint rank = trouble_rank (target) + 1;

  /* More targets than lines: one that gets into trouble is shown. */
  if (GPOINTER_TO_UINT (g_hash_table_lookup (self->ranks, &id)) != rank)
    {
      g_hash_table_insert (self->ranks, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (rank));
      if (g_list_model_get_n_items (lookout_monitor_get_targets (self->monitor)) > LOOKOUT_DASHBOARD_PLOT_MAX_LINES)
        targets_changed_cb (self);
    }
  lookout_plot_add_result (self->plot, target, result);
}

static void
targets_changed_cb (LookoutDashboardPlot *self)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  gint64 ids[LOOKOUT_DASHBOARD_PLOT_MAX_LINES];
  const char *labels[LOOKOUT_DASHBOARD_PLOT_MAX_LINES];
  GListModel *targets;
  guint n = 0, shown = 0;

  if (self->monitor != NULL)
    {
      targets = lookout_monitor_get_targets (self->monitor);
      n = g_list_model_get_n_items (targets);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
          gint64 id = lookout_target_get_id (target);
          Candidate c = { target, trouble_rank (target), i };

          g_hash_table_insert (self->ranks, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (c.rank + 1));

          /* The list model holds the target while this runs. The plot's
           * axis is a response time: an interface's traffic is not drawn. */
          if (lookout_target_get_id (target) > 0
              && lookout_probe_kind_get_value_unit (lookout_target_get_kind (target)) == LOOKOUT_VALUE_UNIT_DURATION)
            g_array_append_val (candidates, c);
        }
      g_array_sort (candidates, compare_candidates);
      for (guint i = 0; i < candidates->len && shown < LOOKOUT_DASHBOARD_PLOT_MAX_LINES; i++)
        {
          const Candidate *c = &g_array_index (candidates, Candidate, i);

          ids[shown] = lookout_target_get_id (c->target);
          labels[shown] = lookout_target_get_name (c->target);
          shown++;
        }
    }

  lookout_plot_set_targets (self->plot, ids, labels, shown);

  if (n > shown)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "and %u more target, not drawn",
                                                            "and %u more targets, not drawn",
                                                            n - shown), n - shown);
      gtk_label_set_label (self->more_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), n > shown);
}

static void
lookout_dashboard_plot_dispose (GObject *object)
{
  LookoutDashboardPlot *self = (LookoutDashboardPlot *) object;

  lookout_dashboard_plot_set_monitor (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->ranks, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_dashboard_plot_parent_class)->dispose (object);
}

static void
lookout_dashboard_plot_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LookoutDashboardPlot *self = LOOKOUT_DASHBOARD_PLOT (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_dashboard_plot_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  LookoutDashboardPlot *self = LOOKOUT_DASHBOARD_PLOT (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      lookout_dashboard_plot_set_monitor (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_dashboard_plot_class_init (LookoutDashboardPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_dashboard_plot_dispose;
  object_class->get_property = lookout_dashboard_plot_get_property;
  object_class->set_property = lookout_dashboard_plot_set_property;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, LOOKOUT_TYPE_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lookout-dashboard-plot");
}

static void
lookout_dashboard_plot_init (LookoutDashboardPlot *self)
{
  GtkWidget *frame;

  self->ranks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->plot = LOOKOUT_PLOT (lookout_plot_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->plot), -1, 260);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->plot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Response times of all targets"), -1);

  gtk_box_append (GTK_BOX (self->box), lookout_range_bar_new (self->plot));
  frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (frame, "view");
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->plot));
  gtk_box_append (GTK_BOX (self->box), frame);
  gtk_box_append (GTK_BOX (self->box), lookout_plot_legend_new (self->plot));

  self->more_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->more_label), "dim-label");
  gtk_label_set_xalign (self->more_label, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->more_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->more_label));
}

GtkWidget *
lookout_dashboard_plot_new (void)
{
  return g_object_new (LOOKOUT_TYPE_DASHBOARD_PLOT, NULL);
}

LookoutMonitor *
lookout_dashboard_plot_get_monitor (LookoutDashboardPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_DASHBOARD_PLOT (self), NULL);

  return self->monitor;
}

void
lookout_dashboard_plot_set_monitor (LookoutDashboardPlot *self,
                                    LookoutMonitor       *monitor)
{
  g_return_if_fail (LOOKOUT_IS_DASHBOARD_PLOT (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (lookout_monitor_get_targets (self->monitor), self);
      g_signal_handlers_disconnect_by_data (self->monitor, self);
    }
  g_set_object (&self->monitor, monitor);

  lookout_plot_set_store (self->plot, monitor ? lookout_monitor_get_store (monitor) : NULL);
  if (monitor != NULL)
    {
      g_signal_connect_object (lookout_monitor_get_targets (monitor), "items-changed",
                               G_CALLBACK (targets_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (monitor, "result", G_CALLBACK (result_cb), self, G_CONNECT_SWAPPED);
    }
  targets_changed_cb (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

LookoutPlot *
lookout_dashboard_plot_get_plot (LookoutDashboardPlot *self)
{
  g_return_val_if_fail (LOOKOUT_IS_DASHBOARD_PLOT (self), NULL);

  return self->plot;
}
