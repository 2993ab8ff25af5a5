/* lookout-trace-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-trace-report"

#include "config.h"

#include <stdlib.h>

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
    g_strfreev (report->hops[i].addresses);
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
