/* lookout-geo-provider.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-geo-location.h"

G_BEGIN_DECLS

#define LOOKOUT_GEO_ERROR (lookout_geo_error_quark ())

typedef enum
{
  LOOKOUT_GEO_ERROR_DISABLED,       /* lookups are switched off */
  LOOKOUT_GEO_ERROR_NOT_PUBLIC,     /* private, loopback, reserved…: never sent */
  LOOKOUT_GEO_ERROR_PROVIDER,       /* the provider's own failure answer */
  LOOKOUT_GEO_ERROR_MALFORMED,      /* an answer that is not what the provider speaks */
  LOOKOUT_GEO_ERROR_RATE_LIMITED,   /* still limited after waiting */
  LOOKOUT_GEO_ERROR_NETWORK,        /* no answer, or an HTTP error status */
} LookoutGeoError;

GQuark lookout_geo_error_quark (void);

typedef enum
{
  LOOKOUT_GEO_PROVIDER_IP_API,      /* http://ip-api.com, plain HTTP */
  LOOKOUT_GEO_PROVIDER_IPINFO,      /* https://ipinfo.io */
  LOOKOUT_GEO_PROVIDER_IPAPI_CO,    /* https://ipapi.co */
} LookoutGeoProviderKind;

#define LOOKOUT_GEO_PROVIDER_N_KINDS (LOOKOUT_GEO_PROVIDER_IPAPI_CO + 1)

#define LOOKOUT_TYPE_GEO_PROVIDER (lookout_geo_provider_get_type ())

G_DECLARE_FINAL_TYPE (LookoutGeoProvider, lookout_geo_provider, LOOKOUT, GEO_PROVIDER, GObject)

/* One geolocation service: how to ask it about an address and how to read
 * its answer. Properties "kind" and "base-url" (construct-only; NULL or ""
 * is the service's own, e.g. "http://ip-api.com"). */
LookoutGeoProvider    *lookout_geo_provider_new              (LookoutGeoProviderKind  kind,
                                                              const char             *base_url);
/* "ip-api", "ipinfo", "ipapi-co" and back; FALSE for an unknown id. */
const char            *lookout_geo_provider_kind_to_string   (LookoutGeoProviderKind  kind);
gboolean               lookout_geo_provider_kind_from_string (const char             *id,
                                                              LookoutGeoProviderKind *kind);
/* "ip-api.com", … for the preferences. */
const char            *lookout_geo_provider_kind_get_label   (LookoutGeoProviderKind  kind);
const char            *lookout_geo_provider_kind_get_default_base_url (LookoutGeoProviderKind kind);

LookoutGeoProviderKind lookout_geo_provider_get_kind         (LookoutGeoProvider     *self);
const char            *lookout_geo_provider_get_id           (LookoutGeoProvider     *self);
const char            *lookout_geo_provider_get_base_url     (LookoutGeoProvider     *self);
/* Whether requests travel over TLS (the base URL is https). */
gboolean               lookout_geo_provider_is_encrypted     (LookoutGeoProvider     *self);
/* The request URL for @address, or for the caller's own address when NULL. */
char                  *lookout_geo_provider_build_uri        (LookoutGeoProvider     *self,
                                                              const char             *address);
/* Reads an answer body. The provider's own refusals ("private range",
 * "Reserved IP Address") are LOOKOUT_GEO_ERROR_PROVIDER with its message;
 * anything unreadable LOOKOUT_GEO_ERROR_MALFORMED. When @address is NULL,
 * the address is taken from the answer. */
LookoutGeoLocation    *lookout_geo_provider_parse            (LookoutGeoProvider     *self,
                                                              const char             *address,
                                                              const char             *body,
                                                              gsize                   length,
                                                              GError                **error);

G_END_DECLS
