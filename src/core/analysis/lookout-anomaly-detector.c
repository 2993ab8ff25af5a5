/* lookout-anomaly-detector.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the anomaly detector works
 *
 * One detector per target, fed every result in time order; each decision
 * uses only the results fed so far. The state is a fixed-size struct (see
 * lookout_anomaly_detector_state_size(), about 2.5 KiB), and a result costs
 * a few hundred nanoseconds: no thread, no allocation except when an
 * anomaly opens.
 *
 * Latencies are compared on a log scale (ln ms): latency noise is
 * multiplicative and heavy-tailed, and a log scale makes "+50 %" the same
 * distance at 2 ms and at 200 ms.
 *
 *  - The recent window is the last 16 timed results. The baseline is a
 *    histogram of log latencies (160 bins of 10 %) whose counts decay with a
 *    half-life of 200 results; it is fed with the values that leave the
 *    recent window, so a window is never compared with itself. A long
 *    baseline (half-life 2,000) is fed the same way. Both are quantile
 *    sketches: all comparisons use quantiles and counts against quantiles,
 *    never means, so heavy tails and two-level latencies (DNS cache hits
 *    and misses) do not move them.
 *  - Level shift: at least 12 of the last 16 values lie above the
 *    baseline's upper quartile (or below its lower quartile: the odds are
 *    about 4e-5 for a steady series), and the recent median moved by more
 *    than 20 %, more than the baseline's interquartile range and more than
 *    1 ms. A single spike can never do this.
 *  - Jitter: the recent interquartile range is more than twice the
 *    baseline's and at least half the recent values lie beyond the
 *    baseline's 10th/90th percentiles, while the median has not shifted.
 *  - Drift: the recent median and the short baseline both sit away from the
 *    long baseline (by 30 % once the daily profile is known, 60 % before),
 *    for 32 results in a row: a slow change the short baseline followed.
 *  - Loss burst: the failures among the last 32 checks are improbable
 *    under the usual failure rate (a binomial tail below 1e-5), or enough
 *    failures in a row; at least 3.
 *  - Daily pattern: the lower quartile of each half hour of the day (UTC,
 *    from up to 64 results spread over it) is kept for the last three days; once two days are known for most
 *    half hours, each value is compared after removing its half hour's
 *    usual offset (the median of three days, or the mean of two that agree
 *    within 25 %), so a nightly backup stops counting once it has happened
 *    twice, and a change on one day does not become a pattern.
 *
 * Warm-up: nothing is said until the baseline holds 48 timed results and
 * the recent window is full (64 timed results after the first), loss bursts
 * after 64 results; drift after 500 timed results.
 *
 * Persistence and hysteresis: an anomaly opens on a window's worth of
 * evidence and closes only after the condition has been off for 8 results
 * in a row (16 for drift). While one is open, the baselines take one value
 * in four, so a short episode does not become normal and its end is not
 * flagged as a change back; a change that stays is absorbed in the end, and
 * the anomaly closes: the change is the new normal, and the long baseline
 * takes the short one's picture so that it is not reported again as drift.
 *
 * A gap (no result for ten usual intervals and two minutes, as across a
 * suspend) closes what is open at the last result before it and empties
 * the recent window and the loss window; the baselines and the daily
 * profile stay. The first three results after a gap are ignored while the
 * network comes back.
 */

#define G_LOG_DOMAIN "lookout-anomaly"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-anomaly-detector.h"

#define RING           16
#define LOSS_WINDOW    32
#define N_BINS         160
#define LN_MIN         (-4.6)   /* 0.01 ms */
#define BIN_W          0.1
#define N_SLOTS        48       /* half hours of the day */
#define SLOT_MS        (30 * 60 * 1000)
#define N_DAYS         3
#define SLOT_VALUES    64
#define PROFILE_AGREE  0.25f

#define HALF_LIFE_BASE 200.0
#define HALF_LIFE_BASE_MIN 48.0
#define BASE_MEMORY_MS (2.0 * 3600 * 1000)
#define HALF_LIFE_LONG 2000.0
#define HALF_LIFE_LOSS 500.0
#define WARM_BASE      48.0
#define WARM_LONG      500.0
#define WARM_LOSS      64

#define LEVEL_COUNT    12
#define LEVEL_KEEP     8
#define LEVEL_REL      0.35
#define LEVEL_K_IQR    1.0
#define ABS_MS         1.0
#define MIN_IQR        0.03
#define JITTER_RATIO   2.0
#define JITTER_OUT     6
#define JITTER_RUN     3
#define JITTER_SWITCHES 4
#define LEVEL_RUN      3
#define DRIFT_REL      0.26     /* ln 1.3 */
#define DRIFT_REL_COLD 0.47     /* ln 1.6 */
#define DRIFT_RUN      32
#define LOSS_P         1e-5
#define LOSS_RUN_P     1e-6
#define LOSS_MIN       3
#define CLOSE_HOLD     8
#define RESUME_SKIP    3
#define GAP_FACTOR     10.0
#define GAP_MIN_MS     (2 * 60 * 1000)

typedef struct
{
  float bins[N_BINS];
  float next_w;       /* weight of the next value: grows instead of decaying all */
  float total;
  float growth;
  float n;            /* values fed, not decayed: for the warm-up */
} Sketch;

typedef struct
{
  Sketch   base;
  Sketch   longb;

  float    ring[RING];
  gint64   ring_ts[RING];
  guint8   ring_len;
  guint8   ring_pos;
  guint8   feed_phase;
  guint8   resume_skip;

  guint32  outcomes;
  guint8   n_outcomes;
  guint8   fails_in_row;
  guint8   oks_in_row;
  guint8   drift_run;
  guint8   level_run;
  guint8   jitter_run;
  float    p_fail;
  guint32  n_results;

  gint64   last_ts;
  float    interval_ms;

  /* the daily profile */
  float    profile[N_SLOTS][N_DAYS];
  guint8   profile_days[N_SLOTS];
  guint8   profile_next[N_SLOTS];
  float    season[N_SLOTS];
  gint64   slot;
  float    slot_values[SLOT_VALUES];
  guint8   slot_len;
  guint16  slot_n;
  gboolean seasonal;

  guint8   hold[LOOKOUT_ANOMALY_N_KINDS];
  gboolean open[LOOKOUT_ANOMALY_N_KINDS];
  gboolean up[LOOKOUT_ANOMALY_N_KINDS];
} State;

struct _LookoutAnomalyDetector
{
  GObject         parent_instance;

  gint64          target_id;
  gboolean        utc;
  State           s;
  LookoutAnomaly  anomalies[LOOKOUT_ANOMALY_N_KINDS];
};

G_DEFINE_FINAL_TYPE (LookoutAnomalyDetector, lookout_anomaly_detector, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (LookoutAnomaly, lookout_anomaly, lookout_anomaly_copy, lookout_anomaly_free)

static const char * const kind_names[LOOKOUT_ANOMALY_N_KINDS] = {
  "level_shift", "jitter", "drift", "loss_burst",
};

const char *
lookout_anomaly_kind_to_string (LookoutAnomalyKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_ANOMALY_N_KINDS, NULL);

  return kind_names[kind];
}

gboolean
lookout_anomaly_kind_from_string (const char         *string,
                                  LookoutAnomalyKind *out_kind)
{
  for (guint i = 0; i < LOOKOUT_ANOMALY_N_KINDS; i++)
    {
      if (g_strcmp0 (string, kind_names[i]) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
lookout_anomaly_kind_get_label (LookoutAnomalyKind kind)
{
  switch (kind)
    {
    case LOOKOUT_ANOMALY_LEVEL_SHIFT:
      return _("Level shift");
    case LOOKOUT_ANOMALY_JITTER:
      return _("Jitter");
    case LOOKOUT_ANOMALY_DRIFT:
      return _("Drift");
    case LOOKOUT_ANOMALY_LOSS_BURST:
      return _("Loss burst");
    case LOOKOUT_ANOMALY_N_KINDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

LookoutAnomaly *
lookout_anomaly_copy (const LookoutAnomaly *anomaly)
{
  LookoutAnomaly *copy;

  g_return_val_if_fail (anomaly != NULL, NULL);

  copy = g_new (LookoutAnomaly, 1);
  *copy = *anomaly;
  copy->message = g_strdup (anomaly->message);
  return copy;
}

void
lookout_anomaly_free (LookoutAnomaly *anomaly)
{
  if (anomaly == NULL)
    return;

  g_free (anomaly->message);
  g_free (anomaly);
}

/* The sketches */

static void
sketch_init (Sketch *sk,
             double  half_life)
{
  memset (sk->bins, 0, sizeof sk->bins);
  sk->next_w = 1.0f;
  sk->total = 0.0f;
  sk->n = 0.0f;
  sk->growth = (float) exp2 (1.0 / half_life);
}

static void
sketch_add (Sketch *sk,
            float   v)
{
  int bin = (int) floor ((v - LN_MIN) / BIN_W);

  bin = CLAMP (bin, 0, N_BINS - 1);
  sk->bins[bin] += sk->next_w;
  sk->total += sk->next_w;
  sk->next_w *= sk->growth;
  sk->n += 1.0f;

  if (sk->next_w > 1e15f)
    {
      float scale = 1.0f / sk->next_w;

      for (guint i = 0; i < N_BINS; i++)
        sk->bins[i] *= scale;
      sk->total *= scale;
      sk->next_w = 1.0f;
    }
}

/* Fills out[] with the quantiles q[] (ascending) in one pass. */
static void
sketch_quantiles (const Sketch *sk,
                  const double *q,
                  guint         n_q,
                  double       *out)
{
  double cum = 0.0;
  guint j = 0;

  for (guint i = 0; i < N_BINS && j < n_q; i++)
    {
      double c = sk->bins[i];

      while (j < n_q && cum + c >= q[j] * sk->total)
        {
          double frac = c > 0.0 ? (q[j] * sk->total - cum) / c : 0.5;

          out[j++] = LN_MIN + (i + CLAMP (frac, 0.0, 1.0)) * BIN_W;
        }
      cum += c;
    }
  for (; j < n_q; j++)
    out[j] = LN_MIN + N_BINS * BIN_W;
}

/* The daily profile */

static float
median3 (float a,
         float b,
         float c)
{
  return MAX (MIN (a, b), MIN (MAX (a, b), c));
}

static int
compare_float (gconstpointer a,
               gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static void
profile_recompute (State *s)
{
  float usual[N_SLOTS];
  float sorted[N_SLOTS];
  guint n_known = 0;
  float mid;

  for (guint i = 0; i < N_SLOTS; i++)
    {
      const float *p = s->profile[i];

      switch (s->profile_days[i])
        {
        case 3:
          usual[i] = median3 (p[0], p[1], p[2]);
          break;
        case 2:
          /* two days that disagree say nothing yet */
          if (fabsf (p[0] - p[1]) > PROFILE_AGREE)
            {
              usual[i] = NAN;
              continue;
            }
          usual[i] = (p[0] + p[1]) / 2;
          break;
        default:
          usual[i] = NAN;
          continue;
        }
      sorted[n_known++] = usual[i];
    }

  s->seasonal = n_known >= N_SLOTS / 2;
  if (!s->seasonal)
    return;

  qsort (sorted, n_known, sizeof (float), compare_float);
  mid = sorted[n_known / 2];
  for (guint i = 0; i < N_SLOTS; i++)
    s->season[i] = isnan (usual[i]) ? 0.0f : usual[i] - mid;
}

static void
profile_note (State  *s,
              gint64  ts_ms,
              double  v)
{
  gint64 slot = ts_ms / SLOT_MS;

  if (slot != s->slot)
    {
      if (s->slot >= 0 && s->slot_len >= 3 && slot > s->slot)
        {
          guint i = s->slot % N_SLOTS;

          /* the lower quartile: where the fast results are, which two
           * levels or a heavy tail do not move */
          qsort (s->slot_values, s->slot_len, sizeof (float), compare_float);
          s->profile[i][s->profile_next[i]] = s->slot_values[s->slot_len / 4];
          s->profile_next[i] = (s->profile_next[i] + 1) % N_DAYS;
          s->profile_days[i] = MIN (s->profile_days[i] + 1, N_DAYS);
          profile_recompute (s);
        }
      s->slot = slot;
      s->slot_len = 0;
      s->slot_n = 0;
    }

  if (!isnan (v))
    {
      guint stride = 1;

      /* spread SLOT_VALUES samples over the half hour */
      if (s->interval_ms > 0)
        stride = MAX (1, (guint) ceil (SLOT_MS / (s->interval_ms * SLOT_VALUES)));
      if (s->slot_n++ % stride == 0 && s->slot_len < SLOT_VALUES)
        s->slot_values[s->slot_len++] = v;
    }
}

static inline float
season_at (const State *s,
           gint64       ts_ms)
{
  return s->seasonal ? s->season[(ts_ms / SLOT_MS) % N_SLOTS] : 0.0f;
}

/* Words */

static char *
format_ms (double ms)
{
  if (ms >= 1000.0)
    return g_strdup_printf (_("%.1f s"), ms / 1000.0);
  if (ms >= 10.0)
    return g_strdup_printf (_("%.0f ms"), ms);
  if (ms >= 1.0)
    return g_strdup_printf (_("%.1f ms"), ms);
  return g_strdup_printf (_("%.2f ms"), ms);
}

static char *
format_since (LookoutAnomalyDetector *self,
              gint64                  onset_ms,
              gint64                  now_ms)
{
  g_autoptr(GDateTime) onset = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (self->utc)
    {
      onset = g_date_time_new_from_unix_utc (onset_ms / 1000);
      now = g_date_time_new_from_unix_utc (now_ms / 1000);
    }
  else
    {
      onset = g_date_time_new_from_unix_local (onset_ms / 1000);
      now = g_date_time_new_from_unix_local (now_ms / 1000);
    }
  if (onset == NULL || now == NULL)
    return g_strdup ("?");

  if (g_date_time_get_year (onset) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (onset) == g_date_time_get_day_of_year (now))
    return g_date_time_format (onset, "%H:%M");
  return g_date_time_format (onset, "%Y-%m-%d %H:%M");
}

static void
open_anomaly (LookoutAnomalyDetector *self,
              LookoutAnomalyKind      kind,
              gint64                  ts_ms,
              gint64                  onset_ms,
              double                  before,
              double                  after,
              double                  score,
              guint                  *changes)
{
  LookoutAnomaly *a = &self->anomalies[kind];
  g_autofree char *since = format_since (self, onset_ms, ts_ms);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_clear_pointer (&a->message, g_free);
  *a = (LookoutAnomaly) {
    .id = -1,
    .target_id = self->target_id,
    .start_ms = ts_ms,
    .end_ms = -1,
    .onset_ms = onset_ms,
    .kind = kind,
    .score = score,
    .before = before,
    .after = after,
  };

  switch (kind)
    {
    case LOOKOUT_ANOMALY_LEVEL_SHIFT:
      from = format_ms (before);
      to = format_ms (after);
      /* Translators: "median latency 21 ms → 54 ms since 14:05" */
      a->message = g_strdup_printf (_("median latency %s → %s since %s"), from, to, since);
      break;
    case LOOKOUT_ANOMALY_JITTER:
      from = format_ms (before);
      to = format_ms (after);
      /* Translators: the spread is the interquartile range of latencies */
      a->message = g_strdup_printf (_("latency spread %s → %s since %s"), from, to, since);
      break;
    case LOOKOUT_ANOMALY_DRIFT:
      from = format_ms (before);
      to = format_ms (after);
      a->message = g_strdup_printf (_("median latency drifted from the usual %s to %s since %s"),
                                    from, to, since);
      break;
    case LOOKOUT_ANOMALY_LOSS_BURST:
      a->message = g_strdup_printf (_("%.0f %% of the last %u checks failed (usually %.1f %%) since %s"),
                                    after * 100.0, (guint) self->s.n_outcomes,
                                    before * 100.0, since);
      break;
    case LOOKOUT_ANOMALY_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  self->s.open[kind] = TRUE;
  self->s.up[kind] = after >= before;
  self->s.hold[kind] = 0;
  *changes |= LOOKOUT_ANOMALY_OPENED (kind);
}

static void
close_anomaly (LookoutAnomalyDetector *self,
               LookoutAnomalyKind      kind,
               gint64                  end_ms,
               guint                  *changes)
{
  self->anomalies[kind].end_ms = end_ms;
  self->s.open[kind] = FALSE;
  self->s.hold[kind] = 0;
  if (kind == LOOKOUT_ANOMALY_DRIFT)
    self->s.drift_run = 0;
  *changes |= LOOKOUT_ANOMALY_CLOSED (kind);
}

/* Keeps an anomaly open while @still holds; closes it after CLOSE_HOLD
 * results (or @hold_needed) without. */
static gboolean
hold_or_close (LookoutAnomalyDetector *self,
               LookoutAnomalyKind      kind,
               gboolean                still,
               guint                   hold_needed,
               guint                  *changes)
{
  if (still)
    {
      self->s.hold[kind] = 0;
      return FALSE;
    }
  if (++self->s.hold[kind] < hold_needed)
    return FALSE;

  close_anomaly (self, kind, self->s.last_ts, changes);
  return TRUE;
}

/* P(X >= k) for X ~ Binomial(n, p) */
static double
binomial_tail (guint  n,
               guint  k,
               double p)
{
  double term, tail = 0.0;

  if (k == 0)
    return 1.0;
  if (p <= 0.0)
    return 0.0;

  term = exp (n * log1p (-p));
  for (guint j = 0; j < n; j++)
    {
      if (j >= k)
        tail += term;
      term *= (double) (n - j) / (j + 1) * p / (1.0 - p);
    }
  return tail + term;
}

static void
reset_windows (State *s)
{
  s->ring_len = 0;
  s->ring_pos = 0;
  s->outcomes = 0;
  s->n_outcomes = 0;
  s->fails_in_row = 0;
  s->oks_in_row = 0;
  s->drift_run = 0;
  s->level_run = 0;
  s->jitter_run = 0;
}

static void
state_init (State *s)
{
  memset (s, 0, sizeof *s);
  sketch_init (&s->base, HALF_LIFE_BASE);
  sketch_init (&s->longb, HALF_LIFE_LONG);
  s->p_fail = 0.0f;
  s->last_ts = G_MININT64;
  s->slot = -1;
}

static gboolean
any_latency_anomaly_open (const State *s)
{
  return s->open[LOOKOUT_ANOMALY_LEVEL_SHIFT] ||
         s->open[LOOKOUT_ANOMALY_JITTER] ||
         s->open[LOOKOUT_ANOMALY_DRIFT];
}

static void
check_loss (LookoutAnomalyDetector *self,
            gint64                  ts_ms,
            gboolean                failed,
            guint                  *changes)
{
  State *s = &self->s;
  guint k = __builtin_popcount (s->outcomes);
  double p0 = MAX (s->p_fail, 0.005);
  double tail;

  if (s->n_results < WARM_LOSS || s->n_outcomes < RING)
    return;

  tail = binomial_tail (s->n_outcomes, k, p0);

  if (s->open[LOOKOUT_ANOMALY_LOSS_BURST])
    {
      hold_or_close (self, LOOKOUT_ANOMALY_LOSS_BURST,
                     failed || tail < 0.01 || s->oks_in_row < CLOSE_HOLD, 1, changes);
      return;
    }

  if (failed && k >= LOSS_MIN &&
      (tail < LOSS_P || pow (p0, s->fails_in_row) < LOSS_RUN_P))
    {
      open_anomaly (self, LOOKOUT_ANOMALY_LOSS_BURST, ts_ms,
                    ts_ms - (gint64) (s->fails_in_row > 0 ? s->fails_in_row - 1 : 0) * (gint64) s->interval_ms,
                    p0, (double) k / s->n_outcomes, -log10 (MAX (tail, 1e-300)), changes);
    }
}

static void
check_latency (LookoutAnomalyDetector *self,
               gint64                  ts_ms,
               guint                  *changes)
{
  static const double qs[] = { 0.10, 0.25, 0.50, 0.75, 0.90 };
  State *s = &self->s;
  float sorted[RING];
  double b[5], l[3];
  double r10, r25, r50, r75, r90, iqr, riqr, d, season, step, far;
  guint n_far = 0, n_switches = 0;
  gboolean up_cond, down_cond, level_cond, jitter_cond;
  gint64 onset = ts_ms;

  if (s->base.n < WARM_BASE || s->ring_len < RING)
    return;

  sketch_quantiles (&s->base, qs, G_N_ELEMENTS (qs), b);

  memcpy (sorted, s->ring, sizeof sorted);
  for (guint i = 1; i < RING; i++)
    {
      float v = sorted[i];
      int j = i - 1;

      while (j >= 0 && sorted[j] > v)
        {
          sorted[j + 1] = sorted[j];
          j--;
        }
      sorted[j + 1] = v;
    }
  r10 = (sorted[1] + sorted[2]) / 2;
  r25 = (sorted[3] + sorted[4]) / 2;
  r50 = (sorted[7] + sorted[8]) / 2;
  r75 = (sorted[11] + sorted[12]) / 2;
  r90 = (sorted[13] + sorted[14]) / 2;

  /* the step that counts as a change: 20 %, or twice the narrowest gap
   * between the baseline's deciles and quartiles, which is the spread
   * within one level even when there are two (cache hits and misses) */
  step = MIN (MIN (b[1] - b[0], b[2] - b[1]), MIN (b[3] - b[2], b[4] - b[3]));
  step = MAX (LEVEL_REL, 2 * step);
  far = b[4] + MAX (step, 0.5 * (b[4] - b[0]));

  /* in time order: jitter mixes far and usual results, the start of a
   * level shift puts the far ones after the usual ones */
  {
    gboolean was_far = FALSE;

    for (guint i = 0; i < RING; i++)
      {
        gboolean is_far = s->ring[(s->ring_pos + i) % RING] > far;

        n_far += is_far;
        n_switches += i > 0 && is_far != was_far;
        was_far = is_far;
      }
  }

  season = season_at (s, ts_ms);
  iqr = MAX (b[3] - b[1], MIN_IQR);
  d = r50 - b[2];

  /* a level shift moves the whole distribution: the median, the end it
   * moves away from, and all but one of the deciles and quartiles, so that
   * two levels in a new mix (cache hits and misses) do not count */
  {
    double r[5] = { r10, r25, r50, r75, r90 };
    guint n_up = 0, n_down = 0;

    for (guint i = 0; i < 5; i++)
      {
        n_up += r[i] - b[i] >= step;
        n_down += b[i] - r[i] >= step;
      }
    up_cond = n_up >= 4 && r10 - b[0] >= step && d >= step &&
              exp (r50 + season) - exp (b[2] + season) >= ABS_MS;
    down_cond = n_down >= 4 && b[4] - r90 >= step && -d >= step &&
                exp (b[2] + season) - exp (r50 + season) >= ABS_MS;
  }
  level_cond = up_cond || down_cond;

  /* back to the long baseline's usual level, after a change the short one
   * had begun to follow: the end of something, not a new anomaly */
  if (level_cond && s->longb.n >= WARM_LONG)
    {
      static const double q50[] = { 0.5 };
      double l50;

      sketch_quantiles (&s->longb, q50, 1, &l50);
      if (fabs (b[2] - l50) >= step && fabs (r50 - l50) < fabs (b[2] - l50) / 2)
        level_cond = up_cond = down_cond = FALSE;
    }
  s->level_run = level_cond ? MIN (s->level_run + 1, 255) : 0;

  /* level shift */
  if (s->open[LOOKOUT_ANOMALY_LEVEL_SHIFT])
    {
      LookoutAnomaly *a = &self->anomalies[LOOKOUT_ANOMALY_LEVEL_SHIFT];
      gboolean still = s->up[LOOKOUT_ANOMALY_LEVEL_SHIFT] ? d >= step / 2 : -d >= step / 2;

      if (hold_or_close (self, LOOKOUT_ANOMALY_LEVEL_SHIFT, still, CLOSE_HOLD, changes))
        {
          double now = exp (r50 + season);

          /* still at the new level: it is the new normal */
          if (fabs (log (now) - log (a->after)) < fabs (log (now) - log (a->before)))
            s->longb = s->base;
        }
    }
  else if (s->level_run >= LEVEL_RUN)
    {
      for (guint i = 0; i < RING; i++)
        {
          guint at = (s->ring_pos + i) % RING;

          if (up_cond ? s->ring[at] > b[2] + step : s->ring[at] < b[2] - step)
            {
              onset = s->ring_ts[at];
              break;
            }
        }
      open_anomaly (self, LOOKOUT_ANOMALY_LEVEL_SHIFT, ts_ms, onset,
                    exp (b[2] + season), exp (r50 + season), fabs (d) / iqr, changes);
    }

  /* jitter: many results far beyond the usual slowest, the fastest still
   * where they were */
  riqr = r75 - r25;
  jitter_cond = !level_cond && n_far >= JITTER_OUT && n_switches >= JITTER_SWITCHES &&
                (exp (r90) - exp (r10)) - (exp (b[4]) - exp (b[0])) >= ABS_MS;
  s->jitter_run = jitter_cond ? MIN (s->jitter_run + 1, 255) : 0;
  if (s->open[LOOKOUT_ANOMALY_JITTER])
    {
      hold_or_close (self, LOOKOUT_ANOMALY_JITTER, n_far >= JITTER_OUT / 2, CLOSE_HOLD, changes);
    }
  else if (!s->open[LOOKOUT_ANOMALY_LEVEL_SHIFT] && s->jitter_run >= JITTER_RUN)
    {
      open_anomaly (self, LOOKOUT_ANOMALY_JITTER, ts_ms, s->ring_ts[s->ring_pos],
                    exp (b[3] + season) - exp (b[1] + season),
                    exp (r75 + season) - exp (r25 + season), MAX (riqr, MIN_IQR) / iqr, changes);
    }

  /* drift */
  if (s->longb.n < WARM_LONG)
    return;

  sketch_quantiles (&s->longb, qs + 1, 3, l);
  {
    double liqr = MAX (l[2] - l[0], MIN_IQR);
    double threshold = MAX (s->seasonal ? DRIFT_REL : DRIFT_REL_COLD, 2 * liqr);
    double dd = r50 - l[1];
    double db = b[2] - l[1];
    gboolean cond = fabs (dd) >= threshold && db * dd > 0 && fabs (db) >= threshold / 2 &&
                    fabs (exp (r50 + season) - exp (l[1] + season)) >= ABS_MS;

    if (s->open[LOOKOUT_ANOMALY_DRIFT])
      {
        hold_or_close (self, LOOKOUT_ANOMALY_DRIFT, fabs (dd) >= threshold / 2, 2 * CLOSE_HOLD, changes);
      }
    else if (cond && !s->open[LOOKOUT_ANOMALY_LEVEL_SHIFT] && !s->open[LOOKOUT_ANOMALY_JITTER])
      {
        if (++s->drift_run >= DRIFT_RUN)
          open_anomaly (self, LOOKOUT_ANOMALY_DRIFT, ts_ms,
                        ts_ms - (gint64) (DRIFT_RUN * s->interval_ms),
                        exp (l[1] + season), exp (r50 + season), fabs (dd) / liqr, changes);
      }
    else
      {
        s->drift_run = 0;
      }
  }
}

static void
lookout_anomaly_detector_finalize (GObject *object)
{
  LookoutAnomalyDetector *self = (LookoutAnomalyDetector *)object;

  for (guint i = 0; i < LOOKOUT_ANOMALY_N_KINDS; i++)
    g_clear_pointer (&self->anomalies[i].message, g_free);

  G_OBJECT_CLASS (lookout_anomaly_detector_parent_class)->finalize (object);
}

static void
lookout_anomaly_detector_class_init (LookoutAnomalyDetectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lookout_anomaly_detector_finalize;
}

static void
lookout_anomaly_detector_init (LookoutAnomalyDetector *self)
{
  state_init (&self->s);
  for (guint i = 0; i < LOOKOUT_ANOMALY_N_KINDS; i++)
    self->anomalies[i] = (LookoutAnomaly) { .id = -1, .end_ms = -1, .kind = i };
}

LookoutAnomalyDetector *
lookout_anomaly_detector_new (gint64 target_id)
{
  LookoutAnomalyDetector *self = g_object_new (LOOKOUT_TYPE_ANOMALY_DETECTOR, NULL);

  self->target_id = target_id;
  return self;
}

/**
 * lookout_anomaly_detector_set_utc:
 *
 * Writes the times in messages in UTC instead of local time.
 */
void
lookout_anomaly_detector_set_utc (LookoutAnomalyDetector *self,
                                  gboolean                utc)
{
  g_return_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self));

  self->utc = !!utc;
}

gint64
lookout_anomaly_detector_get_target_id (LookoutAnomalyDetector *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self), -1);

  return self->target_id;
}

gint64
lookout_anomaly_detector_get_last_ms (LookoutAnomalyDetector *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self), -1);

  return self->s.last_ts == G_MININT64 ? -1 : self->s.last_ts;
}

/**
 * lookout_anomaly_detector_feed:
 * @latency_ms: the round trip, or NaN (or a negative value) for a failed check
 *
 * Feeds one result. Results must come in time order; one older than the
 * last is ignored.
 *
 * Returns: LOOKOUT_ANOMALY_OPENED() / _CLOSED() bits of what this result
 *   changed; lookout_anomaly_detector_peek() then tells what.
 */
guint
lookout_anomaly_detector_feed (LookoutAnomalyDetector *self,
                               gint64                  ts_ms,
                               double                  latency_ms)
{
  State *s;
  guint changes = 0;
  gboolean failed;

  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self), 0);

  s = &self->s;
  if (s->last_ts != G_MININT64)
    {
      gint64 dt = ts_ms - s->last_ts;

      if (dt < 0)
        return 0;

      if (s->interval_ms > 0 && dt > GAP_FACTOR * s->interval_ms && dt > GAP_MIN_MS)
        {
          for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
            if (s->open[k])
              close_anomaly (self, k, s->last_ts, &changes);
          reset_windows (s);
          s->resume_skip = RESUME_SKIP;
        }
      else if (s->interval_ms <= 0)
        s->interval_ms = dt;
      else
        s->interval_ms += 0.05f * (MIN (dt, 4 * s->interval_ms) - s->interval_ms);
    }
  s->last_ts = ts_ms;

  if (s->resume_skip > 0)
    {
      s->resume_skip--;
      return changes;
    }

  failed = isnan (latency_ms) || latency_ms < 0;

  profile_note (s, ts_ms, failed ? NAN : log (MAX (latency_ms, 0.01)));

  /* loss */
  if (s->n_outcomes == LOSS_WINDOW)
    {
      float leaving = (s->outcomes >> (LOSS_WINDOW - 1)) & 1;
      float rate = 1.0f / MIN ((float) HALF_LIFE_LOSS, (float) s->n_results + 1);

      if (s->open[LOOKOUT_ANOMALY_LOSS_BURST])
        rate /= 4;
      s->p_fail += rate * (leaving - s->p_fail);
    }
  /* the baseline remembers about two hours, within 48 to 200 results, so
   * that a daily pattern is followed while it is not yet learned */
  if (s->n_results % 64 == 0 && s->interval_ms > 0)
    s->base.growth = (float) exp2 (1.0 / CLAMP (BASE_MEMORY_MS / s->interval_ms,
                                                HALF_LIFE_BASE_MIN, HALF_LIFE_BASE));
  s->outcomes = (s->outcomes << 1) | (failed ? 1 : 0);
  s->n_outcomes = MIN (s->n_outcomes + 1, LOSS_WINDOW);
  s->fails_in_row = failed ? MIN (s->fails_in_row + 1, 255) : 0;
  s->oks_in_row = failed ? 0 : MIN (s->oks_in_row + 1, 255);
  s->n_results++;

  check_loss (self, ts_ms, failed, &changes);

  if (failed)
    return changes;

  /* latency */
  {
    float v = (float) (log (MAX (latency_ms, 0.01)) - season_at (s, ts_ms));

    if (s->ring_len == RING)
      {
        float leaving = s->ring[s->ring_pos];

        /* one value in four while a change is open, so that it does not
         * become normal at once */
        if (!any_latency_anomaly_open (s) || (s->feed_phase++ & 3) == 0)
          {
            sketch_add (&s->base, leaving);
            sketch_add (&s->longb, leaving);
          }
      }
    else
      s->ring_len++;

    s->ring[s->ring_pos] = v;
    s->ring_ts[s->ring_pos] = ts_ms;
    s->ring_pos = (s->ring_pos + 1) % RING;
  }

  check_latency (self, ts_ms, &changes);

  return changes;
}

/**
 * lookout_anomaly_detector_peek:
 *
 * Returns: the open anomaly of @kind, or the last one closed; its end_ms is
 *   -1 while open. Its start_ms is 0 if there was none yet.
 */
const LookoutAnomaly *
lookout_anomaly_detector_peek (LookoutAnomalyDetector *self,
                               LookoutAnomalyKind      kind)
{
  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self), NULL);
  g_return_val_if_fail (kind < LOOKOUT_ANOMALY_N_KINDS, NULL);

  return &self->anomalies[kind];
}

/* The store's row id of the anomaly of @kind, once it is written. */
void
lookout_anomaly_detector_set_id (LookoutAnomalyDetector *self,
                                 LookoutAnomalyKind      kind,
                                 gint64                  id)
{
  g_return_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self));
  g_return_if_fail (kind < LOOKOUT_ANOMALY_N_KINDS);

  self->anomalies[kind].id = id;
}

/* Closes whatever is open at the last result (the end of a series). */
guint
lookout_anomaly_detector_close_all (LookoutAnomalyDetector *self)
{
  guint changes = 0;

  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_DETECTOR (self), 0);

  for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
    if (self->s.open[k])
      close_anomaly (self, k, self->s.last_ts, &changes);
  return changes;
}

/* Bytes a detector keeps for its target. */
gsize
lookout_anomaly_detector_state_size (void)
{
  return sizeof (LookoutAnomalyDetector);
}
