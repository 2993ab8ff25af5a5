/* lookout-probe-net.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-probe-net"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-probe-net.h"

static gboolean
deadline_expired_cb (gpointer user_data)
{
  LookoutProbeDeadline *deadline = user_data;

  deadline->timed_out = TRUE;
  g_clear_pointer (&deadline->timer, g_source_unref);
  g_cancellable_cancel (deadline->cancellable);

  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      user_data)
{
  GCancellable *inner = user_data;

  g_cancellable_cancel (inner);
}

void
lookout_probe_deadline_start (LookoutProbeDeadline *deadline,
                              guint                 timeout_ms,
                              GCancellable         *outer)
{
  g_assert (deadline != NULL);

  deadline->cancellable = g_cancellable_new ();
  deadline->timed_out = FALSE;
  deadline->deadline_us = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  deadline->timer = g_timeout_source_new (timeout_ms);
  g_source_set_static_name (deadline->timer, "[lookout] probe deadline");
  g_source_set_callback (deadline->timer, deadline_expired_cb, deadline, NULL);
  g_source_attach (deadline->timer, g_main_context_get_thread_default ());

  if (outer != NULL)
    {
      deadline->outer = g_object_ref (outer);
      /* Holds a reference on the inner cancellable: the handler may run in
       * another thread while the deadline is being cleared. */
      deadline->outer_id = g_cancellable_connect (outer,
                                                  G_CALLBACK (outer_cancelled_cb),
                                                  g_object_ref (deadline->cancellable),
                                                  g_object_unref);
    }
}

void
lookout_probe_deadline_clear (LookoutProbeDeadline *deadline)
{
  g_assert (deadline != NULL);

  if (deadline->timer != NULL)
    {
      g_source_destroy (deadline->timer);
      g_clear_pointer (&deadline->timer, g_source_unref);
    }
  if (deadline->outer != NULL)
    {
      g_cancellable_disconnect (deadline->outer, deadline->outer_id);
      deadline->outer_id = 0;
      g_clear_object (&deadline->outer);
    }
  g_clear_object (&deadline->cancellable);
}

gboolean
lookout_probe_deadline_cancelled (LookoutProbeDeadline *deadline)
{
  return deadline->outer != NULL && g_cancellable_is_cancelled (deadline->outer);
}

guint
lookout_probe_deadline_remaining_ms (LookoutProbeDeadline *deadline)
{
  gint64 left = deadline->deadline_us - g_get_monotonic_time ();

  return left > 0 ? (guint) ((left + 999) / 1000) : 0;
}

LookoutResult *
lookout_probe_net_result_new (LookoutTarget *target)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->target_id = lookout_target_get_id (target);

  return result;
}

JsonObject *
lookout_probe_net_dup_options (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *options = lookout_target_get_options (target);
  JsonNode *root;

  if (options != NULL
      && json_parser_load_from_data (parser, options, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL
      && JSON_NODE_HOLDS_OBJECT (root))
    return json_object_ref (json_node_get_object (root));

  return json_object_new ();
}

static JsonNode *
get_value_option (JsonObject *options,
                  const char *name,
                  GType       type,
                  gboolean   *valid)
{
  JsonNode *node = json_object_get_member (options, name);

  *valid = node == NULL
           || (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type);

  return *valid ? node : NULL;
}

gboolean
lookout_probe_net_get_string_option (JsonObject  *options,
                                     const char  *name,
                                     const char **value)
{
  gboolean valid;
  JsonNode *node = get_value_option (options, name, G_TYPE_STRING, &valid);

  if (node != NULL)
    *value = json_node_get_string (node);

  return valid;
}

gboolean
lookout_probe_net_get_bool_option (JsonObject *options,
                                   const char *name,
                                   gboolean   *value)
{
  gboolean valid;
  JsonNode *node = get_value_option (options, name, G_TYPE_BOOLEAN, &valid);

  if (node != NULL)
    *value = json_node_get_boolean (node);

  return valid;
}

LookoutProbeError
lookout_probe_net_classify_error (const GError *error)
{
  g_assert (error != NULL);

  if (error->domain == G_RESOLVER_ERROR)
    return LOOKOUT_PROBE_ERROR_RESOLVE;

  if (error->domain != G_IO_ERROR)
    return LOOKOUT_PROBE_ERROR_FAILED;

  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
      return LOOKOUT_PROBE_ERROR_REFUSED;
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    /* EACCES from connect() or send(): a "prohibit" route or a firewall
     * rejecting the packet locally. */
    case G_IO_ERROR_PERMISSION_DENIED:
      return LOOKOUT_PROBE_ERROR_UNREACHABLE;
    case G_IO_ERROR_TIMED_OUT:
      return LOOKOUT_PROBE_ERROR_TIMEOUT;
    case G_IO_ERROR_CONNECTION_CLOSED:
      return LOOKOUT_PROBE_ERROR_RESET;
    case G_IO_ERROR_CANCELLED:
      return LOOKOUT_PROBE_ERROR_CANCELLED;
    default:
      return LOOKOUT_PROBE_ERROR_FAILED;
    }
}

char *
lookout_probe_net_describe_address (GSocketAddress *address)
{
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup (_("unknown address"));

  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  /* Translators: an IP address and a port number, in messages */
  return g_strdup_printf (_("%s port %u"), ip,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

char *
lookout_probe_net_take_address (LookoutResult  *result,
                                GSocketAddress *address)
{
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  g_free (result->address);
  result->address = g_inet_address_to_string (inet);

  return lookout_probe_net_describe_address (address);
}

void
lookout_probe_net_set_error (LookoutResult *result,
                             const GError  *error,
                             const char    *host,
                             const char    *where)
{
  LookoutProbeError code = lookout_probe_net_classify_error (error);
  LookoutTargetState down = LOOKOUT_TARGET_STATE_DOWN;

  if (code == LOOKOUT_PROBE_ERROR_RESOLVE)
    lookout_result_set_error (result, down, code, _("Could not resolve “%s”: %s"), host, error->message);
  else if (code == LOOKOUT_PROBE_ERROR_UNREACHABLE && where == NULL)
    lookout_result_set_error (result, down, code, "%s", error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    lookout_result_set_error (result, down, code, _("Network unreachable: no route to %s"), where);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    lookout_result_set_error (result, down, code, _("Traffic to %s administratively prohibited (%s)"),
                              where, error->message);
  else if (code == LOOKOUT_PROBE_ERROR_UNREACHABLE)
    lookout_result_set_error (result, down, code, _("Host unreachable: %s cannot be reached"), where);
  else if (code == LOOKOUT_PROBE_ERROR_TIMEOUT || where == NULL)
    lookout_result_set_error (result, down, code, "%s", error->message);
  else
    lookout_result_set_error (result, down, code, _("Could not reach %s: %s"), where, error->message);
}
