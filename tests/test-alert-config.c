/* test-alert-config.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "lookout-alert-config.h"
#include "lookout-input-file.h"
#include "lookout-telegram-channel.h"
#include "lookout-webhook-channel.h"

static void
test_durations (void)
{
  static const struct { const char *text; gint64 ms; } good[] = {
    { "90s", 90000 }, { "10m", 600000 }, { "1h", 3600000 }, { "1h30m", 5400000 },
    { "2d", 172800000 }, { "45", 45000 }, { " 5m ", 300000 }, { "1h0m5s", 3605000 },
  };
  static const char *bad[] = {
    "", "m", "10x", "-5m", "1.5h", "0s", "1h30", "10 m", "99999999999s", "h1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ms = 0;

      g_assert_true (lookout_parse_duration (good[i].text, &ms, &error));
      g_assert_no_error (error);
      g_assert_cmpint (ms, ==, good[i].ms);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ms = 0;

      g_test_message ("bad duration \"%s\"", bad[i]);
      g_assert_false (lookout_parse_duration (bad[i], &ms, &error));
      g_assert_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE);
    }
}

static void
test_reminders (void)
{
  gint64 ms[LOOKOUT_ALERT_MAX_REMINDERS];
  g_autoptr(GError) error = NULL;
  guint n = 99;

  g_assert_true (lookout_parse_reminders ("10m, 30m,1h", ms, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (ms[0], ==, 600000);
  g_assert_cmpint (ms[1], ==, 1800000);
  g_assert_cmpint (ms[2], ==, 3600000);

  g_assert_true (lookout_parse_reminders ("none", ms, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (lookout_parse_reminders ("", ms, &n, &error));
  g_assert_cmpuint (n, ==, 0);

  g_assert_false (lookout_parse_reminders ("30m,10m", ms, &n, &error));
  g_assert_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==, "reminders must grow from one to the next (“10m” does not)");
  g_clear_error (&error);
  g_assert_false (lookout_parse_reminders ("10m,,1h", ms, &n, &error));
  g_assert_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE);
}

static void
test_full_file (void)
{
  static const char data[] =
    "# lookout-agent alerts\n"
    "[telegram]\n"
    "token = 123456:ABC-DEF\n"
    "chat-id = -100123\n"
    "api-url = http://127.0.0.1:8081\n"
    "\n"
    "[webhook]\n"
    "url = https://hooks.example.org/lookout\n"
    "header = Authorization: Bearer s3cret\n"
    "\n"
    "[alerts]\n"
    "reminders = 5m,1h,1d\n"
    "up-after = 2\n"
    "flap-high = 40\n"
    "flap-low = 20.5\n"
    "cert-warning-days = 30\n"
    "notify-degraded = false\n";
  g_autoptr(LookoutAlertConfig) config = lookout_alert_config_new ();
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (NULL);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *header = NULL;
  LookoutAlertChannel *channel;
  double high, low;

  g_assert_true (lookout_alert_config_load_data (config, data, sizeof data - 1, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->telegram_token, ==, "123456:ABC-DEF");
  g_assert_cmpstr (config->telegram_chat_id, ==, "-100123");
  g_assert_cmpstr (config->webhook_header, ==, "Authorization: Bearer s3cret");
  g_assert_cmpuint (config->n_reminders, ==, 3);
  g_assert_cmpint (config->reminders_ms[2], ==, 86400000);

  lookout_alert_config_apply (config, engine, notifier);
  g_assert_cmpuint (lookout_alert_engine_get_up_after (engine), ==, 2);
  g_assert_cmpuint (lookout_alert_engine_get_cert_warning_days (engine), ==, 30);
  g_assert_false (lookout_alert_engine_get_notify_degraded (engine));
  g_object_get (engine, "flap-high", &high, "flap-low", &low, NULL);
  g_assert_cmpfloat (high, ==, 40.0);
  g_assert_cmpfloat (low, ==, 20.5);

  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (notifier)), ==, 2);
  channel = lookout_notifier_find_channel (notifier, "telegram");
  g_assert_true (LOOKOUT_IS_TELEGRAM_CHANNEL (channel));
  g_object_get (channel, "api-url", &api_url, NULL);
  g_assert_cmpstr (api_url, ==, "http://127.0.0.1:8081");
  channel = lookout_notifier_find_channel (notifier, "webhook");
  g_assert_true (LOOKOUT_IS_WEBHOOK_CHANNEL (channel));
  g_object_get (channel, "header", &header, NULL);
  g_assert_cmpstr (header, ==, "Authorization: Bearer s3cret");
}

static void
test_defaults (void)
{
  g_autoptr(LookoutAlertConfig) config = lookout_alert_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_alert_config_load_data (config, "", 0, &error));
  g_assert_no_error (error);
  g_assert_null (config->telegram_token);
  g_assert_cmpstr (config->telegram_api_url, ==, "https://api.telegram.org");
  g_assert_null (config->webhook_url);
  g_assert_cmpuint (config->n_reminders, ==, 3);
  g_assert_cmpint (config->reminders_ms[0], ==, 600000);
  g_assert_cmpuint (config->up_after, ==, 1);
  g_assert_true (config->notify_degraded);
}

typedef struct
{
  const char *data;
  int         code;
  const char *message;
} BadCase;

static const BadCase bad_cases[] = {
  { "[telegram\ntoken=1", LOOKOUT_ALERT_CONFIG_ERROR_PARSE, NULL },
  { "[smtp]\nhost=x\n", LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_GROUP,
    "[smtp]: unknown group; the groups are [telegram], [webhook] and [alerts]" },
  { "[telegram]\ntoken=1:a\nchat-id=5\nchat=5\n", LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_KEY,
    "[telegram] chat: unknown key; the keys of this group are token, chat-id, api-url" },
  { "[alerts]\nreminder=10m\n", LOOKOUT_ALERT_CONFIG_ERROR_UNKNOWN_KEY,
    "[alerts] reminder: unknown key; the keys of this group are reminders, up-after, flap-high, flap-low, cert-warning-days, notify-degraded" },
  { "[alerts]\nreminders=10m,soon\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] reminders: “soon” is not a duration such as 90s, 10m, 1h30m or 2d" },
  { "[alerts]\nup-after=0\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] up-after: “0” is not a whole number from 1 to 100" },
  { "[alerts]\nup-after=2.5\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] up-after: “2.5” is not a whole number from 1 to 100" },
  { "[alerts]\nflap-high=150\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] flap-high: “150” is not a number from 0 to 100" },
  { "[alerts]\nflap-high=20\nflap-low=30\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] flap-low: must not be above flap-high (20)" },
  { "[alerts]\nnotify-degraded=yes\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[alerts] notify-degraded: “yes” is neither true nor false" },
  { "[telegram]\ntoken=1:a\n", LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
    "[telegram] chat-id: missing: Telegram needs both a token and a chat ID" },
  { "[telegram]\nchat-id=4\n", LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
    "[telegram] token: missing: Telegram needs both a token and a chat ID" },
  { "[telegram]\ntoken=1:a/../x\nchat-id=4\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[telegram] token: a bot token looks like 123456:ABC-DEF…" },
  { "[telegram]\ntoken=1:a\nchat-id=4\napi-url=ftp://x\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[telegram] api-url: “ftp://x” is not an http:// or https:// address" },
  { "[webhook]\nurl=not a url\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] url: “not a url” is not an http:// or https:// address" },
  { "[webhook]\nurl=http://127.0.0.1/\nheader=Bearer x\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] header: a header looks like “Authorization: Bearer …”" },
  /* a key file's \r\n escapes would otherwise smuggle a header of their own */
  { "[webhook]\nurl=http://127.0.0.1/\nheader=X-Key: 1\\r\\nX-Evil: 2\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] header: the value of the header “X-Key” must not contain a line break" },
  { "[webhook]\nurl=http://127.0.0.1/\nheader=X-Key: 1\\nX-Evil: 2\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] header: the value of the header “X-Key” must not contain a line break" },
  { "[webhook]\nurl=http://127.0.0.1/\nheader=X-Key: a\x01" "b\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] header: the value of the header “X-Key” must not contain control characters" },
  { "[webhook]\nurl=http://127.0.0.1/\nheader=X Key: 1\n", LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE,
    "[webhook] header: “X Key” is not a valid HTTP header name" },
  { "[webhook]\nheader=X-Key: 1\n", LOOKOUT_ALERT_CONFIG_ERROR_MISSING_KEY,
    "[webhook] url: missing: a header needs a webhook URL" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(LookoutAlertConfig) config = lookout_alert_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (lookout_alert_config_load_data (config, c->data, strlen (c->data), &error));
  g_assert_error (error, LOOKOUT_ALERT_CONFIG_ERROR, c->code);
  if (c->message != NULL)
    g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_missing_file (void)
{
  g_autoptr(LookoutAlertConfig) config = lookout_alert_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (lookout_alert_config_load_file (config, "/nonexistent/lookout.conf", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_false (lookout_alert_config_load_file (config, "/dev/zero", &error));
  g_assert_error (error, LOOKOUT_INPUT_FILE_ERROR, LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "/dev/zero is larger than 1.0\xc2\xa0MiB, the limit for a configuration file");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alert-config/durations", test_durations);
  g_test_add_func ("/alert-config/reminders", test_reminders);
  g_test_add_func ("/alert-config/full-file", test_full_file);
  g_test_add_func ("/alert-config/defaults", test_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/alert-config/bad/%u", i);

      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/alert-config/missing-file", test_missing_file);

  return g_test_run ();
}
