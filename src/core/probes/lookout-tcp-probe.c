/* lookout-tcp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A TCP check resolves the host (through g_resolver_get_default (), so the
 * shared cache serves it; an IP literal is parsed in place), then tries its
 * addresses one after another with a non-blocking connect, all within the
 * target's timeout. The latency is the connect of the address that
 * succeeded, from connect () to the socket becoming writable; resolution is
 * reported apart (dns_us). The connection is closed at once: no data is sent.
 *
 * A probe runs thousands of checks a minute, so a check costs one GTask and
 * one plain socket, nothing else: the checks under way of one main context
 * share ONE GSource (TcpWatch) that polls their sockets (g_source_add_unix_fd)
 * and is armed to the earliest deadline among them. Its pending queue is
 * kept in deadline order; a cancellation only flags the check and wakes the
 * source, which finishes the check on its own context. */

#define G_LOG_DOMAIN "lookout-tcp-probe"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "lookout-deadline.h"
#include "lookout-fd-source.h"
#include "lookout-probe-net.h"
#include "lookout-tcp-probe.h"

typedef struct _TcpWatch TcpWatch;

struct _LookoutTcpProbe
{
  LookoutProbe  parent_instance;

  GSList       *watches;  /* TcpWatch *, one per main context in use */
};

G_DEFINE_FINAL_TYPE (LookoutTcpProbe, lookout_tcp_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  GTask                   *task;        /* owned while pending; owns the run */
  TcpWatch                *watch;
  GList                    link;        /* in watch->pending */
  LookoutResult           *result;
  char                    *host;
  guint16                  port;
  gint64                   started_us;
  LookoutDeadline          deadline;
  GCancellable            *cancellable; /* the caller's */
  gulong                   cancelled_id;
  gint                     cancelled;   /* atomic */
  GCancellable            *resolving;   /* while a name is looked up */
  GList                   *addresses;   /* of GInetAddress */
  GList                   *next;
  struct sockaddr_storage  address;     /* being tried */
  socklen_t                address_len;
  int                      fd;
  gpointer                 tag;
  gint64                   connect_started_us;
  GError                  *last_error;
} TcpRun;

struct _TcpWatch
{
  GSource *source;                      /* a LookoutFdSource */
  GQueue   pending;                     /* TcpRun *, by deadline */
};

static void try_next_address (TcpRun *run);

static void
tcp_run_free (TcpRun *run)
{
  g_assert (run->fd < 0);
  g_assert (run->task == NULL);

  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->host, g_free);
  g_resolver_free_addresses (run->addresses);
  g_clear_object (&run->resolving);
  g_clear_object (&run->cancellable);
  g_clear_error (&run->last_error);
  g_free (run);
}

static void
tcp_run_close (TcpRun *run)
{
  if (run->tag != NULL)
    {
      g_source_remove_unix_fd (run->watch->source, run->tag);
      run->tag = NULL;
    }
  if (run->fd >= 0)
    {
      close (run->fd);
      run->fd = -1;
    }
}

static void
watch_rearm (TcpWatch *watch)
{
  TcpRun *first = g_queue_peek_head (&watch->pending);

  g_source_set_ready_time (watch->source, first != NULL ? first->deadline.expiry_us : -1);
}

static GSocketAddress *
tcp_run_dup_address (TcpRun *run)
{
  if (run->address_len == 0)
    return NULL;

  return g_socket_address_new_from_native (&run->address, run->address_len);
}

static void
tcp_run_take_address (TcpRun *run)
{
  char ip[INET6_ADDRSTRLEN];
  const void *bytes;

  if (run->address.ss_family == AF_INET)
    bytes = &((struct sockaddr_in *) &run->address)->sin_addr;
  else if (run->address.ss_family == AF_INET6)
    bytes = &((struct sockaddr_in6 *) &run->address)->sin6_addr;
  else
    return;

  if (inet_ntop (run->address.ss_family, bytes, ip, sizeof ip) != NULL)
    {
      g_free (run->result->address);
      run->result->address = g_strdup (ip);
    }
}

/* Leaves the watch and completes the task. */
static void
tcp_run_return (TcpRun *run)
{
  g_autoptr(GTask) task = g_steal_pointer (&run->task);
  TcpWatch *watch = run->watch;

  g_assert (task != NULL);

  tcp_run_close (run);
  g_queue_unlink (&watch->pending, &run->link);
  watch_rearm (watch);

  if (run->cancelled_id != 0)
    {
      g_cancellable_disconnect (run->cancellable, run->cancelled_id);
      run->cancelled_id = 0;
    }
  if (run->resolving != NULL)
    g_cancellable_cancel (run->resolving);

  if (run->result->error_code == LOOKOUT_PROBE_ERROR_CANCELLED)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The check was cancelled"));
  else
    g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
}

/* Fills the result from a failed attempt (or resolution) and returns. */
static void
tcp_run_fail (TcpRun       *run,
              const GError *error)
{
  LookoutResult *result = run->result;
  g_autoptr(GSocketAddress) address = tcp_run_dup_address (run);
  g_autofree char *where = NULL;

  where = lookout_probe_net_take_address (result, address);

  if (g_atomic_int_get (&run->cancelled))
    {
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_PROBE_ERROR_CANCELLED,
                                _("The check was cancelled"));
    }
  else if (run->deadline.timed_out)
    {
      if (where == NULL)
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("Could not resolve “%s” within %u ms"), run->host, run->deadline.timeout_ms);
      else
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("No answer from %s within %u ms (packets dropped on the way or by a firewall)"),
                                  where, run->deadline.timeout_ms);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                                _("Connection refused by %s: nothing is listening on that port"), where);
    }
  else
    {
      lookout_probe_net_set_error (result, error, run->host, where);
    }

  tcp_run_return (run);
}

static void
tcp_run_set_errno (TcpRun *run,
                   int     errsv)
{
  g_clear_error (&run->last_error);
  g_set_error_literal (&run->last_error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       g_strerror (errsv));
}

static void
tcp_run_connected (TcpRun       *run,
                   GIOCondition  revents,
                   gint64        now)
{
  int errsv = 0;
  socklen_t len = sizeof errsv;

  /* Writable without error or hang-up is an established connection: the
   * SO_ERROR system call is only needed when the poll saw trouble. */
  if ((revents & (G_IO_ERR | G_IO_HUP)) != 0
      && getsockopt (run->fd, SOL_SOCKET, SO_ERROR, &errsv, &len) < 0)
    errsv = errno;

  if (errsv != 0)
    {
      tcp_run_close (run);
      tcp_run_set_errno (run, errsv);
      try_next_address (run);
      return;
    }

  run->result->ok = TRUE;
  run->result->state = LOOKOUT_TARGET_STATE_UP;
  run->result->latency_us = now - run->connect_started_us;
  run->result->connect_us = run->result->latency_us;
  tcp_run_take_address (run);

  tcp_run_return (run);
}

static void
try_address (TcpRun *run)
{
  int fd;

  /* A socket that cannot be made (no IPv6 here) fails this address only. */
  fd = socket (run->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0)
    {
      tcp_run_set_errno (run, errno);
      try_next_address (run);
      return;
    }

  run->fd = fd;
  run->connect_started_us = g_get_monotonic_time ();
  if (connect (fd, (struct sockaddr *) &run->address, run->address_len) < 0 && errno != EINPROGRESS)
    {
      tcp_run_set_errno (run, errno);
      tcp_run_close (run);
      try_next_address (run);
      return;
    }

  /* Even a connect that completed at once (loopback) is reported from the
   * watch, never from inside run_async. */
  run->tag = g_source_add_unix_fd (run->watch->source, fd, G_IO_OUT);
}

static void
try_next_address (TcpRun *run)
{
  GInetAddress *inet;
  GSocketFamily family;

  if (run->next == NULL)
    {
      tcp_run_fail (run, run->last_error);
      return;
    }

  inet = run->next->data;
  run->next = run->next->next;

  family = g_inet_address_get_family (inet);
  memset (&run->address, 0, sizeof run->address);
  if (family == G_SOCKET_FAMILY_IPV4)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &run->address;

      sin->sin_family = AF_INET;
      sin->sin_port = g_htons (run->port);
      memcpy (&sin->sin_addr, g_inet_address_to_bytes (inet), sizeof sin->sin_addr);
      run->address_len = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &run->address;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = g_htons (run->port);
      memcpy (&sin6->sin6_addr, g_inet_address_to_bytes (inet), sizeof sin6->sin6_addr);
      run->address_len = sizeof *sin6;
    }

  try_address (run);
}

/* An IP literal needs no resolver round trip nor GInetAddress. */
static gboolean
parse_literal (TcpRun *run)
{
  struct sockaddr_in *sin = (struct sockaddr_in *) &run->address;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &run->address;

  memset (&run->address, 0, sizeof run->address);
  if (inet_pton (AF_INET, run->host, &sin->sin_addr) == 1)
    {
      sin->sin_family = AF_INET;
      sin->sin_port = g_htons (run->port);
      run->address_len = sizeof *sin;
      return TRUE;
    }
  if (inet_pton (AF_INET6, run->host, &sin6->sin6_addr) == 1)
    {
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = g_htons (run->port);
      run->address_len = sizeof *sin6;
      return TRUE;
    }

  run->address_len = 0;
  return FALSE;
}

static gboolean
tcp_watch_dispatch_cb (gpointer user_data)
{
  TcpWatch *watch = user_data;
  gint64 now = g_get_monotonic_time ();
  GList *l = watch->pending.head;

  while (l != NULL)
    {
      TcpRun *run = l->data;
      GIOCondition revents;

      /* finishing a run unlinks it and may (re)start an attempt of it only */
      l = l->next;

      if (g_atomic_int_get (&run->cancelled))
        tcp_run_fail (run, NULL);
      else if (run->tag != NULL && (revents = g_source_query_unix_fd (watch->source, run->tag)) != 0)
        tcp_run_connected (run, revents, now);
      else if (lookout_deadline_expire (&run->deadline, now))
        tcp_run_fail (run, NULL);
    }

  watch_rearm (watch);

  return G_SOURCE_CONTINUE;
}

static void
tcp_watch_free (gpointer data)
{
  TcpWatch *watch = data;

  g_assert (g_queue_is_empty (&watch->pending));

  g_source_destroy (watch->source);
  g_source_unref (watch->source);
  g_free (watch);
}

static TcpWatch *
get_watch (LookoutTcpProbe *self,
           GMainContext    *context)
{
  TcpWatch *watch;

  for (GSList *l = self->watches; l != NULL; l = l->next)
    if (g_source_get_context (((TcpWatch *) l->data)->source) == context)
      return l->data;

  watch = g_new0 (TcpWatch, 1);
  g_queue_init (&watch->pending);
  watch->source = lookout_fd_source_new ("[lookout] tcp connects");
  g_source_set_callback (watch->source, tcp_watch_dispatch_cb, watch, NULL);
  g_source_attach (watch->source, context);
  self->watches = g_slist_prepend (self->watches, watch);

  return watch;
}

/* May run in any thread: only flags the run and wakes its watch. */
static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  TcpRun *run = user_data;

  g_atomic_int_set (&run->cancelled, TRUE);
  g_source_set_ready_time (run->watch->source, 0);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TcpRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  g_clear_object (&run->resolving);

  if (run->task == NULL)
    {
      /* timed out or cancelled meanwhile: already returned */
      g_resolver_free_addresses (addresses);
      return;
    }

  if (addresses == NULL)
    {
      tcp_run_fail (run, error);
      return;
    }

  run->addresses = addresses;
  run->result->dns_us = g_get_monotonic_time () - run->started_us;
  run->next = run->addresses;
  try_next_address (run);
}

static void
lookout_tcp_probe_run_async (LookoutProbe        *probe,
                             LookoutTarget       *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LookoutTcpProbe *self = LOOKOUT_TCP_PROBE (probe);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  TcpWatch *watch;
  TcpRun *run;
  GList *l;

  run = g_new0 (TcpRun, 1);
  run->fd = -1;
  run->link.data = run;
  run->result = lookout_probe_net_result_new (target);
  run->host = g_strdup (lookout_target_uri_get_host (uri));
  run->port = lookout_target_uri_get_port (uri);
  run->started_us = g_get_monotonic_time ();
  lookout_deadline_init (&run->deadline, lookout_target_get_timeout (target));

  run->task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (run->task, lookout_tcp_probe_run_async);
  /* the watch's reference while pending; the run lives as long as the task */
  g_task_set_task_data (run->task, run, (GDestroyNotify) tcp_run_free);

  watch = run->watch = get_watch (self, g_task_get_context (run->task));
  for (l = watch->pending.tail; l != NULL; l = l->prev)
    if (((TcpRun *) l->data)->deadline.expiry_us <= run->deadline.expiry_us)
      break;
  if (l != NULL)
    g_queue_insert_after_link (&watch->pending, l, &run->link);
  else
    g_queue_push_head_link (&watch->pending, &run->link);
  watch_rearm (watch);

  if (cancellable != NULL)
    {
      run->cancellable = g_object_ref (cancellable);
      run->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), run, NULL);
    }

  if (parse_literal (run))
    try_address (run);
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      run->resolving = g_cancellable_new ();
      g_resolver_lookup_by_name_async (resolver, run->host, run->resolving,
                                       resolved_cb, g_object_ref (run->task));
    }

}

static LookoutResult *
lookout_tcp_probe_run_finish (LookoutProbe  *probe,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_tcp_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_tcp_probe_finalize (GObject *object)
{
  LookoutTcpProbe *self = LOOKOUT_TCP_PROBE (object);

  /* every check holds the probe: none is under way now */
  g_slist_free_full (g_steal_pointer (&self->watches), tcp_watch_free);

  G_OBJECT_CLASS (lookout_tcp_probe_parent_class)->finalize (object);
}

static void
lookout_tcp_probe_class_init (LookoutTcpProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->finalize = lookout_tcp_probe_finalize;

  probe_class->run_async = lookout_tcp_probe_run_async;
  probe_class->run_finish = lookout_tcp_probe_run_finish;
}

static void
lookout_tcp_probe_init (LookoutTcpProbe *self)
{
}

LookoutProbe *
lookout_tcp_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TCP_PROBE, NULL);
}
