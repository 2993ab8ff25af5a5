/* lookout-store-anomalies.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-store.h"

G_BEGIN_DECLS

/* One row of the anomalies table: a period of a target's results that the
 * anomaly detector (analysis/lookout-anomaly-detector) found unusual.
 * end_ms is -1 while it lasts; kind is the detector's name for it
 * ("level_shift", "jitter", "drift", "loss_burst"). */
typedef struct
{
  gint64  id;
  gint64  target_id;
  gint64  start_ms;
  gint64  end_ms;
  char   *kind;
  double  score;
  char   *message;
} LookoutStoredAnomaly;

void     lookout_stored_anomaly_clear        (LookoutStoredAnomaly *anomaly);

/* Queued like samples. Writes the anomaly of (target_id, start_ms, kind),
 * or updates it if it is stored already: the same call opens it (end_ms
 * -1) and later closes it, and feeding the same history twice stores each
 * anomaly once. */
void     lookout_store_put_anomaly           (LookoutStore         *self,
                                              gint64                target_id,
                                              gint64                start_ms,
                                              gint64                end_ms,
                                              const char           *kind,
                                              double                score,
                                              const char           *message);

/* The anomalies that overlap [from_ms, to_ms) (open ones reach to now),
 * oldest first: @target_id < 0 for every target, @to_ms 0 for no upper
 * bound, @limit 0 for no limit. A GArray of LookoutStoredAnomaly with a
 * clear func, read on a reader connection. */
GArray  *lookout_store_query_anomalies_sync  (LookoutStore         *self,
                                              gint64                target_id,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              guint                 limit,
                                              GCancellable         *cancellable,
                                              GError              **error);
void     lookout_store_query_anomalies_async (LookoutStore         *self,
                                              gint64                target_id,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              guint                 limit,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
GArray  *lookout_store_query_anomalies_finish (LookoutStore        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
