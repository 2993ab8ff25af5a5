/* lookout-api-server.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "lookout-api-metrics.h"
#include "lookout-api-tokens.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_API_SERVER (lookout_api_server_get_type ())

G_DECLARE_FINAL_TYPE (LookoutApiServer, lookout_api_server, LOOKOUT, API_SERVER, GObject)

/* The REST API (docs/api.md) and /metrics over @monitor, on a SoupServer.
 * Every request needs a token of the store (lookout-api-tokens.h) with the
 * endpoint's scope. */
LookoutApiServer *lookout_api_server_new             (LookoutMonitor    *monitor);

/* "HOST:PORT", "[V6]:PORT"; port 0 picks a free one. */
gboolean          lookout_api_parse_listen_address   (const char        *text,
                                                      char             **out_host,
                                                      guint16           *out_port,
                                                      GError           **error);
/* Listens on @address. Beyond loopback a certificate is required
 * (LOOKOUT_API_ERROR_TLS_REQUIRED); with one, the server speaks HTTPS only. */
gboolean          lookout_api_server_listen          (LookoutApiServer  *self,
                                                      const char        *address,
                                                      GTlsCertificate   *certificate,
                                                      GError           **error);
void              lookout_api_server_stop            (LookoutApiServer  *self);
/* The port listened on, 0 when not listening. */
guint16           lookout_api_server_get_port        (LookoutApiServer  *self);
/* "https://127.0.0.1:8080" and the like. */
char             *lookout_api_server_dup_url         (LookoutApiServer  *self);
/* The certificate's SHA-256 fingerprint, or NULL without TLS. */
/* The /metrics table, for a manager's figures of its agents. */
LookoutApiMetrics *lookout_api_server_get_metrics (LookoutApiServer *self);
const char       *lookout_api_server_get_fingerprint (LookoutApiServer  *self);
LookoutApiTokens *lookout_api_server_get_tokens      (LookoutApiServer  *self);

/* A WebSocket at @path speaking @protocol, for tokens with @scope: the
 * token is checked as on every route (and counts towards the failed
 * authentication limit); then @callback gets the open connection and the
 * token's name. May be called before or after listening. */
typedef void (*LookoutApiWebsocketFunc) (LookoutApiServer        *server,
                                         SoupWebsocketConnection *connection,
                                         const char              *token_name,
                                         gpointer                 user_data);
void              lookout_api_server_add_websocket_handler (LookoutApiServer        *self,
                                                            const char              *path,
                                                            const char              *protocol,
                                                            LookoutApiScope          scope,
                                                            LookoutApiWebsocketFunc  callback,
                                                            gpointer                 user_data);

/* Failed authentications allowed per client address and minute. */
#define LOOKOUT_API_MAX_FAILED_AUTH 10

G_END_DECLS
