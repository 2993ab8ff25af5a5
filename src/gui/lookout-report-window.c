/* lookout-report-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Report window: LookoutReport (core) computed in a worker thread for
 * the chosen range, shown in a GtkColumnView whose columns sort through the
 * rows' properties. The cells are the rows' own formatting, so the window,
 * the CSV, the printed page and `lookout-agent report` say the same numbers.
 * Printing lays out the text report in a monospaced font, page by page. */

#define G_LOG_DOMAIN "lookout-report-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lookout-report-window-private.h"

struct _LookoutReportWindow
{
  AdwWindow             parent_instance;

  LookoutMonitor       *monitor;
  LookoutReport        *report;
  GCancellable         *cancellable;
  GtkNativeDialog      *chooser;
  GtkSortListModel     *sorted;

  /* Printing: the report's lines and how many fit on a page. */
  char                **print_lines;
  guint                 lines_per_page;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkToggleButton      *range_buttons[4];  /* in the order of range_ms */
  GtkColumnView        *column_view;
};

G_DEFINE_FINAL_TYPE (LookoutReportWindow, lookout_report_window, ADW_TYPE_WINDOW)

/* Hour, day, week, month: the order of the range buttons. */
static const gint64 range_ms[] = {
  3600 * 1000,
  24 * 3600 * 1000,
  7 * 24 * 3600 * 1000LL,
  30 * 24 * 3600 * 1000LL,
};

static void
toast (LookoutReportWindow *self,
       const char          *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LookoutReportWindow) self = user_data;
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *subtitle = NULL;

  report = lookout_report_compute_finish (result, &error);
  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  g_set_object (&self->report, report);
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (report));

  from = g_date_time_new_from_unix_local (lookout_report_get_from_ms (report) / 1000);
  to = g_date_time_new_from_unix_local (lookout_report_get_to_ms (report) / 1000);
  from_text = g_date_time_format (from, "%x %X");
  to_text = g_date_time_format (to, "%x %X");
  /* Translators: the report's range, "12/01/26 10:00:00 to 12/02/26 10:00:00" */
  subtitle = g_strdup_printf (_("%s to %s"), from_text, to_text);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
recompute (LookoutReportWindow *self)
{
  gint64 now_ms = g_get_real_time () / 1000;
  guint selected = 1;

  if (self->monitor == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (range_ms); i++)
    if (gtk_toggle_button_get_active (self->range_buttons[i]))
      selected = i;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  lookout_report_compute_async (lookout_monitor_get_store (self->monitor),
                                lookout_monitor_get_targets (self->monitor),
                                now_ms - range_ms[selected], now_ms + 1,
                                self->cancellable, computed_cb, g_object_ref (self));
}

static void
range_toggled_cb (LookoutReportWindow *self,
                  GtkToggleButton     *button)
{
  /* Each change toggles two buttons: follow the one turned on. */
  if (gtk_toggle_button_get_active (button))
    recompute (self);
}

/* ---- columns ---- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  LookoutReportColumn column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  /* Text columns keep room for a useful part of their text; the numbers'
   * headings are wider than the numbers anyway. */
  static const int width_chars[LOOKOUT_REPORT_N_COLUMNS] = {
    [LOOKOUT_REPORT_COLUMN_NAME] = 12,
    [LOOKOUT_REPORT_COLUMN_URI] = 20,
    [LOOKOUT_REPORT_COLUMN_PLACE] = 10,
    [LOOKOUT_REPORT_COLUMN_LAST_STATE] = 8,
  };

  gtk_label_set_xalign (GTK_LABEL (label), lookout_report_column_is_numeric (column) ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), column == LOOKOUT_REPORT_COLUMN_URI ? PANGO_ELLIPSIZE_MIDDLE
                                                                                : PANGO_ELLIPSIZE_END);
  if (width_chars[column] > 0)
    gtk_label_set_width_chars (GTK_LABEL (label), width_chars[column]);
  if (lookout_report_column_is_numeric (column))
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  LookoutReportColumn column = GPOINTER_TO_UINT (user_data);
  LookoutReportRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = lookout_report_row_format (row, column);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
add_columns (LookoutReportWindow *self)
{
  g_autoptr(GTypeClass) row_class = g_type_class_ref (LOOKOUT_TYPE_REPORT_ROW);

  for (guint i = 0; i < LOOKOUT_REPORT_N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      GtkExpression *expression;
      GtkSorter *sorter;
      GParamSpec *pspec;

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (i));

      pspec = g_object_class_find_property (G_OBJECT_CLASS (row_class),
                                            lookout_report_column_get_property (i));
      g_assert (pspec != NULL);
      expression = gtk_property_expression_new (LOOKOUT_TYPE_REPORT_ROW, NULL, pspec->name);
      if (pspec->value_type == G_TYPE_STRING)
        sorter = GTK_SORTER (gtk_string_sorter_new (expression));
      else
        sorter = GTK_SORTER (gtk_numeric_sorter_new (expression));

      column = gtk_column_view_column_new (lookout_report_column_get_title (i),
                                           g_steal_pointer (&factory));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (i == LOOKOUT_REPORT_COLUMN_URI)
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (sorter);
    }
}

/* ---- export ---- */

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LookoutReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }

  toast (self, _("Report exported"));
}

static void
chooser_responded_cb (GtkNativeDialog     *chooser,
                      int                  response,
                      LookoutReportWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->report != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *csv = lookout_report_to_csv (self->report);
      gsize length = strlen (csv);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&csv), length);

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION, self->cancellable,
                                           saved_cb, g_object_ref (self));
    }

  g_clear_object (&self->chooser);
}

static void
export_csv_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  LookoutReportWindow *self = LOOKOUT_REPORT_WINDOW (widget);
  GtkFileChooserNative *chooser;

  if (self->report == NULL || self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Export as CSV"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "lookout-report.csv");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* ---- printing ---- */

static PangoLayout *
make_print_layout (GtkPrintContext *context,
                   const char      *text)
{
  PangoLayout *layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Monospace 7");

  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
begin_print_cb (GtkPrintOperation   *operation,
                GtkPrintContext     *context,
                LookoutReportWindow *self)
{
  g_autofree char *text = lookout_report_to_text (self->report);
  g_autoptr(PangoLayout) layout = make_print_layout (context, "M");
  int line_height;
  guint n_lines;

  g_clear_pointer (&self->print_lines, g_strfreev);
  self->print_lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (self->print_lines);

  pango_layout_get_pixel_size (layout, NULL, &line_height);
  self->lines_per_page = MAX (1, (guint) (gtk_print_context_get_height (context) / MAX (line_height, 1)));
  gtk_print_operation_set_n_pages (operation,
                                   MAX (1, (n_lines + self->lines_per_page - 1) / self->lines_per_page));
}

static void
draw_page_cb (GtkPrintOperation   *operation,
              GtkPrintContext     *context,
              int                  page_nr,
              LookoutReportWindow *self)
{
  g_autoptr(GString) page = g_string_new (NULL);
  g_autoptr(PangoLayout) layout = NULL;
  guint n_lines = g_strv_length (self->print_lines);
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  for (guint i = page_nr * self->lines_per_page;
       i < n_lines && i < (page_nr + 1) * self->lines_per_page; i++)
    {
      g_string_append (page, self->print_lines[i]);
      g_string_append_c (page, '\n');
    }

  layout = make_print_layout (context, page->str);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, layout);
}

GtkPrintOperationResult
lookout_report_window_print (LookoutReportWindow      *self,
                             GtkPrintOperationAction   action,
                             const char               *export_path,
                             GError                  **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();

  g_return_val_if_fail (LOOKOUT_IS_REPORT_WINDOW (self), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (self->report != NULL, GTK_PRINT_OPERATION_RESULT_ERROR);

  operation = gtk_print_operation_new ();
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_job_name (operation, _("Lookout report"));
  if (export_path != NULL)
    gtk_print_operation_set_export_filename (operation, export_path);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);

  return gtk_print_operation_run (operation, action, GTK_WINDOW (self), error);
}

static void
print_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  LookoutReportWindow *self = LOOKOUT_REPORT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->report == NULL)
    return;

  /* The dialog offers every printer and "Print to File", as PDF. */
  if (lookout_report_window_print (self, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error)
      == GTK_PRINT_OPERATION_RESULT_ERROR)
    toast (self, error->message);
}

/* ---- GObject ---- */

static void
lookout_report_window_dispose (GObject *object)
{
  LookoutReportWindow *self = (LookoutReportWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_REPORT_WINDOW);
  g_clear_object (&self->sorted);
  g_clear_object (&self->report);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_report_window_parent_class)->dispose (object);
}

static void
lookout_report_window_finalize (GObject *object)
{
  LookoutReportWindow *self = (LookoutReportWindow *) object;

  g_clear_pointer (&self->print_lines, g_strfreev);

  G_OBJECT_CLASS (lookout_report_window_parent_class)->finalize (object);
}

static void
lookout_report_window_class_init (LookoutReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_report_window_dispose;
  object_class->finalize = lookout_report_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-report-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutReportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LookoutReportWindow, window_title);
  gtk_widget_class_bind_template_child_full (widget_class, "hour_button", FALSE,
                                             G_STRUCT_OFFSET (LookoutReportWindow, range_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "day_button", FALSE,
                                             G_STRUCT_OFFSET (LookoutReportWindow, range_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "week_button", FALSE,
                                             G_STRUCT_OFFSET (LookoutReportWindow, range_buttons[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "month_button", FALSE,
                                             G_STRUCT_OFFSET (LookoutReportWindow, range_buttons[3]));
  gtk_widget_class_bind_template_child (widget_class, LookoutReportWindow, column_view);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);
  gtk_widget_class_install_action (widget_class, "report.export-csv", NULL, export_csv_activated);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "report.print", NULL);
}

static void
lookout_report_window_init (LookoutReportWindow *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  add_columns (self);
  self->sorted = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
lookout_report_window_new (GtkWindow      *transient_for,
                           LookoutMonitor *monitor)
{
  LookoutReportWindow *self;

  g_return_val_if_fail (transient_for == NULL || GTK_IS_WINDOW (transient_for), NULL);
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_REPORT_WINDOW, "transient-for", transient_for, NULL);
  self->monitor = g_object_ref (monitor);
  recompute (self);

  return GTK_WIDGET (self);
}

LookoutReport *
lookout_report_window_get_report (LookoutReportWindow *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REPORT_WINDOW (self), NULL);

  return self->report;
}
