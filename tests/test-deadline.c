/* test-deadline.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The probes' shared deadline and fd/timer source. Times are checked against
 * the deadline's own expiry (a clock the test passes in), and waits are for
 * conditions, bounded by the test library's deadline. */

#include "config.h"

#include <unistd.h>

#include <gio/gio.h>

#include "lookout-deadline.h"
#include "lookout-fd-source.h"
#include "lookout-test.h"

/* Runs @context until *@flag is set; the test fails after the test
 * library's deadline. */
static void
iterate_until (GMainContext   *context,
               const gboolean *flag)
{
  g_main_context_push_thread_default (context);
  LOOKOUT_TEST_WAIT (*flag);
  g_main_context_pop_thread_default (context);
}

static void
test_init (void)
{
  LookoutDeadline deadline = { 0 };
  gint64 before = g_get_monotonic_time ();
  gint64 after;
  gint64 expiry;

  lookout_deadline_init (&deadline, 500);
  after = g_get_monotonic_time ();
  expiry = deadline.expiry_us;

  g_assert_cmpint (expiry, >=, before + 500000);
  g_assert_cmpint (expiry, <=, after + 500000);
  g_assert_cmpuint (deadline.timeout_ms, ==, 500);
  g_assert_null (deadline.cancellable);

  g_assert_cmpuint (lookout_deadline_remaining_ms (&deadline, expiry - 500000), ==, 500);
  g_assert_cmpuint (lookout_deadline_remaining_ms (&deadline, expiry - 1500), ==, 2);
  g_assert_cmpuint (lookout_deadline_remaining_ms (&deadline, expiry - 1), ==, 1);
  g_assert_cmpuint (lookout_deadline_remaining_ms (&deadline, expiry), ==, 0);
  g_assert_cmpuint (lookout_deadline_remaining_ms (&deadline, expiry + 1000000), ==, 0);

  g_assert_false (lookout_deadline_expire (&deadline, expiry - 1));
  g_assert_false (deadline.timed_out);
  g_assert_true (lookout_deadline_expire (&deadline, expiry));
  g_assert_true (deadline.timed_out);
  g_assert_true (lookout_deadline_expire (&deadline, expiry + 1));
  g_assert_false (lookout_deadline_cancelled (&deadline));

  /* A deadline only initialised has nothing to clear; clearing is idempotent. */
  lookout_deadline_clear (&deadline);
  lookout_deadline_clear (&deadline);
}

static void
test_fires (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  LookoutDeadline deadline = { 0 };
  gint64 seen_us;

  g_main_context_push_thread_default (context);

  lookout_deadline_start (&deadline, 20, NULL);
  g_assert_nonnull (deadline.cancellable);
  g_assert_false (g_cancellable_is_cancelled (deadline.cancellable));
  g_assert_false (deadline.timed_out);

  iterate_until (context, &deadline.timed_out);
  seen_us = g_get_monotonic_time ();

  /* Never early: not before start + timeout. */
  g_assert_cmpint (seen_us, >=, deadline.expiry_us);
  g_assert_true (g_cancellable_is_cancelled (deadline.cancellable));
  g_assert_false (lookout_deadline_cancelled (&deadline));

  lookout_deadline_clear (&deadline);
  g_assert_null (deadline.cancellable);
  g_assert_false (g_main_context_pending (context));

  g_main_context_pop_thread_default (context);
}

static void
test_outer_cancelled (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  g_autoptr(GCancellable) inner = NULL;
  LookoutDeadline deadline = { 0 };

  g_main_context_push_thread_default (context);

  lookout_deadline_start (&deadline, 60000, outer);
  inner = g_object_ref (deadline.cancellable);
  g_assert_false (g_cancellable_is_cancelled (inner));

  g_cancellable_cancel (outer);
  g_assert_true (g_cancellable_is_cancelled (inner));
  g_assert_true (lookout_deadline_cancelled (&deadline));
  g_assert_false (deadline.timed_out);

  /* Clearing removes the timer and the handler: nothing is left to run,
   * and the outer cancellable no longer reaches the deadline. */
  lookout_deadline_clear (&deadline);
  g_assert_false (g_main_context_pending (context));
  g_assert_false (lookout_deadline_cancelled (&deadline));

  g_main_context_pop_thread_default (context);
}

static void
test_outer_cancelled_before (void)
{
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  LookoutDeadline deadline = { 0 };

  g_cancellable_cancel (outer);
  lookout_deadline_start (&deadline, 60000, outer);
  g_assert_true (g_cancellable_is_cancelled (deadline.cancellable));
  g_assert_true (lookout_deadline_cancelled (&deadline));
  g_assert_false (deadline.timed_out);
  lookout_deadline_clear (&deadline);
}

static void
clear_deadline_cb (GCancellable *outer,
                   gpointer      user_data)
{
  lookout_deadline_clear (user_data);
}

/* A check that finishes inside the caller's cancellation clears its deadline
 * from the cancelled handler: that must not wait for itself. */
static void
test_clear_inside_cancellation (void)
{
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  LookoutDeadline deadline = { 0 };
  gulong id;

  lookout_deadline_start (&deadline, 60000, outer);
  id = g_cancellable_connect (outer, G_CALLBACK (clear_deadline_cb), &deadline, NULL);

  g_cancellable_cancel (outer);
  g_assert_null (deadline.cancellable);
  g_assert_cmpuint (deadline.outer_id, ==, 0);

  g_cancellable_disconnect (outer, id);
}

static void
test_create_source (void)
{
  LookoutDeadline deadline = { 0 };
  g_autoptr(GSource) source = NULL;

  lookout_deadline_init (&deadline, 1234);
  source = lookout_deadline_create_source (&deadline);
  g_assert_cmpint (g_source_get_ready_time (source), ==, deadline.expiry_us);
  g_assert_null (g_source_get_context (source));
}

typedef struct
{
  GSource      *source;
  gpointer      tag;
  guint         calls;
  GIOCondition  revents;
  gboolean      done;
} Dispatch;

static gboolean
count_dispatch_cb (gpointer user_data)
{
  Dispatch *d = user_data;

  d->calls++;
  if (d->tag != NULL)
    d->revents = g_source_query_unix_fd (d->source, d->tag);
  g_source_set_ready_time (d->source, -1);
  d->done = TRUE;

  return G_SOURCE_CONTINUE;
}

static void
test_fd_source_ready_time (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Dispatch d = { 0 };

  d.source = lookout_fd_source_new ("[test] ready time");
  g_assert_cmpstr (g_source_get_name (d.source), ==, "[test] ready time");
  g_source_set_callback (d.source, count_dispatch_cb, &d, NULL);
  g_source_attach (d.source, context);

  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (d.calls, ==, 0);

  g_source_set_ready_time (d.source, 0);
  iterate_until (context, &d.done);
  g_assert_cmpuint (d.calls, ==, 1);

  /* The callback cleared the ready time: the source stays quiet. */
  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_false (g_source_is_destroyed (d.source));

  g_source_destroy (d.source);
  g_source_unref (d.source);
}

static void
test_fd_source_fd (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Dispatch d = { 0 };
  int fds[2];

  g_assert_no_errno (pipe (fds));

  d.source = lookout_fd_source_new (NULL);
  d.tag = g_source_add_unix_fd (d.source, fds[0], G_IO_IN);
  g_source_set_callback (d.source, count_dispatch_cb, &d, NULL);
  g_source_attach (d.source, context);

  g_assert_false (g_main_context_iteration (context, FALSE));
  g_assert_cmpuint (d.calls, ==, 0);

  g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
  iterate_until (context, &d.done);
  g_assert_cmpuint (d.calls, ==, 1);
  g_assert_cmpuint (d.revents & G_IO_IN, ==, G_IO_IN);

  g_source_destroy (d.source);
  g_source_unref (d.source);
  close (fds[0]);
  close (fds[1]);
}

static void
test_fd_source_without_callback (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) source = lookout_fd_source_new (NULL);

  g_source_set_ready_time (source, 0);
  g_source_attach (source, context);
  g_assert_true (g_main_context_iteration (context, FALSE));
  g_assert_true (g_source_is_destroyed (source));
}

/* The guard is cancelled from the watchdog thread while this thread never
 * returns to its main loop, as when libsoup keeps reading inside one
 * dispatch; the deadline's own timer has had no turn. */
static void
test_guard_without_main_loop (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  LookoutDeadline deadline = { 0 };
  GCancellable *guard;
  gint64 limit_us;

  g_main_context_push_thread_default (context);

  lookout_deadline_start (&deadline, 50, NULL);
  guard = lookout_deadline_get_guard (&deadline, 20);
  g_assert_nonnull (guard);
  g_assert_true (lookout_deadline_get_guard (&deadline, 20) == guard);
  g_assert_false (g_cancellable_is_cancelled (guard));

  limit_us = deadline.expiry_us + LOOKOUT_TEST_WAIT_MS * 1000;
  while (!g_cancellable_is_cancelled (guard) && g_get_monotonic_time () < limit_us)
    g_usleep (1000);

  g_assert_true (g_cancellable_is_cancelled (guard));
  g_assert_cmpint (g_get_monotonic_time (), >=, deadline.expiry_us + 20000);
  /* Only the guard: the deadline's own cancellable is the main loop's. */
  g_assert_false (deadline.timed_out);
  g_assert_false (g_cancellable_is_cancelled (deadline.cancellable));

  lookout_deadline_clear (&deadline);
  g_main_context_pop_thread_default (context);
}

/* The guard follows the deadline's cancellable, and a cleared deadline's
 * watchdog never fires. */
static void
test_guard_follows_deadline (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) outer = g_cancellable_new ();
  g_autoptr(GCancellable) kept = NULL;
  LookoutDeadline deadline = { 0 };
  LookoutDeadline cleared = { 0 };

  g_main_context_push_thread_default (context);

  lookout_deadline_start (&deadline, 60000, outer);
  kept = g_object_ref (lookout_deadline_get_guard (&deadline, 0));
  g_cancellable_cancel (outer);
  g_assert_true (g_cancellable_is_cancelled (kept));
  lookout_deadline_clear (&deadline);
  g_clear_object (&kept);

  lookout_deadline_start (&cleared, 1, NULL);
  kept = g_object_ref (lookout_deadline_get_guard (&cleared, 0));
  lookout_deadline_clear (&cleared);
  g_assert_null (cleared.guard);
  g_assert_null (cleared.watchdog);

  /* Another guard armed later than the cleared one fires; by then the
   * cleared one would have too. */
  lookout_deadline_start (&deadline, 5, NULL);
  {
    GCancellable *guard = lookout_deadline_get_guard (&deadline, 0);
    gint64 limit_us = deadline.expiry_us + LOOKOUT_TEST_WAIT_MS * 1000;

    while (!g_cancellable_is_cancelled (guard) && g_get_monotonic_time () < limit_us)
      g_usleep (1000);
    g_assert_true (g_cancellable_is_cancelled (guard));
  }
  g_assert_false (g_cancellable_is_cancelled (kept));

  lookout_deadline_clear (&deadline);
  g_main_context_pop_thread_default (context);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/deadline/init", test_init);
  g_test_add_func ("/deadline/fires", test_fires);
  g_test_add_func ("/deadline/outer-cancelled", test_outer_cancelled);
  g_test_add_func ("/deadline/outer-cancelled-before", test_outer_cancelled_before);
  g_test_add_func ("/deadline/clear-inside-cancellation", test_clear_inside_cancellation);
  g_test_add_func ("/deadline/create-source", test_create_source);
  g_test_add_func ("/deadline/guard-without-main-loop", test_guard_without_main_loop);
  g_test_add_func ("/deadline/guard-follows-deadline", test_guard_follows_deadline);
  g_test_add_func ("/fd-source/ready-time", test_fd_source_ready_time);
  g_test_add_func ("/fd-source/fd", test_fd_source_fd);
  g_test_add_func ("/fd-source/without-callback", test_fd_source_without_callback);

  return g_test_run ();
}
