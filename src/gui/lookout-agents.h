/* lookout-agents.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-agent-manager.h"
#include "lookout-agent-probe.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_AGENTS (lookout_agents_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAgents, lookout_agents, LOOKOUT, AGENTS, GObject)

/* The desktop app as a manager of remote agents: the agents added in
 * Preferences → Agents, kept in @path (a key file of [agent NAME] groups,
 * as `lookout-agent run --config` reads) with each token in the keyring.
 * "problem" says, in words, what could not be kept or loaded. */
LookoutAgents       *lookout_agents_new          (LookoutMonitor              *monitor,
                                                  const char                  *path);
LookoutAgentManager *lookout_agents_get_manager  (LookoutAgents               *self);
gboolean             lookout_agents_add          (LookoutAgents               *self,
                                                  const char                  *url,
                                                  const char                  *token,
                                                  const LookoutAgentProbeInfo *info,
                                                  GError                     **error);
gboolean             lookout_agents_remove       (LookoutAgents               *self,
                                                  const char                  *name,
                                                  GError                     **error);
/* Where the agent said it stands, when it did. */
gboolean             lookout_agents_get_place    (LookoutAgents               *self,
                                                  const char                  *name,
                                                  double                      *latitude,
                                                  double                      *longitude);
/* The agents' names, in the order they were added. */
GStrv                lookout_agents_dup_names    (LookoutAgents               *self);
const char          *lookout_agents_get_problem  (LookoutAgents               *self);

G_END_DECLS
