/* lookout-notifier.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-channel.h"
#include "lookout-alert-engine.h"
#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_NOTIFIER (lookout_notifier_get_type ())

G_DECLARE_FINAL_TYPE (LookoutNotifier, lookout_notifier, LOOKOUT, NOTIFIER, GObject)

/* Hands every event the engine wants notified (event->notify) to each
 * enabled channel's queue, and records each delivery in the store
 * (lookout_store_mark_event_delivered). Properties: "engine" (construct),
 * "store" (construct, may be NULL), "channels" (GListModel of
 * LookoutAlertChannel, read-only). */
LookoutNotifier *lookout_notifier_new            (LookoutAlertEngine  *engine,
                                                  LookoutStore        *store);
GListModel      *lookout_notifier_get_channels   (LookoutNotifier     *self);
void             lookout_notifier_add_channel    (LookoutNotifier     *self,
                                                  LookoutAlertChannel *channel);
void             lookout_notifier_remove_channel (LookoutNotifier     *self,
                                                  LookoutAlertChannel *channel);
LookoutAlertChannel *lookout_notifier_find_channel (LookoutNotifier   *self,
                                                  const char          *id);
/* Events held for grouping and waiting in the channels' queues (being sent
 * included). */
guint            lookout_notifier_get_n_pending  (LookoutNotifier     *self);
/* Queues @event on every enabled channel, whatever event->notify says. */
void             lookout_notifier_dispatch       (LookoutNotifier     *self,
                                                  LookoutAlertEvent   *event);

/* Grouping: with a window (0, the default, is none), lookout_notifier_post()
 * holds events until none came for @window_ms (or for at most 30 windows),
 * then dispatches one notification per kind: a single event as it is,
 * several as one group (lookout_alert_event_new_group()); each event is still
 * recorded and marked delivered on its own. The engine's events and the
 * monitor's go through post(). lookout_notifier_flush() sends what is held
 * now. */
void             lookout_notifier_post           (LookoutNotifier     *self,
                                                  LookoutAlertEvent   *event);
void             lookout_notifier_flush          (LookoutNotifier     *self);
void             lookout_notifier_set_group_window (LookoutNotifier   *self,
                                                  guint                window_ms);
guint            lookout_notifier_get_group_window (LookoutNotifier   *self);

/* The window the desktop app and the agent group notifications in. */
#define LOOKOUT_NOTIFIER_GROUP_WINDOW_MS 1000

G_END_DECLS
