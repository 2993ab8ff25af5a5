/* lookout-map-cluster.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-target.h"

G_BEGIN_DECLS

/* Severities, worst last: a cluster shows its worst state. */
#define LOOKOUT_MAP_N_SEVERITIES 5

typedef struct _LookoutMapCluster  LookoutMapCluster;
typedef struct _LookoutMapClusters LookoutMapClusters;

/* Targets whose coordinates are equal to 0.001°. Read-only. */
typedef struct
{
  char              *key;
  double             lat;
  double             lon;
  double             x;          /* projected: lookout_map_project() */
  double             y;
  GPtrArray         *targets;    /* LookoutTarget */
  LookoutMapCluster *cluster;    /* NULL when outside the cells built */
} LookoutMapPlace;

/* The places in one cell of the grid at the cluster zoom. Read-only but
 * for marker, which belongs to the caller and stays with the cell. */
struct _LookoutMapCluster
{
  gint64     cell;                                 /* column << 32 | row */
  GPtrArray *places;                               /* LookoutMapPlace */
  guint      n_targets;
  guint      n_state[LOOKOUT_MAP_N_SEVERITIES];    /* by lookout_map_state_severity() */
  guint      n_doubtful;
  gpointer   marker;
};

/* The cells of the grid at one whole zoom level that clusters are made for. */
typedef struct
{
  int    zoom;
  double cell;          /* in projected units */
  gint64 min_i, max_i, min_j, max_j;
} LookoutMapCellRange;

/* Web Mercator at zoom 0 with 1-pixel tiles: x, y in [0, 1]. */
void               lookout_map_project            (double                     lat,
                                                   double                     lon,
                                                   double                    *x,
                                                   double                    *y);
void               lookout_map_unproject          (double                     x,
                                                   double                     y,
                                                   double                    *lat,
                                                   double                    *lon);

/* The cells a view of width × height pixels centred at (lat, lon) shows at
 * the whole zoom level under zoom, with margin views more each side. */
void               lookout_map_cell_range_init    (LookoutMapCellRange       *range,
                                                   double                     lat,
                                                   double                     lon,
                                                   double                     zoom,
                                                   int                        max_zoom,
                                                   double                     tile_size,
                                                   double                     width,
                                                   double                     height,
                                                   double                     margin);
/* TRUE when built has the zoom of view and all its cells. */
gboolean           lookout_map_cell_range_covers  (const LookoutMapCellRange *built,
                                                   const LookoutMapCellRange *view);

int                lookout_map_state_severity     (LookoutTargetState         state);
LookoutTargetState lookout_map_severity_state     (int                        severity);

LookoutTarget     *lookout_map_cluster_get_target (LookoutMapCluster         *cluster,
                                                   guint                      index);
LookoutTargetState lookout_map_cluster_get_worst_state (LookoutMapCluster    *cluster);
/* One place: exactly there. Several: where their targets are on average,
 * on the projected map. */
void               lookout_map_cluster_get_location (LookoutMapCluster       *cluster,
                                                   double                    *lat,
                                                   double                    *lon);

/* What the index asks of its owner: whether a target's location is in
 * doubt, and what to do with a cluster that goes (its marker is still set
 * when no new cluster took it). */
typedef struct
{
  gboolean (*target_doubtful) (LookoutTarget     *target,
                               gpointer           user_data);
  void     (*cluster_removed) (LookoutMapCluster *cluster,
                               gpointer           user_data);
} LookoutMapClustersFuncs;

typedef void (*LookoutMapClusterFunc) (LookoutMapCluster *cluster,
                                       gpointer           user_data);

LookoutMapClusters *lookout_map_clusters_new          (const LookoutMapClustersFuncs *funcs,
                                                      gpointer                       user_data);
void                lookout_map_clusters_free         (LookoutMapClusters  *self);

/* Places: set from scratch, every target with a location at its place;
 * the clusters are empty until the next build. */
void                lookout_map_clusters_set_targets  (LookoutMapClusters  *self,
                                                      GListModel          *targets);
guint               lookout_map_clusters_get_n_places (LookoutMapClusters  *self);
/* The projected box around every place; FALSE when there is none. */
gboolean            lookout_map_clusters_get_bounds   (LookoutMapClusters  *self,
                                                      double              *min_x,
                                                      double              *min_y,
                                                      double              *max_x,
                                                      double              *max_y);

/* Clusters for the cells of range, each with its tallies. A cell that had
 * a cluster at the same zoom keeps it (and its marker); new clusters take
 * the markers of those gone. */
void                lookout_map_clusters_build        (LookoutMapClusters        *self,
                                                      const LookoutMapCellRange *range);
const LookoutMapCellRange *lookout_map_clusters_get_built (LookoutMapClusters *self);
guint               lookout_map_clusters_get_n_clusters (LookoutMapClusters *self);
void                lookout_map_clusters_foreach      (LookoutMapClusters  *self,
                                                      LookoutMapClusterFunc func,
                                                      gpointer             user_data);
LookoutMapCluster  *lookout_map_clusters_get_target_cluster (LookoutMapClusters *self,
                                                      LookoutTarget       *target);

/* Targets whose location changed move between places and clusters without
 * the others being made again; changed is called once for each cluster
 * left with targets whose contents changed, emptied ones are removed. */
void                lookout_map_clusters_move_targets (LookoutMapClusters  *self,
                                                      GHashTable          *targets,
                                                      LookoutMapClusterFunc changed,
                                                      gpointer             user_data);
/* A target's state or doubt changed: its cluster's tallies follow. Returns
 * its cluster, or NULL when it is in none. */
LookoutMapCluster  *lookout_map_clusters_retally      (LookoutMapClusters  *self,
                                                      LookoutTarget       *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutMapClusters, lookout_map_clusters_free)

G_END_DECLS
