/* lookout-dashboard-plot.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-plot.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_DASHBOARD_PLOT (lookout_dashboard_plot_get_type ())

G_DECLARE_FINAL_TYPE (LookoutDashboardPlot, lookout_dashboard_plot, LOOKOUT, DASHBOARD_PLOT, GtkWidget)

/* The dashboard's overlay of the monitor's targets (the first
 * LOOKOUT_DASHBOARD_PLOT_MAX_LINES of them, which is what stays readable),
 * one stable colour per target, with range buttons and a legend whose
 * entries hide and show lines. Property "monitor". */
#define LOOKOUT_DASHBOARD_PLOT_MAX_LINES 16

GtkWidget      *lookout_dashboard_plot_new         (void);
LookoutMonitor *lookout_dashboard_plot_get_monitor (LookoutDashboardPlot *self);
void            lookout_dashboard_plot_set_monitor (LookoutDashboardPlot *self,
                                                    LookoutMonitor       *monitor);

LookoutPlot    *lookout_dashboard_plot_get_plot (LookoutDashboardPlot *self);

G_END_DECLS
