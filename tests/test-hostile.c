/* test-hostile.c — peers that misbehave on purpose
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One table, one row per hostile peer: each row runs one probe against a
 * server in this process (raw sockets served by threads, on loopback) and
 * asserts when the check ended (within its timeout plus GRACE_MS, whatever
 * the peer sends), what it reported (state, error class, words of the
 * message) and that memory stayed bounded (the resident set grew by less
 * than RSS_BOUND over the row; for HTTP, the body bytes read stay under the
 * probe's cap). The servers' threads never touch the main loop, so a peer
 * that would hold the main loop shows up as a row that ends late, or never.
 *
 * /hostile/run-keeps-checking runs a monitor with one endless "100 Continue"
 * server among its targets and asserts that another target is still
 * checked on time meanwhile.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "lookout-dns-probe.h"
#include "lookout-http-probe.h"
#include "lookout-icmp-probe.h"
#include "lookout-ntp-probe.h"
#include "lookout-target.h"
#include "lookout-test.h"

#define GRACE_MS        1000
#define RSS_BOUND       (24 * 1024 * 1024)
#define HTTP_BODY_CAP   LOOKOUT_HTTP_PROBE_DEFAULT_BODY_CAP
#define NTP_UNIX_OFFSET G_GINT64_CONSTANT (2208988800)
#define FIFTY_YEARS_S   G_GINT64_CONSTANT (1577836800)

typedef enum
{
  SERVER_HTTP,
  SERVER_TLS_SELF_SIGNED,
  SERVER_TLS_EXPIRED,
  SERVER_TLS_WRONG_NAME,
  SERVER_DNS,
  SERVER_NTP,
  SERVER_NTP_FAR,
  N_SERVERS
} ServerKind;

typedef struct
{
  ServerKind  server;
  GSocket    *socket;
  guint16     port;
  GTlsCertificate *certificate;
} Server;

static Server servers[N_SERVERS];
static GBytes *bomb;
static guint16 refused_port;   /* on 127.0.0.2, nothing listens */
static char *tmpdir;

/* A resolver that knows one name more ------------------------------------ */

/* METADATA_NAME resolves to the metadata service's link-local address, as
 * a name under an attacker's control could; every other name goes to the
 * system's resolver. */
#define METADATA_NAME "metadata.hostile.test"

#define HOSTILE_TYPE_RESOLVER (hostile_resolver_get_type ())
G_DECLARE_FINAL_TYPE (HostileResolver, hostile_resolver, HOSTILE, RESOLVER, GResolver)

struct _HostileResolver
{
  GResolver  parent_instance;
  GResolver *system;
};

G_DEFINE_FINAL_TYPE (HostileResolver, hostile_resolver, G_TYPE_RESOLVER)

static void
hostile_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                                  const char               *hostname,
                                                  GResolverNameLookupFlags  flags,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data)
{
  HostileResolver *self = HOSTILE_RESOLVER (resolver);
  g_autoptr(GTask) task = NULL;

  if (!g_str_equal (hostname, METADATA_NAME))
    {
      g_resolver_lookup_by_name_with_flags_async (self->system, hostname, flags, cancellable, callback, user_data);
      return;
    }

  task = g_task_new (resolver, cancellable, callback, user_data);
  if (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY)
    g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no IPv6 address");
  else
    g_task_return_pointer (task, g_list_append (NULL, g_inet_address_new_from_string ("169.254.169.254")),
                           (GDestroyNotify) g_resolver_free_addresses);
}

static GList *
hostile_resolver_lookup_by_name_with_flags_finish (GResolver     *resolver,
                                                   GAsyncResult  *result,
                                                   GError       **error)
{
  HostileResolver *self = HOSTILE_RESOLVER (resolver);

  if (g_task_is_valid (result, resolver))
    return g_task_propagate_pointer (G_TASK (result), error);
  return g_resolver_lookup_by_name_with_flags_finish (self->system, result, error);
}

static void
hostile_resolver_lookup_by_name_async (GResolver           *resolver,
                                       const char          *hostname,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  hostile_resolver_lookup_by_name_with_flags_async (resolver, hostname, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                    cancellable, callback, user_data);
}

static void
hostile_resolver_class_init (HostileResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name_async = hostile_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = hostile_resolver_lookup_by_name_with_flags_finish;
  resolver_class->lookup_by_name_with_flags_async = hostile_resolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = hostile_resolver_lookup_by_name_with_flags_finish;
}

static void
hostile_resolver_init (HostileResolver *self)
{
  self->system = g_resolver_get_default ();
}

/* Sending ----------------------------------------------------------------- */

static gboolean
send_all (GSocket      *socket,
          const void   *data,
          gsize         len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      gssize n = g_socket_send (socket, (const char *) p, len, NULL, NULL);

      if (n <= 0)
        return FALSE;
      p += n;
      len -= n;
    }

  return TRUE;
}

static gboolean
send_string (GSocket    *socket,
             const char *text)
{
  return send_all (socket, text, strlen (text));
}

/* HTTP -------------------------------------------------------------------- */

/* Reads the request head; returns its path (without the query) or NULL. */
static char *
read_request_path (GSocket *socket)
{
  g_autoptr(GString) head = g_string_new (NULL);
  char buf[4096];
  const char *start, *end;

  while (strstr (head->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, NULL);

      if (n <= 0 || head->len > 65536)
        return NULL;
      g_string_append_len (head, buf, n);
    }

  start = strchr (head->str, ' ');
  if (start == NULL)
    return NULL;
  start++;
  end = start + strcspn (start, " ?");
  return g_strndup (start, end - start);
}

static void
serve_http (GSocket    *socket,
            const char *path)
{
  if (g_str_equal (path, "/1xx"))
    {
      static const char continue_[] = "HTTP/1.1 100 Continue\r\n\r\n";

      while (send_string (socket, continue_))
        ;
    }
  else if (g_str_equal (path, "/body"))
    {
      g_autofree char *chunk = NULL;
      g_autoptr(GString) framed = g_string_new ("4000\r\n");

      chunk = g_strnfill (0x4000, 'x');
      g_string_append (framed, chunk);
      g_string_append (framed, "\r\n");
      if (send_string (socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
        while (send_string (socket, framed->str))
          ;
    }
  else if (g_str_equal (path, "/slowloris"))
    {
      static const char head[] = "HTTP/1.1 200 OK\r\nX-Slow: ";

      for (guint i = 0; ; i++)
        {
          char c = i < sizeof head - 1 ? head[i] : 'a';

          if (!send_all (socket, &c, 1))
            break;
          g_usleep (50 * 1000);
        }
    }
  else if (g_str_equal (path, "/silent"))
    {
      char buf[256];

      while (g_socket_receive (socket, buf, sizeof buf, NULL, NULL) > 0)
        ;
    }
  else if (g_str_equal (path, "/reset"))
    {
      struct linger l = { 1, 0 };

      send_string (socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial");
      /* Closing with linger 0 sends RST instead of FIN. */
      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
  else if (g_str_equal (path, "/loop"))
    {
      send_string (socket, "HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
    }
  else if (g_str_has_prefix (path, "/chain/"))
    {
      guint64 n = g_ascii_strtoull (path + 7, NULL, 10);
      g_autofree char *reply = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: /chain/%" G_GUINT64_FORMAT "\r\n"
                                                "Content-Length: 0\r\n\r\n", n + 1);

      send_string (socket, reply);
    }
  else if (g_str_equal (path, "/huge"))
    {
      g_autofree char *value = g_strnfill (1000, 'h');
      g_autofree char *line = g_strdup_printf ("X-Huge: %s\r\n", value);

      if (send_string (socket, "HTTP/1.1 200 OK\r\n"))
        while (send_string (socket, line))
          ;
    }
  else if (g_str_equal (path, "/bomb"))
    {
      g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                                               "Content-Length: %zu\r\n\r\n", g_bytes_get_size (bomb));

      if (send_string (socket, head))
        send_all (socket, g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb));
    }
  else if (g_str_equal (path, "/to-refused"))
    {
      g_autofree char *reply = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:%u/\r\n"
                                                "Content-Length: 0\r\n\r\n", refused_port);

      send_string (socket, reply);
    }
  else if (g_str_equal (path, "/to-metadata"))
    {
      send_string (socket, "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\n"
                           "Content-Length: 0\r\n\r\n");
    }
  else if (g_str_equal (path, "/to-metadata-name"))
    {
      send_string (socket, "HTTP/1.1 302 Found\r\nLocation: http://" METADATA_NAME "/latest/\r\n"
                           "Content-Length: 0\r\n\r\n");
    }
  else if (g_str_equal (path, "/to-link-local-v6"))
    {
      send_string (socket, "HTTP/1.1 302 Found\r\nLocation: http://[fe80::1]/\r\nContent-Length: 0\r\n\r\n");
    }
  else
    {
      send_string (socket, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n");
    }
}

static gpointer
http_connection_thread (gpointer data)
{
  g_autoptr(GSocket) socket = data;
  g_autofree char *path = read_request_path (socket);

  if (path != NULL)
    serve_http (socket, path);
  g_socket_close (socket, NULL);
  return NULL;
}

static gpointer
tls_connection_thread (gpointer data)
{
  g_autoptr(GSocket) socket = data;
  g_autoptr(GSocketConnection) connection = g_socket_connection_factory_create_connection (socket);
  Server *server = g_object_get_data (G_OBJECT (socket), "server");
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, NULL);
  if (tls != NULL && g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    {
      GOutputStream *out = g_io_stream_get_output_stream (tls);
      static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n";

      g_output_stream_write_all (out, ok, sizeof ok - 1, NULL, NULL, NULL);
    }
  if (tls != NULL)
    g_io_stream_close (tls, NULL, NULL);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  Server *server = data;

  for (;;)
    {
      GSocket *client = g_socket_accept (server->socket, NULL, NULL);

      if (client == NULL)
        continue;
      g_socket_set_blocking (client, TRUE);
      g_object_set_data (G_OBJECT (client), "server", server);
      g_thread_unref (g_thread_new ("hostile-connection",
                                    server->server == SERVER_HTTP ? http_connection_thread
                                                                  : tls_connection_thread,
                                    client));
    }

  return NULL;
}

/* Datagram floods -------------------------------------------------------- */

typedef struct
{
  GSocket        *socket;
  GSocketAddress *peer;
  GBytes         *datagram;
  gint64          until_us;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *flood = data;
  gsize len;
  const char *bytes = g_bytes_get_data (flood->datagram, &len);

  while (g_get_monotonic_time () < flood->until_us)
    g_socket_send_to (flood->socket, flood->peer, bytes, len, NULL, NULL);

  g_object_unref (flood->socket);
  g_object_unref (flood->peer);
  g_bytes_unref (flood->datagram);
  g_free (flood);
  return NULL;
}

/* Sends @datagram to @peer without pause for @ms, from a thread of its own
 * so that the server goes on answering other queries. */
static void
start_flood (GSocket        *socket,
             GSocketAddress *peer,
             const guint8   *datagram,
             gsize           len,
             guint           ms)
{
  Flood *flood = g_new0 (Flood, 1);

  flood->socket = g_object_ref (socket);
  flood->peer = g_object_ref (peer);
  flood->datagram = g_bytes_new (datagram, len);
  flood->until_us = g_get_monotonic_time () + (gint64) ms * 1000;
  g_thread_unref (g_thread_new ("hostile-flood", flood_thread, flood));
}

/* DNS --------------------------------------------------------------------- */

static void
put_u16 (GByteArray *out,
         guint16     value)
{
  guint8 b[2] = { value >> 8, value & 0xff };

  g_byte_array_append (out, b, 2);
}

static void
append_a_record (GByteArray *out)
{
  static const guint8 record[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1 };

  g_byte_array_append (out, record, sizeof record);
}

/* The reply to @query according to its name's first label. */
static void
serve_dns_query (GSocket        *socket,
                 GSocketAddress *peer,
                 const guint8   *query,
                 gsize           len)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *label = NULL;
  gsize qend = 12;
  guint answers = 1;
  guint8 flags = 0x81;

  if (len < 17)
    return;
  while (qend < len && query[qend] != 0)
    qend += 1 + query[qend];
  if (qend + 5 > len || query[12] == 0)
    return;
  label = g_strndup ((const char *) query + 13, query[12]);

  if (g_str_has_prefix (label, "qr"))
    flags = 0x01;
  else if (g_str_has_prefix (label, "big"))
    answers = 90;
  else if (g_str_has_prefix (label, "flood"))
    {
      /* Replies to no query we sent (another id), without pause for
       * longer than the check lasts, and no answer. */
      guint8 junk[64] = { 0 };

      memcpy (junk, query, MIN (len, sizeof junk));
      junk[0] ^= 0x5a;
      junk[2] = 0x81;
      start_flood (socket, peer, junk, sizeof junk, 3000);
      return;
    }

  g_byte_array_append (out, query, 2);
  g_byte_array_append (out, &flags, 1);
  g_byte_array_append (out, (const guint8 *) "\x80", 1);
  put_u16 (out, 1);
  put_u16 (out, answers);
  put_u16 (out, 0);
  put_u16 (out, 0);
  g_byte_array_append (out, query + 12, qend + 5 - 12);

  if (g_str_has_prefix (label, "loop"))
    {
      /* The answer's name is a pointer to itself. */
      guint16 here = out->len;

      put_u16 (out, 0xc000 | here);
      g_byte_array_append (out, (const guint8 *) "\0\1\0\1\0\0\0\74\0\4\300\0\2\1", 14);
    }
  else if (g_str_has_prefix (label, "trunc"))
    {
      append_a_record (out);
      g_byte_array_set_size (out, out->len - 9);
    }
  else
    for (guint i = 0; i < answers; i++)
      append_a_record (out);

  g_socket_send_to (socket, peer, (const char *) out->data, out->len, NULL, NULL);
}

/* NTP --------------------------------------------------------------------- */

static void
put_ntp_time (guint8 *p,
              gint64  unix_us)
{
  guint64 seconds = (guint64) (unix_us / G_USEC_PER_SEC + NTP_UNIX_OFFSET);
  guint64 fraction = (guint64) (unix_us % G_USEC_PER_SEC) * G_GUINT64_CONSTANT (4294967296) / G_USEC_PER_SEC;

  for (int i = 0; i < 4; i++)
    {
      p[i] = (seconds >> (24 - 8 * i)) & 0xff;
      p[4 + i] = (fraction >> (24 - 8 * i)) & 0xff;
    }
}

/* @mode 0: garbage; 1: a proper reply from a clock 50 years ahead. */
static void
serve_ntp_query (GSocket        *socket,
                 GSocketAddress *peer,
                 const guint8   *query,
                 gsize           len,
                 guint           mode)
{
  guint8 reply[48] = { 0 };

  if (len < 48)
    return;

  if (mode == 0)
    {
      /* Garbage: a short packet, then a flood of random bytes (which echo
       * nothing we sent) for longer than the check lasts. */
      for (guint i = 0; i < sizeof reply; i++)
        reply[i] = g_random_int () & 0xff;
      g_socket_send_to (socket, peer, (const char *) reply, 2, NULL, NULL);
      start_flood (socket, peer, reply, sizeof reply, 3000);
      return;
    }

  /* A well-formed server reply whose clock is off by 50 years. */
  reply[0] = 0x24;            /* LI 0, version 4, mode 4 (server) */
  reply[1] = 2;               /* stratum */
  reply[2] = 6;
  reply[3] = 0xec;
  memcpy (reply + 12, "GPS\0", 4);
  put_ntp_time (reply + 16, g_get_real_time () + FIFTY_YEARS_S * G_USEC_PER_SEC);
  memcpy (reply + 24, query + 40, 8);                       /* origin = their transmit */
  put_ntp_time (reply + 32, g_get_real_time () + FIFTY_YEARS_S * G_USEC_PER_SEC);
  put_ntp_time (reply + 40, g_get_real_time () + FIFTY_YEARS_S * G_USEC_PER_SEC);
  g_socket_send_to (socket, peer, (const char *) reply, sizeof reply, NULL, NULL);
}

static gpointer
datagram_thread (gpointer data)
{
  Server *server = data;
  guint8 buf[4096];

  for (;;)
    {
      g_autoptr(GSocketAddress) peer = NULL;
      gssize n = g_socket_receive_from (server->socket, &peer, (char *) buf, sizeof buf, NULL, NULL);

      if (n <= 0)
        continue;
      if (server->server == SERVER_DNS)
        serve_dns_query (server->socket, peer, buf, n);
      else
        serve_ntp_query (server->socket, peer, buf, n, server->server == SERVER_NTP_FAR);
    }

  return NULL;
}

/* Setting up -------------------------------------------------------------- */

static guint16
listen_on (Server        *server,
           const char    *address,
           GSocketType    type)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  server->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, type, 0, &error);
  g_assert_no_error (error);
  g_socket_bind (server->socket, any, TRUE, &error);
  g_assert_no_error (error);
  if (type == G_SOCKET_TYPE_STREAM)
    {
      g_socket_listen (server->socket, &error);
      g_assert_no_error (error);
    }
  bound = g_socket_get_local_address (server->socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* openssl makes the certificates for the run: @days -1 gives one that
 * expired yesterday. */
static GTlsCertificate *
make_certificate (const char *name,
                  const char *subject,
                  const char *alt_name,
                  gboolean    expired)
{
  g_autofree char *key = g_build_filename (tmpdir, "key.pem", NULL);
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", tmpdir, name);
  g_autofree char *fresh = g_strdup_printf ("%s/%s-fresh.pem", tmpdir, name);
  g_autofree char *subj = g_strdup_printf ("/CN=%s", subject);
  g_autofree char *ext = g_strdup_printf ("subjectAltName=%s", alt_name);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;
  int status;
  const char *req[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-subj", subj, "-addext", ext, "-days", "30",
    "-keyout", key, "-out", expired ? fresh : cert, NULL
  };
  const char *resign[] = {
    "openssl", "x509", "-in", fresh, "-key", key, "-days", "-1", "-out", cert, NULL
  };

  if (!g_spawn_sync (NULL, (char **) req, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return NULL;
  if (expired &&
      (!g_spawn_sync (NULL, (char **) resign, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                      G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) ||
       !g_spawn_check_wait_status (status, NULL)))
    return NULL;

  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  return certificate;
}

static GBytes *
make_bomb (void)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autofree guint8 *zeros = g_malloc0 (1 << 20);
  g_autoptr(GError) error = NULL;

  /* 256 MiB of zeros in about 256 KiB. */
  for (guint i = 0; i < 256; i++)
    {
      g_output_stream_write_all (gzip, zeros, 1 << 20, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (gzip, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
start_servers (void)
{
  g_autoptr(GError) error = NULL;
  Server refused = { 0 };

  tmpdir = g_dir_make_tmp ("lookout-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  bomb = make_bomb ();

  refused_port = listen_on (&refused, "127.0.0.2", G_SOCKET_TYPE_STREAM);
  g_socket_close (refused.socket, NULL);
  g_clear_object (&refused.socket);

  servers[SERVER_TLS_SELF_SIGNED].certificate =
    make_certificate ("self", "hostile-self-signed", "IP:127.0.0.1", FALSE);
  servers[SERVER_TLS_EXPIRED].certificate =
    make_certificate ("expired", "hostile-expired", "IP:127.0.0.1", TRUE);
  servers[SERVER_TLS_WRONG_NAME].certificate =
    make_certificate ("wrong", "wrong.example", "DNS:wrong.example", FALSE);

  for (ServerKind k = 0; k < N_SERVERS; k++)
    {
      Server *server = &servers[k];
      gboolean datagram = k == SERVER_DNS || k == SERVER_NTP || k == SERVER_NTP_FAR;

      server->server = k;
      if (k >= SERVER_TLS_SELF_SIGNED && k <= SERVER_TLS_WRONG_NAME && server->certificate == NULL)
        continue;
      server->port = listen_on (server, "127.0.0.1", datagram ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM);
      g_thread_unref (g_thread_new ("hostile-server", datagram ? datagram_thread : accept_thread, server));
    }
}

/* Resident set of this process, in bytes. */
static gsize
resident_bytes (void)
{
  g_autofree char *statm = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
  fields = g_strsplit (statm, " ", 0);
  return (gsize) g_ascii_strtoull (fields[1], NULL, 10) * (gsize) sysconf (_SC_PAGESIZE);
}

/* The table --------------------------------------------------------------- */

typedef enum
{
  PROBE_HTTP,
  PROBE_DNS,
  PROBE_NTP,
} ProbeKind;

typedef struct
{
  const char        *name;
  ServerKind         server;
  const char        *uri;          /* "%u" stands for the server's port */
  const char        *options;
  guint              timeout_ms;
  gboolean           ok;
  LookoutTargetState state;
  LookoutProbeError  code;
  const char        *message;      /* a part of the message, or NULL */
  const char        *address;      /* the result's address, or NULL for any */
  gboolean           measured;     /* connect time and certificate expiry reported */
} HostileCase;

static const HostileCase cases[] = {
  { "endless-1xx", SERVER_HTTP, "http://127.0.0.1:%u/1xx", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "informational (1xx) responses" },
  { "endless-body", SERVER_HTTP, "http://127.0.0.1:%u/body", NULL, 2000,
    TRUE, LOOKOUT_TARGET_STATE_UP, LOOKOUT_PROBE_ERROR_NONE, NULL },
  { "endless-body-keyword", SERVER_HTTP, "http://127.0.0.1:%u/body", "{\"keyword\":\"needle\"}", 2000,
    FALSE, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD, "was not found in the first" },
  { "slowloris-headers", SERVER_HTTP, "http://127.0.0.1:%u/slowloris", NULL, 1000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "within 1000 ms" },
  { "silent", SERVER_HTTP, "http://127.0.0.1:%u/silent", NULL, 1000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "No response within 1000 ms" },
  { "reset-mid-response", SERVER_HTTP, "http://127.0.0.1:%u/reset", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RESET, NULL },
  { "redirect-loop", SERVER_HTTP, "http://127.0.0.1:%u/loop", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS, "Redirect loop" },
  { "redirect-chain", SERVER_HTTP, "http://127.0.0.1:%u/chain/0", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS, "Too many redirects" },
  { "huge-headers", SERVER_HTTP, "http://127.0.0.1:%u/huge", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "headers are larger than 64 KiB" },
  { "compression-bomb", SERVER_HTTP, "http://127.0.0.1:%u/bomb", NULL, 2000,
    TRUE, LOOKOUT_TARGET_STATE_UP, LOOKOUT_PROBE_ERROR_NONE, NULL },
  { "compression-bomb-keyword", SERVER_HTTP, "http://127.0.0.1:%u/bomb", "{\"keyword\":\"needle\"}", 2000,
    FALSE, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD, "was not found in the first" },
  { "redirect-to-refused", SERVER_HTTP, "http://127.0.0.1:%u/to-refused", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED, "refused by 127.0.0.2", "127.0.0.2" },
  { "redirect-to-metadata", SERVER_HTTP, "http://127.0.0.1:%u/to-metadata", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION, "link-local" },
  { "redirect-to-metadata-by-name", SERVER_HTTP, "http://127.0.0.1:%u/to-metadata-name", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION,
    "resolves to the link-local address 169.254.169.254" },
  { "redirect-to-link-local-v6", SERVER_HTTP, "http://127.0.0.1:%u/to-link-local-v6", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION, "http://[fe80::1]/" },
  { "tls-self-signed", SERVER_TLS_SELF_SIGNED, "https://127.0.0.1:%u/", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS, "unknown issuer (subject CN=hostile-self-signed)",
    NULL, TRUE },
  { "tls-expired", SERVER_TLS_EXPIRED, "https://127.0.0.1:%u/", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS, "expired", NULL, TRUE },
  { "tls-wrong-name", SERVER_TLS_WRONG_NAME, "https://127.0.0.1:%u/", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TLS, "hostname mismatch", NULL, TRUE },
  { "dns-compression-loop", SERVER_DNS, "dns://127.0.0.1:%u/loop.test", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "malformed" },
  { "dns-truncated", SERVER_DNS, "dns://127.0.0.1:%u/trunc.test", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "ends inside the answer section" },
  { "dns-qr-clear", SERVER_DNS, "dns://127.0.0.1:%u/qr.test", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "QR bit is clear" },
  { "dns-over-512-without-tc", SERVER_DNS, "dns://127.0.0.1:%u/big.test", NULL, 2000,
    TRUE, LOOKOUT_TARGET_STATE_UP, LOOKOUT_PROBE_ERROR_NONE, NULL },
  { "dns-flood-of-unrelated-replies", SERVER_DNS, "dns://127.0.0.1:%u/flood.test", NULL, 1000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, NULL },
  { "ntp-garbage-and-flood", SERVER_NTP, "ntp://127.0.0.1:%u", NULL, 1000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL, "No valid reply within 1000 ms" },
  { "ntp-fifty-years-off", SERVER_NTP_FAR, "ntp://127.0.0.1:%u", NULL, 2000,
    FALSE, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED, "off by 50 years (1577836800 s)" },
  { "ntp-fifty-years-allowed", SERVER_NTP_FAR, "ntp://127.0.0.1:%u", "{\"max_offset_s\":2000000000}", 2000,
    TRUE, LOOKOUT_TARGET_STATE_UP, LOOKOUT_PROBE_ERROR_NONE, NULL },
};

static LookoutProbe *
probe_for (const char *uri)
{
  if (g_str_has_prefix (uri, "http"))
    return lookout_http_probe_new ();
  if (g_str_has_prefix (uri, "dns"))
    return LOOKOUT_PROBE (lookout_dns_probe_new ());
  return lookout_ntp_probe_new ();
}

static void
test_case (gconstpointer data)
{
  const HostileCase *c = data;
  const Server *server = &servers[c->server];
  g_autoptr(LookoutProbe) probe = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  gint64 started_us, took_ms;
  gsize rss_before, rss_after;

  if (server->port == 0)
    {
      g_test_skip ("openssl is not installed: no certificate for this TLS server");
      return;
    }

  {
    g_auto(GStrv) parts = g_strsplit (c->uri, "%u", 2);
    g_autofree char *port = g_strdup_printf ("%u", server->port);

    uri = g_strconcat (parts[0], port, parts[1], NULL);
  }
  probe = probe_for (uri);

  rss_before = resident_bytes ();
  started_us = g_get_monotonic_time ();
  result = lookout_test_run_probe (probe, uri, c->timeout_ms, c->options, NULL, &error);
  took_ms = (g_get_monotonic_time () - started_us) / 1000;
  rss_after = resident_bytes ();

  g_assert_no_error (error);
  g_test_message ("%s: %" G_GINT64_FORMAT " ms, ok=%d, %s, RSS %+.1f MiB", uri, took_ms, result->ok,
                  result->error ? result->error : "no error",
                  ((double) rss_after - (double) rss_before) / (1024 * 1024));

  g_assert_cmpint (took_ms, <=, c->timeout_ms + GRACE_MS);
  g_assert_cmpint (result->ok, ==, c->ok);
  g_assert_cmpint (result->state, ==, c->state);
  g_assert_cmpint (result->error_code, ==, c->code);
  if (c->message != NULL && (result->error == NULL || strstr (result->error, c->message) == NULL))
    g_error ("“%s” is not in the message “%s”", c->message, result->error);
  if (c->address != NULL)
    g_assert_cmpstr (result->address, ==, c->address);
  if (c->measured)
    {
      g_assert_cmpint (result->connect_us, >=, 0);
      g_assert_cmpint (result->cert_expiry_s, >, 0);
    }
  if (c->server == SERVER_TLS_EXPIRED)
    g_assert_cmpint (result->cert_expiry_s, <, g_get_real_time () / G_USEC_PER_SEC);
  if (g_str_has_prefix (c->name, "dns-over-512"))
    g_assert_cmpuint (g_strv_length (result->answers), ==, 90);

  /* Bounded: what was read, and what this process holds. */
  g_assert_cmpuint (result->reply_bytes, <=, HTTP_BODY_CAP);
  if (rss_after > rss_before)
    g_assert_cmpuint (rss_after - rss_before, <, RSS_BOUND);
}

/* ICMP ------------------------------------------------------------------- */

static guint16
icmp_checksum (const guint8 *data,
               gsize         len)
{
  guint32 sum = 0;

  for (gsize i = 0; i + 1 < len; i += 2)
    sum += (data[i] << 8) | data[i + 1];
  if (len % 2 == 1)
    sum += data[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (guint16) ~sum;
}

/* A flood of echo replies that answer nothing of ours (other identifiers,
 * junk payloads) while a ping runs: through a ping socket and through a raw
 * socket, which sees every one of them, the check still ends in time with
 * its own replies, and memory stays bounded. */
static void
test_icmp_flood (void)
{
  g_autoptr(GSocket) sender = NULL;
  g_autoptr(GSocketAddress) loopback = NULL;
  g_autoptr(GError) error = NULL;
  guint8 reply[64] = { 0 /* echo reply */, 0 };
  int fd;

  fd = socket (AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (fd < 0)
    {
      g_test_skip ("no raw ICMP socket here to flood from");
      return;
    }
  sender = g_socket_new_from_fd (fd, &error);
  g_assert_no_error (error);
  loopback = g_inet_socket_address_new_from_string ("127.0.0.1", 0);

  for (gsize i = 8; i < sizeof reply; i++)
    reply[i] = (guint8) (i * 7);
  reply[4] = 0xbe;   /* an identifier no socket of ours has */
  reply[5] = 0xef;
  {
    guint16 sum = icmp_checksum (reply, sizeof reply);

    reply[2] = sum >> 8;
    reply[3] = sum & 0xff;
  }

  for (guint raw = 0; raw < 2; raw++)
    {
      g_autoptr(LookoutProbe) probe = g_object_new (LOOKOUT_TYPE_ICMP_PROBE, "prefer-raw", raw == 1, NULL);
      g_autoptr(LookoutResult) result = NULL;
      gint64 started_us, took_ms;
      gsize rss_before, rss_after;

      Flood *flood = g_new0 (Flood, 1);
      GThread *flooder;

      flood->socket = g_object_ref (sender);
      flood->peer = g_object_ref (loopback);
      flood->datagram = g_bytes_new (reply, sizeof reply);
      flood->until_us = g_get_monotonic_time () + 1500 * 1000;
      flooder = g_thread_new ("hostile-icmp-flood", flood_thread, flood);

      rss_before = resident_bytes ();
      started_us = g_get_monotonic_time ();
      result = lookout_test_run_probe (probe, "icmp://127.0.0.1", 1000, "{\"count\":3}", NULL, &error);
      took_ms = (g_get_monotonic_time () - started_us) / 1000;
      rss_after = resident_bytes ();
      g_assert_no_error (error);
      g_test_message ("%s socket: %" G_GINT64_FORMAT " ms, ok=%d, %u of %u, %s", raw ? "raw" : "ping",
                      took_ms, result->ok, result->received, result->sent,
                      result->error ? result->error : "no error");

      g_assert_cmpint (took_ms, <=, 1000 + GRACE_MS);
      g_assert_true (result->ok);
      g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
      g_assert_cmpuint (result->received, ==, result->sent);
      if (rss_after > rss_before)
        g_assert_cmpuint (rss_after - rss_before, <, RSS_BOUND);

      /* the flood of this round is over before the next one starts */
      g_thread_join (flooder);
    }
}

/* The monitor ------------------------------------------------------------- */

typedef struct
{
  guint  n_ok;
  guint  n_hostile;
  gint64 last_ok_us;
  gint64 longest_gap_us;
} RunCount;

static void
monitor_result_cb (LookoutMonitor *monitor,
                   LookoutTarget  *target,
                   LookoutResult  *result,
                   gpointer        user_data)
{
  RunCount *count = user_data;
  gint64 now = g_get_monotonic_time ();

  if (strstr (result->target, "/1xx") != NULL)
    {
      count->n_hostile++;
      return;
    }

  if (count->last_ok_us != 0)
    count->longest_gap_us = MAX (count->longest_gap_us, now - count->last_ok_us);
  count->last_ok_us = now;
  count->n_ok++;
}

/* One endless "100 Continue" server among the targets: the other target is
 * still checked at its interval, and the hostile one ends at each check. */
static void
test_run_keeps_checking (void)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (store->store);
  g_autofree char *hostile_uri = g_strdup_printf ("http://127.0.0.1:%u/1xx", servers[SERVER_HTTP].port);
  g_autofree char *ok_uri = g_strdup_printf ("http://127.0.0.1:%u/ok", servers[SERVER_HTTP].port);
  g_autoptr(LookoutTarget) hostile = NULL;
  g_autoptr(LookoutTarget) ok = NULL;
  g_autoptr(GError) error = NULL;
  RunCount count = { 0 };

  hostile = lookout_target_new_from_string (hostile_uri, &error);
  g_assert_no_error (error);
  lookout_target_set_interval (hostile, 1);
  lookout_target_set_timeout (hostile, 900);
  ok = lookout_target_new_from_string (ok_uri, &error);
  g_assert_no_error (error);
  lookout_target_set_interval (ok, 1);
  lookout_target_set_timeout (ok, 900);

  lookout_test_add_target (monitor, hostile);
  lookout_test_add_target (monitor, ok);
  g_signal_connect (monitor, "result", G_CALLBACK (monitor_result_cb), &count);
  lookout_monitor_start (monitor);

  LOOKOUT_TEST_WAIT_UNTIL (count.n_ok >= 5 && count.n_hostile >= 4, 20000);
  lookout_monitor_stop (monitor);
  g_signal_handlers_disconnect_by_data (monitor, &count);

  g_test_message ("%u checks of the good target, %u of the hostile one, longest gap %.0f ms",
                  count.n_ok, count.n_hostile, count.longest_gap_us / 1000.0);
  /* At a 1 s interval, with room for a loaded machine. */
  g_assert_cmpint (count.longest_gap_us, <, 1000 * (1000 + GRACE_MS));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  {
    g_autoptr(GResolver) resolver = g_object_new (HOSTILE_TYPE_RESOLVER, NULL);

    g_resolver_set_default (resolver);
  }
  start_servers ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hostile/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/hostile/run-keeps-checking", test_run_keeps_checking);
  g_test_add_func ("/hostile/icmp-flood", test_icmp_flood);

  status = g_test_run ();

  if (tmpdir != NULL)
    {
      g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (tmpdir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (tmpdir);
    }

  return status;
}
