/* test-store-schema.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "lookout-store.h"
#include "lookout-store-private.h"
#include "lookout-test.h"

/* sqlite_master of a new database (type|name|tbl_name|sql, in rowid order)
 * as the store made it when every table was created in one migration step,
 * captured from that code with the sqlite3 shell. A new database must keep
 * getting exactly this schema at user_version 1. */
static const char * const schema_v1[] = {
  "table|targets|targets|CREATE TABLE targets ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,  uri TEXT NOT NULL,  name TEXT,"
  "  interval_s INTEGER NOT NULL,  timeout_ms INTEGER NOT NULL,"
  "  fail_threshold INTEGER NOT NULL,  enabled INTEGER NOT NULL DEFAULT 1,"
  "  options_json TEXT NOT NULL DEFAULT '{}',  created_at INTEGER NOT NULL,"
  "  lat REAL,  lon REAL,  location_source TEXT)",
  "table|sqlite_sequence|sqlite_sequence|CREATE TABLE sqlite_sequence(name,seq)",
  "table|samples|samples|CREATE TABLE samples (  target_id INTEGER NOT NULL,"
  "  ts_ms INTEGER NOT NULL,  latency_us INTEGER,  state INTEGER NOT NULL,"
  "  code INTEGER,  error TEXT,  PRIMARY KEY (target_id, ts_ms)) WITHOUT ROWID",
  "table|rollup_minute|rollup_minute|CREATE TABLE rollup_minute ("
  "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,  n INTEGER NOT NULL,"
  " n_fail INTEGER NOT NULL,  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
  "  PRIMARY KEY (target_id, bucket)) WITHOUT ROWID",
  "table|rollup_hour|rollup_hour|CREATE TABLE rollup_hour ("
  "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,  n INTEGER NOT NULL,"
  " n_fail INTEGER NOT NULL,  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
  "  PRIMARY KEY (target_id, bucket)) WITHOUT ROWID",
  "table|rollup_day|rollup_day|CREATE TABLE rollup_day ("
  "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,  n INTEGER NOT NULL,"
  " n_fail INTEGER NOT NULL,  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
  "  PRIMARY KEY (target_id, bucket)) WITHOUT ROWID",
  "table|events|events|CREATE TABLE events (  id INTEGER PRIMARY KEY,"
  "  target_id INTEGER NOT NULL,  ts_ms INTEGER NOT NULL,  kind TEXT NOT NULL,"
  "  message TEXT,  delivered_at INTEGER,  channels TEXT)",
  "index|events_by_target|events|CREATE INDEX events_by_target ON events (target_id, ts_ms)",
  "table|geo_cache|geo_cache|CREATE TABLE geo_cache (  address TEXT PRIMARY KEY,"
  "  country TEXT,  city TEXT,  lat REAL,  lon REAL,  isp TEXT,  source TEXT,"
  "  fetched_at INTEGER NOT NULL)",
  "index|sqlite_autoindex_geo_cache_1|geo_cache|",
};

/* Schema step 2 added the anomalies. */
static const char * const schema_v2_added[] = {
  "table|anomalies|anomalies|CREATE TABLE anomalies (  id INTEGER PRIMARY KEY,"
  "  target_id INTEGER NOT NULL,  start_ms INTEGER NOT NULL,  end_ms INTEGER,"
  "  kind TEXT NOT NULL,  score REAL NOT NULL,  message TEXT NOT NULL)",
  "index|anomalies_by_target|anomalies|CREATE UNIQUE INDEX anomalies_by_target"
  "  ON anomalies (target_id, start_ms, kind)",
};

/* Schema step 3 moved samples into the log and compressed chunks: the
 * row table goes (its rows moved first), tables of its own come. */
static const char * const schema_v3_added[] = {
  "table|sample_log|sample_log|CREATE TABLE sample_log (  seq INTEGER PRIMARY KEY,"
  "  n INTEGER NOT NULL,  data BLOB NOT NULL)",
  "table|sample_sealed|sample_sealed|CREATE TABLE sample_sealed (  target_id INTEGER PRIMARY KEY,"
  "  seq INTEGER NOT NULL)",
  "table|sample_chunks|sample_chunks|CREATE TABLE sample_chunks (  id INTEGER PRIMARY KEY,"
  "  target_id INTEGER NOT NULL,  t_start INTEGER NOT NULL,  t_end INTEGER NOT NULL,"
  "  n INTEGER NOT NULL,  data BLOB NOT NULL)",
  "index|sample_chunks_by_target|sample_chunks|CREATE UNIQUE INDEX sample_chunks_by_target"
  "  ON sample_chunks (target_id, t_start)",
};

/* Then the trace paths and route changes came. */
static const char * const schema_paths_added[] = {
  "table|trace_paths|trace_paths|CREATE TABLE trace_paths (  target_id INTEGER PRIMARY KEY,"
  "  ts_ms INTEGER NOT NULL,  hops TEXT NOT NULL)",
  "table|route_changes|route_changes|CREATE TABLE route_changes (  id INTEGER PRIMARY KEY,"
  "  target_id INTEGER NOT NULL,  ts_ms INTEGER NOT NULL,  old_path TEXT NOT NULL,"
  "  new_path TEXT NOT NULL)",
  "index|route_changes_by_target|route_changes|CREATE INDEX route_changes_by_target"
  " ON route_changes (target_id, ts_ms)",
};

/* Then a remote agent's outbox and state. */
static const char * const schema_outbox_added[] = {
  "table|outbox|outbox|CREATE TABLE outbox (  seq INTEGER PRIMARY KEY,"
  "  target_id INTEGER NOT NULL,  ts_ms INTEGER NOT NULL,  latency_us INTEGER NOT NULL,"
  "  state INTEGER NOT NULL,  code INTEGER NOT NULL,  error TEXT,  sent INTEGER NOT NULL,"
  "  received INTEGER NOT NULL,  min_us INTEGER NOT NULL,  max_us INTEGER NOT NULL,"
  "  jitter_us INTEGER NOT NULL)",
  "table|agent_state|agent_state|CREATE TABLE agent_state (  key TEXT PRIMARY KEY,  value) WITHOUT ROWID",
};

/* The api_tokens step: older builds made the same table with the first
 * token written. */
static const char * const schema_tokens_added[] = {
  "table|api_tokens|api_tokens|CREATE TABLE api_tokens (  name TEXT PRIMARY KEY,"
  "  scopes TEXT NOT NULL,  hash TEXT NOT NULL UNIQUE,  created_ms INTEGER NOT NULL,"
  "  last_used_ms INTEGER NOT NULL DEFAULT 0)",
  "index|sqlite_autoindex_api_tokens_1|api_tokens|",
  "index|sqlite_autoindex_api_tokens_2|api_tokens|",
};

/* The degraded counts: a column in each rollup table, the chunks to count
 * again, since when each target's are counted. */
static const char * const schema_degraded_added[] = {
  "table|rollup_recount|rollup_recount|CREATE TABLE rollup_recount (chunk_id INTEGER PRIMARY KEY)",
  "table|rollup_degraded_since|rollup_degraded_since|CREATE TABLE rollup_degraded_since ("
  "  target_id INTEGER PRIMARY KEY,  since_ms INTEGER NOT NULL)",
  "trigger|rollup_recount_lost|sample_chunks|CREATE TRIGGER rollup_recount_lost AFTER DELETE ON sample_chunks"
  " WHEN EXISTS (SELECT 1 FROM rollup_recount WHERE chunk_id = old.id) BEGIN"
  "  DELETE FROM rollup_recount WHERE chunk_id = old.id;"
  "  INSERT INTO rollup_degraded_since (target_id, since_ms)"
  "   VALUES (old.target_id, old.t_end + 1)"
  "   ON CONFLICT (target_id) DO UPDATE SET since_ms = max (since_ms, excluded.since_ms); END",
};

/* A row of schema_v1 as the degraded step altered it. */
static char *
v1_row_now (const char *row)
{
  const char *at = strstr (row, "sum_us INTEGER NOT NULL,");

  if (!g_str_has_prefix (row, "table|rollup_") || at == NULL)
    return g_strdup (row);
  at += strlen ("sum_us INTEGER NOT NULL,");
  return g_strdup_printf ("%.*s n_degraded INTEGER NOT NULL DEFAULT 0,%s", (int) (at - row), row, at);
}

#define PLACE_TABLE(table) \
  "table|" table "|" table "|CREATE TABLE " table " (" \
  "  target_id INTEGER NOT NULL, place TEXT NOT NULL, bucket INTEGER NOT NULL," \
  "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL," \
  "  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL," \
  "  n_degraded INTEGER NOT NULL DEFAULT 0," \
  "  PRIMARY KEY (target_id, place, bucket)" \
  ") WITHOUT ROWID"
static const char * const schema_places_added[] = {
  PLACE_TABLE ("rollup_place_minute"),
  PLACE_TABLE ("rollup_place_hour"),
  PLACE_TABLE ("rollup_place_day"),
  "table|rollup_place_recount|rollup_place_recount|CREATE TABLE rollup_place_recount (chunk INTEGER PRIMARY KEY)",
};
#undef PLACE_TABLE

/* The store's file, not opened: each test opens it its own way. */
typedef struct
{
  LookoutTestStore *tmp;
  const char       *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tmp = lookout_test_store_new_empty ();
  f->path = f->tmp->path;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->tmp, lookout_test_store_free);
}

static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
exec_raw (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

/* sqlite_master in the form of schema_v1. */
static GStrv
read_master (const char *path)
{
  g_autoptr(GStrvBuilder) rows = g_strv_builder_new ();
  sqlite3 *db = open_raw (path);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT type || '|' || name || '|' || tbl_name"
                                       " || '|' || ifnull (sql, '')"
                                       " FROM sqlite_master ORDER BY rowid",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (rows, (const char *) sqlite3_column_text (stmt, 0));
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_strv_builder_end (rows);
}

static void
assert_schema_v1 (const char *path)
{
  g_auto(GStrv) master = read_master (path);

  /* version 1's part, unchanged; later steps only add after it */
  for (guint i = 0; i < G_N_ELEMENTS (schema_v1) && master[i] != NULL; i++)
    g_assert_cmpstr (master[i], ==, schema_v1[i]);
  g_assert_cmpuint (g_strv_length (master), >=, G_N_ELEMENTS (schema_v1));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* @rows holds exactly the rows of the four lists, in any order. */
static void
assert_rows_are (char              **rows,
                 const char * const *a,
                 gsize               n_a,
                 const char * const *b,
                 gsize               n_b,
                 const char * const *c,
                 gsize               n_c,
                 const char * const *d,
                 gsize               n_d,
                 const char * const *e,
                 gsize               n_e)
{
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GPtrArray) actual = g_ptr_array_new ();

  for (gsize i = 0; i < n_a; i++)
    g_ptr_array_add (expected, (gpointer) a[i]);
  for (gsize i = 0; i < n_b; i++)
    g_ptr_array_add (expected, (gpointer) b[i]);
  for (gsize i = 0; i < n_c; i++)
    g_ptr_array_add (expected, (gpointer) c[i]);
  for (gsize i = 0; i < n_d; i++)
    g_ptr_array_add (expected, (gpointer) d[i]);
  for (gsize i = 0; i < n_e; i++)
    g_ptr_array_add (expected, (gpointer) e[i]);
  for (gsize i = 0; rows[i] != NULL; i++)
    g_ptr_array_add (actual, rows[i]);
  g_ptr_array_sort (expected, compare_strings);
  g_ptr_array_sort (actual, compare_strings);

  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < actual->len; i++)
    g_assert_cmpstr (actual->pdata[i], ==, expected->pdata[i]);
}

static void
assert_schema_current (const char *path)
{
  g_auto(GStrv) master = read_master (path);
  guint m = 0;

  for (guint i = 0; i < G_N_ELEMENTS (schema_v1); i++)
    if (!g_str_has_prefix (schema_v1[i], "table|samples|"))
      {
        g_autofree char *now = v1_row_now (schema_v1[i]);

        g_assert_cmpstr (master[m++], ==, now);
      }
  for (guint i = 0; i < G_N_ELEMENTS (schema_v2_added); i++)
    g_assert_cmpstr (master[m++], ==, schema_v2_added[i]);
  for (guint i = 0; i < G_N_ELEMENTS (schema_v3_added); i++)
    g_assert_cmpstr (master[m++], ==, schema_v3_added[i]);
  /* The later steps' rows, in whatever rowids SQLite gave them after the
   * tables earlier steps dropped. */
  assert_rows_are (master + m, schema_paths_added, G_N_ELEMENTS (schema_paths_added),
                   schema_outbox_added, G_N_ELEMENTS (schema_outbox_added),
                   schema_tokens_added, G_N_ELEMENTS (schema_tokens_added),
                   schema_degraded_added, G_N_ELEMENTS (schema_degraded_added),
                   schema_places_added, G_N_ELEMENTS (schema_places_added));
}

static void
open_and_close (const char *path)
{
  g_autoptr(LookoutStore) store = NULL;
  GError *error = NULL;

  store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  lookout_store_close (store);
}

static void
test_new_database (Fixture       *f,
                   gconstpointer  data)
{
  open_and_close (f->path);

  assert_schema_current (f->path);
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());

  /* Opening again applies no step. */
  open_and_close (f->path);
  assert_schema_current (f->path);
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());
}

/* A file at version 1 written by hand, as an older build left it: the
 * store opens it without running step 1 again and keeps its rows, moving
 * the samples into chunks. */
static void
test_existing_v1 (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GArray) samples = NULL;
  GError *error = NULL;
  sqlite3 *db = open_raw (f->path);

  for (guint i = 0; i < G_N_ELEMENTS (schema_v1); i++)
    {
      g_auto(GStrv) fields = g_strsplit (schema_v1[i], "|", 4);

      /* SQLite makes these itself. */
      if (g_str_has_prefix (fields[1], "sqlite_"))
        continue;
      exec_raw (db, fields[3]);
    }
  exec_raw (db,
            "INSERT INTO targets (uri, name, interval_s, timeout_ms, fail_threshold, created_at)"
            " VALUES ('tcp://127.0.0.1:5432', 'db', 30, 2000, 3, 1700000000000);"
            "INSERT INTO samples (target_id, ts_ms, latency_us, state, code)"
            " VALUES (1, 1700000000000, 1234, 1, 200);"
            "PRAGMA user_version = 1;");
  sqlite3_close (db);
  assert_schema_v1 (f->path);

  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_no_error (error);

  targets = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 1);
  g_assert_cmpstr (lookout_target_get_uri_string (g_ptr_array_index (targets, 0)), ==,
                   "tcp://127.0.0.1:5432");

  samples = lookout_store_query_samples_sync (store, 1, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpint (g_array_index (samples, LookoutSample, 0).latency_us, ==, 1234);
  g_assert_cmpint (g_array_index (samples, LookoutSample, 0).code, ==, 200);
  LOOKOUT_TEST_WAIT (lookout_store_get_migration_progress (store) == 1.0);
  g_clear_pointer (&samples, g_array_unref);
  samples = lookout_store_query_samples_sync (store, 1, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpint (g_array_index (samples, LookoutSample, 0).latency_us, ==, 1234);
  lookout_store_close (store);

  assert_schema_current (f->path);
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());
}

static void
exec_schema_rows (sqlite3            *db,
                  const char * const *rows,
                  guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) fields = g_strsplit (rows[i], "|", 4);

      /* SQLite makes these itself; the row store went in version 3. */
      if (g_str_has_prefix (fields[1], "sqlite_") || g_str_equal (fields[1], "samples"))
        continue;
      exec_raw (db, fields[3]);
    }
}

/* A file of version 3, the last before the tokens had a step of their own,
 * written by hand; @with_tokens: as a build that served the API left it,
 * with the table made by its first token. */
static void
write_v3 (const char *path,
          gboolean    with_tokens)
{
  sqlite3 *db = open_raw (path);

  exec_schema_rows (db, schema_v1, G_N_ELEMENTS (schema_v1));
  exec_schema_rows (db, schema_v2_added, G_N_ELEMENTS (schema_v2_added));
  exec_schema_rows (db, schema_v3_added, G_N_ELEMENTS (schema_v3_added));
  if (with_tokens)
    {
      exec_schema_rows (db, schema_tokens_added, G_N_ELEMENTS (schema_tokens_added));
      exec_raw (db, "INSERT INTO api_tokens (name, scopes, hash, created_ms)"
                    " VALUES ('grafana', 'read', 'f00d', 1700000000000)");
    }
  exec_raw (db, "PRAGMA application_id = 1280003924; PRAGMA user_version = 3;");
  sqlite3_close (db);
}

/* Opening an older file makes the api_tokens table, or keeps the one an
 * older build made, with its tokens; tokens can then be written. */
static void
test_tokens_step (Fixture       *f,
                  gconstpointer  data)
{
  gboolean with_tokens = GPOINTER_TO_INT (data);
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GArray) tokens = NULL;
  GError *error = NULL;

  write_v3 (f->path, with_tokens);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'api_tokens'"),
                   ==, with_tokens ? 1 : 0);

  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_no_error (error);
  tokens = lookout_store_list_tokens_sync (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, with_tokens ? 1 : 0);
  if (with_tokens)
    g_assert_cmpstr (g_array_index (tokens, LookoutStoredToken, 0).name, ==, "grafana");
  lookout_store_close (store);

  /* the table is there before any token is written */
  assert_schema_current (f->path);
  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, lookout_store_schema_get_version ());

  g_clear_object (&store);
  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lookout_store_insert_token_sync (store, "prometheus", "metrics", "beef", 1700000001000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&tokens, g_array_unref);
  tokens = lookout_store_list_tokens_sync (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, with_tokens ? 2 : 1);
  lookout_store_close (store);
}

/* A file whose migration fails part way keeps its version and gets none of
 * the version's tables: the steps run in one transaction. */
static void
test_failed_step_rolls_back (Fixture       *f,
                             gconstpointer  data)
{
  LookoutStore *store;
  GError *error = NULL;
  sqlite3 *db = open_raw (f->path);

  /* Taken by the events step, which comes after targets and samples; the
   * file is marked as Lookout's, or it would be refused before migrating. */
  exec_raw (db, "PRAGMA application_id = 1280003924");
  exec_raw (db, "CREATE TABLE events (x)");
  sqlite3_close (db);

  store = lookout_store_open_sync (f->path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY);
  g_clear_error (&error);

  g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), ==, 0);
  g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM sqlite_master"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/schema/new-database", test_new_database);
  ADD ("/store/schema/existing-v1", test_existing_v1);
  ADD ("/store/schema/failed-step-rolls-back", test_failed_step_rolls_back);
  g_test_add ("/store/schema/tokens-step", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_tokens_step, fixture_tear_down);
  g_test_add ("/store/schema/tokens-step-kept", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_tokens_step, fixture_tear_down);

  return g_test_run ();
}
