/* test-icmp-socket.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* LookoutIcmpSocket on its own, as a path probe would use it: echoes to
 * loopback, matched by sequence, with the kernel's timestamps. */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <gio/gio.h>

#include "lookout-icmp-socket.h"
#include "lookout-test.h"

#define COOKIE   G_GUINT64_CONSTANT (0x5a17c0ffee0ddba1)

typedef struct
{
  guint           replies;
  guint16         sequence;
  guint8          from[4];
  gsize           payload_len;
  struct timespec received;
  guint           sent;
  guint16         sent_sequence;
  struct timespec sent_at;
  guint           errors;
  guint           dispatched;
} Seen;

static void
reply_cb (gpointer               user_data,
          guint16                sequence,
          const guint8          *from,
          gsize                  payload_len,
          const struct timespec *received)
{
  Seen *seen = user_data;

  seen->replies++;
  seen->sequence = sequence;
  g_assert_nonnull (from);
  memcpy (seen->from, from, 4);
  seen->payload_len = payload_len;
  seen->received = *received;
}

static void
error_cb (gpointer               user_data,
          guint16                sequence,
          const guint8          *destination,
          guint8                 type,
          guint8                 code,
          const guint8          *offender,
          const struct timespec *received)
{
  Seen *seen = user_data;

  seen->errors++;
}

static void
sent_cb (gpointer               user_data,
         guint16                sequence,
         gsize                  payload_len,
         const struct timespec *sent)
{
  Seen *seen = user_data;

  seen->sent++;
  seen->sent_sequence = sequence;
  seen->sent_at = *sent;
}

static void
dispatched_cb (gpointer user_data)
{
  Seen *seen = user_data;

  seen->dispatched++;
}

static const LookoutIcmpSocketCallbacks callbacks = {
  .reply = reply_cb,
  .error = error_cb,
  .sent = sent_cb,
  .dispatched = dispatched_cb,
};

static gint64
timespec_ns (const struct timespec *ts)
{
  return (gint64) ts->tv_sec * G_GINT64_CONSTANT (1000000000) + ts->tv_nsec;
}

static void
echo_loopback (gboolean prefer_raw)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(LookoutIcmpSocket) sock = NULL;
  g_autoptr(GError) error = NULL;
  struct sockaddr_in to = { 0 };
  struct timespec sent_real;
  gint64 sent_mono;
  Seen seen = { 0 };
  guint8 loopback[4] = { 127, 0, 0, 1 };

  g_main_context_push_thread_default (context);

  sock = lookout_icmp_socket_new (G_SOCKET_FAMILY_IPV4, prefer_raw, COOKIE, &callbacks, &seen, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      g_assert_nonnull (strstr (error->message, "ping_group_range"));
      g_test_skip (error->message);
      g_main_context_pop_thread_default (context);
      return;
    }
  g_assert_no_error (error);

  if (prefer_raw)
    g_assert_cmpint (lookout_icmp_socket_get_kind (sock), !=, LOOKOUT_ICMP_SOCKET_NONE);
  else
    g_assert_cmpint (lookout_icmp_socket_get_kind (sock), ==, LOOKOUT_ICMP_SOCKET_PING);
  if (lookout_icmp_socket_get_kind (sock) == LOOKOUT_ICMP_SOCKET_RAW)
    g_assert_cmpuint (lookout_icmp_socket_get_identifier (sock), !=, 0);

  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (lookout_icmp_socket_send_echo (sock, (struct sockaddr *) &to, sizeof to,
                                                  4242, 24, &sent_real, &sent_mono), ==, 0);
  g_assert_cmpint (sent_mono, <=, g_get_monotonic_time ());

  LOOKOUT_TEST_WAIT (seen.replies > 0 &&
                     (!lookout_icmp_socket_has_tx_timestamps (sock) || seen.sent > 0));

  g_assert_cmpuint (seen.replies, ==, 1);
  g_assert_cmpuint (seen.sequence, ==, 4242);
  g_assert_cmpuint (seen.payload_len, ==, 24);
  g_assert_cmpmem (seen.from, 4, loopback, 4);
  g_assert_cmpuint (seen.errors, ==, 0);
  g_assert_cmpuint (seen.dispatched, >=, 1);
  /* Kernel receive time after our clock at send, by less than the wait. */
  g_assert_cmpint (timespec_ns (&seen.received), >=, timespec_ns (&sent_real));
  g_assert_cmpint (timespec_ns (&seen.received) - timespec_ns (&sent_real), <,
                   (gint64) LOOKOUT_TEST_WAIT_MS * 1000000);
  if (lookout_icmp_socket_has_tx_timestamps (sock))
    {
      g_assert_cmpuint (seen.sent_sequence, ==, 4242);
      g_assert_cmpint (timespec_ns (&seen.sent_at), >=, timespec_ns (&sent_real));
      g_assert_cmpint (timespec_ns (&seen.sent_at), <=, timespec_ns (&seen.received));
    }

  g_main_context_pop_thread_default (context);
}

static void
test_echo_ping (void)
{
  echo_loopback (FALSE);
}

static void
test_echo_raw_first (void)
{
  echo_loopback (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-socket/echo/ping", test_echo_ping);
  g_test_add_func ("/icmp-socket/echo/raw-first", test_echo_raw_first);

  return g_test_run ();
}
