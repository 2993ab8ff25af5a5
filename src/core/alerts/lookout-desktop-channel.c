/* lookout-desktop-channel.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-desktop-channel"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-desktop-channel.h"

struct _LookoutDesktopChannel
{
  LookoutAlertChannel  parent_instance;

  GApplication        *application;
};

enum {
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutDesktopChannel, lookout_desktop_channel, LOOKOUT_TYPE_ALERT_CHANNEL)

static GNotificationPriority
priority_for (LookoutAlertEventKind kind)
{
  switch (kind)
    {
    case LOOKOUT_ALERT_EVENT_DOWN:
    case LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST:
      return G_NOTIFICATION_PRIORITY_HIGH;
    case LOOKOUT_ALERT_EVENT_REMINDER:
    case LOOKOUT_ALERT_EVENT_CERT_EXPIRING:
    case LOOKOUT_ALERT_EVENT_DEGRADED:
    case LOOKOUT_ALERT_EVENT_FLAPPING_START:
      return G_NOTIFICATION_PRIORITY_NORMAL;
    default:
      return G_NOTIFICATION_PRIORITY_LOW;
    }
}

static void
lookout_desktop_channel_send_async (LookoutAlertChannel *channel,
                                    LookoutAlertEvent   *event,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  LookoutDesktopChannel *self = LOOKOUT_DESKTOP_CHANNEL (channel);
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  GApplication *app;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_desktop_channel_send_async);

  app = self->application != NULL ? self->application : g_application_get_default ();
  if (app == NULL || !g_application_get_is_registered (app))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                               _("There is no running application to show notifications"));
      return;
    }

  notification = g_notification_new (event->title != NULL ? event->title : event->message);
  g_notification_set_body (notification, event->message);
  g_notification_set_priority (notification, priority_for (event->kind));

  if (event->target_id != 0)
    {
      g_notification_set_default_action_and_target (notification, "app.show-target",
                                                    "x", event->target_id);
      g_notification_add_button_with_target (notification, _("Show"), "app.show-target",
                                             "x", event->target_id);
      g_notification_add_button_with_target (notification, _("Mute for 1 hour"), "app.mute-target",
                                             "x", event->target_id);
      id = g_strdup_printf ("target-%" G_GINT64_FORMAT, event->target_id);
    }
  else
    id = g_strdup (lookout_alert_event_kind_to_string (event->kind));

  g_application_send_notification (app, id, notification);
  g_task_return_boolean (task, TRUE);
}

static gboolean
lookout_desktop_channel_send_finish (LookoutAlertChannel  *channel,
                                     GAsyncResult         *result,
                                     GError              **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookout_desktop_channel_dispose (GObject *object)
{
  LookoutDesktopChannel *self = (LookoutDesktopChannel *)object;

  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (lookout_desktop_channel_parent_class)->dispose (object);
}

static void
lookout_desktop_channel_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  LookoutDesktopChannel *self = LOOKOUT_DESKTOP_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_desktop_channel_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  LookoutDesktopChannel *self = LOOKOUT_DESKTOP_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      /* Weak: the application owns what owns this channel. */
      g_set_weak_pointer (&self->application, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_desktop_channel_class_init (LookoutDesktopChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutAlertChannelClass *channel_class = LOOKOUT_ALERT_CHANNEL_CLASS (klass);

  object_class->dispose = lookout_desktop_channel_dispose;
  object_class->get_property = lookout_desktop_channel_get_property;
  object_class->set_property = lookout_desktop_channel_set_property;

  channel_class->send_async = lookout_desktop_channel_send_async;
  channel_class->send_finish = lookout_desktop_channel_send_finish;

  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL,
                         G_TYPE_APPLICATION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_desktop_channel_init (LookoutDesktopChannel *self)
{
}

LookoutAlertChannel *
lookout_desktop_channel_new (GApplication *application)
{
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  return g_object_new (LOOKOUT_TYPE_DESKTOP_CHANNEL,
                       "id", "desktop",
                       "application", application,
                       NULL);
}
