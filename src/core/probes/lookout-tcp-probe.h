/* lookout-tcp-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

/* Checks that a TCP port accepts connections. The result's latency is the
 * connect () of the address that answered (the host's addresses are tried in
 * the resolver's order); dns_us and connect_us carry resolution and connect
 * apart. address is the IP connected to (or, on failure, the last tried).
 * Failures: REFUSED (RST: nothing listens), UNREACHABLE (host or network
 * unreachable, or administratively prohibited), TIMEOUT (no answer within
 * the target's timeout: packets dropped), RESOLVE. The connection is closed
 * as soon as it is made; no data is sent. Options: none. */

#define LOOKOUT_TYPE_TCP_PROBE (lookout_tcp_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTcpProbe, lookout_tcp_probe, LOOKOUT, TCP_PROBE, LookoutProbe)

LookoutProbe *lookout_tcp_probe_new (void);

G_END_DECLS
