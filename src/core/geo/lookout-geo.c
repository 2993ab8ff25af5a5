/* lookout-geo.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a lookup travels: lookout_geo_locate_async() refuses addresses that
 * are not public (they never leave the machine), answers from the memory
 * cache, and otherwise creates one Request per address (later callers for
 * the same address join it). A Request first asks the store's geo_cache;
 * on a miss it joins the queue. The queue sends one request at a time
 * through the one SoupSession, and only when allowed: not before
 * next_allowed_us (set from ip-api.com's X-Rl/X-Ttl headers, from a 429's
 * Retry-After, or by the exponential back-off after a failure) and never
 * more than 45 in a minute. A 429 puts the request back at the head of the
 * queue (three times at most); any other failure fails the request, and the
 * tracker tries that address again later, each time waiting longer. */

#define G_LOG_DOMAIN "lookout-geo"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "lookout-geo.h"
#include "lookout-probe-kind.h"
#include "lookout-store-geo.h"

#define DEFAULT_BACKOFF_BASE_MS 5000
#define MAX_BACKOFF_MS          (15 * 60 * 1000)
#define MAX_RATE_LIMITED_TRIES  3
#define REQUEST_TIMEOUT_S       15
/* The tracker's retries of one address: a minute, doubling up to 6 hours;
 * a provider that said it cannot locate the address is asked again a day later. */
#define RETRY_BASE_S            60
#define RETRY_MAX_S             (6 * 3600)
#define RETRY_REFUSED_S         (24 * 3600)
/* Not named in libsoup 3.2's SoupStatus. */
#define HTTP_TOO_MANY_REQUESTS  429

typedef struct
{
  char      *address;   /* NULL: the caller's own address */
  GPtrArray *tasks;
  guint      attempts;
} Request;

typedef struct
{
  LookoutGeo         *geo;
  LookoutTarget      *target;
  char               *address;
  LookoutGeoLocation *location;
  GCancellable       *cancellable;
  gint64              min_latency_us;
  guint               retries;
  guint               retry_source;
  gboolean            doubtful;
} Tracked;

struct _LookoutGeo
{
  GObject             parent_instance;

  LookoutStore       *store;
  SoupSession        *session;
  LookoutGeoProvider *provider;
  GCancellable       *cancellable;

  GHashTable         *memory;    /* address → LookoutGeoLocation */
  GHashTable         *pending;   /* address ("" for self) → Request */
  GQueue              queue;     /* Request waiting for the network */
  Request            *in_flight;
  GArray             *sent_us;   /* gint64 monotonic times of the requests of the last minute */
  gint64              next_allowed_us;
  guint               failures;
  guint               queue_source;

  GListModel         *targets;
  GHashTable         *tracked;   /* LookoutTarget → Tracked */

  double              home_lat;
  double              home_lon;
  guint               cache_lifetime_s;
  guint               backoff_base_ms;
  guint               enabled : 1;
};

G_DEFINE_FINAL_TYPE (LookoutGeo, lookout_geo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_ENABLED,
  PROP_PROVIDER,
  PROP_CACHE_LIFETIME,
  PROP_BACKOFF_BASE,
  PROP_HOME_LATITUDE,
  PROP_HOME_LONGITUDE,
  N_PROPS
};

enum {
  TARGET_CHANGED,
  WOULD_LOOK_UP,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void geo_process_queue (LookoutGeo *self);
static void tracked_locate    (Tracked    *tracked);

/* ---- addresses ---- */

static gboolean
in_prefix (const guint8 *bytes,
           const guint8 *prefix,
           guint         bits)
{
  guint whole = bits / 8;
  guint rest = bits % 8;

  if (memcmp (bytes, prefix, whole) != 0)
    return FALSE;
  if (rest == 0)
    return TRUE;

  return ((bytes[whole] ^ prefix[whole]) & (0xff << (8 - rest))) == 0;
}

static gboolean
ipv4_is_public (const guint8 *b)
{
  static const struct { guint8 net[4]; guint bits; } reserved[] = {
    { {   0,   0,   0, 0 },  8 },  /* "this network" */
    { {  10,   0,   0, 0 },  8 },  /* RFC 1918 */
    { { 100,  64,   0, 0 }, 10 },  /* carrier-grade NAT */
    { { 127,   0,   0, 0 },  8 },  /* loopback */
    { { 169, 254,   0, 0 }, 16 },  /* link-local */
    { { 172,  16,   0, 0 }, 12 },  /* RFC 1918 */
    { { 192,   0,   0, 0 }, 24 },  /* IETF protocol assignments */
    { { 192,   0,   2, 0 }, 24 },  /* TEST-NET-1 */
    { { 192,  88,  99, 0 }, 24 },  /* 6to4 relay anycast */
    { { 192, 168,   0, 0 }, 16 },  /* RFC 1918 */
    { { 198,  18,   0, 0 }, 15 },  /* benchmarking */
    { { 198,  51, 100, 0 }, 24 },  /* TEST-NET-2 */
    { { 203,   0, 113, 0 }, 24 },  /* TEST-NET-3 */
    { { 224,   0,   0, 0 },  4 },  /* multicast */
    { { 240,   0,   0, 0 },  4 },  /* reserved, and broadcast */
  };

  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (in_prefix (b, reserved[i].net, reserved[i].bits))
      return FALSE;

  return TRUE;
}

static gboolean
ipv6_is_public (const guint8 *b)
{
  static const guint8 mapped[16] = { [10] = 0xff, [11] = 0xff };
  static const struct { guint8 net[16]; guint bits; } reserved[] = {
    { { 0x20, 0x01, 0x0d, 0xb8 }, 32 },  /* documentation */
    { { 0x20, 0x01 }, 23 },              /* IETF protocol assignments */
    { { 0x3f, 0xff }, 20 },              /* documentation (RFC 9637) */
  };

  /* An IPv4 address written as IPv6 is judged as IPv4. */
  if (in_prefix (b, mapped, 96))
    return ipv4_is_public (b + 12);

  /* Only global unicast (2000::/3) is public; that excludes ::, ::1,
   * fc00::/7, fe80::/10 and ff00::/8. */
  if ((b[0] & 0xe0) != 0x20)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (in_prefix (b, reserved[i].net, reserved[i].bits))
      return FALSE;

  return TRUE;
}

static GInetAddress *
parse_address (const char *address)
{
  g_autofree char *bare = NULL;
  gsize len;

  if (address == NULL)
    return NULL;

  len = strlen (address);
  if (len > 2 && address[0] == '[' && address[len - 1] == ']')
    address = bare = g_strndup (address + 1, len - 2);

  return g_inet_address_new_from_string (address);
}

gboolean
lookout_geo_address_is_public (const char *address)
{
  g_autoptr(GInetAddress) inet = parse_address (address);
  const guint8 *bytes;

  if (inet == NULL)
    return FALSE;

  if (g_inet_address_get_is_any (inet)
      || g_inet_address_get_is_loopback (inet)
      || g_inet_address_get_is_link_local (inet)
      || g_inet_address_get_is_site_local (inet)
      || g_inet_address_get_is_multicast (inet))
    return FALSE;

  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    return ipv4_is_public (bytes);

  return ipv6_is_public (bytes);
}

/* The cache key: the address as GLib writes it ("2001:db8::1", not "2001:DB8:0::1"). */
static char *
normalize_address (const char *address)
{
  g_autoptr(GInetAddress) inet = parse_address (address);

  return inet != NULL ? g_inet_address_to_string (inet) : NULL;
}

double
lookout_geo_distance_km (double lat1,
                         double lon1,
                         double lat2,
                         double lon2)
{
  const double r = 6371.0088;
  double phi1 = lat1 * G_PI / 180.0;
  double phi2 = lat2 * G_PI / 180.0;
  double dphi = (lat2 - lat1) * G_PI / 180.0;
  double dlambda = (lon2 - lon1) * G_PI / 180.0;
  double a;

  a = sin (dphi / 2) * sin (dphi / 2)
      + cos (phi1) * cos (phi2) * sin (dlambda / 2) * sin (dlambda / 2);

  return 2 * r * asin (MIN (1.0, sqrt (a)));
}

gboolean
lookout_geo_is_plausible (double distance_km,
                          gint64 rtt_us)
{
  double reach_km;

  if (isnan (distance_km) || distance_km < 0 || rtt_us < 0)
    return TRUE;

  /* 200,000 km/s one way: 100 km per millisecond of round trip. */
  reach_km = rtt_us / 1000.0 * 100.0;

  return distance_km <= reach_km + LOOKOUT_GEO_PLAUSIBILITY_SLACK_KM;
}

/* ---- requests ---- */

static Request *
request_new (const char *address)
{
  Request *req = g_new0 (Request, 1);

  req->address = g_strdup (address);
  req->tasks = g_ptr_array_new_with_free_func (g_object_unref);

  return req;
}

static void
request_free (Request *req)
{
  g_clear_pointer (&req->tasks, g_ptr_array_unref);
  g_free (req->address);
  g_free (req);
}

static gboolean
location_is_fresh (LookoutGeo               *self,
                   const LookoutGeoLocation *location)
{
  gint64 now_ms = g_get_real_time () / 1000;

  return location->fetched_at_ms + (gint64) self->cache_lifetime_s * 1000 >= now_ms;
}

/* Removes @req from the pending table and answers its callers. */
static void
request_complete (LookoutGeo         *self,
                  Request            *req,
                  LookoutGeoLocation *location,
                  const GError       *error)
{
  g_autoptr(GPtrArray) tasks = g_steal_pointer (&req->tasks);

  g_assert (location != NULL || error != NULL);

  g_hash_table_remove (self->pending, req->address ? req->address : "");

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (location != NULL)
        g_task_return_pointer (task, lookout_geo_location_ref (location),
                               (GDestroyNotify) lookout_geo_location_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

static void
request_fail (LookoutGeo *self,
              Request    *req,
              GQuark      domain,
              int         code,
              const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain, code, message);

  request_complete (self, req, NULL, error);
}

static void
geo_back_off (LookoutGeo *self)
{
  gint64 delay_ms;

  self->failures++;
  delay_ms = (gint64) self->backoff_base_ms << MIN (self->failures - 1, 20);
  delay_ms = MIN (delay_ms, MAX_BACKOFF_MS);

  self->next_allowed_us = MAX (self->next_allowed_us,
                               g_get_monotonic_time () + delay_ms * 1000);
  g_debug ("failure %u, waiting %" G_GINT64_FORMAT " ms", self->failures, delay_ms);
}

static gboolean
parse_seconds (const char *text,
               gint64     *seconds)
{
  g_autofree char *copy = NULL;
  guint64 value;

  if (text == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (text));
  if (!g_ascii_string_to_unsigned (copy, 10, 0, 24 * 3600, &value, NULL))
    return FALSE;

  *seconds = value;
  return TRUE;
}

/* ip-api.com says how many requests are left in the window (X-Rl) and when
 * it ends (X-Ttl). */
static void
read_rate_limit_headers (LookoutGeo         *self,
                         SoupMessageHeaders *headers,
                         gboolean            limited)
{
  gint64 left, ttl;
  gboolean have_ttl;

  have_ttl = parse_seconds (soup_message_headers_get_one (headers, "X-Ttl"), &ttl);
  if (!have_ttl)
    have_ttl = parse_seconds (soup_message_headers_get_one (headers, "Retry-After"), &ttl);

  if (parse_seconds (soup_message_headers_get_one (headers, "X-Rl"), &left) && left == 0)
    limited = TRUE;

  if (limited && have_ttl)
    self->next_allowed_us = MAX (self->next_allowed_us,
                                 g_get_monotonic_time () + ttl * G_USEC_PER_SEC);
}

static void
save_geo_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_store_save_geo_finish (LOOKOUT_STORE (object), result, &error))
    g_warning ("Could not cache a location: %s", error->message);
}

static void
message_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutGeo) self = user_data;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutGeoLocation) location = NULL;
  Request *req = g_steal_pointer (&self->in_flight);
  guint status;

  msg = g_object_ref (soup_session_get_async_result_message (SOUP_SESSION (object), result));
  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      request_complete (self, req, NULL, error);
      return;
    }

  if (body == NULL)
    {
      geo_back_off (self);
      request_fail (self, req, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK, error->message);
      geo_process_queue (self);
      return;
    }

  status = soup_message_get_status (msg);
  read_rate_limit_headers (self, soup_message_get_response_headers (msg),
                           status == HTTP_TOO_MANY_REQUESTS);

  if (status == HTTP_TOO_MANY_REQUESTS)
    {
      /* Without a word on how long to wait, wait as after a failure. */
      if (self->next_allowed_us <= g_get_monotonic_time ())
        geo_back_off (self);

      if (++req->attempts < MAX_RATE_LIMITED_TRIES)
        g_queue_push_head (&self->queue, req);
      else
        request_fail (self, req, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_RATE_LIMITED,
                      _("The geolocation service keeps refusing requests: too many"));
      geo_process_queue (self);
      return;
    }

  location = lookout_geo_provider_parse (self->provider, req->address,
                                         g_bytes_get_data (body, NULL),
                                         g_bytes_get_size (body), &error);

  if (location == NULL && !SOUP_STATUS_IS_SUCCESSFUL (status)
      && !g_error_matches (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER))
    {
      g_clear_error (&error);
      g_set_error (&error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK,
                   _("The geolocation service answered “%u %s”"),
                   status, soup_message_get_reason_phrase (msg));
    }

  if (location != NULL)
    {
      self->failures = 0;
      if (req->address != NULL)
        {
          g_hash_table_replace (self->memory, g_strdup (req->address),
                                lookout_geo_location_ref (location));
          if (self->store != NULL)
            lookout_store_save_geo_async (self->store, location, NULL, save_geo_cb, NULL);
        }
      request_complete (self, req, location, NULL);
    }
  else
    {
      /* The provider's own refusal means it works: no back-off for that. */
      if (g_error_matches (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER))
        self->failures = 0;
      else
        geo_back_off (self);
      request_complete (self, req, NULL, error);
    }

  geo_process_queue (self);
}

static void
geo_send (LookoutGeo *self,
          Request    *req)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = NULL;
  gint64 now = g_get_monotonic_time ();

  uri = lookout_geo_provider_build_uri (self->provider, req->address);
  msg = soup_message_new (SOUP_METHOD_GET, uri);
  if (msg == NULL)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("“%s” is not a valid address for a geolocation service"), uri);
      request_fail (self, req, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK, message);
      geo_process_queue (self);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg),
                                "Accept", "application/json");

  g_debug ("GET %s", uri);
  self->in_flight = req;
  g_array_append_val (self->sent_us, now);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    self->cancellable, message_sent_cb,
                                    g_object_ref (self));
}

static gboolean
queue_timeout_cb (gpointer user_data)
{
  LookoutGeo *self = user_data;

  self->queue_source = 0;
  geo_process_queue (self);

  return G_SOURCE_REMOVE;
}

static void
geo_process_queue (LookoutGeo *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait_until;
  guint expired = 0;

  if (self->in_flight != NULL || self->queue_source != 0 || g_queue_is_empty (&self->queue))
    return;

  while (expired < self->sent_us->len
         && g_array_index (self->sent_us, gint64, expired) + 60 * G_USEC_PER_SEC <= now)
    expired++;
  g_array_remove_range (self->sent_us, 0, expired);

  wait_until = self->next_allowed_us;
  if (self->sent_us->len >= LOOKOUT_GEO_MAX_REQUESTS_PER_MINUTE)
    wait_until = MAX (wait_until,
                      g_array_index (self->sent_us, gint64,
                                     self->sent_us->len - LOOKOUT_GEO_MAX_REQUESTS_PER_MINUTE)
                      + 60 * G_USEC_PER_SEC);

  if (wait_until > now)
    {
      guint ms = (wait_until - now + 999) / 1000;

      self->queue_source = g_timeout_add (ms, queue_timeout_cb, self);
      return;
    }

  geo_send (self, g_queue_pop_head (&self->queue));
}

typedef struct
{
  LookoutGeo *geo;
  char       *address;
} CacheRead;

static void
cache_read_free (CacheRead *read)
{
  g_clear_object (&read->geo);
  g_free (read->address);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CacheRead, cache_read_free)

static void
cache_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CacheRead) read = user_data;
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) error = NULL;
  LookoutGeo *self = read->geo;
  Request *req;

  location = lookout_store_lookup_geo_finish (LOOKOUT_STORE (object), result, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read the location cache: %s", error->message);

  req = g_hash_table_lookup (self->pending, read->address);
  if (req == NULL)
    return;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      request_fail (self, req, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));
      return;
    }

  if (location != NULL && !isnan (location->latitude))
    {
      g_hash_table_replace (self->memory, g_strdup (read->address),
                            lookout_geo_location_ref (location));
      request_complete (self, req, location, NULL);
      return;
    }

  if (!self->enabled)
    {
      request_fail (self, req, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED,
                    _("Geolocation is switched off"));
      return;
    }

  g_queue_push_tail (&self->queue, req);
  geo_process_queue (self);
}

/* ---- tracking ---- */

static void
tracked_free (Tracked *tracked)
{
  g_signal_handlers_disconnect_by_data (tracked->target, tracked);
  g_cancellable_cancel (tracked->cancellable);
  g_clear_object (&tracked->cancellable);
  g_clear_handle_id (&tracked->retry_source, g_source_remove);
  g_clear_pointer (&tracked->location, lookout_geo_location_unref);
  g_clear_object (&tracked->target);
  g_free (tracked->address);
  g_free (tracked);
}

static gboolean
target_is_manual (LookoutTarget *target)
{
  return g_strcmp0 (lookout_target_get_location_source (target), LOOKOUT_GEO_SOURCE_MANUAL) == 0;
}

/* A looked-up place farther from home than the best round trip allows. */
static gboolean
tracked_compute_doubtful (Tracked *tracked)
{
  LookoutGeo *self = tracked->geo;
  double lat = lookout_target_get_latitude (tracked->target);
  double lon = lookout_target_get_longitude (tracked->target);

  if (target_is_manual (tracked->target) || tracked->location == NULL
      || isnan (lat) || isnan (lon) || isnan (self->home_lat) || isnan (self->home_lon)
      || tracked->min_latency_us <= 0)
    return FALSE;

  return !lookout_geo_is_plausible (lookout_geo_distance_km (self->home_lat, self->home_lon, lat, lon),
                                    tracked->min_latency_us);
}

static void
tracked_update_doubtful (Tracked  *tracked,
                         gboolean  changed)
{
  gboolean doubtful = tracked_compute_doubtful (tracked);

  if (doubtful != tracked->doubtful)
    {
      tracked->doubtful = doubtful;
      changed = TRUE;
    }

  if (changed)
    g_signal_emit (tracked->geo, signals[TARGET_CHANGED], 0, tracked->target);
}

static gboolean
tracked_retry_cb (gpointer user_data)
{
  Tracked *tracked = user_data;

  tracked->retry_source = 0;
  tracked_locate (tracked);

  return G_SOURCE_REMOVE;
}

static void
tracked_located_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  LookoutGeo *self = LOOKOUT_GEO (object);
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) error = NULL;
  Tracked *tracked;
  guint delay_s;

  location = lookout_geo_locate_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not cancelled: the Tracked is still there and its address unchanged. */
  tracked = user_data;

  if (location != NULL)
    {
      if (g_strcmp0 (location->address, tracked->address) != 0)
        return;

      tracked->retries = 0;
      g_clear_pointer (&tracked->location, lookout_geo_location_unref);
      tracked->location = g_steal_pointer (&location);
      if (!target_is_manual (tracked->target))
        lookout_target_set_location (tracked->target,
                                     tracked->location->latitude,
                                     tracked->location->longitude,
                                     tracked->location->source);
      tracked_update_doubtful (tracked, TRUE);
      return;
    }

  if (g_error_matches (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NOT_PUBLIC)
      || g_error_matches (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED))
    return;

  if (g_error_matches (error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER))
    delay_s = RETRY_REFUSED_S;
  else
    delay_s = MIN ((guint64) RETRY_BASE_S << MIN (tracked->retries, 16), RETRY_MAX_S);
  tracked->retries++;

  g_debug ("locating %s failed (%s), again in %u s", tracked->address, error->message, delay_s);
  g_clear_handle_id (&tracked->retry_source, g_source_remove);
  tracked->retry_source = g_timeout_add_seconds (delay_s, tracked_retry_cb, tracked);
}

static void
tracked_locate (Tracked *tracked)
{
  LookoutGeo *self = tracked->geo;

  g_clear_handle_id (&tracked->retry_source, g_source_remove);

  if (tracked->address == NULL || target_is_manual (tracked->target)
      || !lookout_geo_address_is_public (tracked->address))
    return;
  if (!self->enabled)
    {
      g_signal_emit (self, signals[WOULD_LOOK_UP], 0, tracked->target, tracked->address);
      return;
    }

  /* The cancellable is the Tracked's: cancelled when it goes, so the
   * callback never sees a freed Tracked. */
  lookout_geo_locate_async (self, tracked->address, tracked->cancellable,
                            tracked_located_cb, tracked);
}

static void
target_address_changed_cb (LookoutTarget *target,
                           GParamSpec    *pspec,
                           Tracked       *tracked)
{
  g_autofree char *address = normalize_address (lookout_target_get_last_address (target));

  if (address == NULL || g_strcmp0 (address, tracked->address) == 0)
    return;

  g_free (tracked->address);
  tracked->address = g_steal_pointer (&address);
  tracked->retries = 0;
  /* A lookup of the old address still under way is of no interest now. */
  g_cancellable_cancel (tracked->cancellable);
  g_set_object (&tracked->cancellable, g_cancellable_new ());
  g_object_unref (tracked->cancellable);
  /* A new address, a new place: the best round trip starts over. */
  tracked->min_latency_us = 0;
  tracked_locate (tracked);
}

static void
tracked_note_round_trip (Tracked *tracked,
                         gint64   rtt_us)
{
  if (rtt_us <= 0)
    return;
  if (tracked->min_latency_us > 0 && rtt_us >= tracked->min_latency_us)
    return;

  tracked->min_latency_us = rtt_us;
  tracked_update_doubtful (tracked, FALSE);
}

/* A response time is at least one round trip, so the smallest one seen is
 * an upper bound of it (results give a closer one, see note_result). */
static void
target_latency_changed_cb (LookoutTarget *target,
                           GParamSpec    *pspec,
                           Tracked       *tracked)
{
  if (lookout_target_get_state (target) == LOOKOUT_TARGET_STATE_DOWN)
    return;

  tracked_note_round_trip (tracked, lookout_target_get_last_latency (target));
}

static void
target_location_changed_cb (LookoutTarget *target,
                            GParamSpec    *pspec,
                            Tracked       *tracked)
{
  tracked_update_doubtful (tracked, FALSE);
}

static void
geo_track_target (LookoutGeo    *self,
                  LookoutTarget *target)
{
  Tracked *tracked;

  if (g_hash_table_contains (self->tracked, target))
    return;

  tracked = g_new0 (Tracked, 1);
  tracked->geo = self;
  tracked->target = g_object_ref (target);
  tracked->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->tracked, target, tracked);

  g_signal_connect (target, "notify::last-address", G_CALLBACK (target_address_changed_cb), tracked);
  g_signal_connect (target, "notify::last-latency", G_CALLBACK (target_latency_changed_cb), tracked);
  g_signal_connect (target, "notify::location-source", G_CALLBACK (target_location_changed_cb), tracked);

  target_latency_changed_cb (target, NULL, tracked);
  target_address_changed_cb (target, NULL, tracked);
}

static void
targets_changed_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    LookoutGeo *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

      g_hash_table_add (present, target);
      geo_track_target (self, target);
    }

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_hash_table_iter_remove (&iter);
}

/* ---- object ---- */

static void
lookout_geo_dispose (GObject *object)
{
  LookoutGeo *self = (LookoutGeo *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->queue_source, g_source_remove);

  if (self->targets != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->targets, targets_changed_cb, self);
      g_clear_object (&self->targets);
    }
  if (self->tracked != NULL)
    g_hash_table_remove_all (self->tracked);

  /* Requests waiting in the queue are answered now; the one in flight is
   * answered by its callback, which holds a reference. */
  while (!g_queue_is_empty (&self->queue))
    request_fail (self, g_queue_pop_head (&self->queue),
                  G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Operation was cancelled"));

  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (lookout_geo_parent_class)->dispose (object);
}

static void
lookout_geo_finalize (GObject *object)
{
  LookoutGeo *self = (LookoutGeo *) object;

  g_clear_pointer (&self->tracked, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_clear_pointer (&self->sent_us, g_array_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->provider);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_geo_parent_class)->finalize (object);
}

static void
lookout_geo_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LookoutGeo *self = LOOKOUT_GEO (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    case PROP_PROVIDER:
      g_value_set_object (value, self->provider);
      break;

    case PROP_CACHE_LIFETIME:
      g_value_set_uint (value, self->cache_lifetime_s);
      break;

    case PROP_BACKOFF_BASE:
      g_value_set_uint (value, self->backoff_base_ms);
      break;

    case PROP_HOME_LATITUDE:
      g_value_set_double (value, self->home_lat);
      break;

    case PROP_HOME_LONGITUDE:
      g_value_set_double (value, self->home_lon);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LookoutGeo *self = LOOKOUT_GEO (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_ENABLED:
      lookout_geo_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_PROVIDER:
      lookout_geo_set_provider (self, g_value_get_object (value));
      break;

    case PROP_CACHE_LIFETIME:
      lookout_geo_set_cache_lifetime (self, g_value_get_uint (value));
      break;

    case PROP_BACKOFF_BASE:
      if (self->backoff_base_ms != g_value_get_uint (value))
        {
          self->backoff_base_ms = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_HOME_LATITUDE:
      lookout_geo_set_home (self, g_value_get_double (value), self->home_lon);
      break;

    case PROP_HOME_LONGITUDE:
      lookout_geo_set_home (self, self->home_lat, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_class_init (LookoutGeoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_geo_dispose;
  object_class->finalize = lookout_geo_finalize;
  object_class->get_property = lookout_geo_get_property;
  object_class->set_property = lookout_geo_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LOOKOUT_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROVIDER] =
    g_param_spec_object ("provider", NULL, NULL,
                         LOOKOUT_TYPE_GEO_PROVIDER,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CACHE_LIFETIME] =
    g_param_spec_uint ("cache-lifetime", NULL, NULL,
                       0, G_MAXUINT, LOOKOUT_GEO_DEFAULT_CACHE_LIFETIME_S,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BACKOFF_BASE] =
    g_param_spec_uint ("backoff-base", NULL, NULL,
                       1, MAX_BACKOFF_MS, DEFAULT_BACKOFF_BASE_MS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* NaN (set in init) when unknown; the range check lets NaN through. */
  properties[PROP_HOME_LATITUDE] =
    g_param_spec_double ("home-latitude", NULL, NULL,
                         -90.0, 90.0, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HOME_LONGITUDE] =
    g_param_spec_double ("home-longitude", NULL, NULL,
                         -180.0, 180.0, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TARGET_CHANGED] =
    g_signal_new ("target-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LOOKOUT_TYPE_TARGET);
  signals[WOULD_LOOK_UP] =
    g_signal_new ("would-look-up",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, LOOKOUT_TYPE_TARGET, G_TYPE_STRING);
}

static void
lookout_geo_init (LookoutGeo *self)
{
  self->enabled = TRUE;
  self->cache_lifetime_s = LOOKOUT_GEO_DEFAULT_CACHE_LIFETIME_S;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->home_lat = NAN;
  self->home_lon = NAN;
  self->cancellable = g_cancellable_new ();
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) lookout_geo_location_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) request_free);
  self->tracked = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) tracked_free);
  self->sent_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "timeout", REQUEST_TIMEOUT_S,
                                "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION " ",
                                "max-conns-per-host", 2,
                                NULL);
  self->provider = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IP_API,
                                             g_getenv ("LOOKOUT_GEO_URL"));
}

LookoutGeo *
lookout_geo_new (LookoutStore *store)
{
  g_return_val_if_fail (!store || LOOKOUT_IS_STORE (store), NULL);

  return g_object_new (LOOKOUT_TYPE_GEO, "store", store, NULL);
}

gboolean
lookout_geo_get_enabled (LookoutGeo *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), FALSE);

  return self->enabled;
}

void
lookout_geo_set_enabled (LookoutGeo *self,
                         gboolean    enabled)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (LOOKOUT_IS_GEO (self));

  enabled = !!enabled;
  if (self->enabled == (guint) enabled)
    return;

  self->enabled = enabled;

  if (!enabled)
    {
      while (!g_queue_is_empty (&self->queue))
        request_fail (self, g_queue_pop_head (&self->queue),
                      LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED,
                      _("Geolocation is switched off"));
    }
  else
    {
      g_hash_table_iter_init (&iter, self->tracked);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (((Tracked *) value)->location == NULL)
          tracked_locate (value);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

LookoutGeoProvider *
lookout_geo_get_provider (LookoutGeo *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NULL);

  return self->provider;
}

/* $LOOKOUT_GEO_URL wins over the provider's base URL. */
void
lookout_geo_set_provider (LookoutGeo         *self,
                          LookoutGeoProvider *provider)
{
  g_autoptr(LookoutGeoProvider) replaced = NULL;
  const char *url = g_getenv ("LOOKOUT_GEO_URL");

  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (!provider || LOOKOUT_IS_GEO_PROVIDER (provider));

  if (provider == NULL)
    provider = replaced = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IP_API, url);
  else if (url != NULL && url[0] != '\0'
           && g_strcmp0 (lookout_geo_provider_get_base_url (provider), url) != 0)
    provider = replaced = lookout_geo_provider_new (lookout_geo_provider_get_kind (provider), url);

  if (!g_set_object (&self->provider, provider))
    return;

  self->failures = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

guint
lookout_geo_get_cache_lifetime (LookoutGeo *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), 0);

  return self->cache_lifetime_s;
}

void
lookout_geo_set_cache_lifetime (LookoutGeo *self,
                                guint       seconds)
{
  g_return_if_fail (LOOKOUT_IS_GEO (self));

  if (self->cache_lifetime_s == seconds)
    return;

  self->cache_lifetime_s = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_LIFETIME]);
}

double
lookout_geo_get_home_latitude (LookoutGeo *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NAN);

  return self->home_lat;
}

double
lookout_geo_get_home_longitude (LookoutGeo *self)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NAN);

  return self->home_lon;
}

static gboolean
same_double (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

void
lookout_geo_set_home (LookoutGeo *self,
                      double      latitude,
                      double      longitude)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (LOOKOUT_IS_GEO (self));

  if (!isnan (latitude) && (latitude < -90 || latitude > 90))
    latitude = NAN;
  if (!isnan (longitude) && (longitude < -180 || longitude > 180))
    longitude = NAN;

  g_object_freeze_notify (G_OBJECT (self));
  if (!same_double (self->home_lat, latitude))
    {
      self->home_lat = latitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOME_LATITUDE]);
    }
  if (!same_double (self->home_lon, longitude))
    {
      self->home_lon = longitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOME_LONGITUDE]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  g_hash_table_iter_init (&iter, self->tracked);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    tracked_update_doubtful (value, FALSE);
}

static void
geo_start_request (LookoutGeo *self,
                   const char *address,
                   GTask      *task)
{
  const char *key = address ? address : "";
  Request *req;

  req = g_hash_table_lookup (self->pending, key);
  if (req != NULL)
    {
      g_ptr_array_add (req->tasks, g_object_ref (task));
      return;
    }

  req = request_new (address);
  g_ptr_array_add (req->tasks, g_object_ref (task));
  g_hash_table_insert (self->pending, req->address ? req->address : (char *) "", req);

  if (address != NULL && self->store != NULL)
    {
      CacheRead *read = g_new0 (CacheRead, 1);
      gint64 not_before_ms = g_get_real_time () / 1000 - (gint64) self->cache_lifetime_s * 1000;

      read->geo = g_object_ref (self);
      read->address = g_strdup (address);
      lookout_store_lookup_geo_async (self->store, address, not_before_ms,
                                      self->cancellable, cache_read_cb, read);
      return;
    }

  g_queue_push_tail (&self->queue, req);
  geo_process_queue (self);
}

void
lookout_geo_locate_async (LookoutGeo          *self,
                          const char          *address,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  LookoutGeoLocation *location;

  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_geo_locate_async);

  if (!lookout_geo_address_is_public (address))
    {
      g_task_return_new_error (task, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NOT_PUBLIC,
                               _("%s is not a public address: it is never sent to a geolocation service"),
                               address);
      return;
    }

  key = normalize_address (address);

  location = g_hash_table_lookup (self->memory, key);
  if (location != NULL && location_is_fresh (self, location))
    {
      g_task_return_pointer (task, lookout_geo_location_ref (location),
                             (GDestroyNotify) lookout_geo_location_unref);
      return;
    }

  /* The store's cache is read even when lookups are off: it costs no request. */
  if (!self->enabled && self->store == NULL)
    {
      g_task_return_new_error (task, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED,
                               _("Geolocation is switched off"));
      return;
    }

  geo_start_request (self, key, task);
}

LookoutGeoLocation *
lookout_geo_locate_finish (LookoutGeo    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lookout_geo_locate_self_async (LookoutGeo          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_geo_locate_self_async);

  if (!self->enabled)
    {
      g_task_return_new_error (task, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED,
                               _("Geolocation is switched off"));
      return;
    }

  geo_start_request (self, NULL, task);
}

LookoutGeoLocation *
lookout_geo_locate_self_finish (LookoutGeo    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lookout_geo_track (LookoutGeo *self,
                   GListModel *targets)
{
  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (!targets || G_IS_LIST_MODEL (targets));

  if (self->targets != NULL)
    g_signal_handlers_disconnect_by_func (self->targets, targets_changed_cb, self);
  g_hash_table_remove_all (self->tracked);
  g_set_object (&self->targets, targets);

  if (targets == NULL)
    return;

  g_signal_connect_object (targets, "items-changed", G_CALLBACK (targets_changed_cb), self, 0);
  targets_changed_cb (targets, 0, 0, g_list_model_get_n_items (targets), self);
}

LookoutGeoLocation *
lookout_geo_get_target_location (LookoutGeo    *self,
                                 LookoutTarget *target)
{
  Tracked *tracked;

  g_return_val_if_fail (LOOKOUT_IS_GEO (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  tracked = g_hash_table_lookup (self->tracked, target);

  return tracked != NULL ? tracked->location : NULL;
}

gboolean
lookout_geo_get_target_doubtful (LookoutGeo    *self,
                                 LookoutTarget *target)
{
  Tracked *tracked;

  g_return_val_if_fail (LOOKOUT_IS_GEO (self), FALSE);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  tracked = g_hash_table_lookup (self->tracked, target);

  return tracked != NULL && tracked->doubtful;
}

gint64
lookout_geo_get_target_best_latency (LookoutGeo    *self,
                                     LookoutTarget *target)
{
  Tracked *tracked;

  g_return_val_if_fail (LOOKOUT_IS_GEO (self), -1);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), -1);

  tracked = g_hash_table_lookup (self->tracked, target);

  return tracked != NULL && tracked->min_latency_us > 0 ? tracked->min_latency_us : -1;
}

void
lookout_geo_note_result (LookoutGeo          *self,
                         LookoutTarget       *target,
                         const LookoutResult *result)
{
  Tracked *tracked;

  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  tracked = g_hash_table_lookup (self->tracked, target);
  if (tracked == NULL || !result->ok)
    return;

  /* Only a round trip to the address being located says anything of it. */
  if (result->address != NULL && tracked->address != NULL)
    {
      g_autofree char *address = normalize_address (result->address);

      if (g_strcmp0 (address, tracked->address) != 0)
        return;
    }

  tracked_note_round_trip (tracked, lookout_probe_kind_get_round_trip_us (result));
}

void
lookout_geo_place_target (LookoutGeo    *self,
                          LookoutTarget *target,
                          double         latitude,
                          double         longitude)
{
  Tracked *tracked;

  g_return_if_fail (LOOKOUT_IS_GEO (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));

  tracked = g_hash_table_lookup (self->tracked, target);

  if (!isnan (latitude) && !isnan (longitude)
      && latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)
    {
      lookout_target_set_location (target, latitude, longitude, LOOKOUT_GEO_SOURCE_MANUAL);
      if (tracked != NULL)
        tracked_update_doubtful (tracked, TRUE);
      return;
    }

  if (tracked != NULL && tracked->location != NULL)
    lookout_target_set_location (target, tracked->location->latitude,
                                 tracked->location->longitude, tracked->location->source);
  else
    lookout_target_set_location (target, NAN, NAN, NULL);

  if (tracked != NULL)
    {
      tracked_update_doubtful (tracked, TRUE);
      if (tracked->location == NULL)
        tracked_locate (tracked);
    }
}
