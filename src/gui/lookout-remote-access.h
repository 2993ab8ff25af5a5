/* lookout-remote-access.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-api-server.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_REMOTE_ACCESS (lookout_remote_access_get_type ())

G_DECLARE_FINAL_TYPE (LookoutRemoteAccess, lookout_remote_access, LOOKOUT, REMOTE_ACCESS, GObject)

LookoutRemoteAccess *lookout_remote_access_new             (GSettings           *settings,
                                                           LookoutMonitor      *monitor);
/* The address clients use while serving, else NULL. */
const char          *lookout_remote_access_get_url         (LookoutRemoteAccess *self);
/* Why it is not serving although it should, else NULL. */
const char          *lookout_remote_access_get_problem     (LookoutRemoteAccess *self);
/* The TLS certificate's SHA-256 fingerprint when served over TLS. */
const char          *lookout_remote_access_get_fingerprint (LookoutRemoteAccess *self);
LookoutApiTokens    *lookout_remote_access_get_tokens      (LookoutRemoteAccess *self);

G_END_DECLS
