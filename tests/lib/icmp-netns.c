/* icmp-netns.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "icmp-netns.h"

static gboolean
run_argv (const char * const  *argv,
          GError             **error)
{
  g_autofree char *err = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;

  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", command, g_strstrip (err));
      return FALSE;
    }

  return TRUE;
}

gboolean
icmp_netns_ip (GError **error,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "ip");
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return run_argv ((const char * const *) argv->pdata, error);
}

static gboolean
sysctl_in (const char  *ns,
           const char  *setting,
           GError     **error)
{
  const char *argv[] = { "ip", "netns", "exec", ns, "sysctl", "-qw", setting, NULL };

  return run_argv (argv, error);
}

gboolean
icmp_netns_have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Namespaces left by a test that crashed: "lookout-icmp-X-PID[-N]" whose PID is gone. */
static void
remove_stale_namespaces (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/run/netns", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint64 pid;

      if (!g_str_has_prefix (name, "lookout-icmp-") || strlen (name) < 16 || name[14] != '-')
        continue;
      pid = g_ascii_strtoull (name + 15, NULL, 10);
      if (pid > 0 && kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
        icmp_netns_ip (NULL, "netns", "del", name, NULL);
    }
}

gboolean
icmp_netns_can_make (GError **error)
{
  if (geteuid () != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           "network namespaces need root");
      return FALSE;
    }
  if (!icmp_netns_have_program ("ip"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no ip(8) (iproute2)");
      return FALSE;
    }

  return TRUE;
}

gboolean
icmp_netns_setup (IcmpNetns  *netns,
                  GError    **error)
{
  static guint serial;
  const char *c, *s;

  memset (netns, 0, sizeof *netns);
  netns->home_fd = -1;

  if (!icmp_netns_can_make (error))
    return FALSE;

  remove_stale_namespaces ();

  netns->client = g_strdup_printf ("lookout-icmp-c-%d-%u", getpid (), serial);
  netns->server = g_strdup_printf ("lookout-icmp-s-%d-%u", getpid (), serial);
  serial++;
  c = netns->client;
  s = netns->server;

  if (!icmp_netns_ip (error, "netns", "add", c, NULL))
    return FALSE;
  if (!icmp_netns_ip (error, "netns", "add", s, NULL) ||
      !icmp_netns_ip (error, "-n", c, "link", "set", "lo", "up", NULL) ||
      !icmp_netns_ip (error, "-n", s, "link", "set", "lo", "up", NULL) ||
      !icmp_netns_ip (error, "link", "add", "lkc0", "netns", c, "type", "veth",
                      "peer", "name", "lks0", "netns", s, NULL) ||
      !icmp_netns_ip (error, "-n", c, "addr", "add", "10.77.0.1/24", "dev", "lkc0", NULL) ||
      !icmp_netns_ip (error, "-n", c, "addr", "add", "fd77::1/64", "dev", "lkc0", "nodad", NULL) ||
      !icmp_netns_ip (error, "-n", s, "addr", "add", "10.77.0.2/24", "dev", "lks0", NULL) ||
      !icmp_netns_ip (error, "-n", s, "addr", "add", "10.77.0.3/24", "dev", "lks0", NULL) ||
      !icmp_netns_ip (error, "-n", s, "addr", "add", "fd77::2/64", "dev", "lks0", "nodad", NULL) ||
      !icmp_netns_ip (error, "-n", c, "link", "set", "lkc0", "up", NULL) ||
      !icmp_netns_ip (error, "-n", s, "link", "set", "lks0", "up", NULL) ||
      !icmp_netns_ip (error, "-n", c, "route", "add", "default", "via", "10.77.0.2", NULL) ||
      !icmp_netns_ip (error, "-n", s, "route", "add", "unreachable", "10.78.0.0/16", NULL) ||
      !sysctl_in (s, "net.ipv4.icmp_echo_ignore_all=1", error) ||
      !sysctl_in (s, "net.ipv6.icmp.echo_ignore_all=1", error) ||
      !sysctl_in (s, "net.ipv4.ip_forward=1", error) ||
      !sysctl_in (s, "net.ipv4.icmp_ratelimit=0", error) ||
      !sysctl_in (c, "net.ipv4.ping_group_range=0 2147483647", error))
    {
      icmp_netns_teardown (netns);
      return FALSE;
    }

  return TRUE;
}

static gboolean
spawn_responder (IcmpNetns   *netns,
                 gboolean     realtime,
                 const char  *script,
                 guint        delay_ms,
                 guint        drop_every,
                 GError     **error)
{
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  g_autofree char *drop = g_strdup_printf ("%u", drop_every);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *argv[] = { "ip", "netns", "exec", netns->server, "chrt", "-f", "10",
                         "/usr/bin/python3", script, ICMP_NETNS_DELAYED, delay, drop, NULL };

  if (!realtime)
    memmove (argv + 4, argv + 7, sizeof argv - 7 * sizeof argv[0]);

  netns->responder = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                        error);
  if (netns->responder == NULL)
    return FALSE;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (netns->responder));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (g_strcmp0 (line, "ready") != 0)
    {
      g_subprocess_force_exit (netns->responder);
      g_subprocess_wait (netns->responder, NULL, NULL);
      g_clear_object (&netns->responder);
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the responder did not start");
      return FALSE;
    }

  return TRUE;
}

gboolean
icmp_netns_start_responder (IcmpNetns   *netns,
                            const char  *script,
                            guint        delay_ms,
                            guint        drop_every,
                            GError     **error)
{
  /* Real-time priority where chrt(1) can give it, so that a busy machine
   * does not make the responder late: the delay is what tests measure. */
  if (icmp_netns_have_program ("chrt") &&
      spawn_responder (netns, TRUE, script, delay_ms, drop_every, NULL))
    return TRUE;

  return spawn_responder (netns, FALSE, script, delay_ms, drop_every, error);
}

void
icmp_netns_teardown (IcmpNetns *netns)
{
  if (netns->responder != NULL)
    {
      /* Closing its stdin ends it. */
      g_output_stream_close (g_subprocess_get_stdin_pipe (netns->responder), NULL, NULL);
      g_subprocess_wait (netns->responder, NULL, NULL);
      g_clear_object (&netns->responder);
    }
  if (netns->client != NULL)
    icmp_netns_ip (NULL, "netns", "del", netns->client, NULL);
  if (netns->server != NULL)
    icmp_netns_ip (NULL, "netns", "del", netns->server, NULL);
  g_clear_pointer (&netns->client, g_free);
  g_clear_pointer (&netns->server, g_free);
}

int
icmp_netns_enter (const char *name)
{
  g_autofree char *path = g_build_filename ("/run/netns", name, NULL);
  int home_fd, fd;

  home_fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (home_fd, >=, 0);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (setns (fd, CLONE_NEWNET), ==, 0);
  close (fd);

  return home_fd;
}

void
icmp_netns_leave (int home_fd)
{
  g_assert_cmpint (setns (home_fd, CLONE_NEWNET), ==, 0);
  close (home_fd);
}

gboolean
icmp_netns_set_net_raw (gboolean enabled)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];

  if (syscall (SYS_capget, &header, data) != 0)
    return FALSE;
  if (enabled)
    data[0].effective |= data[0].permitted & (1u << CAP_NET_RAW);
  else
    data[0].effective &= ~(1u << CAP_NET_RAW);

  return syscall (SYS_capset, &header, data) == 0;
}
