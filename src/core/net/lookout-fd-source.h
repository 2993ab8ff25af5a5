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
GSource *lookout_fd_source_new           (const char *static_name);
/* Like g_source_set_ready_time(), but to the microsecond: poll() sleeps in
 * whole milliseconds, rounded up, which would make every wake-up up to 1 ms
 * late. The first call gives the source a timerfd (CLOCK_MONOTONIC, as
 * g_get_monotonic_time()) armed at the absolute time; without timerfd the
 * ready time stands in, to the millisecond. @ready_us: monotonic µs, or -1
 * to disarm. The source stays attached between wake-ups: it is re-armed, not
 * re-created. */
void     lookout_fd_source_set_wake_time (GSource    *source,
                                          gint64      ready_us);

G_END_DECLS
