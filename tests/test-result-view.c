/* test-result-view.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The detail of a target's last result: crafted LookoutResults of each kind
 * fed to LookoutResultView, the texts it shows (absent values as "—"), and
 * the window over a real monitor checking a TCP listener on loopback, whose
 * page shows each target's last result as soon as it is selected. */

#include "config.h"

#include <libsoup/soup.h>

/* The window tests wait for real checks, each up to a second apart. */
#include "lookout-test-gui.h"

#include "lookout-gui-utils.h"
#include "lookout-result-view-private.h"

#define DAY_S (24 * 60 * 60)

/* A measured duration, in whichever unit its magnitude calls for. */
static gboolean
is_duration (const char *text)
{
  return g_str_has_suffix (text, " µs") || g_str_has_suffix (text, " ms") || g_str_has_suffix (text, " s");
}

static LookoutResultView *
view_new (void)
{
  return g_object_ref_sink (LOOKOUT_RESULT_VIEW (lookout_result_view_new ()));
}

#define assert_row(row, label, text) \
  G_STMT_START { \
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row))); \
    g_assert_cmpstr (gtk_label_get_label (label), ==, (text)); \
  } G_STMT_END

#define assert_hidden(row) g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row)))

static void
assert_http_rows_hidden (LookoutResultView *view)
{
  assert_hidden (view->status_row);
  assert_hidden (view->timing_row);
  assert_hidden (view->resolve_row);
  assert_hidden (view->connect_row);
  assert_hidden (view->tls_row);
  assert_hidden (view->processing_row);
  assert_hidden (view->transfer_row);
  assert_hidden (view->cert_row);
}

static void
assert_other_kinds_hidden (LookoutResultView *view)
{
  assert_hidden (view->packets_row);
  assert_hidden (view->loss_row);
  assert_hidden (view->rtt_row);
  assert_hidden (view->jitter_row);
  assert_hidden (view->rcode_row);
  assert_hidden (view->answers_row);
  assert_hidden (view->offset_row);
  assert_hidden (view->stratum_row);
  assert_hidden (view->refid_row);
  assert_hidden (view->reply_row);
}

static LookoutResult *
http_result (void)
{
  LookoutResult *result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);

  result->target = g_strdup ("https://127.0.0.1:8443/health");
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 12300;
  result->address = g_strdup ("127.0.0.1");
  result->http_status = 200;
  result->http_version = g_strdup ("1.1");
  result->dns_us = 1000;
  result->connect_us = 2000;
  result->tls_us = 3000;
  result->processing_us = 4000;
  result->transfer_us = 2500;

  return result;
}

static void
test_empty (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

  g_assert_null (lookout_result_view_get_result (view));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->empty_row)));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (view->empty_row)), ==, "Not checked yet");
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (view)), ==, "Last Result");
  assert_hidden (view->checked_row);
  assert_hidden (view->state_row);
  assert_http_rows_hidden (view);
  assert_other_kinds_hidden (view);

  /* A result and back to none. */
  lookout_result_view_set_result (view, result);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->empty_row)));
  lookout_result_view_set_result (view, NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->empty_row)));
  assert_hidden (view->latency_row);
}

static void
test_common (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 3, 14, 15, 9, 26);

  result->target = g_strdup ("tcp://127.0.0.1:5432");
  result->started_ms = g_date_time_to_unix (when) * 1000;
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 840;
  result->address = g_strdup ("127.0.0.1");
  lookout_result_view_set_result (view, result);

  assert_row (view->checked_row, view->checked_label, "2026-03-14 15:09:26");
  assert_row (view->state_row, view->state_label, "Up");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->state_label), "up"));
  g_assert_true (gtk_widget_has_css_class (view->state_dot, "up"));
  assert_row (view->latency_row, view->latency_label, "840 µs");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (view->latency_row)), ==, "Response time");
  assert_row (view->address_row, view->address_label, "127.0.0.1");
  assert_row (view->error_row, view->error_label, "—");
  assert_http_rows_hidden (view);
  assert_other_kinds_hidden (view);

  /* Rows are named after their title and value. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->latency_row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Response time: 840 µs");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->state_row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "State: Up");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->error_row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Error: —");
}

static void
test_failure (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);

  result->target = g_strdup ("https://127.0.0.1:8443/");
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                            "No answer from %s within %u ms", "127.0.0.1", 2000u);
  lookout_result_view_set_result (view, result);

  assert_row (view->state_row, view->state_label, "Down");
  g_assert_true (gtk_widget_has_css_class (view->state_dot, "down"));
  /* Nothing measured: dashes, never zeros. */
  assert_row (view->latency_row, view->latency_label, "—");
  assert_row (view->address_row, view->address_label, "—");
  assert_row (view->status_row, view->status_label, "—");
  assert_row (view->resolve_row, view->resolve_label, "—");
  assert_row (view->connect_row, view->connect_label, "—");
  assert_row (view->tls_row, view->tls_label, "—");
  assert_row (view->processing_row, view->processing_label, "—");
  assert_row (view->transfer_row, view->transfer_label, "—");
  assert_row (view->cert_row, view->cert_label, "—");
  /* No request went out, so this is no reused connection. */
  g_assert_cmpstr (adw_action_row_get_subtitle (view->connect_row), ==, "");

  assert_row (view->error_row, view->error_label, "No answer from 127.0.0.1 within 2000 ms");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->error_row), ==, "Class: timeout");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->error_label), "error"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->error_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Error: No answer from 127.0.0.1 within 2000 ms");
}

static void
test_http (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = http_result ();
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) expiry = NULL;
  g_autofree char *date = NULL;
  g_autofree char *expected = NULL;

  result->cert_expiry_s = now_s + 10 * DAY_S + 3600;
  expiry = g_date_time_new_from_unix_local (result->cert_expiry_s);
  date = g_date_time_format (expiry, "%Y-%m-%d");
  lookout_result_view_set_result (view, result);

  assert_row (view->state_row, view->state_label, "Up");
  assert_row (view->latency_row, view->latency_label, "12.3 ms");
  assert_row (view->status_row, view->status_label, "200 OK · HTTP/1.1");
  assert_row (view->resolve_row, view->resolve_label, "1.00 ms");
  assert_row (view->connect_row, view->connect_label, "2.00 ms");
  assert_row (view->tls_row, view->tls_label, "3.00 ms");
  assert_row (view->processing_row, view->processing_label, "4.00 ms");
  assert_row (view->transfer_row, view->transfer_label, "2.50 ms");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->connect_row), ==, "");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->timing_row)));
  g_assert_cmpint (lookout_phase_bar_get_phase (view->phase_bar, LOOKOUT_PHASE_RESOLVE), ==, 1000);
  g_assert_cmpint (lookout_phase_bar_get_phase (view->phase_bar, LOOKOUT_PHASE_TRANSFER), ==, 2500);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->timing_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Timing: Resolve 1.00 ms, Connect 2.00 ms, TLS handshake 3.00 ms, "
                                       "Server processing 4.00 ms, Transfer 2.50 ms");

  /* Ten days left: a warning. */
  expected = g_strdup_printf ("%s (in 10 days)", date);
  assert_row (view->cert_row, view->cert_label, expected);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->cert_label), "warning"));
  assert_other_kinds_hidden (view);

  /* A hundred days left: no warning. */
  {
    g_autoptr(LookoutResult) later = http_result ();

    later->cert_expiry_s = now_s + 100 * DAY_S + 3600;
    lookout_result_view_set_result (view, later);
    g_assert_true (g_str_has_suffix (gtk_label_get_label (view->cert_label), " (in 100 days)"));
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (view->cert_label), "warning"));
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (view->cert_label), "error"));
  }

  /* Expired two days ago: an error. */
  {
    g_autoptr(LookoutResult) expired = http_result ();

    expired->cert_expiry_s = now_s - 2 * DAY_S - 3600;
    lookout_result_view_set_result (view, expired);
    g_assert_true (g_str_has_suffix (gtk_label_get_label (view->cert_label), " (expired 2 days ago)"));
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->cert_label), "error"));
  }
}

static void
test_http_reused (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = http_result ();
  g_autoptr(LookoutResult) plain = http_result ();

  /* Kept alive from the previous check: no resolve, connect or handshake,
   * which the probe reports as absent (-1). */
  result->dns_us = result->connect_us = result->tls_us = -1;
  result->processing_us = 900;
  result->transfer_us = 100;
  result->http_version = (g_free (result->http_version), g_strdup ("2"));
  lookout_result_view_set_result (view, result);

  assert_row (view->status_row, view->status_label, "200 OK · HTTP/2");
  assert_row (view->resolve_row, view->resolve_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->resolve_row), ==, "No lookup needed");
  assert_row (view->connect_row, view->connect_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->connect_row), ==, "Reused connection");
  assert_row (view->tls_row, view->tls_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->tls_row), ==, "Reused connection");
  assert_row (view->processing_row, view->processing_label, "900 µs");
  assert_row (view->transfer_row, view->transfer_label, "100 µs");
  g_assert_cmpint (lookout_phase_bar_get_phase (view->phase_bar, LOOKOUT_PHASE_CONNECT), ==, -1);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->timing_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Timing: Server processing 900 µs, Transfer 100 µs");
  assert_row (view->cert_row, view->cert_label, "—");

  /* Plain HTTP has no handshake and no certificate. */
  plain->target = (g_free (plain->target), g_strdup ("http://127.0.0.1:8080/"));
  plain->dns_us = -1;
  plain->tls_us = -1;
  plain->http_status = 404;
  lookout_result_view_set_result (view, plain);
  assert_row (view->status_row, view->status_label, "404 Not Found · HTTP/1.1");
  assert_row (view->tls_row, view->tls_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->tls_row), ==, "Not used: plain HTTP");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->connect_row), ==, "");
  assert_row (view->connect_row, view->connect_label, "2.00 ms");
  assert_row (view->resolve_row, view->resolve_label, "—");
  assert_row (view->cert_row, view->cert_label, "—");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->timing_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Timing: Connect 2.00 ms, Server processing 4.00 ms, Transfer 2.50 ms");
}

static void
test_icmp (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  g_autoptr(LookoutResult) lost = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  const char *loss_name = "Packet loss: 33.33 %";

  result->target = g_strdup ("icmp://127.0.0.1");
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_DEGRADED;
  result->address = g_strdup ("127.0.0.1");
  result->sent = 3;
  result->received = 2;
  result->min_us = 1000;
  result->latency_us = 1500;
  result->max_us = 2000;
  result->jitter_us = 250;
  lookout_result_view_set_result (view, result);

  assert_row (view->state_row, view->state_label, "Degraded");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (view->latency_row)), ==, "Median round trip");
  assert_row (view->latency_row, view->latency_label, "1.50 ms");
  assert_row (view->packets_row, view->packets_label, "3 sent, 2 received");
  assert_row (view->loss_row, view->loss_label, "33.33 %");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->loss_label), "warning"));
  assert_row (view->rtt_row, view->rtt_label, "1.00 ms / 1.50 ms / 2.00 ms");
  assert_row (view->jitter_row, view->jitter_label, "250 µs");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->loss_row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, loss_name);
  assert_http_rows_hidden (view);
  assert_hidden (view->rcode_row);
  assert_hidden (view->reply_row);

  /* Every echo lost: 100 %, and no times at all. */
  lost->target = g_strdup ("icmp://127.0.0.1");
  lost->sent = 3;
  lookout_result_set_error (lost, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_LOSS,
                            "All %u echoes lost", 3u);
  lookout_result_view_set_result (view, lost);
  assert_row (view->packets_row, view->packets_label, "3 sent, 0 received");
  assert_row (view->loss_row, view->loss_label, "100 %");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->loss_label), "error"));
  assert_row (view->rtt_row, view->rtt_label, "—");
  assert_row (view->jitter_row, view->jitter_label, "—");
  assert_row (view->latency_row, view->latency_label, "—");
  assert_row (view->error_row, view->error_label, "All 3 echoes lost");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->error_row), ==, "Class: loss");

  /* Nothing sent (not permitted): no loss figure either. */
  {
    g_autoptr(LookoutResult) denied = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);

    lookout_result_set_error (denied, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION,
                              "ICMP sockets are not permitted");
    lookout_result_view_set_result (view, denied);
    assert_row (view->packets_row, view->packets_label, "—");
    assert_row (view->loss_row, view->loss_label, "—");
  }
}

static void
test_dns (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_DNS);
  g_autoptr(LookoutResult) nxdomain = lookout_result_new (LOOKOUT_TARGET_KIND_DNS);
  g_autoptr(LookoutResult) silent = lookout_result_new (LOOKOUT_TARGET_KIND_DNS);
  const char *answers[] = { "192.0.2.1", "192.0.2.2", NULL };

  result->target = g_strdup ("dns://127.0.0.1:5354/example.test?type=A");
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 310;
  result->address = g_strdup ("127.0.0.1");
  result->rcode = 0;
  result->answers = g_strdupv ((char **) answers);
  lookout_result_view_set_result (view, result);

  assert_row (view->rcode_row, view->rcode_label, "NOERROR");
  assert_row (view->answers_row, view->answers_label, "192.0.2.1\n192.0.2.2");
  assert_http_rows_hidden (view);
  assert_hidden (view->offset_row);

  nxdomain->rcode = 3;
  lookout_result_set_error (nxdomain, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RCODE,
                            "The server answered NXDOMAIN");
  lookout_result_view_set_result (view, nxdomain);
  assert_row (view->rcode_row, view->rcode_label, "NXDOMAIN");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->rcode_row), !=, "");
  assert_row (view->answers_row, view->answers_label, "—");
  assert_row (view->error_row, view->error_label, "The server answered NXDOMAIN");

  /* No reply: no rcode, and not NOERROR either. */
  lookout_result_set_error (silent, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "No answer");
  lookout_result_view_set_result (view, silent);
  assert_row (view->rcode_row, view->rcode_label, "—");
  assert_row (view->answers_row, view->answers_label, "—");
}

static void
test_ntp (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_NTP);
  g_autoptr(LookoutResult) silent = lookout_result_new (LOOKOUT_TARGET_KIND_NTP);

  result->target = g_strdup ("ntp://127.0.0.1:11123");
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 800;
  result->address = g_strdup ("127.0.0.1");
  result->offset_us = -1500;
  result->stratum = 2;
  result->reference_id = g_strdup ("GPS");
  lookout_result_view_set_result (view, result);

  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (view->latency_row)), ==, "Round-trip delay");
  assert_row (view->latency_row, view->latency_label, "800 µs");
  assert_row (view->offset_row, view->offset_label, "-1.500 ms");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->offset_row), ==, "The server is behind this clock");
  assert_row (view->stratum_row, view->stratum_label, "2");
  assert_row (view->refid_row, view->refid_label, "GPS");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view->stratum_row),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Stratum: 2");
  assert_http_rows_hidden (view);
  assert_hidden (view->packets_row);

  /* No reply: the zero offset of an empty result is not shown as one. */
  lookout_result_set_error (silent, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "No answer");
  lookout_result_view_set_result (view, silent);
  assert_row (view->offset_row, view->offset_label, "—");
  assert_row (view->stratum_row, view->stratum_label, "—");
  assert_row (view->refid_row, view->refid_label, "—");
  assert_row (view->latency_row, view->latency_label, "—");
}

/* An interface's value is its traffic, in bits per second. */
static void
test_iface (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_IFACE);

  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->rx_bps = 1000000;
  result->tx_bps = 250000;
  result->link_bps = 1250000;
  lookout_result_view_set_result (view, result);

  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (view->latency_row)), ==,
                   "Traffic, received and sent");
  assert_row (view->latency_row, view->latency_label, "1.25 Mbit/s");
  assert_http_rows_hidden (view);
}

static void
test_udp (void)
{
  g_autoptr(LookoutResultView) view = view_new ();
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_UDP);
  g_autoptr(LookoutResult) silent = lookout_result_new (LOOKOUT_TARGET_KIND_UDP);

  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 150;
  result->reply_bytes = 12;
  lookout_result_view_set_result (view, result);
  assert_row (view->reply_row, view->reply_label, "12 bytes");
  assert_http_rows_hidden (view);
  assert_hidden (view->rcode_row);

  silent->address = g_strdup ("127.0.0.1");
  lookout_result_set_error (silent, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_NO_REPLY,
                            "No reply from 127.0.0.1 port 9");
  lookout_result_view_set_result (view, silent);
  assert_row (view->reply_row, view->reply_label, "No reply: open|filtered");
  g_assert_true (strstr (adw_action_row_get_subtitle (view->reply_row), "firewall") != NULL);
  assert_row (view->latency_row, view->latency_label, "—");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (view->error_label), "warning"));
}

/* The window over a real monitor and store. */

typedef struct
{
  LookoutTestWindow w;
  GSocketListener  *listener;
  GCancellable     *cancellable;
  guint             accepted;
} Fixture;

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  fixture->accepted++;
  g_socket_listener_accept_async (fixture->listener, fixture->cancellable, accepted_cb, fixture);
}

static guint16
listen_on_loopback (GSocketListener *listener)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static LookoutTarget *
add_target (Fixture    *fixture,
            const char *uri,
            const char *name)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_name (target, name);
  lookout_target_set_interval (target, 1);
  lookout_target_set_timeout (target, 1000);

  lookout_test_add_target (fixture->w.monitor, target);

  return g_steal_pointer (&target);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->cancellable = g_cancellable_new ();
  fixture->listener = g_socket_listener_new ();
  lookout_test_window_open (&fixture->w);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  lookout_monitor_stop (fixture->w.monitor);
  g_cancellable_cancel (fixture->cancellable);
  g_socket_listener_close (fixture->listener);
  g_clear_object (&fixture->listener);
  g_clear_object (&fixture->cancellable);
  lookout_test_window_close (&fixture->w);
}

static LookoutResultView *
find_result_view (GtkWidget *widget)
{
  if (LOOKOUT_IS_RESULT_VIEW (widget))
    return LOOKOUT_RESULT_VIEW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      LookoutResultView *view = find_result_view (child);

      if (view != NULL)
        return view;
    }

  return NULL;
}

static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_label (child, text);

      if (label != NULL)
        return label;
    }

  return NULL;
}

static void
test_window_live_result (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GSocketListener) closed = g_socket_listener_new ();
  g_autoptr(LookoutTarget) open_target = NULL;
  g_autoptr(LookoutTarget) closed_target = NULL;
  g_autofree char *open_uri = NULL;
  g_autofree char *closed_uri = NULL;
  LookoutResultView *view;
  LookoutResult *result;
  GtkWidget *row;
  GtkLabel *state;
  g_autofree char *latency = NULL;
  guint16 port;

  port = listen_on_loopback (fixture->listener);
  g_socket_listener_accept_async (fixture->listener, fixture->cancellable, accepted_cb, fixture);
  open_uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);

  /* A port that was just free again: connections to it are refused. */
  port = listen_on_loopback (closed);
  g_socket_listener_close (closed);
  closed_uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);

  open_target = add_target (fixture, open_uri, "Listener");
  closed_target = add_target (fixture, closed_uri, "Closed port");

  /* The first target is selected, and nothing has been checked yet. */
  g_assert_true (lookout_window_get_selected_target (fixture->w.window) == open_target);
  view = find_result_view (GTK_WIDGET (fixture->w.window->target_page));
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view->empty_row)));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view->empty_row)));

  lookout_monitor_start (fixture->w.monitor);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_window_get_last_result (fixture->w.window, open_target) != NULL &&
                           lookout_window_get_last_result (fixture->w.window, closed_target) != NULL,
                           15000);
  g_assert_cmpuint (fixture->accepted, >=, 1);

  /* The page shows the shown target's result... */
  result = lookout_window_get_last_result (fixture->w.window, open_target);
  g_assert_true (lookout_result_view_get_result (view) == result);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view->empty_row)));
  assert_row (view->state_row, view->state_label, "Up");
  assert_row (view->address_row, view->address_label, "127.0.0.1");
  g_assert_true (is_duration (gtk_label_get_label (view->latency_label)));
  g_assert_cmpfloat (g_ascii_strtod (gtk_label_get_label (view->latency_label), NULL), >=, 0);
  assert_row (view->error_row, view->error_label, "—");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view->latency_row)));

  /* ...and its list row the state in a word and a colour, and the time. */
  LOOKOUT_TEST_WAIT_UNTIL (lookout_test_window_find_row (fixture->w.window, open_target) != NULL, 15000);
  row = lookout_test_window_find_row (fixture->w.window, open_target);
  LOOKOUT_TEST_WAIT_UNTIL ((state = find_label (row, "Up")) != NULL, 15000);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (state), "up"));
  latency = lookout_format_latency (lookout_target_get_last_latency (open_target));
  g_assert_cmpstr (latency, !=, "—");
  g_assert_nonnull (find_label (row, latency));

  /* The other target's result was kept while it was not shown: selecting
   * it shows it at once, without waiting for its next check. */
  lookout_window_select_target (fixture->w.window, closed_target);
  g_assert_true (lookout_result_view_get_result (view) ==
                 lookout_window_get_last_result (fixture->w.window, closed_target));
  assert_row (view->state_row, view->state_label, "Down");
  assert_row (view->address_row, view->address_label, "127.0.0.1");
  assert_row (view->latency_row, view->latency_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->error_row), ==, "Class: refused");
  g_assert_cmpstr (gtk_label_get_label (view->error_label), !=, "—");

  lookout_window_select_target (fixture->w.window, open_target);
  assert_row (view->state_row, view->state_label, "Up");

  /* Live: the next result replaces it on the page. */
  result = lookout_result_ref (lookout_window_get_last_result (fixture->w.window, open_target));
  LOOKOUT_TEST_WAIT_UNTIL (lookout_result_view_get_result (view) != result, 15000);
  g_assert_true (lookout_result_view_get_result (view) ==
                 lookout_window_get_last_result (fixture->w.window, open_target));
  g_assert_cmpint (lookout_result_view_get_result (view)->started_ms, >=, result->started_ms);
  lookout_result_unref (result);
}

static void
health_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok\n", 3);
}

static void
test_window_http_result (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *base = NULL;
  g_autofree char *uri = NULL;
  LookoutResultView *view;

  server = lookout_test_http_server_new (health_cb, NULL, &base);
  uri = g_strconcat (base, "/health", NULL);

  target = add_target (fixture, uri, "Health");
  view = find_result_view (GTK_WIDGET (fixture->w.window->target_page));
  lookout_monitor_start (fixture->w.monitor);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_result_view_get_result (view) != NULL, 15000);

  /* What the real probe measured, as a person reads it. */
  assert_row (view->state_row, view->state_label, "Up");
  assert_row (view->status_row, view->status_label, "200 OK · HTTP/1.1");
  assert_row (view->address_row, view->address_label, "127.0.0.1");
  g_assert_true (is_duration (gtk_label_get_label (view->connect_label)));
  g_assert_true (is_duration (gtk_label_get_label (view->processing_label)));
  g_assert_true (is_duration (gtk_label_get_label (view->transfer_label)));
  /* Plain HTTP has no handshake nor certificate. */
  assert_row (view->tls_row, view->tls_label, "—");
  g_assert_cmpstr (adw_action_row_get_subtitle (view->tls_row), ==, "Not used: plain HTTP");
  assert_row (view->cert_row, view->cert_label, "—");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view->phase_bar)));
  g_assert_cmpint (lookout_phase_bar_get_phase (view->phase_bar, LOOKOUT_PHASE_CONNECT), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/result-view/empty", test_empty);
  g_test_add_func ("/gui/result-view/common", test_common);
  g_test_add_func ("/gui/result-view/failure", test_failure);
  g_test_add_func ("/gui/result-view/http", test_http);
  g_test_add_func ("/gui/result-view/http-reused", test_http_reused);
  g_test_add_func ("/gui/result-view/icmp", test_icmp);
  g_test_add_func ("/gui/result-view/dns", test_dns);
  g_test_add_func ("/gui/result-view/ntp", test_ntp);
  g_test_add_func ("/gui/result-view/udp", test_udp);
  g_test_add_func ("/gui/result-view/iface", test_iface);
  g_test_add ("/gui/result-view/window-live", Fixture, NULL,
              fixture_set_up, test_window_live_result, fixture_tear_down);
  g_test_add ("/gui/result-view/window-http", Fixture, NULL,
              fixture_set_up, test_window_http_result, fixture_tear_down);

  return g_test_run ();
}
