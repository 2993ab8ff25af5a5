/* lookout-test-gui.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The widget tests' side of the test library. The environment they run in
 * (X11 under a virtual display, no accessibility bus, settings in memory
 * from the schema compiled in the build tree) is set by tests/meson.build. */

#define G_LOG_DOMAIN "lookout-test"

#include "config.h"

#include "lookout-target-row.h"
#include "lookout-test-gui.h"

/* gtk_test_init () makes warnings fatal, as every widget test wants. */
void
lookout_test_gui_init (int    *argc,
                       char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

void
lookout_test_window_open (LookoutTestWindow *self)
{
  self->tmp = lookout_test_store_new ();
  self->store = self->tmp->store;
  self->monitor = lookout_test_monitor_new (self->store);

  self->window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  g_object_ref_sink (self->window);
  lookout_window_set_monitor (self->window, self->monitor);
  gtk_window_present (GTK_WINDOW (self->window));
}

/* Closes the window and the store and removes the directory. */
void
lookout_test_window_close (LookoutTestWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (self->window));
  g_clear_object (&self->window);
  g_clear_object (&self->monitor);
  self->store = NULL;
  g_clear_pointer (&self->tmp, lookout_test_store_free);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (LOOKOUT_IS_TARGET_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* The row the window's list shows for target, NULL if none. */
GtkWidget *
lookout_test_window_find_row (LookoutWindow *window,
                              LookoutTarget *target)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (GTK_WIDGET (window->list_view), rows);
  for (guint i = 0; i < rows->len; i++)
    if (lookout_target_row_get_target (rows->pdata[i]) == target)
      return rows->pdata[i];

  return NULL;
}

AdwMessageDialog *
lookout_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}
