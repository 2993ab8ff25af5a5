/* bench-trace.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a traced round costs, through the routed chain of namespaces
 * (client → r1 → r2 → destination: three hops):
 *
 *  - CPU per round of the trace:// probe (three probes per hop, names off),
 *    and of a bare round with one probe per hop, against `mtr -r -c 1 -n`
 *    (one probe per hop, everything mtr does for a report) in the same run;
 *    CPU of mtr is its children's (mtr-packet included), Lookout's is this
 *    process's over the rounds;
 *  - lookout-agent run with 100 trace:// targets at 60 s, each to an
 *    address of its own on the destination: CPU share of one core and
 *    resident memory after two intervals.
 *
 * Prints `figure:` lines; skips (exit 77) where namespaces cannot be made. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "icmp-netns.h"
#include "lookout-test.h"
#include "lookout-trace.h"
#include "lookout-trace-probe.h"
#include "path-netns.h"

#define ROUNDS        20
#define MTR_RUNS      10
#define AGENT_TARGETS 100
#define AGENT_SECONDS 125

static PathNetns netns;

static gint64
children_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC + usage.ru_utime.tv_usec +
         (gint64) usage.ru_stime.tv_sec * G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

static double
probe_round_cpu_us (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  gint64 start = lookout_test_cpu_us_self ();

  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(LookoutResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = lookout_test_run_probe (probe, "trace://" PATH_NETNS_DESTINATION, 5000,
                                       "{\"names\":false}", NULL, &error);
      g_assert_no_error (error);
      g_assert_true (result->ok);
      g_assert_cmpuint (result->trace->n_hops, ==, 3);
    }

  return (double) (lookout_test_cpu_us_self () - start) / ROUNDS;
}

static double
bare_round_cpu_us (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (PATH_NETNS_DESTINATION);
  LookoutTraceOptions options;
  gint64 start;

  lookout_trace_options_init (&options);
  options.probes_per_hop = 1;
  start = lookout_test_cpu_us_self ();
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(LookoutTraceReport) report = NULL;
      g_autoptr(GError) error = NULL;

      lookout_trace_run_async (address, &options, 5000, NULL, lookout_test_async_cb, &result);
      report = lookout_trace_run_finish (lookout_test_wait_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (report->destination_ttl, ==, 3);
    }

  return (double) (lookout_test_cpu_us_self () - start) / ROUNDS;
}

static double
mtr_round_cpu_us (void)
{
  const char *argv[] = { "mtr", "-4", "-n", "-r", "-c", "1", PATH_NETNS_DESTINATION, NULL };
  gint64 start = children_cpu_us ();

  for (guint i = 0; i < MTR_RUNS; i++)
    {
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      int status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                   NULL, NULL, &out, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, PATH_NETNS_DESTINATION));
    }

  return (double) (children_cpu_us () - start) / MTR_RUNS;
}

static gint64
rss_kib_of (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (line = strstr (contents, "VmRSS:")) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

static void
agent_figures (const char *agent)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *db = g_build_filename ((char *) dir, "bench.db", NULL);
  g_autofree char *targets = g_build_filename ((char *) dir, "targets", NULL);
  g_autofree char *pid_text = NULL;
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "ip", "netns", "exec", netns.client, agent, "run", "--db", db,
                         "--targets", targets, NULL };
  gint64 cpu_us;
  gint64 rss_kib;
  GPid pid;
  int status;

  for (guint i = 0; i < AGENT_TARGETS; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.81.3.%u/24", 100 + i);

      g_assert_true (icmp_netns_ip (&error, "-n", netns.destination, "addr", "add", address,
                                    "dev", "d2", NULL));
      g_assert_no_error (error);
      g_string_append_printf (list, "trace://10.81.3.%u interval=60 timeout=10000\n", 100 + i);
    }
  g_assert_true (g_file_set_contents (targets, list->str, -1, &error));

  /* ip netns exec execs the agent: the child's pid is the agent's. */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  pid_text = g_strdup_printf ("%d", pid);

  lookout_test_run_for (AGENT_SECONDS * 1000);
  cpu_us = lookout_test_cpu_us_of (pid_text);
  rss_kib = rss_kib_of (pid);
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);

  g_print ("figure: trace_agent_100_targets_cpu = %.2f %% of a core\n",
           100.0 * cpu_us / (AGENT_SECONDS * (double) G_USEC_PER_SEC));
  g_print ("figure: trace_agent_100_targets_rss = %.1f MiB\n", rss_kib / 1024.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  double probe_us, bare_us, mtr_us;
  int home_fd;

  g_test_init (&argc, &argv, NULL);

  if (!path_netns_setup (&netns, &error))
    {
      g_print ("no routed namespaces here: %s\n", error->message);
      return 77;
    }

  /* This thread, its sockets and the mtr it starts live in the client's namespace. */
  home_fd = icmp_netns_enter (netns.client);
  probe_round_cpu_us ();   /* warm up: types, the first socket */
  probe_us = probe_round_cpu_us ();
  bare_us = bare_round_cpu_us ();
  mtr_us = icmp_netns_have_program ("mtr") ? mtr_round_cpu_us () : -1;
  icmp_netns_leave (home_fd);

  g_print ("figure: trace_round_cpu_us = %.0f us (trace:// probe, 3 probes per hop, 3 hops)\n", probe_us);
  g_print ("figure: trace_round_1_probe_cpu_us = %.0f us (1 probe per hop)\n", bare_us);
  if (mtr_us > 0)
    {
      g_print ("figure: mtr_round_cpu_us = %.0f us (mtr -r -c 1 -n)\n", mtr_us);
      g_print ("figure: trace_round_vs_mtr = %.3f x\n", probe_us / mtr_us);
      g_print ("figure: trace_round_1_probe_vs_mtr = %.3f x\n", bare_us / mtr_us);
    }

  if (argc > 1)
    agent_figures (argv[1]);

  path_netns_teardown (&netns);
  return 0;
}
