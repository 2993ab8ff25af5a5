/* lookout-telegram-channel.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-channel.h"

G_BEGIN_DECLS

#define LOOKOUT_TELEGRAM_DEFAULT_API_URL "https://api.telegram.org"

#define LOOKOUT_TYPE_TELEGRAM_CHANNEL (lookout_telegram_channel_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTelegramChannel, lookout_telegram_channel, LOOKOUT, TELEGRAM_CHANNEL, LookoutAlertChannel)

/* Sends each event's message with the Bot API: POST
 * {api-url}/bot{token}/sendMessage, JSON {"chat_id": …, "text": …}.
 * Properties "token", "chat-id", "api-url" (strings). */
LookoutAlertChannel *lookout_telegram_channel_new         (const char             *token,
                                                           const char             *chat_id);
void                 lookout_telegram_channel_set_api_url (LookoutTelegramChannel *self,
                                                           const char             *api_url);

G_END_DECLS
