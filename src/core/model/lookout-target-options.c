/* lookout-target-options.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-http-header.h"
#include "lookout-maintenance.h"
#include "lookout-target-tags.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"

#define MAX_METHOD_LENGTH    32
#define MAX_BODY_CAP         (256 * 1024 * 1024)
#define MAX_ICMP_PAYLOAD     65507
#define MAX_UDP_PAYLOAD      65507
#define MAX_REDIRECTS        100
#define MAX_ICMP_COUNT       100
#define MAX_KEYWORD_LENGTH   4096
#define MAX_EXPECT_LENGTH    1024
#define MAX_TAG_LENGTH       64
#define MAX_NTP_OFFSET_MS    (24 * 3600 * 1000)
#define MAX_CHANNEL_ID_LENGTH 64
#define MAX_REQUEST_BODY     (64 * 1024)
#define CHANNEL_ID_CHARS     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
#define MAX_LOCATIONS        64

#define KIND(k) (1u << LOOKOUT_TARGET_KIND_##k)
#define ALL_KINDS ((1u << LOOKOUT_TARGET_N_KINDS) - 1)
/* The probe's default for max_offset_s: ntpd's panic threshold. */
#define DEFAULT_NTP_DOWN_OFFSET_S 1000
#define MAX_NTP_SANE_OFFSET_S (100 * G_GINT64_CONSTANT (31557600))

static gboolean
parse_status (const char **p,
              guint       *status)
{
  guint value = 0;
  guint digits = 0;

  while (g_ascii_isdigit (**p) && digits < 4)
    {
      value = value * 10 + (**p - '0');
      (*p)++;
      digits++;
    }

  *status = value;
  return digits == 3 && value >= 100 && value <= 599;
}

/* "200-299,404": comma-separated statuses and ranges, spaces allowed. */
static gboolean
check_accept (const char  *text,
              GError     **error)
{
  const char *p = text;

  for (;;)
    {
      guint low, high;

      while (*p == ' ')
        p++;
      if (!parse_status (&p, &low))
        break;
      high = low;
      while (*p == ' ')
        p++;
      if (*p == '-')
        {
          p++;
          while (*p == ' ')
            p++;
          if (!parse_status (&p, &high) || high < low)
            break;
          while (*p == ' ')
            p++;
        }
      if (*p == '\0')
        return TRUE;
      if (*p != ',')
        break;
      p++;
    }

  g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
               _("The accepted statuses “%s” are not a list of HTTP status codes "
                 "(100 to 599) and ranges, like 200-299,404"), text);
  return FALSE;
}

static gboolean
check_method (const char  *text,
              GError     **error)
{
  if (!lookout_http_is_token (text) || strlen (text) > MAX_METHOD_LENGTH)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("“%s” is not an HTTP method, like GET or HEAD"), text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_payload_size (gsize    n_bytes,
                    GError **error)
{
  if (n_bytes > MAX_UDP_PAYLOAD)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The UDP payload is too long: at most %u bytes fit in a datagram"),
                   MAX_UDP_PAYLOAD);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_payload (const char  *text,
               GError     **error)
{
  return check_payload_size (strlen (text), error);
}

static gboolean
check_payload_hex (const char  *text,
                   GError     **error)
{
  gsize len = strlen (text);

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      {
        g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                             _("The hexadecimal UDP payload may contain only the digits 0-9 and letters a-f"));
        return FALSE;
      }
  if (len % 2 != 0)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The hexadecimal UDP payload must have an even number of digits, two per byte"));
      return FALSE;
    }

  return check_payload_size (len / 2, error);
}

static gboolean
check_keyword (const char  *text,
               GError     **error)
{
  if (strlen (text) > MAX_KEYWORD_LENGTH)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The keyword is too long: at most %u bytes are allowed"), MAX_KEYWORD_LENGTH);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_headers (JsonObject  *headers,
               GError     **error)
{
  g_autoptr(GList) names = json_object_get_members (headers);

  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (headers, name);
      g_autoptr(GError) header_error = NULL;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The value of the header “%s” must be text"), name);
          return FALSE;
        }
      if (!lookout_http_header_check (name, json_node_get_string (node), &header_error))
        {
          g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                               header_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_ca_file (const char  *text,
               GError     **error)
{
  if (!g_path_is_absolute (text) || strpbrk (text, "\r\n") != NULL)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The CA file must be given by its full path, like /etc/ssl/private-ca.pem, not “%s”"),
                   text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_expect (const char  *text,
              GError     **error)
{
  gsize len = strlen (text);

  if (len == 0 || len > MAX_EXPECT_LENGTH)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The expected answer must be 1 to %u characters, like 192.0.2.1"),
                   MAX_EXPECT_LENGTH);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                             _("The expected answer cannot contain line breaks or other control characters"));
        return FALSE;
      }

  return TRUE;
}

gboolean
lookout_location_name_check (const char  *name,
                             GError     **error)
{
  gsize len = strlen (name);

  if (len == 0 || len > LOOKOUT_LOCATION_NAME_MAX)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("A location’s name must be 1 to %u characters, like paris"),
                   LOOKOUT_LOCATION_NAME_MAX);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      {
        g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                     _("The location “%s” may contain only letters, digits and the signs - _ ."),
                     name);
        return FALSE;
      }

  return TRUE;
}

/* "local,paris,tokyo": names of locations, each once. */
static gboolean
check_locations (const char  *text,
                 GError     **error)
{
  g_auto(GStrv) names = g_strsplit (text, ",", -1);
  guint n = g_strv_length (names);

  if (n == 0 || n > MAX_LOCATIONS)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("A target is checked from 1 to %u locations, like local,paris"), MAX_LOCATIONS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_strstrip (names[i]);
      if (!lookout_location_name_check (names[i], error))
        return FALSE;
      for (guint j = 0; j < i; j++)
        if (g_str_equal (names[i], names[j]))
          {
            g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                         _("The location “%s” is listed twice"), names[i]);
            return FALSE;
          }
    }

  return TRUE;
}

static gboolean
parse_quorum (const char *text,
              guint      *quorum)
{
  guint64 n;

  if (g_str_equal (text, "any"))
    *quorum = 1;
  else if (g_str_equal (text, "all"))
    *quorum = LOOKOUT_QUORUM_ALL;
  else if (g_ascii_string_to_unsigned (text, 10, 1, MAX_LOCATIONS, &n, NULL))
    *quorum = (guint) n;
  else
    return FALSE;

  return TRUE;
}

static gboolean
check_quorum (const char  *text,
              GError     **error)
{
  guint quorum;

  if (!parse_quorum (text, &quorum))
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The quorum “%s” must be any, all or a number of locations from 1 to %u"),
                   text, MAX_LOCATIONS);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_request_body (const char  *text,
                    GError     **error)
{
  if (strlen (text) > MAX_REQUEST_BODY)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The request body is too long: at most %u bytes are allowed"), MAX_REQUEST_BODY);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_content_type (const char  *text,
                    GError     **error)
{
  g_autoptr(GError) header_error = NULL;

  if (text[0] == '\0' || !lookout_http_header_check ("Content-Type", text, &header_error))
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("“%s” is not a media type for the request body, like application/json"), text);
      return FALSE;
    }

  return TRUE;
}

/* "desktop,ops-webhook": ids of notification channels, each once; "" is
 * none at all. Which ids exist is the alert settings' business. */
static gboolean
check_channels (const char  *text,
                GError     **error)
{
  g_auto(GStrv) ids = NULL;

  if (text[0] == '\0')
    return TRUE;

  ids = g_strsplit (text, ",", -1);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      const char *id = g_strstrip (ids[i]);
      gsize len = strlen (id);

      if (len == 0 || len > MAX_CHANNEL_ID_LENGTH || strspn (id, CHANNEL_ID_CHARS) != len)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The channels must be notification channel names separated by commas, "
                         "like desktop,webhook; “%s” is not one"), id);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (ids[j], id))
          {
            g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                         _("The channel “%s” is named twice"), id);
            return FALSE;
          }
    }

  return TRUE;
}

static gboolean
check_tags (const char  *text,
            GError     **error)
{
  g_auto(GStrv) tags = lookout_target_tags_split (text);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                             _("Tags cannot contain line breaks or other control characters"));
        return FALSE;
      }
  for (guint i = 0; tags[i] != NULL; i++)
    if (g_utf8_strlen (tags[i], -1) > MAX_TAG_LENGTH)
      {
        g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                     _("The tag “%s” is longer than %u characters"), tags[i], MAX_TAG_LENGTH);
        return FALSE;
      }

  return TRUE;
}

static gboolean
has_control_char (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return TRUE;

  return FALSE;
}

/* RFC 7617: the user-id cannot hold a colon; neither may hold control
 * characters, which would end up in a header. */
static gboolean
check_auth_user (const char  *text,
                 GError     **error)
{
  if (text[0] == '\0' || strchr (text, ':') != NULL || strlen (text) > 255)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The user name for basic authentication cannot be empty, longer than "
                             "255 bytes or contain “:”"));
      return FALSE;
    }
  if (has_control_char (text))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The user name for basic authentication cannot contain control characters"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_auth_password (const char  *text,
                     GError     **error)
{
  if (has_control_char (text))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The password for basic authentication cannot contain control characters"));
      return FALSE;
    }
  if (strlen (text) > 1024)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The password for basic authentication is longer than 1024 bytes"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_env_name (const char  *text,
                GError     **error)
{
  gsize len = strlen (text);

  if (len == 0 || len > 255 || g_ascii_isdigit (text[0]) ||
      strspn (text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != len)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("“%s” is not the name of an environment variable: letters, digits and “_”, "
                     "not starting with a digit, like SITE_PASSWORD"), text);
      return FALSE;
    }

  return TRUE;
}

/* The keys agreed for each kind; keys not listed are left for the probes
 * that may know them (an older or newer Lookout wrote them). */
static const LookoutTargetOption options[] = {
  { "method", "method", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_method,
    "METHOD", N_("The request method (default: GET)") },
  { "accept", "accept", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_accept,
    "CODES", N_("The status codes that count as up, like 200-299,404 (default: 200-399)") },
  { "keyword", "keyword", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_keyword,
    "TEXT", N_("Text the response body must contain") },
  { "keyword_absent", "keyword_absent", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (HTTP), 0, 0, NULL,
    "true|false", N_("The keyword must be absent instead (default: false)") },
  { "max_redirects", "max_redirects", LOOKOUT_TARGET_OPTION_INTEGER, KIND (HTTP), 0, MAX_REDIRECTS, NULL,
    "N", N_("Redirects followed at most (default: 10)") },
  { "verify_tls", "verify_tls", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (HTTP), 0, 0, NULL,
    "true|false", N_("Check the server’s certificate (default: true)") },
  { "headers", "header", LOOKOUT_TARGET_OPTION_HEADERS, KIND (HTTP), 0, 0, NULL,
    "\"NAME: VALUE\"", N_("A request header; repeat for more") },
  { "body_cap", "body_cap", LOOKOUT_TARGET_OPTION_INTEGER, KIND (HTTP), 1, MAX_BODY_CAP, NULL,
    "BYTES", N_("How much of the body is read for the keyword") },
  { "ca_file", "ca_file", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_ca_file,
    "PATH", N_("A PEM file of the certificate authorities trusted instead of the system’s") },
  { "body", "body", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_request_body,
    "TEXT", N_("The request body sent with the method, like {\"ping\": 1} with method=POST") },
  { "content_type", "content_type", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_content_type,
    "TYPE", N_("The media type of the request body (default: text/plain; charset=utf-8)") },
  { "count", "count", LOOKOUT_TARGET_OPTION_INTEGER, KIND (ICMP), 1, MAX_ICMP_COUNT, NULL,
    "N", N_("Echo requests per check (default: 3)") },
  { "size", "size", LOOKOUT_TARGET_OPTION_INTEGER, KIND (ICMP), 0, MAX_ICMP_PAYLOAD, NULL,
    "BYTES", N_("Payload bytes of each echo request (default: 56)") },
  { "payload", "payload", LOOKOUT_TARGET_OPTION_STRING, KIND (UDP), 0, 0, check_payload,
    "TEXT", N_("The datagram sent, as text") },
  { "payload_hex", "payload_hex", LOOKOUT_TARGET_OPTION_STRING, KIND (UDP), 0, 0, check_payload_hex,
    "HEX", N_("The datagram sent, in hexadecimal") },
  { "expect_reply", "expect_reply", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (UDP), 0, 0, NULL,
    "true|false", N_("Count the check as failed without a reply (default: false)") },
  { "max_offset_ms", "max_offset_ms", LOOKOUT_TARGET_OPTION_INTEGER, KIND (NTP), 1, MAX_NTP_OFFSET_MS, NULL,
    "MS", N_("The clock offset above which the server counts as degraded (default: none)") },
  { "max_offset_s", "max_offset_s", LOOKOUT_TARGET_OPTION_INTEGER, KIND (NTP), 1, MAX_NTP_SANE_OFFSET_S, NULL,
    "SECONDS", N_("The clock offset past which the server’s clock is wrong and it counts as down (default: 1000)") },
  { "notify_anomalies", "notify_anomalies", LOOKOUT_TARGET_OPTION_BOOLEAN, ALL_KINDS, 0, 0, NULL,
    "true|false", N_("Notify anomalies of this target’s response times (default: false)") },
  { "expect", "expect", LOOKOUT_TARGET_OPTION_STRING, KIND (DNS), 0, 0, check_expect,
    "ANSWER", N_("An answer the reply must hold, like 192.0.2.1 (default: any)") },
  { "names", "names", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (TRACE), 0, 0, NULL,
    "true|false", N_("Name the hops by reverse DNS (default: true)") },
  { "notify_route_changes", "notify_route_changes", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (TRACE), 0, 0, NULL,
    "true|false", N_("Notify when the route to the destination changes (default: true)") },
  { "slow_ms", "slow_ms", LOOKOUT_TARGET_OPTION_INTEGER, ALL_KINDS, 1, LOOKOUT_TARGET_MAX_TIMEOUT_MS, NULL,
    "MS", N_("Degraded while the median response time of the last slow_checks checks is above it (default: none)") },
  { "slow_checks", "slow_checks", LOOKOUT_TARGET_OPTION_INTEGER, ALL_KINDS, 1, 100, NULL,
    "N", N_("How many checks the slow rule takes the median of (default: 5)") },
  { "channels", "channels", LOOKOUT_TARGET_OPTION_STRING, ALL_KINDS, 0, 0, check_channels,
    "ID,…", N_("The notification channels this target’s alerts go to, like desktop,webhook; "
               "empty for none (default: all)") },
  { "locations", "locations", LOOKOUT_TARGET_OPTION_STRING, ALL_KINDS, 0, 0, check_locations,
    "local,NAME…", N_("Where the target is checked from: local and agents’ names (default: local)") },
  { "quorum", "quorum", LOOKOUT_TARGET_OPTION_STRING, ALL_KINDS, 0, 0, check_quorum,
    "any|all|N", N_("How many locations must see the target down for it to be down (default: any)") },
};

/* Settings of the target rather than of its check, kept with the options
 * and read, checked and written like them, but not listed among a kind's
 * options (lookout_target_options_dup_keys()). */
static const LookoutTargetOption settings[] = {
  /* HTTP basic authentication: credentials rather than a way of checking,
   * documented in the README rather than listed with the options. */
  { "basic_auth_user", "basic_auth_user", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_auth_user,
    "USER", N_("The user name for HTTP basic authentication") },
  { "basic_auth_password", "basic_auth_password", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_auth_password,
    "PASSWORD", N_("Its password, in clear (an export leaves it out)") },
  { "basic_auth_password_env", "basic_auth_password_env", LOOKOUT_TARGET_OPTION_STRING, KIND (HTTP), 0, 0, check_env_name,
    "NAME", N_("The environment variable that holds its password") },
  { "basic_auth_keyring", "basic_auth_keyring", LOOKOUT_TARGET_OPTION_BOOLEAN, KIND (HTTP), 0, 0, NULL,
    "true|false", N_("Its password is kept in the desktop app’s keyring") },
  { "maintenance", "maintenance", LOOKOUT_TARGET_OPTION_STRING, ALL_KINDS, 0, 0, lookout_maintenance_check,
    "RULES", N_("Maintenance windows, checked but not notified: “every sunday 02:00-03:00; 2026-12-24 18:00 - 20:00”") },
  { "tags", "tags", LOOKOUT_TARGET_OPTION_STRING, ALL_KINDS, 0, 0, check_tags,
    "TAG,TAG", N_("Tags to group and find targets by, separated by commas") },
};

#define N_OPTIONS_AND_SETTINGS (G_N_ELEMENTS (options) + G_N_ELEMENTS (settings))

static const LookoutTargetOption *
option_or_setting (guint i)
{
  return i < G_N_ELEMENTS (options) ? &options[i] : &settings[i - G_N_ELEMENTS (options)];
}

static gboolean
check_option (const LookoutTargetOption  *spec,
              JsonNode                   *node,
              GError                    **error)
{
  GType value_type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (spec->type)
    {
    case LOOKOUT_TARGET_OPTION_STRING:
      if (value_type != G_TYPE_STRING)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The option “%s” must be text"), spec->key);
          return FALSE;
        }
      return spec->check == NULL || spec->check (json_node_get_string (node), error);

    case LOOKOUT_TARGET_OPTION_BOOLEAN:
      if (value_type != G_TYPE_BOOLEAN)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The option “%s” must be true or false"), spec->key);
          return FALSE;
        }
      return TRUE;

    case LOOKOUT_TARGET_OPTION_INTEGER:
      if (value_type != G_TYPE_INT64 ||
          json_node_get_int (node) < spec->min || json_node_get_int (node) > spec->max)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The option “%s” must be a whole number between %" PRId64
                         " and %" PRId64), spec->key, spec->min, spec->max);
          return FALSE;
        }
      return TRUE;

    case LOOKOUT_TARGET_OPTION_HEADERS:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("The option “%s” must be an object of header names and values"), spec->key);
          return FALSE;
        }
      return check_headers (json_node_get_object (node), error);

    default:
      g_assert_not_reached ();
    }
}

static const char *
get_string_member (JsonObject *object,
                   const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char **
split_locations (const char *text)
{
  char **names;

  if (text == NULL)
    text = LOOKOUT_LOCATION_LOCAL;
  names = g_strsplit (text, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    g_strstrip (names[i]);
  return names;
}

/* A quorum of N needs at least N locations. */
static gboolean
check_places (JsonObject  *object,
              GError     **error)
{
  const char *quorum_text = get_string_member (object, "quorum");
  g_auto(GStrv) names = NULL;
  guint quorum, n;

  if (quorum_text == NULL || !parse_quorum (quorum_text, &quorum) || quorum == LOOKOUT_QUORUM_ALL)
    return TRUE;

  names = split_locations (get_string_member (object, "locations"));
  n = g_strv_length (names);
  if (quorum > n)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The quorum %u is more than the %u location the target is checked from",
                                "The quorum %u is more than the %u locations the target is checked from",
                                n),
                   quorum, n);
      return FALSE;
    }

  return TRUE;
}

/* An NTP server is degraded past max_offset_ms and down past max_offset_s
 * (1000 s unless set): the second bound must be the larger. */
static gboolean
check_ntp_offsets (JsonObject  *object,
                   GError     **error)
{
  g_autofree char *degraded_text = NULL;
  g_autofree char *down_text = NULL;
  gint64 degraded_ms, down_s;

  if (!json_object_has_member (object, "max_offset_ms"))
    return TRUE;

  degraded_ms = json_object_get_int_member (object, "max_offset_ms");
  down_s = json_object_get_int_member_with_default (object, "max_offset_s", DEFAULT_NTP_DOWN_OFFSET_S);
  if (down_s * 1000 > degraded_ms)
    return TRUE;

  degraded_text = g_strdup_printf ("%" G_GINT64_FORMAT, degraded_ms);
  down_text = g_strdup_printf ("%" G_GINT64_FORMAT, down_s);
  g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
               /* Translators: the two numbers are seconds, then milliseconds */
               _("The clock offset counted as down (%s s) must be above the one counted as degraded (%s ms)"),
               down_text, degraded_text);
  return FALSE;
}

gboolean
lookout_target_options_validate (const char  *options_json,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  JsonObject *object;
  JsonNode *root;

  if (options_json == NULL || options_json[0] == '\0')
    return TRUE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, options_json, -1, &json_error))
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("The options are not valid JSON: %s"), json_error->message);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The options must be a JSON object, like {\"count\": 5}"));
      return FALSE;
    }

  object = json_node_get_object (root);
  for (guint i = 0; i < N_OPTIONS_AND_SETTINGS; i++)
    {
      JsonNode *node = json_object_get_member (object, option_or_setting (i)->key);

      if (node != NULL && !check_option (option_or_setting (i), node, error))
        return FALSE;
    }

  if (!json_object_has_member (object, "basic_auth_user") &&
      (json_object_has_member (object, "basic_auth_password") ||
       json_object_has_member (object, "basic_auth_password_env") ||
       json_object_has_member (object, "basic_auth_keyring")))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("A password for basic authentication needs a user name too (basic_auth_user)"));
      return FALSE;
    }

  return check_ntp_offsets (object, error) && check_places (object, error);
}
const LookoutTargetOption *
lookout_target_options_get_all (guint *n_options)
{
  g_return_val_if_fail (n_options != NULL, NULL);

  *n_options = G_N_ELEMENTS (options);
  return options;
}

const LookoutTargetOption *
lookout_target_options_lookup (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < N_OPTIONS_AND_SETTINGS; i++)
    if (g_str_equal (key, option_or_setting (i)->key) || g_str_equal (key, option_or_setting (i)->text_key))
      return option_or_setting (i);

  return NULL;
}

gboolean
lookout_target_option_applies_to (const LookoutTargetOption *option,
                                  LookoutTargetKind          kind)
{
  g_return_val_if_fail (option != NULL, FALSE);

  return kind < LOOKOUT_TARGET_N_KINDS && (option->kinds & (1u << kind)) != 0;
}

const char *
lookout_target_option_get_summary (const LookoutTargetOption *option)
{
  g_return_val_if_fail (option != NULL, NULL);

  return _(option->summary);
}

char *
lookout_target_options_dup_keys (LookoutTargetKind kind)
{
  GString *keys = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      if (!lookout_target_option_applies_to (&options[i], kind))
        continue;
      if (keys == NULL)
        keys = g_string_new (NULL);
      else
        g_string_append (keys, ", ");
      g_string_append (keys, options[i].text_key);
    }

  return keys != NULL ? g_string_free (keys, FALSE) : NULL;
}

gboolean
lookout_target_options_check_key (LookoutTargetKind   kind,
                                  const char         *key,
                                  gboolean            text,
                                  GError            **error)
{
  const LookoutTargetOption *option;
  g_autofree char *keys = NULL;
  const char *label;

  g_return_val_if_fail (key != NULL, FALSE);

  option = lookout_target_options_lookup (key);
  if (option != NULL && !g_str_equal (key, text ? option->text_key : option->key))
    option = NULL;
  if (option != NULL && lookout_target_option_applies_to (option, kind))
    return TRUE;

  keys = lookout_target_options_dup_keys (kind);
  label = lookout_target_kind_get_label (kind);
  if (keys == NULL)
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("%s targets have no option “%s”, nor any other of their own"), label, key);
  else if (option == NULL)
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("Unknown option “%s”; %s targets take %s"), key, label, keys);
  else
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("“%s” is not an option of %s targets, which take %s"), key, label, keys);

  return FALSE;
}

static JsonNode *
value_node_from_text (const LookoutTargetOption  *option,
                      const char                 *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  gint64 number;

  switch (option->type)
    {
    case LOOKOUT_TARGET_OPTION_BOOLEAN:
      if (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "yes") == 0 ||
          g_ascii_strcasecmp (value, "on") == 0 || g_str_equal (value, "1"))
        json_node_set_boolean (node, TRUE);
      else if (g_ascii_strcasecmp (value, "false") == 0 || g_ascii_strcasecmp (value, "no") == 0 ||
               g_ascii_strcasecmp (value, "off") == 0 || g_str_equal (value, "0"))
        json_node_set_boolean (node, FALSE);
      else
        json_node_set_string (node, value);   /* refused by check_option in its words */
      break;

    case LOOKOUT_TARGET_OPTION_INTEGER:
      if (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL))
        json_node_set_int (node, number);
      else
        json_node_set_string (node, value);
      break;

    case LOOKOUT_TARGET_OPTION_STRING:
    case LOOKOUT_TARGET_OPTION_HEADERS:
    default:
      json_node_set_string (node, value);
      break;
    }

  return node;
}

gboolean
lookout_target_options_set_text (JsonObject         *object,
                                 LookoutTargetKind   kind,
                                 const char         *key,
                                 const char         *value,
                                 GError            **error)
{
  const LookoutTargetOption *option;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  if (!lookout_target_options_check_key (kind, key, TRUE, error))
    return FALSE;
  option = lookout_target_options_lookup (key);

  if (option->type == LOOKOUT_TARGET_OPTION_HEADERS)
    {
      g_autoptr(JsonObject) one = json_object_new ();
      g_autofree char *name = NULL;
      const char *colon = strchr (value, ':');
      JsonObject *headers;

      if (colon == NULL || colon == value)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("A header is written as header=\"Name: value\", not “%s”"), value);
          return FALSE;
        }
      name = g_strstrip (g_strndup (value, colon - value));
      colon++;
      while (*colon == ' ' || *colon == '\t')
        colon++;
      json_object_set_string_member (one, name, colon);
      if (!check_headers (one, error))
        return FALSE;

      if (!json_object_has_member (object, option->key) ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, option->key)))
        json_object_set_object_member (object, option->key, json_object_new ());
      headers = json_object_get_object_member (object, option->key);
      json_object_set_string_member (headers, name, colon);
      return TRUE;
    }

  node = value_node_from_text (option, value);
  if (!check_option (option, node, error))
    return FALSE;

  json_object_set_member (object, option->key, g_steal_pointer (&node));
  return TRUE;
}

gboolean
lookout_target_options_is_secret (const char *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return g_str_equal (key, "basic_auth_password");
}

char *
lookout_target_options_dup_secret_note (const char *options_json)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  JsonNode *root;
  const char *user;

  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  user = json_object_get_string_member_with_default (object, "basic_auth_user", NULL);
  if (user == NULL)
    return NULL;

  if (json_object_has_member (object, "basic_auth_password"))
    return g_strdup_printf (_("The password of “%s” is left out: give it again with "
                              "basic_auth_password= or basic_auth_password_env="), user);
  if (json_object_get_boolean_member_with_default (object, "basic_auth_keyring", FALSE))
    return g_strdup_printf (_("The password of “%s” is in the keyring of the computer this "
                              "list comes from, not in the list"), user);
  return NULL;
}

char *
lookout_target_options_to_text (const char *options_json)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  GString *out = g_string_new (NULL);
  JsonObject *object;
  JsonNode *root;

  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_string_free (out, FALSE);

  object = json_node_get_object (root);
  for (guint i = 0; i < N_OPTIONS_AND_SETTINGS; i++)
    {
      const LookoutTargetOption *option = option_or_setting (i);
      JsonNode *node = json_object_get_member (object, option->key);

      if (node == NULL || lookout_target_options_is_secret (option->key))
        continue;

      if (option->type == LOOKOUT_TARGET_OPTION_HEADERS && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *headers = json_node_get_object (node);
          g_autoptr(GList) names = json_object_get_members (headers);

          for (const GList *l = names; l != NULL; l = l->next)
            {
              const char *name = l->data;
              JsonNode *value = json_object_get_member (headers, name);
              g_autofree char *header = NULL;

              if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
                continue;
              header = g_strdup_printf ("%s: %s", name, json_node_get_string (value));
              g_string_append_printf (out, "%s%s=", out->len ? " " : "", option->text_key);
              lookout_targets_file_append_value (out, header);
            }
          continue;
        }

      if (!JSON_NODE_HOLDS_VALUE (node))
        continue;

      g_string_append_printf (out, "%s%s=", out->len ? " " : "", option->text_key);
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_STRING:
          lookout_targets_file_append_value (out, json_node_get_string (node));
          break;
        default:
          {
            g_autofree char *text = json_to_string (node, FALSE);

            lookout_targets_file_append_value (out, text);
          }
        }
    }

  return g_string_free (out, FALSE);
}

gboolean
lookout_target_set_option_text (LookoutTarget  *target,
                                const char     *key,
                                const char     *value,
                                GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  if (!json_parser_load_from_data (parser, lookout_target_get_options (target), -1, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_init_object (json_node_alloc (), json_object_new ());
  else
    root = json_node_copy (json_parser_get_root (parser));

  if (!lookout_target_options_set_text (json_node_get_object (root),
                                        lookout_target_get_kind (target), key, value, error))
    return FALSE;

  json = json_to_string (root, FALSE);
  if (!lookout_target_options_validate (json, error))
    return FALSE;

  lookout_target_set_options (target, json);
  return TRUE;
}

char **
lookout_target_options_get_places (const char *options_json,
                                   guint      *quorum)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object = NULL;
  JsonNode *root;
  const char *quorum_text = NULL;

  if (options_json != NULL && options_json[0] != '\0' &&
      json_parser_load_from_data (parser, options_json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);

  if (quorum != NULL)
    {
      *quorum = 1;
      if (object != NULL && (quorum_text = get_string_member (object, "quorum")) != NULL)
        parse_quorum (quorum_text, quorum);
    }

  return split_locations (object != NULL ? get_string_member (object, "locations") : NULL);
}

char **
lookout_target_options_dup_channels (const char *options_json)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_auto(GStrv) ids = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *root, *node;

  if (options_json == NULL || options_json[0] == '\0' ||
      !json_parser_load_from_data (parser, options_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  node = json_object_get_member (json_node_get_object (root), "channels");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  builder = g_strv_builder_new ();
  ids = g_strsplit (json_node_get_string (node), ",", -1);
  for (guint i = 0; ids[i] != NULL; i++)
    if (*g_strstrip (ids[i]) != '\0')
      g_strv_builder_add (builder, ids[i]);

  return g_strv_builder_end (builder);
}

/* Options in the address: the parameters of the query named "lookout.KEY"
 * are taken out (the rest of the query, the part the server sees, stays as
 * it was written) and each set as KEY=VALUE would be in the targets file. */
LookoutTarget *
lookout_target_new_from_string_with_options (const char  *text,
                                             GError     **error)
{
  g_autoptr(GString) uri = NULL;
  g_autoptr(GPtrArray) options = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LookoutTarget) target = NULL;
  const char *query, *end;
  gboolean first = TRUE;

  g_return_val_if_fail (text != NULL, NULL);

  query = strchr (text, '?');
  if (query == NULL)
    return lookout_target_new_from_string (text, error);
  end = query + strcspn (query, "#");

  uri = g_string_new_len (text, query - text);
  for (const char *p = query + 1; p <= end;)
    {
      gsize len = strcspn (p, "&#");

      if (p + len > end)
        len = end - p;
      if (g_str_has_prefix (p, "lookout.") && len > strlen ("lookout."))
        g_ptr_array_add (options, g_strndup (p + strlen ("lookout."), len - strlen ("lookout.")));
      else if (len > 0)
        {
          g_string_append_c (uri, first ? '?' : '&');
          g_string_append_len (uri, p, len);
          first = FALSE;
        }
      p += len + 1;
    }
  g_string_append (uri, end);

  /* without options the address is left exactly as written */
  target = lookout_target_new_from_string (options->len > 0 ? uri->str : text, error);
  if (target == NULL)
    return NULL;

  for (guint i = 0; i < options->len; i++)
    {
      const char *option = g_ptr_array_index (options, i);
      const char *equals = strchr (option, '=');
      g_autofree char *key = g_strndup (option, equals ? (gsize) (equals - option) : strlen (option));
      g_autofree char *value = equals ? g_uri_unescape_string (equals + 1, NULL) : NULL;

      if (value == NULL)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("“lookout.%s” in the address must be lookout.KEY=VALUE, like lookout.accept=200-299"),
                       option);
          return NULL;
        }
      if (!lookout_target_set_option_text (target, key, value, error))
        {
          g_prefix_error (error, "lookout.%s: ", key);
          return NULL;
        }
    }

  return g_steal_pointer (&target);
}
