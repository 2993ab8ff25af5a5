/* lookout-telegram-channel.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-telegram-channel"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-alert-channel-private.h"
#include "lookout-telegram-channel.h"

struct _LookoutTelegramChannel
{
  LookoutAlertChannel  parent_instance;

  SoupSession         *session;
  char                *token;
  char                *chat_id;
  char                *api_url;
};

enum {
  PROP_0,
  PROP_TOKEN,
  PROP_CHAT_ID,
  PROP_API_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutTelegramChannel, lookout_telegram_channel, LOOKOUT_TYPE_ALERT_CHANNEL)

static void
message_posted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *reply;
  JsonNode *root;

  body = lookout_alert_channel_post_json_finish (result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED,
                               _("Telegram did not answer with JSON"));
      return;
    }

  reply = json_node_get_object (root);
  if (!json_object_get_boolean_member_with_default (reply, "ok", FALSE))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED,
                               _("Telegram refused the message: %s"),
                               json_object_get_string_member_with_default (reply, "description", "?"));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
lookout_telegram_channel_send_async (LookoutAlertChannel *channel,
                                     LookoutAlertEvent   *event,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  LookoutTelegramChannel *self = LOOKOUT_TELEGRAM_CHANNEL (channel);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *uri = NULL;
  const char *base;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_telegram_channel_send_async);

  if (self->token == NULL || self->token[0] == '\0' ||
      self->chat_id == NULL || self->chat_id[0] == '\0')
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                               _("Telegram needs a bot token and a chat ID"));
      return;
    }

  base = self->api_url != NULL && self->api_url[0] != '\0' ? self->api_url
                                                           : LOOKOUT_TELEGRAM_DEFAULT_API_URL;
  uri = g_strdup_printf ("%s%sbot%s/sendMessage", base,
                         g_str_has_suffix (base, "/") ? "" : "/", self->token);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chat_id");
  json_builder_add_string_value (builder, self->chat_id);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, event->message);
  json_builder_set_member_name (builder, "disable_web_page_preview");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  lookout_alert_channel_post_json (self->session, uri, NULL, body, cancellable,
                                   message_posted_cb, g_steal_pointer (&task));
}

static gboolean
lookout_telegram_channel_send_finish (LookoutAlertChannel  *channel,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookout_telegram_channel_finalize (GObject *object)
{
  LookoutTelegramChannel *self = (LookoutTelegramChannel *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->chat_id, g_free);
  g_clear_pointer (&self->api_url, g_free);

  G_OBJECT_CLASS (lookout_telegram_channel_parent_class)->finalize (object);
}

static void
lookout_telegram_channel_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  LookoutTelegramChannel *self = LOOKOUT_TELEGRAM_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;
    case PROP_CHAT_ID:
      g_value_set_string (value, self->chat_id);
      break;
    case PROP_API_URL:
      g_value_set_string (value, self->api_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_string (LookoutTelegramChannel  *self,
            char                   **field,
            const GValue            *value,
            guint                    prop_id)
{
  const char *s = g_value_get_string (value);

  if (g_strcmp0 (*field, s) == 0)
    return;
  g_free (*field);
  *field = g_strdup (s);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
lookout_telegram_channel_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  LookoutTelegramChannel *self = LOOKOUT_TELEGRAM_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      set_string (self, &self->token, value, prop_id);
      break;
    case PROP_CHAT_ID:
      set_string (self, &self->chat_id, value, prop_id);
      break;
    case PROP_API_URL:
      set_string (self, &self->api_url, value, prop_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_telegram_channel_class_init (LookoutTelegramChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutAlertChannelClass *channel_class = LOOKOUT_ALERT_CHANNEL_CLASS (klass);

  object_class->finalize = lookout_telegram_channel_finalize;
  object_class->get_property = lookout_telegram_channel_get_property;
  object_class->set_property = lookout_telegram_channel_set_property;

  channel_class->send_async = lookout_telegram_channel_send_async;
  channel_class->send_finish = lookout_telegram_channel_send_finish;

  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHAT_ID] =
    g_param_spec_string ("chat-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_API_URL] =
    g_param_spec_string ("api-url", NULL, NULL,
                         LOOKOUT_TELEGRAM_DEFAULT_API_URL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_telegram_channel_init (LookoutTelegramChannel *self)
{
  self->session = lookout_alert_channel_new_session ();
  self->api_url = g_strdup (LOOKOUT_TELEGRAM_DEFAULT_API_URL);
}

LookoutAlertChannel *
lookout_telegram_channel_new (const char *token,
                              const char *chat_id)
{
  return g_object_new (LOOKOUT_TYPE_TELEGRAM_CHANNEL,
                       "id", "telegram",
                       "token", token,
                       "chat-id", chat_id,
                       NULL);
}

void
lookout_telegram_channel_set_api_url (LookoutTelegramChannel *self,
                                      const char             *api_url)
{
  g_return_if_fail (LOOKOUT_IS_TELEGRAM_CHANNEL (self));

  g_object_set (self, "api-url", api_url, NULL);
}
