/* lookout-target-history.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-plot.h"
#include "lookout-monitor.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_HISTORY (lookout_target_history_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetHistory, lookout_target_history, LOOKOUT, TARGET_HISTORY, GtkWidget)

/* The history block of a target's page: range buttons, the large plot,
 * statistics of the range shown and export of that range to CSV or JSON.
 * Properties "monitor" (its store and its results) and "target". */
GtkWidget     *lookout_target_history_new        (void);
LookoutMonitor *lookout_target_history_get_monitor (LookoutTargetHistory *self);
void           lookout_target_history_set_monitor (LookoutTargetHistory *self,
                                                   LookoutMonitor       *monitor);
void           lookout_target_history_set_target (LookoutTargetHistory *self,
                                                  LookoutTarget        *target);
LookoutTarget *lookout_target_history_get_target (LookoutTargetHistory *self);

LookoutPlot    *lookout_target_history_get_plot (LookoutTargetHistory *self);

G_END_DECLS
