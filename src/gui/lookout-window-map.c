/* lookout-window-map.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The window's dashboard, split from lookout-window.c by concern: the
 * "Dashboard" button in the content header shows the map of all targets
 * instead of the selected target's page. While it shows, selecting a
 * target in the list centres the map on it; clicking a marker selects that
 * target and opens its page. "win.place-on-map" lets the user click where
 * the selected target is, and "win.store-place" stores a place set by hand
 * (both used by the Location group of the target page too). */

#define G_LOG_DOMAIN "lookout-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-application.h"
#include "lookout-target-location.h"
#include "lookout-window-private.h"

static void
map_target_activated_cb (LookoutWindow *self,
                         LookoutTarget *target)
{
  guint position;

  if (!lookout_window_find_position (self, target, &position))
    return;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_toggle_button_set_active (self->dashboard_button, FALSE);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
target_updated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_store_update_target_finish (LOOKOUT_STORE (object), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not store the place of a target: %s", error->message);
}

/* A place set by hand is part of the target's configuration. */
static void
store_place (LookoutWindow *self,
             LookoutTarget *target)
{
  if (self->monitor == NULL || lookout_target_get_id (target) <= 0)
    return;

  lookout_store_update_target_async (lookout_monitor_get_store (self->monitor), target,
                                     self->cancellable, target_updated_cb, NULL);
}

static void
map_target_placed_cb (LookoutWindow *self,
                      LookoutTarget *target)
{
  store_place (self, target);
}

static void
store_place_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  LookoutTarget *target = lookout_window_get_selected_target (self);

  if (target != NULL)
    store_place (self, target);
}

static void
place_on_map_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  LookoutTarget *target = lookout_window_get_selected_target (self);

  if (target == NULL)
    return;

  gtk_toggle_button_set_active (self->dashboard_button, TRUE);
  lookout_map_pick_place (self->map, target);
}

static void
dashboard_toggled_cb (LookoutWindow *self)
{
  if (gtk_toggle_button_get_active (self->dashboard_button))
    lookout_map_mark_target (self->map, lookout_window_get_selected_target (self));
  else
    lookout_map_pick_place (self->map, NULL);

  lookout_window_update_view (self);
}

/* $LOOKOUT_TILE_URL (read by the map itself) wins over the setting. */
static void
tile_url_changed_cb (LookoutWindow *self)
{
  g_autofree char *url = NULL;

  if (g_getenv ("LOOKOUT_TILE_URL") != NULL)
    return;

  url = g_settings_get_string (self->settings, "map-tile-url");
  lookout_map_set_tile_url (self->map, g_strstrip (url));
}

void
lookout_window_map_class_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (LOOKOUT_TYPE_MAP);
  g_type_ensure (LOOKOUT_TYPE_TARGET_LOCATION);

  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, map);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, dashboard_button);

  gtk_widget_class_install_action (widget_class, "win.place-on-map", NULL, place_on_map_action);
  gtk_widget_class_install_action (widget_class, "win.store-place", NULL, store_place_action);
}

void
lookout_window_map_init (LookoutWindow *self)
{
  g_signal_connect_object (self->map, "target-activated",
                           G_CALLBACK (map_target_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->map, "target-placed",
                           G_CALLBACK (map_target_placed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dashboard_button, "toggled",
                           G_CALLBACK (dashboard_toggled_cb), self, G_CONNECT_SWAPPED);

  if (self->settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "map-tile-url");

      g_signal_connect_object (self->settings, "changed::map-tile-url",
                               G_CALLBACK (tile_url_changed_cb), self, G_CONNECT_SWAPPED);
      /* The map starts with OpenStreetMap already. */
      if (url[0] != '\0')
        tile_url_changed_cb (self);
    }
}

void
lookout_window_map_set_monitor (LookoutWindow  *self,
                                LookoutMonitor *monitor)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  LookoutGeo *geo = NULL;

  if (monitor != NULL && LOOKOUT_IS_APPLICATION (application))
    geo = lookout_application_get_geo (LOOKOUT_APPLICATION (application));

  lookout_map_set_geo (self->map, geo);
  lookout_map_set_targets (self->map, monitor ? lookout_monitor_get_targets (monitor) : NULL);
  lookout_map_set_agents (self->map, monitor != NULL && LOOKOUT_IS_APPLICATION (application)
                                     ? lookout_application_get_agents (LOOKOUT_APPLICATION (application)) : NULL);
}

void
lookout_window_leave_map (LookoutWindow *self)
{
  gtk_toggle_button_set_active (self->dashboard_button, FALSE);
}

gboolean
lookout_window_map_is_shown (LookoutWindow *self)
{
  return gtk_toggle_button_get_active (self->dashboard_button);
}

/* The selected target's latest traced round, drawn on the map. */
void
lookout_window_map_show_result (LookoutWindow       *self,
                                const LookoutResult *result)
{
  if (result != NULL && result->trace != NULL)
    lookout_map_set_path (self->map, result->trace);
}

void
lookout_window_map_selection_changed (LookoutWindow *self,
                                      LookoutTarget *target)
{
  LookoutResult *last = target != NULL ? lookout_window_get_last_result (self, target) : NULL;

  lookout_map_set_path (self->map, last != NULL ? last->trace : NULL);

  if (lookout_window_map_is_shown (self))
    lookout_map_select_target (self->map, target);
  else
    lookout_map_mark_target (self->map, target);
}
