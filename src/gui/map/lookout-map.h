/* lookout-map.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#include "lookout-agents.h"
#include "lookout-geo.h"
#include "lookout-map-path.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_MAP (lookout_map_get_type ())

G_DECLARE_FINAL_TYPE (LookoutMap, lookout_map, LOOKOUT, MAP, GtkWidget)

/* Where the targets are: a ShumateSimpleMap (OpenStreetMap tiles, or the
 * raster tiles of $LOOKOUT_TILE_URL / lookout_map_set_tile_url()) with one
 * marker per cluster of targets whose markers would overlap at the current
 * zoom level (targets closer than about 100 m always share one), coloured
 * and marked by the worst state in it (✓ up, ! degraded, ✕ down,
 * ? unknown, ‖ paused), with a count when it holds several. Only what is in
 * view (or near it) has markers. Clicking a marker emits "target-activated"
 * (LookoutTarget *), through a list when a few share it or they share one
 * place; a cluster of many places zooms in on them instead.
 * A marker with a dashed yellow outline is "location doubtful".
 *
 * Properties: "targets" (GListModel of LookoutTarget), "geo" (LookoutGeo, for
 * city, country, ISP and doubt), "tiles-available" (gboolean, read-only). */

GtkWidget       *lookout_map_new                (void);

GListModel      *lookout_map_get_targets        (LookoutMap    *self);
void             lookout_map_set_targets        (LookoutMap    *self,
                                                 GListModel    *targets);
LookoutGeo      *lookout_map_get_geo            (LookoutMap    *self);
void             lookout_map_set_geo            (LookoutMap    *self,
                                                 LookoutGeo    *geo);
/* A raster tile URL template ("https://tile.example/{z}/{x}/{y}.png"; the
 * older "#Z#/#X#/#Y#" works too), or NULL for OpenStreetMap. */
void             lookout_map_set_tile_url       (LookoutMap    *self,
                                                 const char    *url_template);
gboolean         lookout_map_get_tiles_available (LookoutMap   *self);

/* Marks the target's marker as the selected one, without moving the map. */
void             lookout_map_mark_target        (LookoutMap    *self,
                                                 LookoutTarget *target);
/* Centres on the target (when it has a place) and marks its marker. */
void             lookout_map_select_target      (LookoutMap    *self,
                                                 LookoutTarget *target);
/* The next click on the map places @target there by hand (location-source
 * "manual", through the geo's lookout_geo_place_target() when set) and
 * emits "target-placed" (LookoutTarget *) so that the caller can store it.
 * Escape, the Cancel button or NULL stop it. */
void             lookout_map_pick_place         (LookoutMap    *self,
                                                 LookoutTarget *target);
/* Zooms and centres so that every marker is in view. */
void             lookout_map_fit_all            (LookoutMap    *self);
/* Draws the path of a traced round through its geolocated public hops
 * (see LookoutMapPath); NULL takes it away. */
void             lookout_map_set_path           (LookoutMap               *self,
                                                 const LookoutTraceReport *report);
LookoutMapPath  *lookout_map_get_path           (LookoutMap    *self);
/* The remote agents that said where they stand, each a marker of its own
 * kind with its name and its link's state (LookoutMapAgents); NULL takes
 * them away. */
void             lookout_map_set_agents         (LookoutMap    *self,
                                                 LookoutAgents *agents);
ShumateMarker   *lookout_map_get_agent_marker   (LookoutMap    *self,
                                                 const char    *name);

ShumateMap      *lookout_map_get_map            (LookoutMap    *self);
ShumateViewport *lookout_map_get_viewport       (LookoutMap    *self);
/* The markers now on the map, and the one showing @target (or NULL, when
 * it has no place or is out of view); for tests, the benchmark and the
 * screenshot script. The zoom level the markers are clustered for is the
 * whole level under the view's, once the zoom has rested. */
guint            lookout_map_get_n_markers      (LookoutMap    *self);
int              lookout_map_get_cluster_zoom   (LookoutMap    *self);
ShumateMarker   *lookout_map_get_marker         (LookoutMap    *self,
                                                 LookoutTarget *target);
/* The text of the tooltip of @target's marker (name, place, network, last
 * response time, doubt), or NULL when it has none. */
char            *lookout_map_dup_marker_tooltip (LookoutMap    *self,
                                                 LookoutTarget *target);

G_END_DECLS
