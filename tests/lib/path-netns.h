/* path-netns.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A routed chain of network namespaces made for a test, IPv4 and IPv6:
 *
 *            ┌── r1  10.81.1.2 / 10.81.2.1 ──┐
 *   client ──┤                               ├── r2 ── destination 10.81.3.2, fd81:3::2
 *            └── r1b 10.81.4.2 / 10.81.5.1 ──┘   10.81.2.2 (via r1), 10.81.5.2 (via r1b)
 *
 * The client goes through r1 until path_netns_switch_route() sends it
 * through r1b. Routers forward, and answer "time exceeded" without rate
 * limit; the client has ping_group_range open. r1's firewall rejects what
 * it would forward to 10.81.9.0/24 with "host unreachable". */

#define PATH_NETNS_DESTINATION   "10.81.3.2"
#define PATH_NETNS_DESTINATION6  "fd81:3::2"
#define PATH_NETNS_NOWHERE       "10.81.9.9"

typedef struct
{
  char *client;
  char *r1;
  char *r1b;
  char *r2;
  char *destination;
} PathNetns;

/* FALSE with a reason to skip when namespaces cannot be made here. */
gboolean  path_netns_setup         (PathNetns   *netns,
                                    GError     **error);
void      path_netns_teardown      (PathNetns   *netns);
/* The client's route to the destination: through r1b when @via_r1b. */
gboolean  path_netns_switch_route  (PathNetns   *netns,
                                    gboolean     via_r1b,
                                    GError     **error);
/* Removes the namespaces a crashed test left: PREFIX-WORD-PID… whose PID is gone. */
void      path_netns_remove_stale  (const char  *prefix);
/* Runs a shell command inside namespace @ns (nft rules, sysctls…). */
gboolean  path_netns_exec          (const char  *ns,
                                    GError     **error,
                                    ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
