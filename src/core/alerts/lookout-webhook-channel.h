/* lookout-webhook-channel.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-channel.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_WEBHOOK_CHANNEL (lookout_webhook_channel_get_type ())

G_DECLARE_FINAL_TYPE (LookoutWebhookChannel, lookout_webhook_channel, LOOKOUT, WEBHOOK_CHANNEL, LookoutAlertChannel)

/* POSTs each event as JSON (lookout_alert_event_to_json, docs/webhook.md)
 * to "url", with the optional "header" ("Authorization: Bearer …");
 * any 2xx status is a delivery. */
LookoutAlertChannel *lookout_webhook_channel_new (const char *url,
                                                  const char *header);

G_END_DECLS
