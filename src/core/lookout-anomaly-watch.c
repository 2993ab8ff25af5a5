/* lookout-anomaly-watch.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the anomaly watch works
 *
 * LookoutMonitor hands it every result (lookout_monitor_handle_result(),
 * after the sample is queued). Each stored target has one
 * LookoutAnomalyDetector. The first result of a target in this process
 * starts a backfill: a worker thread streams the target's stored samples of
 * the last LOOKOUT_ANOMALY_BACKFILL_MS (up to, not including, that result)
 * through a fresh detector, so that it starts informed; meanwhile the live
 * results wait in order, and are fed once the backfill is in. Anomalies the
 * backfill finds are written to the store (an upsert: replaying the same
 * history writes the same rows once) but raise no event: they are history.
 *
 * A live anomaly that opens is written to the anomalies table, recorded as
 * an event of kind "anomaly" (the events list shows it) and announced with
 * "anomaly"; its close updates the row and is announced too. The monitor
 * notifies an opening only for a target whose options say
 * "notify_anomalies": true (lookout_anomaly_watch_get_notify()).
 */

#define G_LOG_DOMAIN "lookout-anomaly"

#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "lookout-anomaly-watch.h"
#include "lookout-probe-kind.h"
#include "lookout-sample.h"
#include "lookout-store-anomalies.h"

typedef struct
{
  gint64 ts_ms;
  double latency_ms;
} Pending;

typedef struct
{
  LookoutAnomalyDetector *detector;
  GArray                 *pending;   /* Pending, while backfilling; else NULL */
} Watched;

struct _LookoutAnomalyWatch
{
  GObject       parent_instance;

  LookoutStore *store;
  GHashTable   *targets;   /* target id -> Watched */
  GCancellable *cancellable;
};

enum {
  ANOMALY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LookoutAnomalyWatch, lookout_anomaly_watch, G_TYPE_OBJECT)

static void
watched_free (Watched *w)
{
  g_clear_object (&w->detector);
  g_clear_pointer (&w->pending, g_array_unref);
  g_free (w);
}

static void
store_change (LookoutStore           *store,
              LookoutAnomalyDetector *detector,
              guint                   changes,
              gboolean                live,
              LookoutAnomalyWatch    *self)
{
  for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
    {
      const LookoutAnomaly *a;

      if (!(changes & (LOOKOUT_ANOMALY_OPENED (k) | LOOKOUT_ANOMALY_CLOSED (k))))
        continue;

      a = lookout_anomaly_detector_peek (detector, k);
      lookout_store_put_anomaly (store, a->target_id, a->start_ms, a->end_ms,
                                 lookout_anomaly_kind_to_string (a->kind), a->score, a->message);
      if (!live)
        continue;
      if (changes & LOOKOUT_ANOMALY_OPENED (k))
        lookout_store_append_event (store, a->target_id, a->start_ms, "anomaly", a->message);
      g_signal_emit (self, signals[ANOMALY], 0, a);
    }
}

/* ---- backfill ---- */

typedef struct
{
  gint64                  target_id;
  gint64                  to_ms;
  LookoutAnomalyDetector *detector;
  GPtrArray              *found;     /* LookoutAnomaly: opened or closed in history */
} Backfill;

static void
backfill_free (Backfill *b)
{
  g_clear_object (&b->detector);
  g_clear_pointer (&b->found, g_ptr_array_unref);
  g_free (b);
}

static void
backfill_sample_cb (gint64   ts_ms,
                    gint64   latency_us,
                    guint8   state,
                    gpointer user_data)
{
  Backfill *b = user_data;
  double latency = state == LOOKOUT_TARGET_STATE_DOWN || latency_us < 0 ? NAN : latency_us / 1000.0;
  guint changes = lookout_anomaly_detector_feed (b->detector, ts_ms, latency);

  for (guint k = 0; changes != 0 && k < LOOKOUT_ANOMALY_N_KINDS; k++)
    if (changes & (LOOKOUT_ANOMALY_OPENED (k) | LOOKOUT_ANOMALY_CLOSED (k)))
      g_ptr_array_add (b->found, lookout_anomaly_copy (lookout_anomaly_detector_peek (b->detector, k)));
}

static void
backfill_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  LookoutAnomalyWatch *self = source_object;
  Backfill *b = task_data;
  GError *error = NULL;

  if (!lookout_store_scan_samples_sync (self->store, b->target_id,
                                        b->to_ms - LOOKOUT_ANOMALY_BACKFILL_MS, b->to_ms,
                                        backfill_sample_cb, b, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
feed_live (LookoutAnomalyWatch *self,
           Watched             *w,
           gint64               ts_ms,
           double               latency_ms)
{
  guint changes = lookout_anomaly_detector_feed (w->detector, ts_ms, latency_ms);

  if (changes != 0)
    store_change (self->store, w->detector, changes, TRUE, self);
}

static void
backfilled_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  LookoutAnomalyWatch *self = LOOKOUT_ANOMALY_WATCH (object);
  Backfill *b = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pending = NULL;
  Watched *w;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
        return;
      /* the live results still count; the detector starts uninformed */
      g_warning ("Could not read the history of target %" G_GINT64_FORMAT
                 " for anomaly detection: %s", b->target_id, error->message);
    }

  w = g_hash_table_lookup (self->targets, &b->target_id);
  if (w == NULL || w->pending == NULL)
    return;

  if (error == NULL)
    {
      for (guint i = 0; i < b->found->len; i++)
        {
          const LookoutAnomaly *a = g_ptr_array_index (b->found, i);

          lookout_store_put_anomaly (self->store, a->target_id, a->start_ms, a->end_ms,
                                     lookout_anomaly_kind_to_string (a->kind), a->score, a->message);
        }
      g_set_object (&w->detector, b->detector);
    }

  pending = g_steal_pointer (&w->pending);
  for (guint i = 0; i < pending->len; i++)
    {
      const Pending *p = &g_array_index (pending, Pending, i);

      feed_live (self, w, p->ts_ms, p->latency_ms);
    }
}

static void
lookout_anomaly_watch_dispose (GObject *object)
{
  LookoutAnomalyWatch *self = (LookoutAnomalyWatch *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_anomaly_watch_parent_class)->dispose (object);
}

static void
lookout_anomaly_watch_finalize (GObject *object)
{
  LookoutAnomalyWatch *self = (LookoutAnomalyWatch *)object;

  g_clear_pointer (&self->targets, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lookout_anomaly_watch_parent_class)->finalize (object);
}

static void
lookout_anomaly_watch_class_init (LookoutAnomalyWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_anomaly_watch_dispose;
  object_class->finalize = lookout_anomaly_watch_finalize;

  /**
   * LookoutAnomalyWatch::anomaly:
   * @anomaly: (type LookoutAnomaly): the anomaly that opened (end_ms -1)
   *   or closed
   */
  signals[ANOMALY] =
    g_signal_new ("anomaly",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  LOOKOUT_TYPE_ANOMALY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
lookout_anomaly_watch_init (LookoutAnomalyWatch *self)
{
  self->targets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) watched_free);
  self->cancellable = g_cancellable_new ();
}

LookoutAnomalyWatch *
lookout_anomaly_watch_new (LookoutStore *store)
{
  LookoutAnomalyWatch *self;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);

  self = g_object_new (LOOKOUT_TYPE_ANOMALY_WATCH, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
lookout_anomaly_watch_note_result (LookoutAnomalyWatch *self,
                                   LookoutTarget       *target,
                                   LookoutResult       *result)
{
  gint64 target_id;
  gint64 ts_ms;
  double latency;
  Watched *w;

  g_return_if_fail (LOOKOUT_IS_ANOMALY_WATCH (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  /* a target not stored yet has no history, and its anomalies no row;
   * an interface's traffic is not a latency to judge */
  target_id = lookout_target_get_id (target);
  if (target_id == 0 || self->store == NULL
      || lookout_probe_kind_get_value_unit (result->kind) != LOOKOUT_VALUE_UNIT_DURATION)
    return;

  {
    LookoutSample sample;

    lookout_sample_init_from_result (&sample, target, result);
    ts_ms = sample.ts_ms;
    latency = sample.state == LOOKOUT_TARGET_STATE_DOWN || sample.latency_us < 0
                ? NAN : sample.latency_us / 1000.0;
  }

  w = g_hash_table_lookup (self->targets, &target_id);
  if (w == NULL)
    {
      g_autoptr(GTask) task = NULL;
      Backfill *b;

      w = g_new0 (Watched, 1);
      w->detector = lookout_anomaly_detector_new (target_id);
      w->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
      g_hash_table_insert (self->targets, g_memdup2 (&target_id, sizeof target_id), w);

      b = g_new0 (Backfill, 1);
      b->target_id = target_id;
      b->to_ms = ts_ms;
      b->detector = lookout_anomaly_detector_new (target_id);
      b->found = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_anomaly_free);

      task = g_task_new (self, self->cancellable, backfilled_cb, NULL);
      g_task_set_source_tag (task, lookout_anomaly_watch_note_result);
      g_task_set_task_data (task, b, (GDestroyNotify) backfill_free);
      g_task_run_in_thread (task, backfill_thread);
    }

  if (w->pending != NULL)
    {
      Pending p = { ts_ms, latency };

      g_array_append_val (w->pending, p);
      return;
    }

  feed_live (self, w, ts_ms, latency);
}

/* Whether the target's options ask for its anomalies to be notified
 * ("notify_anomalies": true); off by default. */
gboolean
lookout_anomaly_watch_get_notify (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *options;
  JsonNode *root;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  options = lookout_target_get_options (target);
  if (options == NULL || !json_parser_load_from_data (parser, options, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  return json_object_get_boolean_member_with_default (json_node_get_object (root),
                                                      "notify_anomalies", FALSE);
}

/* @options_json with "notify_anomalies" set to @notify (dropped when FALSE,
 * the default); other members stay as they are. */
char *
lookout_anomaly_watch_set_notify_option (const char *options_json,
                                         gboolean    notify)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  if (options_json != NULL && json_parser_load_from_data (parser, options_json, -1, NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_copy (json_parser_get_root (parser));
  else
    root = json_node_init_object (json_node_alloc (), json_object_new ());

  object = json_node_get_object (root);
  if (notify)
    json_object_set_boolean_member (object, "notify_anomalies", TRUE);
  else
    json_object_remove_member (object, "notify_anomalies");

  return json_to_string (root, FALSE);
}

/* The target was removed: its detector goes (its rows stay with its
 * history until the orphans are purged). */
void
lookout_anomaly_watch_forget (LookoutAnomalyWatch *self,
                              gint64               target_id)
{
  g_return_if_fail (LOOKOUT_IS_ANOMALY_WATCH (self));

  g_hash_table_remove (self->targets, &target_id);
}

gboolean
lookout_anomaly_watch_is_backfilling (LookoutAnomalyWatch *self,
                                      gint64               target_id)
{
  Watched *w;

  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_WATCH (self), FALSE);

  w = g_hash_table_lookup (self->targets, &target_id);
  return w != NULL && w->pending != NULL;
}
