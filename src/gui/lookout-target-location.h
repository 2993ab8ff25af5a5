/* lookout-target-location.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-geo.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TARGET_LOCATION (lookout_target_location_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTargetLocation, lookout_target_location, LOOKOUT, TARGET_LOCATION, AdwPreferencesGroup)

/* The "Location" group of a target's page: where the target is and where
 * that comes from, a warning when the place is doubtful, coordinates to
 * type, "Pick on Map" and "Use Looked-Up Location".
 *
 * Properties "target" and "geo" (in the application, its geo once mapped).
 * Signals: "pick-requested", then the action "win.place-on-map" (the
 * window shows the map and lets the user click the place), and "placed"
 * after the user placed the target here or undid it, then the action
 * "win.store-place" (the window stores it). */
GtkWidget     *lookout_target_location_new        (LookoutGeo            *geo);
LookoutTarget *lookout_target_location_get_target (LookoutTargetLocation *self);
void           lookout_target_location_set_target (LookoutTargetLocation *self,
                                                   LookoutTarget         *target);
LookoutGeo    *lookout_target_location_get_geo    (LookoutTargetLocation *self);
void           lookout_target_location_set_geo    (LookoutTargetLocation *self,
                                                   LookoutGeo            *geo);

G_END_DECLS
