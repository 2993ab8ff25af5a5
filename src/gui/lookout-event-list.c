/* lookout-event-list.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-event-list"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-event-list.h"
#include "lookout-event-row.h"

struct _LookoutEventList
{
  GtkWidget          parent_instance;

  LookoutEventModel *model;
  GSignalGroup      *model_signals;

  GtkWidget         *box;
  GtkStack          *stack;
  GtkListBox        *list_box;
  GtkWidget         *more_button;
};

G_DEFINE_FINAL_TYPE (LookoutEventList, lookout_event_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (LookoutEventList *self)
{
  gboolean empty = self->model == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0;
  gboolean loading = self->model != NULL && lookout_event_model_get_loading (self->model);

  gtk_stack_set_visible_child_name (self->stack, empty && !loading ? "empty" : "events");
  gtk_widget_set_visible (self->more_button,
                          self->model != NULL && lookout_event_model_get_has_more (self->model));
  gtk_widget_set_sensitive (self->more_button, !loading);
}

static void
more_clicked_cb (LookoutEventList *self)
{
  if (self->model != NULL)
    lookout_event_model_load_more (self->model);
}

/* A list box, not a list view: events differ in height (a message wraps
 * over several lines, a delivery note comes and goes), and GTK 4.8's list
 * view sizes rows it has not laid out from the ones it has, which clipped
 * them. The model hands out one page of events at a time. */
static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *event_row = lookout_event_row_new ();

  /* Parented first: the row names the list row around it. */
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), event_row);
  lookout_event_row_set_item (LOOKOUT_EVENT_ROW (event_row), item);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

static void
lookout_event_list_dispose (GObject *object)
{
  LookoutEventList *self = (LookoutEventList *)object;

  if (self->model_signals != NULL)
    g_signal_group_set_target (self->model_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_EVENT_LIST);
  g_clear_object (&self->model);
  g_clear_object (&self->model_signals);

  G_OBJECT_CLASS (lookout_event_list_parent_class)->dispose (object);
}

static void
lookout_event_list_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutEventList *self = LOOKOUT_EVENT_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_list_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LookoutEventList *self = LOOKOUT_EVENT_LIST (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      lookout_event_list_set_model (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_list_class_init (LookoutEventListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_event_list_dispose;
  object_class->get_property = lookout_event_list_get_property;
  object_class->set_property = lookout_event_list_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         LOOKOUT_TYPE_EVENT_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_EVENT_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-event-list.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutEventList, box);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventList, stack);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventList, list_box);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventList, more_button);
  gtk_widget_class_bind_template_callback (widget_class, more_clicked_cb);
}

static void
lookout_event_list_init (LookoutEventList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->model_signals = g_signal_group_new (LOOKOUT_TYPE_EVENT_MODEL);
  g_signal_group_connect_swapped (self->model_signals, "items-changed", G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->model_signals, "notify::loading", G_CALLBACK (update), self);
  g_signal_group_connect_swapped (self->model_signals, "notify::has-more", G_CALLBACK (update), self);
  update (self);
}

GtkWidget *
lookout_event_list_new (void)
{
  return g_object_new (LOOKOUT_TYPE_EVENT_LIST, NULL);
}

LookoutEventModel *
lookout_event_list_get_model (LookoutEventList *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_LIST (self), NULL);

  return self->model;
}

void
lookout_event_list_set_model (LookoutEventList  *self,
                              LookoutEventModel *model)
{
  g_return_if_fail (LOOKOUT_IS_EVENT_LIST (self));
  g_return_if_fail (model == NULL || LOOKOUT_IS_EVENT_MODEL (model));

  if (!g_set_object (&self->model, model))
    return;

  gtk_list_box_bind_model (self->list_box, model ? G_LIST_MODEL (model) : NULL,
                           create_row_cb, NULL, NULL);
  g_signal_group_set_target (self->model_signals, model);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}
