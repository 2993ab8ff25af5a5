/* lookout-timer-source.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-timer-source"

#include "config.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lookout-timer-source.h"

typedef struct
{
  GSource   source;
  int       fd;
  gpointer  tag;
  gint64    armed_us;     /* -1 when disarmed */
} TimerSource;

static gboolean
timer_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  TimerSource *timer = (TimerSource *) source;

  if (timer->fd >= 0 && (g_source_query_unix_fd (source, timer->tag) & G_IO_IN))
    {
      guint64 expirations;

      /* clears the readable state; EAGAIN when nothing expired is fine */
      if (read (timer->fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        g_debug ("Reading the timerfd of %s: %s", g_source_get_name (source), g_strerror (errno));
    }

  return callback (user_data);
}

static void
timer_source_finalize (GSource *source)
{
  TimerSource *timer = (TimerSource *) source;

  if (timer->fd >= 0)
    close (timer->fd);
}

static GSourceFuncs timer_source_funcs = {
  .dispatch = timer_source_dispatch,
  .finalize = timer_source_finalize,
};

GSource *
lookout_timer_source_new (const char *name)
{
  TimerSource *timer = (TimerSource *) g_source_new (&timer_source_funcs, sizeof (TimerSource));

  g_source_set_static_name (&timer->source, name);

  timer->armed_us = -1;
  timer->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer->fd >= 0)
    timer->tag = g_source_add_unix_fd (&timer->source, timer->fd, G_IO_IN);
  else
    g_debug ("No timerfd (%s): %s wakes to the millisecond", g_strerror (errno), name);

  return &timer->source;
}

void
lookout_timer_source_arm (GSource *source,
                          gint64   ready_us)
{
  TimerSource *timer = (TimerSource *) source;
  struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

  g_return_if_fail (source != NULL && source->source_funcs == &timer_source_funcs);

  if (timer->armed_us == ready_us)
    return;
  timer->armed_us = ready_us;

  if (timer->fd < 0)
    {
      g_source_set_ready_time (source, ready_us);
      return;
    }

  if (ready_us >= 0)
    {
      /* a zero it_value disarms: 1 µs is as good as "now" */
      ready_us = MAX (ready_us, 1);
      spec.it_value.tv_sec = ready_us / G_USEC_PER_SEC;
      spec.it_value.tv_nsec = (ready_us % G_USEC_PER_SEC) * 1000;
    }
  if (timerfd_settime (timer->fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0)
    {
      g_warning ("Cannot arm the timerfd of %s: %s", g_source_get_name (source), g_strerror (errno));
      g_source_set_ready_time (source, timer->armed_us);
    }
}
