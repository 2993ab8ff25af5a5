/* lookout-series.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How decimation works
 *
 * A plot never draws more than one column of values per pixel. A series is
 * n columns of equal width whose boundaries are multiples of that width
 * (so live sliding only shifts whole columns). Each column keeps the first,
 * min, max and last latency of what fell into it, so a single spike among
 * a million points survives, plus a middle value: the exact median of the
 * column's raw samples, or, for columns built from rollups (which carry
 * n, n_fail, min, max and sum only), the mean sum / (n - n_fail). Failures
 * are counted apart (n_fail) and never become a latency. Columns with no
 * data stay empty, and a column whose data starts too long after the
 * previous column's data ended is flagged GAP_BEFORE so no line bridges
 * the hole.
 *
 * Which data: raw samples while a column is shorter than half a minute;
 * else the coarsest rollup table whose bucket spans at most two columns (a
 * bucket wider than a column fills every column it overlaps), falling back
 * to a coarser one when the range reaches past the finer table's
 * retention. A 30-day plot 1,000 pixels wide thus reads 720 hourly rows,
 * not 43,200 minutes. */

#define G_LOG_DOMAIN "lookout-series"

#include "config.h"

#include <string.h>

#include "lookout-series.h"
#include "lookout-series-private.h"
#include "lookout-target-options.h"
#include "lookout-types.h"

#define MINUTE_MS G_GINT64_CONSTANT (60000)
#define HOUR_MS   (60 * MINUTE_MS)
#define DAY_MS    (24 * HOUR_MS)

struct _LookoutSeries
{
  GObject              parent_instance;

  gint64               from_ms;
  gint64               column_ms;
  gint64               spacing_ms;
  /* When the fetched data was too thin to tell the interval, it is learnt
   * from the first live samples instead. */
  gint64               last_live_ts_ms;
  gint64               live_deltas[8];
  guint                n_live_deltas;
  gboolean             spacing_known;
  guint                n_columns;
  LookoutSeriesSource  source;
  LookoutSeriesColumn *columns;
  GHashTable          *errors;   /* column start ms → last error text */
};

G_DEFINE_FINAL_TYPE (LookoutSeries, lookout_series, G_TYPE_OBJECT)

static const gint64 source_width_ms[] = {
  [LOOKOUT_SERIES_SOURCE_SAMPLES] = 0,
  [LOOKOUT_SERIES_SOURCE_MINUTE]  = MINUTE_MS,
  [LOOKOUT_SERIES_SOURCE_HOUR]    = HOUR_MS,
  [LOOKOUT_SERIES_SOURCE_DAY]     = DAY_MS,
};

static void
lookout_series_finalize (GObject *object)
{
  LookoutSeries *self = (LookoutSeries *) object;

  g_clear_pointer (&self->columns, g_free);
  g_clear_pointer (&self->errors, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_series_parent_class)->finalize (object);
}

static void
lookout_series_class_init (LookoutSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lookout_series_finalize;
}

static void
lookout_series_init (LookoutSeries *self)
{
  self->errors = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
remember_error (LookoutSeries *self,
                guint          column,
                const char    *error)
{
  gint64 *key;

  if (error == NULL)
    return;

  key = g_new (gint64, 1);
  *key = self->from_ms + column * self->column_ms;
  g_hash_table_replace (self->errors, key, g_strdup (error));
}

static void
column_clear (LookoutSeriesColumn *c)
{
  memset (c, 0, sizeof *c);
  c->first_us = c->last_us = c->min_us = c->max_us = c->mid_us = -1;
  c->first_ts_ms = c->last_ts_ms = -1;
}

static int
state_rank (guint8 state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_DOWN:     return 3;
    case LOOKOUT_TARGET_STATE_DEGRADED: return 2;
    case LOOKOUT_TARGET_STATE_UP:       return 1;
    default:                            return 0;
    }
}

static inline void
column_add (LookoutSeriesColumn *c,
            gint64               ts_ms,
            gint64               end_ms,
            guint8               state,
            gint64               latency_us)
{
  if (c->n == 0)
    c->first_ts_ms = ts_ms;
  c->last_ts_ms = end_ms;
  c->n++;
  if (state_rank (state) > state_rank (c->worst_state))
    c->worst_state = state;

  if (state == LOOKOUT_TARGET_STATE_DOWN)
    {
      c->n_fail++;
      return;
    }
  if (latency_us < 0)
    return;

  if (c->n_timed == 0)
    {
      c->first_us = c->min_us = c->max_us = latency_us;
    }
  else
    {
      c->min_us = MIN (c->min_us, latency_us);
      c->max_us = MAX (c->max_us, latency_us);
    }
  c->last_us = latency_us;
  c->sum_us += latency_us;
  c->n_timed++;
}

/* Hoare's selection: the k-th smallest, in place, O(n) on average.
 * Afterwards everything before v[k] is <= v[k] and everything after >=. */
static gint64
select_kth (gint64 *v,
            gsize   n,
            gsize   k)
{
  gssize lo = 0, hi = (gssize) n - 1, kk = k;

  while (lo < hi)
    {
      gint64 pivot = v[lo + (hi - lo) / 2];
      gssize i = lo, j = hi;

      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              gint64 t = v[i];

              v[i++] = v[j];
              v[j--] = t;
            }
        }
      if (kk <= j)
        hi = j;
      else if (kk >= i)
        lo = i;
      else
        break;
    }

  return v[k];
}

static void
update_gaps (LookoutSeries *self,
             guint          from_column)
{
  gint64 max_gap = MAX (self->spacing_ms * 5 / 2, self->column_ms * 3 / 2);
  gint64 prev_end = -1;

  /* Find the data before from_column to judge its first column by. */
  for (guint i = from_column; i > 0; i--)
    if (self->columns[i - 1].n > 0)
      {
        prev_end = self->columns[i - 1].last_ts_ms;
        break;
      }

  for (guint i = from_column; i < self->n_columns; i++)
    {
      LookoutSeriesColumn *c = &self->columns[i];

      if (c->n == 0)
        continue;
      if (prev_end < 0 || c->first_ts_ms - prev_end > max_gap)
        c->flags |= LOOKOUT_SERIES_COLUMN_GAP_BEFORE;
      else
        c->flags &= ~LOOKOUT_SERIES_COLUMN_GAP_BEFORE;
      prev_end = c->last_ts_ms;
    }
}

LookoutSeriesSource
lookout_series_pick_source (gint64                       from_ms,
                            gint64                       to_ms,
                            guint                        n_columns,
                            gint64                       now_ms,
                            const LookoutStoreRetention *retention)
{
  gint64 column_ms;
  LookoutSeriesSource source;

  g_return_val_if_fail (to_ms > from_ms, LOOKOUT_SERIES_SOURCE_SAMPLES);
  g_return_val_if_fail (n_columns > 0, LOOKOUT_SERIES_SOURCE_SAMPLES);

  column_ms = (to_ms - from_ms) / n_columns;

  /* The coarsest table whose buckets span at most two columns: fewer rows
   * to read, and a value still changes at least every other pixel. */
  if (DAY_MS <= 2 * column_ms)
    source = LOOKOUT_SERIES_SOURCE_DAY;
  else if (HOUR_MS <= 2 * column_ms)
    source = LOOKOUT_SERIES_SOURCE_HOUR;
  else if (MINUTE_MS <= 2 * column_ms)
    source = LOOKOUT_SERIES_SOURCE_MINUTE;
  else
    source = LOOKOUT_SERIES_SOURCE_SAMPLES;

  if (retention != NULL)
    {
      const gint64 keep[] = { retention->samples_ms, retention->minute_ms, retention->hour_ms };

      /* A finer table no longer holds the range's start: go coarser. */
      while (source < LOOKOUT_SERIES_SOURCE_DAY &&
             keep[source] > 0 && from_ms < now_ms - keep[source])
        source++;
    }

  return source;
}

LookoutSeries *
lookout_series_new (gint64 from_ms,
                    gint64 column_ms,
                    guint  n_columns)
{
  LookoutSeries *self;

  g_return_val_if_fail (column_ms > 0, NULL);
  g_return_val_if_fail (n_columns > 0, NULL);

  self = g_object_new (LOOKOUT_TYPE_SERIES, NULL);
  self->from_ms = from_ms;
  self->column_ms = column_ms;
  self->spacing_ms = column_ms;
  self->n_columns = n_columns;
  self->source = LOOKOUT_SERIES_SOURCE_SAMPLES;
  self->columns = g_new (LookoutSeriesColumn, n_columns);
  for (guint i = 0; i < n_columns; i++)
    column_clear (&self->columns[i]);

  return self;
}

static gint64
median_spacing (const LookoutSample *samples,
                gsize                n)
{
  g_autofree gint64 *deltas = NULL;
  gsize step, m = 0;

  if (n < 2)
    return 0;

  /* A few thousand evenly picked gaps tell the interval well enough. */
  step = MAX ((n - 1) / 4096, 1);
  deltas = g_new (gint64, (n - 1) / step + 1);
  for (gsize i = 1; i < n; i += step)
    deltas[m++] = samples[i].ts_ms - samples[i - 1].ts_ms;

  return select_kth (deltas, m, m / 2);
}

LookoutSeries *
lookout_series_new_from_samples (gint64               from_ms,
                                 gint64               column_ms,
                                 guint                n_columns,
                                 const LookoutSample *samples,
                                 gsize                n_samples)
{
  g_autoptr(LookoutSeries) self = NULL;
  g_autoptr(GArray) scratch = NULL;
  gint64 to_ms;
  int current = -1;

  g_return_val_if_fail (samples != NULL || n_samples == 0, NULL);

  if (!(self = lookout_series_new (from_ms, column_ms, n_columns)))
    return NULL;

  to_ms = lookout_series_get_to_ms (self);
  scratch = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gsize i = 0; i <= n_samples; i++)
    {
      const LookoutSample *s = i < n_samples ? &samples[i] : NULL;
      int column = -1;

      if (s != NULL)
        {
          if (s->ts_ms < from_ms || s->ts_ms >= to_ms)
            continue;
          column = (s->ts_ms - from_ms) / column_ms;
        }

      if (column != current)
        {
          /* Close the previous column with its median. */
          if (current >= 0 && scratch->len > 0)
            {
              gint64 *v = (gint64 *) (gpointer) scratch->data;
              gsize k = scratch->len;
              gint64 mid = select_kth (v, k, k / 2);

              if (k % 2 == 0)
                {
                  gint64 lower = v[0];

                  /* After selection everything before k/2 is <= mid. */
                  for (gsize j = 1; j < k / 2; j++)
                    lower = MAX (lower, v[j]);
                  mid = (mid + lower) / 2;
                }
              self->columns[current].mid_us = mid;
            }
          g_array_set_size (scratch, 0);
          current = column;
        }

      if (s == NULL)
        break;

      column_add (&self->columns[column], s->ts_ms, s->ts_ms, s->state, s->latency_us);
      remember_error (self, column, s->error);
      if (s->state != LOOKOUT_TARGET_STATE_DOWN && s->latency_us >= 0)
        g_array_append_val (scratch, s->latency_us);
    }

  self->source = LOOKOUT_SERIES_SOURCE_SAMPLES;
  self->spacing_ms = MAX (median_spacing (samples, n_samples), 1);
  self->spacing_known = n_samples >= 2;
  if (n_samples > 0)
    self->last_live_ts_ms = samples[n_samples - 1].ts_ms;
  update_gaps (self, 0);

  return g_steal_pointer (&self);
}

LookoutSeries *
lookout_series_new_from_rollups (gint64                   from_ms,
                                 gint64                   column_ms,
                                 guint                    n_columns,
                                 LookoutRollupResolution  resolution,
                                 const LookoutRollup     *rollups,
                                 gsize                    n_rollups)
{
  g_autoptr(LookoutSeries) self = NULL;
  gint64 width_ms, to_ms;

  g_return_val_if_fail (rollups != NULL || n_rollups == 0, NULL);
  g_return_val_if_fail (resolution <= LOOKOUT_ROLLUP_DAY, NULL);

  if (!(self = lookout_series_new (from_ms, column_ms, n_columns)))
    return NULL;

  self->source = LOOKOUT_SERIES_SOURCE_MINUTE + resolution;
  width_ms = source_width_ms[self->source];
  to_ms = lookout_series_get_to_ms (self);

  for (gsize i = 0; i < n_rollups; i++)
    {
      const LookoutRollup *r = &rollups[i];
      LookoutSeriesColumn *c;
      guint32 n_ok;
      gint64 mean_us;

      guint first, last;

      if (r->bucket_ms >= to_ms || r->bucket_ms + width_ms <= from_ms || r->n == 0)
        continue;

      /* A bucket counts in every column it overlaps (several when buckets
       * are wider than columns); one that began before the series counts
       * for the first column. */
      first = MAX (r->bucket_ms - from_ms, 0) / column_ms;
      last = MIN ((r->bucket_ms + width_ms - 1 - from_ms) / column_ms, (gint64) n_columns - 1);
      n_ok = r->n - r->n_fail;
      mean_us = n_ok > 0 ? r->sum_us / n_ok : -1;

      for (guint i = first; i <= last; i++)
        {
          c = &self->columns[i];

          if (c->n == 0)
            c->first_ts_ms = r->bucket_ms;
          c->last_ts_ms = r->bucket_ms + width_ms;
          c->n += r->n;
          c->n_fail += r->n_fail;
          if (r->n_fail > 0)
            c->worst_state = LOOKOUT_TARGET_STATE_DOWN;
          else if (c->worst_state == LOOKOUT_TARGET_STATE_UNKNOWN)
            c->worst_state = LOOKOUT_TARGET_STATE_UP;

          if (n_ok == 0 || r->min_us < 0)
            continue;

          /* The bucket's own middle stands for its first and last value. */
          if (c->n_timed == 0)
            {
              c->first_us = mean_us;
              c->min_us = r->min_us;
              c->max_us = r->max_us;
            }
          else
            {
              c->min_us = MIN (c->min_us, r->min_us);
              c->max_us = MAX (c->max_us, r->max_us);
            }
          c->last_us = mean_us;
          c->sum_us += r->sum_us;
          c->n_timed += n_ok;
        }
    }

  for (guint i = 0; i < n_columns; i++)
    {
      LookoutSeriesColumn *c = &self->columns[i];

      if (c->n_timed > 0)
        c->mid_us = c->sum_us / c->n_timed;
      c->flags |= LOOKOUT_SERIES_COLUMN_MEAN;
    }

  self->spacing_ms = width_ms;
  self->spacing_known = TRUE;
  update_gaps (self, 0);

  return g_steal_pointer (&self);
}

gint64
lookout_series_get_from_ms (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->from_ms;
}

gint64
lookout_series_get_to_ms (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->from_ms + self->column_ms * self->n_columns;
}

gint64
lookout_series_get_column_ms (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->column_ms;
}

guint
lookout_series_get_n_columns (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->n_columns;
}

LookoutSeriesSource
lookout_series_get_source (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->source;
}

gint64
lookout_series_get_spacing_ms (LookoutSeries *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), 0);

  return self->spacing_ms;
}

const LookoutSeriesColumn *
lookout_series_get_column (LookoutSeries *self,
                           guint          index)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), NULL);
  g_return_val_if_fail (index < self->n_columns, NULL);

  return &self->columns[index];
}

const char *
lookout_series_get_column_error (LookoutSeries *self,
                                 guint          index)
{
  gint64 key;

  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), NULL);
  g_return_val_if_fail (index < self->n_columns, NULL);

  if (self->columns[index].n_fail == 0)
    return NULL;
  key = self->from_ms + index * self->column_ms;

  return g_hash_table_lookup (self->errors, &key);
}

int
lookout_series_column_at (LookoutSeries *self,
                          gint64         ts_ms)
{
  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), -1);

  if (ts_ms < self->from_ms || ts_ms >= lookout_series_get_to_ms (self))
    return -1;

  return (ts_ms - self->from_ms) / self->column_ms;
}

gboolean
lookout_series_get_latency_range (LookoutSeries *self,
                                  gint64        *out_min_us,
                                  gint64        *out_max_us)
{
  gint64 lo = G_MAXINT64, hi = -1;

  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), FALSE);

  for (guint i = 0; i < self->n_columns; i++)
    {
      const LookoutSeriesColumn *c = &self->columns[i];

      if (c->n_timed == 0)
        continue;
      lo = MIN (lo, c->min_us);
      hi = MAX (hi, c->max_us);
    }

  if (hi < 0)
    return FALSE;
  if (out_min_us != NULL)
    *out_min_us = lo;
  if (out_max_us != NULL)
    *out_max_us = hi;

  return TRUE;
}

void
lookout_series_advance (LookoutSeries *self,
                        gint64         to_ms)
{
  gint64 shift;

  g_return_if_fail (LOOKOUT_IS_SERIES (self));

  if (to_ms <= lookout_series_get_to_ms (self))
    return;

  shift = (to_ms - lookout_series_get_to_ms (self) + self->column_ms - 1) / self->column_ms;
  if (shift >= self->n_columns)
    {
      for (guint i = 0; i < self->n_columns; i++)
        column_clear (&self->columns[i]);
    }
  else
    {
      memmove (self->columns, self->columns + shift,
               (self->n_columns - shift) * sizeof (LookoutSeriesColumn));
      for (guint i = self->n_columns - shift; i < self->n_columns; i++)
        column_clear (&self->columns[i]);
    }
  self->from_ms += shift * self->column_ms;

  {
    GHashTableIter iter;
    gint64 *key;

    g_hash_table_iter_init (&iter, self->errors);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
      if (*key < self->from_ms)
        g_hash_table_iter_remove (&iter);
  }

  /* The new first column may have lost its predecessor. */
  update_gaps (self, 0);
}

static void
learn_spacing (LookoutSeries *self,
               gint64         ts_ms)
{
  gint64 delta = self->last_live_ts_ms > 0 ? ts_ms - self->last_live_ts_ms : 0;

  self->last_live_ts_ms = MAX (self->last_live_ts_ms, ts_ms);
  if (self->spacing_known || delta <= 0)
    return;

  /* Until eight intervals are seen, the latest one stands for the target's
   * interval; then their median does, as for fetched data. */
  self->live_deltas[self->n_live_deltas++] = delta;
  if (self->n_live_deltas == G_N_ELEMENTS (self->live_deltas))
    {
      self->spacing_ms = select_kth (self->live_deltas, self->n_live_deltas, self->n_live_deltas / 2);
      self->spacing_known = TRUE;
    }
  else
    self->spacing_ms = delta;
  update_gaps (self, 0);
}

gboolean
lookout_series_add_sample (LookoutSeries       *self,
                           const LookoutSample *sample)
{
  LookoutSeriesColumn *c;
  int column;

  g_return_val_if_fail (LOOKOUT_IS_SERIES (self), FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  if ((column = lookout_series_column_at (self, sample->ts_ms)) < 0)
    return FALSE;

  learn_spacing (self, sample->ts_ms);

  c = &self->columns[column];
  column_add (c, sample->ts_ms, sample->ts_ms, sample->state, sample->latency_us);
  remember_error (self, column, sample->error);
  if (c->n_timed > 0)
    {
      if (c->n_timed == 1)
        c->mid_us = c->min_us;
      else
        {
          c->mid_us = c->sum_us / c->n_timed;
          c->flags |= LOOKOUT_SERIES_COLUMN_MEAN;
        }
    }
  update_gaps (self, column);

  return TRUE;
}

/* ---- fetching ---- */

typedef struct
{
  LookoutStore          *store;
  gint64                 target_id;
  gint64                 from_ms;
  gint64                 to_ms;
  guint                  n_columns;
  char                  *location;    /* one place's results only, or NULL */
  LookoutSeriesReadFunc  read;
  GDestroyNotify         result_free;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_object (&f->store);
  g_free (f->location);
  g_free (f);
}

/* Column boundaries are multiples of the column width. */
static void
plan_columns (gint64  from_ms,
              gint64  to_ms,
              guint   n_columns,
              gint64 *out_column_ms,
              gint64 *out_start_ms,
              guint  *out_n)
{
  gint64 column_ms = MAX ((to_ms - from_ms + n_columns - 1) / n_columns, 1);
  gint64 start_ms = from_ms - (((from_ms % column_ms) + column_ms) % column_ms);

  *out_column_ms = column_ms;
  *out_start_ms = start_ms;
  *out_n = (to_ms - start_ms + column_ms - 1) / column_ms;
}

LookoutSeries *
lookout_series_fetch_sync (LookoutStore  *store,
                           gint64         target_id,
                           gint64         from_ms,
                           gint64         to_ms,
                           guint          n_columns,
                           GCancellable  *cancellable,
                           GError       **error)
{
  LookoutStoreRetention retention;
  LookoutSeriesSource source;
  gint64 column_ms, start_ms;
  guint n;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (to_ms > from_ms, NULL);
  g_return_val_if_fail (n_columns > 0, NULL);

  plan_columns (from_ms, to_ms, n_columns, &column_ms, &start_ms, &n);

  lookout_store_get_retention (store, &retention);
  source = lookout_series_pick_source (from_ms, to_ms, n_columns,
                                       lookout_store_get_now_ms (store), &retention);

  if (source == LOOKOUT_SERIES_SOURCE_SAMPLES)
    {
      g_autoptr(GArray) samples = NULL;

      samples = lookout_store_query_samples_sync (store, target_id, start_ms,
                                                  start_ms + n * column_ms,
                                                  cancellable, error);
      if (samples == NULL)
        return NULL;

      return lookout_series_new_from_samples (start_ms, column_ms, n,
                                              (const LookoutSample *) (gpointer) samples->data,
                                              samples->len);
    }
  else
    {
      LookoutRollupResolution resolution = source - LOOKOUT_SERIES_SOURCE_MINUTE;
      g_autoptr(GArray) rollups = NULL;

      rollups = lookout_store_query_rollups_sync (store, target_id, resolution, start_ms,
                                                  start_ms + n * column_ms,
                                                  cancellable, error);
      if (rollups == NULL)
        return NULL;

      return lookout_series_new_from_rollups (start_ms, column_ms, n, resolution,
                                              (const LookoutRollup *) (gpointer) rollups->data,
                                              rollups->len);
    }
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Fetch *f = task_data;
  GError *error = NULL;
  gpointer result;

  if (f->location != NULL)
    result = lookout_series_fetch_place_sync (f->store, f->target_id, f->location, f->from_ms, f->to_ms,
                                              f->n_columns, cancellable, &error);
  else
    result = f->read (f->store, f->target_id, f->from_ms, f->to_ms, f->n_columns,
                      cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, f->result_free);
}

static void
start_fetch (LookoutStore          *store,
             gint64                 target_id,
             const char            *location,
             gint64                 from_ms,
             gint64                 to_ms,
             guint                  n_columns,
             LookoutSeriesReadFunc  read,
             GDestroyNotify         result_free,
             gpointer               source_tag,
             GCancellable          *cancellable,
             GAsyncReadyCallback    callback,
             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  Fetch *f;

  g_assert (LOOKOUT_IS_STORE (store));
  g_assert (read != NULL || location != NULL);

  f = g_new0 (Fetch, 1);
  f->store = g_object_ref (store);
  f->target_id = target_id;
  f->location = g_strdup (location);
  f->from_ms = from_ms;
  f->to_ms = to_ms;
  f->n_columns = n_columns;
  f->read = read;
  f->result_free = result_free;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  g_task_run_in_thread (task, fetch_thread);
}

void
lookout_series_run_read_async (LookoutStore          *store,
                               gint64                 target_id,
                               gint64                 from_ms,
                               gint64                 to_ms,
                               guint                  n_columns,
                               LookoutSeriesReadFunc  read,
                               GDestroyNotify         result_free,
                               gpointer               source_tag,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  start_fetch (store, target_id, NULL, from_ms, to_ms, n_columns, read, result_free, source_tag,
               cancellable, callback, user_data);
}

static gpointer
read_series (LookoutStore  *store,
             gint64         target_id,
             gint64         from_ms,
             gint64         to_ms,
             guint          n_columns,
             GCancellable  *cancellable,
             GError       **error)
{
  return lookout_series_fetch_sync (store, target_id, from_ms, to_ms, n_columns,
                                    cancellable, error);
}

void
lookout_series_fetch_async (LookoutStore        *store,
                            gint64               target_id,
                            gint64               from_ms,
                            gint64               to_ms,
                            guint                n_columns,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (to_ms > from_ms);
  g_return_if_fail (n_columns > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  lookout_series_run_read_async (store, target_id, from_ms, to_ms, n_columns,
                                 read_series, g_object_unref, lookout_series_fetch_async,
                                 cancellable, callback, user_data);
}

LookoutSeries *
lookout_series_fetch_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_series_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- one place's results ---- */

gboolean
lookout_series_sample_is_from (const LookoutSample *sample,
                               const char          *location)
{
  g_return_val_if_fail (sample != NULL, FALSE);

  if (location == NULL || g_str_equal (location, LOOKOUT_LOCATION_LOCAL))
    return sample->location == NULL || g_str_equal (sample->location, LOOKOUT_LOCATION_LOCAL);
  return g_strcmp0 (sample->location, location) == 0;
}

LookoutSeries *
lookout_series_fetch_place_sync (LookoutStore  *store,
                                 gint64         target_id,
                                 const char    *location,
                                 gint64         from_ms,
                                 gint64         to_ms,
                                 guint          n_columns,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GArray) kept = NULL;
  LookoutStoreRetention retention;
  LookoutSeriesSource source;
  gint64 column_ms, start_ms;
  guint n;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (to_ms > from_ms, NULL);
  g_return_val_if_fail (n_columns > 0, NULL);

  plan_columns (from_ms, to_ms, n_columns, &column_ms, &start_ms, &n);

  /* A wide range reads the place's rollups, as the target's line does;
   * until an older file's are recounted, its raw samples. */
  lookout_store_get_retention (store, &retention);
  source = lookout_series_pick_source (from_ms, to_ms, n_columns,
                                       lookout_store_get_now_ms (store), &retention);
  if (source != LOOKOUT_SERIES_SOURCE_SAMPLES && lookout_store_place_rollups_ready (store))
    {
      LookoutRollupResolution resolution = source - LOOKOUT_SERIES_SOURCE_MINUTE;
      g_autoptr(GArray) rollups = NULL;

      rollups = lookout_store_query_place_rollups_sync (store, target_id, location, resolution, start_ms,
                                                        start_ms + n * column_ms, cancellable, error);
      if (rollups == NULL)
        return NULL;
      return lookout_series_new_from_rollups (start_ms, column_ms, n, resolution,
                                              (const LookoutRollup *) (gpointer) rollups->data,
                                              rollups->len);
    }

  samples = lookout_store_query_samples_sync (store, target_id, start_ms, start_ms + n * column_ms,
                                              cancellable, error);
  if (samples == NULL)
    return NULL;

  kept = g_array_sized_new (FALSE, FALSE, sizeof (LookoutSample), samples->len);
  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *sample = &g_array_index (samples, LookoutSample, i);

      if (lookout_series_sample_is_from (sample, location))
        g_array_append_vals (kept, sample, 1);
    }

  return lookout_series_new_from_samples (start_ms, column_ms, n,
                                          (const LookoutSample *) (gpointer) kept->data, kept->len);
}

void
lookout_series_fetch_place_async (LookoutStore        *store,
                                  gint64               target_id,
                                  const char          *location,
                                  gint64               from_ms,
                                  gint64               to_ms,
                                  guint                n_columns,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (location != NULL);

  /* finished by lookout_series_fetch_finish(), as a whole target's fetch */
  start_fetch (store, target_id, location, from_ms, to_ms, n_columns, NULL, g_object_unref,
               lookout_series_fetch_async, cancellable, callback, user_data);
}
