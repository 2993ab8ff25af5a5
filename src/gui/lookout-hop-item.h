/* lookout-hop-item.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "lookout-path-tracker.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_HOP_ITEM (lookout_hop_item_get_type ())

G_DECLARE_FINAL_TYPE (LookoutHopItem, lookout_hop_item, LOOKOUT, HOP_ITEM, GObject)

/* One row of the hop table: a copy of a hop's figures and the reverse DNS
 * name of its first address (NULL while unknown). */
LookoutHopItem       *lookout_hop_item_new         (const LookoutPathHop *hop,
                                                    const char           *name);
const LookoutPathHop *lookout_hop_item_get_hop     (LookoutHopItem       *self);
const char           *lookout_hop_item_get_name    (LookoutHopItem       *self);
/* The text of column @column (LookoutHopColumn), as the table shows it. */
char                 *lookout_hop_item_dup_text    (LookoutHopItem       *self,
                                                    guint                 column);

typedef enum
{
  LOOKOUT_HOP_COLUMN_HOP,
  LOOKOUT_HOP_COLUMN_ADDRESS,
  LOOKOUT_HOP_COLUMN_NAME,
  LOOKOUT_HOP_COLUMN_LOSS,
  LOOKOUT_HOP_COLUMN_SENT,
  LOOKOUT_HOP_COLUMN_LAST,
  LOOKOUT_HOP_COLUMN_MEDIAN,
  LOOKOUT_HOP_COLUMN_BEST,
  LOOKOUT_HOP_COLUMN_WORST,
  LOOKOUT_HOP_COLUMN_SPREAD,
  LOOKOUT_HOP_N_COLUMNS
} LookoutHopColumn;

G_END_DECLS
