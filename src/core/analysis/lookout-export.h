/* lookout-export.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-store.h"

G_BEGIN_DECLS

typedef enum
{
  LOOKOUT_EXPORT_CSV,
  LOOKOUT_EXPORT_JSON,
} LookoutExportFormat;

/* Appends @text as one CSV field, quoted when it holds a comma, a quote or
 * a line break (RFC 4180); nothing for NULL. */
void     lookout_export_append_csv_field (GString              *line,
                                          const char           *text);

/* Writes raw samples of one target.
 * CSV: a header line, then "time,ts_ms,state,latency_ms,code,error" rows
 * (time in ISO 8601 UTC; an empty latency for a failure, never 0).
 * JSON: {"target": URI, "from_ms", "to_ms", "samples": [{"time", "ts_ms",
 * "state", "latency_ms" (null when none), "code", "error"}, …]}.
 * Every result says where it was checked from: "location" in its JSON
 * object and the last CSV column "location" ("local", or the name of the
 * remote agent that checked it). */
gboolean lookout_export_write_samples (GOutputStream        *stream,
                                       LookoutExportFormat   format,
                                       const char           *target_uri,
                                       gint64                from_ms,
                                       gint64                to_ms,
                                       const LookoutSample  *samples,
                                       gsize                 n_samples,
                                       GCancellable         *cancellable,
                                       GError              **error);

/* Reads [from_ms, to_ms) of the target from the store and writes it to
 * file (replacing it), in a worker thread. */
void     lookout_export_to_file_async (LookoutStore         *store,
                                       gint64                target_id,
                                       const char           *target_uri,
                                       gint64                from_ms,
                                       gint64                to_ms,
                                       LookoutExportFormat   format,
                                       GFile                *file,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean lookout_export_to_file_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
