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

#define SAME_TIME_SLACK 256

static char *
events_thread (LookoutStore  *store,
               gpointer       data,
               guint         *status,
               GError       **error)
{
  LookoutApiPage *q = data;
  g_autoptr(GArray) events = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  gint64 last_ts = -1;
  guint n = 0;

  events = lookout_store_query_events_sync (store, q->target_id, NULL, q->cursor,
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

  lookout_api_add_next_cursor (builder,
                               n < events->len &&
                               g_array_index (events, LookoutStoredEvent, n).ts_ms >= q->since_ms,
                               last_ts);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return lookout_json_to_string (node, FALSE);
}

void
lookout_api_handle_events (LookoutApiRequest *request)
{
  g_autoptr(GError) error = NULL;
  LookoutApiPage *page = g_new0 (LookoutApiPage, 1);

  if (!lookout_api_parse_page (request->query, page, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      g_free (page);
      return;
    }

  lookout_api_request_run_in_thread (request, events_thread, page, g_free);
}
