/* test-iface.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* iface:// against a veth pair the test makes between two namespaces of
 * its own (IPv6 off, permanent neighbours: no traffic but the test's):
 *
 *   a: lki0 10.83.0.1/24  ──veth──  b: lki1 10.83.0.2/24
 *
 * Datagrams of known size sent to a neighbour that does not exist leave
 * through the link and are counted, and nothing answers them; the counters
 * and the bits per second must match what was sent. Taking either end
 * down makes the result DOWN, and the alert engine's event follows. */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "icmp-netns.h"
#include "lookout-alert-engine.h"
#include "lookout-iface-probe.h"
#include "lookout-link-watch.h"
#include "lookout-test.h"
#include "lookout-target-uri.h"
#include "path-netns.h"

#define FRAME_OVERHEAD (14 + 20 + 8)   /* Ethernet, IPv4 and UDP headers */

static char *ns_a;
static char *ns_b;
static char *skip_reason;
static int home_fd = -1;

static gboolean
skip_without_netns (void)
{
  if (skip_reason == NULL)
    return FALSE;
  g_test_skip (skip_reason);
  return TRUE;
}

static gboolean
setup_pair (GError **error)
{
  const char *both[] = { ns_a, ns_b };

  for (guint i = 0; i < G_N_ELEMENTS (both); i++)
    if (!icmp_netns_ip (error, "netns", "add", both[i], NULL) ||
        !path_netns_exec (both[i], error, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", NULL) ||
        !path_netns_exec (both[i], error, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1", NULL))
      return FALSE;

  return icmp_netns_ip (error, "link", "add", "lki0", "netns", ns_a, "type", "veth",
                        "peer", "name", "lki1", "netns", ns_b, NULL) &&
         icmp_netns_ip (error, "-n", ns_a, "addr", "add", "10.83.0.1/24", "dev", "lki0", NULL) &&
         icmp_netns_ip (error, "-n", ns_b, "addr", "add", "10.83.0.2/24", "dev", "lki1", NULL) &&
         icmp_netns_ip (error, "-n", ns_a, "neigh", "add", "10.83.0.9", "lladdr", "02:00:00:00:00:09",
                        "dev", "lki0", "nud", "permanent", NULL) &&
         icmp_netns_ip (error, "-n", ns_b, "neigh", "add", "10.83.0.8", "lladdr", "02:00:00:00:00:08",
                        "dev", "lki1", "nud", "permanent", NULL) &&
         icmp_netns_ip (error, "-n", ns_a, "link", "set", "lki0", "up", NULL) &&
         icmp_netns_ip (error, "-n", ns_b, "link", "set", "lki1", "up", NULL);
}

static LookoutTarget *
make_target (const char *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_id (target, 1);
  lookout_target_set_fail_threshold (target, 1);
  lookout_target_set_timeout (target, 400);
  return target;
}

static LookoutResult *
run (LookoutTarget *target)
{
  g_autoptr(LookoutProbe) probe = lookout_iface_probe_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  LookoutResult *result;

  lookout_probe_run_async (probe, target, NULL, lookout_test_async_cb, &res);
  LOOKOUT_TEST_WAIT (res != NULL);
  result = lookout_probe_run_finish (probe, res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* Sends @count datagrams of @size bytes to @to, from the current namespace. */
static void
send_datagrams (const char *to,
                guint       count,
                gsize       size)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (9) };
  g_autofree char *payload = g_malloc0 (size);
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (inet_pton (AF_INET, to, &address.sin_addr), ==, 1);
  for (guint i = 0; i < count; i++)
    g_assert_cmpint (sendto (fd, payload, size, 0, (struct sockaddr *) &address, sizeof address), ==, (gssize) size);
  close (fd);
}

static void
test_uri (void)
{
  static const struct
  {
    const char *text;
    const char *expected;   /* canonical, or a piece of the message */
    gboolean    ok;
  } cases[] = {
    { "iface://default", "iface://default", TRUE },
    { "iface://wlp2s0", "iface://wlp2s0", TRUE },
    { "iface://Br-Lan.10", "iface://Br-Lan.10", TRUE },
    { "iface://eth0/", "iface://eth0", TRUE },
    { "iface://eth0:1", "have no port", FALSE },
    { "iface://eth 0", "letters, digits", FALSE },
    { "iface://abcdefghijklmnop", "at most 15 characters", FALSE },
    { "iface://..", "not a network interface name", FALSE },
    { "iface://", "no host", FALSE },
    { "iface://eth0/x", "no path", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (cases[i].text, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (lookout_target_uri_get_kind (uri), ==, LOOKOUT_TARGET_KIND_IFACE);
          g_assert_cmpstr (lookout_target_uri_to_string (uri), ==, cases[i].expected);
        }
      else
        {
          g_assert_null (uri);
          if (strstr (error->message, cases[i].expected) == NULL)
            g_error ("%s: “%s” does not say “%s”", cases[i].text, error->message, cases[i].expected);
        }
    }
}

/* The counters rise by what was sent, exactly; the rates are what was
 * sent over the time between the two readings, which lies between the end
 * of the first check and the start of the second, and their start and end. */
static void
test_counters (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) first = NULL;
  g_autoptr(LookoutResult) second = NULL;
  const guint n_out = 50, n_in = 40;
  const gsize out_size = 1000, in_size = 600;
  gint64 out_bytes = n_out * (out_size + FRAME_OVERHEAD);
  gint64 in_bytes = n_in * (in_size + FRAME_OVERHEAD);
  gint64 start1, end1, start2, end2;
  double dt_min, dt_max;
  int a_fd;

  if (skip_without_netns ())
    return;

  target = make_target ("iface://lki0");

  start1 = g_get_monotonic_time ();
  first = run (target);
  end1 = g_get_monotonic_time ();
  g_assert_true (first->ok);
  g_assert_cmpint (first->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpstr (first->interface, ==, "lki0");
  g_assert_true (first->carrier);
  /* The first check measures over a short window: nothing was sent in it. */
  g_assert_cmpint (first->rx_bps, ==, 0);
  g_assert_cmpint (first->tx_bps, ==, 0);
  g_assert_cmpint (first->link_errors, ==, 0);

  send_datagrams ("10.83.0.9", n_out, out_size);
  a_fd = icmp_netns_enter (ns_b);
  send_datagrams ("10.83.0.8", n_in, in_size);
  icmp_netns_leave (a_fd);
  /* Spread the readings apart so that the rate's bounds are tight. */
  lookout_test_run_for (300);

  start2 = g_get_monotonic_time ();
  second = run (target);
  end2 = g_get_monotonic_time ();
  g_assert_true (second->ok);

  g_assert_cmpint (second->tx_bytes - first->tx_bytes, ==, out_bytes);
  g_assert_cmpint (second->rx_bytes - first->rx_bytes, ==, in_bytes);
  g_assert_cmpint (second->link_drops, ==, first->link_drops);

  dt_min = (start2 - end1) / (double) G_USEC_PER_SEC;
  dt_max = (end2 - start1) / (double) G_USEC_PER_SEC;
  g_assert_cmpfloat (second->tx_bps, >=, out_bytes * 8 / dt_max - 1);
  g_assert_cmpfloat (second->tx_bps, <=, out_bytes * 8 / dt_min + 1);
  g_assert_cmpfloat (second->rx_bps, >=, in_bytes * 8 / dt_max - 1);
  g_assert_cmpfloat (second->rx_bps, <=, in_bytes * 8 / dt_min + 1);
  g_assert_cmpint (second->link_bps, ==, second->rx_bps + second->tx_bps);
}

static void
event_cb (LookoutAlertEngine *engine,
          LookoutAlertEvent  *event,
          GPtrArray          *events)
{
  g_ptr_array_add (events, lookout_alert_event_ref (event));
}

/* The peer's end down: no carrier; our end down: switched off. Each is a
 * DOWN result, and the alert engine makes the link's DOWN event of it. */
static void
test_link_down (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (NULL);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref);
  g_autoptr(GError) error = NULL;
  LookoutAlertEvent *event;

  if (skip_without_netns ())
    return;

  target = make_target ("iface://lki0");
  g_signal_connect (engine, "event", G_CALLBACK (event_cb), events);

  {
    g_autoptr(LookoutResult) up = run (target);

    g_assert_true (up->ok);
    g_assert_cmpint (lookout_alert_engine_process (engine, target, up), ==, LOOKOUT_TARGET_STATE_UP);
  }

  g_assert_true (icmp_netns_ip (&error, "-n", ns_b, "link", "set", "lki1", "down", NULL));
  g_assert_no_error (error);
  {
    g_autoptr(LookoutResult) down = run (target);

    g_assert_false (down->ok);
    g_assert_cmpint (down->state, ==, LOOKOUT_TARGET_STATE_DOWN);
    g_assert_false (down->carrier);
    g_assert_nonnull (strstr (down->error, "lki0 has no link"));
    g_assert_cmpint (lookout_alert_engine_process (engine, target, down), ==, LOOKOUT_TARGET_STATE_DOWN);
  }
  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpint (event->kind, ==, LOOKOUT_ALERT_EVENT_DOWN);
  g_assert_cmpint (event->target_id, ==, 1);

  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "link", "set", "lki0", "down", NULL));
  g_assert_no_error (error);
  {
    g_autoptr(LookoutResult) off = run (target);

    g_assert_cmpint (off->state, ==, LOOKOUT_TARGET_STATE_DOWN);
    g_assert_nonnull (strstr (off->error, "lki0 is switched off"));
  }

  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "link", "set", "lki0", "up", NULL));
  g_assert_true (icmp_netns_ip (&error, "-n", ns_b, "link", "set", "lki1", "up", NULL));
  g_assert_no_error (error);
  {
    g_autoptr(LookoutResult) back = NULL;

    /* A veth's carrier returns as soon as both ends are up. */
    back = run (target);
    g_assert_true (back->ok);
    g_assert_cmpint (lookout_alert_engine_process (engine, target, back), ==, LOOKOUT_TARGET_STATE_UP);
  }
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((LookoutAlertEvent *) g_ptr_array_index (events, 1))->kind, ==, LOOKOUT_ALERT_EVENT_UP);
}

/* iface://default follows the default route, and says when there is none. */
static void
test_default (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) none = NULL;
  g_autoptr(LookoutResult) found = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_netns ())
    return;

  target = make_target ("iface://default");
  none = run (target);
  g_assert_cmpint (none->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (none->error_code, ==, LOOKOUT_PROBE_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (none->error, "no default route"));

  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "route", "add", "default", "via", "10.83.0.2", NULL));
  g_assert_no_error (error);
  found = run (target);
  g_assert_true (found->ok);
  g_assert_cmpstr (found->interface, ==, "lki0");
  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "route", "del", "default", NULL));
  g_assert_no_error (error);
}

static gboolean
watch_says (LookoutLinkWatch *watch,
            gboolean          up,
            const char       *interface)
{
  return lookout_link_watch_get_known (watch)
         && lookout_link_watch_get_up (watch) == up
         && g_strcmp0 (lookout_link_watch_get_interface (watch), interface) == 0;
}

static void
changed_cb (LookoutLinkWatch *watch,
            gboolean          up,
            const char       *interface,
            guint            *n_changes)
{
  (*n_changes)++;
}

/* The kernel's notifications keep the default route's link known: the
 * peer's end going down and up, the default route going away. */
static void
test_link_watch (void)
{
  g_autoptr(LookoutLinkWatch) watch = NULL;
  g_autoptr(GError) error = NULL;
  guint n_changes = 0;

  if (skip_without_netns ())
    return;

  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "route", "add", "default", "via", "10.83.0.2", NULL));
  g_assert_no_error (error);
  watch = lookout_link_watch_new ();
  g_signal_connect (watch, "changed", G_CALLBACK (changed_cb), &n_changes);
  LOOKOUT_TEST_WAIT (watch_says (watch, TRUE, "lki0"));
  g_assert_cmpuint (n_changes, ==, 1);

  g_assert_true (icmp_netns_ip (&error, "-n", ns_b, "link", "set", "lki1", "down", NULL));
  LOOKOUT_TEST_WAIT (watch_says (watch, FALSE, "lki0"));
  g_assert_true (icmp_netns_ip (&error, "-n", ns_b, "link", "set", "lki1", "up", NULL));
  LOOKOUT_TEST_WAIT (watch_says (watch, TRUE, "lki0"));
  g_assert_true (icmp_netns_ip (&error, "-n", ns_a, "route", "del", "default", NULL));
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (watch_says (watch, FALSE, NULL));
  g_assert_cmpuint (n_changes, ==, 4);
}

static void
test_no_such_interface (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;

  if (skip_without_netns ())
    return;

  target = make_target ("iface://nosuch0");
  result = run (target);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpstr (result->error, ==, "There is no network interface named “nosuch0”");
  g_assert_null (result->interface);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  ns_a = g_strdup_printf ("lookout-iface-a-%d", getpid ());
  ns_b = g_strdup_printf ("lookout-iface-b-%d", getpid ());
  if (!icmp_netns_can_make (&error) || !setup_pair (&error))
    skip_reason = g_strdup_printf ("no veth pair in namespaces here: %s", error->message);
  else
    home_fd = icmp_netns_enter (ns_a);

  g_test_add_func ("/iface/uri", test_uri);
  g_test_add_func ("/iface/counters", test_counters);
  g_test_add_func ("/iface/link-down", test_link_down);
  g_test_add_func ("/iface/default", test_default);
  g_test_add_func ("/iface/no-such-interface", test_no_such_interface);
  g_test_add_func ("/iface/link-watch", test_link_watch);

  status = g_test_run ();

  if (home_fd >= 0)
    icmp_netns_leave (home_fd);
  icmp_netns_ip (NULL, "netns", "del", ns_a, NULL);
  icmp_netns_ip (NULL, "netns", "del", ns_b, NULL);
  g_free (ns_a);
  g_free (ns_b);
  g_free (skip_reason);

  return status;
}
