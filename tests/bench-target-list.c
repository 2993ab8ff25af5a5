/* bench-target-list.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How long the main window takes to show 10,000 targets (model set to first
 * frame drawn), to take one more, and to update live as a result arrives:
 * the list is virtualised, so these should not grow with the count. */

#include "config.h"

#include "lookout-test-gui.h"

#define N_TARGETS 10000
/* Waits are bounded by the benchmark's own timeout in tests/meson.build. */
#define BENCH_WAIT_MS (300 * 1000)

static gboolean painted;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  painted = FALSE;
  gtk_widget_queue_draw (widget);
  LOOKOUT_TEST_WAIT_UNTIL (painted, BENCH_WAIT_MS);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static void
inserted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  lookout_store_insert_target_finish (LOOKOUT_STORE (object), result, &error);
  g_assert_no_error (error);
  (*(guint *)user_data)++;
}

static gint64 changed_at;

static void
items_changed_cb (GListModel *model)
{
  changed_at = g_get_monotonic_time ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestStore) tmp = NULL;
  LookoutStore *store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) extra = NULL;
  g_autoptr(LookoutTarget) first = NULL;
  g_autoptr(GError) error = NULL;
  LookoutWindow *window;
  GdkFrameClock *clock;
  gint64 start = 0;
  double load_ms, first_frame_ms, add_ms, live_ms;
  gboolean done = FALSE;
  guint n_inserted = 0;
  double frame_ms;

  gtk_init ();
  adw_init ();

  tmp = lookout_test_store_new ();
  store = tmp->store;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_TARGETS; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.%u.%u:%u", i / 250, i % 250 + 1, 1000 + i % 5000);
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string (uri, &error);

      g_assert_no_error (error);
      lookout_store_insert_target_async (store, target, NULL, inserted_cb, &n_inserted);
    }
  LOOKOUT_TEST_WAIT_UNTIL (n_inserted >= N_TARGETS, BENCH_WAIT_MS);

  g_print ("# stored %u targets in %.1f s\n", N_TARGETS, (g_get_monotonic_time () - start) / 1e6);

  monitor = lookout_monitor_new (store);
  start = g_get_monotonic_time ();
  lookout_monitor_load_sync (monitor, &error);
  g_assert_no_error (error);
  load_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_cmpuint (g_list_model_get_n_items (lookout_monitor_get_targets (monitor)), ==, N_TARGETS);

  window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  gtk_window_present (GTK_WINDOW (window));
  LOOKOUT_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), BENCH_WAIT_MS);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  wait_for_frame (GTK_WIDGET (window));

  /* A full redraw of the window, for scale. */
  start = g_get_monotonic_time ();
  wait_for_frame (GTK_WIDGET (window));
  frame_ms = (g_get_monotonic_time () - start) / 1000.0;

  start = g_get_monotonic_time ();
  lookout_window_set_monitor (window, monitor);
  painted = FALSE;
  LOOKOUT_TEST_WAIT_UNTIL (painted, BENCH_WAIT_MS);
  first_frame_ms = (g_get_monotonic_time () - start) / 1000.0;

  extra = lookout_target_new_from_string ("tcp://127.0.0.1:9", &error);
  g_assert_no_error (error);
  /* From the model change (after the store has the target) to the frame. */
  g_signal_connect (lookout_monitor_get_targets (monitor), "items-changed", G_CALLBACK (items_changed_cb), NULL);
  lookout_monitor_add_target_async (monitor, extra, NULL, added_cb, &done);
  LOOKOUT_TEST_WAIT_UNTIL (done, BENCH_WAIT_MS);
  wait_for_frame (GTK_WIDGET (window));
  add_ms = (g_get_monotonic_time () - changed_at) / 1000.0;

  first = g_list_model_get_item (lookout_monitor_get_targets (monitor), 0);
  start = g_get_monotonic_time ();
  lookout_target_set_live_state (first, LOOKOUT_TARGET_STATE_UP, 12345, g_get_real_time () / 1000, NULL, "127.0.0.1");
  wait_for_frame (GTK_WIDGET (window));
  live_ms = (g_get_monotonic_time () - start) / 1000.0;

  g_print ("figure: gui_window_frame_ms = %.1f ms\n", frame_ms);
  g_print ("figure: gui_targets_load_ms_%u = %.1f ms\n", N_TARGETS, load_ms);
  g_print ("figure: gui_list_first_frame_ms_%u = %.1f ms\n", N_TARGETS, first_frame_ms);
  g_print ("figure: gui_list_add_to_frame_ms_%u = %.1f ms\n", N_TARGETS, add_ms);
  g_print ("figure: gui_list_live_update_frame_ms_%u = %.1f ms\n", N_TARGETS, live_ms);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);

  return 0;
}
