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
#include <string.h>
#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"

/* Everything but the texts. */
static void
row_fill (LookoutApiTargetRow *row,
          LookoutTarget       *target,
          LookoutApiMetrics   *metrics)
{
  row->id = lookout_target_get_id (target);
  row->kind = lookout_target_get_kind (target);
  row->interval = lookout_target_get_interval (target);
  row->timeout_ms = lookout_target_get_timeout (target);
  row->fail_threshold = lookout_target_get_fail_threshold (target);
  row->enabled = lookout_target_get_enabled (target);
  row->created_at = lookout_target_get_created_at (target);
  row->state = lookout_target_get_state (target);
  row->state_since = metrics ? lookout_api_metrics_get_state_since (metrics, row->id) : 0;
  row->last_check = lookout_target_get_last_checked (target);
  row->last_latency = lookout_target_get_last_latency (target);
  row->latitude = lookout_target_get_latitude (target);
  row->longitude = lookout_target_get_longitude (target);
}

#define N_ROW_TEXTS 6

static void
row_texts (LookoutTarget *target,
           const char    *texts[N_ROW_TEXTS])
{
  texts[0] = lookout_target_get_name (target);
  texts[1] = lookout_target_get_uri_string (target);
  texts[2] = lookout_target_get_options (target);
  texts[3] = lookout_target_get_last_error (target);
  texts[4] = lookout_target_get_last_address (target);
  texts[5] = lookout_target_get_location_source (target);
}

static void
row_text_fields (LookoutApiTargetRow *row,
                 char               **fields[N_ROW_TEXTS])
{
  fields[0] = &row->name;
  fields[1] = &row->uri;
  fields[2] = &row->options;
  fields[3] = &row->last_error;
  fields[4] = &row->address;
  fields[5] = &row->location_source;
}

void
lookout_api_target_row_init (LookoutApiTargetRow *row,
                             LookoutTarget       *target,
                             LookoutApiMetrics   *metrics)
{
  const char *texts[N_ROW_TEXTS];
  char **fields[N_ROW_TEXTS];

  row_fill (row, target, metrics);
  row_texts (target, texts);
  row_text_fields (row, fields);
  for (guint i = 0; i < N_ROW_TEXTS; i++)
    *fields[i] = g_strdup (texts[i]);
}

LookoutApiTargetRows *
lookout_api_target_rows_new (GListModel        *targets,
                             LookoutApiMetrics *metrics)
{
  LookoutApiTargetRows *rows = g_new0 (LookoutApiTargetRows, 1);
  g_autofree LookoutTarget **items = NULL;
  gsize size = 0;
  char *at;

  rows->n = g_list_model_get_n_items (targets);
  rows->rows = g_new0 (LookoutApiTargetRow, MAX (rows->n, 1));
  items = g_new (LookoutTarget *, MAX (rows->n, 1));
  for (guint i = 0; i < rows->n; i++)
    {
      const char *texts[N_ROW_TEXTS];

      /* the model holds them while this runs: no reference each */
      items[i] = g_list_model_get_item (targets, i);
      g_object_unref (items[i]);
      row_texts (items[i], texts);
      for (guint k = 0; k < N_ROW_TEXTS; k++)
        size += texts[k] != NULL ? strlen (texts[k]) + 1 : 0;
    }

  at = rows->texts = g_malloc (MAX (size, 1));
  for (guint i = 0; i < rows->n; i++)
    {
      const char *texts[N_ROW_TEXTS];
      char **fields[N_ROW_TEXTS];

      row_fill (&rows->rows[i], items[i], metrics);
      row_texts (items[i], texts);
      row_text_fields (&rows->rows[i], fields);
      for (guint k = 0; k < N_ROW_TEXTS; k++)
        {
          gsize len;

          if (texts[k] == NULL)
            continue;
          len = strlen (texts[k]) + 1;
          memcpy (at, texts[k], len);
          *fields[k] = at;
          at += len;
        }
    }
  return rows;
}

void
lookout_api_target_rows_free (LookoutApiTargetRows *rows)
{
  g_free (rows->rows);
  g_free (rows->texts);
  g_free (rows);
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

static gsize
string_room (const char *text)
{
  return text != NULL ? 6 * strlen (text) + 2 : 4;
}

static char *
put_string_or_null (char       *p,
                    const char *text)
{
  return text != NULL ? lookout_api_put_string (p, text) : LOOKOUT_API_PUT_LITERAL (p, "null");
}

static char *
put_time_or_null (char   *p,
                  gint64  ms)
{
  return ms > 0 ? lookout_api_put_time (p, ms) : LOOKOUT_API_PUT_LITERAL (p, "null");
}

/* Makes room for @room more bytes at the end of @out: where to write. */
static char *
reserve (GString *out,
         gsize    room)
{
  gsize len = out->len;

  g_string_set_size (out, len + room);
  return out->str + len;
}

static void
reserved_end (GString *out,
              char    *p)
{
  g_string_truncate (out, p - out->str);
}

/* Everything but the closing brace, so that /api/v1/status can add its
 * statistics to the same object. Written in room reserved at once: ten
 * thousand of them make one answer. */
void
lookout_api_append_target_open (GString                   *out,
                                const LookoutApiTargetRow *row)
{
  char *p;

  p = reserve (out, 256 + string_room (row->name) + string_room (row->uri));
  p = LOOKOUT_API_PUT_LITERAL (p, "{\"id\":");
  p = lookout_api_put_int (p, row->id);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"name\":");
  p = put_string_or_null (p, row->name);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"uri\":");
  p = put_string_or_null (p, row->uri);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"kind\":");
  p = lookout_api_put_string (p, lookout_target_kind_to_string (row->kind));
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"interval\":");
  p = lookout_api_put_int (p, row->interval);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"timeout\":");
  p = lookout_api_put_micro (p, row->timeout_ms * G_GINT64_CONSTANT (1000));
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"fail_threshold\":");
  p = lookout_api_put_int (p, row->fail_threshold);
  p = row->enabled ? LOOKOUT_API_PUT_LITERAL (p, ",\"enabled\":true,\"options\":")
                   : LOOKOUT_API_PUT_LITERAL (p, ",\"enabled\":false,\"options\":");
  reserved_end (out, p);
  append_options (out, row->options);

  p = reserve (out, 512 + string_room (row->last_error) + string_room (row->address) +
                    string_room (row->location_source));
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"created_at\":");
  p = put_time_or_null (p, row->created_at);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"state\":");
  p = lookout_api_put_string (p, lookout_target_state_to_string (row->state));
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"state_since\":");
  p = put_time_or_null (p, row->state_since);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"last_check\":");
  p = put_time_or_null (p, row->last_check);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"last_latency\":");
  p = row->last_latency >= 0 ? lookout_api_put_micro (p, row->last_latency) : LOOKOUT_API_PUT_LITERAL (p, "null");
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"last_error\":");
  p = put_string_or_null (p, row->last_error);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"address\":");
  p = put_string_or_null (p, row->address);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"location\":");
  if (!isnan (row->latitude) && !isnan (row->longitude))
    {
      p = LOOKOUT_API_PUT_LITERAL (p, "{\"latitude\":");
      p = lookout_api_put_double (p, row->latitude);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"longitude\":");
      p = lookout_api_put_double (p, row->longitude);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"source\":");
      p = put_string_or_null (p, row->location_source);
      *p++ = '}';
    }
  else
    p = LOOKOUT_API_PUT_LITERAL (p, "null");
  reserved_end (out, p);
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
