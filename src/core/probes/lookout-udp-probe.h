/* lookout-udp-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

/* Sends one datagram and waits for any reply within the target's timeout.
 * Options: "payload" (string, default an empty datagram), "payload_hex"
 * (two hex digits per byte; wins over "payload"), "expect_reply" (bool,
 * default false). Options of the wrong type (the target validates them, but
 * a stored target may predate a rule) give UNKNOWN with a message; nothing
 * is sent.
 *
 *  - a reply: UP, latency_us = round trip, reply_bytes = its size;
 *  - ICMP port unreachable (ECONNREFUSED on the connected socket): DOWN,
 *    error REFUSED;
 *  - silence: ok = FALSE, error NO_REPLY, latency -1, "No reply within N ms:
 *    the port is open or filtered". UDP cannot tell an open port that
 *    ignores this payload from a firewall that drops it, so the state is
 *    UNKNOWN rather than an invented DOWN or a DEGRADED that would claim a
 *    partial answer. A target whose service must answer (DNS, SNMP, a game
 *    server with the right payload) sets "expect_reply": true, and silence
 *    is then DOWN. */

#define LOOKOUT_TYPE_UDP_PROBE (lookout_udp_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutUdpProbe, lookout_udp_probe, LOOKOUT, UDP_PROBE, LookoutProbe)

LookoutProbe *lookout_udp_probe_new (void);

G_END_DECLS
