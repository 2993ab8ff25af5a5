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
lookout_api_target_row_init (LookoutApiTargetRow *row,
                             LookoutTarget       *target,
                             LookoutApiMetrics   *metrics)
{
  row->id = lookout_target_get_id (target);
  row->name = g_strdup (lookout_target_get_name (target));
  row->uri = g_strdup (lookout_target_get_uri_string (target));
  row->kind = lookout_target_get_kind (target);
  row->interval = lookout_target_get_interval (target);
  row->timeout_ms = lookout_target_get_timeout (target);
  row->fail_threshold = lookout_target_get_fail_threshold (target);
  row->enabled = lookout_target_get_enabled (target);
  row->options = g_strdup (lookout_target_get_options (target));
  row->created_at = lookout_target_get_created_at (target);
  row->state = lookout_target_get_state (target);
  row->state_since = metrics ? lookout_api_metrics_get_state_since (metrics, row->id) : 0;
  row->last_check = lookout_target_get_last_checked (target);
  row->last_latency = lookout_target_get_last_latency (target);
  row->last_error = g_strdup (lookout_target_get_last_error (target));
  row->address = g_strdup (lookout_target_get_last_address (target));
  row->latitude = lookout_target_get_latitude (target);
  row->longitude = lookout_target_get_longitude (target);
  row->location_source = g_strdup (lookout_target_get_location_source (target));
}

void
lookout_api_target_row_clear (LookoutApiTargetRow *row)
{
  g_clear_pointer (&row->name, g_free);
  g_clear_pointer (&row->uri, g_free);
  g_clear_pointer (&row->options, g_free);
  g_clear_pointer (&row->last_error, g_free);
  g_clear_pointer (&row->address, g_free);
  g_clear_pointer (&row->location_source, g_free);
}

static void
append_member (GString    *out,
               const char *name)
{
  g_string_append_c (out, ',');
  lookout_json_append_string (out, name);
  g_string_append_c (out, ':');
}

static void
append_string_or_null (GString    *out,
                       const char *text)
{
  if (text != NULL)
    lookout_json_append_string (out, text);
  else
    g_string_append (out, "null");
}

static void
append_time_or_null (GString *out,
                     gint64   ms)
{
  if (ms > 0)
    lookout_api_append_time (out, ms);
  else
    g_string_append (out, "null");
}

static void
append_options (GString    *out,
                const char *options)
{
  g_autoptr(JsonParser) parser = NULL;

  /* most targets have none: no parser for them */
  if (options == NULL || g_str_equal (options, "{}") || *options == '\0')
    {
      g_string_append (out, "{}");
      return;
    }
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, options, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autofree char *text = NULL;

      /* a password is written to no one, whatever the token */
      json_object_remove_member (json_node_get_object (json_parser_get_root (parser)), "basic_auth_password");
      text = lookout_json_to_string (json_parser_get_root (parser), FALSE);

      g_string_append (out, text);
    }
  else
    g_string_append (out, "{}");
}

/* Everything but the closing brace, so that /api/v1/status can add its
 * statistics to the same object. */
void
lookout_api_append_target_open (GString                   *out,
                                const LookoutApiTargetRow *row)
{
  g_string_append (out, "{\"id\":");
  lookout_api_append_int (out, row->id);
  append_member (out, "name");
  append_string_or_null (out, row->name);
  append_member (out, "uri");
  append_string_or_null (out, row->uri);
  append_member (out, "kind");
  lookout_json_append_string (out, lookout_target_kind_to_string (row->kind));
  append_member (out, "interval");
  lookout_api_append_int (out, row->interval);
  append_member (out, "timeout");
  lookout_api_append_micro (out, row->timeout_ms * G_GINT64_CONSTANT (1000));
  append_member (out, "fail_threshold");
  lookout_api_append_int (out, row->fail_threshold);
  append_member (out, "enabled");
  g_string_append (out, row->enabled ? "true" : "false");
  append_member (out, "options");
  append_options (out, row->options);
  append_member (out, "created_at");
  append_time_or_null (out, row->created_at);
  append_member (out, "state");
  lookout_json_append_string (out, lookout_target_state_to_string (row->state));
  append_member (out, "state_since");
  append_time_or_null (out, row->state_since);
  append_member (out, "last_check");
  append_time_or_null (out, row->last_check);
  append_member (out, "last_latency");
  if (row->last_latency >= 0)
    lookout_api_append_micro (out, row->last_latency);
  else
    g_string_append (out, "null");
  append_member (out, "last_error");
  append_string_or_null (out, row->last_error);
  append_member (out, "address");
  append_string_or_null (out, row->address);
  append_member (out, "location");
  if (!isnan (row->latitude) && !isnan (row->longitude))
    {
      g_string_append (out, "{\"latitude\":");
      lookout_json_append_double (out, row->latitude);
      append_member (out, "longitude");
      lookout_json_append_double (out, row->longitude);
      append_member (out, "source");
      append_string_or_null (out, row->location_source);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
}

static void
reply_target (SoupServerMessage *msg,
              guint              status,
              LookoutTarget     *target,
              LookoutApiMetrics *metrics)
{
  LookoutApiTargetRow row;
  GString *out = g_string_sized_new (512);

  lookout_api_target_row_init (&row, target, metrics);
  lookout_api_append_target_open (out, &row);
  g_string_append_c (out, '}');
  lookout_api_target_row_clear (&row);
  lookout_api_reply_text (msg, status, g_string_free (out, FALSE));
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
  guint n = g_list_model_get_n_items (targets);
  GString *out = g_string_sized_new (64 + (gsize) n * 512);

  g_string_append (out, "{\"targets\":[");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      LookoutApiTargetRow row;

      lookout_api_target_row_init (&row, target, request->metrics);
      if (i > 0)
        g_string_append_c (out, ',');
      lookout_api_append_target_open (out, &row);
      g_string_append_c (out, '}');
      lookout_api_target_row_clear (&row);
    }
  g_string_append (out, "]}");
  lookout_api_reply_text (request->msg, SOUP_STATUS_OK, g_string_free (out, FALSE));
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
