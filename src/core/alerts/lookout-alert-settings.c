/* lookout-alert-settings.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-alert-settings"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-alert-config.h"
#include "lookout-alert-settings.h"
#include "lookout-desktop-channel.h"
#include "lookout-http-header.h"
#include "lookout-secrets.h"
#include "lookout-target-options.h"
#include "lookout-telegram-channel.h"
#include "lookout-webhook-channel.h"

struct _LookoutAlertSettings
{
  GObject              parent_instance;

  GSettings           *settings;
  LookoutAlertEngine  *engine;
  LookoutNotifier     *notifier;
  GApplication        *application;

  LookoutAlertChannel *desktop;
  LookoutAlertChannel *telegram;
  LookoutAlertChannel *webhook;
  GPtrArray           *extra;      /* the channels of the "channels" setting */
  GQueue               secrets_to_load;

  /* why secrets cannot be kept in a Secret Service, or NULL */
  char                *secrets_error;
};

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_ENGINE,
  PROP_NOTIFIER,
  PROP_APPLICATION,
  PROP_SECRETS_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutAlertSettings, lookout_alert_settings, G_TYPE_OBJECT)

static void
reminders_changed_cb (GSettings            *settings,
                      const char           *key,
                      LookoutAlertSettings *self)
{
  g_autofree char *text = g_settings_get_string (settings, "alert-reminders");
  gint64 offsets[LOOKOUT_ALERT_MAX_REMINDERS];
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!lookout_parse_reminders (text, offsets, &n, &error))
    {
      g_warning ("Ignoring the reminder schedule “%s”: %s", text, error->message);
      return;
    }
  lookout_alert_engine_set_reminders (self->engine, offsets, n);
}

static void
flapping_changed_cb (GSettings            *settings,
                     const char           *key,
                     LookoutAlertSettings *self)
{
  double high = g_settings_get_double (settings, "alert-flap-high");
  double low = g_settings_get_double (settings, "alert-flap-low");

  lookout_alert_engine_set_flap_thresholds (self->engine, high, MIN (low, high));
}

/* ---- more channels ---- */

static const char *
channel_kind (LookoutAlertChannel *channel)
{
  return LOOKOUT_IS_TELEGRAM_CHANNEL (channel) ? "telegram" : "webhook";
}

static char *
channel_secret_name (LookoutAlertChannel *channel)
{
  return g_strdup_printf (LOOKOUT_IS_TELEGRAM_CHANNEL (channel) ? "telegram-token:%s" : "webhook-header:%s",
                          lookout_alert_channel_get_id (channel));
}

static LookoutAlertChannel *
find_extra (GPtrArray  *channels,
            const char *id,
            const char *kind)
{
  for (guint i = 0; channels != NULL && i < channels->len; i++)
    if (g_str_equal (lookout_alert_channel_get_id (channels->pdata[i]), id) &&
        g_str_equal (channel_kind (channels->pdata[i]), kind))
      return channels->pdata[i];

  return NULL;
}

static void load_next_extra_secret (LookoutAlertSettings *self);

static void
extra_secret_loaded_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(LookoutAlertSettings) self = user_data;
  g_autoptr(LookoutAlertChannel) channel = g_queue_pop_head (&self->secrets_to_load);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = lookout_secret_lookup_finish (result, &error);

  /* Not in the keyring (or no keyring): what the channel has stays. */
  if (value != NULL)
    g_object_set (channel, LOOKOUT_IS_TELEGRAM_CHANNEL (channel) ? "token" : "header", value, NULL);
  load_next_extra_secret (self);
}

/* One lookup at a time: the keyring is opened once, not once per channel. */
static void
load_next_extra_secret (LookoutAlertSettings *self)
{
  g_autofree char *name = NULL;

  if (g_queue_is_empty (&self->secrets_to_load))
    return;

  name = channel_secret_name (g_queue_peek_head (&self->secrets_to_load));
  lookout_secret_lookup_named_async (name, NULL, extra_secret_loaded_cb, g_object_ref (self));
}

static void
load_extra_secret (LookoutAlertSettings *self,
                   LookoutAlertChannel  *channel)
{
  g_queue_push_tail (&self->secrets_to_load, g_object_ref (channel));
  if (g_queue_get_length (&self->secrets_to_load) == 1)
    load_next_extra_secret (self);
}

/* Channels kept across a change of the setting keep their queue and their
 * secret; the others come and go. */
static void
channels_changed_cb (GSettings            *settings,
                     const char           *key,
                     LookoutAlertSettings *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "channels");
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->extra);
  const char *id, *kind, *name, *address;
  gboolean enabled;
  GVariantIter iter;

  self->extra = g_ptr_array_new_with_free_func (g_object_unref);
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &id, &kind, &name, &address, &enabled))
    {
      g_autoptr(LookoutAlertChannel) channel = NULL;
      g_autoptr(GError) error = NULL;
      LookoutAlertChannel *kept;

      if (!lookout_alert_settings_check_channel_id (self, id, &error))
        {
          g_warning ("Leaving out the notification channel “%s”: %s", id, error->message);
          continue;
        }
      if (!g_str_equal (kind, "webhook") && !g_str_equal (kind, "telegram"))
        {
          g_warning ("Leaving out the notification channel “%s”: “%s” is neither webhook nor telegram",
                     id, kind);
          continue;
        }

      kept = find_extra (old, id, kind);
      if (kept != NULL)
        {
          channel = g_object_ref (kept);
          g_ptr_array_remove (old, kept);
        }
      else if (g_str_equal (kind, "webhook"))
        channel = g_object_new (LOOKOUT_TYPE_WEBHOOK_CHANNEL, "id", id, NULL);
      else
        {
          channel = g_object_new (LOOKOUT_TYPE_TELEGRAM_CHANNEL, "id", id, NULL);
          g_settings_bind (settings, "telegram-api-url", channel, "api-url", G_SETTINGS_BIND_GET);
        }

      g_object_set (channel, LOOKOUT_IS_TELEGRAM_CHANNEL (channel) ? "chat-id" : "url", address, NULL);
      g_object_set_data_full (G_OBJECT (channel), "lookout-channel-name", g_strdup (name), g_free);
      lookout_alert_channel_set_enabled (channel, enabled);
      if (kept == NULL)
        {
          lookout_notifier_add_channel (self->notifier, channel);
          load_extra_secret (self, channel);
        }
      g_ptr_array_add (self->extra, g_steal_pointer (&channel));
    }

  for (guint i = 0; old != NULL && i < old->len; i++)
    lookout_notifier_remove_channel (self->notifier, old->pdata[i]);
}

gboolean
lookout_alert_settings_check_channel_id (LookoutAlertSettings  *self,
                                         const char            *id,
                                         GError               **error)
{
  g_autofree char *option = NULL;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  option = g_strdup_printf ("{\"channels\": \"%s\"}", id);
  if (strpbrk (id, ",\"\\") != NULL || id[0] == '\0' || !lookout_target_options_validate (option, NULL))
    {
      g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                   _("A channel’s id is letters, digits, “-”, “_” and “.”, like ops-webhook, not “%s”"), id);
      return FALSE;
    }
  if (g_str_equal (id, "desktop") || g_str_equal (id, "telegram") || g_str_equal (id, "webhook") ||
      (self->extra != NULL && find_extra (self->extra, id, "webhook") != NULL) ||
      (self->extra != NULL && find_extra (self->extra, id, "telegram") != NULL))
    {
      g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                   _("There is already a notification channel “%s”"), id);
      return FALSE;
    }

  return TRUE;
}

static void
lookout_alert_settings_constructed (GObject *object)
{
  LookoutAlertSettings *self = (LookoutAlertSettings *)object;

  G_OBJECT_CLASS (lookout_alert_settings_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));
  g_assert (LOOKOUT_IS_ALERT_ENGINE (self->engine));
  g_assert (LOOKOUT_IS_NOTIFIER (self->notifier));

  g_settings_bind (self->settings, "alert-up-after", self->engine, "up-after", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "alert-cert-warning-days", self->engine, "cert-warning-days",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "alert-notify-degraded", self->engine, "notify-degraded",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "do-not-disturb", self->engine, "do-not-disturb",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::alert-reminders",
                           G_CALLBACK (reminders_changed_cb), self, 0);
  g_signal_connect_object (self->settings, "changed::alert-flap-high",
                           G_CALLBACK (flapping_changed_cb), self, 0);
  g_signal_connect_object (self->settings, "changed::alert-flap-low",
                           G_CALLBACK (flapping_changed_cb), self, 0);
  reminders_changed_cb (self->settings, NULL, self);
  flapping_changed_cb (self->settings, NULL, self);

  self->desktop = lookout_desktop_channel_new (self->application);
  g_settings_bind (self->settings, "notify-desktop", self->desktop, "enabled", G_SETTINGS_BIND_GET);
  lookout_notifier_add_channel (self->notifier, self->desktop);

  self->telegram = lookout_telegram_channel_new (NULL, NULL);
  g_settings_bind (self->settings, "notify-telegram", self->telegram, "enabled", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "telegram-chat-id", self->telegram, "chat-id", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "telegram-api-url", self->telegram, "api-url", G_SETTINGS_BIND_GET);
  lookout_notifier_add_channel (self->notifier, self->telegram);

  self->webhook = lookout_webhook_channel_new (NULL, NULL);
  g_settings_bind (self->settings, "notify-webhook", self->webhook, "enabled", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "webhook-url", self->webhook, "url", G_SETTINGS_BIND_GET);
  lookout_notifier_add_channel (self->notifier, self->webhook);

  g_signal_connect_object (self->settings, "changed::channels", G_CALLBACK (channels_changed_cb), self, 0);
  channels_changed_cb (self->settings, "channels", self);

  lookout_notifier_set_group_window (self->notifier, LOOKOUT_NOTIFIER_GROUP_WINDOW_MS);
}

static void
lookout_alert_settings_dispose (GObject *object)
{
  LookoutAlertSettings *self = (LookoutAlertSettings *)object;

  if (self->notifier != NULL)
    {
      LookoutAlertChannel *channels[] = { self->desktop, self->telegram, self->webhook };

      for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
        if (channels[i] != NULL)
          lookout_notifier_remove_channel (self->notifier, channels[i]);
      for (guint i = 0; self->extra != NULL && i < self->extra->len; i++)
        lookout_notifier_remove_channel (self->notifier, self->extra->pdata[i]);
    }
  g_clear_pointer (&self->extra, g_ptr_array_unref);
  g_queue_clear_full (&self->secrets_to_load, g_object_unref);
  g_clear_object (&self->desktop);
  g_clear_object (&self->telegram);
  g_clear_object (&self->webhook);
  g_clear_object (&self->settings);
  g_clear_object (&self->engine);
  g_clear_object (&self->notifier);
  g_clear_object (&self->application);
  g_clear_pointer (&self->secrets_error, g_free);

  G_OBJECT_CLASS (lookout_alert_settings_parent_class)->dispose (object);
}

static void
lookout_alert_settings_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LookoutAlertSettings *self = LOOKOUT_ALERT_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_NOTIFIER:
      g_value_set_object (value, self->notifier);
      break;
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    case PROP_SECRETS_ERROR:
      g_value_set_string (value, self->secrets_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_settings_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  LookoutAlertSettings *self = LOOKOUT_ALERT_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_NOTIFIER:
      self->notifier = g_value_dup_object (value);
      break;
    case PROP_APPLICATION:
      self->application = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_settings_class_init (LookoutAlertSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_alert_settings_constructed;
  object_class->dispose = lookout_alert_settings_dispose;
  object_class->get_property = lookout_alert_settings_get_property;
  object_class->set_property = lookout_alert_settings_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         LOOKOUT_TYPE_ALERT_ENGINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NOTIFIER] =
    g_param_spec_object ("notifier", NULL, NULL,
                         LOOKOUT_TYPE_NOTIFIER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL,
                         G_TYPE_APPLICATION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS_ERROR] =
    g_param_spec_string ("secrets-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_alert_settings_init (LookoutAlertSettings *self)
{
}

LookoutAlertSettings *
lookout_alert_settings_new (GSettings          *settings,
                            LookoutAlertEngine *engine,
                            LookoutNotifier    *notifier,
                            GApplication       *application)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (engine), NULL);
  g_return_val_if_fail (LOOKOUT_IS_NOTIFIER (notifier), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  return g_object_new (LOOKOUT_TYPE_ALERT_SETTINGS,
                       "settings", settings,
                       "engine", engine,
                       "notifier", notifier,
                       "application", application,
                       NULL);
}

/* ---- secrets ---- */

/* A secret that could not be stored or read: kept for this session only,
 * and said so. Cancellation is not a failure of the keyring. */
static void
set_secrets_error (LookoutAlertSettings *self,
                   const GError         *error)
{
  g_autofree char *text = NULL;

  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    text = g_strdup_printf (_("Secrets cannot be kept: no Secret Service (such as GNOME Keyring) "
                              "could be reached (%s). A bot token or webhook header entered here "
                              "is used until Lookout quits, then forgotten."), error->message);
  if (g_strcmp0 (text, self->secrets_error) == 0)
    return;

  g_free (self->secrets_error);
  self->secrets_error = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS_ERROR]);
}

const char *
lookout_alert_settings_get_secrets_error (LookoutAlertSettings *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self), NULL);

  return self->secrets_error;
}

typedef struct
{
  guint    pending;
  GError  *error;
} LoadSecrets;

static void
load_secrets_free (LoadSecrets *load)
{
  g_clear_error (&load->error);
  g_free (load);
}

static void
secret_loaded (GTask         *task_,
               GAsyncResult  *result,
               LookoutSecret  which)
{
  g_autoptr(GTask) task = task_;
  LookoutAlertSettings *self = g_task_get_source_object (task);
  LoadSecrets *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  value = lookout_secret_lookup_finish (result, &error);
  if (error != NULL && load->error == NULL)
    load->error = g_steal_pointer (&error);
  else if (which == LOOKOUT_SECRET_TELEGRAM_TOKEN)
    g_object_set (self->telegram, "token", value, NULL);
  else
    g_object_set (self->webhook, "header", value, NULL);

  if (--load->pending > 0)
    return;

  set_secrets_error (self, load->error);
  if (load->error != NULL)
    g_task_return_error (task, g_steal_pointer (&load->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
telegram_token_loaded_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  secret_loaded (user_data, result, LOOKOUT_SECRET_TELEGRAM_TOKEN);
}

static void
webhook_header_loaded_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  secret_loaded (user_data, result, LOOKOUT_SECRET_WEBHOOK_HEADER);
}

void
lookout_alert_settings_load_secrets_async (LookoutAlertSettings *self,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadSecrets *load;

  g_return_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_alert_settings_load_secrets_async);
  load = g_new0 (LoadSecrets, 1);
  load->pending = 2;
  g_task_set_task_data (task, load, (GDestroyNotify) load_secrets_free);

  lookout_secret_lookup_async (LOOKOUT_SECRET_TELEGRAM_TOKEN, cancellable,
                               telegram_token_loaded_cb, g_object_ref (task));
  lookout_secret_lookup_async (LOOKOUT_SECRET_WEBHOOK_HEADER, cancellable,
                               webhook_header_loaded_cb, g_object_ref (task));
}

gboolean
lookout_alert_settings_load_secrets_finish (LookoutAlertSettings  *self,
                                            GAsyncResult          *result,
                                            GError               **error)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookoutAlertSettings *self = g_task_get_source_object (task);
  const char *property = g_object_get_data (G_OBJECT (task), "lookout-property");
  LookoutAlertChannel *channel;
  GError *error = NULL;

  /* Stored or not, the channel uses what the user entered: the window says
   * which (set_secrets_error()). */
  if (!lookout_secret_store_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  channel = g_object_get_data (G_OBJECT (task), "lookout-channel");
  if (channel == NULL)
    channel = g_str_equal (property, "token") ? self->telegram : self->webhook;
  g_object_set (channel, property, g_task_get_task_data (task), NULL);
  set_secrets_error (self, error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_secret (LookoutAlertSettings *self,
              LookoutSecret         secret,
              const char           *property,
              const char           *value,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  const char *stored = value != NULL && value[0] != '\0' ? value : NULL;

  g_task_set_source_tag (task, lookout_alert_settings_set_secret_finish);
  g_task_set_task_data (task, g_strdup (stored), g_free);
  g_object_set_data (G_OBJECT (task), "lookout-property", (gpointer) property);
  lookout_secret_store_async (secret, stored, cancellable, secret_stored_cb, g_steal_pointer (&task));
}

void
lookout_alert_settings_set_telegram_token_async (LookoutAlertSettings *self,
                                                 const char           *token,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self));

  store_secret (self, LOOKOUT_SECRET_TELEGRAM_TOKEN, "token", token, cancellable, callback, user_data);
}

void
lookout_alert_settings_set_webhook_header_async (LookoutAlertSettings *self,
                                                 const char           *header,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self));

  /* Refused before anything is stored, so the value kept is always sendable. */
  if (header != NULL && header[0] != '\0' &&
      !lookout_http_header_parse (header, NULL, NULL, &error))
    {
      g_task_report_new_error (self, callback, user_data, lookout_alert_settings_set_secret_finish,
                               LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                               _("Webhook header: %s"), error->message);
      return;
    }

  store_secret (self, LOOKOUT_SECRET_WEBHOOK_HEADER, "header", header, cancellable, callback, user_data);
}

void
lookout_alert_settings_set_channel_secret_async (LookoutAlertSettings *self,
                                                 const char           *channel_id,
                                                 const char           *value,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  LookoutAlertChannel *channel = NULL;
  const char *stored = value != NULL && value[0] != '\0' ? value : NULL;
  gboolean telegram;

  g_return_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self));
  g_return_if_fail (channel_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_alert_settings_set_secret_finish);

  if (self->extra != NULL &&
      (channel = find_extra (self->extra, channel_id, "webhook")) == NULL)
    channel = find_extra (self->extra, channel_id, "telegram");
  if (channel == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("There is no notification channel “%s”"), channel_id);
      return;
    }

  telegram = LOOKOUT_IS_TELEGRAM_CHANNEL (channel);
  if (!telegram && stored != NULL && !lookout_http_header_parse (stored, NULL, NULL, &error))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                               _("Webhook header: %s"), error->message);
      return;
    }

  g_task_set_task_data (task, g_strdup (stored), g_free);
  g_object_set_data (G_OBJECT (task), "lookout-property", (gpointer) (telegram ? "token" : "header"));
  g_object_set_data_full (G_OBJECT (task), "lookout-channel", g_object_ref (channel), g_object_unref);
  name = channel_secret_name (channel);
  /* Translators: "Lookout: secret of the notification channel ops" */
  label = g_strdup_printf (_("Lookout: secret of the notification channel %s"), channel_id);
  lookout_secret_store_named_async (name, label, stored, cancellable, secret_stored_cb,
                                    g_steal_pointer (&task));
}

gboolean
lookout_alert_settings_set_secret_finish (LookoutAlertSettings  *self,
                                          GAsyncResult          *result,
                                          GError               **error)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- test notifications ---- */

static void
test_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!lookout_alert_channel_send_finish (LOOKOUT_ALERT_CHANNEL (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
lookout_alert_settings_send_test_async (LookoutAlertSettings *self,
                                        const char           *channel_id,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(LookoutAlertEvent) event = NULL;
  g_autoptr(GTask) task = NULL;
  LookoutAlertChannel *channel = NULL;

  g_return_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self));
  g_return_if_fail (channel_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_alert_settings_send_test_async);

  if (g_str_equal (channel_id, "desktop"))
    channel = self->desktop;
  else if (g_str_equal (channel_id, "telegram"))
    channel = self->telegram;
  else if (g_str_equal (channel_id, "webhook"))
    channel = self->webhook;
  else if (self->extra != NULL &&
           ((channel = find_extra (self->extra, channel_id, "webhook")) != NULL ||
            (channel = find_extra (self->extra, channel_id, "telegram")) != NULL))
    ;
  else
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("There is no notification channel “%s”"), channel_id);
      return;
    }

  event = lookout_alert_event_new_test (lookout_alert_engine_now (self->engine));
  lookout_alert_channel_send_async (channel, event, cancellable, test_sent_cb, g_steal_pointer (&task));
}

gboolean
lookout_alert_settings_send_test_finish (LookoutAlertSettings  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_SETTINGS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
