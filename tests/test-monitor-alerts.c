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
#include "lookout-probe.h"
#include "lookout-target-options.h"

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

#define T0_MS G_GINT64_CONSTANT (1700000000000)

static gint64
fixed_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static LookoutResult *
new_result (gboolean ok,
            gint64   started_ms)
{
  LookoutResult *result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

  result->started_ms = started_ms;
  if (ok)
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->latency_us = 900;
    }
  else
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                              "Connection refused");
  return result;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_monitor_load_finish (LOOKOUT_MONITOR (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* A restart forgets nothing: a target that was down when the process
 * stopped is down at once (not "Unknown"), is not notified again, and its
 * recovery counts the outage from its first failure, before the restart. */
static void
test_restart (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  g_autoptr(LookoutTarget) stored = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutMonitor) again = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutTarget) target_again = NULL;
  g_autoptr(GError) error = NULL;
  LookoutAlertEngine *engine;
  LookoutAlertEvent *up;
  gint64 now = T0_MS + 50000;
  gboolean loaded = FALSE;

  /* The last process: up twice, then refused from T0 + 20 s, DOWN notified at T0 + 40 s. */
  stored = lookout_target_new_from_string ("tcp://127.0.0.1:9", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_target_sync (tmp->store, stored, &error));
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(LookoutResult) result = new_result (i < 2, T0_MS + i * 10000);
      LookoutSample sample;

      lookout_sample_init_from_result (&sample, stored, result);
      lookout_store_append_sample (tmp->store, &sample);
    }
  lookout_store_append_event (tmp->store, lookout_target_get_id (stored), T0_MS + 40000, "down",
                              "127.0.0.1:9 is down since …: Connection refused");
  g_assert_true (lookout_store_flush_sync (tmp->store, &error));

  monitor = lookout_monitor_new (tmp->store);
  engine = lookout_monitor_get_alert_engine (monitor);
  lookout_alert_engine_set_clock (engine, fixed_clock, &now);
  lookout_alert_engine_set_up_after (engine, 1);
  g_signal_connect (engine, "event", G_CALLBACK (event_cb), events);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  g_assert_no_error (error);

  target = g_list_model_get_item (lookout_monitor_get_targets (monitor), 0);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (lookout_target_get_last_checked (target), ==, T0_MS + 40000);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, "Connection refused");
  g_assert_cmpint (lookout_alert_engine_get_state (engine, lookout_target_get_id (target)), ==,
                   LOOKOUT_TARGET_STATE_DOWN);

  /* Still down: nothing to say. */
  {
    g_autoptr(LookoutResult) result = new_result (FALSE, now);

    lookout_monitor_handle_result (monitor, target, result);
  }
  g_assert_cmpuint (events->len, ==, 0);

  /* Back up at T0 + 60 s: down for 40 s, from T0 + 20 s. */
  now = T0_MS + 60000;
  {
    g_autoptr(LookoutResult) result = new_result (TRUE, now);

    lookout_monitor_handle_result (monitor, target, result);
  }
  g_assert_cmpuint (events->len, ==, 1);
  up = events->pdata[0];
  g_assert_cmpint (up->kind, ==, LOOKOUT_ALERT_EVENT_UP);
  g_assert_cmpint (up->since_ms, ==, T0_MS + 20000);
  g_assert_cmpint (up->downtime_ms, ==, 40000);

  /* And a launch after that, loading as the window does, finds it up. */
  g_assert_true (lookout_store_flush_sync (tmp->store, &error));
  again = lookout_monitor_new (tmp->store);
  lookout_monitor_load_async (again, NULL, loaded_cb, &loaded);
  LOOKOUT_TEST_WAIT (loaded);
  target_again = g_list_model_get_item (lookout_monitor_get_targets (again), 0);
  g_assert_cmpint (lookout_target_get_state (target_again), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (lookout_target_get_last_latency (target_again), ==, 900);
}

/* ---- the slow rule ---- */

static void
slow_handler_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok\n", 3);
  if (g_str_equal (path, "/slow"))
    {
      /* answered no sooner than 60 ms from now */
      soup_server_message_pause (msg);
      g_timeout_add_once (60, (GSourceOnceFunc) soup_server_message_unpause, msg);
    }
}

static LookoutResult *
check (LookoutProbe  *probe,
       LookoutTarget *target)
{
  g_autoptr(GError) error = NULL;
  LookoutResult *result = lookout_test_run_probe (probe, lookout_target_get_uri_string (target), 5000,
                                                  lookout_target_get_options (target), NULL, &error);

  g_assert_no_error (error);
  return result;
}

/* A server answering in 60 ms or more, with slow_ms=20 over 3 checks:
 * up until three checks are known, degraded from then on with the reason,
 * each result keeping its time; a rule changed starts over. */
static void
test_slow_rule (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  g_autoptr(LookoutProbe) probe = lookout_probe_new_for_kind (LOOKOUT_TARGET_KIND_HTTP);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *uri = NULL;

  server = lookout_test_http_server_new (slow_handler_cb, NULL, &base);
  uri = g_strdup_printf ("%s/slow", base);
  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  g_assert_true (lookout_target_set_option_text (target, "slow_ms", "20", &error));
  g_assert_true (lookout_target_set_option_text (target, "slow_checks", "3", &error));
  g_assert_no_error (error);
  lookout_test_add_target (monitor, target);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(LookoutResult) result = check (probe, target);

      g_assert_true (result->ok);
      g_assert_cmpint (result->latency_us, >=, 60000);
      lookout_monitor_handle_result (monitor, target, result);
      if (i < 2)
        {
          g_assert_true (result->ok);
          g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
        }
      else
        {
          g_assert_false (result->ok);
          g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
          g_assert_cmpint (result->latency_us, >=, 60000);
          g_assert_true (g_str_has_prefix (result->error, "Slow: the median response time of the last 3 checks is "));
          g_assert_true (g_str_has_suffix (result->error, ", above 20 ms"));
        }
    }

  /* a limit it keeps under: up again, with no history to wait for */
  g_assert_true (lookout_target_set_option_text (target, "slow_ms", "100000", &error));
  g_assert_true (lookout_target_set_option_text (target, "slow_checks", "1", &error));
  {
    g_autoptr(LookoutResult) result = check (probe, target);

    lookout_monitor_handle_result (monitor, target, result);
    g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  }

  /* and one it does not: degraded at the first check */
  g_assert_true (lookout_target_set_option_text (target, "slow_ms", "30", &error));
  {
    g_autoptr(LookoutResult) result = check (probe, target);

    lookout_monitor_handle_result (monitor, target, result);
    g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
    g_assert_true (g_str_has_prefix (result->error, "Slow: the median response time of the last 1 check is "));
  }

  g_assert_false (lookout_target_options_validate ("{\"slow_ms\": 0}", &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);

  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/monitor-alerts/threshold-events-suspend", test_monitor_alerts);
  g_test_add_func ("/monitor-alerts/restart", test_restart);
  g_test_add_func ("/monitor-alerts/slow-rule", test_slow_rule);
  return g_test_run ();
}
