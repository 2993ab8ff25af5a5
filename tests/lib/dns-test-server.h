/* dns-test-server.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-test.h"

G_BEGIN_DECLS

/* DNS peers for the tests, on 127.0.0.1 and a free port, stopped (killed and
 * reaped) by test_dns_server_free. */
typedef struct
{
  GSubprocess    *process;
  guint16         port;
  LookoutTestDir *dir;
} TestDnsServer;

/* dnsmasq, authoritative-like for example.test (unknown names there are
 * NXDOMAIN): www (192.0.2.1, 2001:db8::1), v4 (192.0.2.2), loop (127.0.0.1),
 * a1..a3 (192.0.2.11..13), MX 10 mail.example.test., TXT "v=spf1 -all"
 * "second string"; answers with
 * --local-ttl=@local_ttl; NULL when dnsmasq is not installed. */
TestDnsServer *test_dnsmasq_start       (guint          local_ttl);
/* tests/dns-responder.py under /usr/bin/python3. */
TestDnsServer *test_responder_start     (void);
/* A UDP socket bound to 127.0.0.1 on a free port, which it sets. */
GSocket       *test_udp_socket_new      (guint16       *port);
char          *test_dns_server_csv      (TestDnsServer *server);
void           test_dns_server_free     (TestDnsServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDnsServer, test_dns_server_free)

G_END_DECLS
