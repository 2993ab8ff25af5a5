/* lookout-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-export.h"
#include "lookout-report.h"
#include "lookout-stats.h"
#include "lookout-store-report.h"
#include "lookout-target.h"
#include "lookout-target-uri.h"

struct _LookoutReport
{
  GObject    parent_instance;

  gint64     from_ms;
  gint64     to_ms;
  GPtrArray *rows;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LookoutReport, lookout_report, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return LOOKOUT_TYPE_REPORT_ROW;
}

static guint
get_n_items (GListModel *model)
{
  return LOOKOUT_REPORT (model)->rows->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  LookoutReport *self = LOOKOUT_REPORT (model);

  if (position >= self->rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
lookout_report_finalize (GObject *object)
{
  LookoutReport *self = (LookoutReport *) object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (lookout_report_parent_class)->finalize (object);
}

static void
lookout_report_class_init (LookoutReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lookout_report_finalize;
}

static void
lookout_report_init (LookoutReport *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
}

/* What the report needs of a target, read on the thread that owns it. */
typedef struct
{
  gint64              id;
  char               *name;
  char               *uri;
  char               *address;
  double              latitude;
  double              longitude;
  gboolean            enabled;
  LookoutTargetState  live_state;
} TargetInfo;

static void
target_info_clear (gpointer data)
{
  TargetInfo *info = data;

  g_free (info->name);
  g_free (info->uri);
  g_free (info->address);
}

static GArray *
read_targets (GListModel *targets)
{
  guint n = g_list_model_get_n_items (targets);
  GArray *infos = g_array_sized_new (FALSE, TRUE, sizeof (TargetInfo), n);

  g_array_set_clear_func (infos, target_info_clear);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      LookoutTargetUri *uri = lookout_target_get_uri (target);
      const char *host = lookout_target_uri_get_host (uri);
      const char *address = lookout_target_get_last_address (target);
      TargetInfo info = { 0 };

      /* The address the geo cache knows the target by: the one it last
       * answered from, else its host when that is an address already. */
      if (address == NULL && host != NULL && g_hostname_is_ip_address (host))
        address = host;

      info.id = lookout_target_get_id (target);
      info.name = g_strdup (lookout_target_get_name (target));
      info.uri = g_strdup (lookout_target_get_uri_string (target));
      info.address = g_strdup (address);
      info.latitude = lookout_target_get_latitude (target);
      info.longitude = lookout_target_get_longitude (target);
      info.enabled = lookout_target_get_enabled (target);
      info.live_state = lookout_target_get_state (target);
      g_array_append_val (infos, info);
    }

  return infos;
}

static LookoutReport *
compute (LookoutStore  *store,
         GArray        *infos,
         gint64         from_ms,
         gint64         to_ms,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(LookoutReport) self = g_object_new (LOOKOUT_TYPE_REPORT, NULL);

  self->from_ms = from_ms;
  self->to_ms = to_ms;

  for (guint i = 0; i < infos->len; i++)
    {
      const TargetInfo *info = &g_array_index (infos, TargetInfo, i);
      g_autofree LookoutStats *stats = NULL;
      g_autofree char *city = NULL;
      g_autofree char *country = NULL;
      LookoutReportFigures figures;
      guint64 n_anomalies = 0;

      stats = lookout_stats_fetch_sync (store, info->id, from_ms, to_ms, cancellable, error);
      if (stats == NULL)
        return NULL;

      if (!lookout_store_lookup_place_sync (store, info->address, info->latitude,
                                            info->longitude, &city, &country, error) ||
          !lookout_store_count_anomalies_sync (store, info->id, from_ms, to_ms,
                                               &n_anomalies, error))
        return NULL;

      figures = (LookoutReportFigures) {
        .target_id = info->id,
        .name = info->name,
        .uri = info->uri,
        .availability = stats->availability / 100.0,
        .mean_us = stats->mean_us,
        .min_us = stats->min_us,
        .max_us = stats->max_us,
        .p95_us = stats->p95_us,
        .n_results = stats->n,
        .n_failures = stats->n_fail,
        .n_outages = stats->n_outages,
        .city = city,
        .country = country,
        .n_anomalies = n_anomalies,
        .last_state = stats->last_state,
        .n_degraded = stats->n_degraded,
        .degraded_since_ms = stats->degraded_since_ms,
      };
      if (!info->enabled)
        figures.last_state = LOOKOUT_TARGET_STATE_PAUSED;
      else if (info->live_state != LOOKOUT_TARGET_STATE_UNKNOWN)
        figures.last_state = info->live_state;

      g_ptr_array_add (self->rows, lookout_report_row_new (&figures));
    }

  return g_steal_pointer (&self);
}

LookoutReport *
lookout_report_compute_sync (LookoutStore  *store,
                             GListModel    *targets,
                             gint64         from_ms,
                             gint64         to_ms,
                             GError       **error)
{
  g_autoptr(GArray) infos = NULL;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (targets), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (to_ms <= from_ms)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The report’s range must end after it starts"));
      return NULL;
    }

  infos = read_targets (targets);

  return compute (store, infos, from_ms, to_ms, NULL, error);
}

typedef struct
{
  LookoutStore *store;
  GArray       *infos;
  gint64        from_ms;
  gint64        to_ms;
} Compute;

static void
compute_free (Compute *c)
{
  g_clear_object (&c->store);
  g_clear_pointer (&c->infos, g_array_unref);
  g_free (c);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Compute *c = task_data;
  LookoutReport *report;
  GError *error = NULL;

  report = compute (c->store, c->infos, c->from_ms, c->to_ms, cancellable, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

void
lookout_report_compute_async (LookoutStore        *store,
                              GListModel          *targets,
                              gint64               from_ms,
                              gint64               to_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Compute *c;

  g_return_if_fail (LOOKOUT_IS_STORE (store));
  g_return_if_fail (G_IS_LIST_MODEL (targets));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_report_compute_async);

  if (to_ms <= from_ms)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The report’s range must end after it starts"));
      return;
    }

  c = g_new0 (Compute, 1);
  c->store = g_object_ref (store);
  c->infos = read_targets (targets);
  c->from_ms = from_ms;
  c->to_ms = to_ms;
  g_task_set_task_data (task, c, (GDestroyNotify) compute_free);
  g_task_run_in_thread (task, compute_thread);
}

LookoutReport *
lookout_report_compute_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_report_compute_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
lookout_report_get_from_ms (LookoutReport *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REPORT (self), 0);

  return self->from_ms;
}

gint64
lookout_report_get_to_ms (LookoutReport *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REPORT (self), 0);

  return self->to_ms;
}

static char *
format_rfc3339 (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  if (dt == NULL)
    return NULL;

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
add_seconds (JsonBuilder *builder,
             const char  *member,
             gint64       us)
{
  json_builder_set_member_name (builder, member);
  if (us < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, us / 1e6);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

JsonNode *
lookout_report_to_json (LookoutReport *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  g_return_val_if_fail (LOOKOUT_IS_REPORT (self), NULL);

  from = format_rfc3339 (self->from_ms);
  to = format_rfc3339 (self->to_ms);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "from", from);
  add_string_or_null (builder, "to", to);
  json_builder_set_member_name (builder, "from_ms");
  json_builder_add_int_value (builder, self->from_ms);
  json_builder_set_member_name (builder, "to_ms");
  json_builder_add_int_value (builder, self->to_ms);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);

  for (guint i = 0; i < self->rows->len; i++)
    {
      const LookoutReportFigures *f =
        lookout_report_row_get_figures (g_ptr_array_index (self->rows, i));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, f->target_id);
      add_string_or_null (builder, "name", f->name);
      add_string_or_null (builder, "uri", f->uri);
      json_builder_set_member_name (builder, "availability");
      if (isnan (f->availability))
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, f->availability);
      add_seconds (builder, "mean_s", f->mean_us);
      add_seconds (builder, "min_s", f->min_us);
      add_seconds (builder, "max_s", f->max_us);
      add_seconds (builder, "p95_s", f->p95_us);
      json_builder_set_member_name (builder, "results");
      json_builder_add_int_value (builder, f->n_results);
      json_builder_set_member_name (builder, "failures");
      json_builder_add_int_value (builder, f->n_failures);
      json_builder_set_member_name (builder, "outages");
      json_builder_add_int_value (builder, f->n_outages);
      json_builder_set_member_name (builder, "degraded");
      json_builder_add_int_value (builder, f->n_degraded);
      json_builder_set_member_name (builder, "degraded_since_ms");
      if (f->degraded_since_ms >= 0)
        json_builder_add_int_value (builder, f->degraded_since_ms);
      else
        json_builder_add_null_value (builder);
      add_string_or_null (builder, "city", f->city);
      add_string_or_null (builder, "country", f->country);
      json_builder_set_member_name (builder, "anomalies");
      json_builder_add_int_value (builder, f->n_anomalies);
      add_string_or_null (builder, "last_state", lookout_target_state_to_string (f->last_state));
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Microseconds as milliseconds with three decimals, "" when unknown. */
static char *
format_ms (gint64 us)
{
  if (us < 0)
    return g_strdup ("");

  return g_strdup_printf ("%" G_GINT64_FORMAT ".%03d", us / 1000, (int) (us % 1000));
}

char *
lookout_report_to_csv (LookoutReport *self)
{
  GString *csv;

  g_return_val_if_fail (LOOKOUT_IS_REPORT (self), NULL);

  csv = g_string_new ("name,uri,availability,mean_ms,min_ms,max_ms,p95_ms,"
                      "outages,city,country,anomalies,last_state\r\n");

  for (guint i = 0; i < self->rows->len; i++)
    {
      const LookoutReportFigures *f =
        lookout_report_row_get_figures (g_ptr_array_index (self->rows, i));
      gint64 latencies[] = { f->mean_us, f->min_us, f->max_us, f->p95_us };
      char availability[G_ASCII_DTOSTR_BUF_SIZE] = "";

      lookout_export_append_csv_field (csv, f->name);
      g_string_append_c (csv, ',');
      lookout_export_append_csv_field (csv, f->uri);
      g_string_append_c (csv, ',');
      if (!isnan (f->availability))
        g_ascii_formatd (availability, sizeof availability, "%.6f", f->availability);
      g_string_append (csv, availability);
      for (guint k = 0; k < G_N_ELEMENTS (latencies); k++)
        {
          g_autofree char *ms = format_ms (latencies[k]);

          g_string_append_printf (csv, ",%s", ms);
        }
      g_string_append_printf (csv, ",%" G_GUINT64_FORMAT ",", f->n_outages);
      lookout_export_append_csv_field (csv, f->city);
      g_string_append_c (csv, ',');
      lookout_export_append_csv_field (csv, f->country);
      g_string_append_printf (csv, ",%" G_GUINT64_FORMAT ",%s\r\n",
                              f->n_anomalies, lookout_target_state_to_string (f->last_state));
    }

  return g_string_free (csv, FALSE);
}

static void
append_padded (GString    *out,
               const char *cell,
               guint       width,
               gboolean    right)
{
  glong len = g_utf8_strlen (cell, -1);

  if (right)
    for (glong k = len; k < (glong) width; k++)
      g_string_append_c (out, ' ');
  g_string_append (out, cell);
  if (!right)
    for (glong k = len; k < (glong) width; k++)
      g_string_append_c (out, ' ');
}

char *
lookout_report_to_text (LookoutReport *self)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  guint widths[LOOKOUT_REPORT_N_COLUMNS] = { 0 };
  const guint n_cols = LOOKOUT_REPORT_N_COLUMNS;
  guint n_lines;
  GString *out;

  g_return_val_if_fail (LOOKOUT_IS_REPORT (self), NULL);

  for (guint col = 0; col < n_cols; col++)
    g_ptr_array_add (cells, g_strdup (lookout_report_column_get_title (col)));
  for (guint i = 0; i < self->rows->len; i++)
    for (guint col = 0; col < n_cols; col++)
      g_ptr_array_add (cells, lookout_report_row_format (g_ptr_array_index (self->rows, i), col));

  n_lines = cells->len / n_cols;
  for (guint i = 0; i < cells->len; i++)
    widths[i % n_cols] = MAX (widths[i % n_cols],
                              (guint) g_utf8_strlen (g_ptr_array_index (cells, i), -1));

  from = format_rfc3339 (self->from_ms);
  to = format_rfc3339 (self->to_ms);
  out = g_string_new (NULL);
  g_string_append_printf (out, _("Monitoring report, %s to %s"), from ? from : "?", to ? to : "?");
  g_string_append (out, "\n\n");

  for (guint line = 0; line < n_lines; line++)
    {
      for (guint col = 0; col < n_cols; col++)
        {
          const char *cell = g_ptr_array_index (cells, line * n_cols + col);
          gboolean numeric = lookout_report_column_is_numeric (col);

          if (col > 0)
            g_string_append (out, "  ");
          /* The last column is not padded: no trailing blanks. */
          if (col == n_cols - 1 && !numeric)
            g_string_append (out, cell);
          else
            append_padded (out, cell, widths[col], numeric);
        }
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
