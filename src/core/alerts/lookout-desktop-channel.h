/* lookout-desktop-channel.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-alert-channel.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_DESKTOP_CHANNEL (lookout_desktop_channel_get_type ())

G_DECLARE_FINAL_TYPE (LookoutDesktopChannel, lookout_desktop_channel, LOOKOUT, DESKTOP_CHANNEL, LookoutAlertChannel)

/* Shows each event as a GNotification of "application" (the default
 * application when NULL): the title as summary, the message as body, and
 * for a target the actions "Show" (app.show-target, int64 id; also the
 * default action) and "Mute for 1 hour" (app.mute-target, int64 id). One
 * notification per target: a newer one replaces the older. */
LookoutAlertChannel *lookout_desktop_channel_new (GApplication *application);

G_END_DECLS
