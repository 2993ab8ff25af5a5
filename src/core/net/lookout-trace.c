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
 * With proto=udp the probes are UDP datagrams from an ordinary socket to
 * ports 33434 and up, one per sequence number, as traceroute sends them;
 * the error queue gives back the port each error is about, and the
 * destination answers "port unreachable". No privilege is needed either.
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
#include <unistd.h>
#include <netinet/in.h>
#include <linux/errqueue.h>

#include <glib/gi18n-lib.h>

#include "lookout-deadline.h"
#include "lookout-fd-source.h"
#include "lookout-icmp-socket.h"
#include "lookout-trace.h"

#define ICMP4_UNREACHABLE    3
#define ICMP4_TIME_EXCEEDED  11
#define ICMP6_UNREACHABLE    1
#define ICMP6_TIME_EXCEEDED  3
#define ICMP4_PORT_UNREACHABLE 3
#define ICMP6_PORT_UNREACHABLE 4

#define UDP_BASE_PORT        33434
#define UDP_PAYLOAD          "lookout-trace"

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
  int                  udp_fd;
  GSource             *udp_source;
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
    .proto = LOOKOUT_TRACE_PROTO_ICMP,
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
  if (trace->udp_source != NULL)
    g_source_destroy (trace->udp_source);
  g_clear_pointer (&trace->udp_source, g_source_unref);
  if (trace->udp_fd >= 0)
    close (trace->udp_fd);
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

/* ---- UDP probes ---- */

static int
udp_send (Trace    *trace,
          guint     ttl,
          guint16   sequence,
          Probe    *probe)
{
  struct sockaddr_storage to = trace->address;
  int value = (int) ttl;
  int pending = 0;
  socklen_t pending_len = sizeof pending;
  guint16 port = htons (UDP_BASE_PORT + sequence);

  if (trace->family == AF_INET6)
    {
      ((struct sockaddr_in6 *) &to)->sin6_port = port;
      if (setsockopt (trace->udp_fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &value, sizeof value) != 0)
        return errno;
    }
  else
    {
      ((struct sockaddr_in *) &to)->sin_port = port;
      if (setsockopt (trace->udp_fd, IPPROTO_IP, IP_TTL, &value, sizeof value) != 0)
        return errno;
    }

  /* As for echoes: an earlier error must not fail this send. */
  getsockopt (trace->udp_fd, SOL_SOCKET, SO_ERROR, &pending, &pending_len);

  clock_gettime (CLOCK_REALTIME, &probe->sent_real);
  probe->sent_mono = g_get_monotonic_time ();
  if (sendto (trace->udp_fd, UDP_PAYLOAD, strlen (UDP_PAYLOAD), MSG_DONTWAIT,
              (struct sockaddr *) &to, trace->address_len) < 0)
    return errno;

  return 0;
}

static void
udp_read_errors (Trace *trace)
{
  gboolean ipv6 = trace->family == AF_INET6;

  for (guint i = 0; i < 256; i++)
    {
      struct sockaddr_storage to = { 0 };
      char data[64];
      struct iovec iov = { data, sizeof data };
      union { char buf[512]; struct cmsghdr align; } control;
      struct msghdr msg = { 0 };
      struct sock_extended_err *ee = NULL;
      struct timespec received = { 0, 0 };
      const struct sockaddr *offender;
      const guint8 *offender_bytes = NULL;
      guint16 port;
      guint ttl, wave;

      msg.msg_name = &to;
      msg.msg_namelen = sizeof to;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;

      if (recvmsg (trace->udp_fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
        {
          if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
              (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
            ee = (struct sock_extended_err *) CMSG_DATA (c);
          else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
            memcpy (&received, CMSG_DATA (c), sizeof received);
        }
      if (ee == NULL || (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6))
        continue;
      if (received.tv_sec == 0 && received.tv_nsec == 0)
        clock_gettime (CLOCK_REALTIME, &received);

      /* The datagram's own destination says which probe it was. */
      if (ipv6)
        {
          struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &to;

          if (to.ss_family != AF_INET6 || memcmp (&sin6->sin6_addr, trace->destination, 16) != 0)
            continue;
          port = ntohs (sin6->sin6_port);
        }
      else
        {
          struct sockaddr_in *sin = (struct sockaddr_in *) &to;

          if (to.ss_family != AF_INET || memcmp (&sin->sin_addr, trace->destination, 4) != 0)
            continue;
          port = ntohs (sin->sin_port);
        }
      if (port < UDP_BASE_PORT || !decode_sequence (trace, (guint16) (port - UDP_BASE_PORT), &ttl, &wave))
        continue;

      offender = SO_EE_OFFENDER (ee);
      if (offender->sa_family == AF_INET)
        offender_bytes = (const guint8 *) &((const struct sockaddr_in *) offender)->sin_addr;
      else if (offender->sa_family == AF_INET6)
        offender_bytes = (const guint8 *) &((const struct sockaddr_in6 *) offender)->sin6_addr;

      if (ee->ee_type == (ipv6 ? ICMP6_UNREACHABLE : ICMP4_UNREACHABLE) &&
          ee->ee_code == (ipv6 ? ICMP6_PORT_UNREACHABLE : ICMP4_PORT_UNREACHABLE) &&
          offender_bytes != NULL &&
          memcmp (offender_bytes, trace->destination, trace->destination_len) == 0)
        {
          /* The destination itself: it got the datagram. */
          note_answer (trace, ttl, wave, offender_bytes, &received);
          if (trace->destination_ttl == 0 || ttl < trace->destination_ttl)
            trace->destination_ttl = ttl;
          trace->limit_ttl = MIN (trace->limit_ttl, ttl);
          continue;
        }

      socket_error_cb (trace, (guint16) (port - UDP_BASE_PORT), trace->destination,
                       ee->ee_type, ee->ee_code, offender_bytes, &received);
    }
}

static gboolean
udp_readable_cb (gpointer user_data)
{
  Trace *trace = user_data;

  if (!trace->done)
    {
      udp_read_errors (trace);
      trace_schedule (trace);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
udp_open (Trace   *trace,
          GError **error)
{
  int one = 1;

  trace->udp_fd = socket (trace->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (trace->udp_fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Cannot open a UDP socket: %s"), g_strerror (errsv));
      return FALSE;
    }

  setsockopt (trace->udp_fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  if (trace->family == AF_INET6)
    setsockopt (trace->udp_fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);
  else
    setsockopt (trace->udp_fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);

  /* The error queue makes the socket report POLLERR. */
  trace->udp_source = lookout_fd_source_new ("[lookout] trace udp");
  g_source_add_unix_fd (trace->udp_source, trace->udp_fd, G_IO_ERR);
  g_source_set_callback (trace->udp_source, udp_readable_cb, trace, NULL);
  g_source_attach (trace->udp_source, g_main_context_get_thread_default ());

  return TRUE;
}

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

      if (trace->options.proto == LOOKOUT_TRACE_PROTO_UDP)
        errsv = udp_send (trace, ttl, sequence, probe);
      else
        {
          errsv = lookout_icmp_socket_set_ttl (trace->socket, (int) ttl);
          if (errsv == 0)
            errsv = lookout_icmp_socket_send_echo (trace->socket, (struct sockaddr *) &trace->address,
                                                   trace->address_len, sequence, 16,
                                                   &probe->sent_real, &probe->sent_mono);
        }
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
  trace->udp_fd = -1;
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

  if (options->proto == LOOKOUT_TRACE_PROTO_UDP)
    udp_open (trace, &error);
  else
    trace->socket = lookout_icmp_socket_new (trace->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                       : G_SOCKET_FAMILY_IPV4,
                                             options->prefer_raw, trace->cookie,
                                             &socket_callbacks, trace, &error);
  if (error != NULL)
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
