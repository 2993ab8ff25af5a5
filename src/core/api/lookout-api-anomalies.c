/* lookout-api-anomalies.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/anomalies: the periods anomaly detection found, oldest first,
 * from the store's anomalies table: those still open or ended after
 * `since`. New ones only ever come at the end, so the cursor is how many
 * came before the next page. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"
#include "lookout-store-anomalies.h"


static char *
anomalies_thread (LookoutStore  *store,
                  gpointer       data,
                  guint         *status,
                  GError       **error)
{
  LookoutApiPage *q = data;
  g_autoptr(GArray) anomalies = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  guint n;

  anomalies = lookout_store_query_anomalies_sync (store, q->target_id, q->since_ms, 0, 0, NULL, error);
  if (anomalies == NULL)
    return NULL;

  n = (guint) MIN ((gint64) anomalies->len, q->cursor + q->limit);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "anomalies");
  json_builder_begin_array (builder);
  for (guint i = (guint) MIN ((gint64) anomalies->len, q->cursor); i < n; i++)
    {
      const LookoutStoredAnomaly *a = &g_array_index (anomalies, LookoutStoredAnomaly, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, a->id);
      json_builder_set_member_name (builder, "target_id");
      json_builder_add_int_value (builder, a->target_id);
      lookout_api_add_time (builder, "start", a->start_ms);
      lookout_api_add_time (builder, "end", a->end_ms);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, a->kind);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, a->score);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, a->message != NULL ? a->message : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  lookout_api_add_next_cursor (builder, anomalies->len > n, n);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return lookout_json_to_string (node, FALSE);
}

void
lookout_api_handle_anomalies (LookoutApiRequest *request)
{
  g_autoptr(GError) error = NULL;
  LookoutApiPage *page = g_new0 (LookoutApiPage, 1);

  if (!lookout_api_parse_page (request->query, page, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      g_free (page);
      return;
    }

  lookout_api_request_run_in_thread (request, anomalies_thread, page, g_free);
}
