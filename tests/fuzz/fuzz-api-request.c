/* fuzz-api-request.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a REST API client sends, parsed as the server parses it. The first
 * byte picks the parser: 0 a query string (range, from/to, cursor, limit),
 * 1 a duration, 2 a time, 3 a target's JSON body (new, and as a PATCH of an
 * existing target). Whatever the bytes: no crash, a refusal is a readable
 * LOOKOUT_API_ERROR (or the target's own domains), and what is accepted
 * keeps its promises (from before to, at most 400 days, a valid target). */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-api-private.h"
#include "lookout-target-uri.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define NOW_MS G_GINT64_CONSTANT (1767225600000)
#define MAX_MS (400 * 86400 * G_GINT64_CONSTANT (1000))

static void
fail (const char *what,
      const char *detail)
{
  g_printerr ("%s: %s\n", what, detail ? detail : "(null)");
  abort ();
}

static void
check_error (const GError *error)
{
  if (error == NULL)
    fail ("refused without an error", NULL);
  if (error->message == NULL || *error->message == '\0' || !g_utf8_validate (error->message, -1, NULL))
    fail ("unreadable error", error->message);
  if (error->domain != LOOKOUT_API_ERROR && error->domain != LOOKOUT_TARGET_ERROR &&
      error->domain != LOOKOUT_TARGET_URI_ERROR)
    fail ("an error of another domain", error->message);
}

static void
fuzz_query (const char *text)
{
  g_autoptr(GHashTable) query = soup_form_decode (text);
  g_autoptr(GError) error = NULL;
  const char *values[] = { "cursor", "limit" };
  gint64 from_ms, to_ms, value;

  if (lookout_api_parse_range (query, NOW_MS, 86400000, &from_ms, &to_ms, &error))
    {
      if (from_ms >= to_ms)
        fail ("an empty range accepted", text);
    }
  else
    check_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      const char *v = g_hash_table_lookup (query, values[i]);

      g_clear_error (&error);
      if (v == NULL)
        continue;
      if (lookout_api_parse_count (v, values[i], 1, 50000, &value, &error))
        {
          if (value < 1 || value > 50000)
            fail ("a count out of its bounds", v);
        }
      else
        check_error (error);
    }
}

static void
fuzz_target (const char *text,
             gsize       len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) base = lookout_target_new_from_string ("tcp://127.0.0.1:22", NULL);
  LookoutTarget *targets[2];

  targets[0] = lookout_api_parse_target (text, len, NULL, &error);
  if (targets[0] == NULL)
    check_error (error);
  g_clear_error (&error);
  targets[1] = lookout_api_parse_target (text, len, base, &error);
  if (targets[1] == NULL)
    check_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(LookoutTarget) target = targets[i];
      g_autoptr(LookoutTargetUri) again = NULL;

      if (target == NULL)
        continue;
      if (!lookout_target_validate_interval (lookout_target_get_interval (target), NULL) ||
          !lookout_target_validate_timeout (lookout_target_get_timeout (target), NULL) ||
          !lookout_target_validate_fail_threshold (lookout_target_get_fail_threshold (target), NULL) ||
          !lookout_target_validate_options (lookout_target_get_options (target), NULL))
        fail ("an invalid target accepted", text);
      again = lookout_target_uri_parse (lookout_target_get_uri_string (target), NULL);
      if (again == NULL)
        fail ("a target whose URI does not parse again", lookout_target_get_uri_string (target));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ms;

  if (size < 1 || size > LOOKOUT_API_MAX_BODY)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 4)
    {
    case 0:
      fuzz_query (text);
      break;
    case 1:
      if (lookout_api_parse_duration (text, &ms, &error))
        {
          if (ms <= 0 || ms > MAX_MS)
            fail ("a duration out of bounds", text);
        }
      else
        check_error (error);
      break;
    case 2:
      if (lookout_api_parse_time (text, &ms, &error))
        {
          if (ms < 0)
            fail ("a time before 1970", text);
        }
      else
        check_error (error);
      break;
    default:
      fuzz_target (text, strlen (text));
      break;
    }

  return 0;
}
