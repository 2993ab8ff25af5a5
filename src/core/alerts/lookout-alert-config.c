/* lookout-alert-config.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-alert-config"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "lookout-alert-config.h"
#include "lookout-http-header.h"
#include "lookout-input-file.h"
#include "lookout-telegram-channel.h"
#include "lookout-webhook-channel.h"

G_DEFINE_QUARK (lookout-alert-config-error-quark, lookout_alert_config_error)

static const char * const telegram_keys[] = { "token", "chat-id", "api-url", NULL };
static const char * const webhook_keys[] = { "url", "header", NULL };
static const char * const alerts_keys[] = {
  "reminders", "up-after", "flap-high", "flap-low", "cert-warning-days", "notify-degraded", NULL
};

static const struct
{
  const char         *name;
  const char * const *keys;
} groups[] = {
  { "telegram", telegram_keys },
  { "webhook", webhook_keys },
  { "alerts", alerts_keys },
};

LookoutAlertConfig *
lookout_alert_config_new (void)
{
  LookoutAlertConfig *config = g_new0 (LookoutAlertConfig, 1);

  config->telegram_api_url = g_strdup (LOOKOUT_TELEGRAM_DEFAULT_API_URL);
  config->reminders_ms[0] = 10 * 60000;
  config->reminders_ms[1] = 30 * 60000;
  config->reminders_ms[2] = 60 * 60000;
  config->n_reminders = 3;
  config->up_after = LOOKOUT_ALERT_DEFAULT_UP_AFTER;
  config->flap_high = LOOKOUT_ALERT_DEFAULT_FLAP_HIGH;
  config->flap_low = LOOKOUT_ALERT_DEFAULT_FLAP_LOW;
  config->cert_warning_days = LOOKOUT_ALERT_DEFAULT_CERT_DAYS;
  config->notify_degraded = TRUE;

  return config;
}

void
lookout_alert_config_free (LookoutAlertConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->telegram_token);
  g_free (config->telegram_chat_id);
  g_free (config->telegram_api_url);
  g_free (config->webhook_url);
  g_free (config->webhook_header);
  g_free (config);
}

gboolean
lookout_parse_duration (const char  *text,
                        gint64      *out_ms,
                        GError     **error)
{
  const char *p;
  gint64 total = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  p = text;
  while (g_ascii_isspace (*p))
    p++;

  if (*p == '\0')
    goto bad;

  while (*p != '\0' && !g_ascii_isspace (*p))
    {
      gint64 unit_ms;
      guint64 n;
      char *end;

      if (!g_ascii_isdigit (*p))
        goto bad;
      errno = 0;
      n = g_ascii_strtoull (p, &end, 10);
      if (errno != 0 || n > G_MAXINT32)
        goto bad;

      switch (*end)
        {
        case 's': unit_ms = 1000; end++; break;
        case 'm': unit_ms = 60 * 1000; end++; break;
        case 'h': unit_ms = 60 * 60 * 1000; end++; break;
        case 'd': unit_ms = 24 * 60 * 60 * 1000LL; end++; break;
        case '\0':
        case ' ':
          /* A bare number is seconds, but only on its own. */
          if (p != text && total != 0)
            goto bad;
          unit_ms = 1000;
          break;
        default:
          goto bad;
        }

      total += (gint64) n * unit_ms;
      p = end;
    }

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0' || total <= 0)
    goto bad;

  *out_ms = total;
  return TRUE;

bad:
  {
    g_autofree char *valid = g_utf8_make_valid (text, -1);

    g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                 _("“%s” is not a duration such as 90s, 10m, 1h30m or 2d"), valid);
  }
  return FALSE;
}

gboolean
lookout_parse_reminders (const char  *text,
                         gint64      *out_ms,
                         guint       *out_n,
                         GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *stripped = NULL;
  guint n = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '\0' || g_ascii_strcasecmp (stripped, "none") == 0)
    {
      *out_n = 0;
      return TRUE;
    }

  parts = g_strsplit (stripped, ",", -1);
  if (g_strv_length (parts) > LOOKOUT_ALERT_MAX_REMINDERS)
    {
      g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                   _("at most %d reminders are allowed"), LOOKOUT_ALERT_MAX_REMINDERS);
      return FALSE;
    }

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 ms;

      if (!lookout_parse_duration (parts[i], &ms, error))
        return FALSE;
      if (n > 0 && ms <= out_ms[n - 1])
        {
          g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                       _("reminders must grow from one to the next (“%s” does not)"),
                       g_strstrip (parts[i]));
          return FALSE;
        }
      out_ms[n++] = ms;
    }

  *out_n = n;
  return TRUE;
}

/* Prefixes @error with "[group] key: ". */
static gboolean
fail_at (GError     **error,
         GError      *cause,
         const char  *group,
         const char  *key)
{
  /* Names come from the file as bytes; the message must stay readable. */
  g_autofree char *valid_group = g_utf8_make_valid (group, -1);
  g_autofree char *valid_key = key != NULL ? g_utf8_make_valid (key, -1) : NULL;

  if (key != NULL)
    g_set_error (error, cause->domain, cause->code, "[%s] %s: %s", valid_group, valid_key, cause->message);
  else
    g_set_error (error, cause->domain, cause->code, "[%s]: %s", valid_group, cause->message);
  g_error_free (cause);
  return FALSE;
}

static GError *
invalid (const char *format,
         ...) G_GNUC_PRINTF (1, 2);

static GError *
invalid (const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return g_error_new_literal (LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
                              message);
}

static GError *
check_http_url (const char *value)
{
  g_autoptr(GUri) uri = g_uri_parse (value, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return invalid (_("“%s” is not an http:// or https:// address"), value);

  return NULL;
}

static GError *
parse_number (const char *value,
              double      min,
              double      max,
              gboolean    integer,
              double     *out)
{
  char *end = NULL;
  double d;

  errno = 0;
  d = g_ascii_strtod (value, &end);
  if (errno != 0 || end == value || *end != '\0' || d < min || d > max ||
      (integer && d != (double) (gint64) d))
    {
      if (integer)
        return invalid (_("“%s” is not a whole number from %.0f to %.0f"), value, min, max);
      return invalid (_("“%s” is not a number from %g to %g"), value, min, max);
    }

  *out = d;
  return NULL;
}

static GError *
set_value (LookoutAlertConfig *config,
           const char         *group,
           const char         *key,
           const char         *value)
{
  GError *error = NULL;
  double d;

  if (g_str_equal (group, "telegram"))
    {
      if (g_str_equal (key, "token"))
        {
          /* Bot tokens are "<digits>:<letters>"; anything with a slash or a
           * space would change the request path. */
          if (value[0] == '\0' || strpbrk (value, "/?# \t") != NULL)
            return invalid (_("a bot token looks like 123456:ABC-DEF…"));
          g_free (config->telegram_token);
          config->telegram_token = g_strdup (value);
        }
      else if (g_str_equal (key, "chat-id"))
        {
          if (value[0] == '\0')
            return invalid (_("the chat ID must not be empty"));
          g_free (config->telegram_chat_id);
          config->telegram_chat_id = g_strdup (value);
        }
      else if (g_str_equal (key, "api-url"))
        {
          if ((error = check_http_url (value)))
            return error;
          g_free (config->telegram_api_url);
          config->telegram_api_url = g_strdup (value);
        }
    }
  else if (g_str_equal (group, "webhook"))
    {
      if (g_str_equal (key, "url"))
        {
          if ((error = check_http_url (value)))
            return error;
          g_free (config->webhook_url);
          config->webhook_url = g_strdup (value);
        }
      else if (g_str_equal (key, "header"))
        {
          g_autoptr(GError) header_error = NULL;

          if (!lookout_http_header_parse (value, NULL, NULL, &header_error))
            return invalid ("%s", header_error->message);
          g_free (config->webhook_header);
          config->webhook_header = g_strdup (value);
        }
    }
  else if (g_str_equal (group, "alerts"))
    {
      if (g_str_equal (key, "reminders"))
        {
          if (!lookout_parse_reminders (value, config->reminders_ms, &config->n_reminders, &error))
            return error;
        }
      else if (g_str_equal (key, "up-after"))
        {
          if ((error = parse_number (value, 1, LOOKOUT_TARGET_MAX_FAIL_THRESHOLD, TRUE, &d)))
            return error;
          config->up_after = (guint) d;
        }
      else if (g_str_equal (key, "flap-high"))
        {
          if ((error = parse_number (value, 0, 100, FALSE, &d)))
            return error;
          config->flap_high = d;
        }
      else if (g_str_equal (key, "flap-low"))
        {
          if ((error = parse_number (value, 0, 100, FALSE, &d)))
            return error;
          config->flap_low = d;
        }
      else if (g_str_equal (key, "cert-warning-days"))
        {
          if ((error = parse_number (value, 0, 365, TRUE, &d)))
            return error;
          config->cert_warning_days = (guint) d;
        }
      else if (g_str_equal (key, "notify-degraded"))
        {
          if (g_ascii_strcasecmp (value, "true") == 0)
            config->notify_degraded = TRUE;
          else if (g_ascii_strcasecmp (value, "false") == 0)
            config->notify_degraded = FALSE;
          else
            return invalid (_("“%s” is neither true nor false"), value);
        }
    }

  return NULL;
}

gboolean
lookout_alert_config_load_data (LookoutAlertConfig  *config,
                                const char          *data,
                                gsize                length,
                                GError             **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_auto(GStrv) group_names = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!g_key_file_load_from_data (key_file, data, length, G_KEY_FILE_NONE, &local_error))
    {
      /* GKeyFile quotes the offending bytes as they are. */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_PARSE,
                   _("Not a valid configuration file: %s"), valid);
      return FALSE;
    }

  group_names = g_key_file_get_groups (key_file, NULL);
  for (guint g = 0; group_names[g] != NULL; g++)
    {
      const char *group = group_names[g];
      const char * const *known = NULL;
      g_auto(GStrv) keys = NULL;

      /* [api], [agent] and [agent NAME] are read by `lookout-agent run` */
      if (g_str_equal (group, "api") || g_str_equal (group, "agent") || g_str_has_prefix (group, "agent "))
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
        if (g_str_equal (groups[i].name, group))
          known = groups[i].keys;

      if (known == NULL)
        return fail_at (error,
                        g_error_new (LOOKOUT_ALERT_CONFIG_ERROR,
                                     LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_GROUP,
                                     _("unknown group; the groups are [telegram], [webhook] and [alerts]")),
                        group, NULL);

      keys = g_key_file_get_keys (key_file, group, NULL, NULL);
      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          g_autofree char *value = NULL;
          g_autofree char *list = NULL;
          GError *cause;

          if (!g_strv_contains (known, keys[k]))
            {
              list = g_strjoinv (", ", (char **) known);
              return fail_at (error,
                              g_error_new (LOOKOUT_ALERT_CONFIG_ERROR,
                                           LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_KEY,
                                           _("unknown key; the keys of this group are %s"), list),
                              group, keys[k]);
            }

          value = g_key_file_get_string (key_file, group, keys[k], &local_error);
          if (value == NULL)
            {
              g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);

              return fail_at (error, invalid ("%s", valid), group, keys[k]);
            }
          g_strstrip (value);

          if ((cause = set_value (config, group, keys[k], value)))
            return fail_at (error, cause, group, keys[k]);
        }
    }

  if ((config->telegram_token != NULL) != (config->telegram_chat_id != NULL))
    return fail_at (error,
                    g_error_new (LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
                                 _("missing: Telegram needs both a token and a chat ID")),
                    "telegram", config->telegram_token != NULL ? "chat-id" : "token");

  if (config->webhook_header != NULL && config->webhook_url == NULL)
    return fail_at (error,
                    g_error_new (LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
                                 _("missing: a header needs a webhook URL")),
                    "webhook", "url");

  if (config->flap_low > config->flap_high)
    return fail_at (error,
                    invalid (_("must not be above flap-high (%g)"), config->flap_high),
                    "alerts", "flap-low");

  return TRUE;
}

gboolean
lookout_alert_config_load_file (LookoutAlertConfig  *config,
                                const char          *path,
                                GError             **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!lookout_input_file_read (path, LOOKOUT_INPUT_LIMIT_CONFIG, _("a configuration file"),
                                &data, &length, error))
    return FALSE;

  return lookout_alert_config_load_data (config, data, length, error);
}

void
lookout_alert_config_apply (const LookoutAlertConfig *config,
                            LookoutAlertEngine       *engine,
                            LookoutNotifier          *notifier)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (engine));
  g_return_if_fail (notifier == NULL || LOOKOUT_IS_NOTIFIER (notifier));

  lookout_alert_engine_set_up_after (engine, config->up_after);
  lookout_alert_engine_set_flap_thresholds (engine, config->flap_high, config->flap_low);
  lookout_alert_engine_set_cert_warning_days (engine, config->cert_warning_days);
  lookout_alert_engine_set_notify_degraded (engine, config->notify_degraded);
  lookout_alert_engine_set_reminders (engine, config->reminders_ms, config->n_reminders);

  if (notifier == NULL)
    return;

  lookout_notifier_set_group_window (notifier, LOOKOUT_NOTIFIER_GROUP_WINDOW_MS);

  if (config->telegram_token != NULL && config->telegram_chat_id != NULL)
    {
      g_autoptr(LookoutAlertChannel) telegram =
        lookout_telegram_channel_new (config->telegram_token, config->telegram_chat_id);

      lookout_telegram_channel_set_api_url (LOOKOUT_TELEGRAM_CHANNEL (telegram),
                                            config->telegram_api_url);
      lookout_notifier_add_channel (notifier, telegram);
    }

  if (config->webhook_url != NULL)
    {
      g_autoptr(LookoutAlertChannel) webhook =
        lookout_webhook_channel_new (config->webhook_url, config->webhook_header);

      lookout_notifier_add_channel (notifier, webhook);
    }
}
