/* lookout-stats.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-stats"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lookout-stats.h"
#include "lookout-series-private.h"

static void
stats_reset (LookoutStats *stats)
{
  *stats = (LookoutStats) {
    .availability = NAN,
    .min_us = -1, .max_us = -1, .mean_us = -1, .median_us = -1, .p95_us = -1,
    .last_state = LOOKOUT_TARGET_STATE_UNKNOWN,
    .last_ts_ms = -1,
    .degraded_since_ms = -1,
  };
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Accumulates results one at a time, so that a range can be read from the
 * database as a stream: only the timed latencies are kept (8 bytes each),
 * for the median and p95. */
typedef struct
{
  LookoutStats *stats;
  GArray       *timed;
  gint64        sum;
  gboolean      in_outage;
} Accumulator;

static void
accumulator_init (Accumulator  *acc,
                  LookoutStats *stats)
{
  stats_reset (stats);
  stats->exact = TRUE;
  acc->stats = stats;
  acc->timed = g_array_new (FALSE, FALSE, sizeof (gint64));
  acc->sum = 0;
  acc->in_outage = FALSE;
}

static inline void
accumulator_add (Accumulator *acc,
                 gint64       ts_ms,
                 gint64       latency_us,
                 guint8       state)
{
  LookoutStats *stats = acc->stats;
  gboolean down = state == LOOKOUT_TARGET_STATE_DOWN;

  if (stats->n == 0)
    stats->from_ms = ts_ms;
  stats->to_ms = ts_ms + 1;
  stats->n++;
  if (down)
    {
      stats->n_fail++;
      if (!acc->in_outage)
        stats->n_outages++;
    }
  else if (state == LOOKOUT_TARGET_STATE_DEGRADED)
    stats->n_degraded++;
  if (!down && latency_us >= 0)
    {
      g_array_append_val (acc->timed, latency_us);
      acc->sum += latency_us;
    }
  acc->in_outage = down;
  stats->last_state = state;
  stats->last_ts_ms = ts_ms;
}

static void
accumulator_finish (Accumulator *acc)
{
  LookoutStats *stats = acc->stats;
  gint64 *timed = (gint64 *) (gpointer) acc->timed->data;
  gsize k = acc->timed->len;

  stats->n_timed = k;
  if (stats->n > 0)
    stats->availability = 100.0 * (stats->n - stats->n_fail - stats->n_degraded) / stats->n;

  if (k > 0)
    {
      qsort (timed, k, sizeof (gint64), compare_int64);
      stats->min_us = timed[0];
      stats->max_us = timed[k - 1];
      stats->mean_us = acc->sum / (gint64) k;
      stats->median_us = k % 2 ? timed[k / 2] : (timed[k / 2 - 1] + timed[k / 2]) / 2;
      /* Nearest rank: the smallest value with at least 95 % at or below it. */
      stats->p95_us = timed[(gsize) ceil (0.95 * k) - 1];
    }

  g_clear_pointer (&acc->timed, g_array_unref);
}

void
lookout_stats_compute_samples (LookoutStats        *stats,
                               const LookoutSample *samples,
                               gsize                n_samples)
{
  Accumulator acc;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  accumulator_init (&acc, stats);
  for (gsize i = 0; i < n_samples; i++)
    accumulator_add (&acc, samples[i].ts_ms, samples[i].latency_us, samples[i].state);
  accumulator_finish (&acc);
}

static void
sample_scanned_cb (gint64   ts_ms,
                   gint64   latency_us,
                   guint8   state,
                   gpointer user_data)
{
  accumulator_add (user_data, ts_ms, latency_us, state);
}

/* Streams the raw samples of the range through an accumulator. */
static gboolean
read_samples_stats (LookoutStore  *store,
                    gint64         target_id,
                    gint64         from_ms,
                    gint64         to_ms,
                    LookoutStats  *stats,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Accumulator acc;
  gboolean ok;

  accumulator_init (&acc, stats);
  ok = lookout_store_scan_samples_sync (store, target_id, from_ms, to_ms,
                                        sample_scanned_cb, &acc, cancellable, error);
  accumulator_finish (&acc);

  return ok;
}

void
lookout_stats_compute_rollups (LookoutStats        *stats,
                               const LookoutRollup *rollups,
                               gsize                n_rollups,
                               gint64               bucket_ms)
{
  gint64 sum = 0, prev_end = G_MININT64;
  gboolean in_outage = FALSE;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (rollups != NULL || n_rollups == 0);
  g_return_if_fail (bucket_ms > 0);

  stats_reset (stats);
  if (n_rollups == 0)
    return;

  stats->from_ms = rollups[0].bucket_ms;
  stats->to_ms = rollups[n_rollups - 1].bucket_ms + bucket_ms;

  for (gsize i = 0; i < n_rollups; i++)
    {
      const LookoutRollup *r = &rollups[i];
      guint32 n_ok = r->n - r->n_fail;

      stats->n += r->n;
      stats->n_fail += r->n_fail;
      stats->n_degraded += r->n_degraded;

      if (r->n_fail > 0)
        {
          if (!in_outage || r->bucket_ms != prev_end)
            stats->n_outages++;
          in_outage = TRUE;
        }
      else if (r->n > 0)
        in_outage = FALSE;
      prev_end = r->bucket_ms + bucket_ms;

      if (n_ok > 0 && r->min_us >= 0)
        {
          stats->min_us = stats->min_us < 0 ? r->min_us : MIN (stats->min_us, r->min_us);
          stats->max_us = MAX (stats->max_us, r->max_us);
          sum += r->sum_us;
          stats->n_timed += n_ok;
        }
    }

  if (stats->n > 0)
    stats->availability = 100.0 * (stats->n - stats->n_fail - stats->n_degraded) / stats->n;
  if (stats->n_timed > 0)
    stats->mean_us = sum / (gint64) stats->n_timed;

  /* Rollups do not keep states: a failure in the last bucket says DOWN. */
  stats->last_ts_ms = rollups[n_rollups - 1].bucket_ms;
  stats->last_state = rollups[n_rollups - 1].n_fail > 0 ? LOOKOUT_TARGET_STATE_DOWN
                      : rollups[n_rollups - 1].n_degraded > 0 ? LOOKOUT_TARGET_STATE_DEGRADED
                      : LOOKOUT_TARGET_STATE_UP;
}

LookoutStats *
lookout_stats_fetch_sync (LookoutStore  *store,
                          gint64         target_id,
                          gint64         from_ms,
                          gint64         to_ms,
                          GCancellable  *cancellable,
                          GError       **error)
{
  static const gint64 width_ms[] = { 60000, 3600000, 86400000 };
  g_autofree LookoutStats *stats = g_new0 (LookoutStats, 1);
  g_autoptr(GArray) rows = NULL;
  LookoutStoreRetention keep;
  LookoutRollupResolution resolution;
  gint64 now_ms, since_ms;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (to_ms > from_ms, NULL);

  lookout_store_get_retention (store, &keep);
  now_ms = lookout_store_get_now_ms (store);

  /* On failure the rollups are read, which then reports the error. */
  if (lookout_store_raw_complete_since_sync (store, target_id, from_ms, NULL))
    {
      if (!read_samples_stats (store, target_id, from_ms, to_ms, stats, cancellable, error))
        return NULL;
    }
  else
    {
      if (keep.minute_ms == 0 || from_ms >= now_ms - keep.minute_ms)
        resolution = LOOKOUT_ROLLUP_MINUTE;
      else if (keep.hour_ms == 0 || from_ms >= now_ms - keep.hour_ms)
        resolution = LOOKOUT_ROLLUP_HOUR;
      else
        resolution = LOOKOUT_ROLLUP_DAY;

      rows = lookout_store_query_rollups_sync (store, target_id, resolution, from_ms, to_ms,
                                               cancellable, error);
      if (rows == NULL)
        return NULL;
      if (!lookout_store_degraded_since_sync (store, target_id, &since_ms, error))
        return NULL;
      lookout_stats_compute_rollups (stats, (const LookoutRollup *) (gpointer) rows->data,
                                     rows->len, width_ms[resolution]);
      if (since_ms > from_ms)
        stats->degraded_since_ms = since_ms;
    }

  stats->from_ms = from_ms;
  stats->to_ms = to_ms;

  return g_steal_pointer (&stats);
}

typedef struct
{
  LookoutStats *stats;
  gboolean     *complete;
  Accumulator   acc;
  gboolean      open;
} Many;

static void
many_close (Many *many)
{
  if (many->open)
    accumulator_finish (&many->acc);
  many->open = FALSE;
}

static void
many_target_cb (guint    index,
                gboolean complete,
                gpointer user_data)
{
  Many *many = user_data;

  many_close (many);
  many->complete[index] = complete;
  if (complete)
    {
      accumulator_init (&many->acc, &many->stats[index]);
      many->open = TRUE;
    }
}

static void
many_sample_cb (gint64   ts_ms,
                gint64   latency_us,
                guint8   state,
                gpointer user_data)
{
  Many *many = user_data;

  accumulator_add (&many->acc, ts_ms, latency_us, state);
}

LookoutStats *
lookout_stats_fetch_many_sync (LookoutStore  *store,
                               const gint64  *target_ids,
                               guint          n_targets,
                               gint64         from_ms,
                               gint64         to_ms,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree LookoutStats *stats = g_new0 (LookoutStats, MAX (n_targets, 1));
  g_autofree gboolean *complete = g_new0 (gboolean, MAX (n_targets, 1));
  Many many = { stats, complete };
  gboolean ok;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (target_ids != NULL || n_targets == 0, NULL);
  g_return_val_if_fail (to_ms > from_ms, NULL);

  ok = lookout_store_scan_samples_many_sync (store, target_ids, n_targets, from_ms, to_ms,
                                             many_target_cb, many_sample_cb, &many,
                                             cancellable, error);
  many_close (&many);
  if (!ok)
    return NULL;

  for (guint k = 0; k < n_targets; k++)
    {
      if (!complete[k])
        {
          /* pruned raw samples: this target's rollups, as for one */
          g_autofree LookoutStats *one = lookout_stats_fetch_sync (store, target_ids[k], from_ms, to_ms,
                                                                   cancellable, error);

          if (one == NULL)
            return NULL;
          stats[k] = *one;
        }
      stats[k].from_ms = from_ms;
      stats[k].to_ms = to_ms;
    }

  return g_steal_pointer (&stats);
}

static gpointer
read_stats (LookoutStore  *store,
            gint64         target_id,
            gint64         from_ms,
            gint64         to_ms,
            guint          n_columns,
            GCancellable  *cancellable,
            GError       **error)
{
  return lookout_stats_fetch_sync (store, target_id, from_ms, to_ms, cancellable, error);
}

void
lookout_stats_fetch_async (LookoutStore        *store,
                           gint64               target_id,
                           gint64               from_ms,
                           gint64               to_ms,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (to_ms > from_ms);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  lookout_series_run_read_async (store, target_id, from_ms, to_ms, 0,
                                 read_stats, g_free, lookout_stats_fetch_async,
                                 cancellable, callback, user_data);
}

LookoutStats *
lookout_stats_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_stats_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
