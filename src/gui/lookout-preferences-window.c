/* lookout-preferences-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-alerts-page.h"
#include "lookout-application.h"
#include "lookout-gui-utils.h"
#include "lookout-preferences-window.h"
#include "lookout-remote-access-page.h"
#include "lookout-agents-page.h"

struct _LookoutPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *style_row;
  GtkSpinButton        *interval_spin;
  GtkSpinButton        *timeout_spin;
  GtkSpinButton        *threshold_spin;
};

G_DEFINE_FINAL_TYPE (LookoutPreferencesWindow, lookout_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the style row's model. */
static const char *color_schemes[] = { "default", "light", "dark" };

static gboolean
style_get_mapping_cb (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_str_equal (scheme, color_schemes[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
style_set_mapping_cb (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (color_schemes))
    selected = 0;
  return g_variant_new_string (color_schemes[selected]);
}

/* Spin buttons hold doubles; the keys hold whole numbers, the timeout in
 * milliseconds while the dialog shows seconds (user_data: the scale). */
static gboolean
uint_get_mapping_cb (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  double scale = GPOINTER_TO_UINT (user_data);

  g_value_set_double (value, g_variant_get_uint32 (variant) / scale);
  return TRUE;
}

static GVariant *
uint_set_mapping_cb (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  double scale = GPOINTER_TO_UINT (user_data);

  return g_variant_new_uint32 ((guint32)(g_value_get_double (value) * scale + 0.5));
}

static void
bind_spin (LookoutPreferencesWindow *self,
           const char               *key,
           GtkSpinButton            *spin,
           guint                     scale)
{
  g_settings_bind_with_mapping (self->settings, key,
                                gtk_spin_button_get_adjustment (spin), "value",
                                G_SETTINGS_BIND_DEFAULT,
                                uint_get_mapping_cb, uint_set_mapping_cb,
                                GUINT_TO_POINTER (scale), NULL);
}

static GtkWidget *
switch_row (GSettings  *settings,
            const char *key,
            const char *title,
            const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_settings_bind (settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);

  return row;
}

/* Running in the background: the two switches, and what the desktop said. */
static GtkWidget *
background_page_new (GSettings         *settings,
                     LookoutBackground *background)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("Background"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Monitoring without the Window"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             switch_row (settings, "run-in-background", _("Run in Background"),
                                         _("Closing the window keeps the checks running; Quit stops them")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             switch_row (settings, "start-at-login", _("Start at Login"),
                                         _("Start monitoring in the background when you log in")));
  if (background != NULL)
    g_object_bind_property (background, "status", group, "description", G_BINDING_SYNC_CREATE);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  return page;
}

static void
lookout_preferences_window_dispose (GObject *object)
{
  LookoutPreferencesWindow *self = (LookoutPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (lookout_preferences_window_parent_class)->dispose (object);
}

static void
lookout_preferences_window_finalize (GObject *object)
{
  LookoutPreferencesWindow *self = (LookoutPreferencesWindow *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lookout_preferences_window_parent_class)->finalize (object);
}

static void
lookout_preferences_window_class_init (LookoutPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_preferences_window_dispose;
  object_class->finalize = lookout_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutPreferencesWindow, threshold_spin);
}

static void
lookout_preferences_window_init (LookoutPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = lookout_dup_settings ();
  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->style_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->interval_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_spin), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->threshold_spin), FALSE);
      return;
    }

  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_get_mapping_cb, style_set_mapping_cb,
                                NULL, NULL);
  bind_spin (self, "default-interval", self->interval_spin, 1);
  bind_spin (self, "default-timeout", self->timeout_spin, 1000);
  bind_spin (self, "default-fail-threshold", self->threshold_spin, 1);

  {
    GApplication *app = g_application_get_default ();
    LookoutAlertSettings *alert_settings = NULL;

    if (LOOKOUT_IS_APPLICATION (app))
      alert_settings = lookout_application_get_alert_settings (LOOKOUT_APPLICATION (app));
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                ADW_PREFERENCES_PAGE (lookout_alerts_page_new (self->settings, alert_settings)));
    adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                ADW_PREFERENCES_PAGE (background_page_new (self->settings,
                                                                           LOOKOUT_IS_APPLICATION (app)
                                                                           ? lookout_application_get_background (LOOKOUT_APPLICATION (app))
                                                                           : NULL)));
    if (LOOKOUT_IS_APPLICATION (app) &&
        lookout_application_get_remote_access (LOOKOUT_APPLICATION (app)) != NULL)
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                  ADW_PREFERENCES_PAGE (lookout_remote_access_page_new (
                                    self->settings,
                                    lookout_application_get_remote_access (LOOKOUT_APPLICATION (app)))));
    if (LOOKOUT_IS_APPLICATION (app) && lookout_application_get_agents (LOOKOUT_APPLICATION (app)) != NULL)
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                  ADW_PREFERENCES_PAGE (lookout_agents_page_new (
                                    lookout_application_get_agents (LOOKOUT_APPLICATION (app)))));
  }
}

GtkWidget *
lookout_preferences_window_new (GtkWindow *transient_for)
{
  g_return_val_if_fail (!transient_for || GTK_IS_WINDOW (transient_for), NULL);

  return g_object_new (LOOKOUT_TYPE_PREFERENCES_WINDOW,
                       "transient-for", transient_for,
                       NULL);
}
