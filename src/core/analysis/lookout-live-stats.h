/* lookout-live-stats.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-stats.h"
#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_LIVE_STATS (lookout_live_stats_get_type ())

G_DECLARE_FINAL_TYPE (LookoutLiveStats, lookout_live_stats, LOOKOUT, LIVE_STATS, GObject)

/* Every target's statistics over the last @span_ms, kept in memory as its
 * samples are stored, so that lookout_live_stats_get() answers a range of
 * exactly that length without reading the store, with the numbers
 * lookout_stats_fetch_sync() would give. Main thread only. */
LookoutLiveStats *lookout_live_stats_new         (LookoutStore       *store,
                                                  gint64              span_ms);
/* Reads the last span of @target_ids (n_targets of them) from the store
 * on a worker thread, up to @now_ms; samples added meanwhile are merged
 * once it is read. Until then lookout_live_stats_get() answers nothing. */
void              lookout_live_stats_seed        (LookoutLiveStats   *self,
                                                  const gint64       *target_ids,
                                                  guint               n_targets,
                                                  gint64              now_ms);
gboolean          lookout_live_stats_is_ready    (LookoutLiveStats   *self);
/* A sample the store took (lookout_store_append_sample() gave it a
 * sequence number): the same sample, in the same order. */
void              lookout_live_stats_add         (LookoutLiveStats   *self,
                                                  const LookoutSample *sample);
/* A target just created: it has no stored history. */
void              lookout_live_stats_add_target  (LookoutLiveStats   *self,
                                                  gint64              target_id);
/* A target removed: its history stays in the file, and is the store's to
 * answer for if the target is put back. */
void              lookout_live_stats_forget_target (LookoutLiveStats *self,
                                                    gint64            target_id);
/* Before the store prunes: a retention shorter than the span means the
 * store's answers come from rollups, which the summaries cannot follow. */
void              lookout_live_stats_check_retention (LookoutLiveStats *self);
/* The statistics of @target_id over [from_ms, to_ms), TRUE when they could
 * be answered from memory: the range is the span long, the target's
 * history since from_ms is all held, and none of it lies at or after
 * to_ms. Otherwise FALSE: read the store. */
gboolean          lookout_live_stats_get         (LookoutLiveStats   *self,
                                                  gint64              target_id,
                                                  gint64              from_ms,
                                                  gint64              to_ms,
                                                  LookoutStats       *out_stats);
gint64            lookout_live_stats_get_span    (LookoutLiveStats   *self);
/* Bytes the summaries hold. */
gsize             lookout_live_stats_get_memory  (LookoutLiveStats   *self);
/* The most the summaries may hold: past it, the targets with the largest
 * summaries are answered by the store. */
#define LOOKOUT_LIVE_STATS_DEFAULT_BUDGET ((gsize) 256 * 1024 * 1024)
void              lookout_live_stats_set_budget  (LookoutLiveStats   *self,
                                                  gsize               bytes);

G_END_DECLS
