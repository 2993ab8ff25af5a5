/* test-probe-kind.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Walks the table of probe kinds: a kind added to LookoutTargetKind but not
 * to every place that reads the table fails here. */

#include "config.h"

#include <string.h>

#include "lookout-json.h"
#include "lookout-probe-kind.h"
#include "lookout-probe.h"
#include "lookout-target.h"

/* An address every kind accepts after "scheme://", built from the row. */
static char *
example_address (const LookoutProbeKind *row)
{
  return g_strconcat ("127.0.0.1",
                      row->port == LOOKOUT_KIND_PORT_REQUIRED ? ":5432" : "",
                      row->path == LOOKOUT_KIND_PATH_DNS ? "/example.test" : "",
                      NULL);
}

static void
test_table_rows (void)
{
  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      const LookoutProbeKind *row = lookout_probe_kind_get (k);
      const LookoutKindScheme *primary;
      guint n_primary = 0;

      g_assert_nonnull (row);
      g_assert_cmpint (row->kind, ==, k);
      g_assert_cmpstr (lookout_target_kind_to_string (k), ==, row->name);
      g_assert_cmpstr (lookout_target_kind_get_label (k), !=, "Unknown");
      g_assert_cmpstr (lookout_probe_kind_get_latency_title (row), !=, "");
      g_assert_cmpstr (lookout_probe_kind_get_address_example (row), !=, "");
      g_assert_cmpuint (row->default_interval_s, >=, LOOKOUT_TARGET_MIN_INTERVAL_S);
      g_assert_cmpuint (row->default_interval_s, <=, LOOKOUT_TARGET_MAX_INTERVAL_S);
      g_assert_cmpuint (row->default_timeout_ms, >=, LOOKOUT_TARGET_MIN_TIMEOUT_MS);
      g_assert_cmpuint (row->default_timeout_ms, <=, LOOKOUT_TARGET_MAX_TIMEOUT_MS);
      g_assert_nonnull (row->result_fields);

      for (const LookoutKindScheme *scheme = row->schemes; scheme->name != NULL; scheme++)
        {
          g_autofree char *upper = g_ascii_strup (scheme->name, -1);
          LookoutTargetKind found = LOOKOUT_TARGET_N_KINDS;

          /* Scheme names are unique across the table, in any case. */
          g_assert_true (lookout_probe_kind_find_scheme (upper, strlen (upper), &found) == scheme);
          g_assert_cmpint (found, ==, k);
          g_assert_false (scheme->is_primary && scheme->is_alias);
          n_primary += scheme->is_primary;
        }
      g_assert_cmpuint (n_primary, ==, 1);
      primary = lookout_probe_kind_get_primary (row);
      g_assert_nonnull (primary);
      g_assert_true (primary->is_primary);
    }

  g_assert_null (lookout_probe_kind_get (LOOKOUT_TARGET_N_KINDS));
  g_assert_null (lookout_probe_kind_find_scheme ("gopher", 6, NULL));
  g_assert_null (lookout_probe_kind_find_scheme ("http", 3, NULL));
}

static void
test_table_schemes_parse (void)
{
  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      const LookoutProbeKind *row = lookout_probe_kind_get (k);
      const LookoutKindScheme *primary = lookout_probe_kind_get_primary (row);
      g_autofree char *address = example_address (row);
      g_autoptr(LookoutTargetUri) shorthand = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strconcat (primary->name, ":", NULL);
      LookoutTargetKind out_kind = LOOKOUT_TARGET_N_KINDS;

      for (const LookoutKindScheme *scheme = row->schemes; scheme->name != NULL; scheme++)
        {
          g_autofree char *text = g_strconcat (scheme->name, "://", address, NULL);
          g_autofree char *printed_as = g_strconcat (scheme->is_alias ? primary->name : scheme->name, ":", NULL);
          g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (text, &error);

          g_assert_no_error (error);
          g_assert_cmpint (lookout_target_uri_get_kind (uri), ==, k);
          g_assert_true (g_str_has_prefix (lookout_target_uri_to_string (uri), printed_as));
          g_assert_cmpint (lookout_target_uri_is_https (uri), ==, scheme->is_https);
          if (row->port != LOOKOUT_KIND_PORT_REQUIRED)
            g_assert_cmpuint (lookout_target_uri_get_port (uri), ==, scheme->default_port);
        }

      /* The dialog's bare address takes the primary scheme. */
      shorthand = lookout_target_uri_parse_for_kind (k, address, &out_kind, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out_kind, ==, k);
      g_assert_cmpint (lookout_target_uri_get_kind (shorthand), ==, k);
      g_assert_true (g_str_has_prefix (lookout_target_uri_to_string (shorthand), prefix));
    }
}

/* The messages for an unknown scheme list the schemes Lookout knows. */
static void
test_table_unknown_scheme_messages (void)
{
  g_autoptr(GError) no_slashes = NULL;
  g_autoptr(GError) unknown = NULL;
  g_autoptr(LookoutTargetUri) a = lookout_target_uri_parse ("example.org", &no_slashes);
  g_autoptr(LookoutTargetUri) b = lookout_target_uri_parse ("gopher://example.org", &unknown);

  g_assert_null (a);
  g_assert_null (b);
  g_assert_error (no_slashes, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME);
  g_assert_error (unknown, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME);

  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      const LookoutProbeKind *row = lookout_probe_kind_get (k);
      g_autofree char *primary = g_strconcat (lookout_probe_kind_get_primary (row)->name, "://", NULL);

      g_assert_nonnull (strstr (no_slashes->message, primary));
      for (const LookoutKindScheme *scheme = row->schemes; scheme->name != NULL; scheme++)
        if (!scheme->is_alias)
          g_assert_nonnull (strstr (unknown->message, scheme->name));
    }
}

static void
test_table_target_defaults (void)
{
  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      const LookoutProbeKind *row = lookout_probe_kind_get (k);
      g_autofree char *address = example_address (row);
      g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse_for_kind (k, address, NULL, NULL);
      g_autoptr(LookoutTarget) target = lookout_target_new (uri);

      g_assert_cmpint (lookout_target_get_kind (target), ==, k);
      g_assert_cmpuint (lookout_target_get_interval (target), ==, row->default_interval_s);
      g_assert_cmpuint (lookout_target_get_timeout (target), ==, row->default_timeout_ms);
    }
}

static void
append_field_names (GString                  *names,
                    const LookoutResultField *fields)
{
  for (const LookoutResultField *field = fields; field->name != NULL; field++)
    {
      g_string_append_printf (names, " %s", field->name);
      if (field->type == LOOKOUT_RESULT_FIELD_OBJECT)
        {
          g_string_append (names, " {");
          append_field_names (names, field->fields);
          g_string_append (names, " }");
        }
    }
}

static void
append_member_names (GString    *names,
                     JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);

      g_string_append_printf (names, " %s", (const char *) l->data);
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          g_string_append (names, " {");
          append_member_names (names, json_node_get_object (node));
          g_string_append (names, " }");
        }
    }
}

static void
test_table_json_fields (void)
{
  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      const LookoutProbeKind *row = lookout_probe_kind_get (k);
      g_autoptr(LookoutResult) result = lookout_result_new (k);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GString) expected = g_string_new (" target kind ok state latency_ms address error error_class time_ms");
      g_autoptr(GString) printed = g_string_new (NULL);

      append_field_names (expected, row->result_fields);
      node = lookout_result_to_json (result);
      append_member_names (printed, json_node_get_object (node));
      g_assert_cmpstr (printed->str, ==, expected->str);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "kind"), ==, row->name);
    }
}

static void
assert_json_ends_with (const LookoutResult *result,
                       const char          *expected)
{
  g_autoptr(JsonNode) node = lookout_result_to_json (result);
  g_autofree char *line = lookout_json_to_string (node, FALSE);

  if (!g_str_has_suffix (line, expected))
    g_error ("%s does not end with %s", line, expected);
}

/* Every kind's fields filled in, printed exactly as lookout-agent has
 * always printed them. */
static void
test_table_json_values (void)
{
  static const char * const answers[] = { "192.0.2.1", "10 mx.example.", NULL };
  static const char * const expected[] = {
    [LOOKOUT_TARGET_KIND_HTTP] =
      "\"status\":200,\"http_version\":\"HTTP/1.1\",\"phases_ms\":{\"resolve\":1,"
      "\"connect\":2.5,\"tls\":null,\"processing\":3,\"transfer\":0.25},"
      "\"cert_expiry\":\"2027-01-15T08:00:00Z\"}",
    [LOOKOUT_TARGET_KIND_ICMP] =
      "\"sent\":4,\"received\":3,\"loss\":0.25,\"min_ms\":1,\"max_ms\":3,\"jitter_ms\":0.5}",
    [LOOKOUT_TARGET_KIND_TCP] = "\"time_ms\":1000}",
    [LOOKOUT_TARGET_KIND_UDP] = "\"reply_bytes\":12}",
    [LOOKOUT_TARGET_KIND_DNS] = "\"rcode\":0,\"answers\":[\"192.0.2.1\",\"10 mx.example.\"]}",
    [LOOKOUT_TARGET_KIND_NTP] = "\"offset_ms\":-1.5,\"stratum\":2,\"reference_id\":\"GPS\"}",
    [LOOKOUT_TARGET_KIND_IFACE] =
      "\"interface\":\"eth0\",\"carrier\":true,\"bps\":3000,\"rx_bps\":1000,\"tx_bps\":2000,"
      "\"rx_bytes\":10,\"tx_bytes\":20,\"errors\":1,\"drops\":2}",
    [LOOKOUT_TARGET_KIND_TRACE] = "\"sent\":4,\"received\":3,\"loss\":0.25,\"hops\":null}",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == LOOKOUT_TARGET_N_KINDS);

  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (k);

      result->target = g_strdup ("x");
      result->started_ms = 1000;
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->http_status = 200;
      result->http_version = g_strdup ("HTTP/1.1");
      result->dns_us = 1000;
      result->connect_us = 2500;
      result->processing_us = 3000;
      result->transfer_us = 250;
      result->cert_expiry_s = 1800000000;
      result->sent = 4;
      result->received = 3;
      result->min_us = 1000;
      result->max_us = 3000;
      result->jitter_us = 500;
      result->rcode = 0;
      result->answers = g_strdupv ((char **) answers);
      result->offset_us = -1500;
      result->stratum = 2;
      result->reference_id = g_strdup ("GPS");
      result->reply_bytes = 12;
      result->interface = g_strdup ("eth0");
      result->carrier = TRUE;
      result->rx_bps = 1000;
      result->tx_bps = 2000;
      result->link_bps = 3000;
      result->rx_bytes = 10;
      result->tx_bytes = 20;
      result->link_errors = 1;
      result->link_drops = 2;
      assert_json_ends_with (result, expected[k]);
    }
}

/* Fields printed as null: no status, no times, no rcode, an NTP check that
 * failed, nothing sent. */
static void
test_table_json_nulls (void)
{
  static const char * const expected[] = {
    [LOOKOUT_TARGET_KIND_HTTP] =
      "\"status\":null,\"http_version\":null,\"phases_ms\":{\"resolve\":null,"
      "\"connect\":null,\"tls\":null,\"processing\":null,\"transfer\":null},"
      "\"cert_expiry\":null}",
    [LOOKOUT_TARGET_KIND_ICMP] =
      "\"sent\":0,\"received\":0,\"loss\":1,\"min_ms\":null,\"max_ms\":null,\"jitter_ms\":null}",
    [LOOKOUT_TARGET_KIND_TCP] = "\"time_ms\":1000}",
    [LOOKOUT_TARGET_KIND_UDP] = "\"reply_bytes\":0}",
    [LOOKOUT_TARGET_KIND_DNS] = "\"rcode\":null,\"answers\":[]}",
    [LOOKOUT_TARGET_KIND_NTP] = "\"offset_ms\":null,\"stratum\":null,\"reference_id\":null}",
    [LOOKOUT_TARGET_KIND_IFACE] =
      "\"interface\":null,\"carrier\":false,\"bps\":null,\"rx_bps\":null,\"tx_bps\":null,"
      "\"rx_bytes\":null,\"tx_bytes\":null,\"errors\":null,\"drops\":null}",
    [LOOKOUT_TARGET_KIND_TRACE] = "\"sent\":0,\"received\":0,\"loss\":1,\"hops\":null}",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (expected) == LOOKOUT_TARGET_N_KINDS);

  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (k);

      result->started_ms = 1000;
      result->offset_us = 2000;   /* not printed: the check failed */
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT, "late");
      assert_json_ends_with (result, expected[k]);
    }
}

static void
test_table_code_and_round_trip (void)
{
  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (k);
      int expected_code = 0;
      gint64 expected_rtt = 7000;

      result->ok = TRUE;
      result->latency_us = 7000;
      result->http_status = 503;
      result->rcode = 3;
      result->connect_us = 900;
      result->min_us = 800;

      if (k == LOOKOUT_TARGET_KIND_HTTP)
        expected_code = 503, expected_rtt = 900;
      else if (k == LOOKOUT_TARGET_KIND_DNS)
        expected_code = 3;
      else if (k == LOOKOUT_TARGET_KIND_ICMP)
        expected_rtt = 800;

      g_assert_cmpint (lookout_probe_kind_get_code (result), ==, expected_code);
      g_assert_cmpint (lookout_probe_kind_get_round_trip_us (result), ==, expected_rtt);

      /* No reply: no code; no phase measured: the latency stands in. */
      result->rcode = -1;
      result->http_status = 0;
      result->connect_us = -1;
      result->min_us = 0;
      g_assert_cmpint (lookout_probe_kind_get_code (result), ==, 0);
      g_assert_cmpint (lookout_probe_kind_get_round_trip_us (result), ==, 7000);
    }
}

static void
test_table_probe_classes (void)
{
  GType seen[LOOKOUT_TARGET_N_KINDS];

  for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
    {
      g_autoptr(LookoutProbe) probe = lookout_probe_new_for_kind (k);

      g_assert_true (LOOKOUT_IS_PROBE (probe));
      seen[k] = G_OBJECT_TYPE (probe);
      for (guint j = 0; j < k; j++)
        g_assert_cmpuint (seen[j], !=, seen[k]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probe-kind/rows", test_table_rows);
  g_test_add_func ("/probe-kind/schemes-parse", test_table_schemes_parse);
  g_test_add_func ("/probe-kind/unknown-scheme-messages", test_table_unknown_scheme_messages);
  g_test_add_func ("/probe-kind/target-defaults", test_table_target_defaults);
  g_test_add_func ("/probe-kind/json-fields", test_table_json_fields);
  g_test_add_func ("/probe-kind/json-values", test_table_json_values);
  g_test_add_func ("/probe-kind/json-nulls", test_table_json_nulls);
  g_test_add_func ("/probe-kind/code-and-round-trip", test_table_code_and_round_trip);
  g_test_add_func ("/probe-kind/probe-classes", test_table_probe_classes);

  return g_test_run ();
}
