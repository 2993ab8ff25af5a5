/* lookout-api-metrics.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_API_METRICS (lookout_api_metrics_get_type ())

G_DECLARE_FINAL_TYPE (LookoutApiMetrics, lookout_api_metrics, LOOKOUT, API_METRICS, GObject)

/* Keeps each target's last result, when its state last changed and its
 * results by outcome, from the monitor's "result" signal, and renders them
 * as Prometheus text (exposition format 0.0.4) without touching the store. */
LookoutApiMetrics   *lookout_api_metrics_new             (LookoutMonitor    *monitor);
/* Appends the exposition of every target of the monitor to @out. */
void                 lookout_api_metrics_render          (LookoutApiMetrics *self,
                                                          GString           *out);
/* What a scrape prints, copied from the table under its lock on any
 * thread (a scrape does it on a worker thread) and rendered on any. */
typedef struct _LookoutApiMetricsSnapshot LookoutApiMetricsSnapshot;

LookoutApiMetricsSnapshot *lookout_api_metrics_snapshot        (LookoutApiMetrics *self);
void                 lookout_api_metrics_snapshot_render (const LookoutApiMetricsSnapshot *snapshot,
                                                          GString           *out);
void                 lookout_api_metrics_snapshot_free   (LookoutApiMetricsSnapshot *snapshot);

/* On a manager, what its link to each agent shows. */
typedef struct
{
  gboolean online;
  guint64  dropped;          /* by the agent's outbox bounds, ever */
  guint64  gaps;
  guint64  duplicates;
  gint64   clock_offset_ms;
} LookoutApiAgentFigures;

void                 lookout_api_metrics_set_agent       (LookoutApiMetrics            *self,
                                                          const char                   *name,
                                                          const LookoutApiAgentFigures *figures);

/* The last result of a target, or NULL. */
const LookoutResult *lookout_api_metrics_get_last_result (LookoutApiMetrics *self,
                                                          gint64             target_id);
/* When the target's state became what it is (ms), 0 when not seen here. */
gint64               lookout_api_metrics_get_state_since (LookoutApiMetrics *self,
                                                          gint64             target_id);

G_END_DECLS
