/* lookout-range-bar.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-range-bar"

#include "config.h"

#include "lookout-range-bar.h"

#define N_CHOICES 5

struct _LookoutRangeBar
{
  GtkWidget        parent_instance;

  LookoutPlot     *plot;
  gboolean         syncing;

  GtkWidget       *choices;
  GtkToggleButton *five_minutes_button;
  GtkToggleButton *one_hour_button;
  GtkToggleButton *one_day_button;
  GtkToggleButton *seven_days_button;
  GtkToggleButton *thirty_days_button;
  GtkWidget       *live_button;
};

G_DEFINE_FINAL_TYPE (LookoutRangeBar, lookout_range_bar, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PLOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const gint64 choice_spans[N_CHOICES] = {
  LOOKOUT_PLOT_SPAN_5_MINUTES,
  LOOKOUT_PLOT_SPAN_1_HOUR,
  LOOKOUT_PLOT_SPAN_24_HOURS,
  LOOKOUT_PLOT_SPAN_7_DAYS,
  LOOKOUT_PLOT_SPAN_30_DAYS,
};

/* The buttons in the order of choice_spans. */
static void
get_choices (LookoutRangeBar *self,
             GtkToggleButton *choices[N_CHOICES])
{
  choices[0] = self->five_minutes_button;
  choices[1] = self->one_hour_button;
  choices[2] = self->one_day_button;
  choices[3] = self->seven_days_button;
  choices[4] = self->thirty_days_button;
}

static void
range_changed_cb (LookoutPlot     *plot,
                  LookoutRangeBar *self)
{
  GtkToggleButton *choices[N_CHOICES];
  gboolean live = self->plot != NULL && lookout_plot_get_live (self->plot);
  gint64 span = self->plot != NULL ? lookout_plot_get_span (self->plot) : 0;

  get_choices (self, choices);
  self->syncing = TRUE;
  for (guint i = 0; i < N_CHOICES; i++)
    gtk_toggle_button_set_active (choices[i], live && span == choice_spans[i]);
  self->syncing = FALSE;

  gtk_widget_set_visible (self->live_button, !live);
}

static void
choice_toggled_cb (GtkToggleButton *button,
                   LookoutRangeBar *self)
{
  GtkToggleButton *choices[N_CHOICES];

  if (self->syncing || self->plot == NULL || !gtk_toggle_button_get_active (button))
    return;

  get_choices (self, choices);
  for (guint i = 0; i < N_CHOICES; i++)
    if (choices[i] == button
        && (!lookout_plot_get_live (self->plot) || lookout_plot_get_span (self->plot) != choice_spans[i]))
      lookout_plot_set_span (self->plot, choice_spans[i]);
}

static void
live_clicked_cb (GtkButton       *button,
                 LookoutRangeBar *self)
{
  if (self->plot != NULL)
    lookout_plot_set_live (self->plot, TRUE);
}

static void
lookout_range_bar_dispose (GObject *object)
{
  LookoutRangeBar *self = LOOKOUT_RANGE_BAR (object);

  lookout_range_bar_set_plot (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_RANGE_BAR);

  G_OBJECT_CLASS (lookout_range_bar_parent_class)->dispose (object);
}

static void
lookout_range_bar_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LookoutRangeBar *self = LOOKOUT_RANGE_BAR (object);

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
lookout_range_bar_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LookoutRangeBar *self = LOOKOUT_RANGE_BAR (object);

  switch (prop_id)
    {
    case PROP_PLOT:
      lookout_range_bar_set_plot (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* "Back to Live" comes and goes; the bar keeps the width it has with it,
 * so that the column it sits in (a page's clamp grows to its widest
 * minimum) does not move when the button appears. */
static void
lookout_range_bar_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  LookoutRangeBar *self = LOOKOUT_RANGE_BAR (widget);
  gboolean shown = gtk_widget_get_visible (self->live_button);
  int width = 0;

  GTK_WIDGET_CLASS (lookout_range_bar_parent_class)->css_changed (widget, change);

  gtk_widget_set_size_request (widget, -1, -1);
  gtk_widget_set_visible (self->live_button, TRUE);
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
  gtk_widget_set_visible (self->live_button, shown);
  gtk_widget_set_size_request (widget, width, -1);
}

static void
lookout_range_bar_class_init (LookoutRangeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_range_bar_dispose;
  object_class->get_property = lookout_range_bar_get_property;
  object_class->set_property = lookout_range_bar_set_property;

  properties[PROP_PLOT] =
    g_param_spec_object ("plot", NULL, NULL,
                         LOOKOUT_TYPE_PLOT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->css_changed = lookout_range_bar_css_changed;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-range-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, choices);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, five_minutes_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, one_hour_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, one_day_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, seven_days_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, thirty_days_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRangeBar, live_button);
  gtk_widget_class_bind_template_callback (widget_class, choice_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, live_clicked_cb);
}

static void
lookout_range_bar_init (LookoutRangeBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_range_bar_new (LookoutPlot *plot)
{
  g_return_val_if_fail (plot == NULL || LOOKOUT_IS_PLOT (plot), NULL);

  return g_object_new (LOOKOUT_TYPE_RANGE_BAR, "plot", plot, NULL);
}

LookoutPlot *
lookout_range_bar_get_plot (LookoutRangeBar *self)
{
  g_return_val_if_fail (LOOKOUT_IS_RANGE_BAR (self), NULL);

  return self->plot;
}

void
lookout_range_bar_set_plot (LookoutRangeBar *self,
                            LookoutPlot     *plot)
{
  g_return_if_fail (LOOKOUT_IS_RANGE_BAR (self));
  g_return_if_fail (plot == NULL || LOOKOUT_IS_PLOT (plot));

  if (self->plot == plot)
    return;

  if (self->plot != NULL)
    g_signal_handlers_disconnect_by_func (self->plot, range_changed_cb, self);
  g_set_object (&self->plot, plot);
  if (self->plot != NULL)
    g_signal_connect (self->plot, "range-changed", G_CALLBACK (range_changed_cb), self);

  range_changed_cb (self->plot, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLOT]);
}
