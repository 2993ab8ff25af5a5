/* lookout-deadline.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-deadline"

#include "config.h"

#include "lookout-deadline.h"
#include "lookout-fd-source.h"

void
lookout_deadline_init (LookoutDeadline *self,
                       guint            timeout_ms)
{
  g_return_if_fail (self != NULL);

  self->expiry_us = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  self->timeout_ms = timeout_ms;
  self->timed_out = FALSE;
}

static gboolean
deadline_expired_cb (gpointer user_data)
{
  LookoutDeadline *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  lookout_deadline_expire (self, self->expiry_us);

  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
lookout_deadline_start (LookoutDeadline *self,
                        guint            timeout_ms,
                        GCancellable    *outer)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->cancellable == NULL);
  g_return_if_fail (!outer || G_IS_CANCELLABLE (outer));

  lookout_deadline_init (self, timeout_ms);
  self->cancellable = g_cancellable_new ();

  self->timer = lookout_deadline_create_source (self);
  g_source_set_callback (self->timer, deadline_expired_cb, self, NULL);
  g_source_attach (self->timer, g_main_context_get_thread_default ());

  if (outer != NULL)
    {
      self->outer = g_object_ref (outer);
      /* The handler holds a reference on the inner cancellable: it may run
       * in another thread while the deadline is being cleared. */
      self->outer_id = g_cancellable_connect (outer,
                                              G_CALLBACK (outer_cancelled_cb),
                                              g_object_ref (self->cancellable),
                                              g_object_unref);
    }
}

void
lookout_deadline_clear (LookoutDeadline *self)
{
  g_return_if_fail (self != NULL);

  if (self->watchdog != NULL)
    {
      g_source_destroy (self->watchdog);
      g_clear_pointer (&self->watchdog, g_source_unref);
    }
  if (self->guard_id != 0)
    g_signal_handler_disconnect (self->cancellable, self->guard_id);
  self->guard_id = 0;
  g_clear_object (&self->guard);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  /* Not g_cancellable_disconnect(): this may run inside the caller's
   * cancellation, where it would wait for itself. */
  if (self->outer_id != 0)
    g_signal_handler_disconnect (self->outer, self->outer_id);
  self->outer_id = 0;
  g_clear_object (&self->outer);
  g_clear_object (&self->cancellable);
}

static gpointer
watchdog_thread (gpointer data)
{
  GMainContext *context = data;

  for (;;)
    g_main_context_iteration (context, TRUE);

  return NULL;
}

/* One thread for the whole process, started the first time a guard is
 * armed; it only ever cancels guards. */
static GMainContext *
get_watchdog_context (void)
{
  static gsize context;

  if (g_once_init_enter (&context))
    {
      GMainContext *watchdog_context = g_main_context_new ();

      g_thread_unref (g_thread_new ("lookout-watchdog", watchdog_thread, watchdog_context));
      g_once_init_leave (&context, (gsize) watchdog_context);
    }

  return (GMainContext *) context;
}

static gboolean
watchdog_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs watchdog_source_funcs = {
  .dispatch = watchdog_dispatch,
};

static gboolean
watchdog_fired_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));

  return G_SOURCE_REMOVE;
}

static void
deadline_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

GCancellable *
lookout_deadline_get_guard (LookoutDeadline *self,
                            guint            grace_ms)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->cancellable != NULL, NULL);

  if (self->guard != NULL)
    return self->guard;

  self->guard = g_cancellable_new ();
  self->guard_id = g_cancellable_connect (self->cancellable,
                                          G_CALLBACK (deadline_cancelled_cb),
                                          g_object_ref (self->guard),
                                          g_object_unref);

  self->watchdog = g_source_new (&watchdog_source_funcs, sizeof (GSource));
  g_source_set_name (self->watchdog, "[lookout] deadline watchdog");
  g_source_set_ready_time (self->watchdog, self->expiry_us + (gint64) grace_ms * 1000);
  g_source_set_callback (self->watchdog, watchdog_fired_cb,
                         g_object_ref (self->guard), g_object_unref);
  g_source_attach (self->watchdog, get_watchdog_context ());

  return self->guard;
}

GSource *
lookout_deadline_create_source (LookoutDeadline *self)
{
  GSource *source;

  g_return_val_if_fail (self != NULL, NULL);

  source = lookout_fd_source_new ("[lookout] probe deadline");
  g_source_set_ready_time (source, self->expiry_us);

  return source;
}

gboolean
lookout_deadline_expire (LookoutDeadline *self,
                         gint64           now_us)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (now_us < self->expiry_us)
    return FALSE;

  if (!self->timed_out)
    {
      self->timed_out = TRUE;
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    }

  return TRUE;
}

gboolean
lookout_deadline_cancelled (LookoutDeadline *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->outer != NULL && g_cancellable_is_cancelled (self->outer);
}

guint
lookout_deadline_remaining_ms (LookoutDeadline *self,
                               gint64           now_us)
{
  gint64 left;

  g_return_val_if_fail (self != NULL, 0);

  left = self->expiry_us - now_us;
  return left > 0 ? (guint) ((left + 999) / 1000) : 0;
}
