/* bench-icmp.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* ICMP benchmarks, each beside fping on the same work:
 *
 *  - 1,000 loopback addresses (127.0.x.y) pinged once a second for
 *    --duration seconds (default 60; LOOKOUT_BENCH_DURATION too): pings per
 *    second, loss, and CPU time per ping (getrusage) for Lookout with a ping
 *    socket, with a raw socket, and for `fping -c D -p 1000 -i 1`;
 *  - a burst to one host: as many echoes to 127.0.0.1 as Lookout gets
 *    answered in 2 s with 64 rounds in flight;
 *  - accuracy: 50 echoes to a responder answering 50 ms late inside a network
 *    namespace, median RTT by Lookout minus median RTT by fping -C.
 *
 * Figures are printed as "figure: NAME = VALUE UNIT". */

#define _GNU_SOURCE

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <glib/gstdio.h>

#include "icmp-netns.h"
#include "lookout-icmp-probe.h"
#include "lookout-test.h"

/* Waits are bounded by the benchmark's own timeout in tests/meson.build. */
#define BENCH_WAIT_MS (600 * 1000)

#define N_HOSTS 1000

static guint duration_s = 60;

typedef struct
{
  LookoutIcmpProbe *probe;
  char            **hosts;
  guint             n_hosts;
  gint64            start;
  guint64           started;
  guint64           total;
  guint             in_flight;
  guint64           sent;
  guint64           received;
} Run;

static double
rusage_us (const struct rusage *ru)
{
  return ru->ru_utime.tv_sec * 1e6 + ru->ru_utime.tv_usec
       + ru->ru_stime.tv_sec * 1e6 + ru->ru_stime.tv_usec;
}

static void
round_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(LookoutResult) r = NULL;
  g_autoptr(GError) error = NULL;

  r = lookout_probe_run_finish (LOOKOUT_PROBE (object), result, &error);
  g_assert_no_error (error);
  if (r->error_code == LOOKOUT_PROBE_ERROR_PERMISSION)
    g_error ("%s", r->error);
  run->sent += r->sent;
  run->received += r->received;
  run->in_flight--;
}

/* Called every few ms: starts the rounds due by now, so that every host
 * is pinged once a second (timer drift is caught up, not accumulated). */
static gboolean
tick_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 elapsed = g_get_monotonic_time () - run->start;
  guint64 due = MIN (run->total, (guint64) (elapsed * run->n_hosts / G_USEC_PER_SEC) + 1);

  while (run->started < due)
    {
      lookout_icmp_probe_ping_async (run->probe, run->hosts[run->started % run->n_hosts],
                                     1000, 1, 56, NULL, round_done_cb, run);
      run->started++;
      run->in_flight++;
    }

  return run->started < run->total ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
bench_many_hosts (char   **hosts,
                  gboolean raw,
                  double  *out_cpu_per_ping)
{
  g_autoptr(LookoutProbe) probe = g_object_new (LOOKOUT_TYPE_ICMP_PROBE, "prefer-raw", raw, NULL);
  Run run = { LOOKOUT_ICMP_PROBE (probe), hosts, N_HOSTS, 0, 0, 0, 0, 0, 0 };
  struct rusage before, after;
  gint64 start, elapsed;
  double cpu;
  const char *label = raw ? "lookout_raw" : "lookout";

  run.total = (guint64) N_HOSTS * duration_s;

  getrusage (RUSAGE_SELF, &before);
  start = run.start = g_get_monotonic_time ();
  g_timeout_add (5, tick_cb, &run);
  LOOKOUT_TEST_WAIT_UNTIL (run.started >= run.total && run.in_flight == 0, BENCH_WAIT_MS);
  elapsed = g_get_monotonic_time () - start;
  getrusage (RUSAGE_SELF, &after);

  cpu = rusage_us (&after) - rusage_us (&before);
  g_print ("%s: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received in %.2f s, %s socket\n",
           label, run.sent, run.received, elapsed / 1e6,
           lookout_icmp_probe_get_socket_kind (run.probe, G_SOCKET_FAMILY_IPV4)
             == LOOKOUT_ICMP_SOCKET_RAW ? "raw" : "ping");
  if (!raw)
    {
      g_print ("figure: icmp_pings_per_second = %.0f /s\n", run.sent / (elapsed / 1e6));
      g_print ("figure: icmp_loss = %.3f %%\n", 100.0 * (1.0 - (double) run.received / run.sent));
      g_print ("figure: icmp_cpu_per_ping_lookout = %.2f us\n", cpu / run.sent);
    }
  else
    {
      g_print ("figure: icmp_loss_raw = %.3f %%\n", 100.0 * (1.0 - (double) run.received / run.sent));
      g_print ("figure: icmp_cpu_per_ping_lookout_raw = %.2f us\n", cpu / run.sent);
    }
  *out_cpu_per_ping = cpu / run.sent;
}

/* Runs fping, returning its stderr; its CPU time goes to *cpu_us. */
static char *
run_fping (const char * const *argv,
           double             *cpu_us)
{
  g_autofree char *err = NULL;
  struct rusage ru;
  int fds[2], status;
  pid_t pid;
  GString *out = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      dup2 (fds[1], STDERR_FILENO);
      dup2 (open ("/dev/null", O_WRONLY), STDOUT_FILENO);
      execvp (argv[0], (char **) argv);
      _exit (127);
    }
  close (fds[1]);
  while ((n = read (fds[0], buf, sizeof buf)) > 0)
    g_string_append_len (out, buf, n);
  close (fds[0]);
  g_assert_cmpint (wait4 (pid, &status, 0, &ru), ==, pid);
  *cpu_us = rusage_us (&ru);

  return g_string_free (out, FALSE);
}

static void
bench_fping_many_hosts (char   **hosts,
                        double   lookout_cpu_per_ping)
{
  g_autofree char *list = NULL;
  g_autofree char *count = g_strdup_printf ("%u", duration_s);
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint64 sent = 0, received = 0;
  double cpu;
  int fd;

  fd = g_file_open_tmp ("lookout-bench-XXXXXX", &list, &error);
  g_assert_no_error (error);
  close (fd);
  {
    g_autofree char *joined = g_strjoinv ("\n", hosts);
    g_file_set_contents (list, joined, -1, &error);
    g_assert_no_error (error);
  }

  {
    const char *argv[] = { "fping", "-c", count, "-p", "1000", "-i", "1", "-q", "-f", list, NULL };
    gint64 start = g_get_monotonic_time ();
    output = run_fping (argv, &cpu);
    g_print ("fping: %.2f s\n", (g_get_monotonic_time () - start) / 1e6);
  }
  g_unlink (list);

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *p = strstr (lines[i], "xmt/rcv/%loss = ");
      guint x, r;

      if (p != NULL && sscanf (p, "xmt/rcv/%%loss = %u/%u", &x, &r) == 2)
        {
          sent += x;
          received += r;
        }
    }
  if (sent == 0)
    {
      g_print ("fping printed nothing usable:\n%s\n", output);
      return;
    }

  g_print ("fping: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received\n", sent, received);
  g_print ("figure: icmp_loss_fping = %.3f %%\n", 100.0 * (1.0 - (double) received / sent));
  g_print ("figure: icmp_cpu_per_ping_fping = %.2f us\n", cpu / sent);
  if (lookout_cpu_per_ping > 0)
    g_print ("figure: icmp_cpu_per_ping_ratio_lookout_vs_fping = %.2f\n",
             lookout_cpu_per_ping / (cpu / sent));
}

typedef struct
{
  LookoutIcmpProbe *probe;
  gint64            until;
  guint             in_flight;
  guint64           received;
  guint64           sent;
} Burst;

static void burst_next (Burst *burst);

static void
burst_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(LookoutResult) r = lookout_probe_run_finish (LOOKOUT_PROBE (object), result, NULL);

  burst->in_flight--;
  burst->sent += r->sent;
  burst->received += r->received;
  if (g_get_monotonic_time () < burst->until)
    burst_next (burst);
}

static void
burst_next (Burst *burst)
{
  burst->in_flight++;
  lookout_icmp_probe_ping_async (burst->probe, "127.0.0.1", 1000, 1, 56, NULL, burst_done_cb, burst);
}

static void
bench_burst (gboolean with_fping)
{
  g_autoptr(LookoutProbe) probe = lookout_icmp_probe_new ();
  Burst burst = { LOOKOUT_ICMP_PROBE (probe), 0, 0, 0, 0 };
  gint64 start = g_get_monotonic_time ();
  g_autofree char *output = NULL;
  double cpu;
  gint64 fping_start;

  burst.until = start + 2 * G_USEC_PER_SEC;
  for (guint i = 0; i < 64; i++)
    burst_next (&burst);
  LOOKOUT_TEST_WAIT_UNTIL (burst.in_flight == 0, BENCH_WAIT_MS);

  g_print ("burst: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received in %.2f s\n",
           burst.sent, burst.received, (g_get_monotonic_time () - start) / 1e6);
  g_print ("figure: icmp_burst_pings_per_second_one_host = %.0f /s\n",
           burst.received / ((g_get_monotonic_time () - start) / 1e6));

  if (with_fping)
  {
    /* fping's fastest to one host at its documented minimum interval (-i 1). */
    const char *argv[] = { "fping", "-c", "2000", "-p", "1", "-i", "1", "-q", "127.0.0.1", NULL };
    fping_start = g_get_monotonic_time ();
    output = run_fping (argv, &cpu);
    g_print ("figure: icmp_burst_pings_per_second_one_host_fping = %.0f /s\n",
             2000 / ((g_get_monotonic_time () - fping_start) / 1e6));
  }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
latency_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LookoutResult **out = user_data;

  *out = lookout_probe_run_finish (LOOKOUT_PROBE (object), result, NULL);
}

/* 50 echoes 100 ms apart to @host (inside namespace @ns unless NULL) by
 * fping -C and by Lookout, one after the other; prints both medians and the gap. */
static void
compare_with_fping (const char *ns,
                    const char *host,
                    const char *suffix)
{
  g_autoptr(LookoutProbe) probe = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GArray) fping_rtts = g_array_new (FALSE, FALSE, sizeof (double));
  double cpu, fping_median, lookout_median;
  const char *p;
  int home = -1;

  if (ns != NULL)
    {
      const char *argv[] = { "ip", "netns", "exec", ns,
                             "fping", "-C", "50", "-p", "100", "-q", host, NULL };
      output = run_fping (argv, &cpu);
    }
  else
    {
      const char *argv[] = { "fping", "-C", "50", "-p", "100", "-q", host, NULL };
      output = run_fping (argv, &cpu);
    }
  /* "HOST : 50.3 50.2 …": fping prints 3 decimals below 1 ms, 2 below 10 ms, 1 below 100 ms. */
  p = strchr (output, ':');
  for (char *end; p != NULL && *p; p = end)
    {
      double v = g_ascii_strtod (p + 1, &end);
      if (end == p + 1)
        break;
      g_array_append_val (fping_rtts, v);
    }

  if (ns != NULL)
    home = icmp_netns_enter (ns);
  probe = g_object_new (LOOKOUT_TYPE_ICMP_PROBE, "interval", 100, NULL);
  lookout_icmp_probe_ping_async (LOOKOUT_ICMP_PROBE (probe), host, 10000, 50, 56, NULL,
                                 latency_done_cb, &result);
  LOOKOUT_TEST_WAIT_UNTIL (result != NULL, BENCH_WAIT_MS);
  g_clear_object (&probe);
  if (home >= 0)
    icmp_netns_leave (home);

  if (fping_rtts->len == 0 || !result->ok)
    {
      g_print ("accuracy%s: fping gave %u RTTs (%s), Lookout: %s\n", suffix, fping_rtts->len, output,
               result->error ? result->error : "ok");
      return;
    }

  g_array_sort (fping_rtts, compare_double);
  fping_median = fping_rtts->len % 2
    ? g_array_index (fping_rtts, double, fping_rtts->len / 2)
    : (g_array_index (fping_rtts, double, fping_rtts->len / 2 - 1)
       + g_array_index (fping_rtts, double, fping_rtts->len / 2)) / 2;
  lookout_median = result->latency_us / 1000.0;

  g_print ("accuracy%s: %s, Lookout median %.3f ms of %u (min %.3f, max %.3f), fping median %.3f ms of %u\n",
           suffix, host, lookout_median, result->received, result->min_us / 1000.0,
           result->max_us / 1000.0, fping_median, fping_rtts->len);
  g_print ("figure: icmp_latency_median_lookout%s = %.3f ms\n", suffix, lookout_median);
  g_print ("figure: icmp_latency_median_fping%s = %.3f ms\n", suffix, fping_median);
  g_print ("figure: icmp_latency_gap_vs_fping_median%s = %.3f ms\n", suffix, lookout_median - fping_median);
}

static void
bench_accuracy (const char *responder)
{
  const struct { guint delay_ms; const char *suffix; } delays[] = {
    { 50, "" },          /* the headline figure */
    { 5, "_5ms" },       /* fping prints 10 µs steps here, 100 µs at 50 ms */
  };

  for (guint i = 0; i < G_N_ELEMENTS (delays); i++)
    {
      g_autoptr(GError) error = NULL;
      IcmpNetns netns;

      if (!icmp_netns_setup (&netns, &error) ||
          !icmp_netns_start_responder (&netns, responder, delays[i].delay_ms, 0, &error))
        {
          g_print ("accuracy: skipped: %s\n", error->message);
          icmp_netns_teardown (&netns);
          return;
        }
      g_print ("accuracy%s: responder answering %s after %u ms in a network namespace\n",
               delays[i].suffix, ICMP_NETNS_DELAYED, delays[i].delay_ms);
      compare_with_fping (netns.client, ICMP_NETNS_DELAYED, delays[i].suffix);
      icmp_netns_teardown (&netns);
    }

  /* Loopback: the kernel answers, fping prints microseconds. */
  compare_with_fping (NULL, "127.0.0.1", "_loopback");
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) hosts = g_new0 (char *, N_HOSTS + 1);
  g_autofree char *responder = NULL;
  const char *env = g_getenv ("LOOKOUT_BENCH_DURATION");
  double lookout_cpu = -1, raw_cpu = -1;
  const char *only;
  gboolean have_fping;

  if (env != NULL)
    duration_s = atoi (env);
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--duration") && i + 1 < argc)
        duration_s = atoi (argv[++i]);
      else if (g_str_has_prefix (argv[i], "--duration="))
        duration_s = atoi (argv[i] + strlen ("--duration="));
    }
  duration_s = CLAMP (duration_s, 1, 3600);

  responder = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : ".",
                                "icmp-responder.py", NULL);

  for (guint i = 0; i < N_HOSTS; i++)
    hosts[i] = g_strdup_printf ("127.0.%u.%u", 1 + i / 250, 1 + i % 250);

  /* LOOKOUT_BENCH_ONLY=hosts|fping|burst|accuracy runs one part. */
  only = g_getenv ("LOOKOUT_BENCH_ONLY");
  have_fping = icmp_netns_have_program ("fping");
  if (!have_fping)
    g_print ("fping: not installed (apt-get install fping): no reference figures\n");

  if (only == NULL || g_str_equal (only, "hosts") || g_str_equal (only, "fping"))
    g_print ("1,000 loopback hosts, once a second, for %u s\n", duration_s);
  if (only == NULL || g_str_equal (only, "hosts"))
    {
      bench_many_hosts (hosts, FALSE, &lookout_cpu);
      bench_many_hosts (hosts, TRUE, &raw_cpu);
    }
  if (have_fping && (only == NULL || g_str_equal (only, "fping")))
    bench_fping_many_hosts (hosts, lookout_cpu);
  if (only == NULL || g_str_equal (only, "burst"))
    bench_burst (have_fping);
  if (have_fping && (only == NULL || g_str_equal (only, "accuracy")))
    bench_accuracy (responder);

  return 0;
}
