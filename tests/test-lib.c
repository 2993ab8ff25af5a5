/* test-lib.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The shared test library itself: waits end when their condition holds and
 * fail, naming it, when their deadline passes; temporary stores and
 * directories leave nothing behind; the loopback server answers. */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "lookout-tcp-probe.h"
#include "lookout-test.h"

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
flag_is_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static void
test_wait_until_holds (void)
{
  gboolean flag = FALSE;
  gint64 start = g_get_monotonic_time ();

  g_timeout_add (20, set_flag_cb, &flag);
  g_assert_true (lookout_test_wait_until (flag_is_set, &flag, 10000));
  g_assert_true (flag);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_wait_until_deadline (void)
{
  gboolean flag = FALSE;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (lookout_test_wait_until (flag_is_set, &flag, 50));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 50 * 1000);

  /* A condition already true returns at once, without a deadline left behind. */
  flag = TRUE;
  g_assert_true (lookout_test_wait_until (flag_is_set, &flag, 50));
  g_assert_false (g_main_context_pending (NULL));
}

static void
test_wait_macro_holds (void)
{
  gboolean flag = FALSE;

  g_timeout_add (10, set_flag_cb, &flag);
  LOOKOUT_TEST_WAIT (flag);
  g_assert_true (flag);
}

static void
test_wait_macro_fails (void)
{
  if (g_test_subprocess ())
    {
      gboolean never = FALSE;

      LOOKOUT_TEST_WAIT_UNTIL (never == TRUE, 50);
      return;
    }

  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*timed out after 50 ms waiting for never == TRUE*");
}

static void
test_run_for (void)
{
  gint64 start = g_get_monotonic_time ();
  gboolean flag = FALSE;

  g_timeout_add (10, set_flag_cb, &flag);
  lookout_test_run_for (60);
  g_assert_true (flag);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 60 * 1000);
}

static void
test_dir (void)
{
  LookoutTestDir *dir = lookout_test_dir_new ();
  g_autofree char *copy = g_strdup (dir);
  g_autofree char *sub = g_build_filename (dir, "a", "b", NULL);
  g_autofree char *file = g_build_filename (sub, "c.txt", NULL);

  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));

  lookout_test_dir_free (dir);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
}

static void
test_store (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_strdup (tmp->dir);
  LookoutSample s = { 1, 1000, 500, LOOKOUT_TARGET_STATE_UP, 0, NULL };

  g_assert_true (LOOKOUT_IS_STORE (tmp->store));
  g_assert_true (g_str_has_prefix (tmp->path, tmp->dir));
  g_assert_true (g_file_test (tmp->path, G_FILE_TEST_IS_REGULAR));

  lookout_store_append_sample (tmp->store, &s);
  g_assert_true (lookout_store_flush_sync (tmp->store, &error));

  /* Closed and opened again: the same file. */
  lookout_test_store_close (tmp);
  g_assert_null (tmp->store);
  lookout_test_store_open (tmp);
  samples = lookout_store_query_samples_sync (tmp->store, 1, 0, G_MAXINT64, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);

  g_clear_pointer (&tmp, lookout_test_store_free);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
test_store_empty (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new_empty ();

  g_assert_null (tmp->store);
  g_assert_true (g_file_test (tmp->dir, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (tmp->path, G_FILE_TEST_EXISTS));
}

static void
test_monitor (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:9", NULL);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  lookout_test_add_target (monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (lookout_monitor_get_targets (monitor)), ==, 1);

  stored = lookout_store_load_targets_sync (tmp->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_clear_object (&monitor);
}

static void
hello_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  (*(guint *) user_data)++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, path, strlen (path));
}

static void
test_http_server (void)
{
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  guint requests = 0;
  g_autoptr(SoupServer) server = lookout_test_http_server_new (hello_cb, &requests, &base);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (base, "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (base, "/"));

  url = g_strconcat (base, "/hello", NULL);
  msg = soup_message_new ("GET", url);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), "/hello", 6);
  g_assert_cmpuint (requests, ==, 1);
}

static void
test_run_probe (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(LookoutProbe) probe = lookout_tcp_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  uri = g_strdup_printf ("tcp://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  result = lookout_test_run_probe (probe, uri, 2000, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (result->ok);
  g_assert_cmpint (result->kind, ==, LOOKOUT_TARGET_KIND_TCP);
  g_assert_cmpstr (result->address, ==, "127.0.0.1");
}

static void
test_cpu (void)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  gint64 start = lookout_test_cpu_us_self ();
  volatile guint64 sum = 0;

  g_assert_cmpint (start, >=, 0);
  /* Work until this process has spent 30 ms more of CPU: the count of a
   * clock tick (10 ms) shows it too. */
  while (lookout_test_cpu_us_self () - start < 30000)
    for (guint i = 0; i < 100000; i++)
      sum += i;

  g_assert_cmpint (lookout_test_cpu_us_of (pid), >=, 20000);
  g_assert_cmpint (lookout_test_cpu_us_of ("0"), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lib/wait/until-holds", test_wait_until_holds);
  g_test_add_func ("/lib/wait/until-deadline", test_wait_until_deadline);
  g_test_add_func ("/lib/wait/macro-holds", test_wait_macro_holds);
  g_test_add_func ("/lib/wait/macro-fails", test_wait_macro_fails);
  g_test_add_func ("/lib/wait/run-for", test_run_for);
  g_test_add_func ("/lib/dir", test_dir);
  g_test_add_func ("/lib/store", test_store);
  g_test_add_func ("/lib/store/empty", test_store_empty);
  g_test_add_func ("/lib/monitor", test_monitor);
  g_test_add_func ("/lib/http-server", test_http_server);
  g_test_add_func ("/lib/run-probe", test_run_probe);
  g_test_add_func ("/lib/cpu", test_cpu);

  return g_test_run ();
}
