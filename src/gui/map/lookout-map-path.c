/* lookout-map-path.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-map-path"

#include "config.h"

#include <math.h>

#include "lookout-map-path.h"

typedef struct
{
  guint               ttl;
  LookoutGeoLocation *location;   /* NULL until placed */
} PathHop;

struct _LookoutMapPath
{
  GObject           parent_instance;

  ShumatePathLayer *layer;
  LookoutGeo       *geo;
  GArray           *hops;          /* PathHop, in hop order */
  GCancellable     *cancellable;
  guint             n_asked;
};

G_DEFINE_FINAL_TYPE (LookoutMapPath, lookout_map_path, G_TYPE_OBJECT)

typedef struct
{
  GWeakRef  path;
  guint     index;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_weak_ref_clear (&lookup->path);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
clear_hop (PathHop *hop)
{
  g_clear_pointer (&hop->location, lookout_geo_location_unref);
}

static void
redraw (LookoutMapPath *self)
{
  double home_lat = self->geo != NULL ? lookout_geo_get_home_latitude (self->geo) : NAN;
  double home_lon = self->geo != NULL ? lookout_geo_get_home_longitude (self->geo) : NAN;

  shumate_path_layer_remove_all (self->layer);
  if (lookout_map_path_get_n_hops (self) == 0)
    return;

  if (!isnan (home_lat) && !isnan (home_lon))
    shumate_path_layer_add_node (self->layer,
                                 SHUMATE_LOCATION (shumate_coordinate_new_full (home_lat, home_lon)));
  for (guint i = 0; i < self->hops->len; i++)
    {
      const PathHop *hop = &g_array_index (self->hops, PathHop, i);

      if (hop->location != NULL)
        shumate_path_layer_add_node (self->layer,
                                     SHUMATE_LOCATION (shumate_coordinate_new_full (hop->location->latitude,
                                                                                    hop->location->longitude)));
    }
}

static void
located_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  g_autoptr(LookoutMapPath) self = g_weak_ref_get (&lookup->path);
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) error = NULL;

  location = lookout_geo_locate_finish (LOOKOUT_GEO (object), result, &error);
  if (self == NULL || location == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (lookup->index >= self->hops->len)
    return;

  g_array_index (self->hops, PathHop, lookup->index).location = g_steal_pointer (&location);
  redraw (self);
}

static void
lookout_map_path_dispose (GObject *object)
{
  LookoutMapPath *self = LOOKOUT_MAP_PATH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->layer);
  g_clear_object (&self->geo);
  g_clear_pointer (&self->hops, g_array_unref);

  G_OBJECT_CLASS (lookout_map_path_parent_class)->dispose (object);
}

static void
lookout_map_path_class_init (LookoutMapPathClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lookout_map_path_dispose;
}

static void
lookout_map_path_init (LookoutMapPath *self)
{
  self->hops = g_array_new (FALSE, TRUE, sizeof (PathHop));
  g_array_set_clear_func (self->hops, (GDestroyNotify) clear_hop);
}

LookoutMapPath *
lookout_map_path_new (ShumateViewport *viewport)
{
  LookoutMapPath *self;
  GdkRGBA color = { 0.21, 0.52, 0.89, 0.85 };

  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  self = g_object_new (LOOKOUT_TYPE_MAP_PATH, NULL);
  self->layer = g_object_ref_sink (shumate_path_layer_new (viewport));
  shumate_path_layer_set_stroke_color (self->layer, &color);
  shumate_path_layer_set_stroke_width (self->layer, 3);
  gtk_widget_set_can_target (GTK_WIDGET (self->layer), FALSE);

  return self;
}

ShumatePathLayer *
lookout_map_path_get_layer (LookoutMapPath *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP_PATH (self), NULL);

  return self->layer;
}

void
lookout_map_path_set_geo (LookoutMapPath *self,
                          LookoutGeo     *geo)
{
  g_return_if_fail (LOOKOUT_IS_MAP_PATH (self));
  g_return_if_fail (!geo || LOOKOUT_IS_GEO (geo));

  if (g_set_object (&self->geo, geo))
    lookout_map_path_set_report (self, NULL);
}

void
lookout_map_path_set_report (LookoutMapPath           *self,
                             const LookoutTraceReport *report)
{
  g_return_if_fail (LOOKOUT_IS_MAP_PATH (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_array_set_size (self->hops, 0);
  self->n_asked = 0;

  if (report != NULL && self->geo != NULL)
    {
      self->cancellable = g_cancellable_new ();
      for (guint i = 0; i < report->n_hops; i++)
        {
          const LookoutTraceHop *hop = &report->hops[i];
          PathHop path_hop = { hop->ttl, NULL };
          Lookup *lookup;

          if (hop->addresses == NULL || hop->addresses[0] == NULL
              || !lookout_geo_address_is_public (hop->addresses[0]))
            continue;

          g_array_append_val (self->hops, path_hop);
          lookup = g_new0 (Lookup, 1);
          g_weak_ref_init (&lookup->path, self);
          lookup->index = self->hops->len - 1;
          self->n_asked++;
          lookout_geo_locate_async (self->geo, hop->addresses[0], self->cancellable, located_cb, lookup);
        }
    }

  redraw (self);
}

guint
lookout_map_path_get_n_hops (LookoutMapPath *self)
{
  guint n = 0;

  g_return_val_if_fail (LOOKOUT_IS_MAP_PATH (self), 0);

  for (guint i = 0; i < self->hops->len; i++)
    if (g_array_index (self->hops, PathHop, i).location != NULL)
      n++;

  return n;
}

guint
lookout_map_path_get_n_asked (LookoutMapPath *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP_PATH (self), 0);

  return self->n_asked;
}
