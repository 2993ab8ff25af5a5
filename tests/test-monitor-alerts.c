/* test-monitor-alerts.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The monitor's alert engine: it decides the state of the targets the
 * scheduler checks (real TCP checks against 127.0.0.1), records their
 * events in the store, and a suspend stops the checks until resume. */

#include "config.h"

#include "lookout-test.h"

#include "lookout-monitor.h"

static void
event_cb (LookoutAlertEngine *engine,
          LookoutAlertEvent  *event,
          GPtrArray          *events)
{
  g_ptr_array_add (events, lookout_alert_event_ref (event));
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  /* Bound, never listening: connections are refused. */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_monitor_alerts (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  g_autoptr(GArray) stored = NULL;
  LookoutAlertEngine *engine;
  LookoutScheduler *scheduler;
  guint16 port = closed_port ();

  monitor = lookout_monitor_new (store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  engine = lookout_monitor_get_alert_engine (monitor);
  scheduler = lookout_monitor_get_scheduler (monitor);
  g_signal_connect (engine, "event", G_CALLBACK (event_cb), events);

  uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_interval (target, 1);
  lookout_target_set_timeout (target, 500);
  lookout_target_set_fail_threshold (target, 2);
  lookout_test_add_target (monitor, target);

  /* The target's threshold decides: UNKNOWN after one refusal, DOWN after two. */
  lookout_monitor_start (monitor);
  LOOKOUT_TEST_WAIT (lookout_target_get_last_checked (target) > 0);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  LOOKOUT_TEST_WAIT (lookout_target_get_state (target) == LOOKOUT_TARGET_STATE_DOWN);
  /* the state of the scheduler's target is the monitor's engine's decision */
  g_assert_cmpint (lookout_alert_engine_get_state (engine, lookout_target_get_id (target)), ==,
                   LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (((LookoutAlertEvent *) events->pdata[0])->kind, ==, LOOKOUT_ALERT_EVENT_DOWN);
  g_assert_cmpint (((LookoutAlertEvent *) events->pdata[0])->target_id, ==, lookout_target_get_id (target));

  /* A suspend stops the checks; resuming starts them again. */
  lookout_alert_engine_set_paused (engine, TRUE);
  g_assert_false (lookout_scheduler_get_running (scheduler));
  lookout_alert_engine_set_paused (engine, FALSE);
  g_assert_true (lookout_scheduler_get_running (scheduler));

  /* Stopped by hand while asleep: waking does not start it. */
  lookout_alert_engine_set_paused (engine, TRUE);
  lookout_monitor_stop (monitor);
  lookout_alert_engine_set_paused (engine, FALSE);
  g_assert_false (lookout_scheduler_get_running (scheduler));

  g_assert_true (lookout_store_flush_sync (store, &error));
  stored = lookout_store_query_events_sync (store, -1, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  /* down, paused, resumed, paused, resumed */
  g_assert_cmpuint (stored->len, ==, 5);
  g_assert_cmpstr (g_array_index (stored, LookoutStoredEvent, 4).kind, ==, "down");
  g_assert_cmpstr (g_array_index (stored, LookoutStoredEvent, 0).kind, ==, "resumed");

  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/monitor-alerts/threshold-events-suspend", test_monitor_alerts);
  return g_test_run ();
}
