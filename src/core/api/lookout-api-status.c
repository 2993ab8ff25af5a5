/* lookout-api-status.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/status: every target as /api/v1/targets shows it, with its
 * statistics over the range, computed as the target page computes them
 * (lookout_stats_fetch_sync()) on a worker thread. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"
#include "lookout-stats.h"
#include "lookout-store-report.h"

#define DEFAULT_RANGE_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

typedef struct
{
  gint64     id;
  JsonNode  *target;     /* built on the main thread */
} Row;

typedef struct
{
  gint64  from_ms;
  gint64  to_ms;
  GArray *rows;
} Status;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->target, json_node_unref);
}

static void
status_free (Status *status)
{
  g_clear_pointer (&status->rows, g_array_unref);
  g_free (status);
}

static void
add_stats (JsonObject         *object,
           const LookoutStats *stats,
           guint64             n_anomalies)
{
  JsonObject *out = json_object_new ();
  JsonObject *latency = json_object_new ();
  gboolean timed = stats->n_timed > 0;

  if (stats->n > 0 && !isnan (stats->availability))
    json_object_set_double_member (out, "availability", stats->availability);
  else
    json_object_set_null_member (out, "availability");
#define LATENCY(member, field) \
  if (timed && stats->field >= 0) \
    json_object_set_double_member (latency, member, stats->field / 1e6); \
  else \
    json_object_set_null_member (latency, member)
  LATENCY ("min", min_us);
  LATENCY ("mean", mean_us);
  LATENCY ("median", median_us);
  LATENCY ("p95", p95_us);
  LATENCY ("max", max_us);
#undef LATENCY
  json_object_set_int_member (out, "results", stats->n);
  json_object_set_object_member (out, "latency", latency);
  json_object_set_int_member (out, "failures", stats->n_fail);
  json_object_set_int_member (out, "outages", stats->n_outages);
  json_object_set_int_member (out, "anomalies", n_anomalies);
  json_object_set_boolean_member (out, "exact", stats->exact);
  json_object_set_object_member (object, "stats", out);
}

static char *
status_thread (LookoutStore  *store,
               gpointer       data,
               guint         *status_code,
               GError       **error)
{
  Status *status = data;
  g_autoptr(JsonArray) targets = json_array_sized_new (status->rows->len);
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *from = lookout_api_format_time (status->from_ms);
  g_autofree char *to = lookout_api_format_time (status->to_ms);

  for (guint i = 0; i < status->rows->len; i++)
    {
      Row *row = &g_array_index (status->rows, Row, i);
      g_autofree LookoutStats *stats = NULL;
      guint64 n_anomalies = 0;

      stats = lookout_stats_fetch_sync (store, row->id, status->from_ms, status->to_ms, NULL, error);
      if (stats == NULL ||
          !lookout_store_count_anomalies_sync (store, row->id, status->from_ms, status->to_ms,
                                               &n_anomalies, error))
        return NULL;
      add_stats (json_node_get_object (row->target), stats, n_anomalies);
      json_array_add_element (targets, g_steal_pointer (&row->target));
    }

  json_object_set_string_member (root, "from", from);
  json_object_set_string_member (root, "to", to);
  json_object_set_array_member (root, "targets", g_steal_pointer (&targets));
  json_node_set_object (node, root);

  return lookout_json_to_string (node, FALSE);
}

void
lookout_api_handle_status (LookoutApiRequest *request)
{
  GListModel *targets = lookout_monitor_get_targets (request->monitor);
  guint n = g_list_model_get_n_items (targets);
  g_autoptr(GError) error = NULL;
  Status *status = g_new0 (Status, 1);

  if (!lookout_api_parse_range (request->query, request->now_ms, DEFAULT_RANGE_MS,
                                &status->from_ms, &status->to_ms, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      status_free (status);
      return;
    }

  status->rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), n);
  g_array_set_clear_func (status->rows, (GDestroyNotify) row_clear);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      Row row;

      lookout_api_add_target (builder, target, request->metrics);
      row.id = lookout_target_get_id (target);
      row.target = json_builder_get_root (builder);
      g_array_append_val (status->rows, row);
    }

  lookout_api_request_run_in_thread (request, status_thread, status, (GDestroyNotify) status_free);
}
