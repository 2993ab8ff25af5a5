/* lookout-auth-secrets.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-monitor.h"

G_BEGIN_DECLS

/* HTTP basic authentication in the desktop app: a target's options keep
 * the user name and "basic_auth_keyring": true, the keyring keeps the
 * password under "basic-auth:USER@URI", and the target holds it in memory
 * (lookout_target_set_auth_password()) for its checks. */

/* Whether @target's password belongs in the keyring. */
gboolean  lookout_auth_secret_wanted (LookoutTarget  *target);
char     *lookout_auth_secret_name   (LookoutTarget  *target);
/* Gives each target of @monitor that keeps its password in the keyring
 * the password, as targets come (loaded, imported, added); finishes when
 * the targets there now have theirs (or the keyring said no), so that the
 * checks can start with them. */
void      lookout_auth_secrets_watch_async  (LookoutMonitor      *monitor,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  lookout_auth_secrets_watch_finish (LookoutMonitor      *monitor,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
