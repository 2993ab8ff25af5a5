/* lookout-geo-location.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where an address is, as a provider (or the cache) told. Refcounted,
 * immutable once handed out. Strings may be NULL when the provider did not
 * say. */
typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *address;
  char            *country;
  char            *city;
  double           latitude;
  double           longitude;
  char            *isp;
  char            *source;        /* provider id: "ip-api", "ipinfo", "ipapi-co" */
  gint64           fetched_at_ms; /* wall clock, ms since the epoch */
} LookoutGeoLocation;

#define LOOKOUT_TYPE_GEO_LOCATION (lookout_geo_location_get_type ())
GType               lookout_geo_location_get_type (void) G_GNUC_CONST;
LookoutGeoLocation *lookout_geo_location_new      (const char         *address);
LookoutGeoLocation *lookout_geo_location_ref      (LookoutGeoLocation *location);
void                lookout_geo_location_unref    (LookoutGeoLocation *location);
/* "City, Country", "Country" or NULL. */
char               *lookout_geo_location_dup_place (const LookoutGeoLocation *location);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutGeoLocation, lookout_geo_location_unref)

G_END_DECLS
