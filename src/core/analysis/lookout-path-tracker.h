/* lookout-path-tracker.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "lookout-trace.h"

G_BEGIN_DECLS

#define LOOKOUT_PATH_TRACKER_WINDOW 100   /* round trips kept per hop */

/* One hop as mtr shows it, over the rounds since the path last changed. */
typedef struct
{
  guint    ttl;
  char   **addresses;       /* every responder heard at this TTL, most recent first */
  guint    sent;
  guint    received;
  gint64   last_us;         /* -1 when the last probe was lost */
  gint64   best_us;         /* -1 until one was answered */
  gint64   worst_us;
  gint64   median_us;       /* over the last LOOKOUT_PATH_TRACKER_WINDOW round trips */
  gint64   spread_us;       /* their standard deviation */
} LookoutPathHop;

#define LOOKOUT_TYPE_PATH_TRACKER (lookout_path_tracker_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPathTracker, lookout_path_tracker, LOOKOUT, PATH_TRACKER, GObject)

LookoutPathTracker   *lookout_path_tracker_new          (void);
/* Adds a round. Returns TRUE when it confirms a route change: the
 * responding hops differed from the known path in this round and the one
 * before, the same way (silent hops ignored). Then @out_old and @out_new
 * receive the two paths as NULL-terminated lists of addresses, "*" for a
 * hop never heard, and the hop statistics start again. */
gboolean              lookout_path_tracker_add_round    (LookoutPathTracker        *self,
                                                         const LookoutTraceReport  *report,
                                                         char                    ***out_old,
                                                         char                    ***out_new);
guint                 lookout_path_tracker_get_n_hops   (LookoutPathTracker        *self);
const LookoutPathHop *lookout_path_tracker_get_hop      (LookoutPathTracker        *self,
                                                         guint                      index);
/* The known path as in add_round(); NULL before the first round. */
char                **lookout_path_tracker_dup_path     (LookoutPathTracker        *self);
guint                 lookout_path_tracker_get_n_rounds (LookoutPathTracker        *self);

G_END_DECLS
