/* lookout-route-watch.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-path-tracker.h"
#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_ROUTE_WATCH (lookout_route_watch_get_type ())

G_DECLARE_FINAL_TYPE (LookoutRouteWatch, lookout_route_watch, LOOKOUT, ROUTE_WATCH, GObject)

/* Follows the path of every trace target (a LookoutPathTracker each) from
 * the monitor's results; keeps its hop table and route changes in the
 * store. Signal "route-changed" (LookoutTarget *target, gint64 ts_ms,
 * GStrv old_path, GStrv new_path): a change was confirmed. */
LookoutRouteWatch  *lookout_route_watch_new          (LookoutStore       *store);
void                lookout_route_watch_note_result  (LookoutRouteWatch  *self,
                                                      LookoutTarget      *target,
                                                      LookoutResult      *result);
void                lookout_route_watch_forget       (LookoutRouteWatch  *self,
                                                      gint64              target_id);
/* The target's live hop table since its path last changed, or NULL before
 * its first trace result in this process. */
LookoutPathTracker *lookout_route_watch_get_tracker  (LookoutRouteWatch  *self,
                                                      gint64              target_id);
/* The tracker's hops as the JSON array the store and the API hold, named
 * after @report's hops where it has them (may be NULL). */
JsonNode           *lookout_route_watch_hops_to_json (LookoutPathTracker       *tracker,
                                                      const LookoutTraceReport *report);
/* Whether the target's options ask for its route changes to be notified
 * ("notify_route_changes"; true unless set false). */
gboolean            lookout_route_watch_get_notify   (LookoutTarget      *target);

G_END_DECLS
