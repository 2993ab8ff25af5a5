/* lookout-notifier.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-notifier"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-notifier.h"

struct _LookoutNotifier
{
  GObject             parent_instance;

  LookoutAlertEngine *engine;
  LookoutStore       *store;
  GListStore         *channels;
  GHashTable         *failed;     /* failure_key() of failures recorded */

  /* lookout_notifier_post(): events held to be grouped */
  guint               group_ms;
  GPtrArray          *held;
  gint64              held_since_us;
  guint               flush_id;
};

/* Events keep coming: held no longer than this many quiet windows. */
#define GROUP_MAX_WINDOWS 30

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_STORE,
  PROP_CHANNELS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutNotifier, lookout_notifier, G_TYPE_OBJECT)

static void
engine_event_cb (LookoutAlertEngine *engine,
                 LookoutAlertEvent  *event,
                 LookoutNotifier    *self)
{
  if (event->notify)
    lookout_notifier_post (self, event);
}

/* One key per event and channel, as the store knows the event. */
static char *
failure_key (LookoutAlertChannel *channel,
             LookoutAlertEvent   *event)
{
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                          lookout_alert_channel_get_id (channel), event->target_id, event->ts_ms,
                          lookout_alert_event_kind_to_string (event->kind));
}

static void
channel_delivered_cb (LookoutAlertChannel *channel,
                      LookoutAlertEvent   *event,
                      guint                attempts,
                      LookoutNotifier     *self)
{
  g_autofree char *key = NULL;

  if (self->store == NULL || event->kind == LOOKOUT_ALERT_EVENT_TEST)
    return;

  key = failure_key (channel, event);
  g_hash_table_remove (self->failed, key);
  if (event->group != NULL)
    {
      /* Each event of a group is marked as any other. */
      for (guint i = 0; i < event->group->len; i++)
        channel_delivered_cb (channel, g_ptr_array_index (event->group, i), attempts, self);
      return;
    }
  lookout_store_mark_event_delivered (self->store, event->target_id, event->ts_ms,
                                      lookout_alert_event_kind_to_string (event->kind),
                                      lookout_alert_channel_get_id (channel),
                                      g_get_real_time () / 1000);
}

/* The first failure of a channel to send an event is recorded as an event
 * of its own, saying why; the channel goes on retrying, and a delivery
 * later marks the event as sent. */
static void
channel_failed_cb (LookoutAlertChannel *channel,
                   LookoutAlertEvent   *event,
                   const GError        *error,
                   LookoutNotifier     *self)
{
  g_autofree char *message = NULL;

  if (self->store == NULL || event->kind == LOOKOUT_ALERT_EVENT_TEST ||
      !g_hash_table_add (self->failed, failure_key (channel, event)))
    return;

  /* Translators: "The “Down” notification was not sent to desktop: <reason>" */
  message = g_strdup_printf (_("The “%s” notification was not sent to %s: %s"),
                             lookout_alert_event_kind_get_label (event->kind),
                             lookout_alert_channel_get_id (channel), error->message);
  lookout_store_append_event (self->store, event->target_id, g_get_real_time () / 1000,
                              lookout_alert_event_kind_to_string (LOOKOUT_ALERT_EVENT_UNDELIVERED),
                              message);
}

static void
lookout_notifier_constructed (GObject *object)
{
  LookoutNotifier *self = (LookoutNotifier *)object;

  G_OBJECT_CLASS (lookout_notifier_parent_class)->constructed (object);

  if (self->engine != NULL)
    g_signal_connect_object (self->engine, "event", G_CALLBACK (engine_event_cb), self, 0);
}

static void
lookout_notifier_dispose (GObject *object)
{
  LookoutNotifier *self = (LookoutNotifier *)object;

  if (self->channels != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->channels)); i++)
        {
          g_autoptr(LookoutAlertChannel) channel =
            g_list_model_get_item (G_LIST_MODEL (self->channels), i);

          g_signal_handlers_disconnect_by_func (channel, channel_delivered_cb, self);
          g_signal_handlers_disconnect_by_func (channel, channel_failed_cb, self);
        }
      g_list_store_remove_all (self->channels);
    }
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_notifier_parent_class)->dispose (object);
}

static void
lookout_notifier_finalize (GObject *object)
{
  LookoutNotifier *self = (LookoutNotifier *)object;

  g_clear_object (&self->channels);
  g_clear_pointer (&self->failed, g_hash_table_unref);
  g_clear_pointer (&self->held, g_ptr_array_unref);

  G_OBJECT_CLASS (lookout_notifier_parent_class)->finalize (object);
}

static void
lookout_notifier_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LookoutNotifier *self = LOOKOUT_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CHANNELS:
      g_value_set_object (value, self->channels);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_notifier_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LookoutNotifier *self = LOOKOUT_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_notifier_class_init (LookoutNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_notifier_constructed;
  object_class->dispose = lookout_notifier_dispose;
  object_class->finalize = lookout_notifier_finalize;
  object_class->get_property = lookout_notifier_get_property;
  object_class->set_property = lookout_notifier_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         LOOKOUT_TYPE_ALERT_ENGINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LOOKOUT_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHANNELS] =
    g_param_spec_object ("channels", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_notifier_init (LookoutNotifier *self)
{
  self->channels = g_list_store_new (LOOKOUT_TYPE_ALERT_CHANNEL);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
}

LookoutNotifier *
lookout_notifier_new (LookoutAlertEngine *engine,
                      LookoutStore       *store)
{
  g_return_val_if_fail (engine == NULL || LOOKOUT_IS_ALERT_ENGINE (engine), NULL);
  g_return_val_if_fail (store == NULL || LOOKOUT_IS_STORE (store), NULL);

  return g_object_new (LOOKOUT_TYPE_NOTIFIER, "engine", engine, "store", store, NULL);
}

GListModel *
lookout_notifier_get_channels (LookoutNotifier *self)
{
  g_return_val_if_fail (LOOKOUT_IS_NOTIFIER (self), NULL);

  return G_LIST_MODEL (self->channels);
}

void
lookout_notifier_add_channel (LookoutNotifier     *self,
                              LookoutAlertChannel *channel)
{
  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));
  g_return_if_fail (LOOKOUT_IS_ALERT_CHANNEL (channel));

  g_signal_connect (channel, "delivered", G_CALLBACK (channel_delivered_cb), self);
  g_signal_connect (channel, "failed", G_CALLBACK (channel_failed_cb), self);
  g_list_store_append (self->channels, channel);
}

void
lookout_notifier_remove_channel (LookoutNotifier     *self,
                                 LookoutAlertChannel *channel)
{
  guint position;

  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));
  g_return_if_fail (LOOKOUT_IS_ALERT_CHANNEL (channel));

  if (!g_list_store_find (self->channels, channel, &position))
    return;

  g_signal_handlers_disconnect_by_func (channel, channel_delivered_cb, self);
  g_signal_handlers_disconnect_by_func (channel, channel_failed_cb, self);
  g_list_store_remove (self->channels, position);
}

LookoutAlertChannel *
lookout_notifier_find_channel (LookoutNotifier *self,
                               const char      *id)
{
  GListModel *model;

  g_return_val_if_fail (LOOKOUT_IS_NOTIFIER (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  model = G_LIST_MODEL (self->channels);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutAlertChannel) channel = g_list_model_get_item (model, i);

      if (g_strcmp0 (lookout_alert_channel_get_id (channel), id) == 0)
        return channel;
    }

  return NULL;
}

guint
lookout_notifier_get_n_pending (LookoutNotifier *self)
{
  GListModel *model;
  guint n = 0;

  g_return_val_if_fail (LOOKOUT_IS_NOTIFIER (self), 0);

  n = self->held->len;
  model = G_LIST_MODEL (self->channels);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutAlertChannel) channel = g_list_model_get_item (model, i);

      n += lookout_alert_channel_get_pending (channel);
    }

  return n;
}

void
lookout_notifier_dispatch (LookoutNotifier   *self,
                           LookoutAlertEvent *event)
{
  GListModel *model;

  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));
  g_return_if_fail (event != NULL);

  model = G_LIST_MODEL (self->channels);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutAlertChannel) channel = g_list_model_get_item (model, i);

      if (lookout_alert_channel_get_enabled (channel) &&
          lookout_alert_event_goes_to (event, lookout_alert_channel_get_id (channel)))
        lookout_alert_channel_enqueue (channel, event);
    }
}

/* ---- grouping ---- */

static gboolean
flush_cb (gpointer user_data)
{
  LookoutNotifier *self = user_data;

  self->flush_id = 0;
  lookout_notifier_flush (self);

  return G_SOURCE_REMOVE;
}

void
lookout_notifier_post (LookoutNotifier   *self,
                       LookoutAlertEvent *event)
{
  gint64 now_us, due_us;

  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));
  g_return_if_fail (event != NULL);

  if (self->group_ms == 0)
    {
      lookout_notifier_dispatch (self, event);
      return;
    }

  now_us = g_get_monotonic_time ();
  if (self->held->len == 0)
    self->held_since_us = now_us;
  g_ptr_array_add (self->held, lookout_alert_event_ref (event));

  /* A quiet window after the last event, but not for ever. */
  due_us = MIN (now_us + self->group_ms * G_TIME_SPAN_MILLISECOND,
                self->held_since_us + GROUP_MAX_WINDOWS * self->group_ms * G_TIME_SPAN_MILLISECOND);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  self->flush_id = g_timeout_add (MAX (due_us - now_us, 0) / 1000, flush_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->flush_id),
                            "[lookout] notification grouping");
}

/* One notification per kind, in the order of each kind's first event;
 * events about the machine itself stay on their own. */
static void
flush_to_channel (LookoutNotifier     *self,
                  LookoutAlertChannel *channel,
                  GPtrArray           *held)
{
  const char *id = lookout_alert_channel_get_id (channel);
  g_autofree gboolean *done = g_new0 (gboolean, held->len);

  for (guint i = 0; i < held->len; i++)
    {
      LookoutAlertEvent *first = g_ptr_array_index (held, i);
      g_autoptr(GPtrArray) same = NULL;

      if (done[i] || !lookout_alert_event_goes_to (first, id))
        continue;
      if (first->target_id == 0)
        {
          lookout_alert_channel_enqueue (channel, first);
          continue;
        }

      same = g_ptr_array_new ();
      for (guint j = i; j < held->len; j++)
        {
          LookoutAlertEvent *event = g_ptr_array_index (held, j);

          if (!done[j] && event->target_id != 0 && event->kind == first->kind &&
              lookout_alert_event_goes_to (event, id))
            {
              g_ptr_array_add (same, event);
              done[j] = TRUE;
            }
        }

      if (same->len == 1)
        lookout_alert_channel_enqueue (channel, first);
      else
        {
          g_autoptr(LookoutAlertEvent) group = lookout_alert_event_new_group (same);

          lookout_alert_channel_enqueue (channel, group);
        }
    }
}

/* Each channel gets the held events that go to it, grouped on their own:
 * targets with channels of their own make different groups per channel. */
void
lookout_notifier_flush (LookoutNotifier *self)
{
  g_autoptr(GPtrArray) held = NULL;
  GListModel *model;

  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->held->len == 0)
    return;

  held = g_steal_pointer (&self->held);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);

  model = G_LIST_MODEL (self->channels);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutAlertChannel) channel = g_list_model_get_item (model, i);

      if (lookout_alert_channel_get_enabled (channel))
        flush_to_channel (self, channel, held);
    }
}

void
lookout_notifier_set_group_window (LookoutNotifier *self,
                                   guint            window_ms)
{
  g_return_if_fail (LOOKOUT_IS_NOTIFIER (self));

  self->group_ms = window_ms;
  if (window_ms == 0)
    lookout_notifier_flush (self);
}

guint
lookout_notifier_get_group_window (LookoutNotifier *self)
{
  g_return_val_if_fail (LOOKOUT_IS_NOTIFIER (self), 0);

  return self->group_ms;
}
