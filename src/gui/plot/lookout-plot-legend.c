/* lookout-plot-legend.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-plot-legend"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-plot-legend.h"

struct _LookoutPlotLegend
{
  GtkWidget    parent_instance;

  LookoutPlot *plot;

  GtkFlowBox  *box;
};

G_DEFINE_FINAL_TYPE (LookoutPlotLegend, lookout_plot_legend, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
swatch_draw_cb (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  GdkRGBA *color = user_data;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
entry_toggled_cb (GtkToggleButton   *button,
                  LookoutPlotLegend *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (button), "lookout-target-id");

  if (self->plot != NULL)
    lookout_plot_set_target_visible (self->plot, *id, gtk_toggle_button_get_active (button));
}

static GtkWidget *
make_entry (LookoutPlotLegend *self,
            guint              index)
{
  gint64 target_id = lookout_plot_get_line_target (self->plot, index);
  const char *label = lookout_plot_get_line_label (self->plot, index);
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GdkRGBA *color = g_new (GdkRGBA, 1);
  gint64 *id = g_new (gint64, 1);

  lookout_plot_get_target_color (self->plot, target_id, color);
  *id = target_id;
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 10);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw_cb, color, g_free);
  gtk_box_append (GTK_BOX (content), swatch);
  gtk_box_append (GTK_BOX (content), gtk_label_new (label ? label : ""));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button),
                                lookout_plot_get_target_visible (self->plot, target_id));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Show or hide this target in the plot"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label ? label : "",
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "lookout-target-id", id, g_free);
  g_signal_connect (button, "toggled", G_CALLBACK (entry_toggled_cb), self);

  return button;
}

static void
lines_changed_cb (LookoutPlot       *plot,
                  LookoutPlotLegend *self)
{
  GtkWidget *child;
  guint n = self->plot != NULL ? lookout_plot_get_n_lines (self->plot) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_flow_box_remove (self->box, child);

  for (guint i = 0; i < n; i++)
    gtk_flow_box_append (self->box, make_entry (self, i));
}

static void
lookout_plot_legend_dispose (GObject *object)
{
  LookoutPlotLegend *self = LOOKOUT_PLOT_LEGEND (object);

  lookout_plot_legend_set_plot (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_PLOT_LEGEND);

  G_OBJECT_CLASS (lookout_plot_legend_parent_class)->dispose (object);
}

static void
lookout_plot_legend_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LookoutPlotLegend *self = LOOKOUT_PLOT_LEGEND (object);

  switch (prop_id)
    {
    case PROP_PLOT:
      g_value_set_object (value, self->plot);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_plot_legend_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LookoutPlotLegend *self = LOOKOUT_PLOT_LEGEND (object);

  switch (prop_id)
    {
    case PROP_PLOT:
      lookout_plot_legend_set_plot (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_plot_legend_class_init (LookoutPlotLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_plot_legend_dispose;
  object_class->get_property = lookout_plot_legend_get_property;
  object_class->set_property = lookout_plot_legend_set_property;

  properties[PROP_PLOT] =
    g_param_spec_object ("plot", NULL, NULL,
                         LOOKOUT_TYPE_PLOT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-plot-legend.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutPlotLegend, box);
}

static void
lookout_plot_legend_init (LookoutPlotLegend *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_plot_legend_new (LookoutPlot *plot)
{
  g_return_val_if_fail (plot == NULL || LOOKOUT_IS_PLOT (plot), NULL);

  return g_object_new (LOOKOUT_TYPE_PLOT_LEGEND, "plot", plot, NULL);
}

LookoutPlot *
lookout_plot_legend_get_plot (LookoutPlotLegend *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PLOT_LEGEND (self), NULL);

  return self->plot;
}

void
lookout_plot_legend_set_plot (LookoutPlotLegend *self,
                              LookoutPlot       *plot)
{
  g_return_if_fail (LOOKOUT_IS_PLOT_LEGEND (self));
  g_return_if_fail (plot == NULL || LOOKOUT_IS_PLOT (plot));

  if (self->plot == plot)
    return;

  if (self->plot != NULL)
    g_signal_handlers_disconnect_by_func (self->plot, lines_changed_cb, self);
  g_set_object (&self->plot, plot);
  if (self->plot != NULL)
    g_signal_connect (self->plot, "lines-changed", G_CALLBACK (lines_changed_cb), self);

  lines_changed_cb (self->plot, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLOT]);
}
