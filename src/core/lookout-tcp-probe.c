/* lookout-tcp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A TCP check resolves the host (through g_resolver_get_default (), so the
 * shared cache serves it), then tries its addresses one after another with a
 * non-blocking connect, all within the target's timeout. The latency is the
 * connect of the address that succeeded, from connect () to the socket
 * becoming writable; resolution is reported apart (dns_us). The connection
 * is closed at once: no data is sent. */

#define G_LOG_DOMAIN "lookout-tcp-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-probe-net.h"
#include "lookout-tcp-probe.h"

struct _LookoutTcpProbe
{
  LookoutProbe parent_instance;
};

G_DEFINE_FINAL_TYPE (LookoutTcpProbe, lookout_tcp_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  LookoutResult        *result;
  LookoutProbeDeadline  deadline;
  char                 *host;
  guint16               port;
  guint                 timeout_ms;
  gint64                started_us;
  GList                *addresses;   /* of GInetAddress */
  GList                *next;
  GSocketAddress       *address;     /* being tried */
  GSocket              *socket;
  GSource              *source;
  gint64                connect_started_us;
  GError               *last_error;
} TcpRun;

static void try_next_address (GTask *task);

static void
tcp_run_stop (TcpRun *run)
{
  if (run->source != NULL)
    {
      g_source_destroy (run->source);
      g_clear_pointer (&run->source, g_source_unref);
    }
  if (run->socket != NULL)
    g_socket_close (run->socket, NULL);
  g_clear_object (&run->socket);
}

static void
tcp_run_free (TcpRun *run)
{
  tcp_run_stop (run);
  lookout_probe_deadline_clear (&run->deadline);
  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->host, g_free);
  g_resolver_free_addresses (run->addresses);
  g_clear_object (&run->address);
  g_clear_error (&run->last_error);
  g_free (run);
}

static void
tcp_run_return (GTask *task)
{
  TcpRun *run = g_task_get_task_data (task);

  tcp_run_stop (run);
  lookout_probe_deadline_clear (&run->deadline);

  if (run->result->error_code == LOOKOUT_PROBE_ERROR_CANCELLED)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The check was cancelled"));
  else
    g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
}

/* Fills the result from a failed attempt (or resolution) and returns. */
static void
tcp_run_fail (GTask        *task,
              const GError *error)
{
  TcpRun *run = g_task_get_task_data (task);
  LookoutResult *result = run->result;
  g_autofree char *where = NULL;

  where = lookout_probe_net_take_address (result, run->address);

  if (lookout_probe_deadline_cancelled (&run->deadline))
    {
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_PROBE_ERROR_CANCELLED,
                                _("The check was cancelled"));
    }
  else if (run->deadline.timed_out)
    {
      if (where == NULL)
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("Could not resolve “%s” within %u ms"), run->host, run->timeout_ms);
      else
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("No answer from %s within %u ms (packets dropped on the way or by a firewall)"),
                                  where, run->timeout_ms);
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

  tcp_run_return (task);
}

static gboolean
socket_connected_cb (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  GTask *task = user_data;
  TcpRun *run = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&run->source, g_source_unref);

  if (g_cancellable_is_cancelled (run->deadline.cancellable))
    {
      tcp_run_fail (task, NULL);
      return G_SOURCE_REMOVE;
    }

  if (!g_socket_check_connect_result (socket, &error))
    {
      g_socket_close (socket, NULL);
      g_clear_object (&run->socket);
      g_clear_error (&run->last_error);
      run->last_error = g_steal_pointer (&error);
      try_next_address (task);
      return G_SOURCE_REMOVE;
    }

  run->result->ok = TRUE;
  run->result->state = LOOKOUT_TARGET_STATE_UP;
  run->result->latency_us = now - run->connect_started_us;
  run->result->connect_us = run->result->latency_us;
  g_free (lookout_probe_net_take_address (run->result, run->address));

  tcp_run_return (task);

  return G_SOURCE_REMOVE;
}

static void
try_next_address (GTask *task)
{
  TcpRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GInetAddress *inet;

  if (run->next == NULL)
    {
      tcp_run_fail (task, run->last_error);
      return;
    }

  inet = run->next->data;
  run->next = run->next->next;

  g_clear_object (&run->address);
  run->address = g_inet_socket_address_new (inet, run->port);

  /* A socket that cannot be made (no IPv6 here) fails this address only. */
  run->socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                              G_SOCKET_PROTOCOL_TCP, &error);
  if (run->socket != NULL)
    {
      g_socket_set_blocking (run->socket, FALSE);
      run->connect_started_us = g_get_monotonic_time ();
      if (g_socket_connect (run->socket, run->address, NULL, &error))
        {
          /* Loopback may complete at once. */
          socket_connected_cb (run->socket, G_IO_OUT, task);
          return;
        }
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    {
      g_clear_object (&run->socket);
      g_clear_error (&run->last_error);
      run->last_error = g_steal_pointer (&error);
      try_next_address (task);
      return;
    }

  run->source = g_socket_create_source (run->socket, G_IO_OUT, run->deadline.cancellable);
  g_source_set_static_name (run->source, "[lookout] tcp connect");
  g_source_set_callback (run->source, G_SOURCE_FUNC (socket_connected_cb),
                         g_object_ref (task), g_object_unref);
  g_source_attach (run->source, g_task_get_context (task));
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TcpRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);

  if (g_cancellable_is_cancelled (run->deadline.cancellable) || run->addresses == NULL)
    {
      tcp_run_fail (task, error);
      return;
    }

  run->result->dns_us = g_get_monotonic_time () - run->started_us;
  run->next = run->addresses;
  try_next_address (task);
}

static void
lookout_tcp_probe_run_async (LookoutProbe        *probe,
                             LookoutTarget       *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  TcpRun *run;

  run = g_new0 (TcpRun, 1);
  run->result = lookout_probe_net_result_new (target);
  run->host = g_strdup (lookout_target_uri_get_host (uri));
  run->port = lookout_target_uri_get_port (uri);
  run->timeout_ms = lookout_target_get_timeout (target);
  run->started_us = g_get_monotonic_time ();

  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_tcp_probe_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) tcp_run_free);

  lookout_probe_deadline_start (&run->deadline, run->timeout_ms, cancellable);

  literal = g_inet_address_new_from_string (run->host);
  if (literal != NULL)
    {
      run->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      run->next = run->addresses;
      try_next_address (task);
      return;
    }

  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, run->host, run->deadline.cancellable,
                                   resolved_cb, g_steal_pointer (&task));
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
lookout_tcp_probe_class_init (LookoutTcpProbeClass *klass)
{
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

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
