/* fuzz-target-uri.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever the text, the parser must not crash, every error must carry a
 * readable message, and a parsed URI's canonical string must parse back to
 * exactly itself, with the same parts. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-probe-kind.h"
#include "lookout-target-uri.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_error (GError *error)
{
  if (error->domain != LOOKOUT_TARGET_URI_ERROR ||
      error->message == NULL || error->message[0] == '\0' ||
      !g_utf8_validate (error->message, -1, NULL))
    abort ();
  g_error_free (error);
}

static void
check (LookoutTargetUri *uri,
       GError           *error)
{
  g_autoptr(LookoutTargetUri) again = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autofree char *display = NULL;
  LookoutTargetKind kind;
  const char *text;

  if (uri == NULL)
    {
      check_error (error);
      return;
    }

  text = lookout_target_uri_to_string (uri);
  kind = lookout_target_uri_get_kind (uri);
  again = lookout_target_uri_parse (text, &again_error);
  if (again == NULL ||
      strcmp (lookout_target_uri_to_string (again), text) != 0 ||
      lookout_target_uri_get_kind (again) != kind ||
      lookout_target_uri_get_port (again) != lookout_target_uri_get_port (uri) ||
      g_strcmp0 (lookout_target_uri_get_host (again), lookout_target_uri_get_host (uri)) != 0 ||
      g_strcmp0 (lookout_target_uri_get_path (again), lookout_target_uri_get_path (uri)) != 0 ||
      g_strcmp0 (lookout_target_uri_get_dns_name (again), lookout_target_uri_get_dns_name (uri)) != 0)
    {
      g_printerr ("round trip failed: “%s” -> %s\n", text,
                  again ? lookout_target_uri_to_string (again) : again_error->message);
      abort ();
    }

  if (strlen (text) > 2048 || !g_str_is_ascii (text))
    abort ();
  if ((kind == LOOKOUT_TARGET_KIND_HTTP) != (lookout_target_uri_get_path (uri) != NULL))
    abort ();
  if ((kind == LOOKOUT_TARGET_KIND_DNS) != (lookout_target_uri_get_dns_name (uri) != NULL))
    abort ();
  if (lookout_target_uri_get_host (uri) == NULL && kind != LOOKOUT_TARGET_KIND_DNS)
    abort ();
  /* Kinds without ports (icmp, trace) have port 0, every other one a port. */
  if ((lookout_probe_kind_get (kind)->port == LOOKOUT_KIND_PORT_NONE) != (lookout_target_uri_get_port (uri) == 0))
    abort ();

  display = lookout_target_uri_dup_display_name (uri);
  if (display == NULL || display[0] == '\0' || !g_utf8_validate (display, -1, NULL))
    abort ();

  lookout_target_uri_unref (uri);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  GError *error = NULL;
  LookoutTargetUri *uri;

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  uri = lookout_target_uri_parse (text, &error);
  check (uri, error);

  for (guint kind = 0; kind < LOOKOUT_TARGET_N_KINDS; kind++)
    {
      LookoutTargetKind out_kind = LOOKOUT_TARGET_N_KINDS;

      error = NULL;
      uri = lookout_target_uri_parse_for_kind (kind, text, &out_kind, &error);
      if (out_kind >= LOOKOUT_TARGET_N_KINDS ||
          (uri != NULL && lookout_target_uri_get_kind (uri) != out_kind))
        abort ();
      check (uri, error);
    }

  return 0;
}
