/* lookout-event-item.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-event-item"

#include "config.h"

#include "lookout-event-item.h"

struct _LookoutEventItem
{
  GObject  parent_instance;

  gint64   target_id;
  gint64   timestamp;
  char    *kind;
  char    *message;
  gint64   delivered;
  char    *channels;
};

enum {
  PROP_0,
  PROP_TARGET_ID,
  PROP_TIMESTAMP,
  PROP_KIND,
  PROP_LABEL,
  PROP_MESSAGE,
  PROP_DELIVERED,
  PROP_CHANNELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutEventItem, lookout_event_item, G_TYPE_OBJECT)

static void
lookout_event_item_finalize (GObject *object)
{
  LookoutEventItem *self = (LookoutEventItem *)object;

  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->channels, g_free);

  G_OBJECT_CLASS (lookout_event_item_parent_class)->finalize (object);
}

static void
lookout_event_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutEventItem *self = LOOKOUT_EVENT_ITEM (object);

  switch (prop_id)
    {
    case PROP_TARGET_ID:
      g_value_set_int64 (value, self->target_id);
      break;
    case PROP_TIMESTAMP:
      g_value_set_int64 (value, self->timestamp);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_LABEL:
      g_value_set_string (value, lookout_event_item_get_label (self));
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_DELIVERED:
      g_value_set_int64 (value, self->delivered);
      break;
    case PROP_CHANNELS:
      g_value_set_string (value, self->channels);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_item_class_init (LookoutEventItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lookout_event_item_finalize;
  object_class->get_property = lookout_event_item_get_property;

  properties[PROP_TARGET_ID] = g_param_spec_int64 ("target-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TIMESTAMP] = g_param_spec_int64 ("timestamp", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);
  properties[PROP_DELIVERED] = g_param_spec_int64 ("delivered", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CHANNELS] = g_param_spec_string ("channels", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_event_item_init (LookoutEventItem *self)
{
}

LookoutEventItem *
lookout_event_item_new_from_stored (const LookoutStoredEvent *event)
{
  LookoutEventItem *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_EVENT_ITEM, NULL);
  self->target_id = event->target_id;
  self->timestamp = event->ts_ms;
  self->kind = g_strdup (event->kind);
  self->message = g_strdup (event->message);
  self->delivered = event->delivered_ms;
  self->channels = g_strdup (event->channels);
  return self;
}

LookoutEventItem *
lookout_event_item_new_from_event (const LookoutAlertEvent *event)
{
  LookoutEventItem *self;

  g_return_val_if_fail (event != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_EVENT_ITEM, NULL);
  self->target_id = event->target_id;
  self->timestamp = event->ts_ms;
  self->kind = g_strdup (lookout_alert_event_kind_to_string (event->kind));
  self->message = g_strdup (event->message);
  return self;
}

gint64
lookout_event_item_get_target_id (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), 0);
  return self->target_id;
}

gint64
lookout_event_item_get_timestamp (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), 0);
  return self->timestamp;
}

const char *
lookout_event_item_get_kind (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), NULL);
  return self->kind;
}

const char *
lookout_event_item_get_label (LookoutEventItem *self)
{
  LookoutAlertEventKind kind;

  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), NULL);

  if (self->kind != NULL && lookout_alert_event_kind_from_string (self->kind, &kind))
    return lookout_alert_event_kind_get_label (kind);
  return self->kind;
}

const char *
lookout_event_item_get_message (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), NULL);
  return self->message;
}

gint64
lookout_event_item_get_delivered (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), 0);
  return self->delivered;
}

const char *
lookout_event_item_get_channels (LookoutEventItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_ITEM (self), NULL);
  return self->channels;
}
