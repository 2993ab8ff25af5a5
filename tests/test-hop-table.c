/* test-hop-table.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The mtr-like hop table, the target page's "Network Path" group and the
 * Trace Route dialog: from rounds made in the test, then from real rounds
 * traced through a routed chain of namespaces the test makes (client → r1
 * → r2 → destination), whose hops are known. */

#include "config.h"

#include <string.h>

#include "icmp-netns.h"
#include "lookout-hop-table.h"
#include "lookout-target-page.h"
#include "lookout-target-path.h"
#include "lookout-test-gui.h"
#include "lookout-trace.h"
#include "lookout-trace-dialog.h"
#include "path-netns.h"

static PathNetns netns;
static char *skip_reason;
static int home_fd = -1;

static char *
cell (LookoutHopTable *table,
      guint            row,
      LookoutHopColumn column)
{
  g_autoptr(LookoutHopItem) item = g_list_model_get_item (lookout_hop_table_get_model (table), row);

  g_assert_nonnull (item);
  return lookout_hop_item_dup_text (item, column);
}

static void
assert_cell (LookoutHopTable  *table,
             guint             row,
             LookoutHopColumn  column,
             const char       *expected)
{
  g_autofree char *text = cell (table, row, column);

  g_assert_cmpstr (text, ==, expected);
}

/* A round of three hops, the second silent, with the given round trips. */
static LookoutTraceReport *
make_round (gint64 first_us,
            gint64 last_us)
{
  static const char * const first[] = { "192.0.2.1", NULL };
  static const char * const last[] = { "198.51.100.7", NULL };
  LookoutTraceReport *report = lookout_trace_report_new ("198.51.100.7", 3);

  for (guint i = 0; i < 3; i++)
    {
      report->hops[i].sent = 2;
      for (guint p = 0; p < LOOKOUT_TRACE_MAX_PROBES; p++)
        report->hops[i].rtt_us[p] = -1;
    }
  report->hops[0].addresses = g_strdupv ((char **) first);
  report->hops[0].received = 2;
  report->hops[0].rtt_us[0] = first_us;
  report->hops[0].rtt_us[1] = first_us + 200;
  report->hops[2].addresses = g_strdupv ((char **) last);
  report->hops[2].received = 1;
  report->hops[2].rtt_us[0] = last_us;
  report->hops[2].reached = TRUE;
  report->destination_ttl = 3;

  return report;
}

static void
test_rounds (void)
{
  g_autoptr(LookoutTraceReport) one = make_round (1000, 12000);
  g_autoptr(LookoutTraceReport) two = make_round (3000, 20000);
  LookoutHopTable *table = LOOKOUT_HOP_TABLE (g_object_ref_sink (lookout_hop_table_new ()));
  GtkWidget *view;
  guint n_columns = 0;

  lookout_hop_table_set_resolve_names (table, FALSE);
  g_assert_false (lookout_hop_table_add_report (table, one));
  g_assert_false (lookout_hop_table_add_report (table, two));
  g_assert_cmpuint (lookout_hop_table_get_n_rounds (table), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_hop_table_get_model (table)), ==, 3);

  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_HOP, "1");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_ADDRESS, "192.0.2.1");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_NAME, "—");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_LOSS, "0 %");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_SENT, "4");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_LAST, "3.20 ms");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_BEST, "1.00 ms");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_WORST, "3.20 ms");
  assert_cell (table, 0, LOOKOUT_HOP_COLUMN_MEDIAN, "2.10 ms");

  /* A hop nobody answered at, as mtr writes it. */
  assert_cell (table, 1, LOOKOUT_HOP_COLUMN_ADDRESS, "???");
  assert_cell (table, 1, LOOKOUT_HOP_COLUMN_LOSS, "100 %");
  assert_cell (table, 1, LOOKOUT_HOP_COLUMN_LAST, "—");
  assert_cell (table, 1, LOOKOUT_HOP_COLUMN_SPREAD, "—");

  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_ADDRESS, "198.51.100.7");
  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_LOSS, "50 %");
  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_BEST, "12.0 ms");
  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_WORST, "20.0 ms");
  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_SPREAD, "4.00 ms");

  /* The columns of mtr's report, each with its title. */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (table)); w != NULL; w = gtk_widget_get_first_child (w))
    if (GTK_IS_COLUMN_VIEW (w))
      {
        view = w;
        n_columns = g_list_model_get_n_items (gtk_column_view_get_columns (GTK_COLUMN_VIEW (view)));
        break;
      }
  g_assert_cmpuint (n_columns, ==, LOOKOUT_HOP_N_COLUMNS);

  lookout_hop_table_reset (table);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_hop_table_get_model (table)), ==, 0);
  g_object_unref (table);
}

static gboolean
skip_without_netns (void)
{
  if (skip_reason == NULL)
    return FALSE;
  g_test_skip (skip_reason);
  return TRUE;
}

static LookoutTraceReport *
trace_round (const char *destination)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (destination);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTraceReport *report;

  lookout_trace_run_async (address, NULL, 5000, NULL, lookout_test_async_cb, &result);
  LOOKOUT_TEST_WAIT (result != NULL);
  report = lookout_trace_run_finish (result, &error);
  g_assert_no_error (error);
  return report;
}

static char *
table_path (LookoutHopTable *table)
{
  GListModel *model = lookout_hop_table_get_model (table);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autofree char *address = cell (table, i, LOOKOUT_HOP_COLUMN_ADDRESS);

      if (path->len > 0)
        g_string_append_c (path, ' ');
      g_string_append (path, address);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* A target page of its own in a window of its own. */
static LookoutTargetPage *
open_page (LookoutTarget  *target,
           GtkWidget     **out_window)
{
  LookoutTargetPage *page = LOOKOUT_TARGET_PAGE (lookout_target_page_new ());

  *out_window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (*out_window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (*out_window));
  lookout_target_page_set_target (page, target);
  return page;
}

/* A trace target's results on its page: the table grows live with each
 * round; another target's page hides it and offers Trace Route. */
static void
test_page_live (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutTarget) other = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetPage *page;
  LookoutTargetPath *path;
  LookoutHopTable *table;
  GtkWidget *window;

  if (skip_without_netns ())
    return;

  target = lookout_target_new_from_string ("icmp://" PATH_NETNS_DESTINATION, &error);
  g_assert_no_error (error);
  other = lookout_target_new_from_string ("tcp://" PATH_NETNS_DESTINATION ":22", &error);
  g_assert_no_error (error);

  page = open_page (target, &window);
  path = lookout_target_page_get_path (page);
  table = lookout_target_path_get_hop_table (path);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (table)) && gtk_widget_get_mapped (GTK_WIDGET (table)));

  for (guint round = 1; round <= 3; round++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
      g_autofree char *text = NULL;
      g_autofree char *sent = NULL;

      result->trace = trace_round (PATH_NETNS_DESTINATION);
      lookout_target_page_set_result (page, result);
      /* The window hands the same result again when the list changes. */
      lookout_target_page_set_result (page, result);

      text = table_path (table);
      g_assert_cmpstr (text, ==, "10.81.1.2 10.81.2.2 10.81.3.2");
      sent = cell (table, 2, LOOKOUT_HOP_COLUMN_SENT);
      g_assert_cmpuint (g_ascii_strtoull (sent, NULL, 10), ==, 3 * round);
    }
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (table)));
  assert_cell (table, 2, LOOKOUT_HOP_COLUMN_LOSS, "0 %");

  lookout_target_page_set_target (page, other);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_hop_table_get_model (table)), ==, 0);
  LOOKOUT_TEST_WAIT (!gtk_widget_get_mapped (GTK_WIDGET (table)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
dialog_done (gpointer user_data)
{
  return !lookout_trace_dialog_get_running (user_data);
}

/* Trace Route on a page: one round in a dialog, without a target added. */
static void
test_trace_route (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  LookoutTargetPage *page;
  LookoutTargetPath *path;
  LookoutTraceDialog *dialog;
  GtkWidget *window;

  if (skip_without_netns ())
    return;

  target = lookout_target_new_from_string ("https://" PATH_NETNS_DESTINATION "/health", &error);
  g_assert_no_error (error);
  page = open_page (target, &window);
  path = lookout_target_page_get_path (page);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (path)));
  {
    GtkWidget *button = adw_preferences_group_get_header_suffix (ADW_PREFERENCES_GROUP (path));

    g_assert_true (gtk_widget_get_visible (button));
    g_signal_emit_by_name (button, "clicked");
  }
  dialog = LOOKOUT_TRACE_DIALOG (lookout_target_path_get_dialog (path));
  g_assert_nonnull (dialog);
  lookout_hop_table_set_resolve_names (lookout_trace_dialog_get_hop_table (dialog), FALSE);
  LOOKOUT_TEST_WAIT (dialog_done (dialog));

  g_assert_cmpstr (lookout_trace_dialog_get_status (dialog), ==, PATH_NETNS_DESTINATION " answered after 3 hops");
  text = table_path (lookout_trace_dialog_get_hop_table (dialog));
  g_assert_cmpstr (text, ==, "10.81.1.2 10.81.2.2 10.81.3.2");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (lookout_target_path_get_dialog (path));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
model_ready (gpointer user_data)
{
  LookoutEventModel *model = user_data;

  return model != NULL && !lookout_event_model_get_loading (model)
         && g_list_model_get_n_items (G_LIST_MODEL (model)) > 0;
}

/* The page's route changes are the target's events of kind "route-change",
 * none of its other events and none of another target's. */
static void
test_route_changes (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (ts->store);
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("icmp://192.0.2.10", NULL);
  g_autoptr(LookoutEventItem) item = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = g_object_ref_sink (lookout_target_page_new ());
  LookoutEventModel *changes;
  gint64 id;

  lookout_test_add_target (monitor, target);
  id = lookout_target_get_id (target);
  lookout_store_append_event (ts->store, id, 1000, "route-change",
                              "Route changed: 10.0.0.1 192.0.2.10 → 10.0.0.2 192.0.2.10");
  lookout_store_append_event (ts->store, id, 2000, "down", "192.0.2.10 is down");
  lookout_store_append_event (ts->store, id + 1, 3000, "route-change", "another target's");
  g_assert_true (lookout_store_flush_sync (ts->store, &error));
  g_assert_no_error (error);

  lookout_target_page_set_monitor (LOOKOUT_TARGET_PAGE (page), monitor);
  lookout_target_page_set_target (LOOKOUT_TARGET_PAGE (page), target);
  changes = lookout_target_path_get_route_changes (lookout_target_page_get_path (LOOKOUT_TARGET_PAGE (page)));
  g_assert_nonnull (changes);
  LOOKOUT_TEST_WAIT (model_ready (changes));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (changes)), ==, 1);
  item = g_list_model_get_item (G_LIST_MODEL (changes), 0);
  g_assert_cmpstr (lookout_event_item_get_kind (item), ==, "route-change");
  g_assert_cmpstr (lookout_event_item_get_message (item), ==,
                   "Route changed: 10.0.0.1 192.0.2.10 → 10.0.0.2 192.0.2.10");

  lookout_target_page_set_target (LOOKOUT_TARGET_PAGE (page), NULL);
  g_object_unref (page);
}

/* A local interface has no host to trace to: no Network Path at all. */
static void
test_no_host (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = g_object_ref_sink (lookout_target_page_new ());

  target = lookout_target_new_from_string ("iface://lo", &error);
  g_assert_no_error (error);
  lookout_target_page_set_target (LOOKOUT_TARGET_PAGE (page), target);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (lookout_target_page_get_path (LOOKOUT_TARGET_PAGE (page)))));
  g_object_unref (page);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  lookout_test_gui_init (&argc, &argv);

  if (!path_netns_setup (&netns, &error))
    skip_reason = g_strdup_printf ("no chain of namespaces here: %s", error->message);
  else
    home_fd = icmp_netns_enter (netns.client);

  g_test_add_func ("/hop-table/rounds", test_rounds);
  g_test_add_func ("/hop-table/page-live", test_page_live);
  g_test_add_func ("/hop-table/trace-route", test_trace_route);
  g_test_add_func ("/hop-table/no-host", test_no_host);
  g_test_add_func ("/hop-table/route-changes", test_route_changes);

  status = g_test_run ();

  if (home_fd >= 0)
    icmp_netns_leave (home_fd);
  path_netns_teardown (&netns);
  g_free (skip_reason);

  return status;
}
