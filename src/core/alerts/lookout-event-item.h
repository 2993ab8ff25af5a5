/* lookout-event-item.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-event.h"
#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_EVENT_ITEM (lookout_event_item_get_type ())

G_DECLARE_FINAL_TYPE (LookoutEventItem, lookout_event_item, LOOKOUT, EVENT_ITEM, GObject)

/* One event as lists show it. Read-only properties: "target-id" (gint64),
 * "timestamp" (gint64 ms), "kind" (string, as stored), "label" (the kind
 * for people), "message", "delivered" (gint64 ms, 0 when not),
 * "channels" (string or NULL). */
LookoutEventItem *lookout_event_item_new_from_stored (const LookoutStoredEvent *event);
LookoutEventItem *lookout_event_item_new_from_event  (const LookoutAlertEvent  *event);

gint64      lookout_event_item_get_target_id  (LookoutEventItem *self);
gint64      lookout_event_item_get_timestamp  (LookoutEventItem *self);
const char *lookout_event_item_get_kind       (LookoutEventItem *self);
const char *lookout_event_item_get_label      (LookoutEventItem *self);
const char *lookout_event_item_get_message    (LookoutEventItem *self);
gint64      lookout_event_item_get_delivered  (LookoutEventItem *self);
const char *lookout_event_item_get_channels   (LookoutEventItem *self);

G_END_DECLS
