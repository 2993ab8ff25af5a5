/* test-agent-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* lookout-agent report and export, the real binary over a database made
 * with known results. */

#include "config.h"

#include <json-glib/json-glib.h>

#include "lookout-test.h"

#define BASE_MS G_GINT64_CONSTANT (1700000000000)

static const char *agent_path;

typedef struct
{
  LookoutTestStore *store;
  gint64            web_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const int web_ms[] = { 10, 20, -1, -1, 30, 40, -1, 50 };
  g_autoptr(LookoutTarget) web = NULL;
  g_autoptr(LookoutTarget) db = NULL;
  g_autoptr(GError) error = NULL;

  f->store = lookout_test_store_new ();

  web = lookout_target_new_from_string ("https://web.example.test/health", &error);
  g_assert_no_error (error);
  lookout_target_set_name (web, "Web");
  db = lookout_target_new_from_string ("tcp://db.example.test:5432", &error);
  g_assert_no_error (error);
  lookout_target_set_name (db, "Database");
  g_assert_true (lookout_store_insert_target_sync (f->store->store, web, &error));
  g_assert_true (lookout_store_insert_target_sync (f->store->store, db, &error));
  f->web_id = lookout_target_get_id (web);

  for (guint i = 0; i < G_N_ELEMENTS (web_ms); i++)
    {
      LookoutSample s = {
        .target_id = f->web_id,
        .ts_ms = BASE_MS + i * 60000,
        .latency_us = web_ms[i] < 0 ? -1 : web_ms[i] * 1000,
        .state = web_ms[i] < 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
        .code = web_ms[i] < 0 ? 503 : 200,
        .error = web_ms[i] < 0 ? "HTTP 503, \"Service Unavailable\"" : NULL,
      };

      lookout_store_append_sample (f->store->store, &s);
    }
  g_assert_true (lookout_store_flush_sync (f->store->store, &error));
  lookout_test_store_close (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  lookout_test_store_free (f->store);
}

/* Runs the agent with the arguments (NULL-terminated) and returns its
 * exit status; stdout and stderr are returned in out and err. */
static int
run_agent (char       **out,
           char       **err,
           const char  *first,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status;
  va_list ap;

  g_ptr_array_add (args, (char *) agent_path);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out, err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));

  return WEXITSTATUS (wait_status);
}

#define TO "1700003600000"

static void
test_report_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_agent (&out, &err, "report", "--db", f->store->path, "--range", "1h",
                              "--to", TO, "--format", "csv", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==,
                   "name,uri,availability,mean_ms,min_ms,max_ms,p95_ms,"
                   "outages,city,country,anomalies,last_state\r\n"
                   "Web,https://web.example.test/health,0.625000,30.000,10.000,50.000,50.000,"
                   "2,,,0,up\r\n"
                   "Database,tcp://db.example.test:5432,,,,,,0,,,0,unknown\r\n");
}

static void
test_report_text_json (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *rows;

  /* The range ISO 8601 end, the default format: text. */
  g_assert_cmpint (run_agent (&out, &err, "report", "--db", f->store->path, "--range", "60m",
                              "--to", "2023-11-14T23:13:20Z", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Monitoring report, 2023-11-14T22:13:20Z to 2023-11-14T23:13:20Z\n"));
  g_assert_nonnull (strstr (out, "62.5 %"));
  g_assert_nonnull (strstr (out, "Database"));

  g_assert_cmpint (run_agent (&json, NULL, "report", "--db", f->store->path, "--range", "1h",
                              "--to", TO, "--format", "json", NULL), ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  rows = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "targets");
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (rows, 0), "p95_s"),
                                  0.050, 1e-9);
}

static void
test_report_usage (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->store->dir, "missing.db", NULL);
  struct { const char *args[6]; int status; const char *message; } cases[] = {
    { { "--db", "", NULL }, 2, "--db must name a database file, not be empty" },
    { { "--range", "1h", NULL }, 2, "--db PATH is required" },
    { { "--db", f->store->path, "--range", "24", NULL }, 2, "“24” is not a range" },
    { { "--db", f->store->path, "--range", "0h", NULL }, 2, "“0h” is not a range" },
    { { "--db", f->store->path, "--to", "yesterday", NULL }, 2, "“yesterday” is not a time" },
    { { "--db", f->store->path, "--format", "xml", NULL }, 2, "--format must be text, json or csv" },
    { { "--db", missing, NULL }, 1, "There is no database at" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char **a = cases[i].args;

      g_assert_cmpint (run_agent (&out, &err, "report", a[0], a[1], a[2], a[3], a[4], a[5]),
                       ==, cases[i].status);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, cases[i].message));
    }
  /* Nothing was created for the missing database. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->web_id);
  g_autofree char *by_id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *err = NULL;
  g_autofree char *file_path = g_build_filename (f->store->dir, "web.csv", NULL);
  g_autofree char *file_text = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root;

  g_assert_cmpint (run_agent (&by_id, &err, "export", "--db", f->store->path, "--target", id,
                              "--from", "1700000060000", "--to", "2023-11-14T22:17:20Z", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (by_id, ==,
                   "time,ts_ms,state,latency_ms,code,error,min_ms,max_ms,jitter_ms,sent,received,loss_percent,location\r\n"
                   "2023-11-14T22:14:20.000Z,1700000060000,up,20.000,200,,,,,,,,local\r\n"
                   "2023-11-14T22:15:20.000Z,1700000120000,down,,503,\"HTTP 503, \"\"Service Unavailable\"\"\",,,,,,,local\r\n"
                   "2023-11-14T22:16:20.000Z,1700000180000,down,,503,\"HTTP 503, \"\"Service Unavailable\"\"\",,,,,,,local\r\n");

  /* The same target by a URI that means the same, into a file. */
  g_assert_cmpint (run_agent (NULL, NULL, "export", "--db", f->store->path,
                              "--target", "HTTPS://Web.Example.Test:443/health",
                              "--from", "1700000060000", "--to", "2023-11-14T22:17:20Z",
                              "--output", file_path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (file_path, &file_text, NULL, &error));
  g_assert_cmpstr (file_text, ==, by_id);

  g_assert_cmpint (run_agent (&json, NULL, "export", "--db", f->store->path, "--target", id,
                              "--format", "json", "--to", TO, NULL), ==, 0);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "target"), ==, "https://web.example.test/health");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "samples")), ==, 8);

  lines = g_strsplit (by_id, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
}

static void
test_export_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct { const char *args[6]; int status; const char *message; } cases[] = {
    { { "--db", f->store->path, NULL }, 2, "--target ID|URI (or --targets) is required" },
    { { "--db", "", "--target", "1", NULL }, 2, "--db must name a database file" },
    { { "--db", f->store->path, "--target", "999", NULL }, 1, "no target with the id 999" },
    { { "--db", f->store->path, "--target", "icmp://192.0.2.99", NULL }, 1, "no target icmp://192.0.2.99" },
    { { "--db", f->store->path, "--target", "tcp://db.example.test:99999", NULL }, 1, "port" },
    { { "--db", f->store->path, "--target", "1", "--format", "xml" }, 2, "--format must be csv or json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      const char **a = cases[i].args;

      g_assert_cmpint (run_agent (&out, &err, "export", a[0], a[1], a[2], a[3], a[4], a[5], NULL),
                       ==, cases[i].status);
      g_assert_cmpstr (out, ==, "");
      g_assert_nonnull (strstr (err, cases[i].message));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  agent_path = argv[1];

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/agent-report/report-csv", test_report_csv);
  ADD ("/agent-report/report-text-json", test_report_text_json);
  ADD ("/agent-report/report-usage", test_report_usage);
  ADD ("/agent-report/export", test_export);
  ADD ("/agent-report/export-errors", test_export_errors);
#undef ADD

  return g_test_run ();
}
