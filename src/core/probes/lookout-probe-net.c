/* lookout-probe-net.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-probe-net"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-error-class.h"
#include "lookout-probe-net.h"
#include "lookout-socket-address.h"

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

gboolean
lookout_probe_net_get_number_option (JsonObject *options,
                                     const char *name,
                                     double     *value)
{
  JsonNode *node = json_object_get_member (options, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;

  *value = json_node_get_double (node);
  return TRUE;
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

  return lookout_socket_address_describe (address);
}

void
lookout_probe_net_set_error (LookoutResult *result,
                             const GError  *error,
                             const char    *host,
                             const char    *where)
{
  LookoutProbeError code = lookout_error_classify (error);
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
