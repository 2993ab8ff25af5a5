/* lookout-plot-legend.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-plot.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_PLOT_LEGEND (lookout_plot_legend_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPlotLegend, lookout_plot_legend, LOOKOUT, PLOT_LEGEND, GtkWidget)

/* A row of toggle buttons, one per line of "plot" with its colour: clicking
 * one hides or shows that line. Follows lines added and removed. */
GtkWidget   *lookout_plot_legend_new      (LookoutPlot       *plot);
LookoutPlot *lookout_plot_legend_get_plot (LookoutPlotLegend *self);
void         lookout_plot_legend_set_plot (LookoutPlotLegend *self,
                                           LookoutPlot       *plot);

G_END_DECLS
