/* lookout-agent.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * lookout-agent: the engine without a display.
 *
 *   lookout-agent check [--timeout MS] [--count N] TARGET...
 *   lookout-agent run --db PATH [--targets FILE] [--duration SECONDS]
 *
 * Exit status: check: 0 every check ok, 1 some check failed; run: 0 stopped
 * cleanly, 1 the database could not be used; both: 2 bad usage, an invalid
 * target or a bad targets file (with a message on stderr).
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lookout-alert-config.h"
#include "lookout-format.h"
#include "lookout-json.h"
#include "lookout-monitor.h"
#include "lookout-notifier.h"
#include "lookout-scheduler.h"
#include "lookout-store.h"
#include "lookout-target.h"
#include "lookout-targets-file.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

#define MAX_COUNT 1000000

static void G_GNUC_PRINTF (1, 2)
complain (const char *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "lookout-agent: %s\n", message);
}

static int
usage_error (const char *command,
             const char *message)
{
  complain ("%s", message);
  fprintf (stderr, _("Try “lookout-agent %s --help” for more information.\n"), command);
  return EXIT_USAGE;
}

static gboolean
parse_options (GOptionContext  *context,
               const char      *command,
               int             *argc,
               char          ***argv,
               int             *exit_status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_status = usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

static void
print_json_line (JsonNode *node)
{
  g_autofree char *line = lookout_json_to_string (node, FALSE);

  fputs (line, stdout);
  fputc ('\n', stdout);
}

static char *
format_time_ms (gint64 ms)
{
  return lookout_format_iso8601 (ms);
}

/* ---- check ---- */

typedef struct
{
  GMainLoop *loop;
  guint      pending;
} Waiter;

typedef struct
{
  Waiter         *waiter;
  LookoutTarget  *target;
  LookoutResult **slot;
} CheckCall;

static void
checked_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  CheckCall *call = user_data;
  g_autoptr(GError) error = NULL;
  LookoutResult *result;

  result = lookout_scheduler_check_finish (LOOKOUT_SCHEDULER (object), res, &error);
  if (result == NULL)
    {
      result = lookout_result_new (lookout_target_get_kind (call->target));
      result->target = g_strdup (lookout_target_get_uri_string (call->target));
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", error->message);
    }
  *call->slot = result;

  if (--call->waiter->pending == 0)
    g_main_loop_quit (call->waiter->loop);

  g_object_unref (call->target);
  g_free (call);
}

static gboolean
loop_quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static int
command_check (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LookoutScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  gboolean all_ok = TRUE;
  int timeout_ms = -1;
  int count = 1;
  int status;
  GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      N_("Give each check at most MS milliseconds (default: 10000)"), N_("MS") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count,
      N_("Check each target N times, one second apart (default: 1)"), "N" },
    { NULL }
  };

  context = g_option_context_new (_("TARGET…"));
  g_option_context_set_summary (context,
                                _("Checks each TARGET once, all at once, and prints one JSON object\n"
                                  "per check on a line. TARGET is a target URI, e.g.\n"
                                  "https://example.org/, icmp://192.0.2.1, tcp://db:5432, udp://h:53,\n"
                                  "dns://192.0.2.53/example.org?type=AAAA, dns:example.org, ntp://pool.ntp.org\n"
                                  "\n"
                                  "Exit status: 0 every check ok, 1 some check failed, 2 bad usage."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "check", &argc, &argv, &status))
    return status;

  if (argc < 2)
    return usage_error ("check", _("No target given"));
  if (count < 1 || count > MAX_COUNT)
    return usage_error ("check", _("--count must be between 1 and 1000000"));
  if (timeout_ms != -1)
    {
      g_autoptr(GError) error = NULL;

      if (timeout_ms < 0 || !lookout_target_validate_timeout (timeout_ms, &error))
        return usage_error ("check", error ? error->message : _("--timeout must be positive"));
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      LookoutTarget *target = lookout_target_new_from_string (argv[i], &error);

      if (target == NULL)
        {
          complain ("“%s”: %s", argv[i], error->message);
          return EXIT_USAGE;
        }
      if (timeout_ms != -1)
        lookout_target_set_timeout (target, timeout_ms);
      g_ptr_array_add (targets, target);
    }

  scheduler = lookout_scheduler_new ();
  lookout_scheduler_add_default_probes (scheduler);
  loop = g_main_loop_new (NULL, FALSE);

  for (int round = 0; round < count; round++)
    {
      g_autofree LookoutResult **results = g_new0 (LookoutResult *, targets->len);
      gint64 round_start = g_get_monotonic_time ();
      Waiter waiter = { loop, targets->len };

      for (guint i = 0; i < targets->len; i++)
        {
          CheckCall *call = g_new0 (CheckCall, 1);

          call->waiter = &waiter;
          call->target = g_object_ref (g_ptr_array_index (targets, i));
          call->slot = &results[i];
          lookout_scheduler_check_async (scheduler, call->target, NULL, checked_cb, call);
        }
      g_main_loop_run (loop);

      for (guint i = 0; i < targets->len; i++)
        {
          g_autoptr(JsonNode) node = lookout_result_to_json (results[i]);

          print_json_line (node);
          all_ok = all_ok && results[i]->ok;
          lookout_result_unref (results[i]);
        }
      fflush (stdout);

      if (round + 1 < count)
        {
          gint64 wait_us = round_start + G_USEC_PER_SEC - g_get_monotonic_time ();

          if (wait_us > 0)
            {
              g_timeout_add (wait_us / 1000, loop_quit_cb, loop);
              g_main_loop_run (loop);
            }
        }
    }

  return all_ok ? EXIT_OK : EXIT_FAILED;
}

/* ---- run ---- */

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
      when = format_time_ms (result->started_ms);
      if (result->ok)
        {
          g_autofree char *latency = lookout_format_latency (result->latency_us);

          print_line (run, "%s %s ok %s\n", when, lookout_target_get_uri_string (target), latency);
        }
      else
        print_line (run, "%s %s failed (%s): %s\n", when, lookout_target_get_uri_string (target),
                    lookout_probe_error_to_string (result->error_code),
                    result->error ? result->error : "");
    }

  if (state != old_state)
    {
      g_hash_table_insert (run->states, target, GUINT_TO_POINTER (state + 1));
      if (when == NULL)
        when = format_time_ms (result->started_ms);
      if (result->ok || result->error == NULL)
        print_line (run, "%s %s is %s (was %s)\n", when, lookout_target_get_uri_string (target),
                    lookout_target_state_to_string (state), lookout_target_state_to_string (old_state));
      else
        print_line (run, "%s %s is %s (was %s): %s\n", when, lookout_target_get_uri_string (target),
                    lookout_target_state_to_string (state), lookout_target_state_to_string (old_state),
                    result->error);
    }
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

static int
command_run (int    argc,
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
  LookoutScheduler *scheduler;
  gboolean verbose = FALSE;
  gboolean stats = FALSE;
  int duration_s = 0;
  int max_concurrent = 0;
  guint sigint_id, sigterm_id, duration_id = 0;
  Run run = { NULL, };
  int status;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database (created if missing; the desktop app's format)"), N_("PATH") },
    { "targets", 0, 0, G_OPTION_ARG_FILENAME, &targets_path,
      N_("Also monitor the targets listed in FILE, adding new ones to the database"), N_("FILE") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Notifications and alert settings ([telegram], [webhook], [alerts]; see docs/alerts.md)"), N_("FILE") },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration_s,
      N_("Stop after SECONDS (default: run until SIGINT or SIGTERM)"), N_("SECONDS") },
    { "max-concurrent", 0, 0, G_OPTION_ARG_INT, &max_concurrent,
      N_("Run at most N checks at once (default: 256)"), "N" },
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
  if (!parse_options (context, "run", &argc, &argv, &status))
    return status;

  if (argc > 1)
    return usage_error ("run", _("“run” takes no arguments; use --targets FILE for a list of targets"));
  if (db_path == NULL)
    return usage_error ("run", _("--db PATH is required"));
  if (duration_s < 0)
    return usage_error ("run", _("--duration must not be negative"));
  if (max_concurrent < 0)
    return usage_error ("run", _("--max-concurrent must be positive"));

  if (config_path != NULL)
    {
      alert_config = lookout_alert_config_new ();
      if (!lookout_alert_config_load_file (alert_config, config_path, &error))
        {
          complain ("%s: %s", config_path, error->message);
          return EXIT_USAGE;
        }
    }

  /* All of the file or nothing, before anything touches the database. */
  if (targets_path != NULL)
    {
      file_targets = lookout_targets_file_load (targets_path, &error);
      if (file_targets == NULL)
        {
          complain ("%s", error->message);
          return EXIT_USAGE;
        }
    }

  store = lookout_store_open_sync (db_path, NULL, &error);
  if (store == NULL)
    {
      complain (_("Cannot open the database %s: %s"), db_path, error->message);
      return EXIT_FAILED;
    }

  /* Notifications only when configured. */
  monitor = lookout_monitor_new_with_options (store,
                                              &(LookoutMonitorOptions) { .notify = alert_config != NULL });
  notifier = lookout_monitor_get_notifier (monitor);
  if (alert_config != NULL)
    lookout_alert_config_apply (alert_config, lookout_monitor_get_alert_engine (monitor), notifier);

  if (!lookout_monitor_load_sync (monitor, &error))
    {
      complain (_("Cannot read the targets from %s: %s"), db_path, error->message);
      lookout_store_close (store);
      return EXIT_FAILED;
    }

  loop = g_main_loop_new (NULL, FALSE);
  states = g_hash_table_new (NULL, NULL);
  run.loop = loop;
  run.monitor = monitor;
  run.states = states;
  run.out = out;
  run.verbose = verbose;

  sigint_id = g_unix_signal_add (SIGINT, signalled_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, signalled_cb, &run);

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
          complain (_("Cannot add the targets of %s: %s"), targets_path, run.error->message);
          g_clear_error (&run.error);
          g_clear_handle_id (&sigint_id, g_source_remove);
          g_clear_handle_id (&sigterm_id, g_source_remove);
          lookout_store_close (store);
          return EXIT_FAILED;
        }
    }

  scheduler = lookout_monitor_get_scheduler (monitor);
  if (max_concurrent > 0)
    lookout_scheduler_set_max_concurrent (scheduler, max_concurrent);

  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), &run);
  if (duration_s > 0)
    duration_id = g_timeout_add_seconds (duration_s, signalled_cb, &run);

  if (!run.stopping)
    {
      g_message ("Monitoring %u targets from %s",
                 g_list_model_get_n_items (lookout_monitor_get_targets (monitor)), db_path);
      lookout_monitor_start (monitor);
      g_main_loop_run (loop);
      lookout_monitor_stop (monitor);
    }

  /* Notifications on their way get a few seconds to arrive. */
  if (notifier != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      while (lookout_notifier_get_n_pending (notifier) > 0 && g_get_monotonic_time () < deadline)
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (10000);
        }
      if (lookout_notifier_get_n_pending (notifier) > 0)
        complain (_("%u notifications could not be delivered before stopping"),
                  lookout_notifier_get_n_pending (notifier));
      /* What is still on its way is dropped, the store closes next. */
      g_object_run_dispose (G_OBJECT (notifier));
    }

  g_clear_handle_id (&sigint_id, g_source_remove);
  g_clear_handle_id (&sigterm_id, g_source_remove);
  g_clear_handle_id (&duration_id, g_source_remove);
  g_signal_handlers_disconnect_by_func (monitor, result_cb, &run);
  flush_output (&run);

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
      complain (_("Cannot write the last results to %s: %s"), db_path, error->message);
      lookout_store_close (store);
      return EXIT_FAILED;
    }
  lookout_store_close (store);

  return EXIT_OK;
}

/* ---- main ---- */

static void
print_help (FILE *out)
{
  fprintf (out, "%s",
           _("Usage:\n"
             "  lookout-agent COMMAND [OPTION…]\n"
             "\n"
             "Watch servers from the command line, with Lookout's engine.\n"
             "\n"
             "Commands:\n"
             "  check [--timeout MS] [--count N] TARGET…\n"
             "                 Check targets now; print one JSON object per check\n"
             "  run --db PATH [--targets FILE] [--config FILE] [--duration SECONDS]\n"
             "                 Monitor the targets of a database until stopped\n"
             "\n"
             "Options:\n"
             "  -h, --help     Show this help\n"
             "  --version      Show the version\n"
             "\n"
             "“lookout-agent COMMAND --help” lists a command’s options.\n"));
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* results are read line by line by other programs */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (argc < 2)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }

  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      print_help (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (command, "--version"))
    {
      printf ("lookout-agent %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  /* so that the command's --help reads "lookout-agent check [OPTION…]" */
  if (g_str_equal (command, "check"))
    {
      g_set_prgname ("lookout-agent check");
      return command_check (argc - 1, argv + 1);
    }
  if (g_str_equal (command, "run"))
    {
      g_set_prgname ("lookout-agent run");
      return command_run (argc - 1, argv + 1);
    }

  complain (_("Unknown command “%s”"), command);
  fprintf (stderr, "%s", _("Try “lookout-agent --help” for the commands.\n"));
  return EXIT_USAGE;
}
