/* lookout-alert-event.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Stored by name (lookout_alert_event_kind_to_string) in events.kind. */
typedef enum
{
  LOOKOUT_ALERT_EVENT_DOWN,
  LOOKOUT_ALERT_EVENT_UP,
  LOOKOUT_ALERT_EVENT_DEGRADED,
  LOOKOUT_ALERT_EVENT_FLAPPING_START,
  LOOKOUT_ALERT_EVENT_FLAPPING_STOP,
  LOOKOUT_ALERT_EVENT_REMINDER,
  LOOKOUT_ALERT_EVENT_CERT_EXPIRING,
  LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST,
  LOOKOUT_ALERT_EVENT_CONNECTIVITY_RESTORED,
  LOOKOUT_ALERT_EVENT_PAUSED,
  LOOKOUT_ALERT_EVENT_RESUMED,
  LOOKOUT_ALERT_EVENT_UNDELIVERED,  /* a channel could not send another event */
  LOOKOUT_ALERT_EVENT_TEST,
  LOOKOUT_ALERT_EVENT_ANOMALY,   /* from the anomaly watch; message says what changed */
  LOOKOUT_ALERT_EVENT_AGENT_OFFLINE,  /* a remote agent's link is lost (no target) */
  LOOKOUT_ALERT_EVENT_AGENT_ONLINE,
  LOOKOUT_ALERT_EVENT_ROUTE_CHANGE,  /* from the route watch; message has both paths */
} LookoutAlertEventKind;

#define LOOKOUT_ALERT_N_EVENT_KINDS (LOOKOUT_ALERT_EVENT_ROUTE_CHANGE + 1)

/* One thing that happened, as the engine decided it. Refcounted and
 * immutable once emitted. Events about the machine itself (connectivity,
 * suspend) have target_id 0 and no target name. */
typedef struct
{
  /*< private >*/
  gatomicrefcount        ref_count;
  /*< public >*/
  LookoutAlertEventKind  kind;
  gint64                 target_id;
  char                  *target_name;
  char                  *target_uri;
  gint64                 ts_ms;          /* when it happened, ms since the epoch */
  gint64                 since_ms;       /* DOWN, UP, REMINDER: start of the outage; else 0 */
  gint64                 downtime_ms;    /* UP, REMINDER: length of the outage so far; else 0 */
  gint64                 cert_expiry_s;  /* CERT_EXPIRING: notAfter, unix seconds */
  char                  *title;          /* short: "example.org is down" */
  char                  *message;        /* one sentence, what is stored and sent */
  char                  *error;          /* the probe's error text, or NULL */
  gboolean               notify;         /* FALSE while muted, flapping, do-not-disturb */
  GPtrArray             *group;          /* the events one notification stands for, or NULL */
  char                 **channels;       /* ids of the channels it goes to; NULL: every channel */
} LookoutAlertEvent;

#define LOOKOUT_TYPE_ALERT_EVENT (lookout_alert_event_get_type ())
GType               lookout_alert_event_get_type        (void) G_GNUC_CONST;
LookoutAlertEvent  *lookout_alert_event_new             (LookoutAlertEventKind   kind);
/* One notification for several events of one kind (at least two, about
 * targets): "12 targets are down: a, b, c …". It has no target; group holds
 * the events, each still recorded and marked delivered on its own. */
LookoutAlertEvent  *lookout_alert_event_new_group       (GPtrArray              *events);
/* Whether @event goes to the channel @channel_id (its target's "channels"). */
gboolean            lookout_alert_event_goes_to         (const LookoutAlertEvent *event,
                                                         const char             *channel_id);
LookoutAlertEvent  *lookout_alert_event_ref             (LookoutAlertEvent      *event);
void                lookout_alert_event_unref           (LookoutAlertEvent      *event);

const char         *lookout_alert_event_kind_to_string  (LookoutAlertEventKind   kind);
/* Returns FALSE for an unknown name. */
gboolean            lookout_alert_event_kind_from_string (const char            *name,
                                                         LookoutAlertEventKind  *out_kind);
const char         *lookout_alert_event_kind_get_label  (LookoutAlertEventKind   kind);

/* "HH:MM:SS", hours growing past 24 ("49:03:10"). */
char               *lookout_format_duration             (gint64                  ms);

/* The webhook payload (docs/webhook.md); a group carries its events in
 * "events". */
JsonNode           *lookout_alert_event_to_json         (const LookoutAlertEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutAlertEvent, lookout_alert_event_unref)

G_END_DECLS
