/* lookout-fd-source.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-fd-source"

#include "config.h"

#include <errno.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lookout-fd-source.h"

typedef struct
{
  GSource   source;
  /* lookout_fd_source_set_wake_time() only */
  int       timer_fd;      /* -1 until the first wake time, or without timerfd */
  gpointer  timer_tag;
  gint64    wake_us;       /* -1 when disarmed */
  gboolean  no_timer_fd;
} FdSource;

static gboolean
fd_source_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  FdSource *self = (FdSource *) source;

  if (self->timer_fd >= 0 && (g_source_query_unix_fd (source, self->timer_tag) & G_IO_IN))
    {
      guint64 expirations;

      /* clears the readable state; EAGAIN when nothing expired is fine */
      if (read (self->timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
        g_debug ("Reading the timerfd of %s: %s", g_source_get_name (source), g_strerror (errno));
    }

  if (callback == NULL)
    return G_SOURCE_REMOVE;

  return callback (user_data);
}

static void
fd_source_finalize (GSource *source)
{
  FdSource *self = (FdSource *) source;

  if (self->timer_fd >= 0)
    close (self->timer_fd);
}

static GSourceFuncs fd_source_funcs = {
  .dispatch = fd_source_dispatch,
  .finalize = fd_source_finalize,
};

GSource *
lookout_fd_source_new (const char *static_name)
{
  FdSource *self = (FdSource *) g_source_new (&fd_source_funcs, sizeof (FdSource));

  self->timer_fd = -1;
  self->wake_us = -1;
  if (static_name != NULL)
    g_source_set_static_name (&self->source, static_name);

  return &self->source;
}

void
lookout_fd_source_set_wake_time (GSource *source,
                                 gint64   ready_us)
{
  FdSource *self = (FdSource *) source;
  struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

  g_return_if_fail (source != NULL && source->source_funcs == &fd_source_funcs);

  if (self->wake_us == ready_us)
    return;
  self->wake_us = ready_us;

  if (self->timer_fd < 0 && !self->no_timer_fd)
    {
      self->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
      if (self->timer_fd >= 0)
        self->timer_tag = g_source_add_unix_fd (source, self->timer_fd, G_IO_IN);
      else
        {
          g_debug ("No timerfd (%s): %s wakes to the millisecond",
                   g_strerror (errno), g_source_get_name (source));
          self->no_timer_fd = TRUE;
        }
    }

  if (self->timer_fd < 0)
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
  if (timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0)
    {
      g_warning ("Cannot arm the timerfd of %s: %s", g_source_get_name (source), g_strerror (errno));
      g_source_set_ready_time (source, self->wake_us);
    }
}
