/* window-test-utils.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "gui-test-utils.h"

#include "lookout-target-row.h"
#include "lookout-window-private.h"

/* A presented window over a real monitor whose store lives in a new
 * temporary directory made from tmpl. */
static inline void
window_test_open (const char      *tmpl,
                  char           **dir,
                  LookoutStore   **store,
                  LookoutMonitor **monitor,
                  LookoutWindow  **window)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  path = g_build_filename (*dir, "lookout.db", NULL);

  *store = lookout_store_open_sync (path, NULL, &error);
  g_assert_no_error (error);
  *monitor = lookout_monitor_new (*store);
  lookout_monitor_load_sync (*monitor, &error);
  g_assert_no_error (error);

  *window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  g_object_ref_sink (*window);
  lookout_window_set_monitor (*window, *monitor);
  gtk_window_present (GTK_WINDOW (*window));
}

/* Undoes window_test_open (): closes the window and the store and removes
 * the directory. */
static inline void
window_test_close (char           **dir,
                   LookoutStore   **store,
                   LookoutMonitor **monitor,
                   LookoutWindow  **window)
{
  gtk_window_destroy (GTK_WINDOW (*window));
  g_clear_object (window);
  g_clear_object (monitor);
  lookout_store_close (*store);
  g_clear_object (store);
  gui_test_remove_tree (*dir);
  g_clear_pointer (dir, g_free);
}

static inline void
window_test_collect_rows (GtkWidget *widget,
                          GPtrArray *rows)
{
  if (LOOKOUT_IS_TARGET_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    window_test_collect_rows (child, rows);
}

/* The row the window's list shows for target, NULL if none. */
static inline GtkWidget *
window_test_find_row (LookoutWindow *window,
                      LookoutTarget *target)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  window_test_collect_rows (GTK_WIDGET (window->list_view), rows);
  for (guint i = 0; i < rows->len; i++)
    if (lookout_target_row_get_target (rows->pdata[i]) == target)
      return rows->pdata[i];

  return NULL;
}
