/* dns-test-server.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "dns-test-server.h"

/* A test that aborts must not leave its servers behind (nor keep the test
 * runner waiting on their inherited stderr). */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       const char * const  *argv,
       GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

GSocket *
test_udp_socket_new (guint16 *port)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return g_steal_pointer (&socket);
}

static guint16
pick_free_port (void)
{
  guint16 port;
  g_autoptr(GSocket) socket = test_udp_socket_new (&port);

  return port;
}

/* A blocking A query for www.example.test, to know dnsmasq is listening. */
static gboolean
answers (guint16 port)
{
  static const guint8 query[] = {
    0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0,
    0x00, 0x01, 0x00, 0x01,
  };
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  guint8 buf[512];

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_socket_set_timeout (socket, 1);
  if (g_socket_send_to (socket, address, (const char *) query, sizeof query, NULL, NULL) < 0)
    return FALSE;
  if (!g_socket_condition_timed_wait (socket, G_IO_IN, 100000, NULL, NULL))
    return FALSE;
  return g_socket_receive (socket, (char *) buf, sizeof buf, NULL, NULL) > 12;
}

TestDnsServer *
test_dnsmasq_start (guint local_ttl)
{
  g_autofree char *dnsmasq = g_find_program_in_path ("dnsmasq");

  if (dnsmasq == NULL && g_file_test ("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
    dnsmasq = g_strdup ("/usr/sbin/dnsmasq");
  if (dnsmasq == NULL)
    return NULL;

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autoptr(TestDnsServer) server = g_new0 (TestDnsServer, 1);
      g_autoptr(GError) error = NULL;
      g_autofree char *port_arg = NULL;
      g_autofree char *pid_arg = NULL;
      g_autofree char *ttl_arg = NULL;

      server->dir = lookout_test_dir_new ();
      server->port = pick_free_port ();
      port_arg = g_strdup_printf ("--port=%u", server->port);
      pid_arg = g_strdup_printf ("--pid-file=%s/pid", server->dir);
      ttl_arg = g_strdup_printf ("--local-ttl=%u", local_ttl);

      {
        const char *argv[] = {
          dnsmasq, "--keep-in-foreground", "--conf-file=/dev/null",
          port_arg, pid_arg, ttl_arg,
          "--listen-address=127.0.0.1", "--bind-interfaces",
          "--no-resolv", "--no-hosts", "--no-poll",
          "--user=root", "--group=root",
          "--local=/example.test/",
          "--host-record=www.example.test,192.0.2.1,2001:db8::1",
          "--host-record=v4.example.test,192.0.2.2",
          "--host-record=loop.example.test,127.0.0.1",
          "--host-record=a1.example.test,192.0.2.11",
          "--host-record=a2.example.test,192.0.2.12",
          "--host-record=a3.example.test,192.0.2.13",
          "--mx-host=example.test,mail.example.test,10",
          "--txt-record=example.test,v=spf1 -all,second string",
          NULL
        };

        server->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                 argv, &error);
      }
      g_assert_no_error (error);

      for (guint i = 0; i < 40; i++)
        {
          if (answers (server->port))
            return g_steal_pointer (&server);
          lookout_test_drain ();
          if (g_subprocess_get_identifier (server->process) == NULL)
            break;  /* it exited: most likely the port was taken meanwhile */
          g_usleep (25000);
        }
    }

  g_error ("dnsmasq did not start");
  return NULL;
}

TestDnsServer *
test_responder_start (void)
{
  g_autoptr(TestDnsServer) server = g_new0 (TestDnsServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "dns-responder.py", NULL);
  g_autofree char *line = NULL;
  guint64 port;

  server->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                           (const char *[]) { "/usr/bin/python3", script, NULL }, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_ascii_string_to_unsigned (line, 10, 1, 65535, &port, NULL));
  server->port = (guint16) port;

  return g_steal_pointer (&server);
}

char *
test_dns_server_csv (TestDnsServer *server)
{
  return g_strdup_printf ("127.0.0.1:%u", server->port);
}

void
test_dns_server_free (TestDnsServer *server)
{
  if (server->process != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
      g_clear_object (&server->process);
    }
  g_clear_pointer (&server->dir, lookout_test_dir_free);
  g_free (server);
}
