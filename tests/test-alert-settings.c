/* test-alert-settings.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The desktop app's alert settings: the real schema compiled into a
 * temporary directory, the memory GSettings backend, libsecret's file
 * backend, and a SoupServer on 127.0.0.1 for "Send test notification". */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lookout-test.h"

#include "lookout-alert-config.h"
#include "lookout-alert-settings.h"
#include "lookout-telegram-channel.h"
#include "lookout-secrets.h"

static LookoutTestDir *tmp_dir;

typedef struct
{
  GSettings            *settings;
  LookoutAlertEngine   *engine;
  LookoutNotifier      *notifier;
  LookoutAlertSettings *alerts;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  /* The memory backend lives as long as the process: start from defaults. */
  f->settings = g_settings_new (APPLICATION_ID);
  g_object_get (f->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (f->settings, keys[i]);

  f->engine = lookout_alert_engine_new (NULL);
  f->notifier = lookout_notifier_new (f->engine, NULL);
  f->alerts = lookout_alert_settings_new (f->settings, f->engine, f->notifier, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->alerts);
  g_clear_object (&f->notifier);
  g_clear_object (&f->engine);
  g_clear_object (&f->settings);
}

static void
test_thresholds (Fixture       *f,
                 gconstpointer  data)
{
  const gint64 *offsets;
  double high, low;
  guint n;

  /* The schema's defaults are the engine's. */
  offsets = lookout_alert_engine_get_reminders (f->engine, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (offsets[0], ==, 600000);
  g_assert_cmpint (offsets[2], ==, 3600000);
  g_assert_cmpuint (lookout_alert_engine_get_up_after (f->engine), ==, 1);

  g_settings_set_uint (f->settings, "alert-up-after", 3);
  g_assert_cmpuint (lookout_alert_engine_get_up_after (f->engine), ==, 3);
  g_settings_set_uint (f->settings, "alert-cert-warning-days", 30);
  g_assert_cmpuint (lookout_alert_engine_get_cert_warning_days (f->engine), ==, 30);
  g_settings_set_boolean (f->settings, "alert-notify-degraded", FALSE);
  g_assert_false (lookout_alert_engine_get_notify_degraded (f->engine));

  g_settings_set_string (f->settings, "alert-reminders", "5m, 15m");
  offsets = lookout_alert_engine_get_reminders (f->engine, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (offsets[1], ==, 900000);

  /* A schedule that does not parse leaves the last good one (with a
   * warning; the core logs structured, which g_test_expect_message does not
   * see in GLib 2.74, so warnings are made non-fatal for the moment). */
  {
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);

    g_settings_set_string (f->settings, "alert-reminders", "soon");
    g_log_set_always_fatal (fatal);
  }
  offsets = lookout_alert_engine_get_reminders (f->engine, &n);
  g_assert_cmpuint (n, ==, 2);
  g_settings_set_string (f->settings, "alert-reminders", "");
  lookout_alert_engine_get_reminders (f->engine, &n);
  g_assert_cmpuint (n, ==, 0);

  g_settings_set_double (f->settings, "alert-flap-high", 60.0);
  g_settings_set_double (f->settings, "alert-flap-low", 30.0);
  g_object_get (f->engine, "flap-high", &high, "flap-low", &low, NULL);
  g_assert_cmpfloat (high, ==, 60.0);
  g_assert_cmpfloat (low, ==, 30.0);

  /* Do not disturb goes both ways (a notification action may set it). */
  g_settings_set_boolean (f->settings, "do-not-disturb", TRUE);
  g_assert_true (lookout_alert_engine_get_do_not_disturb (f->engine));
  lookout_alert_engine_set_do_not_disturb (f->engine, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "do-not-disturb"));
}

static void
test_channels (Fixture       *f,
               gconstpointer  data)
{
  LookoutAlertChannel *telegram;
  g_autofree char *chat_id = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (f->notifier)), ==, 3);
  g_assert_true (lookout_alert_channel_get_enabled (lookout_notifier_find_channel (f->notifier, "desktop")));
  g_assert_false (lookout_alert_channel_get_enabled (lookout_notifier_find_channel (f->notifier, "webhook")));

  telegram = lookout_notifier_find_channel (f->notifier, "telegram");
  g_assert_false (lookout_alert_channel_get_enabled (telegram));
  g_settings_set_boolean (f->settings, "notify-telegram", TRUE);
  g_settings_set_string (f->settings, "telegram-chat-id", "-42");
  g_assert_true (lookout_alert_channel_get_enabled (telegram));
  g_object_get (telegram, "chat-id", &chat_id, NULL);
  g_assert_cmpstr (chat_id, ==, "-42");

  /* Gone with the settings object. */
  g_clear_object (&f->alerts);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (f->notifier)), ==, 0);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  g_ptr_array_add (user_data, g_strdup_printf ("%s %.*s", path, (int) g_bytes_get_size (bytes),
                                               (const char *) g_bytes_get_data (bytes, NULL)));
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
}

static void
test_secrets_and_test_notification (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LookoutAlertSettings) again = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *base = NULL;

  server = lookout_test_http_server_new (server_cb, requests, &base);

  g_settings_set_string (f->settings, "telegram-api-url", base);
  g_settings_set_string (f->settings, "telegram-chat-id", "77");

  lookout_alert_settings_set_telegram_token_async (f->alerts, "555:keyring-token", NULL,
                                                   lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_set_secret_finish (f->alerts, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Another start of the app finds the token in the keyring, not in GSettings. */
  g_clear_object (&f->alerts);
  again = lookout_alert_settings_new (f->settings, f->engine, f->notifier, NULL);
  lookout_alert_settings_load_secrets_async (again, NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_load_secrets_finish (again, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_object_get (lookout_notifier_find_channel (f->notifier, "telegram"), "token", &token, NULL);
  g_assert_cmpstr (token, ==, "555:keyring-token");

  /* The test button works whether or not Telegram is switched on. */
  g_assert_false (g_settings_get_boolean (f->settings, "notify-telegram"));
  lookout_alert_settings_send_test_async (again, "telegram", NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_send_test_finish (again, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (requests->len, ==, 1);
  g_assert_cmpstr (requests->pdata[0], ==,
                   "/bot555:keyring-token/sendMessage "
                   "{\"chat_id\":\"77\",\"text\":\"This is a test notification from Lookout: this channel works.\","
                   "\"disable_web_page_preview\":true}");

  /* A webhook without an address says so. */
  lookout_alert_settings_send_test_async (again, "webhook", NULL, lookout_test_async_cb, &result);
  g_assert_false (lookout_alert_settings_send_test_finish (again, lookout_test_wait_result (&result), &error));
  g_assert_error (error, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Clearing the token removes it from the keyring. */
  lookout_alert_settings_set_telegram_token_async (again, "", NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_set_secret_finish (again, lookout_test_wait_result (&result), &error));
  g_clear_object (&result);
  g_clear_pointer (&token, g_free);
  g_object_get (lookout_notifier_find_channel (f->notifier, "telegram"), "token", &token, NULL);
  g_assert_null (token);

  soup_server_disconnect (server);
}

/* Two more webhooks and a Telegram chat from the setting: each a channel
 * with its own id, a target's "channels" option choosing among them, its
 * header kept in the keyring under its own name, kept as the list changes
 * around it, gone when taken out of the list. */
static void
test_more_channels (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LookoutAlertSettings) again = NULL;
  g_autoptr(LookoutAlertEvent) event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_DOWN);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *ops_url = NULL;
  g_autofree char *dev_url = NULL;
  g_autofree char *header = NULL;
  LookoutAlertChannel *ops;

  /* libsecret's file keyring (the tests' stand-in for a Secret Service)
   * opened by two callers at once keeps two copies apart: open it first. */
  lookout_secret_lookup_named_async ("webhook-header:ops", NULL, lookout_test_async_cb, &result);
  g_free (lookout_secret_lookup_finish (lookout_test_wait_result (&result), NULL));
  g_clear_object (&result);

  server = lookout_test_http_server_new (server_cb, requests, &base);
  ops_url = g_strdup_printf ("%s/ops", base);
  dev_url = g_strdup_printf ("%s/dev", base);
  g_settings_set_value (f->settings, "channels",
                        g_variant_new_parsed ("[('ops', 'webhook', 'Operations', %s, true),"
                                              " ('dev', 'webhook', 'Developers', %s, true),"
                                              " ('oncall', 'telegram', 'On call', '-100', false)]",
                                              ops_url, dev_url));
  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (f->notifier)), ==, 6);
  ops = lookout_notifier_find_channel (f->notifier, "ops");
  g_assert_nonnull (ops);
  g_assert_true (lookout_alert_channel_get_enabled (ops));
  g_assert_false (lookout_alert_channel_get_enabled (lookout_notifier_find_channel (f->notifier, "oncall")));

  g_assert_false (lookout_alert_settings_check_channel_id (f->alerts, "desktop", &error));
  g_assert_nonnull (strstr (error->message, "already"));
  g_clear_error (&error);
  g_assert_false (lookout_alert_settings_check_channel_id (f->alerts, "dev", &error));
  g_assert_nonnull (strstr (error->message, "already"));
  g_clear_error (&error);
  g_assert_false (lookout_alert_settings_check_channel_id (f->alerts, "on call", &error));
  g_clear_error (&error);
  g_assert_true (lookout_alert_settings_check_channel_id (f->alerts, "qa", &error));

  lookout_alert_settings_set_channel_secret_async (f->alerts, "ops", "Authorization: Bearer ops-secret", NULL,
                                                   lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_set_secret_finish (f->alerts, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* an event of a target whose option names dev: to dev alone */
  event->target_id = 4;
  event->target_name = g_strdup ("db");
  event->target_uri = g_strdup ("tcp://192.0.2.4:5432");
  event->title = g_strdup ("db is down");
  event->message = g_strdup ("db is down");
  event->channels = g_strsplit ("dev", ",", -1);
  lookout_notifier_dispatch (f->notifier, event);
  LOOKOUT_TEST_WAIT (requests->len == 1);
  g_assert_true (g_str_has_prefix (requests->pdata[0], "/dev "));

  /* another start finds the ops header in the keyring */
  g_clear_object (&f->alerts);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (f->notifier)), ==, 0);
  again = lookout_alert_settings_new (f->settings, f->engine, f->notifier, NULL);
  ops = lookout_notifier_find_channel (f->notifier, "ops");
  LOOKOUT_TEST_WAIT (({ g_clear_pointer (&header, g_free);
                        g_object_get (ops, "header", &header, NULL);
                        header != NULL; }));
  g_assert_cmpstr (header, ==, "Authorization: Bearer ops-secret");

  /* dev taken out: ops stays the same channel, with its header */
  g_settings_set_value (f->settings, "channels",
                        g_variant_new_parsed ("[('ops', 'webhook', 'Operations', %s, true)]", ops_url));
  g_assert_cmpuint (g_list_model_get_n_items (lookout_notifier_get_channels (f->notifier)), ==, 4);
  g_assert_null (lookout_notifier_find_channel (f->notifier, "dev"));
  g_assert_true (lookout_notifier_find_channel (f->notifier, "ops") == ops);
  lookout_alert_settings_send_test_async (again, "ops", NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_send_test_finish (again, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (requests->len, ==, 2);
  g_assert_true (g_str_has_prefix (requests->pdata[1], "/ops "));

  lookout_alert_settings_set_channel_secret_async (again, "ops", "", NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_set_secret_finish (again, lookout_test_wait_result (&result), &error));
  g_clear_object (&result);
  soup_server_disconnect (server);
}

/* A header with a line break is refused before anything is stored: the
 * channel keeps the header it had, and the keyring is not touched. */
static void
test_header_injection_refused (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;

  lookout_alert_settings_set_webhook_header_async (f->alerts, "X-Key: 1", NULL,
                                                   lookout_test_async_cb, &result);
  g_assert_true (lookout_alert_settings_set_secret_finish (f->alerts, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  lookout_alert_settings_set_webhook_header_async (f->alerts, "X-Key: 1\r\nX-Evil: 2", NULL,
                                                   lookout_test_async_cb, &result);
  g_assert_false (lookout_alert_settings_set_secret_finish (f->alerts, lookout_test_wait_result (&result), &error));
  g_assert_error (error, LOOKOUT_ALERT_CONFIG_ERROR, LOOKOUT_ALERT_CONFIG_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "Webhook header: the value of the header “X-Key” must not contain a line break");
  g_clear_object (&result);

  g_object_get (lookout_notifier_find_channel (f->notifier, "webhook"), "header", &header, NULL);
  g_assert_cmpstr (header, ==, "X-Key: 1");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = NULL;
  g_autofree char *schema_src = NULL;
  g_autofree char *command = NULL;
  int status = -1;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = lookout_test_dir_new ();
  schema_src = g_test_build_filename (G_TEST_DIST, "..", "data", NULL);
  command = g_strdup_printf ("glib-compile-schemas --strict --targetdir=%s %s", tmp_dir, schema_src);
  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    g_error ("Could not compile the schema: %s", command);

  keyring = g_build_filename (tmp_dir, "test.keyring", NULL);
  g_setenv ("GSETTINGS_SCHEMA_DIR", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "lookout-test", TRUE);

  g_test_add ("/alert-settings/thresholds", Fixture, NULL, fixture_set_up, test_thresholds, fixture_tear_down);
  g_test_add ("/alert-settings/channels", Fixture, NULL, fixture_set_up, test_channels, fixture_tear_down);
  g_test_add ("/alert-settings/more-channels", Fixture, NULL, fixture_set_up, test_more_channels,
              fixture_tear_down);
  g_test_add ("/alert-settings/header-injection-refused", Fixture, NULL, fixture_set_up,
              test_header_injection_refused, fixture_tear_down);
  g_test_add ("/alert-settings/secrets-and-test-notification", Fixture, NULL,
              fixture_set_up, test_secrets_and_test_notification, fixture_tear_down);

  ret = g_test_run ();
  lookout_test_dir_free (tmp_dir);
  return ret;
}
