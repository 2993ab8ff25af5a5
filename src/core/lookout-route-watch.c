/* lookout-route-watch.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the route watch works
 *
 * LookoutMonitor hands it every result (lookout_monitor_handle_result(),
 * after the sample is queued); only those carrying a trace
 * (result->trace) count. Each stored trace target has a LookoutPathTracker,
 * which holds mtr's per-hop figures and THE rule of a route change (two
 * differing rounds in a row, silent hops ignored). After each round the
 * tracker's hop table, with the round's reverse-DNS names, replaces the
 * target's row in trace_paths; a confirmed change is added to
 * route_changes and announced with "route-changed", which the monitor
 * turns into an event of kind "route-change".
 *
 * A tracker starts empty in each process: the first round after a start is
 * the known path, so a route that changed while nothing ran is not told.
 */

#define G_LOG_DOMAIN "lookout-route-watch"

#include "config.h"

#include "lookout-json.h"
#include "lookout-route-watch.h"
#include "lookout-sample.h"
#include "lookout-store-paths.h"

struct _LookoutRouteWatch
{
  GObject       parent_instance;

  LookoutStore *store;
  GHashTable   *trackers;   /* target id -> LookoutPathTracker */
};

enum {
  ROUTE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LookoutRouteWatch, lookout_route_watch, G_TYPE_OBJECT)

static void
lookout_route_watch_dispose (GObject *object)
{
  LookoutRouteWatch *self = (LookoutRouteWatch *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_route_watch_parent_class)->dispose (object);
}

static void
lookout_route_watch_finalize (GObject *object)
{
  LookoutRouteWatch *self = (LookoutRouteWatch *) object;

  g_clear_pointer (&self->trackers, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_route_watch_parent_class)->finalize (object);
}

static void
lookout_route_watch_class_init (LookoutRouteWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_route_watch_dispose;
  object_class->finalize = lookout_route_watch_finalize;

  signals[ROUTE_CHANGED] =
    g_signal_new ("route-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  LOOKOUT_TYPE_TARGET, G_TYPE_INT64, G_TYPE_STRV, G_TYPE_STRV);
}

static void
lookout_route_watch_init (LookoutRouteWatch *self)
{
  self->trackers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

LookoutRouteWatch *
lookout_route_watch_new (LookoutStore *store)
{
  LookoutRouteWatch *self;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);

  self = g_object_new (LOOKOUT_TYPE_ROUTE_WATCH, NULL);
  self->store = g_object_ref (store);
  return self;
}

static const char *
find_name (const LookoutTraceReport *report,
           guint                     ttl,
           const char               *address)
{
  const LookoutTraceHop *hop;

  if (report == NULL || ttl == 0 || ttl > report->n_hops)
    return NULL;
  hop = &report->hops[ttl - 1];
  if (hop->name == NULL || hop->addresses == NULL || g_strcmp0 (hop->addresses[0], address) != 0)
    return NULL;

  return hop->name;
}

JsonNode *
lookout_route_watch_hops_to_json (LookoutPathTracker       *tracker,
                                  const LookoutTraceReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (tracker), NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < lookout_path_tracker_get_n_hops (tracker); i++)
    {
      const LookoutPathHop *hop = lookout_path_tracker_get_hop (tracker, i);
      const char *first = hop->addresses != NULL ? hop->addresses[0] : NULL;
      LookoutTraceHopStats stats = {
        .last_us = hop->last_us,
        .best_us = hop->best_us,
        .worst_us = hop->worst_us,
        .median_us = hop->median_us,
        .stdev_us = hop->spread_us,
      };

      lookout_trace_hop_add_json (builder, hop->ttl, (const char * const *) hop->addresses,
                                  find_name (report, hop->ttl, first),
                                  hop->sent, hop->received, &stats);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static char *
path_to_json (char **path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; path != NULL && path[i] != NULL; i++)
    json_builder_add_string_value (builder, path[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return lookout_json_to_string (root, FALSE);
}

void
lookout_route_watch_note_result (LookoutRouteWatch *self,
                                 LookoutTarget     *target,
                                 LookoutResult     *result)
{
  g_auto(GStrv) old_path = NULL;
  g_auto(GStrv) new_path = NULL;
  g_autoptr(JsonNode) hops = NULL;
  g_autofree char *hops_json = NULL;
  LookoutPathTracker *tracker;
  LookoutSample sample;
  gint64 target_id;

  g_return_if_fail (LOOKOUT_IS_ROUTE_WATCH (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  /* a target not stored yet has no row to keep its path in */
  target_id = lookout_target_get_id (target);
  if (result->trace == NULL || target_id == 0 || self->store == NULL)
    return;

  tracker = g_hash_table_lookup (self->trackers, &target_id);
  if (tracker == NULL)
    {
      tracker = lookout_path_tracker_new ();
      g_hash_table_insert (self->trackers, g_memdup2 (&target_id, sizeof target_id), tracker);
    }

  lookout_sample_init_from_result (&sample, target, result);

  if (lookout_path_tracker_add_round (tracker, result->trace, &old_path, &new_path))
    {
      g_autofree char *old_json = path_to_json (old_path);
      g_autofree char *new_json = path_to_json (new_path);

      lookout_store_append_route_change (self->store, target_id, sample.ts_ms, old_json, new_json);
      g_signal_emit (self, signals[ROUTE_CHANGED], 0, target, sample.ts_ms, old_path, new_path);
    }

  hops = lookout_route_watch_hops_to_json (tracker, result->trace);
  hops_json = lookout_json_to_string (hops, FALSE);
  lookout_store_put_trace_path (self->store, target_id, sample.ts_ms, hops_json);
}

void
lookout_route_watch_forget (LookoutRouteWatch *self,
                            gint64             target_id)
{
  g_return_if_fail (LOOKOUT_IS_ROUTE_WATCH (self));

  g_hash_table_remove (self->trackers, &target_id);
}

LookoutPathTracker *
lookout_route_watch_get_tracker (LookoutRouteWatch *self,
                                 gint64             target_id)
{
  g_return_val_if_fail (LOOKOUT_IS_ROUTE_WATCH (self), NULL);

  return g_hash_table_lookup (self->trackers, &target_id);
}

gboolean
lookout_route_watch_get_notify (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *options;
  JsonNode *root;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), TRUE);

  options = lookout_target_get_options (target);
  if (options == NULL || !json_parser_load_from_data (parser, options, -1, NULL))
    return TRUE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  return json_object_get_boolean_member_with_default (json_node_get_object (root),
                                                      "notify_route_changes", TRUE);
}
