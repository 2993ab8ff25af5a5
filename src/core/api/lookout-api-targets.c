/* lookout-api-targets.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/targets and /api/v1/targets/{id}: the monitor's targets, changed
 * through the monitor as the window changes them (validated, stored, then
 * in the list), with the dialog's checks and sentences. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"

void
lookout_api_add_target (JsonBuilder       *builder,
                        LookoutTarget     *target,
                        LookoutApiMetrics *metrics)
{
  gint64 id = lookout_target_get_id (target);
  g_autoptr(JsonParser) parser = json_parser_new ();
  double lat = lookout_target_get_latitude (target);
  double lon = lookout_target_get_longitude (target);
  const char *error = lookout_target_get_last_error (target);
  const char *address = lookout_target_get_last_address (target);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, lookout_target_get_name (target));
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, lookout_target_get_uri_string (target));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lookout_target_kind_to_string (lookout_target_get_kind (target)));
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, lookout_target_get_interval (target));
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_double_value (builder, lookout_target_get_timeout (target) / 1000.0);
  json_builder_set_member_name (builder, "fail_threshold");
  json_builder_add_int_value (builder, lookout_target_get_fail_threshold (target));
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, lookout_target_get_enabled (target));
  json_builder_set_member_name (builder, "options");
  if (json_parser_load_from_data (parser, lookout_target_get_options (target), -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }
  lookout_api_add_time (builder, "created_at", lookout_target_get_created_at (target));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, lookout_target_state_to_string (lookout_target_get_state (target)));
  lookout_api_add_time (builder, "state_since",
                        metrics ? lookout_api_metrics_get_state_since (metrics, id) : 0);
  lookout_api_add_time (builder, "last_check", lookout_target_get_last_checked (target));
  lookout_api_add_seconds_us (builder, "last_latency", lookout_target_get_last_latency (target));
  json_builder_set_member_name (builder, "last_error");
  if (error != NULL)
    json_builder_add_string_value (builder, error);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "address");
  if (address != NULL)
    json_builder_add_string_value (builder, address);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "location");
  if (!isnan (lat) && !isnan (lon))
    {
      const char *source = lookout_target_get_location_source (target);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "latitude");
      json_builder_add_double_value (builder, lat);
      json_builder_set_member_name (builder, "longitude");
      json_builder_add_double_value (builder, lon);
      json_builder_set_member_name (builder, "source");
      if (source != NULL)
        json_builder_add_string_value (builder, source);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
reply_target (SoupServerMessage *msg,
              guint              status,
              LookoutTarget     *target,
              LookoutApiMetrics *metrics)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  lookout_api_add_target (builder, target, metrics);
  node = json_builder_get_root (builder);
  lookout_api_reply_json (msg, status, node);
}

static LookoutTarget *
find_target (LookoutApiRequest *request)
{
  LookoutTarget *target = lookout_monitor_find_target (request->monitor, request->id);

  if (target == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no target with the id %" PRId64),
                                                  request->id);

      lookout_api_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, message);
    }
  return target;
}

void
lookout_api_handle_targets_list (LookoutApiRequest *request)
{
  GListModel *targets = lookout_monitor_get_targets (request->monitor);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);

      lookout_api_add_target (builder, target, request->metrics);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  lookout_api_reply_json (request->msg, SOUP_STATUS_OK, node);
}

void
lookout_api_handle_target_get (LookoutApiRequest *request)
{
  LookoutTarget *target = find_target (request);

  if (target != NULL)
    reply_target (request->msg, SOUP_STATUS_OK, target, request->metrics);
}

typedef struct
{
  SoupServerMessage *msg;
  LookoutApiMetrics *metrics;
  LookoutTarget     *target;
  LookoutApiServer  *server;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->msg);
  g_clear_object (&change->metrics);
  g_clear_object (&change->target);
  g_clear_object (&change->server);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static Change *
change_new (LookoutApiRequest *request,
            LookoutTarget     *target)
{
  Change *change = g_new0 (Change, 1);

  change->msg = g_object_ref (request->msg);
  change->metrics = g_object_ref (request->metrics);
  change->target = g_object_ref (target);
  /* the server outlives its paused messages */
  change->server = g_object_ref (request->server);
  soup_server_message_pause (request->msg);
  return change;
}

static void
change_done (Change     *change,
             guint       status,
             GError     *error)
{
  if (error != NULL)
    lookout_api_reply_error (change->msg,
                             error->domain == LOOKOUT_TARGET_ERROR ? SOUP_STATUS_BAD_REQUEST
                             : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) ? SOUP_STATUS_CONFLICT
                             : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                             error->message);
  else
    {
      if (status == SOUP_STATUS_CREATED)
        {
          g_autofree char *location = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT,
                                                       lookout_target_get_id (change->target));

          soup_message_headers_replace (soup_server_message_get_response_headers (change->msg),
                                        "Location", location);
        }
      reply_target (change->msg, status, change->target, change->metrics);
    }
  soup_server_message_unpause (change->msg);
}

static void
target_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;

  lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error);
  change_done (change, SOUP_STATUS_CREATED, error);
}

void
lookout_api_handle_targets_create (LookoutApiRequest *request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  target = lookout_api_parse_target (data, len, NULL, &error);
  if (target == NULL)
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  lookout_monitor_add_target_async (request->monitor, target, NULL, target_added_cb,
                                    change_new (request, target));
}

static void
target_updated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;

  lookout_monitor_update_target_finish (LOOKOUT_MONITOR (object), result, &error);
  change_done (change, SOUP_STATUS_OK, error);
}

void
lookout_api_handle_target_patch (LookoutApiRequest *request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(LookoutTarget) changes = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTarget *target;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if ((target = find_target (request)) == NULL)
    return;

  changes = lookout_api_parse_target (data, len, target, &error);
  if (changes == NULL)
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  lookout_monitor_update_target_async (request->monitor, target, changes, NULL, target_updated_cb,
                                       change_new (request, target));
}

void
lookout_api_handle_target_delete (LookoutApiRequest *request)
{
  g_autoptr(LookoutTarget) target = NULL;

  if ((target = find_target (request)) == NULL)
    return;

  /* the model held the last reference; the removal still reads it */
  g_object_ref (target);
  lookout_monitor_remove_target (request->monitor, target);
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}
