/* lookout-target-page.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-monitor.h"
#include "lookout-result.h"
#include "lookout-target-path.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_PAGE (lookout_target_page_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetPage, lookout_target_page, LOOKOUT, TARGET_PAGE, GtkWidget)

GtkWidget     *lookout_target_page_new        (void);
LookoutTarget *lookout_target_page_get_target (LookoutTargetPage *self);
void           lookout_target_page_set_target (LookoutTargetPage *self,
                                               LookoutTarget     *target);
/* The target's last result in detail; NULL before its first check. */
void           lookout_target_page_set_result (LookoutTargetPage *self,
                                               LookoutResult     *result);
/* The "Network Path" group: hops of traced results, Trace Route. */
LookoutTargetPath *lookout_target_page_get_path (LookoutTargetPage *self);

void           lookout_target_page_set_monitor (LookoutTargetPage *self,
                                                LookoutMonitor    *monitor);

G_END_DECLS
