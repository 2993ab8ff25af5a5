/* lookout-dns-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_DNS_PROBE (lookout_dns_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutDnsProbe, lookout_dns_probe, LOOKOUT, DNS_PROBE, LookoutProbe)

/* Checks `dns://server[:port]/name?type=T` by asking that server directly,
 * and `dns:name?type=T` through the system's name servers (resolv.conf, or
 * LOOKOUT_DNS_SERVERS when set). See lookout-dns-client.h for what each
 * answer means (UP, DEGRADED for NODATA, DOWN for NXDOMAIN, SERVFAIL, REFUSED,
 * timeouts) and what the result holds. */
LookoutDnsProbe *lookout_dns_probe_new (void);

G_END_DECLS
