/* test-trace.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Traced rounds through a routed chain of namespaces the test makes
 * (client → r1 → r2 → destination, IPv4 and IPv6), with real "time
 * exceeded" from real routers: the hops must be those traceroute(8) and
 * mtr(8) find on the same chain in the same run. */

#include "config.h"

#include <string.h>

#include "icmp-netns.h"
#include "lookout-path-tracker.h"
#include "lookout-test.h"
#include "lookout-trace.h"
#include "path-netns.h"

static PathNetns netns;
static char *skip_reason;

static LookoutTraceReport *
trace_from_client (const char                *destination,
                   const LookoutTraceOptions *options,
                   guint                      timeout_ms,
                   GError                   **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (destination);
  g_autoptr(GAsyncResult) result = NULL;
  int home_fd;

  /* The trace's socket is made, and stays, in the client's namespace. */
  home_fd = icmp_netns_enter (netns.client);
  lookout_trace_run_async (address, options, timeout_ms, NULL, lookout_test_async_cb, &result);
  icmp_netns_leave (home_fd);

  return lookout_trace_run_finish (lookout_test_wait_result (&result), error);
}

/* The responding hops as "10.81.1.2 10.81.2.2 10.81.3.2", "*" for silence. */
static char *
report_path (const LookoutTraceReport *report)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < report->n_hops; i++)
    {
      const LookoutTraceHop *hop = &report->hops[i];

      if (path->len > 0)
        g_string_append_c (path, ' ');
      g_string_append (path, hop->addresses != NULL ? hop->addresses[0] : "*");
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static char *
run_in_client (const char * const *argv)
{
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (full, (gpointer) "ip");
  g_ptr_array_add (full, (gpointer) "netns");
  g_ptr_array_add (full, (gpointer) "exec");
  g_ptr_array_add (full, netns.client);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer) argv[i]);
  g_ptr_array_add (full, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) full->pdata, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);

  return g_steal_pointer (&out);
}

/* traceroute -n prints " 1  10.81.1.2  0.051 ms" or " 2  *". */
static char *
traceroute_path (const char *destination,
                 gboolean    ipv6,
                 gboolean    udp)
{
  /* traceroute's default method is UDP; -I is ICMP echo. */
  const char *argv[] = { "traceroute", ipv6 ? "-6" : "-4", "-n", "-q", "1", "-w", "2",
                         "-m", "8", destination, udp ? NULL : "-I", NULL };
  g_autofree char *out = run_in_client (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      const char *address = NULL;

      if (fields[0] == NULL || !g_ascii_isdigit (fields[0][0]))
        continue;
      for (guint f = 1; fields[f] != NULL && address == NULL; f++)
        if (fields[f][0] != '\0')
          address = fields[f];
      if (path->len > 0)
        g_string_append_c (path, ' ');
      g_string_append (path, address != NULL ? address : "*");
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* mtr -r prints "  1.|-- 10.81.1.2   0.0%     1    0.1 …" or "  2.|-- ???". */
static char *
mtr_path (const char *destination,
          gboolean    ipv6,
          gboolean    udp)
{
  const char *argv[] = { "mtr", ipv6 ? "-6" : "-4", "-n", "-r", "-c", "2", "-i", "0.2",
                         destination, udp ? "-u" : NULL, NULL };
  g_autofree char *out = run_in_client (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *bar = strstr (lines[i], "|-- ");
      g_auto(GStrv) fields = NULL;

      if (bar == NULL)
        continue;
      fields = g_strsplit_set (bar + 4, " ", 2);
      if (path->len > 0)
        g_string_append_c (path, ' ');
      g_string_append (path, g_str_equal (fields[0], "???") ? "*" : fields[0]);
    }

  return g_string_free (g_steal_pointer (&path), FALSE);
}

static gboolean
skip_without_netns (void)
{
  if (skip_reason == NULL)
    return FALSE;
  g_test_skip (skip_reason);
  return TRUE;
}

static void
check_chain (const char *destination,
             const char *expected,
             gboolean    ipv6,
             gboolean    udp)
{
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL;
  gint64 start = g_get_monotonic_time ();
  LookoutTraceOptions options;

  lookout_trace_options_init (&options);
  options.proto = udp ? LOOKOUT_TRACE_PROTO_UDP : LOOKOUT_TRACE_PROTO_ICMP;
  report = trace_from_client (destination, &options, 5000, &error);
  g_assert_no_error (error);

  /* Every probe was answered, so the round ended without waiting. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  ours = report_path (report);
  g_assert_cmpstr (ours, ==, expected);
  g_assert_cmpuint (report->destination_ttl, ==, 3);
  g_assert_false (report->unreachable);
  for (guint i = 0; i < report->n_hops; i++)
    {
      const LookoutTraceHop *hop = &report->hops[i];

      g_assert_cmpuint (hop->ttl, ==, i + 1);
      g_assert_cmpuint (hop->sent, ==, 3);
      g_assert_cmpuint (hop->received, ==, 3);
      g_assert_cmpint (lookout_trace_hop_median_us (hop), >=, 0);
      g_assert_cmpint (lookout_trace_hop_median_us (hop), <, G_USEC_PER_SEC);
      g_assert_true (hop->reached == (i + 1 == 3));
    }

  /* The reference tools, on the same chain, in the same run. */
  if (icmp_netns_have_program ("traceroute"))
    {
      g_autofree char *theirs = traceroute_path (destination, ipv6, udp);

      g_assert_cmpstr (ours, ==, theirs);
    }
  else
    g_test_message ("traceroute is not installed: not compared");
  if (icmp_netns_have_program ("mtr"))
    {
      g_autofree char *theirs = mtr_path (destination, ipv6, udp);

      g_assert_cmpstr (ours, ==, theirs);
    }
  else
    g_test_message ("mtr is not installed: not compared");
}

static void
test_chain_ipv4 (void)
{
  if (skip_without_netns ())
    return;
  check_chain (PATH_NETNS_DESTINATION, "10.81.1.2 10.81.2.2 10.81.3.2", FALSE, FALSE);
}

static void
test_chain_ipv6 (void)
{
  if (skip_without_netns ())
    return;
  check_chain (PATH_NETNS_DESTINATION6, "fd81:1::2 fd81:2::2 fd81:3::2", TRUE, FALSE);
}

static void
test_chain_udp_ipv4 (void)
{
  if (skip_without_netns ())
    return;
  check_chain (PATH_NETNS_DESTINATION, "10.81.1.2 10.81.2.2 10.81.3.2", FALSE, TRUE);
}

static void
test_chain_udp_ipv6 (void)
{
  if (skip_without_netns ())
    return;
  check_chain (PATH_NETNS_DESTINATION6, "fd81:1::2 fd81:2::2 fd81:3::2", TRUE, TRUE);
}

/* r2 keeps its "time exceeded" to itself: its hop is silent, yet the
 * destination behind it answers. */
static void
test_silent_hop (void)
{
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL;
  LookoutTraceOptions options;

  if (skip_without_netns ())
    return;

  g_assert_true (path_netns_exec (netns.r2, &error, "nft",
                                  "add table inet lookout; "
                                  "add chain inet lookout out { type filter hook output priority 0; }; "
                                  "add rule inet lookout out icmp type time-exceeded drop; "
                                  "add rule inet lookout out icmpv6 type time-exceeded drop",
                                  NULL));
  g_assert_no_error (error);

  lookout_trace_options_init (&options);
  options.probe_wait_ms = 300;
  report = trace_from_client (PATH_NETNS_DESTINATION, &options, 5000, &error);
  g_assert_no_error (error);
  ours = report_path (report);
  g_assert_cmpstr (ours, ==, "10.81.1.2 * 10.81.3.2");
  g_assert_cmpuint (report->hops[1].sent, ==, 3);
  g_assert_cmpuint (report->hops[1].received, ==, 0);
  g_assert_cmpint (lookout_trace_hop_median_us (&report->hops[1]), ==, -1);
  g_assert_cmpuint (report->destination_ttl, ==, 3);

  if (icmp_netns_have_program ("traceroute"))
    {
      g_autofree char *theirs = traceroute_path (PATH_NETNS_DESTINATION, FALSE, FALSE);

      g_assert_cmpstr (ours, ==, theirs);
    }

  g_assert_true (path_netns_exec (netns.r2, &error, "nft", "delete table inet lookout", NULL));
  g_assert_no_error (error);
}

/* The destination drops every other echo request of the probes that reach
 * it as the last hop (their TTL ends there): the loss shows on the
 * destination's hop, and on no hop before it. */
static void
test_last_link_loss (void)
{
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = NULL;
  LookoutTraceOptions options;
  const LookoutTraceHop *last;

  if (skip_without_netns ())
    return;

  g_assert_true (path_netns_exec (netns.destination, &error, "nft",
                                  "add table inet lookout; "
                                  "add chain inet lookout in { type filter hook input priority 0; }; "
                                  "add rule inet lookout in icmp type echo-request ip ttl 1 "
                                  "numgen inc mod 2 0 drop",
                                  NULL));
  g_assert_no_error (error);

  lookout_trace_options_init (&options);
  options.probes_per_hop = 4;
  options.probe_wait_ms = 300;
  report = trace_from_client (PATH_NETNS_DESTINATION, &options, 5000, &error);
  g_assert_true (path_netns_exec (netns.destination, NULL, "nft", "delete table inet lookout", NULL));
  g_assert_no_error (error);

  ours = report_path (report);
  g_assert_cmpstr (ours, ==, "10.81.1.2 10.81.2.2 10.81.3.2");
  g_assert_cmpuint (report->destination_ttl, ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (report->hops[i].sent, ==, 4);
      g_assert_cmpuint (report->hops[i].received, ==, 4);
    }
  last = &report->hops[2];
  g_assert_true (last->reached);
  g_assert_cmpuint (last->sent, ==, 4);
  g_assert_cmpuint (last->received, ==, 2);
}

/* The route moves to r1b: the next round says so. */
static void
test_route_switch (void)
{
  g_autoptr(LookoutTraceReport) before = NULL;
  g_autoptr(LookoutTraceReport) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before_path = NULL;
  g_autofree char *after_path = NULL;

  if (skip_without_netns ())
    return;

  before = trace_from_client (PATH_NETNS_DESTINATION, NULL, 5000, &error);
  g_assert_no_error (error);
  g_assert_true (path_netns_switch_route (&netns, TRUE, &error));
  g_assert_no_error (error);
  after = trace_from_client (PATH_NETNS_DESTINATION, NULL, 5000, &error);
  g_assert_no_error (error);
  g_assert_true (path_netns_switch_route (&netns, FALSE, &error));
  g_assert_no_error (error);

  before_path = report_path (before);
  after_path = report_path (after);
  g_assert_cmpstr (before_path, ==, "10.81.1.2 10.81.2.2 10.81.3.2");
  g_assert_cmpstr (after_path, ==, "10.81.4.2 10.81.5.2 10.81.3.2");
}

/* The tracker over real rounds: the route moves to r1b, and exactly one
 * change is told, at the second round on the new way. */
static void
test_route_change_told_once (void)
{
  g_autoptr(LookoutPathTracker) tracker = lookout_path_tracker_new ();
  g_autoptr(GError) error = NULL;
  guint changes = 0;
  g_autofree char *told = NULL;

  if (skip_without_netns ())
    return;

  for (guint round = 0; round < 7; round++)
    {
      g_autoptr(LookoutTraceReport) report = NULL;
      g_auto(GStrv) old_path = NULL;
      g_auto(GStrv) new_path = NULL;

      if (round == 3)
        {
          g_assert_true (path_netns_switch_route (&netns, TRUE, &error));
          g_assert_no_error (error);
        }
      report = trace_from_client (PATH_NETNS_DESTINATION, NULL, 5000, &error);
      g_assert_no_error (error);
      if (lookout_path_tracker_add_round (tracker, report, &old_path, &new_path))
        {
          g_autofree char *old_text = g_strjoinv (" ", old_path);
          g_autofree char *new_text = g_strjoinv (" ", new_path);

          changes++;
          g_assert_cmpuint (round, ==, 4);
          told = g_strdup_printf ("%s -> %s", old_text, new_text);
        }
    }
  g_assert_true (path_netns_switch_route (&netns, FALSE, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpstr (told, ==, "10.81.1.2 10.81.2.2 10.81.3.2 -> 10.81.4.2 10.81.5.2 10.81.3.2");
  g_assert_cmpuint (lookout_path_tracker_get_hop (tracker, 0)->sent, ==, 3 * 3);
}

/* r1's firewall rejects what it would forward there: "time exceeded" at
 * the first hop, "unreachable" from the second on, and the round says the
 * path ends there rather than waiting on 30 silent hops. */
static void
test_unreachable (void)
{
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (skip_without_netns ())
    return;

  report = trace_from_client (PATH_NETNS_NOWHERE, NULL, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_true (report->unreachable);
  g_assert_cmpuint (report->destination_ttl, ==, 0);
  g_assert_cmpuint (report->n_hops, ==, 2);
  g_assert_cmpstr (report->hops[0].addresses[0], ==, "10.81.1.2");
  g_assert_cmpuint (report->hops[0].icmp_type, ==, 11);
  g_assert_cmpstr (report->hops[1].addresses[0], ==, "10.81.1.2");
  g_assert_cmpuint (report->hops[1].icmp_type, ==, 3);
}

/* A destination that never answers: the round ends when its probes have
 * been waited for, well within the timeout, with the hops it did hear. */
static void
test_silent_destination (void)
{
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTraceOptions options;
  gint64 start;

  if (skip_without_netns ())
    return;

  g_assert_true (path_netns_exec (netns.destination, &error, "sysctl", "-qw",
                                  "net.ipv4.icmp_echo_ignore_all=1", NULL));
  g_assert_no_error (error);

  lookout_trace_options_init (&options);
  options.max_ttl = 6;
  options.probe_wait_ms = 400;
  start = g_get_monotonic_time ();
  report = trace_from_client (PATH_NETNS_DESTINATION, &options, 10000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (report->destination_ttl, ==, 0);
  g_assert_false (report->unreachable);
  g_assert_cmpuint (report->n_hops, ==, 2);
  g_assert_cmpstr (report->hops[1].addresses[0], ==, "10.81.2.2");

  /* With a timeout shorter than the probes' wait, the timeout ends it. */
  g_clear_pointer (&report, lookout_trace_report_unref);
  options.probe_wait_ms = 5000;
  start = g_get_monotonic_time ();
  report = trace_from_client (PATH_NETNS_DESTINATION, &options, 700, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (report->destination_ttl, ==, 0);

  g_assert_true (path_netns_exec (netns.destination, &error, "sysctl", "-qw",
                                  "net.ipv4.icmp_echo_ignore_all=0", NULL));
  g_assert_no_error (error);
}

static void
test_cancel (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (PATH_NETNS_NOWHERE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTraceOptions options;
  int home_fd;

  if (skip_without_netns ())
    return;

  lookout_trace_options_init (&options);
  options.probe_wait_ms = 5000;
  home_fd = icmp_netns_enter (netns.client);
  lookout_trace_run_async (address, &options, 10000, cancellable, lookout_test_async_cb, &result);
  icmp_netns_leave (home_fd);
  g_cancellable_cancel (cancellable);

  report = lookout_trace_run_finish (lookout_test_wait_result (&result), &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!path_netns_setup (&netns, &error))
    skip_reason = g_strdup_printf ("no routed namespaces here: %s", error->message);

  g_test_add_func ("/trace/chain/ipv4", test_chain_ipv4);
  g_test_add_func ("/trace/chain/ipv6", test_chain_ipv6);
  g_test_add_func ("/trace/chain/udp-ipv4", test_chain_udp_ipv4);
  g_test_add_func ("/trace/chain/udp-ipv6", test_chain_udp_ipv6);
  g_test_add_func ("/trace/silent-hop", test_silent_hop);
  g_test_add_func ("/trace/last-link-loss", test_last_link_loss);
  g_test_add_func ("/trace/route-switch", test_route_switch);
  g_test_add_func ("/trace/route-change-told-once", test_route_change_told_once);
  g_test_add_func ("/trace/unreachable", test_unreachable);
  g_test_add_func ("/trace/silent-destination", test_silent_destination);
  g_test_add_func ("/trace/cancel", test_cancel);

  status = g_test_run ();
  if (skip_reason == NULL)
    path_netns_teardown (&netns);
  g_free (skip_reason);

  return status;
}
