/* lookout-target-dialog.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_DIALOG (lookout_target_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetDialog, lookout_target_dialog, LOOKOUT, TARGET_DIALOG, AdwWindow)

/* @target NULL: "Add Target"; otherwise "Edit Target" for that target. With a
 * monitor the dialog adds or updates through it and closes on success; in
 * either case "saved" is emitted with the stored (or, without a monitor, the
 * built) target. */
LookoutTargetDialog *lookout_target_dialog_new          (LookoutMonitor      *monitor,
                                                         LookoutTarget       *target);
LookoutMonitor      *lookout_target_dialog_get_monitor  (LookoutTargetDialog *self);
LookoutTarget       *lookout_target_dialog_get_target   (LookoutTargetDialog *self);
gboolean             lookout_target_dialog_is_valid     (LookoutTargetDialog *self);
/* A new target built from what the dialog shows, or NULL with why not. */
LookoutTarget       *lookout_target_dialog_build_target (LookoutTargetDialog *self,
                                                         GError             **error);

G_END_DECLS
