/* lookout-geo.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-geo-location.h"
#include "lookout-geo-provider.h"
#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* Locations looked up from the cache are at most this old by default. */
#define LOOKOUT_GEO_DEFAULT_CACHE_LIFETIME_S (30 * 24 * 3600)
/* ip-api.com's free service: 45 requests a minute from one address. */
#define LOOKOUT_GEO_MAX_REQUESTS_PER_MINUTE  45
/* Geolocation databases place an address in a city, not a building: a
 * distance within this is never called doubtful. */
#define LOOKOUT_GEO_PLAUSIBILITY_SLACK_KM    100.0
/* The location-source of a target placed by hand. */
#define LOOKOUT_GEO_SOURCE_MANUAL            "manual"

#define LOOKOUT_TYPE_GEO (lookout_geo_get_type ())

G_DECLARE_FINAL_TYPE (LookoutGeo, lookout_geo, LOOKOUT, GEO, GObject)

/*
 * Properties (all with notify):
 *   "store"           LookoutStore, construct-only, may be NULL (memory cache only)
 *   "enabled"         gboolean, FALSE: nothing is ever sent anywhere
 *   "provider"        LookoutGeoProvider
 *   "cache-lifetime"  guint seconds
 *   "backoff-base"    guint ms, the first wait after a failed request (doubled
 *                     for each further failure, up to 15 minutes)
 *   "home-latitude", "home-longitude"  double, NaN when unknown: the user's
 *                     own place, for the plausibility check
 *
 * Signal "would-look-up" (LookoutTarget *, const char *address): lookups
 * are off and a target has a public address it would look up; the desktop
 * app asks the user once (privacy by default).
 * Signal "target-changed" (LookoutTarget *): the location or the doubt of a
 * tracked target changed.
 *
 * $LOOKOUT_GEO_URL, when set, replaces the base URL of every provider.
 */

LookoutGeo         *lookout_geo_new                 (LookoutStore         *store);

gboolean            lookout_geo_get_enabled         (LookoutGeo           *self);
void                lookout_geo_set_enabled         (LookoutGeo           *self,
                                                     gboolean              enabled);
LookoutGeoProvider *lookout_geo_get_provider        (LookoutGeo           *self);
void                lookout_geo_set_provider        (LookoutGeo           *self,
                                                     LookoutGeoProvider   *provider);
guint               lookout_geo_get_cache_lifetime  (LookoutGeo           *self);
void                lookout_geo_set_cache_lifetime  (LookoutGeo           *self,
                                                     guint                 seconds);
double              lookout_geo_get_home_latitude   (LookoutGeo           *self);
double              lookout_geo_get_home_longitude  (LookoutGeo           *self);
void                lookout_geo_set_home            (LookoutGeo           *self,
                                                     double                latitude,
                                                     double                longitude);

/* Locates one address: memory, then the store's cache, then the provider
 * (one request at a time, within its rate limit; concurrent lookups of one
 * address share one request). Addresses that are not public are never sent:
 * LOOKOUT_GEO_ERROR_NOT_PUBLIC. */
void                lookout_geo_locate_async        (LookoutGeo           *self,
                                                     const char           *address,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
LookoutGeoLocation *lookout_geo_locate_finish       (LookoutGeo           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
/* Asks the provider where the caller is (for the home location). */
void                lookout_geo_locate_self_async   (LookoutGeo           *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
LookoutGeoLocation *lookout_geo_locate_self_finish  (LookoutGeo           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* Follows the targets of @targets (a GListModel of LookoutTarget): each
 * one's last address is located, again when it changes; failed lookups are
 * retried later with a growing delay. Targets placed by hand keep their place. */
void                lookout_geo_track               (LookoutGeo           *self,
                                                     GListModel           *targets);
/* A result of @target: its round trip counts for the plausibility check,
 * the best estimate of it the result has (ICMP: the fastest echo; HTTP:
 * the TCP connect; otherwise the latency). */
void                lookout_geo_note_result         (LookoutGeo           *self,
                                                     LookoutTarget        *target,
                                                     const LookoutResult  *result);
/* What is known of a tracked target: its looked-up location (NULL when none)
 * and whether its place is doubtful. */
LookoutGeoLocation *lookout_geo_get_target_location (LookoutGeo           *self,
                                                     LookoutTarget        *target);
gboolean            lookout_geo_get_target_doubtful (LookoutGeo           *self,
                                                     LookoutTarget        *target);
/* The best (lowest) response time seen at its current address, in µs; -1
 * when none. */
gint64              lookout_geo_get_target_best_latency (LookoutGeo       *self,
                                                     LookoutTarget        *target);
/* Places @target by hand (source "manual"); NaN coordinates undo it and the
 * target is looked up again. */
void                lookout_geo_place_target        (LookoutGeo           *self,
                                                     LookoutTarget        *target,
                                                     double                latitude,
                                                     double                longitude);

/* TRUE for an address that may be sent to a provider: a parseable IP
 * address that is not private (RFC 1918), loopback, link-local, CGNAT
 * (100.64/10), unique-local (fc00::/7), documentation, reserved or multicast. */
gboolean            lookout_geo_address_is_public   (const char           *address);
/* Great-circle distance (haversine, mean Earth radius 6371.0088 km). */
double              lookout_geo_distance_km         (double                lat1,
                                                     double                lon1,
                                                     double                lat2,
                                                     double                lon2);
/* Light in fibre covers about 100 km per millisecond of round-trip time: is
 * a server @distance_km away consistent with a best round trip of @rtt_us?
 * TRUE when either is unknown (NaN, negative). */
gboolean            lookout_geo_is_plausible        (double                distance_km,
                                                     gint64                rtt_us);

G_END_DECLS
