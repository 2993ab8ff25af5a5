/* test-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "lookout-geo-location.h"
#include "lookout-json.h"
#include "lookout-report.h"
#include "lookout-stats.h"
#include "lookout-store-geo.h"
#include "lookout-test.h"

typedef LookoutTestStore Fixture;

/* A fixed moment, so no result depends on today's date. */
#define BASE_MS G_GINT64_CONSTANT (1700000000000)

/* Latencies in ms, -1 for a failed (DOWN) check, one per minute. */
static const int web_ms[] = { 10, 20, -1, -1, 30, 40, -1, 50 };

static void
append_samples (LookoutStore *store,
                gint64        target_id,
                const int    *ms,
                gsize         n)
{
  for (gsize i = 0; i < n; i++)
    {
      LookoutSample s = {
        .target_id = target_id,
        .ts_ms = BASE_MS + i * 60000,
        .latency_us = ms[i] < 0 ? -1 : ms[i] * 1000,
        .state = ms[i] < 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
      };

      lookout_store_append_sample (store, &s);
    }
}

static LookoutTarget *
make_target (gint64      id,
             const char *uri,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_id (target, id);
  lookout_target_set_name (target, name);

  return target;
}

static void
save_place (LookoutStore *store,
            const char   *address,
            const char   *city,
            const char   *country)
{
  g_autoptr(LookoutGeoLocation) location = lookout_geo_location_new (address);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  location->city = g_strdup (city);
  location->country = g_strdup (country);
  location->latitude = 52.52;
  location->longitude = 13.405;
  location->fetched_at_ms = BASE_MS;
  lookout_store_save_geo_async (store, location, NULL, lookout_test_async_cb, &result);
  lookout_store_save_geo_finish (store, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static GListModel *
make_targets (LookoutStore *store)
{
  GListStore *targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(LookoutTarget) web = make_target (1, "http://192.0.2.10/health", "Web, front");
  g_autoptr(LookoutTarget) quiet = make_target (2, "tcp://db.example.test:5432", "Datenbank");
  g_autoptr(GError) error = NULL;

  append_samples (store, 1, web_ms, G_N_ELEMENTS (web_ms));
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);
  save_place (store, "192.0.2.10", "Berlin", "Germany");

  g_list_store_append (targets, web);
  g_list_store_append (targets, quiet);

  return G_LIST_MODEL (targets);
}

static LookoutReport *
compute (Fixture *f)
{
  g_autoptr(GListModel) targets = make_targets (f->store);
  g_autoptr(GError) error = NULL;
  LookoutReport *report;

  report = lookout_report_compute_sync (f->store, targets, BASE_MS, BASE_MS + 3600000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  return report;
}

static void
test_figures (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(LookoutReport) report = compute (f);
  g_autoptr(LookoutReportRow) web = NULL;
  g_autoptr(LookoutReportRow) quiet = NULL;
  g_autofree LookoutStats *stats = NULL;
  g_autofree char *place = NULL;
  const LookoutReportFigures *w, *q;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (report)), ==, 2);
  web = g_list_model_get_item (G_LIST_MODEL (report), 0);
  quiet = g_list_model_get_item (G_LIST_MODEL (report), 1);
  w = lookout_report_row_get_figures (web);
  q = lookout_report_row_get_figures (quiet);

  g_assert_cmpstr (w->name, ==, "Web, front");
  g_assert_cmpstr (w->uri, ==, "http://192.0.2.10/health");
  g_assert_cmpfloat_with_epsilon (w->availability, 5.0 / 8.0, 1e-9);
  g_assert_cmpint (w->mean_us, ==, 30000);
  g_assert_cmpint (w->min_us, ==, 10000);
  g_assert_cmpint (w->max_us, ==, 50000);
  g_assert_cmpint (w->p95_us, ==, 50000);
  g_assert_cmpuint (w->n_results, ==, 8);
  g_assert_cmpuint (w->n_failures, ==, 3);
  g_assert_cmpuint (w->n_outages, ==, 2);
  g_assert_cmpuint (w->n_anomalies, ==, 0);
  g_assert_cmpint (w->last_state, ==, LOOKOUT_TARGET_STATE_UP);
  place = lookout_report_row_dup_place (web);
  g_assert_cmpstr (place, ==, "Berlin, Germany");

  /* The same numbers as the target page's statistics. */
  stats = lookout_stats_fetch_sync (f->store, 1, BASE_MS, BASE_MS + 3600000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->mean_us, ==, w->mean_us);
  g_assert_cmpint (stats->p95_us, ==, w->p95_us);
  g_assert_cmpfloat_with_epsilon (stats->availability / 100.0, w->availability, 1e-12);

  g_assert_cmpstr (q->name, ==, "Datenbank");
  g_assert_true (isnan (q->availability));
  g_assert_cmpint (q->mean_us, ==, -1);
  g_assert_cmpint (q->p95_us, ==, -1);
  g_assert_cmpuint (q->n_outages, ==, 0);
  g_assert_null (q->city);
  g_assert_cmpint (q->last_state, ==, LOOKOUT_TARGET_STATE_UNKNOWN);
}

static void
test_last_state (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GListModel) targets = make_targets (f->store);
  g_autoptr(LookoutTarget) web = g_list_model_get_item (targets, 0);
  g_autoptr(LookoutTarget) quiet = g_list_model_get_item (targets, 1);
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(LookoutReportRow) row0 = NULL;
  g_autoptr(LookoutReportRow) row1 = NULL;
  g_autoptr(GError) error = NULL;

  /* The range ends before the last (UP) result: its last state is DOWN. */
  lookout_target_set_enabled (quiet, FALSE);
  report = lookout_report_compute_sync (f->store, targets, BASE_MS, BASE_MS + 7 * 60000, &error);
  g_assert_no_error (error);
  row0 = g_list_model_get_item (G_LIST_MODEL (report), 0);
  row1 = g_list_model_get_item (G_LIST_MODEL (report), 1);
  g_assert_cmpint (lookout_report_row_get_figures (row0)->last_state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpuint (lookout_report_row_get_figures (row0)->n_results, ==, 7);
  g_assert_cmpint (lookout_report_row_get_figures (row1)->last_state, ==, LOOKOUT_TARGET_STATE_PAUSED);

  g_assert_null (lookout_report_compute_sync (f->store, targets, BASE_MS, BASE_MS, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* A target the geo cache does not know by its address (a host name, or an
 * address looked up under another) is placed where a lookup put it. */
static void
test_place_by_position (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GListModel) targets = make_targets (f->store);
  g_autoptr(LookoutTarget) quiet = g_list_model_get_item (targets, 1);
  g_autoptr(LookoutTarget) moved = make_target (3, "icmp://192.0.2.99", "Moved");
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "Berlin, Germany", "Berlin, Germany", "Berlin, Germany" };

  lookout_target_set_location (quiet, 52.52, 13.405, "ip-api");
  lookout_target_set_location (moved, 52.52, 13.405, "ip-api");
  g_list_store_append (G_LIST_STORE (targets), moved);

  report = lookout_report_compute_sync (f->store, targets, BASE_MS, BASE_MS + 3600000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(LookoutReportRow) row = g_list_model_get_item (G_LIST_MODEL (report), i);
      g_autofree char *place = lookout_report_row_dup_place (row);

      g_assert_cmpstr (place, ==, expected[i]);
    }
}

static void
test_anomalies_table (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GListModel) targets = make_targets (f->store);
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(LookoutReportRow) row = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  g_autofree char *sql = NULL;

  /* The anomaly detection's table: two anomalies in the range, one after
   * it, one of another target. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("INSERT INTO anomalies (target_id, start_ms, kind, score, message) VALUES"
                         " (1, %" G_GINT64_FORMAT ", 'level_shift', 1, 'a'),"
                         " (1, %" G_GINT64_FORMAT ", 'jitter', 1, 'b'),"
                         " (1, %" G_GINT64_FORMAT ", 'jitter', 1, 'c'),"
                         " (2, %" G_GINT64_FORMAT ", 'drift', 1, 'd');",
                         BASE_MS + 60000, BASE_MS + 120000, BASE_MS + 7200000, BASE_MS);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  report = lookout_report_compute_sync (f->store, targets, BASE_MS, BASE_MS + 3600000, &error);
  g_assert_no_error (error);
  row = g_list_model_get_item (G_LIST_MODEL (report), 0);
  g_assert_cmpuint (lookout_report_row_get_figures (row)->n_anomalies, ==, 2);
}

static void
test_json (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(LookoutReport) report = compute (f);
  g_autoptr(JsonNode) root = lookout_report_to_json (report);
  JsonObject *object = json_node_get_object (root);
  JsonArray *rows = json_object_get_array_member (object, "targets");
  JsonObject *web, *quiet;

  g_assert_cmpstr (json_object_get_string_member (object, "from"), ==, "2023-11-14T22:13:20Z");
  g_assert_cmpint (json_object_get_int_member (object, "to_ms"), ==, BASE_MS + 3600000);
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);

  web = json_array_get_object_element (rows, 0);
  g_assert_cmpint (json_object_get_int_member (web, "id"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (web, "availability"), 0.625, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (web, "mean_s"), 0.030, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (web, "p95_s"), 0.050, 1e-9);
  g_assert_cmpint (json_object_get_int_member (web, "outages"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (web, "city"), ==, "Berlin");
  g_assert_cmpstr (json_object_get_string_member (web, "country"), ==, "Germany");
  g_assert_cmpstr (json_object_get_string_member (web, "last_state"), ==, "up");

  quiet = json_array_get_object_element (rows, 1);
  g_assert_true (json_object_get_null_member (quiet, "availability"));
  g_assert_true (json_object_get_null_member (quiet, "mean_s"));
  g_assert_true (json_object_get_null_member (quiet, "city"));
  g_assert_cmpstr (json_object_get_string_member (quiet, "last_state"), ==, "unknown");
}

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(LookoutReport) report = compute (f);
  g_autofree char *csv = lookout_report_to_csv (report);

  g_assert_cmpstr (csv, ==,
                   "name,uri,availability,mean_ms,min_ms,max_ms,p95_ms,"
                   "outages,city,country,anomalies,last_state\r\n"
                   "\"Web, front\",http://192.0.2.10/health,0.625000,30.000,10.000,50.000,50.000,"
                   "2,Berlin,Germany,0,up\r\n"
                   "Datenbank,tcp://db.example.test:5432,,,,,,0,,,0,unknown\r\n");
}

static void
test_text (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(LookoutReport) report = compute (f);
  g_autofree char *text = lookout_report_to_text (report);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const char *columns[] = { "Availability", "Mean (ms)", "P95 (ms)", "Outages" };

  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_true (g_str_has_prefix (lines[0], "Monitoring report, 2023-11-14T22:13:20Z to "));
  g_assert_cmpstr (lines[1], ==, "");
  g_assert_nonnull (strstr (lines[3], "62.5 %"));
  g_assert_nonnull (strstr (lines[3], "Berlin, Germany"));
  g_assert_nonnull (strstr (lines[4], "—"));
  g_assert_cmpstr (lines[5], ==, "");

  /* Every column starts at the same character in each line, and numbers
   * end where their heading ends. */
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      const char *head = strstr (lines[2], columns[c]);
      glong end = g_utf8_pointer_to_offset (lines[2], head) + g_utf8_strlen (columns[c], -1);

      g_assert_nonnull (head);
      for (guint l = 3; l <= 4; l++)
        {
          const char *at = g_utf8_offset_to_pointer (lines[l], end);

          g_assert_true (*at == ' ');
          g_assert_true (at[-1] != ' ');
        }
    }
  g_assert_cmpint (g_utf8_pointer_to_offset (lines[2], strstr (lines[2], "Location")), ==,
                   g_utf8_pointer_to_offset (lines[3], strstr (lines[3], "Berlin")));
}

static void
compute_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GListModel) targets = make_targets (f->store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(LookoutReportRow) row = NULL;
  g_autoptr(GError) error = NULL;

  lookout_report_compute_async (f->store, targets, BASE_MS, BASE_MS + 3600000, NULL,
                                compute_done_cb, &result);
  LOOKOUT_TEST_WAIT (result != NULL);
  report = lookout_report_compute_finish (result, &error);
  g_assert_no_error (error);
  row = g_list_model_get_item (G_LIST_MODEL (report), 0);
  g_assert_cmpint (lookout_report_row_get_figures (row)->mean_us, ==, 30000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, lookout_test_store_set_up, func, lookout_test_store_tear_down)
  ADD ("/report/figures", test_figures);
  ADD ("/report/last-state", test_last_state);
  ADD ("/report/anomalies-table", test_anomalies_table);
  ADD ("/report/place-by-position", test_place_by_position);
  ADD ("/report/json", test_json);
  ADD ("/report/csv", test_csv);
  ADD ("/report/text", test_text);
  ADD ("/report/async", test_async);
#undef ADD

  return g_test_run ();
}
