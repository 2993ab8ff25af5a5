/* lookout-api-events.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/events: the events table, newest first. The cursor is the time
 * of the last event of the page; the next page holds what is older. A page
 * never ends inside a run of events of the same millisecond, so none is
 * skipped by the next page's "older than". */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT     1000
#define SAME_TIME_SLACK 256

typedef struct
{
  gint64 target_id;     /* -1 for every target */
  gint64 since_ms;
  gint64 before_ms;
  gint64 limit;
} Events;

static char *
events_thread (LookoutStore  *store,
               gpointer       data,
               guint         *status,
               GError       **error)
{
  Events *q = data;
  g_autoptr(GArray) events = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  gint64 last_ts = -1;
  guint n = 0;

  events = lookout_store_query_events_sync (store, q->target_id, NULL, q->before_ms,
                                            q->limit + SAME_TIME_SLACK, NULL, error);
  if (events == NULL)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (; n < events->len; n++)
    {
      const LookoutStoredEvent *e = &g_array_index (events, LookoutStoredEvent, n);

      if (e->ts_ms < q->since_ms)
        break;
      if (n >= q->limit && e->ts_ms != last_ts)
        break;
      last_ts = e->ts_ms;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, e->id);
      json_builder_set_member_name (builder, "target_id");
      json_builder_add_int_value (builder, e->target_id);
      lookout_api_add_time (builder, "time", e->ts_ms);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, e->kind);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, e->message ? e->message : "");
      lookout_api_add_time (builder, "delivered_at", e->delivered_ms);
      json_builder_set_member_name (builder, "channels");
      json_builder_begin_array (builder);
      if (e->channels != NULL)
        {
          g_auto(GStrv) channels = g_strsplit (e->channels, ",", -1);

          for (guint c = 0; channels[c] != NULL; c++)
            if (*channels[c] != '\0')
              json_builder_add_string_value (builder, channels[c]);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "next_cursor");
  if (n < events->len && g_array_index (events, LookoutStoredEvent, n).ts_ms >= q->since_ms)
    {
      g_autofree char *cursor = g_strdup_printf ("%" G_GINT64_FORMAT, last_ts);

      json_builder_add_string_value (builder, cursor);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return lookout_json_to_string (node, FALSE);
}

void
lookout_api_handle_events (LookoutApiRequest *request)
{
  const char *since = g_hash_table_lookup (request->query, "since");
  const char *target = g_hash_table_lookup (request->query, "target");
  const char *cursor = g_hash_table_lookup (request->query, "cursor");
  const char *limit = g_hash_table_lookup (request->query, "limit");
  g_autoptr(GError) error = NULL;
  Events *q = g_new0 (Events, 1);

  q->target_id = -1;
  q->limit = DEFAULT_LIMIT;
  if ((since != NULL && !lookout_api_parse_time (since, &q->since_ms, &error)) ||
      (target != NULL && !lookout_api_parse_count (target, "target", 1, G_MAXINT64, &q->target_id, &error)) ||
      (cursor != NULL && !lookout_api_parse_count (cursor, "cursor", 1, G_MAXINT64, &q->before_ms, &error)) ||
      (limit != NULL && !lookout_api_parse_count (limit, "limit", 1, MAX_LIMIT, &q->limit, &error)))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      g_free (q);
      return;
    }

  lookout_api_request_run_in_thread (request, events_thread, q, g_free);
}
