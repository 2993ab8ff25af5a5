/* lookout-target-finder.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_FINDER (lookout_target_finder_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetFinder, lookout_target_finder, LOOKOUT, TARGET_FINDER, GtkWidget)

typedef enum
{
  LOOKOUT_TARGET_ORDER_ADDED,
  LOOKOUT_TARGET_ORDER_TROUBLE_FIRST,
  LOOKOUT_TARGET_ORDER_NAME,
} LookoutTargetOrder;

/* The sidebar's search bar (Ctrl+F) with its filters by state, kind and
 * tag, and the order of the list; it turns the monitor's targets into the
 * list the sidebar shows. It also counts the targets in each state for
 * the header ("summary").
 *
 * Properties: "targets" (GListModel of LookoutTarget, the source),
 * "model" (GListModel, read-only: filtered and sorted), "search-mode"
 * (gboolean), "order" (LookoutTargetOrder as guint), "summary" (string,
 * read-only: "12 up · 1 down · 2 degraded"). */

GtkWidget          *lookout_target_finder_new             (void);
void                lookout_target_finder_set_targets     (LookoutTargetFinder *self,
                                                           GListModel          *targets);
GListModel         *lookout_target_finder_get_model       (LookoutTargetFinder *self);
gboolean            lookout_target_finder_get_search_mode (LookoutTargetFinder *self);
void                lookout_target_finder_set_search_mode (LookoutTargetFinder *self,
                                                           gboolean             search_mode);
LookoutTargetOrder  lookout_target_finder_get_order       (LookoutTargetFinder *self);
void                lookout_target_finder_set_order       (LookoutTargetFinder *self,
                                                           LookoutTargetOrder   order);
const char         *lookout_target_finder_get_summary     (LookoutTargetFinder *self);
/* Shows every target again: no search text, no filter. */
void                lookout_target_finder_reset           (LookoutTargetFinder *self);
/* Typing in @widget starts a search. */
void                lookout_target_finder_set_key_capture_widget (LookoutTargetFinder *self,
                                                           GtkWidget           *widget);
/* Whether the filters let @target through. */
gboolean            lookout_target_finder_matches         (LookoutTargetFinder *self,
                                                           LookoutTarget       *target);

G_END_DECLS
