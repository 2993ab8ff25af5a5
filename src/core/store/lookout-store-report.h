/* lookout-store-report.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-store.h"

G_BEGIN_DECLS

/* Reads the monitoring report needs besides the statistics. Blocking, on a
 * reader connection: for worker threads and command-line tools. */

/* City and country of a target's place, from the geo cache: the row of
 * @address (may be NULL), else the newest row at (@latitude, @longitude)
 * (may be NaN), where a lookup placed the target. TRUE with both NULL when
 * none is known. */
gboolean lookout_store_lookup_place_sync    (LookoutStore  *self,
                                             const char    *address,
                                             double         latitude,
                                             double         longitude,
                                             char         **out_city,
                                             char         **out_country,
                                             GError       **error);

/* The number of anomalies of @target_id that start in [from_ms, to_ms). */
gboolean lookout_store_count_anomalies_sync (LookoutStore  *self,
                                             gint64         target_id,
                                             gint64         from_ms,
                                             gint64         to_ms,
                                             guint64       *out_count,
                                             GError       **error);
/* The same for every target at once: target id (gint64 *) → count
 * (guint64 *); a target without anomalies in the range is absent. */
GHashTable *lookout_store_count_anomalies_by_target_sync (LookoutStore  *self,
                                                          gint64         from_ms,
                                                          gint64         to_ms,
                                                          GError       **error);

G_END_DECLS
