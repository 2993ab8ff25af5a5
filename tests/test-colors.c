/* test-colors.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The state and HTTP phase colours are written twice, once for CSS
 * (style.css) and once for Cairo (lookout-state-colors.c,
 * lookout-phase-bar.c): this test keeps them equal. It reads the stylesheet
 * as the application ships it, from the resources, and needs no display. */

#include "config.h"

#include <string.h>

#include "lookout-phase-bar.h"
#include "lookout-state-colors.h"

static const LookoutTargetState all_states[] = {
  LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_DEGRADED,
  LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_TARGET_STATE_PAUSED,
};

static char *
load_stylesheet (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/lookoutapp/Lookout/style.css",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Fails unless css has "@define-color NAME VALUE;" with VALUE the colour
 * expected. */
static void
assert_defined_color (const char    *css,
                      const char    *name,
                      const GdkRGBA *expected)
{
  g_autofree char *pattern = g_strdup_printf ("^@define-color\\s+%s\\s+([^;]+);", name);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *value = NULL;
  GdkRGBA from_css;

  g_assert_true (g_regex_match (regex, css, 0, &match));
  value = g_strstrip (g_match_info_fetch (match, 1));
  g_test_message ("@%s is %s in style.css", name, value);
  g_assert_true (gdk_rgba_parse (&from_css, value));
  g_assert_true (gdk_rgba_equal (&from_css, expected));
}

static void
test_css_matches_table (void)
{
  g_autofree char *css = load_stylesheet ();

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    assert_defined_color (css, lookout_state_color_css_name (all_states[i]),
                          lookout_state_color (all_states[i]));
}

/* Each state's named colour is used by the list's dots and the map's
 * markers, not only defined. */
static void
test_css_uses_names (void)
{
  g_autofree char *css = load_stylesheet ();

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    {
      LookoutTargetState state = all_states[i];
      const char *klass = lookout_target_state_to_string (state);
      g_autofree char *marker = g_strdup_printf (".lookout-marker.%s { background-color: @%s;",
                                                 klass, lookout_state_color_css_name (state));

      g_assert_nonnull (strstr (css, marker));
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    {
      LookoutTargetState state = all_states[i];
      g_autofree char *pattern = g_strdup_printf ("^\\.state-dot\\.%s\\s*\\{\\s*background-color:\\s*@%s;",
                                                  lookout_target_state_to_string (state),
                                                  lookout_state_color_css_name (state));

      g_assert_true (g_regex_match_simple (pattern, css, G_REGEX_MULTILINE, 0));
    }
}

/* Every state has its own name, and the states a person must tell apart
 * have their own colour. */
static void
test_table (void)
{
  const LookoutTargetState distinct[] = {
    LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_TARGET_STATE_DOWN,
    LOOKOUT_TARGET_STATE_UNKNOWN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (all_states); j++)
      g_assert_cmpstr (lookout_state_color_css_name (all_states[i]), !=,
                       lookout_state_color_css_name (all_states[j]));

  for (guint i = 0; i < G_N_ELEMENTS (distinct); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (distinct); j++)
      g_assert_false (gdk_rgba_equal (lookout_state_color (distinct[i]),
                                      lookout_state_color (distinct[j])));

  /* Out of range reads as unknown rather than past the table. */
  g_assert_true (lookout_state_color ((LookoutTargetState) 99)
                 == lookout_state_color (LOOKOUT_TARGET_STATE_UNKNOWN));
}

/* The phase bar draws the colours of its legend's swatches. */
static void
test_phase_colors (void)
{
  g_autofree char *css = load_stylesheet ();
  static const char *classes[LOOKOUT_N_PHASES] = {
    "phase-resolve", "phase-connect", "phase-tls", "phase-processing", "phase-transfer",
  };

  for (guint phase = 0; phase < LOOKOUT_N_PHASES; phase++)
    {
      const char *name = lookout_phase_get_color_css_name (phase);
      g_autofree char *swatch = g_strdup_printf (".phase-swatch.%s { background-color: @%s; }",
                                                 classes[phase], name);

      assert_defined_color (css, name, lookout_phase_get_color (phase));
      g_assert_nonnull (strstr (css, swatch));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/state-colors/css-matches-table", test_css_matches_table);
  g_test_add_func ("/state-colors/css-uses-names", test_css_uses_names);
  g_test_add_func ("/state-colors/table", test_table);
  g_test_add_func ("/phase-colors/css-matches-table", test_phase_colors);

  return g_test_run ();
}
