/* lookout-agent-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent report --db PATH [--range 24h] [--to TIME] [--format text|json|csv]
 *
 * The monitoring report of every target in the database: the numbers of
 * the window's Report view and of the API's /api/v1/report.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-json.h"
#include "lookout-report.h"

int
lookout_agent_command_report (int    argc,
                              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GListStore) targets = NULL;
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *range = NULL;
  g_autofree char *to = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  gint64 range_ms = 24 * 3600000, to_ms;
  int status;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database to report on"), N_("PATH") },
    { "range", 0, 0, G_OPTION_ARG_STRING, &range,
      N_("How far back the report reaches: 90m, 24h, 7d, 4w (default: 24h)"), N_("RANGE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("End of the range, ISO 8601 or ms since 1970 (default: now)"), N_("TIME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("text (aligned columns, the default), json or csv"), N_("FORMAT") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Prints the monitoring report: one row per target with its\n"
                                  "availability, mean, min, max and p95 response time, outages,\n"
                                  "location, anomalies and last state over the range."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "report", &argc, &argv, &status))
    return status;

  if (argc > 1)
    return lookout_agent_usage_error ("report", _("“report” takes no arguments"));
  if (format == NULL)
    format = g_strdup ("text");
  if (!g_str_equal (format, "text") && !g_str_equal (format, "json") && !g_str_equal (format, "csv"))
    return lookout_agent_usage_error ("report", _("--format must be text, json or csv"));
  if (range != NULL && !lookout_agent_parse_range (range, &range_ms, &error))
    return lookout_agent_usage_error ("report", error->message);
  to_ms = g_get_real_time () / 1000;
  if (to != NULL && !lookout_agent_parse_time (to, &to_ms, &error))
    return lookout_agent_usage_error ("report", error->message);

  store = lookout_agent_open_database ("report", db_path, &loaded, &status);
  if (store == NULL)
    return status;
  targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_list_store_splice (targets, 0, 0, loaded->pdata, loaded->len);

  report = lookout_report_compute_sync (store, G_LIST_MODEL (targets), to_ms - range_ms, to_ms,
                                        &error);
  if (report == NULL)
    {
      lookout_agent_complain (_("Cannot compute the report: %s"), error->message);
      return EXIT_FAILED;
    }

  if (g_str_equal (format, "json"))
    {
      g_autoptr(JsonNode) node = lookout_report_to_json (report);

      output = lookout_json_to_string (node, TRUE);
    }
  else if (g_str_equal (format, "csv"))
    output = lookout_report_to_csv (report);
  else
    output = lookout_report_to_text (report);

  fputs (output, stdout);
  if (g_str_equal (format, "json"))
    fputc ('\n', stdout);

  return fflush (stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}
