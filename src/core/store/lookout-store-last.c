/* lookout-store-last.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Where a target stood when the last process stopped: its last stored
 * result and the start of the run of failures it ends, read on a reader
 * connection so that an engine starting again knows the state and the
 * outage start at once instead of "Unknown" until the next check. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-store-private.h"

gboolean
lookout_store_read_last_sample_sync (LookoutStore   *self,
                                     gint64          target_id,
                                     LookoutSample  *out_sample,
                                     gint64         *out_bad_since_ms,
                                     GError        **error)
{
  g_autoptr(sqlite3_stmt) last = NULL;
  g_autoptr(sqlite3_stmt) run = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_sample != NULL, FALSE);
  g_return_val_if_fail (out_bad_since_ms != NULL, FALSE);

  *out_sample = (LookoutSample) { .target_id = target_id, .ts_ms = -1, .latency_us = -1 };
  *out_bad_since_ms = 0;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT ts_ms, latency_us, state, code, error FROM samples"
                           " WHERE target_id = ?1 ORDER BY ts_ms DESC LIMIT 1",
                           -1, &last, NULL);
  /* The first result after the last success: where the failing run began. */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db->db,
                             "SELECT MIN(ts_ms) FROM samples"
                             " WHERE target_id = ?1 AND ts_ms > IFNULL((SELECT MAX(ts_ms) FROM samples"
                             "   WHERE target_id = ?1 AND state = ?2), -1)",
                             -1, &run, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  sqlite3_bind_int64 (last, 1, target_id);
  rc = sqlite3_step (last);
  if (rc == SQLITE_ROW)
    {
      out_sample->ts_ms = sqlite3_column_int64 (last, 0);
      out_sample->latency_us = sqlite3_column_type (last, 1) == SQLITE_NULL
                               ? -1 : sqlite3_column_int64 (last, 1);
      out_sample->state = sqlite3_column_int (last, 2);
      out_sample->code = sqlite3_column_int (last, 3);
      if (sqlite3_column_type (last, 4) != SQLITE_NULL)
        out_sample->error = g_strdup ((const char *) sqlite3_column_text (last, 4));
    }
  else if (rc != SQLITE_DONE)
    goto failed;

  if (out_sample->ts_ms >= 0 && out_sample->state != LOOKOUT_TARGET_STATE_UP)
    {
      sqlite3_bind_int64 (run, 1, target_id);
      sqlite3_bind_int (run, 2, LOOKOUT_TARGET_STATE_UP);
      if ((rc = sqlite3_step (run)) != SQLITE_ROW)
        goto failed;
      *out_bad_since_ms = sqlite3_column_int64 (run, 0);
    }

  g_clear_pointer (&last, sqlite3_finalize);
  g_clear_pointer (&run, sqlite3_finalize);
  lookout_store_release_reader (self, db);
  return TRUE;

failed:
  lookout_store_set_error (error, db->db, rc, "read the last result");
  g_clear_pointer (&last, sqlite3_finalize);
  g_clear_pointer (&run, sqlite3_finalize);
  lookout_store_release_reader (self, db);
  lookout_sample_clear (out_sample);
  return FALSE;
}
