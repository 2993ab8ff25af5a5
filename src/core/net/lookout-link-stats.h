/* lookout-link-stats.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_LINK_DEFAULT "default"

/* One reading of a network interface from the kernel (rtnetlink, in the
 * network namespace of the calling thread). */
typedef struct
{
  char     *name;            /* the interface's own name ("default" resolved) */
  int       index;
  gboolean  admin_up;        /* IFF_UP: switched on */
  gboolean  carrier;         /* IFF_LOWER_UP: a cable, an association, a peer */
  gboolean  running;         /* operational state up (or unknown with carrier, as lo) */
  guint64   rx_bytes, tx_bytes;
  guint64   rx_packets, tx_packets;
  guint64   errors;          /* received and sent */
  guint64   drops;           /* received and sent */
  gint64    read_us;         /* monotonic time of the reading */
} LookoutLinkStats;

void              lookout_link_stats_free        (LookoutLinkStats *stats);

/* Reads interface @name, or the interface of the default route (IPv4 first,
 * then IPv6, lowest metric) when @name is LOOKOUT_LINK_DEFAULT. Errors:
 * G_IO_ERROR_NOT_FOUND when there is no such interface or no default
 * route, with a message that says which. */
void              lookout_link_stats_read_async  (const char           *name,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
LookoutLinkStats *lookout_link_stats_read_finish (GAsyncResult         *result,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutLinkStats, lookout_link_stats_free)

G_END_DECLS
