/* test-live-stats.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The monitor's summaries of the last day (LookoutLiveStats) give the
 * store's own statistics (lookout_stats_fetch_sync()) field for field:
 * after many results with runs of failures, degraded and untimed ones, as
 * the day slides past its edge, for a paused target and an edited one,
 * for a result that arrives late, after a restart (seeded from the file,
 * with results arriving while it is read), and they step aside where they
 * cannot follow the store: two results of one millisecond, a target put
 * back, another range, a retention shorter than the day. All times are
 * placed from a fixed instant. */

#include "config.h"

#include <math.h>

#include "lookout-live-stats.h"
#include "lookout-monitor.h"
#include "lookout-test.h"

#define DAY_MS    (86400 * G_GINT64_CONSTANT (1000))
#define BASE_MS   G_GINT64_CONSTANT (1767225600000)   /* 2026-01-01T00:00:00Z */
#define STEP_MS   60000

typedef struct
{
  LookoutTestStore *store;
  LookoutMonitor   *monitor;
  LookoutLiveStats *live;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = lookout_test_store_new ();
  f->monitor = lookout_test_monitor_new (f->store->store);
  f->live = lookout_monitor_enable_live_stats (f->monitor, DAY_MS);
  LOOKOUT_TEST_WAIT (lookout_live_stats_is_ready (f->live));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->monitor);
  lookout_test_store_free (f->store);
}

static LookoutTarget *
add (Fixture    *f,
     const char *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_test_add_target (f->monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);
  return target;
}

/* Result @i of a pattern with runs of DOWN, DEGRADED ones and answers
 * without a latency. */
static void
feed (LookoutMonitor *monitor,
      LookoutTarget  *target,
      gint64          ts_ms,
      guint           i)
{
  g_autoptr(LookoutResult) r = lookout_result_new (lookout_target_get_kind (target));
  guint phase = (i * 7 + (guint) lookout_target_get_id (target)) % 31;

  r->target_id = lookout_target_get_id (target);
  r->target = g_strdup (lookout_target_get_uri_string (target));
  r->started_ms = ts_ms;
  r->ok = phase >= 4;
  r->state = phase < 4 ? LOOKOUT_TARGET_STATE_DOWN
             : phase == 9 || phase == 10 ? LOOKOUT_TARGET_STATE_DEGRADED
             : LOOKOUT_TARGET_STATE_UP;
  r->latency_us = !r->ok || phase == 17 ? -1 : 500 + (gint64) ((i * 7919u) % 9973u);
  lookout_monitor_handle_result (monitor, target, r);
}

static void
flush (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  lookout_store_flush_sync (f->store->store, &error);
  g_assert_no_error (error);
}

/* The day ending at @now_ms, from the summary and from the store. */
static void
assert_same (Fixture       *f,
             LookoutTarget *target,
             gint64         now_ms)
{
  gint64 id = lookout_target_get_id (target);
  g_autoptr(GError) error = NULL;
  g_autofree LookoutStats *stored = NULL;
  LookoutStats live;

  g_assert_true (lookout_live_stats_get (f->live, id, now_ms - DAY_MS, now_ms, &live));
  stored = lookout_stats_fetch_sync (f->store->store, id, now_ms - DAY_MS, now_ms, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (live.from_ms, ==, stored->from_ms);
  g_assert_cmpint (live.to_ms, ==, stored->to_ms);
  g_assert_cmpuint (live.n, ==, stored->n);
  g_assert_cmpuint (live.n_fail, ==, stored->n_fail);
  g_assert_cmpuint (live.n_degraded, ==, stored->n_degraded);
  g_assert_cmpuint (live.n_timed, ==, stored->n_timed);
  g_assert_cmpuint (live.n_outages, ==, stored->n_outages);
  g_assert_cmpint (isnan (live.availability), ==, isnan (stored->availability));
  if (!isnan (stored->availability))
    g_assert_cmpfloat (live.availability, ==, stored->availability);
  g_assert_cmpint (live.min_us, ==, stored->min_us);
  g_assert_cmpint (live.max_us, ==, stored->max_us);
  g_assert_cmpint (live.mean_us, ==, stored->mean_us);
  g_assert_cmpint (live.median_us, ==, stored->median_us);
  g_assert_cmpint (live.p95_us, ==, stored->p95_us);
  g_assert_cmpint (live.last_state, ==, stored->last_state);
  g_assert_cmpint (live.last_ts_ms, ==, stored->last_ts_ms);
  g_assert_true (live.exact && stored->exact);
}

static void
test_sliding_day (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LookoutTarget) a = add (f, "tcp://127.0.0.1:21");
  g_autoptr(LookoutTarget) b = add (f, "tcp://127.0.0.1:22");
  g_autoptr(LookoutTarget) c = add (f, "icmp://127.0.0.1");
  const guint n = 30 * 60;   /* thirty hours of minutes */

  /* nothing yet: an empty day, as the store says */
  assert_same (f, a, BASE_MS);

  for (guint i = 0; i < n; i++)
    {
      gint64 ts = BASE_MS + (gint64) i * STEP_MS;

      feed (f->monitor, a, ts, i);
      /* b every third minute, a little after a */
      if (i % 3 == 0)
        feed (f->monitor, b, ts + 17, i);
      /* c is paused after twenty hours */
      if (i < 20 * 60)
        feed (f->monitor, c, ts + 29, i);
      /* b edited half way: its name and interval */
      if (i == n / 2)
        {
          g_autoptr(LookoutTarget) changes = lookout_target_copy (b);
          g_autoptr(GAsyncResult) result = NULL;
          g_autoptr(GError) error = NULL;

          lookout_target_set_name (changes, "Edited");
          lookout_monitor_update_target_async (f->monitor, b, changes, NULL, lookout_test_async_cb, &result);
          g_assert_true (lookout_monitor_update_target_finish (f->monitor, lookout_test_wait_result (&result),
                                                               &error));
          g_assert_no_error (error);
        }
      if (i % 97 == 0 || i > n - 5)
        {
          flush (f);
          for (guint k = 0; k < 3; k++)
            {
              /* just after the last results, and between two */
              gint64 now = ts + (gint64[]) { 30, 31, 59999 }[k];

              assert_same (f, a, now);
              assert_same (f, b, now);
              assert_same (f, c, now);
            }
        }
    }

  /* the day slides on with nothing new: the paused target empties */
  for (gint64 now = BASE_MS + n * STEP_MS; now < BASE_MS + n * STEP_MS + DAY_MS + 2 * STEP_MS; now += 3600000 + 7)
    {
      assert_same (f, a, now);
      assert_same (f, b, now);
      assert_same (f, c, now);
    }

  /* another range, or one a summary no longer holds: the store's to read */
  {
    LookoutStats stats;
    gint64 now = BASE_MS + 2 * DAY_MS;

    g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (a), now - 3600000, now, &stats));
    g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (a), BASE_MS, BASE_MS + DAY_MS, &stats));
  }
}

static void
test_late_and_same_millisecond (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(LookoutTarget) a = add (f, "tcp://127.0.0.1:31");
  g_autoptr(LookoutTarget) b = add (f, "tcp://127.0.0.1:32");
  LookoutStats stats;
  gint64 now = BASE_MS + 200 * STEP_MS;

  for (guint i = 0; i < 200; i++)
    {
      feed (f->monitor, a, BASE_MS + (gint64) i * STEP_MS, i);
      feed (f->monitor, b, BASE_MS + (gint64) i * STEP_MS, i);
    }
  /* a result that arrives late, between two others, and one older than
   * them all: into their places */
  feed (f->monitor, a, BASE_MS + 50 * STEP_MS + 123, 1000);
  feed (f->monitor, a, BASE_MS - 5000, 1001);
  flush (f);
  assert_same (f, a, now);

  /* a second result of one millisecond: the store keeps it or not by its
   * place, which the summary does not hold; the store answers */
  feed (f->monitor, b, BASE_MS + 10 * STEP_MS, 2000);
  flush (f);
  g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (b), now - DAY_MS, now, &stats));
}

/* Past its budget the summary gives up its largest windows, whose
 * targets the store then answers for; the others are kept, exact. */
static void
test_budget (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LookoutTarget) often = add (f, "tcp://127.0.0.1:41");
  g_autoptr(LookoutTarget) seldom = add (f, "tcp://127.0.0.1:42");
  LookoutStats stats;
  gint64 now = BASE_MS + 2000 * STEP_MS;
  gsize before;

  for (guint i = 0; i < 2000; i++)
    {
      feed (f->monitor, often, BASE_MS + (gint64) i * STEP_MS, i);
      if (i % 20 == 0)
        feed (f->monitor, seldom, BASE_MS + (gint64) i * STEP_MS, i);
    }
  flush (f);
  assert_same (f, often, now);
  assert_same (f, seldom, now);

  before = lookout_live_stats_get_memory (f->live);
  lookout_live_stats_set_budget (f->live, before - 1);
  g_assert_cmpuint (lookout_live_stats_get_memory (f->live), <=, before - 1);
  g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (often), now - DAY_MS, now, &stats));
  assert_same (f, seldom, now);

  /* what comes next is kept within it too */
  for (guint i = 2000; i < 2100; i++)
    feed (f->monitor, seldom, BASE_MS + (gint64) i * STEP_MS, i);
  flush (f);
  g_assert_cmpuint (lookout_live_stats_get_memory (f->live), <=, before - 1);
}

static gint64
clock_cb (gpointer user_data)
{
  return *(const gint64 *) user_data;
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LookoutTarget) a = add (f, "tcp://127.0.0.1:41");
  g_autoptr(LookoutTarget) b = add (f, "tcp://127.0.0.1:42");
  g_autoptr(LookoutTarget) gone = add (f, "tcp://127.0.0.1:43");
  g_autoptr(GPtrArray) fed = g_ptr_array_new ();
  const guint n = 26 * 60;
  gint64 now = BASE_MS + n * STEP_MS;
  LookoutStats stats;

  for (guint i = 0; i < n; i++)
    {
      feed (f->monitor, a, BASE_MS + (gint64) i * STEP_MS, i);
      feed (f->monitor, b, BASE_MS + (gint64) i * STEP_MS + 5, i);
      feed (f->monitor, gone, BASE_MS + (gint64) i * STEP_MS + 9, i);
    }
  flush (f);

  /* removed and put back with its id: its history is in the file, and the
   * store answers for it */
  lookout_monitor_remove_target (f->monitor, gone);
  lookout_test_add_target (f->monitor, gone);
  g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (gone), now - DAY_MS, now, &stats));

  /* a new process over the same file: the summaries read it, while
   * results still come (one already stored among them) */
  g_clear_object (&f->monitor);
  g_clear_object (&a);
  g_clear_object (&b);
  f->monitor = lookout_test_monitor_new (f->store->store);
  a = g_object_ref (lookout_monitor_find_target_by_uri (f->monitor, "tcp://127.0.0.1:41"));
  b = g_object_ref (lookout_monitor_find_target_by_uri (f->monitor, "tcp://127.0.0.1:42"));
  lookout_store_set_clock (f->store->store, clock_cb, &now);
  f->live = lookout_monitor_enable_live_stats (f->monitor, DAY_MS);
  g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (a), now - DAY_MS, now, &stats));
  feed (f->monitor, a, now - 3 * STEP_MS + 1, 5000);
  feed (f->monitor, b, now + 11, 5001);
  LOOKOUT_TEST_WAIT (lookout_live_stats_is_ready (f->live));
  flush (f);
  assert_same (f, a, now + 100);
  assert_same (f, b, now + 100);

  for (guint i = 0; i < 120; i++)
    {
      feed (f->monitor, a, now + STEP_MS + (gint64) i * STEP_MS, i);
      feed (f->monitor, b, now + STEP_MS + (gint64) i * STEP_MS + 5, i);
    }
  flush (f);
  assert_same (f, a, now + 121 * STEP_MS);
  assert_same (f, b, now + 121 * STEP_MS);
}

static void
test_short_retention (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(LookoutTarget) a = add (f, "tcp://127.0.0.1:51");
  LookoutStoreRetention keep;
  LookoutStats stats;
  gint64 now = BASE_MS + 100 * STEP_MS;

  for (guint i = 0; i < 100; i++)
    feed (f->monitor, a, BASE_MS + (gint64) i * STEP_MS, i);
  flush (f);
  assert_same (f, a, now);

  /* raw samples kept for an hour: the store answers a day from rollups */
  lookout_store_get_retention (f->store->store, &keep);
  keep.samples_ms = 3600000;
  lookout_store_set_retention (f->store->store, &keep);
  lookout_live_stats_check_retention (f->live);
  g_assert_false (lookout_live_stats_get (f->live, lookout_target_get_id (a), now - DAY_MS, now, &stats));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/live-stats/sliding-day", Fixture, NULL, fixture_set_up, test_sliding_day, fixture_tear_down);
  g_test_add ("/live-stats/late-and-same-millisecond", Fixture, NULL,
              fixture_set_up, test_late_and_same_millisecond, fixture_tear_down);
  g_test_add ("/live-stats/restart", Fixture, NULL, fixture_set_up, test_restart, fixture_tear_down);
  g_test_add ("/live-stats/budget", Fixture, NULL, fixture_set_up, test_budget, fixture_tear_down);
  g_test_add ("/live-stats/short-retention", Fixture, NULL,
              fixture_set_up, test_short_retention, fixture_tear_down);

  return g_test_run ();
}
