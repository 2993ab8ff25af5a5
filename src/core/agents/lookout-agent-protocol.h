/* lookout-agent-protocol.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* The link between a manager and an agent (docs/agents.md): a WebSocket
 * the manager opens on the agent's API server, JSON text messages. */
#define LOOKOUT_AGENT_LINK_PATH      "/api/v1/agent/link"
#define LOOKOUT_AGENT_LINK_PROTOCOL  "lookout-agent.v1"
#define LOOKOUT_AGENT_PROTOCOL_VERSION 1

/* A batch stays well under libsoup's default limit of 128 KiB per message. */
#define LOOKOUT_AGENT_MAX_BATCH_BYTES (96 * 1024)
/* What either side accepts in one message (a configuration of many targets). */
#define LOOKOUT_AGENT_MAX_MESSAGE     (16 * 1024 * 1024)

#define LOOKOUT_AGENT_ERROR (lookout_agent_error_quark ())

typedef enum
{
  LOOKOUT_AGENT_ERROR_PROTOCOL,      /* malformed or out-of-place message */
  LOOKOUT_AGENT_ERROR_REPLAY,        /* an acknowledgement of what was never sent */
  LOOKOUT_AGENT_ERROR_FINGERPRINT,   /* the certificate is not the pinned one */
  LOOKOUT_AGENT_ERROR_CONFIG,        /* a key file group that cannot be used */
  LOOKOUT_AGENT_ERROR_CLOSED,        /* the peer closed the link, with its reason */
} LookoutAgentError;

GQuark      lookout_agent_error_quark       (void);

/* Parses one message: an object with a string "type". */
JsonObject *lookout_agent_message_parse     (const char          *text,
                                             gsize                len,
                                             const char         **out_type,
                                             GError             **error);
/* Reads a member that must be an integer in [min, max]. */
gboolean    lookout_agent_message_get_int   (JsonObject          *object,
                                             const char          *member,
                                             gint64               min,
                                             gint64               max,
                                             gint64              *out_value,
                                             GError             **error);

/* Appends one result, as an element of a batch's "results" array. */
void        lookout_agent_append_entry      (GString             *out,
                                             const LookoutOutboxEntry *entry);
/* The inverse, with every field checked. */
gboolean    lookout_agent_entry_from_json   (JsonNode            *node,
                                             LookoutOutboxEntry  *out_entry,
                                             GError             **error);
/* Parses a whole "batch" message (on any thread): its results in order,
 * LookoutOutboxEntry each checked, with the outbox's "first_seq" and
 * "dropped". */
GArray     *lookout_agent_batch_parse       (const char          *text,
                                             gsize                len,
                                             gint64              *out_first_kept,
                                             gint64              *out_dropped,
                                             GError             **error);
/* The result a manager hands to its monitor for @entry of @target,
 * checked from @location. */
LookoutResult *lookout_agent_result_new     (const LookoutOutboxEntry *entry,
                                             LookoutTarget       *target,
                                             const char          *location);

/* "SHA256:AB:CD:…" or plain hex, any case -> lower-case hex; NULL if it
 * is not a SHA-256 fingerprint. */
char       *lookout_agent_normalize_fingerprint (const char      *text);
/* The SHA-256 of the certificate's DER, lower-case hex. */
char       *lookout_agent_certificate_fingerprint (GTlsCertificate *certificate);

G_END_DECLS
