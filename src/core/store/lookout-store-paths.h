/* lookout-store-paths.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-store.h"

G_BEGIN_DECLS

/* A trace target's path as last stored: its hop table (a JSON array of
 * hop objects, lookout_trace_hop_add_json()) and when it was written, or
 * ts_ms 0 and hops_json NULL when there is none yet. */
typedef struct
{
  gint64  ts_ms;
  char   *hops_json;
} LookoutStoredPath;

/* One route change of a target: the old and the new path as JSON arrays
 * of addresses, "*" for a hop never heard. */
typedef struct
{
  gint64  ts_ms;
  char   *old_path_json;
  char   *new_path_json;
} LookoutStoredRouteChange;

void     lookout_stored_path_clear           (LookoutStoredPath        *path);
void     lookout_stored_route_change_clear   (LookoutStoredRouteChange *change);

/* Queued like samples: replaces the target's stored hop table. */
void     lookout_store_put_trace_path        (LookoutStore             *self,
                                              gint64                    target_id,
                                              gint64                    ts_ms,
                                              const char               *hops_json);
/* Queued like samples: adds a route change. */
void     lookout_store_append_route_change   (LookoutStore             *self,
                                              gint64                    target_id,
                                              gint64                    ts_ms,
                                              const char               *old_path_json,
                                              const char               *new_path_json);

/* On a reader connection: the stored hop table of @target_id into @path,
 * and its last @limit route changes (0: all), oldest first, as a GArray of
 * LookoutStoredRouteChange with a clear func. */
GArray  *lookout_store_query_path_sync       (LookoutStore             *self,
                                              gint64                    target_id,
                                              guint                     limit,
                                              LookoutStoredPath        *path,
                                              GCancellable             *cancellable,
                                              GError                  **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LookoutStoredPath, lookout_stored_path_clear)

G_END_DECLS
