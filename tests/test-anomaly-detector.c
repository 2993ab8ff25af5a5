/* test-anomaly-detector.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "lookout-anomaly-detector.h"

/* 2026-03-01T00:00:00Z: series are placed from a fixed time */
#define T0 G_GINT64_CONSTANT (1772323200000)
#define MINUTE (60 * 1000)

typedef struct
{
  LookoutAnomalyDetector *detector;
  GArray                 *opened;   /* LookoutAnomaly, messages owned */
  guint                   n_closed;
} Run;

static void
run_init (Run *run)
{
  run->detector = lookout_anomaly_detector_new (1);
  lookout_anomaly_detector_set_utc (run->detector, TRUE);
  run->opened = g_array_new (FALSE, TRUE, sizeof (LookoutAnomaly));
  run->n_closed = 0;
}

static void
run_clear (Run *run)
{
  for (guint i = 0; i < run->opened->len; i++)
    g_free (g_array_index (run->opened, LookoutAnomaly, i).message);
  g_array_unref (run->opened);
  g_object_unref (run->detector);
}

static void
feed (Run    *run,
      gint64  ts_ms,
      double  latency_ms)
{
  guint changes = lookout_anomaly_detector_feed (run->detector, ts_ms, latency_ms);

  for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
    {
      if (changes & LOOKOUT_ANOMALY_CLOSED (k))
        run->n_closed++;
      if (changes & LOOKOUT_ANOMALY_OPENED (k))
        {
          LookoutAnomaly copy = *lookout_anomaly_detector_peek (run->detector, k);

          copy.message = g_strdup (copy.message);
          g_array_append_val (run->opened, copy);
        }
    }
}

static LookoutAnomaly *
opened (Run   *run,
        guint  i)
{
  return &g_array_index (run->opened, LookoutAnomaly, i);
}

/* Gaussian noise of a seeded generator */
static double
noise (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static void
test_state_size (void)
{
  g_test_message ("%" G_GSIZE_FORMAT " bytes per target", lookout_anomaly_detector_state_size ());
  g_assert_cmpuint (lookout_anomaly_detector_state_size (), <=, 4096);
}

static void
test_warm_up_silent (void)
{
  Run run;

  run_init (&run);
  /* wildly different values and failures while warming up */
  for (guint i = 0; i < 40; i++)
    feed (&run, T0 + i * MINUTE, i % 3 == 0 ? NAN : (i < 20 ? 5.0 : 500.0));
  g_assert_cmpuint (run.opened->len, ==, 0);
  run_clear (&run);
}

static void
test_single_spikes (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  Run run;

  run_init (&run);
  for (guint i = 0; i < 3000; i++)
    {
      double v = 20.0 + noise (rand);

      if (i % 37 == 0)
        v *= 20;
      if (i % 101 == 0)
        v = NAN;
      feed (&run, T0 + i * MINUTE, v);
    }
  g_assert_cmpuint (run.opened->len, ==, 0);
  run_clear (&run);
}

static void
test_level_shift (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2);
  LookoutAnomaly *a;
  Run run;

  run_init (&run);
  for (guint i = 0; i < 1000; i++)
    feed (&run, T0 + i * MINUTE, 21.0 + noise (rand) + (i >= 500 && i < 600 ? 33.0 : 0.0));

  g_assert_cmpuint (run.opened->len, ==, 1);
  a = opened (&run, 0);
  g_assert_cmpint (a->kind, ==, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  /* decided within a window of the change, from earlier results only */
  g_assert_cmpint (a->start_ms, >=, T0 + 500 * MINUTE);
  g_assert_cmpint (a->start_ms, <=, T0 + 520 * MINUTE);
  g_assert_cmpint (a->onset_ms, >=, T0 + 500 * MINUTE);
  g_assert_cmpint (a->onset_ms, <=, a->start_ms);
  /* 500 minutes after midnight UTC is 08:20 */
  g_assert_cmpstr (a->message, ==, "median latency 21 ms → 54 ms since 08:20");
  g_assert_cmpfloat (a->score, >, 3.0);

  /* closed when the latency came back, and nothing new opened for the return */
  a = (LookoutAnomaly *) lookout_anomaly_detector_peek (run.detector, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  g_assert_cmpint (a->end_ms, >=, T0 + 600 * MINUTE);
  g_assert_cmpint (a->end_ms, <=, T0 + 640 * MINUTE);
  g_assert_cmpuint (run.n_closed, ==, 1);
  run_clear (&run);
}

static void
test_new_normal (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  const LookoutAnomaly *a;
  Run run;

  run_init (&run);
  for (guint i = 0; i < 6000; i++)
    feed (&run, T0 + i * MINUTE, (i >= 1000 ? 60.0 : 20.0) * (1.0 + 0.05 * noise (rand)));

  /* one level shift, closed as the new level became normal, and no drift
   * reported afterwards for the same change */
  g_assert_cmpuint (run.opened->len, ==, 1);
  g_assert_cmpint (opened (&run, 0)->kind, ==, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  a = lookout_anomaly_detector_peek (run.detector, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  g_assert_cmpint (a->end_ms, >, a->start_ms);
  g_assert_cmpint (a->end_ms, <, T0 + 4000 * MINUTE);
  run_clear (&run);
}

static void
test_two_levels (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  Run run;

  run_init (&run);
  /* cache hits of 1.5 ms and misses of 45 ms, in changing mixes */
  for (guint i = 0; i < 8000; i++)
    {
      double p_miss = 0.15 + 0.3 * (0.5 + 0.5 * sin (i / 500.0));
      double v = g_rand_double (rand) < p_miss ? 45.0 : 1.5;

      feed (&run, T0 + i * MINUTE, v * exp (0.1 * noise (rand)));
    }
  g_assert_cmpuint (run.opened->len, ==, 0);
  run_clear (&run);
}

static void
test_jitter (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  Run run;

  run_init (&run);
  for (guint i = 0; i < 1200; i++)
    {
      double v = 30.0 + noise (rand);

      if (i >= 600 && i < 700)
        v += -30.0 * log (g_rand_double_range (rand, 1e-9, 1.0));
      feed (&run, T0 + i * MINUTE, v);
    }
  g_assert_cmpuint (run.opened->len, >=, 1);
  g_assert_cmpint (opened (&run, 0)->kind, ==, LOOKOUT_ANOMALY_JITTER);
  g_assert_cmpint (opened (&run, 0)->start_ms, >=, T0 + 600 * MINUTE);
  g_assert_cmpint (opened (&run, 0)->start_ms, <, T0 + 700 * MINUTE);
  g_assert_true (g_str_has_prefix (opened (&run, 0)->message, "latency spread "));
  for (guint i = 0; i < run.opened->len; i++)
    g_assert_cmpint (opened (&run, i)->start_ms, <, T0 + 720 * MINUTE);
  run_clear (&run);
}

static void
test_drift (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (6);
  gboolean found = FALSE;
  Run run;

  run_init (&run);
  /* 20 ms, then a slow climb to 50 ms over 500 results */
  for (guint i = 0; i < 2500; i++)
    {
      double level = i < 1500 ? 20.0 : 20.0 + 30.0 * MIN (1.0, (i - 1500) / 500.0);

      feed (&run, T0 + i * MINUTE, level * (1.0 + 0.04 * noise (rand)));
    }
  for (guint i = 0; i < run.opened->len; i++)
    {
      g_assert_cmpint (opened (&run, i)->start_ms, >=, T0 + 1500 * MINUTE);
      found |= opened (&run, i)->kind == LOOKOUT_ANOMALY_DRIFT;
    }
  g_assert_true (found);
  run_clear (&run);
}

static void
test_loss_burst (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  LookoutAnomaly *a;
  Run run;

  run_init (&run);
  for (guint i = 0; i < 1000; i++)
    {
      gboolean lost = g_rand_double (rand) < 0.01 || (i >= 700 && i < 712);

      feed (&run, T0 + i * MINUTE, lost ? NAN : 20.0 + noise (rand));
    }
  g_assert_cmpuint (run.opened->len, ==, 1);
  a = opened (&run, 0);
  g_assert_cmpint (a->kind, ==, LOOKOUT_ANOMALY_LOSS_BURST);
  g_assert_cmpint (a->start_ms, >=, T0 + 700 * MINUTE);
  g_assert_cmpint (a->start_ms, <, T0 + 712 * MINUTE);
  g_assert_nonnull (strstr (a->message, "checks failed"));
  run_clear (&run);
}

static void
test_suspend_gap (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  const LookoutAnomaly *a;
  gint64 ts = T0;
  Run run;

  run_init (&run);
  for (guint i = 0; i < 600; i++, ts += MINUTE)
    feed (&run, ts, 20.0 + noise (rand) + (i >= 500 ? 40.0 : 0.0));
  g_assert_cmpuint (run.opened->len, ==, 1);

  /* a night's suspend: what is open ends at the last result before it,
   * the failures of the first checks after it are not a burst */
  ts += 8 * 60 * MINUTE;
  for (guint i = 0; i < 3; i++, ts += MINUTE)
    feed (&run, ts, NAN);
  a = lookout_anomaly_detector_peek (run.detector, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  g_assert_cmpint (a->end_ms, ==, T0 + 599 * MINUTE);

  for (guint i = 0; i < 400; i++, ts += MINUTE)
    feed (&run, ts, 20.0 + noise (rand) + 40.0);
  /* the baseline was kept across the gap: the same change reopens, and
   * nothing else is reported */
  for (guint i = 1; i < run.opened->len; i++)
    g_assert_cmpint (opened (&run, i)->kind, ==, LOOKOUT_ANOMALY_LEVEL_SHIFT);
  run_clear (&run);
}

static void
test_daily_pattern (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  Run run;

  run_init (&run);
  /* six days at one minute: a daily swing and a backup from 02:00 to
   * 02:30 every night that doubles the latency */
  for (guint i = 0; i < 6 * 1440; i++)
    {
      gint64 ts = T0 + i * MINUTE;
      guint minute = i % 1440;
      double v = 20.0 * (1.0 + 0.25 * sin (2 * G_PI * minute / 1440.0));

      if (minute >= 120 && minute < 150)
        v *= 2.0;
      feed (&run, ts, v * (1.0 + 0.05 * noise (rand)));
    }
  /* the first nights may be news; from the third day on it is the usual */
  for (guint i = 0; i < run.opened->len; i++)
    g_assert_cmpint (opened (&run, i)->start_ms, <, T0 + 2 * 1440 * MINUTE + 180 * MINUTE);
  run_clear (&run);
}

static void
test_kind_strings (void)
{
  for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
    {
      LookoutAnomalyKind back;

      g_assert_true (lookout_anomaly_kind_from_string (lookout_anomaly_kind_to_string (k), &back));
      g_assert_cmpint (back, ==, k);
      g_assert_nonnull (lookout_anomaly_kind_get_label (k));
    }
  g_assert_false (lookout_anomaly_kind_from_string ("spike", &(LookoutAnomalyKind) { 0 }));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anomaly/state-size", test_state_size);
  g_test_add_func ("/anomaly/warm-up-silent", test_warm_up_silent);
  g_test_add_func ("/anomaly/single-spikes", test_single_spikes);
  g_test_add_func ("/anomaly/level-shift", test_level_shift);
  g_test_add_func ("/anomaly/new-normal", test_new_normal);
  g_test_add_func ("/anomaly/two-levels", test_two_levels);
  g_test_add_func ("/anomaly/jitter", test_jitter);
  g_test_add_func ("/anomaly/drift", test_drift);
  g_test_add_func ("/anomaly/loss-burst", test_loss_burst);
  g_test_add_func ("/anomaly/suspend-gap", test_suspend_gap);
  g_test_add_func ("/anomaly/daily-pattern", test_daily_pattern);
  g_test_add_func ("/anomaly/kind-strings", test_kind_strings);

  return g_test_run ();
}
