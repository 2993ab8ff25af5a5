/* lookout-datagram-exchange.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One request datagram and the reply to it, the shared engine of the UDP and
 * NTP probes: resolve @host through g_resolver_get_default (), send from a
 * connected UDP socket to the first address it gives (without a handshake
 * there is no failing over: silence looks the same from every address),
 * and wait for the reply, @timeout_ms in all.
 *
 * @build makes the datagram at the moment of sending, given the wall-clock
 * time it is sent at (NTP writes it into the packet). @accept, if set, sees
 * every datagram that arrives and returns FALSE to ignore one and keep
 * waiting (NTP ignores replies that do not answer its request).
 *
 * Errors: G_IO_ERROR_TIMED_OUT (nothing accepted in time),
 * G_IO_ERROR_CONNECTION_REFUSED (ICMP port unreachable came back),
 * G_IO_ERROR_HOST_UNREACHABLE and friends, G_RESOLVER_ERROR_*, and
 * G_IO_ERROR_CANCELLED when @cancellable was cancelled. */

typedef GBytes  *(*LookoutDatagramBuildFunc)  (gint64    sent_unix_ns,
                                               gpointer  user_data);
typedef gboolean (*LookoutDatagramAcceptFunc) (GBytes   *reply,
                                               gpointer  user_data);

typedef struct
{
  GBytes *data;              /* at most 64 KiB of the reply */
  gsize   size;              /* the reply's full size */
  gint64  sent_unix_ns;      /* wall clock just before send () */
  gint64  received_unix_ns;  /* kernel receive timestamp, or wall clock on wake-up */
  gint64  rtt_us;            /* send to receive, kernel timestamp when sane, else monotonic */
  gint64  resolve_us;        /* -1 for an address literal */
} LookoutDatagramReply;

void                  lookout_datagram_exchange_async  (const char                *host,
                                                        guint16                    port,
                                                        guint                      timeout_ms,
                                                        LookoutDatagramBuildFunc   build,
                                                        LookoutDatagramAcceptFunc  accept,
                                                        gpointer                   user_data,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   callback_data);
/* @out_address receives the address the datagram went to (also on failure,
 * NULL when resolution did not get that far). */
LookoutDatagramReply *lookout_datagram_exchange_finish (GAsyncResult              *result,
                                                        GSocketAddress           **out_address,
                                                        GError                   **error);
void                  lookout_datagram_reply_free      (LookoutDatagramReply      *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutDatagramReply, lookout_datagram_reply_free)

G_END_DECLS
