/* icmp-netns.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Two network namespaces made for a test, joined by a veth pair:
 *
 *   client 10.77.0.1/24 fd77::1/64  ──veth──  server 10.77.0.2, 10.77.0.3/24, fd77::2/64
 *
 * The server ignores echo requests (icmp_echo_ignore_all), so 10.77.0.2 and
 * fd77::2 never answer; a user-space responder can answer 10.77.0.3 after a
 * delay; 10.78.0.0/16 is routed by the server to an "unreachable" route, so
 * echoes there come back as ICMP host unreachable. The client has
 * ping_group_range open. Tests enter the client namespace with setns() on
 * their main thread and leave it afterwards. Nothing touches the host's own
 * network namespace. */

#define ICMP_NETNS_SILENT       "10.77.0.2"
#define ICMP_NETNS_SILENT6      "fd77::2"
#define ICMP_NETNS_DELAYED      "10.77.0.3"
#define ICMP_NETNS_UNREACHABLE  "10.78.0.1"

typedef struct
{
  char        *client;
  char        *server;
  int          home_fd;
  GSubprocess *responder;
} IcmpNetns;

/* FALSE with a reason to skip when namespaces cannot be made here. */
gboolean  icmp_netns_setup            (IcmpNetns   *netns,
                                       GError     **error);
/* Answers ICMP_NETNS_DELAYED after @delay_ms, except every @drop_every-th
 * request (0: none dropped). */
gboolean  icmp_netns_start_responder  (IcmpNetns   *netns,
                                       const char  *script,
                                       guint        delay_ms,
                                       guint        drop_every,
                                       GError     **error);
void      icmp_netns_teardown         (IcmpNetns   *netns);

/* Moves the calling thread into namespace @name (and back). */
int       icmp_netns_enter            (const char  *name);
void      icmp_netns_leave            (int          home_fd);

/* Runs `ip ARGS…`; FALSE with the command's error output. */
gboolean  icmp_netns_ip               (GError     **error,
                                       ...) G_GNUC_NULL_TERMINATED;

gboolean  icmp_netns_have_program     (const char  *name);
/* FALSE with the reason when this process cannot make namespaces. */
gboolean  icmp_netns_can_make         (GError     **error);

/* Drops or restores CAP_NET_RAW in the calling thread's effective set. */
gboolean  icmp_netns_set_net_raw      (gboolean     enabled);

G_END_DECLS
