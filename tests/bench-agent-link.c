/* bench-agent-link.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One hour of 1,000 targets at 10 s (360,000 results) waiting in a real
 * agent's outbox (`lookout-agent run --name paris` on loopback), back-filled
 * over one link into this process's manager while it checks 200 local
 * targets every second:
 *
 *   agent_backfill_360k_s           from the link's start to the last acknowledgement
 *   agent_link_results_per_s        results streamed over the one link per second
 *   agent_backfill_lateness_p99_ms  the manager's scheduler lateness meanwhile
 *   agent_cpu_us_per_remote_result  the manager's CPU per back-filled result
 *   agent_cpu_us_per_local_result   the manager's CPU per local check, for comparison
 *   agent_idle_lateness_p99_ms      the scheduler's lateness before the back-fill: the machine's own
 *   agent_backfill_dispatch_p99_ms  how long the main loop ran between two polls during the
 *                                   back-fill (what a due check can wait behind on the loop)
 *   agent_backfill_dispatch_cpu_p99_ms  the CPU the main thread had in such a run: the rest
 *                                   of a long run is time it waited for a core
 *   agent_backfill_dispatch_cpu_max_ms  the longest such run's CPU
 *
 * argv[1] is lookout-agent; an optional argv[2] scales the 360,000 down. */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "lookout-agent-link.h"
#include "lookout-target-options.h"
#include "lookout-monitor.h"
#include "lookout-scheduler.h"
#include "lookout-target-uri.h"
#include "lookout-test.h"

#define N_REMOTE 1000
#define N_LOCAL  200
#define HOUR_MS  (3600 * G_GINT64_CONSTANT (1000))

static guint n_local_results;
static guint64 n_remote_results;

/* The main loop's own timings, from its poll function: a check is late
 * either behind a long run of dispatches or because the thread waited for
 * a core in the middle of one (wall time beyond its CPU time). */
static GPollFunc real_poll;
static gboolean loop_watching;
static gint64 last_poll_return;
static gint64 last_poll_cpu;
static GArray *dispatch_us;
static GArray *dispatch_cpu_us;

static int
watch_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout_ms)
{
  gint64 entered = g_get_monotonic_time ();
  gint64 cpu = lookout_test_cpu_us_thread ();
  int ret;

  if (loop_watching && last_poll_return != 0)
    {
      gint64 ran = entered - last_poll_return;
      gint64 ran_cpu = cpu - last_poll_cpu;

      g_array_append_val (dispatch_us, ran);
      g_array_append_val (dispatch_cpu_us, ran_cpu);
    }
  ret = real_poll (fds, n_fds, timeout_ms);
  last_poll_return = g_get_monotonic_time ();
  last_poll_cpu = lookout_test_cpu_us_thread ();
  return ret;
}

/* The agent stands for another machine: started in a session of its own,
 * as a service manager starts it, it is not scheduled as a part of the
 * manager's session. */
static void
own_session (gpointer user_data)
{
  setsid ();
}

static LookoutTarget *
new_target (const char *uri,
            guint       interval_s,
            gboolean    enabled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) parsed = lookout_target_uri_parse (uri, &error);
  LookoutTarget *target;

  g_assert_no_error (error);
  target = lookout_target_new (parsed);
  lookout_target_set_interval (target, interval_s);
  lookout_target_set_enabled (target, enabled);
  /* the agent's targets are checked from paris only */
  if (!enabled)
    g_assert_true (lookout_target_set_option_text (target, "locations", "paris", &error));
  g_assert_no_error (error);
  return target;
}

static char *
remote_uri (guint i)
{
  return g_strdup_printf ("tcp://10.%u.%u.1:80", i / 250, i % 250);
}

static void
added_cb (GObject      *object,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), res, &error));
  (*(guint *) user_data)--;
}

static GPtrArray *
remote_targets (LookoutMonitor *monitor,
                const char     *agent,
                gpointer        user_data)
{
  GListModel *model = lookout_monitor_get_targets (monitor);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      LookoutTarget *target = g_list_model_get_item (model, i);

      if (!lookout_target_get_enabled (target))
        g_ptr_array_add (targets, target);
      else
        g_object_unref (target);
    }
  return targets;
}

static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           gpointer        user_data)
{
  if (result->location == NULL)
    n_local_results++;
  else
    n_remote_results++;
}

static void
count_sample_cb (gint64   ts_ms,
                 gint64   latency_us,
                 guint8   state,
                 gpointer user_data)
{
  (*(guint64 *) user_data)++;
}

/* Every result back-filled is stored, once. */
static guint64
count_remote_samples (LookoutMonitor *monitor)
{
  GListModel *model = lookout_monitor_get_targets (monitor);
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  g_assert_true (lookout_store_flush_sync (lookout_monitor_get_store (monitor), &error));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

      if (!lookout_target_get_enabled (target))
        g_assert_true (lookout_store_scan_samples_sync (lookout_monitor_get_store (monitor),
                                                        lookout_target_get_id (target), 0, G_MAXINT64,
                                                        count_sample_cb, &n, NULL, &error));
      g_assert_no_error (error);
    }
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) dir = NULL;
  g_autoptr(LookoutTestStore) manager = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutAgentLink) link = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *agent_db = NULL;
  g_autofree char *token = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  guint per_target = 360;
  guint64 total;
  guint16 port, local_port;
  gint64 t0, t1, cpu0, cpu1, local_cpu0, local_cpu1;
  guint local_before;
  guint adding = 0;
  double lateness_p99, per_local_us;
  LookoutScheduler *scheduler;
  g_autoptr(GSocketService) service = g_socket_service_new ();

  g_test_init (&argc, &argv, NULL);
  dispatch_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  dispatch_cpu_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, watch_poll);
  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-lookout-agent [RESULTS-PER-TARGET]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    per_target = MAX (1, atoi (argv[2]));
  total = (guint64) per_target * N_REMOTE;

  dir = lookout_test_dir_new ();
  agent_db = g_build_filename (dir, "agent.db", NULL);
  {
    g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < N_REMOTE; i++)
      g_ptr_array_add (uris, remote_uri (i));
    g_ptr_array_add (uris, NULL);
    lookout_test_fill_outbox (agent_db, (const char * const *) uris->pdata, "paris", per_target,
                              g_get_real_time () / 1000 - HOUR_MS, 10000);
  }
  {
    const char *token_argv[] = { argv[1], "token", "create", "--db", agent_db, "--name", "manager",
                                 "--scope", "agent", NULL };
    g_autoptr(GSubprocess) process = g_subprocess_newv (token_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &token, NULL, &error);
    g_assert_no_error (error);
    g_strstrip (token);
  }

  port = lookout_test_free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", port);
  {
    g_autoptr(GSubprocessLauncher) launcher = NULL;

    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup (launcher, own_session, NULL, NULL);
    agent = g_subprocess_launcher_spawn (launcher, &error, argv[1], "run", "--db", agent_db,
                                         "--listen", listen, "--name", "paris", NULL);
  }
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (lookout_test_port_listening (port));

  /* the manager: the agent's targets (checked there only) and local ones */
  local_port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_socket_service_start (service);
  manager = lookout_test_store_new ();
  monitor = lookout_test_monitor_new (manager->store);
  for (guint i = 0; i < N_REMOTE; i++)
    {
      g_autofree char *uri = remote_uri (i);
      g_autoptr(LookoutTarget) target = new_target (uri, 10, FALSE);

      adding++;
      lookout_monitor_add_target_async (monitor, target, NULL, added_cb, &adding);
    }
  for (guint i = 0; i < N_LOCAL; i++)
    {
      g_autofree char *uri = g_strdup_printf ("tcp://127.0.%u.%u:%u", 1 + i / 200, 1 + i % 200, local_port);
      g_autoptr(LookoutTarget) target = new_target (uri, 1, TRUE);

      adding++;
      lookout_monitor_add_target_async (monitor, target, NULL, added_cb, &adding);
    }
  LOOKOUT_TEST_WAIT (adding == 0);
  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), NULL);
  scheduler = lookout_monitor_get_scheduler (monitor);
  lookout_monitor_start (monitor);

  /* local checks alone first: what one costs, and how late they start
   * on this machine with no back-fill */
  lookout_test_run_for (2000);
  lookout_scheduler_reset_stats (scheduler);
  local_before = n_local_results;
  local_cpu0 = lookout_test_cpu_us_self ();
  lookout_test_run_for (5000);
  local_cpu1 = lookout_test_cpu_us_self ();
  per_local_us = (double) (local_cpu1 - local_cpu0) / MAX (1, n_local_results - local_before);
  printf ("figure: agent_cpu_us_per_local_result = %.1f us\n", per_local_us);
  printf ("figure: agent_idle_lateness_p99_ms = %.2f ms\n",
          lookout_scheduler_get_lateness_percentile (scheduler, 0.99) / 1000.0);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  link = lookout_agent_link_new (monitor, "paris", url, token, NULL, &error);
  g_assert_no_error (error);
  lookout_agent_link_set_targets_func (link, remote_targets, NULL);
  lookout_scheduler_reset_stats (scheduler);
  local_before = n_local_results;
  cpu0 = lookout_test_cpu_us_self ();
  t0 = g_get_monotonic_time ();
  loop_watching = TRUE;
  lookout_agent_link_start (link);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_acked_seq (link) >= total, 600000);
  loop_watching = FALSE;
  t1 = g_get_monotonic_time ();
  cpu1 = lookout_test_cpu_us_self ();
  lateness_p99 = lookout_scheduler_get_lateness_percentile (scheduler, 0.99) / 1000.0;

  g_assert_cmpuint (lookout_agent_link_get_n_duplicates (link), ==, 0);
  g_assert_cmpuint (lookout_agent_link_get_n_gaps (link), ==, 0);
  g_assert_cmpuint (n_remote_results, ==, total);
  printf ("figure: agent_backfill_%" G_GUINT64_FORMAT "_s = %.2f s\n", total, (t1 - t0) / 1e6);
  printf ("figure: agent_link_results_per_s = %.0f results/s\n", total / ((t1 - t0) / 1e6));
  printf ("figure: agent_backfill_lateness_p99_ms = %.2f ms\n", lateness_p99);
  printf ("figure: agent_backfill_dispatch_p99_ms = %.2f ms\n",
          lookout_test_percentile (dispatch_us, 0.99) / 1000.0);
  printf ("figure: agent_backfill_dispatch_cpu_p99_ms = %.2f ms\n",
          lookout_test_percentile (dispatch_cpu_us, 0.99) / 1000.0);
  printf ("figure: agent_backfill_dispatch_cpu_max_ms = %.2f ms\n",
          lookout_test_percentile (dispatch_cpu_us, 1.0) / 1000.0);
  /* the local checks of the same span are taken out at their own cost */
  printf ("figure: agent_cpu_us_per_remote_result = %.1f us\n",
          ((double) (cpu1 - cpu0) - (n_local_results - local_before) * per_local_us) / total);
  fflush (stdout);
  g_assert_cmpuint (count_remote_samples (monitor), ==, total);

  lookout_agent_link_stop (link);
  lookout_monitor_stop (monitor);
  g_subprocess_send_signal (agent, SIGTERM);
  g_subprocess_wait (agent, NULL, NULL);
  return 0;
}
