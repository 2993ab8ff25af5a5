/* lookout-geo-preferences.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-geo.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_GEO_PREFERENCES (lookout_geo_preferences_get_type ())

G_DECLARE_FINAL_TYPE (LookoutGeoPreferences, lookout_geo_preferences, LOOKOUT, GEO_PREFERENCES, AdwPreferencesPage)

/* The "Locations" page of the preferences: whether server addresses are
 * looked up, by which service (saying what is sent to whom, and whether
 * it travels encrypted), the user's own place, and the map's tile server.
 * Everything is stored in GSettings; @geo (may be NULL) serves the
 * "Look Up My Location" button. */
GtkWidget *lookout_geo_preferences_new  (GSettings  *settings,
                                         LookoutGeo *geo);

/* Keeps @geo following the settings geo-lookups, geo-provider,
 * geo-base-url, geo-cache-days and home-location. */
void       lookout_geo_bind_settings    (LookoutGeo *geo,
                                         GSettings  *settings);

G_END_DECLS
