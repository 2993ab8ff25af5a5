/* lookout-fd-source.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A GSource with no logic of its own: it dispatches when one of the unix fds
 * its owner added (g_source_add_unix_fd) is ready or when its ready time
 * (g_source_set_ready_time) has come, and then calls its callback, a
 * GSourceFunc set with g_source_set_callback. The callback asks
 * g_source_query_unix_fd which fds are ready and sets the next ready time
 * itself: the source neither clears nor rearms it. One such source can carry
 * the timers and sockets of many checks at once. */
GSource *lookout_fd_source_new (const char *static_name);

G_END_DECLS
