/* lookout-icmp-socket.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>
#include <time.h>

G_BEGIN_DECLS

/* Which kind of socket is open for an address family. */
typedef enum
{
  LOOKOUT_ICMP_SOCKET_NONE,    /* not opened yet, or not permitted */
  LOOKOUT_ICMP_SOCKET_PING,    /* SOCK_DGRAM, IPPROTO_ICMP(V6): net.ipv4.ping_group_range */
  LOOKOUT_ICMP_SOCKET_RAW,     /* SOCK_RAW: CAP_NET_RAW */
} LookoutIcmpSocketKind;

/* What the socket hands its owner, from its source's dispatch or from
 * inside lookout_icmp_socket_receive() / _receive_errors(). Addresses are
 * raw bytes (4 or 16, the socket's family; NULL when unknown). Only packets
 * about echoes with the socket's identifier and, for replies and transmit
 * timestamps, payloads that start with its cookie come through. */
typedef struct
{
  /* An echo reply to @sequence from @from; @received is the kernel's
   * receive time (CLOCK_REALTIME), or our clock when it gave none. */
  void (*reply)      (gpointer               user_data,
                      guint16                sequence,
                      const guint8          *from,
                      gsize                  payload_len,
                      const struct timespec *received);
  /* An ICMP error (@type, @code as received) about our echo @sequence sent
   * to @destination, reported by @offender; @received as for a reply (a
   * traceroute times the hop that sent a "time exceeded" with it). */
  void (*error)      (gpointer               user_data,
                      guint16                sequence,
                      const guint8          *destination,
                      guint8                 type,
                      guint8                 code,
                      const guint8          *offender,
                      const struct timespec *received);
  /* The kernel's software transmit timestamp of our echo @sequence. */
  void (*sent)       (gpointer               user_data,
                      guint16                sequence,
                      gsize                  payload_len,
                      const struct timespec *sent);
  /* The source's dispatch is over: everything ready was handed over. */
  void (*dispatched) (gpointer               user_data);
} LookoutIcmpSocketCallbacks;

#define LOOKOUT_TYPE_ICMP_SOCKET (lookout_icmp_socket_get_type ())

G_DECLARE_FINAL_TYPE (LookoutIcmpSocket, lookout_icmp_socket, LOOKOUT, ICMP_SOCKET, GObject)

/* Opens a kernel ping socket or, failing that, a raw socket (the other way
 * round with @prefer_raw) for @family, with receive and (where the kernel
 * has them) transmit timestamps and ICMP errors on the error queue, and
 * watches it on the thread-default main context. @cookie starts every echo
 * payload. G_IO_ERROR_PERMISSION_DENIED, with a message saying what to
 * change, when neither kind is permitted. */
LookoutIcmpSocket     *lookout_icmp_socket_new               (GSocketFamily                     family,
                                                              gboolean                          prefer_raw,
                                                              guint64                           cookie,
                                                              const LookoutIcmpSocketCallbacks *callbacks,
                                                              gpointer                          user_data,
                                                              GError                          **error);
LookoutIcmpSocketKind  lookout_icmp_socket_get_kind          (LookoutIcmpSocket               *self);
/* The identifier our echoes carry (a ping socket's is the kernel's). */
guint16                lookout_icmp_socket_get_identifier    (LookoutIcmpSocket               *self);
/* TRUE when the kernel reports transmit timestamps (the sent callback). */
gboolean               lookout_icmp_socket_has_tx_timestamps (LookoutIcmpSocket               *self);
/* Sends one echo request of @payload_len bytes to @address. @sent_real and
 * @sent_mono receive our clocks just before sendto(). Returns 0, or the
 * errno of a failed send. */
int                    lookout_icmp_socket_send_echo         (LookoutIcmpSocket               *self,
                                                              const struct sockaddr           *address,
                                                              socklen_t                         address_len,
                                                              guint16                           sequence,
                                                              gsize                             payload_len,
                                                              struct timespec                  *sent_real,
                                                              gint64                           *sent_mono);
/* The hop limit (IPv4 TTL, IPv6 unicast hops) of the echoes sent from now
 * on; -1 for the system's default. Returns 0 or an errno. */
int                    lookout_icmp_socket_set_ttl           (LookoutIcmpSocket               *self,
                                                              int                               ttl);
/* Reads what is queued now, without waiting: replies, and the error queue
 * (ICMP errors, transmit timestamps). */
void                   lookout_icmp_socket_receive           (LookoutIcmpSocket               *self);
void                   lookout_icmp_socket_receive_errors    (LookoutIcmpSocket               *self);

G_END_DECLS
