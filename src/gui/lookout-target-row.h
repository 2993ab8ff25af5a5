/* lookout-target-row.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_ROW (lookout_target_row_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetRow, lookout_target_row, LOOKOUT, TARGET_ROW, GtkWidget)

GtkWidget     *lookout_target_row_new        (void);
LookoutTarget *lookout_target_row_get_target (LookoutTargetRow *self);
void           lookout_target_row_set_target (LookoutTargetRow *self,
                                              LookoutTarget    *target);

G_END_DECLS
