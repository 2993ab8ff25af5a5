/* test-alert-channels.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Telegram and webhook delivery against an in-process SoupServer on
 * 127.0.0.1, asserting the exact requests; retries, independence of
 * channels, and delivery marks in a real store. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lookout-test.h"

#include "lookout-alert-engine.h"
#include "lookout-notifier.h"
#include "lookout-target-options.h"
#include "lookout-telegram-channel.h"
#include "lookout-webhook-channel.h"

typedef struct
{
  char *method;
  char *path;
  char *content_type;
  char *authorization;
  char *body;
} Request;

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *requests;
  guint       fail_first;   /* answer 500 to this many requests */
  gboolean    hang;         /* never answer */
  const char *reply;        /* body of a 200 */
  GPtrArray  *paused;
} Server;

static void
request_free (Request *r)
{
  g_free (r->method);
  g_free (r->path);
  g_free (r->content_type);
  g_free (r->authorization);
  g_free (r->body);
  g_free (r);
}

static void
server_handler (SoupServer        *soup_server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Server *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  Request *r = g_new0 (Request, 1);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  r->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  r->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_ptr_array_add (server->requests, r);

  if (server->hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (server->paused, g_object_ref (msg));
      return;
    }

  if (server->requests->len <= server->fail_first)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "try later", 9);
      return;
    }

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    server->reply, strlen (server->reply));
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);

  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  server->reply = "{\"ok\":true,\"result\":{\"message_id\":1}}";
  server->server = lookout_test_http_server_new (server_handler, server, &server->base);

  return server;
}

static void
server_free (Server *server)
{
  g_clear_pointer (&server->paused, g_ptr_array_unref);
  soup_server_disconnect (server->server);
  g_clear_object (&server->server);
  g_clear_pointer (&server->requests, g_ptr_array_unref);
  g_free (server->base);
  g_free (server);
}

static LookoutAlertEvent *
make_event (LookoutAlertEventKind kind,
            const char           *message)
{
  LookoutAlertEvent *event = lookout_alert_event_new (kind);

  event->target_id = 3;
  event->target_name = g_strdup ("web");
  event->target_uri = g_strdup ("https://192.0.2.1/health");
  event->ts_ms = G_GINT64_CONSTANT (1800000000123);
  event->since_ms = G_GINT64_CONSTANT (1799999990000);
  event->title = g_strdup ("web is down");
  event->message = g_strdup (message);
  event->error = g_strdup ("Connection refused");
  return event;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} SendResult;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SendResult *r = user_data;

  r->ok = lookout_alert_channel_send_finish (LOOKOUT_ALERT_CHANNEL (object), result, &r->error);
  r->done = TRUE;
}

static void
delivered_count_cb (LookoutAlertChannel *channel,
                    LookoutAlertEvent   *event,
                    guint                attempts,
                    guint               *count)
{
  (*count)++;
}

static void
failed_count_cb (LookoutAlertChannel *channel,
                 LookoutAlertEvent   *event,
                 const GError        *error,
                 guint               *count)
{
  g_assert_error (error, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED);
  (*count)++;
}

/* ---- exact requests ---- */

static void
test_telegram_request (void)
{
  Server *server = server_new ();
  g_autoptr(LookoutAlertChannel) channel = lookout_telegram_channel_new ("123:ABC", "-1001");
  g_autoptr(LookoutAlertEvent) event = make_event (LOOKOUT_ALERT_EVENT_DOWN,
                                                   "web is down since 2027-01-15 07:59:50: Connection refused");
  SendResult r = { 0 };
  Request *req;

  lookout_telegram_channel_set_api_url (LOOKOUT_TELEGRAM_CHANNEL (channel), server->base);
  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &r);
  LOOKOUT_TEST_WAIT (r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);

  g_assert_cmpuint (server->requests->len, ==, 1);
  req = g_ptr_array_index (server->requests, 0);
  g_assert_cmpstr (req->method, ==, "POST");
  g_assert_cmpstr (req->path, ==, "/bot123:ABC/sendMessage");
  g_assert_cmpstr (req->content_type, ==, "application/json");
  g_assert_null (req->authorization);
  g_assert_cmpstr (req->body, ==,
                   "{\"chat_id\":\"-1001\","
                   "\"text\":\"web is down since 2027-01-15 07:59:50: Connection refused\","
                   "\"disable_web_page_preview\":true}");

  server_free (server);
}

static void
test_telegram_refused (void)
{
  Server *server = server_new ();
  g_autoptr(LookoutAlertChannel) channel = lookout_telegram_channel_new ("123:ABC", "nobody");
  g_autoptr(LookoutAlertEvent) event = make_event (LOOKOUT_ALERT_EVENT_UP, "web is now up after 00:00:10.");
  SendResult r = { 0 };

  server->reply = "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}";
  g_object_set (channel, "api-url", server->base, NULL);
  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &r);
  LOOKOUT_TEST_WAIT (r.done);
  g_assert_error (r.error, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED);
  g_assert_nonnull (strstr (r.error->message, "chat not found"));
  g_clear_error (&r.error);

  /* Without a token nothing is sent. */
  g_object_set (channel, "token", "", NULL);
  r.done = FALSE;
  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &r);
  LOOKOUT_TEST_WAIT (r.done);
  g_assert_error (r.error, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED);
  g_clear_error (&r.error);
  g_assert_cmpuint (server->requests->len, ==, 1);

  server_free (server);
}

static void
test_webhook_request (void)
{
  Server *server = server_new ();
  g_autofree char *url = g_strdup_printf ("%s/hooks/lookout", server->base);
  g_autoptr(LookoutAlertChannel) channel = lookout_webhook_channel_new (url, "Authorization: Bearer s3cret");
  g_autoptr(LookoutAlertEvent) event = make_event (LOOKOUT_ALERT_EVENT_UP, "web is now up after 00:00:10.");
  SendResult r = { 0 };
  Request *req;

  event->downtime_ms = 10123;
  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &r);
  LOOKOUT_TEST_WAIT (r.done);
  g_assert_no_error (r.error);

  g_assert_cmpuint (server->requests->len, ==, 1);
  req = g_ptr_array_index (server->requests, 0);
  g_assert_cmpstr (req->method, ==, "POST");
  g_assert_cmpstr (req->path, ==, "/hooks/lookout");
  g_assert_cmpstr (req->content_type, ==, "application/json");
  g_assert_cmpstr (req->authorization, ==, "Bearer s3cret");
  g_assert_cmpstr (req->body, ==,
                   "{\"event\":\"up\","
                   "\"time\":\"2027-01-15T08:00:00.123Z\","
                   "\"timestamp_ms\":1800000000123,"
                   "\"target\":{\"id\":3,\"name\":\"web\",\"uri\":\"https://192.0.2.1/health\"},"
                   "\"title\":\"web is down\","
                   "\"message\":\"web is now up after 00:00:10.\","
                   "\"error\":\"Connection refused\","
                   "\"down_since_ms\":1799999990000,"
                   "\"downtime_ms\":10123,"
                   "\"cert_expiry_s\":null}");

  /* A bad header is a configuration error, not a request. */
  g_object_set (channel, "header", "no colon here", NULL);
  r.done = FALSE;
  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &r);
  LOOKOUT_TEST_WAIT (r.done);
  g_assert_error (r.error, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED);
  g_clear_error (&r.error);
  g_assert_cmpuint (server->requests->len, ==, 1);

  server_free (server);
}

/* ---- the queue ---- */

static void
test_retry_delivers_once (void)
{
  Server *server = server_new ();
  g_autofree char *url = g_strdup_printf ("%s/hook", server->base);
  g_autoptr(LookoutAlertChannel) channel = lookout_webhook_channel_new (url, NULL);
  g_autoptr(LookoutAlertEvent) first = make_event (LOOKOUT_ALERT_EVENT_DOWN, "first");
  g_autoptr(LookoutAlertEvent) second = make_event (LOOKOUT_ALERT_EVENT_UP, "second");
  guint delivered = 0, failed = 0;
  gint64 start;

  server->fail_first = 3;
  g_object_set (channel, "retry-initial-ms", 50, NULL);
  g_signal_connect (channel, "delivered", G_CALLBACK (delivered_count_cb), &delivered);
  g_signal_connect (channel, "failed", G_CALLBACK (failed_count_cb), &failed);

  start = g_get_monotonic_time ();
  lookout_alert_channel_enqueue (channel, first);
  lookout_alert_channel_enqueue (channel, second);
  g_assert_cmpuint (lookout_alert_channel_get_pending (channel), ==, 2);
  LOOKOUT_TEST_WAIT (delivered >= 2);

  /* Three failures (back-off 50 + 100 + 200 ms), then each event once, in order. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 350 * 1000);
  g_assert_cmpuint (failed, ==, 3);
  g_assert_cmpuint (server->requests->len, ==, 5);
  for (guint i = 0; i < 4; i++)
    g_assert_nonnull (strstr (((Request *) g_ptr_array_index (server->requests, i))->body,
                              "\"message\":\"first\""));
  g_assert_nonnull (strstr (((Request *) g_ptr_array_index (server->requests, 4))->body,
                            "\"message\":\"second\""));
  g_assert_cmpuint (lookout_alert_channel_get_pending (channel), ==, 0);

  /* Nothing more goes out later. */
  lookout_test_run_for (100);
  g_assert_cmpuint (server->requests->len, ==, 5);
  g_assert_cmpuint (delivered, ==, 2);

  server_free (server);
}

static void
test_hang_does_not_delay_others (void)
{
  Server *slow = server_new ();
  Server *fast = server_new ();
  g_autofree char *url = g_strdup_printf ("%s/hook", slow->base);
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (NULL);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, NULL);
  g_autoptr(LookoutAlertChannel) webhook = lookout_webhook_channel_new (url, NULL);
  g_autoptr(LookoutAlertChannel) telegram = lookout_telegram_channel_new ("1:x", "7");
  guint delivered = 0;
  gint64 start;

  slow->hang = TRUE;
  g_object_set (telegram, "api-url", fast->base, NULL);
  g_signal_connect (telegram, "delivered", G_CALLBACK (delivered_count_cb), &delivered);
  lookout_notifier_add_channel (notifier, webhook);
  lookout_notifier_add_channel (notifier, telegram);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("event %u", i);
      g_autoptr(LookoutAlertEvent) event = make_event (LOOKOUT_ALERT_EVENT_DOWN, text);

      lookout_notifier_dispatch (notifier, event);
    }
  LOOKOUT_TEST_WAIT (delivered >= 3);

  g_test_message ("three Telegram deliveries in %" G_GINT64_FORMAT " us while the webhook hangs",
                  g_get_monotonic_time () - start);
  /* The webhook hangs for its 30 s timeout: Telegram must not wait for it. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (fast->requests->len, ==, 3);
  /* The webhook is still stuck on its first event and keeps the others. */
  g_assert_cmpuint (slow->requests->len, ==, 1);
  g_assert_cmpuint (lookout_alert_channel_get_pending (webhook), ==, 3);

  g_clear_object (&notifier);
  g_clear_object (&webhook);
  server_free (slow);
  server_free (fast);
}

/* ---- engine -> notifier -> store ---- */

static gint64 fake_now = G_GINT64_CONSTANT (1800000000000);

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static void
feed (LookoutAlertEngine *engine,
      LookoutTarget      *target,
      gboolean            ok)
{
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

  if (ok)
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
    }
  else
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                              LOOKOUT_PROBE_ERROR_REFUSED, "Connection refused");
  lookout_alert_engine_process (engine, target, result);
  fake_now += 1000;
}

static void
test_store_delivery (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  Server *server = server_new ();
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (store);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, store);
  g_autoptr(LookoutAlertChannel) telegram = lookout_telegram_channel_new ("1:x", "7");
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:9", NULL);
  g_autoptr(LookoutTarget) other = lookout_target_new_from_string ("tcp://127.0.0.1:7", NULL);
  g_autoptr(GArray) events = NULL;
  g_autoptr(GArray) downs = NULL;
  g_autoptr(GArray) others = NULL;
  guint delivered = 0;

  g_assert_true (lookout_store_insert_target_sync (store, target, &error));
  g_assert_true (lookout_store_insert_target_sync (store, other, &error));
  g_assert_no_error (error);

  g_object_set (telegram, "api-url", server->base, NULL);
  g_signal_connect (telegram, "delivered", G_CALLBACK (delivered_count_cb), &delivered);
  lookout_notifier_add_channel (notifier, telegram);
  lookout_alert_engine_set_clock (engine, fake_clock, NULL);
  lookout_alert_engine_set_reminders (engine, NULL, 0);
  lookout_target_set_fail_threshold (target, 2);

  feed (engine, target, TRUE);
  feed (engine, target, FALSE);
  feed (engine, target, FALSE);
  /* Muted: stored, not delivered. */
  lookout_alert_engine_mute_target (engine, lookout_target_get_id (target), fake_now + 60000);
  feed (engine, target, TRUE);
  LOOKOUT_TEST_WAIT (delivered >= 1);
  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);

  events = lookout_store_query_events_sync (store, -1, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  /* Newest first. */
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 0).kind, ==, "up");
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 0).delivered_ms, ==, 0);
  g_assert_null (g_array_index (events, LookoutStoredEvent, 0).channels);
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 1).kind, ==, "down");
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 1).ts_ms, ==, G_GINT64_CONSTANT (1800000000000) + 2000);
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 1).target_id, ==, lookout_target_get_id (target));
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 1).delivered_ms, >, 0);
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 1).channels, ==, "telegram");
  g_assert_nonnull (strstr (g_array_index (events, LookoutStoredEvent, 1).message, "is down since"));

  /* Delivered to a second channel: both are listed, each once. */
  lookout_store_mark_event_delivered (store, lookout_target_get_id (target),
                                      G_GINT64_CONSTANT (1800000000000) + 2000, "down", "webhook", 1);
  lookout_store_mark_event_delivered (store, lookout_target_get_id (target),
                                      G_GINT64_CONSTANT (1800000000000) + 2000, "down", "telegram", 2);
  g_assert_true (lookout_store_flush_sync (store, &error));
  downs = lookout_store_query_events_sync (store, lookout_target_get_id (target), "down", 0, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (downs->len, ==, 1);
  g_assert_cmpstr (g_array_index (downs, LookoutStoredEvent, 0).channels, ==, "telegram,webhook");
  g_assert_cmpint (g_array_index (downs, LookoutStoredEvent, 0).delivered_ms, ==,
                   g_array_index (events, LookoutStoredEvent, 1).delivered_ms);

  others = lookout_store_query_events_sync (store, lookout_target_get_id (other), NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (others->len, ==, 0);

  g_clear_object (&notifier);
  lookout_test_store_close (tmp);
  server_free (server);
}

/* ---- grouping ---- */

/* Twelve targets go down together: held until the flush this test triggers
 * (the window is an hour), then one webhook post carrying all twelve, one
 * Telegram message naming them, and every event still recorded and marked
 * delivered on its own. */
static void
test_group_flush (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  Server *hooks = server_new ();
  Server *bot = server_new ();
  g_autofree char *url = g_strdup_printf ("%s/hook", hooks->base);
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (store);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, store);
  g_autoptr(LookoutAlertChannel) webhook = lookout_webhook_channel_new (url, NULL);
  g_autoptr(LookoutAlertChannel) telegram = lookout_telegram_channel_new ("1:x", "7");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(GArray) events = NULL;
  JsonObject *payload;
  JsonArray *members;
  const Request *message;

  g_object_set (telegram, "api-url", bot->base, NULL);
  lookout_notifier_add_channel (notifier, webhook);
  lookout_notifier_add_channel (notifier, telegram);
  lookout_notifier_set_group_window (notifier, 3600 * 1000);
  lookout_alert_engine_set_clock (engine, fake_clock, NULL);

  /* The 13th stays up: not everything fails, this computer is online. */
  for (guint i = 0; i < 13; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://192.0.2.%u:80", i + 1);
      LookoutTarget *target = lookout_target_new_from_string (uri, &error);

      g_assert_no_error (error);
      lookout_target_set_fail_threshold (target, 1);
      g_assert_true (lookout_store_insert_target_sync (store, target, &error));
      g_ptr_array_add (targets, target);
      feed (engine, target, TRUE);
    }
  for (guint i = 0; i < 12; i++)
    feed (engine, targets->pdata[i], FALSE);

  lookout_test_drain ();
  g_assert_cmpuint (hooks->requests->len, ==, 0);
  g_assert_cmpuint (bot->requests->len, ==, 0);
  g_assert_cmpuint (lookout_notifier_get_n_pending (notifier), ==, 12);

  lookout_notifier_flush (notifier);
  LOOKOUT_TEST_WAIT (lookout_notifier_get_n_pending (notifier) == 0);
  g_assert_cmpuint (hooks->requests->len, ==, 1);
  g_assert_cmpuint (bot->requests->len, ==, 1);

  posted = json_from_string (((Request *) hooks->requests->pdata[0])->body, &error);
  g_assert_no_error (error);
  payload = json_node_get_object (posted);
  g_assert_cmpstr (json_object_get_string_member (payload, "event"), ==, "down");
  g_assert_cmpstr (json_object_get_string_member (payload, "title"), ==, "12 targets are down");
  g_assert_cmpint (json_object_get_int_member (payload, "count"), ==, 12);
  members = json_object_get_array_member (payload, "events");
  g_assert_cmpuint (json_array_get_length (members), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (members, 11),
                                                                                 "target"), "uri"),
                   ==, "tcp://192.0.2.12:80");

  message = bot->requests->pdata[0];
  g_assert_nonnull (strstr (message->body, "12 targets are down: 192.0.2.1:80, 192.0.2.2:80"));
  g_assert_nonnull (strstr (message->body, " and 2 more"));

  g_assert_true (lookout_store_flush_sync (store, &error));
  events = lookout_store_query_events_sync (store, -1, "down", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 12);
  for (guint i = 0; i < events->len; i++)
    {
      const char *channels = g_array_index (events, LookoutStoredEvent, i).channels;

      g_assert_true (g_strcmp0 (channels, "telegram,webhook") == 0 ||
                     g_strcmp0 (channels, "webhook,telegram") == 0);
    }

  g_clear_object (&notifier);
  lookout_test_store_close (tmp);
  server_free (hooks);
  server_free (bot);
}

/* ---- channels per target ---- */

static LookoutAlertChannel *
webhook_named (const char *id,
               Server     *server)
{
  g_autofree char *url = g_strdup_printf ("%s/%s", server->base, id);

  return g_object_new (LOOKOUT_TYPE_WEBHOOK_CHANNEL, "id", id, "url", url, NULL);
}

static gboolean
posted_about (Server     *server,
              guint       index,
              const char *uri)
{
  return strstr (((Request *) server->requests->pdata[index])->body, uri) != NULL;
}

/* Two webhooks with names of their own: a target's event goes to the
 * channels its "channels" option names, to every channel without it, and
 * to none with an empty list, while every event is still recorded. Held
 * events are grouped per channel. */
static void
test_channels_per_target (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  Server *ops = server_new ();
  Server *dev = server_new ();
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (store);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, store);
  g_autoptr(LookoutAlertChannel) ops_hook = webhook_named ("ops", ops);
  g_autoptr(LookoutAlertChannel) dev_hook = webhook_named ("dev", dev);
  const char *channels[] = { "ops", "dev", NULL, "", NULL };
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) events = NULL;
  g_autoptr(JsonNode) posted = NULL;

  /* names as the settings give them, each once */
  g_assert_false (lookout_target_options_validate ("{\"channels\": \"ops,ops\"}", &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
  g_assert_nonnull (strstr (error->message, "“ops” is named twice"));
  g_clear_error (&error);
  g_assert_false (lookout_target_options_validate ("{\"channels\": \"ops,on call\"}", &error));
  g_assert_nonnull (strstr (error->message, "“on call” is not one"));
  g_clear_error (&error);

  lookout_notifier_add_channel (notifier, ops_hook);
  lookout_notifier_add_channel (notifier, dev_hook);
  lookout_alert_engine_set_clock (engine, fake_clock, NULL);
  lookout_alert_engine_set_reminders (engine, NULL, 0);

  /* a: ops only, b: dev only, c: every channel, d: none, e: stays up */
  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://192.0.2.%u:80", i + 1);
      LookoutTarget *target = lookout_target_new_from_string (uri, &error);

      g_assert_no_error (error);
      lookout_target_set_fail_threshold (target, 1);
      if (channels[i] != NULL)
        {
          g_assert_true (lookout_target_set_option_text (target, "channels", channels[i], &error));
          g_assert_no_error (error);
        }
      g_assert_true (lookout_store_insert_target_sync (store, target, &error));
      g_ptr_array_add (targets, target);
      feed (engine, target, TRUE);
    }

  /* Without grouping: a's event to ops alone. */
  feed (engine, targets->pdata[4], TRUE);
  feed (engine, targets->pdata[0], FALSE);
  LOOKOUT_TEST_WAIT (lookout_notifier_get_n_pending (notifier) == 0 && ops->requests->len == 1);
  g_assert_true (posted_about (ops, 0, "tcp://192.0.2.1:80"));
  lookout_test_drain ();
  g_assert_cmpuint (dev->requests->len, ==, 0);

  /* Grouped: b, c and d together; ops hears of c alone, dev of b and c
   * in one post, nobody of d. */
  lookout_notifier_set_group_window (notifier, 3600 * 1000);
  for (guint i = 1; i < 4; i++)
    {
      feed (engine, targets->pdata[4], TRUE);
      feed (engine, targets->pdata[i], FALSE);
    }
  lookout_notifier_flush (notifier);
  LOOKOUT_TEST_WAIT (lookout_notifier_get_n_pending (notifier) == 0 &&
                     ops->requests->len == 2 && dev->requests->len == 1);
  g_assert_true (posted_about (ops, 1, "tcp://192.0.2.3:80"));
  g_assert_false (posted_about (ops, 1, "tcp://192.0.2.2:80"));
  posted = json_from_string (((Request *) dev->requests->pdata[0])->body, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (posted), "count"), ==, 2);
  g_assert_true (posted_about (dev, 0, "tcp://192.0.2.2:80"));
  g_assert_true (posted_about (dev, 0, "tcp://192.0.2.3:80"));
  for (guint i = 0; i < ops->requests->len; i++)
    g_assert_false (posted_about (ops, i, "tcp://192.0.2.4:80"));
  g_assert_false (posted_about (dev, 0, "tcp://192.0.2.4:80"));
  lookout_test_drain ();
  g_assert_cmpuint (ops->requests->len, ==, 2);
  g_assert_cmpuint (dev->requests->len, ==, 1);

  /* Every event is recorded, d's too, marked for the channels it went to. */
  g_assert_true (lookout_store_flush_sync (store, &error));
  events = lookout_store_query_events_sync (store, -1, "down", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 4);
  for (guint i = 0; i < events->len; i++)
    {
      const LookoutStoredEvent *event = &g_array_index (events, LookoutStoredEvent, i);
      const char *expected[] = { "ops", "dev", NULL, NULL };
      guint which = 0;

      while (which < 4 && event->target_id != lookout_target_get_id (targets->pdata[which]))
        which++;
      g_assert_cmpuint (which, <, 4);
      if (which == 2)
        g_assert_true (g_strcmp0 (event->channels, "ops,dev") == 0 ||
                       g_strcmp0 (event->channels, "dev,ops") == 0);
      else
        g_assert_cmpstr (event->channels, ==, expected[which]);
    }

  g_clear_object (&notifier);
  lookout_test_store_close (tmp);
  server_free (ops);
  server_free (dev);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lookout_store_query_events_finish (LOOKOUT_STORE (object), result, &error);
  g_assert_no_error (error);
}

static void
test_store_query_paging (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  g_autoptr(GArray) page = NULL;

  for (guint i = 0; i < 50; i++)
    lookout_store_append_event (store, i % 2 + 1, 1000 + i, i % 5 == 0 ? "down" : "up", "x");
  g_assert_true (lookout_store_flush_sync (store, &error));

  lookout_store_query_events_async (store, 1, "up", 1040, 3, NULL, query_done_cb, &page);
  LOOKOUT_TEST_WAIT (page != NULL);

  /* target 1 has even i; "up" means i % 5 != 0; before 1040, newest first. */
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpint (g_array_index (page, LookoutStoredEvent, 0).ts_ms, ==, 1038);
  g_assert_cmpint (g_array_index (page, LookoutStoredEvent, 1).ts_ms, ==, 1036);
  g_assert_cmpint (g_array_index (page, LookoutStoredEvent, 2).ts_ms, ==, 1034);

  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alert-channels/telegram/request", test_telegram_request);
  g_test_add_func ("/alert-channels/telegram/refused", test_telegram_refused);
  g_test_add_func ("/alert-channels/webhook/request", test_webhook_request);
  g_test_add_func ("/alert-channels/queue/retry-delivers-once", test_retry_delivers_once);
  g_test_add_func ("/alert-channels/queue/hang-does-not-delay-others", test_hang_does_not_delay_others);
  g_test_add_func ("/alert-channels/store/delivery", test_store_delivery);
  g_test_add_func ("/alert-channels/store/query-paging", test_store_query_paging);
  g_test_add_func ("/alert-channels/group/flush", test_group_flush);
  g_test_add_func ("/alert-channels/group/per-target", test_channels_per_target);

  return g_test_run ();
}
