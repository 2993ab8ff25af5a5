/* lookout-anomaly-list.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_ANOMALY_LIST (lookout_anomaly_list_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAnomalyList, lookout_anomaly_list, LOOKOUT, ANOMALY_LIST, AdwPreferencesGroup)

GtkWidget *lookout_anomaly_list_new         (void);
/* The anomalies of @target_id in the last 30 days, newest first, kept up
 * to date from @monitor's anomaly watch. */
void       lookout_anomaly_list_set_target  (LookoutAnomalyList *self,
                                             LookoutMonitor     *monitor,
                                             gint64              target_id);
/* Rows shown; -1 until the first read is in. */
int        lookout_anomaly_list_get_n_rows  (LookoutAnomalyList *self);

G_END_DECLS
