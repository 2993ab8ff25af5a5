/* lookout-alert-engine.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-alert-event.h"
#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_ALERT_DEFAULT_UP_AFTER        1
#define LOOKOUT_ALERT_DEFAULT_FLAP_HIGH       50.0
#define LOOKOUT_ALERT_DEFAULT_FLAP_LOW        25.0
#define LOOKOUT_ALERT_DEFAULT_CERT_DAYS       14
#define LOOKOUT_ALERT_FLAP_HISTORY            21
#define LOOKOUT_ALERT_MAX_REMINDERS           16

/* Milliseconds since the epoch. */
typedef gint64 (*LookoutAlertClockFunc) (gpointer user_data);

#define LOOKOUT_TYPE_ALERT_ENGINE (lookout_alert_engine_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAlertEngine, lookout_alert_engine, LOOKOUT, ALERT_ENGINE, GObject)

/*
 * Decides what a target's state is from its results, and what is worth
 * telling someone. Fed with (target, result) pairs; emits "event"
 * (LookoutAlertEvent) for every change and appends it to the store when it
 * has one. Pure: no I/O of its own beyond the store's queue, time from the
 * clock function, so tests drive it result by result.
 *
 * Properties:
 *   "store"              LookoutStore or NULL (construct)
 *   "up-after"           guint, consecutive successes before UP again (1)
 *   "flap-high"          double percent, flapping starts at or above (50)
 *   "flap-low"           double percent, flapping stops below (25)
 *   "cert-warning-days"  guint, warn when a certificate expires sooner (14)
 *   "notify-degraded"    gboolean, whether DEGRADED is notified (TRUE)
 *   "do-not-disturb"     gboolean, events are stored but not notified
 *   "network-available"  gboolean, FALSE: the machine itself is offline
 *   "paused"             gboolean, the machine sleeps: results are ignored
 * Signals:
 *   "event" (LookoutAlertEvent *)
 */

LookoutAlertEngine *lookout_alert_engine_new             (LookoutStore          *store);

void                lookout_alert_engine_set_clock       (LookoutAlertEngine    *self,
                                                          LookoutAlertClockFunc  func,
                                                          gpointer               user_data);
gint64              lookout_alert_engine_now             (LookoutAlertEngine    *self);

/* The state the engine has decided for @target, and writes into its live
 * state ("state", "last-latency", …). The DOWN threshold is the target's
 * "fail-threshold". */
LookoutTargetState  lookout_alert_engine_process         (LookoutAlertEngine    *self,
                                                          LookoutTarget         *target,
                                                          const LookoutResult   *result);
/* Emits the reminders that are due; the engine calls it from a timer of its
 * own while something is down, tests call it after moving the clock. */
void                lookout_alert_engine_tick            (LookoutAlertEngine    *self);
/* Forgets a removed target. */
void                lookout_alert_engine_forget_target   (LookoutAlertEngine    *self,
                                                          gint64                 target_id);

LookoutTargetState  lookout_alert_engine_get_state       (LookoutAlertEngine    *self,
                                                          gint64                 target_id);
gboolean            lookout_alert_engine_is_flapping     (LookoutAlertEngine    *self,
                                                          gint64                 target_id);
/* Nagios-style weighted percent state change over the last 21 results. */
double              lookout_alert_engine_get_flap_percent (LookoutAlertEngine   *self,
                                                          gint64                 target_id);

guint               lookout_alert_engine_get_up_after    (LookoutAlertEngine    *self);
void                lookout_alert_engine_set_up_after    (LookoutAlertEngine    *self,
                                                          guint                  up_after);
void                lookout_alert_engine_set_flap_thresholds (LookoutAlertEngine *self,
                                                          double                 high,
                                                          double                 low);
guint               lookout_alert_engine_get_cert_warning_days (LookoutAlertEngine *self);
void                lookout_alert_engine_set_cert_warning_days (LookoutAlertEngine *self,
                                                          guint                  days);
gboolean            lookout_alert_engine_get_notify_degraded (LookoutAlertEngine *self);
void                lookout_alert_engine_set_notify_degraded (LookoutAlertEngine *self,
                                                          gboolean               notify);
/* Offsets after a DOWN at which a reminder goes out, ascending, in ms;
 * NULL or empty: none. Default 10 min, 30 min, 1 h. */
void                lookout_alert_engine_set_reminders   (LookoutAlertEngine    *self,
                                                          const gint64          *offsets_ms,
                                                          guint                  n_offsets);
const gint64       *lookout_alert_engine_get_reminders   (LookoutAlertEngine    *self,
                                                          guint                 *n_offsets);
gboolean            lookout_alert_engine_get_do_not_disturb (LookoutAlertEngine *self);
void                lookout_alert_engine_set_do_not_disturb (LookoutAlertEngine *self,
                                                          gboolean               dnd);
/* Silences one target's notifications until @until_ms (0 unmutes). */
void                lookout_alert_engine_mute_target     (LookoutAlertEngine    *self,
                                                          gint64                 target_id,
                                                          gint64                 until_ms);
gboolean            lookout_alert_engine_is_muted        (LookoutAlertEngine    *self,
                                                          gint64                 target_id);
/* An event about a target raised outside the engine (a route change): the
 * target's mute and do-not-disturb apply to it, then it is stored and
 * emitted as "event" like the engine's own. */
void                lookout_alert_engine_record_event    (LookoutAlertEngine    *self,
                                                          LookoutAlertEvent     *event);

gboolean            lookout_alert_engine_get_network_available (LookoutAlertEngine *self);
void                lookout_alert_engine_set_network_available (LookoutAlertEngine *self,
                                                          gboolean               available);
gboolean            lookout_alert_engine_get_paused      (LookoutAlertEngine    *self);
void                lookout_alert_engine_set_paused      (LookoutAlertEngine    *self,
                                                          gboolean               paused);

/* Whether the agent checking from @location is reachable. Going offline
 * raises one agent-offline event, and the targets checked from there are
 * "unknown from @location", counting neither way in their quorum, until
 * it is back (agent-online). Locations are online until said otherwise. */
void                lookout_alert_engine_set_location_online (LookoutAlertEngine *self,
                                                          const char            *location,
                                                          gboolean               online);
gboolean            lookout_alert_engine_get_location_online (LookoutAlertEngine *self,
                                                          const char            *location);
/* The state one place sees of a target: UNKNOWN when it has not reported,
 * is not listed or is offline. */
LookoutTargetState  lookout_alert_engine_get_location_state (LookoutAlertEngine *self,
                                                          gint64                 target_id,
                                                          const char            *location);

/* Follows GNetworkMonitor's "network-available", the link of the default
 * route's interface (LookoutLinkWatch) and logind's PrepareForSleep
 * (system bus; silently nothing where there is none). */
void                lookout_alert_engine_watch_system    (LookoutAlertEngine    *self);
/* What the default route's link says (@interface NULL: there is no default
 * route). The first report is where things stand; a change to down is a
 * local outage, back up ends the outage it started. */
void                lookout_alert_engine_set_default_link (LookoutAlertEngine   *self,
                                                           gboolean              up,
                                                           const char           *interface);

/* Where a target stood when the last process stopped, read from the store
 * (its events and last result) off the main thread, so that a restart
 * neither notifies again what was notified nor forgets when an outage
 * began. */
typedef struct
{
  LookoutTargetState  state;                /* as last decided; UNKNOWN when never */
  gint64              outage_since_ms;      /* 0 unless DOWN or DEGRADED */
  gint64              down_event_ms;        /* the DOWN event, 0 unless DOWN */
  guint               reminders_sent;       /* since the DOWN event */
  gint64              last_cert_warning_ms; /* 0 when none */
  LookoutSample       last;                 /* ts_ms -1 when none */
} LookoutAlertRestore;

LookoutAlertRestore *lookout_alert_restore_read_sync     (LookoutStore          *store,
                                                          gint64                 target_id,
                                                          GError               **error);
void                 lookout_alert_restore_free          (LookoutAlertRestore   *restore);
/* Takes up @target from @restore: the engine's track and the target's live
 * state (unless the target is paused), before any new result. */
void                 lookout_alert_engine_restore        (LookoutAlertEngine    *self,
                                                          LookoutTarget         *target,
                                                          const LookoutAlertRestore *restore);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutAlertRestore, lookout_alert_restore_free)

G_END_DECLS
