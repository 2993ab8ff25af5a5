/* lookout-map-agents.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <shumate/shumate.h>

#include "lookout-agents.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_MAP_AGENTS (lookout_map_agents_get_type ())

G_DECLARE_FINAL_TYPE (LookoutMapAgents, lookout_map_agents, LOOKOUT, MAP_AGENTS, GObject)

/* The remote agents on the map: a marker of their own kind (a server
 * symbol and the agent's name, coloured by the link's state) for each
 * agent that said where it stands (`--location LAT,LON`), restyled as its
 * link goes Online, Reconnecting or Offline. */
LookoutMapAgents   *lookout_map_agents_new         (ShumateViewport  *viewport);
ShumateMarkerLayer *lookout_map_agents_get_layer   (LookoutMapAgents *self);
void                lookout_map_agents_set_agents  (LookoutMapAgents *self,
                                                    LookoutAgents    *agents);
/* The marker of the agent @name, or NULL (no such agent, or no place). */
ShumateMarker      *lookout_map_agents_get_marker  (LookoutMapAgents *self,
                                                    const char       *name);

G_END_DECLS
