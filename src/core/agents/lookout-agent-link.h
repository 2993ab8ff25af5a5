/* lookout-agent-link.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

typedef enum
{
  LOOKOUT_AGENT_LINK_OFFLINE,
  LOOKOUT_AGENT_LINK_RECONNECTING,
  LOOKOUT_AGENT_LINK_ONLINE,
} LookoutAgentLinkState;

const char *lookout_agent_link_state_to_string (LookoutAgentLinkState state);

/* The targets a manager gives one agent. */
typedef GPtrArray *(*LookoutAgentTargetsFunc) (LookoutMonitor *monitor,
                                               const char     *agent,
                                               gpointer        user_data);

#define LOOKOUT_TYPE_AGENT_LINK (lookout_agent_link_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAgentLink, lookout_agent_link, LOOKOUT, AGENT_LINK, GObject)

/* The manager's link to one agent (docs/agents.md). Properties: "name",
 * "url", "state" (LookoutAgentLinkState), "last-seen" (ms since the epoch,
 * 0 never), "clock-offset" (ms the agent's clock is ahead, from the last
 * heartbeat), "clock-suspect" (the offset is past the bound),
 * "results-waiting" (what the agent holds that is not acknowledged),
 * "acked-seq", "n-duplicates", "n-gaps", "agent-dropped" (results the
 * agent's outbox bounds dropped), "problem" (why the link is not online, in
 * words, NULL when it is). @fingerprint ("SHA256:…") pins the agent's
 * certificate; without it the certificate must be trusted by the system. */
LookoutAgentLink *lookout_agent_link_new          (LookoutMonitor   *monitor,
                                                   const char       *name,
                                                   const char       *url,
                                                   const char       *token,
                                                   const char       *fingerprint,
                                                   GError          **error);
void              lookout_agent_link_set_targets_func (LookoutAgentLink        *self,
                                                       LookoutAgentTargetsFunc  func,
                                                       gpointer                 user_data);
/* Connects, and reconnects with exponential back-off and jitter, until
 * stopped. */
void              lookout_agent_link_start        (LookoutAgentLink *self);
void              lookout_agent_link_stop         (LookoutAgentLink *self);
/* Sends the targets again (after they changed). */
void              lookout_agent_link_push_targets (LookoutAgentLink *self);
/* For tests and benchmarks: the heartbeat period, the back-off ceiling and
 * how long a lost link stays "reconnecting" before it is "offline". */
void              lookout_agent_link_set_timing   (LookoutAgentLink *self,
                                                   guint             heartbeat_ms,
                                                   guint             backoff_max_ms,
                                                   guint             offline_after_ms);

const char       *lookout_agent_link_get_name     (LookoutAgentLink *self);
const char       *lookout_agent_link_get_url      (LookoutAgentLink *self);
LookoutAgentLinkState lookout_agent_link_get_state (LookoutAgentLink *self);
gint64            lookout_agent_link_get_last_seen (LookoutAgentLink *self);
gint64            lookout_agent_link_get_clock_offset (LookoutAgentLink *self);
guint64           lookout_agent_link_get_results_waiting (LookoutAgentLink *self);
guint64           lookout_agent_link_get_acked_seq (LookoutAgentLink *self);
guint64           lookout_agent_link_get_n_duplicates (LookoutAgentLink *self);
guint64           lookout_agent_link_get_n_gaps   (LookoutAgentLink *self);
const char       *lookout_agent_link_get_problem  (LookoutAgentLink *self);

/* A clock offset past this is flagged. */
#define LOOKOUT_AGENT_CLOCK_BOUND_MS 2000

G_END_DECLS
