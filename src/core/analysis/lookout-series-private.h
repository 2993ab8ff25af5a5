/* lookout-series-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-store.h"

G_BEGIN_DECLS

/* A blocking read of one target's history over [from_ms, to_ms) into
 * n_columns (ignored by reads that have no columns); NULL with error set
 * on failure. */
typedef gpointer (*LookoutSeriesReadFunc) (LookoutStore  *store,
                                           gint64         target_id,
                                           gint64         from_ms,
                                           gint64         to_ms,
                                           guint          n_columns,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* Runs read in a worker thread and returns its result through a GTask
 * tagged with source_tag, freed with result_free if nobody takes it. Serves
 * lookout_series_fetch_async () and lookout_stats_fetch_async (). */
void lookout_series_run_read_async (LookoutStore          *store,
                                    gint64                 target_id,
                                    gint64                 from_ms,
                                    gint64                 to_ms,
                                    guint                  n_columns,
                                    LookoutSeriesReadFunc  read,
                                    GDestroyNotify         result_free,
                                    gpointer               source_tag,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data);

G_END_DECLS
