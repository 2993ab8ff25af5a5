/* test-scheduler.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* These tests are about the scheduler's planning, so they use a test-double
 * probe (defined here) whose behaviour each test sets: answer at once, after
 * a delay, fail, or hang until cancelled. The real probes have their own
 * tests. */

#include "config.h"

#include <math.h>

#include "lookout-monitor.h"
#include "lookout-scheduler.h"
#include "lookout-test.h"

typedef enum
{
  MODE_OK,
  MODE_FAIL,
  MODE_HANG,
} Mode;

#define TEST_TYPE_PROBE (test_probe_get_type ())
G_DECLARE_FINAL_TYPE (TestProbe, test_probe, TEST, PROBE, LookoutProbe)

struct _TestProbe
{
  LookoutProbe  parent_instance;

  Mode          mode;
  guint         delay_ms;
  GHashTable   *modes;          /* LookoutTarget * -> Mode + 1, overrides mode */

  guint         n_running;
  guint         max_running;
  guint         n_calls;
  guint         n_cancelled;
  guint         n_hanging;      /* MODE_HANG calls not cancelled yet */
  guint         n_beside_hang;  /* other calls started while one hung */
  GHashTable   *first_start;    /* LookoutTarget * -> gint64 * (monotonic) */
  GHashTable   *n_starts;       /* LookoutTarget * -> count */
};

G_DEFINE_FINAL_TYPE (TestProbe, test_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  TestProbe     *probe;
  GTask         *task;
  LookoutTarget *target;
  Mode           mode;
  guint          timeout_id;
  gulong         cancelled_id;
  gboolean       done;
  gboolean       hanging;
} Call;

static void
call_stop_hanging (Call *call)
{
  if (!call->hanging)
    return;
  call->hanging = FALSE;
  call->probe->n_hanging--;
}

static void
call_finish (Call *call)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);

  g_assert_false (call->done);
  call->done = TRUE;
  call->probe->n_running--;
  call_stop_hanging (call);

  if (g_cancellable_is_cancelled (cancellable))
    {
      call->probe->n_cancelled++;
      g_task_return_new_error (call->task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
    }
  else
    {
      LookoutResult *result = lookout_result_new (lookout_target_get_kind (call->target));

      result->target_id = lookout_target_get_id (call->target);
      result->target = g_strdup (lookout_target_get_uri_string (call->target));
      if (call->mode == MODE_FAIL)
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                                  LOOKOUT_PROBE_ERROR_REFUSED, "Connection refused");
      else
        {
          result->ok = TRUE;
          result->state = LOOKOUT_TARGET_STATE_UP;
          result->latency_us = 1000;
          result->address = g_strdup ("127.0.0.1");
        }
      g_task_return_pointer (call->task, result, (GDestroyNotify) lookout_result_unref);
    }
}

static void
call_free (Call *call)
{
  GCancellable *cancellable = g_task_get_cancellable (call->task);

  g_clear_handle_id (&call->timeout_id, g_source_remove);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, call->cancelled_id);
  g_clear_object (&call->task);
  g_clear_object (&call->target);
  g_free (call);
}

static gboolean
call_delayed_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timeout_id = 0;
  call_finish (call);
  call_free (call);

  return G_SOURCE_REMOVE;
}

static gboolean
call_cancelled_idle_cb (gpointer user_data)
{
  Call *call = user_data;

  if (!call->done)
    call_finish (call);
  call_free (call);

  return G_SOURCE_REMOVE;
}

static void
call_cancelled_cb (GCancellable *cancellable,
                   Call         *call)
{
  /* Not from inside g_cancellable_cancel(): disconnecting there deadlocks. */
  g_clear_handle_id (&call->timeout_id, g_source_remove);
  call_stop_hanging (call);
  g_idle_add (call_cancelled_idle_cb, call);
}

static void
test_probe_run_async (LookoutProbe        *probe,
                      LookoutTarget       *target,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestProbe *self = TEST_PROBE (probe);
  Call *call = g_new0 (Call, 1);
  gpointer mode;
  gint64 *first;

  call->probe = self;
  call->task = g_task_new (probe, cancellable, callback, user_data);
  call->target = g_object_ref (target);
  call->mode = self->mode;
  if ((mode = g_hash_table_lookup (self->modes, target)) != NULL)
    call->mode = GPOINTER_TO_UINT (mode) - 1;

  self->n_calls++;
  self->n_running++;
  if (call->mode == MODE_HANG)
    {
      call->hanging = TRUE;
      self->n_hanging++;
    }
  else if (self->n_hanging > 0)
    self->n_beside_hang++;
  self->max_running = MAX (self->max_running, self->n_running);
  g_hash_table_insert (self->n_starts, target,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->n_starts, target)) + 1));
  if (!g_hash_table_contains (self->first_start, target))
    {
      first = g_new (gint64, 1);
      *first = g_get_monotonic_time ();
      g_hash_table_insert (self->first_start, target, first);
    }

  if (cancellable != NULL)
    call->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (call_cancelled_cb),
                                                call, NULL);

  if (call->mode != MODE_HANG)
    call->timeout_id = g_timeout_add (self->delay_ms, call_delayed_cb, call);
}

static LookoutResult *
test_probe_run_finish (LookoutProbe  *probe,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_probe_finalize (GObject *object)
{
  TestProbe *self = TEST_PROBE (object);

  g_hash_table_unref (self->modes);
  g_hash_table_unref (self->first_start);
  g_hash_table_unref (self->n_starts);

  G_OBJECT_CLASS (test_probe_parent_class)->finalize (object);
}

static void
test_probe_class_init (TestProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_probe_finalize;
  LOOKOUT_PROBE_CLASS (klass)->run_async = test_probe_run_async;
  LOOKOUT_PROBE_CLASS (klass)->run_finish = test_probe_run_finish;
}

static void
test_probe_init (TestProbe *self)
{
  self->modes = g_hash_table_new (NULL, NULL);
  self->first_start = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->n_starts = g_hash_table_new (NULL, NULL);
}

static void
test_probe_set_target_mode (TestProbe     *self,
                            LookoutTarget *target,
                            Mode           mode)
{
  g_hash_table_insert (self->modes, target, GUINT_TO_POINTER (mode + 1));
}

static guint
test_probe_get_n_starts (TestProbe     *self,
                         LookoutTarget *target)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->n_starts, target));
}

/* ---- helpers ---- */

typedef struct
{
  LookoutScheduler   *scheduler;
  TestProbe          *probe;
  GListStore         *store;
  LookoutAlertEngine *engine;
} Fixture;

/* The scheduler decides nothing about a result: as in the monitor, an
 * alert engine turns it into the target's live state, before the tests'
 * own handlers (connected later) see it. */
static void
decide_result_cb (LookoutScheduler *scheduler,
                  LookoutTarget    *target,
                  LookoutResult    *result,
                  Fixture          *fixture)
{
  lookout_alert_engine_process (fixture->engine, target, result);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->scheduler = lookout_scheduler_new ();
  fixture->probe = g_object_new (TEST_TYPE_PROBE, NULL);
  fixture->store = g_list_store_new (LOOKOUT_TYPE_TARGET);
  fixture->engine = lookout_alert_engine_new (NULL);
  lookout_scheduler_set_probe (fixture->scheduler, LOOKOUT_TARGET_KIND_TCP,
                               LOOKOUT_PROBE (fixture->probe));
  lookout_scheduler_set_model (fixture->scheduler, G_LIST_MODEL (fixture->store));
  g_signal_connect (fixture->scheduler, "result", G_CALLBACK (decide_result_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->scheduler);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->store);
  /* let cancelled calls of the probe wind down */
  lookout_test_drain ();
  g_assert_finalize_object (fixture->probe);
}

static LookoutTarget *
make_target (guint port,
             guint interval_s,
             guint timeout_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (target);
  lookout_target_set_interval (target, interval_s);
  lookout_target_set_timeout (target, timeout_ms);

  return target;
}

/* Runs until *counter reaches @want, at most @max_ms. */
static void
run_loop_until (guint *counter,
                guint  want,
                guint  max_ms)
{
  LOOKOUT_TEST_WAIT_UNTIL (*counter >= want, max_ms);
}

/* ---- tests ---- */

static int
compare_by_plan (gconstpointer a,
                 gconstpointer b,
                 gpointer      planned)
{
  gint64 x = g_array_index ((GArray *) planned, gint64, *(const guint *) a);
  gint64 y = g_array_index ((GArray *) planned, gint64, *(const guint *) b);

  return x < y ? -1 : x > y;
}

/* Buckets @starts (monotonic µs from @t0) into @n_windows windows over
 * @span_us and returns the fullest window's count. */
static guint
max_window_count (GArray *starts,
                  gint64  t0,
                  gint64  span_us,
                  guint   n_windows)
{
  g_autofree guint *windows = g_new0 (guint, n_windows);
  guint max_window = 0;

  for (guint i = 0; i < starts->len; i++)
    {
      gint64 t = g_array_index (starts, gint64, i) - t0;
      guint w;

      g_assert_cmpint (t, >=, 0);
      w = t * n_windows / span_us;
      g_assert_cmpuint (w, <=, n_windows);
      windows[MIN (w, n_windows - 1)]++;
    }

  for (guint w = 0; w < n_windows; w++)
    max_window = MAX (max_window, windows[w]);

  return max_window;
}

/* 10,000 targets with the same 60 s interval: no 1-second window of the
 * interval is planned more than twice its share; both for stored targets
 * (phase from the id) and unsaved ones (phase from the URI). */
static void
test_spreading_plan (Fixture       *fixture,
                     gconstpointer  data)
{
  const guint n_targets = 10000;
  const guint interval_s = 60;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) with_id = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) without_id = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint max_with, max_without;
  gint64 t0;

  for (guint i = 0; i < 2 * n_targets; i++)
    {
      LookoutTarget *target = make_target (1 + i % 60000, interval_s, 1000);

      if (i < n_targets)
        lookout_target_set_id (target, i + 1);
      else
        lookout_target_set_name (target, "unsaved");
      g_ptr_array_add (targets, target);
    }
  g_list_store_splice (fixture->store, 0, 0, targets->pdata, targets->len);

  t0 = g_get_monotonic_time ();
  lookout_scheduler_start (fixture->scheduler);

  for (guint i = 0; i < targets->len; i++)
    {
      gint64 due = lookout_scheduler_get_target_next_due (fixture->scheduler,
                                                          g_ptr_array_index (targets, i));

      g_assert_cmpint (due, >=, t0);
      g_assert_cmpint (due, <=, t0 + (gint64) interval_s * G_USEC_PER_SEC + 100000);
      g_array_append_val (i < n_targets ? with_id : without_id, due);
    }

  max_with = max_window_count (with_id, t0, (gint64) interval_s * G_USEC_PER_SEC, interval_s);
  max_without = max_window_count (without_id, t0, (gint64) interval_s * G_USEC_PER_SEC, interval_s);
  g_test_message ("planned starts per 1 s window: max %u (ids), %u (URIs), mean %u",
                  max_with, max_without, n_targets / interval_s);
  g_assert_cmpuint (max_with, <=, 2 * n_targets / interval_s);
  g_assert_cmpuint (max_without, <=, 2 * n_targets / interval_s);

  lookout_scheduler_stop (fixture->scheduler);
}

/* And the checks really start that way: 2,000 targets at 2 s, the plan
 * spread over 100 ms windows, each check first started at its planned
 * instant or after it, never before, and in the order of the plan. Starts
 * are compared with their own plan rather than counted per window of the
 * clock: a loaded machine that stops the process for 100 ms moves a
 * window's starts into the next one, which says nothing about the
 * scheduler; so does one that lets it fall behind the plan. */
static void
test_spreading_run (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint n_targets = 2000;
  const guint interval_s = 2;
  const guint n_windows = 20;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) planned = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  gint64 max_lateness = 0, first_planned = G_MAXINT64;
  guint max_window;
  gint64 t0;

  for (guint i = 0; i < n_targets; i++)
    {
      LookoutTarget *target = make_target (1 + i, interval_s, 1000);

      lookout_target_set_id (target, 100000 + i);
      g_ptr_array_add (targets, target);
    }
  g_list_store_splice (fixture->store, 0, 0, targets->pdata, targets->len);

  t0 = g_get_monotonic_time ();
  lookout_scheduler_start (fixture->scheduler);
  for (guint i = 0; i < n_targets; i++)
    {
      gint64 due = lookout_scheduler_get_target_next_due (fixture->scheduler,
                                                          g_ptr_array_index (targets, i));

      g_assert_cmpint (due, >=, t0);
      g_array_append_val (planned, due);
      first_planned = MIN (first_planned, due);
    }
  LOOKOUT_TEST_WAIT_UNTIL (g_hash_table_size (fixture->probe->first_start) == n_targets,
                           LOOKOUT_TEST_WAIT_MS + interval_s * 1000);
  lookout_scheduler_stop (fixture->scheduler);

  for (guint i = 0; i < n_targets; i++)
    {
      gint64 *first = g_hash_table_lookup (fixture->probe->first_start,
                                           g_ptr_array_index (targets, i));
      gint64 late;

      g_assert_nonnull (first);
      late = *first - g_array_index (planned, gint64, i);
      if (late < 0)
        g_error ("target %u started %" G_GINT64_FORMAT " µs before its planned start", i, -late);
      max_lateness = MAX (max_lateness, late);
      g_array_append_val (order, i);
    }
  /* by plan; then no check started before one planned earlier */
  g_array_sort_with_data (order, compare_by_plan, planned);
  for (guint k = 1; k < n_targets; k++)
    {
      guint a = g_array_index (order, guint, k - 1), b = g_array_index (order, guint, k);
      gint64 *start_a = g_hash_table_lookup (fixture->probe->first_start, g_ptr_array_index (targets, a));
      gint64 *start_b = g_hash_table_lookup (fixture->probe->first_start, g_ptr_array_index (targets, b));

      if (g_array_index (planned, gint64, a) < g_array_index (planned, gint64, b) && *start_b < *start_a)
        g_error ("target %u started before target %u, planned earlier", b, a);
    }

  max_window = max_window_count (planned, first_planned, (gint64) interval_s * G_USEC_PER_SEC, n_windows);
  g_test_message ("planned starts per 100 ms window: max %u, mean %u; latest start "
                  "%" G_GINT64_FORMAT " µs after its plan",
                  max_window, n_targets / n_windows, max_lateness);
  g_assert_cmpuint (max_window, <=, 2 * n_targets / n_windows);
  g_assert_cmpuint (fixture->probe->max_running, <=, LOOKOUT_SCHEDULER_DEFAULT_MAX_CONCURRENT);
  g_assert_cmpuint (lookout_scheduler_get_n_started (fixture->scheduler), >=, n_targets);
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.5), >=, 0);
}

static void
test_stable_phase (void)
{
  g_autoptr(LookoutTarget) a = make_target (80, 60, 1000);
  g_autoptr(LookoutTarget) b = make_target (81, 60, 1000);
  g_autoptr(GListStore) store = g_list_store_new (LOOKOUT_TYPE_TARGET);
  gint64 due_a[2], due_b[2];

  lookout_target_set_id (a, 17);
  lookout_target_set_id (b, 18);
  g_list_store_append (store, a);
  g_list_store_append (store, b);

  /* Two schedulers one after the other: as a restart would. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(LookoutScheduler) scheduler = lookout_scheduler_new ();

      lookout_scheduler_set_model (scheduler, G_LIST_MODEL (store));
      g_assert_cmpint (lookout_scheduler_get_target_next_due (scheduler, a), ==, -1);
      lookout_scheduler_start (scheduler);
      due_a[round] = lookout_scheduler_get_target_next_due (scheduler, a);
      due_b[round] = lookout_scheduler_get_target_next_due (scheduler, b);
      lookout_scheduler_stop (scheduler);
      g_assert_cmpint (lookout_scheduler_get_target_next_due (scheduler, a), ==, -1);
    }

  /* same slots, give or take the clock reads (unless a slot fell between) */
  if (ABS (due_a[0] - due_a[1]) < 59 * G_USEC_PER_SEC)
    g_assert_cmpint (ABS (due_a[0] - due_a[1]), <, 2000);
  if (ABS (due_b[0] - due_b[1]) < 59 * G_USEC_PER_SEC)
    g_assert_cmpint (ABS (due_b[0] - due_b[1]), <, 2000);
  /* neighbours in id are not neighbours in time (almost surely) */
  g_assert_cmpint (ABS (due_a[0] - due_b[0]), >, 1000);
}

static void
test_concurrency_cap (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean queued = FALSE;
  gint64 t0, elapsed_ms;

  lookout_scheduler_set_max_concurrent (fixture->scheduler, 4);
  g_assert_cmpuint (lookout_scheduler_get_max_concurrent (fixture->scheduler), ==, 4);
  fixture->probe->delay_ms = 250;

  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (targets, make_target (1000 + i, 1, 2000));
  g_list_store_splice (fixture->store, 0, 0, targets->pdata, targets->len);

  t0 = g_get_monotonic_time ();
  lookout_scheduler_start (fixture->scheduler);
  for (guint i = 0; i < 50; i++)
    {
      lookout_test_run_for (50);
      g_assert_cmpuint (lookout_scheduler_get_n_running (fixture->scheduler), <=, 4);
      if (lookout_scheduler_get_n_waiting (fixture->scheduler) > 0)
        queued = TRUE;
    }
  elapsed_ms = (g_get_monotonic_time () - t0) / 1000;

  g_assert_true (queued);
  g_assert_cmpuint (fixture->probe->max_running, ==, 4);
  /* 2.5 s (more on a loaded machine) at 4 × 250 ms: about 40 checks, no
   * more than the cap allows in the time that really passed */
  g_test_message ("%u checks in %" G_GINT64_FORMAT " ms", fixture->probe->n_calls, elapsed_ms);
  g_assert_cmpuint (fixture->probe->n_calls, <=, 4 * (elapsed_ms / 250 + 1));
  g_assert_cmpuint (fixture->probe->n_calls, >=, 20);
  /* The wait for a slot counts as lateness. */
  g_assert_cmpint (lookout_scheduler_get_lateness_max (fixture->scheduler), >, 200000);
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.99), >, 200000);
  /* In FIFO order the k-th target (phase ≈ k/40 s) starts at ≈ k/16 s, so
   * from k ≈ 27 on, a target falls due again while still queued: skipped. */
  g_assert_cmpuint (lookout_scheduler_get_n_skipped (fixture->scheduler), >, 0);

  lookout_scheduler_stop (fixture->scheduler);
  g_assert_cmpuint (lookout_scheduler_get_n_running (fixture->scheduler), ==, 0);
  g_assert_cmpuint (lookout_scheduler_get_n_waiting (fixture->scheduler), ==, 0);
}

static void
count_result_cb (LookoutScheduler *scheduler,
                 LookoutTarget    *target,
                 LookoutResult    *result,
                 GPtrArray        *results)
{
  g_assert_true (LOOKOUT_IS_TARGET (target));
  g_ptr_array_add (results, lookout_result_ref (result));
}

static void
test_hanging_probe (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LookoutTarget) hanging = make_target (9, 1, 200);
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_result_unref);
  LookoutResult *timeout_result = NULL;

  lookout_scheduler_set_timeout_grace (fixture->scheduler, 100);
  test_probe_set_target_mode (fixture->probe, hanging, MODE_HANG);
  g_list_store_append (fixture->store, hanging);
  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (others, make_target (2000 + i, 1, 1000));
  g_list_store_splice (fixture->store, 1, 0, others->pdata, others->len);
  g_signal_connect (fixture->scheduler, "result", G_CALLBACK (count_result_cb), results);

  lookout_scheduler_start (fixture->scheduler);
  lookout_test_run_for (2500);
  lookout_scheduler_stop (fixture->scheduler);

  /* the others ran every round, on time */
  for (guint i = 0; i < others->len; i++)
    g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, g_ptr_array_index (others, i)), >=, 2);
  /* They started while it hung: it held none of them. Most started on
   * time, far below the hanging check's 300 ms; the latest are left to the
   * machine, which may stop this process for longer than that. */
  g_test_message ("%u checks started beside the hanging one; lateness %" G_GINT64_FORMAT
                  " µs (median), %" G_GINT64_FORMAT " µs (99th percentile)",
                  fixture->probe->n_beside_hang,
                  lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.5),
                  lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.99));
  g_assert_cmpuint (fixture->probe->n_beside_hang, >=, 1);
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.5), <, 100000);

  /* the hanging one was cut off at timeout + grace, with a TIMEOUT result */
  for (guint i = 0; i < results->len; i++)
    {
      LookoutResult *r = g_ptr_array_index (results, i);
      if (g_strcmp0 (r->target, lookout_target_get_uri_string (hanging)) == 0)
        {
          timeout_result = r;
          break;
        }
    }
  g_assert_nonnull (timeout_result);
  g_assert_false (timeout_result->ok);
  g_assert_cmpint (timeout_result->error_code, ==, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpint (timeout_result->latency_us, ==, -1);
  g_assert_nonnull (timeout_result->error);
  g_assert_cmpuint (lookout_scheduler_get_n_timed_out (fixture->scheduler), >=, 2);
  /* it was cancelled, so it ran again next round instead of being skipped */
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, hanging), >=, 2);
  g_assert_cmpuint (lookout_scheduler_get_target_n_skipped (fixture->scheduler, hanging), ==, 0);
  g_assert_cmpuint (lookout_scheduler_get_target_failures (fixture->scheduler, hanging), >=, 2);
  g_assert_cmpstr (lookout_target_get_last_error (hanging), ==, timeout_result->error);
}

static void
count_skip_cb (LookoutScheduler *scheduler,
               LookoutTarget    *target,
               guint            *n)
{
  (*n)++;
}

static void
test_skip_while_running (Fixture       *fixture,
                         gconstpointer  data)
{
  /* takes 1.3 s with an interval of 1 s and a long timeout: every other
   * round finds the previous check still running */
  g_autoptr(LookoutTarget) slow = make_target (10, 1, 5000);
  guint n_skips = 0;

  fixture->probe->delay_ms = 1300;
  g_list_store_append (fixture->store, slow);
  g_signal_connect (fixture->scheduler, "skipped", G_CALLBACK (count_skip_cb), &n_skips);

  lookout_scheduler_start (fixture->scheduler);
  run_loop_until (&n_skips, 1, 3000);
  lookout_scheduler_stop (fixture->scheduler);

  g_assert_cmpuint (lookout_scheduler_get_target_n_skipped (fixture->scheduler, slow), ==, n_skips);
  g_assert_cmpuint (lookout_scheduler_get_n_skipped (fixture->scheduler), ==, n_skips);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, slow), ==, 1);
  g_assert_cmpuint (lookout_scheduler_get_n_timed_out (fixture->scheduler), ==, 0);
}

static void
test_interval_change (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = make_target (11, 3600, 1000);
  gint64 due, now;

  g_list_store_append (fixture->store, target);
  lookout_scheduler_start (fixture->scheduler);

  now = g_get_monotonic_time ();
  due = lookout_scheduler_get_target_next_due (fixture->scheduler, target);
  g_assert_cmpint (due, >=, now - 1000);
  g_assert_cmpint (due, <=, now + (gint64) 3600 * G_USEC_PER_SEC);

  lookout_target_set_interval (target, 1);
  now = g_get_monotonic_time ();
  due = lookout_scheduler_get_target_next_due (fixture->scheduler, target);
  g_assert_cmpint (due, >=, now - 1000);
  g_assert_cmpint (due, <=, now + G_USEC_PER_SEC);

  lookout_test_run_for (2100);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, target), >=, 2);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, target), <=, 3);

  lookout_scheduler_stop (fixture->scheduler);
}

/* What long work on the main loop yields before: the earliest next due
 * check, nothing while stopped. */
static void
test_next_wake (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LookoutTarget) slow = make_target (12, 3600, 1000);
  g_autoptr(LookoutTarget) fast = make_target (13, 60, 1000);

  g_list_store_append (fixture->store, slow);
  g_list_store_append (fixture->store, fast);
  g_assert_cmpint (lookout_scheduler_get_next_wake_us (fixture->scheduler), ==, G_MAXINT64);
  lookout_scheduler_start (fixture->scheduler);
  g_assert_cmpint (lookout_scheduler_get_next_wake_us (fixture->scheduler), ==,
                   MIN (lookout_scheduler_get_target_next_due (fixture->scheduler, slow),
                        lookout_scheduler_get_target_next_due (fixture->scheduler, fast)));
  lookout_scheduler_stop (fixture->scheduler);
  g_assert_cmpint (lookout_scheduler_get_next_wake_us (fixture->scheduler), ==, G_MAXINT64);
}

static void
test_disabled (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(LookoutTarget) off = make_target (12, 1, 1000);
  g_autoptr(LookoutTarget) late = make_target (13, 1, 1000);

  lookout_target_set_enabled (off, FALSE);
  g_list_store_append (fixture->store, off);
  g_assert_cmpint (lookout_target_get_state (off), ==, LOOKOUT_TARGET_STATE_PAUSED);

  lookout_scheduler_start (fixture->scheduler);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, off), ==, -1);

  /* added while running: planned at once */
  g_list_store_append (fixture->store, late);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, late), >, 0);

  lookout_test_run_for (1200);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, off), ==, 0);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, late), >=, 1);
  g_assert_cmpint (lookout_target_get_state (late), ==, LOOKOUT_TARGET_STATE_UP);

  /* enabled: no longer paused, and it runs */
  lookout_target_set_enabled (off, TRUE);
  g_assert_cmpint (lookout_target_get_state (off), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, off), >, 0);
  /* disabled again while running: paused and no longer planned */
  lookout_target_set_enabled (late, FALSE);
  g_assert_cmpint (lookout_target_get_state (late), ==, LOOKOUT_TARGET_STATE_PAUSED);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, late), ==, -1);

  {
    guint late_starts = test_probe_get_n_starts (fixture->probe, late);

    lookout_test_run_for (1200);
    g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, off), >=, 1);
    g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, late), ==, late_starts);
  }

  /* removed from the model: forgotten */
  g_list_store_remove (fixture->store, 0);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, off), ==, -1);

  lookout_scheduler_stop (fixture->scheduler);
}

/* A target is checked here only when its locations name "local" or this
 * process's own location; the others are the agents' to check. */
static void
test_locations (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LookoutTarget) both = make_target (14, 1, 1000);
  g_autoptr(LookoutTarget) paris = make_target (15, 1, 1000);

  lookout_target_set_options (both, "{\"locations\": \"local,paris\"}");
  lookout_target_set_options (paris, "{\"locations\": \"paris,tokyo\"}");
  g_list_store_append (fixture->store, both);
  g_list_store_append (fixture->store, paris);

  lookout_scheduler_start (fixture->scheduler);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, both), >, 0);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, paris), ==, -1);

  lookout_test_run_for (1200);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, both), >=, 1);
  g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, paris), ==, 0);

  /* the agent named paris checks what its manager gave it */
  lookout_scheduler_set_location (fixture->scheduler, "paris");
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, paris), >, 0);
  lookout_scheduler_set_location (fixture->scheduler, NULL);
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, paris), ==, -1);

  /* the locations change: planned at once, or no longer */
  lookout_target_set_options (paris, "{\"locations\": \"tokyo,local\"}");
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, paris), >, 0);
  lookout_target_set_options (both, "{\"locations\": \"tokyo\"}");
  g_assert_cmpint (lookout_scheduler_get_target_next_due (fixture->scheduler, both), ==, -1);

  {
    guint both_starts = test_probe_get_n_starts (fixture->probe, both);

    lookout_test_run_for (1200);
    g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, paris), >=, 1);
    g_assert_cmpuint (test_probe_get_n_starts (fixture->probe, both), ==, both_starts);
  }

  lookout_scheduler_stop (fixture->scheduler);
}

static void
test_threshold (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = make_target (14, 1, 1000);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_result_unref);

  lookout_target_set_fail_threshold (target, 3);
  g_list_store_append (fixture->store, target);
  g_signal_connect (fixture->scheduler, "result", G_CALLBACK (count_result_cb), results);

  /* nothing measured yet */
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.99), ==, -1);
  g_assert_cmpint (lookout_scheduler_get_lateness_max (fixture->scheduler), ==, -1);

  /* failures from the start: UNKNOWN until the threshold, then DOWN */
  fixture->probe->mode = MODE_FAIL;
  lookout_scheduler_start (fixture->scheduler);

  run_loop_until (&results->len, 1, 2500);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, "Connection refused");
  g_assert_cmpint (lookout_target_get_last_latency (target), ==, -1);
  g_assert_cmpint (lookout_target_get_last_checked (target), >, 0);

  run_loop_until (&results->len, 2, 2500);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpuint (lookout_scheduler_get_target_failures (fixture->scheduler, target), ==, 2);

  run_loop_until (&results->len, 3, 2500);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_DOWN);

  /* a success: UP at once, counter reset */
  fixture->probe->mode = MODE_OK;
  run_loop_until (&results->len, 4, 2500);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_null (lookout_target_get_last_error (target));
  g_assert_cmpint (lookout_target_get_last_latency (target), ==, 1000);
  g_assert_cmpstr (lookout_target_get_last_address (target), ==, "127.0.0.1");
  g_assert_cmpuint (lookout_scheduler_get_target_failures (fixture->scheduler, target), ==, 0);

  /* two failures after UP: still UP, the failure shows in last-error */
  fixture->probe->mode = MODE_FAIL;
  run_loop_until (&results->len, 6, 3500);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, "Connection refused");

  lookout_scheduler_stop (fixture->scheduler);

  /* the lateness of every start went into the histogram */
  g_assert_cmpuint (lookout_scheduler_get_n_started (fixture->scheduler), ==, 6);
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.99), >=, 0);
  g_assert_cmpint (lookout_scheduler_get_lateness_percentile (fixture->scheduler, 0.99), <=,
                   lookout_scheduler_get_lateness_max (fixture->scheduler));
}

static void
checked_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  LookoutResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lookout_scheduler_check_finish (LOOKOUT_SCHEDULER (object), res, &error);
  g_assert_no_error (error);
}

static void
test_check_now (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LookoutTarget) good = make_target (15, 60, 1000);
  g_autoptr(LookoutTarget) hanging = make_target (16, 60, 150);
  g_autoptr(LookoutResult) good_result = NULL;
  g_autoptr(LookoutResult) hanging_result = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  lookout_scheduler_set_timeout_grace (fixture->scheduler, 50);
  test_probe_set_target_mode (fixture->probe, hanging, MODE_HANG);

  lookout_scheduler_check_async (fixture->scheduler, good, NULL, checked_cb, &good_result);
  lookout_scheduler_check_async (fixture->scheduler, hanging, NULL, checked_cb, &hanging_result);
  LOOKOUT_TEST_WAIT (good_result != NULL && hanging_result != NULL);
  elapsed = g_get_monotonic_time () - start;

  g_assert_true (good_result->ok);
  g_assert_false (hanging_result->ok);
  g_assert_cmpint (hanging_result->error_code, ==, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpint (elapsed, >=, 190000);
  g_assert_cmpint (elapsed, <, 2000000);
  /* one-off checks leave the live state alone */
  g_assert_cmpint (lookout_target_get_state (good), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
}

static void
target_added_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), res, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* The monitor runs its targets through the scheduler: each result updates
 * the live state, becomes a sample in the store (no latency for a
 * failure) and is passed on by the monitor's "result". */
static void
test_monitor_stores_results (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(TestProbe) probe = g_object_new (TEST_TYPE_PROBE, NULL);
  g_autoptr(LookoutTarget) up = make_target (21, 1, 1000);
  g_autoptr(LookoutTarget) down = make_target (22, 1, 1000);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_result_unref);
  g_autoptr(GArray) up_samples = NULL;
  g_autoptr(GArray) down_samples = NULL;
  LookoutScheduler *scheduler;
  gboolean added = FALSE;

  monitor = lookout_monitor_new (store);
  scheduler = lookout_monitor_get_scheduler (monitor);
  g_assert_true (LOOKOUT_IS_SCHEDULER (scheduler));
  lookout_scheduler_set_probe (scheduler, LOOKOUT_TARGET_KIND_TCP, LOOKOUT_PROBE (probe));
  test_probe_set_target_mode (probe, down, MODE_FAIL);
  lookout_target_set_fail_threshold (down, 1);

  lookout_monitor_add_target_async (monitor, up, NULL, target_added_cb, &added);
  LOOKOUT_TEST_WAIT (added);
  added = FALSE;
  lookout_monitor_add_target_async (monitor, down, NULL, target_added_cb, &added);
  LOOKOUT_TEST_WAIT (added);
  g_assert_cmpint (lookout_target_get_id (down), >, 0);

  g_signal_connect (monitor, "result", G_CALLBACK (count_result_cb), results);
  lookout_monitor_start (monitor);
  /* its own probe stays; the other kinds got the real ones */
  g_assert_true (lookout_scheduler_get_probe (scheduler, LOOKOUT_TARGET_KIND_TCP) ==
                 LOOKOUT_PROBE (probe));
  g_assert_nonnull (lookout_scheduler_get_probe (scheduler, LOOKOUT_TARGET_KIND_HTTP));
  run_loop_until (&results->len, 4, 4000);
  lookout_monitor_stop (monitor);
  g_assert_false (lookout_scheduler_get_running (scheduler));

  g_assert_cmpint (lookout_target_get_state (up), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (lookout_target_get_state (down), ==, LOOKOUT_TARGET_STATE_DOWN);

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
  up_samples = lookout_store_query_samples_sync (store, lookout_target_get_id (up),
                                                 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  down_samples = lookout_store_query_samples_sync (store, lookout_target_get_id (down),
                                                   0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (up_samples->len + down_samples->len, ==, results->len);
  g_assert_cmpuint (up_samples->len, >=, 1);
  g_assert_cmpuint (down_samples->len, >=, 1);
  for (guint i = 0; i < up_samples->len; i++)
    {
      LookoutSample *sample = &g_array_index (up_samples, LookoutSample, i);

      g_assert_cmpint (sample->latency_us, ==, 1000);
      g_assert_cmpint (sample->state, ==, LOOKOUT_TARGET_STATE_UP);
      g_assert_null (sample->error);
    }
  for (guint i = 0; i < down_samples->len; i++)
    {
      LookoutSample *sample = &g_array_index (down_samples, LookoutSample, i);

      g_assert_cmpint (sample->latency_us, ==, -1);
      g_assert_cmpint (sample->state, ==, LOOKOUT_TARGET_STATE_DOWN);
      g_assert_cmpstr (sample->error, ==, "Connection refused");
    }

  lookout_test_store_close (tmp);
  g_clear_object (&monitor);
  lookout_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/scheduler/spreading-plan", test_spreading_plan);
  ADD ("/scheduler/spreading-run", test_spreading_run);
  g_test_add_func ("/scheduler/stable-phase", test_stable_phase);
  ADD ("/scheduler/concurrency-cap", test_concurrency_cap);
  ADD ("/scheduler/hanging-probe", test_hanging_probe);
  ADD ("/scheduler/skip-while-running", test_skip_while_running);
  ADD ("/scheduler/interval-change", test_interval_change);
  ADD ("/scheduler/next-wake", test_next_wake);
  ADD ("/scheduler/disabled", test_disabled);
  ADD ("/scheduler/threshold", test_threshold);
  ADD ("/scheduler/locations", test_locations);
  ADD ("/scheduler/check-now", test_check_now);
  g_test_add_func ("/scheduler/monitor-stores-results", test_monitor_stores_results);

#undef ADD

  return g_test_run ();
}
