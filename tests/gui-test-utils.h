/* gui-test-utils.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "lookout-monitor.h"

/* How long wait_until () waits before failing the test; a file may set its
 * own before including this header. */
#ifndef GUI_TEST_WAIT_S
#define GUI_TEST_WAIT_S 10
#endif

static inline gboolean
gui_test_timed_out_cb (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until cond holds. */
#define wait_until(cond) \
  G_STMT_START { \
    guint timeout_id = g_timeout_add_seconds (GUI_TEST_WAIT_S, gui_test_timed_out_cb, \
                                              (gpointer) #cond); \
    while (!(cond)) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (timeout_id); \
  } G_STMT_END

static inline void
gui_test_target_added_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean added;

  added = lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error);
  g_assert_no_error (error);
  g_assert_true (added);
  *(gboolean *) user_data = TRUE;
}

/* Adds target to monitor and waits until the monitor has stored it. */
static inline void
gui_test_add_target (LookoutMonitor *monitor,
                     LookoutTarget  *target)
{
  gboolean done = FALSE;

  lookout_monitor_add_target_async (monitor, target, NULL, gui_test_target_added_cb, &done);
  wait_until (done);
}

/* Removes a flat temporary directory (the store's files) and its files. */
static inline void
gui_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}
