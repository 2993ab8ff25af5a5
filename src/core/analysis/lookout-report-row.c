/* lookout-report-row.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-report"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "lookout-format.h"
#include "lookout-report-row.h"

/* The figures are read-only properties so that a GtkColumnView can sort on
 * them with property expressions. */
struct _LookoutReportRow
{
  GObject               parent_instance;

  LookoutReportFigures  figures;
};

G_DEFINE_FINAL_TYPE (LookoutReportRow, lookout_report_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_URI,
  PROP_AVAILABILITY,
  PROP_MEAN_US,
  PROP_MIN_US,
  PROP_MAX_US,
  PROP_P95_US,
  PROP_OUTAGES,
  PROP_PLACE,
  PROP_ANOMALIES,
  PROP_LAST_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lookout_report_row_finalize (GObject *object)
{
  LookoutReportRow *self = (LookoutReportRow *) object;

  g_free ((char *) self->figures.name);
  g_free ((char *) self->figures.uri);
  g_free ((char *) self->figures.city);
  g_free ((char *) self->figures.country);

  G_OBJECT_CLASS (lookout_report_row_parent_class)->finalize (object);
}

static void
lookout_report_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutReportRow *self = LOOKOUT_REPORT_ROW (object);
  const LookoutReportFigures *f = &self->figures;

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, f->name);
      break;
    case PROP_URI:
      g_value_set_string (value, f->uri);
      break;
    case PROP_AVAILABILITY:
      /* Sorted with the unknown ones first, below 0 %. */
      g_value_set_double (value, isnan (f->availability) ? -1.0 : f->availability);
      break;
    case PROP_MEAN_US:
      g_value_set_int64 (value, f->mean_us);
      break;
    case PROP_MIN_US:
      g_value_set_int64 (value, f->min_us);
      break;
    case PROP_MAX_US:
      g_value_set_int64 (value, f->max_us);
      break;
    case PROP_P95_US:
      g_value_set_int64 (value, f->p95_us);
      break;
    case PROP_OUTAGES:
      g_value_set_uint64 (value, f->n_outages);
      break;
    case PROP_PLACE:
      g_value_take_string (value, lookout_report_row_dup_place (self));
      break;
    case PROP_ANOMALIES:
      g_value_set_uint64 (value, f->n_anomalies);
      break;
    case PROP_LAST_STATE:
      g_value_set_string (value, lookout_target_state_to_string (f->last_state));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_report_row_class_init (LookoutReportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lookout_report_row_finalize;
  object_class->get_property = lookout_report_row_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, flags);
  properties[PROP_AVAILABILITY] =
    g_param_spec_double ("availability", NULL, NULL, -1.0, 1.0, -1.0, flags);
  properties[PROP_MEAN_US] =
    g_param_spec_int64 ("mean-us", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_MIN_US] =
    g_param_spec_int64 ("min-us", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_MAX_US] =
    g_param_spec_int64 ("max-us", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_P95_US] =
    g_param_spec_int64 ("p95-us", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_OUTAGES] =
    g_param_spec_uint64 ("outages", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PLACE] = g_param_spec_string ("place", NULL, NULL, NULL, flags);
  properties[PROP_ANOMALIES] =
    g_param_spec_uint64 ("anomalies", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_LAST_STATE] = g_param_spec_string ("last-state", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_report_row_init (LookoutReportRow *self)
{
}

LookoutReportRow *
lookout_report_row_new (const LookoutReportFigures *figures)
{
  LookoutReportRow *self;

  g_return_val_if_fail (figures != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_REPORT_ROW, NULL);
  self->figures = *figures;
  self->figures.name = g_strdup (figures->name);
  self->figures.uri = g_strdup (figures->uri);
  self->figures.city = g_strdup (figures->city);
  self->figures.country = g_strdup (figures->country);

  return self;
}

const LookoutReportFigures *
lookout_report_row_get_figures (LookoutReportRow *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REPORT_ROW (self), NULL);

  return &self->figures;
}

char *
lookout_report_row_dup_place (LookoutReportRow *self)
{
  const char *city, *country;

  g_return_val_if_fail (LOOKOUT_IS_REPORT_ROW (self), NULL);

  city = self->figures.city && *self->figures.city ? self->figures.city : NULL;
  country = self->figures.country && *self->figures.country ? self->figures.country : NULL;

  if (city && country)
    return g_strdup_printf ("%s, %s", city, country);

  return g_strdup (city ? city : country);
}

static const struct
{
  const char *title;
  const char *property;
  gboolean    numeric;
} columns[LOOKOUT_REPORT_N_COLUMNS] = {
  [LOOKOUT_REPORT_COLUMN_NAME] = { N_("Name"), "name", FALSE },
  [LOOKOUT_REPORT_COLUMN_URI] = { N_("Target"), "uri", FALSE },
  [LOOKOUT_REPORT_COLUMN_AVAILABILITY] = { N_("Availability"), "availability", TRUE },
  [LOOKOUT_REPORT_COLUMN_MEAN] = { N_("Mean (ms)"), "mean-us", TRUE },
  [LOOKOUT_REPORT_COLUMN_MIN] = { N_("Min (ms)"), "min-us", TRUE },
  [LOOKOUT_REPORT_COLUMN_MAX] = { N_("Max (ms)"), "max-us", TRUE },
  [LOOKOUT_REPORT_COLUMN_P95] = { N_("P95 (ms)"), "p95-us", TRUE },
  [LOOKOUT_REPORT_COLUMN_OUTAGES] = { N_("Outages"), "outages", TRUE },
  [LOOKOUT_REPORT_COLUMN_PLACE] = { N_("Location"), "place", FALSE },
  [LOOKOUT_REPORT_COLUMN_ANOMALIES] = { N_("Anomalies"), "anomalies", TRUE },
  [LOOKOUT_REPORT_COLUMN_LAST_STATE] = { N_("Last state"), "last-state", FALSE },
};

const char *
lookout_report_column_get_title (LookoutReportColumn column)
{
  g_return_val_if_fail (column < LOOKOUT_REPORT_N_COLUMNS, NULL);

  return _(columns[column].title);
}

const char *
lookout_report_column_get_property (LookoutReportColumn column)
{
  g_return_val_if_fail (column < LOOKOUT_REPORT_N_COLUMNS, NULL);

  return columns[column].property;
}

gboolean
lookout_report_column_is_numeric (LookoutReportColumn column)
{
  g_return_val_if_fail (column < LOOKOUT_REPORT_N_COLUMNS, FALSE);

  return columns[column].numeric;
}

static char *
format_ms (gint64 us)
{
  if (us < 0)
    return g_strdup ("—");

  return g_strdup_printf ("%.2f", us / 1000.0);
}

char *
lookout_report_row_format (LookoutReportRow    *self,
                           LookoutReportColumn  column)
{
  const LookoutReportFigures *f;
  char *place;

  g_return_val_if_fail (LOOKOUT_IS_REPORT_ROW (self), NULL);
  g_return_val_if_fail (column < LOOKOUT_REPORT_N_COLUMNS, NULL);

  f = &self->figures;
  switch (column)
    {
    case LOOKOUT_REPORT_COLUMN_NAME:
      return g_strdup (f->name ? f->name : "");
    case LOOKOUT_REPORT_COLUMN_URI:
      return g_strdup (f->uri);
    case LOOKOUT_REPORT_COLUMN_AVAILABILITY:
      return isnan (f->availability) ? g_strdup ("—")
                                     : lookout_format_percent (100.0 * f->availability);
    case LOOKOUT_REPORT_COLUMN_MEAN:
      return format_ms (f->mean_us);
    case LOOKOUT_REPORT_COLUMN_MIN:
      return format_ms (f->min_us);
    case LOOKOUT_REPORT_COLUMN_MAX:
      return format_ms (f->max_us);
    case LOOKOUT_REPORT_COLUMN_P95:
      return format_ms (f->p95_us);
    case LOOKOUT_REPORT_COLUMN_OUTAGES:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, f->n_outages);
    case LOOKOUT_REPORT_COLUMN_PLACE:
      place = lookout_report_row_dup_place (self);
      return place ? place : g_strdup ("—");
    case LOOKOUT_REPORT_COLUMN_ANOMALIES:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, f->n_anomalies);
    case LOOKOUT_REPORT_COLUMN_LAST_STATE:
      return g_strdup (lookout_target_state_to_string (f->last_state));
    case LOOKOUT_REPORT_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}
