/* test-anomaly-store.c: the anomalies table
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "lookout-store-anomalies.h"
#include "lookout-test.h"

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anomaly-store/put-and-query", test_put_and_query);
  g_test_add_func ("/anomaly-store/pruned-with-history", test_pruned_with_history);

  return g_test_run ();
}
