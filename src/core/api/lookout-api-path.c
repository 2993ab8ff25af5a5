/* lookout-api-path.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/targets/{id}/path: a trace target's network path, from the
 * store, so that it answers after a restart: the hop table as the route
 * watch last wrote it (mtr's figures since the path last changed), its
 * route changes (the last `limit`, oldest first), and the path line: each
 * responding hop with where the geolocation cache places it, when it does.
 * A target of another kind has none of them: its lists are empty. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"
#include "lookout-store-geo.h"
#include "lookout-store-paths.h"

#define DEFAULT_CHANGES 100
#define MAX_CHANGES     10000

typedef struct
{
  gint64  id;
  char   *uri;
  gint64  limit;
} PathQuery;

static void
path_query_free (PathQuery *q)
{
  g_free (q->uri);
  g_free (q);
}

static void
add_nullable_double (JsonBuilder *builder,
                     const char  *name,
                     gboolean     known,
                     double       value)
{
  json_builder_set_member_name (builder, name);
  if (known)
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* One point of the path line; nothing for a silent hop. */
static void
add_point (JsonBuilder  *builder,
           LookoutStore *store,
           JsonObject   *hop)
{
  JsonArray *addresses = json_object_get_array_member (hop, "addresses");
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autofree char *place = NULL;
  const char *address;
  gboolean located;

  if (addresses == NULL || json_array_get_length (addresses) == 0)
    return;
  address = json_array_get_string_element (addresses, 0);

  /* A cache that cannot be read leaves the hop without a place. */
  location = lookout_store_lookup_geo_sync (store, address, 0, NULL);
  located = location != NULL && (location->latitude != 0 || location->longitude != 0);
  if (location != NULL)
    place = lookout_geo_location_dup_place (location);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ttl");
  json_builder_add_int_value (builder, json_object_get_int_member (hop, "ttl"));
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  add_nullable_double (builder, "latitude", located, located ? location->latitude : 0);
  add_nullable_double (builder, "longitude", located, located ? location->longitude : 0);
  json_builder_set_member_name (builder, "place");
  if (place != NULL)
    json_builder_add_string_value (builder, place);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static char *
path_thread (LookoutStore  *store,
             gpointer       data,
             guint         *status,
             GError       **error)
{
  PathQuery *q = data;
  g_auto(LookoutStoredPath) stored = { 0, NULL };
  g_autoptr(GArray) changes = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) hops = NULL;
  g_autoptr(JsonNode) node = NULL;

  changes = lookout_store_query_path_sync (store, q->id, (guint) q->limit, &stored, NULL, error);
  if (changes == NULL)
    return NULL;
  if (stored.hops_json != NULL)
    hops = json_from_string (stored.hops_json, NULL);
  if (hops == NULL || !JSON_NODE_HOLDS_ARRAY (hops))
    g_clear_pointer (&hops, json_node_unref);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "target_id");
  json_builder_add_int_value (builder, q->id);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, q->uri);
  lookout_api_add_time (builder, "time", hops != NULL ? stored.ts_ms : -1);

  json_builder_set_member_name (builder, "hops");
  if (hops != NULL)
    json_builder_add_value (builder, json_node_copy (hops));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "route_changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const LookoutStoredRouteChange *c = &g_array_index (changes, LookoutStoredRouteChange, i);

      json_builder_begin_object (builder);
      lookout_api_add_time (builder, "time", c->ts_ms);
      json_builder_set_member_name (builder, "old_path");
      json_builder_add_value (builder, json_from_string (c->old_path_json, NULL));
      json_builder_set_member_name (builder, "new_path");
      json_builder_add_value (builder, json_from_string (c->new_path_json, NULL));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "path");
  json_builder_begin_array (builder);
  for (guint i = 0; hops != NULL && i < json_array_get_length (json_node_get_array (hops)); i++)
    add_point (builder, store, json_array_get_object_element (json_node_get_array (hops), i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return lookout_json_to_string (node, FALSE);
}

void
lookout_api_handle_path (LookoutApiRequest *request)
{
  LookoutTarget *target = lookout_monitor_find_target (request->monitor, request->id);
  const char *limit = g_hash_table_lookup (request->query, "limit");
  g_autoptr(GError) error = NULL;
  PathQuery *q;

  if (target == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no target with the id %" PRId64),
                                                  request->id);

      lookout_api_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, message);
      return;
    }
  q = g_new0 (PathQuery, 1);
  q->id = request->id;
  q->uri = g_strdup (lookout_target_get_uri_string (target));
  q->limit = DEFAULT_CHANGES;
  if (limit != NULL && !lookout_api_parse_count (limit, "limit", 1, MAX_CHANGES, &q->limit, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      path_query_free (q);
      return;
    }

  lookout_api_request_run_in_thread (request, path_thread, q, (GDestroyNotify) path_query_free);
}
