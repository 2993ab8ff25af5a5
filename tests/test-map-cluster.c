/* test-map-cluster.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The map's grouping of targets into places and clusters, without a
 * display: targets in, clusters with their tallies out. */

#include "config.h"

#include <math.h>

#include "lookout-map-cluster.h"

typedef struct
{
  LookoutMapClusters *clusters;
  GListStore         *targets;
  GHashTable         *doubtful;     /* LookoutTarget set */
  GPtrArray          *removed;      /* markers of the clusters removed */
  guint               n_removed;
  guint               n_changed;
} Fixture;

static gboolean
doubtful_cb (LookoutTarget *target,
             gpointer       user_data)
{
  Fixture *f = user_data;

  return g_hash_table_contains (f->doubtful, target);
}

static void
removed_cb (LookoutMapCluster *cluster,
            gpointer           user_data)
{
  Fixture *f = user_data;

  f->n_removed++;
  if (cluster->marker != NULL)
    g_ptr_array_add (f->removed, g_steal_pointer (&cluster->marker));
}

static void
changed_cb (LookoutMapCluster *cluster,
            gpointer           user_data)
{
  Fixture *f = user_data;

  f->n_changed++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const LookoutMapClustersFuncs funcs = {
    .target_doubtful = doubtful_cb,
    .cluster_removed = removed_cb,
  };

  f->clusters = lookout_map_clusters_new (&funcs, f);
  f->targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  f->doubtful = g_hash_table_new (NULL, NULL);
  f->removed = g_ptr_array_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->clusters, lookout_map_clusters_free);
  g_clear_object (&f->targets);
  g_clear_pointer (&f->doubtful, g_hash_table_unref);
  g_clear_pointer (&f->removed, g_ptr_array_unref);
}

static LookoutTarget *
add_target (Fixture    *f,
            const char *uri,
            double      lat,
            double      lon)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  if (!isnan (lat))
    lookout_target_set_location (target, lat, lon, "manual");
  g_list_store_append (f->targets, target);
  g_object_unref (target);

  return target;
}

/* The whole world at zoom, as a view of the whole projected map shows it. */
static void
world_range (int                  zoom,
             LookoutMapCellRange *range)
{
  double side = 256 * exp2 (zoom);

  lookout_map_cell_range_init (range, 0, 0, zoom, 19, 256, side, side, 0);
}

static void
test_projection (void)
{
  double x, y, lat, lon;
  LookoutMapCellRange range, inner;

  lookout_map_project (0, 0, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 0.5, 1e-9);

  lookout_map_project (52.52, 13.405, &x, &y);
  g_assert_cmpfloat (y, <, 0.5);          /* north is up */
  lookout_map_unproject (x, y, &lat, &lon);
  g_assert_cmpfloat_with_epsilon (lat, 52.52, 1e-9);
  g_assert_cmpfloat_with_epsilon (lon, 13.405, 1e-9);

  /* Cells of 60 pixels at the whole zoom under the view's. */
  lookout_map_cell_range_init (&range, 0, 0, 3.7, 19, 256, 1000, 700, 0);
  g_assert_cmpint (range.zoom, ==, 3);
  g_assert_cmpfloat_with_epsilon (range.cell, 60.0 / (256 * 8), 1e-12);
  g_assert_cmpint (range.min_i, <=, range.max_i);
  g_assert_cmpint (range.min_i, >=, 0);

  /* A margin covers the view; another zoom level never does. */
  lookout_map_cell_range_init (&inner, 0, 0, 3.7, 19, 256, 1000, 700, 0);
  lookout_map_cell_range_init (&range, 0, 0, 3.7, 19, 256, 1000, 700, 0.2);
  g_assert_true (lookout_map_cell_range_covers (&range, &inner));
  g_assert_false (lookout_map_cell_range_covers (&inner, &range));
  lookout_map_cell_range_init (&inner, 0, 0, 4.1, 19, 256, 1000, 700, 0);
  g_assert_false (lookout_map_cell_range_covers (&range, &inner));
}

static void
test_states (void)
{
  /* Worst last. */
  g_assert_cmpint (lookout_map_state_severity (LOOKOUT_TARGET_STATE_UP), <,
                   lookout_map_state_severity (LOOKOUT_TARGET_STATE_PAUSED));
  g_assert_cmpint (lookout_map_state_severity (LOOKOUT_TARGET_STATE_PAUSED), <,
                   lookout_map_state_severity (LOOKOUT_TARGET_STATE_UNKNOWN));
  g_assert_cmpint (lookout_map_state_severity (LOOKOUT_TARGET_STATE_UNKNOWN), <,
                   lookout_map_state_severity (LOOKOUT_TARGET_STATE_DEGRADED));
  g_assert_cmpint (lookout_map_state_severity (LOOKOUT_TARGET_STATE_DEGRADED), <,
                   lookout_map_state_severity (LOOKOUT_TARGET_STATE_DOWN));
  for (int s = 0; s < LOOKOUT_MAP_N_SEVERITIES; s++)
    g_assert_cmpint (lookout_map_state_severity (lookout_map_severity_state (s)), ==, s);
}

/* Targets at one place stay together; places near each other cluster at a
 * low zoom and split at a high one; targets without a location are in none. */
static void
test_grouping (Fixture       *f,
               gconstpointer  data)
{
  LookoutTarget *a = add_target (f, "icmp://192.0.2.1", 52.52, 13.405);
  LookoutTarget *b = add_target (f, "icmp://192.0.2.2", 52.5201, 13.4049);   /* the same to 0.001° */
  LookoutTarget *c = add_target (f, "icmp://192.0.2.3", 52.40, 13.06);       /* Potsdam */
  LookoutTarget *d = add_target (f, "icmp://192.0.2.4", -33.87, 151.21);     /* Sydney */
  LookoutTarget *e = add_target (f, "icmp://192.0.2.5", NAN, NAN);
  LookoutMapCellRange range;
  LookoutMapCluster *berlin;
  double lat, lon;

  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  g_assert_cmpuint (lookout_map_clusters_get_n_places (f->clusters), ==, 3);

  world_range (2, &range);
  lookout_map_clusters_build (f->clusters, &range);
  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 2);
  berlin = lookout_map_clusters_get_target_cluster (f->clusters, a);
  g_assert_nonnull (berlin);
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, c) == berlin);
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, d) != berlin);
  g_assert_null (lookout_map_clusters_get_target_cluster (f->clusters, e));
  g_assert_cmpuint (berlin->n_targets, ==, 3);
  g_assert_cmpuint (berlin->places->len, ==, 2);

  /* Several places: at their targets' mean, between Berlin and Potsdam,
   * nearer Berlin which has two. */
  lookout_map_cluster_get_location (berlin, &lat, &lon);
  g_assert_cmpfloat (lat, >, 52.40);
  g_assert_cmpfloat (lat, <, 52.52);
  g_assert_cmpfloat (fabs (lat - 52.52), <, fabs (lat - 52.40));
  g_assert_cmpfloat (lon, >, 13.06);
  g_assert_cmpfloat (lon, <, 13.405);

  /* Close in: Berlin and Potsdam apart, a and b still together and exactly
   * at their place. */
  world_range (12, &range);
  lookout_map_clusters_build (f->clusters, &range);
  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 3);
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, a)
                 == lookout_map_clusters_get_target_cluster (f->clusters, b));
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, a)
                 != lookout_map_clusters_get_target_cluster (f->clusters, c));
  lookout_map_cluster_get_location (lookout_map_clusters_get_target_cluster (f->clusters, a), &lat, &lon);
  g_assert_cmpfloat (lat, ==, 52.52);
  g_assert_cmpfloat (lon, ==, 13.405);
}

/* A view of Berlin alone: clusters only for the cells in range. */
static void
test_only_in_range (Fixture       *f,
                    gconstpointer  data)
{
  LookoutTarget *a = add_target (f, "icmp://192.0.2.1", 52.52, 13.405);
  LookoutTarget *d = add_target (f, "icmp://192.0.2.4", -33.87, 151.21);
  LookoutMapCellRange range;

  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  lookout_map_cell_range_init (&range, 52.52, 13.405, 8, 19, 256, 1000, 700, 0.2);
  lookout_map_clusters_build (f->clusters, &range);

  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 1);
  g_assert_nonnull (lookout_map_clusters_get_target_cluster (f->clusters, a));
  g_assert_null (lookout_map_clusters_get_target_cluster (f->clusters, d));
  g_assert_true (lookout_map_clusters_get_built (f->clusters)->zoom == 8);
}

/* Tallies of states and doubt, the worst shown, and a change of state
 * moving one count. */
static void
test_tallies (Fixture       *f,
              gconstpointer  data)
{
  LookoutTarget *a = add_target (f, "icmp://192.0.2.1", 48.85, 2.35);
  LookoutTarget *b = add_target (f, "icmp://192.0.2.2", 48.85, 2.35);
  LookoutMapCellRange range;
  LookoutMapCluster *cluster;

  lookout_target_set_live_state (a, LOOKOUT_TARGET_STATE_UP, 1000, 1, NULL, NULL);
  lookout_target_set_live_state (b, LOOKOUT_TARGET_STATE_UP, 1000, 1, NULL, NULL);
  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  world_range (4, &range);
  lookout_map_clusters_build (f->clusters, &range);

  cluster = lookout_map_clusters_get_target_cluster (f->clusters, a);
  g_assert_cmpuint (cluster->n_state[lookout_map_state_severity (LOOKOUT_TARGET_STATE_UP)], ==, 2);
  g_assert_cmpuint (cluster->n_doubtful, ==, 0);
  g_assert_cmpint (lookout_map_cluster_get_worst_state (cluster), ==, LOOKOUT_TARGET_STATE_UP);

  lookout_target_set_live_state (b, LOOKOUT_TARGET_STATE_DOWN, -1, 2, "timeout", NULL);
  g_assert_true (lookout_map_clusters_retally (f->clusters, b) == cluster);
  g_assert_cmpuint (cluster->n_state[lookout_map_state_severity (LOOKOUT_TARGET_STATE_UP)], ==, 1);
  g_assert_cmpuint (cluster->n_state[lookout_map_state_severity (LOOKOUT_TARGET_STATE_DOWN)], ==, 1);
  g_assert_cmpint (lookout_map_cluster_get_worst_state (cluster), ==, LOOKOUT_TARGET_STATE_DOWN);

  /* Counted once however often it is told. */
  lookout_map_clusters_retally (f->clusters, b);
  g_assert_cmpuint (cluster->n_state[lookout_map_state_severity (LOOKOUT_TARGET_STATE_DOWN)], ==, 1);

  g_hash_table_add (f->doubtful, a);
  lookout_map_clusters_retally (f->clusters, a);
  g_assert_cmpuint (cluster->n_doubtful, ==, 1);
  g_assert_cmpuint (cluster->n_targets, ==, 2);
}

/* The markers stay with their cells at one zoom, pass to new clusters at
 * another, and come back to the owner when there are fewer clusters. */
static void
test_markers_handed_on (Fixture       *f,
                        gconstpointer  data)
{
  static int tokens[4];
  LookoutTarget *a = add_target (f, "icmp://192.0.2.1", 52.52, 13.405);
  LookoutTarget *c = add_target (f, "icmp://192.0.2.3", 52.40, 13.06);
  LookoutTarget *d = add_target (f, "icmp://192.0.2.4", -33.87, 151.21);
  LookoutMapCellRange range;
  LookoutMapCluster *ac, *dc;

  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  world_range (2, &range);
  lookout_map_clusters_build (f->clusters, &range);
  ac = lookout_map_clusters_get_target_cluster (f->clusters, a);
  dc = lookout_map_clusters_get_target_cluster (f->clusters, d);
  ac->marker = &tokens[0];
  dc->marker = &tokens[1];

  /* The same zoom again: the same clusters. */
  lookout_map_clusters_build (f->clusters, &range);
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, a) == ac);
  g_assert_true (ac->marker == &tokens[0]);
  g_assert_cmpuint (f->n_removed, ==, 0);

  /* Closer: three clusters; two of them take the markers of the two gone. */
  world_range (12, &range);
  lookout_map_clusters_build (f->clusters, &range);
  g_assert_cmpuint (f->n_removed, ==, 2);
  g_assert_cmpuint (f->removed->len, ==, 0);
  {
    guint with_marker = 0;
    LookoutTarget *all[] = { a, c, d };

    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      {
        LookoutMapCluster *cluster = lookout_map_clusters_get_target_cluster (f->clusters, all[i]);

        if (cluster->marker == &tokens[0] || cluster->marker == &tokens[1])
          with_marker++;
        else
          cluster->marker = &tokens[2];
      }
    g_assert_cmpuint (with_marker, ==, 2);
  }

  /* Far out: one cluster for Berlin and Potsdam, one for Sydney; one
   * marker comes back. */
  world_range (1, &range);
  lookout_map_clusters_build (f->clusters, &range);
  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 2);
  g_assert_cmpuint (f->removed->len, ==, 1);
  g_assert_nonnull (lookout_map_clusters_get_target_cluster (f->clusters, a)->marker);
  g_assert_nonnull (lookout_map_clusters_get_target_cluster (f->clusters, d)->marker);
}

/* A target located moves alone: into a new cluster, out of its old one,
 * which goes when it is left empty. */
static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  LookoutTarget *a = add_target (f, "icmp://192.0.2.1", 52.52, 13.405);
  LookoutTarget *e = add_target (f, "icmp://192.0.2.5", NAN, NAN);
  g_autoptr(GHashTable) moved = g_hash_table_new (NULL, NULL);
  LookoutMapCellRange range;
  LookoutMapCluster *berlin;

  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  world_range (4, &range);
  lookout_map_clusters_build (f->clusters, &range);
  berlin = lookout_map_clusters_get_target_cluster (f->clusters, a);
  g_assert_null (lookout_map_clusters_get_target_cluster (f->clusters, e));

  /* e is located in Berlin: the same cluster, now with two. */
  lookout_target_set_location (e, 52.52, 13.405, "manual");
  g_hash_table_add (moved, e);
  lookout_map_clusters_move_targets (f->clusters, moved, changed_cb, f);
  g_assert_true (lookout_map_clusters_get_target_cluster (f->clusters, e) == berlin);
  g_assert_cmpuint (berlin->n_targets, ==, 2);
  g_assert_cmpuint (f->n_changed, ==, 1);
  g_assert_cmpuint (lookout_map_clusters_get_n_places (f->clusters), ==, 1);

  /* Both go to Sydney: Berlin's cluster is removed, a new one holds them. */
  lookout_target_set_location (a, -33.87, 151.21, "manual");
  lookout_target_set_location (e, -33.87, 151.21, "manual");
  g_hash_table_add (moved, a);
  lookout_map_clusters_move_targets (f->clusters, moved, changed_cb, f);
  g_assert_cmpuint (f->n_removed, ==, 1);
  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 1);
  g_assert_cmpuint (lookout_map_clusters_get_target_cluster (f->clusters, a)->n_targets, ==, 2);
  g_assert_cmpuint (lookout_map_clusters_get_n_places (f->clusters), ==, 1);

  /* Location lost: in no cluster, no place left. */
  lookout_target_set_location (a, NAN, NAN, NULL);
  lookout_target_set_location (e, NAN, NAN, NULL);
  lookout_map_clusters_move_targets (f->clusters, moved, changed_cb, f);
  g_assert_null (lookout_map_clusters_get_target_cluster (f->clusters, a));
  g_assert_cmpuint (lookout_map_clusters_get_n_clusters (f->clusters), ==, 0);
  g_assert_cmpuint (lookout_map_clusters_get_n_places (f->clusters), ==, 0);
}

static void
test_bounds (Fixture       *f,
             gconstpointer  data)
{
  double min_x, min_y, max_x, max_y, x, y;

  g_assert_false (lookout_map_clusters_get_bounds (f->clusters, &min_x, &min_y, &max_x, &max_y));

  add_target (f, "icmp://192.0.2.1", 52.52, 13.405);
  add_target (f, "icmp://192.0.2.4", -33.87, 151.21);
  lookout_map_clusters_set_targets (f->clusters, G_LIST_MODEL (f->targets));
  g_assert_true (lookout_map_clusters_get_bounds (f->clusters, &min_x, &min_y, &max_x, &max_y));

  lookout_map_project (52.52, 13.405, &x, &y);
  g_assert_cmpfloat (min_x, ==, x);
  g_assert_cmpfloat (min_y, ==, y);
  lookout_map_project (-33.87, 151.21, &x, &y);
  g_assert_cmpfloat (max_x, ==, x);
  g_assert_cmpfloat (max_y, ==, y);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/map-cluster/projection", test_projection);
  g_test_add_func ("/map-cluster/states", test_states);
  ADD ("/map-cluster/grouping", test_grouping);
  ADD ("/map-cluster/only-in-range", test_only_in_range);
  ADD ("/map-cluster/tallies", test_tallies);
  ADD ("/map-cluster/markers-handed-on", test_markers_handed_on);
  ADD ("/map-cluster/move", test_move);
  ADD ("/map-cluster/bounds", test_bounds);

  return g_test_run ();
}
