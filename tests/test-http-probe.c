/* test-http-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The HTTP probe against real peers on 127.0.0.1: a SoupServer (plain and
 * HTTPS with a certificate made by openssl for the run) running in its own
 * thread and main context, so that its handlers can delay without holding up
 * the prober's loop; a raw socket service that resets every connection; a
 * listening socket that never accepts; and a port nobody listens on. */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "lookout-http-probe.h"
#include "lookout-target-options.h"
#include "lookout-test.h"

#define SERVER_DELAY_MS 50
#define ENDLESS_CHUNK   8192
#define BIG_BODY_SIZE   (400 * 1024)

typedef struct
{
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  SoupServer     *server;
  SoupServer     *tls_server;
  SoupServer     *v6_server;       /* NULL without IPv6 loopback */
  GSocketService *reset_service;
  GSocket        *silent;
  guint16         port;
  guint16         tls_port;
  guint16         v6_port;
  guint16         reset_port;
  guint16         silent_port;
  guint16         refused_port;
  LookoutTestDir *tmpdir;
  char           *cert_file;
  char           *key_file;
  GTlsCertificate *certificate;

  GMutex          mutex;
  GCond           cond;
  gboolean        ready;
  char           *last_method;
  char           *last_header;
  char           *last_user_agent;
  char           *last_body;
  char           *last_content_type;
  GPtrArray      *ok_peers;        /* "ip:port" of each request to /ok */
  guint64         endless_sent;
  gint64          last_delay_us;   /* how long /delay really waited */
  guint           endless_finished;
} TestServer;

static TestServer ts;

/* Server side: handlers run in the server thread. */

static void
set_text (SoupServerMessage *msg,
          guint              status,
          const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

/* The server's own view of the wait: from the parsed request to the
 * response written out, whatever the server thread's scheduling. */
static void
delayed_reply_written_cb (SoupServerMessage *msg,
                          gpointer           user_data)
{
  gint64 *received = g_object_get_data (G_OBJECT (msg), "received");

  g_mutex_lock (&ts.mutex);
  ts.last_delay_us = g_get_monotonic_time () - *received;
  g_cond_broadcast (&ts.cond);
  g_mutex_unlock (&ts.mutex);
}

/* The server may note the wait a moment after the client has the answer. */
static gint64
take_server_delay (void)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  gint64 delay;

  g_mutex_lock (&ts.mutex);
  while (ts.last_delay_us == 0 && g_cond_wait_until (&ts.cond, &ts.mutex, deadline))
    ;
  delay = ts.last_delay_us;
  ts.last_delay_us = 0;
  g_mutex_unlock (&ts.mutex);

  return delay;
}

static gboolean
delayed_reply_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  set_text (msg, SOUP_STATUS_OK, "slow but fine\n");
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
endless_wrote_chunk_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  static char chunk[ENDLESS_CHUNK];
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  memset (chunk, 'x', sizeof chunk);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, sizeof chunk);
  g_mutex_lock (&ts.mutex);
  ts.endless_sent += sizeof chunk;
  g_mutex_unlock (&ts.mutex);
}

static void
endless_finished_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  g_mutex_lock (&ts.mutex);
  ts.endless_finished++;
  g_mutex_unlock (&ts.mutex);
}

static gboolean
second_half_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_message_body_append (body, SOUP_MEMORY_STATIC, "LE and more text\n", 17);
  soup_message_body_complete (body);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

/* Calls @func @ms milliseconds from now; a g_timeout_source counts from the
 * start of the main loop iteration and may fire a little early. */
static void
add_timeout (guint              ms,
             GSourceFunc        func,
             SoupServerMessage *msg)
{
  static GSourceFuncs deadline_funcs = { .dispatch = deadline_dispatch };
  GSource *source = g_source_new (&deadline_funcs, sizeof (GSource));

  g_source_set_ready_time (source, g_get_monotonic_time () + ms * 1000);

  g_source_set_callback (source, func, g_object_ref (msg), g_object_unref);
  g_source_attach (source, ts.context);
  g_source_unref (source);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  if (g_str_equal (path, "/ok"))
    {
      GInetSocketAddress *peer = G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg));
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (peer));

      g_mutex_lock (&ts.mutex);
      g_ptr_array_add (ts.ok_peers, g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (peer)));
      g_mutex_unlock (&ts.mutex);
      set_text (msg, SOUP_STATUS_OK, "all good\n");
    }
  else if (g_str_equal (path, "/delay"))
    {
      gint64 *received = g_new (gint64, 1);

      *received = g_get_monotonic_time ();
      g_object_set_data_full (G_OBJECT (msg), "received", received, g_free);
      g_signal_connect (msg, "wrote-body", G_CALLBACK (delayed_reply_written_cb), NULL);
      soup_server_message_pause (msg);
      add_timeout (SERVER_DELAY_MS, delayed_reply_cb, msg);
    }
  else if (g_str_equal (path, "/status/500"))
    set_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "broken\n");
  else if (g_str_equal (path, "/status/404"))
    set_text (msg, SOUP_STATUS_NOT_FOUND, "nothing here\n");
  else if (g_str_has_prefix (path, "/redirect/"))
    {
      guint64 n = g_ascii_strtoull (path + strlen ("/redirect/"), NULL, 10);

      if (n == 0)
        set_text (msg, SOUP_STATUS_OK, "arrived\n");
      else
        {
          g_autofree char *next = g_strdup_printf ("/redirect/%" G_GUINT64_FORMAT, n - 1);

          soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, next);
        }
    }
  else if (g_str_equal (path, "/loop/a"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/loop/b");
  else if (g_str_equal (path, "/loop/b"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, "/loop/a");
  else if (g_str_equal (path, "/endless"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);
      soup_message_headers_set_content_type (response_headers, "text/plain", NULL);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (endless_wrote_chunk_cb), NULL);
      g_signal_connect (msg, "finished", G_CALLBACK (endless_finished_cb), NULL);
      endless_wrote_chunk_cb (msg, NULL);
    }
  else if (g_str_equal (path, "/split"))
    {
      SoupMessageBody *body = soup_server_message_get_response_body (msg);

      /* The keyword NEEDLE arrives in two chunks, the second 30 ms later. */
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_encoding (response_headers, SOUP_ENCODING_CHUNKED);
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "some text then a NEED", 21);
      soup_server_message_pause (msg);
      add_timeout (30, second_half_cb, msg);
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize size = BIG_BODY_SIZE;
      char *body = g_malloc (size);

      memset (body, 'a', size);
      memcpy (body + size - 4, "TAIL", 4);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, body, size);
    }
  else if (g_str_equal (path, "/echo"))
    {
      g_mutex_lock (&ts.mutex);
      g_free (ts.last_method);
      g_free (ts.last_header);
      ts.last_method = g_strdup (soup_server_message_get_method (msg));
      ts.last_header = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                               "X-Lookout-Test"));
      g_free (ts.last_user_agent);
      ts.last_user_agent = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                   "User-Agent"));
      {
        SoupMessageBody *request = soup_server_message_get_request_body (msg);
        g_autoptr(GBytes) bytes = soup_message_body_flatten (request);

        g_free (ts.last_body);
        ts.last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        g_free (ts.last_content_type);
        ts.last_content_type = g_strdup (soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                                                NULL));
      }
      g_mutex_unlock (&ts.mutex);
      set_text (msg, SOUP_STATUS_OK, "echo\n");
    }
  else
    set_text (msg, SOUP_STATUS_NOT_FOUND, "unknown path\n");
}

static void
reset_read_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = user_data;
  GSocket *socket = g_socket_connection_get_socket (connection);
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), res, NULL);

  /* Linger 0: close() sends a RST instead of a FIN. */
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static gboolean
reset_incoming_cb (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source_object,
                   gpointer           user_data)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  /* Wait for the request, so the reset hits a client waiting for the answer. */
  g_input_stream_read_bytes_async (input, 4096, G_PRIORITY_DEFAULT, NULL,
                                   reset_read_cb, g_object_ref (connection));
  return TRUE;
}

static guint16
listen_on_loopback (SoupServer         *server,
                    SoupServerListenOptions options)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  guint16 port;

  soup_server_listen_local (server, 0, options | SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return port;
}

static guint16
bound_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static GSocket *
loopback_socket (gboolean listen)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  if (listen)
    {
      g_socket_listen (socket, &error);
      g_assert_no_error (error);
    }

  return socket;
}

static gpointer
server_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) reset_socket = NULL;
  g_autoptr(GSocket) refused = NULL;

  g_main_context_push_thread_default (ts.context);

  ts.server = soup_server_new ("server-header", "lookout-test ", NULL);
  soup_server_add_handler (ts.server, NULL, server_cb, NULL, NULL);
  ts.port = listen_on_loopback (ts.server, 0);

  ts.v6_server = soup_server_new (NULL, NULL);
  soup_server_add_handler (ts.v6_server, NULL, server_cb, NULL, NULL);
  if (soup_server_listen_local (ts.v6_server, 0, SOUP_SERVER_LISTEN_IPV6_ONLY, NULL))
    {
      GSList *uris = soup_server_get_uris (ts.v6_server);

      ts.v6_port = g_uri_get_port (uris->data);
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    }
  else
    g_clear_object (&ts.v6_server);

  if (ts.certificate != NULL)
    {
      ts.tls_server = soup_server_new ("tls-certificate", ts.certificate, NULL);
      soup_server_add_handler (ts.tls_server, NULL, server_cb, NULL, NULL);
      ts.tls_port = listen_on_loopback (ts.tls_server, SOUP_SERVER_LISTEN_HTTPS);
    }

  reset_socket = loopback_socket (TRUE);
  ts.reset_port = bound_port (reset_socket);
  ts.reset_service = g_socket_service_new ();
  g_socket_listener_add_socket (G_SOCKET_LISTENER (ts.reset_service), reset_socket, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (ts.reset_service, "incoming", G_CALLBACK (reset_incoming_cb), NULL);

  /* The kernel completes connections to a listening socket nobody accepts
   * from: a server that takes the connection and never answers. */
  ts.silent = loopback_socket (TRUE);
  ts.silent_port = bound_port (ts.silent);

  /* Bound, closed: nothing listens there any more. */
  refused = loopback_socket (FALSE);
  ts.refused_port = bound_port (refused);
  g_socket_close (refused, NULL);

  g_mutex_lock (&ts.mutex);
  ts.ready = TRUE;
  g_cond_signal (&ts.cond);
  g_mutex_unlock (&ts.mutex);

  g_main_loop_run (ts.loop);

  g_socket_service_stop (ts.reset_service);
  g_clear_object (&ts.reset_service);
  g_clear_object (&ts.server);
  g_clear_object (&ts.tls_server);
  g_clear_object (&ts.v6_server);
  g_clear_object (&ts.silent);
  g_main_context_pop_thread_default (ts.context);

  return NULL;
}

/* openssl makes a self-signed EC certificate for "localhost", valid for
 * 30 days. NULL when openssl is missing. */
static GTlsCertificate *
make_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  GTlsCertificate *certificate;
  int status = 0;

  if (openssl == NULL)
    return NULL;

  ts.tmpdir = lookout_test_dir_new ();
  ts.cert_file = g_build_filename (ts.tmpdir, "cert.pem", NULL);
  ts.key_file = g_build_filename (ts.tmpdir, "key.pem", NULL);

  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "30", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost",
      "-keyout", ts.key_file, "-out", ts.cert_file, NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_spawn_check_wait_status (status, &error);
    g_assert_no_error (error);
  }

  certificate = g_tls_certificate_new_from_files (ts.cert_file, ts.key_file, &error);
  g_assert_no_error (error);

  return certificate;
}

static void
test_server_start (void)
{
  g_mutex_init (&ts.mutex);
  g_cond_init (&ts.cond);
  ts.ok_peers = g_ptr_array_new_with_free_func (g_free);
  ts.context = g_main_context_new ();
  ts.loop = g_main_loop_new (ts.context, FALSE);
  ts.certificate = make_certificate ();

  ts.thread = g_thread_new ("test-server", server_thread, NULL);
  g_mutex_lock (&ts.mutex);
  while (!ts.ready)
    g_cond_wait (&ts.cond, &ts.mutex);
  g_mutex_unlock (&ts.mutex);
}

static gboolean
quit_server_loop_cb (gpointer user_data)
{
  g_main_loop_quit (ts.loop);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (void)
{
  /* From inside the server's loop: quitting a loop that has not started
   * running yet would be lost. */
  g_main_context_invoke (ts.context, (GSourceFunc) quit_server_loop_cb, NULL);
  g_thread_join (ts.thread);
  g_main_loop_unref (ts.loop);
  g_main_context_unref (ts.context);
  g_clear_object (&ts.certificate);
  g_clear_pointer (&ts.tmpdir, lookout_test_dir_free);
  g_free (ts.cert_file);
  g_free (ts.key_file);
  g_free (ts.last_body);
  g_free (ts.last_content_type);
  g_free (ts.last_method);
  g_free (ts.last_header);
  g_free (ts.last_user_agent);
  g_ptr_array_unref (ts.ok_peers);
}

/* Client side */

static LookoutResult *
run_probe (LookoutProbe *probe,
           const char   *url,
           guint         timeout_ms,
           const char   *options)
{
  g_autoptr(GError) error = NULL;
  LookoutResult *result;

  result = lookout_test_run_probe (probe, url, timeout_ms, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->kind, ==, LOOKOUT_TARGET_KIND_HTTP);

  return result;
}

static char *
url (const char *scheme,
     guint16     port,
     const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", scheme, port, path);
}

static void
assert_up (const LookoutResult *result,
           int                  status)
{
  if (!result->ok)
    g_test_message ("unexpected failure: %s", result->error);
  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_NONE);
  g_assert_null (result->error);
  g_assert_cmpint (result->http_status, ==, status);
  g_assert_cmpint (result->latency_us, >, 0);
}

static void
assert_failed (const LookoutResult *result,
               LookoutTargetState   state,
               LookoutProbeError    code)
{
  g_test_message ("error: %s", result->error);
  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, state);
  g_assert_cmpint (result->error_code, ==, code);
  g_assert_nonnull (result->error);
  g_assert_cmpstr (result->error, !=, "");
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

#define LATENCY_ROUNDS 5

static void
test_up_with_latency (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/delay");
  gint64 over_server[LATENCY_ROUNDS];
  gint64 unaccounted[LATENCY_ROUNDS];
  gint64 processing_gap[LATENCY_ROUNDS];

  /* The first check in a process also pays for setting up GIO and libsoup
   * (types, modules): a monitor pays that once, so warm up with another
   * probe and measure fresh connections as every later check sees them. */
  {
    g_autoptr(LookoutProbe) warm = lookout_http_probe_new ();
    g_autofree char *ok = url ("http", ts.port, "/ok");

    lookout_result_unref (run_probe (warm, ok, 2000, NULL));
  }
  lookout_http_probe_set_keep_alive (LOOKOUT_HTTP_PROBE (probe), FALSE);

  for (guint i = 0; i < LATENCY_ROUNDS; i++)
    {
      g_autoptr(LookoutResult) result = run_probe (probe, u, 2000, NULL);
      gint64 server_delay;
      gint64 sum;

      server_delay = take_server_delay ();

      assert_up (result, 200);
      g_assert_cmpstr (result->address, ==, "127.0.0.1");
      g_assert_cmpstr (result->http_version, ==, "1.1");
      g_assert_cmpstr (result->target, ==, u);
      g_assert_cmpint (result->cert_expiry_s, ==, 0);
      g_assert_cmpuint (result->reply_bytes, ==, strlen ("slow but fine\n"));

      g_test_message ("server delay %.3f ms, latency %.3f ms: resolve %.3f, connect %.3f, processing %.3f, transfer %.3f",
                      server_delay / 1000., result->latency_us / 1000., result->dns_us / 1000.,
                      result->connect_us / 1000., result->processing_us / 1000., result->transfer_us / 1000.);

      /* What holds however busy the machine is. The server waits at least
       * 50 ms once it has the request; the probe's clock runs longer. */
      g_assert_cmpint (server_delay, >=, SERVER_DELAY_MS * 1000);
      g_assert_cmpint (result->latency_us, >=, server_delay);

      /* Phases of a fresh plain-HTTP connection fit in the whole; an
       * address literal is not looked up. */
      g_assert_cmpint (result->dns_us, ==, -1);
      g_assert_cmpint (result->connect_us, >=, 0);
      g_assert_cmpint (result->tls_us, ==, -1);
      g_assert_cmpint (result->processing_us, <=, result->latency_us);
      g_assert_cmpint (result->transfer_us, >=, 0);
      sum = result->connect_us + result->processing_us + result->transfer_us;
      g_assert_cmpint (sum, <=, result->latency_us);

      over_server[i] = result->latency_us - server_delay;
      unaccounted[i] = result->latency_us - sum;
      processing_gap[i] = ABS (result->processing_us - server_delay);
    }

  /* What holds as a rule (medians: a busy machine may stall one check): the
   * probe sees the server's delay within a few ms, its phases account for
   * nearly all of it, and the server's wait is in processing. */
  qsort (over_server, LATENCY_ROUNDS, sizeof (gint64), compare_gint64);
  qsort (unaccounted, LATENCY_ROUNDS, sizeof (gint64), compare_gint64);
  qsort (processing_gap, LATENCY_ROUNDS, sizeof (gint64), compare_gint64);
  g_assert_cmpint (over_server[LATENCY_ROUNDS / 2], <, 10000);
  g_assert_cmpint (unaccounted[LATENCY_ROUNDS / 2], <, 3000);
  g_assert_cmpint (processing_gap[LATENCY_ROUNDS / 2], <, 5000);
}

static void
test_status_500 (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/status/500");
  g_autoptr(LookoutResult) result = run_probe (probe, u, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_STATUS);
  g_assert_cmpint (result->http_status, ==, 500);
  g_assert_nonnull (strstr (result->error, "500"));
  g_assert_cmpint (result->latency_us, >, 0);
}

static void
test_status_accepted (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/status/404");
  g_autoptr(LookoutResult) accepted = run_probe (probe, u, 2000, "{\"accept\": \"200-299, 404\"}");
  g_autoptr(LookoutResult) refused = run_probe (probe, u, 2000, NULL);

  assert_up (accepted, 404);
  assert_failed (refused, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_STATUS);
}

static void
test_redirects (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *three = url ("http", ts.port, "/redirect/3");
  g_autoptr(LookoutResult) within = run_probe (probe, three, 2000, "{\"max_redirects\": 3}");
  g_autoptr(LookoutResult) beyond = run_probe (probe, three, 2000, "{\"max_redirects\": 2}");
  g_autoptr(LookoutResult) unfollowed = run_probe (probe, three, 2000, "{\"max_redirects\": 0}");

  assert_up (within, 200);
  g_assert_cmpstr (within->target, ==, three);
  g_assert_cmpuint (within->reply_bytes, ==, strlen ("arrived\n"));

  assert_failed (beyond, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS);
  g_assert_cmpint (beyond->http_status, ==, 302);

  /* Not following: the redirect itself is the answer, and 3xx is accepted. */
  assert_up (unfollowed, 302);
}

static void
test_redirect_loop (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/loop/a");
  g_autoptr(LookoutResult) result = run_probe (probe, u, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS);
  g_assert_nonnull (strstr (result->error, "loop"));
  g_assert_nonnull (strstr (result->error, "/loop/a"));
}

static void
test_endless_body (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/endless");
  g_autoptr(LookoutResult) keyword = NULL;
  g_autoptr(LookoutResult) plain = NULL;
  gint64 start = g_get_monotonic_time ();
  guint finished;

  /* Looking for a keyword that never comes stops at body_cap. */
  keyword = run_probe (probe, u, 3000, "{\"keyword\": \"needle\", \"body_cap\": 200000}");
  assert_failed (keyword, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD);
  g_assert_cmpuint (keyword->reply_bytes, <=, 200000);
  g_assert_cmpuint (keyword->reply_bytes, >=, 200000 - 16384);
  g_assert_cmpint (keyword->latency_us, >, 0);

  /* Without a keyword the probe reads little and lets go of the connection. */
  plain = run_probe (probe, u, 3000, NULL);
  assert_up (plain, 200);
  g_assert_cmpuint (plain->reply_bytes, <=, LOOKOUT_HTTP_PROBE_DEFAULT_BODY_CAP);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 3000 * 1000);

  /* The server sees both connections end. */
  for (guint i = 0; i < 200; i++)
    {
      g_mutex_lock (&ts.mutex);
      finished = ts.endless_finished;
      g_mutex_unlock (&ts.mutex);
      if (finished >= 2)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (finished, >=, 2);
}

static void
test_keyword (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *split = url ("http", ts.port, "/split");
  g_autofree char *ok = url ("http", ts.port, "/ok");
  g_autoptr(LookoutResult) found = run_probe (probe, split, 2000, "{\"keyword\": \"NEEDLE\"}");
  g_autoptr(LookoutResult) missing = run_probe (probe, ok, 2000, "{\"keyword\": \"NEEDLE\"}");
  g_autoptr(LookoutResult) absent = run_probe (probe, ok, 2000, "{\"keyword\": \"NEEDLE\", \"keyword_absent\": true}");
  g_autoptr(LookoutResult) present = run_probe (probe, split, 2000, "{\"keyword\": \"NEEDLE\", \"keyword_absent\": true}");

  /* Found across the chunk boundary, after the server's 30 ms pause. */
  assert_up (found, 200);
  g_assert_cmpint (found->latency_us, >=, 30000);

  assert_failed (missing, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD);
  g_assert_nonnull (strstr (missing->error, "NEEDLE"));
  assert_up (absent, 200);
  assert_failed (present, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD);
}

static void
test_big_body (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/big");
  g_autoptr(LookoutResult) plain = run_probe (probe, u, 2000, NULL);
  g_autoptr(LookoutResult) found = run_probe (probe, u, 2000, "{\"keyword\": \"TAIL\"}");
  g_autoptr(LookoutResult) capped = run_probe (probe, u, 2000, "{\"keyword\": \"TAIL\", \"body_cap\": 100000}");

  /* Announced larger than worth draining, and no keyword: left unread. */
  assert_up (plain, 200);
  g_assert_cmpuint (plain->reply_bytes, ==, 0);

  /* A keyword is looked for up to body_cap, here the whole body. */
  assert_up (found, 200);
  g_assert_cmpuint (found->reply_bytes, ==, BIG_BODY_SIZE);

  assert_failed (capped, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD);
  g_assert_cmpuint (capped->reply_bytes, ==, 100000);
  g_assert_nonnull (strstr (capped->error, "100000"));
}

static void
test_timeout (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.silent_port, "/");
  g_autoptr(LookoutResult) result = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  result = run_probe (probe, u, 300, NULL);
  elapsed = g_get_monotonic_time () - start;

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpstr (result->error, ==, "No response within 300 ms");
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_cmpint (elapsed, >=, 300 * 1000);
  g_assert_cmpint (elapsed, <, 400 * 1000);
}

static void
test_reset (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.reset_port, "/");
  g_autoptr(LookoutResult) result = run_probe (probe, u, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RESET);
  g_assert_cmpint (result->latency_us, ==, -1);
}

/* A resolver that knows no names at all, as a DNS server would answer for
 * a name under .invalid. */
typedef struct { GResolver parent_instance; } EmptyResolver;
typedef struct { GResolverClass parent_class; } EmptyResolverClass;

static GType empty_resolver_get_type (void);
G_DEFINE_TYPE (EmptyResolver, empty_resolver, G_TYPE_RESOLVER)

static void
empty_resolver_lookup_with_flags_async (GResolver                *resolver,
                                        const char               *hostname,
                                        GResolverNameLookupFlags  flags,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                           "Error resolving “%s”: Name or service not known", hostname);
}

static void
empty_resolver_lookup_async (GResolver           *resolver,
                             const char          *hostname,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  empty_resolver_lookup_with_flags_async (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                          cancellable, callback, user_data);
}

static GList *
empty_resolver_lookup_finish (GResolver     *resolver,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
empty_resolver_class_init (EmptyResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name_async = empty_resolver_lookup_async;
  resolver_class->lookup_by_name_finish = empty_resolver_lookup_finish;
  resolver_class->lookup_by_name_with_flags_async = empty_resolver_lookup_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = empty_resolver_lookup_finish;
}

static void
empty_resolver_init (EmptyResolver *self)
{
}

static void
test_resolve_failure (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autoptr(GResolver) saved = g_resolver_get_default ();
  g_autoptr(GResolver) empty = g_object_new (empty_resolver_get_type (), NULL);
  g_autoptr(LookoutResult) result = NULL;

  g_resolver_set_default (empty);
  result = run_probe (probe, "http://nowhere.invalid/", 2000, NULL);
  g_resolver_set_default (saved);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RESOLVE);
  g_assert_nonnull (strstr (result->error, "nowhere.invalid"));
  g_assert_null (result->address);
  g_assert_cmpint (result->latency_us, ==, -1);
}

static void
test_ipv6 (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = NULL;
  g_autoptr(LookoutResult) result = NULL;

  if (ts.v6_server == NULL)
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }

  u = g_strdup_printf ("http://[::1]:%u/ok", ts.v6_port);
  result = run_probe (probe, u, 2000, NULL);
  assert_up (result, 200);
  g_assert_cmpstr (result->address, ==, "::1");
  g_assert_cmpstr (result->target, ==, u);
}

static void
test_refused (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.refused_port, "/");
  g_autoptr(LookoutResult) result = run_probe (probe, u, 2000, NULL);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (result->http_status, ==, 0);
}

static void
test_tls_verified (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = NULL;
  g_autoptr(LookoutResult) result = NULL;

  if (ts.certificate == NULL)
    {
      g_test_skip ("openssl is not installed: no certificate for the HTTPS server");
      return;
    }

  u = url ("https", ts.tls_port, "/ok");
  result = run_probe (probe, u, 2000, NULL);
  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS);
  g_assert_nonnull (strstr (result->error, "unknown issuer"));
}

/* ca_file: the private authority's certificate (here the server's own,
 * self-signed) is trusted instead of the system's; a target without it on
 * the same probe never rides that trust, and a file that cannot be read
 * says so. */
static void
test_tls_ca_file (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autoptr(LookoutResult) trusted = NULL;
  g_autoptr(LookoutResult) plain = NULL;
  g_autoptr(LookoutResult) missing = NULL;
  g_autofree char *u = NULL;
  g_autofree char *options = NULL;

  if (ts.certificate == NULL)
    {
      g_test_skip ("openssl is not installed: no certificate for the HTTPS server");
      return;
    }

  u = g_strdup_printf ("https://localhost:%u/ok", ts.tls_port);
  options = g_strdup_printf ("{\"ca_file\": \"%s\"}", ts.cert_file);
  trusted = run_probe (probe, u, 5000, options);
  assert_up (trusted, 200);
  g_assert_cmpint (trusted->cert_expiry_s, >, 0);

  plain = run_probe (probe, u, 5000, NULL);
  assert_failed (plain, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS);

  missing = run_probe (probe, u, 2000, "{\"ca_file\": \"/nonexistent/private-ca.pem\"}");
  assert_failed (missing, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED);
  g_assert_nonnull (strstr (missing->error, "the CA file /nonexistent/private-ca.pem cannot be used"));
}

static void
test_tls_unverified (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(LookoutResult) again = NULL;
  g_autoptr(LookoutResult) verified = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (ts.certificate == NULL)
    {
      g_test_skip ("openssl is not installed: no certificate for the HTTPS server");
      return;
    }

  u = url ("https", ts.tls_port, "/ok");
  result = run_probe (probe, u, 2000, "{\"verify_tls\": false}");
  assert_up (result, 200);

  not_after = g_tls_certificate_get_not_valid_after (ts.certificate);
  g_assert_cmpint (result->cert_expiry_s, ==, g_date_time_to_unix (not_after));
  g_assert_cmpint (result->cert_expiry_s, >=, now + 30 * 86400 - 600);
  g_assert_cmpint (result->cert_expiry_s, <=, now + 30 * 86400 + 600);

  g_assert_cmpint (result->tls_us, >, 0);
  g_assert_cmpint (result->connect_us, >=, 0);
  g_assert_cmpint (MAX (result->dns_us, 0) + result->connect_us + result->tls_us +
                   result->processing_us + result->transfer_us, <=, result->latency_us);

  /* The next check reuses the connection: no connect, no handshake. */
  again = run_probe (probe, u, 2000, "{\"verify_tls\": false}");
  assert_up (again, 200);
  g_assert_cmpint (again->connect_us, ==, -1);
  g_assert_cmpint (again->tls_us, ==, -1);
  g_assert_cmpint (again->cert_expiry_s, ==, result->cert_expiry_s);

  /* A verifying target never rides on the connection accepted unverified. */
  verified = run_probe (probe, u, 2000, NULL);
  assert_failed (verified, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS);
}

static void
test_keep_alive (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/ok");
  g_autoptr(LookoutResult) first = NULL;
  g_autoptr(LookoutResult) second = NULL;
  g_autoptr(LookoutResult) fresh = NULL;
  guint before;

  g_mutex_lock (&ts.mutex);
  before = ts.ok_peers->len;
  g_mutex_unlock (&ts.mutex);

  first = run_probe (probe, u, 2000, NULL);
  second = run_probe (probe, u, 2000, NULL);
  assert_up (first, 200);
  assert_up (second, 200);
  g_assert_cmpint (second->dns_us, ==, -1);
  g_assert_cmpint (second->connect_us, ==, -1);

  /* Without keep-alive every check opens its own connection. */
  lookout_http_probe_set_keep_alive (LOOKOUT_HTTP_PROBE (probe), FALSE);
  fresh = run_probe (probe, u, 2000, NULL);
  assert_up (fresh, 200);

  g_mutex_lock (&ts.mutex);
  g_assert_cmpuint (ts.ok_peers->len, ==, before + 3);
  g_assert_cmpstr (g_ptr_array_index (ts.ok_peers, before), ==, g_ptr_array_index (ts.ok_peers, before + 1));
  g_assert_cmpstr (g_ptr_array_index (ts.ok_peers, before + 1), !=, g_ptr_array_index (ts.ok_peers, before + 2));
  g_mutex_unlock (&ts.mutex);
}

static void
test_method_and_headers (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/echo");
  g_autoptr(LookoutResult) result = NULL;

  result = run_probe (probe, u, 2000,
                      "{\"method\": \"PUT\", \"headers\": {\"X-Lookout-Test\": \"yes please\"}}");
  assert_up (result, 200);

  g_mutex_lock (&ts.mutex);
  g_assert_cmpstr (ts.last_method, ==, "PUT");
  g_assert_cmpstr (ts.last_header, ==, "yes please");
  g_assert_cmpstr (ts.last_user_agent, ==, "Lookout/" PACKAGE_VERSION);
  g_mutex_unlock (&ts.mutex);

  g_clear_pointer (&result, lookout_result_unref);
  result = run_probe (probe, u, 2000, "{\"method\": \"HEAD\"}");
  assert_up (result, 200);
  g_assert_cmpuint (result->reply_bytes, ==, 0);
  g_mutex_lock (&ts.mutex);
  g_assert_cmpstr (ts.last_method, ==, "HEAD");
  g_assert_null (ts.last_header);
  g_mutex_unlock (&ts.mutex);
}

/* A method with a body and its media type, as a monitoring POST sends it. */
static void
test_request_body (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/echo");
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_target_options_validate ("{\"method\": \"POST\", \"body\": \"{\\\"ping\\\": 1}\","
                                                  " \"content_type\": \"application/json\"}", &error));
  g_assert_no_error (error);
  result = run_probe (probe, u, 2000,
                      "{\"method\": \"POST\", \"body\": \"{\\\"ping\\\": 1}\","
                      " \"content_type\": \"application/json\"}");
  assert_up (result, 200);
  g_mutex_lock (&ts.mutex);
  g_assert_cmpstr (ts.last_method, ==, "POST");
  g_assert_cmpstr (ts.last_body, ==, "{\"ping\": 1}");
  g_assert_cmpstr (ts.last_content_type, ==, "application/json");
  g_mutex_unlock (&ts.mutex);

  g_clear_pointer (&result, lookout_result_unref);
  result = run_probe (probe, u, 2000, "{\"method\": \"PUT\", \"body\": \"state=on\"}");
  assert_up (result, 200);
  g_mutex_lock (&ts.mutex);
  g_assert_cmpstr (ts.last_method, ==, "PUT");
  g_assert_cmpstr (ts.last_body, ==, "state=on");
  g_assert_cmpstr (ts.last_content_type, ==, "text/plain");
  g_mutex_unlock (&ts.mutex);

  g_assert_false (lookout_target_options_validate ("{\"content_type\": \"text/plain\\r\\nX: y\"}", &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
  g_assert_nonnull (strstr (error->message, "media type"));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancellation (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.silent_port, "/");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_timeout_add (50, cancel_cb, cancellable);
  result = lookout_test_run_probe (probe, u, 5000, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);

  /* Cancelled before it starts. */
  g_clear_error (&error);
  result = lookout_test_run_probe (probe, u, 5000, NULL, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
}

static void
test_invalid_options (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/ok");
  g_autoptr(LookoutResult) result = NULL;
  static const char *bad[] = {
    "[]",
    "{\"accept\": \"200-99\"}",
    "{\"accept\": \"abc\"}",
    "{\"accept\": \"600\"}",
    "{\"accept\": \"\"}",
    "{\"method\": \"GE T\"}",
    "{\"max_redirects\": -1}",
    "{\"max_redirects\": 101}",
    "{\"max_redirects\": 1.5}",
    "{\"verify_tls\": \"no\"}",
    "{\"headers\": {\"X-A\": \"a\\r\\nInjected: 1\"}}",
    "{\"headers\": [\"a\"]}",
    "{\"body_cap\": 0}",
    "{\"keyword\": \"long keyword\", \"body_cap\": 4}",
    "not json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lookout_http_probe_validate_options (bad[i], &error));
      g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
      g_test_message ("%s: %s", bad[i], error->message);
    }

  g_assert_true (lookout_http_probe_validate_options ("{}", NULL));
  g_assert_true (lookout_http_probe_validate_options (
    "{\"method\": \"POST\", \"accept\": \"200-299,404\", \"keyword\": \"ok\", \"keyword_absent\": false,"
    " \"max_redirects\": 3, \"verify_tls\": false, \"headers\": {\"Authorization\": \"Bearer x\"},"
    " \"body_cap\": 4096}", NULL));

  /* Keys of other kinds are left to them. */
  g_assert_true (lookout_http_probe_validate_options ("{\"count\": 5}", NULL));

  /* Options the target takes but that cannot work for HTTP fail the check. */
  result = run_probe (probe, u, 2000, "{\"keyword\": \"long keyword\", \"body_cap\": 4}");
  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED);
  g_assert_nonnull (strstr (result->error, "body_cap"));
}

static void
test_many_at_once (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/delay");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult *results[40] = { NULL, };
  gint64 start = g_get_monotonic_time ();

  /* libsoup's default of 2 connections per host would make this take
   * 20 rounds of 50 ms; with ours it takes 5. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      LookoutTarget *target = lookout_target_new_from_string (u, &error);

      g_assert_no_error (error);
      g_ptr_array_add (targets, target);
      lookout_probe_run_async (probe, target, NULL, lookout_test_async_cb, &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(LookoutResult) result = NULL;
      g_autoptr(GError) error = NULL;

      LOOKOUT_TEST_WAIT (results[i] != NULL);
      result = lookout_probe_run_finish (probe, results[i], &error);
      g_assert_no_error (error);
      assert_up (result, 200);
      g_clear_object (&results[i]);
    }

  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * SERVER_DELAY_MS * 1000);
}

static void
test_connection_limit (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *u = url ("http", ts.port, "/delay");
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  GAsyncResult *results[4] = { NULL, };
  gint64 start;

  /* One connection per host: four checks take their turns. */
  lookout_http_probe_set_max_connections (LOOKOUT_HTTP_PROBE (probe), 16, 1);
  g_assert_cmpuint (lookout_http_probe_get_max_connections (LOOKOUT_HTTP_PROBE (probe)), ==, 16);
  g_assert_cmpuint (lookout_http_probe_get_max_connections_per_host (LOOKOUT_HTTP_PROBE (probe)), ==, 1);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      LookoutTarget *target = lookout_target_new_from_string (u, NULL);

      g_ptr_array_add (targets, target);
      lookout_probe_run_async (probe, target, NULL, lookout_test_async_cb, &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(LookoutResult) result = NULL;

      LOOKOUT_TEST_WAIT (results[i] != NULL);
      result = lookout_probe_run_finish (probe, results[i], NULL);
      assert_up (result, 200);
      /* The later checks waited in line for the connection: that wait is
       * Lookout's, not the server's, and is not in their latency. */
      g_test_message ("check %u: latency %.3f ms", i, result->latency_us / 1000.);
      g_assert_cmpint (result->latency_us, >=, SERVER_DELAY_MS * 1000);
      g_assert_cmpint (result->latency_us, <, 2 * SERVER_DELAY_MS * 1000);
      g_clear_object (&results[i]);
    }

  g_assert_cmpint (g_get_monotonic_time () - start, >=, 4 * SERVER_DELAY_MS * 1000);
}

static void
test_resolve_phase (void)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *by_name = g_strdup_printf ("http://localhost:%u/ok", ts.port);
  g_autofree char *literal = url ("http", ts.port, "/ok");
  g_autoptr(LookoutResult) named = NULL;
  g_autoptr(LookoutResult) addressed = NULL;

  /* A name is looked up and the lookup is part of the latency; an address
   * literal has nothing to look up. */
  lookout_http_probe_set_keep_alive (LOOKOUT_HTTP_PROBE (probe), FALSE);
  named = run_probe (probe, by_name, 2000, NULL);
  addressed = run_probe (probe, literal, 2000, NULL);
  assert_up (named, 200);
  assert_up (addressed, 200);
  g_assert_cmpstr (named->address, ==, "127.0.0.1");
  g_assert_cmpint (named->dns_us, >=, 0);
  g_assert_cmpint (named->connect_us, >=, 0);
  g_assert_cmpint (named->dns_us + named->connect_us + named->processing_us + named->transfer_us,
                   <=, named->latency_us);
  g_assert_cmpint (addressed->dns_us, ==, -1);
  g_assert_cmpint (addressed->connect_us, >=, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  test_server_start ();

  g_test_add_func ("/http-probe/up-with-latency", test_up_with_latency);
  g_test_add_func ("/http-probe/status-500", test_status_500);
  g_test_add_func ("/http-probe/status-accepted", test_status_accepted);
  g_test_add_func ("/http-probe/redirects", test_redirects);
  g_test_add_func ("/http-probe/redirect-loop", test_redirect_loop);
  g_test_add_func ("/http-probe/endless-body", test_endless_body);
  g_test_add_func ("/http-probe/keyword", test_keyword);
  g_test_add_func ("/http-probe/big-body", test_big_body);
  g_test_add_func ("/http-probe/timeout", test_timeout);
  g_test_add_func ("/http-probe/reset", test_reset);
  g_test_add_func ("/http-probe/refused", test_refused);
  g_test_add_func ("/http-probe/ipv6", test_ipv6);
  g_test_add_func ("/http-probe/resolve-failure", test_resolve_failure);
  g_test_add_func ("/http-probe/tls-verified", test_tls_verified);
  g_test_add_func ("/http-probe/tls-unverified", test_tls_unverified);
  g_test_add_func ("/http-probe/keep-alive", test_keep_alive);
  g_test_add_func ("/http-probe/method-and-headers", test_method_and_headers);
  g_test_add_func ("/http-probe/request-body", test_request_body);
  g_test_add_func ("/http-probe/cancellation", test_cancellation);
  g_test_add_func ("/http-probe/invalid-options", test_invalid_options);
  g_test_add_func ("/http-probe/many-at-once", test_many_at_once);
  g_test_add_func ("/http-probe/connection-limit", test_connection_limit);
  g_test_add_func ("/http-probe/resolve-phase", test_resolve_phase);
  g_test_add_func ("/http-probe/tls-ca-file", test_tls_ca_file);

  ret = g_test_run ();

  test_server_stop ();

  return ret;
}
