/* fuzz-targets-file.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever the bytes, the targets-file parser must not crash; a rejection
 * names each bad line as "fuzz.txt:N: reason" in readable UTF-8; and the
 * targets of an accepted file, written back out with every option, parse
 * again to the same targets. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-targets-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
fail (const char *what,
      const char *detail)
{
  g_printerr ("%s: %s\n", what, detail ? detail : "(null)");
  abort ();
}

static void
check_error (const GError *error,
             gsize         size)
{
  g_auto(GStrv) lines = NULL;

  if (error->domain != LOOKOUT_TARGETS_FILE_ERROR || error->message == NULL ||
      !g_utf8_validate (error->message, -1, NULL))
    fail ("unreadable error", error->message);

  lines = g_strsplit (error->message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 line_no;
      char *end;

      if (i > 0 && lines[i + 1] == NULL && g_str_has_prefix (lines[i], "…"))
        break;
      if (!g_str_has_prefix (lines[i], "fuzz.txt:"))
        fail ("a bad line without the file name", lines[i]);
      line_no = g_ascii_strtoull (lines[i] + strlen ("fuzz.txt:"), &end, 10);
      if (line_no == 0 || line_no > size + 1 || strncmp (end, ": ", 2) != 0 || end[2] == '\0')
        fail ("a bad line without its number and reason", lines[i]);
    }
}

static void
append_quoted (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
check_round_trip (GPtrArray *targets)
{
  g_autoptr(GString) out = g_string_new ("# written back\n");
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *t = g_ptr_array_index (targets, i);
      g_autofree char *automatic = lookout_target_uri_dup_display_name (lookout_target_get_uri (t));

      g_string_append_printf (out, "%s interval=%u timeout=%u failures=%u",
                              lookout_target_get_uri_string (t),
                              lookout_target_get_interval (t),
                              lookout_target_get_timeout (t),
                              lookout_target_get_fail_threshold (t));
      /* a name made from the URI is left out, as an export would */
      if (g_strcmp0 (lookout_target_get_name (t), automatic) != 0)
        {
          g_string_append (out, " name=");
          append_quoted (out, lookout_target_get_name (t));
        }
      g_string_append (out, "  # and a comment\n");
    }

  again = lookout_targets_file_parse (out->str, out->len, "again.txt", &error);
  if (again == NULL)
    fail ("written back, the file no longer parses", error->message);
  if (again->len != targets->len)
    fail ("written back, the file has another number of targets", out->str);

  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *a = g_ptr_array_index (targets, i);
      LookoutTarget *b = g_ptr_array_index (again, i);

      if (g_strcmp0 (lookout_target_get_uri_string (a), lookout_target_get_uri_string (b)) != 0 ||
          g_strcmp0 (lookout_target_get_name (a), lookout_target_get_name (b)) != 0 ||
          lookout_target_get_interval (a) != lookout_target_get_interval (b) ||
          lookout_target_get_timeout (a) != lookout_target_get_timeout (b) ||
          lookout_target_get_fail_threshold (a) != lookout_target_get_fail_threshold (b))
        fail ("written back, a target changed", out->str);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  /* a file is many URIs: keep each run quick */
  if (size > 16384)
    return 0;

  targets = lookout_targets_file_parse ((const char *) data, size, "fuzz.txt", &error);
  if (targets == NULL)
    {
      if (error == NULL)
        fail ("rejected without an error", NULL);
      check_error (error, size);
      return 0;
    }
  if (error != NULL)
    fail ("accepted with an error", error->message);
  if (targets->len > size)
    fail ("more targets than bytes", NULL);

  check_round_trip (targets);

  return 0;
}
