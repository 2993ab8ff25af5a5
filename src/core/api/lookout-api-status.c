/* lookout-api-status.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/status: every target as /api/v1/targets shows it, with its
 * statistics over the range, the same numbers as the target page computes
 * (lookout_stats_fetch_sync()). The main thread only copies the targets;
 * on a worker thread the statistics of all of them are read from one
 * snapshot of the store (lookout_stats_fetch_many_sync()), the anomalies
 * counted with one query, and the answer written straight into one
 * buffer: ten thousand targets in a few tens of milliseconds. */

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
  gint64               from_ms;
  gint64               to_ms;
  guint                n;
  gint64              *ids;
  LookoutApiTargetRow *rows;     /* copied on the main thread */
} Status;

static void
status_free (Status *status)
{
  for (guint i = 0; i < status->n; i++)
    lookout_api_target_row_clear (&status->rows[i]);
  g_free (status->rows);
  g_free (status->ids);
  g_free (status);
}

static void
append_seconds_or_null (GString *out,
                        gboolean known,
                        gint64   us)
{
  if (known && us >= 0)
    lookout_api_append_micro (out, us);
  else
    g_string_append (out, "null");
}

static void
append_stats (GString            *out,
              const LookoutStats *stats,
              guint64             n_anomalies)
{
  gboolean timed = stats->n_timed > 0;

  g_string_append (out, ",\"stats\":{\"availability\":");
  if (stats->n > 0 && !isnan (stats->availability))
    lookout_json_append_double (out, stats->availability);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"results\":");
  lookout_api_append_int (out, stats->n);
  g_string_append (out, ",\"latency\":{\"min\":");
  append_seconds_or_null (out, timed, stats->min_us);
  g_string_append (out, ",\"mean\":");
  append_seconds_or_null (out, timed, stats->mean_us);
  g_string_append (out, ",\"median\":");
  append_seconds_or_null (out, timed, stats->median_us);
  g_string_append (out, ",\"p95\":");
  append_seconds_or_null (out, timed, stats->p95_us);
  g_string_append (out, ",\"max\":");
  append_seconds_or_null (out, timed, stats->max_us);
  g_string_append (out, "},\"failures\":");
  lookout_api_append_int (out, stats->n_fail);
  g_string_append (out, ",\"degraded\":");
  lookout_api_append_int (out, stats->n_degraded);
  g_string_append (out, ",\"degraded_since\":");
  if (stats->degraded_since_ms >= 0)
    lookout_api_append_time (out, stats->degraded_since_ms);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"outages\":");
  lookout_api_append_int (out, stats->n_outages);
  g_string_append (out, ",\"anomalies\":");
  lookout_api_append_int (out, n_anomalies);
  g_string_append (out, ",\"exact\":");
  g_string_append (out, stats->exact ? "true}" : "false}");
}

static char *
status_thread (LookoutStore  *store,
               gpointer       data,
               guint         *status_code,
               GError       **error)
{
  Status *status = data;
  g_autofree LookoutStats *stats = NULL;
  g_autoptr(GHashTable) anomalies = NULL;
  GString *out;

  stats = lookout_stats_fetch_many_sync (store, status->ids, status->n,
                                         status->from_ms, status->to_ms, NULL, error);
  if (stats == NULL)
    return NULL;
  anomalies = lookout_store_count_anomalies_by_target_sync (store, status->from_ms, status->to_ms, error);
  if (anomalies == NULL)
    return NULL;

  out = g_string_sized_new (64 + (gsize) status->n * 640);
  g_string_append (out, "{\"from\":");
  lookout_api_append_time (out, status->from_ms);
  g_string_append (out, ",\"to\":");
  lookout_api_append_time (out, status->to_ms);
  g_string_append (out, ",\"targets\":[");
  for (guint i = 0; i < status->n; i++)
    {
      const guint64 *n_anomalies = g_hash_table_lookup (anomalies, &status->ids[i]);

      if (i > 0)
        g_string_append_c (out, ',');
      lookout_api_append_target_open (out, &status->rows[i]);
      append_stats (out, &stats[i], n_anomalies ? *n_anomalies : 0);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");

  return g_string_free (out, FALSE);
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

  status->n = n;
  status->ids = g_new (gint64, MAX (n, 1));
  status->rows = g_new0 (LookoutApiTargetRow, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);

      lookout_api_target_row_init (&status->rows[i], target, request->metrics);
      status->ids[i] = status->rows[i].id;
    }

  lookout_api_request_run_in_thread (request, status_thread, status, (GDestroyNotify) status_free);
}
