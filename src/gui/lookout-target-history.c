/* lookout-target-history.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The plot of one target with its range bar, the statistics of whatever
 * range the plot shows (refetched in a worker thread when the range
 * changes, and while live results come in: at once when the state changes,
 * else at most every STATS_LIVE_PERIOD; a live refetch first waits for the
 * store to commit what the monitor queued, so that the figures include the
 * result the header already shows), and export of that range. Live results come from the monitor's
 * "result" signal, history from its store. */

#define G_LOG_DOMAIN "lookout-target-history"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lookout-export.h"
#include "lookout-format.h"
#include "lookout-plot.h"
#include "lookout-plot-legend.h"
#include "lookout-range-bar.h"
#include "lookout-stats.h"
#include "lookout-target-options.h"
#include "lookout-target-history.h"

#define STATS_DELAY_MS     150
#define STATS_LIVE_PERIOD  (3 * G_USEC_PER_SEC)

enum {
  STAT_AVAILABILITY,
  STAT_MIN,
  STAT_MEAN,
  STAT_MEDIAN,
  STAT_P95,
  STAT_MAX,
  STAT_FAILURES,
  STAT_DEGRADED,
  STAT_OUTAGES,
  STAT_LAST_STATE,
  STAT_LOCATION,
  N_STATS
};

static const char * const stat_titles[N_STATS] = {
  N_("Availability"), N_("Minimum"), N_("Mean"), N_("Median"), N_("95th percentile"),
  N_("Maximum"), N_("Failures"), N_("Degraded"), N_("Outages"), N_("Last state"), N_("Location"),
};

struct _LookoutTargetHistory
{
  GtkWidget      parent_instance;

  LookoutMonitor *monitor;
  LookoutStore  *store;
  LookoutTarget *target;

  GtkWidget     *box;
  LookoutPlot   *plot;
  GtkWidget     *legend;        /* names the places, when there are several */
  char          *places;        /* the places the lines are for, "local,paris" */
  GtkLabel      *stat_values[N_STATS];
  GtkLabel      *note_label;
  GtkLabel      *export_label;
  GtkWidget     *maintenance_key;   /* the legend's entry for the shaded windows */
  GtkLabel      *maintenance_label;

  GCancellable  *stats_cancellable;
  GCancellable  *export_cancellable;
  guint          stats_id;
  gint64         stats_fetched_us;
  LookoutTargetState live_state;
  guint          flushing : 1;
  guint          flush_again : 1;
  GtkNativeDialog *chooser;
};

G_DEFINE_FINAL_TYPE (LookoutTargetHistory, lookout_target_history, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MONITOR,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
maintenance_swatch_draw_cb (GtkDrawingArea *area,
                            cairo_t        *cr,
                            int             width,
                            int             height,
                            gpointer        user_data)
{
  LookoutTargetHistory *self = user_data;
  GdkRGBA color;

  lookout_plot_get_maintenance_color (self->plot, &color);
  color.alpha = MIN (1.0, color.alpha * 2.5);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

/* The plot shades the target's maintenance windows; the key under it says
 * what the shade is and which windows they are. */
static void
update_maintenance (LookoutTargetHistory *self)
{
  LookoutMaintenance *maintenance = self->target != NULL ? lookout_maintenance_new_for_target (self->target)
                                                         : NULL;

  if (maintenance != NULL)
    {
      g_autofree char *words = lookout_maintenance_describe (maintenance);
      /* Translators: the legend of the plot's purple bands, then the windows in words */
      g_autofree char *text = g_strdup_printf (_("Maintenance window: %s"), words);

      gtk_label_set_label (self->maintenance_label, text);
    }
  gtk_widget_set_visible (self->maintenance_key, maintenance != NULL);
  lookout_plot_set_maintenance (self->plot, maintenance);
}

static void
set_stat (LookoutTargetHistory *self,
          guint                 stat,
          char                 *text)
{
  gtk_label_set_label (self->stat_values[stat], text);
  g_free (text);
}

static void
show_stats (LookoutTargetHistory *self,
            const LookoutStats   *s)
{
  double lat = self->target ? lookout_target_get_latitude (self->target) : NAN;
  double lon = self->target ? lookout_target_get_longitude (self->target) : NAN;
  LookoutValueUnit unit = lookout_plot_get_value_unit (self->plot);

  set_stat (self, STAT_AVAILABILITY, lookout_format_percent (s->availability));
  set_stat (self, STAT_MIN, lookout_format_value (unit, s->min_us));
  set_stat (self, STAT_MEAN, lookout_format_value (unit, s->mean_us));
  set_stat (self, STAT_MEDIAN, lookout_format_value (unit, s->median_us));
  set_stat (self, STAT_P95, lookout_format_value (unit, s->p95_us));
  set_stat (self, STAT_MAX, lookout_format_value (unit, s->max_us));
  set_stat (self, STAT_FAILURES, g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                                                  s->n_fail, s->n));
  if (s->degraded_since_ms >= 0)
    {
      g_autofree char *since = lookout_format_date_time (s->degraded_since_ms);
      g_autofree char *degraded = g_strdup_printf ("%" G_GUINT64_FORMAT, s->n_degraded);
      g_autofree char *all = g_strdup_printf ("%" G_GUINT64_FORMAT, s->n);

      /* Translators: degraded results / all results, then from when degraded ones are counted */
      set_stat (self, STAT_DEGRADED, g_strdup_printf (_("%s / %s, counted since %s"),
                                                      degraded, all, since));
    }
  else
    set_stat (self, STAT_DEGRADED, g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                                                    s->n_degraded, s->n));
  set_stat (self, STAT_OUTAGES, g_strdup_printf ("%" G_GUINT64_FORMAT, s->n_outages));
  set_stat (self, STAT_LAST_STATE, g_strdup (s->last_ts_ms < 0 ? "—"
                                             : lookout_target_state_get_label (s->last_state)));
  set_stat (self, STAT_LOCATION, isnan (lat) || isnan (lon)
                                 ? g_strdup (_("Unknown"))
                                 : g_strdup_printf ("%.2f°, %.2f°", lat, lon));

  if (s->degraded_since_ms >= 0)
    {
      g_autofree char *since = lookout_format_date_time (s->degraded_since_ms);
      g_autofree char *note = NULL;

      /* Translators: %s is a date and time */
      note = g_strdup_printf (_("This range is older than the raw results kept: figures come from rollups, without median and 95th percentile. Degraded results are counted only since %s: older ones were deleted before this version counted them."),
                              since);
      gtk_label_set_label (self->note_label, note);
    }
  else
    gtk_label_set_label (self->note_label,
                         s->exact ? ""
                                  : _("This range is older than the raw results kept: figures come from rollups, without median and 95th percentile."));
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), !s->exact);
}

static void
stats_fetched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LookoutTargetHistory) self = user_data;
  g_autofree LookoutStats *stats = NULL;
  g_autoptr(GError) error = NULL;

  if (!(stats = lookout_stats_fetch_finish (result, &error)))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not compute statistics: %s", error->message);
      return;
    }

  show_stats (self, stats);
}

static gboolean
fetch_stats_cb (gpointer user_data)
{
  LookoutTargetHistory *self = user_data;
  gint64 from, to;

  self->stats_id = 0;
  if (self->store == NULL || self->target == NULL || lookout_target_get_id (self->target) <= 0)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->stats_cancellable);
  g_clear_object (&self->stats_cancellable);
  self->stats_cancellable = g_cancellable_new ();
  self->stats_fetched_us = g_get_monotonic_time ();

  lookout_plot_get_range (self->plot, &from, &to);
  lookout_stats_fetch_async (self->store, lookout_target_get_id (self->target), from, to + 1,
                             self->stats_cancellable, stats_fetched_cb, g_object_ref (self));

  return G_SOURCE_REMOVE;
}

static void
queue_stats (LookoutTargetHistory *self,
             guint                 delay_ms)
{
  if (self->stats_id != 0)
    return;
  self->stats_id = g_timeout_add (delay_ms, fetch_stats_cb, self);
}

static void
range_changed_cb (LookoutTargetHistory *self)
{
  g_clear_handle_id (&self->stats_id, g_source_remove);
  queue_stats (self, STATS_DELAY_MS);
}

static void refresh_live_stats (LookoutTargetHistory *self);

static void
live_flushed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutTargetHistory) self = user_data;
  g_autoptr(GError) error = NULL;

  self->flushing = FALSE;
  if (!lookout_store_flush_finish (LOOKOUT_STORE (object), result, &error))
    {
      if (!g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
        g_warning ("Could not wait for the results to be stored: %s", error->message);
      return;
    }

  if (self->store != LOOKOUT_STORE (object))
    return;
  g_clear_handle_id (&self->stats_id, g_source_remove);
  fetch_stats_cb (self);
  if (self->flush_again)
    {
      self->flush_again = FALSE;
      refresh_live_stats (self);
    }
}

/* Statistics read once the store has committed every result queued so far. */
static void
refresh_live_stats (LookoutTargetHistory *self)
{
  if (self->store == NULL)
    return;
  if (self->flushing)
    {
      self->flush_again = TRUE;
      return;
    }
  self->flushing = TRUE;
  lookout_store_flush_async (self->store, NULL, live_flushed_cb, g_object_ref (self));
}

static gboolean
live_period_elapsed_cb (gpointer user_data)
{
  LookoutTargetHistory *self = user_data;

  self->stats_id = 0;
  refresh_live_stats (self);

  return G_SOURCE_REMOVE;
}

static void
result_cb (LookoutTargetHistory *self,
           LookoutTarget        *target,
           LookoutResult        *result)
{
  LookoutTargetState state;
  gint64 wait_us;

  if (target != self->target)
    return;

  lookout_plot_add_result (self->plot, target, result);

  if (!lookout_plot_get_live (self->plot))
    return;

  /* What the header shows changed: the figures follow it now. */
  state = lookout_target_get_state (target);
  if (state != self->live_state)
    {
      self->live_state = state;
      g_clear_handle_id (&self->stats_id, g_source_remove);
      refresh_live_stats (self);
      return;
    }

  if (self->stats_id != 0 || self->flushing)
    return;
  wait_us = self->stats_fetched_us + STATS_LIVE_PERIOD - g_get_monotonic_time ();
  self->stats_id = g_timeout_add (MAX (wait_us / 1000, STATS_DELAY_MS), live_period_elapsed_cb, self);
}

/* ---- export ---- */

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LookoutTargetHistory) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_export_to_file_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_label (self->export_label, error->message);
          gtk_widget_set_tooltip_text (GTK_WIDGET (self->export_label), error->message);
        }
      return;
    }

  gtk_label_set_label (self->export_label, _("Exported"));
}

static void
chooser_responded_cb (GtkNativeDialog      *chooser,
                      int                   response,
                      LookoutTargetHistory *self)
{
  LookoutExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "lookout-format"));
  g_autoptr(GFile) file = NULL;
  gint64 from, to;

  if (response == GTK_RESPONSE_ACCEPT && self->store != NULL && self->target != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_cancellable_cancel (self->export_cancellable);
      g_clear_object (&self->export_cancellable);
      self->export_cancellable = g_cancellable_new ();

      lookout_plot_get_range (self->plot, &from, &to);
      gtk_label_set_label (self->export_label, _("Exporting…"));
      lookout_export_to_file_async (self->store, lookout_target_get_id (self->target),
                                    lookout_target_get_uri_string (self->target),
                                    from, to + 1, format, file, self->export_cancellable,
                                    exported_cb, g_object_ref (self));
    }

  g_clear_object (&self->chooser);
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LookoutTargetHistory *self = LOOKOUT_TARGET_HISTORY (widget);
  gboolean json = g_str_equal (action_name, "history.export-json");
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->target == NULL || self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (json ? _("Export as JSON") : _("Export as CSV"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  name = g_strdup_printf ("%s.%s", lookout_target_get_name (self->target) ?: "target",
                          json ? "json" : "csv");
  g_strdelimit (name, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "lookout-format",
                     GINT_TO_POINTER (json ? LOOKOUT_EXPORT_JSON : LOOKOUT_EXPORT_CSV));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* ---- GObject ---- */

static void
lookout_target_history_dispose (GObject *object)
{
  LookoutTargetHistory *self = (LookoutTargetHistory *) object;

  lookout_target_history_set_monitor (self, NULL);
  lookout_target_history_set_target (self, NULL);
  g_cancellable_cancel (self->stats_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->stats_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (lookout_target_history_parent_class)->dispose (object);
}

static void
lookout_target_history_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LookoutTargetHistory *self = LOOKOUT_TARGET_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_history_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  LookoutTargetHistory *self = LOOKOUT_TARGET_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      lookout_target_history_set_monitor (self, g_value_get_object (value));
      break;
    case PROP_TARGET:
      lookout_target_history_set_target (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_history_class_init (LookoutTargetHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_history_dispose;
  object_class->get_property = lookout_target_history_get_property;
  object_class->set_property = lookout_target_history_set_property;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, LOOKOUT_TYPE_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, LOOKOUT_TYPE_TARGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "history.export-csv", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "history.export-json", NULL, export_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lookout-target-history");
}

static void
lookout_target_history_init (LookoutTargetHistory *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  GtkWidget *toolbar, *export_button, *frame, *grid;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->plot = LOOKOUT_PLOT (lookout_plot_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->plot), -1, 280);
  g_signal_connect_object (self->plot, "range-changed", G_CALLBACK (range_changed_cb), self,
                           G_CONNECT_SWAPPED);

  toolbar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (toolbar), lookout_range_bar_new (self->plot));
  g_menu_append (menu, _("Export as _CSV…"), "history.export-csv");
  g_menu_append (menu, _("Export as _JSON…"), "history.export-json");
  export_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (export_button), "document-save-as-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (export_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (export_button, _("Export the Range Shown"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (export_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Export the Range Shown"), -1);
  gtk_widget_set_hexpand (export_button, TRUE);
  gtk_widget_set_halign (export_button, GTK_ALIGN_END);
  self->export_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->export_label), "dim-label");
  /* Its room is kept whatever it says ("Exported", "Exporting…", an error,
   * whole in the tooltip), so that the column does not move. */
  gtk_label_set_ellipsize (self->export_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (self->export_label, 10);
  gtk_label_set_max_width_chars (self->export_label, 10);
  gtk_box_append (GTK_BOX (toolbar), export_button);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->export_label));
  gtk_box_append (GTK_BOX (self->box), toolbar);

  frame = gtk_frame_new (NULL);
  gtk_widget_add_css_class (frame, "view");
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->plot));
  gtk_box_append (GTK_BOX (self->box), frame);
  self->legend = lookout_plot_legend_new (self->plot);
  gtk_widget_set_visible (self->legend, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->legend);

  {
    GtkWidget *swatch = gtk_drawing_area_new ();

    self->maintenance_key = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
    gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
    gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
    gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), maintenance_swatch_draw_cb, self, NULL);
    self->maintenance_label = GTK_LABEL (gtk_label_new (NULL));
    gtk_label_set_wrap (self->maintenance_label, TRUE);
    gtk_label_set_xalign (self->maintenance_label, 0);
    gtk_widget_add_css_class (GTK_WIDGET (self->maintenance_label), "caption");
    gtk_box_append (GTK_BOX (self->maintenance_key), swatch);
    gtk_box_append (GTK_BOX (self->maintenance_key), GTK_WIDGET (self->maintenance_label));
    gtk_widget_set_visible (self->maintenance_key, FALSE);
    gtk_box_append (GTK_BOX (self->box), self->maintenance_key);
  }

  grid = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (grid), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (grid), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (grid), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (grid), 5);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (grid), 24);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (grid), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (grid),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Statistics of the range shown"), -1);
  for (guint i = 0; i < N_STATS; i++)
    {
      GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (_(stat_titles[i]));
      GtkWidget *value = gtk_label_new ("—");

      gtk_widget_add_css_class (title, "caption");
      gtk_widget_add_css_class (title, "dim-label");
      gtk_widget_add_css_class (value, "heading");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);
      gtk_box_append (GTK_BOX (cell), title);
      gtk_box_append (GTK_BOX (cell), value);
      gtk_flow_box_append (GTK_FLOW_BOX (grid), cell);
      self->stat_values[i] = GTK_LABEL (value);
    }
  gtk_box_append (GTK_BOX (self->box), grid);

  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_xalign (self->note_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->note_label));
}

GtkWidget *
lookout_target_history_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TARGET_HISTORY, NULL);
}

LookoutMonitor *
lookout_target_history_get_monitor (LookoutTargetHistory *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_HISTORY (self), NULL);

  return self->monitor;
}

void
lookout_target_history_set_monitor (LookoutTargetHistory *self,
                                    LookoutMonitor       *monitor)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_HISTORY (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  g_clear_object (&self->store);
  if (monitor != NULL)
    self->store = g_object_ref (lookout_monitor_get_store (monitor));
  if (monitor != NULL)
    g_signal_connect_object (monitor, "result", G_CALLBACK (result_cb), self, G_CONNECT_SWAPPED);

  lookout_plot_set_store (self->plot, self->store);
  range_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

LookoutTarget *
lookout_target_history_get_target (LookoutTargetHistory *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_HISTORY (self), NULL);

  return self->target;
}

/* One line for a target checked from here only, as ever; one per place,
 * with a legend naming them, for a target checked from several. */
static void
add_lines (LookoutTargetHistory *self,
           LookoutTarget        *target)
{
  g_auto(GStrv) places = lookout_target_options_get_places (lookout_target_get_options (target), NULL);
  gboolean local_only = places[0] == NULL ||
                        (places[1] == NULL && g_str_equal (places[0], LOOKOUT_LOCATION_LOCAL));

  g_free (self->places);
  self->places = g_strjoinv (",", places);
  gtk_widget_set_visible (self->legend, !local_only);
  if (local_only)
    {
      lookout_plot_add_target (self->plot, lookout_target_get_id (target), lookout_target_get_name (target));
      return;
    }
  for (guint i = 0; places[i] != NULL; i++)
    lookout_plot_add_place (self->plot, lookout_target_get_id (target), places[i], places[i]);
}

/* "Check From" edited while the page is shown: the lines follow. */
static void
options_changed_cb (LookoutTargetHistory *self)
{
  g_auto(GStrv) places = lookout_target_options_get_places (lookout_target_get_options (self->target), NULL);
  g_autofree char *now = g_strjoinv (",", places);

  if (g_strcmp0 (now, self->places) == 0)
    return;
  lookout_plot_remove_all (self->plot);
  add_lines (self, self->target);
}

void
lookout_target_history_set_target (LookoutTargetHistory *self,
                                   LookoutTarget        *target)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_HISTORY (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->target == target)
    return;

  if (self->target != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->target, options_changed_cb, self);
      g_signal_handlers_disconnect_by_func (self->target, update_maintenance, self);
    }
  g_set_object (&self->target, target);
  g_clear_pointer (&self->places, g_free);
  if (target != NULL)
    {
      g_signal_connect_swapped (target, "notify::options", G_CALLBACK (options_changed_cb), self);
      g_signal_connect_object (target, "notify::options", G_CALLBACK (update_maintenance), self,
                               G_CONNECT_SWAPPED);
    }
  update_maintenance (self);

  lookout_plot_remove_all (self->plot);
  gtk_label_set_label (self->export_label, "");
  if (target != NULL)
    {
      lookout_plot_set_value_unit (self->plot,
                                   lookout_probe_kind_get_value_unit (lookout_target_get_kind (target)));
      add_lines (self, target);
      self->live_state = lookout_target_get_state (target);
      range_changed_cb (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

LookoutPlot *
lookout_target_history_get_plot (LookoutTargetHistory *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_HISTORY (self), NULL);

  return self->plot;
}
