/* lookout-api-anomalies.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/anomalies: no detector stores anomalies yet, so the list is
 * empty; the parameters are still checked, so that a client written now
 * keeps working when the list fills. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"

void
lookout_api_handle_anomalies (LookoutApiRequest *request)
{
  const char *since = g_hash_table_lookup (request->query, "since");
  g_autoptr(GError) error = NULL;
  gint64 since_ms;

  if (since != NULL && !lookout_api_parse_time (since, &since_ms, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  lookout_api_reply_text (request->msg, SOUP_STATUS_OK,
                          g_strdup ("{\"anomalies\":[],\"next_cursor\":null}"));
}
