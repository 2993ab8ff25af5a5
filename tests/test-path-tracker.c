/* test-path-tracker.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Route changes told from noise, and mtr's per-hop figures, over rounds
 * written out by hand: "a b d" is a round where TTL 1 answered from a, TTL
 * 2 from b and the destination d at TTL 3; "*" is a silent hop; "b1|b2"
 * two responders at one TTL. test-trace makes the same rounds with real
 * routers. */

#include "config.h"

#include "lookout-path-tracker.h"
#include "lookout-test.h"

/* Every probe of a hop answered in @rtt_ms ms, unless silent. */
static LookoutTraceReport *
round_new (const char *path,
           gboolean    reaches,
           double      rtt_ms)
{
  g_auto(GStrv) hops = g_strsplit (path, " ", -1);
  LookoutTraceReport *report = lookout_trace_report_new ("d", g_strv_length (hops));

  report->destination_ttl = reaches ? report->n_hops : 0;
  for (guint i = 0; i < report->n_hops; i++)
    {
      LookoutTraceHop *hop = &report->hops[i];

      hop->sent = 3;
      hop->reached = reaches && i + 1 == report->n_hops;
      if (g_str_equal (hops[i], "*"))
        {
          for (guint p = 0; p < 3; p++)
            hop->rtt_us[p] = -1;
          continue;
        }
      hop->addresses = g_strsplit (hops[i], "|", -1);
      hop->received = 3;
      for (guint p = 0; p < 3; p++)
        hop->rtt_us[p] = (gint64) (rtt_ms * 1000 * (i + 1)) + p;
    }

  return report;
}

/* Adds a round; the change it confirmed as "old -> new", or NULL. */
static char *
add (LookoutPathTracker *tracker,
     const char         *path,
     gboolean            reaches)
{
  g_autoptr(LookoutTraceReport) report = round_new (path, reaches, 1.0);
  g_auto(GStrv) old_path = NULL;
  g_auto(GStrv) new_path = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;

  if (!lookout_path_tracker_add_round (tracker, report, &old_path, &new_path))
    return NULL;

  old_text = g_strjoinv (" ", old_path);
  new_text = g_strjoinv (" ", new_path);
  return g_strdup_printf ("%s -> %s", old_text, new_text);
}

#define ADD_NO_CHANGE(tracker, path) \
  G_STMT_START { \
    g_autofree char *change_ = add (tracker, path, TRUE); \
    g_assert_null (change_); \
  } G_STMT_END

static void
test_stable (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_auto(GStrv) path = NULL;
  const LookoutPathHop *hop;

  g_assert_null (lookout_path_tracker_dup_path (tracker));
  for (guint i = 0; i < 5; i++)
    ADD_NO_CHANGE (tracker, "a b d");

  path = lookout_path_tracker_dup_path (tracker);
  g_assert_cmpstrv (path, ((const char *[]) { "a", "b", "d", NULL }));
  g_assert_cmpuint (lookout_path_tracker_get_n_rounds (tracker), ==, 5);
  g_assert_cmpuint (lookout_path_tracker_get_n_hops (tracker), ==, 3);

  hop = lookout_path_tracker_get_hop (tracker, 1);
  g_assert_cmpuint (hop->ttl, ==, 2);
  g_assert_cmpstr (hop->addresses[0], ==, "b");
  g_assert_null (hop->addresses[1]);
  g_assert_cmpuint (hop->sent, ==, 15);
  g_assert_cmpuint (hop->received, ==, 15);
  /* 2000, 2001 and 2002 µs in every round */
  g_assert_cmpint (hop->best_us, ==, 2000);
  g_assert_cmpint (hop->worst_us, ==, 2002);
  g_assert_cmpint (hop->last_us, ==, 2002);
  g_assert_cmpint (hop->median_us, ==, 2001);
  g_assert_cmpint (hop->spread_us, ==, 1);
}

static void
test_switch_needs_two_rounds (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_autofree char *change = NULL;

  ADD_NO_CHANGE (tracker, "a b d");
  ADD_NO_CHANGE (tracker, "a b d");
  /* one round on another way is not yet a change */
  ADD_NO_CHANGE (tracker, "a2 b2 d");
  change = add (tracker, "a2 b2 d", TRUE);
  g_assert_cmpstr (change, ==, "a b d -> a2 b2 d");

  /* the new path is the known one now, with figures of its own */
  ADD_NO_CHANGE (tracker, "a2 b2 d");
  ADD_NO_CHANGE (tracker, "a2 b2 d");
  g_assert_cmpuint (lookout_path_tracker_get_hop (tracker, 0)->sent, ==, 9);
  g_assert_cmpstr (lookout_path_tracker_get_hop (tracker, 0)->addresses[0], ==, "a2");
  g_assert_null (lookout_path_tracker_get_hop (tracker, 0)->addresses[1]);
}

static void
test_blip_is_not_a_change (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();

  ADD_NO_CHANGE (tracker, "a b d");
  ADD_NO_CHANGE (tracker, "a x d");
  ADD_NO_CHANGE (tracker, "a b d");
  ADD_NO_CHANGE (tracker, "a y d");
  ADD_NO_CHANGE (tracker, "a b d");
  /* two different detours in a row do not agree with each other either */
  ADD_NO_CHANGE (tracker, "a x d");
  ADD_NO_CHANGE (tracker, "a y d");
  ADD_NO_CHANGE (tracker, "a b d");
}

static void
test_silence_and_loss_say_nothing (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_auto(GStrv) path = NULL;

  ADD_NO_CHANGE (tracker, "a b c d");
  ADD_NO_CHANGE (tracker, "a * c d");
  ADD_NO_CHANGE (tracker, "a * * d");
  ADD_NO_CHANGE (tracker, "* * * d");
  /* a round that did not get as far */
  {
    g_autofree char *change = add (tracker, "a b", FALSE);
    g_assert_null (change);
  }
  {
    g_autofree char *change = add (tracker, "a b", FALSE);
    g_assert_null (change);
  }
  path = lookout_path_tracker_dup_path (tracker);
  g_assert_cmpstrv (path, ((const char *[]) { "a", "b", "c", "d", NULL }));
  g_assert_cmpuint (lookout_path_tracker_get_hop (tracker, 1)->sent, ==, 18);
  g_assert_cmpuint (lookout_path_tracker_get_hop (tracker, 1)->received, ==, 9);
  g_assert_cmpint (lookout_path_tracker_get_hop (tracker, 1)->last_us, ==, 2002);
}

static void
test_longer_path (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_autofree char *change = NULL;

  ADD_NO_CHANGE (tracker, "a b d");
  /* the same hops, then one more before the destination */
  ADD_NO_CHANGE (tracker, "a b c d");
  change = add (tracker, "a b c d", TRUE);
  g_assert_cmpstr (change, ==, "a b d -> a b c d");
}

static void
test_ecmp (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  const LookoutPathHop *hop;

  /* both members answer in one round: either is the same path later */
  ADD_NO_CHANGE (tracker, "a b1|b2 d");
  ADD_NO_CHANGE (tracker, "a b2 d");
  ADD_NO_CHANGE (tracker, "a b1 d");
  ADD_NO_CHANGE (tracker, "a b2 d");

  hop = lookout_path_tracker_get_hop (tracker, 1);
  g_assert_cmpstr (hop->addresses[0], ==, "b2");
  g_assert_cmpstr (hop->addresses[1], ==, "b1");
  g_assert_null (hop->addresses[2]);
}

static void
test_lost_probes (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_autoptr(LookoutTraceReport) report = round_new ("a d", TRUE, 5.0);
  const LookoutPathHop *hop;

  /* the last probe of the destination lost */
  report->hops[1].rtt_us[2] = -1;
  report->hops[1].received = 2;
  g_assert_false (lookout_path_tracker_add_round (tracker, report, NULL, NULL));

  hop = lookout_path_tracker_get_hop (tracker, 1);
  g_assert_cmpuint (hop->sent, ==, 3);
  g_assert_cmpuint (hop->received, ==, 2);
  g_assert_cmpint (hop->last_us, ==, -1);
  g_assert_cmpint (hop->best_us, ==, 10000);
  g_assert_cmpint (hop->worst_us, ==, 10001);
  g_assert_cmpint (hop->median_us, ==, 10000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/path-tracker/stable", test_stable);
  g_test_add_func ("/path-tracker/switch-needs-two-rounds", test_switch_needs_two_rounds);
  g_test_add_func ("/path-tracker/blip-is-not-a-change", test_blip_is_not_a_change);
  g_test_add_func ("/path-tracker/silence-and-loss-say-nothing", test_silence_and_loss_say_nothing);
  g_test_add_func ("/path-tracker/longer-path", test_longer_path);
  g_test_add_func ("/path-tracker/ecmp", test_ecmp);
  g_test_add_func ("/path-tracker/lost-probes", test_lost_probes);

  return g_test_run ();
}
