/* test-geo.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* LookoutGeo against an in-process SoupServer on loopback that speaks each
 * provider's JSON ($LOOKOUT_GEO_URL points every provider at it), and the
 * geo_cache of a real store in a temporary directory. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <libsoup/soup.h>

#include "lookout-geo.h"
#include "lookout-store-geo.h"
#include "lookout-test.h"

#define GEO_WAIT_MS 20000

typedef struct
{
  guint        status;
  const char  *body;
  const char  *headers[4];   /* "Name: value" */
} Answer;

typedef struct
{
  SoupServer *server;
  char       *base_url;
  GPtrArray  *paths;         /* what reached the server, in order */
  GArray     *times_us;      /* and when (monotonic) */
  GQueue      answers;       /* Answer*, one per request; the last one repeats */
} Server;

static Server *server;

static void
server_handler_cb (SoupServer        *soup_server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const Answer *answer;
  gint64 now = g_get_monotonic_time ();

  g_ptr_array_add (server->paths,
                   g_uri_get_query (uri)
                     ? g_strdup_printf ("%s?%s", path, g_uri_get_query (uri))
                     : g_strdup (path));
  g_array_append_val (server->times_us, now);

  g_assert_false (g_queue_is_empty (&server->answers));
  if (g_queue_get_length (&server->answers) > 1)
    answer = g_queue_pop_head (&server->answers);
  else
    answer = g_queue_peek_head (&server->answers);

  for (guint i = 0; i < G_N_ELEMENTS (answer->headers) && answer->headers[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (answer->headers[i], ": ", 2);

      soup_message_headers_append (soup_server_message_get_response_headers (msg), kv[0], kv[1]);
    }

  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    answer->body, strlen (answer->body));
}

static void
server_answer (const Answer *answer)
{
  g_queue_push_tail (&server->answers, (gpointer) answer);
}

static void
setup (gconstpointer data)
{
  server = g_new0 (Server, 1);
  server->server = lookout_test_http_server_new (server_handler_cb, NULL, &server->base_url);
  server->paths = g_ptr_array_new_with_free_func (g_free);
  server->times_us = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_setenv ("LOOKOUT_GEO_URL", server->base_url, TRUE);
}

static void
teardown (void)
{
  soup_server_disconnect (server->server);
  g_object_unref (server->server);
  g_ptr_array_unref (server->paths);
  g_array_unref (server->times_us);
  g_queue_clear (&server->answers);
  g_free (server->base_url);
  g_clear_pointer (&server, g_free);
  g_unsetenv ("LOOKOUT_GEO_URL");
}

static LookoutGeo *
geo_new (LookoutStore           *store,
         LookoutGeoProviderKind  kind)
{
  LookoutGeo *geo = lookout_geo_new (store);
  g_autoptr(LookoutGeoProvider) provider = lookout_geo_provider_new (kind, NULL);

  lookout_geo_set_provider (geo, provider);
  g_assert_cmpstr (lookout_geo_provider_get_base_url (lookout_geo_get_provider (geo)), ==,
                   server->base_url);

  return geo;
}

typedef struct
{
  LookoutGeoLocation *location;
  GError             *error;
  gboolean            done;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->location, lookout_geo_location_unref);
  g_clear_error (&o->error);
  o->done = FALSE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static void
located_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Outcome *o = user_data;

  o->location = lookout_geo_locate_finish (LOOKOUT_GEO (object), result, &o->error);
  o->done = TRUE;
}

static void
locate (LookoutGeo *geo,
        const char *address,
        Outcome    *o)
{
  outcome_clear (o);
  lookout_geo_locate_async (geo, address, NULL, located_cb, o);
  LOOKOUT_TEST_WAIT_UNTIL (o->done, GEO_WAIT_MS);
}

/* ---- pure functions ---- */

static void
test_address_privacy (void)
{
  static const char *never[] = {
    "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",   /* RFC 1918 */
    "127.0.0.1", "127.8.9.10", "::1",                            /* loopback */
    "169.254.10.20", "fe80::1",                                  /* link-local */
    "100.64.0.1", "100.127.255.254",                             /* CGNAT */
    "fc00::1", "fd12:3456::1",                                   /* unique-local */
    "192.0.2.1", "198.51.100.7", "203.0.113.9", "2001:db8::1",   /* documentation */
    "0.0.0.0", "::", "240.0.0.1", "255.255.255.255", "198.18.0.1",
    "224.0.0.1", "239.255.255.250", "ff02::1",                   /* multicast */
    "::ffff:192.168.0.1", "::ffff:127.0.0.1",                    /* mapped */
    "example.org", "", "not an address", "[10.0.0.1]",
  };
  static const char *public[] = {
    "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1",
    "2a00:1450:4001:80b::200e", "[2606:4700::1111]", "::ffff:8.8.4.4",
  };

  for (guint i = 0; i < G_N_ELEMENTS (never); i++)
    {
      if (lookout_geo_address_is_public (never[i]))
        g_error ("%s should never be sent", never[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (public); i++)
    {
      if (!lookout_geo_address_is_public (public[i]))
        g_error ("%s is public", public[i]);
    }
  g_assert_false (lookout_geo_address_is_public (NULL));
}

static void
test_distance (void)
{
  /* Berlin to Paris: 878 km; London to New York: 5570 km. */
  g_assert_cmpfloat_with_epsilon (lookout_geo_distance_km (52.5200, 13.4050, 48.8566, 2.3522), 877.5, 2.0);
  g_assert_cmpfloat_with_epsilon (lookout_geo_distance_km (51.5074, -0.1278, 40.7128, -74.0060), 5570.2, 3.0);
  g_assert_cmpfloat_with_epsilon (lookout_geo_distance_km (10, 20, 10, 20), 0.0, 1e-9);
  /* Antipodes: half the circumference. */
  g_assert_cmpfloat_with_epsilon (lookout_geo_distance_km (0, 0, 0, 180), G_PI * 6371.0088, 0.01);
}

static void
test_plausibility (void)
{
  double berlin_paris = lookout_geo_distance_km (52.5200, 13.4050, 48.8566, 2.3522);
  double berlin_sydney = lookout_geo_distance_km (52.5200, 13.4050, -33.8688, 151.2093);

  /* A real case: Berlin to a server in Paris, best round trip 14 ms. */
  g_assert_true (lookout_geo_is_plausible (berlin_paris, 14000));
  /* Synthetic: "Sydney" answering Berlin in 3 ms (an anycast address). */
  g_assert_false (lookout_geo_is_plausible (berlin_sydney, 3000));
  /* Paris in 2 ms is 200 km of reach: too far. */
  g_assert_false (lookout_geo_is_plausible (berlin_paris, 2000));
  /* Same city, sub-millisecond: inside the database's slack. */
  g_assert_true (lookout_geo_is_plausible (30.0, 300));
  /* Unknown inputs are not doubtful. */
  g_assert_true (lookout_geo_is_plausible (NAN, 1000));
  g_assert_true (lookout_geo_is_plausible (5000, -1));
}

/* ---- providers ---- */

static const Answer ip_api_ok = {
  200, "{\"status\":\"success\",\"country\":\"Germany\",\"city\":\"Berlin\","
       "\"lat\":52.52,\"lon\":13.405,\"isp\":\"Example Carrier\",\"org\":\"Example Org\","
       "\"query\":\"8.8.8.8\"}",
  { "X-Rl: 44", "X-Ttl: 60" },
};
static const Answer ip_api_fail = {
  200, "{\"status\":\"fail\",\"message\":\"private range\",\"query\":\"8.8.8.8\"}",
  { "X-Rl: 43", "X-Ttl: 59" },
};
static const Answer malformed = { 200, "{\"status\":\"success\",\"lat\":", { NULL } };
static const Answer not_an_object = { 200, "[1, 2, 3]", { NULL } };
static const Answer ipinfo_ok = {
  200, "{\"ip\":\"1.1.1.1\",\"city\":\"Sydney\",\"region\":\"New South Wales\","
       "\"country\":\"AU\",\"loc\":\"-33.8688,151.2093\",\"org\":\"AS13335 Example\"}",
  { NULL },
};
static const Answer ipinfo_error = {
  404, "{\"status\":404,\"error\":{\"title\":\"Wrong ip\",\"message\":\"Please provide a valid IP address\"}}",
  { NULL },
};
static const Answer ipinfo_bad_loc = {
  200, "{\"ip\":\"1.1.1.1\",\"loc\":\"north,east\"}", { NULL },
};
static const Answer ipapi_co_ok = {
  200, "{\"ip\":\"9.9.9.9\",\"city\":\"Zurich\",\"country_name\":\"Switzerland\","
       "\"country\":\"CH\",\"latitude\":47.3769,\"longitude\":8.5417,\"org\":\"Example AG\"}",
  { NULL },
};
static const Answer ipapi_co_error = {
  200, "{\"ip\":\"9.9.9.9\",\"error\":true,\"reason\":\"Reserved IP Address\",\"reserved\":true}",
  { NULL },
};
static const Answer server_error = { 503, "{}", { NULL } };

static void
test_ip_api (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_ok);
  locate (geo, "8.8.8.8", &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.location->address, ==, "8.8.8.8");
  g_assert_cmpstr (o.location->country, ==, "Germany");
  g_assert_cmpstr (o.location->city, ==, "Berlin");
  g_assert_cmpfloat (o.location->latitude, ==, 52.52);
  g_assert_cmpfloat (o.location->longitude, ==, 13.405);
  g_assert_cmpstr (o.location->isp, ==, "Example Carrier");
  g_assert_cmpstr (o.location->source, ==, "ip-api");
  g_assert_cmpint (o.location->fetched_at_ms, >, 0);
  g_assert_cmpuint (server->paths->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (server->paths, 0), ==,
                   "/json/8.8.8.8?fields=status,message,country,city,lat,lon,isp,org,query");
  g_assert_false (lookout_geo_provider_is_encrypted (lookout_geo_get_provider (geo)));
}

static void
test_ip_api_fail (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_fail);
  locate (geo, "8.8.8.8", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER);
  g_assert_nonnull (strstr (o.error->message, "private range"));
  g_assert_null (o.location);
}

static void
test_malformed (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  g_object_set (geo, "backoff-base", 10, NULL);

  server_answer (&malformed);
  server_answer (&not_an_object);
  locate (geo, "8.8.8.8", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED);
  locate (geo, "8.8.4.4", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED);
  g_assert_cmpuint (server->paths->len, ==, 2);
}

static void
test_ipinfo (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IPINFO);
  g_auto(Outcome) o = { 0 };

  g_object_set (geo, "backoff-base", 10, NULL);

  server_answer (&ipinfo_ok);
  server_answer (&ipinfo_error);
  server_answer (&ipinfo_bad_loc);

  locate (geo, "1.1.1.1", &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.location->country, ==, "AU");
  g_assert_cmpstr (o.location->city, ==, "Sydney");
  g_assert_cmpfloat (o.location->latitude, ==, -33.8688);
  g_assert_cmpfloat (o.location->longitude, ==, 151.2093);
  g_assert_cmpstr (o.location->isp, ==, "AS13335 Example");
  g_assert_cmpstr (o.location->source, ==, "ipinfo");
  g_assert_cmpstr (g_ptr_array_index (server->paths, 0), ==, "/1.1.1.1/json");

  locate (geo, "2a00:1450::1", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER);
  g_assert_nonnull (strstr (o.error->message, "valid IP address"));
  g_assert_cmpstr (g_ptr_array_index (server->paths, 1), ==, "/2a00:1450::1/json");

  locate (geo, "1.0.0.1", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_MALFORMED);

  /* The real service is HTTPS. */
  {
    g_autoptr(LookoutGeoProvider) real = NULL;

    g_unsetenv ("LOOKOUT_GEO_URL");
    real = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IPINFO, NULL);
    g_assert_true (lookout_geo_provider_is_encrypted (real));
    g_assert_cmpstr (lookout_geo_provider_get_base_url (real), ==, "https://ipinfo.io");
  }
}

static void
test_ipapi_co (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IPAPI_CO);
  g_auto(Outcome) o = { 0 };

  server_answer (&ipapi_co_ok);
  server_answer (&ipapi_co_error);

  locate (geo, "9.9.9.9", &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.location->country, ==, "Switzerland");
  g_assert_cmpstr (o.location->city, ==, "Zurich");
  g_assert_cmpfloat (o.location->latitude, ==, 47.3769);
  g_assert_cmpfloat (o.location->longitude, ==, 8.5417);
  g_assert_cmpstr (o.location->isp, ==, "Example AG");
  g_assert_cmpstr (o.location->source, ==, "ipapi-co");
  g_assert_cmpstr (g_ptr_array_index (server->paths, 0), ==, "/9.9.9.9/json/");

  locate (geo, "9.9.9.10", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_PROVIDER);
  g_assert_nonnull (strstr (o.error->message, "Reserved IP Address"));
}

static void
test_provider_ids (void)
{
  for (guint i = 0; i < LOOKOUT_GEO_PROVIDER_N_KINDS; i++)
    {
      LookoutGeoProviderKind kind;

      g_assert_true (lookout_geo_provider_kind_from_string (lookout_geo_provider_kind_to_string (i), &kind));
      g_assert_cmpuint (kind, ==, i);
      g_assert_nonnull (lookout_geo_provider_kind_get_label (i));
    }
  g_assert_cmpstr (lookout_geo_provider_kind_get_default_base_url (LOOKOUT_GEO_PROVIDER_IP_API), ==,
                   "http://ip-api.com");
}

/* ---- cache, coalescing, privacy ---- */

static void
test_memory_cache (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_ok);
  locate (geo, "8.8.8.8", &o);
  g_assert_no_error (o.error);
  locate (geo, "8.8.8.8", &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.location->city, ==, "Berlin");
  g_assert_cmpuint (server->paths->len, ==, 1);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_store_save_geo_finish (LOOKOUT_STORE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_store_cache (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();
  g_autoptr(GError) error = NULL;
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_ok);

  /* First run: one request, and the answer goes to the file. */
  {
    LookoutStore *store = lookout_test_store_open (tmp);
    g_autoptr(LookoutGeo) geo = NULL;

    geo = geo_new (store, LOOKOUT_GEO_PROVIDER_IP_API);
    locate (geo, "8.8.8.8", &o);
    g_assert_no_error (o.error);
    g_assert_cmpuint (server->paths->len, ==, 1);
    g_assert_true (lookout_store_flush_sync (store, &error));
    lookout_test_store_close (tmp);
  }

  /* After a restart: answered from the file, with lookups even switched off. */
  {
    LookoutStore *store = lookout_test_store_open (tmp);
    g_autoptr(LookoutGeo) geo = NULL;
    g_autoptr(LookoutGeoLocation) old = NULL;
    gboolean saved = FALSE;

    geo = geo_new (store, LOOKOUT_GEO_PROVIDER_IP_API);
    lookout_geo_set_enabled (geo, FALSE);
    locate (geo, "8.8.8.8", &o);
    g_assert_no_error (o.error);
    g_assert_cmpstr (o.location->city, ==, "Berlin");
    g_assert_cmpstr (o.location->country, ==, "Germany");
    g_assert_cmpstr (o.location->isp, ==, "Example Carrier");
    g_assert_cmpstr (o.location->source, ==, "ip-api");
    g_assert_cmpfloat (o.location->latitude, ==, 52.52);
    g_assert_cmpuint (server->paths->len, ==, 1);

    /* An address not cached is not looked up while switched off. */
    locate (geo, "8.8.4.4", &o);
    g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED);
    g_assert_cmpuint (server->paths->len, ==, 1);

    /* A row older than the lifetime is looked up again. */
    old = lookout_geo_location_new ("1.1.1.1");
    old->latitude = 1;
    old->longitude = 2;
    old->source = g_strdup ("ip-api");
    old->fetched_at_ms = g_get_real_time () / 1000 - 31LL * 24 * 3600 * 1000;
    lookout_store_save_geo_async (store, old, NULL, saved_cb, &saved);
    LOOKOUT_TEST_WAIT_UNTIL (saved, GEO_WAIT_MS);

    lookout_geo_set_enabled (geo, TRUE);
    locate (geo, "1.1.1.1", &o);
    g_assert_no_error (o.error);
    g_assert_cmpstr (o.location->city, ==, "Berlin");
    g_assert_cmpuint (server->paths->len, ==, 2);
    g_assert_cmpstr (g_ptr_array_index (server->paths, 1), ==,
                     "/json/1.1.1.1?fields=status,message,country,city,lat,lon,isp,org,query");
    lookout_test_store_close (tmp);
  }
}

static void
test_coalesce (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  Outcome o[5] = { 0 };

  server_answer (&ip_api_ok);
  for (guint i = 0; i < G_N_ELEMENTS (o); i++)
    lookout_geo_locate_async (geo, i % 2 ? "8.8.8.8" : "[8.8.8.8]", NULL, located_cb, &o[i]);

  for (guint i = 0; i < G_N_ELEMENTS (o); i++)
    {
      LOOKOUT_TEST_WAIT_UNTIL (o[i].done, GEO_WAIT_MS);
      g_assert_no_error (o[i].error);
      g_assert_cmpstr (o[i].location->city, ==, "Berlin");
      outcome_clear (&o[i]);
    }

  g_assert_cmpuint (server->paths->len, ==, 1);
}

static void
test_private_never_sent (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  static const char *addresses[] = {
    "10.0.0.1", "192.168.178.1", "172.20.1.1", "127.0.0.1", "::1",
    "169.254.1.1", "fe80::1", "100.64.1.1", "fd00::53", "192.0.2.10", "224.0.0.251",
  };
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_ok);
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      locate (geo, addresses[i], &o);
      g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NOT_PUBLIC);
    }

  /* Switched off: nothing at all. */
  lookout_geo_set_enabled (geo, FALSE);
  locate (geo, "8.8.8.8", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_DISABLED);

  g_assert_cmpuint (server->paths->len, ==, 0);
}

/* ---- rate limits and back-off ---- */

static const Answer ip_api_last = {
  200, "{\"status\":\"success\",\"country\":\"Germany\",\"city\":\"Berlin\","
       "\"lat\":52.52,\"lon\":13.405,\"isp\":\"Example Carrier\",\"query\":\"8.8.8.8\"}",
  { "X-Rl: 0", "X-Ttl: 2" },
};
static const Answer too_many = {
  429, "{\"status\":\"fail\",\"message\":\"too many requests\"}",
  { "X-Rl: 0", "X-Ttl: 1" },
};

static gint64
gap_ms (guint i)
{
  return (g_array_index (server->times_us, gint64, i)
          - g_array_index (server->times_us, gint64, i - 1)) / 1000;
}

static void
test_rate_limit (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  server_answer (&ip_api_last);
  server_answer (&ip_api_ok);

  locate (geo, "8.8.8.8", &o);
  g_assert_no_error (o.error);
  locate (geo, "8.8.4.4", &o);
  g_assert_no_error (o.error);

  g_assert_cmpuint (server->paths->len, ==, 2);
  g_test_message ("waited %" G_GINT64_FORMAT " ms after X-Rl: 0, X-Ttl: 2", gap_ms (1));
  g_assert_cmpint (gap_ms (1), >=, 2000);
}

static void
test_too_many_requests (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  server_answer (&too_many);
  server_answer (&ip_api_ok);

  /* The 429 is not the caller's failure: the request waits and goes again. */
  locate (geo, "8.8.8.8", &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.location->city, ==, "Berlin");
  g_assert_cmpuint (server->paths->len, ==, 2);
  g_assert_cmpint (gap_ms (1), >=, 1000);
}

static void
test_backoff (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_auto(Outcome) o = { 0 };

  g_object_set (geo, "backoff-base", 150, NULL);
  server_answer (&server_error);
  server_answer (&server_error);
  server_answer (&server_error);
  server_answer (&ip_api_ok);

  locate (geo, "8.8.8.8", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK);
  g_assert_nonnull (strstr (o.error->message, "503"));
  locate (geo, "8.8.4.4", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK);
  locate (geo, "1.1.1.1", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK);
  locate (geo, "1.0.0.1", &o);
  g_assert_no_error (o.error);

  /* 150, 300, 600 ms: each failure doubles the wait. */
  g_assert_cmpuint (server->paths->len, ==, 4);
  g_assert_cmpint (gap_ms (1), >=, 150);
  g_assert_cmpint (gap_ms (2), >=, 300);
  g_assert_cmpint (gap_ms (3), >=, 600);

  /* A success resets it. */
  server_answer (&ip_api_ok);
  locate (geo, "9.9.9.9", &o);
  g_assert_no_error (o.error);
  g_assert_cmpint (gap_ms (4), <, 150);
}

static void
test_unreachable_service (void)
{
  g_autoptr(LookoutGeo) geo = NULL;
  g_autoptr(LookoutGeoProvider) provider = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autofree char *url = NULL;
  g_auto(Outcome) o = { 0 };

  /* A port bound but not listening: connection refused. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_unsetenv ("LOOKOUT_GEO_URL");

  geo = lookout_geo_new (NULL);
  provider = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IPAPI_CO, url);
  lookout_geo_set_provider (geo, provider);
  locate (geo, "8.8.8.8", &o);
  g_assert_error (o.error, LOOKOUT_GEO_ERROR, LOOKOUT_GEO_ERROR_NETWORK);
}

/* ---- tracking targets ---- */

static void
target_changed_cb (LookoutGeo    *geo,
                   LookoutTarget *target,
                   gpointer       user_data)
{
  *(guint *) user_data += 1;
}

static void
test_track (void)
{
  g_autoptr(LookoutGeo) geo = geo_new (NULL, LOOKOUT_GEO_PROVIDER_IP_API);
  g_autoptr(GListStore) targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(LookoutTarget) a = lookout_target_new_from_string ("icmp://dns.example", NULL);
  g_autoptr(LookoutTarget) lan = lookout_target_new_from_string ("icmp://192.168.1.10", NULL);
  LookoutGeoLocation *location;
  guint changes = 0;
  gint64 now_ms = g_get_real_time () / 1000;

  server_answer (&ip_api_ok);
  g_signal_connect (geo, "target-changed", G_CALLBACK (target_changed_cb), &changes);

  g_list_store_append (targets, a);
  g_list_store_append (targets, lan);
  lookout_geo_track (geo, G_LIST_MODEL (targets));

  /* Home in Berlin; the target answers in 1.5 ms. */
  lookout_geo_set_home (geo, 52.5, 13.4);
  lookout_target_set_live_state (a, LOOKOUT_TARGET_STATE_UP, 1500, now_ms, NULL, "8.8.8.8");
  lookout_target_set_live_state (lan, LOOKOUT_TARGET_STATE_UP, 300, now_ms, NULL, "192.168.1.10");

  LOOKOUT_TEST_WAIT (changes > 0);

  location = lookout_geo_get_target_location (geo, a);
  g_assert_nonnull (location);
  g_assert_cmpstr (location->city, ==, "Berlin");
  g_assert_cmpfloat (lookout_target_get_latitude (a), ==, 52.52);
  g_assert_cmpfloat (lookout_target_get_longitude (a), ==, 13.405);
  g_assert_cmpstr (lookout_target_get_location_source (a), ==, "ip-api");
  g_assert_false (lookout_geo_get_target_doubtful (geo, a));
  g_assert_cmpint (lookout_geo_get_target_best_latency (geo, a), ==, 1500);

  /* The private host was never sent: it stays unplaced until placed by hand. */
  g_assert_null (lookout_geo_get_target_location (geo, lan));
  g_assert_true (isnan (lookout_target_get_latitude (lan)));
  g_assert_cmpuint (server->paths->len, ==, 1);
  lookout_geo_place_target (geo, lan, 52.4, 13.3);
  g_assert_cmpstr (lookout_target_get_location_source (lan), ==, "manual");
  g_assert_cmpfloat (lookout_target_get_latitude (lan), ==, 52.4);
  g_assert_false (lookout_geo_get_target_doubtful (geo, lan));

  /* Home moved to Sydney: Berlin in 1.5 ms is impossible. */
  changes = 0;
  lookout_geo_set_home (geo, -33.87, 151.21);
  g_assert_true (lookout_geo_get_target_doubtful (geo, a));
  g_assert_cmpuint (changes, ==, 1);
  /* A place set by hand is the user's word, not doubted. */
  g_assert_false (lookout_geo_get_target_doubtful (geo, lan));

  /* Placed by hand, the target keeps that place and is no longer doubted. */
  lookout_geo_place_target (geo, a, -33.9, 151.2);
  g_assert_false (lookout_geo_get_target_doubtful (geo, a));
  g_assert_cmpfloat (lookout_target_get_latitude (a), ==, -33.9);
  /* Undone: back to the looked-up place, doubtful again. */
  lookout_geo_place_target (geo, a, NAN, NAN);
  g_assert_cmpfloat (lookout_target_get_latitude (a), ==, 52.52);
  g_assert_cmpstr (lookout_target_get_location_source (a), ==, "ip-api");
  g_assert_true (lookout_geo_get_target_doubtful (geo, a));

  /* A result's TCP connect is a closer round trip than the whole HTTP
   * exchange; one from another address says nothing. */
  {
    g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);

    result->ok = TRUE;
    result->latency_us = 40000;
    result->connect_us = 900;
    result->address = g_strdup ("8.8.4.4");
    lookout_geo_note_result (geo, a, result);
    g_assert_cmpint (lookout_geo_get_target_best_latency (geo, a), ==, 1500);

    g_free (result->address);
    result->address = g_strdup ("8.8.8.8");
    lookout_geo_note_result (geo, a, result);
    g_assert_cmpint (lookout_geo_get_target_best_latency (geo, a), ==, 900);

    result->ok = FALSE;
    result->connect_us = 100;
    lookout_geo_note_result (geo, a, result);
    g_assert_cmpint (lookout_geo_get_target_best_latency (geo, a), ==, 900);
  }

  /* A new address is located again. */
  changes = 0;
  server_answer (&ipinfo_ok);
  lookout_target_set_live_state (a, LOOKOUT_TARGET_STATE_UP, 2000, now_ms, NULL, "8.8.4.4");
  LOOKOUT_TEST_WAIT (changes > 0);
  g_assert_cmpuint (server->paths->len, ==, 2);

  /* Removed from the model: forgotten. */
  g_list_store_remove (targets, 0);
  g_assert_null (lookout_geo_get_target_location (geo, a));
}

static void
setup_test (const char    *path,
            void         (*func) (void))
{
  g_test_add_vtable (path, 0, NULL,
                     (GTestFixtureFunc) setup,
                     (GTestFixtureFunc) (void (*) (void)) func,
                     (GTestFixtureFunc) teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/geo/address-privacy", test_address_privacy);
  g_test_add_func ("/geo/distance", test_distance);
  g_test_add_func ("/geo/plausibility", test_plausibility);
  g_test_add_func ("/geo/provider-ids", test_provider_ids);
  setup_test ("/geo/ip-api/success", test_ip_api);
  setup_test ("/geo/ip-api/fail", test_ip_api_fail);
  setup_test ("/geo/ip-api/malformed", test_malformed);
  setup_test ("/geo/ipinfo", test_ipinfo);
  setup_test ("/geo/ipapi-co", test_ipapi_co);
  setup_test ("/geo/cache/memory", test_memory_cache);
  setup_test ("/geo/cache/store", test_store_cache);
  setup_test ("/geo/coalesce", test_coalesce);
  setup_test ("/geo/private-never-sent", test_private_never_sent);
  setup_test ("/geo/rate-limit", test_rate_limit);
  setup_test ("/geo/too-many-requests", test_too_many_requests);
  setup_test ("/geo/backoff", test_backoff);
  setup_test ("/geo/unreachable", test_unreachable_service);
  setup_test ("/geo/track", test_track);

  return g_test_run ();
}
