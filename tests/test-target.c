/* test-target.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-target.h"

/* Records the names of the properties notified, in order. */
typedef struct
{
  GString *names;
  guint    count;
} NotifyLog;

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             NotifyLog  *log)
{
  if (log->names->len > 0)
    g_string_append_c (log->names, ' ');
  g_string_append (log->names, pspec->name);
  log->count++;
}

static void
notify_log_watch (NotifyLog     *log,
                  LookoutTarget *target)
{
  log->names = g_string_new (NULL);
  log->count = 0;
  g_signal_connect (target, "notify", G_CALLBACK (notified_cb), log);
}

static void
notify_log_reset (NotifyLog *log)
{
  g_string_truncate (log->names, 0);
  log->count = 0;
}

static void
notify_log_clear (NotifyLog *log)
{
  g_string_free (log->names, TRUE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
sorted_words (const char *text)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  qsort (words, g_strv_length (words), sizeof (char *), compare_strings);
  return g_strjoinv (" ", words);
}

/* Frozen notifications come out in no promised order: compare as sets. */
#define assert_notified(log, expected) \
  G_STMT_START { \
    g_autofree char *got_ = sorted_words ((log)->names->str); \
    g_autofree char *want_ = sorted_words (expected); \
    g_assert_cmpstr (got_, ==, want_); \
  } G_STMT_END

static LookoutTarget *
target_for (const char *uri)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  g_assert_true (LOOKOUT_IS_TARGET (target));
  return target;
}

static void
test_defaults (void)
{
  gint64 before = g_get_real_time () / 1000;
  g_autoptr(LookoutTarget) target = target_for ("https://Example.org/health");
  gint64 after = g_get_real_time () / 1000;

  g_assert_cmpint (lookout_target_get_id (target), ==, 0);
  g_assert_cmpstr (lookout_target_get_uri_string (target), ==, "https://example.org/health");
  g_assert_cmpint (lookout_target_get_kind (target), ==, LOOKOUT_TARGET_KIND_HTTP);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "example.org/health");
  g_assert_cmpuint (lookout_target_get_interval (target), ==, LOOKOUT_TARGET_DEFAULT_INTERVAL_S);
  g_assert_cmpuint (lookout_target_get_timeout (target), ==, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS);
  g_assert_cmpuint (lookout_target_get_fail_threshold (target), ==, LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD);
  g_assert_true (lookout_target_get_enabled (target));
  g_assert_cmpstr (lookout_target_get_options (target), ==, "{}");
  g_assert_cmpint (lookout_target_get_created_at (target), >=, before);
  g_assert_cmpint (lookout_target_get_created_at (target), <=, after);
  g_assert_true (isnan (lookout_target_get_latitude (target)));
  g_assert_true (isnan (lookout_target_get_longitude (target)));
  g_assert_null (lookout_target_get_location_source (target));
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpint (lookout_target_get_last_latency (target), ==, -1);
  g_assert_cmpint (lookout_target_get_last_checked (target), ==, 0);
  g_assert_null (lookout_target_get_last_error (target));
  g_assert_null (lookout_target_get_last_address (target));
}

static void
test_new_from_string_error (void)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target;

  target = lookout_target_new_from_string ("tcp://db.example.org", &error);
  g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_PORT);
  g_assert_null (target);
  g_clear_error (&error);

  target = lookout_target_new_from_string (NULL, &error);
  g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_EMPTY);
  g_assert_null (target);
}

static void
test_properties (void)
{
  g_autoptr(LookoutTarget) target = target_for ("tcp://db.example.org:5432");
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autofree char *uri_string = NULL;
  g_autofree char *name = NULL;
  g_autofree char *options = NULL;
  g_autofree char *source = NULL;
  gint64 id, created_at;
  guint kind, interval, timeout, threshold, state;
  gboolean enabled;
  double latitude, longitude;
  NotifyLog log;

  notify_log_watch (&log, target);

  g_object_set (target,
                "id", (gint64) 42,
                "name", "Database",
                "interval", 30u,
                "timeout", 2500u,
                "fail-threshold", 5u,
                "enabled", FALSE,
                "options", "{\"count\": 5}",
                "created-at", (gint64) 1700000000000,
                "latitude", 48.85,
                "longitude", 2.35,
                "location-source", "manual",
                NULL);
  assert_notified (&log, "id name interval timeout fail-threshold enabled options "
                   "created-at latitude longitude location-source");

  g_object_get (target,
                "id", &id,
                "uri", &uri,
                "uri-string", &uri_string,
                "kind", &kind,
                "name", &name,
                "interval", &interval,
                "timeout", &timeout,
                "fail-threshold", &threshold,
                "enabled", &enabled,
                "options", &options,
                "created-at", &created_at,
                "latitude", &latitude,
                "longitude", &longitude,
                "location-source", &source,
                "state", &state,
                NULL);
  g_assert_cmpint (id, ==, 42);
  g_assert_true (uri == lookout_target_get_uri (target));
  g_assert_cmpstr (uri_string, ==, "tcp://db.example.org:5432");
  g_assert_cmpuint (kind, ==, LOOKOUT_TARGET_KIND_TCP);
  g_assert_cmpstr (name, ==, "Database");
  g_assert_cmpuint (interval, ==, 30);
  g_assert_cmpuint (timeout, ==, 2500);
  g_assert_cmpuint (threshold, ==, 5);
  g_assert_false (enabled);
  g_assert_cmpstr (options, ==, "{\"count\": 5}");
  g_assert_cmpint (created_at, ==, 1700000000000);
  g_assert_cmpfloat (latitude, ==, 48.85);
  g_assert_cmpfloat (longitude, ==, 2.35);
  g_assert_cmpstr (source, ==, "manual");
  g_assert_cmpuint (state, ==, LOOKOUT_TARGET_STATE_UNKNOWN);

  /* Setting the same values again notifies nothing. */
  notify_log_reset (&log);
  g_object_set (target,
                "id", (gint64) 42,
                "name", "Database",
                "interval", 30u,
                "timeout", 2500u,
                "fail-threshold", 5u,
                "enabled", FALSE,
                "options", "{\"count\": 5}",
                "created-at", (gint64) 1700000000000,
                "latitude", 48.85,
                "longitude", 2.35,
                "location-source", "manual",
                NULL);
  lookout_target_set_location (target, 48.85, 2.35, "manual");
  g_assert_cmpuint (log.count, ==, 0);

  /* "{}", "" and NULL are all the default options. */
  lookout_target_set_options (target, "{}");
  assert_notified (&log, "options");
  g_assert_cmpstr (lookout_target_get_options (target), ==, "{}");
  lookout_target_set_options (target, NULL);
  lookout_target_set_options (target, "");
  g_assert_cmpuint (log.count, ==, 1);

  notify_log_clear (&log);
}

static void
test_name (void)
{
  g_autoptr(LookoutTarget) target = target_for ("icmp://xn--bcher-kva.example");
  g_autoptr(LookoutTargetUri) other = lookout_target_uri_parse ("icmp://192.0.2.1", NULL);
  g_autoptr(LookoutTargetUri) third = lookout_target_uri_parse ("tcp://192.0.2.1:22", NULL);
  NotifyLog log;

  notify_log_watch (&log, target);

  /* The automatic name follows the URI. */
  g_assert_cmpstr (lookout_target_get_name (target), ==, "bücher.example");
  lookout_target_set_uri (target, other);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "192.0.2.1");
  assert_notified (&log, "uri uri-string name");

  /* A name of one's own stays. */
  notify_log_reset (&log);
  lookout_target_set_name (target, "Router");
  lookout_target_set_name (target, "Router");
  assert_notified (&log, "name");
  notify_log_reset (&log);
  lookout_target_set_uri (target, third);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "Router");
  assert_notified (&log, "uri uri-string kind");

  /* Back to automatic. */
  notify_log_reset (&log);
  lookout_target_set_name (target, "");
  g_assert_cmpstr (lookout_target_get_name (target), ==, "192.0.2.1:22");
  assert_notified (&log, "name");

  /* The same URI again, even as another object, notifies nothing. */
  notify_log_reset (&log);
  {
    g_autoptr(LookoutTargetUri) same = lookout_target_uri_parse ("TCP://192.0.2.1:22/", NULL);

    lookout_target_set_uri (target, same);
    g_assert_cmpuint (log.count, ==, 0);
  }

  notify_log_clear (&log);
}

static void
test_live_state (void)
{
  g_autoptr(LookoutTarget) target = target_for ("udp://192.0.2.53:53");
  guint state;
  NotifyLog log;

  notify_log_watch (&log, target);

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 1234, 1700000000000, NULL, "192.0.2.53");
  assert_notified (&log, "state last-latency last-checked last-address");
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (lookout_target_get_last_latency (target), ==, 1234);
  g_assert_cmpint (lookout_target_get_last_checked (target), ==, 1700000000000);
  g_assert_cmpstr (lookout_target_get_last_address (target), ==, "192.0.2.53");
  g_assert_null (lookout_target_get_last_error (target));

  /* The same result again: nothing changed, nothing notified. */
  notify_log_reset (&log);
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 1234, 1700000000000, NULL, "192.0.2.53");
  g_assert_cmpuint (log.count, ==, 0);

  /* Only the latency and time moved. */
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 1500, 1700000060000, NULL, "192.0.2.53");
  assert_notified (&log, "last-latency last-checked");

  /* Down with an error, no latency, same address. */
  notify_log_reset (&log);
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_DOWN, -1, 1700000120000,
                                 "No reply", "192.0.2.53");
  assert_notified (&log, "state last-latency last-checked last-error");
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, "No reply");
  g_object_get (target, "state", &state, NULL);
  g_assert_cmpuint (state, ==, LOOKOUT_TARGET_STATE_DOWN);

  /* Paused: the error and address go away. */
  notify_log_reset (&log);
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_PAUSED, -1, 1700000120000, NULL, NULL);
  assert_notified (&log, "state last-error last-address");
  g_assert_null (lookout_target_get_last_address (target));

  notify_log_clear (&log);
}

/* Live-state updates notify only what somebody watches; a handler for one
 * property (as a GBinding or a list row has) still hears its property. */
static void
test_live_state_detailed (void)
{
  g_autoptr(LookoutTarget) target = target_for ("tcp://192.0.2.1:22");
  NotifyLog log = { g_string_new (NULL), 0 };

  g_signal_connect (target, "notify::last-latency", G_CALLBACK (notified_cb), &log);

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 800, 1700000000000, NULL, "192.0.2.1");
  g_assert_cmpstr (log.names->str, ==, "last-latency");
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpint (lookout_target_get_last_checked (target), ==, 1700000000000);

  notify_log_reset (&log);
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_DOWN, 800, 1700000060000, "Refused", "192.0.2.1");
  g_assert_cmpuint (log.count, ==, 0);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==, "Refused");

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 900, 1700000120000, NULL, "192.0.2.1");
  g_assert_cmpstr (log.names->str, ==, "last-latency");

  notify_log_clear (&log);
}

static void
test_location (void)
{
  g_autoptr(LookoutTarget) target = target_for ("ntp://pool.ntp.org");
  NotifyLog log;

  notify_log_watch (&log, target);

  lookout_target_set_location (target, NAN, NAN, NULL);
  g_assert_cmpuint (log.count, ==, 0);

  lookout_target_set_location (target, 52.52, 13.40, "geoip");
  assert_notified (&log, "latitude longitude location-source");
  g_assert_cmpstr (lookout_target_get_location_source (target), ==, "geoip");

  notify_log_reset (&log);
  lookout_target_set_location (target, 52.52, 13.41, "geoip");
  assert_notified (&log, "longitude");

  notify_log_reset (&log);
  lookout_target_set_location (target, NAN, NAN, NULL);
  assert_notified (&log, "latitude longitude location-source");
  g_assert_true (isnan (lookout_target_get_latitude (target)));

  notify_log_clear (&log);
}

static void
test_validate (void)
{
  static const struct {
    guint value;
    gboolean (*validate) (guint, GError **);
    int code;
  } numbers[] = {
    { 0, lookout_target_validate_interval, LOOKOUT_TARGET_ERROR_INVALID_INTERVAL },
    { 1, lookout_target_validate_interval, -1 },
    { 86400, lookout_target_validate_interval, -1 },
    { 86401, lookout_target_validate_interval, LOOKOUT_TARGET_ERROR_INVALID_INTERVAL },
    { 0, lookout_target_validate_timeout, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT },
    { 99, lookout_target_validate_timeout, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT },
    { 100, lookout_target_validate_timeout, -1 },
    { 120000, lookout_target_validate_timeout, -1 },
    { 120001, lookout_target_validate_timeout, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT },
    { 0, lookout_target_validate_fail_threshold, LOOKOUT_TARGET_ERROR_INVALID_THRESHOLD },
    { 1, lookout_target_validate_fail_threshold, -1 },
    { 100, lookout_target_validate_fail_threshold, -1 },
    { 101, lookout_target_validate_fail_threshold, LOOKOUT_TARGET_ERROR_INVALID_THRESHOLD },
  };
  static const struct {
    const char *name;
    gboolean valid;
  } names[] = {
    { NULL, TRUE },
    { "", TRUE },
    { "Web server", TRUE },
    { "Serveur de base de données — Paris", TRUE },
    { "   ", FALSE },
    { "two\nlines", FALSE },
    { "tab\there", FALSE },
    { "bad \xff text", FALSE },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (257, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      gboolean ok = numbers[i].validate (numbers[i].value, &error);

      if (numbers[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, LOOKOUT_TARGET_ERROR, numbers[i].code);
          g_assert_false (ok);
          g_assert_cmpuint (strlen (error->message), >, 20);
          g_clear_error (&error);
        }
    }

  g_assert_true (lookout_target_validate_interval (0, NULL) == FALSE);
  lookout_target_validate_interval (0, &error);
  g_assert_cmpstr (error->message, ==, "The interval must be at least 1 second");
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gboolean ok = lookout_target_validate_name (names[i].name, &error);

      g_assert_cmpint (ok, ==, names[i].valid);
      if (names[i].valid)
        g_assert_no_error (error);
      else
        g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME);
      g_clear_error (&error);
    }

  g_assert_false (lookout_target_validate_name (long_name, &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME);
  g_clear_error (&error);
  long_name[256] = '\0';
  g_assert_true (lookout_target_validate_name (long_name, &error));
  g_assert_no_error (error);
}

static void
test_options (void)
{
  static const struct {
    const char *json;
    gboolean valid;
  } cases[] = {
    { NULL, TRUE },
    { "", TRUE },
    { "{}", TRUE },
    { "{\"method\": \"HEAD\", \"accept\": \"200-299,404\", \"keyword\": \"ok\","
      " \"keyword_absent\": false, \"max_redirects\": 0, \"verify_tls\": false,"
      " \"headers\": {\"X-Token\": \"abc\", \"Accept\": \"text/plain\"}, \"body_cap\": 4096}", TRUE },
    { "{\"accept\": \" 200 - 299 , 301,404 \"}", TRUE },
    { "{\"count\": 1, \"size\": 0}", TRUE },
    { "{\"count\": 100, \"size\": 65507}", TRUE },
    { "{\"payload\": \"ping\"}", TRUE },
    { "{\"payload_hex\": \"DEADbeef00\"}", TRUE },
    { "{\"future_option\": [1, 2, 3]}", TRUE },
    { "not json", FALSE },
    { "[1, 2]", FALSE },
    { "\"text\"", FALSE },
    { "{\"count\": 0}", FALSE },
    { "{\"count\": 101}", FALSE },
    { "{\"count\": 3.5}", FALSE },
    { "{\"count\": \"3\"}", FALSE },
    { "{\"count\": null}", FALSE },
    { "{\"size\": -1}", FALSE },
    { "{\"size\": 65508}", FALSE },
    { "{\"accept\": \"\"}", FALSE },
    { "{\"accept\": \"200-\"}", FALSE },
    { "{\"accept\": \"299-200\"}", FALSE },
    { "{\"accept\": \"600\"}", FALSE },
    { "{\"accept\": \"2000\"}", FALSE },
    { "{\"accept\": \"200,,404\"}", FALSE },
    { "{\"accept\": 200}", FALSE },
    { "{\"method\": \"\"}", FALSE },
    { "{\"method\": \"GET /\"}", FALSE },
    { "{\"verify_tls\": \"yes\"}", FALSE },
    { "{\"verify_tls\": 1}", FALSE },
    { "{\"keyword_absent\": null}", FALSE },
    { "{\"headers\": [\"X-A: b\"]}", FALSE },
    { "{\"headers\": {\"X-A\": 1}}", FALSE },
    { "{\"headers\": {\"X A\": \"b\"}}", FALSE },
    { "{\"headers\": {\"X-A\": \"b\\r\\nX-Evil: 1\"}}", FALSE },
    { "{\"max_redirects\": -1}", FALSE },
    { "{\"body_cap\": 0}", FALSE },
    { "{\"payload_hex\": \"abc\"}", FALSE },
    { "{\"payload_hex\": \"zz\"}", FALSE },
    { "{\"payload\": 5}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = lookout_target_validate_options (cases[i].json, &error);

      g_test_message ("options %s", cases[i].json ? cases[i].json : "(null)");
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (cases[i].valid)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_cmpuint (strlen (error->message), >, 15);
        }
    }

  {
    g_autoptr(GError) error = NULL;

    lookout_target_validate_options ("{\"count\": 0}", &error);
    g_assert_cmpstr (error->message, ==, "The option “count” must be a whole number between 1 and 100");
  }
}

static void
test_setters_refuse_invalid (void)
{
  g_autoptr(LookoutTarget) target = target_for ("icmp://192.0.2.1");

  g_test_expect_message ("lookout-target", G_LOG_LEVEL_CRITICAL, "*validate_interval*");
  lookout_target_set_interval (target, 0);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (lookout_target_get_interval (target), ==, LOOKOUT_TARGET_DEFAULT_INTERVAL_S);

  g_test_expect_message ("lookout-target", G_LOG_LEVEL_CRITICAL, "*validate_options*");
  lookout_target_set_options (target, "{\"count\": 0}");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (lookout_target_get_options (target), ==, "{}");
}

static void
test_copy (void)
{
  g_autoptr(LookoutTarget) target = target_for ("dns://192.0.2.53/example.org?type=MX");
  g_autoptr(LookoutTarget) copy = NULL;

  lookout_target_set_id (target, 7);
  lookout_target_set_name (target, "Mail exchangers");
  lookout_target_set_interval (target, 300);
  lookout_target_set_timeout (target, 2000);
  lookout_target_set_fail_threshold (target, 2);
  lookout_target_set_enabled (target, FALSE);
  lookout_target_set_options (target, "{\"future\": true}");
  lookout_target_set_created_at (target, 1600000000000);
  lookout_target_set_location (target, 1.5, -2.5, "manual");
  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_DOWN, -1, 1700000000000, "SERVFAIL", "192.0.2.53");

  copy = lookout_target_copy (target);
  g_assert_true (copy != target);
  g_assert_true (lookout_target_get_uri (copy) == lookout_target_get_uri (target));
  g_assert_cmpint (lookout_target_get_id (copy), ==, 7);
  g_assert_cmpstr (lookout_target_get_name (copy), ==, "Mail exchangers");
  g_assert_cmpuint (lookout_target_get_interval (copy), ==, 300);
  g_assert_cmpuint (lookout_target_get_timeout (copy), ==, 2000);
  g_assert_cmpuint (lookout_target_get_fail_threshold (copy), ==, 2);
  g_assert_false (lookout_target_get_enabled (copy));
  g_assert_cmpstr (lookout_target_get_options (copy), ==, "{\"future\": true}");
  g_assert_cmpint (lookout_target_get_created_at (copy), ==, 1600000000000);
  g_assert_cmpfloat (lookout_target_get_latitude (copy), ==, 1.5);
  g_assert_cmpfloat (lookout_target_get_longitude (copy), ==, -2.5);
  g_assert_cmpstr (lookout_target_get_location_source (copy), ==, "manual");

  /* Not the live state. */
  g_assert_cmpint (lookout_target_get_state (copy), ==, LOOKOUT_TARGET_STATE_UNKNOWN);
  g_assert_cmpint (lookout_target_get_last_checked (copy), ==, 0);
  g_assert_null (lookout_target_get_last_error (copy));
  g_assert_null (lookout_target_get_last_address (copy));

  /* Independent of the original. */
  lookout_target_set_name (copy, "Renamed");
  lookout_target_set_interval (copy, 60);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "Mail exchangers");
  g_assert_cmpuint (lookout_target_get_interval (target), ==, 300);

  /* An automatic name stays automatic in the copy. */
  {
    g_autoptr(LookoutTarget) plain = target_for ("icmp://192.0.2.1");
    g_autoptr(LookoutTarget) plain_copy = lookout_target_copy (plain);
    g_autoptr(LookoutTargetUri) other = lookout_target_uri_parse ("icmp://192.0.2.2", NULL);

    lookout_target_set_uri (plain_copy, other);
    g_assert_cmpstr (lookout_target_get_name (plain_copy), ==, "192.0.2.2");
    g_assert_cmpstr (lookout_target_get_name (plain), ==, "192.0.2.1");
  }
}

/* The engine holds ten thousand targets: each must cost well under 4 KiB,
 * URI, name and live state included. */
static void
test_memory (void)
{
  const guint n = 10000;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_full (n, g_object_unref);
  struct mallinfo2 before, after;
  double per_target;

  /* The type and its class are allocated once, not per target. */
  g_object_unref (target_for ("icmp://192.0.2.1"));

  before = mallinfo2 ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("https://host-%u.example.org/health?check=%u", i, i);
      LookoutTarget *target = target_for (text);

      lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 1000 + i,
                                     1700000000000 + i, NULL, "192.0.2.1");
      g_ptr_array_add (targets, target);
    }
  after = mallinfo2 ();

  per_target = (double) (after.uordblks - before.uordblks) / n;
  g_test_message ("heap per target: %.0f bytes", per_target);
  g_assert_cmpfloat (per_target, >, 0);
  g_assert_cmpfloat (per_target, <, 4096);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/target/defaults", test_defaults);
  g_test_add_func ("/target/new-from-string-error", test_new_from_string_error);
  g_test_add_func ("/target/properties", test_properties);
  g_test_add_func ("/target/name", test_name);
  g_test_add_func ("/target/live-state", test_live_state);
  g_test_add_func ("/target/live-state-detailed", test_live_state_detailed);
  g_test_add_func ("/target/location", test_location);
  g_test_add_func ("/target/validate", test_validate);
  g_test_add_func ("/target/options", test_options);
  g_test_add_func ("/target/setters-refuse-invalid", test_setters_refuse_invalid);
  g_test_add_func ("/target/copy", test_copy);
  g_test_add_func ("/target/memory", test_memory);

  return g_test_run ();
}
