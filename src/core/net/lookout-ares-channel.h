/* lookout-ares-channel.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <ares.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_ARES_CHANNEL (lookout_ares_channel_get_type ())

/* The UDP payload a channel with ARES_FLAG_EDNS accepts (and its queries
 * should advertise): c-ares reads at most 4096 bytes of a datagram, and
 * without EDNS it takes any reply over 512 bytes for a truncated one and
 * asks again over TCP, even when the reply is whole and TC is clear. */
#define LOOKOUT_ARES_EDNS_PAYLOAD 4096

G_DECLARE_FINAL_TYPE (LookoutAresChannel, lookout_ares_channel, LOOKOUT, ARES_CHANNEL, GObject)

/* A c-ares channel driven by the GLib main context that was the thread-default
 * one when it was created: its sockets are watched by a GSource and its
 * timeouts by that source's ready time, so nothing blocks and no thread is
 * used. Use it only from that context's thread.
 *
 * @servers: NULL for the system configuration (resolv.conf), or a c-ares CSV
 *   list ("127.0.0.1:5354,[::1]:53").
 * @timeout_ms: time for the first try (0: the c-ares/resolv.conf default).
 * @tries: number of tries (0: the default).
 * @flags: ARES_FLAG_* for ares_init_options.
 *
 * Callbacks of queries started through the channel may run synchronously from
 * within the starting call (hosts-file answers, immediate failures) or later
 * from the main context; they run with status ARES_EDESTRUCTION when the
 * channel goes away. */
LookoutAresChannel *lookout_ares_channel_new              (const char           *servers,
                                                           guint                 timeout_ms,
                                                           guint                 tries,
                                                           int                   flags,
                                                           GError              **error);
/* The CSV list given at creation, or NULL for the system configuration. */
const char         *lookout_ares_channel_get_servers      (LookoutAresChannel   *self);
/* The servers the channel actually uses, as "ip" strings, in order. */
GStrv               lookout_ares_channel_dup_server_addresses (LookoutAresChannel *self);
/* While a reply is being processed (inside a query callback): the address of
 * the server it came from. NULL elsewhere, e.g. inside a timeout callback. */
char               *lookout_ares_channel_dup_replying_server (LookoutAresChannel *self);

/* ares_send() on the channel, then re-arms the channel's timeout. */
void                lookout_ares_channel_send             (LookoutAresChannel   *self,
                                                           const guint8         *qbuf,
                                                           gsize                 qlen,
                                                           ares_callback         callback,
                                                           gpointer              user_data);
/* ares_getaddrinfo() on the channel, then re-arms the channel's timeout. */
void                lookout_ares_channel_getaddrinfo      (LookoutAresChannel   *self,
                                                           const char           *name,
                                                           const struct ares_addrinfo_hints *hints,
                                                           ares_addrinfo_callback callback,
                                                           gpointer              user_data);

G_END_DECLS
