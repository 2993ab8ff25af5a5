/* fuzz-alert-config.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever the agent's --config file holds, loading must not crash; a
 * failure names its group (and key) in a readable message; a success leaves
 * a configuration the engine accepts: reminders strictly ascending, up-after
 * within range, flap-low not above flap-high, Telegram complete or absent. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-alert-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LookoutAlertConfig) config = lookout_alert_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
  gint64 ms;

  if (!lookout_alert_config_load_data (config, text, strlen (text), &error))
    {
      if (error == NULL || error->domain != LOOKOUT_ALERT_CONFIG_ERROR ||
          !g_utf8_validate (error->message, -1, NULL) ||
          (error->code != LOOKOUT_ALERT_CONFIG_ERROR_PARSE && error->message[0] != '['))
        abort ();
    }
  else
    {
      if (config->up_after < 1 || config->up_after > LOOKOUT_TARGET_MAX_FAIL_THRESHOLD ||
          config->flap_low > config->flap_high || config->flap_high > 100.0 || config->flap_low < 0.0 ||
          (config->telegram_token == NULL) != (config->telegram_chat_id == NULL) ||
          config->n_reminders > LOOKOUT_ALERT_MAX_REMINDERS)
        abort ();
      for (guint i = 0; i < config->n_reminders; i++)
        if (config->reminders_ms[i] <= 0 || (i > 0 && config->reminders_ms[i] <= config->reminders_ms[i - 1]))
          abort ();
    }

  /* The same bytes as one duration. */
  g_clear_error (&error);
  if (lookout_parse_duration (text, &ms, &error))
    {
      if (ms <= 0)
        abort ();
    }
  else if (!g_error_matches (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE) ||
           !g_utf8_validate (error->message, -1, NULL))
    abort ();

  return 0;
}
