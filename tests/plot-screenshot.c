/* plot-screenshot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shows the plot widgets over a database (made by gen-history) the way the
 * app lays them out — sparklines in a target list, a target's history block
 * with statistics, the dashboard overlay with its legend — and, with
 * --png FILE, writes what the window shows and quits. Used by
 * tests/plot-screenshot.sh under Xvfb. */

#include "config.h"

#include <adwaita.h>

#include "lookout-dashboard-plot.h"
#include "lookout-monitor.h"
#include "lookout-plot.h"
#include "lookout-sparkline.h"
#include "lookout-target-history.h"

static char *png_path;
static GtkWidget *window;

/* Replays the last results as the scheduler would have reported them, so
 * the sparklines have a history to show. */
static void
replay_recent (LookoutStore  *store,
               LookoutTarget *target)
{
  gint64 now = g_get_real_time () / 1000;
  g_autoptr(GArray) samples = NULL;

  samples = lookout_store_query_samples_sync (store, lookout_target_get_id (target),
                                              now - 30 * 60000, now + 1, NULL, NULL);
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      LookoutSample *s = &g_array_index (samples, LookoutSample, i);

      lookout_target_set_live_state (target, s->state, s->latency_us, s->ts_ms, s->error, NULL);
    }
}

static gboolean
save_cb (gpointer user_data)
{
  GtkWidget *widget = window;
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (surface);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_write_to_png (surface, png_path);
  cairo_surface_destroy (surface);

  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static GtkWidget *
make_list (LookoutMonitor *monitor)
{
  GListModel *targets = lookout_monitor_get_targets (monitor);
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_add_css_class (list, "navigation-sidebar");
  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (lookout_target_get_name (target));
      GtkWidget *uri = gtk_label_new (lookout_target_get_uri_string (target));
      GtkWidget *spark = lookout_sparkline_new ();

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_xalign (GTK_LABEL (uri), 0);
      gtk_label_set_ellipsize (GTK_LABEL (uri), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (uri, "caption");
      gtk_widget_add_css_class (uri, "dim-label");
      gtk_widget_set_hexpand (labels, TRUE);
      gtk_box_append (GTK_BOX (labels), name);
      gtk_box_append (GTK_BOX (labels), uri);
      gtk_box_append (GTK_BOX (row), labels);
      lookout_sparkline_set_target (LOOKOUT_SPARKLINE (spark), target);
      gtk_widget_set_valign (spark, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (row), spark);
      gtk_widget_set_margin_top (row, 6);
      gtk_widget_set_margin_bottom (row, 6);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  return list;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("DATABASE");
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) first = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png_path, "Write a screenshot and quit", "FILE" },
    { NULL }
  };
  GtkWidget *paned, *scroller, *content, *history, *dashboard, *title;
  GtkSettings *settings;
  gboolean dark = g_getenv ("LOOKOUT_DARK") != NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("usage: plot-screenshot [--png FILE] DATABASE\n");
      return 2;
    }

  adw_init ();
  if (dark)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  settings = gtk_settings_get_default ();
  g_object_set (settings, "gtk-font-name", "Cantarell 11", NULL);

  if (!(store = lookout_store_open_sync (argv[1], NULL, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  monitor = lookout_monitor_new (store);
  if (!lookout_monitor_load_sync (monitor, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < g_list_model_get_n_items (lookout_monitor_get_targets (monitor)); i++)
    {
      g_autoptr(LookoutTarget) t = g_list_model_get_item (lookout_monitor_get_targets (monitor), i);

      lookout_sparkline_track (t);
      replay_recent (store, t);
    }
  first = g_list_model_get_item (lookout_monitor_get_targets (monitor), 0);

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Lookout");
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 1120);

  paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_start_child (GTK_PANED (paned), make_list (monitor));
  gtk_paned_set_position (GTK_PANED (paned), 300);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  gtk_widget_set_margin_start (content, 24);
  gtk_widget_set_margin_end (content, 24);
  gtk_widget_set_margin_top (content, 18);
  gtk_widget_set_margin_bottom (content, 18);

  title = gtk_label_new (first ? lookout_target_get_name (first) : "");
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (content), title);

  history = lookout_target_history_new ();
  lookout_target_history_set_monitor (LOOKOUT_TARGET_HISTORY (history), monitor);
  lookout_target_history_set_target (LOOKOUT_TARGET_HISTORY (history), first);
  gtk_box_append (GTK_BOX (content), history);

  title = gtk_label_new ("All targets");
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (content), title);

  dashboard = lookout_dashboard_plot_new ();
  lookout_dashboard_plot_set_monitor (LOOKOUT_DASHBOARD_PLOT (dashboard), monitor);
  gtk_box_append (GTK_BOX (content), dashboard);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), content);
  gtk_paned_set_end_child (GTK_PANED (paned), scroller);
  gtk_window_set_child (GTK_WINDOW (window), paned);

  /* What the page shows by default: the target over 24 hours, the
   * dashboard over 4 days. */
  lookout_plot_set_span (lookout_target_history_get_plot (LOOKOUT_TARGET_HISTORY (history)),
                         LOOKOUT_PLOT_SPAN_24_HOURS);
  lookout_plot_set_span (lookout_dashboard_plot_get_plot (LOOKOUT_DASHBOARD_PLOT (dashboard)),
                         LOOKOUT_PLOT_SPAN_7_DAYS);

  gtk_window_present (GTK_WINDOW (window));

  if (png_path != NULL)
    g_timeout_add (1500, save_cb, NULL);

  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);

  lookout_store_close (store);

  return 0;
}
