/* lookout-icmp-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-icmp-socket.h"
#include "lookout-probe.h"

G_BEGIN_DECLS

#define LOOKOUT_ICMP_PROBE_DEFAULT_COUNT 3
#define LOOKOUT_ICMP_PROBE_MAX_COUNT     100
#define LOOKOUT_ICMP_PROBE_DEFAULT_SIZE  56

#define LOOKOUT_TYPE_ICMP_PROBE (lookout_icmp_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutIcmpProbe, lookout_icmp_probe, LOOKOUT, ICMP_PROBE, LookoutProbe)

/*
 * Properties:
 *   "prefer-raw"   gboolean, construct-only: try raw sockets before ping sockets
 *   "interval"     guint, construct-only: milliseconds between the echoes of a
 *                  round (default 10; capped at timeout / (2 * count))
 */

LookoutProbe          *lookout_icmp_probe_new             (void);

/* One round of @count echoes of @size payload bytes to @host (a name or an
 * address literal), bounded by @timeout_ms: what run_async does for a target,
 * for callers without a LookoutTarget (benchmarks, the agent's --count).
 * Finish with lookout_probe_run_finish(). */
void                   lookout_icmp_probe_ping_async      (LookoutIcmpProbe    *self,
                                                           const char          *host,
                                                           guint                timeout_ms,
                                                           guint                count,
                                                           guint                size,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);

/* The socket kind in use for G_SOCKET_FAMILY_IPV4 or _IPV6 (after a first probe). */
LookoutIcmpSocketKind  lookout_icmp_probe_get_socket_kind (LookoutIcmpProbe    *self,
                                                           GSocketFamily        family);

G_END_DECLS
