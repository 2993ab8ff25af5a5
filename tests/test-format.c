/* test-format.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one formatting of durations, percentages and dates: the unit follows
 * the magnitude as on the plot's axis, percentages never claim 100 or 0
 * when they are not, dates are ISO-like with single spaces. */

#include "config.h"

#include <math.h>

#include "lookout-test.h"
#include "lookout-format.h"

static void
test_format_latency (void)
{
  static const struct {
    gint64      us;
    const char *text;
  } cases[] = {
    { -1, "—" },
    { 0, "0 µs" },
    { 14, "14 µs" },
    { 84, "84 µs" },
    { 999, "999 µs" },
    { 1000, "1.00 ms" },
    { 7100, "7.10 ms" },
    { 12300, "12.3 ms" },
    { 999949, "999.9 ms" },
    { 999960, "1.00 s" },
    { 1500000, "1.50 s" },
    { 12340000, "12.3 s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lookout_format_latency (cases[i].us);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_bitrate (void)
{
  static const struct {
    gint64      bps;
    const char *text;
  } cases[] = {
    { -1, "—" },
    { 0, "0 bit/s" },
    { 999, "999 bit/s" },
    { 1000, "1.00 kbit/s" },
    { 12345, "12.3 kbit/s" },
    { 999600, "1.00 Mbit/s" },
    { 1250000, "1.25 Mbit/s" },
    { 940000000, "940 Mbit/s" },
    { 10000000000, "10.0 Gbit/s" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lookout_format_bitrate (cases[i].bps);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  {
    g_autofree char *tick = lookout_format_bitrate_tick (4000000, 10000000, 2000000);
    g_autofree char *fine = lookout_format_bitrate_tick (400000, 1000000, 200000);

    g_assert_cmpstr (tick, ==, "4 Mbit/s");
    g_assert_cmpstr (fine, ==, "0.4 Mbit/s");
  }
}

/* A value and the axis it is plotted on use the same unit. */
static void
test_format_latency_matches_axis (void)
{
  static const gint64 values[] = { 14, 640, 5300, 250000, 2400000 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *value = lookout_format_latency (values[i]);
      g_autofree char *tick = lookout_format_latency_tick (values[i], values[i] * 1.2, values[i] / 5.0);
      const char *value_unit = strrchr (value, ' ');
      const char *tick_unit = strrchr (tick, ' ');

      g_assert_nonnull (value_unit);
      g_assert_nonnull (tick_unit);
      g_assert_cmpstr (value_unit, ==, tick_unit);
    }

  {
    g_autofree char *tick = lookout_format_latency_tick (200, 900, 200);
    g_assert_cmpstr (tick, ==, "200 µs");
  }
  {
    g_autofree char *tick = lookout_format_latency_tick (2500, 5000, 500);
    g_assert_cmpstr (tick, ==, "2.5 ms");
  }
}

static void
test_format_percent (void)
{
  static const struct {
    double      percent;
    const char *text;
  } cases[] = {
    { 100, "100 %" },
    { 0, "0 %" },
    { 99.95, "99.95 %" },
    { 99.999, "99.99 %" },
    { 33.333333, "33.33 %" },
    { 50, "50 %" },
    { 12.5, "12.5 %" },
    { 0.0001, "0.01 %" },
    { NAN, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = lookout_format_percent (cases[i].percent);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_dates (void)
{
  /* 2026-11-05 07:08:09.042 UTC; TZ is UTC in this test. */
  const gint64 ms = G_GINT64_CONSTANT (1793862489042);
  g_autofree char *date_time = lookout_format_date_time (ms);
  g_autofree char *date = lookout_format_date (ms);
  g_autofree char *time = lookout_format_time (ms, TRUE);
  g_autofree char *hm = lookout_format_time (ms, FALSE);
  g_autofree char *day = lookout_format_day (ms);
  g_autofree char *iso = lookout_format_iso8601 (ms);
  g_autofree char *never = lookout_format_timestamp (0);
  g_autofree char *stamp = lookout_format_timestamp (ms);

  g_assert_cmpstr (date_time, ==, "2026-11-05 07:08:09");
  g_assert_cmpstr (date, ==, "2026-11-05");
  g_assert_cmpstr (time, ==, "07:08:09");
  g_assert_cmpstr (hm, ==, "07:08");
  g_assert_cmpstr (day, ==, "11-05");
  g_assert_cmpstr (iso, ==, "2026-11-05T07:08:09.042Z");
  g_assert_cmpstr (never, ==, "Never");
  g_assert_cmpstr (stamp, ==, date_time);
  g_assert_null (strstr (date_time, "  "));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/latency", test_format_latency);
  g_test_add_func ("/format/latency-matches-axis", test_format_latency_matches_axis);
  g_test_add_func ("/format/bitrate", test_format_bitrate);
  g_test_add_func ("/format/percent", test_format_percent);
  g_test_add_func ("/format/dates", test_format_dates);

  return g_test_run ();
}
