/* lookout-alert-config.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-engine.h"
#include "lookout-notifier.h"

G_BEGIN_DECLS

#define LOOKOUT_ALERT_CONFIG_ERROR (lookout_alert_config_error_quark ())

typedef enum
{
  LOOKOUT_ALERT_CONFIG_ERROR_PARSE,          /* not a key file */
  LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_GROUP,
  LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_KEY,
  LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
  LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
} LookoutAlertConfigError;

GQuark lookout_alert_config_error_quark (void);

/* The alert settings of lookout-agent's --config key file (README):
 *
 *   [telegram]  token, chat-id, api-url (https://api.telegram.org)
 *   [webhook]   url, header ("Name: value")
 *   [alerts]    reminders ("10m,30m,1h"; "none"), up-after (successes),
 *               flap-high, flap-low (percent), cert-warning-days,
 *               notify-degraded (true/false)
 *
 * Every error names its group and key. */
typedef struct
{
  char     *telegram_token;
  char     *telegram_chat_id;
  char     *telegram_api_url;
  char     *webhook_url;
  char     *webhook_header;
  gint64    reminders_ms[LOOKOUT_ALERT_MAX_REMINDERS];
  guint     n_reminders;
  guint     up_after;
  double    flap_high;
  double    flap_low;
  guint     cert_warning_days;
  gboolean  notify_degraded;
} LookoutAlertConfig;

/* With the defaults: no channels, reminders 10m,30m,1h, up-after 1, … */
LookoutAlertConfig *lookout_alert_config_new         (void);
void                lookout_alert_config_free        (LookoutAlertConfig  *config);
gboolean            lookout_alert_config_load_data   (LookoutAlertConfig  *config,
                                                      const char          *data,
                                                      gsize                length,
                                                      GError             **error);
gboolean            lookout_alert_config_load_file   (LookoutAlertConfig  *config,
                                                      const char          *path,
                                                      GError             **error);
/* Sets the engine's thresholds and reminders and adds a channel to
 * @notifier for each one configured. */
void                lookout_alert_config_apply       (const LookoutAlertConfig *config,
                                                      LookoutAlertEngine  *engine,
                                                      LookoutNotifier     *notifier);

/* "90s", "10m", "1h30m", "2d"; a bare number is seconds. */
gboolean            lookout_parse_duration           (const char          *text,
                                                      gint64              *out_ms,
                                                      GError             **error);
/* Comma-separated durations, strictly ascending; "" or "none" for none. */
gboolean            lookout_parse_reminders          (const char          *text,
                                                      gint64              *out_ms,
                                                      guint               *out_n,
                                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutAlertConfig, lookout_alert_config_free)

G_END_DECLS
