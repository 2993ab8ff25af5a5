/* lookout-target-path.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-event-model.h"
#include "lookout-hop-table.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_PATH (lookout_target_path_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetPath, lookout_target_path, LOOKOUT, TARGET_PATH, AdwPreferencesGroup)

/* The target page's "Network Path" group. For a target whose results carry
 * traced rounds: the live hop table and the history of route changes (its
 * events of kind "route-change"). For any other target with a host: a
 * "Trace Route" button that traces once in a LookoutTraceDialog. Hidden for
 * targets without a host (local interfaces). */
GtkWidget       *lookout_target_path_new           (void);
void             lookout_target_path_set_target    (LookoutTargetPath *self,
                                                    LookoutMonitor    *monitor,
                                                    LookoutTarget     *target);
/* A result of the target shown: its trace, if any, is a new round. */
void             lookout_target_path_add_result    (LookoutTargetPath   *self,
                                                    const LookoutResult *result);
LookoutHopTable *lookout_target_path_get_hop_table (LookoutTargetPath *self);
/* The target's route changes, newest first; NULL until a monitor is known. */
LookoutEventModel *lookout_target_path_get_route_changes (LookoutTargetPath *self);
/* The dialog Trace Route opened last, while it is open. */
GtkWidget       *lookout_target_path_get_dialog    (LookoutTargetPath *self);

G_END_DECLS
