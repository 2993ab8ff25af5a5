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

static void
stats_reset (LookoutStats *stats)
{
  *stats = (LookoutStats) {
    .availability = NAN,
    .min_us = -1, .max_us = -1, .mean_us = -1, .median_us = -1, .p95_us = -1,
    .last_state = LOOKOUT_TARGET_STATE_UNKNOWN,
    .last_ts_ms = -1,
  };
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

void
lookout_stats_compute_samples (LookoutStats        *stats,
                               const LookoutSample *samples,
                               gsize                n_samples)
{
  g_autofree gint64 *timed = NULL;
  gboolean in_outage = FALSE;
  gint64 sum = 0;
  gsize k = 0;

  g_return_if_fail (stats != NULL);
  g_return_if_fail (samples != NULL || n_samples == 0);

  stats_reset (stats);
  stats->exact = TRUE;
  if (n_samples == 0)
    return;

  stats->from_ms = samples[0].ts_ms;
  stats->to_ms = samples[n_samples - 1].ts_ms + 1;
  timed = g_new (gint64, n_samples);

  for (gsize i = 0; i < n_samples; i++)
    {
      const LookoutSample *s = &samples[i];
      gboolean down = s->state == LOOKOUT_TARGET_STATE_DOWN;

      stats->n++;
      if (down)
        {
          stats->n_fail++;
          if (!in_outage)
            stats->n_outages++;
        }
      else if (s->latency_us >= 0)
        {
          timed[k++] = s->latency_us;
          sum += s->latency_us;
        }
      in_outage = down;
    }

  stats->n_timed = k;
  stats->availability = 100.0 * (stats->n - stats->n_fail) / stats->n;
  stats->last_state = samples[n_samples - 1].state;
  stats->last_ts_ms = samples[n_samples - 1].ts_ms;

  if (k > 0)
    {
      qsort (timed, k, sizeof (gint64), compare_int64);
      stats->min_us = timed[0];
      stats->max_us = timed[k - 1];
      stats->mean_us = sum / (gint64) k;
      stats->median_us = k % 2 ? timed[k / 2] : (timed[k / 2 - 1] + timed[k / 2]) / 2;
      /* Nearest rank: the smallest value with at least 95 % at or below it. */
      stats->p95_us = timed[(gsize) ceil (0.95 * k) - 1];
    }
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
    stats->availability = 100.0 * (stats->n - stats->n_fail) / stats->n;
  if (stats->n_timed > 0)
    stats->mean_us = sum / (gint64) stats->n_timed;

  /* Rollups do not keep states: a failure in the last bucket says DOWN. */
  stats->last_ts_ms = rollups[n_rollups - 1].bucket_ms;
  stats->last_state = rollups[n_rollups - 1].n_fail > 0 ? LOOKOUT_TARGET_STATE_DOWN
                                                        : LOOKOUT_TARGET_STATE_UP;
}

typedef struct
{
  LookoutStore *store;
  gint64        target_id;
  gint64        from_ms;
  gint64        to_ms;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_object (&f->store);
  g_free (f);
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
  gint64 now_ms = g_get_real_time () / 1000;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (to_ms > from_ms, NULL);

  lookout_store_get_retention (store, &keep);

  if (keep.samples_ms == 0 || from_ms >= now_ms - keep.samples_ms)
    {
      rows = lookout_store_query_samples_sync (store, target_id, from_ms, to_ms,
                                               cancellable, error);
      if (rows == NULL)
        return NULL;
      lookout_stats_compute_samples (stats, (const LookoutSample *) (gpointer) rows->data, rows->len);
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
      lookout_stats_compute_rollups (stats, (const LookoutRollup *) (gpointer) rows->data,
                                     rows->len, width_ms[resolution]);
    }

  stats->from_ms = from_ms;
  stats->to_ms = to_ms;

  return g_steal_pointer (&stats);
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Fetch *f = task_data;
  GError *error = NULL;
  LookoutStats *stats;

  stats = lookout_stats_fetch_sync (f->store, f->target_id, f->from_ms, f->to_ms,
                                    cancellable, &error);
  if (stats == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stats, g_free);
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
  g_autoptr(GTask) task = NULL;
  Fetch *f;

  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (to_ms > from_ms);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  f = g_new0 (Fetch, 1);
  f->store = g_object_ref (store);
  f->target_id = target_id;
  f->from_ms = from_ms;
  f->to_ms = to_ms;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_stats_fetch_async);
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  g_task_run_in_thread (task, fetch_thread);
}

LookoutStats *
lookout_stats_fetch_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_stats_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
