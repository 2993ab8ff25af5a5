/* lookout-event-row.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-event-item.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_EVENT_ROW (lookout_event_row_get_type ())

G_DECLARE_FINAL_TYPE (LookoutEventRow, lookout_event_row, LOOKOUT, EVENT_ROW, GtkWidget)

/* One event in a list: what happened, when, the message, and where it was
 * delivered. Property "item" (LookoutEventItem). */
GtkWidget *lookout_event_row_new      (void);
void       lookout_event_row_set_item (LookoutEventRow  *self,
                                       LookoutEventItem *item);

G_END_DECLS
