/* test-net-probes.c — TCP, UDP and NTP probes against real peers
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything runs on loopback, except the timeout and unreachable cases:
 * those need a path that drops packets or a route that rejects them, which
 * the test builds in a network namespace of its own (root only) and probes
 * from inside it by running probe-helper under `ip netns exec`. NTP is
 * checked against chronyd serving on a spare loopback port (when installed),
 * and against a responder in this file that crafts the awkward replies.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lookout-ntp-probe.h"
#include "lookout-tcp-probe.h"
#include "lookout-udp-probe.h"
#include "lookout-test.h"

/* Probing ---------------------------------------------------------------- */

static LookoutResult *
run_probe (LookoutProbe *probe,
           const char   *uri,
           guint         timeout_ms,
           const char   *options)
{
  g_autoptr(GError) error = NULL;
  LookoutResult *result = lookout_test_run_probe (probe, uri, timeout_ms, options, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_test_message ("%s -> ok=%d state=%s latency=%" G_GINT64_FORMAT " us address=%s error=%s",
                  uri, result->ok, lookout_target_state_to_string (result->state),
                  result->latency_us, result->address, result->error);

  return result;
}

static void
assert_failed (const LookoutResult *result,
               LookoutTargetState   state,
               LookoutProbeError    code,
               const char          *message_part)
{
  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, state);
  g_assert_cmpint (result->error_code, ==, code);
  g_assert_nonnull (result->error);
  if (strstr (result->error, message_part) == NULL)
    g_error ("“%s” not in the message “%s”", message_part, result->error);
}

/* A port nothing listens on: bound, noted, closed. */
static guint16
closed_port (GSocketType type)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, type, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Network namespace --------------------------------------------------------
 * 192.0.2.2 sits behind a veth whose far end nobody answers on, with a
 * permanent neighbour entry so no ARP failure cuts the wait short: packets
 * to it vanish. 198.51.100.0/24 has an "unreachable" route, 203.0.113.0/24
 * a "prohibit" one, and there is no default route. */

static char *netns;
static char *netns_skip_reason;

static gboolean
run_command (const char  *command,
             char       **out_stdout,
             int         *out_status,
             GError     **error)
{
  g_auto(GStrv) argv = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!g_shell_parse_argv (command, NULL, &argv, error))
    return FALSE;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out_stdout, &err, &status, error))
    return FALSE;
  if (out_status != NULL)
    *out_status = status;
  else if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s", command, err);
      return FALSE;
    }

  return TRUE;
}

/* A test run that crashed leaves its namespace behind: remove those whose
 * process is gone. */
static void
netns_remove_stale (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  if (!run_command ("ip netns list", &out, NULL, NULL))
    return;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      int pid = 0;

      if (sscanf (lines[i], "lkt-net-%d", &pid) == 1 && pid > 0
          && kill (pid, 0) < 0 && errno == ESRCH)
        {
          g_autofree char *command = g_strdup_printf ("ip netns del lkt-net-%d", pid);
          run_command (command, NULL, NULL, NULL);
        }
    }
}

static void
netns_setup (void)
{
  /* Each run as `ip -n NAME …` once the namespace exists. */
  const char *steps[] = {
    "link set lo up",
    "link add lkt0 type veth peer name lkt1",
    "addr add 192.0.2.1/24 dev lkt0",
    "link set lkt0 up",
    "link set lkt1 up",
    "neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev lkt0 nud permanent",
    "route add unreachable 198.51.100.0/24",
    "route add prohibit 203.0.113.0/24",
  };
  g_autofree char *ip = g_find_program_in_path ("ip");
  g_autofree char *name = g_strdup_printf ("lkt-net-%d", (int) getpid ());

  if (geteuid () != 0)
    {
      netns_skip_reason = g_strdup ("network namespaces need root");
      return;
    }
  if (ip == NULL)
    {
      netns_skip_reason = g_strdup ("the ip command (iproute2) is not installed");
      return;
    }

  netns_remove_stale ();

  for (gsize i = 0; i <= G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *command = i == 0
        ? g_strdup_printf ("ip netns add %s", name)
        : g_strdup_printf ("ip -n %s %s", name, steps[i - 1]);
      g_autoptr(GError) error = NULL;

      if (!run_command (command, NULL, NULL, &error))
        {
          netns_skip_reason = g_strdup_printf ("cannot build a network namespace: %s", error->message);
          if (i > 0)
            {
              g_autofree char *del = g_strdup_printf ("ip netns del %s", name);
              run_command (del, NULL, NULL, NULL);
            }
          return;
        }
    }

  netns = g_steal_pointer (&name);
}

static void
netns_teardown (void)
{
  if (netns != NULL)
    {
      g_autofree char *command = g_strdup_printf ("ip netns del %s", netns);
      g_autoptr(GError) error = NULL;

      if (!run_command (command, NULL, NULL, &error))
        g_printerr ("# could not delete namespace %s: %s\n", netns, error->message);
      g_clear_pointer (&netns, g_free);
    }
}

/* Runs probe-helper inside the namespace; returns its JSON object. */
static JsonObject *
run_in_netns (const char *uri,
              guint       timeout_ms,
              gint64     *out_wall_us)
{
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "probe-helper", NULL);
  g_autofree char *command = g_strdup_printf ("ip netns exec %s %s --timeout %u %s",
                                              netns, helper, timeout_ms, uri);
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status;

  run_command (command, &out, &status, &error);
  g_assert_no_error (error);
  if (out_wall_us != NULL)
    *out_wall_us = g_get_monotonic_time () - start;
  g_test_message ("%s -> %s", uri, out);

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
skip_without_netns (void)
{
  if (netns == NULL)
    {
      g_test_skip (netns_skip_reason);
      return TRUE;
    }
  return FALSE;
}

static void
assert_json_failure (JsonObject *object,
                     const char *error_class,
                     const char *message_part)
{
  g_assert_false (json_object_get_boolean_member (object, "ok"));
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "down");
  g_assert_cmpstr (json_object_get_string_member (object, "error_class"), ==, error_class);
  g_assert_nonnull (strstr (json_object_get_string_member (object, "error"), message_part));
  g_assert_true (json_object_get_null_member (object, "latency_ms"));
}

/* TCP ---------------------------------------------------------------------- */

static guint16
listen_on (GSocketListener *listener,
           const char      *ip,
           GError         **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static void
check_tcp_open (const char *ip,
                const char *uri_host)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(LookoutProbe) probe = lookout_tcp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint16 port;

  port = listen_on (listener, ip, &error);
  if (port == 0)
    {
      g_autofree char *reason = g_strdup_printf ("cannot listen on %s: %s", ip, error->message);
      g_test_skip (reason);
      return;
    }

  uri = g_strdup_printf ("tcp://%s:%u", uri_host, port);
  result = run_probe (probe, uri, 2000, NULL);

  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_NONE);
  g_assert_null (result->error);
  g_assert_cmpstr (result->address, ==, ip);
  g_assert_cmpstr (result->target, ==, uri);
  /* A loopback handshake takes microseconds; allow for a loaded machine. */
  g_assert_cmpint (result->latency_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 100000);
  g_assert_cmpint (result->connect_us, ==, result->latency_us);
}

static void
test_tcp_open_ipv4 (void)
{
  check_tcp_open ("127.0.0.1", "127.0.0.1");
}

static void
test_tcp_open_ipv6 (void)
{
  check_tcp_open ("::1", "[::1]");
}

/* "localhost" may resolve to ::1 first; only 127.0.0.1 listens, so the probe
 * must move on to the next address and report the one that answered. */
static void
test_tcp_open_by_name (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(LookoutProbe) probe = lookout_tcp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint16 port;

  port = listen_on (listener, "127.0.0.1", &error);
  g_assert_no_error (error);

  uri = g_strdup_printf ("tcp://localhost:%u", port);
  result = run_probe (probe, uri, 2000, NULL);

  g_assert_true (result->ok);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (result->dns_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 100000);
}

static void
test_tcp_refused (void)
{
  g_autoptr(LookoutProbe) probe = lookout_tcp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", closed_port (G_SOCKET_TYPE_STREAM));

  result = run_probe (probe, uri, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED, "refused");
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
}

static void
test_tcp_timeout (void)
{
  g_autoptr(JsonObject) object = NULL;
  gint64 wall_us;

  if (skip_without_netns ())
    return;

  object = run_in_netns ("tcp://192.0.2.2:80", 400, &wall_us);

  assert_json_failure (object, "timeout", "within 400 ms");
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, "192.0.2.2");
  /* Bounded by the timeout (plus the helper's start-up). */
  g_assert_cmpint (wall_us, >=, 400000);
  g_assert_cmpint (wall_us, <, 3000000);
}

static void
test_tcp_unreachable (void)
{
  g_autoptr(JsonObject) host = NULL;
  g_autoptr(JsonObject) prohibited = NULL;
  g_autoptr(JsonObject) network = NULL;

  if (skip_without_netns ())
    return;

  host = run_in_netns ("tcp://198.51.100.7:443", 2000, NULL);
  assert_json_failure (host, "unreachable", "Host unreachable");
  g_assert_cmpstr (json_object_get_string_member (host, "address"), ==, "198.51.100.7");

  prohibited = run_in_netns ("tcp://203.0.113.7:443", 2000, NULL);
  assert_json_failure (prohibited, "unreachable", "prohibited");

  network = run_in_netns ("tcp://10.255.0.1:22", 2000, NULL);
  assert_json_failure (network, "unreachable", "Network unreachable");
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* A listener whose accept queue is full drops further SYNs, so a connect to
 * it stays pending: the check must end on cancellation, not on its own. */
static void
test_tcp_cancel (void)
{
  g_autoptr(GSocket) listener = NULL;
  GSocket *filler[3] = { NULL, };
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LookoutProbe) probe = lookout_tcp_probe_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(LookoutResult) early = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) early_error = NULL;
  g_autofree char *uri = NULL;
  gint64 start;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 0);
  g_assert_true (g_socket_bind (listener, any, FALSE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (filler); i++)
    {
      filler[i] = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_socket_set_blocking (filler[i], FALSE);
      g_socket_connect (filler[i], bound, NULL, NULL);
    }
  uri = g_strdup_printf ("tcp://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  /* cancelled before it starts */
  g_cancellable_cancel (cancelled);
  early = lookout_test_run_probe (probe, uri, 5000, NULL, cancelled, &early_error);
  g_assert_error (early_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (early);

  start = g_get_monotonic_time ();
  g_timeout_add (50, cancel_cb, cancellable);
  result = lookout_test_run_probe (probe, uri, 5000, NULL, cancellable, &error);
  for (guint i = 0; i < G_N_ELEMENTS (filler); i++)
    g_object_unref (filler[i]);
  if (result != NULL && result->ok)
    {
      g_test_skip ("the full accept queue did not hold the connect back");
      return;
    }

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000000);
}

/* UDP responders ------------------------------------------------------------ */

typedef struct _Responder Responder;
/* Returns the datagrams to send back (GBytes), in order. */
typedef GPtrArray *(*ResponderReplyFunc) (Responder *responder, GBytes *request, gint64 received_unix_ns);

struct _Responder
{
  GSocket            *socket;
  GSource            *source;
  guint16             port;
  guint               delay_ms;      /* before each reply */
  gboolean            silent;
  ResponderReplyFunc  reply;
  gpointer            data;
  GBytes             *last_request;
  guint               n_requests;
};

typedef struct
{
  Responder      *responder;
  GSocketAddress *peer;
  GPtrArray      *datagrams;
} PendingReply;

static gboolean
send_pending_cb (gpointer user_data)
{
  PendingReply *pending = user_data;

  for (guint i = 0; i < pending->datagrams->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (pending->datagrams, i);
      gsize size;
      gconstpointer data = g_bytes_get_data (bytes, &size);
      g_autoptr(GError) error = NULL;

      g_socket_send_to (pending->responder->socket, pending->peer, data ? data : "", size, NULL, &error);
      g_assert_no_error (error);
    }

  g_object_unref (pending->peer);
  g_ptr_array_unref (pending->datagrams);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static GPtrArray *
echo_reply (Responder *responder,
            GBytes    *request,
            gint64     received_unix_ns)
{
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (datagrams, g_bytes_ref (request));
  return datagrams;
}

static gboolean
responder_readable_cb (GSocket      *socket,
                       GIOCondition  condition,
                       gpointer      user_data)
{
  Responder *responder = user_data;
  GSocketAddress *peer = NULL;
  guint8 buffer[2048];
  gint64 received_unix_ns = g_get_real_time () * 1000;
  PendingReply *pending;
  gssize n;

  n = g_socket_receive_from (socket, &peer, (char *) buffer, sizeof buffer, NULL, NULL);
  if (n < 0)
    return G_SOURCE_CONTINUE;

  responder->n_requests++;
  g_clear_pointer (&responder->last_request, g_bytes_unref);
  responder->last_request = g_bytes_new (buffer, n);

  if (responder->silent)
    {
      g_object_unref (peer);
      return G_SOURCE_CONTINUE;
    }

  pending = g_new0 (PendingReply, 1);
  pending->responder = responder;
  pending->peer = peer;
  pending->datagrams = responder->reply (responder, responder->last_request, received_unix_ns);

  if (responder->delay_ms == 0)
    send_pending_cb (pending);
  else
    g_timeout_add (responder->delay_ms, send_pending_cb, pending);

  return G_SOURCE_CONTINUE;
}

static Responder *
responder_new (ResponderReplyFunc reply)
{
  Responder *responder = g_new0 (Responder, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  responder->reply = reply;
  responder->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (responder->socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (responder->socket, &error);
  g_assert_no_error (error);
  responder->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  responder->source = g_socket_create_source (responder->socket, G_IO_IN, NULL);
  g_source_set_callback (responder->source, G_SOURCE_FUNC (responder_readable_cb), responder, NULL);
  g_source_attach (responder->source, NULL);

  return responder;
}

static void
responder_free (Responder *responder)
{
  /* Let delayed replies go out before the socket closes. */
  for (int i = 0; i < 20 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_source_destroy (responder->source);
  g_source_unref (responder->source);
  g_socket_close (responder->socket, NULL);
  g_object_unref (responder->socket);
  g_clear_pointer (&responder->last_request, g_bytes_unref);
  g_free (responder);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Responder, responder_free)

/* UDP ---------------------------------------------------------------------- */

static void
test_udp_reply (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", responder->port);
  gint64 start, elapsed;

  responder->delay_ms = 30;
  start = g_get_monotonic_time ();
  result = run_probe (probe, uri, 2000, "{\"payload\": \"hello lookout\"}");
  elapsed = g_get_monotonic_time () - start;

  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpuint (result->reply_bytes, ==, strlen ("hello lookout"));
  g_assert_cmpmem (g_bytes_get_data (responder->last_request, NULL), g_bytes_get_size (responder->last_request),
                   "hello lookout", strlen ("hello lookout"));
  /* The responder holds each reply 30 ms: the round trip is that and a
   * little more, never less, and no more than the whole check took (a
   * loaded machine may add to both). */
  g_assert_cmpint (result->latency_us, >=, 30000);
  g_assert_cmpint (result->latency_us, <=, elapsed);
}

static void
test_udp_payload_hex (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", responder->port);
  const guint8 expected[] = { 0x00, 0xff, 0x10, 0xab };

  result = run_probe (probe, uri, 2000, "{\"payload\": \"ignored\", \"payload_hex\": \"00FF10ab\"}");

  g_assert_true (result->ok);
  g_assert_cmpuint (result->reply_bytes, ==, 4);
  g_assert_cmpmem (g_bytes_get_data (responder->last_request, NULL), g_bytes_get_size (responder->last_request),
                   expected, sizeof expected);
  g_assert_cmpint (result->latency_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 100000);

  g_assert_cmpuint (responder->n_requests, ==, 1);
}

static void
test_udp_empty_payload (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", responder->port);

  result = run_probe (probe, uri, 2000, NULL);

  g_assert_true (result->ok);
  g_assert_cmpuint (result->reply_bytes, ==, 0);
  g_assert_cmpuint (g_bytes_get_size (responder->last_request), ==, 0);
}

static void
test_udp_refused (void)
{
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", closed_port (G_SOCKET_TYPE_DATAGRAM));
  gint64 start = g_get_monotonic_time ();

  result = run_probe (probe, uri, 2000, "{\"payload\": \"x\"}");

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED, "port unreachable");
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  /* The ICMP error comes back at once: no waiting for the timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000000);
}

static void
test_udp_silence (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(LookoutResult) expected = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", responder->port);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  responder->silent = TRUE;
  result = run_probe (probe, uri, 300, NULL);
  elapsed = g_get_monotonic_time () - start;

  g_assert_cmpuint (responder->n_requests, ==, 1);
  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_NO_REPLY);
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_cmpstr (result->error, ==, "No reply within 300 ms: the port is open or filtered");
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (elapsed, >=, 300000);
  g_assert_cmpint (elapsed, <, 1000000);

  /* When the service must answer, silence is an outage. */
  expected = run_probe (probe, uri, 300, "{\"expect_reply\": true}");
  g_assert_cmpint (expected->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (expected->error_code, ==, LOOKOUT_PROBE_ERROR_NO_REPLY);
}

static void
test_udp_cancel (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_udp_probe_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("udp://127.0.0.1:%u", responder->port);
  gint64 start = g_get_monotonic_time ();

  responder->silent = TRUE;
  g_timeout_add (50, cancel_cb, cancellable);
  result = lookout_test_run_probe (probe, uri, 5000, NULL, cancellable, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000000);
}

static void
test_udp_unreachable (void)
{
  g_autoptr(JsonObject) object = NULL;

  if (skip_without_netns ())
    return;

  object = run_in_netns ("udp://198.51.100.7:53", 2000, NULL);
  assert_json_failure (object, "unreachable", "198.51.100.7");
}

/* NTP: a responder that crafts replies -------------------------------------- */

#define NTP_DELTA G_GINT64_CONSTANT (2208988800)

typedef struct
{
  guint8   leap;
  guint8   version;
  guint8   mode;
  guint8   stratum;
  guint32  refid;
  gint64   skew_ns;        /* the server's clock minus ours */
  guint    path_ms;        /* simulated network round trip */
  gboolean zero_transmit;
  guint    n_spoofs;       /* replies with a wrong origin sent before the real one */
  gboolean only_spoofs;
} NtpScenario;

static void
put_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
put_ntp_time (guint8 *p,
              gint64  unix_ns)
{
  gint64 secs = unix_ns / 1000000000;
  gint64 ns = unix_ns % 1000000000;

  put_u32 (p, (guint32) (secs + NTP_DELTA));
  put_u32 (p + 4, (guint32) (((guint64) ns << 32) / 1000000000));
}

static GPtrArray *
ntp_reply (Responder *responder,
           GBytes    *request,
           gint64     received_unix_ns)
{
  const NtpScenario *scenario = responder->data;
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const guint8 *req = g_bytes_get_data (request, NULL);
  guint8 packet[48] = { 0 };
  /* The server "sees" the request half way along the simulated path, and
   * answers at once: T2 = T3. */
  gint64 server_time = received_unix_ns + (gint64) scenario->path_ms * 500000 + scenario->skew_ns;

  g_assert_cmpuint (g_bytes_get_size (request), ==, 48);
  g_assert_cmpuint (req[0], ==, 0x23);

  responder->delay_ms = scenario->path_ms;

  packet[0] = (scenario->leap << 6) | (scenario->version << 3) | scenario->mode;
  packet[1] = scenario->stratum;
  packet[2] = 6;
  packet[3] = (guint8) -20;
  put_u32 (packet + 12, scenario->refid);
  put_ntp_time (packet + 16, server_time - G_GINT64_CONSTANT (1000000000));
  memcpy (packet + 24, req + 40, 8);
  if (!scenario->zero_transmit && scenario->stratum != 0)
    {
      put_ntp_time (packet + 32, server_time);
      put_ntp_time (packet + 40, server_time);
    }

  for (guint i = 0; i < scenario->n_spoofs; i++)
    {
      guint8 spoof[48];

      memcpy (spoof, packet, 48);
      spoof[31] ^= 0x5a;
      put_ntp_time (spoof + 40, server_time + G_GINT64_CONSTANT (3600000000000));
      put_ntp_time (spoof + 32, server_time + G_GINT64_CONSTANT (3600000000000));
      g_ptr_array_add (datagrams, g_bytes_new (spoof, 48));
    }
  if (!scenario->only_spoofs)
    g_ptr_array_add (datagrams, g_bytes_new (packet, 48));

  return datagrams;
}

static const NtpScenario good_server = {
  .leap = 0, .version = 4, .mode = 4, .stratum = 2,
  .refid = (192u << 24) | (0u << 16) | (2u << 8) | 44u,
};

static LookoutResult *
run_ntp_scenario (const NtpScenario *scenario,
                  guint              timeout_ms,
                  Responder        **out_responder)
{
  Responder *responder = responder_new (ntp_reply);
  g_autoptr(LookoutProbe) probe = lookout_ntp_probe_new ();
  g_autofree char *uri = g_strdup_printf ("ntp://127.0.0.1:%u", responder->port);
  LookoutResult *result;

  responder->data = (gpointer) scenario;
  result = run_probe (probe, uri, timeout_ms, NULL);
  g_test_message ("offset %" G_GINT64_FORMAT " us, stratum %d, reference %s",
                  result->offset_us, result->stratum, result->reference_id);

  if (out_responder != NULL)
    *out_responder = responder;
  else
    responder_free (responder);

  return result;
}

static void
test_ntp_responder_ok (void)
{
  g_autoptr(LookoutResult) result = run_ntp_scenario (&good_server, 2000, NULL);

  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (result->stratum, ==, 2);
  g_assert_cmpstr (result->reference_id, ==, "192.0.2.44");
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (ABS (result->offset_us), <, 5000);
  g_assert_cmpint (result->latency_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 50000);
}

static void
test_ntp_delay (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) result = NULL;

  scenario.path_ms = 40;
  result = run_ntp_scenario (&scenario, 2000, NULL);

  g_assert_true (result->ok);
  /* The path counted once: at least its 40 ms, and short of twice that
   * (what counting it on both legs again would give), whatever a busy
   * machine adds in scheduling. */
  g_assert_cmpint (result->latency_us, >=, 40000 - 1000);
  g_assert_cmpint (result->latency_us, <, 2 * 40000);
  /* Symmetric path: the offset stays near zero, within half of the
   * scheduling slack this run measured, plus a little. */
  g_assert_cmpint (ABS (result->offset_us), <=, (result->latency_us - 40000) / 2 + 5000);
}

static void
test_ntp_offset (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) ahead = NULL;
  g_autoptr(LookoutResult) behind = NULL;

  scenario.skew_ns = G_GINT64_CONSTANT (2500000000);
  ahead = run_ntp_scenario (&scenario, 2000, NULL);
  g_assert_true (ahead->ok);
  g_assert_cmpint (ABS (ahead->offset_us - 2500000), <, 5000);
  g_assert_cmpint (ahead->latency_us, <, 50000);

  scenario.skew_ns = -G_GINT64_CONSTANT (750000000);
  behind = run_ntp_scenario (&scenario, 2000, NULL);
  g_assert_true (behind->ok);
  g_assert_cmpint (ABS (behind->offset_us + 750000), <, 5000);
}

/* The option max_offset_ms: a clock off by more is DEGRADED, and says by
 * how much. */
static void
test_ntp_max_offset (void)
{
  NtpScenario scenario = good_server;
  Responder *responder = responder_new (ntp_reply);
  g_autoptr(LookoutProbe) probe = lookout_ntp_probe_new ();
  g_autofree char *uri = g_strdup_printf ("ntp://127.0.0.1:%u", responder->port);
  g_autoptr(LookoutResult) off = NULL;
  g_autoptr(LookoutResult) within = NULL;

  scenario.skew_ns = G_GINT64_CONSTANT (2500000000);
  responder->data = &scenario;

  off = run_probe (probe, uri, 2000, "{\"max_offset_ms\": 1000}");
  g_assert_false (off->ok);
  g_assert_cmpint (off->state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
  g_assert_cmpint (ABS (off->offset_us - 2500000), <, 5000);
  g_assert_nonnull (strstr (off->error, "more than the 1.000 s allowed"));

  within = run_probe (probe, uri, 2000, "{\"max_offset_ms\": 5000}");
  g_assert_true (within->ok);
  g_assert_cmpint (within->state, ==, LOOKOUT_TARGET_STATE_UP);

  responder_free (responder);
}

static void
test_ntp_kiss_of_death (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) rate = NULL;
  g_autoptr(LookoutResult) unknown = NULL;
  g_autoptr(JsonNode) json = NULL;

  scenario.stratum = 0;
  scenario.refid = ('R' << 24) | ('A' << 16) | ('T' << 8) | 'E';
  rate = run_ntp_scenario (&scenario, 2000, NULL);

  assert_failed (rate, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_KISS_OF_DEATH, "RATE");
  g_assert_nonnull (strstr (rate->error, "poll less often"));
  g_assert_cmpint (rate->stratum, ==, 0);
  g_assert_cmpstr (rate->reference_id, ==, "RATE");
  g_assert_cmpint (rate->latency_us, ==, -1);

  json = lookout_result_to_json (rate);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "error_class"), ==, "kiss-of-death");

  /* Any stratum 0 reply is a kiss, named or not. */
  scenario.refid = ('X' << 24) | ('Y' << 16) | 0x01 << 8;
  unknown = run_ntp_scenario (&scenario, 2000, NULL);
  assert_failed (unknown, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_KISS_OF_DEATH, "XY\\x01");
}

static void
test_ntp_unsynchronised (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) result = NULL;

  scenario.leap = 3;
  scenario.stratum = 5;
  result = run_ntp_scenario (&scenario, 2000, NULL);

  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
  g_assert_nonnull (strstr (result->error, "not synchronised"));
  g_assert_cmpint (result->stratum, ==, 5);
  /* The measurement itself is still real and reported. */
  g_assert_cmpint (result->latency_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 50000);
}

static void
test_ntp_spoofed_origin (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) spoofed_first = NULL;
  g_autoptr(LookoutResult) only_spoofs = NULL;
  Responder *responder = NULL;

  /* A forged reply arrives first: ignored, the genuine one is used (the
   * forgery's clock is an hour off, so using it would show). */
  scenario.n_spoofs = 1;
  spoofed_first = run_ntp_scenario (&scenario, 2000, NULL);
  g_assert_true (spoofed_first->ok);
  g_assert_cmpint (ABS (spoofed_first->offset_us), <, 5000);

  scenario.n_spoofs = 2;
  scenario.only_spoofs = TRUE;
  only_spoofs = run_ntp_scenario (&scenario, 300, &responder);
  g_assert_cmpuint (responder->n_requests, ==, 1);
  responder_free (responder);
  assert_failed (only_spoofs, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "ignored 2 replies");
  g_assert_nonnull (strstr (only_spoofs->error, "origin timestamp"));
}

static void
test_ntp_malformed (void)
{
  NtpScenario scenario = good_server;
  g_autoptr(LookoutResult) mode = NULL;
  g_autoptr(LookoutResult) zero = NULL;

  scenario.mode = 3;
  mode = run_ntp_scenario (&scenario, 2000, NULL);
  assert_failed (mode, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "server mode");

  scenario.mode = 4;
  scenario.zero_transmit = TRUE;
  zero = run_ntp_scenario (&scenario, 2000, NULL);
  g_assert_cmpint (zero->error_code, ==, LOOKOUT_PROBE_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (zero->error, "transmit timestamp"));
}

static void
test_ntp_refused (void)
{
  g_autoptr(LookoutProbe) probe = lookout_ntp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("ntp://127.0.0.1:%u", closed_port (G_SOCKET_TYPE_DATAGRAM));

  result = run_probe (probe, uri, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED, "port unreachable");
}

static void
test_ntp_timeout (void)
{
  g_autoptr(Responder) responder = responder_new (echo_reply);
  g_autoptr(LookoutProbe) probe = lookout_ntp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *uri = g_strdup_printf ("ntp://127.0.0.1:%u", responder->port);

  responder->silent = TRUE;
  result = run_probe (probe, uri, 250, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "within 250 ms");
  g_assert_cmpint (result->latency_us, ==, -1);
}

/* NTP: chronyd ------------------------------------------------------------- */

static void
test_ntp_chrony (void)
{
  g_autofree char *chronyd = g_find_program_in_path ("chronyd");
  g_autoptr(LookoutTestDir) dir = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(LookoutProbe) probe = lookout_ntp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  if (chronyd == NULL && g_file_test ("/usr/sbin/chronyd", G_FILE_TEST_IS_EXECUTABLE))
    chronyd = g_strdup ("/usr/sbin/chronyd");
  if (chronyd == NULL)
    {
      g_test_skip ("chronyd is not installed (Debian package chrony)");
      return;
    }
  if (geteuid () != 0)
    {
      /* It would try to drop to the _chrony user and could not write its files. */
      g_test_skip ("chronyd needs root to start");
      return;
    }

  dir = lookout_test_dir_new ();
  port = closed_port (G_SOCKET_TYPE_DATAGRAM);
  /* No sources and a local reference: chronyd serves its own clock at
   * stratum 8 without touching the system clock (-x). */
  conf = g_strdup_printf ("port %u\n"
                          "bindaddress 127.0.0.1\n"
                          "allow 127.0.0.1\n"
                          "local stratum 8\n"
                          "cmdport 0\n"
                          "driftfile %s/drift\n"
                          "pidfile %s/chronyd.pid\n",
                          port, dir, dir);
  conf_path = g_build_filename (dir, "chrony.conf", NULL);
  g_file_set_contents (conf_path, conf, -1, &error);
  g_assert_no_error (error);

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             chronyd, "-d", "-x", "-u", "root", "-f", conf_path, NULL);
  g_assert_no_error (error);

  uri = g_strdup_printf ("ntp://127.0.0.1:%u", port);
  /* Until it has bound its socket the port answers "unreachable". */
  for (int attempt = 0; attempt < 30; attempt++)
    {
      g_clear_pointer (&result, lookout_result_unref);
      result = run_probe (probe, uri, 500, NULL);
      if (result->error_code != LOOKOUT_PROBE_ERROR_REFUSED)
        break;
      g_usleep (100000);
    }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);

  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (result->stratum, ==, 8);
  g_assert_cmpstr (result->reference_id, ==, "127.127.1.1");
  g_assert_cmpint (ABS (result->offset_us), <, 5000);
  g_assert_cmpint (result->latency_us, >=, 0);
  g_assert_cmpint (result->latency_us, <, 50000);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probes/tcp/open-ipv4", test_tcp_open_ipv4);
  g_test_add_func ("/probes/tcp/open-ipv6", test_tcp_open_ipv6);
  g_test_add_func ("/probes/tcp/open-by-name", test_tcp_open_by_name);
  g_test_add_func ("/probes/tcp/refused", test_tcp_refused);
  g_test_add_func ("/probes/tcp/timeout", test_tcp_timeout);
  g_test_add_func ("/probes/tcp/unreachable", test_tcp_unreachable);
  g_test_add_func ("/probes/tcp/cancel", test_tcp_cancel);
  g_test_add_func ("/probes/udp/reply", test_udp_reply);
  g_test_add_func ("/probes/udp/payload-hex", test_udp_payload_hex);
  g_test_add_func ("/probes/udp/empty-payload", test_udp_empty_payload);
  g_test_add_func ("/probes/udp/refused", test_udp_refused);
  g_test_add_func ("/probes/udp/silence", test_udp_silence);
  g_test_add_func ("/probes/udp/cancel", test_udp_cancel);
  g_test_add_func ("/probes/udp/unreachable", test_udp_unreachable);
  g_test_add_func ("/probes/ntp/chrony", test_ntp_chrony);
  g_test_add_func ("/probes/ntp/responder", test_ntp_responder_ok);
  g_test_add_func ("/probes/ntp/delay", test_ntp_delay);
  g_test_add_func ("/probes/ntp/offset", test_ntp_offset);
  g_test_add_func ("/probes/ntp/max-offset", test_ntp_max_offset);
  g_test_add_func ("/probes/ntp/kiss-of-death", test_ntp_kiss_of_death);
  g_test_add_func ("/probes/ntp/unsynchronised", test_ntp_unsynchronised);
  g_test_add_func ("/probes/ntp/spoofed-origin", test_ntp_spoofed_origin);
  g_test_add_func ("/probes/ntp/malformed", test_ntp_malformed);
  g_test_add_func ("/probes/ntp/refused", test_ntp_refused);
  g_test_add_func ("/probes/ntp/timeout", test_ntp_timeout);

  netns_setup ();
  ret = g_test_run ();
  netns_teardown ();

  return ret;
}
