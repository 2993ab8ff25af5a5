/* lookout-webhook-channel.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-webhook-channel"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-alert-channel-private.h"
#include "lookout-webhook-channel.h"

struct _LookoutWebhookChannel
{
  LookoutAlertChannel  parent_instance;

  SoupSession         *session;
  char                *url;
  char                *header;
};

enum {
  PROP_0,
  PROP_URL,
  PROP_HEADER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutWebhookChannel, lookout_webhook_channel, LOOKOUT_TYPE_ALERT_CHANNEL)

static void
payload_posted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  body = lookout_alert_channel_post_json_finish (result, &error);
  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
lookout_webhook_channel_send_async (LookoutAlertChannel *channel,
                                    LookoutAlertEvent   *event,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  LookoutWebhookChannel *self = LOOKOUT_WEBHOOK_CHANNEL (channel);
  g_autoptr(JsonNode) body = lookout_alert_event_to_json (event);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_webhook_channel_send_async);

  lookout_alert_channel_post_json (self->session, self->url, self->header, body, cancellable,
                                   payload_posted_cb, g_steal_pointer (&task));
}

static gboolean
lookout_webhook_channel_send_finish (LookoutAlertChannel  *channel,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookout_webhook_channel_finalize (GObject *object)
{
  LookoutWebhookChannel *self = (LookoutWebhookChannel *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->header, g_free);

  G_OBJECT_CLASS (lookout_webhook_channel_parent_class)->finalize (object);
}

static void
lookout_webhook_channel_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  LookoutWebhookChannel *self = LOOKOUT_WEBHOOK_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_HEADER:
      g_value_set_string (value, self->header);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_webhook_channel_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  LookoutWebhookChannel *self = LOOKOUT_WEBHOOK_CHANNEL (object);
  char **field;

  switch (prop_id)
    {
    case PROP_URL:
      field = &self->url;
      break;
    case PROP_HEADER:
      field = &self->header;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  if (g_strcmp0 (*field, g_value_get_string (value)) == 0)
    return;
  g_free (*field);
  *field = g_value_dup_string (value);
  g_object_notify_by_pspec (object, properties[prop_id]);
}

static void
lookout_webhook_channel_class_init (LookoutWebhookChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutAlertChannelClass *channel_class = LOOKOUT_ALERT_CHANNEL_CLASS (klass);

  object_class->finalize = lookout_webhook_channel_finalize;
  object_class->get_property = lookout_webhook_channel_get_property;
  object_class->set_property = lookout_webhook_channel_set_property;

  channel_class->send_async = lookout_webhook_channel_send_async;
  channel_class->send_finish = lookout_webhook_channel_send_finish;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HEADER] =
    g_param_spec_string ("header", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_webhook_channel_init (LookoutWebhookChannel *self)
{
  self->session = lookout_alert_channel_new_session ();
}

LookoutAlertChannel *
lookout_webhook_channel_new (const char *url,
                             const char *header)
{
  return g_object_new (LOOKOUT_TYPE_WEBHOOK_CHANNEL,
                       "id", "webhook",
                       "url", url,
                       "header", header,
                       NULL);
}
