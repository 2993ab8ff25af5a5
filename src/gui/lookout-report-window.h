/* lookout-report-window.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-monitor.h"
#include "lookout-report.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_REPORT_WINDOW (lookout_report_window_get_type ())

G_DECLARE_FINAL_TYPE (LookoutReportWindow, lookout_report_window, LOOKOUT, REPORT_WINDOW, AdwWindow)

/* The monitoring report of every target over a chosen range, in sortable
 * columns, with export to CSV and printing (or saving a PDF). */
GtkWidget     *lookout_report_window_new        (GtkWindow           *transient_for,
                                                 LookoutMonitor      *monitor);
/* The report shown, NULL while the first one is computed. */
LookoutReport *lookout_report_window_get_report (LookoutReportWindow *self);

G_END_DECLS
