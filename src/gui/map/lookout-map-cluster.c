/* lookout-map-cluster.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Targets are grouped twice. Places: targets whose coordinates are equal
 * to 0.001° are one place. Clusters: at a whole zoom level, the projected
 * map is cut into cells, and the places in one cell make one cluster. Only
 * the cells of a range (the view and a margin around it) get clusters, so
 * they number a few hundred at most whatever the targets. Each cluster
 * keeps tallies of its targets' states and doubt, so that a change of
 * state moves one count; a target moved moves alone between places and
 * clusters. This file knows nothing of widgets: a cluster carries an
 * opaque marker for whoever shows it, handed on with the cell. */

#define G_LOG_DOMAIN "lookout-map-cluster"

#include "config.h"

#include <math.h>
#include <string.h>

#include "lookout-map-cluster.h"

/* A target's state and doubt as counted in its cluster's tallies. */
#define COUNTED_DOUBTFUL 0x10

struct _LookoutMapClusters
{
  LookoutMapClustersFuncs funcs;
  gpointer                user_data;

  GHashTable             *places;        /* key → LookoutMapPlace */
  GHashTable             *target_place;  /* LookoutTarget → LookoutMapPlace */
  GHashTable             *clusters;      /* &cell → LookoutMapCluster, those in range */
  GHashTable             *tallies;       /* LookoutTarget → tally as counted */
  LookoutMapCellRange     built;
};

/* ---- geometry ---- */

void
lookout_map_project (double  lat,
                     double  lon,
                     double *x,
                     double *y)
{
  double phi = CLAMP (lat, -85.0511, 85.0511) * G_PI / 180.0;

  *x = (lon + 180.0) / 360.0;
  *y = (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

void
lookout_map_unproject (double  x,
                       double  y,
                       double *lat,
                       double *lon)
{
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
  *lon = x * 360.0 - 180.0;
}

/* Whole zoom levels: cells of cell_pixels to twice that on screen, and no
 * reclustering while a zoom glides between two levels. */
#define CELL_PIXELS 60.0

void
lookout_map_cell_range_init (LookoutMapCellRange *range,
                             double               lat,
                             double               lon,
                             double               zoom,
                             int                  max_zoom,
                             double               tile_size,
                             double               width,
                             double               height,
                             double               margin)
{
  double scale, cx, cy, half_w, half_h;

  range->zoom = CLAMP ((int) floor (zoom + 1e-6), 0, max_zoom);
  range->cell = CELL_PIXELS / (tile_size * exp2 (range->zoom));

  scale = tile_size * exp2 (zoom);
  lookout_map_project (lat, lon, &cx, &cy);
  half_w = width * (0.5 + margin) / scale;
  half_h = height * (0.5 + margin) / scale;

  range->min_i = (gint64) floor (MAX (cx - half_w, 0) / range->cell);
  range->max_i = (gint64) floor (MIN (cx + half_w, 1) / range->cell);
  range->min_j = (gint64) floor (MAX (cy - half_h, 0) / range->cell);
  range->max_j = (gint64) floor (MIN (cy + half_h, 1) / range->cell);
}

gboolean
lookout_map_cell_range_covers (const LookoutMapCellRange *built,
                               const LookoutMapCellRange *view)
{
  return view->zoom == built->zoom
         && view->min_i >= built->min_i && view->max_i <= built->max_i
         && view->min_j >= built->min_j && view->max_j <= built->max_j;
}

/* The cell of a place in range, or FALSE when it is outside. */
static gboolean
range_get_cell (const LookoutMapCellRange *range,
                const LookoutMapPlace     *place,
                gint64                    *cell)
{
  gint64 i = (gint64) floor (place->x / range->cell);
  gint64 j = (gint64) floor (place->y / range->cell);

  *cell = (i << 32) | j;
  return i >= range->min_i && i <= range->max_i && j >= range->min_j && j <= range->max_j;
}

/* ---- states ---- */

int
lookout_map_state_severity (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_DOWN:     return 4;
    case LOOKOUT_TARGET_STATE_DEGRADED: return 3;
    case LOOKOUT_TARGET_STATE_UNKNOWN:  return 2;
    case LOOKOUT_TARGET_STATE_PAUSED:   return 1;
    case LOOKOUT_TARGET_STATE_UP:
    default:                            return 0;
    }
}

LookoutTargetState
lookout_map_severity_state (int severity)
{
  static const LookoutTargetState states[LOOKOUT_MAP_N_SEVERITIES] = {
    LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_PAUSED, LOOKOUT_TARGET_STATE_UNKNOWN,
    LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_TARGET_STATE_DOWN,
  };

  g_return_val_if_fail (severity >= 0 && severity < LOOKOUT_MAP_N_SEVERITIES,
                        LOOKOUT_TARGET_STATE_UNKNOWN);

  return states[severity];
}

static guint
target_tally (LookoutMapClusters *self,
              LookoutTarget      *target)
{
  gboolean doubtful = self->funcs.target_doubtful != NULL
                      && self->funcs.target_doubtful (target, self->user_data);

  return lookout_map_state_severity (lookout_target_get_state (target))
         | (doubtful ? COUNTED_DOUBTFUL : 0);
}

/* ---- clusters ---- */

LookoutTarget *
lookout_map_cluster_get_target (LookoutMapCluster *cluster,
                                guint              index)
{
  g_return_val_if_fail (cluster != NULL, NULL);
  g_return_val_if_fail (index < cluster->n_targets, NULL);

  for (guint i = 0; i < cluster->places->len; i++)
    {
      LookoutMapPlace *place = g_ptr_array_index (cluster->places, i);

      if (index < place->targets->len)
        return g_ptr_array_index (place->targets, index);
      index -= place->targets->len;
    }

  g_assert_not_reached ();
}

LookoutTargetState
lookout_map_cluster_get_worst_state (LookoutMapCluster *cluster)
{
  g_return_val_if_fail (cluster != NULL, LOOKOUT_TARGET_STATE_UNKNOWN);

  for (int severity = LOOKOUT_MAP_N_SEVERITIES - 1; severity >= 0; severity--)
    if (cluster->n_state[severity] > 0)
      return lookout_map_severity_state (severity);

  return LOOKOUT_TARGET_STATE_UP;
}

void
lookout_map_cluster_get_location (LookoutMapCluster *cluster,
                                  double            *lat,
                                  double            *lon)
{
  double sx = 0, sy = 0;
  guint n = 0;

  g_return_if_fail (cluster != NULL && cluster->places->len > 0);

  if (cluster->places->len == 1)
    {
      LookoutMapPlace *place = g_ptr_array_index (cluster->places, 0);

      *lat = place->lat;
      *lon = place->lon;
      return;
    }

  for (guint p = 0; p < cluster->places->len; p++)
    {
      LookoutMapPlace *place = g_ptr_array_index (cluster->places, p);

      sx += place->x * place->targets->len;
      sy += place->y * place->targets->len;
      n += place->targets->len;
    }
  lookout_map_unproject (sx / n, sy / n, lat, lon);
}

static void
cluster_free (LookoutMapCluster *cluster)
{
  g_clear_pointer (&cluster->places, g_ptr_array_unref);
  g_free (cluster);
}

/* A cluster without places yet. */
static LookoutMapCluster *
add_cluster (LookoutMapClusters *self,
             gint64              cell)
{
  LookoutMapCluster *cluster = g_new0 (LookoutMapCluster, 1);

  cluster->cell = cell;
  cluster->places = g_ptr_array_new ();
  g_hash_table_insert (self->clusters, &cluster->cell, cluster);

  return cluster;
}

/* Removed from the table by its owner first: the owner hears of it, then
 * it is freed. */
static void
cluster_removed (LookoutMapClusters *self,
                 LookoutMapCluster  *cluster)
{
  if (self->funcs.cluster_removed != NULL)
    self->funcs.cluster_removed (cluster, self->user_data);
  cluster_free (cluster);
}

/* Counts target in (sign +1) or out of (-1) the cluster's tallies. */
static void
cluster_count (LookoutMapClusters *self,
               LookoutMapCluster  *cluster,
               LookoutTarget      *target,
               int                 sign)
{
  guint tally;

  if (sign > 0)
    {
      tally = target_tally (self, target);
      g_hash_table_insert (self->tallies, target, GUINT_TO_POINTER (tally));
    }
  else
    tally = GPOINTER_TO_UINT (g_hash_table_lookup (self->tallies, target));

  cluster->n_targets += sign;
  cluster->n_state[tally & ~COUNTED_DOUBTFUL] += sign;
  cluster->n_doubtful += (tally & COUNTED_DOUBTFUL) ? sign : 0;
}

/* ---- places ---- */

static void
place_free (LookoutMapPlace *place)
{
  g_clear_pointer (&place->targets, g_ptr_array_unref);
  g_free (place->key);
  g_free (place);
}

static gboolean
target_has_place (LookoutTarget *target)
{
  return !isnan (lookout_target_get_latitude (target))
         && !isnan (lookout_target_get_longitude (target));
}

static char *
place_key (double lat,
           double lon)
{
  char lat_s[G_ASCII_DTOSTR_BUF_SIZE], lon_s[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lat_s, sizeof lat_s, "%.3f", lat);
  g_ascii_formatd (lon_s, sizeof lon_s, "%.3f", lon);

  return g_strconcat (lat_s, ",", lon_s, NULL);
}

/* The place of target's coordinates, made when new (then made is set). */
static LookoutMapPlace *
ensure_place (LookoutMapClusters *self,
              LookoutTarget      *target,
              gboolean           *made)
{
  double lat = lookout_target_get_latitude (target);
  double lon = lookout_target_get_longitude (target);
  g_autofree char *key = place_key (lat, lon);
  LookoutMapPlace *place = g_hash_table_lookup (self->places, key);

  if (made != NULL)
    *made = place == NULL;
  if (place != NULL)
    return place;

  place = g_new0 (LookoutMapPlace, 1);
  place->key = g_steal_pointer (&key);
  place->lat = lat;
  place->lon = lon;
  lookout_map_project (lat, lon, &place->x, &place->y);
  place->targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_insert (self->places, place->key, place);

  return place;
}

/* ---- the index ---- */

LookoutMapClusters *
lookout_map_clusters_new (const LookoutMapClustersFuncs *funcs,
                          gpointer                       user_data)
{
  LookoutMapClusters *self = g_new0 (LookoutMapClusters, 1);

  if (funcs != NULL)
    self->funcs = *funcs;
  self->user_data = user_data;
  self->places = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) place_free);
  self->target_place = g_hash_table_new (NULL, NULL);
  self->clusters = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->tallies = g_hash_table_new (NULL, NULL);

  return self;
}

static void
remove_all_clusters (LookoutMapClusters *self,
                     GHashTable         *clusters)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, clusters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_hash_table_iter_steal (&iter);
      cluster_removed (self, value);
    }
}

void
lookout_map_clusters_free (LookoutMapClusters *self)
{
  if (self == NULL)
    return;

  remove_all_clusters (self, self->clusters);
  g_hash_table_unref (self->clusters);
  g_hash_table_unref (self->target_place);
  g_hash_table_unref (self->tallies);
  g_hash_table_unref (self->places);
  g_free (self);
}

void
lookout_map_clusters_set_targets (LookoutMapClusters *self,
                                  GListModel         *targets)
{
  guint n = targets != NULL ? g_list_model_get_n_items (targets) : 0;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (self != NULL);

  /* The clusters point at the places: they let go first, and stay for
   * the build to find them by cell. */
  g_hash_table_remove_all (self->target_place);
  g_hash_table_remove_all (self->tallies);
  g_hash_table_iter_init (&iter, self->clusters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LookoutMapCluster *cluster = value;

      g_ptr_array_set_size (cluster->places, 0);
      cluster->n_targets = 0;
      cluster->n_doubtful = 0;
      memset (cluster->n_state, 0, sizeof cluster->n_state);
    }
  g_hash_table_remove_all (self->places);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      LookoutMapPlace *place;

      if (!target_has_place (target))
        continue;

      place = ensure_place (self, target, NULL);
      g_ptr_array_add (place->targets, g_object_ref (target));
      g_hash_table_insert (self->target_place, target, place);
    }
}

guint
lookout_map_clusters_get_n_places (LookoutMapClusters *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->places);
}

gboolean
lookout_map_clusters_get_bounds (LookoutMapClusters *self,
                                 double             *min_x,
                                 double             *min_y,
                                 double             *max_x,
                                 double             *max_y)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, FALSE);

  *min_x = *min_y = G_MAXDOUBLE;
  *max_x = *max_y = -G_MAXDOUBLE;
  g_hash_table_iter_init (&iter, self->places);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LookoutMapPlace *place = value;

      *min_x = MIN (*min_x, place->x);
      *max_x = MAX (*max_x, place->x);
      *min_y = MIN (*min_y, place->y);
      *max_y = MAX (*max_y, place->y);
    }

  return g_hash_table_size (self->places) > 0;
}

void
lookout_map_clusters_build (LookoutMapClusters        *self,
                            const LookoutMapCellRange *range)
{
  g_autoptr(GHashTable) old = NULL;
  g_autoptr(GPtrArray) homeless = g_ptr_array_new ();
  gboolean same_zoom;
  GHashTableIter iter;
  gpointer value;
  guint next = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (range != NULL);

  old = g_steal_pointer (&self->clusters);
  self->clusters = g_hash_table_new (g_int64_hash, g_int64_equal);
  same_zoom = self->built.cell != 0 && self->built.zoom == range->zoom;
  self->built = *range;

  /* Which cell each place falls in; a cell keeps its cluster (and marker)
   * when it had one at this zoom. */
  g_hash_table_iter_init (&iter, self->places);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LookoutMapPlace *place = value;
      LookoutMapCluster *cluster;
      gint64 cell;

      place->cluster = NULL;
      if (!range_get_cell (range, place, &cell))
        continue;

      cluster = g_hash_table_lookup (self->clusters, &cell);
      if (cluster == NULL && same_zoom && (cluster = g_hash_table_lookup (old, &cell)) != NULL)
        {
          g_hash_table_steal (old, &cell);
          g_ptr_array_set_size (cluster->places, 0);
          g_hash_table_insert (self->clusters, &cluster->cell, cluster);
        }
      else if (cluster == NULL)
        {
          cluster = add_cluster (self, cell);
          g_ptr_array_add (homeless, cluster);
        }

      g_ptr_array_add (cluster->places, place);
      place->cluster = cluster;
    }

  /* New clusters take the markers of those that are gone. */
  g_hash_table_iter_init (&iter, old);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LookoutMapCluster *gone = value;

      if (next < homeless->len)
        {
          LookoutMapCluster *cluster = g_ptr_array_index (homeless, next++);

          cluster->marker = g_steal_pointer (&gone->marker);
        }
      g_hash_table_iter_steal (&iter);
      cluster_removed (self, gone);
    }

  g_hash_table_iter_init (&iter, self->clusters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      LookoutMapCluster *cluster = value;

      cluster->n_targets = 0;
      cluster->n_doubtful = 0;
      memset (cluster->n_state, 0, sizeof cluster->n_state);

      for (guint p = 0; p < cluster->places->len; p++)
        {
          LookoutMapPlace *place = g_ptr_array_index (cluster->places, p);

          for (guint t = 0; t < place->targets->len; t++)
            cluster_count (self, cluster, g_ptr_array_index (place->targets, t), +1);
        }
    }
}

const LookoutMapCellRange *
lookout_map_clusters_get_built (LookoutMapClusters *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->built;
}

guint
lookout_map_clusters_get_n_clusters (LookoutMapClusters *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_hash_table_size (self->clusters);
}

void
lookout_map_clusters_foreach (LookoutMapClusters    *self,
                              LookoutMapClusterFunc  func,
                              gpointer               user_data)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (self != NULL);

  g_hash_table_iter_init (&iter, self->clusters);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    func (value, user_data);
}

LookoutMapCluster *
lookout_map_clusters_get_target_cluster (LookoutMapClusters *self,
                                         LookoutTarget      *target)
{
  LookoutMapPlace *place;

  g_return_val_if_fail (self != NULL, NULL);

  place = g_hash_table_lookup (self->target_place, target);
  return place != NULL ? place->cluster : NULL;
}

static void
move_target (LookoutMapClusters *self,
             LookoutTarget      *target,
             GHashTable         *touched)
{
  LookoutMapPlace *place = g_hash_table_lookup (self->target_place, target);
  LookoutMapCluster *cluster;
  gboolean made;
  gint64 cell;

  if (place != NULL)
    {
      cluster = place->cluster;
      if (cluster != NULL)
        cluster_count (self, cluster, target, -1);
      g_hash_table_remove (self->target_place, target);
      g_ptr_array_remove_fast (place->targets, target);   /* unrefs: the caller holds one */
      if (place->targets->len == 0)
        {
          if (cluster != NULL)
            g_ptr_array_remove_fast (cluster->places, place);
          g_hash_table_remove (self->places, place->key);
        }
      if (cluster != NULL)
        g_hash_table_add (touched, cluster);
    }

  if (!target_has_place (target))
    return;

  place = ensure_place (self, target, &made);
  if (made && self->built.cell != 0 && range_get_cell (&self->built, place, &cell))
    {
      cluster = g_hash_table_lookup (self->clusters, &cell);
      if (cluster == NULL)
        cluster = add_cluster (self, cell);
      g_ptr_array_add (cluster->places, place);
      place->cluster = cluster;
    }

  g_ptr_array_add (place->targets, g_object_ref (target));
  g_hash_table_insert (self->target_place, target, place);
  if (place->cluster != NULL)
    {
      cluster_count (self, place->cluster, target, +1);
      g_hash_table_add (touched, place->cluster);
    }
}

void
lookout_map_clusters_move_targets (LookoutMapClusters    *self,
                                   GHashTable            *targets,
                                   LookoutMapClusterFunc  changed,
                                   gpointer               user_data)
{
  g_autoptr(GHashTable) touched = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (self != NULL);
  g_return_if_fail (targets != NULL);

  g_hash_table_iter_init (&iter, targets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    move_target (self, key, touched);

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      LookoutMapCluster *cluster = key;

      if (cluster->n_targets == 0)
        {
          g_hash_table_steal (self->clusters, &cluster->cell);
          cluster_removed (self, cluster);
          continue;
        }
      if (changed != NULL)
        changed (cluster, user_data);
    }
}

LookoutMapCluster *
lookout_map_clusters_retally (LookoutMapClusters *self,
                              LookoutTarget      *target)
{
  LookoutMapCluster *cluster;
  guint before, now;

  g_return_val_if_fail (self != NULL, NULL);

  cluster = lookout_map_clusters_get_target_cluster (self, target);
  if (cluster == NULL)
    return NULL;

  before = GPOINTER_TO_UINT (g_hash_table_lookup (self->tallies, target));
  now = target_tally (self, target);
  if (before != now)
    {
      cluster->n_state[before & ~COUNTED_DOUBTFUL]--;
      cluster->n_doubtful -= (before & COUNTED_DOUBTFUL) != 0;
      cluster->n_state[now & ~COUNTED_DOUBTFUL]++;
      cluster->n_doubtful += (now & COUNTED_DOUBTFUL) != 0;
      g_hash_table_insert (self->tallies, target, GUINT_TO_POINTER (now));
    }

  return cluster;
}
