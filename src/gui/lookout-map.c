/* lookout-map.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The markers are rebuilt from the targets in an idle after anything that
 * moves a target (added, removed, placed): targets are grouped by their
 * coordinates rounded to 0.001° and each group keeps its marker while it
 * exists, so a rebuild moves nothing that did not move. A change of state,
 * name or response time only restyles the marker of that target's group. */

#define G_LOG_DOMAIN "lookout-map"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lookout-map.h"
#include "lookout-tile-source.h"

#define MAX_FIT_ZOOM     12.0
#define GO_TO_DURATION   400
#define TOOLTIP_TARGETS  6

typedef struct
{
  LookoutMap    *map;
  char          *key;
  double         lat;
  double         lon;
  GPtrArray     *targets;
  ShumateMarker *marker;
  GtkWidget     *button;
  GtkWidget     *symbol;
  GtkWidget     *count;
  const char    *state_class;   /* the CSS class: lookout_target_state_to_string() */
} Group;

struct _LookoutMap
{
  GtkWidget           parent_instance;

  GtkWidget          *overlay;
  ShumateSimpleMap   *simple_map;
  ShumateMarkerLayer *marker_layer;
  GtkWidget          *note;
  GtkWidget          *place_bar;
  GtkWidget          *place_label;
  GtkWidget          *popover;
  GtkWidget          *popover_list;
  LookoutTileSource  *tile_source;

  GListModel         *targets;
  LookoutGeo         *geo;
  GHashTable         *watched;       /* LookoutTarget → itself, with notify connected */
  GHashTable         *groups;        /* key → Group */
  GHashTable         *target_group;  /* LookoutTarget → Group */
  LookoutTarget      *selected;
  LookoutTarget      *placing;
  Group              *popover_group;
  guint               regroup_source;
  guint               fit_source;
  gboolean            fitted;
};

G_DEFINE_FINAL_TYPE (LookoutMap, lookout_map, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TARGETS,
  PROP_GEO,
  PROP_TILES_AVAILABLE,
  N_PROPS
};

enum {
  TARGET_ACTIVATED,
  TARGET_PLACED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *css =
  ".lookout-marker {"
  "  min-width: 22px; min-height: 22px; padding: 0;"
  "  border-radius: 9999px; border: 2px solid white;"
  "  background-image: none; color: white; font-weight: bold;"
  "  box-shadow: 0 1px 3px alpha(black, 0.5);"
  "}"
  ".lookout-marker.up { background-color: #26a269; }"
  ".lookout-marker.degraded { background-color: #e5a50a; color: black; }"
  ".lookout-marker.down { background-color: #c01c28; }"
  ".lookout-marker.unknown, .lookout-marker.paused { background-color: #77767b; }"
  ".lookout-marker.doubtful { border: 3px dashed #f6d32d; }"
  ".lookout-marker.selected { border-color: #3584e4; border-width: 3px; }"
  ".lookout-marker.group { padding: 0 6px; }"
  ".lookout-marker .count { font-size: smaller; }"
  ".lookout-map-place {"
  "  background-color: alpha(black, 0.7); color: white;"
  "  padding: 4px 4px 4px 10px; border-radius: 9999px; margin: 6px;"
  "}"
  ".lookout-map-note {"
  "  background-color: alpha(black, 0.6); color: white;"
  "  padding: 3px 8px; border-radius: 6px; margin: 6px;"
  "}";

/* ---- state ---- */

static int
state_severity (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_DOWN:     return 4;
    case LOOKOUT_TARGET_STATE_DEGRADED: return 3;
    case LOOKOUT_TARGET_STATE_UNKNOWN:  return 2;
    case LOOKOUT_TARGET_STATE_PAUSED:   return 1;
    case LOOKOUT_TARGET_STATE_UP:
    default:                            return 0;
    }
}

/* A shape as well as a colour, for people who do not tell the colours apart. */
static const char *
state_symbol (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_UP:       return "✓";
    case LOOKOUT_TARGET_STATE_DEGRADED: return "!";
    case LOOKOUT_TARGET_STATE_DOWN:     return "✕";
    case LOOKOUT_TARGET_STATE_PAUSED:   return "‖";
    case LOOKOUT_TARGET_STATE_UNKNOWN:
    default:                            return "?";
    }
}

static gboolean
target_has_place (LookoutTarget *target)
{
  return !isnan (lookout_target_get_latitude (target))
         && !isnan (lookout_target_get_longitude (target));
}

static gboolean
target_is_doubtful (LookoutMap    *self,
                    LookoutTarget *target)
{
  return self->geo != NULL && lookout_geo_get_target_doubtful (self->geo, target);
}

/* "Berlin, Germany", "placed by hand", or NULL. */
static char *
dup_target_place (LookoutMap    *self,
                  LookoutTarget *target)
{
  LookoutGeoLocation *location = NULL;

  if (g_strcmp0 (lookout_target_get_location_source (target), LOOKOUT_GEO_SOURCE_MANUAL) == 0)
    return g_strdup (_("placed by hand"));

  if (self->geo != NULL)
    location = lookout_geo_get_target_location (self->geo, target);

  return location != NULL ? lookout_geo_location_dup_place (location) : NULL;
}

/* "Example, Berlin, Germany, Up" */
static char *
dup_target_accessible_name (LookoutMap    *self,
                            LookoutTarget *target)
{
  g_autofree char *place = dup_target_place (self, target);
  GString *name = g_string_new (lookout_target_get_name (target));

  if (place != NULL)
    g_string_append_printf (name, ", %s", place);
  g_string_append_printf (name, ", %s", lookout_target_state_get_label (lookout_target_get_state (target)));
  if (target_is_doubtful (self, target))
    g_string_append_printf (name, ", %s", _("location doubtful"));

  return g_string_free (name, FALSE);
}

static void
append_target_tooltip (LookoutMap    *self,
                       GString       *text,
                       LookoutTarget *target)
{
  g_autofree char *place = dup_target_place (self, target);
  LookoutGeoLocation *location = self->geo ? lookout_geo_get_target_location (self->geo, target) : NULL;
  gint64 latency = lookout_target_get_last_latency (target);

  if (text->len > 0)
    g_string_append (text, "\n\n");

  g_string_append_printf (text, "%s — %s", lookout_target_get_name (target),
                          lookout_target_state_get_label (lookout_target_get_state (target)));
  if (place != NULL)
    g_string_append_printf (text, "\n%s", place);
  if (location != NULL && location->isp != NULL)
    g_string_append_printf (text, "\n%s", location->isp);
  if (latency >= 0)
    /* Translators: the last response time */
    g_string_append_printf (text, "\n%s %.1f ms", _("Response time:"), latency / 1000.0);
  else
    g_string_append_printf (text, "\n%s", _("No response time yet"));
  if (target_is_doubtful (self, target))
    g_string_append_printf (text, "\n%s",
                            _("Location doubtful: the server answers faster than light could travel to the place its address is said to be (anycast, a CDN or a wrong database)"));
}

/* ---- groups ---- */

static void
group_free (Group *group)
{
  if (group->marker != NULL)
    shumate_marker_layer_remove_marker (group->map->marker_layer, group->marker);
  g_clear_object (&group->marker);
  g_clear_pointer (&group->targets, g_ptr_array_unref);
  g_free (group->key);
  g_free (group);
}

static void
group_update (Group *group)
{
  LookoutMap *self = group->map;
  LookoutTarget *worst = NULL;
  g_autofree char *accessible = NULL;
  gboolean doubtful = FALSE;
  gboolean selected = FALSE;
  const char *klass;

  g_assert (group->targets->len > 0);

  for (guint i = 0; i < group->targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (group->targets, i);

      if (worst == NULL
          || state_severity (lookout_target_get_state (target)) > state_severity (lookout_target_get_state (worst)))
        worst = target;
      doubtful |= target_is_doubtful (self, target);
      selected |= target == self->selected;
    }

  klass = lookout_target_state_to_string (lookout_target_get_state (worst));
  if (group->state_class != klass)
    {
      if (group->state_class != NULL)
        gtk_widget_remove_css_class (group->button, group->state_class);
      gtk_widget_add_css_class (group->button, klass);
      group->state_class = klass;
    }
  if (doubtful)
    gtk_widget_add_css_class (group->button, "doubtful");
  else
    gtk_widget_remove_css_class (group->button, "doubtful");
  if (selected)
    gtk_widget_add_css_class (group->button, "selected");
  else
    gtk_widget_remove_css_class (group->button, "selected");

  gtk_label_set_text (GTK_LABEL (group->symbol), state_symbol (lookout_target_get_state (worst)));

  if (group->targets->len > 1)
    {
      g_autofree char *count = g_strdup_printf ("%u", group->targets->len);
      g_autoptr(GString) names = g_string_new (NULL);

      gtk_label_set_text (GTK_LABEL (group->count), count);
      gtk_widget_set_visible (group->count, TRUE);
      gtk_widget_add_css_class (group->button, "group");

      for (guint i = 0; i < group->targets->len; i++)
        {
          g_autofree char *one = dup_target_accessible_name (self, g_ptr_array_index (group->targets, i));

          g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", one);
        }
      accessible = g_strdup_printf (ngettext ("%u target here: %s", "%u targets here: %s",
                                              group->targets->len),
                                    group->targets->len, names->str);
    }
  else
    {
      gtk_widget_set_visible (group->count, FALSE);
      gtk_widget_remove_css_class (group->button, "group");
      accessible = dup_target_accessible_name (self, worst);
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (group->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* Built when shown, not on every state change: a tooltip set on the widget
 * costs more than the rest of a marker's update. */
static char *
group_dup_tooltip (Group *group)
{
  GString *tooltip = g_string_new (NULL);

  for (guint i = 0; i < group->targets->len && i < TOOLTIP_TARGETS; i++)
    append_target_tooltip (group->map, tooltip, g_ptr_array_index (group->targets, i));

  if (group->targets->len > TOOLTIP_TARGETS)
    g_string_append_printf (tooltip, "\n\n%s",
                            ngettext ("and %u more", "and %u more",
                                      group->targets->len - TOOLTIP_TARGETS));

  return g_string_free (tooltip, FALSE);
}

static gboolean
marker_query_tooltip_cb (GtkWidget  *button,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         Group      *group)
{
  g_autofree char *text = group_dup_tooltip (group);

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
popover_row_activated_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          LookoutMap    *self)
{
  LookoutTarget *target = g_object_get_data (G_OBJECT (row), "lookout-target");

  gtk_popover_popdown (GTK_POPOVER (self->popover));
  if (target != NULL)
    g_signal_emit (self, signals[TARGET_ACTIVATED], 0, target);
}

static void
show_group_popover (LookoutMap *self,
                    Group      *group)
{
  GtkWidget *child;
  graphene_rect_t bounds;

  while ((child = gtk_widget_get_first_child (self->popover_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->popover_list), child);

  for (guint i = 0; i < group->targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (group->targets, i);
      g_autofree char *accessible = dup_target_accessible_name (self, target);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *symbol = gtk_label_new (state_symbol (lookout_target_get_state (target)));
      GtkWidget *name = gtk_label_new (lookout_target_get_name (target));

      gtk_widget_add_css_class (symbol, "lookout-marker");
      gtk_widget_add_css_class (symbol, lookout_target_state_to_string (lookout_target_get_state (target)));
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_box_append (GTK_BOX (box), symbol);
      gtk_box_append (GTK_BOX (box), name);
      gtk_widget_set_margin_top (box, 4);
      gtk_widget_set_margin_bottom (box, 4);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data_full (G_OBJECT (row), "lookout-target", g_object_ref (target), g_object_unref);
      gtk_list_box_append (GTK_LIST_BOX (self->popover_list), row);
    }

  if (gtk_widget_compute_bounds (group->button, GTK_WIDGET (self), &bounds))
    {
      GdkRectangle rect = {
        .x = floor (bounds.origin.x), .y = floor (bounds.origin.y),
        .width = ceil (bounds.size.width), .height = ceil (bounds.size.height),
      };

      gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
    }

  self->popover_group = group;
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
marker_clicked_cb (GtkButton *button,
                   Group     *group)
{
  LookoutMap *self = group->map;

  if (group->targets->len == 1)
    g_signal_emit (self, signals[TARGET_ACTIVATED], 0, g_ptr_array_index (group->targets, 0));
  else
    show_group_popover (self, group);
}

static Group *
group_new (LookoutMap *self,
           const char *key,
           double      lat,
           double      lon)
{
  Group *group = g_new0 (Group, 1);
  GtkWidget *box;

  group->map = self;
  group->key = g_strdup (key);
  group->lat = lat;
  group->lon = lon;
  group->targets = g_ptr_array_new_with_free_func (g_object_unref);

  group->symbol = gtk_label_new (NULL);
  group->count = gtk_label_new (NULL);
  gtk_widget_add_css_class (group->count, "count");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), group->symbol);
  gtk_box_append (GTK_BOX (box), group->count);

  group->button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (group->button), box);
  gtk_widget_add_css_class (group->button, "lookout-marker");
  gtk_widget_set_halign (group->button, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (group->button, GTK_ALIGN_CENTER);
  g_signal_connect (group->button, "clicked", G_CALLBACK (marker_clicked_cb), group);
  gtk_widget_set_has_tooltip (group->button, TRUE);
  g_signal_connect (group->button, "query-tooltip", G_CALLBACK (marker_query_tooltip_cb), group);

  group->marker = g_object_ref_sink (shumate_marker_new ());
  shumate_marker_set_child (group->marker, group->button);
  shumate_location_set_location (SHUMATE_LOCATION (group->marker), lat, lon);
  shumate_marker_layer_add_marker (self->marker_layer, group->marker);

  return group;
}

static char *
place_key (double lat,
           double lon)
{
  char lat_s[G_ASCII_DTOSTR_BUF_SIZE], lon_s[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lat_s, sizeof lat_s, "%.3f", lat);
  g_ascii_formatd (lon_s, sizeof lon_s, "%.3f", lon);

  return g_strconcat (lat_s, ",", lon_s, NULL);
}

static void
map_regroup (LookoutMap *self)
{
  g_autoptr(GHashTable) old = g_steal_pointer (&self->groups);
  guint n = self->targets ? g_list_model_get_n_items (self->targets) : 0;
  GHashTableIter iter;
  gpointer value;

  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) group_free);
  g_hash_table_remove_all (self->target_group);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (self->targets, i);
      g_autofree char *key = NULL;
      double lat, lon;
      Group *group;

      if (!target_has_place (target))
        continue;

      lat = lookout_target_get_latitude (target);
      lon = lookout_target_get_longitude (target);
      key = place_key (lat, lon);

      group = g_hash_table_lookup (self->groups, key);
      if (group == NULL && old != NULL && (group = g_hash_table_lookup (old, key)) != NULL)
        {
          g_hash_table_steal (old, key);
          g_ptr_array_set_size (group->targets, 0);
          group->lat = lat;
          group->lon = lon;
          shumate_location_set_location (SHUMATE_LOCATION (group->marker), lat, lon);
          g_hash_table_insert (self->groups, group->key, group);
        }
      else if (group == NULL)
        {
          group = group_new (self, key, lat, lon);
          g_hash_table_insert (self->groups, group->key, group);
        }

      g_ptr_array_add (group->targets, g_object_ref (target));
      g_hash_table_insert (self->target_group, target, group);
    }

  /* `old` frees (and takes off the map) the groups that are gone. */
  if (self->popover_group != NULL && old != NULL
      && g_hash_table_lookup (old, self->popover_group->key) == self->popover_group)
    {
      gtk_popover_popdown (GTK_POPOVER (self->popover));
      self->popover_group = NULL;
    }

  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    group_update (value);

  if (!self->fitted && g_hash_table_size (self->groups) > 0
      && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      self->fitted = TRUE;
      lookout_map_fit_all (self);
    }
}

/* The first time there are markers and a size to show them in, all of
 * them are brought into view. */
static gboolean
initial_fit_cb (gpointer user_data)
{
  LookoutMap *self = user_data;

  self->fit_source = 0;
  if (!self->fitted && g_hash_table_size (self->groups) > 0)
    {
      self->fitted = TRUE;
      lookout_map_fit_all (self);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
regroup_cb (gpointer user_data)
{
  LookoutMap *self = user_data;

  self->regroup_source = 0;
  map_regroup (self);

  return G_SOURCE_REMOVE;
}

static void
queue_regroup (LookoutMap *self)
{
  if (self->regroup_source == 0)
    self->regroup_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, regroup_cb, self, NULL);
}

static void
target_notify_cb (LookoutTarget *target,
                  GParamSpec    *pspec,
                  LookoutMap    *self)
{
  const char *name = pspec->name;
  Group *group;

  if (g_str_equal (name, "latitude") || g_str_equal (name, "longitude")
      || g_str_equal (name, "location-source"))
    {
      queue_regroup (self);
      return;
    }

  if (!g_str_equal (name, "state") && !g_str_equal (name, "name")
      && !g_str_equal (name, "last-latency"))
    return;

  group = g_hash_table_lookup (self->target_group, target);
  if (group != NULL)
    group_update (group);
}

static void
unwatch_target (gpointer data,
                gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (data, target_notify_cb, user_data);
  g_object_unref (data);
}

static void
targets_changed_cb (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    LookoutMap *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

      g_hash_table_add (present, target);
      if (!g_hash_table_contains (self->watched, target))
        {
          g_signal_connect_object (target, "notify", G_CALLBACK (target_notify_cb), self, 0);
          g_hash_table_add (self->watched, g_object_ref (target));
        }
    }

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (present, key))
        {
          g_hash_table_iter_steal (&iter);
          unwatch_target (key, self);
        }
    }

  queue_regroup (self);
}

static void
geo_target_changed_cb (LookoutGeo    *geo,
                       LookoutTarget *target,
                       LookoutMap    *self)
{
  Group *group = g_hash_table_lookup (self->target_group, target);

  if (group != NULL)
    group_update (group);
}

/* ---- tiles ---- */

static void
tiles_available_changed_cb (LookoutTileSource *source,
                            GParamSpec        *pspec,
                            LookoutMap        *self)
{
  gtk_widget_set_visible (self->note, !lookout_tile_source_get_available (source));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TILES_AVAILABLE]);
}

static void
map_set_data_source (LookoutMap        *self,
                     ShumateMapSource  *like,
                     ShumateDataSource *inner)
{
  g_autoptr(ShumateRasterRenderer) renderer = NULL;

  if (self->tile_source != NULL)
    g_signal_handlers_disconnect_by_func (self->tile_source, tiles_available_changed_cb, self);
  g_clear_object (&self->tile_source);

  self->tile_source = lookout_tile_source_new (inner);
  g_signal_connect (self->tile_source, "notify::available",
                    G_CALLBACK (tiles_available_changed_cb), self);

  renderer = shumate_raster_renderer_new_full (shumate_map_source_get_id (like),
                                               shumate_map_source_get_name (like),
                                               shumate_map_source_get_license (like),
                                               shumate_map_source_get_license_uri (like),
                                               shumate_map_source_get_min_zoom_level (like),
                                               shumate_map_source_get_max_zoom_level (like),
                                               shumate_map_source_get_tile_size (like),
                                               shumate_map_source_get_projection (like),
                                               SHUMATE_DATA_SOURCE (self->tile_source));
  shumate_simple_map_set_map_source (self->simple_map, SHUMATE_MAP_SOURCE (renderer));

  /* libshumate 1.0 puts a new map layer on top of the others: the markers
   * go back above it. */
  if (self->marker_layer != NULL)
    {
      g_object_ref (self->marker_layer);
      shumate_simple_map_remove_overlay_layer (self->simple_map, SHUMATE_LAYER (self->marker_layer));
      shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->marker_layer));
      g_object_unref (self->marker_layer);
    }

  tiles_available_changed_cb (self->tile_source, NULL, self);
}

/* ---- placing by hand ---- */

static void
map_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                LookoutMap      *self)
{
  GtkWidget *map_widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  g_autoptr(LookoutTarget) target = NULL;
  double lat, lon;

  if (self->placing == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  shumate_viewport_widget_coords_to_location (shumate_simple_map_get_viewport (self->simple_map),
                                              map_widget, x, y, &lat, &lon);
  target = g_object_ref (self->placing);
  lookout_map_pick_place (self, NULL);

  if (self->geo != NULL)
    lookout_geo_place_target (self->geo, target, lat, lon);
  else
    lookout_target_set_location (target, lat, lon, LOOKOUT_GEO_SOURCE_MANUAL);

  g_signal_emit (self, signals[TARGET_PLACED], 0, target);
}

static gboolean
map_key_pressed_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    LookoutMap            *self)
{
  if (self->placing == NULL || keyval != GDK_KEY_Escape)
    return GDK_EVENT_PROPAGATE;

  lookout_map_pick_place (self, NULL);
  return GDK_EVENT_STOP;
}

static void
place_cancel_clicked_cb (GtkButton  *button,
                         LookoutMap *self)
{
  lookout_map_pick_place (self, NULL);
}

/* ---- widget ---- */

static void
fit_clicked_cb (GtkButton  *button,
                LookoutMap *self)
{
  lookout_map_fit_all (self);
}

static void
lookout_map_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  LookoutMap *self = LOOKOUT_MAP (widget);

  gtk_widget_measure (self->overlay, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
lookout_map_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  LookoutMap *self = LOOKOUT_MAP (widget);

  gtk_widget_allocate (self->overlay, width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->popover));

  if (!self->fitted && self->fit_source == 0 && g_hash_table_size (self->groups) > 0)
    self->fit_source = g_idle_add (initial_fit_cb, self);
}

static void
lookout_map_dispose (GObject *object)
{
  LookoutMap *self = (LookoutMap *) object;

  g_clear_handle_id (&self->regroup_source, g_source_remove);
  g_clear_handle_id (&self->fit_source, g_source_remove);
  lookout_map_set_targets (self, NULL);
  lookout_map_set_geo (self, NULL);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_object (&self->selected);
  g_clear_object (&self->placing);
  if (self->tile_source != NULL)
    g_signal_handlers_disconnect_by_func (self->tile_source, tiles_available_changed_cb, self);
  g_clear_object (&self->tile_source);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);
  g_clear_pointer (&self->popover, gtk_widget_unparent);

  G_OBJECT_CLASS (lookout_map_parent_class)->dispose (object);
}

static void
lookout_map_finalize (GObject *object)
{
  LookoutMap *self = (LookoutMap *) object;

  g_clear_pointer (&self->target_group, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_map_parent_class)->finalize (object);
}

static void
lookout_map_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LookoutMap *self = LOOKOUT_MAP (object);

  switch (prop_id)
    {
    case PROP_TARGETS:
      g_value_set_object (value, self->targets);
      break;

    case PROP_GEO:
      g_value_set_object (value, self->geo);
      break;

    case PROP_TILES_AVAILABLE:
      g_value_set_boolean (value, lookout_map_get_tiles_available (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_map_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LookoutMap *self = LOOKOUT_MAP (object);

  switch (prop_id)
    {
    case PROP_TARGETS:
      lookout_map_set_targets (self, g_value_get_object (value));
      break;

    case PROP_GEO:
      lookout_map_set_geo (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_map_class_init (LookoutMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_map_dispose;
  object_class->finalize = lookout_map_finalize;
  object_class->get_property = lookout_map_get_property;
  object_class->set_property = lookout_map_set_property;

  widget_class->measure = lookout_map_measure;
  widget_class->size_allocate = lookout_map_size_allocate;

  properties[PROP_TARGETS] =
    g_param_spec_object ("targets", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_GEO] =
    g_param_spec_object ("geo", NULL, NULL,
                         LOOKOUT_TYPE_GEO,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TILES_AVAILABLE] =
    g_param_spec_boolean ("tiles-available", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[TARGET_ACTIVATED] =
    g_signal_new ("target-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LOOKOUT_TYPE_TARGET);

  signals[TARGET_PLACED] =
    g_signal_new ("target-placed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LOOKOUT_TYPE_TARGET);

  gtk_widget_class_set_css_name (widget_class, "lookout-map");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lookout_map_init (LookoutMap *self)
{
  static gsize css_loaded;
  g_autoptr(ShumateMapSourceRegistry) registry = NULL;
  ShumateMapSource *osm;
  ShumateMap *map;
  GtkWidget *fit, *cancel;
  GtkGesture *click;
  GtkEventController *keys;
  const char *url;

  if (g_once_init_enter (&css_loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&css_loaded, 1);
    }

  self->watched = g_hash_table_new (NULL, NULL);
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) group_free);
  self->target_group = g_hash_table_new (NULL, NULL);

  self->simple_map = SHUMATE_SIMPLE_MAP (shumate_simple_map_new ());
  map = shumate_simple_map_get_map (self->simple_map);
  self->marker_layer = shumate_marker_layer_new (shumate_simple_map_get_viewport (self->simple_map));
  shumate_marker_layer_set_selection_mode (self->marker_layer, GTK_SELECTION_NONE);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->marker_layer));
  shumate_map_set_go_to_duration (map, GO_TO_DURATION);
  shumate_viewport_set_zoom_level (shumate_simple_map_get_viewport (self->simple_map), 2);
  shumate_map_center_on (map, 30, 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->simple_map),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Map of target locations"),
                                  -1);

  self->note = gtk_label_new (_("Map tiles are unavailable: markers are shown on a plain background"));
  gtk_widget_add_css_class (self->note, "lookout-map-note");
  gtk_widget_set_halign (self->note, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->note, GTK_ALIGN_START);
  gtk_label_set_wrap (GTK_LABEL (self->note), TRUE);
  gtk_widget_set_visible (self->note, FALSE);

  fit = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  gtk_widget_add_css_class (fit, "osd");
  gtk_widget_add_css_class (fit, "circular");
  /* Under the simple map's zoom buttons. */
  gtk_widget_set_halign (fit, GTK_ALIGN_END);
  gtk_widget_set_valign (fit, GTK_ALIGN_START);
  gtk_widget_set_margin_end (fit, 10);
  gtk_widget_set_margin_top (fit, 100);
  gtk_widget_set_tooltip_text (fit, _("Show All Targets"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (fit),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show All Targets"), -1);
  g_signal_connect (fit, "clicked", G_CALLBACK (fit_clicked_cb), self);

  self->place_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->place_label), TRUE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_add_css_class (cancel, "pill");
  g_signal_connect (cancel, "clicked", G_CALLBACK (place_cancel_clicked_cb), self);
  self->place_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_add_css_class (self->place_bar, "lookout-map-place");
  gtk_widget_set_halign (self->place_bar, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->place_bar, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->place_bar), self->place_label);
  gtk_box_append (GTK_BOX (self->place_bar), cancel);
  gtk_widget_set_visible (self->place_bar, FALSE);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (map_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (click));

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (map_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  self->overlay = gtk_overlay_new ();
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->simple_map));
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->note);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), fit);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->place_bar);
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->popover_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->popover_list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->popover_list), TRUE);
  gtk_widget_add_css_class (self->popover_list, "navigation-sidebar");
  g_signal_connect (self->popover_list, "row-activated", G_CALLBACK (popover_row_activated_cb), self);
  self->popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->popover), self->popover_list);
  gtk_widget_set_parent (self->popover, GTK_WIDGET (self));

  registry = shumate_map_source_registry_new_with_defaults ();
  osm = shumate_map_source_registry_get_by_id (registry, SHUMATE_MAP_SOURCE_OSM_MAPNIK);
  url = g_getenv ("LOOKOUT_TILE_URL");
  if (url != NULL && url[0] != '\0')
    lookout_map_set_tile_url (self, url);
  else if (osm != NULL && SHUMATE_IS_RASTER_RENDERER (osm))
    {
      g_autoptr(ShumateDataSource) inner = NULL;

      g_object_get (osm, "data-source", &inner, NULL);
      if (inner != NULL)
        map_set_data_source (self, osm, inner);
      else
        shumate_simple_map_set_map_source (self->simple_map, osm);
    }
}

GtkWidget *
lookout_map_new (void)
{
  return g_object_new (LOOKOUT_TYPE_MAP, NULL);
}

GListModel *
lookout_map_get_targets (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return self->targets;
}

void
lookout_map_set_targets (LookoutMap *self,
                         GListModel *targets)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!targets || G_IS_LIST_MODEL (targets));

  if (self->targets == targets)
    return;

  if (self->targets != NULL)
    g_signal_handlers_disconnect_by_func (self->targets, targets_changed_cb, self);

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_hash_table_iter_steal (&iter);
      unwatch_target (key, self);
    }

  g_set_object (&self->targets, targets);
  if (targets != NULL)
    {
      g_signal_connect_object (targets, "items-changed", G_CALLBACK (targets_changed_cb), self, 0);
      targets_changed_cb (targets, 0, 0, g_list_model_get_n_items (targets), self);
    }
  else if (self->groups != NULL)
    map_regroup (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGETS]);
}

LookoutGeo *
lookout_map_get_geo (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return self->geo;
}

void
lookout_map_set_geo (LookoutMap *self,
                     LookoutGeo *geo)
{
  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!geo || LOOKOUT_IS_GEO (geo));

  if (self->geo == geo)
    return;

  if (self->geo != NULL)
    g_signal_handlers_disconnect_by_func (self->geo, geo_target_changed_cb, self);
  g_set_object (&self->geo, geo);
  if (geo != NULL)
    g_signal_connect_object (geo, "target-changed", G_CALLBACK (geo_target_changed_cb), self, 0);

  if (self->groups != NULL)
    queue_regroup (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GEO]);
}

void
lookout_map_set_tile_url (LookoutMap *self,
                          const char *url_template)
{
  g_autoptr(ShumateMapSourceRegistry) registry = NULL;
  g_autoptr(ShumateTileDownloader) downloader = NULL;
  g_autoptr(ShumateRasterRenderer) like = NULL;
  g_autofree char *id = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(GString) template = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *license = NULL;
  ShumateMapSource *osm;

  g_return_if_fail (LOOKOUT_IS_MAP (self));

  registry = shumate_map_source_registry_new_with_defaults ();
  osm = shumate_map_source_registry_get_by_id (registry, SHUMATE_MAP_SOURCE_OSM_MAPNIK);

  if (url_template == NULL || url_template[0] == '\0')
    {
      g_autoptr(ShumateDataSource) inner = NULL;

      g_object_get (osm, "data-source", &inner, NULL);
      map_set_data_source (self, osm, inner);
      return;
    }

  /* libshumate 1.0 fills in {z}/{x}/{y}; the #Z#/#X#/#Y# of older
   * libchamplain templates are taken too. */
  template = g_string_new (url_template);
  g_string_replace (template, "#Z#", "{z}", 0);
  g_string_replace (template, "#X#", "{x}", 0);
  g_string_replace (template, "#Y#", "{y}", 0);
  url_template = template->str;

  /* Own tiles: the grid of OpenStreetMap, and an id of their own per URL
   * so that libshumate's file cache keeps them apart. */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url_template, -1);
  id = g_strdup_printf ("lookout-%.16s", hash);
  uri = g_uri_parse (url_template, G_URI_FLAGS_PARSE_RELAXED, NULL);
  /* Translators: where the map's tiles come from, e.g. "Map tiles: tiles.example.org" */
  license = g_strdup_printf (_("Map tiles: %s"),
                             uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : url_template);
  like = shumate_raster_renderer_new_full_from_url (id,
                                                    _("Custom tiles"),
                                                    license, NULL,
                                                    0, 19, 256,
                                                    SHUMATE_MAP_PROJECTION_MERCATOR,
                                                    url_template);
  downloader = shumate_tile_downloader_new (url_template);
  map_set_data_source (self, SHUMATE_MAP_SOURCE (like), SHUMATE_DATA_SOURCE (downloader));
}

gboolean
lookout_map_get_tiles_available (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), FALSE);

  return self->tile_source == NULL || lookout_tile_source_get_available (self->tile_source);
}

static void
map_go_to (LookoutMap *self,
           double      lat,
           double      lon,
           double      zoom)
{
  ShumateMap *map = shumate_simple_map_get_map (self->simple_map);
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  gboolean animate = FALSE;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &animate, NULL);

  if (animate && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      shumate_map_go_to_full_with_duration (map, lat, lon, zoom, GO_TO_DURATION);
      return;
    }

  shumate_map_stop_go_to (map);
  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (map, lat, lon);
}

void
lookout_map_mark_target (LookoutMap    *self,
                         LookoutTarget *target)
{
  Group *old_group = NULL;
  Group *group = NULL;

  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->selected != NULL)
    old_group = g_hash_table_lookup (self->target_group, self->selected);
  g_set_object (&self->selected, target);
  if (target != NULL)
    group = g_hash_table_lookup (self->target_group, target);

  if (old_group != NULL)
    group_update (old_group);
  if (group != NULL && group != old_group)
    group_update (group);
}

void
lookout_map_select_target (LookoutMap    *self,
                           LookoutTarget *target)
{
  ShumateViewport *viewport;

  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  lookout_map_mark_target (self, target);

  if (target == NULL || !target_has_place (target))
    return;

  /* A view chosen by the user: the first automatic fit is not wanted. */
  self->fitted = TRUE;
  g_clear_handle_id (&self->fit_source, g_source_remove);

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  map_go_to (self, lookout_target_get_latitude (target), lookout_target_get_longitude (target),
             MAX (shumate_viewport_get_zoom_level (viewport), 4));
}

/* Web Mercator at zoom 0 with 1-pixel tiles: x, y in [0, 1]. */
static void
project (double  lat,
         double  lon,
         double *x,
         double *y)
{
  double phi = CLAMP (lat, -85.0511, 85.0511) * G_PI / 180.0;

  *x = (lon + 180.0) / 360.0;
  *y = (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

static double
unproject_lat (double y)
{
  return atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

void
lookout_map_fit_all (LookoutMap *self)
{
  ShumateViewport *viewport;
  ShumateMapSource *source;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  double width, height, tile_size, zoom, zoom_x, zoom_y;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (LOOKOUT_IS_MAP (self));

  if (g_hash_table_size (self->groups) == 0)
    return;

  g_hash_table_iter_init (&iter, self->groups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Group *group = value;
      double x, y;

      project (group->lat, group->lon, &x, &y);
      min_x = MIN (min_x, x);
      max_x = MAX (max_x, x);
      min_y = MIN (min_y, y);
      max_y = MAX (max_y, y);
    }

  viewport = shumate_simple_map_get_viewport (self->simple_map);
  source = shumate_viewport_get_reference_map_source (viewport);
  tile_size = source ? shumate_map_source_get_tile_size (source) : 256;

  /* Leave room for the markers themselves and the controls at the edges. */
  width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 200) - 80;
  height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 150) - 80;

  zoom_x = max_x > min_x ? log2 (width / ((max_x - min_x) * tile_size)) : MAX_FIT_ZOOM;
  zoom_y = max_y > min_y ? log2 (height / ((max_y - min_y) * tile_size)) : MAX_FIT_ZOOM;
  zoom = floor (MIN (MIN (zoom_x, zoom_y), MAX_FIT_ZOOM) * 4) / 4;
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));

  map_go_to (self, unproject_lat ((min_y + max_y) / 2), (min_x + max_x) / 2 * 360.0 - 180.0, zoom);
}

ShumateMap *
lookout_map_get_map (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return shumate_simple_map_get_map (self->simple_map);
}

ShumateViewport *
lookout_map_get_viewport (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return shumate_simple_map_get_viewport (self->simple_map);
}

guint
lookout_map_get_n_markers (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), 0);

  return g_hash_table_size (self->groups);
}

ShumateMarker *
lookout_map_get_marker (LookoutMap    *self,
                        LookoutTarget *target)
{
  Group *group;

  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  group = g_hash_table_lookup (self->target_group, target);

  return group != NULL ? group->marker : NULL;
}

void
lookout_map_pick_place (LookoutMap    *self,
                        LookoutTarget *target)
{
  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  g_set_object (&self->placing, target);
  gtk_widget_set_visible (self->place_bar, target != NULL);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (lookout_map_get_map (self)),
                                   target != NULL ? "crosshair" : NULL);

  if (target != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Click on the map where “%s” is"),
                                               lookout_target_get_name (target));

      gtk_label_set_text (GTK_LABEL (self->place_label), text);
      gtk_widget_grab_focus (GTK_WIDGET (self->simple_map));
    }
}

char *
lookout_map_dup_marker_tooltip (LookoutMap    *self,
                                LookoutTarget *target)
{
  Group *group;

  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  group = g_hash_table_lookup (self->target_group, target);

  return group != NULL ? group_dup_tooltip (group) : NULL;
}
