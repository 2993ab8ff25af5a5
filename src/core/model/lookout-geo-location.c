/* lookout-geo-location.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-geo-location"

#include "config.h"

#include <math.h>

#include "lookout-geo-location.h"

G_DEFINE_BOXED_TYPE (LookoutGeoLocation, lookout_geo_location,
                     lookout_geo_location_ref, lookout_geo_location_unref)

LookoutGeoLocation *
lookout_geo_location_new (const char *address)
{
  LookoutGeoLocation *self = g_new0 (LookoutGeoLocation, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->address = g_strdup (address);
  self->latitude = NAN;
  self->longitude = NAN;

  return self;
}

LookoutGeoLocation *
lookout_geo_location_ref (LookoutGeoLocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
lookout_geo_location_unref (LookoutGeoLocation *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->address);
  g_free (self->country);
  g_free (self->city);
  g_free (self->isp);
  g_free (self->source);
  g_free (self);
}

char *
lookout_geo_location_dup_place (const LookoutGeoLocation *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->city != NULL && self->city[0] != '\0'
      && self->country != NULL && self->country[0] != '\0')
    return g_strdup_printf ("%s, %s", self->city, self->country);
  if (self->country != NULL && self->country[0] != '\0')
    return g_strdup (self->country);
  if (self->city != NULL && self->city[0] != '\0')
    return g_strdup (self->city);

  return NULL;
}
