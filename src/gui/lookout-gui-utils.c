/* lookout-gui-utils.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-gui-utils"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-gui-utils.h"

/* "12.3 ms", or "—" when there was no response. */
char *
lookout_format_latency (gint64 latency_us)
{
  if (latency_us < 0)
    return g_strdup ("—");
  if (latency_us < 10000)
    return g_strdup_printf (_("%.2f ms"), latency_us / 1000.0);
  if (latency_us < 1000000)
    return g_strdup_printf (_("%.1f ms"), latency_us / 1000.0);
  return g_strdup_printf (_("%.2f s"), latency_us / 1000000.0);
}

char *
lookout_format_timestamp (gint64 ms)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (ms <= 0)
    return g_strdup (_("Never"));

  utc = g_date_time_new_from_unix_utc (ms / 1000);
  if (utc == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (utc);
  /* Translators: date and time of the last check, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

void
lookout_set_state_css_class (GtkWidget          *widget,
                             LookoutTargetState  state)
{
  static const char *classes[] = { "up", "degraded", "down", "paused", "unknown" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  gtk_widget_add_css_class (widget, lookout_target_state_to_string (state));
}

void
lookout_set_accessible_label (GtkWidget  *widget,
                              const char *label)
{
  if (label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL);
}

void
lookout_load_stylesheet (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/io/github/lookoutapp/Lookout/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

GSettings *
lookout_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed; settings will not be kept", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}
