/* bench-http.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* HTTP probe benchmarks, each beside its reference tool in the same run.
 *
 * CPU: N probes of a small static file served by nginx on loopback, one after
 * the other over keep-alive; the prober's CPU comes from getrusage(). Then
 * prometheus-blackbox-exporter probes the same URL N times, driven through
 * its /probe endpoint; its CPU comes from /proc/PID/stat, so the driver's
 * own CPU is left out. blackbox_exporter opens a new connection per probe:
 * that is how it works, and it is measured as it is. Lookout with a fresh
 * connection per probe is printed too, for a like-with-like view.
 *
 * Accuracy: a server that waits 50 ms before answering; each round runs
 * curl (time_total on a new connection) and a Lookout probe with a new
 * connection, then the median of the differences is printed; the same for
 * both over a kept-alive connection. Both clients pay the server's cost of
 * a new connection the same way, so each pair compares like with like.
 *
 * LOOKOUT_BENCH_N sets N (default 20000). Missing tools are reported and
 * their figures skipped. */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lookout-http-probe.h"
#include "lookout-test.h"

#define ACCURACY_ROUNDS 50
#define SMALL_FILE      "Lookout benchmark: a small static file.\n"

static LookoutTestDir *tmpdir;

static gboolean
wait_for_port (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(GSocketConnection) connection = NULL;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
      if (connection != NULL)
        return TRUE;
      g_usleep (10000);
    }

  return FALSE;
}

static void
stop_process (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
}

/* nginx serving a small file, as whoever runs the benchmark. */
static GSubprocess *
start_nginx (guint16 *out_port)
{
  g_autofree char *nginx = g_find_program_in_path ("nginx");
  g_autofree char *www = g_build_filename (tmpdir, "www", NULL);
  g_autofree char *file = g_build_filename (www, "small.txt", NULL);
  g_autofree char *conf_path = g_build_filename (tmpdir, "nginx.conf", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *error_log = g_build_filename (tmpdir, "nginx-error.log", NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  guint16 port;

  if (nginx == NULL && g_file_test ("/usr/sbin/nginx", G_FILE_TEST_IS_EXECUTABLE))
    nginx = g_strdup ("/usr/sbin/nginx");
  if (nginx == NULL)
    return NULL;

  port = lookout_test_free_port ();
  g_mkdir_with_parents (www, 0755);
  g_chmod (tmpdir, 0755);
  g_file_set_contents (file, SMALL_FILE, -1, NULL);
  g_chmod (file, 0644);
  conf = g_strdup_printf ("worker_processes 1;\n"
                          "daemon off;\n"
                          "pid %s/nginx.pid;\n"
                          "error_log %s warn;\n"
                          "events { worker_connections 1024; }\n"
                          "http {\n"
                          "  access_log off;\n"
                          "  client_body_temp_path %s/body;\n"
                          "  proxy_temp_path %s/proxy;\n"
                          "  fastcgi_temp_path %s/fastcgi;\n"
                          "  uwsgi_temp_path %s/uwsgi;\n"
                          "  scgi_temp_path %s/scgi;\n"
                          "  keepalive_requests 10000000;\n"
                          "  keepalive_timeout 75s;\n"
                          "  server { listen 127.0.0.1:%u; root %s; }\n"
                          "}\n",
                          tmpdir, error_log, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, port, www);
  g_file_set_contents (conf_path, conf, -1, NULL);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              nginx, "-p", tmpdir, "-e", error_log, "-c", conf_path, NULL);
  if (process == NULL || !wait_for_port (port))
    {
      printf ("# nginx did not start: %s\n", error ? error->message : "it does not listen");
      stop_process (process);
      g_clear_object (&process);
      return NULL;
    }

  *out_port = port;
  return process;
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static LookoutResult *
probe_once (LookoutProbe  *probe,
            LookoutTarget *target)
{
  g_autoptr(GAsyncResult) res = NULL;

  /* Measured per probe: a bare iteration, no deadline source in the figure. */
  lookout_probe_run_async (probe, target, NULL, probe_done_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);

  return lookout_probe_run_finish (probe, res, NULL);
}

/* CPU per probe in µs over @n probes, or -1 when a probe failed. */
static double
measure_lookout_cpu (const char *url,
                     gboolean    keep_alive,
                     guint       n)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string (url, NULL);
  gint64 cpu_before, wall_before, cpu, wall;

  lookout_http_probe_set_keep_alive (LOOKOUT_HTTP_PROBE (probe), keep_alive);

  for (guint i = 0; i < n / 20 + 10; i++)
    {
      g_autoptr(LookoutResult) result = probe_once (probe, target);

      if (result == NULL || !result->ok)
        {
          printf ("# Lookout probe of %s failed: %s\n", url, result ? result->error : "no result");
          return -1;
        }
    }

  cpu_before = lookout_test_cpu_us_self ();
  wall_before = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutResult) result = probe_once (probe, target);

      if (result == NULL || !result->ok)
        {
          printf ("# Lookout probe of %s failed: %s\n", url, result ? result->error : "no result");
          return -1;
        }
    }
  cpu = lookout_test_cpu_us_self () - cpu_before;
  wall = g_get_monotonic_time () - wall_before;

  printf ("# Lookout (%s): %u probes in %.2f s, %.0f probes/s sequentially\n",
          keep_alive ? "keep-alive" : "fresh connections", n, wall / 1e6, n / (wall / 1e6));
  return (double) cpu / n;
}

static GSubprocess *
start_blackbox (guint16 *out_port)
{
  g_autofree char *blackbox = g_find_program_in_path ("prometheus-blackbox-exporter");
  g_autofree char *config_path = g_build_filename (tmpdir, "blackbox.yml", NULL);
  g_autofree char *listen = NULL;
  g_autofree char *config_arg = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  guint16 port;

  if (blackbox == NULL)
    return NULL;

  g_file_set_contents (config_path,
                       "modules:\n"
                       "  http_2xx:\n"
                       "    prober: http\n"
                       "    timeout: 5s\n"
                       "    http:\n"
                       "      preferred_ip_protocol: ip4\n",
                       -1, NULL);
  port = lookout_test_free_port ();
  listen = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", port);
  config_arg = g_strdup_printf ("--config.file=%s", config_path);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              blackbox, config_arg, listen, "--log.level=error", NULL);
  if (process == NULL || !wait_for_port (port))
    {
      printf ("# prometheus-blackbox-exporter did not start: %s\n",
              error ? error->message : "it does not listen");
      stop_process (process);
      g_clear_object (&process);
      return NULL;
    }

  *out_port = port;
  return process;
}

static gboolean
blackbox_probe (SoupSession *session,
                const char  *probe_url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", probe_url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  gsize size;
  const char *data;

  if (body == NULL || soup_message_get_status (msg) != 200)
    return FALSE;
  data = g_bytes_get_data (body, &size);
  return g_strstr_len (data, size, "\nprobe_success 1") != NULL;
}

static double
measure_blackbox_cpu (const char *target_url,
                      guint       n)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *escaped = g_uri_escape_string (target_url, NULL, FALSE);
  g_autofree char *probe_url = NULL;
  gint64 cpu_before, wall_before, cpu, wall;
  guint16 port = 0;
  const char *pid;

  process = start_blackbox (&port);
  if (process == NULL)
    return -1;
  pid = g_subprocess_get_identifier (process);
  probe_url = g_strdup_printf ("http://127.0.0.1:%u/probe?module=http_2xx&target=%s", port, escaped);

  for (guint i = 0; i < n / 20 + 10; i++)
    if (!blackbox_probe (session, probe_url))
      {
        printf ("# blackbox_exporter probe failed\n");
        stop_process (process);
        return -1;
      }

  cpu_before = lookout_test_cpu_us_of (pid);
  wall_before = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    if (!blackbox_probe (session, probe_url))
      {
        printf ("# blackbox_exporter probe failed\n");
        stop_process (process);
        return -1;
      }
  cpu = lookout_test_cpu_us_of (pid) - cpu_before;
  wall = g_get_monotonic_time () - wall_before;
  stop_process (process);

  printf ("# blackbox_exporter: %u probes in %.2f s, %.0f probes/s sequentially\n",
          n, wall / 1e6, n / (wall / 1e6));
  return (double) cpu / n;
}

static GSubprocess *
start_delay_server (guint16 *out_port)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "http-delay-server.py", NULL);
  g_autofree char *port_file = g_build_filename (tmpdir, "delay-server.port", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                              "/usr/bin/python3", script, port_file, NULL);
  if (process == NULL)
    {
      printf ("# the delay server did not start: %s\n", error->message);
      return NULL;
    }

  for (guint i = 0; i < 500 && !g_file_get_contents (port_file, &contents, NULL, NULL); i++)
    g_usleep (10000);
  if (contents == NULL || (*out_port = atoi (contents)) == 0 || !wait_for_port (*out_port))
    {
      printf ("# the delay server did not start\n");
      stop_process (process);
      g_clear_object (&process);
    }

  return process;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* curl's time_total in µs, or -1. curl fetches the URL twice and the second
 * is timed: a process that has just started runs cold and adds its own
 * milliseconds, which Lookout, long running, does not. With keep_alive the
 * second fetch reuses the first one's connection, otherwise each has its own. */
static double
curl_time_total (const char *curl,
                 const char *url,
                 gboolean    keep_alive)
{
  const char *argv[] = {
    curl, "-s", "-w", "%{time_total}\n",
    "-o", "/dev/null", url, "-o", "/dev/null", url,
    keep_alive ? NULL : "-H", "Connection: close", NULL
  };
  g_autofree char *out = NULL;
  const char *second;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL) ||
      (second = strchr (out, '\n')) == NULL)
    return -1;

  return g_ascii_strtod (second + 1, NULL) * 1e6;
}

static void
measure_accuracy (void)
{
  g_autofree char *curl = g_find_program_in_path ("curl");
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(LookoutProbe) fresh = lookout_http_probe_new ();
  g_autoptr(LookoutProbe) kept = lookout_http_probe_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *url = NULL;
  double curl_us[ACCURACY_ROUNDS], curl_kept_us[ACCURACY_ROUNDS];
  double fresh_us[ACCURACY_ROUNDS], kept_us[ACCURACY_ROUNDS];
  double gap_fresh[ACCURACY_ROUNDS], gap_kept[ACCURACY_ROUNDS];
  guint16 port = 0;

  if (curl == NULL)
    {
      printf ("# curl is not installed: no latency comparison\n");
      return;
    }
  server = start_delay_server (&port);
  if (server == NULL)
    {
      printf ("# /usr/bin/python3 is missing or the delay server failed: no latency comparison\n");
      return;
    }

  url = g_strdup_printf ("http://127.0.0.1:%u/delay?ms=50", port);
  target = lookout_target_new_from_string (url, NULL);
  lookout_http_probe_set_keep_alive (LOOKOUT_HTTP_PROBE (fresh), FALSE);
  lookout_result_unref (probe_once (kept, target));

  for (guint i = 0; i < ACCURACY_ROUNDS; i++)
    {
      g_autoptr(LookoutResult) a = NULL;
      g_autoptr(LookoutResult) b = NULL;

      /* Take turns going first, so that neither always meets a server just
       * woken up or still busy with the previous connection. */
      if (i % 2 == 0)
        {
          curl_us[i] = curl_time_total (curl, url, FALSE);
          curl_kept_us[i] = curl_time_total (curl, url, TRUE);
        }
      a = probe_once (fresh, target);
      b = probe_once (kept, target);
      if (i % 2 == 1)
        {
          curl_kept_us[i] = curl_time_total (curl, url, TRUE);
          curl_us[i] = curl_time_total (curl, url, FALSE);
        }
      if (a == NULL || !a->ok || b == NULL || !b->ok || curl_us[i] < 0 || curl_kept_us[i] < 0)
        {
          printf ("# a latency probe failed: %s\n",
                  a && !a->ok ? a->error : b && !b->ok ? b->error : "curl failed");
          stop_process (server);
          return;
        }
      fresh_us[i] = a->latency_us;
      kept_us[i] = b->latency_us;
      gap_fresh[i] = fresh_us[i] - curl_us[i];
      gap_kept[i] = kept_us[i] - curl_kept_us[i];
    }
  stop_process (server);

  printf ("# medians over %d rounds against a 50 ms server: new connection: curl %.3f ms, Lookout %.3f ms; "
          "kept-alive connection: curl %.3f ms, Lookout %.3f ms\n",
          ACCURACY_ROUNDS, median (curl_us, ACCURACY_ROUNDS) / 1000, median (fresh_us, ACCURACY_ROUNDS) / 1000,
          median (curl_kept_us, ACCURACY_ROUNDS) / 1000, median (kept_us, ACCURACY_ROUNDS) / 1000);
  printf ("figure: http_latency_gap_vs_curl_median = %.3f ms\n", median (gap_fresh, ACCURACY_ROUNDS) / 1000);
  printf ("figure: http_latency_gap_vs_curl_median_keepalive = %.3f ms\n", median (gap_kept, ACCURACY_ROUNDS) / 1000);
}

static void
measure_cpu (guint n)
{
  g_autoptr(GSubprocess) nginx = NULL;
  g_autofree char *url = NULL;
  g_autofree char *blackbox_path = g_find_program_in_path ("prometheus-blackbox-exporter");
  double lookout, lookout_fresh, blackbox;
  guint16 port = 0;

  nginx = start_nginx (&port);
  if (nginx == NULL)
    {
      printf ("# nginx is not installed or did not start: no CPU figures\n");
      return;
    }
  url = g_strdup_printf ("http://127.0.0.1:%u/small.txt", port);

  lookout = measure_lookout_cpu (url, TRUE, n);
  if (lookout >= 0)
    printf ("figure: http_cpu_per_probe_lookout = %.1f us\n", lookout);
  lookout_fresh = measure_lookout_cpu (url, FALSE, n / 4);
  if (lookout_fresh >= 0)
    printf ("figure: http_cpu_per_probe_lookout_fresh_connection = %.1f us\n", lookout_fresh);

  if (blackbox_path == NULL)
    printf ("# prometheus-blackbox-exporter is not installed: no blackbox figures\n");
  else if ((blackbox = measure_blackbox_cpu (url, n / 4)) > 0)
    {
      printf ("figure: http_cpu_per_probe_blackbox = %.1f us\n", blackbox);
      if (lookout > 0)
        printf ("figure: http_cpu_ratio_lookout_vs_blackbox = %.3f\n", lookout / blackbox);
    }

  stop_process (nginx);
}

int
main (int   argc,
      char *argv[])
{
  const char *n_env = g_getenv ("LOOKOUT_BENCH_N");
  guint n = n_env ? (guint) g_ascii_strtoull (n_env, NULL, 10) : 20000;

  if (n < 100)
    n = 100;

  tmpdir = lookout_test_dir_new ();

  measure_cpu (n);
  measure_accuracy ();

  g_clear_pointer (&tmpdir, lookout_test_dir_free);

  return 0;
}
