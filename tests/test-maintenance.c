/* test-maintenance.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Maintenance windows: the rule text, which instants fall inside (in a
 * given time zone), the bands a plot shades, and the target's settings.
 * The alert engine inside a window: test-alert-engine.c. */

#include "config.h"

#include <string.h>

#include "lookout-maintenance.h"
#include "lookout-target-options.h"
#include "lookout-target-tags.h"

static gint64
at (GTimeZone *tz,
    int        year,
    int        month,
    int        day,
    int        hour,
    int        minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000;
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *text;
    const char *words;   /* a part of the message */
  } cases[] = {
    { "", "empty" },
    { " ; ", "empty" },
    { "every sunnday 02:00-03:00", "“sunnday” is not a day" },
    { "every 02:00-03:00", "say which days" },
    { "every sunday", "times are missing" },
    { "every sunday 2-3", "start time" },
    { "every sunday 25:00-03:00", "start time" },
    { "every sunday 02:00 03:00", "“-”" },
    { "every sunday 02:00-03:60", "end time" },
    { "every sunday 02:00-02:00", "same time" },
    { "every sunday 02:00-03:00 please", "more after" },
    { "sunday 02:00-03:00", "starts with “every”" },
    { "2026-02-30 10:00 - 11:00", "start date" },
    { "2026-12-24 18:00 - 2026-12-23 08:00", "ends before it starts" },
    { "2026-12-24 18:00 - 17:00", "ends before it starts" },
    { "every day 01:00-02:00; every dya 03:00-04:00", "rule 2" },
    { "every day 01:00-02:00\nevery day 03:00-04:00", "line breaks" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutMaintenance) m = lookout_maintenance_parse (cases[i].text, &error);

      g_test_message ("%s -> %s", cases[i].text, error ? error->message : "(accepted)");
      g_assert_null (m);
      g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

static void
test_recurring (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutMaintenance) m = NULL;

  /* 2026-03-01 is a Sunday. */
  m = lookout_maintenance_parse ("Every SUNDAY 02:00-03:00; every sat,mon 23:30-00:30", &error);
  g_assert_no_error (error);

  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 1, 59), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 2, 0), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 2, 59), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 3, 0), tz));
  /* A week later, and not on another day. */
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 8, 2, 30), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 4, 2, 30), tz));
  /* The same instant is 01:30 an hour west: outside. */
  {
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

    g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 2, 30), utc));
  }

  /* Past midnight: Saturday 23:30 into Sunday, Monday into Tuesday. */
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 2, 28, 23, 45), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 0, 15), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 0, 30), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 3, 0, 10), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 1, 23, 45), tz));

  /* Sunday into Monday wraps the week. */
  g_clear_pointer (&m, lookout_maintenance_free);
  m = lookout_maintenance_parse ("every sun 23:00-01:00", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 2, 0, 30), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 2, 1, 0), tz));

  g_clear_pointer (&m, lookout_maintenance_free);
  m = lookout_maintenance_parse ("every weekday 12:00-24:00", &error);
  g_assert_no_error (error);
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 3, 6, 23, 59), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 3, 7, 13, 0), tz));
}

static void
test_once (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (-5 * 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutMaintenance) m = NULL;

  m = lookout_maintenance_parse ("2026-12-24 18:00 - 2026-12-26 08:00; 2027-01-05 9:00-10:30", &error);
  g_assert_no_error (error);

  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 12, 24, 17, 59), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 12, 24, 18, 0), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2026, 12, 25, 12, 0), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2026, 12, 26, 8, 0), tz));
  g_assert_true (lookout_maintenance_contains (m, at (tz, 2027, 1, 5, 10, 29), tz));
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2027, 1, 5, 10, 30), tz));
  /* Once means once. */
  g_assert_false (lookout_maintenance_contains (m, at (tz, 2027, 12, 25, 12, 0), tz));
}

static void
test_spans (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutMaintenance) m = NULL;
  g_autoptr(GArray) spans = NULL;
  gint64 from = at (tz, 2026, 3, 1, 0, 0);
  gint64 to = at (tz, 2026, 3, 8, 0, 0);

  m = lookout_maintenance_parse ("every sunday 02:00-03:00; every day 23:00-01:00; 2026-03-04 00:30 - 00:45; 2026-03-05 00:30 - 02:00", &error);
  g_assert_no_error (error);
  spans = lookout_maintenance_spans (m, from, to, tz);

  /* Sun 00:00-01:00 (Saturday's, clipped), Sun 02:00-03:00, then each
   * night 23:00-01:00; the one-offs inside or extending a night merge. */
  {
    const gint64 expected[] = {
      at (tz, 2026, 3, 1, 0, 0), at (tz, 2026, 3, 1, 1, 0),
      at (tz, 2026, 3, 1, 2, 0), at (tz, 2026, 3, 1, 3, 0),
      at (tz, 2026, 3, 1, 23, 0), at (tz, 2026, 3, 2, 1, 0),
      at (tz, 2026, 3, 2, 23, 0), at (tz, 2026, 3, 3, 1, 0),
      at (tz, 2026, 3, 3, 23, 0), at (tz, 2026, 3, 4, 1, 0),
      at (tz, 2026, 3, 4, 23, 0), at (tz, 2026, 3, 5, 2, 0),
      at (tz, 2026, 3, 5, 23, 0), at (tz, 2026, 3, 6, 1, 0),
      at (tz, 2026, 3, 6, 23, 0), at (tz, 2026, 3, 7, 1, 0),
      at (tz, 2026, 3, 7, 23, 0), at (tz, 2026, 3, 8, 0, 0),
    };

    g_assert_cmpuint (spans->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < spans->len; i++)
      g_assert_cmpint (g_array_index (spans, gint64, i), ==, expected[i]);
  }
}

static void
test_target_options (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("tcp://127.0.0.1:22", &error);
  g_auto(GStrv) tags = NULL;

  g_assert_no_error (error);
  g_assert_false (lookout_target_in_maintenance (target, 0));

  /* The options' validation reads the rules with the same messages. */
  g_assert_false (lookout_target_options_validate ("{\"maintenance\": \"every fortnight 02:00-03:00\"}", &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
  g_assert_nonnull (strstr (error->message, "“fortnight” is not a day"));
  g_clear_error (&error);

  g_assert_true (lookout_target_set_option_text (target, "maintenance", "every day 00:00-24:00", &error));
  g_assert_no_error (error);
  g_assert_true (lookout_target_in_maintenance (target, 1800000000000));

  g_assert_true (lookout_target_set_option_text (target, "tags", " web, Production ,,WEB, db ", &error));
  g_assert_no_error (error);
  tags = lookout_target_dup_tags (target);
  g_assert_cmpuint (g_strv_length (tags), ==, 3);
  g_assert_cmpstr (tags[0], ==, "web");
  g_assert_cmpstr (tags[1], ==, "Production");
  g_assert_cmpstr (tags[2], ==, "db");
  g_assert_true (lookout_target_has_tag (target, "production"));
  g_assert_false (lookout_target_has_tag (target, "mail"));
}

static void
test_describe (void)
{
  static const struct {
    const char *text;
    const char *words;
  } cases[] = {
    { "every sunday 02:00-03:00", "every Sunday 02:00–03:00" },
    { "every sat,MON 23:30-00:30", "every Monday, Saturday 23:30–00:30 (the next day)" },
    { "every day 00:00-24:00", "every day 00:00–24:00" },
    { "every weekday 22:00-06:00", "every weekday 22:00–06:00 (the next day)" },
    { "every weekend 10:00-11:00", "every weekend day 10:00–11:00" },
    { "2026-12-24 18:00 - 2026-12-26 08:00; 2026-01-05 9:00-9:30",
      "once 2026-12-24 18:00 – 2026-12-26 08:00; once 2026-01-05 09:00 – 09:30" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutMaintenance) m = lookout_maintenance_parse (cases[i].text, &error);
      g_autofree char *words = NULL;

      g_assert_no_error (error);
      words = lookout_maintenance_describe (m);
      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/maintenance/parse-errors", test_parse_errors);
  g_test_add_func ("/maintenance/recurring", test_recurring);
  g_test_add_func ("/maintenance/once", test_once);
  g_test_add_func ("/maintenance/spans", test_spans);
  g_test_add_func ("/maintenance/target-options", test_target_options);
  g_test_add_func ("/maintenance/describe", test_describe);

  return g_test_run ();
}
