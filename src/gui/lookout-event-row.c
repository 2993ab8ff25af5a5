/* lookout-event-row.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-event-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-event-row.h"
#include "lookout-gui-utils.h"

struct _LookoutEventRow
{
  GtkWidget         parent_instance;

  LookoutEventItem *item;

  GtkWidget        *box;
  GtkLabel         *kind_label;
  GtkLabel         *time_label;
  GtkLabel         *message_label;
  GtkLabel         *delivery_label;
};

G_DEFINE_FINAL_TYPE (LookoutEventRow, lookout_event_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (LookoutEventRow *self)
{
  g_autofree char *time = NULL;
  g_autofree char *delivery = NULL;
  g_autofree char *accessible = NULL;
  const char *kind;
  const char *message;
  GtkWidget *parent;

  if (self->item == NULL)
    return;

  kind = lookout_event_item_get_label (self->item);
  message = lookout_event_item_get_message (self->item);
  time = lookout_format_timestamp (lookout_event_item_get_timestamp (self->item));

  if (lookout_event_item_get_delivered (self->item) > 0)
    {
      g_autofree char *when = lookout_format_timestamp (lookout_event_item_get_delivered (self->item));

      /* Translators: "Sent to telegram,webhook at 2027-01-15 08:00:01" */
      delivery = g_strdup_printf (_("Sent to %s at %s"), lookout_event_item_get_channels (self->item), when);
    }

  gtk_label_set_label (self->kind_label, kind);
  gtk_label_set_label (self->time_label, time);
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_label_set_label (self->delivery_label, delivery != NULL ? delivery : "");
  gtk_widget_set_visible (GTK_WIDGET (self->delivery_label), delivery != NULL);

  /* The list item around us is what assistive technologies read. */
  accessible = g_strdup_printf ("%s, %s: %s", kind, time, message != NULL ? message : "");
  lookout_set_accessible_label (GTK_WIDGET (self), accessible);
  parent = gtk_widget_get_parent (GTK_WIDGET (self));
  if (parent != NULL)
    lookout_set_accessible_label (parent, accessible);
}

static void
lookout_event_row_dispose (GObject *object)
{
  LookoutEventRow *self = (LookoutEventRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_EVENT_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (lookout_event_row_parent_class)->dispose (object);
}

static void
lookout_event_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LookoutEventRow *self = LOOKOUT_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LookoutEventRow *self = LOOKOUT_EVENT_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      lookout_event_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_row_class_init (LookoutEventRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_event_row_dispose;
  object_class->get_property = lookout_event_row_get_property;
  object_class->set_property = lookout_event_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         LOOKOUT_TYPE_EVENT_ITEM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-event-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutEventRow, box);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventRow, delivery_label);
}

static void
lookout_event_row_init (LookoutEventRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_event_row_new (void)
{
  return g_object_new (LOOKOUT_TYPE_EVENT_ROW, NULL);
}

void
lookout_event_row_set_item (LookoutEventRow  *self,
                            LookoutEventItem *item)
{
  g_return_if_fail (LOOKOUT_IS_EVENT_ROW (self));
  g_return_if_fail (item == NULL || LOOKOUT_IS_EVENT_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
