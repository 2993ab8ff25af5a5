/* lookout-icmp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works
 *
 * One probe instance keeps at most one ICMP socket per address family, opened
 * on first use and shared by every round in flight (as fping does): a kernel
 * ping socket (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6, allowed by
 * net.ipv4.ping_group_range) or, failing that, a raw socket (CAP_NET_RAW).
 * A ping socket's echoes carry the identifier the kernel gave the socket (its
 * local "port", read with getsockname), a raw socket's a random one of ours.
 * Echo payloads start with a per-probe random cookie, so replies meant for
 * other processes' raw sockets are told apart.
 *
 * A round sends `count` echoes `interval` apart and ends when every echo is
 * answered or failed, or at its deadline (start + the target's timeout):
 * later echoes of a round get less time, never less than half the timeout.
 * In-flight echoes are in a per-socket table keyed by the 16-bit sequence
 * number; new sequences skip those still in flight. A reply is matched by
 * identifier, sequence, source address and cookie.
 *
 * RTT = the kernel's software receive timestamp minus its software transmit
 * timestamp (SO_TIMESTAMPING with TX_SOFTWARE | RX_SOFTWARE, both
 * CLOCK_REALTIME): the time the packet left through the device until the
 * reply came in, without our syscalls or main loop. Transmit timestamps come
 * back on the error queue with a copy of the packet sent, where our echo is
 * found by its cookie and then by its sequence (the socket's OPT_ID counter
 * is not used: a send refused after the kernel counted it, by a firewall say,
 * would put it out of step for good). One that does not fall within a few ms
 * after our own clock reading at sendto() is not trusted. Without a kernel
 * transmit timestamp (or on kernels without SO_TIMESTAMPING, then with
 * SO_TIMESTAMPNS) the send time is CLOCK_REALTIME read right before sendto(),
 * as fping does: that adds the send path, about 8 µs on loopback here. If the
 * wall clock stepped (a negative RTT, or one longer than the monotonic time
 * elapsed) the monotonic time elapsed is used instead.
 *
 * ICMP errors (destination unreachable, time exceeded) arrive on the socket's
 * error queue (IP_RECVERR / IPV6_RECVERR, for ping and raw sockets alike),
 * quoting our echo request, so they are attributed to one echo. Raw sockets
 * are filtered to echo replies (ICMP_FILTER / ICMP6_FILTER).
 *
 * Rounds only finish from the timer source or the socket sources' dispatch,
 * never from inside a call the user made: replies read while sending (the
 * socket is drained every few sends, so bursts of thousands of echoes do not
 * overflow its receive buffer) just mark rounds complete. Cancellation (from
 * any thread) queues the round for the timer to finish.
 *
 * Results: latency = median RTT of the replies; jitter = mean absolute
 * difference of successive RTTs (in send order; none with fewer than two
 * replies). All echoes lost: DOWN, LOSS. At least half lost: DEGRADED, LOSS.
 * Less lost: UP, with sent/received telling the loss. No reply but an ICMP
 * error or a send error "no route": DOWN, UNREACHABLE.
 */

#define G_LOG_DOMAIN "lookout-icmp-probe"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "lookout-deadline.h"
#include "lookout-error-class.h"
#include "lookout-fd-source.h"
#include "lookout-icmp-packet.h"
#include "lookout-icmp-probe.h"

#ifndef ICMP_FILTER
# define ICMP_FILTER 1
#endif
#ifndef SOL_RAW
# define SOL_RAW 255
#endif

#define DEFAULT_INTERVAL_MS  10
#define DRAIN_EVERY_SENDS    16
#define RECEIVE_BATCH        256
#define RECEIVE_BUFFER_BYTES (4 * 1024 * 1024)
#define PACKET_BUFFER_BYTES  (LOOKOUT_ICMP_HEADER_LEN + LOOKOUT_ICMP_MAX_PAYLOAD + 60)

typedef struct _Round Round;

typedef enum
{
  ECHO_UNSENT,
  ECHO_PENDING,
  ECHO_REPLIED,
  ECHO_FAILED,
} EchoState;

typedef struct
{
  Round           *round;
  EchoState        state;
  guint16          sequence;
  struct timespec  sent_real;       /* our clock right before sendto() */
  struct timespec  sent_kernel;     /* the kernel's transmit timestamp, if any */
  struct timespec  received;        /* the kernel's receive timestamp */
  gint64           sent_mono;
  gint64           mono_rtt_ns;     /* monotonic time from sendto() to reading the reply */
  gboolean         awaiting_tx;
  gboolean         have_sent_kernel;
} Echo;

typedef struct
{
  LookoutIcmpProbe      *probe;
  int                    family;
  LookoutIcmpSocketKind  kind;
  int                    fd;
  GSource               *source;
  guint16                identifier;
  guint16                next_sequence;
  guint                  sends_since_drain;
  GHashTable            *pending;   /* sequence -> Echo* */
  gboolean               tx_timestamps;
  GHashTable            *awaiting_tx;  /* sequence -> Echo* sent, its transmit timestamp not read */
  guint64                n_kernel_tx, n_user_tx;
} IcmpSocket;

struct _Round
{
  LookoutIcmpProbe *probe;
  GTask            *task;
  LookoutResult    *result;
  char             *host;
  guint             timeout_ms;
  guint             count;
  guint             size;
  guint             interval_ms;

  IcmpSocket       *sock;
  guint8            addr[16];
  struct sockaddr_storage sa;
  socklen_t         sa_len;

  Echo             *echoes;
  guint             n_sent;
  guint             n_outstanding;
  guint             n_failed;
  char             *failure;        /* the first ICMP error or send error, readable */
  gboolean          unreachable;

  LookoutDeadline   deadline;
  gint64            next_send;
  GSequenceIter    *deadline_iter;
  GSequenceIter    *send_iter;
  GList             completed_link;

  GCancellable     *cancellable;
  gulong            cancelled_id;
  gboolean          cancelled;      /* under probe->cancel_lock */
};

struct _LookoutIcmpProbe
{
  LookoutProbe   parent_instance;

  gboolean       prefer_raw;
  guint          interval_ms;
  guint64        cookie;

  GMainContext  *context;
  GSource       *timer;
  IcmpSocket     v4;
  IcmpSocket     v6;
  GSequence     *deadlines;
  GSequence     *sends;
  GQueue         completed;

  GMutex         cancel_lock;
  GPtrArray     *cancelled_rounds;

  guint8        *packet;
};

G_DEFINE_FINAL_TYPE (LookoutIcmpProbe, lookout_icmp_probe, LOOKOUT_TYPE_PROBE)

enum {
  PROP_0,
  PROP_PREFER_RAW,
  PROP_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void icmp_socket_receive (IcmpSocket *sock);
static void icmp_socket_receive_errors (IcmpSocket *sock);
static void finish_completed_rounds (LookoutIcmpProbe *self);
static void arm_timer (LookoutIcmpProbe *self,
                       gboolean          exact);

static void
round_free (Round *round)
{
  g_clear_object (&round->task);
  g_clear_pointer (&round->result, lookout_result_unref);
  g_clear_object (&round->cancellable);
  g_free (round->echoes);
  g_free (round->failure);
  g_free (round->host);
  g_free (round);
}

/* Orders rounds by the gint64 field at offset @user_data, then by address. */
static gint
compare_rounds_by_time (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  gsize offset = GPOINTER_TO_SIZE (user_data);
  gint64 ta = G_STRUCT_MEMBER (gint64, a, offset);
  gint64 tb = G_STRUCT_MEMBER (gint64, b, offset);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return a < b ? -1 : (a > b ? 1 : 0);
}

#define BY_DEADLINE  GSIZE_TO_POINTER (G_STRUCT_OFFSET (Round, deadline.expiry_us))
#define BY_NEXT_SEND GSIZE_TO_POINTER (G_STRUCT_OFFSET (Round, next_send))

static void
mark_complete_if_done (Round *round)
{
  LookoutIcmpProbe *self = round->probe;

  if (round->n_sent < round->count || round->n_outstanding > 0)
    return;
  if (round->completed_link.data != NULL)
    return;

  round->completed_link.data = round;
  g_queue_push_tail_link (&self->completed, &round->completed_link);
}

static void
echo_settle (Echo      *echo,
             EchoState  state)
{
  Round *round = echo->round;

  g_assert (echo->state == ECHO_PENDING);

  g_hash_table_remove (round->sock->pending, GUINT_TO_POINTER (echo->sequence));
  echo->state = state;
  round->n_outstanding--;
  if (state != ECHO_REPLIED)
    round->n_failed++;

  mark_complete_if_done (round);
}

static void
round_note_failure (Round      *round,
                    gboolean    unreachable,
                    const char *message)
{
  if (round->failure == NULL)
    {
      round->failure = g_strdup (message);
      round->unreachable = unreachable;
    }
}

/* Sockets */

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

static gboolean
socket_ready_cb (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  IcmpSocket *sock = user_data;

  /* Errors first: transmit timestamps before the replies they belong to. */
  if (condition & G_IO_ERR)
    icmp_socket_receive_errors (sock);
  if (condition & G_IO_IN)
    icmp_socket_receive (sock);

  finish_completed_rounds (sock->probe);
  arm_timer (sock->probe, FALSE);

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
configure_socket (IcmpSocket  *sock,
                  GError     **error)
{
  int one = 1;
  int rcvbuf = RECEIVE_BUFFER_BYTES;
  int timestamping = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
                     SOF_TIMESTAMPING_SOFTWARE;

  sock->tx_timestamps = setsockopt (sock->fd, SOL_SOCKET, SO_TIMESTAMPING,
                                    &timestamping, sizeof timestamping) == 0;
  if (!sock->tx_timestamps &&
      setsockopt (sock->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "SO_TIMESTAMPNS: %s", g_strerror (saved_errno));
      return FALSE;
    }

  if (sock->family == AF_INET)
    setsockopt (sock->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
  else
    setsockopt (sock->fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);

  /* Bursts of replies land before we read them; root may exceed rmem_max. */
  if (setsockopt (sock->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    setsockopt (sock->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

  if (sock->kind == LOOKOUT_ICMP_SOCKET_RAW)
    {
      if (sock->family == AF_INET)
        {
          guint32 blocked = ~(guint32) (1u << 0 /* echo reply */);
          setsockopt (sock->fd, SOL_RAW, ICMP_FILTER, &blocked, sizeof blocked);
        }
      else
        {
          struct icmp6_filter filter;

          ICMP6_FILTER_SETBLOCKALL (&filter);
          ICMP6_FILTER_SETPASS (ICMP6_ECHO_REPLY, &filter);
          setsockopt (sock->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
        }
      sock->identifier = (guint16) g_random_int_range (1, 65536);
    }
  else
    {
      struct sockaddr_storage ss = { 0 };
      socklen_t len;

      ss.ss_family = sock->family;
      len = sock->family == AF_INET6 ? sizeof (struct sockaddr_in6) : sizeof (struct sockaddr_in);
      if (bind (sock->fd, (struct sockaddr *) &ss, len) != 0 ||
          getsockname (sock->fd, (struct sockaddr *) &ss, &len) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "bind: %s", g_strerror (saved_errno));
          return FALSE;
        }
      /* The kernel rewrites our identifier to the socket's "port". */
      sock->identifier = ntohs (sock->family == AF_INET6
                                ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                : ((struct sockaddr_in *) &ss)->sin_port);
    }

  return TRUE;
}

static gboolean
icmp_socket_ensure (IcmpSocket  *sock,
                    GError     **error)
{
  LookoutIcmpProbe *self = sock->probe;
  LookoutIcmpSocketKind order[2];
  int errnos[2] = { 0, 0 };

  if (sock->fd >= 0)
    return TRUE;

  order[0] = self->prefer_raw ? LOOKOUT_ICMP_SOCKET_RAW : LOOKOUT_ICMP_SOCKET_PING;
  order[1] = self->prefer_raw ? LOOKOUT_ICMP_SOCKET_PING : LOOKOUT_ICMP_SOCKET_RAW;

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autoptr(GError) local_error = NULL;

      sock->fd = open_socket_fd (sock->family, order[i]);
      if (sock->fd < 0)
        {
          errnos[i] = errno;
          continue;
        }

      sock->kind = order[i];
      if (configure_socket (sock, &local_error))
        break;

      g_debug ("Could not set up the %s socket: %s", family_label (sock->family), local_error->message);
      errnos[i] = local_error->code == G_IO_ERROR_PERMISSION_DENIED ? EACCES : EIO;
      close (sock->fd);
      sock->fd = -1;
      sock->kind = LOOKOUT_ICMP_SOCKET_NONE;
    }

  if (sock->fd < 0)
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
                       family_label (sock->family), g_strerror (e));
        }
      return FALSE;
    }

  sock->source = g_unix_fd_source_new (sock->fd, G_IO_IN | G_IO_ERR);
  g_source_set_callback (sock->source, (GSourceFunc) (GCallback) socket_ready_cb, sock, NULL);
  g_source_set_static_name (sock->source, "[lookout] icmp socket");
  g_source_attach (sock->source, self->context);

  g_debug ("Opened a %s %s socket, identifier %u",
           sock->kind == LOOKOUT_ICMP_SOCKET_RAW ? "raw" : "ping",
           family_label (sock->family), sock->identifier);

  return TRUE;
}

static void
icmp_socket_close (IcmpSocket *sock)
{
  if (sock->source != NULL)
    {
      g_source_destroy (sock->source);
      g_clear_pointer (&sock->source, g_source_unref);
    }
  if (sock->fd >= 0)
    {
      close (sock->fd);
      sock->fd = -1;
    }
  if (sock->n_kernel_tx + sock->n_user_tx > 0)
    g_debug ("%s: %" G_GUINT64_FORMAT " RTTs from kernel transmit timestamps, %"
             G_GUINT64_FORMAT " from our clock at sendto()",
             family_label (sock->family), sock->n_kernel_tx, sock->n_user_tx);
  sock->kind = LOOKOUT_ICMP_SOCKET_NONE;
  g_clear_pointer (&sock->pending, g_hash_table_unref);
  g_clear_pointer (&sock->awaiting_tx, g_hash_table_unref);
}

static Echo *
lookup_echo (IcmpSocket    *sock,
             guint16        identifier,
             guint16        sequence,
             const guint8  *address)
{
  Echo *echo;
  size_t addr_len = sock->family == AF_INET6 ? 16 : 4;

  if (identifier != sock->identifier)
    return NULL;

  echo = g_hash_table_lookup (sock->pending, GUINT_TO_POINTER (sequence));
  if (echo == NULL || echo->state != ECHO_PENDING)
    return NULL;

  if (address != NULL && memcmp (address, echo->round->addr, addr_len) != 0)
    return NULL;

  return echo;
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

static char *
bytes_to_string (int           family,
                 const guint8 *bytes)
{
  g_autoptr(GInetAddress) address = NULL;

  address = g_inet_address_new_from_bytes (bytes, family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4);
  return g_inet_address_to_string (address);
}

static void
echo_replied (Echo                  *echo,
              const struct timespec *received)
{
  echo->received = *received;
  echo->mono_rtt_ns = (g_get_monotonic_time () - echo->sent_mono) * 1000;
  echo_settle (echo, ECHO_REPLIED);
}

static gint64
timespec_diff_ns (const struct timespec *later,
                  const struct timespec *earlier)
{
  return (gint64) (later->tv_sec - earlier->tv_sec) * G_GINT64_CONSTANT (1000000000)
         + (later->tv_nsec - earlier->tv_nsec);
}

/* Called when the round ends: transmit timestamps may come after the reply. */
static gint64
echo_get_rtt_ns (Echo *echo)
{
  IcmpSocket *sock = echo->round->sock;
  gint64 rtt_ns;

  if (echo->have_sent_kernel)
    {
      rtt_ns = timespec_diff_ns (&echo->received, &echo->sent_kernel);
      sock->n_kernel_tx++;
    }
  else
    {
      rtt_ns = timespec_diff_ns (&echo->received, &echo->sent_real);
      sock->n_user_tx++;
    }

  /* The wall clock stepped between send and receive. */
  if (rtt_ns < 0 || rtt_ns > echo->mono_rtt_ns + 1000000)
    rtt_ns = echo->mono_rtt_ns;

  return rtt_ns;
}

/* @data is the packet as it left, link-layer header and all. */
static void
echo_got_tx_timestamp (IcmpSocket            *sock,
                       const guint8          *data,
                       size_t                 len,
                       const struct timespec *sent)
{
  guint16 sequence;
  size_t payload_len;
  gint64 after_sendto;
  Echo *echo;

  if (!lookout_icmp_find_sent_echo (data, len, sock->family == AF_INET6, sock->identifier,
                                    sock->probe->cookie, &sequence, &payload_len))
    return;

  echo = g_hash_table_lookup (sock->awaiting_tx, GUINT_TO_POINTER ((guint) sequence));
  if (echo == NULL || payload_len != echo->round->size)
    return;

  g_hash_table_remove (sock->awaiting_tx, GUINT_TO_POINTER ((guint) sequence));
  echo->awaiting_tx = FALSE;

  after_sendto = timespec_diff_ns (sent, &echo->sent_real);
  if (after_sendto < 0 || after_sendto > 5 * G_GINT64_CONSTANT (1000000))
    return;

  echo->sent_kernel = *sent;
  echo->have_sent_kernel = TRUE;
}

static void
echo_got_error (Echo          *echo,
                int            family,
                guint8         type,
                guint8         code,
                const guint8  *offender)
{
  g_autofree char *from = offender ? bytes_to_string (family, offender) : NULL;
  g_autofree char *message = NULL;
  gboolean time_exceeded = family == AF_INET6 ? type == 3 : type == 11;

  if (time_exceeded)
    message = from ? g_strdup_printf (_("Time to live exceeded (reported by %s)"), from)
                   : g_strdup (_("Time to live exceeded"));
  else
    message = from ? g_strdup_printf (_("Destination unreachable, code %u (reported by %s)"), code, from)
                   : g_strdup_printf (_("Destination unreachable, code %u"), code);

  round_note_failure (echo->round, TRUE, message);
  echo_settle (echo, ECHO_FAILED);
}

static void
icmp_socket_handle_packet (IcmpSocket                    *sock,
                           const guint8                  *data,
                           size_t                         len,
                           const struct sockaddr_storage *from,
                           const struct timespec         *received)
{
  LookoutIcmpReply reply;
  LookoutIcmpParseStatus status;
  Echo *echo;

  status = lookout_icmp_parse_reply (data, len, sock->family == AF_INET6,
                                     sock->kind == LOOKOUT_ICMP_SOCKET_RAW && sock->family == AF_INET,
                                     &reply);
  if (status != LOOKOUT_ICMP_PARSE_OK)
    return;

  if (reply.message == LOOKOUT_ICMP_MESSAGE_ECHO_REPLY)
    {
      echo = lookup_echo (sock, reply.identifier, reply.sequence, sockaddr_bytes (from));
      if (echo == NULL ||
          !lookout_icmp_payload_matches (reply.payload, reply.payload_len,
                                         echo->round->size, sock->probe->cookie))
        return;
      echo_replied (echo, received);
    }
  else
    {
      echo = lookup_echo (sock, reply.identifier, reply.sequence, reply.quoted_destination);
      if (echo != NULL)
        echo_got_error (echo, sock->family, reply.type, reply.code, sockaddr_bytes (from));
    }
}

static void
icmp_socket_receive (IcmpSocket *sock)
{
  guint8 *packet = sock->probe->packet;

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

      n = recvmsg (sock->fd, &msg, MSG_DONTWAIT);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          /* A pending socket error (IP_RECVERR): the details are queued. */
          icmp_socket_receive_errors (sock);
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

      icmp_socket_handle_packet (sock, packet, n, &from, &received);
    }
  sock->sends_since_drain = 0;
}

static void
icmp_socket_receive_errors (IcmpSocket *sock)
{
  guint8 *packet = sock->probe->packet;

  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      struct sockaddr_storage to = { 0 };
      struct iovec iov = { packet, PACKET_BUFFER_BYTES };
      union { char buf[512]; struct cmsghdr align; } control;
      struct msghdr msg = { 0 };
      struct sock_extended_err *ee = NULL;
      struct timespec tx = { 0, 0 };
      gboolean have_tx = FALSE;
      ssize_t n;
      Echo *echo;

      msg.msg_name = &to;
      msg.msg_namelen = sizeof to;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;

      n = recvmsg (sock->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
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
          else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING)
            {
              memcpy (&tx, CMSG_DATA (c), sizeof tx);
              have_tx = tx.tv_sec != 0 || tx.tv_nsec != 0;
            }
        }

      if (ee != NULL && ee->ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
        {
          if (have_tx && ee->ee_info == SCM_TSTAMP_SND)
            echo_got_tx_timestamp (sock, packet, n, &tx);
          continue;
        }

      /* The queued datagram is our echo request as sent. */
      if (ee == NULL ||
          (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6) ||
          n < LOOKOUT_ICMP_HEADER_LEN ||
          packet[0] != (sock->family == AF_INET6 ? 128 : 8))
        continue;

      echo = lookup_echo (sock,
                          (guint16) ((packet[4] << 8) | packet[5]),
                          (guint16) ((packet[6] << 8) | packet[7]),
                          sockaddr_bytes (&to));
      if (echo != NULL)
        {
          struct sockaddr_storage offender = { 0 };
          const struct sockaddr *o = SO_EE_OFFENDER (ee);

          if (o->sa_family == AF_INET)
            memcpy (&offender, o, sizeof (struct sockaddr_in));
          else if (o->sa_family == AF_INET6)
            memcpy (&offender, o, sizeof (struct sockaddr_in6));

          echo_got_error (echo, sock->family, ee->ee_type, ee->ee_code,
                          sockaddr_bytes (&offender));
        }
    }
}

static gboolean
allocate_sequence (IcmpSocket *sock,
                   guint16    *sequence)
{
  for (guint i = 0; i < 65536; i++)
    {
      guint16 candidate = sock->next_sequence++;

      /* Nor one whose transmit timestamp may still come back. */
      if (!g_hash_table_contains (sock->pending, GUINT_TO_POINTER (candidate)) &&
          !g_hash_table_contains (sock->awaiting_tx, GUINT_TO_POINTER (candidate)))
        {
          *sequence = candidate;
          return TRUE;
        }
    }

  return FALSE;
}

static void
round_send_echo (Round *round)
{
  LookoutIcmpProbe *self = round->probe;
  IcmpSocket *sock = round->sock;
  Echo *echo = &round->echoes[round->n_sent];
  size_t len;
  ssize_t n;
  int saved_errno;

  g_assert (round->n_sent < round->count);
  g_assert (echo->state == ECHO_UNSENT);

  round->n_sent++;
  round->result->sent++;

  if (!allocate_sequence (sock, &echo->sequence))
    {
      echo->state = ECHO_FAILED;
      round->n_failed++;
      round_note_failure (round, FALSE, _("Too many echo requests in flight"));
      return;
    }

  len = lookout_icmp_build_echo (self->packet, PACKET_BUFFER_BYTES, sock->family == AF_INET6,
                                 sock->identifier, echo->sequence, self->cookie, round->size);
  g_assert (len > 0);

  clock_gettime (CLOCK_REALTIME, &echo->sent_real);
  echo->sent_mono = g_get_monotonic_time ();
  n = sendto (sock->fd, self->packet, len, MSG_DONTWAIT,
              (struct sockaddr *) &round->sa, round->sa_len);
  saved_errno = errno;

  if (n < 0)
    {
      g_autofree char *address = bytes_to_string (sock->family, round->addr);
      g_autofree char *message = g_strdup_printf (_("Could not send to %s: %s"),
                                                  address, g_strerror (saved_errno));
      gboolean unreachable = lookout_error_classify_errno (saved_errno) == LOOKOUT_PROBE_ERROR_UNREACHABLE;

      echo->state = ECHO_FAILED;
      round->n_failed++;
      round_note_failure (round, unreachable, message);
      return;
    }

  echo->state = ECHO_PENDING;
  g_hash_table_insert (sock->pending, GUINT_TO_POINTER (echo->sequence), echo);
  round->n_outstanding++;

  if (sock->tx_timestamps)
    {
      echo->awaiting_tx = TRUE;
      g_hash_table_insert (sock->awaiting_tx, GUINT_TO_POINTER ((guint) echo->sequence), echo);
    }

  if (++sock->sends_since_drain >= DRAIN_EVERY_SENDS)
    {
      if (sock->tx_timestamps)
        icmp_socket_receive_errors (sock);
      icmp_socket_receive (sock);
    }
}

/* Rounds */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static void
round_fill_result (Round *round)
{
  LookoutResult *result = round->result;
  g_autofree gint64 *rtts = g_new (gint64, round->count);
  guint n = 0;
  gint64 jitter_sum = 0, previous = -1, median, rtt;
  guint lost;

  for (guint i = 0; i < round->n_sent; i++)
    {
      Echo *echo = &round->echoes[i];

      if (echo->state != ECHO_REPLIED)
        continue;
      rtt = echo_get_rtt_ns (echo);
      rtts[n++] = rtt;
      if (previous >= 0)
        jitter_sum += ABS (rtt - previous);
      previous = rtt;
    }

  result->received = n;
  lost = result->sent - n;

  if (n == 0)
    {
      if (round->failure != NULL && (round->unreachable || round->n_failed == round->n_sent))
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                                  round->unreachable ? LOOKOUT_PROBE_ERROR_UNREACHABLE
                                                     : LOOKOUT_PROBE_ERROR_FAILED,
                                  "%s", round->failure);
      else
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_LOSS,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "No reply to %u echo request within %u ms",
                                               "No reply to %u echo requests within %u ms",
                                               result->sent),
                                  result->sent, round->timeout_ms);
      return;
    }

  qsort (rtts, n, sizeof *rtts, compare_gint64);
  median = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2;
  result->latency_us = (median + 500) / 1000;
  result->min_us = (rtts[0] + 500) / 1000;
  result->max_us = (rtts[n - 1] + 500) / 1000;
  result->jitter_us = n >= 2 ? (jitter_sum / (n - 1) + 500) / 1000 : -1;

  if (lost > 0 && lost * 2 >= result->sent)
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_LOSS,
                              _("Lost %u of %u echo requests"), lost, result->sent);
  else
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
    }
}

/* Takes the round out of every structure, returns its task and frees it. */
static void
round_finish (Round *round)
{
  LookoutIcmpProbe *self = round->probe;
  g_autoptr(GTask) task = g_steal_pointer (&round->task);
  gboolean cancelled;

  /* The transmit timestamp of a last echo may still be queued. This can
   * settle echoes (and queue this round as completed): unlinked below. */
  if (round->echoes != NULL && round->sock->tx_timestamps)
    for (guint i = 0; i < round->n_sent; i++)
      if (round->echoes[i].awaiting_tx && round->echoes[i].state == ECHO_REPLIED)
        {
          icmp_socket_receive_errors (round->sock);
          break;
        }

  if (round->echoes != NULL)
    for (guint i = 0; i < round->n_sent; i++)
      {
        Echo *echo = &round->echoes[i];

        if (echo->state == ECHO_PENDING)
          g_hash_table_remove (round->sock->pending, GUINT_TO_POINTER (echo->sequence));
        if (echo->awaiting_tx)
          g_hash_table_remove (round->sock->awaiting_tx, GUINT_TO_POINTER ((guint) echo->sequence));
      }

  g_clear_pointer (&round->deadline_iter, g_sequence_remove);
  g_clear_pointer (&round->send_iter, g_sequence_remove);
  if (round->completed_link.data != NULL)
    {
      g_queue_unlink (&self->completed, &round->completed_link);
      round->completed_link.data = NULL;
    }

  if (round->cancelled_id != 0)
    g_cancellable_disconnect (round->cancellable, round->cancelled_id);
  round->cancelled_id = 0;

  g_mutex_lock (&self->cancel_lock);
  cancelled = round->cancelled;
  if (cancelled)
    g_ptr_array_remove_fast (self->cancelled_rounds, round);
  g_mutex_unlock (&self->cancel_lock);

  if (cancelled || g_cancellable_is_cancelled (round->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Operation was cancelled"));
  else
    {
      if (round->result->state == LOOKOUT_TARGET_STATE_UNKNOWN)
        round_fill_result (round);
      g_task_return_pointer (task, g_steal_pointer (&round->result),
                             (GDestroyNotify) lookout_result_unref);
    }

  round_free (round);
}

static void
finish_completed_rounds (LookoutIcmpProbe *self)
{
  GList *link;

  while ((link = g_queue_peek_head_link (&self->completed)) != NULL)
    round_finish (link->data);
}

/* Sets the timer to the next thing to do. Every change of a source's ready
 * time outside its own dispatch wakes the main loop up (a write and a read
 * of its eventfd), so unless @exact the timer is only ever moved earlier: a
 * timer firing early for a round that has finished already costs less. */
static void
arm_timer (LookoutIcmpProbe *self,
           gboolean          exact)
{
  gint64 ready = -1, current;

  if (self->timer == NULL)
    return;

  if (self->completed.length > 0)
    ready = 0;
  else
    {
      GSequenceIter *iter;

      iter = g_sequence_get_begin_iter (self->deadlines);
      if (!g_sequence_iter_is_end (iter))
        ready = ((Round *) g_sequence_get (iter))->deadline.expiry_us;

      iter = g_sequence_get_begin_iter (self->sends);
      if (!g_sequence_iter_is_end (iter))
        {
          gint64 next = ((Round *) g_sequence_get (iter))->next_send;
          ready = ready < 0 ? next : MIN (ready, next);
        }
    }

  current = g_source_get_ready_time (self->timer);
  if (exact || current < 0 || (ready >= 0 && ready < current))
    g_source_set_ready_time (self->timer, ready);
}

static gboolean
timer_fired_cb (gpointer user_data)
{
  LookoutIcmpProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GSequenceIter *iter;
  Round *round;

  /* Cancelled rounds first: nothing more is sent for them. */
  for (;;)
    {
      g_mutex_lock (&self->cancel_lock);
      round = self->cancelled_rounds->len > 0 ? g_ptr_array_index (self->cancelled_rounds, 0) : NULL;
      g_mutex_unlock (&self->cancel_lock);
      if (round == NULL)
        break;
      round_finish (round);
    }

  while (!g_sequence_iter_is_end (iter = g_sequence_get_begin_iter (self->sends)) &&
         (round = g_sequence_get (iter))->next_send <= now)
    {
      g_clear_pointer (&round->send_iter, g_sequence_remove);
      round_send_echo (round);
      if (round->n_sent < round->count)
        {
          round->next_send += round->interval_ms * 1000;
          round->send_iter = g_sequence_insert_sorted (self->sends, round, compare_rounds_by_time, BY_NEXT_SEND);
        }
      else
        mark_complete_if_done (round);
    }

  while (!g_sequence_iter_is_end (iter = g_sequence_get_begin_iter (self->deadlines)))
    {
      round = g_sequence_get (iter);
      if (!lookout_deadline_expire (&round->deadline, now))
        break;
      round_finish (round);
    }

  finish_completed_rounds (self);
  arm_timer (self, TRUE);

  return G_SOURCE_CONTINUE;
}

static void
round_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  Round *round = user_data;
  LookoutIcmpProbe *self = round->probe;

  /* Possibly another thread: the timer finishes the round on ours. */
  g_mutex_lock (&self->cancel_lock);
  if (!round->cancelled)
    {
      round->cancelled = TRUE;
      g_ptr_array_add (self->cancelled_rounds, round);
    }
  g_mutex_unlock (&self->cancel_lock);

  g_source_set_ready_time (self->timer, 0);
}

static void
round_fail_now (Round              *round,
                LookoutProbeError   code,
                const char         *message)
{
  lookout_result_set_error (round->result, LOOKOUT_TARGET_STATE_DOWN, code, "%s", message);
  round->completed_link.data = round;
  g_queue_push_tail_link (&round->probe->completed, &round->completed_link);
  arm_timer (round->probe, FALSE);
}

static void
round_start (Round        *round,
             GInetAddress *address)
{
  LookoutIcmpProbe *self = round->probe;
  g_autoptr(GError) error = NULL;
  GSocketFamily family = g_inet_address_get_family (address);
  gsize addr_len = g_inet_address_get_native_size (address);

  round->sock = family == G_SOCKET_FAMILY_IPV6 ? &self->v6 : &self->v4;
  round->result->address = g_inet_address_to_string (address);
  memcpy (round->addr, g_inet_address_to_bytes (address), addr_len);

  memset (&round->sa, 0, sizeof round->sa);
  if (family == G_SOCKET_FAMILY_IPV6)
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &round->sa;
      sin6->sin6_family = AF_INET6;
      memcpy (&sin6->sin6_addr, round->addr, 16);
      round->sa_len = sizeof *sin6;
    }
  else
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &round->sa;
      sin->sin_family = AF_INET;
      memcpy (&sin->sin_addr, round->addr, 4);
      round->sa_len = sizeof *sin;
    }

  if (!icmp_socket_ensure (round->sock, &error))
    {
      round_fail_now (round,
                      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
                        ? LOOKOUT_PROBE_ERROR_PERMISSION : LOOKOUT_PROBE_ERROR_FAILED,
                      error->message);
      return;
    }

  round->echoes = g_new0 (Echo, round->count);
  for (guint i = 0; i < round->count; i++)
    {
      round->echoes[i].round = round;
    }

  round->interval_ms = MAX (1, MIN (self->interval_ms, round->timeout_ms / (2 * round->count)));
  lookout_deadline_init (&round->deadline, round->timeout_ms);
  round->deadline_iter = g_sequence_insert_sorted (self->deadlines, round, compare_rounds_by_time, BY_DEADLINE);

  if (round->cancellable != NULL)
    round->cancelled_id = g_cancellable_connect (round->cancellable,
                                                 G_CALLBACK (round_cancelled_cb), round, NULL);

  round_send_echo (round);
  if (round->n_sent < round->count)
    {
      round->next_send = round->echoes[0].sent_mono + round->interval_ms * 1000;
      round->send_iter = g_sequence_insert_sorted (self->sends, round, compare_rounds_by_time, BY_NEXT_SEND);
    }
  else
    mark_complete_if_done (round);

  arm_timer (self, FALSE);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(GError) error = NULL;
  GInetAddress *chosen = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (round->task, g_steal_pointer (&error));
          round_free (round);
          return;
        }

      {
        g_autofree char *message = g_strdup_printf (_("Could not resolve “%s”: %s"),
                                                    round->host, error->message);
        round_fail_now (round, LOOKOUT_PROBE_ERROR_RESOLVE, message);
      }
      return;
    }

  /* The first address of a family we can ping (no IPv6 socket on an IPv4-only host). */
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      IcmpSocket *sock = g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6
                         ? &round->probe->v6 : &round->probe->v4;

      if (icmp_socket_ensure (sock, NULL))
        {
          chosen = l->data;
          break;
        }
    }

  round_start (round, chosen != NULL ? chosen : addresses->data);
  g_resolver_free_addresses (addresses);
}

static void
probe_ping (LookoutIcmpProbe    *self,
            const char          *host,
            const char          *target_uri,
            gint64               target_id,
            guint                timeout_ms,
            guint                count,
            guint                size,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  Round *round;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, probe_ping);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->context == NULL)
    {
      self->context = g_main_context_ref_thread_default ();
      self->timer = lookout_fd_source_new ("[lookout] icmp timer");
      g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
      g_source_attach (self->timer, self->context);
    }
  g_warn_if_fail (self->context == g_main_context_get_thread_default ()
                  || (self->context == g_main_context_default ()
                      && g_main_context_get_thread_default () == NULL));

  round = g_new0 (Round, 1);
  round->probe = self;
  round->task = g_steal_pointer (&task);
  round->host = g_strdup (host);
  round->timeout_ms = timeout_ms;
  round->count = CLAMP (count, 1, LOOKOUT_ICMP_PROBE_MAX_COUNT);
  round->size = MIN (size, LOOKOUT_ICMP_MAX_PAYLOAD);
  round->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  round->result = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  round->result->target = g_strdup (target_uri);
  round->result->target_id = target_id;

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    round_start (round, literal);
  else
    g_resolver_lookup_by_name_async (g_resolver_get_default (), host, cancellable,
                                     resolved_cb, round);
}

static void
read_options (const char *options_json,
              guint      *count,
              guint      *size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  *count = LOOKOUT_ICMP_PROBE_DEFAULT_COUNT;
  *size = LOOKOUT_ICMP_PROBE_DEFAULT_SIZE;

  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  *count = CLAMP (json_object_get_int_member_with_default (object, "count", *count),
                  1, LOOKOUT_ICMP_PROBE_MAX_COUNT);
  *size = CLAMP (json_object_get_int_member_with_default (object, "size", *size),
                 0, LOOKOUT_ICMP_MAX_PAYLOAD);
}

static void
lookout_icmp_probe_run_async (LookoutProbe        *probe,
                              LookoutTarget       *target,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (probe);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  guint count, size;

  read_options (lookout_target_get_options (target), &count, &size);
  probe_ping (self,
              lookout_target_uri_get_host (uri),
              lookout_target_get_uri_string (target),
              lookout_target_get_id (target),
              lookout_target_get_timeout (target),
              count, size,
              cancellable, callback, user_data);
}

static LookoutResult *
lookout_icmp_probe_run_finish (LookoutProbe  *probe,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == probe_ping, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_icmp_probe_dispose (GObject *object)
{
  LookoutIcmpProbe *self = (LookoutIcmpProbe *) object;

  /* Every round holds a reference through its task: none is left here. */
  icmp_socket_close (&self->v4);
  icmp_socket_close (&self->v6);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (lookout_icmp_probe_parent_class)->dispose (object);
}

static void
lookout_icmp_probe_finalize (GObject *object)
{
  LookoutIcmpProbe *self = (LookoutIcmpProbe *) object;

  g_clear_pointer (&self->deadlines, g_sequence_free);
  g_clear_pointer (&self->sends, g_sequence_free);
  g_clear_pointer (&self->cancelled_rounds, g_ptr_array_unref);
  g_mutex_clear (&self->cancel_lock);
  g_free (self->packet);

  G_OBJECT_CLASS (lookout_icmp_probe_parent_class)->finalize (object);
}

static void
lookout_icmp_probe_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (object);

  switch (prop_id)
    {
    case PROP_PREFER_RAW:
      g_value_set_boolean (value, self->prefer_raw);
      break;

    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_icmp_probe_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (object);

  switch (prop_id)
    {
    case PROP_PREFER_RAW:
      self->prefer_raw = g_value_get_boolean (value);
      break;

    case PROP_INTERVAL:
      self->interval_ms = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_icmp_probe_class_init (LookoutIcmpProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->dispose = lookout_icmp_probe_dispose;
  object_class->finalize = lookout_icmp_probe_finalize;
  object_class->get_property = lookout_icmp_probe_get_property;
  object_class->set_property = lookout_icmp_probe_set_property;

  probe_class->run_async = lookout_icmp_probe_run_async;
  probe_class->run_finish = lookout_icmp_probe_run_finish;

  properties[PROP_PREFER_RAW] =
    g_param_spec_boolean ("prefer-raw", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL,
                       1, 1000, DEFAULT_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
icmp_socket_init (IcmpSocket       *sock,
                  LookoutIcmpProbe *probe,
                  int               family)
{
  sock->probe = probe;
  sock->family = family;
  sock->fd = -1;
  sock->kind = LOOKOUT_ICMP_SOCKET_NONE;
  sock->next_sequence = (guint16) g_random_int_range (0, 65536);
  sock->pending = g_hash_table_new (NULL, NULL);
  sock->awaiting_tx = g_hash_table_new (NULL, NULL);
}

static void
lookout_icmp_probe_init (LookoutIcmpProbe *self)
{
  self->interval_ms = DEFAULT_INTERVAL_MS;
  self->cookie = ((guint64) g_random_int () << 32) | g_random_int ();
  icmp_socket_init (&self->v4, self, AF_INET);
  icmp_socket_init (&self->v6, self, AF_INET6);
  self->deadlines = g_sequence_new (NULL);
  self->sends = g_sequence_new (NULL);
  g_queue_init (&self->completed);
  g_mutex_init (&self->cancel_lock);
  self->cancelled_rounds = g_ptr_array_new ();
  self->packet = g_malloc (PACKET_BUFFER_BYTES);
}

LookoutProbe *
lookout_icmp_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_ICMP_PROBE, NULL);
}

void
lookout_icmp_probe_ping_async (LookoutIcmpProbe    *self,
                               const char          *host,
                               guint                timeout_ms,
                               guint                count,
                               guint                size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (LOOKOUT_IS_ICMP_PROBE (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  uri = strchr (host, ':') ? g_strconcat ("icmp://[", host, "]", NULL) : g_strconcat ("icmp://", host, NULL);
  probe_ping (self, host, uri, 0, timeout_ms, count, size, cancellable, callback, user_data);
}

LookoutIcmpSocketKind
lookout_icmp_probe_get_socket_kind (LookoutIcmpProbe *self,
                                    GSocketFamily     family)
{
  g_return_val_if_fail (LOOKOUT_IS_ICMP_PROBE (self), LOOKOUT_ICMP_SOCKET_NONE);

  return family == G_SOCKET_FAMILY_IPV6 ? self->v6.kind : self->v4.kind;
}
