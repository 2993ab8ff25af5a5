/* test-report-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Report window over a real monitor and store: its rows, its cells
 * (the report's own formatting) and its sortable columns. */

#include "config.h"

#include <string.h>

#include "lookout-report-window-private.h"
#include "lookout-test-gui.h"

typedef struct
{
  LookoutTestStore *tmp;
  LookoutMonitor   *monitor;
  GtkWidget        *window;
} Fixture;

/* Latencies in ms, one result a minute, the newest ten minutes ago. */
static const int fast_ms[] = { 5, 6, 7, 8 };
static const int slow_ms[] = { 50, -1, 70, 90 };

static void
add_target (Fixture    *f,
            const char *uri,
            const char *name,
            const int  *ms,
            gsize       n)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now_ms = g_get_real_time () / 1000;

  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_name (target, name);
  g_assert_true (lookout_store_insert_target_sync (f->tmp->store, target, &error));

  for (gsize i = 0; i < n; i++)
    {
      LookoutSample s = {
        .target_id = lookout_target_get_id (target),
        .ts_ms = now_ms - 600000 - (n - i) * 60000,
        .latency_us = ms[i] < 0 ? -1 : ms[i] * 1000,
        .state = ms[i] < 0 ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
      };

      lookout_store_append_sample (f->tmp->store, &s);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = lookout_test_store_new ();
  add_target (f, "tcp://fast.example.test:443", "Fast", fast_ms, G_N_ELEMENTS (fast_ms));
  add_target (f, "tcp://slow.example.test:443", "Slow", slow_ms, G_N_ELEMENTS (slow_ms));
  g_assert_true (lookout_store_flush_sync (f->tmp->store, &error));
  f->monitor = lookout_test_monitor_new (f->tmp->store);

  f->window = lookout_report_window_new (NULL, f->monitor);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  lookout_test_drain ();
  g_clear_object (&f->monitor);
  lookout_test_store_free (f->tmp);
}

static GtkColumnView *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return GTK_COLUMN_VIEW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkColumnView *found = find_column_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
shown_name (GtkColumnView *view,
            guint          position)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr(LookoutReportRow) row = g_list_model_get_item (model, position);

  return lookout_report_row_get_figures (row)->name;
}

static void
test_rows (Fixture       *f,
           gconstpointer  data)
{
  LookoutReportWindow *window = LOOKOUT_REPORT_WINDOW (f->window);
  GtkColumnView *view = find_column_view (f->window);
  g_autoptr(LookoutReportRow) slow = NULL;
  g_autofree char *availability = NULL;
  g_autofree char *mean = NULL;
  g_autofree char *p95 = NULL;
  LookoutReport *report;

  LOOKOUT_TEST_WAIT (lookout_report_window_get_report (window) != NULL);
  report = lookout_report_window_get_report (window);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (report)), ==, 2);

  g_assert_nonnull (view);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (view)), ==,
                    LOOKOUT_REPORT_N_COLUMNS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view))), ==, 2);

  slow = g_list_model_get_item (G_LIST_MODEL (report), 1);
  availability = lookout_report_row_format (slow, LOOKOUT_REPORT_COLUMN_AVAILABILITY);
  mean = lookout_report_row_format (slow, LOOKOUT_REPORT_COLUMN_MEAN);
  p95 = lookout_report_row_format (slow, LOOKOUT_REPORT_COLUMN_P95);
  g_assert_cmpstr (availability, ==, "75 %");
  g_assert_cmpstr (mean, ==, "70.00");
  g_assert_cmpstr (p95, ==, "90.00");
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  LookoutReportWindow *window = LOOKOUT_REPORT_WINDOW (f->window);
  GtkColumnView *view = find_column_view (f->window);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) mean = g_list_model_get_item (columns, LOOKOUT_REPORT_COLUMN_MEAN);
  g_autoptr(GtkColumnViewColumn) availability =
    g_list_model_get_item (columns, LOOKOUT_REPORT_COLUMN_AVAILABILITY);
  g_autoptr(GtkColumnViewColumn) name = g_list_model_get_item (columns, LOOKOUT_REPORT_COLUMN_NAME);

  LOOKOUT_TEST_WAIT (lookout_report_window_get_report (window) != NULL);
  g_assert_cmpstr (gtk_column_view_column_get_title (mean), ==, "Mean (ms)");

  gtk_column_view_sort_by_column (view, mean, GTK_SORT_DESCENDING);
  g_assert_cmpstr (shown_name (view, 0), ==, "Slow");
  gtk_column_view_sort_by_column (view, mean, GTK_SORT_ASCENDING);
  g_assert_cmpstr (shown_name (view, 0), ==, "Fast");
  gtk_column_view_sort_by_column (view, availability, GTK_SORT_ASCENDING);
  g_assert_cmpstr (shown_name (view, 0), ==, "Slow");
  gtk_column_view_sort_by_column (view, name, GTK_SORT_DESCENDING);
  g_assert_cmpstr (shown_name (view, 0), ==, "Slow");
  g_assert_cmpstr (shown_name (view, 1), ==, "Fast");
}

/* Binary data may hold NUL bytes, which end g_strstr_len(). */
static gboolean
contains (const char *data,
          gsize       length,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

/* What Print lays out, saved as a PDF: pages that hold the report. */
static void
test_print_pdf (Fixture       *f,
                gconstpointer  data)
{
  LookoutReportWindow *window = LOOKOUT_REPORT_WINDOW (f->window);
  g_autofree char *path = g_build_filename (f->tmp->dir, "report.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  LOOKOUT_TEST_WAIT (lookout_report_window_get_report (window) != NULL);
  g_assert_cmpint (lookout_report_window_print (window, GTK_PRINT_OPERATION_ACTION_EXPORT, path, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_true (contains (contents, length, "/Type /Page"));
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/report-window/rows", test_rows);
  ADD ("/gui/report-window/sort", test_sort);
  ADD ("/gui/report-window/print-pdf", test_print_pdf);
#undef ADD

  return g_test_run ();
}
