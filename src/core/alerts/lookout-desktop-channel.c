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
    case LOOKOUT_ALERT_EVENT_AGENT_OFFLINE:
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

/* g_application_send_notification() never says whether anything showed the
 * notification: GLib hands it to the portal inside a sandbox, else to
 * org.gtk.Notifications when that name is owned, else to
 * org.freedesktop.Notifications, and drops it silently when nobody is there.
 * So before sending, the session bus is asked whether one of these names is
 * owned (or, for the freedesktop one, can be started), and the send fails
 * with a message saying so when none is. */

#define FDO_NOTIFICATIONS "org.freedesktop.Notifications"
#define GTK_NOTIFICATIONS "org.gtk.Notifications"
#define PORTAL_DESKTOP    "org.freedesktop.portal.Desktop"

/* The application to notify through, or NULL after failing @task. */
static GApplication *
running_application (LookoutDesktopChannel *self,
                     GTask                 *task)
{
  GApplication *app = self->application != NULL ? self->application : g_application_get_default ();

  if (app == NULL || !g_application_get_is_registered (app))
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                               _("There is no running application to show notifications"));
      return NULL;
    }

  return app;
}

static void send_now (GTask *task);

static gboolean
names_contain_service (GVariant *reply,
                       gboolean  activatable)
{
  g_autofree const char **names = NULL;

  g_variant_get (reply, "(^a&s)", &names);
  if (activatable)
    return g_strv_contains (names, FDO_NOTIFICATIONS);

  return g_strv_contains (names, FDO_NOTIFICATIONS) ||
         g_strv_contains (names, GTK_NOTIFICATIONS) ||
         (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) && g_strv_contains (names, PORTAL_DESKTOP));
}

static void
names_listed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean activatable = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "lookout-activatable"));

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NETWORK,
                               _("Could not ask the session bus for a notification service: %s"),
                               error->message);
      return;
    }

  if (names_contain_service (reply, activatable))
    {
      send_now (g_steal_pointer (&task));
      return;
    }

  if (!activatable)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_object_set_data (G_OBJECT (task), "lookout-activatable", GINT_TO_POINTER (TRUE));
      g_dbus_connection_call (G_DBUS_CONNECTION (object), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "ListActivatableNames", NULL, G_VARIANT_TYPE ("(as)"),
                              G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                              names_listed_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NETWORK,
                           _("No notification service is running in this desktop session "
                             "(nothing provides %s on the session bus)"), FDO_NOTIFICATIONS);
}

static void
lookout_desktop_channel_send_async (LookoutAlertChannel *channel,
                                    LookoutAlertEvent   *event,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  LookoutDesktopChannel *self = LOOKOUT_DESKTOP_CHANNEL (channel);
  g_autoptr(GTask) task = NULL;
  GDBusConnection *bus;
  GApplication *app;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_desktop_channel_send_async);
  g_task_set_task_data (task, lookout_alert_event_ref (event), (GDestroyNotify) lookout_alert_event_unref);

  if (!(app = running_application (self, task)))
    return;

  bus = g_application_get_dbus_connection (app);
  if (bus == NULL)
    {
      g_task_return_new_error (task, LOOKOUT_ALERT_CHANNEL_ERROR,
                               LOOKOUT_ALERT_CHANNEL_ERROR_NOT_CONFIGURED,
                               _("Notifications need a D-Bus session bus, and this application has none"));
      return;
    }

  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListNames", NULL, G_VARIANT_TYPE ("(as)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          names_listed_cb, g_steal_pointer (&task));
}

static void
send_now (GTask *task_)
{
  g_autoptr(GTask) task = task_;
  LookoutDesktopChannel *self = g_task_get_source_object (task);
  LookoutAlertEvent *event = g_task_get_task_data (task);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;
  GApplication *app;

  if (!(app = running_application (self, task)))
    return;

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
