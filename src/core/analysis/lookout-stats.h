/* lookout-stats.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-store.h"
#include "lookout-types.h"

G_BEGIN_DECLS

/* Response statistics of one target over a range. Latencies are over the
 * timed results (not DOWN, with a latency); -1 when unknown. An outage is
 * a maximal run of DOWN results.
 *
 * From raw samples everything is exact (exact = TRUE). From rollups
 * (n, n_fail, min, max, sum per bucket; used when raw samples of the range
 * have been pruned by retention) availability, failures, min, max and mean
 * are exact for the whole buckets covering the range, median and p95 are
 * unknown (-1), and an outage is a run of consecutive buckets with
 * failures, so two short outages within one run count once. */
typedef struct
{
  gint64             from_ms;
  gint64             to_ms;
  guint64            n;
  guint64            n_fail;
  guint64            n_degraded;     /* DEGRADED results */
  guint64            n_timed;
  guint64            n_outages;
  double             availability;   /* percent of results UP (neither DOWN nor DEGRADED); NaN when n == 0 */
  gint64             min_us;
  gint64             max_us;
  gint64             mean_us;
  gint64             median_us;
  gint64             p95_us;
  LookoutTargetState last_state;
  gint64             last_ts_ms;     /* -1 when there is no result */
  gboolean           exact;
  gint64             degraded_since_ms;  /* -1, or the range's degraded results are counted only from then on */
} LookoutStats;

void          lookout_stats_compute_samples  (LookoutStats         *stats,
                                              const LookoutSample  *samples,
                                              gsize                 n_samples);
void          lookout_stats_compute_rollups  (LookoutStats         *stats,
                                              const LookoutRollup  *rollups,
                                              gsize                 n_rollups,
                                              gint64                bucket_ms);

/* Reads the range in a worker thread: raw samples (streamed, keeping only
 * their latencies) when none of the range's has been pruned, else the
 * finest rollups still kept. The result is freed with g_free(). */
void          lookout_stats_fetch_async      (LookoutStore         *store,
                                              gint64                target_id,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
LookoutStats *lookout_stats_fetch_finish     (GAsyncResult         *result,
                                              GError              **error);
LookoutStats *lookout_stats_fetch_sync       (LookoutStore         *store,
                                              gint64                target_id,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              GCancellable         *cancellable,
                                              GError              **error);
/* lookout_stats_fetch_sync() of each of @target_ids (n_targets of them),
 * read from one snapshot of the store: an array of as many stats, freed
 * with g_free(). */
LookoutStats *lookout_stats_fetch_many_sync  (LookoutStore         *store,
                                              const gint64         *target_ids,
                                              guint                 n_targets,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              GCancellable         *cancellable,
                                              GError              **error);

G_END_DECLS
