/* lookout-agent-analyze.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent analyze --input FILE
 *
 * Reads a latency series, one "timestamp,latency_ms" per line, and prints
 * one JSON object per anomaly and line, in order of start:
 *   {"ts": START, "end": END|null, "kind": …, "score": …, "message": …}
 * Times are ISO 8601 UTC. A timestamp is ISO 8601 (a "T" or a space
 * between date and time; UTC when no offset is given) or epoch seconds or
 * milliseconds (numbers above 1e11 are milliseconds); an empty latency or
 * "nan" is a failed check. A header line is allowed. "-" reads stdin.
 *
 * The detector is online: the first N lines of a file give the same
 * anomalies that start within them. An anomaly still open at the end of
 * the input has "end": null.
 *
 * Exit status: 0 read and analysed, 2 bad usage or a line that is not a
 * result (with its number on stderr; nothing is printed then).
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-input-file.h"

#define MAX_LINE_BYTES 4096
#include "lookout-anomaly-detector.h"

static char *
strip_field (const char *field)
{
  g_autofree char *s = g_strstrip (g_strdup (field));
  gsize len = strlen (s);

  if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
    return g_strndup (s + 1, len - 2);
  return g_steal_pointer (&s);
}

static gboolean
parse_timestamp (const char *text,
                 gint64     *out_ms)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = NULL;
  char *end = NULL;
  double number;

  if (*text == '\0')
    return FALSE;

  number = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && isfinite (number) && number >= 0)
    {
      *out_ms = number >= 1e11 ? (gint64) llround (number) : (gint64) llround (number * 1000.0);
      return TRUE;
    }

  iso = g_strdup (text);
  if (strlen (iso) > 10 && iso[10] == ' ')
    iso[10] = 'T';
  dt = g_date_time_new_from_iso8601 (iso, utc);
  if (dt == NULL)
    return FALSE;

  *out_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}

static gboolean
parse_latency (const char *text,
               double     *out_ms)
{
  char *end = NULL;
  double value;

  if (*text == '\0' || g_ascii_strcasecmp (text, "nan") == 0)
    {
      *out_ms = NAN;
      return TRUE;
    }

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value) || value < 0)
    return FALSE;

  *out_ms = value;
  return TRUE;
}

static char *
format_iso (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *base = NULL;

  if (dt == NULL)
    return g_strdup ("?");

  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  if (ms % 1000 != 0)
    return g_strdup_printf ("%s.%03dZ", base, (int) (ms % 1000));
  return g_strdup_printf ("%sZ", base);
}

static void
print_anomaly (const LookoutAnomaly *a)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *ts = format_iso (a->start_ms);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ts");
  json_builder_add_string_value (builder, ts);
  json_builder_set_member_name (builder, "end");
  if (a->end_ms < 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *end = format_iso (a->end_ms);

      json_builder_add_string_value (builder, end);
    }
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lookout_anomaly_kind_to_string (a->kind));
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, round (a->score * 100.0) / 100.0);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, a->message);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  lookout_agent_print_json_line (node);
}

static int
compare_anomalies (gconstpointer a,
                   gconstpointer b)
{
  const LookoutAnomaly *x = *(LookoutAnomaly * const *) a;
  const LookoutAnomaly *y = *(LookoutAnomaly * const *) b;

  if (x->start_ms != y->start_ms)
    return x->start_ms < y->start_ms ? -1 : 1;
  return (int) x->kind - (int) y->kind;
}

static void
collect (LookoutAnomalyDetector *detector,
         guint                   changes,
         GPtrArray              *anomalies,
         LookoutAnomaly        **open)
{
  for (guint k = 0; k < LOOKOUT_ANOMALY_N_KINDS; k++)
    {
      const LookoutAnomaly *a = lookout_anomaly_detector_peek (detector, k);

      /* closed first: one result may close one and open the next */
      if (changes & LOOKOUT_ANOMALY_CLOSED (k))
        {
          open[k]->end_ms = a->end_ms;
          open[k] = NULL;
        }
      if (changes & LOOKOUT_ANOMALY_OPENED (k))
        {
          open[k] = lookout_anomaly_copy (a);
          g_ptr_array_add (anomalies, open[k]);
        }
    }
}

int
lookout_agent_command_analyze (int    argc,
                               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LookoutAnomalyDetector) detector = NULL;
  g_autoptr(GPtrArray) anomalies = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) input_stream = NULL;
  g_autoptr(GInputStream) lines = NULL;
  g_autofree char *input = NULL;
  LookoutAnomaly *open[LOOKOUT_ANOMALY_N_KINDS] = { NULL, };
  gint64 last_ms = G_MININT64;
  guint64 line_no = 0, n_results = 0;
  int exit_status;
  GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
      N_("CSV of timestamp,latency_ms (- for stdin)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Find the anomalies of a latency series: one JSON object per anomaly.\n"
                                  "Each line of FILE is “timestamp,latency_ms”: the timestamp in ISO 8601\n"
                                  "(UTC unless it has an offset) or epoch seconds or milliseconds; an empty\n"
                                  "latency or “nan” is a failed check. A header line is allowed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "analyze", &argc, &argv, &exit_status))
    return exit_status;

  if (input == NULL)
    return lookout_agent_usage_error ("analyze", _("--input FILE is required"));
  if (argc > 1)
    return lookout_agent_usage_error ("analyze", _("analyze takes no arguments besides --input"));

  if (g_str_equal (input, "-"))
    input_stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (input);

      input_stream = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (input_stream == NULL)
        {
          lookout_agent_complain (_("Cannot read “%s”: %s"), input, error->message);
          return EXIT_USAGE;
        }
    }
  /* Line by line, each line bounded: memory stays small whatever comes in. */
  lines = g_buffered_input_stream_new_sized (input_stream, 64 * 1024);

  detector = lookout_anomaly_detector_new (-1);
  lookout_anomaly_detector_set_utc (detector, TRUE);
  anomalies = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_anomaly_free);

  for (;;)
    {
      g_autofree char *line = NULL;
      g_autofree char *ts_text = NULL;
      g_autofree char *latency_text = NULL;
      g_autofree char *first = NULL;
      const char *comma;
      gint64 ts_ms;
      double latency;

      if (!lookout_input_read_line (G_BUFFERED_INPUT_STREAM (lines), MAX_LINE_BYTES, &line, &error) &&
          error == NULL)
        break;
      if (error == NULL && !g_utf8_validate (line, -1, NULL))
        g_set_error_literal (&error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE,
                             _("the line is not UTF-8 text"));
      if (line == NULL || error != NULL)
        {
          if (error != NULL)
            {
              lookout_agent_complain (_("%s: line %lu: %s"),
                                      input, (gulong) line_no + 1, error->message);
              return EXIT_USAGE;
            }
          break;
        }
      line_no++;

      g_strstrip (line);
      if (*line == '\0')
        continue;

      comma = strchr (line, ',');
      if (comma == NULL)
        {
          lookout_agent_complain (_("%s: line %lu: expected “timestamp,latency_ms”, found “%s”"),
                                  input, (gulong) line_no, line);
          return EXIT_USAGE;
        }
      first = g_strndup (line, comma - line);
      ts_text = strip_field (first);
      latency_text = strip_field (comma + 1);

      if (strchr (latency_text, ',') != NULL)
        {
          lookout_agent_complain (_("%s: line %lu: expected two fields, “timestamp,latency_ms”, found more"),
                                  input, (gulong) line_no);
          return EXIT_USAGE;
        }

      if (!parse_timestamp (ts_text, &ts_ms))
        {
          /* the header: a first line whose first field is not a time */
          if (line_no == 1)
            continue;
          lookout_agent_complain (_("%s: line %lu: “%s” is not a timestamp "
                                    "(ISO 8601, or epoch seconds or milliseconds)"),
                                  input, (gulong) line_no, ts_text);
          return EXIT_USAGE;
        }
      if (!parse_latency (latency_text, &latency))
        {
          lookout_agent_complain (_("%s: line %lu: “%s” is not a latency in milliseconds "
                                    "(a number ≥ 0, or empty or “nan” for a failed check)"),
                                  input, (gulong) line_no, latency_text);
          return EXIT_USAGE;
        }
      if (ts_ms < last_ms)
        {
          lookout_agent_complain (_("%s: line %lu: the time goes backwards; "
                                    "the lines must be in time order"),
                                  input, (gulong) line_no);
          return EXIT_USAGE;
        }
      last_ms = ts_ms;
      n_results++;

      collect (detector, lookout_anomaly_detector_feed (detector, ts_ms, latency),
               anomalies, open);
    }

  if (n_results == 0)
    {
      lookout_agent_complain (_("%s holds no results"), input);
      return EXIT_USAGE;
    }

  g_ptr_array_sort (anomalies, compare_anomalies);
  for (guint i = 0; i < anomalies->len; i++)
    print_anomaly (g_ptr_array_index (anomalies, i));

  return EXIT_OK;
}
