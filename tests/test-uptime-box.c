/* test-uptime-box.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Uptime at a glance: availability over 24 hours, 7 days and 30 days read
 * from a real store (results placed hours and days before now), and the
 * days left on the certificate of the last result. */

#include "config.h"

#include "lookout-format.h"
#include "lookout-test-gui.h"
#include "lookout-uptime-box.h"

#define HOUR_MS (3600 * G_GINT64_CONSTANT (1000))
#define DAY_MS  (24 * HOUR_MS)

static void
append (LookoutStore       *store,
        gint64              ts_ms,
        LookoutTargetState  state)
{
  LookoutSample s = {
    .target_id = 1,
    .ts_ms = ts_ms,
    .latency_us = state == LOOKOUT_TARGET_STATE_UP ? 2000 : -1,
    .state = state,
  };

  lookout_store_append_sample (store, &s);
}

static gboolean
shows (LookoutUptimeBox *box,
       guint             which,
       const char       *prefix,
       double            percent)
{
  g_autofree char *value = lookout_format_percent (percent);
  g_autofree char *expected = g_strconcat (prefix, value, NULL);

  return g_strcmp0 (lookout_uptime_box_get_text (box, which), expected) == 0;
}

static void
test_availability (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("https://127.0.0.1:8443/", &error);
  g_autoptr(LookoutResult) result = NULL;
  gint64 now = g_get_real_time () / 1000;
  LookoutUptimeBox *box;
  GtkWidget *window;

  g_assert_no_error (error);
  lookout_target_set_id (target, 1);

  /* The last day: 3 of 4 up; three days ago: 4 up; twenty days ago: 8 down. */
  append (tmp->store, now - 1 * HOUR_MS, LOOKOUT_TARGET_STATE_DOWN);
  for (guint i = 2; i <= 4; i++)
    append (tmp->store, now - i * HOUR_MS, LOOKOUT_TARGET_STATE_UP);
  for (guint i = 0; i < 4; i++)
    append (tmp->store, now - 3 * DAY_MS - i * HOUR_MS, LOOKOUT_TARGET_STATE_UP);
  for (guint i = 0; i < 8; i++)
    append (tmp->store, now - 20 * DAY_MS - i * HOUR_MS, LOOKOUT_TARGET_STATE_DOWN);
  lookout_store_flush_sync (tmp->store, &error);
  g_assert_no_error (error);

  box = LOOKOUT_UPTIME_BOX (lookout_uptime_box_new ());
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (box));
  g_assert_cmpstr (lookout_uptime_box_get_text (box, 0), ==, "24 h: —");

  lookout_uptime_box_set_target (box, tmp->store, target);
  gtk_window_present (GTK_WINDOW (window));

  LOOKOUT_TEST_WAIT (shows (box, 0, "24 h: ", 75.0) &&
                     shows (box, 1, "7 d: ", 87.5) &&
                     shows (box, 2, "30 d: ", 43.75));

  /* The certificate's days come with the result, not from the store. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (box), LOOKOUT_TYPE_UPTIME_BOX, "cert_label"))));
  result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);
  result->cert_expiry_s = now / 1000 + 10 * 24 * 3600 + 3600;
  lookout_uptime_box_set_result (box, result);
  g_assert_cmpstr (lookout_uptime_box_get_text (box, 3), ==, "Certificate: 10 days left");
  result->cert_expiry_s = now / 1000 - 60;
  lookout_uptime_box_set_result (box, result);
  g_assert_cmpstr (lookout_uptime_box_get_text (box, 3), ==, "Certificate expired");
  lookout_uptime_box_set_result (box, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (box), LOOKOUT_TYPE_UPTIME_BOX, "cert_label"))));

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/uptime-box/availability", test_availability);

  return g_test_run ();
}
