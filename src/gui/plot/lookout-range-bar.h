/* lookout-range-bar.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-plot.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_RANGE_BAR (lookout_range_bar_get_type ())

G_DECLARE_FINAL_TYPE (LookoutRangeBar, lookout_range_bar, LOOKOUT, RANGE_BAR, GtkWidget)

/* The range buttons (5 min, 1 h, 24 h, 7 d, 30 d) and a "Back to Live"
 * button shown while the view of "plot" is held still; kept in step with
 * the plot ("range-changed" is emitted whenever the view is set). */
GtkWidget   *lookout_range_bar_new      (LookoutPlot     *plot);
LookoutPlot *lookout_range_bar_get_plot (LookoutRangeBar *self);
void         lookout_range_bar_set_plot (LookoutRangeBar *self,
                                         LookoutPlot     *plot);

G_END_DECLS
