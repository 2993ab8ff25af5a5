/* lookout-link-watch.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_LINK_WATCH (lookout_link_watch_get_type ())

G_DECLARE_FINAL_TYPE (LookoutLinkWatch, lookout_link_watch, LOOKOUT, LINK_WATCH, GObject)

/* Follows the link of the default route's interface: the kernel's link and
 * route notifications (rtnetlink groups, in the network namespace of the
 * thread that makes it) trigger a reading, and "changed" is emitted with
 * (gboolean up, const char *interface) whenever what it says differs from
 * the last reading, the first reading included. No default route counts as
 * down, with interface NULL. */
LookoutLinkWatch *lookout_link_watch_new           (void);
/* FALSE until the first reading. */
gboolean          lookout_link_watch_get_known     (LookoutLinkWatch *self);
gboolean          lookout_link_watch_get_up        (LookoutLinkWatch *self);
const char       *lookout_link_watch_get_interface (LookoutLinkWatch *self);

G_END_DECLS
