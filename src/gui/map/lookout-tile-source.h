/* lookout-tile-source.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TILE_SOURCE (lookout_tile_source_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTileSource, lookout_tile_source, LOOKOUT, TILE_SOURCE, ShumateDataSource)

/* Passes tile requests to another data source (libshumate's downloader with
 * its file cache) and watches the answers: "available" (gboolean, read-only)
 * turns FALSE when tiles fail to arrive and TRUE again with the next one
 * that does. libshumate 1.0 has no signal of its own for that. */
LookoutTileSource *lookout_tile_source_new           (ShumateDataSource *inner);
gboolean           lookout_tile_source_get_available (LookoutTileSource *self);

G_END_DECLS
