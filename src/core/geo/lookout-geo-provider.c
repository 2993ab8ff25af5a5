/* lookout-geo-provider.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every provider is a row of the table below: its default base URL, the
 * path of a request, and a reader of its JSON. LookoutGeo speaks to all of
 * them the same way; rate limits are read from the HTTP headers there. */

#define G_LOG_DOMAIN "lookout-geo-provider"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-geo-provider.h"

struct _LookoutGeoProvider
{
  GObject                 parent_instance;

  LookoutGeoProviderKind  kind;
  char                   *base_url;
};

G_DEFINE_FINAL_TYPE (LookoutGeoProvider, lookout_geo_provider, G_TYPE_OBJECT)
G_DEFINE_QUARK (lookout-geo-error-quark, lookout_geo_error)

enum {
  PROP_0,
  PROP_KIND,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef gboolean (*ParseFunc) (JsonObject          *object,
                               LookoutGeoLocation  *location,
                               GError             **error);

static gboolean parse_ip_api   (JsonObject *object, LookoutGeoLocation *location, GError **error);
static gboolean parse_ipinfo   (JsonObject *object, LookoutGeoLocation *location, GError **error);
static gboolean parse_ipapi_co (JsonObject *object, LookoutGeoLocation *location, GError **error);

static const struct
{
  const char *id;
  const char *label;
  const char *base_url;
  const char *before;     /* the request path is before + address + after */
  const char *after;
  const char *self_path;  /* the caller's own address */
  ParseFunc   parse;
} providers[LOOKOUT_GEO_PROVIDER_N_KINDS] = {
  [LOOKOUT_GEO_PROVIDER_IP_API] = {
    "ip-api", "ip-api.com", "http://ip-api.com",
    "/json/", "?fields=status,message,country,city,lat,lon,isp,org,query",
    "/json/?fields=status,message,country,city,lat,lon,isp,org,query",
    parse_ip_api,
  },
  [LOOKOUT_GEO_PROVIDER_IPINFO] = {
    "ipinfo", "ipinfo.io", "https://ipinfo.io",
    "/", "/json", "/json",
    parse_ipinfo,
  },
  [LOOKOUT_GEO_PROVIDER_IPAPI_CO] = {
    "ipapi-co", "ipapi.co", "https://ipapi.co",
    "/", "/json/", "/json/",
    parse_ipapi_co,
  },
};

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  value = json_node_get_string (node);
  if (value == NULL || value[0] == '\0')
    return NULL;

  /* json-glib lets malformed \u escapes through as invalid UTF-8. */
  if (!g_utf8_validate (value, -1, NULL))
    return g_utf8_make_valid (value, -1);

  return g_strdup (value);
}

static gboolean
get_member_double (JsonObject *object,
                   const char *name,
                   double     *value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean
check_coordinates (LookoutGeoLocation  *location,
                   GError             **error)
{
  if (isnan (location->latitude) || isnan (location->longitude)
      || location->latitude < -90 || location->latitude > 90
      || location->longitude < -180 || location->longitude > 180)
    {
      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED,
                   _("The answer has no valid coordinates"));
      return FALSE;
    }

  return TRUE;
}

/* {"status":"success","country":"Germany","city":"Berlin","lat":52.5,
 *  "lon":13.4,"isp":"…","org":"…","query":"192.0.2.1"} or
 * {"status":"fail","message":"private range","query":"10.0.0.1"} */
static gboolean
parse_ip_api (JsonObject          *object,
              LookoutGeoLocation  *location,
              GError             **error)
{
  g_autofree char *status = dup_member_string (object, "status");

  if (g_strcmp0 (status, "success") != 0)
    {
      g_autofree char *message = dup_member_string (object, "message");

      if (status == NULL)
        g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED,
                     _("The answer has no status"));
      else
        g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER,
                     _("ip-api.com could not locate the address: %s"),
                     message ? message : status);
      return FALSE;
    }

  location->country = dup_member_string (object, "country");
  location->city = dup_member_string (object, "city");
  location->isp = dup_member_string (object, "isp");
  if (location->isp == NULL)
    location->isp = dup_member_string (object, "org");
  if (location->address == NULL)
    location->address = dup_member_string (object, "query");
  get_member_double (object, "lat", &location->latitude);
  get_member_double (object, "lon", &location->longitude);

  return check_coordinates (location, error);
}

/* {"ip":"192.0.2.1","city":"Berlin","region":"…","country":"DE",
 *  "loc":"52.5200,13.4050","org":"AS64500 Example"} or
 * {"error":{"title":"Wrong ip","message":"Please provide a valid IP address"}}
 * or {"ip":"10.0.0.1","bogon":true} */
static gboolean
parse_ipinfo (JsonObject          *object,
              LookoutGeoLocation  *location,
              GError             **error)
{
  g_autofree char *loc = NULL;
  char *end;

  if (json_object_has_member (object, "error"))
    {
      JsonNode *node = json_object_get_member (object, "error");
      g_autofree char *message = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          message = dup_member_string (json_node_get_object (node), "message");
          if (message == NULL)
            message = dup_member_string (json_node_get_object (node), "title");
        }
      else
        message = dup_member_string (object, "error");

      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER,
                   _("ipinfo.io could not locate the address: %s"),
                   message ? message : _("unknown error"));
      return FALSE;
    }

  if (json_object_has_member (object, "bogon")
      && json_object_get_boolean_member_with_default (object, "bogon", FALSE))
    {
      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER,
                   _("ipinfo.io could not locate the address: %s"),
                   _("not a public address"));
      return FALSE;
    }

  loc = dup_member_string (object, "loc");
  if (loc == NULL)
    {
      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED,
                   _("The answer has no location"));
      return FALSE;
    }

  location->latitude = g_ascii_strtod (loc, &end);
  if (end == loc || *end != ',')
    location->latitude = NAN;
  else
    {
      const char *lon = end + 1;

      location->longitude = g_ascii_strtod (lon, &end);
      if (end == lon || *end != '\0')
        location->longitude = NAN;
    }

  location->country = dup_member_string (object, "country");
  location->city = dup_member_string (object, "city");
  location->isp = dup_member_string (object, "org");
  if (location->address == NULL)
    location->address = dup_member_string (object, "ip");

  return check_coordinates (location, error);
}

/* {"ip":"192.0.2.1","city":"Berlin","country_name":"Germany",
 *  "latitude":52.52,"longitude":13.40,"org":"Example"} or
 * {"ip":"10.0.0.1","error":true,"reason":"Reserved IP Address","reserved":true} */
static gboolean
parse_ipapi_co (JsonObject          *object,
                LookoutGeoLocation  *location,
                GError             **error)
{
  if (json_object_has_member (object, "error"))
    {
      g_autofree char *reason = dup_member_string (object, "reason");

      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER,
                   _("ipapi.co could not locate the address: %s"),
                   reason ? reason : _("unknown error"));
      return FALSE;
    }

  location->country = dup_member_string (object, "country_name");
  if (location->country == NULL)
    location->country = dup_member_string (object, "country");
  location->city = dup_member_string (object, "city");
  location->isp = dup_member_string (object, "org");
  if (location->address == NULL)
    location->address = dup_member_string (object, "ip");
  get_member_double (object, "latitude", &location->latitude);
  get_member_double (object, "longitude", &location->longitude);

  return check_coordinates (location, error);
}

static void
lookout_geo_provider_finalize (GObject *object)
{
  LookoutGeoProvider *self = (LookoutGeoProvider *) object;

  g_clear_pointer (&self->base_url, g_free);

  G_OBJECT_CLASS (lookout_geo_provider_parent_class)->finalize (object);
}

static void
lookout_geo_provider_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LookoutGeoProvider *self = LOOKOUT_GEO_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_uint (value, self->kind);
      break;

    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_provider_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LookoutGeoProvider *self = LOOKOUT_GEO_PROVIDER (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_uint (value);
      break;

    case PROP_BASE_URL:
      {
        const char *url = g_value_get_string (value);
        gsize len;

        g_free (self->base_url);
        self->base_url = NULL;
        if (url == NULL || url[0] == '\0')
          break;

        /* The paths bring their own leading slash. */
        len = strlen (url);
        while (len > 0 && url[len - 1] == '/')
          len--;
        self->base_url = g_strndup (url, len);
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_provider_constructed (GObject *object)
{
  LookoutGeoProvider *self = (LookoutGeoProvider *) object;

  G_OBJECT_CLASS (lookout_geo_provider_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = g_strdup (providers[self->kind].base_url);
}

static void
lookout_geo_provider_class_init (LookoutGeoProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_geo_provider_constructed;
  object_class->finalize = lookout_geo_provider_finalize;
  object_class->get_property = lookout_geo_provider_get_property;
  object_class->set_property = lookout_geo_provider_set_property;

  properties[PROP_KIND] =
    g_param_spec_uint ("kind", NULL, NULL,
                       0, LOOKOUT_GEO_PROVIDER_N_KINDS - 1, LOOKOUT_GEO_PROVIDER_IP_API,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_geo_provider_init (LookoutGeoProvider *self)
{
}

LookoutGeoProvider *
lookout_geo_provider_new (LookoutGeoProviderKind  kind,
                          const char             *base_url)
{
  g_return_val_if_fail (kind < LOOKOUT_GEO_PROVIDER_N_KINDS, NULL);

  return g_object_new (LOOKOUT_TYPE_GEO_PROVIDER,
                       "kind", kind,
                       "base-url", base_url,
                       NULL);
}

const char *
lookout_geo_provider_kind_to_string (LookoutGeoProviderKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_GEO_PROVIDER_N_KINDS, NULL);

  return providers[kind].id;
}

gboolean
lookout_geo_provider_kind_from_string (const char             *id,
                                       LookoutGeoProviderKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      if (g_strcmp0 (id, providers[i].id) == 0)
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
lookout_geo_provider_kind_get_label (LookoutGeoProviderKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_GEO_PROVIDER_N_KINDS, NULL);

  return providers[kind].label;
}

const char *
lookout_geo_provider_kind_get_default_base_url (LookoutGeoProviderKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_GEO_PROVIDER_N_KINDS, NULL);

  return providers[kind].base_url;
}

LookoutGeoProviderKind
lookout_geo_provider_get_kind (LookoutGeoProvider *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), 0);

  return self->kind;
}

const char *
lookout_geo_provider_get_id (LookoutGeoProvider *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), NULL);

  return providers[self->kind].id;
}

const char *
lookout_geo_provider_get_base_url (LookoutGeoProvider *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), NULL);

  return self->base_url;
}

gboolean
lookout_geo_provider_is_encrypted (LookoutGeoProvider *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), FALSE);

  return g_ascii_strncasecmp (self->base_url, "https:", 6) == 0;
}

char *
lookout_geo_provider_build_uri (LookoutGeoProvider *self,
                                const char         *address)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), NULL);

  if (address == NULL)
    return g_strconcat (self->base_url, providers[self->kind].self_path, NULL);

  /* IPv6 literals go into the path as they are: ':' is allowed there. */
  return g_strconcat (self->base_url, providers[self->kind].before, address,
                      providers[self->kind].after, NULL);
}

LookoutGeoLocation *
lookout_geo_provider_parse (LookoutGeoProvider  *self,
                            const char          *address,
                            const char          *body,
                            gsize                length,
                            GError             **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (LOOKOUT_IS_GEO_PROVIDER (self), NULL);
  g_return_val_if_fail (body != NULL || length == 0, NULL);

  parser = json_parser_new_immutable ();
  if (length == 0 || !json_parser_load_from_data (parser, body, length, &local_error))
    {
      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED,
                   _("The answer from %s is not valid JSON"),
                   providers[self->kind].label);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED,
                   _("The answer from %s is not a JSON object"),
                   providers[self->kind].label);
      return NULL;
    }

  location = lookout_geo_location_new (address);
  if (!providers[self->kind].parse (json_node_get_object (root), location, error))
    return NULL;

  location->source = g_strdup (providers[self->kind].id);
  location->fetched_at_ms = g_get_real_time () / 1000;

  return g_steal_pointer (&location);
}
