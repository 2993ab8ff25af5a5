/* lookout-report-row.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "lookout-types.h"

G_BEGIN_DECLS

/* What one row of the monitoring report says about one target. Latencies
 * in microseconds, -1 when unknown; availability a ratio (0 to 1), NaN when
 * the range has no result. */
typedef struct
{
  gint64              target_id;
  const char         *name;
  const char         *uri;
  double              availability;
  gint64              mean_us;
  gint64              min_us;
  gint64              max_us;
  gint64              p95_us;
  guint64             n_results;
  guint64             n_failures;
  guint64             n_outages;
  const char         *city;
  const char         *country;
  guint64             n_anomalies;
  LookoutTargetState  last_state;
  guint64             n_degraded;
  gint64              degraded_since_ms;   /* -1 when every degraded result is counted */
} LookoutReportFigures;

/* The report's columns, as the text report and the window show them. */
typedef enum
{
  LOOKOUT_REPORT_COLUMN_NAME,
  LOOKOUT_REPORT_COLUMN_URI,
  LOOKOUT_REPORT_COLUMN_AVAILABILITY,
  LOOKOUT_REPORT_COLUMN_MEAN,
  LOOKOUT_REPORT_COLUMN_MIN,
  LOOKOUT_REPORT_COLUMN_MAX,
  LOOKOUT_REPORT_COLUMN_P95,
  LOOKOUT_REPORT_COLUMN_OUTAGES,
  LOOKOUT_REPORT_COLUMN_PLACE,
  LOOKOUT_REPORT_COLUMN_ANOMALIES,
  LOOKOUT_REPORT_COLUMN_LAST_STATE,
  LOOKOUT_REPORT_N_COLUMNS
} LookoutReportColumn;

/* The heading ("Mean (ms)"), translated. */
const char *lookout_report_column_get_title    (LookoutReportColumn column);
/* The LookoutReportRow property the column sorts by. */
const char *lookout_report_column_get_property (LookoutReportColumn column);
/* Numbers, aligned to the right. */
gboolean    lookout_report_column_is_numeric   (LookoutReportColumn column);

#define LOOKOUT_TYPE_REPORT_ROW (lookout_report_row_get_type ())

G_DECLARE_FINAL_TYPE (LookoutReportRow, lookout_report_row, LOOKOUT, REPORT_ROW, GObject)

LookoutReportRow           *lookout_report_row_new         (const LookoutReportFigures *figures);
/* The strings point into the row. */
const LookoutReportFigures *lookout_report_row_get_figures (LookoutReportRow           *self);
/* The cell of @column: "62.500 %", "30.25" (ms), "—" when unknown. */
char                       *lookout_report_row_format      (LookoutReportRow           *self,
                                                            LookoutReportColumn         column);
/* "City, Country", "Country", "City" or NULL. */
char                       *lookout_report_row_dup_place   (LookoutReportRow           *self);

G_END_DECLS
