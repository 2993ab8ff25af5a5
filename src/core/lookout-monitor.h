/* lookout-monitor.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-alert-engine.h"
#include "lookout-anomaly-watch.h"
#include "lookout-geo.h"
#include "lookout-live-stats.h"
#include "lookout-notifier.h"
#include "lookout-route-watch.h"
#include "lookout-result.h"
#include "lookout-scheduler.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_MONITOR (lookout_monitor_get_type ())

G_DECLARE_FINAL_TYPE (LookoutMonitor, lookout_monitor, LOOKOUT, MONITOR, GObject)

/* The façade the GUI and lookout-agent hold: the targets as a GListModel of
 * LookoutTarget (ordered by creation), add/update/remove with validation and
 * persistence in the store. Properties: "store" (construct-only), "targets"
 * (GListModel, read-only), "loaded" (gboolean), "location" (where this
 * process checks from: "local" or an agent's name).
 *
 * Signal "result" (LookoutTarget *target, LookoutResult *result): a check
 * finished; the target's live state is updated and the sample is queued
 * for the store (the last step of lookout_monitor_handle_result()). */

/* What a front end asks of the monitor beyond checking, deciding states
 * and storing. It configures the objects it gets (channels, settings);
 * the monitor feeds them. */
typedef struct
{
  /* A notifier (lookout_monitor_get_notifier()) gets the alert engine's
   * events that are to be notified. */
  gboolean  notify;
  /* Geolocation (lookout_monitor_get_geo()) locates the targets and takes
   * their round trips into account. */
  gboolean  locate;
} LookoutMonitorOptions;

/* Without notifier or geolocation. */
LookoutMonitor *lookout_monitor_new                  (LookoutStore         *store);
LookoutMonitor *lookout_monitor_new_with_options     (LookoutStore         *store,
                                                      const LookoutMonitorOptions *options);
LookoutStore   *lookout_monitor_get_store            (LookoutMonitor       *self);
GListModel     *lookout_monitor_get_targets          (LookoutMonitor       *self);
LookoutTarget  *lookout_monitor_find_target          (LookoutMonitor       *self,
                                                      gint64                id);
/* Does a target with the same canonical URI exist? (the dialog warns) */
LookoutTarget  *lookout_monitor_find_target_by_uri   (LookoutMonitor       *self,
                                                      const char           *uri);

/* Reads the targets from the store into the model. */
void            lookout_monitor_load_async           (LookoutMonitor       *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        lookout_monitor_load_finish          (LookoutMonitor       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
gboolean        lookout_monitor_load_sync            (LookoutMonitor       *self,
                                                      GError              **error);

/* Validates, stores, then appends to the model (the target gets its id). */
void            lookout_monitor_add_target_async     (LookoutMonitor       *self,
                                                      LookoutTarget        *target,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        lookout_monitor_add_target_finish    (LookoutMonitor       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* Copies the configuration of @changes (uri, name, interval, timeout,
 * threshold, enabled, options) into @target and stores it. */
void            lookout_monitor_update_target_async  (LookoutMonitor       *self,
                                                      LookoutTarget        *target,
                                                      LookoutTarget        *changes,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean        lookout_monitor_update_target_finish (LookoutMonitor       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* Removes from the model at once and from the store in the background; the
 * history stays until purged, so lookout_monitor_add_target_async() with the
 * same (id-carrying) target undoes it completely. */
void            lookout_monitor_remove_target        (LookoutMonitor       *self,
                                                      LookoutTarget        *target);

/* Checks the enabled targets at their intervals (lookout-scheduler.h) until
 * stopped; stop cancels the checks under way. */
void              lookout_monitor_start              (LookoutMonitor       *self);
void              lookout_monitor_stop               (LookoutMonitor       *self);
LookoutScheduler *lookout_monitor_get_scheduler      (LookoutMonitor       *self);
/* Decides the targets' states and records their events in the store;
 * start also has it follow the network and suspend (lookout-alert-engine.h). */
LookoutAlertEngine *lookout_monitor_get_alert_engine (LookoutMonitor       *self);
/* NULL unless asked for in LookoutMonitorOptions. */
LookoutNotifier  *lookout_monitor_get_notifier       (LookoutMonitor       *self);
LookoutGeo       *lookout_monitor_get_geo            (LookoutMonitor       *self);
/* Each target's statistics over the last @span_ms kept in memory, for
 * ranges of that length (lookout_live_stats_get()); NULL until enabled. */
LookoutLiveStats *lookout_monitor_enable_live_stats  (LookoutMonitor       *self,
                                                      gint64                span_ms);
LookoutLiveStats *lookout_monitor_get_live_stats     (LookoutMonitor       *self);
/* Anomaly detection over every stored target's results. */
LookoutAnomalyWatch *lookout_monitor_get_anomaly_watch (LookoutMonitor      *self);
/* The paths of the trace targets and their route changes. */
LookoutRouteWatch *lookout_monitor_get_route_watch   (LookoutMonitor       *self);

/* The one way in for a result of @target, from the scheduler or any other
 * source: decides the state, updates the target, queues the sample for the
 * store, feeds geolocation, anomaly detection and the notifier, and emits "result", in that
 * order (see lookout-monitor.c). */
void              lookout_monitor_handle_result      (LookoutMonitor       *self,
                                                      LookoutTarget        *target,
                                                      LookoutResult        *result);

/* What the agents' links say of each remote location (@location is the
 * agent's name, as results carry it): offline raises one agent-offline
 * event, and its targets are "unknown from @location" until it is back
 * (lookout_alert_engine_set_location_online()). */
void              lookout_monitor_set_location_online (LookoutMonitor      *self,
                                                      const char           *location,
                                                      gboolean              online);
/* Where this process checks from, as /metrics labels its series: "local"
 * (the default), or an agent's name (`lookout-agent run --name`). */
const char       *lookout_monitor_get_location       (LookoutMonitor       *self);
void              lookout_monitor_set_location       (LookoutMonitor       *self,
                                                      const char           *location);

G_END_DECLS
