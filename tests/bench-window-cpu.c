/* bench-window-cpu.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window's CPU with 1,000 targets checked every 1–5 s: results
 * are fed through lookout_monitor_handle_result() at each target's own
 * interval (the same pipeline a real check takes: alert engine, store,
 * signals), the window visible with a target's page and its plot, then
 * with the dashboard (map and plot of all targets), then hidden. The
 * process's CPU (every thread, from /proc/self/stat) over a fixed span,
 * as a share of one core. */

#include "config.h"

#include "lookout-gui-utils.h"
#include "lookout-test-gui.h"
#include "lookout-window-private.h"

#define N_TARGETS  1000
#define WARMUP_S   3
#define MEASURE_S  20
#define TICK_MS    10
#define BENCH_WAIT_MS (300 * 1000)

typedef struct
{
  LookoutMonitor *monitor;
  GPtrArray      *targets;
  gint64         *next_ms;
  guint           seed;
  guint64         n_results;
} Feeder;

static gboolean
feed_cb (gpointer user_data)
{
  Feeder *feeder = user_data;
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < feeder->targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (feeder->targets, i);
      g_autoptr(LookoutResult) result = NULL;

      if (feeder->next_ms[i] > now)
        continue;
      feeder->next_ms[i] = now + lookout_target_get_interval (target) * 1000;

      /* A deterministic spread of latencies around 1–3 ms. */
      feeder->seed = feeder->seed * 1103515245u + 12345u;
      result = lookout_result_new (lookout_target_get_kind (target));
      result->target_id = lookout_target_get_id (target);
      result->started_ms = now;
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->latency_us = 1000 + (feeder->seed >> 16) % 2000;
      lookout_monitor_handle_result (feeder->monitor, target, result);
      feeder->n_results++;
    }

  return G_SOURCE_CONTINUE;
}

static guint n_frames;

static void
paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  n_frames++;
}

static gboolean timed_out;

static gboolean
timeout_cb (gpointer user_data)
{
  timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint seconds)
{
  timed_out = FALSE;
  g_timeout_add_seconds (seconds, timeout_cb, NULL);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* The process's CPU over MEASURE_S seconds, in percent of one core, and
 * the frames painted per second. */
static double
measure (Feeder     *feeder,
         const char *what,
         double     *frames_per_s)
{
  gint64 cpu0, wall0, wall;
  guint64 n0;
  guint frames0;
  double percent;

  run_for (WARMUP_S);
  cpu0 = lookout_test_cpu_us_self ();
  wall0 = g_get_monotonic_time ();
  n0 = feeder->n_results;
  frames0 = n_frames;
  run_for (MEASURE_S);
  wall = g_get_monotonic_time () - wall0;
  percent = 100.0 * (lookout_test_cpu_us_self () - cpu0) / (double) wall;
  *frames_per_s = (n_frames - frames0) * 1e6 / (double) wall;

  g_print ("# %s: %" G_GUINT64_FORMAT " results in %d s\n", what, feeder->n_results - n0, MEASURE_S);
  return percent;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestStore) tmp = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree gint64 *next_ms = g_new0 (gint64, N_TARGETS);
  LookoutWindow *window;
  Feeder feeder = { 0 };
  double page, dashboard, hidden;
  double page_fps, dashboard_fps, hidden_fps;

  gtk_init ();
  adw_init ();
  lookout_load_stylesheet ();

  tmp = lookout_test_store_new ();
  monitor = lookout_monitor_new (tmp->store);
  lookout_monitor_load_sync (monitor, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_TARGETS; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.%u.%u:%u", i / 250, i % 250 + 1, 1000 + i);
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string (uri, &error);

      g_assert_no_error (error);
      lookout_target_set_interval (target, 1 + i % 5);
      lookout_target_set_timeout (target, 1000);
      g_ptr_array_add (targets, g_object_ref (target));
    }
  lookout_test_add_targets (monitor, targets, BENCH_WAIT_MS);

  window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  lookout_window_set_monitor (window, monitor);
  gtk_window_present (GTK_WINDOW (window));
  LOOKOUT_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), BENCH_WAIT_MS);
  lookout_window_select_target (window, g_ptr_array_index (targets, 0));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "paint",
                    G_CALLBACK (paint_cb), NULL);

  feeder.monitor = monitor;
  feeder.targets = targets;
  feeder.next_ms = next_ms;
  feeder.seed = 1;
  g_timeout_add (TICK_MS, feed_cb, &feeder);

  page = measure (&feeder, "target page", &page_fps);

  gtk_toggle_button_set_active (window->dashboard_button, TRUE);
  dashboard = measure (&feeder, "dashboard", &dashboard_fps);

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  hidden = measure (&feeder, "hidden", &hidden_fps);

  g_print ("figure: gui_window_cpu_percent_%u_targets_page = %.1f %%\n", N_TARGETS, page);
  g_print ("figure: gui_window_cpu_percent_%u_targets_dashboard = %.1f %%\n", N_TARGETS, dashboard);
  g_print ("figure: gui_window_cpu_percent_%u_targets_hidden = %.1f %%\n", N_TARGETS, hidden);
  g_print ("figure: gui_window_frames_per_s_%u_targets_page = %.1f /s\n", N_TARGETS, page_fps);
  g_print ("figure: gui_window_frames_per_s_%u_targets_dashboard = %.1f /s\n", N_TARGETS, dashboard_fps);
  g_print ("figure: gui_window_frames_per_s_%u_targets_hidden = %.1f /s\n", N_TARGETS, hidden_fps);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);

  return 0;
}
