/* bench-api.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The REST API's figures, on loopback with a real client:
 *   - /metrics for 10,000 targets: render time, scrape time and size, beside
 *     prometheus-blackbox-exporter, which needs one scrape per target
 *     (measured here over a few hundred TCP targets, per target);
 *   - /api/v1/status for 10,000 targets, each with an hour of minutes,
 *     its day answered from the monitor's summaries (LookoutLiveStats),
 *     and their memory for a whole day of 10,000 targets at 60 s and of
 *     one target at 1 s;
 *   - the history of 30 days of one target at 1-minute steps;
 *   - the scheduler's lateness p99 while a client thread scrapes /metrics
 *     in a loop, against the same run without it, each beside the main
 *     thread's CPU and the time it stood runnable without a core (the
 *     machine's other load, which no code of ours can remove). */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lookout-api-private.h"
#include "lookout-api-server.h"
#include "lookout-test.h"

#define N_TARGETS        10000
#define N_BLACKBOX       300
#define DAY_MS           (86400 * G_GINT64_CONSTANT (1000))

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("lookout-bench-api-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
median_us (GArray *times)
{
  g_array_sort (times, compare_gint64);
  return g_array_index (times, gint64, times->len / 2);
}

/* The calling thread's CPU time, µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* GET @url with @token and @accept as Accept-Encoding (NULL: the session's
 * own): the wall time in µs, the size in *out_size. */
static gint64
timed_get_encoded (SoupSession *session,
                   const char  *url,
                   const char  *token,
                   const char  *accept,
                   gsize       *out_size)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *auth = token ? g_strdup_printf ("Bearer %s", token) : NULL;
  gint64 start = g_get_monotonic_time ();

  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if (accept != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Encoding", accept);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  if (out_size != NULL)
    *out_size = g_bytes_get_size (body);
  return g_get_monotonic_time () - start;
}

static gint64
timed_get (SoupSession *session,
           const char  *url,
           const char  *token,
           gsize       *out_size)
{
  return timed_get_encoded (session, url, token, NULL, out_size);
}

static void
inserted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  guint *left = user_data;

  g_assert_true (lookout_store_insert_target_finish (LOOKOUT_STORE (object), result, NULL));
  (*left)--;
}

static void
fill_store (LookoutStore *store,
            guint         n,
            gint64        now_ms)
{
  g_autoptr(GError) error = NULL;
  guint left = n;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uri = NULL;
      g_autoptr(LookoutTarget) target = NULL;

      switch (i % 4)
        {
        case 0: uri = g_strdup_printf ("http://127.0.0.1:%u/health", 1024 + i); break;
        case 1: uri = g_strdup_printf ("icmp://127.0.%u.%u", i / 250 % 250, i % 250 + 1); break;
        case 2: uri = g_strdup_printf ("tcp://127.0.0.1:%u", 1024 + i); break;
        default: uri = g_strdup_printf ("dns://127.0.0.1/host%u.example", i); break;
        }
      target = lookout_target_new_from_string (uri, &error);
      g_assert_no_error (error);
      lookout_store_insert_target_async (store, target, NULL, inserted_cb, &left);
    }
  LOOKOUT_TEST_WAIT_UNTIL (left == 0, 120000);

  /* an hour of minutes each, for the statistics of /api/v1/status */
  for (guint id = 1; id <= n; id++)
    for (guint m = 0; m < 60; m++)
      {
        LookoutSample s = {
          .target_id = id,
          .ts_ms = now_ms - (60 - m) * 60000,
          .latency_us = 1000 + (id * 7 + m * 13) % 5000,
          .state = LOOKOUT_TARGET_STATE_UP,
        };

        lookout_store_append_sample (store, &s);
      }
  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);
}

static void
feed_results (LookoutMonitor *monitor,
              gint64          now_ms)
{
  GListModel *targets = lookout_monitor_get_targets (monitor);

  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      g_autoptr(LookoutResult) r = lookout_result_new (lookout_target_get_kind (target));

      r->target_id = lookout_target_get_id (target);
      r->target = g_strdup (lookout_target_get_uri_string (target));
      r->started_ms = now_ms;
      r->ok = i % 50 != 0;
      r->state = r->ok ? LOOKOUT_TARGET_STATE_UP : LOOKOUT_TARGET_STATE_DOWN;
      r->latency_us = r->ok ? 1000 + (gint64) (i % 900) : -1;
      r->http_status = r->ok ? 200 : 0;
      r->dns_us = 100;
      r->connect_us = 200;
      r->tls_us = 0;
      r->processing_us = 600;
      r->transfer_us = 100;
      r->sent = 3;
      r->received = r->ok ? 3 : 0;
      r->jitter_us = 40;
      lookout_monitor_handle_result (monitor, target, r);
    }
}

/* ---- blackbox_exporter, one scrape per target ---- */

/* probe_success of one more blackbox scrape */
static guint
blackbox_successes (SoupSession *session,
                    const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), NULL);
  g_assert_nonnull (body);
  return g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "\nprobe_success 1") != NULL;
}

typedef struct
{
  double ms_per_scrape;
  double bytes_per_scrape;
} BlackboxFigures;

static gboolean
blackbox_figures (const char      *dir,
                  guint16          tcp_port,
                  BlackboxFigures *out)
{
  g_autofree char *program = g_find_program_in_path ("prometheus-blackbox-exporter");
  g_autofree char *config = g_build_filename (dir, "blackbox.yml", NULL);
  g_autofree char *config_arg = g_strdup_printf ("--config.file=%s", config);
  g_autofree char *listen_arg = NULL;
  g_autoptr(GSocket) probe_socket = NULL;
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gint64 total_us = 0;
  gsize total_bytes = 0;
  guint16 port;

  if (program == NULL)
    {
      printf ("# prometheus-blackbox-exporter is not installed: no comparison\n");
      return FALSE;
    }

  /* a port nobody uses, for its --web.listen-address */
  probe_socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_socket_bind (probe_socket, any, FALSE, NULL);
  bound = g_socket_get_local_address (probe_socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (probe_socket, NULL);

  g_file_set_contents (config, "modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 5s\n", -1, NULL);
  listen_arg = g_strdup_printf ("--web.listen-address=127.0.0.1:%u", port);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              program, config_arg, listen_arg, "--log.level=error", NULL);
  g_assert_no_error (error);

  url = g_strdup_printf ("http://127.0.0.1:%u/probe?module=tcp_connect&target=127.0.0.1:%u", port, tcp_port);
  /* until it listens */
  for (guint tries = 0;; tries++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (body != NULL && soup_message_get_status (msg) == 200)
        break;
      g_assert_cmpuint (tries, <, 100);
      /* it is starting: wait for its port, not for a condition of ours */
      g_usleep (100000);
    }

  /* asynchronously, so that the main loop accepts the probes' connections */
  for (guint i = 0; i < N_BLACKBOX; i++)
    {
      gsize size = 0;

      total_us += timed_get (session, url, NULL, &size);
      total_bytes += size;
    }
  g_assert_cmpuint (blackbox_successes (session, url), ==, 1);

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);

  out->ms_per_scrape = total_us / 1000.0 / N_BLACKBOX;
  out->bytes_per_scrape = (double) total_bytes / N_BLACKBOX;
  return TRUE;
}

/* ---- a client thread scraping in a loop ---- */

typedef struct
{
  char          *url;
  char          *token;
  volatile gint  stop;
  guint          scrapes;
  guint          failures;
  gint           finished;
} Scraper;

static gpointer
scraper_thread (gpointer data)
{
  Scraper *s = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *auth = g_strdup_printf ("Bearer %s", s->token);
  g_autoptr(GError) error = NULL;

  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  /* as Prometheus connects: no proxy lookup, which libproxy would run on
   * GIO's shared workers, busy with the targets' anomaly backfills */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
  while (!g_atomic_int_get (&s->stop))
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", s->url);
      g_autoptr(GBytes) body = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      if (body == NULL || soup_message_get_status (msg) != 200)
        {
          g_printerr ("# a scrape failed: %s (HTTP %u)\n", error ? error->message : "", soup_message_get_status (msg));
          g_clear_error (&error);
          s->failures++;
          continue;
        }
      s->scrapes++;
    }
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&s->finished, 1);
  return NULL;
}

/* The calling thread's time on a CPU and waiting for one while runnable
 * (ns, Linux's schedstat): how much the machine's other load held the main
 * loop back, beside what it spent itself. FALSE where not available. */
static gboolean
thread_sched_ns (guint64 *out_cpu,
                 guint64 *out_waited)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return FALSE;
  return sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, out_cpu, out_waited) == 2;
}

/* Runs the monitor's checks for @seconds; returns the lateness p99 in ms. */
static double
lateness_p99_ms (LookoutMonitor *monitor,
                 guint           seconds,
                 Scraper        *scraper)
{
  LookoutScheduler *scheduler = lookout_monitor_get_scheduler (monitor);
  GThread *thread = NULL;
  double p99;

  guint64 cpu_before = 0, waited_before = 0, cpu_after = 0, waited_after = 0;
  gboolean sched_known;

  lookout_scheduler_reset_stats (scheduler);
  if (scraper != NULL)
    thread = g_thread_new ("scraper", scraper_thread, scraper);
  sched_known = thread_sched_ns (&cpu_before, &waited_before);
  lookout_test_run_for (seconds * 1000);
  sched_known = sched_known && thread_sched_ns (&cpu_after, &waited_after);
  p99 = lookout_scheduler_get_lateness_percentile (scheduler, 0.99) / 1000.0;
  if (thread != NULL)
    {
      g_atomic_int_set (&scraper->stop, 1);
      /* its last scrape is answered by this loop */
      LOOKOUT_TEST_WAIT_UNTIL (g_atomic_int_get (&scraper->finished), 120000);
      g_thread_join (thread);
    }
  if (sched_known)
    {
      const char *run = scraper != NULL ? "scraped" : "quiet";

      printf ("figure: main_thread_cpu_percent_%s = %.1f %%\n", run,
              (cpu_after - cpu_before) / 1e7 / seconds);
      printf ("figure: main_thread_runnable_wait_ms_per_s_%s = %.1f ms\n", run,
              (waited_after - waited_before) / 1e6 / seconds);
    }
  return p99;
}

/* The summaries of a whole day, filled as results come: @n_targets at one
 * result every @interval_ms (latencies spread as a real target's are). */
static gsize
live_stats_bytes (LookoutStore *store,
                  guint         n_targets,
                  gint64        interval_ms)
{
  g_autoptr(LookoutLiveStats) live = lookout_live_stats_new (store, DAY_MS);
  gint64 start_ms = 1767225600000;
  guint32 state = 12345;

  for (guint id = 1; id <= n_targets; id++)
    lookout_live_stats_add_target (live, id);
  for (gint64 t = 0; t < DAY_MS; t += interval_ms)
    for (guint id = 1; id <= n_targets; id++)
      {
        LookoutSample s = {
          .target_id = id,
          .ts_ms = start_ms + t + id % 1000,
          .state = LOOKOUT_TARGET_STATE_UP,
        };

        state = state * 1103515245 + 12345;
        s.latency_us = 20000 + (state >> 16) % 5000;
        lookout_live_stats_add (live, &s);
      }
  return lookout_live_stats_get_memory (live);
}

static void
live_stats_memory (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "memory.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) store = lookout_store_open_sync (db, NULL, &error);
  gsize at_60s, at_1s;

  g_assert_no_error (error);
  at_60s = live_stats_bytes (store, N_TARGETS, 60000);
  at_1s = live_stats_bytes (store, 10, 1000) / 10;
  printf ("figure: live_stats_mb_10000_targets_60s = %.1f MB\n", at_60s / 1e6);
  printf ("figure: live_stats_bytes_per_result = %.1f B\n", at_60s / (N_TARGETS * 1440.0));
  printf ("figure: live_stats_mb_per_target_1s = %.2f MB\n", at_1s / 1e6);
  printf ("figure: live_stats_mb_10000_targets_1s = %.0f MB\n", at_1s * N_TARGETS / 1e6);
  lookout_store_close (store);
  {
    g_autoptr(LookoutTestDir) cleanup = g_strdup (dir);
  }
}

/* The series of a render, and the bytes of their `target="…",name="…"`. */
static guint
count_series (LookoutApiMetrics *metrics,
              gsize             *out_label_bytes)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  *out_label_bytes = 0;
  lookout_api_metrics_render (metrics, out);
  lines = g_strsplit (out->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *target = strstr (lines[i], "target=\"");
      const char *name = target != NULL ? strstr (target, "\",name=\"") : NULL;
      const char *end = name != NULL ? strstr (name + 8, "\"") : NULL;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      n++;
      if (end != NULL)
        *out_label_bytes += end + 1 - target;
    }
  return n;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "lookout.db", NULL);
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutApiServer) server = NULL;
  g_autoptr(LookoutApiMetrics) metrics = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) raw_session = soup_session_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketService) service = NULL;
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  BlackboxFigures blackbox;
  gint64 now_ms = g_get_real_time () / 1000;
  gsize size = 0, gzip_size = 0;
  guint16 tcp_port;
  double render_ms, scrape_ms, status_ms, history_ms, quiet_p99, busy_p99;
  Scraper scraper = { NULL, };

  setvbuf (stdout, NULL, _IOLBF, 0);

  store = lookout_store_open_sync (db, NULL, &error);
  g_assert_no_error (error);
  fill_store (store, N_TARGETS, now_ms);
  monitor = lookout_test_monitor_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_monitor_get_targets (monitor)), ==, N_TARGETS);

  server = lookout_api_server_new (monitor);
  lookout_api_server_listen (server, "127.0.0.1:0", NULL, &error);
  g_assert_no_error (error);
  base = lookout_api_server_dup_url (server);
  token = lookout_api_tokens_create (lookout_api_server_get_tokens (server), "bench",
                                     LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_METRICS, &error);
  g_assert_no_error (error);
  /* the summaries have read the last day of the file */
  LOOKOUT_TEST_WAIT_UNTIL (lookout_live_stats_is_ready (lookout_monitor_get_live_stats (monitor)), 120000);
  feed_results (monitor, now_ms);

  /* /metrics: rendering alone, then the whole scrape */
  metrics = lookout_api_metrics_new (monitor);
  feed_results (monitor, now_ms + 1);
  for (guint i = 0; i < 21; i++)
    {
      g_autoptr(GString) out = g_string_sized_new (4 << 20);
      gint64 start = g_get_monotonic_time ();
      gint64 cpu_start = thread_cpu_us ();
      gint64 took, cpu;

      lookout_api_metrics_render (metrics, out);
      took = g_get_monotonic_time () - start;
      cpu = thread_cpu_us () - cpu_start;
      g_array_append_val (times, took);
      g_array_append_val (cpu_times, cpu);
      size = out->len;
    }
  render_ms = median_us (times) / 1000.0;
  g_array_set_size (times, 0);
  {
    gsize label_bytes;
    guint n_series = count_series (metrics, &label_bytes);

    printf ("figure: api_metrics_series_10000_targets = %u\n", n_series);
    /* the least the plain text can be: the labels the issue asks on every
     * series, the target's URI and its name, without anything else */
    printf ("figure: api_metrics_required_label_bytes_10000_targets = %.2f MB\n", label_bytes / 1e6);
  }
  /* the CPU it took, which other processes on the machine do not change */
  printf ("figure: api_metrics_render_cpu_ms_10000_targets = %.2f ms\n", median_us (cpu_times) / 1000.0);

  /* what a scrape holds the table's lock for: the copy (on its worker
   * thread; the main loop only waits for the lock if a result comes then) */
  for (guint i = 0; i < 21; i++)
    {
      gint64 start = g_get_monotonic_time ();
      LookoutApiMetricsSnapshot *snapshot = lookout_api_metrics_snapshot (metrics);
      gint64 took = g_get_monotonic_time () - start;

      lookout_api_metrics_snapshot_free (snapshot);
      g_array_append_val (times, took);
    }
  printf ("figure: api_metrics_snapshot_ms_10000_targets = %.2f ms\n", median_us (times) / 1000.0);
  g_array_set_size (times, 0);

  /* as Prometheus scrapes: gzip accepted, the body as it comes */
  url = g_strconcat (base, "/metrics", NULL);
  soup_session_remove_feature_by_type (raw_session, SOUP_TYPE_CONTENT_DECODER);
  for (guint i = 0; i < 21; i++)
    {
      gint64 took = timed_get_encoded (raw_session, url, token, "gzip", &gzip_size);

      g_array_append_val (times, took);
    }
  scrape_ms = median_us (times) / 1000.0;
  g_array_set_size (times, 0);
  /* and by a client that takes no compression */
  for (guint i = 0; i < 21; i++)
    {
      gint64 took = timed_get_encoded (raw_session, url, token, "identity", &size);

      g_array_append_val (times, took);
    }
  printf ("figure: api_metrics_render_ms_10000_targets = %.2f ms\n", render_ms);
  printf ("figure: api_metrics_scrape_ms_10000_targets = %.2f ms\n", scrape_ms);
  printf ("figure: api_metrics_scrape_ms_uncompressed_10000_targets = %.2f ms\n", median_us (times) / 1000.0);
  g_array_set_size (times, 0);
  printf ("figure: api_metrics_bytes_10000_targets = %.2f MB\n", size / 1e6);
  printf ("figure: api_metrics_gzip_bytes_10000_targets = %.2f MB\n", gzip_size / 1e6);
  printf ("figure: api_metrics_us_per_target = %.2f us\n", scrape_ms * 1000.0 / N_TARGETS);

  service = g_socket_service_new ();
  tcp_port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  if (blackbox_figures (dir, tcp_port, &blackbox))
    {
      printf ("figure: blackbox_scrape_ms_per_target = %.3f ms\n", blackbox.ms_per_scrape);
      printf ("figure: blackbox_scrape_bytes_per_target = %.0f B\n", blackbox.bytes_per_scrape);
      printf ("figure: blackbox_scrape_s_10000_targets = %.2f s\n", blackbox.ms_per_scrape * N_TARGETS / 1000.0);
      printf ("figure: api_metrics_time_ratio_to_blackbox = %.4f\n",
              scrape_ms / (blackbox.ms_per_scrape * N_TARGETS));
    }
  g_socket_service_stop (service);

  /* /api/v1/status over the last day, an hour of minutes per target */
  g_free (url);
  url = g_strconcat (base, "/api/v1/status?range=24h", NULL);
  for (guint i = 0; i < 11; i++)
    {
      gint64 took = timed_get (session, url, token, &size);

      g_array_append_val (times, took);
    }
  status_ms = median_us (times) / 1000.0;
  g_array_set_size (times, 0);
  printf ("figure: api_status_ms_10000_targets = %.1f ms\n", status_ms);

  printf ("figure: api_status_bytes_10000_targets = %.2f MB\n", size / 1e6);

  /* 30 days of one target at one-minute steps */
  {
    g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:4", NULL);
    gint64 id;

    lookout_test_add_target (monitor, target);
    id = lookout_target_get_id (target);
    for (gint64 m = 0; m < 30 * 1440; m++)
      {
        LookoutSample s = {
          .target_id = id,
          .ts_ms = (now_ms / 60000 - 30 * 1440 + m) * 60000,
          .latency_us = 2000 + m % 700,
          .state = LOOKOUT_TARGET_STATE_UP,
        };

        lookout_store_append_sample (store, &s);
      }
    lookout_store_flush_sync (store, &error);
    g_assert_no_error (error);

    g_free (url);
    url = g_strdup_printf ("%s/api/v1/targets/%" G_GINT64_FORMAT "/history?range=30d&step=1m&limit=50000",
                           base, id);
    for (guint i = 0; i < 11; i++)
      {
        gint64 took = timed_get (session, url, token, &size);

        g_array_append_val (times, took);
      }
    history_ms = median_us (times) / 1000.0;
    g_array_set_size (times, 0);
    printf ("figure: api_history_ms_30_days_1m_steps = %.2f ms\n", history_ms);
    printf ("figure: api_history_bytes_30_days_1m_steps = %.2f MB\n", size / 1e6);
  }

  live_stats_memory ();

  /* the scheduler while a client scrapes /metrics in a loop: the 10,000
   * targets checked at their kinds' intervals against closed ports */
  lookout_monitor_start (monitor);
  lookout_test_run_for (3000);
  quiet_p99 = lateness_p99_ms (monitor, 10, NULL);
  scraper.url = g_strconcat (base, "/metrics", NULL);
  scraper.token = token;
  busy_p99 = lateness_p99_ms (monitor, 10, &scraper);
  lookout_monitor_stop (monitor);
  printf ("# %u scrapes of /metrics during the busy run, %u failed\n", scraper.scrapes, scraper.failures);
  printf ("figure: scheduler_lateness_p99_ms_quiet = %.2f ms\n", quiet_p99);
  printf ("figure: scheduler_lateness_p99_ms_scraped = %.2f ms\n", busy_p99);
  g_free (scraper.url);

  lookout_api_server_stop (server);
  g_clear_object (&server);
  g_clear_object (&metrics);
  g_clear_object (&monitor);
  lookout_store_close (store);
  {
    g_autoptr(LookoutTestDir) cleanup = g_strdup (dir);
  }
  return 0;
}
