/* test-resolver.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "lookout-resolver.h"

#include "dns-test-server.h"

static TestDnsServer *dnsmasq;
static TestDnsServer *responder;

typedef struct
{
  GList  *addresses;
  GError *error;
  gboolean done;
} Lookup;

static void
lookup_clear (Lookup *lookup)
{
  g_resolver_free_addresses (lookup->addresses);
  lookup->addresses = NULL;
  g_clear_error (&lookup->error);
  lookup->done = FALSE;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Lookup, lookup_clear)

#define REQUIRE_DNSMASQ() \
  G_STMT_START { \
    if (dnsmasq == NULL) \
      { \
        g_test_skip ("dnsmasq is not installed (apt-get install dnsmasq-base)"); \
        return; \
      } \
  } G_STMT_END

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (object), result,
                                                                   &lookup->error);
  lookup->done = TRUE;
}

static void
lookup_start (GResolver                *resolver,
              const char               *name,
              GResolverNameLookupFlags  flags,
              GCancellable             *cancellable,
              Lookup                   *lookup)
{
  g_resolver_lookup_by_name_with_flags_async (resolver, name, flags, cancellable, looked_up_cb, lookup);
}

static void
lookup_wait (Lookup *lookup)
{
  LOOKOUT_TEST_WAIT (lookup->done);
}

static void
lookup_sync (GResolver  *resolver,
             const char *name,
             Lookup     *lookup)
{
  lookup_start (resolver, name, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, NULL, lookup);
  lookup_wait (lookup);
}

static char *
addresses_to_string (GList *addresses)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);

      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, text);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static LookoutResolver *
new_resolver (TestDnsServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  LookoutResolver *resolver;

  if (server == NULL)
    return NULL;
  csv = test_dns_server_csv (server);
  resolver = lookout_resolver_new (csv, &error);

  g_assert_no_error (error);
  return resolver;
}

static void
test_resolver_lookup (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (dnsmasq);
  g_auto(Lookup) lookup = { 0 };
  g_autofree char *text = NULL;
  LookoutResolverStats stats;

  REQUIRE_DNSMASQ ();

  lookup_sync (G_RESOLVER (resolver), "www.example.test", &lookup);
  g_assert_no_error (lookup.error);
  text = addresses_to_string (lookup.addresses);
  g_assert_true (g_str_equal (text, "2001:db8::1 192.0.2.1") || g_str_equal (text, "192.0.2.1 2001:db8::1"));

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 1);
  g_assert_cmpuint (stats.misses, ==, 1);
  g_assert_cmpuint (stats.hits, ==, 0);

  /* Again, within the TTL, and per family: from the cache. */
  lookup_clear (&lookup);
  lookup_start (G_RESOLVER (resolver), "WWW.example.test", G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, NULL, &lookup);
  lookup_wait (&lookup);
  g_assert_no_error (lookup.error);
  g_clear_pointer (&text, g_free);
  text = addresses_to_string (lookup.addresses);
  g_assert_cmpstr (text, ==, "192.0.2.1");

  lookup_clear (&lookup);
  lookup_start (G_RESOLVER (resolver), "www.example.test", G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY, NULL, &lookup);
  lookup_wait (&lookup);
  g_clear_pointer (&text, g_free);
  text = addresses_to_string (lookup.addresses);
  g_assert_cmpstr (text, ==, "2001:db8::1");

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 1);
  g_assert_cmpuint (stats.hits, ==, 2);

  /* An IPv4-only name asked for IPv6 only: not found, still no new query. */
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "v4.example.test", &lookup);
  g_assert_no_error (lookup.error);
  lookup_clear (&lookup);
  lookup_start (G_RESOLVER (resolver), "v4.example.test", G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY, NULL, &lookup);
  lookup_wait (&lookup);
  g_assert_error (lookup.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 2);
}

static gint64
stepped_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
test_resolver_ttl_expiry (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  g_auto(Lookup) lookup = { 0 };
  LookoutResolverStats stats;
  gint64 clock_us = G_USEC_PER_SEC;

  /* Time is stepped by hand: no sleep, and no load can make it drift. */
  lookout_resolver_set_clock (resolver, stepped_clock, &clock_us);

  /* TTL 1 is clamped up to the 5 s minimum; TTL 7 is kept as it is. */
  lookup_sync (G_RESOLVER (resolver), "ttl1.example.test", &lookup);
  g_assert_no_error (lookup.error);
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl6.example.test", &lookup);
  g_assert_no_error (lookup.error);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 2);

  /* 1.2 s later the TTL-1 answer has not expired (clamped to 5 s). */
  clock_us += 1200000;
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl1.example.test", &lookup);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 2);
  g_assert_cmpuint (stats.hits, ==, 1);

  /* At 5.1 s the clamped answer has expired and is asked again; the TTL-6
   * one still holds. */
  clock_us += 3900000;
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl1.example.test", &lookup);
  g_assert_no_error (lookup.error);
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl6.example.test", &lookup);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 3);
  g_assert_cmpuint (stats.hits, ==, 2);

  /* The TTL-6 answer holds until 6 s to the microsecond, and at 6.1 s it
   * is asked again. */
  clock_us += 900000 - 1;
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl6.example.test", &lookup);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 3);
  clock_us += 100000 + 1;
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "ttl6.example.test", &lookup);
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 4);
}

static void
test_resolver_coalesce (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  Lookup lookups[4] = { { 0 } };
  GResolverNameLookupFlags flags[4] = {
    G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
    G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY,
  };
  LookoutResolverStats stats;

  /* The responder answers this one after 100 ms: all four are in flight. */
  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    lookup_start (G_RESOLVER (resolver), "slow-100.example.test", flags[i], NULL, &lookups[i]);
  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    lookup_wait (&lookups[i]);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = addresses_to_string (lookups[i].addresses);

      g_assert_no_error (lookups[i].error);
      g_assert_cmpstr (text, ==, "192.0.2.7");
    }
  g_assert_error (lookups[3].error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 1);
  g_assert_cmpuint (stats.coalesced, ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    lookup_clear (&lookups[i]);
}

static void
test_resolver_literal (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  g_auto(Lookup) lookup = { 0 };
  g_autofree char *text = NULL;
  LookoutResolverStats stats;

  lookup_sync (G_RESOLVER (resolver), "192.0.2.55", &lookup);
  g_assert_no_error (lookup.error);
  text = addresses_to_string (lookup.addresses);
  g_assert_cmpstr (text, ==, "192.0.2.55");

  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "2001:db8::55", &lookup);
  g_assert_no_error (lookup.error);

  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "localhost", &lookup);
  g_assert_no_error (lookup.error);
  g_clear_pointer (&text, g_free);
  text = addresses_to_string (lookup.addresses);
  g_assert_true (strstr (text, "127.0.0.1") != NULL);

  lookup_clear (&lookup);
  lookup_start (G_RESOLVER (resolver), "db.localhost", G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, NULL, &lookup);
  lookup_wait (&lookup);
  g_clear_pointer (&text, g_free);
  text = addresses_to_string (lookup.addresses);
  g_assert_cmpstr (text, ==, "127.0.0.1");

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 0);
}

static void
test_resolver_negative (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (dnsmasq);
  g_auto(Lookup) lookup = { 0 };
  LookoutResolverStats stats;

  REQUIRE_DNSMASQ ();

  lookup_sync (G_RESOLVER (resolver), "missing.example.test", &lookup);
  g_assert_error (lookup.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "missing.example.test", &lookup);
  g_assert_error (lookup.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 1);
  g_assert_cmpuint (stats.hits, ==, 1);
}

static void
test_resolver_failure_not_cached (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  g_auto(Lookup) lookup = { 0 };
  LookoutResolverStats stats;

  lookup_sync (G_RESOLVER (resolver), "servfail.example.test", &lookup);
  g_assert_error (lookup.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
  lookup_clear (&lookup);
  lookup_sync (G_RESOLVER (resolver), "servfail.example.test", &lookup);
  g_assert_error (lookup.error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 2);
  g_assert_cmpuint (stats.hits, ==, 0);
}

static void
test_resolver_cancel (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(Lookup) lookup = { 0 };
  gint64 start;

  lookup_start (G_RESOLVER (resolver), "silent.example.test", G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                cancellable, &lookup);
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  start = g_get_monotonic_time ();
  lookup_wait (&lookup);
  g_assert_error (lookup.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000000);
}

static void
test_resolver_lru (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (dnsmasq);
  g_auto(Lookup) lookup = { 0 };
  LookoutResolverStats stats;
  const char *names[] = { "a1.example.test", "a2.example.test", "a3.example.test", "a2.example.test", "a1.example.test" };

  REQUIRE_DNSMASQ ();

  lookout_resolver_set_cache_size (resolver, 2);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      lookup_clear (&lookup);
      lookup_sync (G_RESOLVER (resolver), names[i], &lookup);
      g_assert_no_error (lookup.error);
    }

  /* a3 pushed a1 out; a2 was still there. */
  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 4);
  g_assert_cmpuint (stats.hits, ==, 1);
}

static void
test_resolver_no_cache (void)
{
  g_autoptr(LookoutResolver) resolver = new_resolver (responder);
  Lookup lookups[3] = { { 0 } };
  LookoutResolverStats stats;

  /* With no room in the cache the answer still reaches every waiter, and
   * every later lookup asks again. */
  lookout_resolver_set_cache_size (resolver, 0);
  for (guint i = 0; i < 2; i++)
    lookup_start (G_RESOLVER (resolver), "slow-50.example.test", G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                  NULL, &lookups[i]);
  for (guint i = 0; i < 2; i++)
    lookup_wait (&lookups[i]);
  lookup_sync (G_RESOLVER (resolver), "slow-50.example.test", &lookups[2]);

  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    {
      g_autofree char *text = addresses_to_string (lookups[i].addresses);

      g_assert_no_error (lookups[i].error);
      g_assert_cmpstr (text, ==, "192.0.2.7");
      lookup_clear (&lookups[i]);
    }

  lookout_resolver_get_stats (resolver, &stats);
  g_assert_cmpuint (stats.queries, ==, 2);
  g_assert_cmpuint (stats.hits, ==, 0);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GSocketConnection **connection = user_data;
  g_autoptr(GError) error = NULL;

  *connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  g_assert_no_error (error);
}

static void
test_resolver_default (void)
{
  g_autofree char *csv = test_dns_server_csv (dnsmasq);
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) peer = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_auto(Lookup) lookup = { 0 };
  LookoutResolverStats stats;

  REQUIRE_DNSMASQ ();

  g_setenv ("LOOKOUT_DNS_SERVERS", csv, TRUE);
  g_assert_true (lookout_resolver_install_default () == lookout_resolver_install_default ());
  resolver = g_resolver_get_default ();
  g_assert_true (LOOKOUT_IS_RESOLVER (resolver));

  g_resolver_lookup_by_name_async (resolver, "www.example.test", NULL, looked_up_cb, &lookup);
  lookup_wait (&lookup);
  g_assert_no_error (lookup.error);
  g_assert_cmpuint (g_list_length (lookup.addresses), ==, 2);

  /* A TCP connection to a name only our resolver's server knows. */
  g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  host = g_strdup_printf ("loop.example.test:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_client_connect_to_host_async (client, host, 0, NULL, connected_cb, &connection);
  LOOKOUT_TEST_WAIT (connection != NULL);

  peer = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  g_assert_true (g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer)), loopback));

  lookout_resolver_get_stats (LOOKOUT_RESOLVER (resolver), &stats);
  g_assert_cmpuint (stats.queries, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/resolver/lookup", test_resolver_lookup);
  g_test_add_func ("/resolver/ttl-expiry", test_resolver_ttl_expiry);
  g_test_add_func ("/resolver/coalesce", test_resolver_coalesce);
  g_test_add_func ("/resolver/literal", test_resolver_literal);
  g_test_add_func ("/resolver/negative", test_resolver_negative);
  g_test_add_func ("/resolver/failure-not-cached", test_resolver_failure_not_cached);
  g_test_add_func ("/resolver/cancel", test_resolver_cancel);
  g_test_add_func ("/resolver/lru", test_resolver_lru);
  g_test_add_func ("/resolver/no-cache", test_resolver_no_cache);
  g_test_add_func ("/resolver/default", test_resolver_default);

  dnsmasq = test_dnsmasq_start (300);
  responder = test_responder_start ();

  ret = g_test_run ();

  g_clear_pointer (&dnsmasq, test_dns_server_free);
  g_clear_pointer (&responder, test_dns_server_free);
  return ret;
}
