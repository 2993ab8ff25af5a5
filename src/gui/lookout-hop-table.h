/* lookout-hop-table.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-hop-item.h"
#include "lookout-trace-report.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_HOP_TABLE (lookout_hop_table_get_type ())

G_DECLARE_FINAL_TYPE (LookoutHopTable, lookout_hop_table, LOOKOUT, HOP_TABLE, GtkWidget)

/* The mtr-like table of a path: hop, address(es), name, loss, sent, last,
 * median, best, worst, spread, over the rounds added since the path last
 * changed (a LookoutPathTracker's figures); names from reverse DNS, looked
 * up once per address. */
GtkWidget  *lookout_hop_table_new          (void);
/* Adds one traced round; TRUE when it confirmed a route change. */
gboolean    lookout_hop_table_add_report   (LookoutHopTable          *self,
                                            const LookoutTraceReport *report);
/* Forgets every round (another target). */
void        lookout_hop_table_reset        (LookoutHopTable          *self);
/* The rows, LookoutHopItem, one per hop. */
GListModel *lookout_hop_table_get_model    (LookoutHopTable          *self);
guint       lookout_hop_table_get_n_rounds (LookoutHopTable          *self);
/* Whether reverse DNS names are looked up (TRUE by default). */
void        lookout_hop_table_set_resolve_names (LookoutHopTable     *self,
                                                 gboolean             resolve);

G_END_DECLS
