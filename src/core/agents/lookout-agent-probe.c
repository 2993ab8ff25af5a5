/* lookout-agent-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Before a manager pins an agent's certificate, a person compares its
 * fingerprint with the one the agent printed, and no token is sent before
 * that: lookout_agent_probe_certificate_async() only shakes hands over TLS
 * and remembers the certificate's fingerprint. Then the probe opens the
 * link once with the token, accepting only the confirmed certificate,
 * waits for the agent's hello (its name and place) and closes normally:
 * the agent keeps nothing of it. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "lookout-agent-probe.h"
#include "lookout-agent-protocol.h"
#include "lookout-target-options.h"

#define HELLO_TIMEOUT_S 10

typedef struct
{
  SoupSession             *session;
  SoupMessage             *msg;
  SoupWebsocketConnection *connection;
  char                    *url;
  char                    *fingerprint;    /* lower-case hex */
  char                    *pinned;         /* lower-case hex, or NULL */
  gboolean                 changed;        /* another certificate than the pinned one */
  LookoutAgentProbeInfo   *info;
  GError                  *error;
  guint                    timeout_id;
  gulong                   cancelled_id;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->connection != NULL)
    g_signal_handlers_disconnect_matched (probe->connection, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, probe);
  g_clear_object (&probe->connection);
  g_clear_object (&probe->msg);
  g_clear_object (&probe->session);
  g_clear_pointer (&probe->info, lookout_agent_probe_info_free);
  g_clear_error (&probe->error);
  g_free (probe->fingerprint);
  g_free (probe->pinned);
  g_free (probe->url);
  g_free (probe);
}

void
lookout_agent_probe_info_free (LookoutAgentProbeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->fingerprint);
  g_free (info);
}

char *
lookout_agent_format_fingerprint (const char *hex)
{
  GString *out = g_string_new ("SHA256:");

  g_return_val_if_fail (hex != NULL, NULL);

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
      g_string_append_c (out, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (out, FALSE);
}

/* The connection is closed, or never opened: the task ends with what was
 * learnt, or with the first error. */
static void
finish (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);

  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->error == NULL && probe->info == NULL)
    probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                _("The agent at %s closed the link before saying who it is"), probe->url);
  if (probe->error != NULL)
    g_task_return_error (task, g_steal_pointer (&probe->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&probe->info), (GDestroyNotify) lookout_agent_probe_info_free);
}

static void
fail (GTask      *task,
      GError     *error)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->error == NULL)
    probe->error = error;
  else
    g_error_free (error);
  if (probe->connection != NULL &&
      soup_websocket_connection_get_state (probe->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (probe->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  probe->timeout_id = 0;
  fail (task, g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                           _("The agent at %s did not say who it is within %d seconds"),
                           probe->url, HELLO_TIMEOUT_S));
  return G_SOURCE_REMOVE;
}

static gboolean
read_hello (Probe       *probe,
            JsonObject  *message,
            GError     **error)
{
  g_autoptr(LookoutAgentProbeInfo) info = g_new0 (LookoutAgentProbeInfo, 1);
  const char *name = json_object_get_string_member_with_default (message, "name", NULL);
  JsonNode *location = json_object_get_member (message, "location");

  if (name == NULL || !lookout_location_name_check (name, NULL))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("The agent at %s did not give a usable name"), probe->url);
      return FALSE;
    }
  info->name = g_strdup (name);
  if (location != NULL && JSON_NODE_HOLDS_ARRAY (location) &&
      json_array_get_length (json_node_get_array (location)) == 2)
    {
      JsonArray *pair = json_node_get_array (location);
      JsonNode *lat = json_array_get_element (pair, 0);
      JsonNode *lon = json_array_get_element (pair, 1);

      if (JSON_NODE_HOLDS_VALUE (lat) && JSON_NODE_HOLDS_VALUE (lon))
        {
          info->latitude = json_node_get_double (lat);
          info->longitude = json_node_get_double (lon);
          info->has_location = info->latitude >= -90 && info->latitude <= 90 &&
                               info->longitude >= -180 && info->longitude <= 180;
        }
    }
  if (probe->fingerprint != NULL)
    info->fingerprint = lookout_agent_format_fingerprint (probe->fingerprint);
  probe->info = g_steal_pointer (&info);
  return TRUE;
}

static void
message_cb (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *bytes,
            gpointer                 user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *kind = NULL;
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);

  if (probe->info != NULL || probe->error != NULL)
    return;

  message = lookout_agent_message_parse (text, len, &kind, &error);
  if (message == NULL)
    fail (task, g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                             _("The agent broke the protocol: %s"), error->message));
  else if (g_str_equal (kind, "error"))
    fail (task, g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                             _("The agent refused the link: %s"),
                             json_object_get_string_member_with_default (message, "message", "")));
  else if (!g_str_equal (kind, "hello"))
    fail (task, g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                             _("The agent broke the protocol: %s"),
                             _("the first message must be “hello”")));
  else if (!read_hello (probe, message, &error))
    fail (task, g_steal_pointer (&error));
  else
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static void
closed_cb (SoupWebsocketConnection *connection,
           gpointer                 user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);

  g_signal_handlers_disconnect_matched (connection, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, task);
  g_clear_object (&probe->connection);
  finish (task);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       Probe                *probe)
{
  g_free (probe->fingerprint);
  probe->fingerprint = lookout_agent_certificate_fingerprint (certificate);
  if (probe->pinned != NULL && g_strcmp0 (probe->fingerprint, probe->pinned) != 0)
    {
      probe->changed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static GError *
changed_error (Probe *probe)
{
  return g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                      _("The agent at %s now presents another certificate than the one you confirmed: "
                        "nothing was sent to it"), probe->url);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *peer;
  guint status;

  probe->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), res, &error);
  if (probe->connection == NULL)
    {
      status = soup_message_get_status (probe->msg);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        probe->error = g_steal_pointer (&error);
      else if (probe->changed)
        probe->error = changed_error (probe);
      else if (status == SOUP_STATUS_UNAUTHORIZED)
        probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                    _("The agent refused the token: it is not one of its tokens"));
      else if (status == SOUP_STATUS_FORBIDDEN)
        probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                    _("The agent refused the token: it lacks the scope “agent”"));
      else if (status == 429)
        probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                    _("The agent refuses this address for a while: too many failed authentications"));
      else if (status != 0 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
        probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                    _("%s answered %u %s: it is not a Lookout agent's address"),
                                    probe->url, status,
                                    soup_message_get_reason_phrase (probe->msg) ? soup_message_get_reason_phrase (probe->msg) : "");
      else
        probe->error = g_error_new (LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                    _("Cannot reach the agent at %s: %s"), probe->url, error->message);
      finish (task);
      return;
    }

  /* a certificate the system trusts is not offered for acceptance */
  peer = soup_message_get_tls_peer_certificate (probe->msg);
  if (peer != NULL && probe->fingerprint == NULL)
    probe->fingerprint = lookout_agent_certificate_fingerprint (peer);
  if (probe->pinned != NULL && g_strcmp0 (probe->fingerprint, probe->pinned) != 0)
    {
      fail (task, changed_error (probe));
      finish (task);
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (probe->connection, LOOKOUT_AGENT_MAX_MESSAGE);
  soup_websocket_connection_set_keepalive_interval (probe->connection, 0);
  g_signal_connect (probe->connection, "message", G_CALLBACK (message_cb), task);
  g_signal_connect (probe->connection, "closed", G_CALLBACK (closed_cb), g_object_ref (task));
  probe->timeout_id = g_timeout_add_seconds (HELLO_TIMEOUT_S, timeout_cb, task);
}

/* @url as an http:// or https:// address with a host, or an error in words. */
static GUri *
parse_agent_url (const char  *url,
                 GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("“%s” is not an agent's address; write https://HOST:PORT"), url);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

void
lookout_agent_probe_async (const char          *url,
                           const char          *token,
                           const char          *pinned,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *address = NULL;
  g_autofree char *auth = NULL;
  char *protocols[] = { (char *) LOOKOUT_AGENT_LINK_PROTOCOL, NULL };
  g_autoptr(GError) error = NULL;
  Probe *probe;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_agent_probe_async);

  uri = parse_agent_url (url, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                               _("An agent needs a token of scope “agent” (lookout-agent token create … --scope agent on the agent)"));
      return;
    }

  probe = g_new0 (Probe, 1);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe->url = g_strndup (url, strlen (url) - (g_str_has_suffix (url, "/") ? 1 : 0));
  probe->pinned = pinned != NULL ? lookout_agent_normalize_fingerprint (pinned) : NULL;
  probe->session = soup_session_new ();
  address = g_strconcat (probe->url, LOOKOUT_AGENT_LINK_PATH, NULL);
  auth = g_strdup_printf ("Bearer %s", token);
  probe->msg = soup_message_new ("GET", address);
  soup_message_headers_replace (soup_message_get_request_headers (probe->msg), "Authorization", auth);
  g_signal_connect (probe->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), probe);
  soup_session_websocket_connect_async (probe->session, probe->msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                        cancellable, connected_cb, g_steal_pointer (&task));
}

LookoutAgentProbeInfo *
lookout_agent_probe_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_agent_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the certificate alone ---- */

/* Any certificate: it is only read, and nothing is sent over it. */
static gboolean
accept_any_cb (GTlsConnection       *connection,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

static void
certificate_event_cb (GSocketClient      *client,
                      GSocketClientEvent  event,
                      GSocketConnectable *connectable,
                      GIOStream          *connection,
                      gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING && G_IS_TLS_CLIENT_CONNECTION (connection))
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
}

static void
certificate_connected_cb (GObject      *object,
                          GAsyncResult *res,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *peer = NULL;
  g_autofree char *hex = NULL;

  connection = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (object), res, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                                 _("Cannot reach the agent at %s: %s"),
                                 (const char *) g_task_get_task_data (task), error->message);
      return;
    }
  if (G_IS_TCP_WRAPPER_CONNECTION (connection))
    {
      GIOStream *base = g_tcp_wrapper_connection_get_base_io_stream (G_TCP_WRAPPER_CONNECTION (connection));

      if (G_IS_TLS_CONNECTION (base))
        peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (base));
    }
  if (peer == NULL)
    {
      g_task_return_new_error (task, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CLOSED,
                               _("The agent at %s showed no certificate"),
                               (const char *) g_task_get_task_data (task));
      return;
    }
  hex = lookout_agent_certificate_fingerprint (peer);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_task_return_pointer (task, lookout_agent_format_fingerprint (hex), g_free);
}

void
lookout_agent_probe_certificate_async (const char          *url,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_agent_probe_certificate_async);
  g_task_set_task_data (task, g_strdup (url), g_free);

  uri = parse_agent_url (url, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* plain HTTP: no certificate to confirm */
  if (g_str_equal (g_uri_get_scheme (uri), "http"))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  client = g_socket_client_new ();
  g_socket_client_set_tls (client, TRUE);
  g_signal_connect (client, "event", G_CALLBACK (certificate_event_cb), NULL);
  g_socket_client_connect_to_uri_async (client, url, 443, cancellable, certificate_connected_cb,
                                        g_steal_pointer (&task));
}

char *
lookout_agent_probe_certificate_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_agent_probe_certificate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
