/* test-api.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The REST API served on loopback by a real LookoutApiServer, asked by a
 * real SoupSession: tokens and scopes, the security checks, every endpoint
 * as docs/api.md lists it, the same numbers as the export and the
 * statistics, and HTTPS with a certificate made for the test. */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lookout-api-server.h"
#include "lookout-api-private.h"
#include "lookout-api-tls.h"
#include "lookout-export.h"
#include "lookout-json.h"
#include "lookout-stats.h"
#include "lookout-target-uri.h"

#define DAY_MS (86400 * G_GINT64_CONSTANT (1000))
#include "lookout-store-anomalies.h"
#include "lookout-store-report.h"
#include "lookout-test.h"

/* Samples are placed from a fixed hour, not from now. */
#define BASE_MS G_GINT64_CONSTANT (1767225600000)   /* 2026-01-01T00:00:00Z */

typedef struct
{
  LookoutTestStore  store;
  LookoutMonitor   *monitor;
  LookoutApiServer *server;
  SoupSession      *session;
  char             *url;
  char             *read_token;
  char             *write_token;
  char             *metrics_token;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  LookoutApiTokens *tokens;
  g_autoptr(GError) error = NULL;

  lookout_test_store_set_up (&f->store, NULL);
  f->monitor = lookout_test_monitor_new (f->store.store);
  f->server = lookout_api_server_new (f->monitor);
  lookout_api_server_listen (f->server, "127.0.0.1:0", NULL, &error);
  g_assert_no_error (error);
  f->url = lookout_api_server_dup_url (f->server);

  tokens = lookout_api_server_get_tokens (f->server);
  f->read_token = lookout_api_tokens_create (tokens, "reader", LOOKOUT_API_SCOPE_READ, &error);
  g_assert_no_error (error);
  f->write_token = lookout_api_tokens_create (tokens, "writer",
                                              LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_WRITE, &error);
  g_assert_no_error (error);
  f->metrics_token = lookout_api_tokens_create (tokens, "prometheus", LOOKOUT_API_SCOPE_METRICS, &error);
  g_assert_no_error (error);

  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  lookout_api_server_stop (f->server);
  g_clear_object (&f->server);
  lookout_test_drain ();
  g_clear_object (&f->monitor);
  g_free (f->url);
  g_free (f->read_token);
  g_free (f->write_token);
  g_free (f->metrics_token);
  lookout_test_store_tear_down (&f->store, NULL);
}

typedef struct
{
  guint  status;
  char  *body;
  char  *content_type;
  char  *location;
  char  *www_authenticate;
  SoupEncoding encoding;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply->content_type);
  g_free (reply->location);
  g_free (reply->www_authenticate);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static Reply *
request_full (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *token,
              const char  *body,
              const char  *host)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (host != NULL)
    soup_message_headers_replace (headers, "Host", host);
  if (body != NULL)
    {
      g_autoptr(GBytes) request_body = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request_body);
    }

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    lookout_test_async_cb, &result);
  bytes = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);

  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  headers = soup_message_get_response_headers (msg);
  reply->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  reply->encoding = soup_message_headers_get_encoding (headers);
  return reply;
}

static Reply *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *token,
         const char *body)
{
  g_autofree char *url = g_strconcat (f->url, path, NULL);

  return request_full (f->session, method, url, token, body, NULL);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* The body is {"error": {"code": STATUS, "message": …}}; returns the message. */
static char *
assert_error (Reply *reply,
              guint  status)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *error;

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (reply->content_type, ==, "application/json");
  node = parse_json (reply->body);
  error = json_object_get_object_member (json_node_get_object (node), "error");
  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, status);
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
  return g_strdup (json_object_get_string_member (error, "message"));
}

static LookoutTarget *
add_target (Fixture    *f,
            const char *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_test_add_target (f->monitor, target);
  return target;
}

/* ---- tokens and scopes ---- */

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  Reply *r;

  r = request (f, "GET", "/api/v1/targets", NULL, NULL);
  g_free (assert_error (r, 401));
  g_assert_cmpstr (r->www_authenticate, ==, "Bearer realm=\"lookout\"");
  reply_free (r);

  r = request (f, "GET", "/api/v1/targets", "lookout_0000", NULL);
  g_free (assert_error (r, 401));
  reply_free (r);

  /* the right token with the wrong scope */
  r = request (f, "GET", "/api/v1/targets", f->metrics_token, NULL);
  message = assert_error (r, 403);
  g_assert_nonnull (strstr (message, "read"));
  reply_free (r);

  r = request (f, "POST", "/api/v1/targets", f->read_token, "{\"uri\": \"tcp://127.0.0.1:1\"}");
  g_free (assert_error (r, 403));
  reply_free (r);

  r = request (f, "GET", "/api/v1/targets", f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  reply_free (r);

  /* revoked: refused at once, by the running server */
  lookout_api_tokens_revoke (lookout_api_server_get_tokens (f->server), "reader", &error);
  g_assert_no_error (error);
  r = request (f, "GET", "/api/v1/targets", f->read_token, NULL);
  g_free (assert_error (r, 401));
  reply_free (r);
}

static void
test_tokens_stored_as_hashes (Fixture       *f,
                              gconstpointer  data)
{
  LookoutApiTokens *tokens = lookout_api_server_get_tokens (f->server);
  g_autoptr(GArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, f->read_token, -1);
  g_autofree char *contents = NULL;
  gsize len;
  LookoutApiScope scopes = 0;
  g_autofree char *name = NULL;

  g_assert_true (g_str_has_prefix (f->read_token, "lookout_"));
  g_assert_cmpuint (strlen (f->read_token), ==, 8 + 64);

  list = lookout_api_tokens_list (tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (g_array_index (list, LookoutStoredToken, 0).name, ==, "reader");
  g_assert_cmpstr (g_array_index (list, LookoutStoredToken, 0).hash, ==, hash);
  g_assert_cmpstr (g_array_index (list, LookoutStoredToken, 1).scopes, ==, "read,write");

  /* the secret is nowhere in the file */
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);
  g_file_get_contents (f->store.path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_null (g_strstr_len (contents, len, f->read_token + 8));

  g_assert_true (lookout_api_tokens_verify (tokens, f->write_token, &scopes, &name));
  g_assert_cmpint (scopes, ==, LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_WRITE);
  g_assert_cmpstr (name, ==, "writer");
  g_assert_false (lookout_api_tokens_verify (tokens, "lookout_", NULL, NULL));

  g_assert_null (lookout_api_tokens_create (tokens, "reader", LOOKOUT_API_SCOPE_READ, &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY);
  g_clear_error (&error);
  g_assert_null (lookout_api_tokens_create (tokens, "bad name", LOOKOUT_API_SCOPE_READ, &error));
  g_assert_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (lookout_api_tokens_revoke (tokens, "nobody", &error));
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND);
}

/* The quick writing of times (for pages of thousands of rows) says what
 * GDateTime says, across leap days and centuries. */
static void
test_time_text (void)
{
  static const gint64 days[] = { 0, 59, 60, 365, 10957, 11016, 11017, 11323, 20088, 20454,
                                 47541, 47540, 47482, 2932896 };
  LookoutApiDay day = { -1 };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    for (gint64 ms = days[i] * 86400000 - 1; ms <= days[i] * 86400000 + 86400000; ms += 86400000 / 3 - 7)
      {
        g_autofree char *expected = NULL;
        g_autofree char *quoted = NULL;
        g_autoptr(GString) out = g_string_new (NULL);

        if (ms < 0)
          continue;
        expected = lookout_api_format_time (ms);
        quoted = g_strdup_printf ("\"%s\"", expected);
        lookout_api_append_time (out, ms);
        g_assert_cmpstr (out->str, ==, quoted);

        /* the same with the day's date kept from the row before */
        {
          char buf[LOOKOUT_API_PUT_MAX + 1];

          *lookout_api_put_time_in (buf, ms, &day) = '\0';
          g_assert_cmpstr (buf, ==, quoted);
          *lookout_api_put_time_in (buf, ms + 1, &day) = '\0';
          g_free (quoted);
          g_free (expected);
          expected = lookout_api_format_time (ms + 1);
          quoted = g_strdup_printf ("\"%s\"", expected);
          g_assert_cmpstr (buf, ==, quoted);
        }
      }
}

/* Numbers written in place, as rows of a page are: exact, in the fewest
 * characters, at both ends of the range. */
static void
test_number_text (void)
{
  static const struct { gint64 micro; const char *text; } micros[] = {
    { 0, "0" }, { 1, "0.000001" }, { 42500, "0.0425" }, { 1000000, "1" }, { -1500000, "-1.5" },
    { 1798761600000000, "1798761600" }, { G_MAXINT64, "9223372036854.775807" },
    { G_MININT64, "-9223372036854.775808" },
  };
  static const struct { gint64 value; const char *text; } ints[] = {
    { 0, "0" }, { 7, "7" }, { -42, "-42" }, { G_MAXINT64, "9223372036854775807" },
    { G_MININT64, "-9223372036854775808" }, { 10, "10" }, { 99, "99" }, { 100, "100" },
    { -1005, "-1005" }, { 1767225600000, "1767225600000" },
  };
  static const double doubles[] = { 0, 100, 99.5, 100.0 / 3, -0.0, 48.8566, -2.3522, 1e15, 1e-7, 123456789012345, -7 };
  static const char * const texts[] = { "", "plain", "a \"quote\" and \\", "tab\tnew\nline\r\b\f", "\x01\x1f", "Zürich ✓" };

  for (guint i = 0; i < G_N_ELEMENTS (micros); i++)
    {
      char buf[LOOKOUT_API_PUT_MAX + 1];
      g_autoptr(GString) out = g_string_new ("x");

      *lookout_api_put_micro (buf, micros[i].micro) = '\0';
      g_assert_cmpstr (buf, ==, micros[i].text);
      lookout_api_append_micro (out, micros[i].micro);
      g_assert_cmpstr (out->str + 1, ==, micros[i].text);
    }
  /* every shape of fraction, against printf's digits with the zeros cut */
  for (gint64 micro = -2000003; micro <= 3000000; micro += 997)
    {
      gint64 v = micro < 0 ? -micro : micro;
      g_autofree char *expected = g_strdup_printf ("%s%" G_GINT64_FORMAT ".%06d", micro < 0 ? "-" : "",
                                                   v / 1000000, (int) (v % 1000000));
      char buf[LOOKOUT_API_PUT_MAX + 1];
      gsize len = strlen (expected);

      while (expected[len - 1] == '0')
        expected[--len] = '\0';
      if (expected[len - 1] == '.')
        expected[--len] = '\0';
      *lookout_api_put_micro (buf, micro) = '\0';
      g_assert_cmpstr (buf, ==, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      char buf[LOOKOUT_API_PUT_MAX + 1];

      *lookout_api_put_int (buf, ints[i].value) = '\0';
      g_assert_cmpstr (buf, ==, ints[i].text);
    }
  /* as the JSON writer writes them */
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE + 1];
      g_autoptr(GString) expected = g_string_new (NULL);

      lookout_json_append_double (expected, doubles[i]);
      *lookout_api_put_double (buf, doubles[i]) = '\0';
      g_assert_cmpstr (buf, ==, expected->str);
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *buf = g_malloc (6 * strlen (texts[i]) + 3);
      g_autoptr(GString) expected = g_string_new (NULL);

      lookout_json_append_string (expected, texts[i]);
      *lookout_api_put_string (buf, texts[i]) = '\0';
      g_assert_cmpstr (buf, ==, expected->str);
    }
}

static void
test_scopes_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  LookoutApiScope scopes = 0;

  g_assert_true (lookout_api_scopes_parse ("metrics, read", &scopes, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scopes, ==, LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_METRICS);
  text = lookout_api_scopes_to_string (scopes);
  g_assert_cmpstr (text, ==, "read,metrics");

  g_assert_false (lookout_api_scopes_parse ("read,admin", &scopes, &error));
  g_assert_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“admin”"));
  g_clear_error (&error);
  g_assert_false (lookout_api_scopes_parse (",", &scopes, &error));
  g_assert_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID);
}

/* ---- security ---- */

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  Reply *r;

  for (guint i = 0; i < LOOKOUT_API_MAX_FAILED_AUTH; i++)
    {
      r = request (f, "GET", "/api/v1/targets", "lookout_wrong", NULL);
      g_free (assert_error (r, 401));
      reply_free (r);
    }

  /* now even the right token waits */
  r = request (f, "GET", "/api/v1/targets", f->read_token, NULL);
  g_free (assert_error (r, 429));
  reply_free (r);
}

static void
test_host_header (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->url, "/api/v1/targets", NULL);
  g_autofree char *localhost = g_strdup_printf ("localhost:%u", lookout_api_server_get_port (f->server));
  Reply *r;

  r = request_full (f->session, "GET", url, f->read_token, NULL, "attacker.example:80");
  g_free (assert_error (r, 421));
  reply_free (r);

  r = request_full (f->session, "GET", url, f->read_token, NULL, localhost);
  g_assert_cmpuint (r->status, ==, 200);
  reply_free (r);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GString) path = g_string_new ("/api/v1/events?since=");
  g_autofree char *big = NULL;
  Reply *r;

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (path, '1');
  r = request (f, "GET", path->str, f->read_token, NULL);
  g_free (assert_error (r, 414));
  reply_free (r);

  big = g_malloc (70 * 1024 + 1);
  memset (big, ' ', 70 * 1024);
  big[70 * 1024] = '\0';
  r = request (f, "POST", "/api/v1/targets", f->write_token, big);
  g_free (assert_error (r, 413));
  reply_free (r);

  r = request (f, "GET", "/api/v1/nothing", f->read_token, NULL);
  g_free (assert_error (r, 404));
  reply_free (r);
  r = request (f, "PUT", "/api/v1/targets", f->write_token, "{}");
  g_free (assert_error (r, 405));
  reply_free (r);
  r = request (f, "GET", "/api/v1/targets/abc", f->read_token, NULL);
  g_free (assert_error (r, 404));
  reply_free (r);
}

static void
test_listen (void)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (store->store);
  g_autoptr(LookoutApiServer) server = lookout_api_server_new (monitor);
  g_autoptr(GError) error = NULL;
  char *host = NULL;
  guint16 port = 0;

  /* beyond loopback without a certificate: refused, in words */
  g_assert_false (lookout_api_server_listen (server, "0.0.0.0:0", NULL, &error));
  g_assert_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS_REQUIRED);
  g_assert_nonnull (strstr (error->message, "TLS"));
  g_clear_error (&error);

  g_assert_false (lookout_api_server_listen (server, "127.0.0.1", NULL, &error));
  g_assert_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (lookout_api_parse_listen_address ("[::1]:9181", &host, &port, &error));
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port, ==, 9181);
  g_free (host);
  g_assert_false (lookout_api_parse_listen_address ("::1:9181", &host, &port, NULL));
  g_assert_false (lookout_api_parse_listen_address ("host:65536", &host, &port, NULL));
  g_assert_false (lookout_api_parse_listen_address (":80", &host, &port, NULL));
  lookout_test_drain ();
}

static void
test_database_private (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "sub", "lookout.db", NULL);
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  lookout_store_close (store);
}

/* ---- targets ---- */

static void
test_targets (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  gint64 id;
  Reply *r;

  r = request (f, "POST", "/api/v1/targets", f->write_token,
               "{\"uri\": \"tcp://127.0.0.1:5432\", \"name\": \"Database\", \"interval\": 30,"
               " \"timeout\": 2.5, \"fail_threshold\": 2, \"enabled\": false}");
  g_assert_cmpuint (r->status, ==, 201);
  node = parse_json (r->body);
  object = json_node_get_object (node);
  id = json_object_get_int_member (object, "id");
  g_assert_cmpint (id, >, 0);
  path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT, id);
  g_assert_cmpstr (r->location, ==, path);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Database");
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "tcp");
  g_assert_cmpint (json_object_get_int_member (object, "interval"), ==, 30);
  g_assert_cmpfloat (json_object_get_double_member (object, "timeout"), ==, 2.5);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  reply_free (r);
  g_clear_pointer (&node, json_node_unref);

  /* in the monitor, hence in the window and the store */
  g_assert_nonnull (lookout_monitor_find_target (f->monitor, id));
  g_assert_cmpuint (lookout_target_get_timeout (lookout_monitor_find_target (f->monitor, id)), ==, 2500);

  /* a bad address: the sentence the dialog shows */
  lookout_target_uri_parse ("tcp://127.0.0.1:99999", &error);
  g_assert_nonnull (error);
  r = request (f, "POST", "/api/v1/targets", f->write_token, "{\"uri\": \"tcp://127.0.0.1:99999\"}");
  message = assert_error (r, 400);
  g_assert_cmpstr (message, ==, error->message);
  reply_free (r);
  g_clear_pointer (&message, g_free);
  g_clear_error (&error);

  /* a bare host with a kind, as the dialog reads it */
  r = request (f, "POST", "/api/v1/targets", f->write_token, "{\"uri\": \"127.0.0.1\", \"kind\": \"icmp\"}");
  g_assert_cmpuint (r->status, ==, 201);
  node = parse_json (r->body);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "uri"), ==, "icmp://127.0.0.1");
  reply_free (r);
  g_clear_pointer (&node, json_node_unref);

  /* the same address again: one target per address */
  r = request (f, "POST", "/api/v1/targets", f->write_token, "{\"uri\": \"icmp://127.0.0.1\"}");
  message = assert_error (r, 409);
  g_assert_cmpstr (message, ==, "“icmp://127.0.0.1” is already monitored");
  reply_free (r);
  g_clear_pointer (&message, g_free);

  lookout_target_validate_interval (0, &error);
  g_assert_nonnull (error);
  r = request (f, "POST", "/api/v1/targets", f->write_token, "{\"uri\": \"tcp://127.0.0.1:80\", \"interval\": 0}");
  message = assert_error (r, 400);
  g_assert_cmpstr (message, ==, error->message);
  reply_free (r);
  g_clear_pointer (&message, g_free);
  g_clear_error (&error);

  /* a timeout beyond the interval: the dialog's sentence too */
  lookout_target_validate_schedule (5, 6000, &error);
  g_assert_nonnull (error);
  r = request (f, "POST", "/api/v1/targets", f->write_token,
               "{\"uri\": \"tcp://127.0.0.1:81\", \"interval\": 5, \"timeout\": 6}");
  message = assert_error (r, 400);
  g_assert_cmpstr (message, ==, error->message);
  reply_free (r);
  g_clear_pointer (&message, g_free);
  g_clear_error (&error);
  r = request (f, "PATCH", path, f->write_token, "{\"interval\": 2}");
  message = assert_error (r, 400);
  g_assert_nonnull (strstr (message, "longer than the interval"));
  reply_free (r);
  g_clear_pointer (&message, g_free);

  r = request (f, "POST", "/api/v1/targets", f->write_token, "{\"uri\": \"tcp://127.0.0.1:80\", \"colour\": 1}");
  message = assert_error (r, 400);
  g_assert_nonnull (strstr (message, "colour"));
  reply_free (r);
  g_clear_pointer (&message, g_free);
  r = request (f, "POST", "/api/v1/targets", f->write_token, "[1, 2");
  g_free (assert_error (r, 400));
  reply_free (r);

  /* where it is checked from: the options table's words, as everywhere */
  r = request (f, "POST", "/api/v1/targets", f->write_token,
               "{\"uri\": \"tcp://127.0.0.1:81\", \"options\": {\"locations\": \"local,paris\", \"quorum\": \"3\"}}");
  message = assert_error (r, 400);
  g_assert_cmpstr (message, ==, "The quorum 3 is more than the 2 locations the target is checked from");
  reply_free (r);
  g_clear_pointer (&message, g_free);

  /* PATCH changes what it names only */
  r = request (f, "PATCH", path, f->write_token, "{\"name\": \"Main database\"}");
  g_assert_cmpuint (r->status, ==, 200);
  node = parse_json (r->body);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Main database");
  g_assert_cmpint (json_object_get_int_member (object, "interval"), ==, 30);
  g_assert_cmpstr (lookout_target_get_name (lookout_monitor_find_target (f->monitor, id)), ==, "Main database");
  reply_free (r);
  g_clear_pointer (&node, json_node_unref);

  r = request (f, "GET", "/api/v1/targets", f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = parse_json (r->body);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "targets")), ==, 2);
  reply_free (r);

  r = request (f, "DELETE", path, f->write_token, NULL);
  g_assert_cmpuint (r->status, ==, 204);
  reply_free (r);
  g_assert_null (lookout_monitor_find_target (f->monitor, id));
  r = request (f, "GET", path, f->read_token, NULL);
  g_free (assert_error (r, 404));
  reply_free (r);
}

/* ---- history, events, status ---- */

static void
append_samples (Fixture       *f,
                LookoutTarget *target,
                guint          n,
                gint64         step_ms)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      LookoutSample s = {
        .target_id = lookout_target_get_id (target),
        .ts_ms = BASE_MS + i * step_ms,
        .latency_us = i % 7 == 3 ? -1 : 1000 + 37 * (gint64) i,
        .state = i % 7 == 3 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
        .code = 0,
        .error = i % 7 == 3 ? (char *) "refused \"here\"" : NULL,
        .location = i % 5 == 1 ? (char *) "paris" : NULL,
      };

      lookout_store_append_sample (f->store.store, &s);
    }
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);
}

static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (f, "tcp://127.0.0.1:7");
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) exported = NULL;
  g_autoptr(JsonArray) all = json_array_new ();
  g_autofree char *cursor = NULL;
  g_autofree char *export_text = NULL;
  JsonArray *rows;
  gint64 id = lookout_target_get_id (target);
  guint pages = 0;

  append_samples (f, target, 250, 60000);

  /* the export's JSON of the same range */
  samples = lookout_store_query_samples_sync (f->store.store, id, BASE_MS, BASE_MS + 86400000, NULL, &error);
  g_assert_no_error (error);
  lookout_export_write_samples (stream, LOOKOUT_EXPORT_JSON, lookout_target_get_uri_string (target),
                                BASE_MS, BASE_MS + 86400000,
                                (LookoutSample *) (gpointer) samples->data, samples->len, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, NULL);
  export_text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)),
                           g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream)));
  exported = parse_json (export_text);
  rows = json_object_get_array_member (json_node_get_object (exported), "samples");
  g_assert_cmpuint (json_array_get_length (rows), ==, 250);

  /* pages of 100 with the cursor */
  do
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(Reply) r = NULL;
      JsonObject *object;
      JsonArray *page;

      path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=2026-01-01T00:00:00Z"
                              "&to=%" G_GINT64_FORMAT "&limit=100%s%s",
                              id, BASE_MS + 86400000, cursor ? "&cursor=" : "", cursor ? cursor : "");
      r = request (f, "GET", path, f->read_token, NULL);
      g_assert_cmpuint (r->status, ==, 200);
      node = parse_json (r->body);
      object = json_node_get_object (node);
      g_assert_cmpstr (json_object_get_string_member (object, "step"), ==, "raw");
      g_assert_cmpstr (json_object_get_string_member (object, "from"), ==, "2026-01-01T00:00:00.000Z");
      page = json_object_get_array_member (object, "samples");
      g_assert_cmpuint (json_array_get_length (page), <=, 100);
      for (guint i = 0; i < json_array_get_length (page); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (page, i)));
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
      pages++;
    }
  while (cursor != NULL);

  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (json_array_get_length (all), ==, 250);
  for (guint i = 0; i < 250; i++)
    {
      JsonObject *a = json_array_get_object_element (all, i);
      JsonObject *e = json_array_get_object_element (rows, i);

      g_assert_cmpstr (json_object_get_string_member (a, "time"), ==, json_object_get_string_member (e, "time"));
      g_assert_cmpint (json_object_get_int_member (a, "ts_ms"), ==, json_object_get_int_member (e, "ts_ms"));
      g_assert_cmpstr (json_object_get_string_member (a, "state"), ==, json_object_get_string_member (e, "state"));
      g_assert_cmpint (json_object_get_int_member (a, "code"), ==, json_object_get_int_member (e, "code"));
      /* Where it was checked from, when a remote agent did. */
      g_assert_cmpstr (json_object_get_string_member (a, "location"), ==,
                       i % 5 == 1 ? "paris" : "local");
      g_assert_cmpstr (json_object_get_string_member (e, "location"), ==,
                       i % 5 == 1 ? "paris" : "local");
      if (json_object_get_null_member (e, "latency_ms"))
        {
          g_assert_true (json_object_get_null_member (a, "latency"));
          g_assert_cmpstr (json_object_get_string_member (a, "error"), ==,
                           json_object_get_string_member (e, "error"));
        }
      else
        g_assert_cmpfloat_with_epsilon (json_object_get_double_member (a, "latency") * 1000,
                                        json_object_get_double_member (e, "latency_ms"), 1e-9);
    }

  /* minute rollups: one per sample here */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%" G_GINT64_FORMAT
                                             "&range=1h&step=1m", id, BASE_MS);
    g_autoptr(Reply) r = NULL;
    g_autoptr(JsonNode) node = NULL;
    JsonArray *rollups;
    JsonObject *first, *down;

    g_clear_pointer (&path, g_free);
    path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%" G_GINT64_FORMAT
                            "&to=%" G_GINT64_FORMAT "&step=1m", id, BASE_MS, BASE_MS + 3600000);
    r = request (f, "GET", path, f->read_token, NULL);
    g_assert_cmpuint (r->status, ==, 200);
    node = parse_json (r->body);
    rollups = json_object_get_array_member (json_node_get_object (node), "rollups");
    g_assert_cmpuint (json_array_get_length (rollups), ==, 60);
    first = json_array_get_object_element (rollups, 0);
    g_assert_cmpint (json_object_get_int_member (first, "count"), ==, 1);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (first, "mean"), 0.001, 1e-12);
    down = json_array_get_object_element (rollups, 3);
    g_assert_cmpint (json_object_get_int_member (down, "failures"), ==, 1);
    g_assert_true (json_object_get_null_member (down, "mean"));
    /* the rows' text, as written in place */
    g_assert_nonnull (strstr (r->body, "\"rollups\":[{\"time\":\"2026-01-01T00:00:00.000Z\",\"ts_ms\":1767225600000,"
                                       "\"count\":1,\"failures\":0,\"min\":0.001,\"mean\":0.001,\"max\":0.001},"));
    g_assert_nonnull (strstr (r->body, ",{\"time\":\"2026-01-01T00:03:00.000Z\",\"ts_ms\":1767225780000,"
                                       "\"count\":1,\"failures\":1,\"min\":null,\"mean\":null,\"max\":null},"));
  }

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?step=5m", id);
    g_autoptr(Reply) r = request (f, "GET", path, f->read_token, NULL);
    g_autofree char *message = assert_error (r, 400);

    g_assert_nonnull (strstr (message, "5m"));
  }
}

/* The text of each row of @array, as json-glib writes it again. */
static GPtrArray *
row_texts (JsonArray *array)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (texts, json_to_string (json_array_get_element (array, i), FALSE));
  return texts;
}

/* A page longer than one part goes out in chunked encoding while the
 * worker writes it: the same rows as pages of 1,000 sent whole, and a
 * client that leaves in the middle costs the server nothing. */
static void
test_history_parts (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (f, "tcp://127.0.0.1:7");
  g_autoptr(GPtrArray) long_rows = NULL;
  g_autoptr(GPtrArray) paged_rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rollups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;
  g_autofree char *request_text = NULL;
  gint64 id = lookout_target_get_id (target);
  gint64 to_ms = BASE_MS + 2 * DAY_MS;
  JsonArray *rows;
  char head[4096];
  gssize got;
  Reply *r;

  /* 12,000 results 10 s apart: raw rows in parts of 1,024 and 4,096 */
  append_samples (f, target, 12000, 10000);
  path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%" G_GINT64_FORMAT
                          "&to=%" G_GINT64_FORMAT "&limit=50000", id, BASE_MS, to_ms);
  r = request (f, "GET", path, f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (r->encoding, ==, SOUP_ENCODING_CHUNKED);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  node = parse_json (r->body);
  g_assert_true (json_object_get_null_member (json_node_get_object (node), "next_cursor"));
  rows = json_object_get_array_member (json_node_get_object (node), "samples");
  g_assert_cmpuint (json_array_get_length (rows), ==, 12000);
  long_rows = row_texts (rows);
  for (guint i = 0; i < 12000; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, i), "ts_ms"), ==,
                     BASE_MS + i * (gint64) 10000);
  reply_free (r);
  g_clear_pointer (&node, json_node_unref);

  do
    {
      g_autofree char *page_path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%"
                                                    G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT "&limit=1000%s%s",
                                                    id, BASE_MS, to_ms,
                                                    cursor ? "&cursor=" : "", cursor ? cursor : "");
      g_autoptr(GPtrArray) texts = NULL;
      JsonObject *object;

      r = request (f, "GET", page_path, f->read_token, NULL);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpint (r->encoding, ==, SOUP_ENCODING_CONTENT_LENGTH);
      node = parse_json (r->body);
      object = json_node_get_object (node);
      texts = row_texts (json_object_get_array_member (object, "samples"));
      for (guint i = 0; i < texts->len; i++)
        g_ptr_array_add (paged_rows, g_strdup (texts->pdata[i]));
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
      reply_free (r);
      g_clear_pointer (&node, json_node_unref);
    }
  while (cursor != NULL);
  g_assert_cmpuint (paged_rows->len, ==, long_rows->len);
  for (guint i = 0; i < long_rows->len; i++)
    g_assert_cmpstr (long_rows->pdata[i], ==, paged_rows->pdata[i]);

  /* minute rollups across the parts' edges: the store's own, in order */
  rollups = lookout_store_query_rollups_sync (f->store.store, id, LOOKOUT_ROLLUP_MINUTE, BASE_MS, to_ms,
                                              NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rollups->len, ==, 2000);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%" G_GINT64_FORMAT
                          "&to=%" G_GINT64_FORMAT "&step=1m&limit=50000", id, BASE_MS, to_ms);
  r = request (f, "GET", path, f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (r->encoding, ==, SOUP_ENCODING_CHUNKED);
  node = parse_json (r->body);
  rows = json_object_get_array_member (json_node_get_object (node), "rollups");
  g_assert_cmpuint (json_array_get_length (rows), ==, rollups->len);
  for (guint i = 0; i < rollups->len; i++)
    {
      const LookoutRollup *e = &g_array_index (rollups, LookoutRollup, i);
      JsonObject *a = json_array_get_object_element (rows, i);
      g_autofree char *time = lookout_api_format_time (e->bucket_ms);

      g_assert_cmpint (json_object_get_int_member (a, "ts_ms"), ==, e->bucket_ms);
      g_assert_cmpstr (json_object_get_string_member (a, "time"), ==, time);
      g_assert_cmpint (json_object_get_int_member (a, "count"), ==, e->n);
      g_assert_cmpint (json_object_get_int_member (a, "failures"), ==, e->n_fail);
    }
  reply_free (r);
  g_clear_pointer (&node, json_node_unref);

  /* a client that reads the first bytes of the long page and leaves */
  g_socket_client_connect_to_host_async (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL,
                                         lookout_test_async_cb, &result);
  connection = g_socket_client_connect_to_host_finish (client, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/history?from=%" G_GINT64_FORMAT
                          "&to=%" G_GINT64_FORMAT "&limit=50000", id, BASE_MS, to_ms);
  request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n\r\n",
                                  path, g_uri_get_host (uri), g_uri_get_port (uri), f->read_token);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   request_text, strlen (request_text), G_PRIORITY_DEFAULT, NULL,
                                   lookout_test_async_cb, &result);
  g_assert_true (g_output_stream_write_all_finish (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                                  lookout_test_wait_result (&result), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), head, sizeof head - 1,
                             G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  got = g_input_stream_read_finish (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                    lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (got, >, 0);
  head[got] = '\0';
  g_assert_true (g_str_has_prefix (head, "HTTP/1.1 200"));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

  /* and the server answers the next one whole */
  r = request (f, "GET", path, f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = parse_json (r->body);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "samples")), ==,
                    12000);
  reply_free (r);
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (f, "tcp://127.0.0.1:7");
  g_autofree LookoutStats *stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  JsonObject *row, *s, *latency;
  Reply *r;

  append_samples (f, target, 120, 30000);
  stats = lookout_stats_fetch_sync (f->store.store, lookout_target_get_id (target),
                                    BASE_MS, BASE_MS + 7200000, NULL, &error);
  g_assert_no_error (error);

  path = g_strdup_printf ("/api/v1/status?from=%" G_GINT64_FORMAT "&to=2026-01-01T02:00:00Z", BASE_MS);
  r = request (f, "GET", path, f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = parse_json (r->body);
  row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "targets"), 0);
  g_assert_cmpint (json_object_get_int_member (row, "id"), ==, lookout_target_get_id (target));
  g_assert_cmpstr (json_object_get_string_member (row, "state"), ==, "unknown");
  s = json_object_get_object_member (row, "stats");
  latency = json_object_get_object_member (s, "latency");
  g_assert_cmpint (json_object_get_int_member (s, "results"), ==, stats->n);
  g_assert_cmpint (json_object_get_int_member (s, "failures"), ==, stats->n_fail);
  g_assert_cmpint (json_object_get_int_member (s, "outages"), ==, stats->n_outages);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "availability"), stats->availability, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "p95"), stats->p95_us / 1e6, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "median"), stats->median_us / 1e6, 1e-12);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, "min"), 0.001, 1e-12);
  reply_free (r);

  r = request (f, "GET", "/api/v1/status?range=soon", f->read_token, NULL);
  g_free (assert_error (r, 400));
  reply_free (r);
  r = request (f, "GET", "/api/v1/status?from=yesterday", f->read_token, NULL);
  g_free (assert_error (r, 400));
  reply_free (r);
}

/* Statistics of a known data set, read by /api/v1/status for all targets
 * at once, equal the store's own for each target over the same range:
 * samples sealed in chunks and still in the head, runs of failures,
 * degraded results, untimed results, a target without results, and
 * anomalies inside and outside the range. */
/* /api/v1/status over [@from_ms, @to_ms) says for each of @targets what
 * the store's statistics say; returns its rows. */
static JsonNode *
assert_status_equals_store (Fixture   *f,
                            GPtrArray *targets,
                            gint64     from_ms,
                            gint64     to_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  JsonNode *node;
  JsonArray *rows;

  path = g_strdup_printf ("/api/v1/status?from=%" G_GINT64_FORMAT "&to=%" G_GINT64_FORMAT, from_ms, to_ms);
  r = request (f, "GET", path, f->read_token, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  node = parse_json (r->body);
  rows = json_object_get_array_member (json_node_get_object (node), "targets");
  g_assert_cmpuint (json_array_get_length (rows), ==, targets->len);

  for (guint t = 0; t < targets->len; t++)
    {
      gint64 id = lookout_target_get_id (g_ptr_array_index (targets, t));
      g_autofree LookoutStats *stats = lookout_stats_fetch_sync (f->store.store, id, from_ms, to_ms, NULL, &error);
      JsonObject *row = json_array_get_object_element (rows, t);
      JsonObject *s = json_object_get_object_member (row, "stats");
      JsonObject *latency = json_object_get_object_member (s, "latency");
      const char *members[] = { "min", "mean", "median", "p95", "max" };
      gint64 values[] = { stats->min_us, stats->mean_us, stats->median_us, stats->p95_us, stats->max_us };
      guint64 n_anomalies = 0;

      g_assert_no_error (error);
      g_assert_true (lookout_store_count_anomalies_sync (f->store.store, id, from_ms, to_ms, &n_anomalies, &error));
      g_assert_no_error (error);
      g_assert_cmpint (json_object_get_int_member (row, "id"), ==, id);
      g_assert_cmpint (json_object_get_int_member (s, "results"), ==, stats->n);
      g_assert_cmpint (json_object_get_int_member (s, "failures"), ==, stats->n_fail);
      g_assert_cmpint (json_object_get_int_member (s, "outages"), ==, stats->n_outages);
      g_assert_cmpint (json_object_get_int_member (s, "anomalies"), ==, n_anomalies);
      g_assert_cmpint (json_object_get_boolean_member (s, "exact"), ==, stats->exact);
      if (stats->n == 0)
        {
          g_assert_true (json_node_is_null (json_object_get_member (s, "availability")));
          continue;
        }
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (s, "availability"),
                                      stats->availability, 1e-12);
      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        {
          /* results, none of them with a latency: no figures, not -1 µs */
          if (stats->n_timed == 0)
            g_assert_true (json_node_is_null (json_object_get_member (latency, members[m])));
          else
            g_assert_cmpfloat_with_epsilon (json_object_get_double_member (latency, members[m]),
                                            values[m] / 1e6, 1e-12);
        }
    }

  return node;
}

static void
test_status_equals_store (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const uris[] = {
    "tcp://127.0.0.1:11", "tcp://127.0.0.1:12", "tcp://127.0.0.1:13", "icmp://127.0.0.1",
  };
  static const guint counts[] = { 3000, 40, 0, 700 };
  const gint64 from_ms = BASE_MS + 1234567, to_ms = BASE_MS + 8 * 3600000;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Reply) r = NULL;
  JsonArray *rows;

  for (guint t = 0; t < G_N_ELEMENTS (uris); t++)
    {
      LookoutTarget *target = add_target (f, uris[t]);

      g_ptr_array_add (targets, target);
      for (guint i = 0; i < counts[t]; i++)
        {
          guint phase = (i * (t + 3)) % 29;
          LookoutSample s = {
            .target_id = lookout_target_get_id (target),
            .ts_ms = BASE_MS + i * G_GINT64_CONSTANT (10000) * (t + 1),
            .latency_us = phase == 5 ? -1 : 800 + (gint64) ((i * 7919) % 4999),
            .state = phase < 3 ? LOOKOUT_TARGET_STATE_DOWN
                     : phase == 9 ? LOOKOUT_TARGET_STATE_DEGRADED
                     : LOOKOUT_TARGET_STATE_UP,
          };

          if (s.state == LOOKOUT_TARGET_STATE_DOWN)
            s.latency_us = -1;
          lookout_store_append_sample (f->store.store, &s);
        }
    }
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);
  lookout_store_put_anomaly (f->store.store, lookout_target_get_id (targets->pdata[0]),
                             from_ms + 60000, from_ms + 120000, "latency", 4.5, "slow");
  lookout_store_put_anomaly (f->store.store, lookout_target_get_id (targets->pdata[0]),
                             from_ms + 600000, -1, "jitter", 3.5, "spread");
  lookout_store_put_anomaly (f->store.store, lookout_target_get_id (targets->pdata[3]),
                             from_ms - 60000, -1, "latency", 3.5, "before the range");
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);

  node = assert_status_equals_store (f, targets, from_ms, to_ms);
  rows = json_object_get_array_member (json_node_get_object (node), "targets");

  /* at the edges: a range starting and ending on a sample (its end is
   * excluded), one holding a single instant, one before any sample, one
   * reaching past the last */
  {
    static const gint64 edges[][2] = {
      { 30000, 3600000 }, { 0, 1 }, { -60000, 0 }, { 9999, 10001 }, { 20000, 40000 },
      { 6 * 3600000, 400 * 86400000LL },
    };

    for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
      {
        g_autoptr(JsonNode) edge = assert_status_equals_store (f, targets, BASE_MS + edges[e][0],
                                                               BASE_MS + edges[e][1]);
        JsonArray *edge_rows = json_object_get_array_member (json_node_get_object (edge), "targets");
        JsonObject *first = json_object_get_object_member (json_array_get_object_element (edge_rows, 0), "stats");

        /* the instant at BASE_MS holds one result of each target with samples */
        if (edges[e][0] == 0 && edges[e][1] == 1)
          g_assert_cmpint (json_object_get_int_member (first, "results"), ==, 1);
        if (edges[e][1] == 0)
          g_assert_cmpint (json_object_get_int_member (first, "results"), ==, 0);
        if (edges[e][0] == 20000)
          g_assert_cmpint (json_object_get_int_member (first, "results"), ==, 2);
      }
  }

  /* the data set covers what it should: chunks, the head, failures, anomalies */
  {
    JsonObject *first = json_object_get_object_member (json_array_get_object_element (rows, 0), "stats");

    g_assert_cmpint (json_object_get_int_member (first, "results"), >, 1100);
    g_assert_cmpint (json_object_get_int_member (first, "outages"), >, 10);
    g_assert_cmpint (json_object_get_int_member (first, "anomalies"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_array_get_object_element (rows, 3), "stats"),
                                                 "anomalies"), ==, 0);
  }
}

/* The default day, answered from the monitor's summaries of the last day
 * (results that came through the monitor, placed from the test's start),
 * says what the store says: every target read from memory. */
static void
test_status_day_from_summaries (Fixture       *f,
                                gconstpointer  data)
{
  static const char * const uris[] = { "tcp://127.0.0.1:61", "tcp://127.0.0.1:62", "icmp://127.0.0.2" };
  LookoutLiveStats *live = lookout_monitor_get_live_stats (f->monitor);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  g_assert_nonnull (live);
  LOOKOUT_TEST_WAIT (lookout_live_stats_is_ready (live));
  for (guint t = 0; t < G_N_ELEMENTS (uris); t++)
    g_ptr_array_add (targets, add_target (f, uris[t]));

  /* from 23 hours ago to a minute ago: inside the day whenever it is asked */
  for (guint i = 0; i < 23 * 60 - 1; i++)
    for (guint t = 0; t < targets->len; t++)
      {
        LookoutTarget *target = targets->pdata[t];
        g_autoptr(LookoutResult) r = lookout_result_new (lookout_target_get_kind (target));
        guint phase = (i * (t + 3)) % 23;

        if (t == 2 && i % 2)
          continue;
        r->target_id = lookout_target_get_id (target);
        r->target = g_strdup (lookout_target_get_uri_string (target));
        r->started_ms = now_ms - 23 * 3600000 + (gint64) i * 60000 + t;
        r->ok = phase >= 2;
        r->state = phase < 2 ? LOOKOUT_TARGET_STATE_DOWN
                   : phase == 7 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_UP;
        r->latency_us = r->ok ? 300 + (gint64) ((i * 7919) % 6007) : -1;
        lookout_monitor_handle_result (f->monitor, target, r);
      }
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);

  for (guint t = 0; t < targets->len; t++)
    {
      LookoutStats stats;

      g_assert_true (lookout_live_stats_get (live, lookout_target_get_id (targets->pdata[t]),
                                             now_ms - DAY_MS, now_ms, &stats));
      g_assert_cmpuint (stats.n, >, 600);
    }
  node = assert_status_equals_store (f, targets, now_ms - DAY_MS, now_ms);
}

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  guint total = 0, pages = 0;
  gint64 last_id = G_MAXINT64;

  /* 30 events, three of each millisecond */
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *message = g_strdup_printf ("event %u", i);

      lookout_store_append_event (f->store.store, 1 + i % 2, BASE_MS + (i / 3) * 1000, "down", message);
    }
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);

  do
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/events?limit=4&since=2026-01-01T00:00:02Z%s%s",
                                               cursor ? "&cursor=" : "", cursor ? cursor : "");
      g_autoptr(Reply) r = request (f, "GET", path, f->read_token, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonArray *events;
      JsonObject *object;

      g_assert_cmpuint (r->status, ==, 200);
      node = parse_json (r->body);
      object = json_node_get_object (node);
      events = json_object_get_array_member (object, "events");
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonObject *e = json_array_get_object_element (events, i);

          g_assert_cmpint (json_object_get_int_member (e, "id"), <, last_id);
          last_id = json_object_get_int_member (e, "id");
          g_assert_cmpstr (json_object_get_string_member (e, "kind"), ==, "down");
        }
      total += json_array_get_length (events);
      g_clear_pointer (&cursor, g_free);
      if (!json_object_get_null_member (object, "next_cursor"))
        cursor = g_strdup (json_object_get_string_member (object, "next_cursor"));
      pages++;
    }
  while (cursor != NULL && pages < 20);

  /* since 00:00:02 = events 6…29, none lost at a page boundary */
  g_assert_cmpuint (total, ==, 24);
  g_assert_null (cursor);

  {
    g_autoptr(Reply) r = request (f, "GET", "/api/v1/anomalies?since=2026-01-01T00:00:00Z", f->read_token, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (r->body, ==, "{\"anomalies\":[],\"next_cursor\":null}");
  }
}

/* ---- /metrics ---- */

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LookoutTarget) http = add_target (f, "http://127.0.0.1:8080/health");
  g_autoptr(LookoutTarget) icmp = add_target (f, "icmp://127.0.0.1");
  g_autoptr(LookoutResult) r1 = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);
  g_autoptr(LookoutResult) r2 = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  g_autoptr(LookoutResult) r3 = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  g_autoptr(Reply) reply = NULL;

  lookout_target_set_name (http, "Web \"main\"\\1");
  r1->target_id = lookout_target_get_id (http);
  r1->target = g_strdup (lookout_target_get_uri_string (http));
  r1->started_ms = BASE_MS;
  r1->ok = TRUE;
  r1->state = LOOKOUT_TARGET_STATE_UP;
  r1->latency_us = 42500;
  r1->http_status = 200;
  r1->dns_us = 1000;
  r1->connect_us = 2000;
  r1->tls_us = 3000;
  r1->processing_us = 30000;
  r1->transfer_us = 6500;
  r1->cert_expiry_s = 1798761600;
  lookout_monitor_handle_result (f->monitor, http, r1);

  r2->target_id = lookout_target_get_id (icmp);
  r2->target = g_strdup (lookout_target_get_uri_string (icmp));
  r2->started_ms = BASE_MS;
  r2->ok = TRUE;
  r2->state = LOOKOUT_TARGET_STATE_UP;
  r2->latency_us = 250;
  r2->sent = 4;
  r2->received = 3;
  r2->jitter_us = 20;
  lookout_monitor_handle_result (f->monitor, icmp, r2);

  lookout_target_set_options (icmp, "{\"locations\": \"local,paris\"}");
  lookout_target_set_fail_threshold (icmp, 1);
  r3->target_id = lookout_target_get_id (icmp);
  r3->target = g_strdup (lookout_target_get_uri_string (icmp));
  r3->started_ms = BASE_MS;
  r3->location = g_strdup ("paris");
  lookout_result_set_error (r3, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_LOSS, "no reply");
  lookout_monitor_handle_result (f->monitor, icmp, r3);

  reply = request (f, "GET", "/metrics", f->metrics_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->content_type, ==, "text/plain; version=0.0.4; charset=utf-8");

#define HAS(line) g_assert_nonnull (strstr (reply->body, line "\n"))
  HAS ("# TYPE probe_success gauge");
  HAS ("probe_success{target=\"http://127.0.0.1:8080/health\",name=\"Web \\\"main\\\"\\\\1\",location=\"local\"} 1");
  HAS ("probe_duration_seconds{target=\"http://127.0.0.1:8080/health\",name=\"Web \\\"main\\\"\\\\1\",location=\"local\"} 0.0425");
  HAS ("probe_http_status_code{target=\"http://127.0.0.1:8080/health\",name=\"Web \\\"main\\\"\\\\1\",location=\"local\"} 200");
  HAS ("probe_http_duration_seconds{target=\"http://127.0.0.1:8080/health\",name=\"Web \\\"main\\\"\\\\1\",location=\"local\",phase=\"processing\"} 0.03");
  HAS ("probe_ssl_earliest_cert_expiry{target=\"http://127.0.0.1:8080/health\",name=\"Web \\\"main\\\"\\\\1\",location=\"local\"} 1798761600");
  HAS ("probe_icmp_duration_seconds{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"local\",phase=\"rtt\"} 0.00025");
  HAS ("lookout_icmp_loss_ratio{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"local\"} 0.25");
  HAS ("lookout_icmp_jitter_seconds{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"local\"} 0.00002");
  HAS ("# TYPE lookout_results_total counter");
  HAS ("lookout_results_total{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"local\",outcome=\"up\"} 1");
  HAS ("lookout_availability_ratio{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"local\"} 1");
  /* a remote agent's result is a series of its own, labelled with its name */
  HAS ("probe_success{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"paris\"} 0");
  HAS ("lookout_target_state{target=\"icmp://127.0.0.1\",name=\"127.0.0.1\",location=\"paris\"} 3");
#undef HAS
  /* no timestamps: every series line is NAME{LABELS} VALUE */
  g_assert_null (strstr (reply->body, "} 1 1"));
}

/* ---- HTTPS ---- */

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  g_autofree char *fingerprint = lookout_api_tls_dup_fingerprint (certificate);

  /* the client pins what the server printed */
  return g_strcmp0 (fingerprint, user_data) == 0;
}

/* The table behind /metrics follows the targets between results: a new
 * name relabels every series, a paused target says so, a removed one is
 * gone; a check without TLS has no TLS phase. */
static void
test_metrics_table (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LookoutTarget) web = add_target (f, "http://127.0.0.1:8081/");
  g_autoptr(LookoutTarget) db = add_target (f, "tcp://127.0.0.1:5432");
  g_autoptr(LookoutResult) r = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);
  g_autoptr(Reply) reply = NULL;

  r->target_id = lookout_target_get_id (web);
  r->target = g_strdup (lookout_target_get_uri_string (web));
  r->started_ms = BASE_MS;
  r->ok = TRUE;
  r->state = LOOKOUT_TARGET_STATE_UP;
  r->latency_us = 5000;
  r->http_status = 204;
  r->dns_us = 0;
  r->connect_us = 1000;
  r->tls_us = 0;
  r->processing_us = 3000;
  r->transfer_us = 1000;
  lookout_monitor_handle_result (f->monitor, web, r);

  lookout_target_set_name (web, "front door");
  reply = request (f, "GET", "/metrics", f->metrics_token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
#define HAS(line) g_assert_nonnull (strstr (reply->body, line "\n"))
  HAS ("probe_http_status_code{target=\"http://127.0.0.1:8081/\",name=\"front door\",location=\"local\"} 204");
  HAS ("probe_http_duration_seconds{target=\"http://127.0.0.1:8081/\",name=\"front door\",location=\"local\",phase=\"processing\"} 0.003");
  HAS ("lookout_target_state{target=\"tcp://127.0.0.1:5432\",name=\"127.0.0.1:5432\",location=\"local\"} 0");
  g_assert_null (strstr (reply->body, "phase=\"tls\""));
  g_assert_null (strstr (reply->body, "name=\"127.0.0.1:8081\""));
  g_clear_pointer (&reply, reply_free);

  lookout_monitor_remove_target (f->monitor, web);
  lookout_target_set_live_state (db, LOOKOUT_TARGET_STATE_PAUSED, -1, 0, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_monitor_get_targets (f->monitor)), ==, 1);
  reply = request (f, "GET", "/metrics", f->metrics_token, NULL);
  g_assert_null (strstr (reply->body, "8081"));
  HAS ("lookout_target_state{target=\"tcp://127.0.0.1:5432\",name=\"127.0.0.1:5432\",location=\"local\"} 4");
#undef HAS
}

/* GET @path as a client that decodes nothing itself, with @accept as its
 * Accept-Encoding (NULL: none); the body as it came, its Content-Encoding. */
static GBytes *
get_encoded (Fixture     *f,
             const char  *path,
             const char  *accept,
             char       **out_encoding)
{
  g_autofree char *url = g_strconcat (f->url, path, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->metrics_token);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  GBytes *body;

  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_message_headers_replace (headers, "Authorization", auth);
  if (accept != NULL)
    soup_message_headers_replace (headers, "Accept-Encoding", accept);
  else
    soup_message_headers_remove (headers, "Accept-Encoding");
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_list (soup_message_get_response_headers (msg), "Vary"), ==,
                   "Accept-Encoding");
  *out_encoding = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                          "Content-Encoding"));
  return body;
}

static GBytes *
gunzip (GBytes *bytes)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* A scraper that accepts gzip (Prometheus always does) gets the same text
 * gzipped and far smaller; one that does not, or refuses it with q=0, gets
 * it plain. */
static void
test_metrics_gzip (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) zipped = NULL;
  g_autoptr(GBytes) unzipped = NULL;
  g_autoptr(GBytes) refused = NULL;
  g_autoptr(GBytes) any = NULL;
  g_autofree char *plain_encoding = NULL;
  g_autofree char *zipped_encoding = NULL;
  g_autofree char *refused_encoding = NULL;
  g_autofree char *any_encoding = NULL;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", 2000 + i);
      g_autoptr(LookoutTarget) target = add_target (f, uri);
      g_autoptr(LookoutResult) r = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

      r->target_id = lookout_target_get_id (target);
      r->target = g_strdup (uri);
      r->started_ms = BASE_MS;
      r->ok = TRUE;
      r->state = LOOKOUT_TARGET_STATE_UP;
      r->latency_us = 100 + i;
      lookout_monitor_handle_result (f->monitor, target, r);
    }

  plain = get_encoded (f, "/metrics", NULL, &plain_encoding);
  g_assert_null (plain_encoding);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                                  "probe_duration_seconds{target=\"tcp://127.0.0.1:2029\",name=\"127.0.0.1:2029\","
                                  "location=\"local\"} 0.000129\n"));

  zipped = get_encoded (f, "/metrics", "gzip", &zipped_encoding);
  g_assert_cmpstr (zipped_encoding, ==, "gzip");
  g_assert_cmpuint (g_bytes_get_size (zipped) * 5, <, g_bytes_get_size (plain));
  unzipped = gunzip (zipped);
  g_assert_true (g_bytes_equal (unzipped, plain));

  refused = get_encoded (f, "/metrics", "gzip;q=0, identity", &refused_encoding);
  g_assert_null (refused_encoding);
  g_assert_true (g_bytes_equal (refused, plain));

  any = get_encoded (f, "/metrics", "*", &any_encoding);
  g_assert_cmpstr (any_encoding, ==, "gzip");
}

typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean released;
  guint    done;
} Blockers;

static void
blocker_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Blockers *b = task_data;

  g_mutex_lock (&b->lock);
  while (!b->released)
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);
  g_task_return_boolean (task, TRUE);
}

static void
blocker_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Blockers *b = user_data;

  b->done++;
}

typedef struct
{
  char    *url;
  char    *auth;
  guint    status;
  gint     finished;
} Client;

/* A client of its own thread, synchronous and without a proxy lookup
 * (libproxy's runs on GIO's shared workers): nothing of it waits for them. */
static gpointer
client_thread (gpointer data)
{
  Client *c = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;

  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  msg = soup_message_new ("GET", c->url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", c->auth);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  c->status = soup_message_get_status (msg);
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&c->finished, 1);
  return NULL;
}

/* Requests are answered while GIO's shared worker threads are all taken
 * (as when a monitor starting with many targets backfills each one's
 * anomaly detector there): the API has workers of its own. */
static void
test_own_workers (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (f, "tcp://127.0.0.1:7");
  g_autofree char *url = g_strconcat (f->url, "/metrics", NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->metrics_token);
  Client client = { url, auth, 0, 0 };
  GThread *thread;
  Blockers b = { 0, };
  const guint n_blockers = 200;

  g_mutex_init (&b.lock);
  g_cond_init (&b.cond);
  for (guint i = 0; i < n_blockers; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, blocker_done_cb, &b);

      g_task_set_task_data (task, &b, NULL);
      g_task_run_in_thread (task, blocker_thread);
    }

  thread = g_thread_new ("client", client_thread, &client);
  LOOKOUT_TEST_WAIT (g_atomic_int_get (&client.finished));
  g_thread_join (thread);
  g_assert_cmpuint (client.status, ==, 200);

  g_mutex_lock (&b.lock);
  b.released = TRUE;
  g_cond_broadcast (&b.cond);
  g_mutex_unlock (&b.lock);
  LOOKOUT_TEST_WAIT (b.done == n_blockers);
  g_mutex_clear (&b.lock);
  g_cond_clear (&b.cond);
}

static void
test_tls (void)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (store->store);
  g_autoptr(LookoutApiServer) server = lookout_api_server_new (monitor);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GTlsCertificate) again = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *key_path = g_build_filename (store->dir, "api-key.pem", NULL);
  GStatBuf st;

  certificate = lookout_api_tls_load_or_create (store->dir, "localhost", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  fingerprint = lookout_api_tls_dup_fingerprint (certificate);
  g_assert_cmpuint (strlen (fingerprint), ==, 95);

  /* made once, then read back */
  again = lookout_api_tls_load_or_create (store->dir, "localhost", &error);
  g_assert_no_error (error);
  g_assert_true (g_tls_certificate_is_same (certificate, again));

  lookout_api_server_listen (server, "127.0.0.1:0", certificate, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_api_server_get_fingerprint (server), ==, fingerprint);
  url = lookout_api_server_dup_url (server);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));

  token = lookout_api_tokens_create (lookout_api_server_get_tokens (server), "scraper",
                                     LOOKOUT_API_SCOPE_METRICS, &error);
  g_assert_no_error (error);

  g_free (g_steal_pointer (&url));
  url = g_strdup_printf ("https://127.0.0.1:%u/metrics", lookout_api_server_get_port (server));
  msg = soup_message_new ("GET", url);
  auth = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), fingerprint);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (soup_message_get_tls_peer_certificate (msg));
  g_assert_nonnull (strstr (g_bytes_get_data (body, NULL), "# TYPE probe_success gauge"));

  lookout_api_server_stop (server);
  lookout_test_drain ();
}

/* ---- docs/api.md ---- */

static void
test_documented (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *doc_path = g_test_build_filename (G_TEST_DIST, "..", "docs", "api.md", NULL);
  g_autofree char *doc = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = add_target (f, "tcp://127.0.0.1:9");
  LookoutApiTokens *tokens = lookout_api_server_get_tokens (f->server);
  gboolean in_table = FALSE;
  guint rows = 0;

  g_file_get_contents (doc_path, &doc, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (doc, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = NULL;
      g_auto(GStrv) parts = NULL;
      g_autofree char *path = NULL;
      g_autofree char *token = NULL;
      g_autofree char *name = NULL;
      LookoutApiScope scope;
      const char *body = NULL;
      gint64 status;
      Reply *r;

      if (g_str_has_prefix (lines[i], "| method | path | scope | success |"))
        {
          in_table = TRUE;
          continue;
        }
      if (!in_table || g_str_has_prefix (lines[i], "|---"))
        continue;
      if (!g_str_has_prefix (lines[i], "| "))
        break;

      cells = g_strsplit (lines[i], "|", -1);
      g_assert_cmpuint (g_strv_length (cells), ==, 6);
      for (guint c = 0; cells[c] != NULL; c++)
        g_strstrip (cells[c]);

      if (strstr (cells[2], "{id}"))
        {
          g_autoptr(LookoutTarget) victim = NULL;
          g_autofree char *id = NULL;

          /* DELETE takes a target of its own */
          if (g_str_equal (cells[1], "DELETE"))
            victim = add_target (f, "tcp://127.0.0.1:10");
          id = g_strdup_printf ("%" G_GINT64_FORMAT, lookout_target_get_id (victim ? victim : target));
          parts = g_strsplit (cells[2], "{id}", 2);
          path = g_strconcat (parts[0], id, parts[1], NULL);
        }
      else
        path = g_strdup (cells[2]);

      if (g_str_equal (cells[1], "POST"))
        body = "{\"uri\": \"tcp://127.0.0.1:11\"}";
      else if (g_str_equal (cells[1], "PATCH"))
        body = "{\"name\": \"renamed\"}";

      g_assert_true (lookout_api_scopes_parse (cells[3], &scope, &error));
      g_assert_no_error (error);
      g_assert_true (g_ascii_string_to_signed (cells[4], 10, 200, 299, &status, &error));
      g_assert_no_error (error);

      /* without a token */
      r = request (f, cells[1], path, NULL, body);
      g_free (assert_error (r, 401));
      reply_free (r);

      /* with a token of every other scope */
      name = g_strdup_printf ("doc-%u", i);
      token = lookout_api_tokens_create (tokens, name,
                                         (LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_WRITE |
                                          LOOKOUT_API_SCOPE_METRICS | LOOKOUT_API_SCOPE_AGENT) & ~scope,
                                         &error);
      g_assert_no_error (error);
      r = request (f, cells[1], path, token, body);
      g_free (assert_error (r, 403));
      reply_free (r);
      g_clear_pointer (&token, g_free);
      g_clear_pointer (&name, g_free);

      /* with its scope: the documented status */
      name = g_strdup_printf ("doc-ok-%u", i);
      token = lookout_api_tokens_create (tokens, name, scope, &error);
      g_assert_no_error (error);
      r = request (f, cells[1], path, token, body);
      g_test_message ("%s %s -> %u", cells[1], path, r->status);
      g_assert_cmpuint (r->status, ==, status);
      if (status != 204)
        g_assert_true (g_str_has_prefix (r->content_type, g_str_equal (path, "/metrics") ? "text/plain"
                                                                                          : "application/json"));
      reply_free (r);
      rows++;
    }

  g_assert_cmpuint (rows, ==, 12);
}

/* ---- anomalies and the report, from what the store holds ---- */

static void
test_anomalies_and_report (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(LookoutTarget) db = add_target (f, "tcp://127.0.0.1:5432");
  g_autoptr(LookoutTarget) web = add_target (f, "http://127.0.0.1:8080/");
  gint64 id = lookout_target_get_id (db);
  gint64 now_ms = g_get_real_time () / 1000;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *object, *first;
  JsonArray *list;

  /* one that ended, one still open, and one of another target */
  lookout_store_put_anomaly (f->store.store, id, now_ms - 7200000, now_ms - 3600000,
                             "level_shift", 6.5, "median latency 21 ms → 54 ms since 10:05");
  lookout_store_put_anomaly (f->store.store, id, now_ms - 600000, -1, "jitter", 3.25, "spread rose");
  lookout_store_put_anomaly (f->store.store, lookout_target_get_id (web), now_ms - 300000, -1,
                             "loss_burst", 9, "12 of 20 checks failed");
  lookout_store_flush_sync (f->store.store, &error);
  g_assert_no_error (error);

  path = g_strdup_printf ("/api/v1/anomalies?target=%" G_GINT64_FORMAT "&limit=1", id);
  {
    g_autoptr(Reply) r = request (f, "GET", path, f->read_token, NULL);
    g_autoptr(JsonNode) node = parse_json (r->body);
    g_autofree char *next = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    object = json_node_get_object (node);
    list = json_object_get_array_member (object, "anomalies");
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    first = json_array_get_object_element (list, 0);
    g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "level_shift");
    g_assert_cmpstr (json_object_get_string_member (first, "message"), ==,
                     "median latency 21 ms → 54 ms since 10:05");
    g_assert_false (json_object_get_null_member (first, "end"));
    g_assert_cmpfloat (json_object_get_double_member (first, "score"), ==, 6.5);

    /* the next page has the open one, and no page after it */
    next = g_strdup_printf ("%s&cursor=%s", path, json_object_get_string_member (object, "next_cursor"));
    {
      g_autoptr(Reply) r2 = request (f, "GET", next, f->read_token, NULL);
      g_autoptr(JsonNode) node2 = parse_json (r2->body);
      JsonObject *page = json_node_get_object (node2);
      JsonObject *open;

      list = json_object_get_array_member (page, "anomalies");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      open = json_array_get_object_element (list, 0);
      g_assert_cmpstr (json_object_get_string_member (open, "kind"), ==, "jitter");
      g_assert_true (json_object_get_null_member (open, "end"));
      g_assert_true (json_object_get_null_member (page, "next_cursor"));
    }
  }

  /* the status counts what started within its range: the last day */
  {
    g_autoptr(Reply) r = request (f, "GET", "/api/v1/status", f->read_token, NULL);
    g_autoptr(JsonNode) node = parse_json (r->body);
    JsonArray *targets = json_object_get_array_member (json_node_get_object (node), "targets");
    gint64 total = 0;

    g_assert_cmpuint (r->status, ==, 200);
    for (guint i = 0; i < json_array_get_length (targets); i++)
      {
        JsonObject *t = json_array_get_object_element (targets, i);
        JsonObject *stats = json_object_get_object_member (t, "stats");

        if (json_object_get_int_member (t, "id") == id)
          g_assert_cmpint (json_object_get_int_member (stats, "anomalies"), ==, 2);
        total += json_object_get_int_member (stats, "anomalies");
      }
    g_assert_cmpint (total, ==, 3);
  }

  /* the report: a row per target, with its anomalies */
  {
    g_autoptr(Reply) r = request (f, "GET", "/api/v1/report?range=24h", f->read_token, NULL);
    g_autoptr(JsonNode) node = parse_json (r->body);
    JsonArray *rows = json_object_get_array_member (json_node_get_object (node), "targets");
    guint found = 0;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (rows), ==, 2);
    for (guint i = 0; i < json_array_get_length (rows); i++)
      {
        JsonObject *row = json_array_get_object_element (rows, i);

        if (g_str_equal (json_object_get_string_member (row, "uri"), "tcp://127.0.0.1:5432"))
          {
            g_assert_cmpint (json_object_get_int_member (row, "anomalies"), ==, 2);
            found++;
          }
      }
    g_assert_cmpuint (found, ==, 1);
  }
  {
    g_autoptr(Reply) r = request (f, "GET", "/api/v1/report?range=soon", f->read_token, NULL);

    g_assert_cmpuint (r->status, ==, 400);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/api/auth", test_auth);
  ADD ("/api/tokens-stored-as-hashes", test_tokens_stored_as_hashes);
  g_test_add_func ("/api/scopes-parse", test_scopes_parse);
  g_test_add_func ("/api/time-text", test_time_text);
  g_test_add_func ("/api/number-text", test_number_text);
  ADD ("/api/rate-limit", test_rate_limit);
  ADD ("/api/host-header", test_host_header);
  ADD ("/api/limits", test_limits);
  g_test_add_func ("/api/listen", test_listen);
  g_test_add_func ("/api/database-private", test_database_private);
  ADD ("/api/targets", test_targets);
  ADD ("/api/history", test_history);
  ADD ("/api/history/parts", test_history_parts);
  ADD ("/api/status", test_status);
  ADD ("/api/status-equals-store", test_status_equals_store);
  ADD ("/api/status-day-from-summaries", test_status_day_from_summaries);
  ADD ("/api/events", test_events);
  ADD ("/api/metrics", test_metrics);
  ADD ("/api/metrics-table", test_metrics_table);
  ADD ("/api/metrics-gzip", test_metrics_gzip);
  ADD ("/api/own-workers", test_own_workers);
  ADD ("/api/anomalies-and-report", test_anomalies_and_report);
  g_test_add_func ("/api/tls", test_tls);
  ADD ("/api/documented", test_documented);
#undef ADD

  return g_test_run ();
}
