/* bench-map.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the map costs with many targets: placing N targets spread over the
 * world (clustered where their markers would overlap), restyling on a
 * state change, reclustering on a change of zoom, and refusing a private
 * address. Needs a display
 * (xvfb-run); tiles come from a closed port, so none are fetched. */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lookout-gui-utils.h"
#include "lookout-map.h"
#include "lookout-test.h"

/* Waits are bounded by the benchmark's own timeout in tests/meson.build. */
#define BENCH_WAIT_MS (300 * 1000)

static gboolean
done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate_until_idle (void)
{
  gboolean done = FALSE;

  g_idle_add_full (G_PRIORITY_LOW, done_cb, &done, NULL);
  LOOKOUT_TEST_WAIT_UNTIL (done, BENCH_WAIT_MS);
}

static void
bench_targets (guint n)
{
  g_autoptr(GListStore) targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *window = gtk_window_new ();
  LookoutMap *map = LOOKOUT_MAP (lookout_map_new ());
  GRand *rand = g_rand_new_with_seed (42);
  gint64 start, placed_us, restyle_us;

  lookout_map_set_tile_url (map, "http://127.0.0.1:9/{z}/{x}/{y}.png");
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (map));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  iterate_until_idle ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uri = g_strdup_printf ("https://host%u.example/", i);
      LookoutTarget *target = lookout_target_new_from_string (uri, NULL);

      /* Places on a 0.5° grid: some share one, as servers in one city do. */
      lookout_target_set_location (target,
                                   round (g_rand_double_range (rand, -60, 70) * 2) / 2,
                                   round (g_rand_double_range (rand, -180, 180) * 2) / 2,
                                   "manual");
      g_ptr_array_add (all, target);
    }

  start = g_get_monotonic_time ();
  g_list_store_splice (targets, 0, 0, all->pdata, all->len);
  lookout_map_set_targets (map, G_LIST_MODEL (targets));
  LOOKOUT_TEST_WAIT_UNTIL (lookout_map_get_n_markers (map) > 0, BENCH_WAIT_MS);
  placed_us = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    lookout_target_set_live_state (all->pdata[i], LOOKOUT_TARGET_STATE_UP, 1000, 0, NULL, NULL);
  restyle_us = g_get_monotonic_time () - start;

  g_print ("figure: map_place_%u_targets = %.1f ms (%u markers)\n", n, placed_us / 1000.0,
           lookout_map_get_n_markers (map));
  g_print ("figure: map_restyle_per_state_change_%u_targets = %.1f us\n", n, (double) restyle_us / n);

  /* Zooming in step by step over Europe, then out to the world: the
   * clusters are made again once each zoom has rested. Timed: the main
   * loop iteration that reclusters, and then layout and drawing until
   * idle; not the pause before it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  shumate_map_stop_go_to (lookout_map_get_map (map));   /* the first fit's */
  iterate_until_idle ();
  {
    static const double zooms[] = { 3, 4, 5, 6, 2 };
    gint64 total_us = 0, worst_us = 0;
    guint markers = 0;

    for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
      {
        gint64 step_us = 0;

        shumate_viewport_set_zoom_level (lookout_map_get_viewport (map), zooms[i]);
        shumate_map_center_on (lookout_map_get_map (map), 48, 10);
        while (lookout_map_get_cluster_zoom (map) != (int) zooms[i])
          {
            start = g_get_monotonic_time ();
            g_main_context_iteration (NULL, TRUE);
            step_us = g_get_monotonic_time () - start;
          }
        start = g_get_monotonic_time ();
        iterate_until_idle ();
        step_us += g_get_monotonic_time () - start;

        total_us += step_us;
        worst_us = MAX (worst_us, step_us);
        markers = MAX (markers, lookout_map_get_n_markers (map));
      }

    g_print ("figure: map_zoom_change_%u_targets = %.1f ms (mean of %u zoom changes, worst %.1f ms, up to %u markers)\n",
             n, total_us / 1000.0 / G_N_ELEMENTS (zooms), (guint) G_N_ELEMENTS (zooms),
             worst_us / 1000.0, markers);
  }

  /* Targets located one by one, as the geolocation does: each moves
   * between clusters alone. */
  {
    const guint moves = 50;

    start = g_get_monotonic_time ();
    for (guint i = 0; i < moves; i++)
      {
        lookout_target_set_location (all->pdata[i], g_rand_double_range (rand, 35, 60),
                                     g_rand_double_range (rand, -10, 30), "manual");
        iterate_until_idle ();
      }
    g_print ("figure: map_move_one_of_%u_targets = %.2f ms\n", n,
             (g_get_monotonic_time () - start) / 1000.0 / moves);
  }
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  g_rand_free (rand);
  iterate_until_idle ();
}

static void
located_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LookoutGeoLocation) location = lookout_geo_locate_finish (LOOKOUT_GEO (object), result, NULL);

  *(guint *) user_data += location != NULL;
}

/* What a lookup of a private address costs (every LAN target's results
 * ask): it is refused before anything is queued or sent. */
static void
bench_private_refusal (void)
{
  g_autoptr(LookoutGeo) geo = lookout_geo_new (NULL);
  const guint n = 100000;
  guint answered = 0;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    lookout_geo_locate_async (geo, "192.168.1.1", NULL, located_cb, &answered);
  iterate_until_idle ();

  g_print ("figure: geo_private_address_refusal = %.2f us\n",
           (double) (g_get_monotonic_time () - start) / n);
}

int
main (int   argc,
      char *argv[])
{
  gtk_init ();
  lookout_load_stylesheet ();

  if (argc > 1)
    {
      bench_targets (atoi (argv[1]));
      return 0;
    }

  bench_targets (1000);
  bench_targets (10000);
  bench_private_refusal ();

  return 0;
}
