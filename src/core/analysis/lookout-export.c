/* lookout-export.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-export"

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lookout-export.h"
#include "lookout-format.h"
#include "lookout-json.h"
#include "lookout-target-options.h"
#include "lookout-types.h"

/* "12.345": µs as ms with three decimals; nothing when there is no value. */
static void
append_csv_ms (GString *line,
               gint64   us)
{
  if (us >= 0)
    g_string_append_printf (line, "%" G_GINT64_FORMAT ".%03d", us / 1000, (int) (us % 1000));
}

static void
add_json_number (JsonBuilder *builder,
                 const char  *name,
                 gboolean     present,
                 double       value)
{
  json_builder_set_member_name (builder, name);
  if (!present)
    json_builder_add_null_value (builder);
  else if (value == (gint64) value)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

void
lookout_export_append_csv_field (GString    *line,
                                 const char *text)
{
  if (text == NULL)
    return;

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (line, text);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* Where the result was checked from: an agent's name, or "local". */
static const char *
sample_location (const LookoutSample *sample)
{
  return sample->location != NULL ? sample->location : LOOKOUT_LOCATION_LOCAL;
}

static gboolean
write_csv (GOutputStream        *stream,
           const LookoutSample  *samples,
           gsize                 n_samples,
           GCancellable         *cancellable,
           GError              **error)
{
  g_autoptr(GString) buf = g_string_new ("time,ts_ms,state,latency_ms,code,error,"
                                         "min_ms,max_ms,jitter_ms,sent,received,loss_percent,location\r\n");

  for (gsize i = 0; i <= n_samples; i++)
    {
      if (i < n_samples)
        {
          const LookoutSample *s = &samples[i];
          g_autofree char *time = lookout_format_iso8601 (s->ts_ms);

          g_string_append_printf (buf, "%s,%" G_GINT64_FORMAT ",%s,", time, s->ts_ms,
                                  lookout_target_state_to_string (s->state));
          append_csv_ms (buf, s->latency_us);
          g_string_append_c (buf, ',');
          if (s->code != LOOKOUT_SAMPLE_NO_CODE)
            g_string_append_printf (buf, "%d", s->code);
          g_string_append_c (buf, ',');
          lookout_export_append_csv_field (buf, s->error);
          g_string_append_c (buf, ',');
          if (s->sent > 0)
            {
              char loss[G_ASCII_DTOSTR_BUF_SIZE];

              append_csv_ms (buf, s->min_us);
              g_string_append_c (buf, ',');
              append_csv_ms (buf, s->max_us);
              g_string_append_c (buf, ',');
              append_csv_ms (buf, s->jitter_us);
              g_ascii_formatd (loss, sizeof loss, "%.1f", lookout_sample_get_loss_percent (s));
              g_string_append_printf (buf, ",%u,%u,%s", s->sent, s->received, loss);
            }
          else
            g_string_append (buf, ",,,,,");
          g_string_append_c (buf, ',');
          lookout_export_append_csv_field (buf, sample_location (s));
          g_string_append (buf, "\r\n");
        }

      if (buf->len >= 64 * 1024 || i == n_samples)
        {
          if (!g_output_stream_write_all (stream, buf->str, buf->len, NULL, cancellable, error))
            return FALSE;
          g_string_truncate (buf, 0);
        }
    }

  return TRUE;
}

static gboolean
write_json (GOutputStream        *stream,
            const char           *target_uri,
            gint64                from_ms,
            gint64                to_ms,
            const LookoutSample  *samples,
            gsize                 n_samples,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, target_uri);
  json_builder_set_member_name (builder, "from_ms");
  json_builder_add_int_value (builder, from_ms);
  json_builder_set_member_name (builder, "to_ms");
  json_builder_add_int_value (builder, to_ms);
  json_builder_set_member_name (builder, "samples");
  json_builder_begin_array (builder);

  for (gsize i = 0; i < n_samples; i++)
    {
      const LookoutSample *s = &samples[i];
      g_autofree char *time = lookout_format_iso8601 (s->ts_ms);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "ts_ms");
      json_builder_add_int_value (builder, s->ts_ms);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, lookout_target_state_to_string (s->state));
      lookout_json_add_ms (builder, "latency_ms", s->latency_us);
      json_builder_set_member_name (builder, "code");
      if (s->code != LOOKOUT_SAMPLE_NO_CODE)
        json_builder_add_int_value (builder, s->code);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "error");
      if (s->error != NULL)
        json_builder_add_string_value (builder, s->error);
      else
        json_builder_add_null_value (builder);
      lookout_json_add_ms (builder, "min_ms", s->sent > 0 ? s->min_us : -1);
      lookout_json_add_ms (builder, "max_ms", s->sent > 0 ? s->max_us : -1);
      lookout_json_add_ms (builder, "jitter_ms", s->sent > 0 ? s->jitter_us : -1);
      add_json_number (builder, "sent", s->sent > 0, s->sent);
      add_json_number (builder, "received", s->sent > 0, s->received);
      add_json_number (builder, "loss_percent", s->sent > 0, lookout_sample_get_loss_percent (s));
      json_builder_set_member_name (builder, "location");
      json_builder_add_string_value (builder, sample_location (s));
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = lookout_json_to_string (root, TRUE);

  return g_output_stream_write_all (stream, text, strlen (text), NULL, cancellable, error)
      && g_output_stream_write_all (stream, "\n", 1, NULL, cancellable, error);
}

gboolean
lookout_export_write_samples (GOutputStream        *stream,
                              LookoutExportFormat   format,
                              const char           *target_uri,
                              gint64                from_ms,
                              gint64                to_ms,
                              const LookoutSample  *samples,
                              gsize                 n_samples,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (target_uri != NULL, FALSE);
  g_return_val_if_fail (samples != NULL || n_samples == 0, FALSE);
  g_return_val_if_fail (format == LOOKOUT_EXPORT_CSV || format == LOOKOUT_EXPORT_JSON, FALSE);

  if (format == LOOKOUT_EXPORT_CSV)
    return write_csv (stream, samples, n_samples, cancellable, error);

  return write_json (stream, target_uri, from_ms, to_ms, samples, n_samples, cancellable, error);
}

typedef struct
{
  LookoutStore        *store;
  gint64               target_id;
  char                *target_uri;
  gint64               from_ms;
  gint64               to_ms;
  LookoutExportFormat  format;
  GFile               *file;
} Export;

static void
export_free (Export *e)
{
  g_clear_object (&e->store);
  g_clear_object (&e->file);
  g_free (e->target_uri);
  g_free (e);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Export *e = task_data;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GFileOutputStream) file_stream = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  GError *error = NULL;

  samples = lookout_store_query_samples_sync (e->store, e->target_id, e->from_ms, e->to_ms,
                                              cancellable, &error);
  if (samples == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  file_stream = g_file_replace (e->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                cancellable, &error);
  if (file_stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  stream = g_buffered_output_stream_new (G_OUTPUT_STREAM (file_stream));
  if (!lookout_export_write_samples (stream, e->format, e->target_uri, e->from_ms, e->to_ms,
                                     (const LookoutSample *) (gpointer) samples->data,
                                     samples->len, cancellable, &error) ||
      !g_output_stream_close (stream, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
lookout_export_to_file_async (LookoutStore        *store,
                              gint64               target_id,
                              const char          *target_uri,
                              gint64               from_ms,
                              gint64               to_ms,
                              LookoutExportFormat  format,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Export *e;

  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (target_uri != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  e = g_new0 (Export, 1);
  e->store = g_object_ref (store);
  e->target_id = target_id;
  e->target_uri = g_strdup (target_uri);
  e->from_ms = from_ms;
  e->to_ms = to_ms;
  e->format = format;
  e->file = g_object_ref (file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_export_to_file_async);
  g_task_set_task_data (task, e, (GDestroyNotify) export_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
lookout_export_to_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
