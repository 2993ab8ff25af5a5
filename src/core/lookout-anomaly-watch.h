/* lookout-anomaly-watch.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-anomaly-detector.h"
#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* How much stored history a target's detector reads before its first live
 * result: enough for the daily profile. */
#define LOOKOUT_ANOMALY_BACKFILL_MS (3 * 24 * 3600 * (gint64) 1000)

#define LOOKOUT_TYPE_ANOMALY_WATCH (lookout_anomaly_watch_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAnomalyWatch, lookout_anomaly_watch, LOOKOUT, ANOMALY_WATCH, GObject)

LookoutAnomalyWatch *lookout_anomaly_watch_new          (LookoutStore        *store);
void                 lookout_anomaly_watch_note_result  (LookoutAnomalyWatch *self,
                                                         LookoutTarget       *target,
                                                         LookoutResult       *result);
void                 lookout_anomaly_watch_forget       (LookoutAnomalyWatch *self,
                                                         gint64               target_id);
gboolean             lookout_anomaly_watch_get_notify   (LookoutTarget       *target);
char                *lookout_anomaly_watch_set_notify_option (const char    *options_json,
                                                         gboolean             notify);
gboolean             lookout_anomaly_watch_is_backfilling (LookoutAnomalyWatch *self,
                                                         gint64               target_id);

G_END_DECLS
