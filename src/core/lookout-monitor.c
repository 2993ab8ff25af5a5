/* lookout-monitor.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How it works
 *
 * The monitor holds the targets (a GListStore ordered by id) and the engine
 * around them: the scheduler, which plans and runs the checks, the alert
 * engine, and, as the front end asks (LookoutMonitorOptions), a notifier
 * and geolocation.
 *
 * Every result, whatever its source (the local scheduler's "result" today,
 * a remote agent later), goes through lookout_monitor_handle_result(), which
 * does, in this order:
 *
 *   0. the target's slow rule (lookout_slow_rule_apply()) may make an
 *      answer that is up but slow degraded;
 *   1. the alert engine decides the target's state from the result
 *      (threshold, up retries, local connectivity, suspend) and records
 *      the events that follow in the store;
 *   2. the target's live state (state, latency, time, error, address) is
 *      updated: the engine writes it in the same call, as it also rewrites
 *      live states outside any result (a local outage, a resume);
 *   3. the sample (lookout_sample_init_from_result()) is queued for the
 *      store's writer thread and, when the store took it and the live
 *      statistics are on (lookout_monitor_enable_live_stats()), added to
 *      its target's summary of the last day;
 *   4. geolocation notes the round trip (lookout_geo_note_result()),
 *      anomaly detection the result (lookout_anomaly_watch_note_result()),
 *      and the route watch a trace's hops (lookout_route_watch_note_result():
 *      a route change becomes an event of the alert engine, so that mute
 *      and do-not-disturb apply to it);
 *   5. the events of step 1 that are to be notified go to the notifier,
 *      which queues them on its channels; events the engine raises outside
 *      a result (reminders, pause, network) go to it at once;
 *   6. the monitor emits "result", for the front ends.
 *
 * Loading the targets also reads, off the main thread, where each stood
 * when the last process stopped (lookout_alert_restore_read_sync()), and
 * hands that to the alert engine before the targets reach the model and
 * the scheduler: a restart shows the last state at once and notifies
 * nothing again.
 */

#define G_LOG_DOMAIN "lookout-monitor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-live-stats.h"
#include "lookout-maintenance.h"
#include "lookout-marshal.h"
#include "lookout-monitor.h"
#include "lookout-slow-rule.h"
#include "lookout-target-options.h"

struct _LookoutMonitor
{
  GObject        parent_instance;

  LookoutStore  *store;
  /* LookoutTarget, ordered by id: ids grow with creation, and a target put
   * back after a removal returns to its place. */
  GListStore    *targets;
  GCancellable  *cancellable;

  /* follows the model through items-changed and each target's notify */
  LookoutScheduler *scheduler;
  /* decides the targets' states and records events in the store */
  LookoutAlertEngine *alert_engine;
  /* LookoutMonitorOptions: NULL when not asked for */
  LookoutNotifier *notifier;
  LookoutGeo    *geo;
  LookoutAnomalyWatch *anomalies;
  LookoutRouteWatch *routes;
  /* the last day of each target, for the API; NULL until asked for */
  LookoutLiveStats *live_stats;

  /* events raised while the engine decides a result: notified after geo */
  GPtrArray     *held_events;
  guint          holding_events : 1;

  /* retention: the store prunes at start and every PRUNE_INTERVAL_S */
  guint          prune_source;

  /* where this process checks from: "local", or the agent's name */
  char          *location;

  guint          loaded : 1;
  guint          asleep : 1;   /* stopped for a suspend, to start on resume */
};

#define PRUNE_INTERVAL_S 3600

enum {
  PROP_0,
  PROP_STORE,
  PROP_TARGETS,
  PROP_LOADED,
  PROP_LOCATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RESULT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LookoutMonitor, lookout_monitor, G_TYPE_OBJECT)

static int
compare_targets (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  gint64 ia = lookout_target_get_id ((LookoutTarget *) a);
  gint64 ib = lookout_target_get_id ((LookoutTarget *) b);

  return (ia > ib) - (ia < ib);
}

/* Binary search by id; returns the position of the target with @id, or
 * G_MAXUINT. */
/* Whether another target has @target's address: one target per address,
 * whoever adds it (the dialog, the API, a targets file). */
static gboolean
find_uri (LookoutMonitor *self,
          LookoutTarget  *target)
{
  GListModel *model = G_LIST_MODEL (self->targets);
  const char *uri = lookout_target_get_uri_string (target);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutTarget) other = g_list_model_get_item (model, i);

      if (other != target && g_str_equal (lookout_target_get_uri_string (other), uri))
        return TRUE;
    }

  return FALSE;
}

static guint
find_position (LookoutMonitor *self,
               gint64          id)
{
  GListModel *model = G_LIST_MODEL (self->targets);
  guint lo = 0;
  guint hi = g_list_model_get_n_items (model);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, mid);
      gint64 mid_id = lookout_target_get_id (target);

      if (mid_id == id)
        return mid;
      else if (mid_id < id)
        lo = mid + 1;
      else
        hi = mid;
    }

  return G_MAXUINT;
}

static gboolean
validate_settings (LookoutTarget  *target,
                   GError        **error)
{
  guint timeout;

  if (lookout_target_get_uri (target) == NULL)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_EMPTY,
                           _("The target has no address"));
      return FALSE;
    }

  if (!lookout_target_validate_interval (lookout_target_get_interval (target), error) ||
      !lookout_target_validate_timeout (lookout_target_get_timeout (target), error))
    return FALSE;

  /* A timeout still at its default follows a shorter interval; one chosen
   * longer than the interval is refused. */
  timeout = lookout_target_get_timeout (target);
  if (!lookout_target_fit_timeout (lookout_target_get_kind (target), lookout_target_get_interval (target),
                                   &timeout, FALSE, error))
    return FALSE;
  lookout_target_set_timeout (target, timeout);

  return lookout_target_validate_fail_threshold (lookout_target_get_fail_threshold (target), error) &&
         lookout_target_validate_name (lookout_target_get_name (target), error) &&
         lookout_target_validate_options (lookout_target_get_options (target), error);
}

static void
copy_settings (LookoutTarget *target,
               LookoutTarget *from)
{
  g_autofree char *automatic = lookout_target_uri_dup_display_name (lookout_target_get_uri (from));
  const char *name = lookout_target_get_name (from);

  g_object_freeze_notify (G_OBJECT (target));
  lookout_target_set_uri (target, lookout_target_get_uri (from));
  /* A name made from the URI stays automatic: it follows the URI. */
  lookout_target_set_name (target, g_strcmp0 (name, automatic) == 0 ? NULL : name);
  lookout_target_set_interval (target, lookout_target_get_interval (from));
  lookout_target_set_timeout (target, lookout_target_get_timeout (from));
  lookout_target_set_fail_threshold (target, lookout_target_get_fail_threshold (from));
  lookout_target_set_enabled (target, lookout_target_get_enabled (from));
  lookout_target_set_options (target, lookout_target_get_options (from));
  /* Changes from the API or a file know no password: the one held stays. */
  if (lookout_target_get_auth_password (from) != NULL)
    lookout_target_set_auth_password (target, lookout_target_get_auth_password (from));
  g_object_thaw_notify (G_OBJECT (target));
}

static int
compare_target_ptrs (gconstpointer a,
                     gconstpointer b)
{
  return compare_targets (*(LookoutTarget **) a, *(LookoutTarget **) b, NULL);
}

/* The engine forgets a target that leaves the model. */
static void
forget_target (LookoutMonitor *self,
               LookoutTarget  *target)
{
  lookout_alert_engine_forget_target (self->alert_engine, lookout_target_get_id (target));
}

static void
seed_live_stats (LookoutMonitor *self)
{
  GListModel *targets = G_LIST_MODEL (self->targets);
  guint n = g_list_model_get_n_items (targets);
  g_autofree gint64 *ids = g_new (gint64, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);

      ids[i] = lookout_target_get_id (target);
    }
  lookout_live_stats_seed (self->live_stats, ids, n, lookout_store_get_now_ms (self->store));
}

static void
set_loaded (LookoutMonitor *self,
            GPtrArray      *targets)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->targets));

  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr(LookoutTarget) old = g_list_model_get_item (G_LIST_MODEL (self->targets), i);

      forget_target (self, old);
    }

  g_ptr_array_sort (targets, compare_target_ptrs);
  if (n_old > 0 || targets->len > 0)
    g_list_store_splice (self->targets, 0, n_old, targets->pdata, targets->len);

  if (!self->loaded)
    {
      self->loaded = TRUE;
      if (self->live_stats != NULL)
        seed_live_stats (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
}

static void
scheduler_result_cb (LookoutScheduler *scheduler,
                     LookoutTarget    *target,
                     LookoutResult    *result,
                     LookoutMonitor   *self)
{
  lookout_monitor_handle_result (self, target, result);
}

static void
engine_event_cb (LookoutAlertEngine *engine,
                 LookoutAlertEvent  *event,
                 LookoutMonitor     *self)
{
  if (self->notifier == NULL || !event->notify)
    return;

  if (self->holding_events)
    g_ptr_array_add (self->held_events, lookout_alert_event_ref (event));
  else
    lookout_notifier_post (self->notifier, event);
}

static void
dispatch_held_events (LookoutMonitor *self)
{
  g_autoptr(GPtrArray) events = NULL;

  if (self->held_events->len == 0)
    return;

  events = g_steal_pointer (&self->held_events);
  self->held_events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  for (guint i = 0; i < events->len; i++)
    lookout_notifier_post (self->notifier, g_ptr_array_index (events, i));
}

/* Across a suspend nothing is checked, so the plot shows a gap, not an
 * outage. */
static void
engine_paused_changed_cb (LookoutAlertEngine *engine,
                          GParamSpec         *pspec,
                          LookoutMonitor     *self)
{
  if (lookout_alert_engine_get_paused (engine))
    {
      if (lookout_scheduler_get_running (self->scheduler))
        {
          self->asleep = TRUE;
          lookout_scheduler_stop (self->scheduler);
        }
    }
  else if (self->asleep)
    {
      self->asleep = FALSE;
      lookout_scheduler_start (self->scheduler);
    }
}

/* Anomalies are notified only for targets whose "notify_anomalies" option
 * is set: off by default, they are for reading, not for waking anyone. */
static void
anomaly_cb (LookoutAnomalyWatch  *watch,
            const LookoutAnomaly *anomaly,
            LookoutMonitor       *self)
{
  g_autoptr(LookoutAlertEvent) event = NULL;
  LookoutTarget *target;

  if (self->notifier == NULL || anomaly->end_ms >= 0)
    return;
  target = lookout_monitor_find_target (self, anomaly->target_id);
  if (target == NULL || !lookout_anomaly_watch_get_notify (target) ||
      lookout_target_in_maintenance (target, anomaly->start_ms))
    return;

  event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_ANOMALY);
  event->target_id = anomaly->target_id;
  event->target_name = g_strdup (lookout_target_get_name (target) != NULL ? lookout_target_get_name (target) : lookout_target_get_uri_string (target));
  event->target_uri = g_strdup (lookout_target_get_uri_string (target));
  event->ts_ms = anomaly->start_ms;
  /* Translators: a notification's title, "example.org: Level shift" */
  event->title = g_strdup_printf (_("%s: %s"), event->target_name,
                                  lookout_anomaly_kind_get_label (anomaly->kind));
  event->message = g_strdup (anomaly->message);
  event->channels = lookout_target_options_dup_channels (lookout_target_get_options (target));
  event->notify = TRUE;
  lookout_notifier_dispatch (self->notifier, event);
}

static char *
join_path (char **path)
{
  /* Translators: what separates the hops of a path */
  return g_strjoinv (_(" → "), path);
}

/* Recorded through the alert engine: stored, listed and notified like its
 * own events, unless the target's "notify_route_changes" is false. */
static void
route_changed_cb (LookoutRouteWatch *watch,
                  LookoutTarget     *target,
                  gint64             ts_ms,
                  char             **old_path,
                  char             **new_path,
                  LookoutMonitor    *self)
{
  g_autoptr(LookoutAlertEvent) event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_ROUTE_CHANGE);
  g_autofree char *old_text = join_path (old_path);
  g_autofree char *new_text = join_path (new_path);
  const char *name = lookout_target_get_name (target);

  event->target_id = lookout_target_get_id (target);
  event->target_name = g_strdup (name != NULL ? name : lookout_target_get_uri_string (target));
  event->target_uri = g_strdup (lookout_target_get_uri_string (target));
  event->ts_ms = ts_ms;
  /* Translators: a notification's title; %s is a target name */
  event->title = g_strdup_printf (_("The route to %s changed"), event->target_name);
  /* Translators: the paths are addresses joined by arrows, "*" for a silent hop */
  event->message = g_strdup_printf (_("The route to %s changed from %s to %s."),
                                    event->target_name, old_text, new_text);
  event->notify = lookout_route_watch_get_notify (target);
  lookout_alert_engine_record_event (self->alert_engine, event);
}

static void
lookout_monitor_constructed (GObject *object)
{
  LookoutMonitor *self = (LookoutMonitor *)object;

  G_OBJECT_CLASS (lookout_monitor_parent_class)->constructed (object);

  self->alert_engine = lookout_alert_engine_new (self->store);
  self->anomalies = lookout_anomaly_watch_new (self->store);
  g_signal_connect_object (self->anomalies, "anomaly", G_CALLBACK (anomaly_cb), self, 0);
  self->routes = lookout_route_watch_new (self->store);
  g_signal_connect_object (self->routes, "route-changed", G_CALLBACK (route_changed_cb), self, 0);
  g_signal_connect_object (self->alert_engine, "notify::paused",
                           G_CALLBACK (engine_paused_changed_cb), self, 0);
  g_signal_connect_object (self->alert_engine, "event",
                           G_CALLBACK (engine_event_cb), self, 0);
}

static void
lookout_monitor_dispose (GObject *object)
{
  LookoutMonitor *self = (LookoutMonitor *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->prune_source, g_source_remove);
  if (self->scheduler != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->scheduler, scheduler_result_cb, self);
      lookout_scheduler_stop (self->scheduler);
      lookout_scheduler_set_model (self->scheduler, NULL);
      g_clear_object (&self->scheduler);
    }
  g_clear_object (&self->geo);
  g_clear_object (&self->notifier);
  g_clear_object (&self->alert_engine);
  g_clear_object (&self->anomalies);
  g_clear_object (&self->routes);
  g_clear_object (&self->live_stats);

  G_OBJECT_CLASS (lookout_monitor_parent_class)->dispose (object);
}

static void
lookout_monitor_finalize (GObject *object)
{
  LookoutMonitor *self = (LookoutMonitor *)object;

  g_clear_object (&self->targets);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->held_events, g_ptr_array_unref);
  g_free (self->location);

  G_OBJECT_CLASS (lookout_monitor_parent_class)->finalize (object);
}

static void
lookout_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LookoutMonitor *self = LOOKOUT_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_TARGETS:
      g_value_set_object (value, self->targets);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_monitor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LookoutMonitor *self = LOOKOUT_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_LOCATION:
      lookout_monitor_set_location (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_monitor_class_init (LookoutMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_monitor_constructed;
  object_class->dispose = lookout_monitor_dispose;
  object_class->finalize = lookout_monitor_finalize;
  object_class->get_property = lookout_monitor_get_property;
  object_class->set_property = lookout_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LOOKOUT_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TARGETS] =
    g_param_spec_object ("targets", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LOCATION] =
    g_param_spec_string ("location", NULL, NULL,
                         LOOKOUT_LOCATION_LOCAL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (LookoutTarget *target, LookoutResult *result): the last step of
   * lookout_monitor_handle_result(); the target's live state is up to date
   * and the sample is queued for the store. */
  signals[RESULT] =
    g_signal_new ("result",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  lookout_marshal_VOID__OBJECT_BOXED,
                  G_TYPE_NONE, 2,
                  LOOKOUT_TYPE_TARGET,
                  LOOKOUT_TYPE_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[RESULT],
                              G_TYPE_FROM_CLASS (klass),
                              lookout_marshal_VOID__OBJECT_BOXEDv);
}

static void
lookout_monitor_init (LookoutMonitor *self)
{
  self->targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  self->location = g_strdup (LOOKOUT_LOCATION_LOCAL);
  self->cancellable = g_cancellable_new ();
  self->held_events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  self->scheduler = lookout_scheduler_new ();
  lookout_scheduler_set_model (self->scheduler, G_LIST_MODEL (self->targets));
  g_signal_connect (self->scheduler, "result", G_CALLBACK (scheduler_result_cb), self);
}

LookoutMonitor *
lookout_monitor_new (LookoutStore *store)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);

  return g_object_new (LOOKOUT_TYPE_MONITOR,
                       "store", store,
                       NULL);
}

LookoutMonitor *
lookout_monitor_new_with_options (LookoutStore                *store,
                                  const LookoutMonitorOptions *options)
{
  LookoutMonitor *self;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = lookout_monitor_new (store);

  /* Fed by the monitor (engine_event_cb), not by the engine directly, so
   * that a result's events are notified in their place in the pipeline. */
  if (options->notify)
    self->notifier = lookout_notifier_new (NULL, store);

  if (options->locate)
    {
      self->geo = lookout_geo_new (store);
      lookout_geo_track (self->geo, G_LIST_MODEL (self->targets));
    }

  return self;
}

LookoutStore *
lookout_monitor_get_store (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->store;
}

GListModel *
lookout_monitor_get_targets (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return G_LIST_MODEL (self->targets);
}

LookoutTarget *
lookout_monitor_find_target (LookoutMonitor *self,
                             gint64          id)
{
  g_autoptr(LookoutTarget) target = NULL;
  guint position;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  position = find_position (self, id);
  if (position == G_MAXUINT)
    return NULL;

  /* The model keeps it alive. */
  target = g_list_model_get_item (G_LIST_MODEL (self->targets), position);
  return target;
}

LookoutTarget *
lookout_monitor_find_target_by_uri (LookoutMonitor *self,
                                    const char     *uri)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  model = G_LIST_MODEL (self->targets);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

      if (g_strcmp0 (lookout_target_get_uri_string (target), uri) == 0)
        return target;
    }

  return NULL;
}

/* ---- load ---- */

/* Where each of @targets stood when the last process stopped, in their
 * order: LookoutAlertRestore, NULL where it could not be read. */
static GPtrArray *
read_restores (LookoutStore *store,
               GPtrArray    *targets)
{
  GPtrArray *restores = g_ptr_array_new_full (targets->len, (GDestroyNotify) lookout_alert_restore_free);

  for (guint i = 0; i < targets->len; i++)
    {
      g_autoptr(GError) error = NULL;
      LookoutAlertRestore *restore;

      restore = lookout_alert_restore_read_sync (store, lookout_target_get_id (targets->pdata[i]), &error);
      if (restore == NULL)
        g_warning ("Could not read the last state of %s: %s",
                   lookout_target_get_uri_string (targets->pdata[i]), error->message);
      g_ptr_array_add (restores, restore);
    }

  return restores;
}

static void
set_loaded_restored (LookoutMonitor *self,
                     GPtrArray      *targets,
                     GPtrArray      *restores)
{
  for (guint i = 0; i < targets->len; i++)
    if (restores->pdata[i] != NULL)
      lookout_alert_engine_restore (self->alert_engine, targets->pdata[i], restores->pdata[i]);

  set_loaded (self, targets);
}

static void
read_restores_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  LookoutMonitor *self = source_object;

  g_task_return_pointer (task, read_restores (self->store, task_data), (GDestroyNotify) g_ptr_array_unref);
}

static void
restores_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) restores = NULL;

  restores = g_task_propagate_pointer (G_TASK (result), NULL);
  set_loaded_restored (LOOKOUT_MONITOR (object), g_task_get_task_data (G_TASK (result)), restores);
  g_task_return_boolean (task, TRUE);
}

static void
targets_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTask) read = NULL;
  GPtrArray *targets;
  GError *error = NULL;

  targets = lookout_store_load_targets_finish (LOOKOUT_STORE (object), result, &error);
  if (targets == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  read = g_task_new (g_task_get_source_object (task), NULL, restores_read_cb, g_object_ref (task));
  g_task_set_source_tag (read, read_restores_thread);
  g_task_set_task_data (read, targets, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (read, read_restores_thread);
}

void
lookout_monitor_load_async (LookoutMonitor      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_monitor_load_async);
  lookout_store_load_targets_async (self->store, cancellable,
                                    targets_loaded_cb, g_steal_pointer (&task));
}

gboolean
lookout_monitor_load_finish (LookoutMonitor  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
lookout_monitor_load_sync (LookoutMonitor  *self,
                           GError         **error)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) restores = NULL;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  targets = lookout_store_load_targets_sync (self->store, NULL, error);
  if (targets == NULL)
    return FALSE;

  restores = read_restores (self->store, targets);
  set_loaded_restored (self, targets, restores);
  return TRUE;
}

/* ---- add ---- */

static void
target_inserted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookoutMonitor *self = g_task_get_source_object (task);
  LookoutTarget *target = g_task_get_task_data (task);
  GError *error = NULL;

  if (!lookout_store_insert_target_finish (LOOKOUT_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->live_stats != NULL)
    lookout_live_stats_add_target (self->live_stats, lookout_target_get_id (target));
  g_list_store_insert_sorted (self->targets, target, compare_targets, NULL);
  g_task_return_boolean (task, TRUE);
}

void
lookout_monitor_add_target_async (LookoutMonitor      *self,
                                  LookoutTarget       *target,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  gint64 id;

  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_monitor_add_target_async);
  g_task_set_task_data (task, g_object_ref (target), g_object_unref);

  if (!validate_settings (target, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  id = lookout_target_get_id (target);
  if ((id > 0 && find_position (self, id) != G_MAXUINT) || find_uri (self, target))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("“%s” is already monitored"),
                               lookout_target_get_uri_string (target));
      return;
    }

  /* a target put back has its old history: the store answers for it */
  if (id > 0 && self->live_stats != NULL)
    lookout_live_stats_forget_target (self->live_stats, id);
  lookout_store_insert_target_async (self->store, target, cancellable,
                                     target_inserted_cb, g_steal_pointer (&task));
}

gboolean
lookout_monitor_add_target_finish (LookoutMonitor  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- update ---- */

typedef struct
{
  LookoutTarget *target;
  LookoutTarget *previous;
} UpdateData;

static void
update_data_free (UpdateData *data)
{
  g_clear_object (&data->target);
  g_clear_object (&data->previous);
  g_free (data);
}

static void
target_updated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UpdateData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!lookout_store_update_target_finish (LOOKOUT_STORE (object), result, &error))
    {
      /* What is shown stays what is stored. */
      copy_settings (data->target, data->previous);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
lookout_monitor_update_target_async (LookoutMonitor      *self,
                                     LookoutTarget       *target,
                                     LookoutTarget       *changes,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UpdateData *data;
  GError *error = NULL;

  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (LOOKOUT_IS_TARGET (changes));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_monitor_update_target_async);

  if (!validate_settings (changes, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (find_position (self, lookout_target_get_id (target)) == G_MAXUINT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("“%s” is not monitored"),
                               lookout_target_get_uri_string (target));
      return;
    }

  data = g_new0 (UpdateData, 1);
  data->target = g_object_ref (target);
  data->previous = lookout_target_copy (target);
  g_task_set_task_data (task, data, (GDestroyNotify) update_data_free);

  copy_settings (target, changes);
  lookout_store_update_target_async (self->store, target, cancellable,
                                     target_updated_cb, g_steal_pointer (&task));
}

gboolean
lookout_monitor_update_target_finish (LookoutMonitor  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- remove ---- */

static void
target_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Already gone is as good as removed. */
  if (!lookout_store_delete_target_finish (LOOKOUT_STORE (object), result, &error) &&
      !g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND))
    g_warning ("Could not remove target %" G_GINT64_FORMAT " from the database: %s",
               (gint64) GPOINTER_TO_SIZE (user_data), error->message);
}

void
lookout_monitor_remove_target (LookoutMonitor *self,
                               LookoutTarget  *target)
{
  gint64 id;
  guint position;

  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));

  id = lookout_target_get_id (target);
  position = find_position (self, id);
  g_return_if_fail (position != G_MAXUINT);

  /* The target keeps its id: adding it again puts its row back with the
   * same id, and the history that stayed in the file is its own again. */
  g_list_store_remove (self->targets, position);
  forget_target (self, target);
  if (self->live_stats != NULL)
    lookout_live_stats_forget_target (self->live_stats, id);
  lookout_anomaly_watch_forget (self->anomalies, id);
  lookout_route_watch_forget (self->routes, id);
  lookout_store_delete_target_async (self->store, id, NULL, target_deleted_cb,
                                     GSIZE_TO_POINTER ((gsize) id));
}

/* ---- running ---- */

/* Starts checking the targets at their intervals, creating the probes (and
 * installing the caching resolver) the first time. */
/* Both front ends get retention: pruning runs in small batches on the
 * store's writer, between sample batches. */
static gboolean
prune_cb (gpointer user_data)
{
  LookoutMonitor *self = user_data;

  if (self->live_stats != NULL)
    lookout_live_stats_check_retention (self->live_stats);
  lookout_store_prune_async (self->store, self->cancellable, NULL, NULL);

  return G_SOURCE_CONTINUE;
}

void
lookout_monitor_start (LookoutMonitor *self)
{
  g_return_if_fail (LOOKOUT_IS_MONITOR (self));

  lookout_scheduler_add_default_probes (self->scheduler);
  lookout_alert_engine_watch_system (self->alert_engine);
  lookout_scheduler_start (self->scheduler);

  if (self->prune_source == 0)
    {
      prune_cb (self);
      self->prune_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, PRUNE_INTERVAL_S,
                                                       prune_cb, self, NULL);
    }
}

void
lookout_monitor_stop (LookoutMonitor *self)
{
  g_return_if_fail (LOOKOUT_IS_MONITOR (self));

  self->asleep = FALSE;
  g_clear_handle_id (&self->prune_source, g_source_remove);
  lookout_scheduler_stop (self->scheduler);
}

LookoutScheduler *
lookout_monitor_get_scheduler (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->scheduler;
}

LookoutAlertEngine *
lookout_monitor_get_alert_engine (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->alert_engine;
}

LookoutNotifier *
lookout_monitor_get_notifier (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->notifier;
}

LookoutAnomalyWatch *
lookout_monitor_get_anomaly_watch (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->anomalies;
}

LookoutRouteWatch *
lookout_monitor_get_route_watch (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->routes;
}

/* Keeps, from now on, each target's statistics over the last @span_ms in
 * memory (LookoutLiveStats), read from the store once the targets are
 * loaded and followed as results come. Once; the same span each time. */
LookoutLiveStats *
lookout_monitor_enable_live_stats (LookoutMonitor *self,
                                   gint64          span_ms)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  if (self->live_stats != NULL)
    {
      g_return_val_if_fail (lookout_live_stats_get_span (self->live_stats) == span_ms, NULL);
      return self->live_stats;
    }
  self->live_stats = lookout_live_stats_new (self->store, span_ms);
  if (self->loaded)
    seed_live_stats (self);
  return self->live_stats;
}

LookoutLiveStats *
lookout_monitor_get_live_stats (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->live_stats;
}

LookoutGeo *
lookout_monitor_get_geo (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->geo;
}

/* ---- the result pipeline (see the top of this file) ---- */

void
lookout_monitor_handle_result (LookoutMonitor *self,
                               LookoutTarget  *target,
                               LookoutResult  *result)
{
  LookoutSample sample;

  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  /* 0: the target's own rule over its last checks */
  lookout_slow_rule_apply (target, result);

  /* 1 and 2 */
  self->holding_events = TRUE;
  lookout_alert_engine_process (self->alert_engine, target, result);
  self->holding_events = FALSE;

  /* 3: a target not stored yet has no history to add to */
  lookout_sample_init_from_result (&sample, target, result);
  if (sample.target_id != 0 && lookout_store_append_sample (self->store, &sample) != 0 &&
      self->live_stats != NULL)
    lookout_live_stats_add (self->live_stats, &sample);

  /* 4 */
  if (self->geo != NULL)
    lookout_geo_note_result (self->geo, target, result);
  lookout_anomaly_watch_note_result (self->anomalies, target, result);
  lookout_route_watch_note_result (self->routes, target, result);

  /* 5 */
  dispatch_held_events (self);

  /* 6 */
  g_signal_emit (self, signals[RESULT], 0, target, result);
}

void
lookout_monitor_set_location_online (LookoutMonitor *self,
                                     const char     *location,
                                     gboolean        online)
{
  g_return_if_fail (LOOKOUT_IS_MONITOR (self));
  g_return_if_fail (location != NULL);

  lookout_alert_engine_set_location_online (self->alert_engine, location, online);
}

const char *
lookout_monitor_get_location (LookoutMonitor *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (self), NULL);

  return self->location;
}

void
lookout_monitor_set_location (LookoutMonitor *self,
                              const char     *location)
{
  g_return_if_fail (LOOKOUT_IS_MONITOR (self));

  if (location == NULL)
    location = LOOKOUT_LOCATION_LOCAL;
  if (g_strcmp0 (self->location, location) == 0)
    return;
  g_free (self->location);
  self->location = g_strdup (location);
  lookout_scheduler_set_location (self->scheduler, location);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCATION]);
}
