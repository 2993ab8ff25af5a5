/* dns-test-server.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* DNS peers for the tests, on 127.0.0.1 and a free port, stopped (killed and
 * reaped) by test_dns_server_free. */
typedef struct
{
  GSubprocess *process;
  guint16      port;
  char        *dir;
} TestDnsServer;

/* dnsmasq answering for example.test (see the .c for the records) with
 * --local-ttl=@local_ttl; NULL when dnsmasq is not installed. */
TestDnsServer *test_dnsmasq_start       (guint          local_ttl);
/* tests/dns-responder.py under /usr/bin/python3. */
TestDnsServer *test_responder_start     (void);
char          *test_dns_server_csv      (TestDnsServer *server);
void           test_dns_server_free     (TestDnsServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestDnsServer, test_dns_server_free)

G_END_DECLS
