/* test-anomaly-list.c: the target page's list of anomalies
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "lookout-anomaly-list.h"
#include "lookout-store-anomalies.h"
#include "lookout-test-gui.h"

static void
test_rows (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  GtkWidget *list = lookout_anomaly_list_new ();
  LookoutAnomaly anomaly = { .target_id = 3, .kind = LOOKOUT_ANOMALY_JITTER, .end_ms = -1 };
  gint64 now = g_get_real_time () / 1000;
  GtkWidget *window;
  GError *error = NULL;

  lookout_store_put_anomaly (tmp->store, 3, now - 3600000, now - 1800000, "level_shift", 4.0,
                             "median latency 21 ms → 54 ms since 14:05");
  lookout_store_put_anomaly (tmp->store, 4, now - 3600000, -1, "jitter", 4.0, "another target");
  lookout_store_flush_sync (tmp->store, &error);
  g_assert_no_error (error);

  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));

  lookout_anomaly_list_set_target (LOOKOUT_ANOMALY_LIST (list), monitor, 3);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 1);

  /* a new one of this target, as the watch announces it, is listed */
  lookout_store_put_anomaly (tmp->store, 3, now - 60000, -1, "jitter", 3.0, "latency spread 2 ms → 30 ms since 14:05");
  anomaly.start_ms = now - 60000;
  g_signal_emit_by_name (lookout_monitor_get_anomaly_watch (monitor), "anomaly", &anomaly);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 2);

  lookout_anomaly_list_set_target (LOOKOUT_ANOMALY_LIST (list), monitor, 5);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 0);

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

int
main (int    argc,
      char **argv)
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/anomaly-list/rows", test_rows);

  return g_test_run ();
}
