/* lookout-event-model.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-engine.h"
#include "lookout-event-item.h"
#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_EVENT_MODEL_PAGE 200

#define LOOKOUT_TYPE_EVENT_MODEL (lookout_event_model_get_type ())

G_DECLARE_FINAL_TYPE (LookoutEventModel, lookout_event_model, LOOKOUT, EVENT_MODEL, GObject)

/* The events of the store as a GListModel of LookoutEventItem, newest
 * first, optionally of one target and one kind; read a page at a time on
 * the store's reader thread, with the engine's new events put in front as
 * they happen. Properties: "store", "engine" (construct; engine may be
 * NULL), "target-id" (gint64, -1 for all), "kind" (string, NULL for all),
 * "loading" and "has-more" (gboolean, read-only). */
LookoutEventModel *lookout_event_model_new        (LookoutStore        *store,
                                                   LookoutAlertEngine  *engine);
/* Empties the model and reads the first page of what matches. */
void               lookout_event_model_set_filter (LookoutEventModel   *self,
                                                   gint64               target_id,
                                                   const char          *kind);
gint64             lookout_event_model_get_target_id (LookoutEventModel *self);
const char        *lookout_event_model_get_kind   (LookoutEventModel   *self);
gboolean           lookout_event_model_get_loading (LookoutEventModel  *self);
gboolean           lookout_event_model_get_has_more (LookoutEventModel *self);
/* Reads the next, older page (nothing when one is being read). */
void               lookout_event_model_load_more  (LookoutEventModel   *self);

G_END_DECLS
