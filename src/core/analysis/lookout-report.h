/* lookout-report.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lookout-report-row.h"
#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_REPORT (lookout_report_get_type ())

G_DECLARE_FINAL_TYPE (LookoutReport, lookout_report, LOOKOUT, REPORT, GObject)

/* The monitoring report: one LookoutReportRow per target of @targets (a
 * GListModel of LookoutTarget), in their order, over [from_ms, to_ms). The
 * figures are lookout_stats_fetch_sync()'s, the numbers the target page
 * shows; the place comes from the geo cache, the anomalies from the
 * anomalies table when the database has one. The last state is the
 * target's live state when it has been checked, else the state of its last
 * stored result in the range ("paused" for a disabled target).
 *
 * The report is a GListModel of its rows. */
LookoutReport *lookout_report_compute_sync   (LookoutStore         *store,
                                              GListModel           *targets,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              GError              **error);
/* The same in a worker thread; the targets are read on the calling thread. */
void           lookout_report_compute_async  (LookoutStore         *store,
                                              GListModel           *targets,
                                              gint64                from_ms,
                                              gint64                to_ms,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
LookoutReport *lookout_report_compute_finish (GAsyncResult         *result,
                                              GError              **error);

gint64         lookout_report_get_from_ms    (LookoutReport        *self);
gint64         lookout_report_get_to_ms      (LookoutReport        *self);

/* {"from", "to" (RFC 3339 UTC), "from_ms", "to_ms", "targets": [{"id",
 * "name", "uri", "availability" (ratio), "mean_s", "min_s", "max_s",
 * "p95_s" (seconds), "results", "failures", "outages", "city", "country",
 * "anomalies", "last_state"}]}; null where a figure is unknown. */
JsonNode      *lookout_report_to_json        (LookoutReport        *self);
/* A header line, then one row per target: name, uri, availability (ratio),
 * mean_ms, min_ms, max_ms, p95_ms, outages, city, country, anomalies,
 * last_state; empty fields where a figure is unknown. CRLF line ends. */
char          *lookout_report_to_csv         (LookoutReport        *self);
/* A table in aligned columns for a terminal or a printed page. */
char          *lookout_report_to_text        (LookoutReport        *self);

G_END_DECLS
