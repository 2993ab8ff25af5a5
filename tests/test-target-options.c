/* test-target-options.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A target's whole configuration, everywhere: the one table of options, its
 * key=value form (targets file, lookout-agent check --option), the target
 * JSON (API, import/export), all saying the same things in the same words. */

#include "config.h"

#include "lookout-target-json.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"
#include "lookout-test.h"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* The same members and values, in any order. */
static void
assert_same_json (const char *a,
                  const char *b)
{
  g_autoptr(JsonNode) x = json_from_string (a, NULL);
  g_autoptr(JsonNode) y = json_from_string (b, NULL);

  if (!json_node_equal (x, y))
    g_error ("%s and %s differ", a, b);
}

static void
test_table (void)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  const LookoutTargetOption *all;
  guint n;

  all = lookout_target_options_get_all (&n);
  g_assert_cmpuint (n, >=, 16);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_hash_table_add (keys, (gpointer) all[i].key));
      g_assert_cmpuint (all[i].kinds, !=, 0);
      g_assert_cmpuint (all[i].kinds >> LOOKOUT_TARGET_N_KINDS, ==, 0);
      g_assert_nonnull (all[i].value_hint);
      g_assert_cmpstr (lookout_target_option_get_summary (&all[i]), !=, "");
      g_assert_true (lookout_target_options_lookup (all[i].key) == &all[i]);
      g_assert_true (lookout_target_options_lookup (all[i].text_key) == &all[i]);
      if (all[i].type == LOOKOUT_TARGET_OPTION_INTEGER)
        g_assert_cmpint (all[i].min, <, all[i].max);
    }
  g_assert_null (lookout_target_options_lookup ("colour"));

  g_assert_cmpstr (lookout_target_options_dup_keys (LOOKOUT_TARGET_KIND_ICMP), ==,
                   "count, size, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum");
  /* what every kind takes */
  g_assert_cmpstr (lookout_target_options_dup_keys (LOOKOUT_TARGET_KIND_TCP), ==, "notify_anomalies, slow_ms, slow_checks, channels, locations, quorum");
}

/* Each text value gives the JSON the dialog would write. */
static void
test_set_text (void)
{
  static const struct { LookoutTargetKind kind; const char *key, *value, *json; } cases[] = {
    { LOOKOUT_TARGET_KIND_HTTP, "method", "HEAD", "{\"method\":\"HEAD\"}" },
    { LOOKOUT_TARGET_KIND_HTTP, "accept", "200-299, 404", "{\"accept\":\"200-299, 404\"}" },
    { LOOKOUT_TARGET_KIND_HTTP, "keyword", "Welcome home", "{\"keyword\":\"Welcome home\"}" },
    { LOOKOUT_TARGET_KIND_HTTP, "keyword_absent", "yes", "{\"keyword_absent\":true}" },
    { LOOKOUT_TARGET_KIND_HTTP, "verify_tls", "false", "{\"verify_tls\":false}" },
    { LOOKOUT_TARGET_KIND_HTTP, "max_redirects", "0", "{\"max_redirects\":0}" },
    { LOOKOUT_TARGET_KIND_HTTP, "header", "X-Key:  a b", "{\"headers\":{\"X-Key\":\"a b\"}}" },
    { LOOKOUT_TARGET_KIND_ICMP, "count", "5", "{\"count\":5}" },
    { LOOKOUT_TARGET_KIND_UDP, "payload_hex", "00ff", "{\"payload_hex\":\"00ff\"}" },
    { LOOKOUT_TARGET_KIND_UDP, "expect_reply", "on", "{\"expect_reply\":true}" },
    { LOOKOUT_TARGET_KIND_DNS, "expect", "192.0.2.1", "{\"expect\":\"192.0.2.1\"}" },
    { LOOKOUT_TARGET_KIND_NTP, "max_offset_ms", "250", "{\"max_offset_ms\":250}" },
    { LOOKOUT_TARGET_KIND_HTTP, "ca_file", "/etc/ssl/private-ca.pem", "{\"ca_file\":\"/etc/ssl/private-ca.pem\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *json = NULL;

      g_assert_true (lookout_target_options_set_text (object, cases[i].kind, cases[i].key,
                                                      cases[i].value, &error));
      g_assert_no_error (error);
      json = object_to_string (object);
      g_assert_cmpstr (json, ==, cases[i].json);
      g_assert_true (lookout_target_options_validate (json, NULL));
    }
}

/* A bad value is refused in the same words whether it comes as text or in
 * the options JSON (which the dialog and the API validate). */
static void
test_same_messages (void)
{
  static const struct { LookoutTargetKind kind; const char *key, *value, *json, *words; } cases[] = {
    { LOOKOUT_TARGET_KIND_HTTP, "accept", "99", "{\"accept\":\"99\"}", "HTTP status codes" },
    { LOOKOUT_TARGET_KIND_HTTP, "method", "GE T", "{\"method\":\"GE T\"}", "not an HTTP method" },
    { LOOKOUT_TARGET_KIND_HTTP, "keyword_absent", "maybe", "{\"keyword_absent\":\"maybe\"}", "true or false" },
    { LOOKOUT_TARGET_KIND_HTTP, "max_redirects", "1000", "{\"max_redirects\":1000}", "between 0 and 100" },
    { LOOKOUT_TARGET_KIND_HTTP, "body_cap", "lots", "{\"body_cap\":\"lots\"}", "whole number" },
    { LOOKOUT_TARGET_KIND_HTTP, "header", "Bad Name: x", "{\"headers\":{\"Bad Name\":\"x\"}}", "not a valid HTTP header name" },
    { LOOKOUT_TARGET_KIND_ICMP, "count", "0", "{\"count\":0}", "between 1 and 100" },
    { LOOKOUT_TARGET_KIND_UDP, "payload_hex", "abc", "{\"payload_hex\":\"abc\"}", "even number of digits" },
    { LOOKOUT_TARGET_KIND_DNS, "expect", "", "{\"expect\":\"\"}", "must be 1 to 1024 characters" },
    { LOOKOUT_TARGET_KIND_NTP, "max_offset_ms", "0", "{\"max_offset_ms\":0}", "between 1 and 86400000" },
    { LOOKOUT_TARGET_KIND_NTP, "max_offset_s", "far", "{\"max_offset_s\":\"far\"}", "whole number" },
    { LOOKOUT_TARGET_KIND_HTTP, "header", "X-Key: a\x01b", "{\"headers\":{\"X-Key\":\"a\\u0001b\"}}",
      "must not contain control characters" },
    { LOOKOUT_TARGET_KIND_HTTP, "ca_file", "ca.pem", "{\"ca_file\":\"ca.pem\"}", "by its full path" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) text_error = NULL;
      g_autoptr(GError) json_error = NULL;

      g_assert_false (lookout_target_options_set_text (object, cases[i].kind, cases[i].key,
                                                       cases[i].value, &text_error));
      g_assert_false (lookout_target_options_validate (cases[i].json, &json_error));
      g_assert_error (text_error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
      g_assert_cmpstr (text_error->message, ==, json_error->message);
      g_assert_nonnull (strstr (text_error->message, cases[i].words));
      g_assert_cmpuint (json_object_get_size (object), ==, 0);
    }
}

static void
test_kind_refusals (void)
{
  static const struct { LookoutTargetKind kind; const char *key, *message; } cases[] = {
    { LOOKOUT_TARGET_KIND_ICMP, "keyword", "“keyword” is not an option of Ping targets, which take count, size, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
    { LOOKOUT_TARGET_KIND_HTTP, "colour", "Unknown option “colour”; HTTP(S) targets take method, accept, keyword, "
      "keyword_absent, max_redirects, verify_tls, header, body_cap, ca_file, body, content_type, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
    { LOOKOUT_TARGET_KIND_HTTP, "headers", "Unknown option “headers”; HTTP(S) targets take method, accept, keyword, "
      "keyword_absent, max_redirects, verify_tls, header, body_cap, ca_file, body, content_type, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
    { LOOKOUT_TARGET_KIND_TCP, "count", "“count” is not an option of TCP targets, which take notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (lookout_target_options_set_text (object, cases[i].kind, cases[i].key, "1", &error));
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  g_assert_true (lookout_target_options_check_key (LOOKOUT_TARGET_KIND_HTTP, "headers", FALSE, NULL));
  g_assert_false (lookout_target_options_check_key (LOOKOUT_TARGET_KIND_HTTP, "header", FALSE, NULL));
}

/* Options in the address's query: taken out of the URI, whose own query
 * stays as written, set as in the targets file, refused in its words. */
static void
test_uri_options (void)
{
  static const struct { const char *text, *uri, *options; } good[] = {
    { "https://example.org/health?page=2&lookout.accept=200-299&x=%41#top",
      "https://example.org/health?page=2&x=%41#top", "{\"accept\":\"200-299\"}" },
    { "https://example.org/?lookout.keyword=all%20well&lookout.header=X-Key%3A%20a",
      "https://example.org/", "{\"keyword\":\"all well\",\"headers\":{\"X-Key\":\"a\"}}" },
    { "https://example.org/?a=&&b", "https://example.org/?a=&&b", "{}" },
    { "dns://127.0.0.1/example.org?type=AAAA&lookout.expect=2001:db8::1",
      "dns://127.0.0.1/example.org?type=AAAA", "{\"expect\":\"2001:db8::1\"}" },
    { "icmp://127.0.0.1?lookout.count=5", "icmp://127.0.0.1", "{\"count\":5}" },
  };
  static const struct { const char *text, *key, *value; } bad[] = {
    { "https://example.org/?lookout.accept=99", "accept", "99" },
    { "https://example.org/?lookout.max_redirects=1000", "max_redirects", "1000" },
    { "icmp://127.0.0.1?lookout.keyword=up", "keyword", "up" },
    { "tcp://127.0.0.1:22?lookout.colour=red", "colour", "red" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string_with_options (good[i].text, &error);
      g_autoptr(LookoutTarget) plain = NULL;
      g_autoptr(JsonNode) got = NULL;
      g_autoptr(JsonNode) want = NULL;

      g_assert_no_error (error);
      plain = lookout_target_new_from_string (good[i].uri, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (lookout_target_get_uri_string (target), ==, lookout_target_get_uri_string (plain));
      got = json_from_string (lookout_target_get_options (target), NULL);
      want = json_from_string (good[i].options, NULL);
      g_assert_true (json_node_equal (got, want));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) file_error = NULL;
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string_with_options (bad[i].text, &error);
      g_autofree char *base = g_strndup (bad[i].text, strcspn (bad[i].text, "?"));
      g_autoptr(LookoutTarget) plain = lookout_target_new_from_string (base, NULL);
      g_autofree char *expected = NULL;

      g_assert_null (target);
      g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
      /* the words of KEY=VALUE in the targets file, naming the parameter */
      g_assert_false (lookout_target_set_option_text (plain, bad[i].key, bad[i].value, &file_error));
      expected = g_strdup_printf ("lookout.%s: %s", bad[i].key, file_error->message);
      g_assert_cmpstr (error->message, ==, expected);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (lookout_target_new_from_string_with_options ("https://example.org/?lookout.accept", &error));
    g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
    g_assert_nonnull (strstr (error->message, "lookout.KEY=VALUE"));
  }
}

static void
test_headers_accumulate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("https://example.org/", &error);

  g_assert_true (lookout_target_set_option_text (target, "header", "X-One: 1", &error));
  g_assert_true (lookout_target_set_option_text (target, "header", "X-Two: \"two\"", &error));
  g_assert_true (lookout_target_set_option_text (target, "accept", "200", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_get_options (target), ==,
                   "{\"headers\":{\"X-One\":\"1\",\"X-Two\":\"\\\"two\\\"\"},\"accept\":\"200\"}");

  g_assert_false (lookout_target_set_option_text (target, "header", "no colon", &error));
  g_assert_cmpstr (error->message, ==, "A header is written as header=\"Name: value\", not “no colon”");
  /* A refused option leaves the others as they were. */
  g_assert_cmpstr (lookout_target_get_options (target), ==,
                   "{\"headers\":{\"X-One\":\"1\",\"X-Two\":\"\\\"two\\\"\"},\"accept\":\"200\"}");
}

static const char targets_file[] =
  "# every option, every way of writing it\n"
  "https://example.org/health  method=HEAD accept=\"200-299,404\" keyword=\"Welcome home\" "
  "keyword_absent=true verify_tls=false header=\"X-Key: 1\" header=\"Accept: text/html\" "
  "max_redirects=3 body_cap=4096 name=\"Example site\"\n"
  "icmp://192.0.2.10 count=5 size=120 interval=30\n"
  "udp://192.0.2.53:53 payload_hex=00ff expect_reply=yes\n";

static void
test_targets_file (void)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTarget *web, *ping, *udp;

  targets = lookout_targets_file_parse (targets_file, -1, "targets", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 3);
  web = g_ptr_array_index (targets, 0);
  ping = g_ptr_array_index (targets, 1);
  udp = g_ptr_array_index (targets, 2);

  g_assert_cmpstr (lookout_target_get_options (web), ==,
                   "{\"method\":\"HEAD\",\"accept\":\"200-299,404\",\"keyword\":\"Welcome home\","
                   "\"keyword_absent\":true,\"verify_tls\":false,"
                   "\"headers\":{\"X-Key\":\"1\",\"Accept\":\"text/html\"},"
                   "\"max_redirects\":3,\"body_cap\":4096}");
  g_assert_cmpstr (lookout_target_get_name (web), ==, "Example site");
  g_assert_cmpstr (lookout_target_get_options (ping), ==, "{\"count\":5,\"size\":120}");
  g_assert_cmpuint (lookout_target_get_interval (ping), ==, 30);
  g_assert_cmpstr (lookout_target_get_options (udp), ==, "{\"payload_hex\":\"00ff\",\"expect_reply\":true}");
}

static void
test_targets_file_errors (void)
{
  static const char contents[] =
    "https://example.org/ accept=200-299\n"
    "\n"
    "icmp://192.0.2.10 count=500\n"
    "icmp://192.0.2.11 keyword=up\n"
    "https://example.net/ colour=blue\n"
    "https://example.com/ verify_tls=perhaps\n"
    "tcp://db.example.org:5432 count=2\n"
    "https://example.edu/ accept=200 accept=404\n";
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  targets = lookout_targets_file_parse (contents, -1, "watch.txt", &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "watch.txt:3: The option “count” must be a whole number between 1 and 100\n"
                   "watch.txt:4: “keyword” is not an option of Ping targets, which take count, size, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum\n"
                   "watch.txt:5: Unknown option “colour” (known: interval, timeout, failures, name, "
                   "and for HTTP(S) targets method, accept, keyword, keyword_absent, max_redirects, "
                   "verify_tls, header, body_cap, ca_file, body, content_type, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum)\n"
                   "watch.txt:6: The option “verify_tls” must be true or false\n"
                   "watch.txt:7: “count” is not an option of TCP targets, which take notify_anomalies, slow_ms, slow_checks, channels, locations, quorum\n"
                   "watch.txt:8: The option “accept” is given twice");
}

static GPtrArray *
parse_targets_file (void)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *targets = lookout_targets_file_parse (targets_file, -1, "targets", &error);

  g_assert_no_error (error);
  return targets;
}

/* A target written as a targets-file line reads back the same. */
static void
test_format_line (void)
{
  g_autoptr(GPtrArray) targets = parse_targets_file ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      g_autofree char *line = lookout_targets_file_format_line (target);
      g_autoptr(GPtrArray) again = lookout_targets_file_parse (line, -1, "line", &error);
      LookoutTarget *copy;

      g_assert_no_error (error);
      g_assert_cmpuint (again->len, ==, 1);
      copy = g_ptr_array_index (again, 0);
      g_assert_cmpstr (lookout_target_get_uri_string (copy), ==, lookout_target_get_uri_string (target));
      g_assert_cmpstr (lookout_target_get_name (copy), ==, lookout_target_get_name (target));
      g_assert_cmpuint (lookout_target_get_interval (copy), ==, lookout_target_get_interval (target));
      g_assert_cmpuint (lookout_target_get_timeout (copy), ==, lookout_target_get_timeout (target));
      assert_same_json (lookout_target_get_options (copy), lookout_target_get_options (target));
    }

  {
    LookoutTarget *ping = g_ptr_array_index (targets, 1);
    g_autofree char *line = lookout_targets_file_format_line (ping);

    g_assert_cmpstr (line, ==, "icmp://192.0.2.10 interval=30 count=5 size=120");
  }
}

static void
test_json_round_trip (void)
{
  g_autoptr(GPtrArray) targets = parse_targets_file ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) again = NULL;
      g_autoptr(LookoutTarget) copy = NULL;
      g_autofree char *first = NULL;
      g_autofree char *second = NULL;

      lookout_target_set_fail_threshold (target, 3);
      lookout_target_set_enabled (target, i != 1);
      node = lookout_target_to_json (target);
      first = json_to_string (node, FALSE);
      copy = lookout_target_new_from_json (node, &error);
      g_assert_no_error (error);
      again = lookout_target_to_json (copy);
      second = json_to_string (again, FALSE);
      g_assert_cmpstr (first, ==, second);
      g_assert_cmpuint (lookout_target_get_fail_threshold (copy), ==, 3);
      g_assert_cmpint (lookout_target_get_enabled (copy), ==, i != 1);
    }

  {
    LookoutTarget *ping = g_ptr_array_index (targets, 1);
    g_autoptr(JsonNode) node = NULL;
    g_autofree char *text = NULL;

    /* An option kept from an earlier kind is not written. */
    lookout_target_set_options (ping, "{\"count\":5,\"keyword\":\"old\"}");
    node = lookout_target_to_json (ping);
    text = json_to_string (node, FALSE);
    g_assert_cmpstr (text, ==,
                     "{\"id\":0,\"uri\":\"icmp://192.0.2.10\",\"kind\":\"icmp\",\"name\":\"192.0.2.10\","
                     "\"interval_s\":30,\"timeout_ms\":10000,\"failures\":3,\"enabled\":false,"
                     "\"options\":{\"count\":5}}");
  }
}

static void
test_json_errors (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "[]", "A target must be a JSON object" },
    { "{\"name\": \"x\"}", "A target needs its “uri”, a target URI as text" },
    { "{\"uri\": \"icmp://192.0.2.1\", \"options\": {\"keyword\": \"x\"}}",
      "“keyword” is not an option of Ping targets, which take count, size, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
    { "{\"uri\": \"icmp://192.0.2.1\", \"options\": {\"count\": 0}}",
      "The option “count” must be a whole number between 1 and 100" },
    { "{\"uri\": \"https://example.org/\", \"options\": {\"header\": \"X: 1\"}}",
      "Unknown option “header”; HTTP(S) targets take method, accept, keyword, keyword_absent, "
      "max_redirects, verify_tls, header, body_cap, ca_file, body, content_type, notify_anomalies, slow_ms, slow_checks, channels, locations, quorum" },
    { "{\"uri\": \"https://example.org/\", \"options\": []}",
      "“options” must be an object of option names and values" },
    { "{\"uri\": \"https://example.org/\", \"colour\": 1}",
      "A target has no member “colour” (it has uri, name, interval_s, timeout_ms, failures, "
      "enabled and options)" },
    { "{\"uri\": \"https://example.org/\", \"interval_s\": \"often\"}", "“interval_s” must be a whole number" },
    { "{\"uri\": \"https://example.org/\", \"enabled\": 1}", "“enabled” must be true or false" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_null (lookout_target_new_from_json (node, &error));
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* The dialog's words for the URI and the settings. */
static void
test_json_same_words (void)
{
  g_autoptr(JsonNode) bad_uri = json_from_string ("{\"uri\": \"tcp://db.example.org:99999\"}", NULL);
  g_autoptr(JsonNode) bad_interval = json_from_string ("{\"uri\": \"tcp://db.example.org:5432\", \"interval_s\": 0}", NULL);
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GError) dialog_error = NULL;

  g_assert_null (lookout_target_new_from_json (bad_uri, &json_error));
  g_assert_null (lookout_target_new_from_string ("tcp://db.example.org:99999", &dialog_error));
  g_assert_error (json_error, LOOKOUT_TARGET_URI_ERROR, dialog_error->code);
  g_assert_cmpstr (json_error->message, ==, dialog_error->message);
  g_clear_error (&json_error);
  g_clear_error (&dialog_error);

  g_assert_null (lookout_target_new_from_json (bad_interval, &json_error));
  g_assert_false (lookout_target_validate_interval (0, &dialog_error));
  g_assert_cmpstr (json_error->message, ==, dialog_error->message);
}

static void
test_json_update (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("https://example.org/", &error);
  g_autoptr(JsonObject) good = parse_object ("{\"name\": \"Site\", \"options\": {\"accept\": \"200\"}}");
  g_autoptr(JsonObject) half_bad = parse_object ("{\"name\": \"Other\", \"timeout_ms\": 1}");
  g_autoptr(JsonObject) new_kind = parse_object ("{\"uri\": \"icmp://192.0.2.7\"}");

  g_assert_true (lookout_target_update_from_json (target, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "Site");
  g_assert_cmpstr (lookout_target_get_options (target), ==, "{\"accept\":\"200\"}");

  /* All or nothing. */
  g_assert_false (lookout_target_update_from_json (target, half_bad, &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "Site");
  g_clear_error (&error);

  /* Another kind drops the old kind's options. */
  g_assert_true (lookout_target_update_from_json (target, new_kind, &error));
  g_assert_cmpint (lookout_target_get_kind (target), ==, LOOKOUT_TARGET_KIND_ICMP);
  g_assert_cmpstr (lookout_target_get_options (target), ==, "{}");
}

/* An NTP server is down past max_offset_s (1000 s unless set): that bound
 * must be above the degraded one, max_offset_ms, wherever options come from. */
static void
test_ntp_offset_bounds (void)
{
  static const struct { const char *json, *words; } cases[] = {
    { "{\"max_offset_ms\":5000,\"max_offset_s\":6}", NULL },
    { "{\"max_offset_s\":1}", NULL },
    { "{\"max_offset_ms\":999999}", NULL },
    { "{\"max_offset_ms\":5000,\"max_offset_s\":5}",
      "The clock offset counted as down (5 s) must be above the one counted as degraded (5000 ms)" },
    { "{\"max_offset_ms\":1000000}",
      "The clock offset counted as down (1000 s) must be above the one counted as degraded (1000000 ms)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (lookout_target_options_validate (cases[i].json, &error), ==, cases[i].words == NULL);
      if (cases[i].words != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].words);
      else
        g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/target-options/table", test_table);
  g_test_add_func ("/target-options/set-text", test_set_text);
  g_test_add_func ("/target-options/same-messages", test_same_messages);
  g_test_add_func ("/target-options/kind-refusals", test_kind_refusals);
  g_test_add_func ("/target-options/headers-accumulate", test_headers_accumulate);
  g_test_add_func ("/target-options/uri-options", test_uri_options);
  g_test_add_func ("/target-options/targets-file", test_targets_file);
  g_test_add_func ("/target-options/targets-file-errors", test_targets_file_errors);
  g_test_add_func ("/target-options/format-line", test_format_line);
  g_test_add_func ("/target-options/json-round-trip", test_json_round_trip);
  g_test_add_func ("/target-options/json-errors", test_json_errors);
  g_test_add_func ("/target-options/json-same-words", test_json_same_words);
  g_test_add_func ("/target-options/json-update", test_json_update);
  g_test_add_func ("/target-options/ntp-offset-bounds", test_ntp_offset_bounds);

  return g_test_run ();
}
