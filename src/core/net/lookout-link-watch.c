/* lookout-link-watch.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-link-watch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "lookout-link-stats.h"
#include "lookout-link-watch.h"

struct _LookoutLinkWatch
{
  GObject       parent_instance;

  GSocket      *socket;
  GSource      *source;
  GCancellable *cancellable;
  gboolean      reading;
  gboolean      reread;

  gboolean      known;
  gboolean      up;
  char         *interface;
};

G_DEFINE_FINAL_TYPE (LookoutLinkWatch, lookout_link_watch, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void read_default (LookoutLinkWatch *self);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LookoutLinkWatch) self = user_data;
  g_autoptr(LookoutLinkStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  gboolean up;
  const char *name;

  stats = lookout_link_stats_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->reading = FALSE;
  up = stats != NULL && stats->running;
  name = stats != NULL ? stats->name : NULL;
  if (!self->known || up != self->up || g_strcmp0 (name, self->interface) != 0)
    {
      self->known = TRUE;
      self->up = up;
      g_free (self->interface);
      self->interface = g_strdup (name);
      g_signal_emit (self, signals[CHANGED], 0, up, name);
    }

  if (self->reread)
    read_default (self);
}

static void
read_default (LookoutLinkWatch *self)
{
  /* Notifications that come during a reading are taken in by one more. */
  if (self->reading)
    {
      self->reread = TRUE;
      return;
    }

  self->reading = TRUE;
  self->reread = FALSE;
  lookout_link_stats_read_async (LOOKOUT_LINK_DEFAULT, self->cancellable, read_cb, g_object_ref (self));
}

static gboolean
notified_cb (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  LookoutLinkWatch *self = user_data;
  guint8 buffer[8192];

  /* What changed is read afresh: the messages only say that it did. */
  while (recv (g_socket_get_fd (socket), buffer, sizeof buffer, MSG_DONTWAIT) > 0)
    ;
  read_default (self);

  return G_SOURCE_CONTINUE;
}

static void
lookout_link_watch_dispose (GObject *object)
{
  LookoutLinkWatch *self = LOOKOUT_LINK_WATCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (lookout_link_watch_parent_class)->dispose (object);
}

static void
lookout_link_watch_finalize (GObject *object)
{
  LookoutLinkWatch *self = LOOKOUT_LINK_WATCH (object);

  g_free (self->interface);

  G_OBJECT_CLASS (lookout_link_watch_parent_class)->finalize (object);
}

static void
lookout_link_watch_class_init (LookoutLinkWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_link_watch_dispose;
  object_class->finalize = lookout_link_watch_finalize;

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
lookout_link_watch_init (LookoutLinkWatch *self)
{
  self->cancellable = g_cancellable_new ();
}

LookoutLinkWatch *
lookout_link_watch_new (void)
{
  LookoutLinkWatch *self = g_object_new (LOOKOUT_TYPE_LINK_WATCH, NULL);
  struct sockaddr_nl groups = {
    .nl_family = AF_NETLINK,
    .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
  };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

  /* Without notifications the first reading still says where things stand. */
  if (fd >= 0 && bind (fd, (struct sockaddr *) &groups, sizeof groups) == 0)
    self->socket = g_socket_new_from_fd (fd, NULL);
  if (self->socket == NULL)
    {
      if (fd >= 0)
        close (fd);
      g_debug ("no link notifications: %s", g_strerror (errno));
    }
  else
    {
      self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
      g_source_set_callback (self->source, (GSourceFunc) notified_cb, self, NULL);
      g_source_attach (self->source, NULL);
    }

  read_default (self);

  return self;
}

gboolean
lookout_link_watch_get_known (LookoutLinkWatch *self)
{
  g_return_val_if_fail (LOOKOUT_IS_LINK_WATCH (self), FALSE);

  return self->known;
}

gboolean
lookout_link_watch_get_up (LookoutLinkWatch *self)
{
  g_return_val_if_fail (LOOKOUT_IS_LINK_WATCH (self), FALSE);

  return self->up;
}

const char *
lookout_link_watch_get_interface (LookoutLinkWatch *self)
{
  g_return_val_if_fail (LOOKOUT_IS_LINK_WATCH (self), NULL);

  return self->interface;
}
