/* lookout-api-server.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a request is served
 *
 * One SoupServer on the main loop. An early handler refuses a declared body
 * over LOOKOUT_API_MAX_BODY before it is read. Then, in order:
 *   1. on loopback, the Host header must name a loopback host (a web page
 *      that rebinds its own name to 127.0.0.1 sends its own name);
 *   2. a client address with LOOKOUT_API_MAX_FAILED_AUTH failed
 *      authentications in the last minute gets 429 until the minute is over;
 *   3. the query string and body sizes are checked;
 *   4. the route is found (404, or 405 for a known path and another method);
 *   5. the bearer token is checked (401) and its scopes (403);
 *   6. the handler answers, at once from memory, or from a worker thread
 *      when it reads the store (the message is paused meanwhile), so that
 *      serving never holds up the checks on the main loop. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-api-tls.h"

#define FAILURE_WINDOW_US (60 * G_USEC_PER_SEC)
#define MAX_TRACKED_CLIENTS 4096

typedef struct
{
  gint64 window_start_us;
  guint  failures;
} Failures;

struct _LookoutApiServer
{
  GObject            parent_instance;

  LookoutMonitor    *monitor;
  LookoutApiTokens  *tokens;
  LookoutApiMetrics *metrics;
  SoupServer        *server;
  GTlsCertificate   *certificate;
  char              *fingerprint;
  char              *host;
  guint16            port;
  gboolean           loopback;
  GHashTable        *failures;      /* client address -> Failures */
  GPtrArray         *websockets;    /* WebsocketHandler */
};

typedef struct
{
  LookoutApiServer        *server;
  char                    *path;
  char                    *protocol;
  LookoutApiScope          scope;
  LookoutApiWebsocketFunc  callback;
  gpointer                 user_data;
} WebsocketHandler;

G_DEFINE_FINAL_TYPE (LookoutApiServer, lookout_api_server, G_TYPE_OBJECT)

typedef enum
{
  SEG_LITERAL,
  SEG_ID,
} SegmentKind;

static const struct
{
  const char        *method;
  const char        *path;     /* "{id}" stands for a target's id */
  LookoutApiScope    scope;
  LookoutApiHandler  handler;
} routes[] = {
  { "GET", "/api/v1/status", LOOKOUT_API_SCOPE_READ, lookout_api_handle_status },
  { "GET", "/api/v1/targets", LOOKOUT_API_SCOPE_READ, lookout_api_handle_targets_list },
  { "POST", "/api/v1/targets", LOOKOUT_API_SCOPE_WRITE, lookout_api_handle_targets_create },
  { "GET", "/api/v1/targets/{id}", LOOKOUT_API_SCOPE_READ, lookout_api_handle_target_get },
  { "PATCH", "/api/v1/targets/{id}", LOOKOUT_API_SCOPE_WRITE, lookout_api_handle_target_patch },
  { "DELETE", "/api/v1/targets/{id}", LOOKOUT_API_SCOPE_WRITE, lookout_api_handle_target_delete },
  { "GET", "/api/v1/targets/{id}/history", LOOKOUT_API_SCOPE_READ, lookout_api_handle_history },
  { "GET", "/api/v1/targets/{id}/path", LOOKOUT_API_SCOPE_READ, lookout_api_handle_path },
  { "GET", "/api/v1/events", LOOKOUT_API_SCOPE_READ, lookout_api_handle_events },
  { "GET", "/api/v1/anomalies", LOOKOUT_API_SCOPE_READ, lookout_api_handle_anomalies },
  { "GET", "/api/v1/report", LOOKOUT_API_SCOPE_READ, lookout_api_handle_report },
  { "GET", "/metrics", LOOKOUT_API_SCOPE_METRICS, lookout_api_handle_metrics },
};

/* Whether @path fits @pattern; the {id} segment must be a positive number. */
static gboolean
path_matches (const char *pattern,
              const char *path,
              gint64     *out_id)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  g_auto(GStrv) have = g_strsplit (path, "/", -1);
  guint i;

  if (g_strv_length (want) != g_strv_length (have))
    return FALSE;

  for (i = 0; want[i] != NULL; i++)
    {
      if (g_str_equal (want[i], "{id}"))
        {
          if (!lookout_api_parse_count (have[i], "id", 1, G_MAXINT64, out_id, NULL))
            return FALSE;
        }
      else if (!g_str_equal (want[i], have[i]))
        return FALSE;
    }
  return TRUE;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost" -> whether it is loopback. */
static gboolean
host_header_is_loopback (const char *header)
{
  g_autofree char *host = NULL;
  const char *end;

  if (header == NULL || *header == '\0')
    return FALSE;

  if (header[0] == '[')
    {
      end = strchr (header, ']');
      if (end == NULL)
        return FALSE;
      host = g_strndup (header + 1, end - header - 1);
    }
  else
    {
      end = strrchr (header, ':');
      host = end ? g_strndup (header, end - header) : g_strdup (header);
    }

  return lookout_host_is_loopback (host);
}

static char *
client_address (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup ("unknown");
}

static Failures *
lookup_failures (LookoutApiServer *self,
                 const char       *client,
                 gint64            now_us)
{
  Failures *f = g_hash_table_lookup (self->failures, client);

  if (f != NULL && now_us - f->window_start_us >= FAILURE_WINDOW_US)
    {
      f->window_start_us = now_us;
      f->failures = 0;
    }
  return f;
}

static void
note_failure (LookoutApiServer *self,
              const char       *client,
              gint64            now_us)
{
  Failures *f = lookup_failures (self, client, now_us);

  if (f == NULL)
    {
      /* bounded: a flood of addresses forgets the oldest windows first */
      if (g_hash_table_size (self->failures) >= MAX_TRACKED_CLIENTS)
        {
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, self->failures);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            if (now_us - ((Failures *) value)->window_start_us >= FAILURE_WINDOW_US)
              g_hash_table_iter_remove (&iter);
        }
      if (g_hash_table_size (self->failures) >= MAX_TRACKED_CLIENTS)
        return;
      f = g_new0 (Failures, 1);
      f->window_start_us = now_us;
      g_hash_table_insert (self->failures, g_strdup (client), f);
    }
  f->failures++;
}

/* NULL, or the token text of "Authorization: Bearer TOKEN". */
static const char *
bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value ? value : NULL;
}

static void
reply_unauthorized (SoupServerMessage *msg,
                    const char        *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer realm=\"lookout\"");
  lookout_api_reply_error (msg, SOUP_STATUS_UNAUTHORIZED, message);
}

/* On loopback, the Host header must name a loopback host (a web page
 * that rebinds its own name to 127.0.0.1 sends its own name). */
static gboolean
refuse_if_misdirected (LookoutApiServer  *self,
                       SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (!self->loopback ||
      host_header_is_loopback (soup_message_headers_get_one (headers, "Host")))
    return FALSE;

  lookout_api_reply_error (msg, SOUP_STATUS_MISDIRECTED_REQUEST,
                           _("This server answers only requests addressed to a loopback host "
                             "(localhost, 127.0.0.1 or [::1])"));
  return TRUE;
}

/* 429 while @client has had too many failed authentications. */
static gboolean
refuse_if_limited (LookoutApiServer  *self,
                   SoupServerMessage *msg,
                   const char        *client,
                   gint64             now_us)
{
  Failures *failures = lookup_failures (self, client, now_us);
  g_autofree char *retry = NULL;

  if (failures == NULL || failures->failures < LOOKOUT_API_MAX_FAILED_AUTH)
    return FALSE;

  retry = g_strdup_printf ("%" G_GINT64_FORMAT,
                           (failures->window_start_us + FAILURE_WINDOW_US - now_us)
                           / G_USEC_PER_SEC + 1);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", retry);
  lookout_api_reply_error (msg, 429,
                           _("Too many failed authentications from this address; try again later"));
  return TRUE;
}

/* The bearer token and its scopes; answers 401 or 403 when they fail. */
static gboolean
authorize (LookoutApiServer   *self,
           SoupServerMessage  *msg,
           const char         *client,
           gint64              now_us,
           LookoutApiScope     scope,
           char              **out_token_name)
{
  const char *token = bearer_token (msg);
  LookoutApiScope scopes = 0;

  if (token == NULL)
    {
      reply_unauthorized (msg, _("A token is required: send “Authorization: Bearer TOKEN”"));
      return FALSE;
    }
  if (!lookout_api_tokens_verify (self->tokens, token, &scopes, out_token_name))
    {
      note_failure (self, client, now_us);
      reply_unauthorized (msg, _("The token is not valid"));
      return FALSE;
    }
  if ((scopes & scope) == 0)
    {
      g_autofree char *needed = lookout_api_scopes_to_string (scope);
      g_autofree char *message = g_strdup_printf (_("The token “%s” lacks the scope “%s”"),
                                                  *out_token_name, needed);

      lookout_api_reply_error (msg, SOUP_STATUS_FORBIDDEN, message);
      return FALSE;
    }
  return TRUE;
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > LOOKOUT_API_MAX_BODY)
    {
      g_autofree char *message = g_strdup_printf (_("The request body is larger than %d bytes"),
                                                  LOOKOUT_API_MAX_BODY);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      lookout_api_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
    }
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  LookoutApiServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GHashTable) empty = NULL;
  g_autofree char *client = client_address (msg);
  g_autofree char *token_name = NULL;
  gint64 now_us = g_get_monotonic_time ();
  LookoutApiRequest request = { NULL, };
  gboolean path_known = FALSE;
  gint64 id = 0;
  guint found = G_N_ELEMENTS (routes);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");

  if (refuse_if_misdirected (self, msg))
    return;

  if (refuse_if_limited (self, msg, client, now_us))
    return;

  if (g_uri_get_query (uri) != NULL && strlen (g_uri_get_query (uri)) > LOOKOUT_API_MAX_QUERY)
    {
      g_autofree char *message = g_strdup_printf (_("The query string is longer than %d bytes"),
                                                  LOOKOUT_API_MAX_QUERY);

      lookout_api_reply_error (msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, message);
      return;
    }
  if (body->length > LOOKOUT_API_MAX_BODY)
    {
      g_autofree char *message = g_strdup_printf (_("The request body is larger than %d bytes"),
                                                  LOOKOUT_API_MAX_BODY);

      lookout_api_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, message);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes) && found == G_N_ELEMENTS (routes); i++)
    {
      if (!path_matches (routes[i].path, path, &id))
        continue;
      path_known = TRUE;
      if (g_str_equal (method, routes[i].method))
        found = i;
    }
  if (found == G_N_ELEMENTS (routes))
    {
      if (path_known)
        lookout_api_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                 _("This method is not allowed here"));
      else
        lookout_api_reply_error (msg, SOUP_STATUS_NOT_FOUND, _("There is nothing at this address"));
      return;
    }

  if (!authorize (self, msg, client, now_us, routes[found].scope, &token_name))
    return;

  if (query == NULL)
    query = empty = g_hash_table_new (g_str_hash, g_str_equal);

  request.server = self;
  request.monitor = self->monitor;
  request.metrics = self->metrics;
  request.msg = msg;
  request.query = query;
  request.id = id;
  request.now_ms = g_get_real_time () / 1000;
  routes[found].handler (&request);
}

/* Before the handshake: the same checks as any route; a status set here
 * stops the upgrade. */
static void
websocket_auth_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  WebsocketHandler *handler = user_data;
  LookoutApiServer *self = handler->server;
  g_autofree char *client = client_address (msg);
  g_autofree char *token_name = NULL;
  gint64 now_us = g_get_monotonic_time ();

  if (refuse_if_misdirected (self, msg))
    return;
  if (refuse_if_limited (self, msg, client, now_us) ||
      !authorize (self, msg, client, now_us, handler->scope, &token_name))
    return;
  if (!soup_websocket_server_check_handshake (msg, NULL,
                                              (char *[]) { handler->protocol, NULL },
                                              NULL, NULL))
    {
      lookout_api_reply_error (msg, SOUP_STATUS_BAD_REQUEST,
                               _("This address takes a WebSocket of the protocol named in docs/agents.md"));
      return;
    }
  g_object_set_data_full (G_OBJECT (msg), "lookout-token-name", g_steal_pointer (&token_name), g_free);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  WebsocketHandler *handler = user_data;

  handler->callback (handler->server, connection,
                     g_object_get_data (G_OBJECT (msg), "lookout-token-name"),
                     handler->user_data);
}

static void
add_websocket_handler (LookoutApiServer *self,
                       WebsocketHandler *handler)
{
  soup_server_add_handler (self->server, handler->path, websocket_auth_cb, handler, NULL);
  soup_server_add_websocket_handler (self->server, handler->path, NULL,
                                     (char *[]) { handler->protocol, NULL },
                                     websocket_cb, handler, NULL);
}

static void
websocket_handler_free (gpointer data)
{
  WebsocketHandler *handler = data;

  g_free (handler->path);
  g_free (handler->protocol);
  g_free (handler);
}

static void
lookout_api_server_dispose (GObject *object)
{
  LookoutApiServer *self = LOOKOUT_API_SERVER (object);

  lookout_api_server_stop (self);
  g_clear_object (&self->metrics);
  g_clear_object (&self->tokens);
  g_clear_object (&self->monitor);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (lookout_api_server_parent_class)->dispose (object);
}

static void
lookout_api_server_finalize (GObject *object)
{
  LookoutApiServer *self = LOOKOUT_API_SERVER (object);

  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->websockets, g_ptr_array_unref);
  g_free (self->fingerprint);
  g_free (self->host);

  G_OBJECT_CLASS (lookout_api_server_parent_class)->finalize (object);
}

static void
lookout_api_server_class_init (LookoutApiServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_api_server_dispose;
  object_class->finalize = lookout_api_server_finalize;
}

static void
lookout_api_server_init (LookoutApiServer *self)
{
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->websockets = g_ptr_array_new_with_free_func (websocket_handler_free);
}

LookoutApiServer *
lookout_api_server_new (LookoutMonitor *monitor)
{
  LookoutApiServer *self;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_API_SERVER, NULL);
  self->monitor = g_object_ref (monitor);
  self->tokens = lookout_api_tokens_new (lookout_monitor_get_store (monitor));
  self->metrics = lookout_api_metrics_new (monitor);
  /* /api/v1/status's default range, answered without reading the store */
  lookout_monitor_enable_live_stats (monitor, LOOKOUT_API_STATUS_RANGE_MS);
  return self;
}

gboolean
lookout_api_parse_listen_address (const char  *text,
                                  char       **out_host,
                                  guint16     *out_port,
                                  GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  gint64 port;

  g_return_val_if_fail (text != NULL, FALSE);

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        goto bad;
      host = g_strndup (text + 1, end - text - 1);
      colon = end + 1;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon == NULL || strchr (text, ':') != colon)
        goto bad;
      host = g_strndup (text, colon - text);
    }
  if (*host == '\0' ||
      !lookout_api_parse_count (colon + 1, "port", 0, 65535, &port, NULL))
    goto bad;

  *out_host = g_steal_pointer (&host);
  *out_port = port;
  return TRUE;

bad:
  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
               _("“%s” is not an address to listen on: write HOST:PORT, "
                 "such as 127.0.0.1:9181 or [::1]:9181"),
               text);
  return FALSE;
}

gboolean
lookout_api_server_listen (LookoutApiServer  *self,
                           const char        *address,
                           GTlsCertificate   *certificate,
                           GError           **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GError) local_error = NULL;
  guint16 port;

  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (!certificate || G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (!lookout_api_parse_listen_address (address, &host, &port, error))
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *found = g_resolver_lookup_by_name (resolver, host, NULL, &local_error);

      if (found == NULL)
        {
          g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                       _("Cannot listen on %s: %s"), host, local_error->message);
          return FALSE;
        }
      inet = g_object_ref (found->data);
      g_resolver_free_addresses (found);
    }

  self->loopback = g_inet_address_get_is_loopback (inet);
  if (!self->loopback && certificate == NULL)
    {
      g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS_REQUIRED,
                   _("Listening on %s, beyond this computer, needs TLS: give a certificate "
                     "and key, or let Lookout make a self-signed one"),
                   address);
      return FALSE;
    }

  self->server = soup_server_new ("server-header", "lookout ",
                                  "tls-certificate", certificate,
                                  NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  for (guint i = 0; i < self->websockets->len; i++)
    add_websocket_handler (self, g_ptr_array_index (self->websockets, i));

  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->server, socket_address,
                           certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, &local_error))
    {
      g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                   _("Cannot listen on %s: %s"), address, local_error->message);
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  self->port = uris ? g_uri_get_port (uris->data) : port;
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  g_free (self->host);
  self->host = g_steal_pointer (&host);

  g_clear_object (&self->certificate);
  g_clear_pointer (&self->fingerprint, g_free);
  if (certificate != NULL)
    {
      self->certificate = g_object_ref (certificate);
      self->fingerprint = lookout_api_tls_dup_fingerprint (certificate);
    }

  return TRUE;
}

void
lookout_api_server_stop (LookoutApiServer *self)
{
  g_return_if_fail (LOOKOUT_IS_API_SERVER (self));

  if (self->server == NULL)
    return;
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  self->port = 0;
}

guint16
lookout_api_server_get_port (LookoutApiServer *self)
{
  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), 0);

  return self->port;
}

char *
lookout_api_server_dup_url (LookoutApiServer *self)
{
  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), NULL);

  if (self->server == NULL)
    return NULL;
  return g_strdup_printf ("%s://%s%s%s:%u", self->certificate ? "https" : "http",
                          strchr (self->host, ':') ? "[" : "", self->host,
                          strchr (self->host, ':') ? "]" : "", self->port);
}

LookoutApiMetrics *
lookout_api_server_get_metrics (LookoutApiServer *self)
{
  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), NULL);

  return self->metrics;
}

const char *
lookout_api_server_get_fingerprint (LookoutApiServer *self)
{
  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), NULL);

  return self->fingerprint;
}

LookoutApiTokens *
lookout_api_server_get_tokens (LookoutApiServer *self)
{
  g_return_val_if_fail (LOOKOUT_IS_API_SERVER (self), NULL);

  return self->tokens;
}

void
lookout_api_server_add_websocket_handler (LookoutApiServer        *self,
                                          const char              *path,
                                          const char              *protocol,
                                          LookoutApiScope          scope,
                                          LookoutApiWebsocketFunc  callback,
                                          gpointer                 user_data)
{
  WebsocketHandler *handler;

  g_return_if_fail (LOOKOUT_IS_API_SERVER (self));
  g_return_if_fail (path != NULL && protocol != NULL && callback != NULL);

  handler = g_new0 (WebsocketHandler, 1);
  handler->server = self;
  handler->path = g_strdup (path);
  handler->protocol = g_strdup (protocol);
  handler->scope = scope;
  handler->callback = callback;
  handler->user_data = user_data;
  g_ptr_array_add (self->websockets, handler);
  if (self->server != NULL)
    add_websocket_handler (self, handler);
}
