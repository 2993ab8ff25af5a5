/* fuzz-geo-provider.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever a geolocation service answers, each provider's reader must not
 * crash; a failure must carry a readable message in LOOKOUT_GEO_ERROR as
 * PROVIDER or MALFORMED; a location must have coordinates on the globe and
 * valid UTF-8 strings. The first byte picks the provider. */

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "lookout-geo-provider.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
valid_text (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static LookoutGeoProvider *providers[LOOKOUT_GEO_PROVIDER_N_KINDS];
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) error = NULL;
  LookoutGeoProvider *provider;

  if (size < 1)
    return 0;

  if (providers[0] == NULL)
    for (guint i = 0; i < LOOKOUT_GEO_PROVIDER_N_KINDS; i++)
      providers[i] = lookout_geo_provider_new (i, "http://127.0.0.1:1");

  provider = providers[data[0] % LOOKOUT_GEO_PROVIDER_N_KINDS];
  location = lookout_geo_provider_parse (provider, data[0] & 0x80 ? NULL : "192.0.2.1",
                                         (const char *) data + 1, size - 1, &error);
  if (location == NULL)
    {
      if (error == NULL || error->domain != LOOKOUT_GEO_ERROR
          || (error->code != LOOKOUT_GEO_ERROR_PROVIDER && error->code != LOOKOUT_GEO_ERROR_MALFORMED)
          || error->message == NULL || error->message[0] == '\0'
          || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }

  if (error != NULL
      || isnan (location->latitude) || location->latitude < -90 || location->latitude > 90
      || isnan (location->longitude) || location->longitude < -180 || location->longitude > 180
      || !valid_text (location->address) || !valid_text (location->country)
      || !valid_text (location->city) || !valid_text (location->isp)
      || g_strcmp0 (location->source, lookout_geo_provider_get_id (provider)) != 0)
    abort ();

  return 0;
}
