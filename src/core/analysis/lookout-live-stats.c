/* lookout-live-stats.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How it works
 *
 * Per target, a window of its samples since a cut-off (expired_to):
 *
 *   entries  every sample in time order, 8 bytes: milliseconds after the
 *            window's base, and the latency (29 bits of µs, all ones when
 *            untimed) with the state in the top 3 bits. Expiry moves a head
 *            index; the array is compacted once half of it is dead.
 *   sorted   the timed latencies (neither DOWN nor without a latency) in
 *            ascending order, 4 bytes each: min, max, median and p95 are
 *            read at their ranks, as lookout-stats.c's sort gives them.
 *
 * Counts (failures, degraded, the latency sum) follow every insertion and
 * expiry. An outage is a maximal run of DOWN results: the window counts
 * the entries after the first that are DOWN after one that is not, and a
 * range's outages are that plus one when its first entry is DOWN.
 *
 * A window holds exactly what the store holds for its target since
 * expired_to, or is marked invalid and the store answers for it: a target
 * whose raw samples the store could not read completely, one removed
 * (its history stays in the file), two samples of one millisecond (the
 * store keeps both or one by their places, which a window does not keep),
 * a latency too long for 29 bits. A retention shorter than the span turns
 * every window off, since the store then answers from rollups.
 *
 * The windows share a memory budget (LOOKOUT_LIVE_STATS_DEFAULT_BUDGET,
 * checked after seeding and every few thousand samples): past it, the
 * largest windows (the targets checked most often) are given up, and the
 * store answers for those targets.
 *
 * Seeding reads the last span of every target on a worker thread after
 * the writer has stored what was queued; samples added meanwhile wait and
 * are merged after: one older than the read's end that the read already
 * holds (the same millisecond, latency and state) is not added twice.
 */

#define G_LOG_DOMAIN "lookout-live-stats"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-live-stats.h"

#define LATENCY_BITS   29
#define UNTIMED        ((1u << LATENCY_BITS) - 1)
#define STATE_OF(v)    ((v) >> LATENCY_BITS)
#define LATENCY_OF(v)  ((v) & UNTIMED)
/* Samples are dropped a little after they leave the span, so that a
 * request whose clock is a little behind the newest sample still finds
 * its whole range. */
#define EXPIRY_SLACK_MS (10 * 60 * G_GINT64_CONSTANT (1000))

typedef struct
{
  guint32 t;
  guint32 v;
} Entry;

typedef struct
{
  gint64   base_ms;
  gint64   expired_to;
  Entry   *entries;
  guint    head;
  guint    len;
  guint    cap;
  guint32 *sorted;
  guint    n_sorted;
  guint    sorted_cap;
  guint64  n_fail;
  guint64  n_degraded;
  gint64   sum;
  guint64  run_starts;
  gboolean valid;
} Window;

struct _LookoutLiveStats
{
  GObject       parent_instance;

  LookoutStore *store;
  gint64        span_ms;
  GHashTable   *windows;       /* gint64 id -> Window */
  gint64        newest_ms;

  GArray       *pending;       /* LookoutSample without texts, while seeding */
  gint64        seed_end_ms;
  GCancellable *cancellable;
  gsize         budget;
  guint         added;         /* samples since the budget was checked */
  guint         seeding : 1;
  guint         ready : 1;
  guint         retention_short : 1;
};

G_DEFINE_FINAL_TYPE (LookoutLiveStats, lookout_live_stats, G_TYPE_OBJECT)

static void
window_free (Window *w)
{
  g_free (w->entries);
  g_free (w->sorted);
  g_free (w);
}

static Window *
window_new (gint64 expired_to)
{
  Window *w = g_new0 (Window, 1);

  w->expired_to = expired_to;
  w->base_ms = expired_to > 0 ? expired_to : 0;
  w->valid = TRUE;
  return w;
}

static void
window_invalidate (Window *w)
{
  g_clear_pointer (&w->entries, g_free);
  g_clear_pointer (&w->sorted, g_free);
  w->head = w->len = w->cap = 0;
  w->n_sorted = w->sorted_cap = 0;
  w->valid = FALSE;
}

static inline gboolean
entry_down (const Entry *e)
{
  return STATE_OF (e->v) == LOOKOUT_TARGET_STATE_DOWN;
}

/* Whether entry @i (after the head) starts a run of DOWN results. */
static inline guint
run_start_at (const Window *w,
              guint         i)
{
  return i > w->head && i < w->len && entry_down (&w->entries[i]) && !entry_down (&w->entries[i - 1]);
}

static inline gint64
entry_time (const Window *w,
            guint         i)
{
  return w->base_ms + w->entries[i].t;
}

/* Makes @ts_ms representable after the base, moving the base back for an
 * older sample; FALSE when the window spans too long for 32 bits. */
static gboolean
window_fit (Window *w,
            gint64  ts_ms)
{
  if (w->head == w->len)
    {
      w->head = w->len = 0;
      w->base_ms = ts_ms;
      return TRUE;
    }
  if (ts_ms < w->base_ms)
    {
      gint64 shift = w->base_ms - ts_ms;

      if ((gint64) w->entries[w->len - 1].t + shift > G_MAXUINT32)
        return FALSE;
      for (guint i = w->head; i < w->len; i++)
        w->entries[i].t += shift;
      w->base_ms = ts_ms;
      return TRUE;
    }
  if (ts_ms - w->base_ms <= G_MAXUINT32)
    return TRUE;

  /* the base moves up to the oldest entry held */
  {
    gint64 shift = w->entries[w->head].t;

    if (ts_ms - (w->base_ms + shift) > G_MAXUINT32)
      return FALSE;
    for (guint i = w->head; i < w->len; i++)
      w->entries[i].t -= shift;
    w->base_ms += shift;
  }
  return TRUE;
}

static void
sorted_insert (Window  *w,
               guint32  latency)
{
  guint lo = 0, hi = w->n_sorted;

  if (w->n_sorted == w->sorted_cap)
    {
      w->sorted_cap = MAX (16, w->sorted_cap + w->sorted_cap / 4);
      w->sorted = g_renew (guint32, w->sorted, w->sorted_cap);
    }
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (w->sorted[mid] <= latency)
        lo = mid + 1;
      else
        hi = mid;
    }
  memmove (w->sorted + lo + 1, w->sorted + lo, (w->n_sorted - lo) * sizeof (guint32));
  w->sorted[lo] = latency;
  w->n_sorted++;
}

static void
sorted_remove (Window  *w,
               guint32  latency)
{
  guint lo = 0, hi = w->n_sorted;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (w->sorted[mid] < latency)
        lo = mid + 1;
      else
        hi = mid;
    }
  g_assert (lo < w->n_sorted && w->sorted[lo] == latency);
  memmove (w->sorted + lo, w->sorted + lo + 1, (w->n_sorted - lo - 1) * sizeof (guint32));
  w->n_sorted--;
}

/* The entry for a sample, FALSE when a window cannot hold it. */
static gboolean
entry_make (const Window *w,
            gint64        ts_ms,
            gint64        latency_us,
            guint8        state,
            Entry        *out)
{
  gboolean timed = state != LOOKOUT_TARGET_STATE_DOWN && latency_us >= 0;

  if (state > 7 || (timed && latency_us >= UNTIMED))
    return FALSE;
  out->t = (guint32) (ts_ms - w->base_ms);
  out->v = ((guint32) state << LATENCY_BITS) | (timed ? (guint32) latency_us : UNTIMED);
  return TRUE;
}

static void
count_entry (Window      *w,
             const Entry *e,
             int          sign)
{
  guint8 state = STATE_OF (e->v);

  if (state == LOOKOUT_TARGET_STATE_DOWN)
    w->n_fail += sign;
  else if (state == LOOKOUT_TARGET_STATE_DEGRADED)
    w->n_degraded += sign;
  if (LATENCY_OF (e->v) != UNTIMED)
    {
      w->sum += sign * (gint64) LATENCY_OF (e->v);
      if (sign > 0)
        sorted_insert (w, LATENCY_OF (e->v));
      else
        sorted_remove (w, LATENCY_OF (e->v));
    }
}

/* Inserts in time order; a sample of a millisecond already held makes the
 * window invalid unless @same_ms_ok (the store's own rows, when seeding). */
static void
window_insert (Window   *w,
               gint64    ts_ms,
               gint64    latency_us,
               guint8    state,
               gboolean  same_ms_ok)
{
  Entry e;
  guint p;

  if (!w->valid || ts_ms < w->expired_to)
    return;
  if (!window_fit (w, ts_ms) || !entry_make (w, ts_ms, latency_us, state, &e))
    {
      window_invalidate (w);
      return;
    }

  if (w->head == w->len || w->entries[w->len - 1].t < e.t || (same_ms_ok && w->entries[w->len - 1].t == e.t))
    p = w->len;
  else
    {
      guint lo = w->head, hi = w->len;

      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (w->entries[mid].t < e.t)
            lo = mid + 1;
          else
            hi = mid;
        }
      p = lo;
      if (p < w->len && w->entries[p].t == e.t && !same_ms_ok)
        {
          window_invalidate (w);
          return;
        }
    }

  if (w->len == w->cap)
    {
      if (w->head > 0)
        {
          memmove (w->entries, w->entries + w->head, (w->len - w->head) * sizeof (Entry));
          w->len -= w->head;
          p -= w->head;
          w->head = 0;
        }
      if (w->len == w->cap)
        {
          w->cap = MAX (16, w->cap + w->cap / 4);
          w->entries = g_renew (Entry, w->entries, w->cap);
        }
    }

  w->run_starts -= run_start_at (w, p);
  memmove (w->entries + p + 1, w->entries + p, (w->len - p) * sizeof (Entry));
  w->entries[p] = e;
  w->len++;
  w->run_starts += run_start_at (w, p) + run_start_at (w, p + 1);
  count_entry (w, &e, +1);
}

static void
window_expire (Window *w,
               gint64  cutoff_ms)
{
  if (!w->valid || cutoff_ms <= w->expired_to)
    return;
  while (w->head < w->len && entry_time (w, w->head) < cutoff_ms)
    {
      count_entry (w, &w->entries[w->head], -1);
      w->run_starts -= run_start_at (w, w->head + 1);
      w->head++;
    }
  w->expired_to = cutoff_ms;

  if (w->head == w->len)
    w->head = w->len = 0;
  else if (w->head > 64 && w->head > w->len / 2)
    {
      memmove (w->entries, w->entries + w->head, (w->len - w->head) * sizeof (Entry));
      w->len -= w->head;
      w->head = 0;
    }
  if (w->cap > 64 && w->len < w->cap / 4)
    {
      w->cap = MAX (64, w->len * 2);
      w->entries = g_renew (Entry, w->entries, w->cap);
    }
  if (w->sorted_cap > 64 && w->n_sorted < w->sorted_cap / 4)
    {
      w->sorted_cap = MAX (64, w->n_sorted * 2);
      w->sorted = g_renew (guint32, w->sorted, w->sorted_cap);
    }
}

/* As lookout-stats.c's accumulator_finish() computes them. */
static void
window_stats (const Window *w,
              gint64        from_ms,
              gint64        to_ms,
              LookoutStats *stats)
{
  guint64 n = w->len - w->head;
  gsize k = w->n_sorted;

  *stats = (LookoutStats) {
    .from_ms = from_ms, .to_ms = to_ms,
    .availability = NAN,
    .min_us = -1, .max_us = -1, .mean_us = -1, .median_us = -1, .p95_us = -1,
    .last_state = LOOKOUT_TARGET_STATE_UNKNOWN,
    .last_ts_ms = -1,
    .degraded_since_ms = -1,
    .exact = TRUE,
  };
  if (n == 0)
    return;

  stats->n = n;
  stats->n_fail = w->n_fail;
  stats->n_degraded = w->n_degraded;
  stats->n_timed = k;
  stats->n_outages = w->run_starts + entry_down (&w->entries[w->head]);
  stats->availability = 100.0 * (stats->n - stats->n_fail - stats->n_degraded) / stats->n;
  stats->last_state = STATE_OF (w->entries[w->len - 1].v);
  stats->last_ts_ms = entry_time (w, w->len - 1);
  if (k > 0)
    {
      stats->min_us = w->sorted[0];
      stats->max_us = w->sorted[k - 1];
      stats->mean_us = w->sum / (gint64) k;
      stats->median_us = k % 2 ? w->sorted[k / 2]
                               : ((gint64) w->sorted[k / 2 - 1] + w->sorted[k / 2]) / 2;
      stats->p95_us = w->sorted[(gsize) ceil (0.95 * k) - 1];
    }
}

/* ---- seeding ---- */

typedef struct
{
  gint64      *ids;
  guint        n;
  gint64       from_ms;
  gint64       to_ms;
  GHashTable  *windows;     /* the result */
  Window      *current;
} Seed;

static void
seed_free (Seed *seed)
{
  g_free (seed->ids);
  g_clear_pointer (&seed->windows, g_hash_table_unref);
  g_free (seed);
}

static void
seed_target_cb (guint    index,
                gboolean complete,
                gpointer user_data)
{
  Seed *seed = user_data;
  gint64 *key = g_new (gint64, 1);

  *key = seed->ids[index];
  seed->current = window_new (seed->from_ms);
  if (!complete)
    window_invalidate (seed->current);
  g_hash_table_replace (seed->windows, key, seed->current);
}

static void
seed_sample_cb (gint64   ts_ms,
                gint64   latency_us,
                guint8   state,
                gpointer user_data)
{
  Seed *seed = user_data;

  window_insert (seed->current, ts_ms, latency_us, state, TRUE);
}

static void
seed_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LookoutLiveStats *self = source_object;
  Seed *seed = task_data;
  GError *error = NULL;

  /* what was queued before the seeding began is read with the rest */
  if (!lookout_store_flush_sync (self->store, &error) ||
      !lookout_store_scan_samples_many_sync (self->store, seed->ids, seed->n, seed->from_ms, seed->to_ms,
                                             seed_target_cb, seed_sample_cb, seed,
                                             cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&seed->windows), (GDestroyNotify) g_hash_table_unref);
}

static void
add_now (LookoutLiveStats    *self,
         const LookoutSample *sample);

static gsize
window_memory (const Window *w)
{
  return (gsize) w->cap * sizeof (Entry) + (gsize) w->sorted_cap * sizeof (guint32);
}

static int
compare_memory_desc (gconstpointer a,
                     gconstpointer b)
{
  gsize ma = window_memory (*(Window * const *) a), mb = window_memory (*(Window * const *) b);

  return (ma < mb) - (ma > mb);
}

static void
keep_to_budget (LookoutLiveStats *self)
{
  g_autoptr(GPtrArray) largest = NULL;
  GHashTableIter iter;
  gpointer value;
  gsize total;

  self->added = 0;
  total = lookout_live_stats_get_memory (self);
  if (total <= self->budget)
    return;

  largest = g_ptr_array_sized_new (g_hash_table_size (self->windows));
  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (window_memory (value) > 0)
      g_ptr_array_add (largest, value);
  g_ptr_array_sort (largest, compare_memory_desc);

  for (guint i = 0; i < largest->len && total > self->budget; i++)
    {
      Window *w = g_ptr_array_index (largest, i);

      total -= window_memory (w);
      window_invalidate (w);
    }
  g_debug ("The summaries of the day were past their budget of %" G_GSIZE_FORMAT " bytes:"
           " the store answers for the targets checked most often", self->budget);
}

static void
seeded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LookoutLiveStats *self;
  g_autoptr(GHashTable) windows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pending = NULL;
  GHashTableIter iter;
  gpointer key, value;

  windows = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = LOOKOUT_LIVE_STATS (object);
  self->seeding = FALSE;
  pending = g_steal_pointer (&self->pending);
  if (windows == NULL)
    {
      /* the store answers for every target that has no window */
      g_message ("Could not read the last day of results for the statistics: %s", error->message);
      self->ready = TRUE;
      return;
    }

  /* a target removed meanwhile keeps its mark */
  g_hash_table_iter_init (&iter, windows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (self->windows, key))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (self->windows, key, value);
        }
    }

  for (guint i = 0; i < pending->len; i++)
    {
      const LookoutSample *s = &g_array_index (pending, LookoutSample, i);
      Window *w = g_hash_table_lookup (self->windows, &s->target_id);

      if (w != NULL && w->valid && s->ts_ms < self->seed_end_ms && s->ts_ms >= w->expired_to &&
          w->head < w->len && s->ts_ms >= w->base_ms)
        {
          Entry e;
          guint lo = w->head, hi = w->len;

          while (lo < hi)
            {
              guint mid = lo + (hi - lo) / 2;

              if (entry_time (w, mid) < s->ts_ms)
                lo = mid + 1;
              else
                hi = mid;
            }
          if (lo < w->len && entry_time (w, lo) == s->ts_ms)
            {
              /* read already, or another place's result of the same
               * millisecond, which a window cannot tell apart */
              if (!entry_make (w, s->ts_ms, s->latency_us, s->state, &e) || e.v != w->entries[lo].v)
                window_invalidate (w);
              continue;
            }
        }
      add_now (self, s);
    }
  keep_to_budget (self);
  self->ready = TRUE;
}

/* ---- GObject ---- */

static void
lookout_live_stats_dispose (GObject *object)
{
  LookoutLiveStats *self = LOOKOUT_LIVE_STATS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_live_stats_parent_class)->dispose (object);
}

static void
lookout_live_stats_finalize (GObject *object)
{
  LookoutLiveStats *self = LOOKOUT_LIVE_STATS (object);

  g_clear_pointer (&self->windows, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_array_unref);

  G_OBJECT_CLASS (lookout_live_stats_parent_class)->finalize (object);
}

static void
lookout_live_stats_class_init (LookoutLiveStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_live_stats_dispose;
  object_class->finalize = lookout_live_stats_finalize;
}

static void
lookout_live_stats_init (LookoutLiveStats *self)
{
  self->windows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) window_free);
  self->cancellable = g_cancellable_new ();
  self->newest_ms = G_MININT64;
}

/* ---- public ---- */

LookoutLiveStats *
lookout_live_stats_new (LookoutStore *store,
                        gint64        span_ms)
{
  LookoutLiveStats *self;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (span_ms > 0, NULL);

  self = g_object_new (LOOKOUT_TYPE_LIVE_STATS, NULL);
  self->store = g_object_ref (store);
  self->span_ms = span_ms;
  self->budget = LOOKOUT_LIVE_STATS_DEFAULT_BUDGET;
  lookout_live_stats_check_retention (self);
  return self;
}

void
lookout_live_stats_seed (LookoutLiveStats *self,
                         const gint64     *target_ids,
                         guint             n_targets,
                         gint64            now_ms)
{
  g_autoptr(GTask) task = NULL;
  Seed *seed;

  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));
  g_return_if_fail (target_ids != NULL || n_targets == 0);
  g_return_if_fail (!self->seeding && !self->ready);

  seed = g_new0 (Seed, 1);
  seed->ids = g_memdup2 (target_ids, MAX (n_targets, 1) * sizeof (gint64));
  seed->n = n_targets;
  seed->from_ms = now_ms - self->span_ms - EXPIRY_SLACK_MS;
  seed->to_ms = now_ms;
  seed->windows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) window_free);

  self->seeding = TRUE;
  self->seed_end_ms = now_ms;
  self->pending = g_array_new (FALSE, FALSE, sizeof (LookoutSample));

  task = g_task_new (self, self->cancellable, seeded_cb, NULL);
  g_task_set_source_tag (task, lookout_live_stats_seed);
  g_task_set_task_data (task, seed, (GDestroyNotify) seed_free);
  g_task_run_in_thread (task, seed_thread);
}

gboolean
lookout_live_stats_is_ready (LookoutLiveStats *self)
{
  g_return_val_if_fail (LOOKOUT_IS_LIVE_STATS (self), FALSE);

  return self->ready;
}

static void
add_now (LookoutLiveStats    *self,
         const LookoutSample *sample)
{
  Window *w = g_hash_table_lookup (self->windows, &sample->target_id);

  if (w == NULL)
    return;
  window_insert (w, sample->ts_ms, sample->latency_us, sample->state, FALSE);
  if (sample->ts_ms > self->newest_ms)
    self->newest_ms = sample->ts_ms;
  /* what no request can ask for any more */
  window_expire (w, self->newest_ms - self->span_ms - EXPIRY_SLACK_MS);
  if (++self->added >= 4096)
    keep_to_budget (self);
}

void
lookout_live_stats_add (LookoutLiveStats    *self,
                        const LookoutSample *sample)
{
  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));
  g_return_if_fail (sample != NULL);

  if (self->seeding && !g_hash_table_contains (self->windows, &sample->target_id))
    {
      LookoutSample copy = *sample;

      copy.error = NULL;
      copy.location = NULL;
      g_array_append_val (self->pending, copy);
      return;
    }
  add_now (self, sample);
}

void
lookout_live_stats_add_target (LookoutLiveStats *self,
                               gint64            target_id)
{
  gint64 *key;

  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));

  if (g_hash_table_contains (self->windows, &target_id))
    return;
  key = g_new (gint64, 1);
  *key = target_id;
  g_hash_table_insert (self->windows, key, window_new (G_MININT64));
}

void
lookout_live_stats_forget_target (LookoutLiveStats *self,
                                  gint64            target_id)
{
  Window *w;

  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));

  w = g_hash_table_lookup (self->windows, &target_id);
  if (w == NULL)
    {
      gint64 *key = g_new (gint64, 1);

      *key = target_id;
      w = window_new (G_MININT64);
      g_hash_table_insert (self->windows, key, w);
    }
  window_invalidate (w);
}

void
lookout_live_stats_check_retention (LookoutLiveStats *self)
{
  LookoutStoreRetention keep;

  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));

  lookout_store_get_retention (self->store, &keep);
  if (keep.samples_ms != 0 && keep.samples_ms < self->span_ms + EXPIRY_SLACK_MS)
    self->retention_short = TRUE;
}

gboolean
lookout_live_stats_get (LookoutLiveStats *self,
                        gint64            target_id,
                        gint64            from_ms,
                        gint64            to_ms,
                        LookoutStats     *out_stats)
{
  Window *w;

  g_return_val_if_fail (LOOKOUT_IS_LIVE_STATS (self), FALSE);
  g_return_val_if_fail (out_stats != NULL, FALSE);

  if (!self->ready || self->retention_short || to_ms - from_ms != self->span_ms)
    return FALSE;
  w = g_hash_table_lookup (self->windows, &target_id);
  if (w == NULL || !w->valid || from_ms < w->expired_to)
    return FALSE;
  window_expire (w, from_ms);
  if (w->head < w->len && entry_time (w, w->len - 1) >= to_ms)
    return FALSE;

  window_stats (w, from_ms, to_ms, out_stats);
  return TRUE;
}

gint64
lookout_live_stats_get_span (LookoutLiveStats *self)
{
  g_return_val_if_fail (LOOKOUT_IS_LIVE_STATS (self), 0);

  return self->span_ms;
}

gsize
lookout_live_stats_get_memory (LookoutLiveStats *self)
{
  GHashTableIter iter;
  gpointer value;
  /* a hash table's node: the key, its hash, the value and the key's block */
  gsize total = sizeof (LookoutLiveStats);

  g_return_val_if_fail (LOOKOUT_IS_LIVE_STATS (self), 0);

  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Window *w = value;

      total += sizeof (Window) + 2 * sizeof (gpointer) + sizeof (guint) + 16;
      total += (gsize) w->cap * sizeof (Entry) + (gsize) w->sorted_cap * sizeof (guint32);
    }
  return total;
}

void
lookout_live_stats_set_budget (LookoutLiveStats *self,
                               gsize             bytes)
{
  g_return_if_fail (LOOKOUT_IS_LIVE_STATS (self));

  self->budget = bytes;
  if (self->ready)
    keep_to_budget (self);
}
