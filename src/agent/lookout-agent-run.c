/* lookout-agent-run.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent run --db PATH [--targets FILE] [--config FILE] [--duration SECONDS]
 *                     [--listen HOST:PORT [--name NAME [--location LAT,LON]]]
 *
 * Headless monitoring of a database's targets. Exit status: 0 stopped
 * cleanly, 1 the database could not be used, 2 bad usage or a bad file.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-format.h"
#include "lookout-alert-config.h"
#include "lookout-monitor.h"
#include "lookout-notifier.h"
#include "lookout-scheduler.h"
#include "lookout-store.h"
#include "lookout-target.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"

typedef struct
{
  GMainLoop      *loop;
  LookoutMonitor *monitor;
  GHashTable     *states;          /* LookoutTarget * -> last printed state + 1 */
  gboolean        verbose;
  gboolean        stopping;        /* a signal or the end of --duration came */
  guint           pending;         /* targets being added */
  GError         *error;
  GString        *out;             /* lines not yet written */
  guint           flush_id;
  guint64         dropped_before;  /* n-dropped when saving last stopped or resumed */
  gboolean        dropping_told;
} Run;

/* A fresh start changes the state of every target within one interval:
 * lines are gathered and written out together, at most FLUSH_DELAY_MS after
 * the first, rather than one write () per line. */
#define FLUSH_DELAY_MS 100

static void
flush_output (Run *run)
{
  g_clear_handle_id (&run->flush_id, g_source_remove);
  if (run->out->len > 0)
    {
      fwrite (run->out->str, 1, run->out->len, stdout);
      fflush (stdout);
      g_string_truncate (run->out, 0);
    }
}

static gboolean
flush_due_cb (gpointer user_data)
{
  Run *run = user_data;

  run->flush_id = 0;
  flush_output (run);

  return G_SOURCE_REMOVE;
}

G_GNUC_PRINTF (2, 3)
static void
print_line (Run        *run,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (run->out, format, args);
  va_end (args);

  if (run->flush_id == 0)
    run->flush_id = g_timeout_add (FLUSH_DELAY_MS, flush_due_cb, run);
}

static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           Run            *run)
{
  LookoutTargetState state = lookout_target_get_state (target);
  gpointer old = g_hash_table_lookup (run->states, target);
  LookoutTargetState old_state = old ? GPOINTER_TO_UINT (old) - 1 : LOOKOUT_TARGET_STATE_UNKNOWN;
  g_autofree char *when = NULL;

  if (run->verbose)
    {
      /* a remote agent's result says where it was checked from */
      g_autofree char *from = result->location ? g_strdup_printf (" from %s", result->location) : NULL;

      when = lookout_agent_format_time_ms (result->started_ms);
      if (result->ok)
        {
          g_autofree char *latency = lookout_format_latency (result->latency_us);

          print_line (run, "%s %s ok %s%s\n", when, lookout_target_get_uri_string (target), latency,
                      from ? from : "");
        }
      else
        print_line (run, "%s %s failed (%s): %s%s\n", when, lookout_target_get_uri_string (target),
                    lookout_probe_error_to_string (result->error_code),
                    result->error ? result->error : "", from ? from : "");
    }

  if (state != old_state)
    {
      g_hash_table_insert (run->states, target, GUINT_TO_POINTER (state + 1));
      if (when == NULL)
        when = lookout_agent_format_time_ms (result->started_ms);
      if (result->ok || result->error == NULL)
        print_line (run, "%s %s is %s (was %s)\n", when, lookout_target_get_uri_string (target),
                    lookout_target_state_to_string (state), lookout_target_state_to_string (old_state));
      else
        print_line (run, "%s %s is %s (was %s): %s\n", when, lookout_target_get_uri_string (target),
                    lookout_target_state_to_string (state), lookout_target_state_to_string (old_state),
                    result->error);
    }
}

/* A route change is said on a line of its own, whatever --verbose says. */
static void
route_event_cb (LookoutAlertEngine *engine,
                LookoutAlertEvent  *event,
                Run                *run)
{
  g_autofree char *when = NULL;

  if (event->kind != LOOKOUT_ALERT_EVENT_ROUTE_CHANGE)
    return;

  when = lookout_agent_format_time_ms (event->ts_ms);
  print_line (run, "%s %s %s: %s\n", when, event->target_uri,
              lookout_alert_event_kind_to_string (event->kind), event->message);
}

static char *
format_now (void)
{
  return lookout_agent_format_time_ms (g_get_real_time () / 1000);
}

/* Said once when saving stops and once when it resumes. */
static void
saving_changed_cb (LookoutStore *store,
                   GParamSpec   *pspec,
                   Run          *run)
{
  g_autofree char *when = format_now ();
  guint64 dropped = lookout_store_get_n_dropped (store) - run->dropped_before;

  if (!lookout_store_get_saving (store))
    {
      print_line (run, _("%s results are not being saved: %s\n"),
                  when, lookout_store_get_saving_problem (store));
      return;
    }

  if (dropped > 0)
    print_line (run, _("%s saving resumed (%llu results written late, %llu dropped)\n"),
                when, (unsigned long long) lookout_store_get_n_written_late (store),
                (unsigned long long) dropped);
  else
    print_line (run, _("%s saving resumed (%llu results written late)\n"),
                when, (unsigned long long) lookout_store_get_n_written_late (store));
  run->dropped_before = lookout_store_get_n_dropped (store);
  run->dropping_told = FALSE;
}

static void
dropped_changed_cb (LookoutStore *store,
                    GParamSpec   *pspec,
                    Run          *run)
{
  g_autofree char *when = NULL;

  if (run->dropping_told)
    return;

  when = format_now ();
  run->dropping_told = TRUE;
  print_line (run, _("%s results are being dropped: too many are waiting to be saved\n"), when);
}

static void
target_added_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), res, &error) &&
      run->error == NULL)
    run->error = g_steal_pointer (&error);

  if (--run->pending == 0)
    g_main_loop_quit (run->loop);
}

/* SIGINT, SIGTERM or the end of --duration. While targets are being added
 * the additions finish first, then the agent stops without monitoring. */
static gboolean
signalled_cb (gpointer user_data)
{
  Run *run = user_data;

  run->stopping = TRUE;
  if (run->pending == 0)
    g_main_loop_quit (run->loop);

  return G_SOURCE_CONTINUE;
}

static void
stop_listening (guint *sigint_id,
                guint *sigterm_id)
{
  g_clear_handle_id (sigint_id, g_source_remove);
  g_clear_handle_id (sigterm_id, g_source_remove);
}

int
lookout_agent_command_run (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) file_targets = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutAlertConfig) alert_config = NULL;
  LookoutNotifier *notifier;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GHashTable) states = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *targets_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *location_name = NULL;
  g_autoptr(LookoutApiServer) api = NULL;
  g_autoptr(LookoutAgentEndpoint) endpoint = NULL;
  g_autoptr(LookoutAgentManager) manager = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  LookoutAgentRemoteOptions remote = { .outbox_max_results = -1 };
  g_autofree char *agent_location = NULL;
  g_autofree char *outbox_max_age = NULL;
  gint64 outbox_max_results = -1;
  LookoutScheduler *scheduler;
  gboolean verbose = FALSE;
  gboolean stats = FALSE;
  int duration_s = 0;
  int max_concurrent = 0;
  guint sigint_id = 0, sigterm_id = 0, duration_id = 0;
  Run run = { NULL, };
  int status;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database (created if missing; the desktop app's format)"), N_("PATH") },
    { "targets", 0, 0, G_OPTION_ARG_FILENAME, &targets_path,
      N_("Also monitor the targets listed in FILE, adding new ones to the database"), N_("FILE") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Notifications and alert settings ([telegram], [webhook], [alerts]; see docs/alerts.md), "
         "the API ([api]) and remote agents ([agent], [agent NAME]; see docs/agents.md)"), N_("FILE") },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration_s,
      N_("Stop after SECONDS (default: run until SIGINT or SIGTERM)"), N_("SECONDS") },
    { "max-concurrent", 0, 0, G_OPTION_ARG_INT, &max_concurrent,
      N_("Run at most N checks at once (default: 256)"), "N" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Also serve the REST API and /metrics on HOST:PORT (docs/api.md)"), N_("HOST:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("The API's TLS certificate (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("The key of --tls-cert (PEM)"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &location_name,
      N_("The name of this location, as /metrics labels its results; with --listen, a remote agent a manager can drive (docs/agents.md)"), N_("NAME") },
    { "location", 0, 0, G_OPTION_ARG_STRING, &agent_location,
      N_("Where the agent is, for the manager's map"), N_("LAT,LON") },
    { "outbox-max-age", 0, 0, G_OPTION_ARG_STRING, &outbox_max_age,
      N_("Drop (and count) results not acknowledged after DURATION (default: 7d)"), N_("DURATION") },
    { "outbox-max-results", 0, 0, G_OPTION_ARG_INT64, &outbox_max_results,
      N_("Keep at most N results for the manager (default: 1000000)"), "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Print every result, not only state changes"), NULL },
    { "stats", 0, 0, G_OPTION_ARG_NONE, &stats,
      N_("Print the scheduler's figures when stopping"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Monitors the targets in the database at their intervals and\n"
                                  "stores every result, as the desktop app does. Prints a line per\n"
                                  "state change. Stops cleanly on SIGINT or SIGTERM.\n"
                                  "\n"
                                  "A targets file has one target URI per line, optionally followed by\n"
                                  "interval=SECONDS timeout=MS failures=N name=TEXT (quote a name with\n"
                                  "spaces: name=\"My server\"); “#” starts a comment."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "run", &argc, &argv, &status))
    return status;

  if (argc > 1)
    return lookout_agent_usage_error ("run", _("“run” takes no arguments; use --targets FILE for a list of targets"));
  if ((status = lookout_agent_check_db_path ("run", db_path)) != EXIT_OK)
    return status;
  if (duration_s < 0)
    return lookout_agent_usage_error ("run", _("--duration must not be negative"));
  if (max_concurrent < 0)
    return lookout_agent_usage_error ("run", _("--max-concurrent must be positive"));
  if (location_name != NULL && !lookout_location_name_check (location_name, &error))
    return lookout_agent_usage_error ("run", error->message);

  if (config_path != NULL)
    {
      alert_config = lookout_alert_config_new ();
      if (!lookout_alert_config_load_file (alert_config, config_path, &error))
        {
          /* Errors about the file itself name it already. */
          if (error->domain == LOOKOUT_ALERT_CONFIG_ERROR)
            lookout_agent_complain ("%s: %s", config_path, error->message);
          else
            lookout_agent_complain ("%s", error->message);
          return EXIT_USAGE;
        }
    }

  /* All of the file or nothing, before anything touches the database. */
  if (targets_path != NULL)
    {
      file_targets = lookout_targets_file_load (targets_path, &error);
      if (file_targets == NULL)
        {
          lookout_agent_complain ("%s", error->message);
          return EXIT_USAGE;
        }
    }

  /* The handlers are in place before the database is locked: whoever sees
   * the lock and sends SIGTERM gets a clean stop, not the default death. */
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  sigint_id = g_unix_signal_add (SIGINT, signalled_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, signalled_cb, &run);

  lookout_agent_warn_if_shared (db_path);
  store = lookout_store_open_sync (db_path, NULL, &error);
  if (store == NULL)
    {
      lookout_agent_complain (_("Cannot open the database %s: %s"), db_path, error->message);
      stop_listening (&sigint_id, &sigterm_id);
      return EXIT_FAILED;
    }

  /* Notifications only when configured. */
  monitor = lookout_monitor_new_with_options (store,
                                              &(LookoutMonitorOptions) { .notify = alert_config != NULL });
  notifier = lookout_monitor_get_notifier (monitor);
  lookout_monitor_set_location (monitor, location_name);
  if (alert_config != NULL)
    lookout_alert_config_apply (alert_config, lookout_monitor_get_alert_engine (monitor), notifier);

  if (!lookout_monitor_load_sync (monitor, &error))
    {
      lookout_agent_complain (_("Cannot read the targets from %s: %s"), db_path, error->message);
      stop_listening (&sigint_id, &sigterm_id);
      lookout_store_close (store);
      return EXIT_FAILED;
    }

  api = lookout_agent_start_api (monitor, listen, tls_cert, tls_key, config_path, db_path, &status);
  if (api == NULL && status != EXIT_OK)
    {
      stop_listening (&sigint_id, &sigterm_id);
      lookout_store_close (store);
      return status;
    }

  if (config_path != NULL)
    {
      key_file = g_key_file_new ();
      if (!g_key_file_load_from_file (key_file, config_path, G_KEY_FILE_NONE, &error))
        {
          lookout_agent_complain ("%s: %s", config_path, error->message);
          stop_listening (&sigint_id, &sigterm_id);
          lookout_store_close (store);
          return EXIT_USAGE;
        }
    }
  remote.name = location_name;
  remote.location = agent_location;
  remote.outbox_max_age = outbox_max_age;
  remote.outbox_max_results = outbox_max_results;
  endpoint = lookout_agent_start_endpoint (monitor, api, &remote, key_file, &status);
  if (status == EXIT_OK)
    manager = lookout_agent_start_manager (monitor, api, key_file, &status);
  if (status != EXIT_OK)
    {
      stop_listening (&sigint_id, &sigterm_id);
      lookout_store_close (store);
      return status;
    }

  states = g_hash_table_new (NULL, NULL);
  run.monitor = monitor;
  run.states = states;
  run.out = out;
  run.verbose = verbose;

  if (file_targets != NULL)
    {
      GListModel *model = lookout_monitor_get_targets (monitor);
      g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);

      /* the model keeps the URI strings alive */
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

          g_hash_table_add (known, (gpointer) lookout_target_get_uri_string (target));
        }

      run.pending = 1;
      for (guint i = 0; i < file_targets->len; i++)
        {
          LookoutTarget *target = g_ptr_array_index (file_targets, i);

          if (g_hash_table_contains (known, lookout_target_get_uri_string (target)))
            continue;
          run.pending++;
          lookout_monitor_add_target_async (monitor, target, NULL, target_added_cb, &run);
        }
      if (--run.pending > 0)
        g_main_loop_run (loop);

      if (run.error != NULL)
        {
          lookout_agent_complain (_("Cannot add the targets of %s: %s"), targets_path, run.error->message);
          g_clear_error (&run.error);
          stop_listening (&sigint_id, &sigterm_id);
          lookout_store_close (store);
          return EXIT_FAILED;
        }
    }

  scheduler = lookout_monitor_get_scheduler (monitor);
  if (max_concurrent > 0)
    lookout_scheduler_set_max_concurrent (scheduler, max_concurrent);

  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), &run);
  g_signal_connect (lookout_monitor_get_alert_engine (monitor), "event", G_CALLBACK (route_event_cb), &run);
  g_signal_connect (store, "notify::saving", G_CALLBACK (saving_changed_cb), &run);
  g_signal_connect (store, "notify::n-dropped", G_CALLBACK (dropped_changed_cb), &run);
  if (duration_s > 0)
    duration_id = g_timeout_add_seconds (duration_s, signalled_cb, &run);

  if (!run.stopping)
    {
      g_message ("Monitoring %u targets from %s",
                 g_list_model_get_n_items (lookout_monitor_get_targets (monitor)), db_path);
      lookout_monitor_start (monitor);
      if (manager != NULL)
        lookout_agent_manager_start (manager);
      g_main_loop_run (loop);
      if (manager != NULL)
        lookout_agent_manager_stop (manager);
      lookout_monitor_stop (monitor);
    }

  /* Notifications on their way get a few seconds to arrive. */
  if (notifier != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      lookout_notifier_flush (notifier);
      while (lookout_notifier_get_n_pending (notifier) > 0 && g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (10000);
        }
      if (lookout_notifier_get_n_pending (notifier) > 0)
        lookout_agent_complain (_("%u notifications could not be delivered before stopping"),
                  lookout_notifier_get_n_pending (notifier));
      /* What is still on its way is dropped, the store closes next. */
      g_object_run_dispose (G_OBJECT (notifier));
    }

  stop_listening (&sigint_id, &sigterm_id);
  g_clear_handle_id (&duration_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (monitor, result_cb, &run);
  g_signal_handlers_disconnect_by_func (lookout_monitor_get_alert_engine (monitor), route_event_cb, &run);
  g_signal_handlers_disconnect_by_func (store, saving_changed_cb, &run);
  g_signal_handlers_disconnect_by_func (store, dropped_changed_cb, &run);
  flush_output (&run);
  if (api != NULL)
    lookout_api_server_stop (api);
  if (endpoint != NULL)
    g_object_run_dispose (G_OBJECT (endpoint));

  if (stats)
    printf ("stats: targets=%u started=%" G_GUINT64_FORMAT " skipped=%" G_GUINT64_FORMAT
            " timed_out=%" G_GUINT64_FORMAT " lateness_p50_ms=%.3f lateness_p99_ms=%.3f"
            " lateness_max_ms=%.3f\n",
            g_list_model_get_n_items (lookout_monitor_get_targets (monitor)),
            lookout_scheduler_get_n_started (scheduler),
            lookout_scheduler_get_n_skipped (scheduler),
            lookout_scheduler_get_n_timed_out (scheduler),
            lookout_scheduler_get_lateness_percentile (scheduler, 0.50) / 1000.0,
            lookout_scheduler_get_lateness_percentile (scheduler, 0.99) / 1000.0,
            lookout_scheduler_get_lateness_max (scheduler) / 1000.0);
  fflush (stdout);

  if (!lookout_store_flush_sync (store, &error))
    {
      lookout_agent_complain (_("Cannot write the last results to %s: %s"), db_path, error->message);
      lookout_store_close (store);
      if (lookout_store_get_n_dropped (store) > 0)
        lookout_agent_complain (_("%llu results could not be saved"),
                                (unsigned long long) lookout_store_get_n_dropped (store));
      return EXIT_FAILED;
    }
  if (endpoint != NULL)
    lookout_agent_say_last_drops (endpoint, store);
  lookout_store_close (store);
  if (lookout_store_get_n_dropped (store) > 0)
    {
      lookout_agent_complain (_("%llu results could not be saved"),
                              (unsigned long long) lookout_store_get_n_dropped (store));
      return EXIT_FAILED;
    }

  return EXIT_OK;
}
