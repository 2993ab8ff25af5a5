/* test-agent-link.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The link between a manager (this process: store, monitor, link) and a
 * real `lookout-agent run --name paris` on loopback, with real sockets:
 * results arrive exactly once and in order across a SIGKILL of the agent
 * and a restart of the manager; a wrong token, a wrong or missing pinned
 * fingerprint, a malformed message and replayed acknowledgements or
 * results are refused with a reason and change nothing. */

#include "config.h"

#include <glib/gstdio.h>

#include "lookout-agent-link.h"
#include "lookout-target-options.h"
#include "lookout-agent-protocol.h"
#include "lookout-api-tls.h"
#include "lookout-monitor.h"
#include "lookout-target-uri.h"
#include "lookout-test.h"
#include "icmp-netns.h"

static const char *agent_path;

typedef struct
{
  LookoutTestDir   *dir;
  char             *agent_db;
  char             *token;
  guint16           port;
  const char       *host;            /* where the agent listens */
  char             *ns;              /* its network namespace, or NULL */
  char             *veth;            /* the host's end of its link */
  char             *url;
  char             *cert, *key;      /* TLS, when asked for */
  GSubprocess      *agent;

  LookoutTestStore *manager;
  LookoutMonitor   *monitor;
  LookoutAgentLink *link;

  GHashTable       *seen;            /* "uri ts" -> count */
  GHashTable       *last_ts;         /* uri -> gint64 * */
  guint             n_results;
  guint             n_twice;
  guint             n_out_of_order;
  guint             n_wrong_location;
} Fixture;

static gboolean
agent_listening (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, f->host, f->port, NULL, NULL);
  return connection != NULL;
}

static void
start_agent (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_autofree char *listen = g_strdup_printf ("%s:%u", f->host, f->port);
  g_auto(GStrv) argv = NULL;

  if (f->ns != NULL)
    g_strv_builder_add_many (args, "ip", "netns", "exec", f->ns, NULL);
  g_strv_builder_add_many (args, agent_path, "run", "--db", f->agent_db, "--listen", listen,
                           "--name", "paris", NULL);
  if (f->cert != NULL)
    g_strv_builder_add_many (args, "--tls-cert", f->cert, "--tls-key", f->key, NULL);
  argv = g_strv_builder_end (args);
  f->agent = g_subprocess_newv ((const char * const *) argv,
                                G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                &error);
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (agent_listening (f));
}

static void
kill_agent (Fixture *f)
{
  g_subprocess_force_exit (f->agent);
  g_subprocess_wait (f->agent, NULL, NULL);
  g_clear_object (&f->agent);
}

static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           Fixture        *f)
{
  g_autofree char *key = g_strdup_printf ("%s %" G_GINT64_FORMAT, result->target, result->started_ms);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (f->seen, key));
  gint64 *last = g_hash_table_lookup (f->last_ts, result->target);

  if (g_strcmp0 (result->location, "paris") != 0)
    {
      f->n_wrong_location++;
      return;
    }
  f->n_results++;
  if (count > 0)
    f->n_twice++;
  g_hash_table_insert (f->seen, g_steal_pointer (&key), GUINT_TO_POINTER (count + 1));
  if (last != NULL && *last >= result->started_ms)
    f->n_out_of_order++;
  if (last == NULL)
    {
      last = g_new (gint64, 1);
      g_hash_table_insert (f->last_ts, g_strdup (result->target), last);
    }
  *last = result->started_ms;
}

static void
add_target (Fixture    *f,
            const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) parsed = lookout_target_uri_parse (uri, &error);
  g_autoptr(LookoutTarget) target = NULL;

  g_assert_no_error (error);
  target = lookout_target_new (parsed);
  lookout_target_set_interval (target, 1);
  g_assert_true (lookout_target_set_option_text (target, "locations", "local,paris", &error));
  g_assert_no_error (error);
  lookout_test_add_target (f->monitor, target);
}

static void
open_manager (Fixture *f)
{
  lookout_test_store_open (f->manager);
  f->monitor = lookout_test_monitor_new (f->manager->store);
  g_signal_connect (f->monitor, "result", G_CALLBACK (result_cb), f);
}

static LookoutAgentLink *
new_link (Fixture    *f,
          const char *token,
          const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  LookoutAgentLink *link = lookout_agent_link_new (f->monitor, "paris", f->url, token, fingerprint, &error);

  g_assert_no_error (error);
  lookout_agent_link_set_timing (link, 200, 200, 1000);
  return link;
}

static void
close_manager (Fixture *f)
{
  if (f->link != NULL)
    lookout_agent_link_stop (f->link);
  g_clear_object (&f->link);
  g_signal_handlers_disconnect_by_data (f->monitor, f);
  g_clear_object (&f->monitor);
  lookout_test_store_close (f->manager);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *token_argv[] = { agent_path, "token", "create", "--db", NULL, "--name", "manager",
                               "--scope", "agent", NULL };

  f->dir = lookout_test_dir_new ();
  f->agent_db = g_build_filename (f->dir, "agent.db", NULL);
  token_argv[4] = f->agent_db;
  f->token = lookout_test_run_command (token_argv);
  g_assert_true (g_str_has_prefix (f->token, "lookout_"));
  f->port = lookout_test_free_port ();
  f->host = "127.0.0.1";
  if (g_strcmp0 (data, "tls") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsCertificate) certificate = lookout_api_tls_load_or_create (f->dir, "127.0.0.1", &error);

      g_assert_no_error (error);
      f->cert = g_build_filename (f->dir, "api-cert.pem", NULL);
      f->key = g_build_filename (f->dir, "api-key.pem", NULL);
      g_assert_true (g_file_test (f->cert, G_FILE_TEST_EXISTS));
    }
  if (g_strcmp0 (data, "netns") == 0)
    {
      g_autoptr(GError) error = NULL;

      f->ns = g_strdup_printf ("lookout-link-%d", (int) getpid ());
      f->veth = g_strdup_printf ("lkl%dh", (int) getpid () % 100000);
      f->host = "10.83.1.2";
      if (!icmp_netns_ip (&error, "netns", "add", f->ns, NULL))
        {
          g_clear_pointer (&f->ns, g_free);
          g_test_skip ("no network namespaces here");
        }
      else if (!icmp_netns_ip (&error, "link", "add", f->veth, "type", "veth", "peer", "name", "lkla",
                               "netns", f->ns, NULL) ||
               !icmp_netns_ip (&error, "addr", "add", "10.83.1.1/24", "dev", f->veth, NULL) ||
               !icmp_netns_ip (&error, "link", "set", f->veth, "up", NULL) ||
               !icmp_netns_ip (&error, "-n", f->ns, "addr", "add", "10.83.1.2/24", "dev", "lkla", NULL) ||
               !icmp_netns_ip (&error, "-n", f->ns, "link", "set", "lkla", "up", NULL) ||
               !icmp_netns_ip (&error, "-n", f->ns, "link", "set", "lo", "up", NULL))
        g_error ("cannot join the namespace: %s", error->message);
    }
  f->url = g_strdup_printf ("%s://%s:%u", f->cert || f->ns ? "https" : "http", f->host, f->port);
  f->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->last_ts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->manager = lookout_test_store_new_empty ();
  open_manager (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_manager (f);
  if (f->agent != NULL)
    kill_agent (f);
  if (f->ns != NULL)
    icmp_netns_ip (NULL, "netns", "del", f->ns, NULL);
  g_free (f->ns);
  g_free (f->veth);
  lookout_test_store_free (f->manager);
  g_hash_table_unref (f->seen);
  g_hash_table_unref (f->last_ts);
  g_free (f->url);
  g_free (f->token);
  g_free (f->cert);
  g_free (f->key);
  g_free (f->agent_db);
  lookout_test_dir_free (f->dir);
}

static gint64
agent_sql (Fixture    *f,
           const char *sql)
{
  return lookout_test_sql_int (f->agent_db, sql);
}

/* Every result the agent stored up to the last one the manager got of each
 * target arrived, once: checked against the agent's own database. */
static void
assert_agent_results_arrived (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) store = lookout_store_open_read_only_sync (f->agent_db, NULL, &error);
  g_autoptr(GPtrArray) targets = NULL;
  guint checked = 0;

  g_assert_no_error (error);
  targets = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, >, 0);

  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      const char *uri = lookout_target_get_uri_string (target);
      gint64 *last = g_hash_table_lookup (f->last_ts, uri);
      g_autoptr(GArray) samples = NULL;

      g_assert_nonnull (last);
      samples = lookout_store_query_samples_sync (store, lookout_target_get_id (target), 0, *last + 1,
                                                  NULL, &error);
      g_assert_no_error (error);
      for (guint j = 0; j < samples->len; j++)
        {
          LookoutSample *s = &g_array_index (samples, LookoutSample, j);
          g_autofree char *key = g_strdup_printf ("%s %" G_GINT64_FORMAT, uri, s->ts_ms);

          g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (f->seen, key)), ==, 1);
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, g_hash_table_size (f->seen));
  g_assert_cmpuint (f->n_twice, ==, 0);
  g_assert_cmpuint (f->n_out_of_order, ==, 0);
  g_assert_cmpuint (f->n_wrong_location, ==, 0);
  lookout_store_close (store);
}

/* A clean stop, then the agent's database against what arrived. */
static void
stop_agent_and_compare (Fixture *f)
{
  g_subprocess_send_signal (f->agent, SIGTERM);
  g_subprocess_wait (f->agent, NULL, NULL);
  g_clear_object (&f->agent);
  assert_agent_results_arrived (f);
}

static void
add_targets (Fixture *f)
{
  g_autofree char *tcp = g_strdup_printf ("tcp://%s:%u", f->host, f->port);
  g_autofree char *http = g_strdup_printf ("http://%s:%u/metrics", f->host, f->port);
  g_autofree char *closed = g_strdup_printf ("tcp://%s:1", f->host);

  add_target (f, tcp);
  add_target (f, http);
  add_target (f, closed);
}

static void
test_exactly_once (Fixture       *f,
                   gconstpointer  data)
{
  guint before;

  start_agent (f);
  add_targets (f);
  f->link = new_link (f, f->token, NULL);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->link) == LOOKOUT_AGENT_LINK_ONLINE);
  LOOKOUT_TEST_WAIT (f->n_results >= 9);
  /* acknowledged once committed, and deleted from the outbox then */
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_acked_seq (f->link) >= 9);
  LOOKOUT_TEST_WAIT (agent_sql (f, "SELECT coalesce(min(seq), 1 << 62) FROM outbox") >
                     (gint64) lookout_agent_link_get_acked_seq (f->link) - 1);

  /* the agent killed in the middle of its work, then started again: it
   * takes up the targets it was given from its own database */
  kill_agent (f);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->link) != LOOKOUT_AGENT_LINK_ONLINE);
  start_agent (f);
  before = f->n_results;
  LOOKOUT_TEST_WAIT (f->n_results >= before + 9);
  g_assert_cmpint (lookout_agent_link_get_state (f->link), ==, LOOKOUT_AGENT_LINK_ONLINE);

  /* the manager away while the agent goes on checking */
  close_manager (f);
  before = agent_sql (f, "SELECT count(*) FROM outbox");
  LOOKOUT_TEST_WAIT (agent_sql (f, "SELECT count(*) FROM outbox") >= before + 9);
  open_manager (f);
  f->link = new_link (f, f->token, NULL);
  lookout_agent_link_start (f->link);
  before = f->n_results;
  LOOKOUT_TEST_WAIT (f->n_results >= before + 12);

  /* what the manager acknowledged is gone from the outbox */
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_acked_seq (f->link) > 0 &&
                     agent_sql (f, "SELECT coalesce(min(seq), 1 << 62) FROM outbox") >
                     (gint64) lookout_agent_link_get_acked_seq (f->link) - 1);
  g_assert_cmpuint (lookout_agent_link_get_n_duplicates (f->link), ==, 0);
  g_assert_cmpuint (lookout_agent_link_get_n_gaps (f->link), ==, 0);

  stop_agent_and_compare (f);
}

/* The agent in its own namespace, joined by a veth pair, behind its own
 * self-signed certificate: the pair is cut and restored. */
static void
test_netns_cut (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = g_build_filename (f->dir, "api-cert.pem", NULL);
  g_autofree char *fingerprint = NULL;
  guint before;

  if (f->ns == NULL)
    return;

  start_agent (f);
  certificate = g_tls_certificate_new_from_file (cert_path, &error);
  g_assert_no_error (error);
  fingerprint = g_strconcat ("SHA256:", lookout_api_tls_dup_fingerprint (certificate), NULL);
  add_targets (f);
  f->link = new_link (f, f->token, fingerprint);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->link) == LOOKOUT_AGENT_LINK_ONLINE);
  LOOKOUT_TEST_WAIT (f->n_results >= 6);

  /* cut: the silence is noticed, the agent goes on checking */
  g_assert_true (icmp_netns_ip (&error, "link", "set", f->veth, "down", NULL));
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->link) != LOOKOUT_AGENT_LINK_ONLINE);
  before = agent_sql (f, "SELECT count(*) FROM outbox");
  LOOKOUT_TEST_WAIT (agent_sql (f, "SELECT count(*) FROM outbox") >= before + 6);

  /* restored: back-filled */
  g_assert_true (icmp_netns_ip (&error, "link", "set", f->veth, "up", NULL));
  before = f->n_results;
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_state (f->link) == LOOKOUT_AGENT_LINK_ONLINE, 30000);
  LOOKOUT_TEST_WAIT (f->n_results >= before + 9);
  g_assert_cmpuint (lookout_agent_link_get_n_duplicates (f->link), ==, 0);
  g_assert_cmpuint (lookout_agent_link_get_n_gaps (f->link), ==, 0);

  stop_agent_and_compare (f);
}

static void
test_wrong_token (Fixture       *f,
                  gconstpointer  data)
{
  start_agent (f);
  f->link = new_link (f, "lookout_0000000000000000000000000000000000000000000000000000000000000000", NULL);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_problem (f->link) != NULL);
  g_assert_nonnull (strstr (lookout_agent_link_get_problem (f->link), "401"));
  g_assert_cmpint (lookout_agent_link_get_state (f->link), !=, LOOKOUT_AGENT_LINK_ONLINE);
  g_assert_cmpuint (f->n_results, ==, 0);
}

static void
test_fingerprint (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *right = NULL;

  start_agent (f);
  certificate = g_tls_certificate_new_from_file (f->cert, &error);
  g_assert_no_error (error);
  right = g_strconcat ("SHA256:", lookout_api_tls_dup_fingerprint (certificate), NULL);

  /* self-signed and not pinned: refused, saying what to pin */
  f->link = new_link (f, f->token, NULL);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_problem (f->link) != NULL);
  g_assert_nonnull (strstr (lookout_agent_link_get_problem (f->link), "fingerprint = SHA256:"));
  lookout_agent_link_stop (f->link);
  g_clear_object (&f->link);

  /* pinned to another certificate: refused */
  f->link = new_link (f, f->token, "SHA256:" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_problem (f->link) != NULL);
  g_assert_nonnull (strstr (lookout_agent_link_get_problem (f->link), "not the pinned one"));
  g_assert_cmpint (lookout_agent_link_get_state (f->link), !=, LOOKOUT_AGENT_LINK_ONLINE);
  lookout_agent_link_stop (f->link);
  g_clear_object (&f->link);
  g_assert_cmpuint (f->n_results, ==, 0);

  /* pinned to its own: online, results arrive */
  add_targets (f);
  f->link = new_link (f, f->token, right);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->link) == LOOKOUT_AGENT_LINK_ONLINE);
  LOOKOUT_TEST_WAIT (f->n_results >= 3);
}

/* A raw client speaking to the agent: what it sends decides what comes back. */
typedef struct
{
  SoupWebsocketConnection *connection;
  GPtrArray               *received;   /* char * */
  gboolean                 closed;
} Raw;

static void
raw_message_cb (SoupWebsocketConnection *connection,
                SoupWebsocketDataType    type,
                GBytes                  *bytes,
                Raw                     *raw)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_ptr_array_add (raw->received, g_strndup (data, len));
}

static void
raw_closed_cb (SoupWebsocketConnection *connection,
               Raw                     *raw)
{
  raw->closed = TRUE;
}

static void
raw_connect (Fixture *f,
             Raw     *raw)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (f->url, LOOKOUT_AGENT_LINK_PATH, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *protocols[] = { (char *) LOOKOUT_AGENT_LINK_PROTOCOL, NULL };

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        lookout_test_async_cb, &result);
  raw->connection = soup_session_websocket_connect_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  raw->received = g_ptr_array_new_with_free_func (g_free);
  raw->closed = FALSE;
  g_signal_connect (raw->connection, "message", G_CALLBACK (raw_message_cb), raw);
  g_signal_connect (raw->connection, "closed", G_CALLBACK (raw_closed_cb), raw);
  LOOKOUT_TEST_WAIT (raw->received->len >= 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (raw->received, 0), "{\"type\":\"hello\""));
}

static void
raw_clear (Raw *raw)
{
  g_signal_handlers_disconnect_by_data (raw->connection, raw);
  g_clear_object (&raw->connection);
  g_clear_pointer (&raw->received, g_ptr_array_unref);
}

static const char *
raw_last (Raw *raw)
{
  return g_ptr_array_index (raw->received, raw->received->len - 1);
}

static gint64
raw_last_batch_seq (Raw *raw)
{
  for (guint i = raw->received->len; i > 0; i--)
    {
      const char *text = g_ptr_array_index (raw->received, i - 1);
      g_autoptr(JsonObject) message = NULL;
      const char *type;
      JsonArray *results;

      message = lookout_agent_message_parse (text, strlen (text), &type, NULL);
      if (message == NULL || !g_str_equal (type, "batch"))
        continue;
      results = json_object_get_array_member (message, "results");
      return json_array_get_int_element (json_array_get_array_element (results, json_array_get_length (results) - 1), 0);
    }
  return 0;
}

static void
test_refused_messages (Fixture       *f,
                       gconstpointer  data)
{
  Raw raw = { NULL, };
  gint64 first, seq;
  g_autofree char *ack = NULL;

  start_agent (f);
  add_targets (f);
  /* a manager gives the targets, then goes */
  f->link = new_link (f, f->token, NULL);
  lookout_agent_link_start (f->link);
  LOOKOUT_TEST_WAIT (f->n_results >= 3);
  close_manager (f);
  LOOKOUT_TEST_WAIT (agent_sql (f, "SELECT count(*) FROM outbox") >= 6);
  first = agent_sql (f, "SELECT min(seq) FROM outbox");

  /* not JSON */
  raw_connect (f, &raw);
  soup_websocket_connection_send_text (raw.connection, "{\"type\":");
  LOOKOUT_TEST_WAIT (raw.closed);
  g_assert_nonnull (strstr (raw_last (&raw), "not JSON"));
  raw_clear (&raw);

  /* an acknowledgement of what was never sent */
  raw_connect (f, &raw);
  soup_websocket_connection_send_text (raw.connection, "{\"type\":\"ack\",\"seq\":1000000}");
  LOOKOUT_TEST_WAIT (raw.closed);
  g_assert_nonnull (strstr (raw_last (&raw), "only results up to"));
  raw_clear (&raw);
  g_assert_cmpint (agent_sql (f, "SELECT min(seq) FROM outbox"), ==, first);

  /* a fair acknowledgement, then the one before it replayed */
  raw_connect (f, &raw);
  ack = g_strdup_printf ("{\"type\":\"resume\",\"after\":%" G_GINT64_FORMAT "}", first - 1);
  soup_websocket_connection_send_text (raw.connection, ack);
  LOOKOUT_TEST_WAIT (raw_last_batch_seq (&raw) >= first + 2);
  seq = first + 2;
  g_free (ack);
  ack = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GINT64_FORMAT "}", seq);
  soup_websocket_connection_send_text (raw.connection, ack);
  LOOKOUT_TEST_WAIT (agent_sql (f, "SELECT min(seq) FROM outbox") == seq + 1);
  g_free (ack);
  ack = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GINT64_FORMAT "}", seq - 1);
  soup_websocket_connection_send_text (raw.connection, ack);
  LOOKOUT_TEST_WAIT (raw.closed);
  g_assert_nonnull (strstr (raw_last (&raw), "a replay"));
  g_assert_cmpint (agent_sql (f, "SELECT min(seq) FROM outbox"), ==, seq + 1);
  raw_clear (&raw);

  /* an unknown message */
  raw_connect (f, &raw);
  soup_websocket_connection_send_text (raw.connection, "{\"type\":\"run\",\"command\":\"rm -rf /\"}");
  LOOKOUT_TEST_WAIT (raw.closed);
  g_assert_nonnull (strstr (raw_last (&raw), "unknown type"));
  raw_clear (&raw);
  g_assert_cmpint (agent_sql (f, "SELECT min(seq) FROM outbox"), ==, seq + 1);

  /* a configuration with a bad target changes no target */
  raw_connect (f, &raw);
  soup_websocket_connection_send_text (raw.connection,
                                       "{\"type\":\"config\",\"targets\":[{\"uri\":\"tcp://127.0.0.1:2\"},"
                                       "{\"uri\":\"tcp://127.0.0.1:70000\"}]}");
  LOOKOUT_TEST_WAIT (raw.closed);
  g_assert_nonnull (strstr (raw_last (&raw), "Target 2 of the configuration is refused"));
  raw_clear (&raw);
  g_assert_cmpint (agent_sql (f, "SELECT count(*) FROM targets"), ==, 3);

  open_manager (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-lookout-agent\n", argv[0]);
      return 2;
    }
  agent_path = argv[1];

  g_test_add ("/agent-link/exactly-once", Fixture, NULL, fixture_set_up, test_exactly_once, fixture_tear_down);
  g_test_add ("/agent-link/netns-cut", Fixture, "netns", fixture_set_up, test_netns_cut, fixture_tear_down);
  g_test_add ("/agent-link/wrong-token", Fixture, NULL, fixture_set_up, test_wrong_token, fixture_tear_down);
  g_test_add ("/agent-link/fingerprint", Fixture, "tls", fixture_set_up, test_fingerprint, fixture_tear_down);
  g_test_add ("/agent-link/refused-messages", Fixture, NULL, fixture_set_up, test_refused_messages, fixture_tear_down);

  return g_test_run ();
}
