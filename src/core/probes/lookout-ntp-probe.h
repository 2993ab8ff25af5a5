/* lookout-ntp-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

/* An SNTPv4 client check (RFC 4330/5905); packet handling lives in
 * lookout-ntp-packet.c. latency_us is the round-trip delay
 * (T4 - T1) - (T3 - T2), offset_us the server's clock minus ours
 * ((T2 - T1) + (T3 - T4)) / 2, plus stratum and reference_id (dotted IPv4,
 * or the ASCII code for stratum 0 and 1).
 *
 *  - a valid reply from a synchronised server: UP;
 *  - leap indicator 3 or stratum 16 (server unsynchronised): DEGRADED,
 *    ok = FALSE, with the measured delay and offset kept;
 *  - stratum 0 (kiss-o'-death, e.g. RATE, DENY): DOWN, KISS_OF_DEATH, the
 *    code named in the message;
 *  - a reply that answers our request but is malformed (wrong mode or
 *    version, zero transmit time): DOWN, PROTOCOL;
 *  - replies whose origin timestamp is not our transmit timestamp are
 *    ignored as spoofed or stale; if nothing else arrives in time: DOWN,
 *    PROTOCOL, saying how many were ignored; plain silence is TIMEOUT. */

#define LOOKOUT_TYPE_NTP_PROBE (lookout_ntp_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutNtpProbe, lookout_ntp_probe, LOOKOUT, NTP_PROBE, LookoutProbe)

LookoutProbe *lookout_ntp_probe_new (void);

G_END_DECLS
