/* bench-dns.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* DNS benchmarks against a local dnsmasq:
 *
 *  - CPU time per DNS probe (getrusage of this process) and probes per
 *    second, LOOKOUT_BENCH_DNS_PROBES probes (default 5000) with 32 in
 *    flight, beside prometheus-blackbox-exporter's dns prober doing the same
 *    query (its own CPU time from /proc, 1,000 probes, 8 in flight), and the
 *    ratio of the two;
 *  - the cost of a cached name lookup through LookoutResolver (async, one
 *    main-loop round trip each), and of an uncached one (a query each).
 *
 * Figures are printed as "figure: NAME = VALUE UNIT". */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <libsoup/soup.h>

#include "lookout-dns-client.h"
#include "lookout-resolver.h"

#include "dns-test-server.h"

/* Waits are bounded by the benchmark's own timeout in tests/meson.build. */
#define BENCH_WAIT_MS (300 * 1000)

#define IN_FLIGHT 32

typedef struct
{
  LookoutDnsClient *client;
  guint16           port;
  guint             total;
  guint             started;
  guint             finished;
  guint             failed;
} ProbeRun;

static void probe_next (ProbeRun *run);

static void
probed_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  ProbeRun *run = user_data;
  g_autoptr(LookoutResult) result = lookout_dns_client_query_finish (LOOKOUT_DNS_CLIENT (object), res, NULL);

  run->finished++;
  if (result == NULL || !result->ok)
    run->failed++;
  probe_next (run);
}

static void
probe_next (ProbeRun *run)
{
  if (run->started >= run->total)
    return;
  run->started++;
  lookout_dns_client_query_async (run->client, "127.0.0.1", run->port, "www.example.test", "A",
                                  5000, NULL, probed_cb, run);
}

static void
bench_probes (TestDnsServer *dnsmasq,
              guint          total,
              double        *cpu_per_probe_us)
{
  g_autoptr(LookoutDnsClient) client = lookout_dns_client_new ();
  ProbeRun run = { client, dnsmasq->port, total, 0, 0, 0 };
  gint64 cpu0, t0, cpu, elapsed;

  cpu0 = lookout_test_cpu_us_self ();
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < IN_FLIGHT; i++)
    probe_next (&run);
  LOOKOUT_TEST_WAIT_UNTIL (run.finished >= run.total, BENCH_WAIT_MS);
  elapsed = g_get_monotonic_time () - t0;
  cpu = lookout_test_cpu_us_self () - cpu0;

  *cpu_per_probe_us = (double) cpu / total;
  g_print ("figure: dns_probe_cpu_per_probe = %.1f us\n", *cpu_per_probe_us);
  g_print ("figure: dns_probes_per_second = %.0f probes/s\n", total / (elapsed / 1e6));
  g_print ("figure: dns_probe_failures = %u probes\n", run.failed);
}

typedef struct
{
  SoupSession *session;
  char        *url;
  guint        total;
  guint        started;
  guint        finished;
  guint        failed;
} HttpRun;

static void http_next (HttpRun *run);

static void
fetched_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  HttpRun *run = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), res, NULL);

  run->finished++;
  if (body == NULL || g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "\nprobe_success 1") == NULL)
    run->failed++;
  http_next (run);
}

static void
http_next (HttpRun *run)
{
  g_autoptr(SoupMessage) message = NULL;

  if (run->started >= run->total)
    return;
  run->started++;
  message = soup_message_new ("GET", run->url);
  soup_session_send_and_read_async (run->session, message, G_PRIORITY_DEFAULT, NULL, fetched_cb, run);
}

static gboolean
http_ok (SoupSession *session,
         const char  *url)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  return body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK;
}

static void
bench_blackbox (TestDnsServer *dnsmasq,
                double         lookout_cpu_per_probe_us)
{
  g_autofree char *exporter = g_find_program_in_path ("prometheus-blackbox-exporter");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(LookoutTestDir) dir = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *listen_arg = NULL;
  g_autofree char *health = NULL;
  guint16 port;
  HttpRun run = { 0 };
  gint64 cpu0, cpu;
  double per_probe;
  gboolean up = FALSE;

  if (exporter == NULL)
    {
      g_print ("# prometheus-blackbox-exporter is not installed: no reference figure\n");
      return;
    }

  dir = lookout_test_dir_new ();
  config = g_build_filename (dir, "blackbox.yml", NULL);
  g_file_set_contents (config,
                       "modules:\n"
                       "  dns_a:\n"
                       "    prober: dns\n"
                       "    timeout: 5s\n"
                       "    dns:\n"
                       "      transport_protocol: udp\n"
                       "      preferred_ip_protocol: ip4\n"
                       "      query_name: www.example.test\n"
                       "      query_type: A\n",
                       -1, &error);
  g_assert_no_error (error);

  g_object_unref (test_udp_socket_new (&port));
  config_arg = g_strdup_printf ("--config.file=%s", config);
  listen_arg = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", port);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              exporter, config_arg, listen_arg, NULL);
  g_assert_no_error (error);

  session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
  health = g_strdup_printf ("http://127.0.0.1:%u/-/healthy", port);
  for (guint i = 0; i < 100 && !up; i++)
    {
      up = http_ok (session, health);
      if (!up)
        g_usleep (50000);
    }
  if (!up)
    {
      g_print ("# prometheus-blackbox-exporter did not start: no reference figure\n");
      goto out;
    }

  run.session = session;
  run.url = g_strdup_printf ("http://127.0.0.1:%u/probe?module=dns_a&target=127.0.0.1:%u",
                             port, dnsmasq->port);
  run.total = 1000;

  cpu0 = lookout_test_cpu_us_of (g_subprocess_get_identifier (process));
  for (guint i = 0; i < 8; i++)
    http_next (&run);
  LOOKOUT_TEST_WAIT_UNTIL (run.finished >= run.total, BENCH_WAIT_MS);
  cpu = lookout_test_cpu_us_of (g_subprocess_get_identifier (process)) - cpu0;
  g_free (run.url);

  per_probe = (double) cpu / run.total;
  g_print ("figure: blackbox_dns_cpu_per_probe = %.1f us\n", per_probe);
  g_print ("figure: blackbox_dns_probe_failures = %u probes\n", run.failed);
  g_print ("figure: dns_probe_cpu_ratio_vs_blackbox = %.3f x\n", lookout_cpu_per_probe_us / per_probe);

out:
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

typedef struct
{
  guint remaining;
  guint failed;
} LookupRun;

static void
looked_up_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  LookupRun *run = user_data;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), res, NULL);

  if (addresses == NULL)
    run->failed++;
  g_resolver_free_addresses (addresses);
  run->remaining--;
}

static void
bench_resolver (TestDnsServer *dnsmasq)
{
  g_autofree char *csv = test_dns_server_csv (dnsmasq);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutResolver) resolver = lookout_resolver_new (csv, &error);
  LookupRun run = { 0 };
  const guint hits = 20000;
  const guint misses = 2000;
  gint64 t0;

  g_assert_no_error (error);

  /* Warm the cache, then ask the same name over and over. */
  run.remaining = 1;
  g_resolver_lookup_by_name_async (G_RESOLVER (resolver), "www.example.test", NULL, looked_up_cb, &run);
  LOOKOUT_TEST_WAIT_UNTIL (run.remaining == 0, BENCH_WAIT_MS);

  /* Measured per lookup: bare iterations, no deadline source in the figures. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < hits; i++)
    {
      run.remaining = 1;
      g_resolver_lookup_by_name_async (G_RESOLVER (resolver), "www.example.test", NULL, looked_up_cb, &run);
      while (run.remaining > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  g_print ("figure: resolver_cached_lookup = %.2f us\n", (double) (g_get_monotonic_time () - t0) / hits);

  /* Without a cache every lookup is a query (A and AAAA) to dnsmasq. */
  lookout_resolver_set_cache_size (resolver, 0);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < misses; i++)
    {
      run.remaining = 1;
      g_resolver_lookup_by_name_async (G_RESOLVER (resolver), "www.example.test", NULL, looked_up_cb, &run);
      while (run.remaining > 0)
        g_main_context_iteration (NULL, TRUE);
    }
  g_print ("figure: resolver_uncached_lookup = %.2f us\n", (double) (g_get_monotonic_time () - t0) / misses);
  g_print ("figure: resolver_failures = %u lookups\n", run.failed);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TestDnsServer) dnsmasq = NULL;
  const char *env = g_getenv ("LOOKOUT_BENCH_DNS_PROBES");
  guint total = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 5000;
  double cpu_per_probe;

  dnsmasq = test_dnsmasq_start (300);
  if (dnsmasq == NULL)
    {
      g_print ("# dnsmasq is not installed: nothing to measure\n");
      return 0;
    }

  bench_probes (dnsmasq, MAX (total, 100), &cpu_per_probe);
  bench_blackbox (dnsmasq, cpu_per_probe);
  bench_resolver (dnsmasq);

  return 0;
}
