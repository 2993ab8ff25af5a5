/* lookout-agent-check.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent check [--timeout MS] [--count N] TARGET...
 *
 * One probe per TARGET, all at once, one JSON object per line. Exit status:
 * 0 every check ok, 1 some check failed, 2 bad usage or an invalid target.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-result.h"
#include "lookout-scheduler.h"
#include "lookout-target.h"
#include "lookout-target-options.h"

#define MAX_COUNT 1000000

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

/* Each KEY=VALUE goes to every target whose kind takes KEY; a KEY no
 * target takes is an error, in the words of the targets file. */
static gboolean
apply_options (GPtrArray  *targets,
               GStrv       options,
               int        *status)
{
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      g_autofree char *key = g_strdup (options[i]);
      g_autoptr(GError) refusal = NULL;
      char *value = strchr (key, '=');
      gboolean taken = FALSE;

      if (value == NULL || value == key)
        {
          g_autofree char *message =
            g_strdup_printf (_("--option must be KEY=VALUE, like accept=200-299, not “%s”"),
                             options[i]);

          *status = lookout_agent_usage_error ("check", message);
          return FALSE;
        }
      *value++ = '\0';

      for (guint t = 0; t < targets->len; t++)
        {
          LookoutTarget *target = g_ptr_array_index (targets, t);
          g_autoptr(GError) error = NULL;

          if (!lookout_target_options_check_key (lookout_target_get_kind (target), key, TRUE,
                                                 refusal == NULL ? &refusal : NULL))
            continue;
          if (!lookout_target_set_option_text (target, key, value, &error))
            {
              lookout_agent_complain ("--option %s: %s", options[i], error->message);
              *status = EXIT_USAGE;
              return FALSE;
            }
          taken = TRUE;
        }

      if (!taken)
        {
          lookout_agent_complain ("--option %s: %s", options[i], refusal->message);
          *status = EXIT_USAGE;
          return FALSE;
        }
    }

  return TRUE;
}

int
lookout_agent_command_check (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LookoutScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  gboolean all_ok = TRUE;
  g_auto(GStrv) options = NULL;
  int timeout_ms = -1;
  int count = 1;
  int status;
  GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      N_("Give each check at most MS milliseconds (default: 10000)"), N_("MS") },
    { "count", 0, 0, G_OPTION_ARG_INT, &count,
      N_("Check each target N times, one second apart (default: 1)"), "N" },
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &options,
      N_("Set an option of the targets of a kind that takes it, e.g. accept=200-299, "
         "keyword=Welcome, header=\"X-Key: 1\", count=5; repeat for more"), N_("KEY=VALUE") },
    { NULL }
  };

  context = g_option_context_new (_("TARGET…"));
  g_option_context_set_summary (context,
                                _("Checks each TARGET once, all at once, and prints one JSON object\n"
                                  "per check on a line. TARGET is a target URI, e.g.\n"
                                  "https://example.org/, icmp://192.0.2.1, tcp://db:5432, udp://h:53,\n"
                                  "dns://192.0.2.53/example.org?type=AAAA, dns:example.org, ntp://pool.ntp.org\n"
                                  "\n"
                                  "--option takes the options of the targets file and the Add Target\n"
                                  "dialog: HTTP method, accept, keyword, keyword_absent, verify_tls,\n"
                                  "header, max_redirects, body_cap, ca_file; ICMP count, size; UDP payload,\n"
                                  "payload_hex, expect_reply; DNS expect; NTP max_offset_ms.\n"
                                  "\n"
                                  "Exit status: 0 every check ok, 1 some check failed, 2 bad usage."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "check", &argc, &argv, &status))
    return status;

  if (argc < 2)
    return lookout_agent_usage_error ("check", _("No target given"));
  if (count < 1 || count > MAX_COUNT)
    return lookout_agent_usage_error ("check", _("--count must be between 1 and 1000000"));
  if (timeout_ms != -1)
    {
      g_autoptr(GError) error = NULL;

      if (timeout_ms < 0 || !lookout_target_validate_timeout (timeout_ms, &error))
        return lookout_agent_usage_error ("check", error ? error->message : _("--timeout must be positive"));
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      LookoutTarget *target = lookout_target_new_from_string_with_options (argv[i], &error);

      if (target == NULL)
        {
          lookout_agent_complain ("“%s”: %s", argv[i], error->message);
          return EXIT_USAGE;
        }
      if (timeout_ms != -1)
        lookout_target_set_timeout (target, timeout_ms);
      g_ptr_array_add (targets, target);
    }

  if (!apply_options (targets, options, &status))
    return status;

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

          lookout_agent_print_json_line (node);
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
