/* test-anomaly-store.c: the anomalies table and the monitor's anomaly watch
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "lookout-anomaly-watch.h"
#include "lookout-monitor.h"
#include "lookout-store-anomalies.h"
#include "lookout-test.h"
#include "lookout-webhook-channel.h"

#define MINUTE (60 * 1000)
#define DAY (24 * 60 * MINUTE)

static GArray *
query (LookoutStore *store,
       gint64        target_id,
       gint64        from_ms,
       gint64        to_ms)
{
  g_autoptr(GError) error = NULL;
  GArray *rows;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
  rows = lookout_store_query_anomalies_sync (store, target_id, from_ms, to_ms, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static void
test_put_and_query (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GArray) rows = NULL;
  LookoutStoredAnomaly *a;

  lookout_store_put_anomaly (ts->store, 1, 1000, -1, "level_shift", 4.5, "median latency 21 ms → 54 ms since 14:05");
  lookout_store_put_anomaly (ts->store, 2, 1500, -1, "loss_burst", 7.0, "50 % of the last 32 checks failed");
  rows = query (ts->store, -1, 0, 0);
  g_assert_cmpuint (rows->len, ==, 2);
  a = &g_array_index (rows, LookoutStoredAnomaly, 0);
  g_assert_cmpint (a->target_id, ==, 1);
  g_assert_cmpint (a->end_ms, ==, -1);
  g_assert_cmpstr (a->kind, ==, "level_shift");
  g_assert_cmpfloat (a->score, ==, 4.5);
  g_assert_cmpstr (a->message, ==, "median latency 21 ms → 54 ms since 14:05");
  g_clear_pointer (&rows, g_array_unref);

  /* closing is the same call with an end: one row */
  lookout_store_put_anomaly (ts->store, 1, 1000, 5000, "level_shift", 4.5, "median latency 21 ms → 54 ms since 14:05");
  rows = query (ts->store, 1, 0, 0);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 0).end_ms, ==, 5000);
  g_clear_pointer (&rows, g_array_unref);

  /* ranges: overlapping only; an open one reaches to now */
  rows = query (ts->store, 1, 5001, 0);
  g_assert_cmpuint (rows->len, ==, 0);
  g_clear_pointer (&rows, g_array_unref);
  rows = query (ts->store, 1, 4000, 4500);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_array_unref);
  rows = query (ts->store, 2, 1000000, 0);
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_array_unref);
  rows = query (ts->store, -1, 0, 1200);
  g_assert_cmpuint (rows->len, ==, 1);
}

static void
test_pruned_with_history (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  LookoutStoreRetention retention;
  gint64 now = g_get_real_time () / 1000;
  LookoutSample sample = { .target_id = 1, .latency_us = 1000, .state = LOOKOUT_TARGET_STATE_UP };

  /* the pruning visits targets with history */
  sample.ts_ms = now - 10 * DAY;
  lookout_store_append_sample (ts->store, &sample);
  sample.ts_ms = now - DAY / 2;
  lookout_store_append_sample (ts->store, &sample);
  lookout_store_put_anomaly (ts->store, 1, now - 10 * DAY, now - 10 * DAY + MINUTE, "jitter", 3, "old");
  lookout_store_put_anomaly (ts->store, 1, now - DAY / 2, -1, "jitter", 3, "recent");

  lookout_store_get_retention (ts->store, &retention);
  retention.samples_ms = 5 * DAY;
  lookout_store_set_retention (ts->store, &retention);
  lookout_store_flush_sync (ts->store, &error);
  g_assert_no_error (error);

  lookout_store_prune_async (ts->store, NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_store_prune_finish (ts->store, lookout_test_wait_result (&result), NULL, &error));
  g_assert_no_error (error);

  rows = query (ts->store, 1, 0, 0);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (g_array_index (rows, LookoutStoredAnomaly, 0).message, ==, "recent");
}

typedef struct
{
  guint opened;
  guint closed;
} Seen;

static void
anomaly_cb (LookoutAnomalyWatch  *watch,
            const LookoutAnomaly *anomaly,
            Seen                 *seen)
{
  if (anomaly->end_ms < 0)
    seen->opened++;
  else
    seen->closed++;
}

static LookoutResult *
make_result (LookoutTarget *target,
             gint64         started_ms,
             double         latency_ms)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->started_ms = started_ms;
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = (gint64) (latency_ms * 1000);
  return result;
}

/* History with a level shift is read before the first live result: its
 * anomaly is stored without an event, and a live shift after it is
 * decided by an informed detector, stored, listed as an event and
 * announced. */
static void
test_monitor_backfill_and_live (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  LookoutAnomalyWatch *watch;
  Seen seen = { 0, 0 };
  /* whole minutes, from a fixed point of the last day */
  gint64 t0 = (g_get_real_time () / 1000 / DAY - 1) * DAY;
  gint64 id;
  guint i;

  monitor = lookout_monitor_new (ts->store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  g_assert_no_error (error);
  target = lookout_target_new_from_string ("tcp://127.0.0.1:5432", &error);
  g_assert_no_error (error);
  lookout_test_add_target (monitor, target);
  id = lookout_target_get_id (target);
  g_assert_cmpint (id, >, 0);

  watch = lookout_monitor_get_anomaly_watch (monitor);
  g_signal_connect (watch, "anomaly", G_CALLBACK (anomaly_cb), &seen);

  /* 600 stored results; 300 to 400 are 30 ms slower */
  for (i = 0; i < 600; i++)
    {
      LookoutSample sample = {
        .target_id = id,
        .ts_ms = t0 + i * MINUTE,
        .latency_us = (gint64) ((20.0 + (i >= 300 && i < 400 ? 30.0 : 0.0) +
                                 g_rand_double_range (rand, -1, 1)) * 1000),
        .state = LOOKOUT_TARGET_STATE_UP,
      };

      lookout_store_append_sample (ts->store, &sample);
    }
  g_assert_true (lookout_store_flush_sync (ts->store, &error));

  /* live: 20 usual results, then a lasting slowdown */
  for (; i < 700; i++)
    {
      double latency = 20.0 + (i >= 620 ? 40.0 : 0.0) + g_rand_double_range (rand, -1, 1);
      g_autoptr(LookoutResult) result = make_result (target, t0 + i * MINUTE, latency);

      lookout_monitor_handle_result (monitor, target, result);
    }
  LOOKOUT_TEST_WAIT (!lookout_anomaly_watch_is_backfilling (watch, id));

  /* the live shift is decided within a window of its start: the detector
   * was warm from the history, which alone it could not have been */
  g_assert_cmpuint (seen.opened, ==, 1);
  rows = query (ts->store, id, 0, 0);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 0).start_ms, >=, t0 + 300 * MINUTE);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 0).end_ms, >, t0 + 400 * MINUTE);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 1).start_ms, >=, t0 + 620 * MINUTE);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 1).start_ms, <=, t0 + 640 * MINUTE);
  g_assert_cmpint (g_array_index (rows, LookoutStoredAnomaly, 1).end_ms, ==, -1);
  g_assert_cmpstr (g_array_index (rows, LookoutStoredAnomaly, 1).kind, ==, "level_shift");

  events = lookout_store_query_events_sync (ts->store, id, "anomaly", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (g_array_index (events, LookoutStoredEvent, 0).ts_ms, ==,
                   g_array_index (rows, LookoutStoredAnomaly, 1).start_ms);
  g_assert_true (g_str_has_prefix (g_array_index (events, LookoutStoredEvent, 0).message,
                                   "median latency "));
}

static void
hook_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  GPtrArray *bodies = user_data;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_ptr_array_add (bodies, g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
  soup_server_message_set_status (msg, 200, NULL);
}

/* Feeds 600 usual results, then 100 of a lasting slowdown, all live. */
static void
feed_shift (LookoutMonitor *monitor,
            LookoutTarget  *target,
            gint64          t0)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);

  for (guint i = 0; i < 700; i++)
    {
      double latency = 20.0 + (i >= 600 ? 40.0 : 0.0) + g_rand_double_range (rand, -1, 1);
      g_autoptr(LookoutResult) result = make_result (target, t0 + i * MINUTE, latency);

      lookout_monitor_handle_result (monitor, target, result);
    }
}

/* An interface's traffic is no latency: the same shift that is an anomaly
 * of a TCP target's response time is none of a link's bits per second. */
static void
test_traffic_is_not_judged (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (ts->store);
  g_autoptr(LookoutTarget) tcp = lookout_target_new_from_string ("tcp://127.0.0.1:5432", NULL);
  g_autoptr(LookoutTarget) link = lookout_target_new_from_string ("iface://lo", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(GArray) tcp_rows = NULL;
  g_autoptr(GArray) link_rows = NULL;
  gint64 t0 = (g_get_real_time () / 1000 / DAY - 1) * DAY;
  Seen seen = { 0, 0 };

  g_signal_connect (lookout_monitor_get_anomaly_watch (monitor), "anomaly", G_CALLBACK (anomaly_cb), &seen);
  lookout_test_add_target (monitor, tcp);
  lookout_test_add_target (monitor, link);

  feed_shift (monitor, tcp, t0);
  for (guint i = 0; i < 700; i++)
    {
      g_autoptr(LookoutResult) result = make_result (link, t0 + i * MINUTE, -0.001);

      result->link_bps = (gint64) ((20.0 + (i >= 600 ? 40.0 : 0.0) + g_rand_double_range (rand, -1, 1)) * 1000);
      lookout_monitor_handle_result (monitor, link, result);
    }
  LOOKOUT_TEST_WAIT (seen.opened == 1);
  LOOKOUT_TEST_WAIT (!lookout_anomaly_watch_is_backfilling (lookout_monitor_get_anomaly_watch (monitor),
                                                            lookout_target_get_id (tcp)));

  tcp_rows = query (ts->store, lookout_target_get_id (tcp), 0, 0);
  link_rows = query (ts->store, lookout_target_get_id (link), 0, 0);
  g_assert_cmpuint (tcp_rows->len, ==, 1);
  g_assert_cmpuint (link_rows->len, ==, 0);
  g_assert_cmpuint (seen.opened, ==, 1);
}

/* Anomalies are notified only for a target that asks for it. */
static void
test_notify_switch (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) quiet = NULL;
  g_autoptr(LookoutTarget) loud = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(LookoutAlertChannel) hook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  LookoutMonitorOptions options = { .notify = TRUE };
  gint64 t0 = (g_get_real_time () / 1000 / DAY - 1) * DAY;
  Seen seen = { 0, 0 };

  server = lookout_test_http_server_new (hook_cb, bodies, &base);
  url = g_strdup_printf ("%s/hook", base);
  hook = lookout_webhook_channel_new (url, NULL);

  monitor = lookout_monitor_new_with_options (ts->store, &options);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  lookout_notifier_add_channel (lookout_monitor_get_notifier (monitor), hook);
  g_signal_connect (lookout_monitor_get_anomaly_watch (monitor), "anomaly", G_CALLBACK (anomaly_cb), &seen);

  quiet = lookout_target_new_from_string ("tcp://127.0.0.1:5432", &error);
  g_assert_no_error (error);
  g_assert_false (lookout_anomaly_watch_get_notify (quiet));
  lookout_test_add_target (monitor, quiet);
  loud = lookout_target_new_from_string ("tcp://127.0.0.1:5433", &error);
  g_assert_no_error (error);
  lookout_target_set_options (loud, "{\"notify_anomalies\": true}");
  g_assert_true (lookout_anomaly_watch_get_notify (loud));
  lookout_test_add_target (monitor, loud);

  feed_shift (monitor, quiet, t0);
  feed_shift (monitor, loud, t0);
  LOOKOUT_TEST_WAIT (seen.opened == 2);
  LOOKOUT_TEST_WAIT (bodies->len >= 1);
  /* the quiet one's would have been sent first */
  g_assert_cmpuint (bodies->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (bodies, 0), "\"anomaly\""));
  g_assert_nonnull (strstr (g_ptr_array_index (bodies, 0), "tcp://127.0.0.1:5433"));
  g_assert_nonnull (strstr (g_ptr_array_index (bodies, 0), "median latency"));
  soup_server_disconnect (server);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anomaly-store/put-and-query", test_put_and_query);
  g_test_add_func ("/anomaly-store/pruned-with-history", test_pruned_with_history);
  g_test_add_func ("/anomaly-store/monitor-backfill-and-live", test_monitor_backfill_and_live);
  g_test_add_func ("/anomaly-store/notify-switch", test_notify_switch);
  g_test_add_func ("/anomaly-store/traffic-is-not-judged", test_traffic_is_not_judged);

  return g_test_run ();
}
