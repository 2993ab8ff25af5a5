/* lookout-datagram-exchange.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The socket is connected so that the kernel filters out datagrams from
 * other peers and hands back ICMP errors (port unreachable becomes
 * ECONNREFUSED on the next receive). Datagrams are read with recvmsg () on
 * the GSocket's descriptor rather than g_socket_receive_message () because
 * GIO drops the SCM_TIMESTAMPNS control message that carries the kernel's
 * receive time. */

#define G_LOG_DOMAIN "lookout-datagram-exchange"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <glib/gi18n-lib.h>

#include "lookout-datagram-exchange.h"
#include "lookout-deadline.h"
#include "lookout-socket-address.h"

#define MAX_REPLY 65536
/* Datagrams read per wake-up: a peer that floods the socket with replies we
 * do not accept must not keep the main loop (and the deadline's timer) from
 * its other sources. */
#define RECEIVE_BATCH 32

typedef struct
{
  char                      *host;
  guint16                    port;
  guint                      timeout_ms;
  LookoutDatagramBuildFunc   build;
  LookoutDatagramAcceptFunc  accept;
  gpointer                   user_data;

  LookoutDeadline            deadline;
  gint64                     started_us;
  gint64                     resolve_us;
  GSocketAddress            *address;
  GSocket                   *socket;
  GSource                   *source;
  gint64                     sent_unix_ns;
  gint64                     sent_mono_us;
} Exchange;

/* Stops the I/O and the timer at once, so nothing fires after the answer. */
static void
exchange_stop (Exchange *exchange)
{
  if (exchange->source != NULL)
    {
      g_source_destroy (exchange->source);
      g_clear_pointer (&exchange->source, g_source_unref);
    }
  if (exchange->socket != NULL)
    g_socket_close (exchange->socket, NULL);
  lookout_deadline_clear (&exchange->deadline);
}

static void
exchange_free (Exchange *exchange)
{
  exchange_stop (exchange);
  g_clear_object (&exchange->socket);
  g_clear_object (&exchange->address);
  g_free (exchange->host);
  g_free (exchange);
}

void
lookout_datagram_reply_free (LookoutDatagramReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->data, g_bytes_unref);
  g_free (reply);
}

static gint64
realtime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
exchange_return_error (GTask  *task,
                       GError *error)
{
  exchange_stop (g_task_get_task_data (task));
  g_task_return_error (task, error);
}

/* The deadline or the caller cancelled: say which. */
static void
exchange_return_interrupted (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);

  if (exchange->deadline.timed_out && exchange->address == NULL)
    exchange_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                              _("Could not resolve “%s” within %u ms"),
                                              exchange->host, exchange->timeout_ms));
  else if (exchange->deadline.timed_out)
    {
      g_autofree char *where = lookout_socket_address_describe (exchange->address);

      exchange_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                                _("No reply from %s within %u ms"),
                                                where, exchange->timeout_ms));
    }
  else
    exchange_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      _("The check was cancelled")));
}

static gboolean
socket_readable_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Exchange *exchange = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (exchange->deadline.cancellable))
    {
      exchange_return_interrupted (task);
      return G_SOURCE_REMOVE;
    }

  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      g_autofree guint8 *buffer = g_malloc (MAX_REPLY);
      union {
        char buf[CMSG_SPACE (sizeof (struct timespec))];
        struct cmsghdr align;
      } control;
      struct iovec iov = { buffer, MAX_REPLY };
      struct msghdr msg = { 0 };
      struct cmsghdr *cmsg;
      gint64 received_mono_us;
      gint64 received_unix_ns = 0;
      gint64 mono_rtt_us;
      gint64 kernel_rtt_us;
      gssize n;
      g_autoptr(LookoutDatagramReply) reply = NULL;

      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;

      n = recvmsg (g_socket_get_fd (socket), &msg, MSG_DONTWAIT | MSG_TRUNC);
      received_mono_us = g_get_monotonic_time ();

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            return G_SOURCE_CONTINUE;

          exchange_return_error (task, g_error_new_literal (G_IO_ERROR,
                                                            g_io_error_from_errno (errsv),
                                                            g_strerror (errsv)));
          return G_SOURCE_REMOVE;
        }

      for (cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
        {
          if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_TIMESTAMPNS)
            {
              struct timespec ts;

              memcpy (&ts, CMSG_DATA (cmsg), sizeof ts);
              received_unix_ns = (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
            }
        }

      /* The kernel stamp leaves out our wake-up latency; it is used only when
       * it agrees with the monotonic clock (the wall clock may be stepped). */
      mono_rtt_us = received_mono_us - exchange->sent_mono_us;
      kernel_rtt_us = (received_unix_ns - exchange->sent_unix_ns) / 1000;
      reply = g_new0 (LookoutDatagramReply, 1);
      reply->size = n;
      reply->data = g_bytes_new (buffer, MIN ((gsize) n, MAX_REPLY));
      reply->sent_unix_ns = exchange->sent_unix_ns;
      reply->resolve_us = exchange->resolve_us;
      if (received_unix_ns != 0 && kernel_rtt_us >= 0 && kernel_rtt_us <= mono_rtt_us + 1000)
        {
          reply->received_unix_ns = received_unix_ns;
          reply->rtt_us = kernel_rtt_us;
        }
      else
        {
          reply->received_unix_ns = exchange->sent_unix_ns + mono_rtt_us * 1000;
          reply->rtt_us = mono_rtt_us;
        }

      if (exchange->accept != NULL && !exchange->accept (reply->data, exchange->user_data))
        continue;

      exchange_stop (exchange);
      g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) lookout_datagram_reply_free);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
exchange_send (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);
  GSocketFamily family = g_socket_address_get_family (exchange->address);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data;

  exchange->socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (exchange->socket == NULL)
    {
      exchange_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_socket_set_blocking (exchange->socket, FALSE);

  /* Without kernel timestamps the wake-up time is used instead. */
  g_socket_set_option (exchange->socket, SOL_SOCKET, SO_TIMESTAMPNS, 1, NULL);

  if (!g_socket_connect (exchange->socket, exchange->address, NULL, &error))
    {
      exchange_return_error (task, g_steal_pointer (&error));
      return;
    }

  exchange->sent_unix_ns = realtime_ns ();
  exchange->sent_mono_us = g_get_monotonic_time ();
  payload = exchange->build (exchange->sent_unix_ns, exchange->user_data);
  data = g_bytes_get_data (payload, &size);

  if (g_socket_send (exchange->socket, data ? data : "", size, NULL, &error) < 0)
    {
      exchange_return_error (task, g_steal_pointer (&error));
      return;
    }

  exchange->source = g_socket_create_source (exchange->socket, G_IO_IN | G_IO_ERR | G_IO_HUP,
                                             exchange->deadline.cancellable);
  g_source_set_static_name (exchange->source, "[lookout] datagram reply");
  g_source_set_callback (exchange->source, G_SOURCE_FUNC (socket_readable_cb),
                         g_object_ref (task), g_object_unref);
  g_source_attach (exchange->source, g_task_get_context (task));
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);

  if (g_cancellable_is_cancelled (exchange->deadline.cancellable))
    {
      g_resolver_free_addresses (addresses);
      exchange_return_interrupted (task);
      return;
    }

  if (addresses == NULL)
    {
      g_prefix_error (&error, _("Could not resolve “%s”: "), exchange->host);
      exchange_return_error (task, g_steal_pointer (&error));
      return;
    }

  exchange->resolve_us = g_get_monotonic_time () - exchange->started_us;
  exchange->address = g_inet_socket_address_new (addresses->data, exchange->port);
  g_resolver_free_addresses (addresses);

  exchange_send (task);
}

void
lookout_datagram_exchange_async (const char                *host,
                                 guint16                    port,
                                 guint                      timeout_ms,
                                 LookoutDatagramBuildFunc   build,
                                 LookoutDatagramAcceptFunc  accept,
                                 gpointer                   user_data,
                                 GCancellable              *cancellable,
                                 GAsyncReadyCallback        callback,
                                 gpointer                   callback_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;
  Exchange *exchange;

  g_return_if_fail (host != NULL);
  g_return_if_fail (build != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  exchange = g_new0 (Exchange, 1);
  exchange->host = g_strdup (host);
  exchange->port = port;
  exchange->timeout_ms = timeout_ms;
  exchange->build = build;
  exchange->accept = accept;
  exchange->user_data = user_data;
  exchange->started_us = g_get_monotonic_time ();
  exchange->resolve_us = -1;

  task = g_task_new (NULL, cancellable, callback, callback_data);
  g_task_set_source_tag (task, lookout_datagram_exchange_async);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  lookout_deadline_start (&exchange->deadline, timeout_ms, cancellable);

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      exchange->address = g_inet_socket_address_new (literal, port);
      exchange_send (task);
      return;
    }

  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, exchange->deadline.cancellable,
                                   resolved_cb, g_steal_pointer (&task));
}

LookoutDatagramReply *
lookout_datagram_exchange_finish (GAsyncResult    *result,
                                  GSocketAddress **out_address,
                                  GError         **error)
{
  Exchange *exchange;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_datagram_exchange_async, NULL);

  exchange = g_task_get_task_data (G_TASK (result));
  if (out_address != NULL)
    *out_address = exchange->address ? g_object_ref (exchange->address) : NULL;

  return g_task_propagate_pointer (G_TASK (result), error);
}
