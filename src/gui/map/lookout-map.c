/* lookout-map.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The targets on a map. lookout-map-cluster.c groups them into places and
 * clusters; this widget shows one marker per cluster, placed exactly at
 * its place when it has one, else at its targets' mean. The clusters are
 * made for the cells in view (and half a view around) at the whole zoom
 * level under the view's: again when the zoom level has rested for
 * RECLUSTER_DELAY_MS or the view leaves the cells made, from scratch in an
 * idle after targets are added or removed; a target moved (located, placed
 * by hand) moves alone in an idle of its own. A marker shows the worst
 * state of its cluster, with a count when it holds more than one target;
 * a change of state restyles that marker only. */

#define G_LOG_DOMAIN "lookout-map"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lookout-format.h"
#include "lookout-map.h"
#include "lookout-map-agents.h"
#include "lookout-map-cluster.h"
#include "lookout-tile-source.h"

#define MAX_FIT_ZOOM     12.0
#define GO_TO_DURATION   400
#define TOOLTIP_TARGETS  6
#define NAMED_TARGETS    12    /* named one by one in a marker's accessible name */
#define LISTED_TARGETS   12    /* a cluster this small lists its targets when clicked */
#define VIEW_MARGIN      0.2
#define RECLUSTER_DELAY_MS 60

/* What shows a cluster: a button on the marker layer, handed from one
 * cluster to another when the clusters change (a widget moved costs far
 * less than one made). */
typedef struct
{
  LookoutMap        *map;
  LookoutMapCluster *cluster;       /* the one shown, set by cluster_update() */
  ShumateMarker     *marker;
  GtkWidget         *button;
  GtkWidget         *symbol;
  GtkWidget         *count;
  const char        *state_class;   /* the CSS class: lookout_target_state_to_string() */
  double             lat;
  double             lon;
} Marker;

struct _LookoutMap
{
  GtkWidget           parent_instance;

  GtkWidget          *overlay;
  ShumateSimpleMap   *simple_map;
  ShumateMarkerLayer *marker_layer;
  LookoutMapPath     *path;
  LookoutMapAgents   *agents;        /* the remote agents' markers */
  GtkWidget          *note;
  GtkWidget          *top_box;       /* the note above the place bar, at the top */
  GtkWidget          *place_bar;
  GtkWidget          *place_label;
  GtkWidget          *popover;
  GtkWidget          *popover_list;
  LookoutTileSource  *tile_source;

  GListModel         *targets;
  LookoutGeo         *geo;
  GHashTable         *watched;       /* LookoutTarget → itself, with notify connected */
  LookoutMapClusters *clusters;
  LookoutTarget      *selected;
  LookoutTarget      *placing;
  LookoutMapCluster  *popover_cluster;
  guint               regroup_source;
  guint               recluster_source;
  GHashTable         *moved;         /* LookoutTarget set, moved since the last idle */
  guint               move_source;
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

/* ---- state ---- */

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
    {
      g_autofree char *formatted = lookout_format_latency (latency);

      g_string_append_printf (text, "\n%s %s", _("Response time:"), formatted);
    }
  else
    g_string_append_printf (text, "\n%s", _("No response time yet"));
  if (target_is_doubtful (self, target))
    g_string_append_printf (text, "\n%s",
                            _("Location doubtful: the server answers faster than light could travel to the place its address is said to be (anycast, a CDN or a wrong database)"));
}

/* ---- clusters ---- */

static LookoutMapCluster *
target_cluster (LookoutMap    *self,
                LookoutTarget *target)
{
  return lookout_map_clusters_get_target_cluster (self->clusters, target);
}

/* "Example, Berlin, Germany, Up"; "2 targets here: …" for a few at one
 * place; "120 targets near Berlin, Germany, 3 down" for a cluster. */
static char *
cluster_dup_accessible_name (LookoutMap        *self,
                             LookoutMapCluster *cluster)
{
  LookoutTarget *first = lookout_map_cluster_get_target (cluster, 0);
  g_autofree char *place = NULL;
  GString *name;

  if (cluster->n_targets == 1)
    return dup_target_accessible_name (self, first);

  if (cluster->places->len == 1 && cluster->n_targets <= NAMED_TARGETS)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < cluster->n_targets; i++)
        {
          g_autofree char *one = dup_target_accessible_name (self, lookout_map_cluster_get_target (cluster, i));

          g_string_append_printf (names, "%s%s", i > 0 ? "; " : "", one);
        }
      return g_strdup_printf (ngettext ("%u target here: %s", "%u targets here: %s",
                                        cluster->n_targets),
                              cluster->n_targets, names->str);
    }

  /* Where the located ones are; "placed by hand" says nothing of where. */
  if (g_strcmp0 (lookout_target_get_location_source (first), LOOKOUT_GEO_SOURCE_MANUAL) != 0)
    place = dup_target_place (self, first);
  name = g_string_new (NULL);
  if (place != NULL)
    g_string_printf (name, ngettext ("%u target near %s", "%u targets near %s", cluster->n_targets),
                     cluster->n_targets, place);
  else
    g_string_printf (name, ngettext ("%u target", "%u targets", cluster->n_targets),
                     cluster->n_targets);

  /* The worst first, and only those that need looking at. */
  for (int severity = LOOKOUT_MAP_N_SEVERITIES - 1; severity >= 2; severity--)
    if (cluster->n_state[severity] > 0)
      {
        /* Translators: how many targets of a cluster on the map are in a state, "3 Down" */
        g_string_append_printf (name, ", %u %s", cluster->n_state[severity],
                                lookout_target_state_get_label (lookout_map_severity_state (severity)));
      }
  if (cluster->n_doubtful > 0)
    g_string_append_printf (name, ", %s", _("location doubtful"));

  return g_string_free (name, FALSE);
}

static void
cluster_update (LookoutMap        *self,
                LookoutMapCluster *cluster)
{
  Marker *marker = cluster->marker;
  g_autofree char *accessible = NULL;
  LookoutTargetState worst = lookout_map_cluster_get_worst_state (cluster);
  const char *klass;
  gboolean selected;

  g_assert (cluster->n_targets > 0);
  g_assert (marker != NULL);

  marker->cluster = cluster;
  selected = self->selected != NULL && target_cluster (self, self->selected) == cluster;

  klass = lookout_target_state_to_string (worst);
  if (marker->state_class != klass)
    {
      if (marker->state_class != NULL)
        gtk_widget_remove_css_class (marker->button, marker->state_class);
      gtk_widget_add_css_class (marker->button, klass);
      marker->state_class = klass;
    }
  if (cluster->n_doubtful > 0)
    gtk_widget_add_css_class (marker->button, "doubtful");
  else
    gtk_widget_remove_css_class (marker->button, "doubtful");
  if (selected)
    gtk_widget_add_css_class (marker->button, "selected");
  else
    gtk_widget_remove_css_class (marker->button, "selected");

  gtk_label_set_text (GTK_LABEL (marker->symbol), state_symbol (worst));

  if (cluster->places->len > 1)
    gtk_widget_add_css_class (marker->button, "cluster");
  else
    gtk_widget_remove_css_class (marker->button, "cluster");

  if (cluster->n_targets > 1)
    {
      char count[16];

      g_snprintf (count, sizeof count, "%u", cluster->n_targets);
      gtk_label_set_text (GTK_LABEL (marker->count), count);
      gtk_widget_set_visible (marker->count, TRUE);
      gtk_widget_add_css_class (marker->button, "group");
    }
  else
    {
      gtk_widget_set_visible (marker->count, FALSE);
      gtk_widget_remove_css_class (marker->button, "group");
    }

  accessible = cluster_dup_accessible_name (self, cluster);
  gtk_accessible_update_property (GTK_ACCESSIBLE (marker->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* Built when shown, not on every state change: a tooltip set on the widget
 * costs more than the rest of a marker's update. */
static char *
cluster_dup_tooltip (LookoutMap        *self,
                     LookoutMapCluster *cluster)
{
  GString *tooltip = g_string_new (NULL);

  for (guint i = 0; i < cluster->n_targets && i < TOOLTIP_TARGETS; i++)
    append_target_tooltip (self, tooltip, lookout_map_cluster_get_target (cluster, i));

  if (cluster->n_targets > TOOLTIP_TARGETS)
    g_string_append_printf (tooltip, "\n\n%s",
                            ngettext ("and %u more", "and %u more",
                                      cluster->n_targets - TOOLTIP_TARGETS));

  return g_string_free (tooltip, FALSE);
}

static gboolean
marker_query_tooltip_cb (GtkWidget  *button,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         LookoutMap *self)
{
  Marker *marker = g_object_get_data (G_OBJECT (button), "lookout-marker");
  g_autofree char *text = NULL;

  if (marker == NULL || marker->cluster == NULL)
    return FALSE;

  text = cluster_dup_tooltip (self, marker->cluster);
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
show_cluster_popover (LookoutMap        *self,
                      LookoutMapCluster *cluster)
{
  GtkWidget *child;
  graphene_rect_t bounds;

  while ((child = gtk_widget_get_first_child (self->popover_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->popover_list), child);

  for (guint i = 0; i < cluster->n_targets; i++)
    {
      LookoutTarget *target = lookout_map_cluster_get_target (cluster, i);
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

  if (gtk_widget_compute_bounds (((Marker *) cluster->marker)->button, GTK_WIDGET (self), &bounds))
    {
      GdkRectangle rect = {
        .x = floor (bounds.origin.x), .y = floor (bounds.origin.y),
        .width = ceil (bounds.size.width), .height = ceil (bounds.size.height),
      };

      gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
    }

  self->popover_cluster = cluster;
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void map_fit_box (LookoutMap *self,
                         double      min_x,
                         double      min_y,
                         double      max_x,
                         double      max_y,
                         double      min_zoom);

/* One target opens; a few, or many at one place, are listed; a cluster of
 * many places is zoomed into until it splits. */
static void
marker_clicked_cb (GtkButton  *button,
                   LookoutMap *self)
{
  Marker *marker = g_object_get_data (G_OBJECT (button), "lookout-marker");
  LookoutMapCluster *cluster = marker != NULL ? marker->cluster : NULL;
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  double zoom = shumate_viewport_get_zoom_level (viewport);
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;

  if (cluster == NULL)
    return;

  if (cluster->n_targets == 1)
    {
      g_signal_emit (self, signals[TARGET_ACTIVATED], 0, lookout_map_cluster_get_target (cluster, 0));
      return;
    }

  if (cluster->places->len == 1 || cluster->n_targets <= LISTED_TARGETS
      || zoom >= shumate_viewport_get_max_zoom_level (viewport))
    {
      show_cluster_popover (self, cluster);
      return;
    }

  for (guint i = 0; i < cluster->places->len; i++)
    {
      LookoutMapPlace *place = g_ptr_array_index (cluster->places, i);

      min_x = MIN (min_x, place->x);
      max_x = MAX (max_x, place->x);
      min_y = MIN (min_y, place->y);
      max_y = MAX (max_y, place->y);
    }

  /* The map is followed, not the cluster: the visit forgets it. */
  self->fitted = TRUE;
  map_fit_box (self, min_x, min_y, max_x, max_y, floor (zoom) + 1);
}

static void
marker_free (Marker *marker)
{
  shumate_marker_layer_remove_marker (marker->map->marker_layer, marker->marker);
  g_object_set_data (G_OBJECT (marker->button), "lookout-marker", NULL);
  g_clear_object (&marker->marker);
  g_free (marker);
}

static Marker *
marker_new (LookoutMap *self)
{
  Marker *marker = g_new0 (Marker, 1);
  GtkWidget *box;

  marker->map = self;
  marker->symbol = gtk_label_new (NULL);
  marker->count = gtk_label_new (NULL);
  gtk_widget_add_css_class (marker->count, "count");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), marker->symbol);
  gtk_box_append (GTK_BOX (box), marker->count);

  marker->button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (marker->button), box);
  gtk_widget_add_css_class (marker->button, "lookout-marker");
  gtk_widget_set_halign (marker->button, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (marker->button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (marker->button), "lookout-marker", marker);
  g_signal_connect (marker->button, "clicked", G_CALLBACK (marker_clicked_cb), self);
  gtk_widget_set_has_tooltip (marker->button, TRUE);
  g_signal_connect (marker->button, "query-tooltip", G_CALLBACK (marker_query_tooltip_cb), self);

  marker->marker = g_object_ref_sink (shumate_marker_new ());
  shumate_marker_set_child (marker->marker, marker->button);
  marker->lat = NAN;
  marker->lon = NAN;

  return marker;
}

/* The cluster's marker where the cluster is, made when it has none. */
static void
cluster_locate (LookoutMap        *self,
                LookoutMapCluster *cluster)
{
  Marker *marker = cluster->marker;
  gboolean added = FALSE;
  double lat, lon;

  lookout_map_cluster_get_location (cluster, &lat, &lon);

  if (marker == NULL)
    {
      cluster->marker = marker = marker_new (self);
      added = TRUE;
    }
  if (lat != marker->lat || lon != marker->lon)
    {
      marker->lat = lat;
      marker->lon = lon;
      shumate_location_set_location (SHUMATE_LOCATION (marker->marker), lat, lon);
    }
  if (added)
    shumate_marker_layer_add_marker (self->marker_layer, marker->marker);
}

static void
cluster_show (LookoutMapCluster *cluster,
              gpointer           user_data)
{
  LookoutMap *self = user_data;

  cluster_locate (self, cluster);
  cluster_update (self, cluster);
}

static void
cluster_removed_cb (LookoutMapCluster *cluster,
                    gpointer           user_data)
{
  LookoutMap *self = user_data;

  if (cluster == self->popover_cluster)
    {
      gtk_popover_popdown (GTK_POPOVER (self->popover));
      self->popover_cluster = NULL;
    }
  g_clear_pointer (&cluster->marker, marker_free);
}

static gboolean
cluster_target_doubtful_cb (LookoutTarget *target,
                            gpointer       user_data)
{
  return target_is_doubtful (user_data, target);
}

/* The cells the view shows at the cluster zoom, with margin views more
 * each side so that a little panning needs no new clusters. */
static void
map_get_cell_range (LookoutMap          *self,
                    double               margin,
                    LookoutMapCellRange *range)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  /* Not laid out yet: about a window's worth. */
  if (width <= 0 || height <= 0)
    {
      width = 1000;
      height = 700;
    }

  lookout_map_cell_range_init (range,
                               shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                               shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                               shumate_viewport_get_zoom_level (viewport),
                               shumate_viewport_get_max_zoom_level (viewport),
                               source ? shumate_map_source_get_tile_size (source) : 256,
                               width, height, margin);
}

static void
map_recluster (LookoutMap *self)
{
  LookoutMapCellRange range;

  g_clear_handle_id (&self->recluster_source, g_source_remove);

  map_get_cell_range (self, VIEW_MARGIN, &range);
  lookout_map_clusters_build (self->clusters, &range);
  lookout_map_clusters_foreach (self->clusters, cluster_show, self);
}

static gboolean
recluster_cb (gpointer user_data)
{
  LookoutMap *self = user_data;

  self->recluster_source = 0;
  map_recluster (self);

  return G_SOURCE_REMOVE;
}

/* Zooming notifies many times a second while it glides: the clusters are
 * made again once it rests. */
static void
queue_recluster (LookoutMap *self)
{
  g_clear_handle_id (&self->recluster_source, g_source_remove);
  self->recluster_source = g_timeout_add (RECLUSTER_DELAY_MS, recluster_cb, self);
}

/* Panning needs new clusters only when the view leaves the cells built;
 * a new zoom level puts them off until it rests. */
static void
check_view (LookoutMap *self)
{
  LookoutMapCellRange range;

  if (self->regroup_source != 0)
    return;

  map_get_cell_range (self, 0, &range);
  if (!lookout_map_cell_range_covers (lookout_map_clusters_get_built (self->clusters), &range))
    queue_recluster (self);
}

static void
viewport_changed_cb (ShumateViewport *viewport,
                     GParamSpec      *pspec,
                     LookoutMap      *self)
{
  check_view (self);
}

/* Targets at one place (coordinates equal to 0.001°) are one place: they
 * stay together at every zoom. */
static void
map_regroup (LookoutMap *self)
{
  g_clear_handle_id (&self->regroup_source, g_source_remove);
  g_clear_handle_id (&self->move_source, g_source_remove);
  g_hash_table_remove_all (self->moved);

  lookout_map_clusters_set_targets (self->clusters, self->targets);

  /* Fitted first, clustered once for the zoom it comes to. */
  if (!self->fitted && lookout_map_clusters_get_n_places (self->clusters) > 0
      && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      self->fitted = TRUE;
      lookout_map_fit_all (self);
    }

  map_recluster (self);
}

/* The first time there are markers and a size to show them in, all of
 * them are brought into view. */
static gboolean
initial_fit_cb (gpointer user_data)
{
  LookoutMap *self = user_data;

  self->fit_source = 0;
  if (!self->fitted && lookout_map_clusters_get_n_places (self->clusters) > 0)
    {
      self->fitted = TRUE;
      lookout_map_fit_all (self);
      if (self->recluster_source != 0)
        map_recluster (self);
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
  /* The targets moved may be gone from the list: the regroup places them. */
  g_clear_handle_id (&self->move_source, g_source_remove);
  g_hash_table_remove_all (self->moved);
  g_clear_handle_id (&self->recluster_source, g_source_remove);
  if (self->regroup_source == 0)
    self->regroup_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, regroup_cb, self, NULL);
}

/* A change of state moves the target from one tally of its cluster to
 * another: the cluster's marker is restyled, nothing else. */
static void
target_retally (LookoutMap    *self,
                LookoutTarget *target)
{
  LookoutMapCluster *cluster = lookout_map_clusters_retally (self->clusters, target);

  if (cluster != NULL)
    cluster_update (self, cluster);
}

/* Targets placed or moved (a location found, a place picked) move between
 * places and clusters without the others being made again: with thousands
 * of targets located one by one, each costs little. */
static gboolean
move_cb (gpointer user_data)
{
  LookoutMap *self = user_data;
  g_autoptr(GHashTable) moved = g_steal_pointer (&self->moved);

  self->move_source = 0;
  self->moved = g_hash_table_new (NULL, NULL);

  lookout_map_clusters_move_targets (self->clusters, moved, cluster_show, self);

  if (!self->fitted && lookout_map_clusters_get_n_places (self->clusters) > 0
      && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    {
      self->fitted = TRUE;
      lookout_map_fit_all (self);
    }

  return G_SOURCE_REMOVE;
}

static void
queue_move (LookoutMap    *self,
            LookoutTarget *target)
{
  /* Before the first clusters, or with a regroup coming, that does it. */
  if (self->regroup_source != 0 || lookout_map_clusters_get_built (self->clusters)->cell == 0)
    {
      queue_regroup (self);
      return;
    }

  g_hash_table_add (self->moved, target);
  if (self->move_source == 0)
    self->move_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, move_cb, self, NULL);
}

static void
target_notify_cb (LookoutTarget *target,
                  GParamSpec    *pspec,
                  LookoutMap    *self)
{
  const char *name = pspec->name;

  if (g_str_equal (name, "latitude") || g_str_equal (name, "longitude"))
    {
      queue_move (self, target);
      return;
    }

  if (!g_str_equal (name, "state") && !g_str_equal (name, "name")
      && !g_str_equal (name, "last-latency") && !g_str_equal (name, "location-source"))
    return;

  target_retally (self, target);
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
  target_retally (self, target);
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
  if (self->agents != NULL)
    {
      ShumateLayer *agents = SHUMATE_LAYER (lookout_map_agents_get_layer (self->agents));

      shumate_simple_map_remove_overlay_layer (self->simple_map, agents);
      shumate_simple_map_add_overlay_layer (self->simple_map, agents);
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

/* Clear of the simple map's zoom buttons on the right, kept on both sides
 * so the box stays centred. */
#define TOP_BOX_SIDE 60

/* GtkOverlay gives an overlay its natural height for its natural width,
 * even where the map is narrower: the wrapped instructions then ran under
 * the Cancel button and out of the bar. The box gets the height it needs
 * for the width it really has. */
static gboolean
overlay_child_position_cb (GtkOverlay   *overlay,
                           GtkWidget    *widget,
                           GdkRectangle *allocation,
                           LookoutMap   *self)
{
  int overlay_width = gtk_widget_get_width (GTK_WIDGET (overlay));
  int min_width, nat_width, nat_height;
  int width;

  if (widget != self->top_box)
    return FALSE;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  width = MAX (min_width, MIN (nat_width, overlay_width - 2 * TOP_BOX_SIDE));
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, NULL, &nat_height, NULL, NULL);

  allocation->x = MAX (0, (overlay_width - width) / 2);
  allocation->y = 0;
  allocation->width = width;
  allocation->height = nat_height;

  return TRUE;
}

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

  if (!self->fitted && self->fit_source == 0 && lookout_map_clusters_get_n_places (self->clusters) > 0)
    self->fit_source = g_idle_add (initial_fit_cb, self);
  check_view (self);
}

static void
lookout_map_dispose (GObject *object)
{
  LookoutMap *self = (LookoutMap *) object;

  g_clear_handle_id (&self->regroup_source, g_source_remove);
  g_clear_handle_id (&self->recluster_source, g_source_remove);
  g_clear_handle_id (&self->move_source, g_source_remove);
  g_clear_handle_id (&self->fit_source, g_source_remove);
  if (self->simple_map != NULL)
    g_signal_handlers_disconnect_by_data (shumate_simple_map_get_viewport (self->simple_map), self);
  lookout_map_set_targets (self, NULL);
  lookout_map_set_geo (self, NULL);
  g_clear_object (&self->path);
  g_clear_object (&self->agents);
  g_clear_handle_id (&self->regroup_source, g_source_remove);
  g_clear_handle_id (&self->recluster_source, g_source_remove);
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

  /* Empty by now: the targets went in dispose, and their markers with them. */
  g_clear_pointer (&self->clusters, lookout_map_clusters_free);
  g_clear_pointer (&self->moved, g_hash_table_unref);
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
  g_autoptr(ShumateMapSourceRegistry) registry = NULL;
  ShumateMapSource *osm;
  ShumateMap *map;
  GtkWidget *fit, *cancel, *scrolled;
  GtkGesture *click;
  GtkEventController *keys;
  const char *url;

  self->watched = g_hash_table_new (NULL, NULL);
  self->clusters = lookout_map_clusters_new (&(LookoutMapClustersFuncs) {
                                                .target_doubtful = cluster_target_doubtful_cb,
                                                .cluster_removed = cluster_removed_cb,
                                              }, self);
  self->moved = g_hash_table_new (NULL, NULL);

  self->simple_map = SHUMATE_SIMPLE_MAP (shumate_simple_map_new ());
  map = shumate_simple_map_get_map (self->simple_map);
  self->marker_layer = shumate_marker_layer_new (shumate_simple_map_get_viewport (self->simple_map));
  shumate_marker_layer_set_selection_mode (self->marker_layer, GTK_SELECTION_NONE);
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (self->marker_layer));
  /* A traced path, drawn over the markers. */
  self->path = lookout_map_path_new (shumate_simple_map_get_viewport (self->simple_map));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (lookout_map_path_get_layer (self->path)));
  self->agents = lookout_map_agents_new (shumate_simple_map_get_viewport (self->simple_map));
  shumate_simple_map_add_overlay_layer (self->simple_map, SHUMATE_LAYER (lookout_map_agents_get_layer (self->agents)));
  shumate_map_set_go_to_duration (map, GO_TO_DURATION);
  shumate_viewport_set_zoom_level (shumate_simple_map_get_viewport (self->simple_map), 2);
  shumate_map_center_on (map, 30, 10);
  g_signal_connect (shumate_simple_map_get_viewport (self->simple_map), "notify::zoom-level",
                    G_CALLBACK (viewport_changed_cb), self);
  g_signal_connect (shumate_simple_map_get_viewport (self->simple_map), "notify::latitude",
                    G_CALLBACK (viewport_changed_cb), self);
  g_signal_connect (shumate_simple_map_get_viewport (self->simple_map), "notify::longitude",
                    G_CALLBACK (viewport_changed_cb), self);
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
  gtk_label_set_max_width_chars (GTK_LABEL (self->place_label), 50);
  gtk_label_set_xalign (GTK_LABEL (self->place_label), 0);
  gtk_widget_set_hexpand (self->place_label, TRUE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_add_css_class (cancel, "pill");
  g_signal_connect (cancel, "clicked", G_CALLBACK (place_cancel_clicked_cb), self);
  self->place_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_add_css_class (self->place_bar, "lookout-map-place");
  gtk_widget_set_halign (self->place_bar, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->place_bar, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (self->place_bar), self->place_label);
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->place_bar), cancel);
  gtk_widget_set_visible (self->place_bar, FALSE);

  /* The note and the instructions share the top: one above the other. */
  self->top_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (self->top_box), self->note);
  gtk_box_append (GTK_BOX (self->top_box), self->place_bar);

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
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), fit);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->top_box);
  g_signal_connect (self->overlay, "get-child-position", G_CALLBACK (overlay_child_position_cb), self);
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->popover_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->popover_list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->popover_list), TRUE);
  gtk_widget_add_css_class (self->popover_list, "navigation-sidebar");
  g_signal_connect (self->popover_list, "row-activated", G_CALLBACK (popover_row_activated_cb), self);
  /* Scrolled: at the deepest zoom a place may still hold hundreds. */
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->popover_list);
  self->popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->popover), scrolled);
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
  else if (self->clusters != NULL)
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
  if (self->path != NULL)
    lookout_map_path_set_geo (self->path, geo);

  if (self->clusters != NULL)
    queue_regroup (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GEO]);
}

void
lookout_map_set_path (LookoutMap               *self,
                      const LookoutTraceReport *report)
{
  g_return_if_fail (LOOKOUT_IS_MAP (self));

  lookout_map_path_set_report (self->path, report);
}

void
lookout_map_set_agents (LookoutMap    *self,
                        LookoutAgents *agents)
{
  g_return_if_fail (LOOKOUT_IS_MAP (self));

  lookout_map_agents_set_agents (self->agents, agents);
}

ShumateMarker *
lookout_map_get_agent_marker (LookoutMap *self,
                              const char *name)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return lookout_map_agents_get_marker (self->agents, name);
}

LookoutMapPath *
lookout_map_get_path (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);

  return self->path;
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
  LookoutMapCluster *old_cluster = NULL;
  LookoutMapCluster *cluster = NULL;

  g_return_if_fail (LOOKOUT_IS_MAP (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->selected != NULL)
    old_cluster = target_cluster (self, self->selected);
  g_set_object (&self->selected, target);
  if (target != NULL)
    cluster = target_cluster (self, target);

  if (old_cluster != NULL)
    cluster_update (self, old_cluster);
  if (cluster != NULL && cluster != old_cluster)
    cluster_update (self, cluster);
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

static void
map_fit_box (LookoutMap *self,
             double      min_x,
             double      min_y,
             double      max_x,
             double      max_y,
             double      min_zoom)
{
  ShumateViewport *viewport = shumate_simple_map_get_viewport (self->simple_map);
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (viewport);
  double tile_size = source ? shumate_map_source_get_tile_size (source) : 256;
  double width, height, zoom, zoom_x, zoom_y, max_fit, lat, lon;

  /* Leave room for the markers themselves and the controls at the edges. */
  width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 200) - 80;
  height = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 150) - 80;

  max_fit = MAX (MAX_FIT_ZOOM, min_zoom);
  zoom_x = max_x > min_x ? log2 (width / ((max_x - min_x) * tile_size)) : max_fit;
  zoom_y = max_y > min_y ? log2 (height / ((max_y - min_y) * tile_size)) : max_fit;
  zoom = floor (MIN (MIN (zoom_x, zoom_y), max_fit) * 4) / 4;
  zoom = MAX (zoom, min_zoom);
  zoom = CLAMP (zoom, shumate_viewport_get_min_zoom_level (viewport),
                shumate_viewport_get_max_zoom_level (viewport));

  lookout_map_unproject ((min_x + max_x) / 2, (min_y + max_y) / 2, &lat, &lon);
  map_go_to (self, lat, lon, zoom);
}

void
lookout_map_fit_all (LookoutMap *self)
{
  double min_x, min_y, max_x, max_y;

  g_return_if_fail (LOOKOUT_IS_MAP (self));

  if (lookout_map_clusters_get_bounds (self->clusters, &min_x, &min_y, &max_x, &max_y))
    map_fit_box (self, min_x, min_y, max_x, max_y, 0);
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

int
lookout_map_get_cluster_zoom (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), 0);

  return lookout_map_clusters_get_built (self->clusters)->zoom;
}

guint
lookout_map_get_n_markers (LookoutMap *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP (self), 0);

  return lookout_map_clusters_get_n_clusters (self->clusters);
}

ShumateMarker *
lookout_map_get_marker (LookoutMap    *self,
                        LookoutTarget *target)
{
  LookoutMapCluster *cluster;

  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  cluster = target_cluster (self, target);

  return cluster != NULL ? ((Marker *) cluster->marker)->marker : NULL;
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
  LookoutMapCluster *cluster;

  g_return_val_if_fail (LOOKOUT_IS_MAP (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  cluster = target_cluster (self, target);

  return cluster != NULL ? cluster_dup_tooltip (self, cluster) : NULL;
}
