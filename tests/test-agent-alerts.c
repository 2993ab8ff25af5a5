/* test-agent-alerts.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* End to end: `lookout-agent run --config FILE` watches a TCP target on
 * 127.0.0.1 whose listener this test closes and opens again; a
 * Telegram-speaking SoupServer in this process must receive exactly one
 * "down" and one "up" message, the latter with the outage's length, and the
 * store must record both events as delivered to Telegram.
 *
 * Usage: test-agent-alerts PATH-TO-lookout-agent */

#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lookout-test.h"

#include "lookout-store.h"

#define CLOSE_AFTER_S 3
#define CLOSED_FOR_S  5

static const char *agent_path;

typedef struct
{
  char   *text;
  gint64  received_us;
} Message;

static void
message_free (Message *m)
{
  g_free (m->text);
  g_free (m);
}

static void
telegram_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  GPtrArray *messages = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char reply[] = "{\"ok\":true,\"result\":{}}";
  Message *m;

  g_assert_cmpstr (path, ==, "/bot42:e2e-token/sendMessage");
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);

  m = g_new0 (Message, 1);
  m->text = g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "text"));
  m->received_us = g_get_monotonic_time ();
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "chat_id"),
                   ==, "1001");
  g_test_message ("telegram: %s", m->text);
  g_ptr_array_add (messages, m);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    reply, strlen (reply));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  /* A TCP check only needs the handshake. */
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static GSocketService *
listen_on (guint16 *port)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, *port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), NULL);
  g_socket_service_start (service);

  return g_steal_pointer (&service);
}

static void
agent_exited_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gint64
parse_hhmmss (const char *text)
{
  unsigned h, m, s;

  g_assert_cmpint (sscanf (text, "%u:%u:%u", &h, &m, &s), ==, 3);
  return h * 3600 + m * 60 + s;
}

static void
test_down_and_up (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *db = g_build_filename (dir, "lookout.db", NULL);
  g_autofree char *targets = g_build_filename (dir, "targets", NULL);
  g_autofree char *conf = g_build_filename (dir, "agent.conf", NULL);
  g_autofree char *targets_text = NULL;
  g_autofree char *conf_text = NULL;
  g_autoptr(SoupServer) telegram = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) message_free);
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  Message *down = NULL, *up = NULL;
  gint64 closed_us, reopened_us, downtime_s;
  gboolean exited = FALSE;
  guint16 port = 0;
  g_autofree char *telegram_url = NULL;

  telegram = lookout_test_http_server_new (telegram_cb, messages, &telegram_url);

  service = listen_on (&port);

  targets_text = g_strdup_printf ("# the test's listener\n"
                                  "tcp://127.0.0.1:%u interval=1 timeout=500 failures=2 name=e2e\n",
                                  port);
  conf_text = g_strdup_printf ("[telegram]\n"
                               "token = 42:e2e-token\n"
                               "chat-id = 1001\n"
                               "api-url = %s\n"
                               "[alerts]\n"
                               "reminders = none\n"
                               "up-after = 1\n",
                               telegram_url);
  g_assert_true (g_file_set_contents (targets, targets_text, -1, &error));
  g_assert_true (g_file_set_contents (conf, conf_text, -1, &error));

  /* Its stdout (a line per state change) is not TAP. */
  agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                            agent_path, "run", "--db", db, "--targets", targets,
                            "--config", conf, "--duration", "14", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (agent, NULL, agent_exited_cb, &exited);

  lookout_test_run_for (CLOSE_AFTER_S * 1000);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_clear_object (&service);
  closed_us = g_get_monotonic_time ();
  g_test_message ("listener closed");

  lookout_test_run_for (CLOSED_FOR_S * 1000);
  service = listen_on (&port);
  reopened_us = g_get_monotonic_time ();
  g_test_message ("listener open again");

  LOOKOUT_TEST_WAIT_UNTIL (exited, 30000);
  g_assert_true (g_subprocess_get_if_exited (agent));
  g_assert_cmpint (g_subprocess_get_exit_status (agent), ==, 0);

  for (guint i = 0; i < messages->len; i++)
    {
      Message *m = g_ptr_array_index (messages, i);

      if (g_str_has_prefix (m->text, "e2e is down since "))
        {
          g_assert_null (down);
          down = m;
        }
      else if (g_str_has_prefix (m->text, "e2e is now up after "))
        {
          g_assert_null (up);
          up = m;
        }
      else
        g_error ("Unexpected message: %s", m->text);
    }
  g_assert_nonnull (down);
  g_assert_nonnull (up);

  /* Down after the second failed check (1 s apart), up with the first
   * success; with room for a loaded machine. */
  g_assert_cmpint (down->received_us - closed_us, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (down->received_us - closed_us, <=, 6 * G_USEC_PER_SEC);
  g_assert_cmpint (up->received_us - reopened_us, <=, 4 * G_USEC_PER_SEC);
  downtime_s = parse_hhmmss (up->text + strlen ("e2e is now up after "));
  g_test_message ("downtime reported %" G_GINT64_FORMAT " s, listener closed for %d s",
                  downtime_s, CLOSED_FOR_S);
  g_assert_cmpint (downtime_s, >=, CLOSED_FOR_S - 2);
  g_assert_cmpint (downtime_s, <=, CLOSED_FOR_S + 2);

  /* The agent recorded both, delivered to Telegram. */
  store = lookout_store_open_sync (db, NULL, &error);
  g_assert_no_error (error);
  events = lookout_store_query_events_sync (store, -1, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 0).kind, ==, "up");
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 0).channels, ==, "telegram");
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 0).message, ==, up->text);
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 1).kind, ==, "down");
  g_assert_cmpstr (g_array_index (events, LookoutStoredEvent, 1).channels, ==, "telegram");
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 1).delivered_ms, >=,
                   g_array_index (events, LookoutStoredEvent, 1).ts_ms);
  lookout_store_close (store);

  soup_server_disconnect (telegram);
}

static void
test_bad_config (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *db = g_build_filename (dir, "lookout.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "agent.conf", NULL);
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (conf, "[alerts]\nreminders = 10m,soon\n", -1, &error));
  agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                            agent_path, "run", "--db", db, "--config", conf, "--duration", "1", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (agent, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (agent), ==, 2);
  g_assert_nonnull (strstr (err, "[alerts] reminders: “soon” is not a duration"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("Usage: %s PATH-TO-lookout-agent", argv[0]);
  agent_path = argv[1];

  g_test_add_func ("/agent-alerts/bad-config", test_bad_config);
  g_test_add_func ("/agent-alerts/down-and-up", test_down_and_up);

  return g_test_run ();
}
