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

/* Checks `dns://server[:port]/name?type=T` by asking that server directly
 * (one try, no search domains, whatever rcode it answers is reported), and
 * `dns:name?type=T` through the system's name servers: those of resolv.conf,
 * or those of the LOOKOUT_DNS_SERVERS environment variable ("127.0.0.1:5354")
 * when it is set, as for lookout_resolver_install_default().
 *
 * Outcomes: NOERROR with records of the type → UP; NOERROR without any
 * (NODATA: the name exists, but has no record of that type) → DEGRADED with
 * error code RCODE; NXDOMAIN, SERVFAIL, REFUSED and every other rcode → DOWN
 * with error code RCODE; no answer within the target's timeout → DOWN
 * TIMEOUT. rcode and the textual answers of the queried type are in the
 * result; latency is from sending the query to receiving the reply; address
 * is the server's IP. Must be used from one thread's main context. */
LookoutDnsProbe *lookout_dns_probe_new          (void);

/* The check itself, without a LookoutTarget: @server is an IP address or a
 * host name (resolved through the default GResolver), or NULL for the system
 * servers; @port 0 means 53; @type a mnemonic ("A", "MX", "TYPE65"). */
void             lookout_dns_probe_query_async  (LookoutDnsProbe      *self,
                                                 const char           *server,
                                                 guint16               port,
                                                 const char           *name,
                                                 const char           *type,
                                                 guint                 timeout_ms,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
LookoutResult   *lookout_dns_probe_query_finish (LookoutDnsProbe      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
