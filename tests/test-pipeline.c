/* test-pipeline.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* LookoutMonitor's result pipeline, fed by hand through
 * lookout_monitor_handle_result() (no probe runs): each step has happened
 * before the next one looks, and what is plotted of a result is what is
 * stored of it, kind-specific code included. */

#include "config.h"

#include "lookout-test.h"

#include "lookout-alert-channel.h"
#include "lookout-monitor.h"
#include "lookout-sample.h"

/* ---- a channel that notes what the pipeline had done when it was fed ---- */

typedef struct
{
  LookoutAlertEventKind kind;
  LookoutTargetState    state;          /* the target's live state then */
  gint64                best_latency;   /* geolocation's round trip then */
  guint                 n_results;      /* "result" emissions so far */
} Sent;

typedef struct
{
  LookoutMonitor *monitor;
  LookoutStore   *store;
  LookoutTarget  *target;
  guint           n_results;
  GArray         *sent;                 /* Sent */
} Pipeline;

#define TEST_TYPE_CHANNEL (test_channel_get_type ())
G_DECLARE_FINAL_TYPE (TestChannel, test_channel, TEST, CHANNEL, LookoutAlertChannel)

struct _TestChannel
{
  LookoutAlertChannel  parent_instance;
  Pipeline            *pipeline;
};

G_DEFINE_FINAL_TYPE (TestChannel, test_channel, LOOKOUT_TYPE_ALERT_CHANNEL)

static void
test_channel_send_async (LookoutAlertChannel *channel,
                         LookoutAlertEvent   *event,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  Pipeline *p = TEST_CHANNEL (channel)->pipeline;
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  Sent sent = {
    .kind = event->kind,
    .state = lookout_target_get_state (p->target),
    .best_latency = lookout_geo_get_target_best_latency (lookout_monitor_get_geo (p->monitor),
                                                         p->target),
    .n_results = p->n_results,
  };

  g_array_append_val (p->sent, sent);
  g_task_return_boolean (task, TRUE);
}

static gboolean
test_channel_send_finish (LookoutAlertChannel  *channel,
                          GAsyncResult         *result,
                          GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_channel_class_init (TestChannelClass *klass)
{
  LookoutAlertChannelClass *channel_class = LOOKOUT_ALERT_CHANNEL_CLASS (klass);

  channel_class->send_async = test_channel_send_async;
  channel_class->send_finish = test_channel_send_finish;
}

static void
test_channel_init (TestChannel *self)
{
}

/* ---- helpers ---- */

static LookoutResult *
make_result (LookoutTarget *target,
             gint64         started_ms,
             gboolean       ok,
             gint64         latency_us)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->started_ms = started_ms;
  if (ok)
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->latency_us = latency_us;
      result->address = g_strdup ("127.0.0.1");
    }
  else
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                              "Connection refused");

  return result;
}

static LookoutTarget *
add_target (LookoutMonitor *monitor,
            const char     *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_fail_threshold (target, 1);
  lookout_test_add_target (monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);

  return target;
}

static GArray *
stored_samples (LookoutStore  *store,
                LookoutTarget *target)
{
  g_autoptr(GError) error = NULL;
  GArray *samples;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
  samples = lookout_store_query_samples_sync (store, lookout_target_get_id (target),
                                              0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);

  return samples;
}

/* Steps 1 to 5 are done when "result" (step 6) is emitted. */
static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           Pipeline       *p)
{
  g_autoptr(GArray) samples = NULL;

  p->n_results++;

  /* 1, 2 */
  g_assert_cmpint (lookout_target_get_last_checked (target), ==, result->started_ms);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, result->error);
  /* 3 */
  samples = stored_samples (p->store, target);
  g_assert_cmpuint (samples->len, ==, p->n_results);
  g_assert_cmpint (g_array_index (samples, LookoutSample, samples->len - 1).ts_ms, ==,
                   result->started_ms);
  /* 4 */
  if (result->ok)
    g_assert_cmpint (lookout_geo_get_target_best_latency (lookout_monitor_get_geo (monitor), target),
                     <=, result->latency_us);
}

static void
test_order (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TestChannel) channel = NULL;
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (Sent));
  Pipeline p = { NULL, };
  const Sent *down = NULL, *up = NULL;
  LookoutGeo *geo;
  gint64 t = 1700000000000;

  p.sent = sent;
  p.store = tmp->store;
  p.monitor = lookout_monitor_new_with_options (p.store,
                                                &(LookoutMonitorOptions) { .notify = TRUE, .locate = TRUE });
  g_assert_true (lookout_monitor_load_sync (p.monitor, &error));
  geo = lookout_monitor_get_geo (p.monitor);
  g_assert_true (LOOKOUT_IS_GEO (geo));
  g_assert_true (LOOKOUT_IS_NOTIFIER (lookout_monitor_get_notifier (p.monitor)));

  channel = g_object_new (TEST_TYPE_CHANNEL, "id", "test", NULL);
  channel->pipeline = &p;
  lookout_notifier_add_channel (lookout_monitor_get_notifier (p.monitor),
                                LOOKOUT_ALERT_CHANNEL (channel));
  p.target = add_target (p.monitor, "http://127.0.0.1:9/");
  g_signal_connect (p.monitor, "result", G_CALLBACK (result_cb), &p);

  /* up, down (notified), up again (notified) and faster; the TCP connect
   * is the round trip geolocation takes from an HTTP result (the latency
   * it follows on the target is an upper bound only) */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(LookoutResult) result = make_result (p.target, t + i * 1000, i != 1, 5000);

      if (result->ok)
        result->connect_us = i == 0 ? 3000 : 1000;

      lookout_monitor_handle_result (p.monitor, p.target, result);
      g_assert_cmpuint (p.n_results, ==, i + 1);
      /* the channel sends one event at a time: the next goes out at once */
      LOOKOUT_TEST_WAIT (lookout_alert_channel_get_pending (LOOKOUT_ALERT_CHANNEL (channel)) == 0);
    }

  for (guint i = 0; i < sent->len; i++)
    {
      const Sent *s = &g_array_index (sent, Sent, i);

      if (s->kind == LOOKOUT_ALERT_EVENT_DOWN)
        down = s;
      else if (s->kind == LOOKOUT_ALERT_EVENT_UP)
        up = s;
    }

  /* The notifier is fed after the state is decided and geolocation has
   * the round trip, before "result". */
  g_assert_nonnull (down);
  g_assert_cmpint (down->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpuint (down->n_results, ==, 1);
  g_assert_nonnull (up);
  g_assert_cmpint (up->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (up->best_latency, ==, 1000);
  g_assert_cmpuint (up->n_results, ==, 2);

  /* The engine forgets a removed target. */
  g_assert_cmpint (lookout_alert_engine_get_state (lookout_monitor_get_alert_engine (p.monitor),
                                                   lookout_target_get_id (p.target)), ==,
                   LOOKOUT_TARGET_STATE_UP);
  lookout_monitor_remove_target (p.monitor, p.target);
  g_assert_cmpint (lookout_alert_engine_get_state (lookout_monitor_get_alert_engine (p.monitor),
                                                   lookout_target_get_id (p.target)), ==,
                   LOOKOUT_TARGET_STATE_UNKNOWN);

  g_clear_object (&p.monitor);
  g_clear_object (&p.target);
  lookout_test_store_close (tmp);
  lookout_test_drain ();
}

/* The plot adds lookout_sample_init_from_result() of a result; the store
 * must hold the same fields. */
static void
assert_plotted_is_stored (LookoutStore  *store,
                          LookoutTarget *target,
                          LookoutResult *result,
                          int            code)
{
  g_autoptr(GArray) samples = stored_samples (store, target);
  const LookoutSample *stored = NULL;
  LookoutSample plotted;

  for (guint i = 0; i < samples->len; i++)
    if (g_array_index (samples, LookoutSample, i).ts_ms == result->started_ms)
      stored = &g_array_index (samples, LookoutSample, i);
  g_assert_nonnull (stored);

  lookout_sample_init_from_result (&plotted, target, result);
  g_assert_cmpint (plotted.code, ==, code);
  g_assert_cmpint (plotted.target_id, ==, stored->target_id);
  g_assert_cmpint (plotted.ts_ms, ==, stored->ts_ms);
  g_assert_cmpint (plotted.latency_us, ==, stored->latency_us);
  g_assert_cmpint (plotted.state, ==, stored->state);
  g_assert_cmpint (plotted.code, ==, stored->code);
  g_assert_cmpstr (plotted.error, ==, stored->error);
}

static void
test_plotted_is_stored (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) http = NULL;
  g_autoptr(LookoutTarget) dns = NULL;
  g_autoptr(LookoutTarget) tcp = NULL;
  g_autoptr(LookoutResult) http_ok = NULL;
  g_autoptr(LookoutResult) http_503 = NULL;
  g_autoptr(LookoutResult) nxdomain = NULL;
  g_autoptr(LookoutResult) dns_timeout = NULL;
  g_autoptr(LookoutResult) refused = NULL;
  gint64 t = 1700000000000;

  g_assert_no_error (error);
  monitor = lookout_monitor_new (store);
  g_assert_null (lookout_monitor_get_geo (monitor));
  g_assert_null (lookout_monitor_get_notifier (monitor));
  http = add_target (monitor, "http://127.0.0.1:9/health");
  dns = add_target (monitor, "dns://127.0.0.1/example.test");
  tcp = add_target (monitor, "tcp://127.0.0.1:9");

  http_ok = make_result (http, t, TRUE, 3000);
  http_ok->http_status = 200;
  http_503 = make_result (http, t + 1000, FALSE, -1);
  http_503->http_status = 503;
  http_503->latency_us = 4000;    /* a failure is stored without latency */
  nxdomain = make_result (dns, t, FALSE, -1);
  nxdomain->rcode = 3;
  dns_timeout = make_result (dns, t + 1000, FALSE, -1);
  dns_timeout->rcode = -1;
  refused = make_result (tcp, t, FALSE, -1);

  lookout_monitor_handle_result (monitor, http, http_ok);
  lookout_monitor_handle_result (monitor, http, http_503);
  lookout_monitor_handle_result (monitor, dns, nxdomain);
  lookout_monitor_handle_result (monitor, dns, dns_timeout);
  lookout_monitor_handle_result (monitor, tcp, refused);

  assert_plotted_is_stored (store, http, http_ok, 200);
  assert_plotted_is_stored (store, http, http_503, 503);
  assert_plotted_is_stored (store, dns, nxdomain, 3);
  assert_plotted_is_stored (store, dns, dns_timeout, LOOKOUT_SAMPLE_NO_CODE);
  assert_plotted_is_stored (store, tcp, refused, LOOKOUT_SAMPLE_NO_CODE);

  {
    LookoutSample s;

    lookout_sample_init_from_result (&s, http, http_503);
    g_assert_cmpint (s.latency_us, ==, -1);
    g_assert_cmpint (s.state, ==, LOOKOUT_TARGET_STATE_DOWN);
    g_assert_cmpstr (s.error, ==, "Connection refused");
    lookout_sample_init_from_result (&s, http, http_ok);
    g_assert_cmpint (s.latency_us, ==, 3000);
    g_assert_null (s.error);
  }

  g_clear_object (&monitor);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pipeline/order", test_order);
  g_test_add_func ("/pipeline/plotted-is-stored", test_plotted_is_stored);
  return g_test_run ();
}
