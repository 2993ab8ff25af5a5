/* lookout-scheduler.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-probe.h"
#include "lookout-result.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_SCHEDULER (lookout_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (LookoutScheduler, lookout_scheduler, LOOKOUT, SCHEDULER, GObject)

#define LOOKOUT_SCHEDULER_DEFAULT_MAX_CONCURRENT 256
#define LOOKOUT_SCHEDULER_DEFAULT_TIMEOUT_GRACE_MS 1000

/*
 * Runs every enabled target of "model" (a GListModel of LookoutTarget) at its
 * interval, with one probe per kind (lookout_scheduler_set_probe()).
 *
 * Properties: "model" (GListModel), "max-concurrent" (guint, default 256),
 * "timeout-grace" (guint ms added to a target's timeout before the scheduler
 * cuts a probe off itself, default 1000), "running" (gboolean, read-only).
 *
 * Signals:
 *   "result"  (LookoutTarget *target, LookoutResult *result): a check
 *             finished or was cut off. Nothing has been made of the result
 *             yet: LookoutMonitor hands it to lookout_monitor_handle_result(),
 *             which decides the target's state, stores it and passes it on.
 *   "skipped" (LookoutTarget *target): a round was skipped because the
 *             previous check of the target had not finished (or not started).
 */

LookoutScheduler *lookout_scheduler_new                      (void);

void              lookout_scheduler_set_probe                (LookoutScheduler   *self,
                                                              LookoutTargetKind   kind,
                                                              LookoutProbe       *probe);
LookoutProbe     *lookout_scheduler_get_probe                (LookoutScheduler   *self,
                                                              LookoutTargetKind   kind);
/* Installs the caching resolver and creates the real probe of every kind
 * (those not set already). */
void              lookout_scheduler_add_default_probes       (LookoutScheduler   *self);

GListModel       *lookout_scheduler_get_model                (LookoutScheduler   *self);
void              lookout_scheduler_set_model                (LookoutScheduler   *self,
                                                              GListModel         *model);
guint             lookout_scheduler_get_max_concurrent       (LookoutScheduler   *self);
void              lookout_scheduler_set_location             (LookoutScheduler   *self,
                                                              const char         *location);
void              lookout_scheduler_set_max_concurrent       (LookoutScheduler   *self,
                                                              guint               max_concurrent);
void              lookout_scheduler_set_location             (LookoutScheduler   *self,
                                                              const char         *location);
guint             lookout_scheduler_get_timeout_grace        (LookoutScheduler   *self);
void              lookout_scheduler_set_timeout_grace        (LookoutScheduler   *self,
                                                              guint               grace_ms);

void              lookout_scheduler_start                    (LookoutScheduler   *self);
/* Cancels the checks under way; their results are dropped. */
void              lookout_scheduler_stop                     (LookoutScheduler   *self);
gboolean          lookout_scheduler_get_running              (LookoutScheduler   *self);

/* One check of @target now, outside the plan (no concurrency cap, no effect
 * on the target's state), bounded by its timeout plus the grace. */
void              lookout_scheduler_check_async              (LookoutScheduler   *self,
                                                              LookoutTarget      *target,
                                                              GCancellable       *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer            user_data);
LookoutResult    *lookout_scheduler_check_finish             (LookoutScheduler   *self,
                                                              GAsyncResult       *result,
                                                              GError            **error);

/* Statistics. Lateness is actual start minus planned start (monotonic),
 * waiting for a concurrency slot included, in microseconds. */
gint64            lookout_scheduler_get_lateness_percentile  (LookoutScheduler   *self,
                                                              double              fraction);
gint64            lookout_scheduler_get_lateness_max         (LookoutScheduler   *self);
/* When (monotonic µs) the scheduler next has something to do, G_MAXINT64
 * when stopped: long work on the main loop yields before it. */
gint64            lookout_scheduler_get_next_wake_us         (LookoutScheduler   *self);
void              lookout_scheduler_reset_stats              (LookoutScheduler   *self);
guint             lookout_scheduler_get_n_running            (LookoutScheduler   *self);
guint             lookout_scheduler_get_n_waiting            (LookoutScheduler   *self);
guint64           lookout_scheduler_get_n_started            (LookoutScheduler   *self);
guint64           lookout_scheduler_get_n_skipped            (LookoutScheduler   *self);
guint64           lookout_scheduler_get_n_timed_out          (LookoutScheduler   *self);
/* Per target: rounds skipped, consecutive failures so far, and the planned
 * monotonic time of its next start (-1 when not planned). */
guint64           lookout_scheduler_get_target_n_skipped     (LookoutScheduler   *self,
                                                              LookoutTarget      *target);
guint             lookout_scheduler_get_target_failures      (LookoutScheduler   *self,
                                                              LookoutTarget      *target);
gint64            lookout_scheduler_get_target_next_due      (LookoutScheduler   *self,
                                                              LookoutTarget      *target);

G_END_DECLS
