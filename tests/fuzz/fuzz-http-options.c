/* fuzz-http-options.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The options JSON of an HTTP target comes from the user (the add dialog,
 * the targets file, the API): parsing it must never crash, and an error
 * must say something. */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "lookout-http-probe.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;

  if (!lookout_http_probe_validate_options (text, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == LOOKOUT_TARGET_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (strlen (error->message), >, 0);
    }
  else
    g_assert_null (error);

  return 0;
}
