/* lookout-store-geo.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-geo-location.h"
#include "lookout-store.h"

G_BEGIN_DECLS

/* The geo_cache table of LookoutStore: reads on a reader thread, writes
 * queued for the writer thread like every other write. */

/* The cached location of @address fetched at or after @not_before_ms, or
 * NULL (without an error) when there is none. */
void                lookout_store_lookup_geo_async  (LookoutStore              *self,
                                                     const char                *address,
                                                     gint64                     not_before_ms,
                                                     GCancellable              *cancellable,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
LookoutGeoLocation *lookout_store_lookup_geo_finish (LookoutStore              *self,
                                                     GAsyncResult              *result,
                                                     GError                   **error);
/* The same on the calling thread (a worker's, never the main loop's). */
LookoutGeoLocation *lookout_store_lookup_geo_sync   (LookoutStore              *self,
                                                     const char                *address,
                                                     gint64                     not_before_ms,
                                                     GError                   **error);
/* Inserts or replaces the row of location->address. */
void                lookout_store_save_geo_async    (LookoutStore              *self,
                                                     const LookoutGeoLocation  *location,
                                                     GCancellable              *cancellable,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
gboolean            lookout_store_save_geo_finish   (LookoutStore              *self,
                                                     GAsyncResult              *result,
                                                     GError                   **error);

G_END_DECLS
