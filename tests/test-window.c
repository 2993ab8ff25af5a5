/* test-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window over a real monitor and a real store in a temporary
 * directory: rows named after their targets, live updates, the content
 * page, removal with undo, and adding and editing through the dialog. */

#include "config.h"

#include "lookout-test-gui.h"

#include "lookout-dashboard-plot.h"
#include "lookout-gui-utils.h"
#include "lookout-plot.h"
#include "lookout-format.h"
#include "lookout-target-dialog-private.h"
#include "lookout-target-row.h"

typedef struct
{
  LookoutTestWindow w;
} Fixture;

static LookoutTarget *
add_target (Fixture    *fixture,
            const char *uri,
            const char *name)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  if (name != NULL)
    lookout_target_set_name (target, name);

  lookout_test_add_target (fixture->w.monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);

  return g_steal_pointer (&target);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  lookout_test_window_open (&fixture->w);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  lookout_test_window_close (&fixture->w);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;

  return FALSE;
}

static void
test_window_empty (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "empty");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->sidebar_stack), ==, "empty");
  g_assert_null (lookout_window_get_selected_target (fixture->w.window));

  /* Nothing selected, nothing removed. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.remove-target", NULL);
  g_assert_null (fixture->w.window->removed_toast);
}

static void
test_window_rows (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LookoutTarget) web = add_target (fixture, "https://127.0.0.1:8443/", "Local web");
  g_autoptr(LookoutTarget) db = add_target (fixture, "tcp://127.0.0.1:5432", "Database");
  GtkWidget *row;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->sidebar_stack), ==, "list");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "target");
  g_assert_true (lookout_window_get_selected_target (fixture->w.window) == web);
  g_assert_true (lookout_target_page_get_target (fixture->w.window->target_page) == web);

  LOOKOUT_TEST_WAIT (lookout_test_window_find_row (fixture->w.window, db) != NULL);
  row = lookout_test_window_find_row (fixture->w.window, db);

  /* The row and the list item around it (the node assistive technologies
   * see as the list item) carry the target's name. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "Database");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (row)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Database");
  g_assert_true (has_label (row, "Database"));
  g_assert_true (has_label (row, "Unknown"));
  g_assert_true (has_label (row, "TCP"));
  g_assert_true (has_label (row, "—"));

  /* Live: the row follows the target's properties. */
  lookout_target_set_name (db, "Primary database");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_parent (row)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Primary database");
  lookout_target_set_live_state (db, LOOKOUT_TARGET_STATE_UP, 12300, g_get_real_time () / 1000,
                                 NULL, "127.0.0.1");
  g_assert_true (has_label (row, "Primary database"));
  g_assert_true (has_label (row, "Up"));
  g_assert_true (has_label (row, "12.3 ms"));
  lookout_target_set_live_state (db, LOOKOUT_TARGET_STATE_DOWN, -1, g_get_real_time () / 1000,
                                 "Connection refused", "127.0.0.1");
  g_assert_true (has_label (row, "Down"));
  g_assert_true (has_label (row, "—"));

  /* Selecting it shows its page, which follows it as well. */
  gtk_single_selection_set_selected (fixture->w.window->selection, 1);
  g_assert_true (lookout_target_page_get_target (fixture->w.window->target_page) == db);
  LOOKOUT_TEST_WAIT (has_label (GTK_WIDGET (fixture->w.window->target_page), "Connection refused"));
  g_assert_true (has_label (GTK_WIDGET (fixture->w.window->target_page), "tcp://127.0.0.1:5432"));
  g_assert_true (has_label (GTK_WIDGET (fixture->w.window->target_page), "Down"));
}

static void
test_window_remove_undo (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LookoutTarget) first = add_target (fixture, "icmp://127.0.0.1", "Loopback");
  g_autoptr(LookoutTarget) second = add_target (fixture, "udp://127.0.0.1:5353", "Resolver");
  GListModel *targets = lookout_monitor_get_targets (fixture->w.monitor);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = lookout_target_get_id (second);
  gboolean found = FALSE;

  gtk_single_selection_set_selected (fixture->w.window->selection, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.remove-target", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 1);
  g_assert_nonnull (fixture->w.window->removed_toast);
  g_assert_cmpstr (adw_toast_get_title (fixture->w.window->removed_toast), ==, "Removed “Resolver”");
  g_assert_cmpstr (adw_toast_get_button_label (fixture->w.window->removed_toast), ==, "_Undo");

  /* Undo puts back the same object, id included. */
  g_signal_emit_by_name (fixture->w.window->removed_toast, "button-clicked");
  LOOKOUT_TEST_WAIT (g_list_model_get_n_items (targets) == 2);
  g_assert_true (lookout_monitor_find_target (fixture->w.monitor, id) == second);
  g_assert_cmpint (lookout_target_get_id (second), ==, id);

  stored = lookout_store_load_targets_sync (fixture->w.store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    if (lookout_target_get_id (stored->pdata[i]) == id)
      {
        g_assert_cmpstr (lookout_target_get_name (stored->pdata[i]), ==, "Resolver");
        found = TRUE;
      }
  g_assert_true (found);

  /* Removing everything brings the introduction back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.remove-target", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.remove-target", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "empty");
  (void) first;
}

static void
saved_cb (LookoutTargetDialog  *dialog,
          LookoutTarget        *target,
          LookoutTarget       **out)
{
  g_set_object (out, target);
}

static void
test_window_dialog_add_edit (Fixture       *fixture,
                             gconstpointer  data)
{
  GListModel *targets = lookout_monitor_get_targets (fixture->w.monitor);
  g_autoptr(LookoutTarget) saved = NULL;
  g_autoptr(LookoutTarget) edited = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *dialog;

  dialog = g_object_ref_sink (lookout_target_dialog_new (fixture->w.monitor, NULL));
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "tcp://127.0.0.1:9");
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  LOOKOUT_TEST_WAIT (saved != NULL);
  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 1);
  g_assert_cmpint (lookout_target_get_id (saved), >, 0);
  g_assert_cmpstr (lookout_target_get_uri_string (saved), ==, "tcp://127.0.0.1:9");
  g_object_unref (dialog);

  /* The same address again is allowed, with a warning. */
  dialog = g_object_ref_sink (lookout_target_dialog_new (fixture->w.monitor, NULL));
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "tcp://127.0.0.1:9");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->address_error)));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->address_error), "warning"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (dialog->confirm_button)));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  /* Editing changes the target in place and in the store. */
  dialog = g_object_ref_sink (lookout_target_dialog_new (fixture->w.monitor, saved));
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &edited);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->address_error)));
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Discard service");
  gtk_spin_button_set_value (dialog->interval_spin, 30);
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  /* "saved" comes once the store has it. */
  LOOKOUT_TEST_WAIT (edited != NULL);
  g_assert_true (edited == saved);
  g_assert_cmpstr (lookout_target_get_name (saved), ==, "Discard service");
  g_assert_cmpuint (lookout_target_get_interval (saved), ==, 30);
  g_object_unref (dialog);

  stored = lookout_store_load_targets_sync (fixture->w.store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (lookout_target_get_name (stored->pdata[0]), ==, "Discard service");
  g_assert_cmpuint (lookout_target_get_interval (stored->pdata[0]), ==, 30);
}

static gsize
count_samples (LookoutStore *store,
               gint64        target_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = lookout_store_query_samples_sync (store, target_id, 0, G_MAXINT64, NULL, &error);

  g_assert_no_error (error);
  return samples->len;
}

/* A new address asks whether the old history goes on or a fresh one
 * starts; the two are never mixed silently. */
static void
test_window_edit_address_history (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (fixture, "tcp://127.0.0.1:9", "Service");
  GListModel *targets = lookout_monitor_get_targets (fixture->w.monitor);
  g_autoptr(LookoutTarget) saved = NULL;
  g_autoptr(LookoutTarget) kept = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *dialog;
  gint64 old_id = lookout_target_get_id (target);
  LookoutSample sample = {
    .target_id = old_id, .ts_ms = G_GINT64_CONSTANT (1767225600000), .latency_us = 900,
    .state = LOOKOUT_TARGET_STATE_UP, .code = LOOKOUT_SAMPLE_NO_CODE,
  };

  lookout_store_append_sample (fixture->w.store, &sample);
  lookout_store_flush_sync (fixture->w.store, &error);
  g_assert_no_error (error);

  /* Keep History: the same target, with the new address. */
  dialog = g_object_ref_sink (lookout_target_dialog_new (fixture->w.monitor, target));
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &kept);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "tcp://127.0.0.1:7");
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  g_assert_nonnull (dialog->history_question);
  g_assert_null (kept);
  adw_message_dialog_response (dialog->history_question, "keep");
  LOOKOUT_TEST_WAIT (kept != NULL);
  g_assert_true (kept == target);
  g_assert_cmpint (lookout_target_get_id (target), ==, old_id);
  g_assert_cmpstr (lookout_target_get_uri_string (target), ==, "tcp://127.0.0.1:7");
  g_object_unref (dialog);

  /* Start Fresh: another target takes its place, with no history yet. */
  dialog = g_object_ref_sink (lookout_target_dialog_new (fixture->w.monitor, target));
  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "tcp://127.0.0.1:13");
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  g_assert_nonnull (dialog->history_question);
  adw_message_dialog_response (dialog->history_question, "fresh");
  LOOKOUT_TEST_WAIT (saved != NULL || gtk_widget_get_visible (GTK_WIDGET (dialog->general_error)));
  g_assert_cmpstr (gtk_label_get_label (dialog->general_error), ==, "");
  g_assert_nonnull (saved);
  g_assert_cmpint (lookout_target_get_id (saved), >, 0);
  g_assert_cmpint (lookout_target_get_id (saved), !=, old_id);
  g_assert_cmpstr (lookout_target_get_uri_string (saved), ==, "tcp://127.0.0.1:13");
  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 1);
  g_assert_null (lookout_monitor_find_target (fixture->w.monitor, old_id));
  g_assert_cmpuint (count_samples (fixture->w.store, lookout_target_get_id (saved)), ==, 0);
  g_assert_cmpuint (count_samples (fixture->w.store, old_id), ==, 1);
  g_object_unref (dialog);
}

static GtkAdjustment *
page_vadjustment (LookoutWindow *window)
{
  AdwPreferencesPage *page = NULL;
  GtkWidget *widget = GTK_WIDGET (window->target_page);

  /* The target page's AdwPreferencesPage and its scrolled window. */
  while (widget != NULL && !ADW_IS_PREFERENCES_PAGE (widget))
    widget = gtk_widget_get_first_child (widget);
  page = ADW_PREFERENCES_PAGE (widget);
  g_assert_nonnull (page);
  for (widget = gtk_widget_get_first_child (GTK_WIDGET (page)); widget; widget = gtk_widget_get_next_sibling (widget))
    if (GTK_IS_SCROLLED_WINDOW (widget))
      return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  g_assert_not_reached ();
}

/* Another target's page starts at its top; activating a row while the map
 * is shown shows that target's page. */
static void
test_window_switch_resets_view (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(LookoutTarget) first = add_target (fixture, "tcp://127.0.0.1:9", "First");
  g_autoptr(LookoutTarget) second = add_target (fixture, "tcp://127.0.0.1:7", "Second");
  GtkAdjustment *adjustment;

  gtk_window_set_default_size (GTK_WINDOW (fixture->w.window), 900, 360);
  gtk_single_selection_set_selected (fixture->w.window->selection, 0);
  adjustment = page_vadjustment (fixture->w.window);
  LOOKOUT_TEST_WAIT (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 100);
  gtk_adjustment_set_value (adjustment, 100);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 100);

  gtk_single_selection_set_selected (fixture->w.window->selection, 1);
  g_assert_true (lookout_target_page_get_target (fixture->w.window->target_page) == second);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);

  gtk_toggle_button_set_active (fixture->w.window->dashboard_button, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "dashboard");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window->list_view),
                                             "list.activate-item", "u", 0));
  g_assert_false (lookout_window_map_is_shown (fixture->w.window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "target");
  g_assert_true (lookout_target_page_get_target (fixture->w.window->target_page) == first);
}

static GtkWidget *
find_widget_of_type (GtkWidget *widget,
                     GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget_of_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* "Back to Live" appearing moves nothing else in the page's column. */
static void
test_window_column_steady (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (fixture, "tcp://127.0.0.1:9", "Service");
  GtkWidget *plot, *export_label, *page = GTK_WIDGET (fixture->w.window->target_page);
  graphene_rect_t before, after;

  gtk_single_selection_set_selected (fixture->w.window->selection, 0);
  plot = find_widget_of_type (page, LOOKOUT_TYPE_PLOT);
  g_assert_nonnull (plot);
  LOOKOUT_TEST_WAIT (gtk_widget_get_width (plot) > 0);
  lookout_test_run_for (100);
  g_assert_true (gtk_widget_compute_bounds (plot, page, &before));

  lookout_plot_set_live (LOOKOUT_PLOT (plot), FALSE);
  lookout_test_run_for (200);
  g_assert_true (gtk_widget_compute_bounds (plot, page, &after));
  g_assert_cmpfloat (before.origin.x, ==, after.origin.x);
  g_assert_cmpfloat (before.size.width, ==, after.size.width);

  /* Nor does the note after the export button. */
  export_label = gtk_widget_get_next_sibling (find_widget_of_type (page, GTK_TYPE_MENU_BUTTON));
  g_assert_true (GTK_IS_LABEL (export_label));
  gtk_label_set_label (GTK_LABEL (export_label), "Exported");
  lookout_test_run_for (200);
  g_assert_true (gtk_widget_compute_bounds (plot, page, &after));
  g_assert_cmpfloat (before.origin.x, ==, after.origin.x);
  g_assert_cmpfloat (before.size.width, ==, after.size.width);
}

static void
test_window_saves_size (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  gtk_window_set_default_size (GTK_WINDOW (fixture->w.window), 700, 500);
  gtk_window_close (GTK_WINDOW (fixture->w.window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

static GtkWidget *
find_menu_item (GtkWidget  *widget,
                const char *text)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    {
      g_autofree char *item_text = NULL;

      g_object_get (widget, "text", &item_text, NULL);
      if (g_strcmp0 (item_text, text) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_item (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
dialog_is_open (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (LOOKOUT_IS_TARGET_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return TRUE;
    }

  return FALSE;
}

static void
close_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i - 1);

      if (LOOKOUT_IS_TARGET_DIALOG (window))
        gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* The row menu (Shift+F10 or a right click): its items reach the window's
 * actions once the menu has closed. */
static void
test_window_row_menu (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LookoutTarget) first = add_target (fixture, "tcp://127.0.0.1:9", "Discard");
  g_autoptr(LookoutTarget) second = add_target (fixture, "tcp://127.0.0.1:7", "Echo");
  GListModel *targets = lookout_monitor_get_targets (fixture->w.monitor);
  g_autoptr(GObject) remaining = NULL;
  GtkWidget *item;

  gtk_widget_grab_focus (GTK_WIDGET (fixture->w.window->list_view));
  gtk_single_selection_set_selected (fixture->w.window->selection, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.show-target-menu", NULL));
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (fixture->w.window->target_popover));
  item = find_menu_item (fixture->w.window->target_popover, "Edit…");
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
  LOOKOUT_TEST_WAIT (dialog_is_open ());
  g_assert_false (gtk_widget_get_visible (fixture->w.window->target_popover));
  close_dialogs ();

  /* Twice: the same menu serves again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->w.window), "win.show-target-menu", NULL));
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (fixture->w.window->target_popover));
  item = find_menu_item (fixture->w.window->target_popover, "Remove");
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 1);
  remaining = g_list_model_get_item (targets, 0);
  g_assert_true (remaining == (gpointer) first);
  g_assert_null (lookout_monitor_find_target (fixture->w.monitor, lookout_target_get_id (second)));
}

/* The dashboard draws 16 lines in 16 distinct colours and, with more
 * targets than that, the ones in trouble first. */
static void
test_window_dashboard_trouble_first (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *dashboard = g_object_ref_sink (lookout_dashboard_plot_new ());
  LookoutPlot *plot = lookout_dashboard_plot_get_plot (LOOKOUT_DASHBOARD_PLOT (dashboard));
  LookoutTarget *last;
  gboolean shown = FALSE;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", 1000 + i);

      g_ptr_array_add (targets, add_target (fixture, uri, NULL));
    }
  lookout_dashboard_plot_set_monitor (LOOKOUT_DASHBOARD_PLOT (dashboard), fixture->w.monitor);
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, LOOKOUT_DASHBOARD_PLOT_MAX_LINES);

  for (guint i = 0; i < lookout_plot_get_n_lines (plot); i++)
    for (guint j = i + 1; j < lookout_plot_get_n_lines (plot); j++)
      {
        GdkRGBA a, b;

        lookout_plot_get_target_color (plot, lookout_plot_get_line_target (plot, i), &a);
        lookout_plot_get_target_color (plot, lookout_plot_get_line_target (plot, j), &b);
        g_assert_false (gdk_rgba_equal (&a, &b));
      }

  /* The last target, not drawn, goes down: it is drawn, first. */
  last = targets->pdata[19];
  for (guint i = 0; i < lookout_plot_get_n_lines (plot); i++)
    g_assert_cmpint (lookout_plot_get_line_target (plot, i), !=, lookout_target_get_id (last));
  for (guint k = 0; k < 10 && lookout_target_get_state (last) != LOOKOUT_TARGET_STATE_DOWN; k++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

      result->started_ms = G_GINT64_CONSTANT (1767225600000) + k * 1000;
      result->ok = FALSE;
      result->state = LOOKOUT_TARGET_STATE_DOWN;
      result->error_code = LOOKOUT_PROBE_ERROR_REFUSED;
      result->error = g_strdup ("Connection refused");
      lookout_monitor_handle_result (fixture->w.monitor, last, result);
    }
  g_assert_cmpint (lookout_target_get_state (last), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (lookout_plot_get_line_target (plot, 0), ==, lookout_target_get_id (last));
  for (guint i = 0; i < lookout_plot_get_n_lines (plot); i++)
    shown |= lookout_plot_get_line_target (plot, i) == lookout_target_get_id (last);
  g_assert_true (shown);
  g_assert_cmpuint (lookout_plot_get_n_lines (plot), ==, LOOKOUT_DASHBOARD_PLOT_MAX_LINES);

  lookout_dashboard_plot_set_monitor (LOOKOUT_DASHBOARD_PLOT (dashboard), NULL);
  g_object_unref (dashboard);
}

/* An older file's history moving into chunks shows its progress in a toast
 * that goes when it is done. */
static void
test_window_migration_progress (void)
{
  LookoutTestWindow w = { NULL };
  GError *error = NULL;

  w.tmp = lookout_test_store_new_empty ();
  lookout_test_store_write_v1 (w.tmp, 2, 100000);
  w.tmp->store = lookout_store_open_sync (w.tmp->path, NULL, &error);
  g_assert_no_error (error);
  w.store = w.tmp->store;
  w.monitor = lookout_test_monitor_new (w.store);
  w.window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  g_object_ref_sink (w.window);

  /* Progress reaches the window through its main context, which has not
   * run yet: the move has only begun. */
  g_assert_cmpfloat (lookout_store_get_migration_progress (w.store), <, 1.0);
  lookout_window_set_monitor (w.window, w.monitor);
  gtk_window_present (GTK_WINDOW (w.window));
  g_assert_nonnull (w.window->migration_toast);
  g_assert_nonnull (strstr (adw_toast_get_title (w.window->migration_toast), "%"));

  LOOKOUT_TEST_WAIT (lookout_store_get_migration_progress (w.store) == 1.0);
  LOOKOUT_TEST_WAIT (w.window->migration_toast == NULL);

  lookout_test_window_close (&w);
}

static void
count_cb (guint *frames)
{
  (*frames)++;
}

/* Nothing animates on a page that is not shown: the loading spinner of
 * the content stack kept the frame clock painting every frame. */
static void
test_window_idle_frames (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LookoutTarget) target = add_target (fixture, "tcp://127.0.0.1:9", "Service");
  GtkWidget *loading = gtk_stack_get_child_by_name (fixture->w.window->content_stack, "loading");
  GdkFrameClock *clock;
  guint frames = 0;
  gulong id;

  gtk_single_selection_set_selected (fixture->w.window->selection, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (fixture->w.window->content_stack), ==, "target");
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (loading)));

  /* Settled, an idle window paints (next to) nothing. Settling (the page's
   * transition, the first check's result) takes longer on a loaded
   * machine: wait for a quiet half second, for 10 s at most; a window
   * that keeps painting never has one and fails below. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->w.window));
  id = g_signal_connect_swapped (clock, "paint", G_CALLBACK (count_cb), &frames);
  for (guint i = 0; i < 20; i++)
    {
      frames = 0;
      lookout_test_run_for (500);
      if (frames < 5)
        break;
    }
  frames = 0;
  lookout_test_run_for (1000);
  g_signal_handler_disconnect (clock, id);
  g_assert_cmpuint (frames, <, 20);
}

static GtkLabel *
row_latency_label (GtkWidget *row)
{
  for (GtkWidget *child = gtk_widget_get_first_child (row); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "numeric"))
        return GTK_LABEL (child);
      found = row_latency_label (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a row in view shows @target with @latency. */
static gboolean
row_shows (LookoutWindow *window,
           LookoutTarget *target,
           const char    *latency)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (window->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && LOOKOUT_IS_TARGET_ROW (row)
          && lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)) == target
          && !lookout_widget_out_of_view (row))
        return g_strcmp0 (gtk_label_get_label (row_latency_label (row)), latency) == 0;
    }

  return FALSE;
}

static void
feed_latency (Fixture       *fixture,
              LookoutTarget *target,
              gint64         latency_us)
{
  g_autoptr(LookoutResult) result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->started_ms = g_get_real_time () / 1000;
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = latency_us;
  lookout_monitor_handle_result (fixture->w.monitor, target, result);
}

/* A result for a row the list keeps bound out of view changes nothing
 * there (no relayout, no frame); the row catches up when it scrolls in. */
static void
test_window_rows_out_of_view (Fixture       *fixture,
                              gconstpointer  data)
{
  LookoutWindow *window = fixture->w.window;
  g_autofree char *shown = lookout_format_latency (42000);
  LookoutTargetRow *hidden_row = NULL, *visible_row = NULL;
  LookoutTarget *hidden_target;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  guint position;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 400);
  for (guint i = 0; i < 80; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", 2000 + i);
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (targets, lookout_target_new_from_string (uri, &error));
      g_assert_no_error (error);
    }
  lookout_test_add_targets (fixture->w.monitor, targets, LOOKOUT_TEST_WAIT_MS);
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (window->list_view)));
  lookout_test_run_for (200);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (window->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row == NULL || !LOOKOUT_IS_TARGET_ROW (row) || lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)) == NULL)
        continue;
      if (!lookout_widget_out_of_view (row))
        visible_row = visible_row ? visible_row : LOOKOUT_TARGET_ROW (row);
      else
        hidden_row = LOOKOUT_TARGET_ROW (row);
    }
  g_assert_nonnull (visible_row);
  g_assert_nonnull (hidden_row);

  /* In view: at once. */
  feed_latency (fixture, lookout_target_row_get_target (visible_row), 42000);
  g_assert_cmpstr (gtk_label_get_label (row_latency_label (GTK_WIDGET (visible_row))), ==, shown);

  /* Out of view: left as it was... */
  hidden_target = lookout_target_row_get_target (hidden_row);
  feed_latency (fixture, hidden_target, 42000);
  g_assert_cmpstr (gtk_label_get_label (row_latency_label (GTK_WIDGET (hidden_row))), !=, shown);

  /* ...until it is scrolled to (in whichever row then shows it). */
  g_assert_true (lookout_window_find_position (window, hidden_target, &position));
  gtk_widget_activate_action (GTK_WIDGET (window->list_view), "list.scroll-to-item", "u", position);
  LOOKOUT_TEST_WAIT (row_shows (window, hidden_target, shown));
}

/* The target of the row whose list item has @flag (SELECTED, FOCUSED),
 * and how many rows have it. */
static LookoutTarget *
row_with_flag (LookoutWindow *window,
               GtkStateFlags  flag,
               guint         *out_count)
{
  LookoutTarget *found = NULL;

  *out_count = 0;
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (window->list_view));
       item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row == NULL || !LOOKOUT_IS_TARGET_ROW (row) || !gtk_widget_get_visible (item))
        continue;
      if (gtk_widget_get_state_flags (item) & flag)
        {
          found = lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row));
          (*out_count)++;
        }
    }

  return found;
}

static guint
n_rows_with (LookoutWindow *window,
             GtkStateFlags  flag)
{
  guint n;

  row_with_flag (window, flag, &n);
  return n;
}

static gboolean
count_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* How many rows look other than a plain one, as drawn: the selected row's
 * colour, a focus ring or any shade at the row's left edge, where no row
 * draws content. A frame may still show the state before the last change
 * (children's drawings are cached until a frame redraws them): callers
 * wait for the count they expect. */
static guint
n_rows_drawn_current (LookoutWindow *window)
{
  GtkWidget *list = GTK_WIDGET (window->list_view);
  GtkWidget *parent = gtk_widget_get_parent (list);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  graphene_rect_t area;
  int width, height;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *data = NULL;
  g_autoptr(GHashTable) looks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func (g_free);
  guint plain = 0, n = 0;

  guint ticks = 0, tick_id;

  /* Drawn as its parent draws it, once a frame has laid out the change. */
  tick_id = gtk_widget_add_tick_callback (list, count_tick_cb, &ticks, NULL);
  gtk_widget_queue_draw (list);
  LOOKOUT_TEST_WAIT (ticks >= 2);
  gtk_widget_remove_tick_callback (list, tick_id);

  g_assert_true (gtk_widget_compute_bounds (list, parent, &area));
  width = (int) area.size.width;
  height = (int) area.size.height;
  gtk_widget_snapshot_child (parent, list, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (list)), node, &area);
  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, width * 4);

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GString *signature = g_string_new (NULL);
      graphene_rect_t bounds;
      int y;

      if (!LOOKOUT_IS_TARGET_ROW (gtk_widget_get_first_child (item)) || !gtk_widget_get_mapped (item) ||
          !gtk_widget_compute_bounds (item, list, &bounds) || bounds.origin.y < 0 ||
          bounds.origin.y + bounds.size.height > height)
        continue;
      y = (int) (bounds.origin.y + bounds.size.height / 2);
      for (int x = (int) bounds.origin.x; x < (int) bounds.origin.x + 6 && x < width; x++)
        g_string_append_printf (signature, "%08x", *(guint32 *) (data + ((gsize) y * width + x) * 4));
      g_hash_table_insert (looks, g_strdup (signature->str),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (looks, signature->str)) + 1));
      g_ptr_array_add (signatures, g_string_free (signature, FALSE));
    }

  /* The look most rows share is the plain one. */
  for (guint i = 0; i < signatures->len; i++)
    plain = MAX (plain, GPOINTER_TO_UINT (g_hash_table_lookup (looks, signatures->pdata[i])));
  g_assert_cmpuint (plain, >=, 2);
  for (guint i = 0; i < signatures->len; i++)
    n += GPOINTER_TO_UINT (g_hash_table_lookup (looks, signatures->pdata[i])) != plain;

  return n;
}

/* Exactly one row is selected, it is @target, and the keyboard focus is
 * on it (@in_list) or on no row: no second row looks current. */
static void
assert_one_current (Fixture       *fixture,
                    LookoutTarget *target,
                    gboolean       in_list)
{
  LookoutWindow *window = fixture->w.window;
  guint selected_rows, focused_rows;

  LookoutTarget *row;

  LOOKOUT_TEST_WAIT (lookout_test_window_find_row (window, target) != NULL);
  g_assert_cmpstr (lookout_target_get_name (lookout_window_get_selected_target (window)), ==,
                   lookout_target_get_name (target));
  row = row_with_flag (window, GTK_STATE_FLAG_SELECTED, &selected_rows);
  g_assert_cmpuint (selected_rows, ==, 1);
  g_assert_cmpstr (lookout_target_get_name (row), ==, lookout_target_get_name (target));
  row = row_with_flag (window, GTK_STATE_FLAG_FOCUSED, &focused_rows);
  if (!in_list)
    {
      g_assert_cmpuint (focused_rows, ==, 0);
      return;
    }
  g_assert_cmpuint (focused_rows, ==, 1);
  g_assert_cmpstr (lookout_target_get_name (row), ==, lookout_target_get_name (target));
}

/* Item 11 of issue 12: the keyboard focus stays with the selected row
 * whatever moved the selection: keys, a search and its end, a target
 * picked from the dashboard, the map or a notification, a removal. */
static void
test_window_one_current_row (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(LookoutTarget) a = add_target (fixture, "tcp://127.0.0.1:9", "Alpha");
  g_autoptr(LookoutTarget) b = add_target (fixture, "tcp://127.0.0.1:7", "Bravo");
  g_autoptr(LookoutTarget) c = add_target (fixture, "tcp://127.0.0.1:13", "Charlie");
  g_autoptr(LookoutTarget) d = add_target (fixture, "tcp://127.0.0.1:19", "Delta");
  LookoutWindow *window = fixture->w.window;
  GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window->finder),
                                                                     LOOKOUT_TYPE_TARGET_FINDER,
                                                                     "search_entry"));
  GListModel *targets = lookout_monitor_get_targets (fixture->w.monitor);

  /* As after a key press: focus rings are drawn. The list shows, also in
   * a window narrowed by an earlier test's saved size. */
  gtk_window_set_focus_visible (GTK_WINDOW (window), TRUE);
  adw_leaflet_set_visible_child (window->leaflet, window->sidebar);
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (window->list_view)));

  /* Tab into the list: the selected row takes the focus. */
  LOOKOUT_TEST_WAIT (lookout_test_window_find_row (window, d) != NULL);
  gtk_widget_child_focus (GTK_WIDGET (window->list_view), GTK_DIR_TAB_FORWARD);
  assert_one_current (fixture, a, TRUE);

  /* Arrow keys move the focus and the selection together. */
  gtk_widget_child_focus (GTK_WIDGET (window->list_view), GTK_DIR_DOWN);
  assert_one_current (fixture, b, TRUE);

  /* Selected from code while the focus is in the list. */
  gtk_single_selection_set_selected (window->selection, 2);
  assert_one_current (fixture, c, TRUE);
  LOOKOUT_TEST_WAIT (n_rows_drawn_current (window) == 1);

  /* Picked elsewhere (dashboard, map, notification): the focus follows,
   * and one row only is drawn as current. */
  lookout_window_select_target (window, a);
  assert_one_current (fixture, a, TRUE);
  lookout_window_select_target (window, d);
  assert_one_current (fixture, d, TRUE);
  LOOKOUT_TEST_WAIT (n_rows_drawn_current (window) == 1);

  /* A search leaves one row; cleared, that one is still current, and
   * back in the list the focus is on it. */
  gtk_widget_grab_focus (GTK_WIDGET (search));
  gtk_editable_set_text (search, "bravo");
  LOOKOUT_TEST_WAIT (lookout_window_get_selected_target (window) == b);
  assert_one_current (fixture, b, FALSE);
  gtk_editable_set_text (search, "");
  LOOKOUT_TEST_WAIT (lookout_test_window_find_row (window, d) != NULL);
  assert_one_current (fixture, b, FALSE);
  gtk_widget_child_focus (GTK_WIDGET (window->list_view), GTK_DIR_TAB_FORWARD);
  assert_one_current (fixture, b, TRUE);

  /* Removing the selected target: its neighbour is current. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-target", NULL);
  LOOKOUT_TEST_WAIT (g_list_model_get_n_items (targets) == 3);
  /* once the list is laid out again */
  LOOKOUT_TEST_WAIT (n_rows_with (window, GTK_STATE_FLAG_FOCUSED) == 1);
  assert_one_current (fixture, lookout_window_get_selected_target (window), TRUE);
  g_assert_true (lookout_window_get_selected_target (window) != b);
  LOOKOUT_TEST_WAIT (n_rows_drawn_current (window) == 1);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/window/migration-progress", test_window_migration_progress);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/window/empty", test_window_empty);
  ADD ("/gui/window/rows", test_window_rows);
  ADD ("/gui/window/remove-undo", test_window_remove_undo);
  ADD ("/gui/window/dialog-add-edit", test_window_dialog_add_edit);
  ADD ("/gui/window/saves-size", test_window_saves_size);
  ADD ("/gui/window/row-menu", test_window_row_menu);
  ADD ("/gui/window/column-steady", test_window_column_steady);
  ADD ("/gui/window/switch-resets-view", test_window_switch_resets_view);
  ADD ("/gui/window/edit-address-history", test_window_edit_address_history);
  ADD ("/gui/window/dashboard-trouble-first", test_window_dashboard_trouble_first);
  ADD ("/gui/window/idle-frames", test_window_idle_frames);
  ADD ("/gui/window/rows-out-of-view", test_window_rows_out_of_view);
  ADD ("/gui/window/one-current-row", test_window_one_current_row);
#undef ADD

  return g_test_run ();
}
