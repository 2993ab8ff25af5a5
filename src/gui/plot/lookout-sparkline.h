/* lookout-sparkline.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_SPARKLINE (lookout_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (LookoutSparkline, lookout_sparkline, LOOKOUT, SPARKLINE, GtkWidget)

/* The last LOOKOUT_SPARKLINE_HISTORY results of a target, drawn small.
 * The history lives on the target itself (memory only, a few hundred
 * bytes), so recycled list rows cost nothing and read no database. */
#define LOOKOUT_SPARKLINE_HISTORY 40

GtkWidget     *lookout_sparkline_new          (void);
LookoutTarget *lookout_sparkline_get_target   (LookoutSparkline *self);
void           lookout_sparkline_set_target   (LookoutSparkline *self,
                                               LookoutTarget    *target);
/* Starts keeping a target's history before any row shows it. */
void           lookout_sparkline_track        (LookoutTarget    *target);

G_END_DECLS
