/* path-netns.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "icmp-netns.h"
#include "path-netns.h"

gboolean
path_netns_exec (const char  *ns,
                 GError     **error,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) "ip");
  g_ptr_array_add (argv, (gpointer) "netns");
  g_ptr_array_add (argv, (gpointer) "exec");
  g_ptr_array_add (argv, (gpointer) ns);
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", command, g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

void
path_netns_remove_stale (const char *prefix)
{
  g_autoptr(GDir) dir = g_dir_open ("/run/netns", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      const char *dash;
      guint64 pid;

      if (!g_str_has_prefix (name, prefix))
        continue;
      dash = strchr (name + strlen (prefix), '-');
      if (dash == NULL)
        continue;
      pid = g_ascii_strtoull (dash + 1, NULL, 10);
      if (pid > 0 && kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        icmp_netns_ip (NULL, "netns", "del", name, NULL);
    }
}

/* Joins @a and @b with a veth pair named @a_if / @b_if, addresses given
 * as "10.x.y.z/24" and "fdxx::z/64". */
static gboolean
link_pair (const char  *a,
           const char  *a_if,
           const char  *a4,
           const char  *a6,
           const char  *b,
           const char  *b_if,
           const char  *b4,
           const char  *b6,
           GError     **error)
{
  return icmp_netns_ip (error, "link", "add", a_if, "netns", a, "type", "veth",
                        "peer", "name", b_if, "netns", b, NULL) &&
         icmp_netns_ip (error, "-n", a, "addr", "add", a4, "dev", a_if, NULL) &&
         icmp_netns_ip (error, "-n", a, "addr", "add", a6, "dev", a_if, "nodad", NULL) &&
         icmp_netns_ip (error, "-n", b, "addr", "add", b4, "dev", b_if, NULL) &&
         icmp_netns_ip (error, "-n", b, "addr", "add", b6, "dev", b_if, "nodad", NULL) &&
         icmp_netns_ip (error, "-n", a, "link", "set", a_if, "up", NULL) &&
         icmp_netns_ip (error, "-n", b, "link", "set", b_if, "up", NULL);
}

static gboolean
route (const char  *ns,
       const char  *to,
       const char  *via,
       GError     **error)
{
  return icmp_netns_ip (error, "-n", ns, strchr (via, ':') ? "-6" : "-4",
                        "route", "replace", to, "via", via, NULL);
}

static gboolean
make_router (const char  *ns,
             GError     **error)
{
  return path_netns_exec (ns, error, "sysctl", "-qw", "net.ipv4.ip_forward=1", NULL) &&
         path_netns_exec (ns, error, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", NULL) &&
         path_netns_exec (ns, error, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0", NULL) &&
         path_netns_exec (ns, error, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0", NULL);
}

gboolean
path_netns_setup (PathNetns  *netns,
                  GError    **error)
{
  static guint serial;
  char **names[] = { &netns->client, &netns->r1, &netns->r1b, &netns->r2, &netns->destination };
  const char *roles[] = { "c", "r1", "r1b", "r2", "d" };
  gboolean ok;

  memset (netns, 0, sizeof *netns);

  if (!icmp_netns_can_make (error))
    return FALSE;

  path_netns_remove_stale ("lookout-path-");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      *names[i] = g_strdup_printf ("lookout-path-%s-%d-%u", roles[i], getpid (), serial);
      if (!icmp_netns_ip (error, "netns", "add", *names[i], NULL) ||
          !icmp_netns_ip (error, "-n", *names[i], "link", "set", "lo", "up", NULL))
        {
          path_netns_teardown (netns);
          return FALSE;
        }
    }
  serial++;

  ok = link_pair (netns->client, "c1", "10.81.1.1/24", "fd81:1::1/64",
                  netns->r1, "r1c", "10.81.1.2/24", "fd81:1::2/64", error) &&
       link_pair (netns->r1, "r1r2", "10.81.2.1/24", "fd81:2::1/64",
                  netns->r2, "r2r1", "10.81.2.2/24", "fd81:2::2/64", error) &&
       link_pair (netns->r2, "r2d", "10.81.3.1/24", "fd81:3::1/64",
                  netns->destination, "d2", "10.81.3.2/24", "fd81:3::2/64", error) &&
       link_pair (netns->client, "c4", "10.81.4.1/24", "fd81:4::1/64",
                  netns->r1b, "r1bc", "10.81.4.2/24", "fd81:4::2/64", error) &&
       link_pair (netns->r1b, "r1br2", "10.81.5.1/24", "fd81:5::1/64",
                  netns->r2, "r2r1b", "10.81.5.2/24", "fd81:5::2/64", error) &&
       make_router (netns->r1, error) &&
       make_router (netns->r1b, error) &&
       make_router (netns->r2, error) &&
       path_netns_exec (netns->destination, error, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0", NULL) &&
       path_netns_exec (netns->destination, error, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0", NULL) &&
       path_netns_exec (netns->client, error, "sysctl", "-qw",
                        "net.ipv4.ping_group_range=0 2147483647", NULL) &&
       route (netns->r1, "10.81.3.0/24", "10.81.2.2", error) &&
       route (netns->r1, "fd81:3::/64", "fd81:2::2", error) &&
       route (netns->r1b, "10.81.3.0/24", "10.81.5.2", error) &&
       route (netns->r1b, "fd81:3::/64", "fd81:5::2", error) &&
       route (netns->r2, "10.81.1.0/24", "10.81.2.1", error) &&
       route (netns->r2, "fd81:1::/64", "fd81:2::1", error) &&
       route (netns->r2, "10.81.4.0/24", "10.81.5.1", error) &&
       route (netns->r2, "fd81:4::/64", "fd81:5::1", error) &&
       route (netns->destination, "default", "10.81.3.1", error) &&
       route (netns->destination, "default", "fd81:3::1", error) &&
       route (netns->client, "default", "10.81.1.2", error) &&
       route (netns->client, "default", "fd81:1::2", error) &&
       route (netns->r1, "10.81.9.0/24", "10.81.2.2", error) &&
       path_netns_exec (netns->r1, error, "nft",
                        "add table inet lookout-r1; "
                        "add chain inet lookout-r1 forward_filter { type filter hook forward priority 0; }; "
                        "add rule inet lookout-r1 forward_filter ip daddr 10.81.9.0/24 "
                        "reject with icmp type host-unreachable", NULL);

  if (!ok)
    path_netns_teardown (netns);

  return ok;
}

gboolean
path_netns_switch_route (PathNetns  *netns,
                         gboolean    via_r1b,
                         GError    **error)
{
  return route (netns->client, "default", via_r1b ? "10.81.4.2" : "10.81.1.2", error) &&
         route (netns->client, "default", via_r1b ? "fd81:4::2" : "fd81:1::2", error);
}

void
path_netns_teardown (PathNetns *netns)
{
  char **names[] = { &netns->client, &netns->r1, &netns->r1b, &netns->r2, &netns->destination };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (*names[i] != NULL)
        icmp_netns_ip (NULL, "netns", "del", *names[i], NULL);
      g_clear_pointer (names[i], g_free);
    }
}
