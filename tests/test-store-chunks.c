/* test-store-chunks.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The chunk store through the store's API: results that arrive late, out of
 * order or twice land once and in place, before and after sealing and
 * across a restart, with rollups that agree; and a row-store file is moved
 * into chunks in the background, surviving a kill half way. */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "lookout-export.h"
#include "lookout-store.h"
#include "lookout-test.h"

#define T0_MS G_GINT64_CONSTANT (1700000000000)

static LookoutSample
sample_at (gint64 target_id,
           gint64 i)
{
  return (LookoutSample) {
    .target_id = target_id,
    .ts_ms = T0_MS + i * 1000,
    .latency_us = i % 13 == 0 ? -1 : 1000 + i % 977,
    .state = i % 13 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
    .code = i % 5 == 0 ? 200 : 0,
    .error = i % 13 == 0 ? (char *) "timed out" : NULL,
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };
}

static void
assert_same_echo (const LookoutSample *got,
                  const LookoutSample *want)
{
  g_assert_cmpuint (got->sent, ==, want->sent);
  g_assert_cmpuint (got->received, ==, want->received);
  g_assert_cmpint (got->min_us, ==, want->min_us);
  g_assert_cmpint (got->max_us, ==, want->max_us);
  g_assert_cmpint (got->jitter_us, ==, want->jitter_us);
}

static void
assert_stored (LookoutStore *store,
               gint64        target_id,
               gint64        n)
{
  g_autoptr(GArray) read = NULL;
  g_autoptr(GArray) minutes = NULL;
  GError *error = NULL;
  guint64 total = 0;

  read = lookout_store_query_samples_sync (store, target_id, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, n);
  for (gint64 i = 0; i < n; i++)
    {
      LookoutSample want = sample_at (target_id, i);
      const LookoutSample *got = &g_array_index (read, LookoutSample, i);

      g_assert_cmpint (got->ts_ms, ==, want.ts_ms);
      g_assert_cmpint (got->latency_us, ==, want.latency_us);
      g_assert_cmpint (got->state, ==, want.state);
      g_assert_cmpint (got->code, ==, want.code);
      g_assert_cmpstr (got->error, ==, want.error);
      assert_same_echo (got, &want);
    }

  /* Each sample counted once in the rollups too. */
  minutes = lookout_store_query_rollups_sync (store, target_id, LOOKOUT_ROLLUP_MINUTE,
                                              0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < minutes->len; i++)
    total += g_array_index (minutes, LookoutRollup, i).n;
  g_assert_cmpuint (total, ==, n);
}

static void
append (LookoutStore  *store,
        LookoutSample  s)
{
  lookout_store_append_sample (store, &s);
}

static void
flush (LookoutStore *store)
{
  GError *error = NULL;

  g_assert_true (lookout_store_flush_sync (store, &error));
  g_assert_no_error (error);
}

/* 3,000 results (several chunks' worth) appended in a shuffled order, every
 * tenth twice; then all of them again after a restart. */
static void
test_late_and_repeated (LookoutTestStore *tmp,
                        gconstpointer     data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree gint64 *order = g_new (gint64, 3000);
  LookoutStore *store = tmp->store;

  for (gint64 i = 0; i < 3000; i++)
    order[i] = i;
  for (guint i = 2999; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gint64 t = order[i];

      order[i] = order[j];
      order[j] = t;
    }

  /* The first half in order and sealed; the second half late and shuffled
   * among repeats of the first. */
  for (gint64 i = 0; i < 1500; i++)
    append (store, sample_at (1, i));
  flush (store);
  for (guint k = 0; k < 3000; k++)
    {
      LookoutSample s = sample_at (1, order[k]);

      lookout_store_append_sample (store, &s);
      if (k % 10 == 0)
        lookout_store_append_sample (store, &s);
      if (k % 700 == 0)
        flush (store);
    }
  flush (store);
  assert_stored (store, 1, 3000);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 3000);

  for (gint64 i = 2999; i >= 0; i--)
    append (store, sample_at (1, i));
  flush (store);
  assert_stored (store, 1, 3000);
}

/* One target sealed, another not, results of both in the same commits: a
 * restart rebuilds the unsealed part only, and nothing comes twice. */
static void
test_restart_after_sealing (LookoutTestStore *tmp,
                            gconstpointer     data)
{
  LookoutStore *store = tmp->store;

  for (gint64 i = 0; i < 2000; i++)
    {
      append (store, sample_at (1, i));
      if (i % 200 == 0)
        append (store, sample_at (2, i / 200));
      if (i % 50 == 49)
        flush (store);
    }
  flush (store);
  assert_stored (store, 1, 2000);
  assert_stored (store, 2, 10);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 2000);
  assert_stored (store, 2, 10);

  /* And once more with both carrying on. */
  for (gint64 i = 2000; i < 2500; i++)
    append (store, sample_at (1, i));
  append (store, sample_at (2, 10));
  flush (store);
  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_stored (store, 1, 2500);
  assert_stored (store, 2, 11);
}

static void
progress_notified_cb (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  GArray *seen = user_data;
  double progress = lookout_store_get_migration_progress (LOOKOUT_STORE (object));

  g_array_append_val (seen, progress);
}

/* A schema 1 file with 4 targets × 50,000 results; a first process is
 * killed once the move into chunks has started, a second one finishes it. */
static void
test_migration_killed (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  GError *error = NULL;
  sqlite3 *db = NULL;
  int status;
  pid_t pid;

  lookout_test_store_write_v1 (tmp, 4, 50000);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      LookoutStore *child = lookout_store_open_sync (tmp->path, NULL, NULL);

      if (child == NULL)
        _exit (2);
      while (lookout_store_get_migration_progress (child) < 0.3)
        g_main_context_iteration (NULL, TRUE);
      kill (getpid (), SIGKILL);
      _exit (3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  store = lookout_store_open_sync (tmp->path, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "notify::migration-progress", G_CALLBACK (progress_notified_cb), seen);

  /* Readable at once, half moved or not. */
  assert_stored (store, 2, 50000);

  LOOKOUT_TEST_WAIT (lookout_store_get_migration_progress (store) == 1.0);
  g_assert_cmpuint (seen->len, >=, 1);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));

  for (gint64 t = 1; t <= 4; t++)
    assert_stored (store, t, 50000);

  /* A result of the old file arriving again is still a repeat. */
  append (store, sample_at (3, 777));
  flush (store);
  assert_stored (store, 3, 50000);
  lookout_store_close (store);

  g_assert_cmpint (sqlite3_open (tmp->path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name = 'samples'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

/* A ping every 10 s, 3 echoes a round: one round lost whole, one with an
 * echo lost. */
static LookoutSample
ping_at (gint64 i)
{
  gint64 latency = 15000 + i;

  if (i == 2)
    return (LookoutSample) {
      .target_id = 5, .ts_ms = T0_MS + i * 10000, .latency_us = -1,
      .state = LOOKOUT_TARGET_STATE_DOWN, .code = LOOKOUT_SAMPLE_NO_CODE,
      .error = (char *) "no reply", .sent = 3, .received = 0,
      .min_us = -1, .max_us = -1, .jitter_us = -1,
    };

  return (LookoutSample) {
    .target_id = 5, .ts_ms = T0_MS + i * 10000, .latency_us = latency,
    .state = LOOKOUT_TARGET_STATE_UP, .code = LOOKOUT_SAMPLE_NO_CODE,
    .sent = 3, .received = i == 3 ? 2 : 3,
    .min_us = latency - 100, .max_us = latency + 200 + i, .jitter_us = 30 + i,
  };
}

/* What the store gives back of the pings, and their export: min, max,
 * jitter and loss filled. */
static void
assert_pings (LookoutStore *store,
              const gint64 *at,
              guint         n)
{
  g_autoptr(GArray) read = NULL;
  g_autoptr(GOutputStream) csv = g_memory_output_stream_new_resizable ();
  g_auto(GStrv) lines = NULL;
  GError *error = NULL;

  read = lookout_store_query_samples_sync (store, 5, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, n);
  for (guint k = 0; k < n; k++)
    {
      LookoutSample want = ping_at (at[k]);
      const LookoutSample *got = &g_array_index (read, LookoutSample, k);

      g_assert_cmpint (got->ts_ms, ==, want.ts_ms);
      g_assert_cmpint (got->latency_us, ==, want.latency_us);
      g_assert_cmpint (got->state, ==, want.state);
      g_assert_cmpstr (got->error, ==, want.error);
      assert_same_echo (got, &want);
    }

  g_assert_true (lookout_export_write_samples (csv, LOOKOUT_EXPORT_CSV, "icmp://192.0.2.5",
                                               G_MININT64, G_MAXINT64,
                                               (const LookoutSample *) read->data, read->len,
                                               NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (csv, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (csv, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (csv)), "\r\n", -1);
  g_assert_true (g_str_has_suffix (lines[1], ",15.000,,,14.900,15.200,0.030,3,3,0.0,local"));
  g_assert_true (g_str_has_suffix (lines[3], ",down,,,no reply,,,,3,0,100.0,local"));
  g_assert_true (g_str_has_suffix (lines[4], ",15.003,,,14.903,15.206,0.033,3,2,33.3,local"));
}

/* A ping's echo figures come back from the store: from the head, from the
 * log after a restart, and from a sealed chunk. */
static void
test_ping_figures (LookoutTestStore *tmp,
                   gconstpointer     data)
{
  static const gint64 at[] = { 0, 1, 2, 3, 2160 };
  LookoutStore *store = tmp->store;

  for (guint k = 0; k < 4; k++)
    append (store, ping_at (at[k]));
  flush (store);
  assert_pings (store, at, 4);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_pings (store, at, 4);

  /* Six hours on: the target's head spans the sealing span. */
  append (store, ping_at (at[4]));
  flush (store);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_chunks WHERE target_id = 5"), >, 0);
  g_assert_cmpint (lookout_test_sql_int (tmp->path, "SELECT count(*) FROM sample_log"), ==, 0);
  assert_pings (store, at, 5);

  lookout_test_store_close (tmp);
  store = lookout_test_store_open (tmp);
  assert_pings (store, at, 5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/chunks/late-and-repeated", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_late_and_repeated, lookout_test_store_tear_down);
  g_test_add ("/store/chunks/restart-after-sealing", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_restart_after_sealing, lookout_test_store_tear_down);
  g_test_add_func ("/store/chunks/migration-killed", test_migration_killed);
  g_test_add ("/store/chunks/ping-figures", LookoutTestStore, NULL,
              lookout_test_store_set_up, test_ping_figures, lookout_test_store_tear_down);

  return g_test_run ();
}
