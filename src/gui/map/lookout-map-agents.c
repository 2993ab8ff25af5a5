/* lookout-map-agents.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-map"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-map-agents.h"

struct _LookoutMapAgents
{
  GObject             parent_instance;

  ShumateMarkerLayer *layer;
  LookoutAgents      *agents;
  GHashTable         *markers;     /* name -> ShumateMarker */
  gulong              items_changed_id;
};

G_DEFINE_FINAL_TYPE (LookoutMapAgents, lookout_map_agents, G_TYPE_OBJECT)

static const char *
state_class (LookoutAgentLinkState state)
{
  switch (state)
    {
    case LOOKOUT_AGENT_LINK_ONLINE:
      return "online";
    case LOOKOUT_AGENT_LINK_RECONNECTING:
      return "reconnecting";
    case LOOKOUT_AGENT_LINK_OFFLINE:
    default:
      return "offline";
    }
}

static void
restyle (ShumateMarker    *marker,
         LookoutAgentLink *link)
{
  GtkWidget *child = shumate_marker_get_child (marker);
  LookoutAgentLinkState state = lookout_agent_link_get_state (link);
  g_autofree char *text = NULL;

  for (LookoutAgentLinkState s = LOOKOUT_AGENT_LINK_OFFLINE; s <= LOOKOUT_AGENT_LINK_ONLINE; s++)
    gtk_widget_remove_css_class (child, state_class (s));
  gtk_widget_add_css_class (child, state_class (state));

  /* Translators: an agent's marker on the map, "Agent paris: Online". */
  text = g_strdup_printf (_("Agent %s: %s"), lookout_agent_link_get_name (link),
                          lookout_agent_link_state_to_string (state));
  gtk_widget_set_tooltip_text (child, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

static void
link_state_cb (LookoutAgentLink *link,
               GParamSpec       *pspec,
               ShumateMarker    *marker)
{
  restyle (marker, link);
}

static ShumateMarker *
new_marker (LookoutAgentLink *link,
            double            latitude,
            double            longitude)
{
  ShumateMarker *marker = shumate_marker_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name ("network-server-symbolic");
  GtkWidget *label = gtk_label_new (lookout_agent_link_get_name (link));

  gtk_widget_add_css_class (box, "lookout-agent-marker");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  shumate_marker_set_child (marker, box);
  shumate_location_set_location (SHUMATE_LOCATION (marker), latitude, longitude);
  restyle (marker, link);
  g_signal_connect_object (link, "notify::state", G_CALLBACK (link_state_cb), marker, 0);
  return marker;
}

static void
rebuild (LookoutMapAgents *self)
{
  GListModel *links;

  shumate_marker_layer_remove_all (self->layer);
  g_hash_table_remove_all (self->markers);
  if (self->agents == NULL)
    return;

  links = G_LIST_MODEL (lookout_agents_get_manager (self->agents));
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(LookoutAgentLink) link = g_list_model_get_item (links, i);
      const char *name = lookout_agent_link_get_name (link);
      double latitude, longitude;
      ShumateMarker *marker;

      if (!lookout_agents_get_place (self->agents, name, &latitude, &longitude))
        continue;
      marker = new_marker (link, latitude, longitude);
      shumate_marker_layer_add_marker (self->layer, marker);
      g_hash_table_insert (self->markers, g_strdup (name), marker);
    }
}

static void
links_changed_cb (GListModel       *links,
                  guint             position,
                  guint             removed,
                  guint             added,
                  LookoutMapAgents *self)
{
  /* a handful of agents: made again whole */
  rebuild (self);
}

static void
lookout_map_agents_dispose (GObject *object)
{
  LookoutMapAgents *self = LOOKOUT_MAP_AGENTS (object);

  lookout_map_agents_set_agents (self, NULL);
  g_clear_pointer (&self->markers, g_hash_table_unref);
  g_clear_object (&self->layer);

  G_OBJECT_CLASS (lookout_map_agents_parent_class)->dispose (object);
}

static void
lookout_map_agents_class_init (LookoutMapAgentsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lookout_map_agents_dispose;
}

static void
lookout_map_agents_init (LookoutMapAgents *self)
{
  self->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

LookoutMapAgents *
lookout_map_agents_new (ShumateViewport *viewport)
{
  LookoutMapAgents *self;

  g_return_val_if_fail (SHUMATE_IS_VIEWPORT (viewport), NULL);

  self = g_object_new (LOOKOUT_TYPE_MAP_AGENTS, NULL);
  self->layer = g_object_ref_sink (shumate_marker_layer_new (viewport));
  shumate_marker_layer_set_selection_mode (self->layer, GTK_SELECTION_NONE);
  return self;
}

ShumateMarkerLayer *
lookout_map_agents_get_layer (LookoutMapAgents *self)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP_AGENTS (self), NULL);

  return self->layer;
}

void
lookout_map_agents_set_agents (LookoutMapAgents *self,
                               LookoutAgents    *agents)
{
  g_return_if_fail (LOOKOUT_IS_MAP_AGENTS (self));
  g_return_if_fail (!agents || LOOKOUT_IS_AGENTS (agents));

  if (self->agents == agents)
    return;
  if (self->agents != NULL)
    g_clear_signal_handler (&self->items_changed_id, lookout_agents_get_manager (self->agents));
  g_set_object (&self->agents, agents);
  if (agents != NULL)
    self->items_changed_id = g_signal_connect (lookout_agents_get_manager (agents), "items-changed",
                                               G_CALLBACK (links_changed_cb), self);
  if (self->layer != NULL)
    rebuild (self);
}

ShumateMarker *
lookout_map_agents_get_marker (LookoutMapAgents *self,
                               const char       *name)
{
  g_return_val_if_fail (LOOKOUT_IS_MAP_AGENTS (self), NULL);

  return g_hash_table_lookup (self->markers, name);
}
