/* lookout-test.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every test program shares: waiting for a condition on the default
 * main context with a deadline, and temporary stores that clean up after
 * themselves. A deadline is a timeout source on the monotonic clock: it
 * wakes the blocked iteration, so a wait never polls and never sleeps. */

#define G_LOG_DOMAIN "lookout-test"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <time.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lookout-test.h"
#include "lookout-target-options.h"
#include "lookout-target-uri.h"

static gboolean
deadline_expired_cb (gpointer user_data)
{
  LookoutTestDeadline *deadline = user_data;

  deadline->expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits run the thread-default main context, so a test that pushed its own
 * context waits on that one. */
void
lookout_test_deadline_start (LookoutTestDeadline *deadline,
                             guint                timeout_ms)
{
  deadline->timeout_ms = timeout_ms;
  deadline->expired = FALSE;
  deadline->context = g_main_context_ref_thread_default ();
  deadline->source = g_timeout_source_new (timeout_ms);
  g_source_set_callback (deadline->source, deadline_expired_cb, deadline, NULL);
  g_source_attach (deadline->source, deadline->context);
}

/* One blocking iteration; FALSE, without iterating, once the deadline passed. */
gboolean
lookout_test_deadline_iterate (LookoutTestDeadline *deadline)
{
  if (deadline->expired)
    return FALSE;
  g_main_context_iteration (deadline->context, TRUE);
  return TRUE;
}

void
lookout_test_deadline_stop (LookoutTestDeadline *deadline)
{
  if (deadline->source != NULL)
    g_source_destroy (deadline->source);
  g_clear_pointer (&deadline->source, g_source_unref);
  g_clear_pointer (&deadline->context, g_main_context_unref);
}

void
lookout_test_deadline_fail (LookoutTestDeadline *deadline,
                            const char          *file,
                            int                  line,
                            const char          *func,
                            const char          *condition)
{
  g_autofree char *message = g_strdup_printf ("timed out after %u ms waiting for %s",
                                              deadline->timeout_ms, condition);

  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
}

/* Iterates until condition (user_data) is TRUE; FALSE when timeout_ms passed
 * first. */
gboolean
lookout_test_wait_until (LookoutTestConditionFunc condition,
                         gpointer                 user_data,
                         guint                    timeout_ms)
{
  LookoutTestDeadline deadline;
  gboolean held;

  lookout_test_deadline_start (&deadline, timeout_ms);
  while (!(held = condition (user_data)))
    if (!lookout_test_deadline_iterate (&deadline))
      break;
  lookout_test_deadline_stop (&deadline);

  return held;
}

static gboolean
flag_set_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for ms, whatever happens. */
void
lookout_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, flag_set_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Dispatches what is ready now, without blocking. */
void
lookout_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
lookout_test_async_cb (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
lookout_test_wait_result (GAsyncResult **slot)
{
  LOOKOUT_TEST_WAIT (*slot != NULL);
  return *slot;
}

LookoutTestDir *
lookout_test_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lookout-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Removes dir and everything under it. */
static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_remove (path);
    }
  g_rmdir (dir);
}

void
lookout_test_dir_free (LookoutTestDir *dir)
{
  if (dir == NULL)
    return;
  remove_tree (dir);
  g_free (dir);
}

static void
store_init (LookoutTestStore *self)
{
  self->dir = lookout_test_dir_new ();
  self->path = g_build_filename (self->dir, "lookout.db", NULL);
  self->store = NULL;
}

/* A temporary directory and the path of a store in it, not opened yet. */
LookoutTestStore *
lookout_test_store_new_empty (void)
{
  LookoutTestStore *self = g_new0 (LookoutTestStore, 1);

  store_init (self);
  return self;
}

/* A store opened in a new temporary directory. */
LookoutTestStore *
lookout_test_store_new (void)
{
  LookoutTestStore *self = lookout_test_store_new_empty ();

  lookout_test_store_open (self);
  return self;
}

void
lookout_test_store_set_up (LookoutTestStore *self,
                           gconstpointer     data)
{
  store_init (self);
  lookout_test_store_open (self);
}

void
lookout_test_store_tear_down (LookoutTestStore *self,
                              gconstpointer     data)
{
  lookout_test_store_close (self);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->dir, lookout_test_dir_free);
}

/* Opens (again) the store on self's path. */
LookoutStore *
lookout_test_store_open (LookoutTestStore *self)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (self->store);
  self->store = lookout_store_open_sync (self->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (self->store);
  return self->store;
}

/* Closes the store, committing what it has queued, and drops it. */
void
lookout_test_store_close (LookoutTestStore *self)
{
  if (self->store == NULL)
    return;
  lookout_store_close (self->store);
  g_clear_object (&self->store);
}

void
lookout_test_store_free (LookoutTestStore *self)
{
  if (self == NULL)
    return;
  lookout_test_store_tear_down (self, NULL);
  g_free (self);
}

/* A SoupServer on an ephemeral port of 127.0.0.1 that hands every request
 * to callback; base_url, if not NULL, gets "http://127.0.0.1:PORT". */
SoupServer *
lookout_test_http_server_new (SoupServerCallback   callback,
                              gpointer             user_data,
                              char               **base_url)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  if (base_url != NULL)
    *base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return g_steal_pointer (&server);
}

/* One check of uri by probe, waited for: the target gets timeout_ms and,
 * if not NULL, options (JSON). */
LookoutResult *
lookout_test_run_probe (LookoutProbe  *probe,
                        const char    *uri,
                        guint          timeout_ms,
                        const char    *options,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) local_error = NULL;

  target = lookout_target_new_from_string (uri, &local_error);
  g_assert_no_error (local_error);
  lookout_target_set_timeout (target, timeout_ms);
  if (options != NULL)
    lookout_target_set_options (target, options);

  return lookout_test_run_probe_on (probe, target, cancellable, error);
}

/* One check of @target by @probe, waited for. */
LookoutResult *
lookout_test_run_probe_on (LookoutProbe   *probe,
                           LookoutTarget  *target,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  lookout_probe_run_async (probe, target, cancellable, lookout_test_async_cb, &res);
  LOOKOUT_TEST_WAIT (res != NULL);

  return lookout_probe_run_finish (probe, res, error);
}

/* User and system CPU time of this process, in µs. */
gint64
lookout_test_cpu_us_self (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

gint64
lookout_test_cpu_us_thread (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

gint64
lookout_test_percentile (GArray *values,
                         double  fraction)
{
  g_return_val_if_fail (values != NULL, 0);

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_int64);
  return g_array_index (values, gint64, MIN (values->len - 1, (guint) (values->len * fraction)));
}

/* The same of another process, all its threads; -1 when it cannot be read. */
gint64
lookout_test_cpu_us_of (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;

  /* Fields after the parenthesised command name; utime and stime are the
   * 14th and 15th fields of the line, so the 12th and 13th here. */
  after_name = strrchr (contents, ')');
  if (after_name == NULL)
    return -1;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return -1;

  return (g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10)) *
         G_USEC_PER_SEC / sysconf (_SC_CLK_TCK);
}

/* A monitor over store with its targets loaded. */
LookoutMonitor *
lookout_test_monitor_new (LookoutStore *store)
{
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (store);
  g_autoptr(GError) error = NULL;

  lookout_monitor_load_sync (monitor, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&monitor);
}

static void
target_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean added;

  added = lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error);
  g_assert_no_error (error);
  g_assert_true (added);
  *(gboolean *) user_data = TRUE;
}

/* Adds target to monitor and waits until the monitor has stored it. */
void
lookout_test_add_target (LookoutMonitor *monitor,
                         LookoutTarget  *target)
{
  gboolean done = FALSE;

  lookout_monitor_add_target_async (monitor, target, NULL, target_added_cb, &done);
  LOOKOUT_TEST_WAIT (done);
}

static void
counted_target_added_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error));
  g_assert_no_error (error);
  (*(guint *) user_data)++;
}

void
lookout_test_add_targets (LookoutMonitor *monitor,
                          GPtrArray      *targets,
                          guint           timeout_ms)
{
  guint n_added = 0;

  for (guint i = 0; i < targets->len; i++)
    lookout_monitor_add_target_async (monitor, targets->pdata[i], NULL, counted_target_added_cb, &n_added);
  LOOKOUT_TEST_WAIT_UNTIL (n_added == targets->len, timeout_ms);
}

/* ---- raw SQL ---- */

sqlite3 *
lookout_test_sql_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

void
lookout_test_sql_exec (sqlite3    *db,
                       const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3_stmt *
sql_first_row (sqlite3    *db,
               const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return stmt;
}

gint64
lookout_test_sql_int (const char *path,
                      const char *sql)
{
  sqlite3 *db = lookout_test_sql_open (path);
  sqlite3_stmt *stmt = sql_first_row (db, sql);
  gint64 value = sqlite3_column_int64 (stmt, 0);

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
lookout_test_sql_text (const char *path,
                       const char *sql)
{
  sqlite3 *db = lookout_test_sql_open (path);
  sqlite3_stmt *stmt = sql_first_row (db, sql);
  char *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* ---- files of older versions ---- */

static const char schema_v1[] =
  "CREATE TABLE targets (id INTEGER PRIMARY KEY AUTOINCREMENT, uri TEXT NOT NULL, name TEXT,"
  "  interval_s INTEGER NOT NULL, timeout_ms INTEGER NOT NULL, fail_threshold INTEGER NOT NULL,"
  "  enabled INTEGER NOT NULL DEFAULT 1, options_json TEXT NOT NULL DEFAULT '{}',"
  "  created_at INTEGER NOT NULL, lat REAL, lon REAL, location_source TEXT);"
  "CREATE TABLE samples (target_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
  "  latency_us INTEGER, state INTEGER NOT NULL, code INTEGER, error TEXT,"
  "  PRIMARY KEY (target_id, ts_ms)) WITHOUT ROWID;"
  "CREATE TABLE rollup_minute (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
  "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,"
  "  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;"
  "CREATE TABLE rollup_hour (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
  "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,"
  "  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;"
  "CREATE TABLE rollup_day (target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
  "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL, min_us INTEGER, max_us INTEGER,"
  "  sum_us INTEGER NOT NULL, PRIMARY KEY (target_id, bucket)) WITHOUT ROWID;"
  "CREATE TABLE events (id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL,"
  "  ts_ms INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT, delivered_at INTEGER,"
  "  channels TEXT);"
  "CREATE INDEX events_by_target ON events (target_id, ts_ms);"
  "CREATE TABLE geo_cache (address TEXT PRIMARY KEY, country TEXT, city TEXT, lat REAL,"
  "  lon REAL, isp TEXT, source TEXT, fetched_at INTEGER NOT NULL);"
  "PRAGMA user_version = 1;";

/* The row store kept minute rollups as it went. */
static const char rollups_v1[] =
  "INSERT INTO rollup_minute SELECT target_id, ts_ms / 60000 * 60000, count(*),"
  "  sum(state = 3), min(CASE WHEN state != 3 THEN latency_us END),"
  "  max(CASE WHEN state != 3 THEN latency_us END),"
  "  coalesce(sum(CASE WHEN state != 3 THEN latency_us END), 0)"
  "  FROM samples GROUP BY 1, 2;";

/* Writes, in @self's still unopened path, a schema 1 file as the row store
 * left it: @n_targets targets' worth of @n_each results a second apart from
 * 1700000000000 (result i of a target: no latency and an error every 13th,
 * code 200 every 5th, latency 1000 + i % 977 otherwise) and their minute
 * rollups. */
void
lookout_test_store_write_v1 (LookoutTestStore *self,
                             guint             n_targets,
                             guint             n_each)
{
  g_autofree char *fill = NULL;
  char *message = NULL;
  sqlite3 *db = NULL;

  g_assert_null (self->store);
  g_assert_cmpint (sqlite3_open (self->path, &db), ==, SQLITE_OK);
  fill = g_strdup_printf (
    "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < %u)"
    " INSERT INTO samples SELECT i %% %u + 1, 1700000000000 + (i / %u) * 1000,"
    "  CASE WHEN (i / %u) %% 13 = 0 THEN NULL ELSE 1000 + (i / %u) %% 977 END,"
    "  CASE WHEN (i / %u) %% 13 = 0 THEN 3 ELSE 1 END,"
    "  CASE WHEN (i / %u) %% 5 = 0 THEN 200 END,"
    "  CASE WHEN (i / %u) %% 13 = 0 THEN 'timed out' END FROM c;",
    n_targets * n_each - 1, n_targets, n_targets, n_targets, n_targets, n_targets,
    n_targets, n_targets);

  for (guint step = 0; step < 3; step++)
    {
      const char *sql = step == 1 ? fill : step == 0 ? schema_v1 : rollups_v1;

      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("Could not write a schema 1 file: %s", message);
    }
  sqlite3_close (db);
}

GSettings *
lookout_test_fresh_settings (void)
{
  GSettings *settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

GArray *
lookout_test_compute_rollups (GArray     *samples,
                              GHashTable *skip,
                              gint64      width_ms)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (LookoutRollup));

  for (guint i = 0; i < samples->len; i++)
    {
      const LookoutSample *s = &g_array_index (samples, LookoutSample, i);
      gint64 bucket = s->ts_ms - (((s->ts_ms % width_ms) + width_ms) % width_ms);
      LookoutRollup *r;

      if (skip != NULL && g_hash_table_contains (skip, &s->ts_ms))
        continue;
      if (out->len == 0 || g_array_index (out, LookoutRollup, out->len - 1).bucket_ms != bucket)
        g_array_append_val (out, ((LookoutRollup) { .bucket_ms = bucket, .min_us = -1, .max_us = -1 }));
      r = &g_array_index (out, LookoutRollup, out->len - 1);
      r->n++;
      if (s->state == LOOKOUT_TARGET_STATE_DEGRADED)
        r->n_degraded++;
      if (s->state == LOOKOUT_TARGET_STATE_DOWN)
        r->n_fail++;
      else if (s->latency_us >= 0)
        {
          r->min_us = r->min_us < 0 ? s->latency_us : MIN (r->min_us, s->latency_us);
          r->max_us = MAX (r->max_us, s->latency_us);
          r->sum_us += s->latency_us;
        }
    }

  return out;
}

/* ---- agents ---- */

guint16
lookout_test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

gboolean
lookout_test_port_listening (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
outbox_target_inserted_cb (GObject      *object,
                           GAsyncResult *res,
                           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_store_insert_target_finish (LOOKOUT_STORE (object), res, &error));
  g_assert_no_error (error);
  (*(guint *) user_data)--;
}

guint64
lookout_test_fill_outbox (const char         *path,
                          const char * const *uris,
                          const char         *location,
                          guint               per_target,
                          gint64              start_ms,
                          guint               step_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) store = lookout_store_open_sync (path, NULL, &error);
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  LookoutOutboxLimits limits = { 0, 0 };
  guint n = g_strv_length ((char **) uris);
  guint pending = n;

  g_assert_no_error (error);
  /* queued together, they commit together */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTargetUri) parsed = lookout_target_uri_parse (uris[i], &error);
      LookoutTarget *target;

      g_assert_no_error (error);
      target = lookout_target_new (parsed);
      lookout_target_set_interval (target, step_ms / 1000 > 0 ? step_ms / 1000 : 1);
      lookout_target_set_enabled (target, FALSE);
      g_assert_true (lookout_target_set_option_text (target, "locations", location, &error));
      g_ptr_array_add (targets, target);
      lookout_store_insert_target_async (store, target, NULL, outbox_target_inserted_cb, &pending);
    }
  LOOKOUT_TEST_WAIT (pending == 0);

  lookout_store_set_outbox (store, &limits);
  for (guint round = 0; round < per_target; round++)
    {
      for (guint i = 0; i < n; i++)
        {
          LookoutSample sample = {
            .target_id = lookout_target_get_id (g_ptr_array_index (targets, i)),
            .ts_ms = start_ms + (gint64) round * step_ms + i,
            .latency_us = 1000 + (round * 7 + i) % 5000,
            .state = LOOKOUT_TARGET_STATE_UP,
            .code = LOOKOUT_SAMPLE_NO_CODE,
            .min_us = -1, .max_us = -1, .jitter_us = -1,
          };

          g_assert_cmpuint (lookout_store_append_sample (store, &sample), >, 0);
        }
      if (round % 50 == 49)
        g_assert_true (lookout_store_flush_sync (store, &error));
    }
  g_assert_true (lookout_store_flush_sync (store, &error));
  lookout_store_close (store);
  return (guint64) n * per_target;
}

char *
lookout_test_run_command (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strdup (g_strstrip (out));
}
