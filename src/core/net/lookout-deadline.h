/* lookout-deadline.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The time limit of one check, the one every probe uses.
 *
 * lookout_deadline_init() only fixes the moment (monotonic clock, now +
 * @timeout_ms): probes that run thousands of checks under one shared timer
 * (ICMP rounds, TCP connects) arm that timer to expiry_us and ask
 * lookout_deadline_expire() when it fires.
 *
 * lookout_deadline_start() also gives the check its own timer and its own
 * @cancellable, which is cancelled when the timer fires (timed_out is then
 * TRUE) or when @outer, the caller's cancellable, is. Hand @cancellable to
 * every operation of the check and it is bounded as a whole.
 *
 * The timer fires at expiry_us itself: g_timeout_source_new() counts from
 * the start of the main loop iteration, which may be a while before now,
 * and would fire early.
 *
 * That timer needs the main loop to get a turn. A library that keeps
 * reading inside one dispatch for as long as the peer sends (libsoup loops
 * over informational responses while data is available) never gives it
 * one. lookout_deadline_get_guard() is for such operations: a cancellable
 * that is cancelled with @cancellable and also, @grace_ms after the
 * expiry, from a watchdog thread of its own, so that the next read inside
 * the stuck dispatch fails with G_IO_ERROR_CANCELLED. Only GIO is to be
 * handed the guard: it copes with a cancellation from another thread,
 * whereas a "cancelled" handler of ours would then run in the wrong one. */
typedef struct
{
  gint64        expiry_us;    /* monotonic */
  guint         timeout_ms;
  gboolean      timed_out;
  GCancellable *cancellable;  /* set by lookout_deadline_start() */
  /*< private >*/
  GCancellable *outer;
  gulong        outer_id;
  GSource      *timer;
  GCancellable *guard;
  gulong        guard_id;
  GSource      *watchdog;
} LookoutDeadline;

void      lookout_deadline_init          (LookoutDeadline *self,
                                          guint            timeout_ms);
void      lookout_deadline_start         (LookoutDeadline *self,
                                          guint            timeout_ms,
                                          GCancellable    *outer);
/* Stops the timer and lets go of the cancellables; safe to call twice, and
 * on a zeroed deadline. */
void      lookout_deadline_clear         (LookoutDeadline *self);
/* A source (not attached) that becomes ready at the expiry, for callers
 * that act on the expiry themselves; set its callback. */
GSource  *lookout_deadline_create_source (LookoutDeadline *self);
/* The deadline's guard (made on the first call); see above. Needs
 * lookout_deadline_start(). */
GCancellable *lookout_deadline_get_guard (LookoutDeadline *self,
                                          guint            grace_ms);
/* TRUE once @now_us (monotonic) has reached the expiry: marks the deadline
 * timed out and cancels its cancellable, if it has one. */
gboolean  lookout_deadline_expire        (LookoutDeadline *self,
                                          gint64           now_us);
/* TRUE when the caller (not the timer) cancelled. */
gboolean  lookout_deadline_cancelled     (LookoutDeadline *self);
/* Whole milliseconds left at @now_us, rounded up; 0 once expired. */
guint     lookout_deadline_remaining_ms  (LookoutDeadline *self,
                                          gint64           now_us);

G_END_DECLS
