/* test-dns.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "lookout-dns-client.h"
#include "lookout-dns-probe.h"
#include "lookout-resolver.h"

#include "dns-test-server.h"

static TestDnsServer *dnsmasq;
static TestDnsServer *responder;

#define REQUIRE_DNSMASQ() \
  G_STMT_START { \
    if (dnsmasq == NULL) \
      { \
        g_test_skip ("dnsmasq is not installed (apt-get install dnsmasq-base)"); \
        return; \
      } \
  } G_STMT_END

typedef struct
{
  LookoutResult *result;
  GError        *error;
  gboolean       done;
} Query;

static void
queried_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  Query *query = user_data;

  query->result = lookout_dns_client_query_finish (LOOKOUT_DNS_CLIENT (object), res, &query->error);
  query->done = TRUE;
}

static void
query_wait (Query *query)
{
  LOOKOUT_TEST_WAIT (query->done);
}

/* One query, waited for; the result is returned, never NULL. */
static LookoutResult *
ask (TestDnsServer *server,
     const char    *name,
     const char    *type,
     guint          timeout_ms)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  Query query = { 0 };

  lookout_dns_client_query_async (client, "127.0.0.1", server->port, name, type, timeout_ms,
                                  NULL, queried_cb, &query);
  query_wait (&query);
  g_assert_no_error (query.error);
  g_assert_nonnull (query.result);
  return query.result;
}

static void
assert_up (const LookoutResult *result,
           const char * const  *answers)
{
  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (result->kind, ==, LOOKOUT_TARGET_KIND_DNS);
  g_assert_cmpint (result->rcode, ==, 0);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_NONE);
  g_assert_null (result->error);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (result->latency_us, >, 0);
  g_assert_cmpint (result->latency_us, <, 1000000);
  g_assert_cmpstrv (result->answers, answers);
}

static void
assert_failed (const LookoutResult *result,
               LookoutTargetState   state,
               LookoutProbeError    code)
{
  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, state);
  g_assert_cmpint (result->error_code, ==, code);
}

static void
test_dns_a (void)
{
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *target = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "www.example.test", "A", 2000);
  assert_up (result, (const char *[]) { "192.0.2.1", NULL });
  target = g_strdup_printf ("dns://127.0.0.1:%u/www.example.test?type=A", dnsmasq->port);
  g_assert_cmpstr (result->target, ==, target);
}

static void
test_dns_aaaa (void)
{
  g_autoptr(LookoutResult) result = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "www.example.test", "aaaa", 2000);
  assert_up (result, (const char *[]) { "2001:db8::1", NULL });
}

static void
test_dns_mx (void)
{
  g_autoptr(LookoutResult) result = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "example.test", "MX", 2000);
  assert_up (result, (const char *[]) { "10 mail.example.test.", NULL });
}

static void
test_dns_txt (void)
{
  g_autoptr(LookoutResult) result = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "example.test", "TXT", 2000);
  assert_up (result, (const char *[]) { "\"v=spf1 -all\" \"second string\"", NULL });
}

static void
test_dns_nxdomain (void)
{
  g_autoptr(LookoutResult) result = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "missing.example.test", "A", 2000);
  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RCODE);
  g_assert_cmpint (result->rcode, ==, 3);
  g_assert_cmpstr (result->error, ==, "The server answered NXDOMAIN: the name does not exist");
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (result->latency_us, >, 0);
}

static void
test_dns_nodata (void)
{
  g_autoptr(LookoutResult) result = NULL;

  REQUIRE_DNSMASQ ();

  result = ask (dnsmasq, "v4.example.test", "AAAA", 2000);
  assert_failed (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_RCODE);
  g_assert_cmpint (result->rcode, ==, 0);
  g_assert_cmpuint (g_strv_length (result->answers), ==, 0);
  g_assert_nonnull (strstr (result->error, "no AAAA record"));
}

static void
test_dns_servfail (void)
{
  g_autoptr(LookoutResult) result = ask (responder, "servfail.example.test", "A", 2000);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RCODE);
  g_assert_cmpint (result->rcode, ==, 2);
  g_assert_true (g_str_has_prefix (result->error, "The server answered SERVFAIL: "));
}

static void
test_dns_refused (void)
{
  g_autoptr(LookoutResult) result = ask (responder, "refused.example.test", "A", 2000);

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RCODE);
  g_assert_cmpint (result->rcode, ==, 5);
  g_assert_cmpstr (result->error, ==, "The server answered REFUSED: the server refused to answer");
}

static void
test_dns_timeout (void)
{
  TestDnsServer silent = { 0 };
  g_autoptr(GSocket) socket = test_udp_socket_new (&silent.port);
  g_autoptr(LookoutResult) result = NULL;
  gint64 start;
  gint64 elapsed;

  /* The socket receives and never answers. */
  start = g_get_monotonic_time ();
  result = ask (&silent, "www.example.test", "A", 300);
  elapsed = g_get_monotonic_time () - start;

  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_cmpint (result->rcode, ==, -1);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
  g_assert_cmpint (elapsed, >=, 300000);
  g_assert_cmpint (elapsed, <, 600000);
}

static void
test_dns_port_unreachable (void)
{
  TestDnsServer closed = { 0 };
  g_autoptr(LookoutResult) result = NULL;

  /* Bound, then closed: nothing listens there now. */
  g_object_unref (test_udp_socket_new (&closed.port));

  result = ask (&closed, "www.example.test", "A", 2000);
  assert_failed (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED);
}

static gboolean
tick_cb (gpointer user_data)
{
  *(gint64 *) user_data = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

/* A reply read from a channel's socket never holds the main loop until the
 * next one: c-ares reads until EAGAIN, so its sockets must not block. */
static void
test_dns_reads_do_not_block (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  Query fast = { 0 }, slow = { 0 };
  gint64 start, ticked = 0;

  lookout_dns_client_query_async (client, "127.0.0.1", responder->port, "slow-3000.example.test", "A",
                                  5000, NULL, queried_cb, &slow);
  lookout_dns_client_query_async (client, "127.0.0.1", responder->port, "www.example.test", "A",
                                  5000, NULL, queried_cb, &fast);
  query_wait (&fast);
  start = g_get_monotonic_time ();
  g_timeout_add (10, tick_cb, &ticked);
  LOOKOUT_TEST_WAIT (ticked != 0);
  /* the slow reply is seconds away: the loop ran long before it */
  g_assert_false (slow.done);
  g_assert_cmpint (ticked - start, <, 2000000);
  query_wait (&slow);
  g_clear_pointer (&fast.result, lookout_result_unref);
  g_clear_pointer (&slow.result, lookout_result_unref);
  g_clear_error (&fast.error);
  g_clear_error (&slow.error);
}

static void
test_dns_latency (void)
{
  gint64 best = G_MAXINT64;

  /* The responder waits 30 ms; the rest is loopback and two event loops.
   * A measurement is never below the wait, but the responder itself can wake
   * late on a loaded machine, so the best of a few rounds is judged. */
  for (guint round = 0; round < 5 && best >= 45000; round++)
    {
      g_autoptr(LookoutResult) result = ask (responder, "slow-30.example.test", "A", 2000);

      assert_up (result, (const char *[]) { "192.0.2.7", NULL });
      g_assert_cmpint (result->latency_us, >=, 30000);
      best = MIN (best, result->latency_us);
    }
  g_assert_cmpint (best, <, 45000);
}

static void
test_dns_concurrent (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  const char *names[] = { "a1.example.test", "a2.example.test", "a3.example.test", "www.example.test", "missing.example.test" };
  const char *expected[] = { "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.1", NULL };
  Query queries[G_N_ELEMENTS (names)] = { { 0 } };

  REQUIRE_DNSMASQ ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    lookout_dns_client_query_async (client, "127.0.0.1", dnsmasq->port, names[i], "A", 2000,
                                    NULL, queried_cb, &queries[i]);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      query_wait (&queries[i]);
      g_assert_no_error (queries[i].error);
      if (expected[i] != NULL)
        assert_up (queries[i].result, (const char *[]) { expected[i], NULL });
      else
        g_assert_cmpint (queries[i].result->rcode, ==, 3);
      lookout_result_unref (queries[i].result);
    }
}

static void
test_dns_system (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  g_autofree char *csv = NULL;
  Query query = { 0 };

  REQUIRE_DNSMASQ ();

  csv = test_dns_server_csv (dnsmasq);
  g_setenv ("LOOKOUT_DNS_SERVERS", csv, TRUE);
  lookout_dns_client_query_async (client, NULL, 0, "www.example.test", "A", 2000,
                                  NULL, queried_cb, &query);
  query_wait (&query);
  g_assert_no_error (query.error);
  assert_up (query.result, (const char *[]) { "192.0.2.1", NULL });
  g_assert_cmpstr (query.result->target, ==, "dns:www.example.test?type=A");
  lookout_result_unref (query.result);
}

static void
test_dns_system_failover (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  g_autofree char *servers = NULL;
  guint16 silent_port;
  g_autoptr(GSocket) silent = test_udp_socket_new (&silent_port);
  Query query = { 0 };

  REQUIRE_DNSMASQ ();

  /* The first system server never answers: the second one does, within the
   * one timeout the two share. */
  servers = g_strdup_printf ("127.0.0.1:%u,127.0.0.1:%u", silent_port, dnsmasq->port);
  g_setenv ("LOOKOUT_DNS_SERVERS", servers, TRUE);
  lookout_dns_client_query_async (client, NULL, 0, "www.example.test", "A", 1000,
                                  NULL, queried_cb, &query);
  query_wait (&query);
  g_assert_no_error (query.error);
  assert_up (query.result, (const char *[]) { "192.0.2.1", NULL });
  g_assert_cmpint (query.result->latency_us, >=, 500000);
  lookout_result_unref (query.result);
}

static void
test_dns_server_by_name (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  g_autofree char *csv = NULL;
  Query query = { 0 };

  REQUIRE_DNSMASQ ();

  /* The server's own name is resolved by our resolver, from dnsmasq. */
  csv = test_dns_server_csv (dnsmasq);
  g_setenv ("LOOKOUT_DNS_SERVERS", csv, TRUE);
  g_assert_nonnull (lookout_resolver_install_default ());

  lookout_dns_client_query_async (client, "loop.example.test", dnsmasq->port, "www.example.test", "A", 2000,
                                  NULL, queried_cb, &query);
  query_wait (&query);
  g_assert_no_error (query.error);
  assert_up (query.result, (const char *[]) { "192.0.2.1", NULL });
  lookout_result_unref (query.result);

  /* A server name that does not resolve. */
  query = (Query) { 0 };
  lookout_dns_client_query_async (client, "nosuch.example.test", dnsmasq->port, "www.example.test", "A", 2000,
                                  NULL, queried_cb, &query);
  query_wait (&query);
  g_assert_no_error (query.error);
  g_assert_cmpint (query.result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (query.result->error_code, ==, LOOKOUT_PROBE_ERROR_RESOLVE);
  lookout_result_unref (query.result);
}

static void
test_dns_bad_type (void)
{
  g_autoptr(LookoutResult) result = ask (responder, "www.example.test", "NOSUCHTYPE", 2000);

  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_FAILED);
}

static void
test_dns_cancel (void)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Query query = { 0 };
  gint64 start = g_get_monotonic_time ();

  lookout_dns_client_query_async (client, "127.0.0.1", responder->port, "silent.example.test", "A", 5000,
                                  cancellable, queried_cb, &query);
  g_timeout_add_once (50, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  query_wait (&query);
  g_assert_error (query.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (query.result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000000);
  g_clear_error (&query.error);
}

static void
ran_cb (GObject      *object,
        GAsyncResult *res,
        gpointer      user_data)
{
  Query *run = user_data;

  run->result = lookout_probe_run_finish (LOOKOUT_PROBE (object), res, &run->error);
  run->done = TRUE;
}

static LookoutResult *
run_probe (LookoutProbe  *probe,
           LookoutTarget *target)
{
  Query run = { 0 };

  lookout_probe_run_async (probe, target, NULL, ran_cb, &run);
  query_wait (&run);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  return run.result;
}

static void
test_dns_probe_target (void)
{
  g_autoptr(LookoutDnsProbe) probe = lookout_dns_probe_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(LookoutResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  REQUIRE_DNSMASQ ();

  uri = g_strdup_printf ("DNS://127.0.0.1:%u/example.test?type=mx", dnsmasq->port);
  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_id (target, 42);

  result = run_probe (LOOKOUT_PROBE (probe), target);
  assert_up (result, (const char *[]) { "10 mail.example.test.", NULL });
  g_assert_cmpstr (result->target, ==, lookout_target_get_uri_string (target));
  g_assert_cmpint (result->target_id, ==, 42);

  /* The same probe serves the next check over the same channel. */
  again = run_probe (LOOKOUT_PROBE (probe), target);
  assert_up (again, (const char *[]) { "10 mail.example.test.", NULL });
}

static void
test_dns_probe_system (void)
{
  g_autoptr(LookoutDnsProbe) probe = lookout_dns_probe_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;

  REQUIRE_DNSMASQ ();

  csv = test_dns_server_csv (dnsmasq);
  g_setenv ("LOOKOUT_DNS_SERVERS", csv, TRUE);
  target = lookout_target_new_from_string ("dns:www.example.test?type=AAAA", &error);
  g_assert_no_error (error);

  result = run_probe (LOOKOUT_PROBE (probe), target);
  assert_up (result, (const char *[]) { "2001:db8::1", NULL });
  g_assert_cmpstr (result->target, ==, "dns:www.example.test?type=AAAA");
}

static void
test_dns_probe_timeout (void)
{
  g_autoptr(LookoutDnsProbe) probe = lookout_dns_probe_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  guint16 port;
  g_autoptr(GSocket) socket = test_udp_socket_new (&port);
  gint64 start;

  uri = g_strdup_printf ("dns://127.0.0.1:%u/www.example.test", port);
  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_timeout (target, 200);

  start = g_get_monotonic_time ();
  result = run_probe (LOOKOUT_PROBE (probe), target);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 200000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 500000);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dns/a", test_dns_a);
  g_test_add_func ("/dns/aaaa", test_dns_aaaa);
  g_test_add_func ("/dns/mx", test_dns_mx);
  g_test_add_func ("/dns/txt", test_dns_txt);
  g_test_add_func ("/dns/nxdomain", test_dns_nxdomain);
  g_test_add_func ("/dns/nodata", test_dns_nodata);
  g_test_add_func ("/dns/servfail", test_dns_servfail);
  g_test_add_func ("/dns/refused", test_dns_refused);
  g_test_add_func ("/dns/timeout", test_dns_timeout);
  g_test_add_func ("/dns/port-unreachable", test_dns_port_unreachable);
  g_test_add_func ("/dns/latency", test_dns_latency);
  g_test_add_func ("/dns/reads-do-not-block", test_dns_reads_do_not_block);
  g_test_add_func ("/dns/concurrent", test_dns_concurrent);
  g_test_add_func ("/dns/system", test_dns_system);
  g_test_add_func ("/dns/system-failover", test_dns_system_failover);
  g_test_add_func ("/dns/server-by-name", test_dns_server_by_name);
  g_test_add_func ("/dns/bad-type", test_dns_bad_type);
  g_test_add_func ("/dns/cancel", test_dns_cancel);
  g_test_add_func ("/dns/probe/target", test_dns_probe_target);
  g_test_add_func ("/dns/probe/system", test_dns_probe_system);
  g_test_add_func ("/dns/probe/timeout", test_dns_probe_timeout);

  dnsmasq = test_dnsmasq_start (300);
  responder = test_responder_start ();

  ret = g_test_run ();

  g_clear_pointer (&dnsmasq, test_dns_server_free);
  g_clear_pointer (&responder, test_dns_server_free);
  return ret;
}
