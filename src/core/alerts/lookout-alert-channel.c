/* lookout-alert-channel.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-alert-channel"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "lookout-alert-channel-private.h"
#include "lookout-http-header.h"

#define DEFAULT_RETRY_INITIAL_MS 1000
#define DEFAULT_RETRY_MAX_MS     (5 * 60 * 1000)

typedef struct
{
  char         *id;
  GQueue        queue;       /* LookoutAlertEvent, head is being sent */
  GCancellable *cancellable;
  GSource      *retry_source;
  guint         retry_initial_ms;
  guint         retry_max_ms;
  guint         backoff_ms;
  guint         attempts;
  gboolean      enabled;
  gboolean      sending;
} LookoutAlertChannelPrivate;

enum {
  PROP_0,
  PROP_ID,
  PROP_ENABLED,
  PROP_RETRY_INITIAL_MS,
  PROP_RETRY_MAX_MS,
  PROP_PENDING,
  N_PROPS
};

enum {
  DELIVERED,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (lookout-alert-channel-error-quark, lookout_alert_channel_error)
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (LookoutAlertChannel, lookout_alert_channel, G_TYPE_OBJECT)

static void send_head (LookoutAlertChannel *self);

static gboolean
retry_cb (gpointer user_data)
{
  LookoutAlertChannel *self = user_data;
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_clear_pointer (&priv->retry_source, g_source_unref);
  send_head (self);
  return G_SOURCE_REMOVE;
}

static void
head_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LookoutAlertChannel *self = LOOKOUT_ALERT_CHANNEL (object);
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);
  g_autoptr(LookoutAlertEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  if (!LOOKOUT_ALERT_CHANNEL_GET_CLASS (self)->send_finish (self, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      priv->sending = FALSE;
      g_debug ("%s: attempt %u failed: %s", priv->id, priv->attempts, error->message);
      g_signal_emit (self, signals[FAILED], 0, g_queue_peek_head (&priv->queue), error);

      priv->retry_source = g_timeout_source_new (priv->backoff_ms);
      g_source_set_callback (priv->retry_source, retry_cb, self, NULL);
      g_source_set_static_name (priv->retry_source, "[lookout] alert channel retry");
      g_source_attach (priv->retry_source, g_main_context_get_thread_default ());
      priv->backoff_ms = MIN (priv->backoff_ms * 2, priv->retry_max_ms);
      return;
    }

  priv->sending = FALSE;
  event = g_queue_pop_head (&priv->queue);
  g_signal_emit (self, signals[DELIVERED], 0, event, priv->attempts);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);

  priv->attempts = 0;
  priv->backoff_ms = priv->retry_initial_ms;
  send_head (self);
}

static void
send_head (LookoutAlertChannel *self)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  if (priv->sending || priv->retry_source != NULL || g_queue_is_empty (&priv->queue))
    return;

  priv->sending = TRUE;
  priv->attempts++;
  LOOKOUT_ALERT_CHANNEL_GET_CLASS (self)->send_async (self, g_queue_peek_head (&priv->queue),
                                                      priv->cancellable, head_sent_cb, NULL);
}

static void
lookout_alert_channel_dispose (GObject *object)
{
  LookoutAlertChannel *self = (LookoutAlertChannel *)object;
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  if (priv->retry_source != NULL)
    {
      g_source_destroy (priv->retry_source);
      g_clear_pointer (&priv->retry_source, g_source_unref);
    }
  g_queue_clear_full (&priv->queue, (GDestroyNotify) lookout_alert_event_unref);

  G_OBJECT_CLASS (lookout_alert_channel_parent_class)->dispose (object);
}

static void
lookout_alert_channel_finalize (GObject *object)
{
  LookoutAlertChannel *self = (LookoutAlertChannel *)object;
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  g_clear_object (&priv->cancellable);

  G_OBJECT_CLASS (lookout_alert_channel_parent_class)->finalize (object);
}

static void
lookout_alert_channel_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LookoutAlertChannel *self = LOOKOUT_ALERT_CHANNEL (object);
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, priv->id);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, priv->enabled);
      break;
    case PROP_RETRY_INITIAL_MS:
      g_value_set_uint (value, priv->retry_initial_ms);
      break;
    case PROP_RETRY_MAX_MS:
      g_value_set_uint (value, priv->retry_max_ms);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, priv->queue.length);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_channel_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LookoutAlertChannel *self = LOOKOUT_ALERT_CHANNEL (object);
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      priv->id = g_value_dup_string (value);
      break;
    case PROP_ENABLED:
      lookout_alert_channel_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_RETRY_INITIAL_MS:
      priv->retry_initial_ms = priv->backoff_ms = g_value_get_uint (value);
      break;
    case PROP_RETRY_MAX_MS:
      priv->retry_max_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_channel_class_init (LookoutAlertChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_alert_channel_dispose;
  object_class->finalize = lookout_alert_channel_finalize;
  object_class->get_property = lookout_alert_channel_get_property;
  object_class->set_property = lookout_alert_channel_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RETRY_INITIAL_MS] =
    g_param_spec_uint ("retry-initial-ms", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_RETRY_INITIAL_MS,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RETRY_MAX_MS] =
    g_param_spec_uint ("retry-max-ms", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_RETRY_MAX_MS,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DELIVERED] =
    g_signal_new ("delivered",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  LOOKOUT_TYPE_ALERT_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT);
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  LOOKOUT_TYPE_ALERT_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
lookout_alert_channel_init (LookoutAlertChannel *self)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_queue_init (&priv->queue);
  priv->cancellable = g_cancellable_new ();
  priv->enabled = TRUE;
}

const char *
lookout_alert_channel_get_id (LookoutAlertChannel *self)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_return_val_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self), NULL);

  return priv->id;
}

gboolean
lookout_alert_channel_get_enabled (LookoutAlertChannel *self)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_return_val_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self), FALSE);

  return priv->enabled;
}

void
lookout_alert_channel_set_enabled (LookoutAlertChannel *self,
                                   gboolean             enabled)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_return_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self));

  enabled = !!enabled;
  if (priv->enabled == enabled)
    return;
  priv->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

guint
lookout_alert_channel_get_pending (LookoutAlertChannel *self)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_return_val_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self), 0);

  return priv->queue.length;
}

void
lookout_alert_channel_enqueue (LookoutAlertChannel *self,
                               LookoutAlertEvent   *event)
{
  LookoutAlertChannelPrivate *priv = lookout_alert_channel_get_instance_private (self);

  g_return_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self));
  g_return_if_fail (event != NULL);

  g_queue_push_tail (&priv->queue, lookout_alert_event_ref (event));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  send_head (self);
}

void
lookout_alert_channel_send_async (LookoutAlertChannel *self,
                                  LookoutAlertEvent   *event,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  LOOKOUT_ALERT_CHANNEL_GET_CLASS (self)->send_async (self, event, cancellable, callback, user_data);
}

gboolean
lookout_alert_channel_send_finish (LookoutAlertChannel  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_CHANNEL (self), FALSE);

  return LOOKOUT_ALERT_CHANNEL_GET_CLASS (self)->send_finish (self, result, error);
}

LookoutAlertEvent *
lookout_alert_event_new_test (gint64 now_ms)
{
  LookoutAlertEvent *event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_TEST);

  event->ts_ms = now_ms;
  event->title = g_strdup (_("Lookout test notification"));
  event->message = g_strdup (_("This is a test notification from Lookout: this channel works."));
  return event;
}

/* ---- HTTP helpers for the subclasses ---- */

SoupSession *
lookout_alert_channel_new_session (void)
{
  return soup_session_new_with_options ("timeout", 30,
                                        "idle-timeout", 60,
                                        "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION " ",
                                        NULL);
}

static void
post_json_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                                 LOOKOUT_ALERT_CHANNEL_ERROR_NETWORK,
                                 _("Could not reach %s: %s"),
                                 g_uri_get_host (soup_message_get_uri (msg)), error->message);
      return;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (body, &len);
      g_autofree char *excerpt = g_utf8_make_valid (data != NULL ? data : "", MIN (len, 200));

      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED,
                               _("The server answered %u %s: %s"),
                               status, soup_message_get_reason_phrase (msg), excerpt);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

void
lookout_alert_channel_post_json (SoupSession         *session,
                                 const char          *uri,
                                 const char          *header,
                                 JsonNode            *body,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GUri) parsed = NULL;
  char *json;

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_alert_channel_post_json);

  if (uri != NULL)
    parsed = g_uri_parse (uri, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (parsed), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (parsed), "https") != 0))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                               _("“%s” is not a valid HTTP address"), uri != NULL ? uri : "");
      return;
    }
  msg = soup_message_new_from_uri (SOUP_METHOD_POST, parsed);

  if (header != NULL && header[0] != '\0')
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autoptr(GError) header_error = NULL;

      if (!lookout_http_header_parse (header, &name, &value, &header_error))
        {
          g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                                   LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                                   _("The webhook header cannot be sent: %s"), header_error->message);
          return;
        }
      soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);
    }

  json = json_to_string (body, FALSE);
  bytes = g_bytes_new_take (json, strlen (json));
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    post_json_sent_cb, g_steal_pointer (&task));
}

GBytes *
lookout_alert_channel_post_json_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
