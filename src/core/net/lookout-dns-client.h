/* lookout-dns-client.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-result.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_DNS_CLIENT (lookout_dns_client_get_type ())

G_DECLARE_FINAL_TYPE (LookoutDnsClient, lookout_dns_client, LOOKOUT, DNS_CLIENT, GObject)

/* The engine of LookoutDnsProbe, usable without a LookoutTarget: asks one
 * DNS server one question and reports what it answered as a LookoutResult of
 * kind DNS. One try, no search domains, every rcode reported as it came.
 *
 * Outcomes: NOERROR with records of the type → UP; NOERROR without any
 * (NODATA: the name exists, but has no record of that type) → DEGRADED with
 * error code RCODE (rcode 0); NXDOMAIN, SERVFAIL, REFUSED and every other
 * rcode → DOWN with error code RCODE; no answer within @timeout_ms → DOWN
 * TIMEOUT; ICMP port unreachable → DOWN REFUSED; a reply that does not parse
 * → DOWN PROTOCOL. rcode and the answers of the queried type, in text form,
 * are in the result; latency is from sending the query to receiving the
 * reply; address is the IP of the server that answered (or was asked).
 *
 * The task fails only when cancelled. Use from one thread's main context. */
LookoutDnsClient *lookout_dns_client_new          (void);

/* @server: an IP address, a host name (resolved through the default
 *   GResolver; its time counts against @timeout_ms but not the latency), or
 *   NULL for the system's servers: those of LOOKOUT_DNS_SERVERS when it is set
 *   and not empty (as for lookout_resolver_install_default()), else resolv.conf.
 * @port: 0 means 53.
 * @type: a mnemonic ("A", "MX", "TYPE65").
 * The result's target is "dns://server:port/name?type=T" or "dns:name?type=T". */
void              lookout_dns_client_query_async  (LookoutDnsClient     *self,
                                                   const char           *server,
                                                   guint16               port,
                                                   const char           *name,
                                                   const char           *type,
                                                   guint                 timeout_ms,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
LookoutResult    *lookout_dns_client_query_finish (LookoutDnsClient     *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
