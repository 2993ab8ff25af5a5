/* lookout-agent-export.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent export --db PATH --target ID|URI [--from TIME] [--to TIME]
 *                        [--format csv|json] [--output FILE]
 *   lookout-agent export --db PATH --targets [--format text|json] [--output FILE]
 *
 * A target's raw history, written as the window's export writes it; or the
 * whole configuration of every target, as a targets file (which `run
 * --targets` reads back) or as the target JSON of the API.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-export.h"
#include "lookout-json.h"
#include "lookout-target-json.h"
#include "lookout-target-uri.h"
#include "lookout-targets-file.h"

/* The target whose id is @text, else whose URI means the same as @text. */
static LookoutTarget *
find_target (GPtrArray   *targets,
             const char  *text,
             GError     **error)
{
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autoptr(GError) uri_error = NULL;
  guint64 id;

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      for (guint i = 0; i < targets->len; i++)
        if (lookout_target_get_id (g_ptr_array_index (targets, i)) == (gint64) id)
          return g_object_ref (g_ptr_array_index (targets, i));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The database has no target with the id %s"), text);
      return NULL;
    }

  uri = lookout_target_uri_parse (text, &uri_error);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is neither a target id nor a target URI: %s"), text, uri_error->message);
      return NULL;
    }

  for (guint i = 0; i < targets->len; i++)
    if (g_str_equal (lookout_target_get_uri_string (g_ptr_array_index (targets, i)),
                     lookout_target_uri_to_string (uri)))
      return g_object_ref (g_ptr_array_index (targets, i));

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               _("The database has no target %s"), lookout_target_uri_to_string (uri));
  return NULL;
}

/* Every target as a targets-file line, or all of them as a JSON array. */
static char *
format_targets (GPtrArray *targets,
                gboolean   json)
{
  GString *out = g_string_new (NULL);

  if (json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      for (guint i = 0; i < targets->len; i++)
        json_array_add_element (array, lookout_target_to_json_for_export (g_ptr_array_index (targets, i)));
      json_node_set_array (node, array);
      text = lookout_json_to_string (node, TRUE);
      g_string_append_printf (out, "%s\n", text);
      return g_string_free (out, FALSE);
    }

  g_string_append (out, _("# Lookout targets: one target URI a line, then its settings and options\n"));
  for (guint i = 0; i < targets->len; i++)
    {
      g_autofree char *line = lookout_targets_file_format_line (g_ptr_array_index (targets, i));

      g_string_append_printf (out, "%s\n", line);
    }

  return g_string_free (out, FALSE);
}

static int
export_targets (const char *db_path,
                gboolean    json,
                const char *output)
{
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int status;

  store = lookout_agent_open_database ("export", db_path, &targets, &status);
  if (store == NULL)
    return status;

  text = format_targets (targets, json);
  if (output != NULL)
    {
      if (!g_file_set_contents (output, text, -1, &error))
        {
          lookout_agent_complain (_("Cannot write %s: %s"), output, error->message);
          return EXIT_FAILED;
        }
      return EXIT_OK;
    }

  fputs (text, stdout);
  return fflush (stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}

int
lookout_agent_command_export (int    argc,
                              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GOutputStream) buffered = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *target_text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  LookoutExportFormat export_format;
  gboolean all_targets = FALSE;
  gint64 from_ms = 0, to_ms;
  int status;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database to read"), N_("PATH") },
    { "target", 0, 0, G_OPTION_ARG_STRING, &target_text,
      N_("The target, by its id or its URI"), N_("ID|URI") },
    { "targets", 0, 0, G_OPTION_ARG_NONE, &all_targets,
      N_("Write every target’s configuration instead: a targets file, or JSON"), NULL },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("Start, ISO 8601 or ms since 1970 (default: the first result)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to,
      N_("End, excluded (default: now)"), N_("TIME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("csv (the default) or json; with --targets text (the default) or json"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE, replacing it (default: standard output)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Writes every stored result of one target in the range, as the\n"
                                  "window’s Export does: CSV (time,ts_ms,state,latency_ms,code,error)\n"
                                  "or JSON. With --targets, writes every target with all its settings\n"
                                  "and options as a targets file, which “run --targets” reads, or JSON."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "export", &argc, &argv, &status))
    return status;

  if (argc > 1)
    return lookout_agent_usage_error ("export", _("“export” takes no arguments; name the target with --target"));
  if (all_targets)
    {
      if (target_text != NULL || from != NULL || to != NULL)
        return lookout_agent_usage_error ("export", _("--targets writes every target’s configuration: "
                                                      "it takes no --target, --from or --to"));
      if (format != NULL && !g_str_equal (format, "text") && !g_str_equal (format, "json"))
        return lookout_agent_usage_error ("export", _("With --targets, --format must be text or json"));
      return export_targets (db_path, format != NULL && g_str_equal (format, "json"), output);
    }
  if (target_text == NULL)
    return lookout_agent_usage_error ("export", _("--target ID|URI (or --targets) is required"));
  if (format == NULL || g_str_equal (format, "csv"))
    export_format = LOOKOUT_EXPORT_CSV;
  else if (g_str_equal (format, "json"))
    export_format = LOOKOUT_EXPORT_JSON;
  else
    return lookout_agent_usage_error ("export", _("--format must be csv or json"));
  if (from != NULL && !lookout_agent_parse_time (from, &from_ms, &error))
    return lookout_agent_usage_error ("export", error->message);
  to_ms = g_get_real_time () / 1000 + 1;
  if (to != NULL && !lookout_agent_parse_time (to, &to_ms, &error))
    return lookout_agent_usage_error ("export", error->message);
  if (to_ms <= from_ms)
    return lookout_agent_usage_error ("export", _("--to must come after --from"));

  store = lookout_agent_open_database ("export", db_path, &targets, &status);
  if (store == NULL)
    return status;
  target = find_target (targets, target_text, &error);
  if (target == NULL)
    {
      lookout_agent_complain ("%s", error->message);
      return EXIT_FAILED;
    }

  samples = lookout_store_query_samples_sync (store, lookout_target_get_id (target),
                                              from_ms, to_ms, NULL, &error);
  if (samples == NULL)
    {
      lookout_agent_complain (_("Cannot read the history: %s"), error->message);
      return EXIT_FAILED;
    }

  if (output != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (output);

      stream = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE,
                                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, &error));
      if (stream == NULL)
        {
          lookout_agent_complain (_("Cannot write %s: %s"), output, error->message);
          return EXIT_FAILED;
        }
    }
  else
    {
      fflush (stdout);
      stream = g_unix_output_stream_new (fileno (stdout), FALSE);
    }

  buffered = g_buffered_output_stream_new (stream);
  if (!lookout_export_write_samples (buffered, export_format,
                                     lookout_target_get_uri_string (target), from_ms, to_ms,
                                     (const LookoutSample *) (gpointer) samples->data,
                                     samples->len, NULL, &error) ||
      !g_output_stream_close (buffered, NULL, &error))
    {
      lookout_agent_complain (_("Cannot write the history: %s"), error->message);
      return EXIT_FAILED;
    }

  return EXIT_OK;
}
