/* lookout-series.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-store.h"

G_BEGIN_DECLS

/* Where a series' columns came from. */
typedef enum
{
  LOOKOUT_SERIES_SOURCE_SAMPLES,
  LOOKOUT_SERIES_SOURCE_MINUTE,
  LOOKOUT_SERIES_SOURCE_HOUR,
  LOOKOUT_SERIES_SOURCE_DAY,
} LookoutSeriesSource;

typedef enum
{
  /* No line joins this column to the previous column with data: the time
   * between them is longer than the data's spacing allows (or there is none). */
  LOOKOUT_SERIES_COLUMN_GAP_BEFORE = 1 << 0,
  /* mid_us is a mean (rollup-backed or updated live), not a median. */
  LOOKOUT_SERIES_COLUMN_MEAN       = 1 << 1,
} LookoutSeriesColumnFlags;

/* One pixel column. Latencies are over the column's timed results (those
 * that were not DOWN and had a latency); -1 when there were none. A column
 * with n == 0 had no data at all; n_fail counts DOWN results. */
typedef struct
{
  gint64  first_us;
  gint64  last_us;
  gint64  min_us;
  gint64  max_us;
  gint64  mid_us;       /* median of the column's samples; mean for rollups */
  gint64  sum_us;
  gint64  first_ts_ms;  /* time span the column's data covers; -1 when empty */
  gint64  last_ts_ms;
  guint32 n;
  guint32 n_fail;
  guint32 n_timed;
  guint8  worst_state;  /* LookoutTargetState, DOWN > DEGRADED > UP > UNKNOWN */
  guint8  flags;        /* LookoutSeriesColumnFlags */
} LookoutSeriesColumn;

#define LOOKOUT_TYPE_SERIES (lookout_series_get_type ())

G_DECLARE_FINAL_TYPE (LookoutSeries, lookout_series, LOOKOUT, SERIES, GObject)

/* The source a plot of [from_ms, to_ms) n_columns wide is read from: raw
 * samples while a column is shorter than half a minute, else the coarsest
 * rollup whose bucket spans at most two columns; coarser when the range
 * starts before the store's retention of the finer table (retention may be
 * NULL). */
LookoutSeriesSource  lookout_series_pick_source        (gint64                        from_ms,
                                                        gint64                        to_ms,
                                                        guint                         n_columns,
                                                        gint64                        now_ms,
                                                        const LookoutStoreRetention  *retention);

/* An empty series of n_columns columns of column_ms each, the first one
 * starting at from_ms. */
LookoutSeries       *lookout_series_new                (gint64                        from_ms,
                                                        gint64                        column_ms,
                                                        guint                         n_columns);
/* Decimates raw samples (ordered by ts_ms): first/min/max/last and the
 * median per column. */
LookoutSeries       *lookout_series_new_from_samples   (gint64                        from_ms,
                                                        gint64                        column_ms,
                                                        guint                         n_columns,
                                                        const LookoutSample          *samples,
                                                        gsize                         n_samples);
/* Decimates rollup buckets (ordered): min/max exact, mid the mean. */
LookoutSeries       *lookout_series_new_from_rollups   (gint64                        from_ms,
                                                        gint64                        column_ms,
                                                        guint                         n_columns,
                                                        LookoutRollupResolution       resolution,
                                                        const LookoutRollup          *rollups,
                                                        gsize                         n_rollups);

gint64               lookout_series_get_from_ms        (LookoutSeries                *self);
gint64               lookout_series_get_to_ms          (LookoutSeries                *self);
gint64               lookout_series_get_column_ms      (LookoutSeries                *self);
guint                lookout_series_get_n_columns      (LookoutSeries                *self);
LookoutSeriesSource  lookout_series_get_source         (LookoutSeries                *self);
/* Typical time between two results (the median spacing of raw samples, the
 * bucket width of rollups); what the gap flags are judged by. */
gint64               lookout_series_get_spacing_ms     (LookoutSeries                *self);
const LookoutSeriesColumn *
                     lookout_series_get_column         (LookoutSeries                *self,
                                                        guint                         index);
/* The last error text of the column's failures, when raw samples gave
 * one; NULL otherwise. */
const char          *lookout_series_get_column_error   (LookoutSeries                *self,
                                                        guint                         index);
/* The index of the column holding ts_ms, or -1 outside the series. */
int                  lookout_series_column_at          (LookoutSeries                *self,
                                                        gint64                        ts_ms);
/* Smallest min_us and largest max_us over all columns; FALSE when no column
 * has a latency. */
gboolean             lookout_series_get_latency_range  (LookoutSeries                *self,
                                                        gint64                       *out_min_us,
                                                        gint64                       *out_max_us);

/* Live updates, costing O(columns) at worst and nothing per stored result:
 * slides the window forward so that it ends at or after to_ms (columns that
 * fall off the start are dropped, new ones are empty), and merges one new
 * result into its column (its mid becomes the column's mean). */
void                 lookout_series_advance            (LookoutSeries                *self,
                                                        gint64                        to_ms);
gboolean             lookout_series_add_sample         (LookoutSeries                *self,
                                                        const LookoutSample          *sample);

/* Reads [from_ms, to_ms) of one target from the store, from the source
 * lookout_series_pick_source() chooses, and decimates it to n_columns, all
 * in a worker thread. Column boundaries are multiples of the column width,
 * so a range that only slides keeps its columns. */
void                 lookout_series_fetch_async        (LookoutStore                 *store,
                                                        gint64                        target_id,
                                                        gint64                        from_ms,
                                                        gint64                        to_ms,
                                                        guint                         n_columns,
                                                        GCancellable                 *cancellable,
                                                        GAsyncReadyCallback           callback,
                                                        gpointer                      user_data);
LookoutSeries       *lookout_series_fetch_finish       (GAsyncResult                 *result,
                                                        GError                      **error);
/* The same for the results of one place: @location is an agent's name,
 * or "local" (or NULL) for this computer's own. Rollups are not kept per
 * place, so these read the stored samples whatever the range. */
void                 lookout_series_fetch_place_async  (LookoutStore                 *store,
                                                        gint64                        target_id,
                                                        const char                   *location,
                                                        gint64                        from_ms,
                                                        gint64                        to_ms,
                                                        guint                         n_columns,
                                                        GCancellable                 *cancellable,
                                                        GAsyncReadyCallback           callback,
                                                        gpointer                      user_data);
LookoutSeries       *lookout_series_fetch_place_sync   (LookoutStore                 *store,
                                                        gint64                        target_id,
                                                        const char                   *location,
                                                        gint64                        from_ms,
                                                        gint64                        to_ms,
                                                        guint                         n_columns,
                                                        GCancellable                 *cancellable,
                                                        GError                      **error);
/* Whether @sample was checked from @location ("local" or NULL: here). */
gboolean             lookout_series_sample_is_from     (const LookoutSample          *sample,
                                                        const char                   *location);
LookoutSeries       *lookout_series_fetch_sync         (LookoutStore                 *store,
                                                        gint64                        target_id,
                                                        gint64                        from_ms,
                                                        gint64                        to_ms,
                                                        guint                         n_columns,
                                                        GCancellable                 *cancellable,
                                                        GError                      **error);

G_END_DECLS
