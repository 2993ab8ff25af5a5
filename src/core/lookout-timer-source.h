/* lookout-timer-source.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A GSource that dispatches (its GSourceFunc, set with
 * g_source_set_callback()) at a monotonic time, to the microsecond.
 * poll() sleeps in whole milliseconds, rounded up, which alone would make
 * every start up to 1 ms late; a timerfd armed at the absolute time
 * (CLOCK_MONOTONIC, as g_get_monotonic_time()) wakes the loop on time.
 * Without timerfd, the GSource ready time does, to the millisecond. The
 * source stays attached between wake-ups: it is re-armed, not re-created. */
/* @name: a static string (g_source_set_static_name()). */
GSource *lookout_timer_source_new (const char *name);
/* @ready_us: monotonic µs (g_get_monotonic_time()), or -1 to disarm. */
void     lookout_timer_source_arm (GSource    *source,
                                   gint64      ready_us);

G_END_DECLS
