/* lookout-trace-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-trace-report"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lookout-json.h"
#include "lookout-trace-report.h"

G_DEFINE_BOXED_TYPE (LookoutTraceReport, lookout_trace_report,
                     lookout_trace_report_ref, lookout_trace_report_unref)

LookoutTraceReport *
lookout_trace_report_new (const char *destination,
                          guint       n_hops)
{
  LookoutTraceReport *report = g_new0 (LookoutTraceReport, 1);

  g_atomic_ref_count_init (&report->ref_count);
  report->destination = g_strdup (destination);
  report->n_hops = n_hops;
  report->hops = g_new0 (LookoutTraceHop, MAX (n_hops, 1));
  for (guint i = 0; i < n_hops; i++)
    report->hops[i].ttl = i + 1;

  return report;
}

LookoutTraceReport *
lookout_trace_report_ref (LookoutTraceReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);

  g_atomic_ref_count_inc (&report->ref_count);
  return report;
}

void
lookout_trace_report_unref (LookoutTraceReport *report)
{
  g_return_if_fail (report != NULL);

  if (!g_atomic_ref_count_dec (&report->ref_count))
    return;

  for (guint i = 0; i < report->n_hops; i++)
    {
      g_strfreev (report->hops[i].addresses);
      g_free (report->hops[i].name);
    }
  g_free (report->hops);
  g_free (report->destination);
  g_free (report);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gint64
lookout_trace_median_us (gint64 *values,
                         guint   n)
{
  if (n == 0)
    return -1;

  qsort (values, n, sizeof values[0], compare_gint64);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

gint64
lookout_trace_hop_median_us (const LookoutTraceHop *hop)
{
  gint64 values[LOOKOUT_TRACE_MAX_PROBES];
  guint n = 0;

  g_return_val_if_fail (hop != NULL, -1);

  for (guint i = 0; i < MIN (hop->sent, LOOKOUT_TRACE_MAX_PROBES); i++)
    if (hop->rtt_us[i] >= 0)
      values[n++] = hop->rtt_us[i];

  return lookout_trace_median_us (values, n);
}

gint64
lookout_trace_stdev_us (const gint64 *values,
                        guint         n)
{
  double mean = 0, variance = 0;

  if (n == 0)
    return -1;

  for (guint i = 0; i < n; i++)
    mean += values[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    variance += (values[i] - mean) * (values[i] - mean);

  return (gint64) llround (sqrt (variance / n));
}

void
lookout_trace_hop_get_stats (const LookoutTraceHop *hop,
                             LookoutTraceHopStats  *stats)
{
  gint64 values[LOOKOUT_TRACE_MAX_PROBES];
  guint n = 0;
  guint sent;

  g_return_if_fail (hop != NULL);
  g_return_if_fail (stats != NULL);

  *stats = (LookoutTraceHopStats) { -1, -1, -1, -1, -1 };
  sent = MIN (hop->sent, LOOKOUT_TRACE_MAX_PROBES);
  if (sent > 0)
    stats->last_us = hop->rtt_us[sent - 1];

  for (guint i = 0; i < sent; i++)
    {
      gint64 rtt = hop->rtt_us[i];

      if (rtt < 0)
        continue;
      values[n++] = rtt;
      if (stats->best_us < 0 || rtt < stats->best_us)
        stats->best_us = rtt;
      stats->worst_us = MAX (stats->worst_us, rtt);
    }

  stats->stdev_us = lookout_trace_stdev_us (values, n);
  stats->median_us = lookout_trace_median_us (values, n);
}

void
lookout_trace_hop_add_json (JsonBuilder                *builder,
                            guint                       ttl,
                            const char * const         *addresses,
                            const char                 *name,
                            guint                       sent,
                            guint                       received,
                            const LookoutTraceHopStats *stats)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (stats != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ttl");
  json_builder_add_int_value (builder, ttl);
  json_builder_set_member_name (builder, "addresses");
  json_builder_begin_array (builder);
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    json_builder_add_string_value (builder, addresses[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "name");
  if (name != NULL)
    json_builder_add_string_value (builder, name);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "sent");
  json_builder_add_int_value (builder, sent);
  json_builder_set_member_name (builder, "received");
  json_builder_add_int_value (builder, received);
  json_builder_set_member_name (builder, "loss");
  json_builder_add_double_value (builder, sent > 0 ? 1.0 - (double) received / sent : 1.0);
  lookout_json_add_ms (builder, "rtt_ms", stats->median_us);
  lookout_json_add_ms (builder, "last_ms", stats->last_us);
  lookout_json_add_ms (builder, "best_ms", stats->best_us);
  lookout_json_add_ms (builder, "worst_ms", stats->worst_us);
  lookout_json_add_ms (builder, "median_ms", stats->median_us);
  lookout_json_add_ms (builder, "stdev_ms", stats->stdev_us);
  json_builder_end_object (builder);
}

JsonNode *
lookout_trace_report_hops_to_json (const LookoutTraceReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (report != NULL, NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < report->n_hops; i++)
    {
      const LookoutTraceHop *hop = &report->hops[i];
      LookoutTraceHopStats stats;

      lookout_trace_hop_get_stats (hop, &stats);
      lookout_trace_hop_add_json (builder, hop->ttl, (const char * const *) hop->addresses,
                                  hop->name, hop->sent, hop->received, &stats);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}
