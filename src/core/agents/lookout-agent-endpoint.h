/* lookout-agent-endpoint.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_AGENT_ENDPOINT (lookout_agent_endpoint_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAgentEndpoint, lookout_agent_endpoint, LOOKOUT, AGENT_ENDPOINT, GObject)

/* The agent's side of the link (docs/agents.md): turns on the outbox of
 * @monitor's store with @limits, answers the manager that connects, sends
 * the outbox in order and deletes what it acknowledges, and applies the
 * targets it is given. Properties: "connected" (a manager is there),
 * "n-dropped" (results the outbox bounds dropped, ever). */
LookoutAgentEndpoint *lookout_agent_endpoint_new       (LookoutMonitor             *monitor,
                                                        const char                 *name,
                                                        const LookoutOutboxLimits  *limits);
/* Where the agent is, for the manager's map. */
void                  lookout_agent_endpoint_set_location (LookoutAgentEndpoint    *self,
                                                           double                   latitude,
                                                           double                   longitude);
/* A manager's WebSocket, authenticated by the API server; a newer one
 * replaces the one before. */
void                  lookout_agent_endpoint_accept    (LookoutAgentEndpoint       *self,
                                                        SoupWebsocketConnection    *connection);
gboolean              lookout_agent_endpoint_get_connected (LookoutAgentEndpoint   *self);
guint64               lookout_agent_endpoint_get_n_dropped (LookoutAgentEndpoint   *self);

G_END_DECLS
