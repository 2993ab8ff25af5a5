/* lookout-alert-settings.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-engine.h"
#include "lookout-notifier.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_ALERT_SETTINGS (lookout_alert_settings_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAlertSettings, lookout_alert_settings, LOOKOUT, ALERT_SETTINGS, GObject)

/* The desktop app's alert configuration: keeps the engine's thresholds and
 * reminders and the notifier's channels (desktop, Telegram, webhook) in step
 * with GSettings (the alert-* and notify-* keys of io.github.lookoutapp.Lookout),
 * and the bot token and webhook header with the keyring (lookout-secrets.h).
 * Properties: "settings", "engine", "notifier", "application" (construct). */
LookoutAlertSettings *lookout_alert_settings_new (GSettings          *settings,
                                                  LookoutAlertEngine *engine,
                                                  LookoutNotifier    *notifier,
                                                  GApplication       *application);

/* Reads the secrets from the keyring into the channels. */
/* Why the secrets cannot be kept in a Secret Service (a sentence for the
 * preferences), or NULL while they can; "secrets-error" notifies. Without
 * one, what is entered is used until the process ends, and said so. */
const char *lookout_alert_settings_get_secrets_error (LookoutAlertSettings *self);
void      lookout_alert_settings_load_secrets_async   (LookoutAlertSettings *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean  lookout_alert_settings_load_secrets_finish  (LookoutAlertSettings *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* Stores the token (or header) in the keyring and gives it to the channel. */
void      lookout_alert_settings_set_telegram_token_async (LookoutAlertSettings *self,
                                                       const char           *token,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
void      lookout_alert_settings_set_webhook_header_async (LookoutAlertSettings *self,
                                                       const char           *header,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean  lookout_alert_settings_set_secret_finish    (LookoutAlertSettings *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* "Send test notification": one attempt on channel @channel_id ("desktop",
 * "telegram", "webhook"), whether or not it is switched on. */
void      lookout_alert_settings_send_test_async      (LookoutAlertSettings *self,
                                                       const char           *channel_id,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean  lookout_alert_settings_send_test_finish     (LookoutAlertSettings *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* More channels: the setting "channels" lists webhooks and Telegram chats
 * besides the three above, each with an id a target's "channels" option
 * names. Whether @id may name a new one (not taken, and in the words of
 * the option). */
gboolean  lookout_alert_settings_check_channel_id     (LookoutAlertSettings *self,
                                                       const char           *id,
                                                       GError              **error);
/* Stores the header (webhook) or bot token (Telegram) of the channel
 * @channel_id of the "channels" setting in the keyring and gives it to the
 * channel; finish with lookout_alert_settings_set_secret_finish(). */
void      lookout_alert_settings_set_channel_secret_async (LookoutAlertSettings *self,
                                                       const char           *channel_id,
                                                       const char           *value,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);

G_END_DECLS
