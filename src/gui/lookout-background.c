/* lookout-background.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works
 *
 * Running in the background is a GApplication hold: taken while the
 * "run-in-background" key is set, so that closing the last window does not
 * end the process; the Quit action ends it whatever the hold.
 *
 * The desktop is asked through org.freedesktop.portal.Background
 * (RequestBackground over GDBus, the reply coming as the Response signal of
 * the returned request object), with autostart as "start-at-login" says.
 * Where no portal answers, the hold still keeps monitoring for this
 * session, "status" says so, and start at login is an autostart .desktop
 * file in $XDG_CONFIG_HOME/autostart. */

#define G_LOG_DOMAIN "lookout-background"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lookout-background.h"

#define PORTAL_BUS    "org.freedesktop.portal.Desktop"
#define PORTAL_PATH   "/org/freedesktop/portal/desktop"
#define PORTAL_IFACE  "org.freedesktop.portal.Background"
#define REQUEST_IFACE "org.freedesktop.portal.Request"

#define NOTICE N_("Closing the window leaves the checks running in the background. " \
                  "Choose Quit in the main menu to stop them, or turn off " \
                  "“Run in Background” in the preferences.")

struct _LookoutBackground
{
  GObject        parent_instance;

  GApplication  *application;
  GSettings     *settings;
  GCancellable  *cancellable;
  char          *status;
  guint          response_id;
  gboolean       holding;
};

enum {
  PROP_0,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LookoutBackground, lookout_background, G_TYPE_OBJECT)

static void
set_status (LookoutBackground *self,
            const char        *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

char *
lookout_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
}

/* Without a portal: the autostart file, written or removed. */
static void
write_autostart (LookoutBackground *self,
                 gboolean           enabled)
{
  g_autofree char *path = lookout_background_dup_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
      return;
    }

  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=%s\n"
                              "Comment=%s\n"
                              "Icon=%s\n"
                              "Exec=lookout --background\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              _("Lookout"), _("Keep monitoring in the background"), APPLICATION_ID);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, contents, -1, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not set up the start at login: %s"),
                                               error != NULL ? error->message : g_strerror (errno));

      set_status (self, text);
    }
}

static void
portal_absent (LookoutBackground *self,
               const char        *why)
{
  g_autofree char *text = NULL;

  write_autostart (self, g_settings_get_boolean (self->settings, "start-at-login"));
  text = g_strdup_printf (_("No background portal answered (%s): Lookout keeps monitoring while it runs "
                            "in this session, and starts at login through an autostart file."), why);
  set_status (self, text);
}

static void
response_received_cb (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  LookoutBackground *self = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE;
  guint32 response;

  g_dbus_connection_signal_unsubscribe (connection, self->response_id);
  self->response_id = 0;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  if (response == 0 && background)
    set_status (self, _("The desktop lets Lookout run in the background."));
  else
    set_status (self, _("The desktop did not allow running in the background: monitoring stops "
                        "with the session, or when the desktop ends Lookout."));
}

static void
background_requested_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(LookoutBackground) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *handle;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          portal_absent (self, error->message);
        }
      return;
    }

  g_variant_get (reply, "(&o)", &handle);
  if (self->response_id != 0)
    g_dbus_connection_signal_unsubscribe (G_DBUS_CONNECTION (object), self->response_id);
  self->response_id = g_dbus_connection_signal_subscribe (G_DBUS_CONNECTION (object), PORTAL_BUS,
                                                          REQUEST_IFACE, "Response", handle, NULL,
                                                          G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
                                                          response_received_cb, self, NULL);
}

static void
request_background (LookoutBackground *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (self->application);
  gboolean autostart = g_settings_get_boolean (self->settings, "start-at-login");
  GVariantBuilder options;
  const char *commandline[] = { "lookout", "--background", NULL };

  if (bus == NULL)
    {
      portal_absent (self, _("no session bus"));
      return;
    }

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Keep monitoring after the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, PORTAL_BUS, PORTAL_PATH, PORTAL_IFACE, "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                          background_requested_cb, g_object_ref (self));
}

static void
settings_changed_cb (LookoutBackground *self)
{
  gboolean run = g_settings_get_boolean (self->settings, "run-in-background");

  if (run && !self->holding)
    g_application_hold (self->application);
  else if (!run && self->holding)
    g_application_release (self->application);
  self->holding = run;

  if (run || g_settings_get_boolean (self->settings, "start-at-login"))
    request_background (self);
  else
    {
      write_autostart (self, FALSE);
      set_status (self, _("Closing the window stops monitoring."));
    }
}

static void
lookout_background_dispose (GObject *object)
{
  LookoutBackground *self = (LookoutBackground *)object;
  GDBusConnection *bus;

  g_cancellable_cancel (self->cancellable);
  if (self->response_id != 0 && self->application != NULL &&
      (bus = g_application_get_dbus_connection (self->application)) != NULL)
    g_dbus_connection_signal_unsubscribe (bus, self->response_id);
  self->response_id = 0;
  if (self->holding && self->application != NULL)
    g_application_release (self->application);
  self->holding = FALSE;
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lookout_background_parent_class)->dispose (object);
}

static void
lookout_background_finalize (GObject *object)
{
  LookoutBackground *self = (LookoutBackground *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (lookout_background_parent_class)->finalize (object);
}

static void
lookout_background_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutBackground *self = LOOKOUT_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_background_class_init (LookoutBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_background_dispose;
  object_class->finalize = lookout_background_finalize;
  object_class->get_property = lookout_background_get_property;

  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_background_init (LookoutBackground *self)
{
  self->cancellable = g_cancellable_new ();
}

LookoutBackground *
lookout_background_new (GApplication *application,
                        GSettings    *settings)
{
  LookoutBackground *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LOOKOUT_TYPE_BACKGROUND, NULL);
  /* Weak: the application owns this. */
  g_set_weak_pointer (&self->application, application);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::run-in-background",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::start-at-login",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  settings_changed_cb (self);

  return self;
}

const char *
lookout_background_get_status (LookoutBackground *self)
{
  g_return_val_if_fail (LOOKOUT_IS_BACKGROUND (self), NULL);

  return self->status;
}

gboolean
lookout_background_get_holding (LookoutBackground *self)
{
  g_return_val_if_fail (LOOKOUT_IS_BACKGROUND (self), FALSE);

  return self->holding;
}

gboolean
lookout_background_window_closed (LookoutBackground *self)
{
  g_autoptr(GNotification) notification = NULL;

  g_return_val_if_fail (LOOKOUT_IS_BACKGROUND (self), FALSE);

  if (!self->holding)
    return FALSE;
  if (g_settings_get_boolean (self->settings, "background-notice-shown"))
    return TRUE;

  notification = g_notification_new (_("Lookout keeps monitoring"));
  g_notification_set_body (notification, _(NOTICE));
  /* GLib's notification backends need the session bus; without one there
   * is no notification service, and the log is where it can be said. */
  if (self->application != NULL && g_application_get_dbus_connection (self->application) != NULL)
    g_application_send_notification (self->application, "background", notification);
  else
    g_message ("%s", _(NOTICE));
  g_settings_set_boolean (self->settings, "background-notice-shown", TRUE);

  return TRUE;
}
