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
#include "lookout-store-private.h"

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
  else if (latency_us >= 0)
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
    stats->availability = 100.0 * (stats->n - stats->n_fail) / stats->n;

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

static gint64
query_int64 (sqlite3    *db,
             const char *sql,
             gint64      target_id,
             gint64      arg1,
             gint64      arg2,
             gboolean   *out_null,
             int        *out_rc)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 value = 0;

  *out_null = TRUE;
  if ((*out_rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (stmt, 1, target_id);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_int64 (stmt, 2, arg1);
  if (sqlite3_bind_parameter_count (stmt) > 2)
    sqlite3_bind_int64 (stmt, 3, arg2);
  if ((*out_rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *out_null = sqlite3_column_type (stmt, 0) == SQLITE_NULL;
      value = sqlite3_column_int64 (stmt, 0);
      *out_rc = SQLITE_OK;
    }
  else if (*out_rc == SQLITE_DONE)
    *out_rc = SQLITE_OK;

  return value;
}

/* Whether the raw samples from from_ms on are all still there: the oldest
 * raw sample is not newer than from_ms, or no minute bucket lies between
 * from_ms and it (nothing was pruned there). Both are primary-key lookups. */
static gboolean
raw_complete_since (LookoutStore *store,
                    gint64        target_id,
                    gint64        from_ms)
{
  LookoutStoreDb *db;
  gboolean none, complete;
  gint64 oldest;
  int rc;

  /* On failure the rollups are read, which then reports the error. */
  if (!(db = lookout_store_acquire_reader (store, NULL)))
    return FALSE;

  oldest = query_int64 (db->db, "SELECT min (ts_ms) FROM samples WHERE target_id = ?1",
                        target_id, 0, 0, &none, &rc);
  if (rc == SQLITE_OK && none)
    oldest = G_MAXINT64 - 60000;
  if (rc == SQLITE_OK && oldest <= from_ms)
    complete = TRUE;
  else if (rc == SQLITE_OK)
    {
      query_int64 (db->db,
                   "SELECT 1 FROM rollup_minute"
                   " WHERE target_id = ?1 AND bucket >= ?2 AND bucket < ?3 LIMIT 1",
                   target_id, from_ms - from_ms % 60000, oldest - oldest % 60000, &none, &rc);
      complete = rc == SQLITE_OK && none;
    }
  else
    complete = FALSE;

  lookout_store_release_reader (store, db);

  return complete;
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  Accumulator acc;
  guint rows = 0;
  int rc;

  if (!(db = lookout_store_acquire_reader (store, error)))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT ts_ms, latency_us, state FROM samples"
                           " WHERE target_id = ?1 AND ts_ms >= ?2 AND ts_ms < ?3 ORDER BY ts_ms",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "read samples for statistics");
      lookout_store_release_reader (store, db);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);

  accumulator_init (&acc, stats);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      accumulator_add (&acc, sqlite3_column_int64 (stmt, 0),
                       sqlite3_column_type (stmt, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 1),
                       sqlite3_column_int (stmt, 2));
      if (++rows % 65536 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }
  accumulator_finish (&acc);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    lookout_store_set_error (error, db->db, rc, "read samples for statistics");
  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (store, db);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
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

  if (raw_complete_since (store, target_id, from_ms))
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
      lookout_stats_compute_rollups (stats, (const LookoutRollup *) (gpointer) rows->data,
                                     rows->len, width_ms[resolution]);
    }

  stats->from_ms = from_ms;
  stats->to_ms = to_ms;

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
