/* lookout-api-status.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/status: every target as /api/v1/targets shows it, with its
 * statistics over the range, the same numbers as the target page computes
 * (lookout_stats_fetch_sync()). The main thread copies the targets and,
 * for the default range, their statistics from the monitor's summaries of
 * the last day (LookoutLiveStats), which read nothing; on a worker thread
 * the statistics of the rest (another range, a target the summaries cannot
 * answer for) are read from one snapshot of the store
 * (lookout_stats_fetch_many_sync()), the anomalies counted with one query,
 * and the answer written straight into one buffer. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"
#include "lookout-stats.h"
#include "lookout-store-report.h"

#define DEFAULT_RANGE_MS LOOKOUT_API_STATUS_RANGE_MS

typedef struct
{
  gint64                from_ms;
  gint64                to_ms;
  guint                 n;
  gint64               *ids;
  LookoutApiTargetRows *rows;     /* copied on the main thread */
  LookoutStats         *stats;
  gboolean             *known;    /* stats[i] from the summaries */
} Status;

static void
status_free (Status *status)
{
  g_clear_pointer (&status->rows, lookout_api_target_rows_free);
  g_free (status->ids);
  g_free (status->stats);
  g_free (status->known);
  g_free (status);
}

/* At most what put_stats() writes. */
#define STATS_MAX (320 + 11 * LOOKOUT_API_PUT_MAX)

static char *
put_seconds_or_null (char     *p,
                     gboolean  known,
                     gint64    us)
{
  return known && us >= 0 ? lookout_api_put_micro (p, us) : LOOKOUT_API_PUT_LITERAL (p, "null");
}

static char *
put_stats (char               *p,
           const LookoutStats *stats,
           guint64             n_anomalies)
{
  gboolean timed = stats->n_timed > 0;

  p = LOOKOUT_API_PUT_LITERAL (p, ",\"stats\":{\"availability\":");
  if (stats->n > 0 && !isnan (stats->availability))
    p = lookout_api_put_double (p, stats->availability);
  else
    p = LOOKOUT_API_PUT_LITERAL (p, "null");
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"results\":");
  p = lookout_api_put_int (p, stats->n);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"latency\":{\"min\":");
  p = put_seconds_or_null (p, timed, stats->min_us);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"mean\":");
  p = put_seconds_or_null (p, timed, stats->mean_us);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"median\":");
  p = put_seconds_or_null (p, timed, stats->median_us);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"p95\":");
  p = put_seconds_or_null (p, timed, stats->p95_us);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"max\":");
  p = put_seconds_or_null (p, timed, stats->max_us);
  p = LOOKOUT_API_PUT_LITERAL (p, "},\"failures\":");
  p = lookout_api_put_int (p, stats->n_fail);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"degraded\":");
  p = lookout_api_put_int (p, stats->n_degraded);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"degraded_since\":");
  if (stats->degraded_since_ms >= 0)
    p = lookout_api_put_time (p, stats->degraded_since_ms);
  else
    p = LOOKOUT_API_PUT_LITERAL (p, "null");
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"outages\":");
  p = lookout_api_put_int (p, stats->n_outages);
  p = LOOKOUT_API_PUT_LITERAL (p, ",\"anomalies\":");
  p = lookout_api_put_int (p, n_anomalies);
  return stats->exact ? LOOKOUT_API_PUT_LITERAL (p, ",\"exact\":true}}") : LOOKOUT_API_PUT_LITERAL (p, ",\"exact\":false}}");
}

static char *
status_thread (LookoutStore  *store,
               gpointer       data,
               guint         *status_code,
               GError       **error)
{
  Status *status = data;
  LookoutStats *stats = status->stats;
  g_autofree gint64 *unknown = g_new (gint64, MAX (status->n, 1));
  g_autoptr(GHashTable) anomalies = NULL;
  guint n_unknown = 0;
  GString *out;

  for (guint i = 0; i < status->n; i++)
    if (!status->known[i])
      unknown[n_unknown++] = status->ids[i];
  if (n_unknown > 0)
    {
      g_autofree LookoutStats *read = lookout_stats_fetch_many_sync (store, unknown, n_unknown,
                                                                     status->from_ms, status->to_ms,
                                                                     NULL, error);

      if (read == NULL)
        return NULL;
      for (guint i = 0, k = 0; i < status->n; i++)
        if (!status->known[i])
          stats[i] = read[k++];
    }
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
      gsize len;
      char *p;

      if (i > 0)
        g_string_append_c (out, ',');
      lookout_api_append_target_open (out, &status->rows->rows[i]);
      len = out->len;
      g_string_set_size (out, len + STATS_MAX);
      p = put_stats (out->str + len, &stats[i], n_anomalies ? *n_anomalies : 0);
      g_string_truncate (out, p - out->str);
    }
  g_string_append (out, "]}");

  return g_string_free (out, FALSE);
}

void
lookout_api_handle_status (LookoutApiRequest *request)
{
  GListModel *targets = lookout_monitor_get_targets (request->monitor);
  LookoutLiveStats *live = lookout_monitor_get_live_stats (request->monitor);
  g_autoptr(GError) error = NULL;
  Status *status = g_new0 (Status, 1);
  guint n;

  if (!lookout_api_parse_range (request->query, request->now_ms, DEFAULT_RANGE_MS,
                                &status->from_ms, &status->to_ms, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      status_free (status);
      return;
    }

  status->rows = lookout_api_target_rows_new (targets, request->metrics);
  n = status->n = status->rows->n;
  status->ids = g_new (gint64, MAX (n, 1));
  status->stats = g_new0 (LookoutStats, MAX (n, 1));
  status->known = g_new0 (gboolean, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      status->ids[i] = status->rows->rows[i].id;
      status->known[i] = live != NULL &&
                         lookout_live_stats_get (live, status->ids[i], status->from_ms, status->to_ms,
                                                 &status->stats[i]);
    }

  lookout_api_request_run_in_thread (request, status_thread, status, (GDestroyNotify) status_free);
}
