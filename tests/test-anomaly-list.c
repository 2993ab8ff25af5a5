/* test-anomaly-list.c: the target page's list of anomalies
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "lookout-anomaly-list.h"
#include "lookout-event-item.h"
#include "lookout-event-list.h"
#include "lookout-events-window.h"
#include "lookout-store-anomalies.h"
#include "lookout-test-gui.h"

static LookoutTarget *
add_target (LookoutMonitor *monitor,
            const char     *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_test_add_target (monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);
  return target;
}

static GtkWidget *
find_switch (GtkWidget *widget)
{
  if (GTK_IS_SWITCH (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_switch (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
stored_notify (LookoutStore *store,
               gint64        id)
{
  g_autoptr(GPtrArray) targets = lookout_store_load_targets_sync (store, NULL, NULL);

  for (guint i = 0; targets != NULL && i < targets->len; i++)
    if (lookout_target_get_id (g_ptr_array_index (targets, i)) == id)
      return lookout_anomaly_watch_get_notify (g_ptr_array_index (targets, i));
  return FALSE;
}

static void
test_rows (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutTarget) other = NULL;
  GtkWidget *list = lookout_anomaly_list_new ();
  LookoutAnomaly anomaly = { .kind = LOOKOUT_ANOMALY_JITTER, .end_ms = -1 };
  gint64 now = g_get_real_time () / 1000;
  GtkWidget *window;
  GError *error = NULL;
  gint64 id;

  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  g_assert_no_error (error);
  target = add_target (monitor, "tcp://127.0.0.1:5432");
  other = add_target (monitor, "tcp://127.0.0.1:5433");
  id = lookout_target_get_id (target);

  lookout_store_put_anomaly (tmp->store, id, now - 3600000, now - 1800000, "level_shift", 4.0,
                             "median latency 21 ms → 54 ms since 14:05");
  lookout_store_put_anomaly (tmp->store, lookout_target_get_id (other), now - 3600000, -1,
                             "jitter", 4.0, "another target");
  lookout_store_flush_sync (tmp->store, &error);
  g_assert_no_error (error);

  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));

  lookout_anomaly_list_set_target (LOOKOUT_ANOMALY_LIST (list), monitor, target);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 1);

  /* a new one of this target, as the watch announces it, is listed */
  lookout_store_put_anomaly (tmp->store, id, now - 60000, -1, "jitter", 3.0,
                             "latency spread 2 ms → 30 ms since 14:05");
  anomaly.target_id = id;
  anomaly.start_ms = now - 60000;
  g_signal_emit_by_name (lookout_monitor_get_anomaly_watch (monitor), "anomaly", &anomaly);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 2);

  lookout_anomaly_list_set_target (LOOKOUT_ANOMALY_LIST (list), monitor, NULL);
  LOOKOUT_TEST_WAIT (lookout_anomaly_list_get_n_rows (LOOKOUT_ANOMALY_LIST (list)) == 0);

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

/* The switch is off by default and writes the target's option. */
static void
test_notify_switch (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *options = NULL;
  GtkWidget *list = lookout_anomaly_list_new ();
  GtkWidget *window;
  GtkWidget *row;
  GError *error = NULL;

  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  target = add_target (monitor, "https://127.0.0.1:8443/health");
  lookout_target_set_options (target, "{\"verify_tls\": false}");

  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  lookout_anomaly_list_set_target (LOOKOUT_ANOMALY_LIST (list), monitor, target);

  row = find_switch (list);
  g_assert_nonnull (row);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (row)));

  gtk_switch_set_active (GTK_SWITCH (row), TRUE);
  LOOKOUT_TEST_WAIT (lookout_anomaly_watch_get_notify (target));
  LOOKOUT_TEST_WAIT (stored_notify (tmp->store, lookout_target_get_id (target)));
  /* the other options stay */
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"verify_tls\":false"));

  gtk_switch_set_active (GTK_SWITCH (row), FALSE);
  LOOKOUT_TEST_WAIT (!lookout_anomaly_watch_get_notify (target));
  LOOKOUT_TEST_WAIT (!stored_notify (tmp->store, lookout_target_get_id (target)));

  options = lookout_anomaly_watch_set_notify_option (NULL, TRUE);
  g_assert_cmpstr (options, ==, "{\"notify_anomalies\":true}");

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

/* Anomalies are events: named, and a kind the events window filters by. */
static void
test_events (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  g_autoptr(LookoutEventItem) item = NULL;
  LookoutEventModel *model;
  GtkDropDown *kind;
  GtkWidget *window;
  GError *error = NULL;

  lookout_store_append_event (tmp->store, 1, 1000, "down", "web is down since …");
  lookout_store_append_event (tmp->store, 1, 2000, "anomaly", "median latency 21 ms → 54 ms since 14:05");
  g_assert_true (lookout_store_flush_sync (tmp->store, &error));
  g_assert_true (lookout_monitor_load_sync (monitor, &error));

  window = lookout_events_window_new (NULL, monitor);
  gtk_window_present (GTK_WINDOW (window));
  model = lookout_event_list_get_model (LOOKOUT_EVENT_LIST (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW, "event_list")));
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (model) &&
                     g_list_model_get_n_items (G_LIST_MODEL (model)) == 2);

  /* the last kind of the list */
  kind = GTK_DROP_DOWN (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW, "kind_dropdown"));
  gtk_drop_down_set_selected (kind, g_list_model_get_n_items (gtk_drop_down_get_model (kind)) - 1);
  LOOKOUT_TEST_WAIT (g_strcmp0 (lookout_event_model_get_kind (model), "anomaly") == 0 &&
                     !lookout_event_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (lookout_event_item_get_label (item), ==, "Anomaly");
  g_assert_cmpstr (lookout_event_item_get_message (item), ==, "median latency 21 ms → 54 ms since 14:05");

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

int
main (int    argc,
      char **argv)
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/anomaly-list/rows", test_rows);
  g_test_add_func ("/anomaly-list/notify-switch", test_notify_switch);
  g_test_add_func ("/anomaly-list/events", test_events);

  return g_test_run ();
}
