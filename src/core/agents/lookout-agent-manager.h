/* lookout-agent-manager.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-agent-link.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_AGENT_MANAGER (lookout_agent_manager_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAgentManager, lookout_agent_manager, LOOKOUT, AGENT_MANAGER, GObject)

/* The manager's side: a GListModel of LookoutAgentLink, one per agent,
 * each fed the monitor's targets again whenever they change. */
LookoutAgentManager *lookout_agent_manager_new          (LookoutMonitor      *monitor);
/* Every [agent NAME] group of @file (url, token, fingerprint); all or
 * none: a group that cannot be used is refused, naming it. Returns the
 * number of agents added. */
guint                lookout_agent_manager_load_key_file (LookoutAgentManager *self,
                                                          GKeyFile            *file,
                                                          GError             **error);
void                 lookout_agent_manager_add          (LookoutAgentManager *self,
                                                         LookoutAgentLink    *link);
/* Stops the link to @name and forgets it; FALSE if there is none. */
gboolean             lookout_agent_manager_remove       (LookoutAgentManager *self,
                                                         const char          *name);
LookoutAgentLink    *lookout_agent_manager_find         (LookoutAgentManager *self,
                                                         const char          *name);
void                 lookout_agent_manager_start        (LookoutAgentManager *self);
void                 lookout_agent_manager_stop         (LookoutAgentManager *self);

G_END_DECLS
