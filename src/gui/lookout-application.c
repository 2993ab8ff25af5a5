/* lookout-application.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application opens the store and loads the targets asynchronously at
 * startup, so the window appears at once (with a spinner) and gets the
 * monitor when it is ready. */

#define G_LOG_DOMAIN "lookout-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "lookout-application.h"
#include "lookout-auth-secrets.h"
#include "lookout-background.h"
#include "lookout-remote-access.h"
#include "lookout-agents.h"
#include "lookout-geo-preferences.h"
#include "lookout-events-window.h"
#include "lookout-report-window.h"
#include "lookout-gui-utils.h"
#include "lookout-preferences-window.h"
#include "lookout-window.h"

struct _LookoutApplication
{
  AdwApplication  parent_instance;

  LookoutStore   *store;
  LookoutMonitor *monitor;
  LookoutAlertSettings *alert_settings;
  GError         *load_error;
  GCancellable   *cancellable;
  GSettings      *settings;
  guint           sigint_source;
  guint           sigterm_source;

  LookoutBackground *background;
  LookoutRemoteAccess *remote_access;   /* the REST API, once monitoring */
  LookoutAgents  *agents;               /* the remote agents driven, once monitoring */
  gboolean        start_hidden;   /* --background: no window on the first activation */
  gboolean        quitting;
};

G_DEFINE_FINAL_TYPE (LookoutApplication, lookout_application, ADW_TYPE_APPLICATION)

static void
update_windows (LookoutApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (!LOOKOUT_IS_WINDOW (l->data))
        continue;

      if (self->load_error != NULL)
        lookout_window_set_load_error (l->data, self->load_error);
      else if (self->monitor != NULL)
        lookout_window_set_monitor (l->data, self->monitor);
    }
}

static void
secrets_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_alert_settings_load_secrets_finish (LOOKOUT_ALERT_SETTINGS (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read the notification secrets from the keyring: %s", error->message);
}

/* The monitor notifies and locates; GSettings say how (the channels, with
 * secrets from the keyring, and the geolocation provider) before the
 * targets load and the first lookups start. */
static void
configure_monitor (LookoutApplication *self,
                   LookoutMonitor     *monitor)
{
  if (self->settings == NULL)
    return;

  self->alert_settings = lookout_alert_settings_new (self->settings,
                                                     lookout_monitor_get_alert_engine (monitor),
                                                     lookout_monitor_get_notifier (monitor),
                                                     G_APPLICATION (self));
  lookout_alert_settings_load_secrets_async (self->alert_settings, self->cancellable,
                                             secrets_loaded_cb, NULL);
  lookout_geo_bind_settings (lookout_monitor_get_geo (monitor), self->settings);
}

/* The agents are listed beside the database they report into. */
static LookoutAgents *
new_agents (LookoutStore   *store,
            LookoutMonitor *monitor)
{
  g_autofree char *dir = g_path_get_dirname (lookout_store_get_path (store));
  g_autofree char *path = g_build_filename (dir, "agents.conf", NULL);

  return lookout_agents_new (monitor, path);
}

static void
passwords_given_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LookoutApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_auth_secrets_watch_finish (LOOKOUT_MONITOR (object), result, &error) ||
      self->monitor != LOOKOUT_MONITOR (object))
    return;

  lookout_monitor_start (self->monitor);
  if (self->settings != NULL)
    self->remote_access = lookout_remote_access_new (self->settings, self->monitor);
}

static void
monitor_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LookoutApplication) self = user_data;
  g_autoptr(LookoutMonitor) monitor = g_object_ref (LOOKOUT_MONITOR (object));
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_load_finish (monitor, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not load the targets: %s", error->message);
      self->load_error = g_steal_pointer (&error);
    }
  else
    {
      g_clear_error (&self->load_error);
      self->monitor = g_steal_pointer (&monitor);
      /* Checks run on this main loop from now on; results update the
       * targets' live state, which the list and the page follow. A
       * database opened to read its history only is shown, not checked. */
      /* The checks start once the keyring has given the loaded targets
       * their basic-auth passwords: none is checked without its own. */
      if (!lookout_store_get_read_only (self->store))
        {
          lookout_auth_secrets_watch_async (self->monitor, self->cancellable, passwords_given_cb,
                                            g_object_ref (self));
          self->agents = new_agents (self->store, self->monitor);
        }
    }

  update_windows (self);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutApplication) self = user_data;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;

  if (!(self->store = lookout_store_open_finish (result, &error)))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not open the database: %s", error->message);
      g_clear_error (&self->load_error);
      self->load_error = g_steal_pointer (&error);
      update_windows (self);
      return;
    }

  if (lookout_store_get_read_only (self->store))
    monitor = lookout_monitor_new_with_options (self->store, &(LookoutMonitorOptions) { 0 });
  else
    {
      monitor = lookout_monitor_new_with_options (self->store,
                                                  &(LookoutMonitorOptions) { .notify = TRUE, .locate = TRUE });
      configure_monitor (self, monitor);
    }
  lookout_monitor_load_async (monitor, self->cancellable, monitor_loaded_cb, g_object_ref (self));
}

static void
show_history_read_only_action (GSimpleAction *action,
                               GVariant      *param,
                               gpointer       user_data)
{
  LookoutApplication *self = user_data;
  g_autofree char *path = NULL;

  if (self->store != NULL || self->monitor != NULL)
    return;

  path = lookout_store_dup_default_path ();
  lookout_store_open_read_only_async (path, self->cancellable, store_opened_cb, g_object_ref (self));
}

static void
color_scheme_changed_cb (LookoutApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  LookoutApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Quit stops monitoring, whatever runs in the background. */
  self->quitting = TRUE;

  /* Closing lets windows save their size; a copy, as closing edits the list. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);

  g_application_quit (G_APPLICATION (self));
}

static gboolean
quit_signal_received_cb (gpointer user_data)
{
  LookoutApplication *self = user_data;

  /* Same path as Ctrl+Q: windows save their state, the store flushes. */
  g_action_group_activate_action (G_ACTION_GROUP (self), "quit", NULL);

  return G_SOURCE_CONTINUE;
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  LookoutApplication *self = user_data;
  static const char *developers[] = { "The Lookout authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "title", _("About Lookout"),
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Lookout"),
                        "developer-name", _("The Lookout authors"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/lookoutapp/lookout",
                        "issue-url", "https://github.com/lookoutapp/lookout/issues",
                        "comments", _("Keep watch over servers and services: HTTP(S), ping, TCP, UDP, DNS and NTP"),
                        "developers", developers,
                        "copyright", "© 2026 The Lookout authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  LookoutApplication *self = user_data;
  GtkWidget *preferences;

  preferences = lookout_preferences_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)));
  if (self->settings != NULL)
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (preferences),
                                ADW_PREFERENCES_PAGE (lookout_geo_preferences_new (self->settings,
                                                                                   lookout_application_get_geo (self))));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* From a notification: bring the window up on that target. */
static void
show_target_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  LookoutApplication *self = user_data;
  LookoutTarget *target;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (self->monitor == NULL || !LOOKOUT_IS_WINDOW (window))
    return;

  target = lookout_monitor_find_target (self->monitor, g_variant_get_int64 (param));
  if (target != NULL)
    lookout_window_select_target (LOOKOUT_WINDOW (window), target);
}

static void
mute_target_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  LookoutApplication *self = user_data;
  LookoutAlertEngine *engine;

  if (self->monitor == NULL)
    return;

  engine = lookout_monitor_get_alert_engine (self->monitor);
  lookout_alert_engine_mute_target (engine, g_variant_get_int64 (param),
                                    lookout_alert_engine_now (engine) + 60 * 60 * 1000);
}

static void
events_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  LookoutApplication *self = user_data;
  GtkWidget *events;

  if (self->monitor == NULL)
    return;

  events = lookout_events_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                      self->monitor);
  gtk_window_present (GTK_WINDOW (events));
}

static void
report_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  LookoutApplication *self = user_data;
  GtkWidget *report;

  if (self->monitor == NULL)
    return;

  report = lookout_report_window_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                      self->monitor);
  gtk_window_present (GTK_WINDOW (report));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "events", events_action },
  { "report", report_action },
  { "show-target", show_target_action, "x" },
  { "mute-target", mute_target_action, "x" },
  { "show-history-read-only", show_history_read_only_action },
};

/* The last window went: monitoring goes on in the background, if so set. */
static void
window_removed_cb (LookoutApplication *self,
                   GtkWindow          *window)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (LOOKOUT_IS_WINDOW (l->data))
      return;

  if (!self->quitting && LOOKOUT_IS_WINDOW (window) && self->background != NULL)
    lookout_background_window_closed (self->background);
}

static int
handle_local_options_cb (LookoutApplication *self,
                         GVariantDict       *options)
{
  if (g_variant_dict_contains (options, "background"))
    self->start_hidden = TRUE;
  return -1;
}

static void
lookout_application_startup (GApplication *application)
{
  LookoutApplication *self = LOOKOUT_APPLICATION (application);
  g_autofree char *path = NULL;
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.events", { "<Control>l", NULL } },
    { "win.add-target", { "<Control>n", NULL } },
    { "win.edit-target", { "<Control>e", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  G_APPLICATION_CLASS (lookout_application_parent_class)->startup (application);
  lookout_accessible_tidy_windows ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = lookout_dup_settings ();
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::color-scheme",
                               G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
      color_scheme_changed_cb (self);
    }

  if (self->settings != NULL)
    self->background = lookout_background_new (G_APPLICATION (self), self->settings);
  /* After the class handler, which takes the window off the list. */
  g_signal_connect_after (self, "window-removed", G_CALLBACK (window_removed_cb), NULL);

  self->sigint_source = g_unix_signal_add (SIGINT, quit_signal_received_cb, self);
  self->sigterm_source = g_unix_signal_add (SIGTERM, quit_signal_received_cb, self);

  path = lookout_store_dup_default_path ();
  g_debug ("Opening %s", path);
  lookout_store_open_async (path, self->cancellable, store_opened_cb, g_object_ref (self));
}

static void
lookout_application_activate (GApplication *application)
{
  LookoutApplication *self = LOOKOUT_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* Started at login: monitoring only, the window comes when asked for. */
  if (self->start_hidden && self->background != NULL && lookout_background_get_holding (self->background))
    {
      self->start_hidden = FALSE;
      return;
    }
  self->start_hidden = FALSE;

  if (window == NULL)
    {
      window = GTK_WINDOW (lookout_window_new (GTK_APPLICATION (self)));
      update_windows (self);
    }

  gtk_window_present (window);
}

static void
lookout_application_shutdown (GApplication *application)
{
  LookoutApplication *self = LOOKOUT_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sigint_source, g_source_remove);
  g_clear_handle_id (&self->sigterm_source, g_source_remove);
  g_clear_object (&self->background);
  g_clear_object (&self->remote_access);
  /* the map may still hold the agents: their links stop now */
  if (self->agents != NULL)
    g_object_run_dispose (G_OBJECT (self->agents));
  g_clear_object (&self->agents);
  if (self->monitor != NULL)
    {
      /* Windows may hold the monitor and its geolocation: stop the lookups
       * under way before the store closes. */
      lookout_monitor_stop (self->monitor);
      g_object_run_dispose (G_OBJECT (lookout_monitor_get_geo (self->monitor)));
    }
  g_clear_object (&self->monitor);
  if (self->store != NULL)
    lookout_store_close (self->store);
  g_clear_object (&self->store);

  G_APPLICATION_CLASS (lookout_application_parent_class)->shutdown (application);
}

static void
lookout_application_finalize (GObject *object)
{
  LookoutApplication *self = (LookoutApplication *)object;

  g_clear_object (&self->alert_settings);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (lookout_application_parent_class)->finalize (object);
}

static void
lookout_application_class_init (LookoutApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = lookout_application_finalize;

  application_class->startup = lookout_application_startup;
  application_class->activate = lookout_application_activate;
  application_class->shutdown = lookout_application_shutdown;
}

static void
lookout_application_init (LookoutApplication *self)
{
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option (G_APPLICATION (self), "background", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Start monitoring without opening a window"), NULL);
  g_signal_connect (self, "handle-local-options", G_CALLBACK (handle_local_options_cb), NULL);
}

/* NULL without a settings schema. */
LookoutBackground *
lookout_application_get_background (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->background;
}

LookoutApplication *
lookout_application_new (void)
{
  return g_object_new (LOOKOUT_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/lookoutapp/Lookout",
                       NULL);
}

LookoutMonitor *
lookout_application_get_monitor (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->monitor;
}

/* NULL until the targets are loaded. */
LookoutGeo *
lookout_application_get_geo (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->monitor != NULL ? lookout_monitor_get_geo (self->monitor) : NULL;
}

/* NULL until the database is open, or without a settings schema. */
LookoutAlertSettings *
lookout_application_get_alert_settings (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->alert_settings;
}

LookoutRemoteAccess *
lookout_application_get_remote_access (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->remote_access;
}

/* NULL until monitoring starts. */
LookoutAgents *
lookout_application_get_agents (LookoutApplication *self)
{
  g_return_val_if_fail (LOOKOUT_IS_APPLICATION (self), NULL);

  return self->agents;
}
