/* lookout-test-gui.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-test.h"
#include "lookout-window-private.h"

G_BEGIN_DECLS

/* A presented main window over a real monitor and a temporary store. */
typedef struct
{
  LookoutTestStore *tmp;
  LookoutStore     *store;     /* tmp->store */
  LookoutMonitor   *monitor;
  LookoutWindow    *window;
} LookoutTestWindow;

void       lookout_test_gui_init         (int                *argc,
                                          char             ***argv);

void       lookout_test_window_open      (LookoutTestWindow  *self);
void       lookout_test_window_close     (LookoutTestWindow  *self);
GtkWidget *lookout_test_window_find_row  (LookoutWindow      *window,
                                          LookoutTarget      *target);
/* The message dialog on screen, or NULL. */
AdwMessageDialog *lookout_test_find_message_dialog (void);

G_END_DECLS
