/* lookout-alert-engine.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the alert engine decides
 *
 * Each target has a Track: streaks of consecutive successes, failures
 * (DOWN or DEGRADED results), DOWN results and DEGRADED results, and the
 * last 21 raw result states.
 *
 *  - UP after "up-after" consecutive successes (the first success of a
 *    target never seen before is enough: UNKNOWN -> UP is not an event).
 *  - DOWN after fail-threshold consecutive DOWN results, or failures of
 *    either kind ending in a DOWN result while the target was up.
 *  - DEGRADED after fail-threshold consecutive failures that are DEGRADED
 *    results; from DOWN, "up-after" DEGRADED results (it answers again).
 *  - Flapping as Nagios computes it: of the 20 changes between the last 21
 *    results, each counts with a weight from 0.75 (oldest) to 1.25 (newest);
 *    the sum over 20 is the percent state change. Flapping starts at or
 *    above flap-high and stops below flap-low; while it flaps, state changes
 *    are still events but are not notified.
 *  - "Is it me?": when GNetworkMonitor says the network went away, or when
 *    a target would go DOWN while the last result of every other target
 *    that reported recently failed as well, the machine is offline: one
 *    connectivity-lost event, targets that were not down become UNKNOWN and
 *    failures are not counted until a success (or the network) returns. A
 *    network that is unavailable from the start (an isolated LAN without a
 *    default route) is not taken for an outage: only the change is.
 *    A failure that is an answer (an HTTP status, a DNS rcode, a malformed
 *    reply…) proves the way to that server works: it never counts among
 *    the failures together and ends an outage as a success does.
 *    The link of the default route's interface answers the question
 *    directly, read from the kernel (LookoutLinkWatch) or from an
 *    iface://default target: its going down is a local outage at once, its
 *    coming back ends the outage it started (as with the network monitor,
 *    a link down from the start is no outage), and such a target is never
 *    counted among the targets that fail together.
 *    A target on this machine (localhost, a loopback address) says nothing
 *    about the network: it neither starts nor ends such an outage, and its
 *    failures count as they come, whatever the network does.
 *  - Reminders while DOWN at fixed offsets after the DOWN event; an overdue
 *    one (after a suspend) is sent once, for the latest offset passed.
 *  - A certificate expiring sooner than cert-warning-days: one warning per
 *    target per 24 hours.
 *
 * Every event is appended to the store and emitted as "event"; whether it
 * is worth a notification is event->notify (mute, do-not-disturb, flapping,
 * notify-degraded, a maintenance window of the target's).
 *
 * Locations. A target checked from more places than this machine (its
 * "locations" option: local, paris, tokyo) has a Track per place, decided
 * by the rules above from that place's results alone and raising no events
 * of its own. The target's state follows from its places by its "quorum"
 * option: DOWN when at least N places see it down (any = 1, all = every
 * place whose agent is online), DEGRADED when fewer do ("down from paris"),
 * or when a place sees it degraded; UP when the places that report see it
 * up. A place whose agent is offline (lookout_alert_engine_set_location_-
 * online()) is "unknown from paris" and counts neither way: the agent's
 * going offline is ONE agent-offline event, and its targets' states follow
 * quietly, without an event each. Results from a place the target does not
 * list change nothing but the live figures.
 *
 * A restart takes up where the last process stopped: the latest of a
 * target's down, up and degraded events gives the state it was notified
 * in, its failing run of stored results the outage start, and the reminder
 * and certificate events what was already said (lookout_alert_restore_*).
 */

#define G_LOG_DOMAIN "lookout-alert-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-alert-engine.h"
#include "lookout-link-watch.h"
#include "lookout-target-options.h"
#include "lookout-maintenance.h"

#define DAY_MS (24 * 60 * 60 * 1000LL)

typedef struct
{
  gint64              id;
  LookoutTarget      *target;
  char               *name;
  char               *uri;
  gint64              interval_ms;

  LookoutTargetState  state;
  guint               ok_streak;
  guint               bad_streak;
  guint               down_streak;
  guint               degraded_streak;
  gint64              ok_since_ms;
  gint64              bad_since_ms;
  gint64              outage_since_ms;
  gint64              down_event_ms;
  guint               next_reminder;

  guint8              history[LOOKOUT_ALERT_FLAP_HISTORY];
  guint               history_len;
  guint               history_pos;
  gboolean            flapping;

  gboolean            last_bad;
  gboolean            is_default_link;
  gboolean            on_this_machine;
  gint64              last_result_ms;
  gint64              last_cert_warning_ms;
  gint64              muted_until_ms;

  /* where it is checked from; places is NULL for a target checked only
   * here, and a place's own Track has its name in location */
  char               *location;
  char               *error;
  char               *places_options;
  gboolean            places_read;
  guint               quorum;
  GPtrArray          *places;
} Track;

struct _LookoutAlertEngine
{
  GObject                parent_instance;

  LookoutStore          *store;
  LookoutAlertClockFunc  clock;
  gpointer               clock_data;

  GHashTable            *tracks;   /* id -> Track */
  GHashTable            *offline;  /* names of locations whose agent is offline */

  guint                  up_after;
  double                 flap_high;
  double                 flap_low;
  guint                  cert_warning_days;
  gint64                 reminders[LOOKOUT_ALERT_MAX_REMINDERS];
  guint                  n_reminders;

  GSource               *reminder_timer;
  GNetworkMonitor       *network_monitor;
  LookoutLinkWatch      *link_watch;
  GDBusConnection       *system_bus;
  guint                  sleep_subscription;
  GCancellable          *cancellable;

  guint                  notify_degraded : 1;
  guint                  do_not_disturb : 1;
  guint                  network_available : 1;
  guint                  local_outage : 1;
  guint                  link_outage : 1;
  guint                  link_known : 1;
  guint                  link_up : 1;
  guint                  paused : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_UP_AFTER,
  PROP_FLAP_HIGH,
  PROP_FLAP_LOW,
  PROP_CERT_WARNING_DAYS,
  PROP_NOTIFY_DEGRADED,
  PROP_DO_NOT_DISTURB,
  PROP_NETWORK_AVAILABLE,
  PROP_PAUSED,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LookoutAlertEngine, lookout_alert_engine, G_TYPE_OBJECT)

static void
track_free (Track *track)
{
  g_clear_weak_pointer (&track->target);
  g_free (track->name);
  g_free (track->uri);
  g_free (track->location);
  g_free (track->error);
  g_free (track->places_options);
  g_clear_pointer (&track->places, g_ptr_array_unref);
  g_free (track);
}

static gint64
system_clock (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

static Track *
ensure_track (LookoutAlertEngine *self,
              gint64              id)
{
  Track *track = g_hash_table_lookup (self->tracks, &id);

  if (track == NULL)
    {
      track = g_new0 (Track, 1);
      track->id = id;
      track->state = LOOKOUT_TARGET_STATE_UNKNOWN;
      g_hash_table_insert (self->tracks, &track->id, track);
    }

  return track;
}

static void
track_reset_streaks (Track *track)
{
  track->ok_streak = 0;
  track->bad_streak = 0;
  track->down_streak = 0;
  track->degraded_streak = 0;
  track->last_bad = FALSE;
}

static char *
format_local_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

static gboolean
kind_suppressed_by_flapping (LookoutAlertEventKind kind)
{
  return kind == LOOKOUT_ALERT_EVENT_DOWN ||
         kind == LOOKOUT_ALERT_EVENT_UP ||
         kind == LOOKOUT_ALERT_EVENT_DEGRADED ||
         kind == LOOKOUT_ALERT_EVENT_REMINDER;
}

static LookoutAlertEvent *
new_event (Track                 *track,
           LookoutAlertEventKind  kind,
           gint64                 now)
{
  LookoutAlertEvent *event = lookout_alert_event_new (kind);

  event->ts_ms = now;
  if (track != NULL)
    {
      /* Targets not stored yet are followed under a negative key. */
      event->target_id = MAX (track->id, 0);
      event->target_name = g_strdup (track->name);
      event->target_uri = g_strdup (track->uri);
      if (track->target != NULL)
        event->channels = lookout_target_options_dup_channels (lookout_target_get_options (track->target));
      if (kind == LOOKOUT_ALERT_EVENT_DOWN || kind == LOOKOUT_ALERT_EVENT_UP ||
          kind == LOOKOUT_ALERT_EVENT_REMINDER)
        event->since_ms = track->outage_since_ms;
    }

  return event;
}

/* Decides whether @event is notified, stores it and emits it; consumes it. */
static void
emit_event (LookoutAlertEngine *self,
            Track              *track,
            LookoutAlertEvent  *event_)
{
  g_autoptr(LookoutAlertEvent) event = event_;

  if (track != NULL)
    {
      if (track->muted_until_ms > event->ts_ms)
        event->notify = FALSE;
      if (track->flapping && kind_suppressed_by_flapping (event->kind))
        event->notify = FALSE;
      /* Checked and recorded, never notified: the record says why. */
      if (track->target != NULL && lookout_target_in_maintenance (track->target, event->ts_ms))
        {
          char *message = g_strdup_printf (_("%s (not notified: in a maintenance window)"),
                                           event->message != NULL ? event->message : "");

          g_free (event->message);
          event->message = message;
          event->notify = FALSE;
        }
    }
  if (self->do_not_disturb)
    event->notify = FALSE;
  if (event->kind == LOOKOUT_ALERT_EVENT_DEGRADED && !self->notify_degraded)
    event->notify = FALSE;

  g_debug ("%s: %s (notify: %d)", lookout_alert_event_kind_to_string (event->kind),
           event->message, event->notify);

  if (self->store != NULL && (track == NULL || track->id > 0))
    lookout_store_append_event (self->store, event->target_id, event->ts_ms,
                                lookout_alert_event_kind_to_string (event->kind),
                                event->message);

  g_signal_emit (self, signals[EVENT], 0, event);
}

static const char *
track_label (Track *track)
{
  return track->name != NULL && track->name[0] != '\0' ? track->name : track->uri;
}

/* ---- flapping ---- */

static double
track_flap_percent (Track *track)
{
  const double low = 0.75, high = 1.25;
  double changes = 0.0;
  guint n = LOOKOUT_ALERT_FLAP_HISTORY;
  guint8 last;

  if (track->history_len < n)
    return 0.0;

  /* history_pos is the oldest entry once the ring is full. */
  last = track->history[track->history_pos];
  for (guint x = 1; x < n; x++)
    {
      guint8 state = track->history[(track->history_pos + x) % n];

      if (state != last)
        changes += ((double) (x - 1) * (high - low)) / (double) (n - 2) + low;
      last = state;
    }

  return changes * 100.0 / (double) (n - 1);
}

static void
update_flapping (LookoutAlertEngine *self,
                 Track              *track,
                 LookoutTargetState  result_state,
                 gint64              now)
{
  LookoutAlertEvent *event;
  double percent;

  track->history[track->history_pos] = result_state;
  track->history_pos = (track->history_pos + 1) % LOOKOUT_ALERT_FLAP_HISTORY;
  track->history_len = MIN (track->history_len + 1, LOOKOUT_ALERT_FLAP_HISTORY);

  percent = track_flap_percent (track);

  if (!track->flapping && percent >= self->flap_high)
    {
      track->flapping = TRUE;
      event = new_event (track, LOOKOUT_ALERT_EVENT_FLAPPING_START, now);
      /* Translators: %s is a target name, %.0f%% the share of state changes. */
      event->title = g_strdup_printf (_("%s is flapping"), track_label (track));
      event->message = g_strdup_printf (_("%s is flapping: its state changed in %.0f%% of the last %d checks."),
                                        track_label (track), percent, LOOKOUT_ALERT_FLAP_HISTORY);
      emit_event (self, track, event);
    }
  else if (track->flapping && percent < self->flap_low)
    {
      track->flapping = FALSE;
      event = new_event (track, LOOKOUT_ALERT_EVENT_FLAPPING_STOP, now);
      event->title = g_strdup_printf (_("%s stopped flapping"), track_label (track));
      /* Translators: the last %s is a state such as "Up" or "Down". */
      event->message = g_strdup_printf (_("%s stopped flapping; its last check was %s."),
                                        track_label (track),
                                        lookout_target_state_get_label (result_state));
      emit_event (self, track, event);
    }
}

/* ---- certificates ---- */

static void
check_certificate (LookoutAlertEngine  *self,
                   Track               *track,
                   const LookoutResult *result,
                   gint64               now)
{
  LookoutAlertEvent *event;
  g_autofree char *when = NULL;
  gint64 remaining_ms;

  if (result->cert_expiry_s <= 0 || self->cert_warning_days == 0)
    return;

  remaining_ms = result->cert_expiry_s * 1000 - now;
  if (remaining_ms >= (gint64) self->cert_warning_days * DAY_MS)
    return;
  if (track->last_cert_warning_ms != 0 && now - track->last_cert_warning_ms < DAY_MS)
    return;

  track->last_cert_warning_ms = now;
  when = format_local_time (result->cert_expiry_s * 1000);
  event = new_event (track, LOOKOUT_ALERT_EVENT_CERT_EXPIRING, now);
  event->cert_expiry_s = result->cert_expiry_s;
  event->title = g_strdup_printf (_("The certificate of %s expires soon"), track_label (track));
  if (remaining_ms <= 0)
    event->message = g_strdup_printf (_("The certificate of %s expired on %s."),
                                      track_label (track), when);
  else
    {
      int days = (int) (remaining_ms / DAY_MS);

      event->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "The certificate of %s expires in %d day, on %s.",
                                                     "The certificate of %s expires in %d days, on %s.",
                                                     days),
                                        track_label (track), days, when);
    }
  emit_event (self, track, event);
}

/* ---- reminders ---- */

static gboolean reminder_timer_cb (gpointer user_data);

static void
update_reminder_timer (LookoutAlertEngine *self)
{
  GHashTableIter iter;
  gpointer value;
  gboolean needed = FALSE;

  if (self->n_reminders > 0 && !self->paused)
    {
      g_hash_table_iter_init (&iter, self->tracks);
      while (!needed && g_hash_table_iter_next (&iter, NULL, &value))
        needed = ((Track *) value)->state == LOOKOUT_TARGET_STATE_DOWN &&
                 ((Track *) value)->next_reminder < self->n_reminders;
    }

  if (needed && self->reminder_timer == NULL)
    {
      self->reminder_timer = g_timeout_source_new_seconds (1);
      g_source_set_callback (self->reminder_timer, reminder_timer_cb, self, NULL);
      g_source_set_static_name (self->reminder_timer, "[lookout] alert reminders");
      g_source_attach (self->reminder_timer, g_main_context_get_thread_default ());
    }
  else if (!needed && self->reminder_timer != NULL)
    {
      g_source_destroy (self->reminder_timer);
      g_clear_pointer (&self->reminder_timer, g_source_unref);
    }
}

static gboolean
reminder_timer_cb (gpointer user_data)
{
  lookout_alert_engine_tick (LOOKOUT_ALERT_ENGINE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
check_reminders (LookoutAlertEngine *self,
                 Track              *track,
                 gint64              now)
{
  LookoutAlertEvent *event;
  g_autofree char *duration = NULL;
  guint due = G_MAXUINT;

  if (track->state != LOOKOUT_TARGET_STATE_DOWN)
    return;

  for (guint i = track->next_reminder; i < self->n_reminders; i++)
    if (now >= track->down_event_ms + self->reminders[i])
      due = i;

  if (due == G_MAXUINT)
    return;

  track->next_reminder = due + 1;
  event = new_event (track, LOOKOUT_ALERT_EVENT_REMINDER, now);
  event->downtime_ms = now - track->outage_since_ms;
  duration = lookout_format_duration (event->downtime_ms);
  event->title = g_strdup_printf (_("%s is still down"), track_label (track));
  /* Translators: the second %s is a duration, HH:MM:SS. */
  event->message = g_strdup_printf (_("%s has been down for %s."), track_label (track), duration);
  emit_event (self, track, event);
}

/* ---- local connectivity ---- */

static void
set_target_unknown (Track *track)
{
  if (track->target == NULL)
    return;

  lookout_target_set_live_state (track->target, track->state,
                                 lookout_target_get_last_latency (track->target),
                                 lookout_target_get_last_checked (track->target),
                                 lookout_target_get_last_error (track->target),
                                 lookout_target_get_last_address (track->target));
}

static void
enter_local_outage (LookoutAlertEngine *self,
                    gint64              now,
                    const char         *reason)
{
  LookoutAlertEvent *event;
  GHashTableIter iter;
  gpointer value;

  if (self->local_outage)
    return;

  self->local_outage = TRUE;

  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Track *track = value;

      /* The default route's link is the witness, not a suspect. */
      if (track->is_default_link || track->on_this_machine)
        continue;
      track_reset_streaks (track);
      if (track->state != LOOKOUT_TARGET_STATE_DOWN)
        {
          track->state = LOOKOUT_TARGET_STATE_UNKNOWN;
          set_target_unknown (track);
        }
    }

  event = new_event (NULL, LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST, now);
  event->title = g_strdup (_("This computer is offline"));
  event->message = g_strdup_printf (_("Local connectivity lost: %s. Targets are unknown until it returns."),
                                    reason);
  emit_event (self, NULL, event);
}

static void
leave_local_outage (LookoutAlertEngine *self,
                    gint64              now)
{
  LookoutAlertEvent *event;
  GHashTableIter iter;
  gpointer value;

  if (!self->local_outage)
    return;

  self->local_outage = FALSE;

  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    track_reset_streaks (value);

  self->link_outage = FALSE;
  event = new_event (NULL, LOOKOUT_ALERT_EVENT_CONNECTIVITY_RESTORED, now);
  event->title = g_strdup (_("This computer is online again"));
  event->message = g_strdup (_("Local connectivity restored."));
  emit_event (self, NULL, event);
}

/* Whether a result came from the server itself, success or not: an answer
 * no offline computer could have had. */
static gboolean
reached_server (const LookoutResult *result)
{
  if (result->ok)
    return TRUE;

  switch (result->error_code)
    {
    case LOOKOUT_PROBE_ERROR_STATUS:
    case LOOKOUT_PROBE_ERROR_KEYWORD:
    case LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS:
    case LOOKOUT_PROBE_ERROR_PROTOCOL:
    case LOOKOUT_PROBE_ERROR_RCODE:
    case LOOKOUT_PROBE_ERROR_KISS_OF_DEATH:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Did the latest result of every target that reported recently fail, too? */
static gboolean
everything_fails (LookoutAlertEngine *self,
                  gint64              now)
{
  GHashTableIter iter;
  gpointer value;
  guint recent = 0;

  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Track *track = value;

      if (track->is_default_link || track->on_this_machine || track->last_result_ms == 0 ||
          now - track->last_result_ms > 2 * track->interval_ms + 120000)
        continue;
      if (!track->last_bad)
        return FALSE;
      recent++;
    }

  return recent >= 2;
}

/* iface://default: the link of this computer's way out. */
static gboolean
is_default_link (LookoutTarget *target)
{
  LookoutTargetUri *uri = lookout_target_get_uri (target);

  return lookout_target_get_kind (target) == LOOKOUT_TARGET_KIND_IFACE
         && g_strcmp0 (lookout_target_uri_get_host (uri), "default") == 0;
}

/* ---- state ---- */

static void
change_state (LookoutAlertEngine  *self,
              Track               *track,
              LookoutTargetState   new_state,
              const char          *error,
              gint64               now)
{
  LookoutTargetState old_state = track->state;
  LookoutAlertEvent *event = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *since = NULL;

  g_assert (new_state != old_state);

  track->state = new_state;

  switch (new_state)
    {
    case LOOKOUT_TARGET_STATE_UP:
      if (old_state == LOOKOUT_TARGET_STATE_UNKNOWN)
        break;
      event = new_event (track, LOOKOUT_ALERT_EVENT_UP, now);
      event->downtime_ms = track->ok_since_ms - track->outage_since_ms;
      duration = lookout_format_duration (event->downtime_ms);
      event->title = g_strdup_printf (_("%s is up"), track_label (track));
      if (old_state == LOOKOUT_TARGET_STATE_DOWN)
        /* Translators: the second %s is a duration, HH:MM:SS. */
        event->message = g_strdup_printf (_("%s is now up after %s."), track_label (track), duration);
      else
        event->message = g_strdup_printf (_("%s is now up after being degraded for %s."),
                                          track_label (track), duration);
      track->outage_since_ms = 0;
      break;

    case LOOKOUT_TARGET_STATE_DOWN:
      if (old_state == LOOKOUT_TARGET_STATE_UP || old_state == LOOKOUT_TARGET_STATE_UNKNOWN)
        track->outage_since_ms = track->bad_since_ms;
      track->down_event_ms = now;
      track->next_reminder = 0;
      event = new_event (track, LOOKOUT_ALERT_EVENT_DOWN, now);
      event->error = g_strdup (error);
      since = format_local_time (track->outage_since_ms);
      event->title = g_strdup_printf (_("%s is down"), track_label (track));
      /* Translators: the second %s is a date and time, the third the error. */
      event->message = g_strdup_printf (_("%s is down since %s: %s"), track_label (track), since,
                                        error != NULL ? error : _("no reply"));
      break;

    case LOOKOUT_TARGET_STATE_DEGRADED:
      if (old_state == LOOKOUT_TARGET_STATE_UP || old_state == LOOKOUT_TARGET_STATE_UNKNOWN)
        track->outage_since_ms = track->bad_since_ms;
      event = new_event (track, LOOKOUT_ALERT_EVENT_DEGRADED, now);
      event->error = g_strdup (error);
      event->title = g_strdup_printf (_("%s is degraded"), track_label (track));
      event->message = g_strdup_printf (_("%s is degraded: %s"), track_label (track),
                                        error != NULL ? error : _("unexpected reply"));
      break;

    case LOOKOUT_TARGET_STATE_UNKNOWN:
    case LOOKOUT_TARGET_STATE_PAUSED:
    default:
      g_assert_not_reached ();
    }

  if (event != NULL)
    emit_event (self, track, event);

  /* Only a change to or from DOWN can start or end the need for reminders;
   * scanning every track on each change made a first round of n targets
   * cost n² steps. */
  if (new_state == LOOKOUT_TARGET_STATE_DOWN || old_state == LOOKOUT_TARGET_STATE_DOWN)
    update_reminder_timer (self);
}


static void
count_result (Track               *track,
              const LookoutResult *result,
              gint64               now)
{
  if (result->ok)
    {
      if (track->ok_streak++ == 0)
        track->ok_since_ms = now;
      track->bad_streak = track->down_streak = track->degraded_streak = 0;
    }
  else
    {
      if (track->bad_streak++ == 0)
        track->bad_since_ms = now;
      track->ok_streak = 0;
      if (result->state == LOOKOUT_TARGET_STATE_DEGRADED)
        {
          track->degraded_streak++;
          track->down_streak = 0;
        }
      else
        {
          track->down_streak++;
          track->degraded_streak = 0;
        }
    }
}

/* ---- locations ---- */

static LookoutTargetState decide (LookoutAlertEngine  *self,
                                  Track               *track,
                                  guint                threshold,
                                  const LookoutResult *result);

/* Reads the target's places when its options changed; a new list starts
 * every place unknown. */
static void
track_read_places (Track         *track,
                   LookoutTarget *target)
{
  const char *options = lookout_target_get_options (target);
  g_auto(GStrv) names = NULL;

  if (track->places_read && g_strcmp0 (track->places_options, options) == 0)
    return;

  track->places_read = TRUE;
  g_free (track->places_options);
  track->places_options = g_strdup (options);
  g_clear_pointer (&track->places, g_ptr_array_unref);

  names = lookout_target_options_get_places (options, &track->quorum);
  if (names[0] != NULL && names[1] == NULL && g_str_equal (names[0], LOOKOUT_LOCATION_LOCAL))
    return;

  track->places = g_ptr_array_new_with_free_func ((GDestroyNotify) track_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      Track *place = g_new0 (Track, 1);

      place->id = track->id;
      place->state = LOOKOUT_TARGET_STATE_UNKNOWN;
      place->location = g_strdup (names[i]);
      g_ptr_array_add (track->places, place);
    }
}

static Track *
find_place (Track      *track,
            const char *name)
{
  if (track->places == NULL)
    return NULL;

  for (guint i = 0; i < track->places->len; i++)
    {
      Track *place = g_ptr_array_index (track->places, i);

      if (g_str_equal (place->location, name))
        return place;
    }

  return NULL;
}

static gboolean
place_counts (LookoutAlertEngine *self,
              Track              *place)
{
  return place->state != LOOKOUT_TARGET_STATE_UNKNOWN &&
         !g_hash_table_contains (self->offline, place->location);
}

/* The target's state by the quorum rule (see the top of this file). */
static LookoutTargetState
quorum_state (LookoutAlertEngine *self,
              Track              *track,
              gint64             *bad_since_ms)
{
  guint n_online = 0, n_down = 0, n_degraded = 0, n_up = 0, needed;

  *bad_since_ms = G_MAXINT64;
  for (guint i = 0; i < track->places->len; i++)
    {
      Track *place = g_ptr_array_index (track->places, i);

      if (!g_hash_table_contains (self->offline, place->location))
        n_online++;
      if (!place_counts (self, place))
        continue;
      if (place->state == LOOKOUT_TARGET_STATE_UP)
        {
          n_up++;
          continue;
        }
      if (place->state == LOOKOUT_TARGET_STATE_DOWN)
        n_down++;
      else
        n_degraded++;
      *bad_since_ms = MIN (*bad_since_ms, place->bad_since_ms);
    }

  needed = track->quorum == LOOKOUT_QUORUM_ALL ? MAX (n_online, 1) : track->quorum;
  if (n_down > 0 && n_down >= needed)
    return LOOKOUT_TARGET_STATE_DOWN;
  if (n_down > 0 || n_degraded > 0)
    return LOOKOUT_TARGET_STATE_DEGRADED;
  if (n_up > 0)
    return LOOKOUT_TARGET_STATE_UP;
  return LOOKOUT_TARGET_STATE_UNKNOWN;
}

/* "down from paris: no reply; unknown from tokyo", NULL when every place
 * sees the target up. */
static char *
places_summary (LookoutAlertEngine *self,
                Track              *track)
{
  GString *text = NULL;

  for (guint i = 0; i < track->places->len; i++)
    {
      Track *place = g_ptr_array_index (track->places, i);
      g_autofree char *said = NULL;

      if (!place_counts (self, place))
        said = g_strdup_printf (_("unknown from %s"), place->location);
      else if (place->state == LOOKOUT_TARGET_STATE_DOWN)
        said = g_strdup_printf (_("down from %s"), place->location);
      else if (place->state == LOOKOUT_TARGET_STATE_DEGRADED)
        said = g_strdup_printf (_("degraded from %s"), place->location);
      else
        continue;

      if (text == NULL)
        text = g_string_new (NULL);
      else
        g_string_append (text, "; ");
      g_string_append (text, said);
      if (place_counts (self, place) && place->error != NULL)
        g_string_append_printf (text, ": %s", place->error);
    }

  return text != NULL ? g_string_free (text, FALSE) : NULL;
}

/* Follows the places: with events from a result, quietly when an agent
 * comes or goes. */
static void
apply_quorum (LookoutAlertEngine *self,
              Track              *track,
              const char         *summary,
              gboolean            with_events,
              gint64              now)
{
  LookoutTargetState old_state = track->state;
  LookoutTargetState new_state;
  gint64 bad_since_ms;

  new_state = quorum_state (self, track, &bad_since_ms);
  if (new_state == old_state)
    return;

  if (new_state == LOOKOUT_TARGET_STATE_UP)
    track->ok_since_ms = now;
  else if (new_state != LOOKOUT_TARGET_STATE_UNKNOWN &&
           (old_state == LOOKOUT_TARGET_STATE_UP || old_state == LOOKOUT_TARGET_STATE_UNKNOWN))
    track->bad_since_ms = bad_since_ms != G_MAXINT64 ? bad_since_ms : now;

  if (with_events && new_state != LOOKOUT_TARGET_STATE_UNKNOWN)
    {
      change_state (self, track, new_state, summary, now);
      return;
    }

  track->state = new_state;
  if (new_state == LOOKOUT_TARGET_STATE_UP || new_state == LOOKOUT_TARGET_STATE_UNKNOWN)
    track->outage_since_ms = 0;
  else if (old_state == LOOKOUT_TARGET_STATE_UP || old_state == LOOKOUT_TARGET_STATE_UNKNOWN)
    track->outage_since_ms = track->bad_since_ms;
  if (new_state == LOOKOUT_TARGET_STATE_DOWN || old_state == LOOKOUT_TARGET_STATE_DOWN)
    update_reminder_timer (self);
}

/* A result from one of the target's places; returns the live state's error
 * text. */
static char *
process_at_place (LookoutAlertEngine  *self,
                  Track               *track,
                  guint                threshold,
                  const LookoutResult *result,
                  gint64               now)
{
  Track *place = find_place (track, result->location != NULL ? result->location
                                                             : LOOKOUT_LOCATION_LOCAL);
  g_autofree char *summary = NULL;
  LookoutTargetState place_state;
  gint64 bad_since_ms;

  if (place == NULL)
    return g_strdup (result->error);

  if (result->location == NULL && self->local_outage)
    {
      if (!reached_server (result))
        return places_summary (self, track);
      leave_local_outage (self, now);
    }

  count_result (place, result, now);
  place_state = decide (self, place, threshold, result);
  place->state = place_state;
  g_free (place->error);
  place->error = g_strdup (result->error);

  /* Flapping is of what the places decide together: a target down from
   * one place and up from another is steadily degraded, not flapping. */
  place_state = quorum_state (self, track, &bad_since_ms);
  if (place_state != LOOKOUT_TARGET_STATE_UNKNOWN)
    update_flapping (self, track, place_state, now);
  if (result->ok)
    check_certificate (self, track, result, now);

  summary = places_summary (self, track);
  apply_quorum (self, track, summary, TRUE, now);
  check_reminders (self, track, now);

  return g_steal_pointer (&summary);
}

static LookoutTargetState
decide (LookoutAlertEngine  *self,
        Track               *track,
        guint                threshold,
        const LookoutResult *result)
{
  LookoutTargetState state = track->state;

  if (result->ok)
    {
      guint need = state == LOOKOUT_TARGET_STATE_UNKNOWN ? 1 : self->up_after;

      if (state != LOOKOUT_TARGET_STATE_UP && track->ok_streak >= need)
        return LOOKOUT_TARGET_STATE_UP;
      return state;
    }

  if (result->state == LOOKOUT_TARGET_STATE_DEGRADED)
    {
      if (state == LOOKOUT_TARGET_STATE_DOWN)
        return track->degraded_streak >= self->up_after ? LOOKOUT_TARGET_STATE_DEGRADED : state;
      if (state != LOOKOUT_TARGET_STATE_DEGRADED && track->degraded_streak >= threshold)
        return LOOKOUT_TARGET_STATE_DEGRADED;
      return state;
    }

  if (state == LOOKOUT_TARGET_STATE_DOWN)
    return state;
  if (track->down_streak >= threshold)
    return LOOKOUT_TARGET_STATE_DOWN;
  if (state != LOOKOUT_TARGET_STATE_DEGRADED && track->bad_streak >= threshold)
    return LOOKOUT_TARGET_STATE_DOWN;
  return state;
}

/* ---- system ---- */

static void
network_available_changed_cb (GNetworkMonitor    *monitor,
                              gboolean            available,
                              LookoutAlertEngine *self)
{
  lookout_alert_engine_set_network_available (self, available);
}

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  gboolean sleeping;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &sleeping);
  lookout_alert_engine_set_paused (LOOKOUT_ALERT_ENGINE (user_data), sleeping);
}

static void
system_bus_got_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LookoutAlertEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, suspend is not followed: %s", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        prepare_for_sleep_cb, self, NULL);
}

/* ---- GObject ---- */

static void
lookout_alert_engine_dispose (GObject *object)
{
  LookoutAlertEngine *self = (LookoutAlertEngine *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->reminder_timer != NULL)
    {
      g_source_destroy (self->reminder_timer);
      g_clear_pointer (&self->reminder_timer, g_source_unref);
    }
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->network_monitor,
                                          network_available_changed_cb, self);
  g_clear_object (&self->network_monitor);
  if (self->link_watch != NULL)
    g_signal_handlers_disconnect_by_data (self->link_watch, self);
  g_clear_object (&self->link_watch);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  g_clear_object (&self->store);
  g_hash_table_remove_all (self->tracks);

  G_OBJECT_CLASS (lookout_alert_engine_parent_class)->dispose (object);
}

static void
lookout_alert_engine_finalize (GObject *object)
{
  LookoutAlertEngine *self = (LookoutAlertEngine *)object;

  g_clear_pointer (&self->tracks, g_hash_table_unref);
  g_clear_pointer (&self->offline, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lookout_alert_engine_parent_class)->finalize (object);
}

static void
lookout_alert_engine_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LookoutAlertEngine *self = LOOKOUT_ALERT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_UP_AFTER:
      g_value_set_uint (value, self->up_after);
      break;
    case PROP_FLAP_HIGH:
      g_value_set_double (value, self->flap_high);
      break;
    case PROP_FLAP_LOW:
      g_value_set_double (value, self->flap_low);
      break;
    case PROP_CERT_WARNING_DAYS:
      g_value_set_uint (value, self->cert_warning_days);
      break;
    case PROP_NOTIFY_DEGRADED:
      g_value_set_boolean (value, self->notify_degraded);
      break;
    case PROP_DO_NOT_DISTURB:
      g_value_set_boolean (value, self->do_not_disturb);
      break;
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->network_available);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_engine_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LookoutAlertEngine *self = LOOKOUT_ALERT_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_UP_AFTER:
      lookout_alert_engine_set_up_after (self, g_value_get_uint (value));
      break;
    case PROP_FLAP_HIGH:
      lookout_alert_engine_set_flap_thresholds (self, g_value_get_double (value),
                                                MIN (self->flap_low, g_value_get_double (value)));
      break;
    case PROP_FLAP_LOW:
      lookout_alert_engine_set_flap_thresholds (self, MAX (self->flap_high, g_value_get_double (value)),
                                                g_value_get_double (value));
      break;
    case PROP_CERT_WARNING_DAYS:
      lookout_alert_engine_set_cert_warning_days (self, g_value_get_uint (value));
      break;
    case PROP_NOTIFY_DEGRADED:
      lookout_alert_engine_set_notify_degraded (self, g_value_get_boolean (value));
      break;
    case PROP_DO_NOT_DISTURB:
      lookout_alert_engine_set_do_not_disturb (self, g_value_get_boolean (value));
      break;
    case PROP_NETWORK_AVAILABLE:
      lookout_alert_engine_set_network_available (self, g_value_get_boolean (value));
      break;
    case PROP_PAUSED:
      lookout_alert_engine_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_alert_engine_class_init (LookoutAlertEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_alert_engine_dispose;
  object_class->finalize = lookout_alert_engine_finalize;
  object_class->get_property = lookout_alert_engine_get_property;
  object_class->set_property = lookout_alert_engine_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LOOKOUT_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_UP_AFTER] =
    g_param_spec_uint ("up-after", NULL, NULL,
                       1, LOOKOUT_TARGET_MAX_FAIL_THRESHOLD, LOOKOUT_ALERT_DEFAULT_UP_AFTER,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FLAP_HIGH] =
    g_param_spec_double ("flap-high", NULL, NULL,
                         0.0, 100.0, LOOKOUT_ALERT_DEFAULT_FLAP_HIGH,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FLAP_LOW] =
    g_param_spec_double ("flap-low", NULL, NULL,
                         0.0, 100.0, LOOKOUT_ALERT_DEFAULT_FLAP_LOW,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CERT_WARNING_DAYS] =
    g_param_spec_uint ("cert-warning-days", NULL, NULL,
                       0, 365, LOOKOUT_ALERT_DEFAULT_CERT_DAYS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NOTIFY_DEGRADED] =
    g_param_spec_boolean ("notify-degraded", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DO_NOT_DISTURB] =
    g_param_spec_boolean ("do-not-disturb", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NETWORK_AVAILABLE] =
    g_param_spec_boolean ("network-available", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LookoutAlertEngine::event:
   * @event: (transfer none): the LookoutAlertEvent
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  LOOKOUT_TYPE_ALERT_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
lookout_alert_engine_init (LookoutAlertEngine *self)
{
  static const gint64 default_reminders[] = { 10 * 60000, 30 * 60000, 60 * 60000 };

  self->clock = system_clock;
  self->tracks = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                        (GDestroyNotify) track_free);
  self->offline = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->up_after = LOOKOUT_ALERT_DEFAULT_UP_AFTER;
  self->flap_high = LOOKOUT_ALERT_DEFAULT_FLAP_HIGH;
  self->flap_low = LOOKOUT_ALERT_DEFAULT_FLAP_LOW;
  self->cert_warning_days = LOOKOUT_ALERT_DEFAULT_CERT_DAYS;
  self->notify_degraded = TRUE;
  self->network_available = TRUE;
  lookout_alert_engine_set_reminders (self, default_reminders, G_N_ELEMENTS (default_reminders));
}

/* ---- public API ---- */

LookoutAlertEngine *
lookout_alert_engine_new (LookoutStore *store)
{
  g_return_val_if_fail (store == NULL || LOOKOUT_IS_STORE (store), NULL);

  return g_object_new (LOOKOUT_TYPE_ALERT_ENGINE, "store", store, NULL);
}

void
lookout_alert_engine_set_clock (LookoutAlertEngine    *self,
                                LookoutAlertClockFunc  func,
                                gpointer               user_data)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  self->clock = func != NULL ? func : system_clock;
  self->clock_data = func != NULL ? user_data : NULL;
}

gint64
lookout_alert_engine_now (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), 0);

  return self->clock (self->clock_data);
}

LookoutTargetState
lookout_alert_engine_process (LookoutAlertEngine  *self,
                              LookoutTarget       *target,
                              const LookoutResult *result)
{
  g_autofree char *places_error = NULL;
  const char *live_error;
  LookoutTargetState new_state;
  gint64 now;
  guint threshold;
  Track *track;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), LOOKOUT_TARGET_STATE_UNKNOWN);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), LOOKOUT_TARGET_STATE_UNKNOWN);
  g_return_val_if_fail (result != NULL, LOOKOUT_TARGET_STATE_UNKNOWN);

  now = lookout_alert_engine_now (self);
  /* A target not stored yet has no id: follow it by its address. */
  track = ensure_track (self, lookout_target_get_id (target) != 0
                              ? lookout_target_get_id (target)
                              : -(gint64) GPOINTER_TO_SIZE (target));
  /* Weak: the engine must not keep removed targets alive. */
  if (track->target != target)
    g_set_weak_pointer (&track->target, target);
  if (g_strcmp0 (track->name, lookout_target_get_name (target)) != 0)
    {
      g_free (track->name);
      track->name = g_strdup (lookout_target_get_name (target));
    }
  if (g_strcmp0 (track->uri, lookout_target_get_uri_string (target)) != 0)
    {
      g_free (track->uri);
      track->uri = g_strdup (lookout_target_get_uri_string (target));
      track->on_this_machine = lookout_host_is_loopback (lookout_target_uri_get_host (lookout_target_get_uri (target)));
    }
  track->interval_ms = (gint64) lookout_target_get_interval (target) * 1000;
  threshold = MAX (lookout_target_get_fail_threshold (target), 1);
  live_error = result->error;

  /* A cancelled check, a sleeping machine: nothing learnt. */
  if (result->state == LOOKOUT_TARGET_STATE_UNKNOWN || self->paused)
    goto out;

  track_read_places (track, target);
  if (track->places != NULL || result->location != NULL)
    {
      live_error = places_error = process_at_place (self, track, threshold, result, now);
      goto out;
    }

  track->last_result_ms = now;
  track->last_bad = !reached_server (result);
  track->is_default_link = is_default_link (target);

  if (track->is_default_link && !result->ok && !self->local_outage)
    {
      g_autofree char *reason = g_strdup_printf (_("the interface of the default route (%s) has no working link"),
                                                 result->interface != NULL ? result->interface : "default");

      enter_local_outage (self, now, reason);
      self->link_outage = TRUE;
    }
  else if (track->is_default_link && result->ok && self->link_outage)
    leave_local_outage (self, now);

  if (self->local_outage && !track->is_default_link && !track->on_this_machine)
    {
      if (track->last_bad)
        goto out;
      leave_local_outage (self, now);
    }

  update_flapping (self, track, result->ok ? LOOKOUT_TARGET_STATE_UP : result->state, now);
  if (result->ok)
    check_certificate (self, track, result, now);

  count_result (track, result, now);
  new_state = decide (self, track, threshold, result);

  if (new_state == LOOKOUT_TARGET_STATE_DOWN &&
      track->state != LOOKOUT_TARGET_STATE_DOWN &&
      !track->is_default_link && !track->on_this_machine &&
      everything_fails (self, now))
    {
      enter_local_outage (self, now, _("every target failed"));
      goto out;
    }

  if (new_state != track->state)
    change_state (self, track, new_state, result->error, now);

  check_reminders (self, track, now);

out:
  lookout_target_set_live_state (target, track->state, result->latency_us,
                                 result->started_ms > 0 ? result->started_ms : now,
                                 live_error, result->address);
  return track->state;
}

void
lookout_alert_engine_tick (LookoutAlertEngine *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  if (self->paused)
    return;

  now = lookout_alert_engine_now (self);
  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    check_reminders (self, value, now);

  update_reminder_timer (self);
}

void
lookout_alert_engine_forget_target (LookoutAlertEngine *self,
                                    gint64              target_id)
{
  Track *track;
  gboolean reminding;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  track = g_hash_table_lookup (self->tracks, &target_id);
  if (track == NULL)
    return;

  /* Only a track still owed a reminder can end the need for the timer:
   * rescanning after each removal made removing n targets cost n². */
  reminding = track->state == LOOKOUT_TARGET_STATE_DOWN &&
              track->next_reminder < self->n_reminders;
  g_hash_table_remove (self->tracks, &target_id);
  if (reminding)
    update_reminder_timer (self);
}

LookoutTargetState
lookout_alert_engine_get_state (LookoutAlertEngine *self,
                                gint64              target_id)
{
  Track *track;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), LOOKOUT_TARGET_STATE_UNKNOWN);

  track = g_hash_table_lookup (self->tracks, &target_id);
  return track != NULL ? track->state : LOOKOUT_TARGET_STATE_UNKNOWN;
}

gboolean
lookout_alert_engine_is_flapping (LookoutAlertEngine *self,
                                  gint64              target_id)
{
  Track *track;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  track = g_hash_table_lookup (self->tracks, &target_id);
  return track != NULL && track->flapping;
}

double
lookout_alert_engine_get_flap_percent (LookoutAlertEngine *self,
                                       gint64              target_id)
{
  Track *track;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), 0.0);

  track = g_hash_table_lookup (self->tracks, &target_id);
  return track != NULL ? track_flap_percent (track) : 0.0;
}

guint
lookout_alert_engine_get_up_after (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), 0);

  return self->up_after;
}

void
lookout_alert_engine_set_up_after (LookoutAlertEngine *self,
                                   guint               up_after)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (up_after >= 1);

  if (self->up_after == up_after)
    return;
  self->up_after = up_after;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UP_AFTER]);
}

void
lookout_alert_engine_set_flap_thresholds (LookoutAlertEngine *self,
                                          double              high,
                                          double              low)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (low >= 0.0 && low <= high && high <= 100.0);

  if (self->flap_high != high)
    {
      self->flap_high = high;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAP_HIGH]);
    }
  if (self->flap_low != low)
    {
      self->flap_low = low;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAP_LOW]);
    }
}

guint
lookout_alert_engine_get_cert_warning_days (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), 0);

  return self->cert_warning_days;
}

void
lookout_alert_engine_set_cert_warning_days (LookoutAlertEngine *self,
                                            guint               days)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  if (self->cert_warning_days == days)
    return;
  self->cert_warning_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERT_WARNING_DAYS]);
}

gboolean
lookout_alert_engine_get_notify_degraded (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  return self->notify_degraded;
}

void
lookout_alert_engine_set_notify_degraded (LookoutAlertEngine *self,
                                          gboolean            notify)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  notify = !!notify;
  if (self->notify_degraded == notify)
    return;
  self->notify_degraded = notify;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTIFY_DEGRADED]);
}

void
lookout_alert_engine_set_reminders (LookoutAlertEngine *self,
                                    const gint64       *offsets_ms,
                                    guint               n_offsets)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (n_offsets == 0 || offsets_ms != NULL);
  g_return_if_fail (n_offsets <= LOOKOUT_ALERT_MAX_REMINDERS);

  for (guint i = 0; i < n_offsets; i++)
    g_return_if_fail (offsets_ms[i] > 0 && (i == 0 || offsets_ms[i] > offsets_ms[i - 1]));

  for (guint i = 0; i < n_offsets; i++)
    self->reminders[i] = offsets_ms[i];
  self->n_reminders = n_offsets;
  update_reminder_timer (self);
}

const gint64 *
lookout_alert_engine_get_reminders (LookoutAlertEngine *self,
                                    guint              *n_offsets)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), NULL);
  g_return_val_if_fail (n_offsets != NULL, NULL);

  *n_offsets = self->n_reminders;
  return self->reminders;
}

gboolean
lookout_alert_engine_get_do_not_disturb (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  return self->do_not_disturb;
}

void
lookout_alert_engine_set_do_not_disturb (LookoutAlertEngine *self,
                                         gboolean            dnd)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  dnd = !!dnd;
  if (self->do_not_disturb == dnd)
    return;
  self->do_not_disturb = dnd;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DO_NOT_DISTURB]);
}

void
lookout_alert_engine_mute_target (LookoutAlertEngine *self,
                                  gint64              target_id,
                                  gint64              until_ms)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  ensure_track (self, target_id)->muted_until_ms = until_ms;
}

void
lookout_alert_engine_record_event (LookoutAlertEngine *self,
                                   LookoutAlertEvent  *event)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (event != NULL);

  emit_event (self, g_hash_table_lookup (self->tracks, &event->target_id),
              lookout_alert_event_ref (event));
}

gboolean
lookout_alert_engine_is_muted (LookoutAlertEngine *self,
                               gint64              target_id)
{
  Track *track;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  track = g_hash_table_lookup (self->tracks, &target_id);
  return track != NULL && track->muted_until_ms > lookout_alert_engine_now (self);
}

gboolean
lookout_alert_engine_get_network_available (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  return self->network_available;
}

void
lookout_alert_engine_set_network_available (LookoutAlertEngine *self,
                                            gboolean            available)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  available = !!available;
  if (self->network_available == available)
    return;

  self->network_available = available;
  if (!available)
    enter_local_outage (self, lookout_alert_engine_now (self), _("the network is not available"));
  else
    leave_local_outage (self, lookout_alert_engine_now (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_AVAILABLE]);
}

gboolean
lookout_alert_engine_get_paused (LookoutAlertEngine *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);

  return self->paused;
}

void
lookout_alert_engine_set_paused (LookoutAlertEngine *self,
                                 gboolean            paused)
{
  LookoutAlertEvent *event;
  GHashTableIter iter;
  gpointer value;
  gint64 now;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  now = lookout_alert_engine_now (self);

  /* What was counted before the sleep says nothing about after it. */
  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    track_reset_streaks (value);

  event = new_event (NULL, paused ? LOOKOUT_ALERT_EVENT_PAUSED : LOOKOUT_ALERT_EVENT_RESUMED, now);
  event->title = g_strdup (paused ? _("Monitoring paused") : _("Monitoring resumed"));
  event->message = g_strdup (paused ? _("The computer is going to sleep; checks are paused.")
                                    : _("The computer woke up; checks resume."));
  event->notify = FALSE;
  emit_event (self, NULL, event);

  update_reminder_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
default_link_changed_cb (LookoutLinkWatch   *watch,
                         gboolean            up,
                         const char         *interface,
                         LookoutAlertEngine *self)
{
  lookout_alert_engine_set_default_link (self, up, interface);
}

void
lookout_alert_engine_set_default_link (LookoutAlertEngine *self,
                                       gboolean            up,
                                       const char         *interface)
{
  gboolean was_known, was_up;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  was_known = self->link_known;
  was_up = self->link_up;
  self->link_known = TRUE;
  self->link_up = !!up;
  if (!was_known || was_up == self->link_up)
    return;

  if (!up && !self->local_outage)
    {
      g_autofree char *reason = interface != NULL
        ? g_strdup_printf (_("the interface of the default route (%s) has no working link"), interface)
        : g_strdup (_("there is no default route"));

      enter_local_outage (self, lookout_alert_engine_now (self), reason);
      self->link_outage = TRUE;
    }
  else if (up && self->link_outage)
    leave_local_outage (self, lookout_alert_engine_now (self));
}

void
lookout_alert_engine_watch_system (LookoutAlertEngine *self)
{
  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));

  if (self->link_watch == NULL)
    {
      self->link_watch = lookout_link_watch_new ();
      g_signal_connect (self->link_watch, "changed", G_CALLBACK (default_link_changed_cb), self);
    }

  if (self->network_monitor == NULL)
    {
      self->network_monitor = g_object_ref (g_network_monitor_get_default ());
      g_signal_connect (self->network_monitor, "network-changed",
                        G_CALLBACK (network_available_changed_cb), self);
      self->network_available = g_network_monitor_get_network_available (self->network_monitor);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_AVAILABLE]);
    }

  if (self->system_bus == NULL)
    g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_got_cb, g_object_ref (self));
}

/* ---- restart ---- */

/* The time of the newest event of @kind of @target_id (0 when none), and
 * how many of the newest @limit are later than @after_ms. */
static gboolean
newest_event (LookoutStore           *store,
              gint64                  target_id,
              LookoutAlertEventKind   kind,
              guint                   limit,
              gint64                  after_ms,
              gint64                 *out_ts_ms,
              guint                  *out_n_after,
              GError                **error)
{
  g_autoptr(GArray) events = NULL;

  events = lookout_store_query_events_sync (store, target_id, lookout_alert_event_kind_to_string (kind),
                                            0, limit, NULL, error);
  if (events == NULL)
    return FALSE;

  *out_ts_ms = events->len > 0 ? g_array_index (events, LookoutStoredEvent, 0).ts_ms : 0;
  if (out_n_after != NULL)
    {
      *out_n_after = 0;
      for (guint i = 0; i < events->len; i++)
        *out_n_after += g_array_index (events, LookoutStoredEvent, i).ts_ms > after_ms;
    }

  return TRUE;
}

LookoutAlertRestore *
lookout_alert_restore_read_sync (LookoutStore  *store,
                                 gint64         target_id,
                                 GError       **error)
{
  static const LookoutAlertEventKind state_kinds[] = {
    LOOKOUT_ALERT_EVENT_UP, LOOKOUT_ALERT_EVENT_DEGRADED, LOOKOUT_ALERT_EVENT_DOWN,
  };
  static const LookoutTargetState state_of[] = {
    LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_TARGET_STATE_DOWN,
  };
  g_autoptr(LookoutAlertRestore) restore = g_new0 (LookoutAlertRestore, 1);
  gint64 newest_ms = 0, bad_since_ms = 0;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (target_id > 0, NULL);

  restore->last.ts_ms = -1;
  if (!lookout_store_read_last_sample_sync (store, target_id, &restore->last, &bad_since_ms, error))
    return NULL;

  restore->state = restore->last.ts_ms >= 0 && restore->last.state == LOOKOUT_TARGET_STATE_UP
                   ? LOOKOUT_TARGET_STATE_UP : LOOKOUT_TARGET_STATE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (state_kinds); i++)
    {
      gint64 ts_ms;

      if (!newest_event (store, target_id, state_kinds[i], 1, 0, &ts_ms, NULL, error))
        return NULL;
      if (ts_ms > 0 && ts_ms >= newest_ms)
        {
          newest_ms = ts_ms;
          restore->state = state_of[i];
        }
    }

  if (restore->state == LOOKOUT_TARGET_STATE_DOWN || restore->state == LOOKOUT_TARGET_STATE_DEGRADED)
    /* The failing run the last result ends, unless it recovered since. */
    restore->outage_since_ms = bad_since_ms > 0 && bad_since_ms <= newest_ms ? bad_since_ms : newest_ms;

  if (restore->state == LOOKOUT_TARGET_STATE_DOWN)
    {
      gint64 ts_ms;

      restore->down_event_ms = newest_ms;
      if (!newest_event (store, target_id, LOOKOUT_ALERT_EVENT_REMINDER, LOOKOUT_ALERT_MAX_REMINDERS,
                         newest_ms, &ts_ms, &restore->reminders_sent, error))
        return NULL;
    }

  if (!newest_event (store, target_id, LOOKOUT_ALERT_EVENT_CERT_EXPIRING, 1, 0,
                     &restore->last_cert_warning_ms, NULL, error))
    return NULL;

  return g_steal_pointer (&restore);
}

void
lookout_alert_restore_free (LookoutAlertRestore *restore)
{
  if (restore == NULL)
    return;

  lookout_sample_clear (&restore->last);
  g_free (restore);
}

void
lookout_alert_engine_restore (LookoutAlertEngine        *self,
                              LookoutTarget             *target,
                              const LookoutAlertRestore *restore)
{
  Track *track;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (lookout_target_get_id (target) > 0);
  g_return_if_fail (restore != NULL);

  track = ensure_track (self, lookout_target_get_id (target));
  /* A result came first: it knows better. */
  if (track->last_result_ms != 0)
    return;

  g_set_weak_pointer (&track->target, target);
  g_free (track->name);
  track->name = g_strdup (lookout_target_get_name (target));
  g_free (track->uri);
  track->uri = g_strdup (lookout_target_get_uri_string (target));
  track->interval_ms = (gint64) lookout_target_get_interval (target) * 1000;

  track->state = restore->state;
  track->outage_since_ms = restore->outage_since_ms;
  track->down_event_ms = restore->down_event_ms;
  track->next_reminder = MIN (restore->reminders_sent, LOOKOUT_ALERT_MAX_REMINDERS);
  track->last_cert_warning_ms = restore->last_cert_warning_ms;
  /* The outage goes on until results say otherwise: the next success
   * starts the count to UP, and its event counts from the outage start. */
  track->bad_since_ms = restore->outage_since_ms;

  if (restore->last.ts_ms >= 0 && lookout_target_get_state (target) != LOOKOUT_TARGET_STATE_PAUSED)
    lookout_target_set_live_state (target, track->state, restore->last.latency_us,
                                   restore->last.ts_ms, restore->last.error, NULL);

  if (track->state == LOOKOUT_TARGET_STATE_DOWN)
    update_reminder_timer (self);
}

void
lookout_alert_engine_set_location_online (LookoutAlertEngine *self,
                                          const char         *location,
                                          gboolean            online)
{
  LookoutAlertEvent *event;
  GHashTableIter iter;
  gpointer value;
  gint64 now;

  g_return_if_fail (LOOKOUT_IS_ALERT_ENGINE (self));
  g_return_if_fail (location != NULL);

  if ((!online) == g_hash_table_contains (self->offline, location))
    return;

  now = lookout_alert_engine_now (self);
  if (online)
    g_hash_table_remove (self->offline, location);
  else
    g_hash_table_add (self->offline, g_strdup (location));

  event = new_event (NULL, online ? LOOKOUT_ALERT_EVENT_AGENT_ONLINE : LOOKOUT_ALERT_EVENT_AGENT_OFFLINE, now);
  if (online)
    {
      event->title = g_strdup_printf (_("The agent %s is online"), location);
      event->message = g_strdup_printf (_("The agent %s is online again; its checks count again."), location);
    }
  else
    {
      event->title = g_strdup_printf (_("The agent %s is offline"), location);
      /* Translators: both %s are the agent's location name. */
      event->message = g_strdup_printf (_("The agent %s is offline: its targets are unknown from %s until it returns."),
                                        location, location);
    }
  emit_event (self, NULL, event);

  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Track *track = value;
      Track *place = find_place (track, location);
      g_autofree char *summary = NULL;

      if (place == NULL)
        continue;

      track_reset_streaks (place);
      place->state = LOOKOUT_TARGET_STATE_UNKNOWN;
      g_clear_pointer (&place->error, g_free);
      summary = places_summary (self, track);
      apply_quorum (self, track, summary, FALSE, now);
      if (track->target != NULL && !self->paused)
        lookout_target_set_live_state (track->target, track->state,
                                       lookout_target_get_last_latency (track->target),
                                       lookout_target_get_last_checked (track->target),
                                       summary,
                                       lookout_target_get_last_address (track->target));
    }
}

gboolean
lookout_alert_engine_get_location_online (LookoutAlertEngine *self,
                                          const char         *location)
{
  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), FALSE);
  g_return_val_if_fail (location != NULL, FALSE);

  return !g_hash_table_contains (self->offline, location);
}

LookoutTargetState
lookout_alert_engine_get_location_state (LookoutAlertEngine *self,
                                         gint64              target_id,
                                         const char         *location)
{
  Track *track, *place;

  g_return_val_if_fail (LOOKOUT_IS_ALERT_ENGINE (self), LOOKOUT_TARGET_STATE_UNKNOWN);
  g_return_val_if_fail (location != NULL, LOOKOUT_TARGET_STATE_UNKNOWN);

  track = g_hash_table_lookup (self->tracks, &target_id);
  if (track == NULL)
    return LOOKOUT_TARGET_STATE_UNKNOWN;
  place = find_place (track, location);
  if (place == NULL)
    return g_str_equal (location, LOOKOUT_LOCATION_LOCAL) && track->places == NULL
           ? track->state : LOOKOUT_TARGET_STATE_UNKNOWN;

  return place_counts (self, place) ? place->state : LOOKOUT_TARGET_STATE_UNKNOWN;
}
