/* lookout-agent-common.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-format.h"
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
  return lookout_format_iso8601 (ms);
}

gboolean
lookout_agent_parse_range (const char  *text,
                           gint64      *out_ms,
                           GError     **error)
{
  static const struct { char unit; gint64 ms; } units[] = {
    { 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 }, { 'w', 604800000 },
  };
  g_autofree char *number = NULL;
  gsize len = strlen (text);
  guint64 value;

  for (guint i = 0; len > 1 && i < G_N_ELEMENTS (units); i++)
    {
      if (text[len - 1] != units[i].unit)
        continue;
      number = g_strndup (text, len - 1);
      /* At most ten years, so that the range stays a number of milliseconds. */
      if (!g_ascii_string_to_unsigned (number, 10, 1, 3650 * 86400000LL / units[i].ms,
                                       &value, NULL))
        break;
      *out_ms = value * units[i].ms;
      return TRUE;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a range: give a positive number and a unit, "
                 "s, m, h, d or w (for example 24h, at most ten years)"), text);
  return FALSE;
}

gboolean
lookout_agent_parse_time (const char  *text,
                          gint64      *out_ms,
                          GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  gint64 ms;

  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT64 / 2, &ms, NULL))
    {
      *out_ms = ms;
      return TRUE;
    }

  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not a time: give a date and time in ISO 8601, "
                     "as 2026-01-31T12:00:00Z, or milliseconds since 1970"), text);
      return FALSE;
    }

  *out_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

LookoutStore *
lookout_agent_open_database (const char  *command,
                             const char  *path,
                             GPtrArray  **out_targets,
                             int         *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) store = NULL;

  if (path == NULL)
    {
      *exit_status = lookout_agent_usage_error (command, _("--db PATH is required"));
      return NULL;
    }
  if (*path == '\0')
    {
      *exit_status = lookout_agent_usage_error (command, _("--db must name a database file, not be empty"));
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      lookout_agent_complain (_("There is no database at %s"), path);
      *exit_status = EXIT_FAILED;
      return NULL;
    }

  store = lookout_store_open_sync (path, NULL, &error);
  if (store == NULL)
    {
      lookout_agent_complain (_("Cannot open the database %s: %s"), path, error->message);
      *exit_status = EXIT_FAILED;
      return NULL;
    }

  *out_targets = lookout_store_load_targets_sync (store, NULL, &error);
  if (*out_targets == NULL)
    {
      lookout_agent_complain (_("Cannot read the targets of %s: %s"), path, error->message);
      *exit_status = EXIT_FAILED;
      return NULL;
    }

  return g_steal_pointer (&store);
}
