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
} LookoutReportFigures;

#define LOOKOUT_TYPE_REPORT_ROW (lookout_report_row_get_type ())

G_DECLARE_FINAL_TYPE (LookoutReportRow, lookout_report_row, LOOKOUT, REPORT_ROW, GObject)

LookoutReportRow           *lookout_report_row_new         (const LookoutReportFigures *figures);
/* The strings point into the row. */
const LookoutReportFigures *lookout_report_row_get_figures (LookoutReportRow           *self);
/* "City, Country", "Country", "City" or NULL. */
char                       *lookout_report_row_dup_place   (LookoutReportRow           *self);

G_END_DECLS
