/* test-json.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "lookout-json.h"
#include "lookout-result.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_json_numbers (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "latency_ms");
  json_builder_add_double_value (builder, 6 / 1000.0);
  json_builder_set_member_name (builder, "big");
  json_builder_add_int_value (builder, G_GINT64_CONSTANT (1795228780881));
  json_builder_set_member_name (builder, "nan");
  json_builder_add_double_value (builder, NAN);
  json_builder_set_member_name (builder, "third");
  json_builder_add_double_value (builder, 1.0 / 3.0);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  text = lookout_json_to_string (root, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"latency_ms\":0.006,\"big\":1795228780881,\"nan\":null,"
                   "\"third\":0.333333333333333}");
}

static void
test_json_strings_round_trip (void)
{
  const char *nasty = "quote \" backslash \\ tab \t newline \n bell \a ünïcødé ✓";
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, nasty);
  json_builder_set_member_name (builder, "list");
  json_builder_begin_array (builder);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_null_value (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  compact = lookout_json_to_string (root, FALSE);
  g_assert_null (strchr (compact, '\n'));
  g_assert_true (g_str_has_suffix (compact, "\"list\":[true,null,{},[]]}"));
  back = parse (compact);
  g_assert_true (json_node_equal (root, back));

  pretty = lookout_json_to_string (root, TRUE);
  g_clear_pointer (&back, json_node_unref);
  back = parse (pretty);
  g_assert_true (json_node_equal (root, back));
  g_assert_nonnull (strstr (pretty, "\n  \"list\": [\n    true,"));
}

static void
test_json_result_line (void)
{
  g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *line = NULL;

  result->target = g_strdup ("icmp://127.0.0.1");
  result->ok = TRUE;
  result->state = LOOKOUT_TARGET_STATE_UP;
  result->latency_us = 6;
  result->min_us = 5;
  result->max_us = 7;
  result->sent = result->received = 3;
  node = lookout_result_to_json (result);
  line = lookout_json_to_string (node, FALSE);

  g_assert_nonnull (strstr (line, "\"latency_ms\":0.006,"));
  g_assert_nonnull (strstr (line, "\"min_ms\":0.005,"));
  g_assert_nonnull (strstr (line, "\"loss\":0,"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/numbers", test_json_numbers);
  g_test_add_func ("/json/strings-round-trip", test_json_strings_round_trip);
  g_test_add_func ("/json/result-line", test_json_result_line);

  return g_test_run ();
}
