/* lookout-agent-common.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-json.h"

void
lookout_agent_complain (const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "lookout-agent: %s\n", message);
}

int
lookout_agent_usage_error (const char *command,
                           const char *message)
{
  lookout_agent_complain ("%s", message);
  fprintf (stderr, _("Try “lookout-agent %s --help” for more information.\n"), command);
  return EXIT_USAGE;
}

int
lookout_agent_check_db_path (const char *command,
                             const char *db_path)
{
  if (db_path == NULL)
    return lookout_agent_usage_error (command, _("--db PATH is required"));
  if (db_path[0] == '\0')
    return lookout_agent_usage_error (command, _("--db must name a file, not an empty path"));

  return EXIT_OK;
}

gboolean
lookout_agent_parse_options (GOptionContext  *context,
                             const char      *command,
                             int             *argc,
                             char          ***argv,
                             int             *exit_status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_status = lookout_agent_usage_error (command, error->message);
      return FALSE;
    }

  return TRUE;
}

void
lookout_agent_print_json_line (JsonNode *node)
{
  g_autofree char *line = lookout_json_to_string (node, FALSE);

  fputs (line, stdout);
  fputc ('\n', stdout);
}

char *
lookout_agent_format_time_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  if (dt == NULL)
    return g_strdup ("-");

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}
