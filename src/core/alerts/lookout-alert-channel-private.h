/* lookout-alert-channel-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "lookout-alert-channel.h"

G_BEGIN_DECLS

/* For the HTTP channels: POSTs @body as JSON to @uri with an optional extra
 * header ("Name: value"); finishes with the response body when the status is
 * 2xx, else with LOOKOUT_ALERT_CHANNEL_ERROR_REJECTED (status and the start
 * of the body) or _NETWORK. */
void     lookout_alert_channel_post_json        (SoupSession          *session,
                                                 const char           *uri,
                                                 const char           *header,
                                                 JsonNode             *body,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GBytes  *lookout_alert_channel_post_json_finish (GAsyncResult         *result,
                                                 GError              **error);

/* A session for one channel: its own connections, a 30 s timeout. */
SoupSession *lookout_alert_channel_new_session  (void);

G_END_DECLS
