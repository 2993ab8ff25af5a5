/* lookout-icmp-socket.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works
 *
 * One socket per address family, shared by every echo its owner has in
 * flight (as fping does): a kernel ping socket (SOCK_DGRAM,
 * IPPROTO_ICMP/ICMPV6, allowed by net.ipv4.ping_group_range) or a raw socket
 * (CAP_NET_RAW). A ping socket's echoes carry the identifier the kernel gave
 * the socket (its local "port", read with getsockname), a raw socket's a
 * random one of ours. Raw sockets are filtered to echo replies (ICMP_FILTER
 * / ICMP6_FILTER); echo payloads start with the owner's cookie, so replies
 * meant for other processes' raw sockets are told apart.
 *
 * Receive times are the kernel's software timestamps (SO_TIMESTAMPING with
 * RX_SOFTWARE, or SO_TIMESTAMPNS on kernels without it). Transmit
 * timestamps (TX_SOFTWARE) come back on the error queue with a copy of the
 * packet sent, where our echo is found by its cookie and then by its
 * sequence (the socket's OPT_ID counter is not used: a send refused after
 * the kernel counted it, by a firewall say, would put it out of step for
 * good). ICMP errors (destination unreachable, time exceeded) arrive on the
 * error queue too (IP_RECVERR / IPV6_RECVERR, for ping and raw sockets
 * alike), quoting our echo request. Datagrams are read with recvmsg () on
 * the descriptor: GIO drops the control messages that carry all of this. */

#define G_LOG_DOMAIN "lookout-icmp-socket"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "lookout-icmp-packet.h"
#include "lookout-icmp-socket.h"

#ifndef ICMP_FILTER
# define ICMP_FILTER 1
#endif
#ifndef SOL_RAW
# define SOL_RAW 255
#endif

#define RECEIVE_BATCH        256
#define RECEIVE_BUFFER_BYTES (4 * 1024 * 1024)
#define PACKET_BUFFER_BYTES  (LOOKOUT_ICMP_HEADER_LEN + LOOKOUT_ICMP_MAX_PAYLOAD + 60)

struct _LookoutIcmpSocket
{
  GObject                           parent_instance;

  int                               family;
  LookoutIcmpSocketKind             kind;
  int                               fd;
  GSource                          *source;
  guint16                           identifier;
  guint64                           cookie;
  gboolean                          tx_timestamps;
  const LookoutIcmpSocketCallbacks *callbacks;
  gpointer                          user_data;
  guint8                           *packet;
};

G_DEFINE_FINAL_TYPE (LookoutIcmpSocket, lookout_icmp_socket, G_TYPE_OBJECT)

static const char *
family_label (int family)
{
  return family == AF_INET6 ? "ICMPv6" : "ICMP";
}

static char *
read_ping_group_range (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/sys/net/ipv4/ping_group_range", &contents, NULL, NULL))
    return g_strdup ("unknown");

  g_strstrip (contents);
  g_strdelimit (contents, "\t", ' ');
  return g_steal_pointer (&contents);
}

static const guint8 *
sockaddr_bytes (const struct sockaddr_storage *sa)
{
  if (sa->ss_family == AF_INET6)
    return (const guint8 *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
  if (sa->ss_family == AF_INET)
    return (const guint8 *) &((const struct sockaddr_in *) sa)->sin_addr;
  return NULL;
}

static gboolean
socket_ready_cb (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  LookoutIcmpSocket *self = user_data;

  /* Errors first: transmit timestamps before the replies they belong to. */
  if (condition & G_IO_ERR)
    lookout_icmp_socket_receive_errors (self);
  if (condition & G_IO_IN)
    lookout_icmp_socket_receive (self);

  self->callbacks->dispatched (self->user_data);

  return G_SOURCE_CONTINUE;
}

static int
open_socket_fd (int                    family,
                LookoutIcmpSocketKind  kind)
{
  int type = kind == LOOKOUT_ICMP_SOCKET_RAW ? SOCK_RAW : SOCK_DGRAM;
  int protocol = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

  return socket (family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}

static gboolean
configure_socket (LookoutIcmpSocket  *self,
                  GError            **error)
{
  int one = 1;
  int rcvbuf = RECEIVE_BUFFER_BYTES;
  int timestamping = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
                     SOF_TIMESTAMPING_SOFTWARE;

  self->tx_timestamps = setsockopt (self->fd, SOL_SOCKET, SO_TIMESTAMPING,
                                    &timestamping, sizeof timestamping) == 0;
  if (!self->tx_timestamps &&
      setsockopt (self->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "SO_TIMESTAMPNS: %s", g_strerror (saved_errno));
      return FALSE;
    }

  if (self->family == AF_INET)
    setsockopt (self->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  else
    setsockopt (self->fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);

  /* Bursts of replies land before we read them; root may exceed rmem_max. */
  if (setsockopt (self->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    setsockopt (self->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

  if (self->kind == LOOKOUT_ICMP_SOCKET_RAW)
    {
      if (self->family == AF_INET)
        {
          guint32 blocked = ~(guint32) (1u << 0 /* echo reply */);
          setsockopt (self->fd, SOL_RAW, ICMP_FILTER, &blocked, sizeof blocked);
        }
      else
        {
          struct icmp6_filter filter;

          ICMP6_FILTER_SETBLOCKALL (&filter);
          ICMP6_FILTER_SETPASS (ICMP6_ECHO_REPLY, &filter);
          setsockopt (self->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
        }
      self->identifier = (guint16) g_random_int_range (1, 65536);
    }
  else
    {
      struct sockaddr_storage ss = { 0 };
      socklen_t len;

      ss.ss_family = self->family;
      len = self->family == AF_INET6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
      if (bind (self->fd, (struct sockaddr *) &ss, len) != 0 ||
          getsockname (self->fd, (struct sockaddr *) &ss, &len) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "bind: %s", g_strerror (saved_errno));
          return FALSE;
        }
      /* The kernel rewrites our identifier to the socket's "port". */
      self->identifier = ntohs (self->family == AF_INET6
                                ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                : ((struct sockaddr_in *) &ss)->sin_port);
    }

  return TRUE;
}

static gboolean
open_socket (LookoutIcmpSocket  *self,
             gboolean            prefer_raw,
             GError            **error)
{
  LookoutIcmpSocketKind order[2];
  int errnos[2] = { 0, 0 };

  order[0] = prefer_raw ? LOOKOUT_ICMP_SOCKET_RAW : LOOKOUT_ICMP_SOCKET_PING;
  order[1] = prefer_raw ? LOOKOUT_ICMP_SOCKET_PING : LOOKOUT_ICMP_SOCKET_RAW;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(GError) local_error = NULL;

      self->fd = open_socket_fd (self->family, order[i]);
      if (self->fd < 0)
        {
          errnos[i] = errno;
          continue;
        }

      self->kind = order[i];
      if (configure_socket (self, &local_error))
        break;

      g_debug ("Could not set up the %s socket: %s", family_label (self->family), local_error->message);
      errnos[i] = local_error->code == G_IO_ERROR_PERMISSION_DENIED ? EACCES : EIO;
      close (self->fd);
      self->fd = -1;
      self->kind = LOOKOUT_ICMP_SOCKET_NONE;
    }

  if (self->fd < 0)
    {
      gboolean denied = TRUE;

      for (guint i = 0; i < G_N_ELEMENTS (errnos); i++)
        if (errnos[i] != EACCES && errnos[i] != EPERM)
          denied = FALSE;

      if (denied)
        {
          g_autofree char *range = read_ping_group_range ();
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       _("Ping is not permitted: this system allows ICMP sockets only to groups in net.ipv4.ping_group_range (now %s), and raw sockets need CAP_NET_RAW"),
                       range);
        }
      else
        {
          int e = errnos[0] != EACCES && errnos[0] != EPERM ? errnos[0] : errnos[1];
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e),
                       _("Could not open an %s socket: %s"),
                       family_label (self->family), g_strerror (e));
        }
      return FALSE;
    }

  self->source = g_unix_fd_source_new (self->fd, G_IO_IN | G_IO_ERR);
  g_source_set_callback (self->source, (GSourceFunc) (GCallback) socket_ready_cb, self, NULL);
  g_source_set_static_name (self->source, "[lookout] icmp socket");
  g_source_attach (self->source, g_main_context_get_thread_default ());

  g_debug ("Opened a %s %s socket, identifier %u",
           self->kind == LOOKOUT_ICMP_SOCKET_RAW ? "raw" : "ping",
           family_label (self->family), self->identifier);

  return TRUE;
}

static void
handle_packet (LookoutIcmpSocket             *self,
               const guint8                  *data,
               size_t                         len,
               const struct sockaddr_storage *from,
               const struct timespec         *received)
{
  LookoutIcmpReply reply;
  LookoutIcmpParseStatus status;

  status = lookout_icmp_parse_reply (data, len, self->family == AF_INET6,
                                     self->kind == LOOKOUT_ICMP_SOCKET_RAW && self->family == AF_INET,
                                     &reply);
  if (status != LOOKOUT_ICMP_PARSE_OK || reply.identifier != self->identifier)
    return;

  if (reply.message == LOOKOUT_ICMP_MESSAGE_ECHO_REPLY)
    {
      if (lookout_icmp_payload_matches (reply.payload, reply.payload_len, reply.payload_len, self->cookie))
        self->callbacks->reply (self->user_data, reply.sequence, sockaddr_bytes (from),
                                reply.payload_len, received);
    }
  else
    self->callbacks->error (self->user_data, reply.sequence, reply.quoted_destination,
                            reply.type, reply.code, sockaddr_bytes (from), received);
}

void
lookout_icmp_socket_receive (LookoutIcmpSocket *self)
{
  guint8 *packet = self->packet;

  g_return_if_fail (LOOKOUT_IS_ICMP_SOCKET (self));

  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      struct sockaddr_storage from = { 0 };
      struct iovec iov = { packet, PACKET_BUFFER_BYTES };
      union { char buf[CMSG_SPACE (sizeof (struct timespec) * 3) * 2]; struct cmsghdr align; } control;
      struct msghdr msg = { 0 };
      struct timespec received = { 0, 0 };
      gboolean have_timestamp = FALSE;
      ssize_t n;

      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;

      n = recvmsg (self->fd, &msg, MSG_DONTWAIT);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          /* A pending socket error (IP_RECVERR): the details are queued. */
          lookout_icmp_socket_receive_errors (self);
          continue;
        }

      for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
        if (c->cmsg_level == SOL_SOCKET &&
            (c->cmsg_type == SCM_TIMESTAMPNS || c->cmsg_type == SCM_TIMESTAMPING))
          {
            /* SCM_TIMESTAMPING: the software timestamp comes first. */
            memcpy (&received, CMSG_DATA (c), sizeof received);
            have_timestamp = received.tv_sec != 0 || received.tv_nsec != 0;
          }
      if (!have_timestamp)
        clock_gettime (CLOCK_REALTIME, &received);

      handle_packet (self, packet, n, &from, &received);
    }
}

void
lookout_icmp_socket_receive_errors (LookoutIcmpSocket *self)
{
  guint8 *packet = self->packet;

  g_return_if_fail (LOOKOUT_IS_ICMP_SOCKET (self));

  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      struct sockaddr_storage to = { 0 };
      struct iovec iov = { packet, PACKET_BUFFER_BYTES };
      union { char buf[512]; struct cmsghdr align; } control;
      struct msghdr msg = { 0 };
      struct sock_extended_err *ee = NULL;
      struct timespec tx = { 0, 0 };
      gboolean have_tx = FALSE;
      struct sockaddr_storage offender = { 0 };
      const struct sockaddr *o;
      ssize_t n;

      msg.msg_name = &to;
      msg.msg_namelen = sizeof to;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;

      n = recvmsg (self->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
      if (n < 0)
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
          else if (c->cmsg_level == SOL_SOCKET &&
                   (c->cmsg_type == SCM_TIMESTAMPING || c->cmsg_type == SCM_TIMESTAMPNS))
            {
              memcpy (&tx, CMSG_DATA (c), sizeof tx);
              have_tx = tx.tv_sec != 0 || tx.tv_nsec != 0;
            }
        }

      if (ee != NULL && ee->ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
        {
          guint16 sequence;
          size_t payload_len;

          /* The packet as it left, link-layer header and all. */
          if (have_tx && ee->ee_info == SCM_TSTAMP_SND &&
              lookout_icmp_find_sent_echo (packet, n, self->family == AF_INET6, self->identifier,
                                           self->cookie, &sequence, &payload_len))
            self->callbacks->sent (self->user_data, sequence, payload_len, &tx);
          continue;
        }

      /* The queued datagram is our echo request as sent. */
      if (ee == NULL ||
          (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) ||
          n < LOOKOUT_ICMP_HEADER_LEN ||
          packet[0] != (self->family == AF_INET6 ? 128 : 8) ||
          (guint16) ((packet[4] << 8) | packet[5]) != self->identifier)
        continue;

      o = SO_EE_OFFENDER (ee);
      if (o->sa_family == AF_INET)
        memcpy (&offender, o, sizeof (struct sockaddr_in));
      else if (o->sa_family == AF_INET6)
        memcpy (&offender, o, sizeof (struct sockaddr_in6));

      /* With SO_TIMESTAMPING the kernel stamps the ICMP error as received. */
      if (!have_tx)
        clock_gettime (CLOCK_REALTIME, &tx);

      self->callbacks->error (self->user_data, (guint16) ((packet[6] << 8) | packet[7]),
                              sockaddr_bytes (&to), ee->ee_type, ee->ee_code,
                              sockaddr_bytes (&offender), &tx);
    }
}

int
lookout_icmp_socket_send_echo (LookoutIcmpSocket     *self,
                               const struct sockaddr *address,
                               socklen_t              address_len,
                               guint16                sequence,
                               gsize                  payload_len,
                               struct timespec       *sent_real,
                               gint64                *sent_mono)
{
  size_t len;
  ssize_t n;

  g_return_val_if_fail (LOOKOUT_IS_ICMP_SOCKET (self), EINVAL);
  g_return_val_if_fail (payload_len <= LOOKOUT_ICMP_MAX_PAYLOAD, EMSGSIZE);

  len = lookout_icmp_build_echo (self->packet, PACKET_BUFFER_BYTES, self->family == AF_INET6,
                                 self->identifier, sequence, self->cookie, payload_len);
  g_assert (len > 0);

  /* An ICMP error about an earlier echo (its details are on the error
   * queue) leaves a pending socket error that would fail this send instead:
   * reading SO_ERROR clears it. */
  {
    int pending = 0;
    socklen_t pending_len = sizeof pending;

    getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &pending, &pending_len);
  }

  clock_gettime (CLOCK_REALTIME, sent_real);
  *sent_mono = g_get_monotonic_time ();
  n = sendto (self->fd, self->packet, len, MSG_DONTWAIT, address, address_len);

  return n < 0 ? errno : 0;
}

int
lookout_icmp_socket_set_ttl (LookoutIcmpSocket *self,
                             int                ttl)
{
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_ICMP_SOCKET (self), EINVAL);
  g_return_val_if_fail (ttl == -1 || (ttl >= 1 && ttl <= 255), EINVAL);

  if (self->family == AF_INET6)
    rc = setsockopt (self->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
  else
    {
      /* IPv4 has no "default" value to set: the sysctl's is. */
      int value = ttl;

      if (value == -1)
        {
          g_autofree char *contents = NULL;

          value = 64;
          if (g_file_get_contents ("/proc/sys/net/ipv4/ip_default_ttl", &contents, NULL, NULL))
            value = CLAMP (atoi (contents), 1, 255);
        }
      rc = setsockopt (self->fd, IPPROTO_IP, IP_TTL, &value, sizeof value);
    }

  return rc == 0 ? 0 : errno;
}

static void
lookout_icmp_socket_finalize (GObject *object)
{
  LookoutIcmpSocket *self = (LookoutIcmpSocket *) object;

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->packet);

  G_OBJECT_CLASS (lookout_icmp_socket_parent_class)->finalize (object);
}

static void
lookout_icmp_socket_class_init (LookoutIcmpSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lookout_icmp_socket_finalize;
}

static void
lookout_icmp_socket_init (LookoutIcmpSocket *self)
{
  self->fd = -1;
  self->kind = LOOKOUT_ICMP_SOCKET_NONE;
}

LookoutIcmpSocket *
lookout_icmp_socket_new (GSocketFamily                     family,
                         gboolean                          prefer_raw,
                         guint64                           cookie,
                         const LookoutIcmpSocketCallbacks *callbacks,
                         gpointer                          user_data,
                         GError                          **error)
{
  g_autoptr(LookoutIcmpSocket) self = NULL;

  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6, NULL);
  g_return_val_if_fail (callbacks != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_ICMP_SOCKET, NULL);
  self->family = family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
  self->cookie = cookie;
  self->callbacks = callbacks;
  self->user_data = user_data;
  self->packet = g_malloc (PACKET_BUFFER_BYTES);

  if (!open_socket (self, prefer_raw, error))
    return NULL;

  return g_steal_pointer (&self);
}

LookoutIcmpSocketKind
lookout_icmp_socket_get_kind (LookoutIcmpSocket *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ICMP_SOCKET (self), LOOKOUT_ICMP_SOCKET_NONE);

  return self->kind;
}

guint16
lookout_icmp_socket_get_identifier (LookoutIcmpSocket *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ICMP_SOCKET (self), 0);

  return self->identifier;
}

gboolean
lookout_icmp_socket_has_tx_timestamps (LookoutIcmpSocket *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ICMP_SOCKET (self), FALSE);

  return self->tx_timestamps;
}
