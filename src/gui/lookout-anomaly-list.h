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
/* The anomalies of @target in the last 30 days, newest first, kept up to
 * date from @monitor's anomaly watch, and its notification switch. */
void       lookout_anomaly_list_set_target  (LookoutAnomalyList *self,
                                             LookoutMonitor     *monitor,
                                             LookoutTarget      *target);
/* Rows shown; -1 until the first read is in. */
int        lookout_anomaly_list_get_n_rows  (LookoutAnomalyList *self);

G_END_DECLS
