/* test-store-crash.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* kill -9 at any moment: no corruption, nothing lost that was reported
 * committed, rollups in agreement with the samples.
 *
 * Each round forks a child that opens the store and appends samples for its
 * own target (target_id = round + 1) with ts_ms = seq * 100, writing over a
 * pipe every sequence number "committed" reports. The parent kills it with
 * SIGKILL at a random moment (seeded), then checks the file. A round
 * appends thousands of samples, so kills land while batches are written
 * and while targets are sealed into chunks; every other round the child
 * also runs retention over and over (its clock is its newest sample), so
 * kills land while chunks are deleted and their minutes rolled up. The
 * check runs PRAGMA integrity_check, reads the samples back through the
 * store (every one reported committed is there, once, in order, and those
 * retention left are a contiguous run), recomputes the hour and day tables
 * from the sealed samples (those no longer in the log) and the minute
 * rollups the store reads from every sample ever committed, deleted or not.
 * LOOKOUT_CRASH_ROUNDS sets the number of rounds (1,000 for the long run),
 * a fifth of which also kill a row-store file's move into chunks. */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "lookout-chunk-codec.h"
#include "lookout-store.h"
#include "lookout-test.h"

#define N_ROUNDS     100
#define TS_STEP_MS   100

static void
committed_cb (LookoutStore *store,
              guint64       seq,
              gpointer      user_data)
{
  int fd = GPOINTER_TO_INT (user_data);

  if (write (fd, &seq, sizeof seq) != sizeof seq)
    _exit (3);
}

/* Raw samples are kept this long behind the newest, in rounds that prune. */
#define KEEP_RAW_MS  (20 * 1000)

typedef struct
{
  LookoutStore *store;
  gint64        target_id;
  guint64       next;
  gboolean      pruning;
} Producer;

/* The n-th sample of @target_id: the parent knows what must be there. */
static LookoutSample
nth_sample (gint64  target_id,
            guint64 n)
{
  return (LookoutSample) {
    .target_id = target_id,
    .ts_ms = (gint64) n * TS_STEP_MS,
    .latency_us = n % 11 == 0 ? -1 : (gint64) (n * 7919 % 100000),
    .state = n % 13 == 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
    .code = n % 5 == 0 ? 200 : 0,
    .error = n % 13 == 0 ? (char *) "timed out" : NULL,
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };
}

static gboolean
produce_cb (gpointer user_data)
{
  Producer *p = user_data;

  for (guint i = 0; i < 40; i++)
    {
      guint64 n = p->next++;
      LookoutSample s = nth_sample (p->target_id, n);

      /* ts_ms = seq * TS_STEP_MS. */
      g_assert_cmpuint (lookout_store_append_sample (p->store, &s), ==, n);
    }

  return G_SOURCE_CONTINUE;
}

static gint64
newest_clock (gpointer user_data)
{
  Producer *p = user_data;

  return (gint64) p->next * TS_STEP_MS;
}

static void pruned_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static gboolean
prune_cb (gpointer user_data)
{
  Producer *p = user_data;

  lookout_store_prune_async (p->store, NULL, pruned_cb, p);
  return G_SOURCE_REMOVE;
}

static void
pruned_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_assert_true (lookout_store_prune_finish (LOOKOUT_STORE (object), result, NULL, NULL));
  g_timeout_add (20, prune_cb, user_data);
}

G_GNUC_NORETURN static void
run_child (const char *path,
           gint64      target_id,
           gboolean    pruning,
           int         fd)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GError *error = NULL;
  Producer p = { NULL, target_id, 1, pruning };

  p.store = lookout_store_open_sync (path, NULL, &error);
  if (p.store == NULL)
    {
      g_printerr ("child: %s\n", error->message);
      _exit (2);
    }

  if (pruning)
    {
      /* Raw samples go after KEEP_RAW_MS; rollups stay. */
      LookoutStoreRetention keep = { .samples_ms = KEEP_RAW_MS };

      lookout_store_set_clock (p.store, newest_clock, &p);
      lookout_store_set_retention (p.store, &keep);
      g_timeout_add (20, prune_cb, &p);
    }

  g_signal_connect (p.store, "committed", G_CALLBACK (committed_cb), GINT_TO_POINTER (fd));
  g_timeout_add (2, produce_cb, &p);
  g_main_loop_run (loop);

  _exit (0);
}

/* Reads committed sequence numbers until @deadline (or EOF when -1). */
static void
read_reports (int      fd,
              gint64   deadline,
              guint64 *last)
{
  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      int timeout = -1;
      guint64 buf[64];
      ssize_t r;

      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          if (left <= 0)
            return;
          timeout = (int) ((left + 999) / 1000);
        }

      if (poll (&pfd, 1, timeout) == 0)
        continue;

      r = read (fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (r, >=, 0);
      if (r == 0)
        return;
      g_assert_cmpint (r % sizeof (guint64), ==, 0);

      for (guint i = 0; i < r / sizeof (guint64); i++)
        {
          g_assert_cmpuint (buf[i], >=, *last);
          *last = buf[i];
        }
    }
}

/* The results of sealed samples, per target: those not in a log row after
 * the target's sealed mark. */
static GHashTable *
unsealed_times (sqlite3 *db,
                gint64   target_id)
{
  GHashTable *in_log = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT data FROM sample_log WHERE seq >"
                                       " coalesce ((SELECT seq FROM sample_sealed WHERE target_id = ?1), 0)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, target_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
      GError *error = NULL;

      g_array_set_clear_func (rows, (GDestroyNotify) lookout_sample_clear);
      g_assert_true (lookout_chunk_decode_log (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0),
                                               rows, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        if (g_array_index (rows, LookoutSample, i).target_id == target_id)
          g_hash_table_add (in_log, g_memdup2 (&g_array_index (rows, LookoutSample, i).ts_ms, sizeof (gint64)));
    }
  sqlite3_finalize (stmt);

  return in_log;
}

static gboolean
same_rollup (const LookoutRollup *a,
             const LookoutRollup *b)
{
  return a->bucket_ms == b->bucket_ms && a->n == b->n && a->n_fail == b->n_fail &&
         a->min_us == b->min_us && a->max_us == b->max_us && a->sum_us == b->sum_us;
}

/* Rollups in @got that @want does not have, and the other way round. */
static gint64
mismatches (GArray *got,
            GArray *want)
{
  gint64 n = ABS ((gint64) got->len - (gint64) want->len);

  for (guint i = 0; i < MIN (got->len, want->len); i++)
    n += !same_rollup (&g_array_index (got, LookoutRollup, i), &g_array_index (want, LookoutRollup, i));
  return n;
}

/* Rollup rows of @table against a recomputation from the sealed samples. */
static gint64
table_mismatches (sqlite3    *db,
                  GArray     *all,
                  GHashTable *in_log,
                  const char *table,
                  gint64      width_ms,
                  gint64      target_id)
{
  g_autoptr(GArray) computed = lookout_test_compute_rollups (all, in_log, width_ms);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (LookoutRollup));
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;

  sql = g_strdup_printf ("SELECT bucket, n, n_fail, coalesce (min_us, -1), coalesce (max_us, -1), sum_us"
                         " FROM %s WHERE target_id = ?1 ORDER BY bucket", table);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, target_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_array_append_val (rows, ((LookoutRollup) {
      .bucket_ms = sqlite3_column_int64 (stmt, 0), .n = sqlite3_column_int64 (stmt, 1),
      .n_fail = sqlite3_column_int64 (stmt, 2), .min_us = sqlite3_column_int64 (stmt, 3),
      .max_us = sqlite3_column_int64 (stmt, 4), .sum_us = sqlite3_column_int64 (stmt, 5),
    }));
  sqlite3_finalize (stmt);

  return mismatches (rows, computed);
}

/* Returns how many of the target's samples retention deleted. */
static gint64
check_file (const char *path,
            gint64      target_id,
            guint64     last_committed,
            gboolean    pruned)
{
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GArray) minutes = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) want_minutes = NULL;
  g_autoptr(GHashTable) in_log = NULL;
  GError *error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count, first, last, wrong_latency = 0;

  /* The store opens what the killed process left. */
  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  samples = lookout_store_query_samples_sync (store, target_id, G_MININT64, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  minutes = lookout_store_query_rollups_sync (store, target_id, LOOKOUT_ROLLUP_MINUTE, 0, G_MAXINT64,
                                              NULL, &error);
  g_assert_no_error (error);
  lookout_store_close (store);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  /* Everything reported committed is there, and what is there is a run of
   * what was appended, from the first unless retention took the oldest:
   * batches commit whole and in order. */
  count = samples->len;
  first = count > 0 ? g_array_index (samples, LookoutSample, 0).ts_ms / TS_STEP_MS : 1;
  last = count > 0 ? g_array_index (samples, LookoutSample, count - 1).ts_ms / TS_STEP_MS : 0;
  if (!pruned)
    g_assert_cmpint (first, ==, 1);
  g_assert_cmpint (last, >=, (gint64) last_committed);
  g_assert_cmpint (last - first + 1, ==, count);
  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *s = &g_array_index (samples, LookoutSample, i);

      g_assert_cmpint (s->ts_ms, ==, (first + i) * TS_STEP_MS);
      wrong_latency += (s->latency_us < 0) != (s->ts_ms / 100 % 11 == 0);
    }
  g_assert_cmpint (wrong_latency, ==, 0);

  /* Every sample ever committed, the deleted ones included. */
  all = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  for (gint64 n = 1; n <= last; n++)
    {
      LookoutSample s = nth_sample (target_id, n);

      g_array_append_val (all, s);
    }

  want_minutes = lookout_test_compute_rollups (all, NULL, 60000);
  g_assert_cmpint (mismatches (minutes, want_minutes), ==, 0);

  in_log = unsealed_times (db, target_id);
  g_assert_cmpint (table_mismatches (db, all, in_log, "rollup_hour", 3600000, target_id), ==, 0);
  g_assert_cmpint (table_mismatches (db, all, in_log, "rollup_day", 86400000, target_id), ==, 0);

  sqlite3_close (db);

  return first - 1;
}

static void
test_kill_9 (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  const char *path = tmp->path;
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint64 total = 0, deleted = 0;
  guint rounds = g_test_slow () ? 200 : N_ROUNDS;

  if (g_getenv ("LOOKOUT_CRASH_ROUNDS") != NULL)
    rounds = atoi (g_getenv ("LOOKOUT_CRASH_ROUNDS"));

  for (guint round = 0; round < rounds; round++)
    {
      int fds[2];
      pid_t pid;
      int status;
      guint64 last = 0;
      /* Mostly while writing; now and then while opening or migrating. */
      gint64 delay_ms = g_rand_int_range (rand, 0, 10) == 0
                          ? g_rand_int_range (rand, 0, 20)
                          : g_rand_int_range (rand, 20, 600);

      g_assert_cmpint (pipe (fds), ==, 0);

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          run_child (path, round + 1, round % 2 == 1, fds[1]);
        }
      close (fds[1]);

      read_reports (fds[0], g_get_monotonic_time () + delay_ms * 1000, &last);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      read_reports (fds[0], -1, &last);
      close (fds[0]);

      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      deleted += check_file (path, round + 1, last, round % 2 == 1);
      total += last;
    }

  g_test_message ("%u kills (%u while pruning), %" G_GUINT64_FORMAT " samples reported committed,"
                  " none of them lost; %" G_GUINT64_FORMAT " deleted by retention",
                  rounds, rounds / 2, total, deleted);
  /* The long run is a benchmark: its figures for the record. */
  if (g_getenv ("LOOKOUT_CRASH_ROUNDS") != NULL)
    {
      g_print ("figure: store_crash_kills_writing = %u kills\n", rounds);
      g_print ("figure: store_crash_kills_pruning = %u kills\n", rounds / 2);
      g_print ("figure: store_crash_results_committed = %" G_GUINT64_FORMAT " results\n", total);
      g_print ("figure: store_crash_committed_results_lost = 0 results\n");
      g_print ("figure: store_crash_results_deleted_by_retention = %" G_GUINT64_FORMAT " results\n", deleted);
    }
}

/* A row-store file being moved into chunks, killed at random moments until
 * the move is done (then a new file): every result is there exactly once
 * after each kill, whether moved or not. */
static gboolean
old_table_left (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean left;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name = 'samples'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  left = sqlite3_column_int (stmt, 0) > 0;
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return left;
}

static void
test_kill_9_migrating (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autoptr(LookoutTestStore) tmp = NULL;
  guint rounds = g_test_slow () ? 100 : N_ROUNDS / 5, files = 0;

  if (g_getenv ("LOOKOUT_CRASH_ROUNDS") != NULL)
    rounds = atoi (g_getenv ("LOOKOUT_CRASH_ROUNDS")) / 5;

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(LookoutStore) store = NULL;
      GError *error = NULL;
      int status;
      pid_t pid;

      if (tmp == NULL)
        {
          tmp = lookout_test_store_new_empty ();
          lookout_test_store_write_v1 (tmp, 4, 25000);
          files++;
        }

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

          if (lookout_store_open_sync (tmp->path, NULL, NULL) == NULL)
            _exit (2);
          g_main_loop_run (loop);
          _exit (0);
        }
      g_usleep (g_rand_int_range (rand, 0, 200) * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      store = lookout_store_open_sync (tmp->path, NULL, &error);
      g_assert_no_error (error);
      for (gint64 t = 1; t <= 4; t++)
        {
          g_autoptr(GArray) read = NULL;

          read = lookout_store_query_samples_sync (store, t, G_MININT64, G_MAXINT64, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (read->len, ==, 25000);
          for (guint i = 0; i < read->len; i++)
            {
              const LookoutSample *s = &g_array_index (read, LookoutSample, i);

              g_assert_cmpint (s->ts_ms, ==, G_GINT64_CONSTANT (1700000000000) + i * 1000);
              g_assert_cmpint (s->latency_us < 0, ==, i % 13 == 0);
            }
        }
      lookout_store_close (store);

      if (!old_table_left (tmp->path))
        g_clear_pointer (&tmp, lookout_test_store_free);
    }

  g_test_message ("%u kills while migrating %u files", rounds, files);
  if (g_getenv ("LOOKOUT_CRASH_ROUNDS") != NULL)
    g_print ("figure: store_crash_kills_migrating = %u kills\n", rounds);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/crash/kill-9", test_kill_9);
  g_test_add_func ("/store/crash/kill-9-migrating", test_kill_9_migrating);

  return g_test_run ();
}
