/* lookout-trace.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How a traced round works
 *
 * One ICMP socket of our own (a kernel ping socket, so no privilege is
 * needed, or a raw one) sends echo requests to the destination with every
 * TTL from 1 to max_ttl at once, as mtr does, in probes_per_hop waves
 * spacing_ms apart. The sequence number says which probe it was:
 * wave × max_ttl + ttl − 1. A router that drops a probe for its TTL sends
 * "time exceeded" back; with IP_RECVERR the kernel queues it on our
 * socket's error queue with the router's address (the offender) and, with
 * SO_TIMESTAMPING, the time it arrived, which LookoutIcmpSocket hands us.
 * The destination answers with an echo reply.
 *
 * Once the destination has answered at some TTL, later waves stop there:
 * larger TTLs would only reach it again. A probe counts as lost
 * probe_wait_ms after it left; the round ends when every probe sent has
 * been answered or lost, or at the overall timeout.
 */

#define G_LOG_DOMAIN "lookout-trace"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <glib/gi18n-lib.h>

#include "lookout-deadline.h"
#include "lookout-icmp-socket.h"
#include "lookout-trace.h"

#define ICMP4_UNREACHABLE    3
#define ICMP4_TIME_EXCEEDED  11
#define ICMP6_UNREACHABLE    1
#define ICMP6_TIME_EXCEEDED  3

typedef struct
{
  struct timespec sent_real;
  gint64          sent_mono;
  guint           sent : 1;
  guint           answered : 1;
} Probe;

typedef struct
{
  GTask               *task;
  LookoutTraceOptions  options;
  LookoutIcmpSocket   *socket;
  int                  family;
  guint8               destination[16];
  gsize                destination_len;
  struct sockaddr_storage address;
  socklen_t            address_len;
  guint64              cookie;

  LookoutDeadline      deadline;
  GSource             *timer;
  GSource             *cancel_source;
  guint                next_wave;
  gint64               next_wave_mono;
  guint                limit_ttl;        /* probes above it are not sent any more */
  guint                destination_ttl;
  guint                unreachable_ttl;

  Probe                probes[LOOKOUT_TRACE_MAX_TTL][LOOKOUT_TRACE_MAX_PROBES];
  GPtrArray           *addresses[LOOKOUT_TRACE_MAX_TTL];
  guint8               icmp_type[LOOKOUT_TRACE_MAX_TTL];
  guint8               icmp_code[LOOKOUT_TRACE_MAX_TTL];
  gint64               rtt_us[LOOKOUT_TRACE_MAX_TTL][LOOKOUT_TRACE_MAX_PROBES];
  gboolean             done;
} Trace;

static void trace_schedule (Trace *trace);

void
lookout_trace_options_init (LookoutTraceOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (LookoutTraceOptions) {
    .max_ttl = 30,
    .probes_per_hop = 3,
    .spacing_ms = 50,
    .probe_wait_ms = 1000,
    .prefer_raw = FALSE,
  };
}

static void
clear_sources (Trace *trace)
{
  if (trace->timer != NULL)
    g_source_destroy (trace->timer);
  g_clear_pointer (&trace->timer, g_source_unref);
  if (trace->cancel_source != NULL)
    g_source_destroy (trace->cancel_source);
  g_clear_pointer (&trace->cancel_source, g_source_unref);
}

static void
trace_free (Trace *trace)
{
  clear_sources (trace);
  lookout_deadline_clear (&trace->deadline);
  g_clear_object (&trace->socket);
  for (guint i = 0; i < LOOKOUT_TRACE_MAX_TTL; i++)
    g_clear_pointer (&trace->addresses[i], g_ptr_array_unref);
  g_free (trace);
}

static gint64
timespec_us (const struct timespec *ts)
{
  return (gint64) ts->tv_sec * G_USEC_PER_SEC + ts->tv_nsec / 1000;
}

static gboolean
decode_sequence (Trace   *trace,
                 guint16  sequence,
                 guint   *out_ttl,
                 guint   *out_wave)
{
  guint ttl = sequence % trace->options.max_ttl + 1;
  guint wave = sequence / trace->options.max_ttl;

  if (wave >= trace->options.probes_per_hop || !trace->probes[ttl - 1][wave].sent)
    return FALSE;

  *out_ttl = ttl;
  *out_wave = wave;
  return TRUE;
}

static void
note_answer (Trace                 *trace,
             guint                  ttl,
             guint                  wave,
             const guint8          *from,
             const struct timespec *received)
{
  Probe *probe = &trace->probes[ttl - 1][wave];
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *text = NULL;
  GPtrArray *seen;
  gint64 rtt;

  if (probe->answered)
    return;
  probe->answered = TRUE;

  rtt = timespec_us (received) - timespec_us (&probe->sent_real);
  trace->rtt_us[ttl - 1][wave] = MAX (rtt, 0);

  if (from == NULL)
    return;
  address = g_inet_address_new_from_bytes (from, trace->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                           : G_SOCKET_FAMILY_IPV4);
  text = g_inet_address_to_string (address);
  if (trace->addresses[ttl - 1] == NULL)
    trace->addresses[ttl - 1] = g_ptr_array_new_with_free_func (g_free);
  seen = trace->addresses[ttl - 1];
  for (guint i = 0; i < seen->len; i++)
    if (g_str_equal (seen->pdata[i], text))
      return;
  g_ptr_array_add (seen, g_steal_pointer (&text));
}

static void
socket_reply_cb (gpointer               user_data,
                 guint16                sequence,
                 const guint8          *from,
                 gsize                  payload_len,
                 const struct timespec *received)
{
  Trace *trace = user_data;
  guint ttl, wave;

  if (trace->done || !decode_sequence (trace, sequence, &ttl, &wave))
    return;
  if (from == NULL || memcmp (from, trace->destination, trace->destination_len) != 0)
    return;

  note_answer (trace, ttl, wave, from, received);
  if (trace->destination_ttl == 0 || ttl < trace->destination_ttl)
    trace->destination_ttl = ttl;
  trace->limit_ttl = MIN (trace->limit_ttl, ttl);
}

static void
socket_error_cb (gpointer               user_data,
                 guint16                sequence,
                 const guint8          *destination,
                 guint8                 type,
                 guint8                 code,
                 const guint8          *offender,
                 const struct timespec *received)
{
  Trace *trace = user_data;
  gboolean ipv6 = trace->family == AF_INET6;
  guint ttl, wave;

  if (trace->done || !decode_sequence (trace, sequence, &ttl, &wave))
    return;
  if (destination == NULL || memcmp (destination, trace->destination, trace->destination_len) != 0)
    return;

  trace->icmp_type[ttl - 1] = type;
  trace->icmp_code[ttl - 1] = code;
  note_answer (trace, ttl, wave, offender, received);

  if (type == (ipv6 ? ICMP6_UNREACHABLE : ICMP4_UNREACHABLE))
    {
      /* Nothing gets further than this hop. */
      if (trace->unreachable_ttl == 0 || ttl < trace->unreachable_ttl)
        trace->unreachable_ttl = ttl;
      trace->limit_ttl = MIN (trace->limit_ttl, ttl);
    }
}

static void
socket_sent_cb (gpointer               user_data,
                guint16                sequence,
                gsize                  payload_len,
                const struct timespec *sent)
{
  Trace *trace = user_data;
  guint ttl, wave;

  /* The kernel's transmit time is closer to the wire than our clock. */
  if (!trace->done && decode_sequence (trace, sequence, &ttl, &wave) &&
      !trace->probes[ttl - 1][wave].answered)
    trace->probes[ttl - 1][wave].sent_real = *sent;
}

static void
socket_dispatched_cb (gpointer user_data)
{
  Trace *trace = user_data;

  if (!trace->done)
    trace_schedule (trace);
}

static const LookoutIcmpSocketCallbacks socket_callbacks = {
  .reply = socket_reply_cb,
  .error = socket_error_cb,
  .sent = socket_sent_cb,
  .dispatched = socket_dispatched_cb,
};

static LookoutTraceReport *
build_report (Trace *trace)
{
  g_autoptr(GInetAddress) destination = NULL;
  g_autofree char *text = NULL;
  LookoutTraceReport *report;
  guint last = 0;

  /* Up to the destination, or to the last hop that said anything. */
  if (trace->destination_ttl != 0)
    last = trace->destination_ttl;
  else if (trace->unreachable_ttl != 0)
    last = trace->unreachable_ttl;
  else
    for (guint ttl = 1; ttl <= trace->options.max_ttl; ttl++)
      if (trace->addresses[ttl - 1] != NULL)
        last = ttl;

  destination = g_inet_address_new_from_bytes (trace->destination,
                                               trace->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                         : G_SOCKET_FAMILY_IPV4);
  text = g_inet_address_to_string (destination);
  report = lookout_trace_report_new (text, last);
  report->destination_ttl = trace->destination_ttl;
  report->unreachable = trace->destination_ttl == 0 && trace->unreachable_ttl != 0;

  for (guint ttl = 1; ttl <= last; ttl++)
    {
      LookoutTraceHop *hop = &report->hops[ttl - 1];
      GPtrArray *addresses = trace->addresses[ttl - 1];

      hop->reached = ttl == trace->destination_ttl;
      hop->icmp_type = trace->icmp_type[ttl - 1];
      hop->icmp_code = trace->icmp_code[ttl - 1];
      for (guint wave = 0; wave < trace->options.probes_per_hop; wave++)
        {
          const Probe *probe = &trace->probes[ttl - 1][wave];

          if (!probe->sent)
            continue;
          hop->rtt_us[hop->sent] = probe->answered ? trace->rtt_us[ttl - 1][wave] : -1;
          hop->sent++;
          if (probe->answered)
            hop->received++;
        }
      if (addresses != NULL)
        {
          g_ptr_array_add (addresses, NULL);
          hop->addresses = (char **) g_ptr_array_steal (addresses, NULL);
          g_clear_pointer (&trace->addresses[ttl - 1], g_ptr_array_unref);
        }
    }

  return report;
}

static void
trace_finish (Trace  *trace,
              GError *error)
{
  GTask *task = trace->task;

  trace->done = TRUE;
  clear_sources (trace);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, build_report (trace), (GDestroyNotify) lookout_trace_report_unref);
  g_object_unref (task);
}

static int
send_wave (Trace *trace)
{
  guint wave = trace->next_wave;

  for (guint ttl = 1; ttl <= trace->limit_ttl; ttl++)
    {
      Probe *probe = &trace->probes[ttl - 1][wave];
      guint16 sequence = (guint16) (wave * trace->options.max_ttl + ttl - 1);
      int errsv;

      errsv = lookout_icmp_socket_set_ttl (trace->socket, (int) ttl);
      if (errsv == 0)
        errsv = lookout_icmp_socket_send_echo (trace->socket, (struct sockaddr *) &trace->address,
                                               trace->address_len, sequence, 16,
                                               &probe->sent_real, &probe->sent_mono);
      /* A full send buffer loses this probe, not the round. */
      if (errsv != 0 && errsv != EAGAIN && errsv != ENOBUFS)
        return errsv;
      probe->sent = TRUE;
      if (errsv != 0)
        {
          probe->answered = FALSE;
          probe->sent_mono = 0;
        }
    }

  trace->next_wave++;
  trace->next_wave_mono = g_get_monotonic_time () + (gint64) trace->options.spacing_ms * 1000;
  return 0;
}

/* When the next thing must happen, or 0 when the round is over. */
static gint64
next_due (Trace  *trace,
          gint64  now)
{
  gint64 due = G_MAXINT64;
  gint64 wait_us = (gint64) trace->options.probe_wait_ms * 1000;

  if (trace->next_wave < trace->options.probes_per_hop)
    due = trace->next_wave_mono;

  for (guint ttl = 1; ttl <= trace->limit_ttl; ttl++)
    for (guint wave = 0; wave < trace->next_wave; wave++)
      {
        const Probe *probe = &trace->probes[ttl - 1][wave];

        if (probe->sent && !probe->answered && probe->sent_mono + wait_us > now)
          due = MIN (due, probe->sent_mono + wait_us);
      }

  return due == G_MAXINT64 ? 0 : due;
}

static gboolean
timer_cb (gpointer user_data)
{
  Trace *trace = user_data;

  g_clear_pointer (&trace->timer, g_source_unref);
  trace_schedule (trace);

  return G_SOURCE_REMOVE;
}

static void
trace_schedule (Trace *trace)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due;

  if (trace->done)
    return;

  if (lookout_deadline_cancelled (&trace->deadline))
    {
      trace_finish (trace, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                _("The trace was cancelled")));
      return;
    }
  /* The overall timeout ends the round with what it found. */
  if (lookout_deadline_expire (&trace->deadline, now))
    {
      trace_finish (trace, NULL);
      return;
    }

  while (trace->next_wave < trace->options.probes_per_hop && trace->next_wave_mono <= now)
    {
      int errsv = send_wave (trace);

      if (errsv != 0)
        {
          g_autoptr(GInetAddress) destination =
            g_inet_address_new_from_bytes (trace->destination,
                                           trace->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4);
          g_autofree char *text = g_inet_address_to_string (destination);

          trace_finish (trace, g_error_new (G_IO_ERROR, g_io_error_from_errno (errsv),
                                            _("Cannot send to %s: %s"), text, g_strerror (errsv)));
          return;
        }
      now = g_get_monotonic_time ();
    }

  due = next_due (trace, now);
  if (due == 0)
    {
      trace_finish (trace, NULL);
      return;
    }
  due = MIN (due, trace->deadline.expiry_us);

  if (trace->timer != NULL)
    g_source_destroy (trace->timer);
  g_clear_pointer (&trace->timer, g_source_unref);
  trace->timer = g_timeout_source_new ((guint) MAX ((due - now + 999) / 1000, 1));
  g_source_set_callback (trace->timer, timer_cb, trace, NULL);
  g_source_set_static_name (trace->timer, "[lookout] trace");
  g_source_attach (trace->timer, g_main_context_get_thread_default ());
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  Trace *trace = user_data;

  /* The caller cancelled, or the deadline's timer fired. */
  g_clear_pointer (&trace->cancel_source, g_source_unref);
  trace_schedule (trace);

  return G_SOURCE_REMOVE;
}

void
lookout_trace_run_async (GInetAddress              *destination,
                         const LookoutTraceOptions *options,
                         guint                      timeout_ms,
                         GCancellable              *cancellable,
                         GAsyncReadyCallback        callback,
                         gpointer                   user_data)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTraceOptions defaults;
  Trace *trace;
  GTask *task;

  g_return_if_fail (G_IS_INET_ADDRESS (destination));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (timeout_ms > 0);

  if (options == NULL)
    {
      lookout_trace_options_init (&defaults);
      options = &defaults;
    }
  g_return_if_fail (options->max_ttl >= 1 && options->max_ttl <= LOOKOUT_TRACE_MAX_TTL);
  g_return_if_fail (options->probes_per_hop >= 1 && options->probes_per_hop <= LOOKOUT_TRACE_MAX_PROBES);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_trace_run_async);

  trace = g_new0 (Trace, 1);
  trace->task = task;
  trace->options = *options;
  trace->family = g_inet_address_get_family (destination) == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  trace->destination_len = g_inet_address_get_native_size (destination);
  memcpy (trace->destination, g_inet_address_to_bytes (destination), trace->destination_len);
  trace->limit_ttl = options->max_ttl;
  trace->cookie = ((guint64) g_random_int () << 32) | g_random_int ();
  g_task_set_task_data (task, trace, (GDestroyNotify) trace_free);

  address = g_inet_socket_address_new (destination, 0);
  trace->address_len = g_socket_address_get_native_size (address);
  if (!g_socket_address_to_native (address, &trace->address, sizeof trace->address, &error))
    {
      trace->done = TRUE;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  trace->socket = lookout_icmp_socket_new (trace->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4,
                                           options->prefer_raw, trace->cookie,
                                           &socket_callbacks, trace, &error);
  if (trace->socket == NULL)
    {
      trace->done = TRUE;
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  lookout_deadline_start (&trace->deadline, timeout_ms, cancellable);
  trace->cancel_source = g_cancellable_source_new (trace->deadline.cancellable);
  g_source_set_callback (trace->cancel_source, G_SOURCE_FUNC (cancelled_cb), trace, NULL);
  g_source_set_static_name (trace->cancel_source, "[lookout] trace cancelled");
  g_source_attach (trace->cancel_source, g_main_context_get_thread_default ());
  trace->next_wave_mono = g_get_monotonic_time ();
  trace_schedule (trace);
}

LookoutTraceReport *
lookout_trace_run_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
