/* lookout-map-path.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "lookout-geo.h"
#include "lookout-trace-report.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_MAP_PATH (lookout_map_path_get_type ())

G_DECLARE_FINAL_TYPE (LookoutMapPath, lookout_map_path, LOOKOUT, MAP_PATH, GObject)

/* A traced path on the map: a line from home (when it is known) through
 * the hops whose public address geolocation placed, in hop order. Private,
 * loopback and link-local hops are never sent to the geolocation service
 * (lookout_geo_address_is_public()); they and hops not placed are left out
 * of the line. */
LookoutMapPath   *lookout_map_path_new         (ShumateViewport          *viewport);
ShumatePathLayer *lookout_map_path_get_layer   (LookoutMapPath           *self);
void              lookout_map_path_set_geo     (LookoutMapPath           *self,
                                                LookoutGeo               *geo);
/* The path of @report; NULL clears the line. */
void              lookout_map_path_set_report  (LookoutMapPath           *self,
                                                const LookoutTraceReport *report);
/* Hops placed on the line so far (home not counted). */
guint             lookout_map_path_get_n_hops  (LookoutMapPath           *self);
/* How many hops were asked of geolocation for the current path. */
guint             lookout_map_path_get_n_asked (LookoutMapPath           *self);

G_END_DECLS
