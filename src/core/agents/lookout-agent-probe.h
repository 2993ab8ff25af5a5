/* lookout-agent-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What an agent says of itself when a manager first reaches it, before its
 * certificate is pinned. */
typedef struct
{
  char     *name;
  char     *fingerprint;     /* "SHA256:AB:CD:…", NULL over plain HTTP */
  gboolean  has_location;
  double    latitude;
  double    longitude;
} LookoutAgentProbeInfo;

void                   lookout_agent_probe_info_free (LookoutAgentProbeInfo *info);

/* Opens the agent link at @url with @token once, whatever certificate the
 * agent shows, reads its hello and closes. Fails with a sentence for a
 * wrong token, an address that does not answer, or no hello in time. */
/* The agent's certificate fingerprint ("SHA256:AB:…"), learnt over TLS
 * with nothing sent; NULL without an error for a plain-HTTP address. */
void                   lookout_agent_probe_certificate_async  (const char          *url,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
char                  *lookout_agent_probe_certificate_finish (GAsyncResult        *result,
                                                               GError             **error);

/* The agent's hello over the link, with @token; when @pinned is given,
 * only that certificate is accepted and the token goes nowhere else. */
void                   lookout_agent_probe_async     (const char           *url,
                                                      const char           *token,
                                                      const char           *pinned,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
LookoutAgentProbeInfo *lookout_agent_probe_finish    (GAsyncResult         *result,
                                                      GError              **error);

/* "SHA256:AB:CD:…" for a lower-case hex digest. */
char                  *lookout_agent_format_fingerprint (const char        *hex);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutAgentProbeInfo, lookout_agent_probe_info_free)

G_END_DECLS
