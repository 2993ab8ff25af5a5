/* lookout-alert-channel.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-alert-event.h"

G_BEGIN_DECLS

#define LOOKOUT_ALERT_CHANNEL_ERROR (lookout_alert_channel_error_quark ())

typedef enum
{
  LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED, /* no token, URL, application, … */
  LOOKOUT_ALERT_CHANNEL_ERROR_NETWORK,        /* could not reach the service */
  LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED,       /* the service answered with an error */
} LookoutAlertChannelError;

GQuark lookout_alert_channel_error_quark (void);

#define LOOKOUT_TYPE_ALERT_CHANNEL (lookout_alert_channel_get_type ())

G_DECLARE_DERIVABLE_TYPE (LookoutAlertChannel, lookout_alert_channel, LOOKOUT, ALERT_CHANNEL, GObject)

/* A way to tell someone: desktop, Telegram, webhook. Each channel has its
 * own queue: enqueued events go out one at a time, in order; a failed send
 * is retried with exponential back-off (retry-initial-ms doubling up to
 * retry-max-ms) until it succeeds, so nothing is lost while a service is
 * down and a slow one delays nothing but itself.
 *
 * Properties: "id" (string, construct: "desktop", "telegram", "webhook";
 * what the store records), "enabled" (gboolean), "retry-initial-ms",
 * "retry-max-ms" (guint), "pending" (guint, read-only: events queued).
 * Signals: "delivered" (LookoutAlertEvent *, guint attempts),
 * "failed" (LookoutAlertEvent *, GError *) for each failed attempt. */
struct _LookoutAlertChannelClass
{
  GObjectClass parent_class;

  void     (*send_async)  (LookoutAlertChannel  *self,
                           LookoutAlertEvent    *event,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data);
  gboolean (*send_finish) (LookoutAlertChannel  *self,
                           GAsyncResult         *result,
                           GError              **error);

  /*< private >*/
  gpointer padding[8];
};

const char *lookout_alert_channel_get_id       (LookoutAlertChannel  *self);
gboolean    lookout_alert_channel_get_enabled  (LookoutAlertChannel  *self);
void        lookout_alert_channel_set_enabled  (LookoutAlertChannel  *self,
                                                gboolean              enabled);
guint       lookout_alert_channel_get_pending  (LookoutAlertChannel  *self);

/* Queues @event for delivery (see above). */
void        lookout_alert_channel_enqueue      (LookoutAlertChannel  *self,
                                                LookoutAlertEvent    *event);

/* One attempt, outside the queue: "Send test notification". */
void        lookout_alert_channel_send_async   (LookoutAlertChannel  *self,
                                                LookoutAlertEvent    *event,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean    lookout_alert_channel_send_finish  (LookoutAlertChannel  *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* A TEST event with a readable text, for the preferences' test buttons. */
LookoutAlertEvent *lookout_alert_event_new_test (gint64               now_ms);

G_END_DECLS
