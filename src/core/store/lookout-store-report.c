/* lookout-store-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <math.h>

#include "lookout-store-private.h"
#include "lookout-store-report.h"

/* A report is made once per view or request: the statements are prepared
 * per call rather than cached on the connection. */

static gboolean
prepare (sqlite3        *db,
         const char     *sql,
         sqlite3_stmt  **out_stmt,
         GError        **error)
{
  int rc = sqlite3_prepare_v2 (db, sql, -1, out_stmt, NULL);

  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db, rc, "prepare a report query");
      return FALSE;
    }

  return TRUE;
}

gboolean
lookout_store_lookup_place_sync (LookoutStore  *self,
                                 const char    *address,
                                 double         latitude,
                                 double         longitude,
                                 char         **out_city,
                                 char         **out_country,
                                 GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_city != NULL && out_country != NULL, FALSE);

  *out_city = NULL;
  *out_country = NULL;

  if (address == NULL && (isnan (latitude) || isnan (longitude)))
    return TRUE;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  /* The row of the address, else the newest lookup at the target's
   * position (to a metre or so). A NULL address or a NaN position (bound
   * as NULL) matches nothing. */
  if (!prepare (db->db,
                "SELECT city, country FROM geo_cache"
                " WHERE address = ?1 OR (abs (lat - ?2) < 1e-5 AND abs (lon - ?3) < 1e-5)"
                " ORDER BY address IS ?1 DESC, fetched_at DESC LIMIT 1",
                &stmt, error))
    goto out;
  if (address != NULL)
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  if (isnan (latitude) || isnan (longitude))
    {
      sqlite3_bind_null (stmt, 2);
      sqlite3_bind_null (stmt, 3);
    }
  else
    {
      sqlite3_bind_double (stmt, 2, latitude);
      sqlite3_bind_double (stmt, 3, longitude);
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_city = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *out_country = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read the geo cache");
      goto out;
    }
  ok = TRUE;

out:
  lookout_store_release_reader (self, db);

  return ok;
}

gboolean
lookout_store_count_anomalies_sync (LookoutStore  *self,
                                    gint64         target_id,
                                    gint64         from_ms,
                                    gint64         to_ms,
                                    guint64       *out_count,
                                    GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  *out_count = 0;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  if (!prepare (db->db,
                "SELECT count (*) FROM anomalies WHERE target_id = ?1 AND start_ms >= ?2 AND start_ms < ?3",
                &stmt, error))
    goto out;
  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_count = sqlite3_column_int64 (stmt, 0);
  else
    {
      lookout_store_set_error (error, db->db, rc, "count anomalies");
      goto out;
    }
  ok = TRUE;

out:
  lookout_store_release_reader (self, db);

  return ok;
}

GHashTable *
lookout_store_count_anomalies_by_target_sync (LookoutStore  *self,
                                              gint64         from_ms,
                                              gint64         to_ms,
                                              GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) counts = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  if (!prepare (db->db,
                "SELECT target_id, count (*) FROM anomalies"
                " WHERE start_ms >= ?1 AND start_ms < ?2 GROUP BY target_id",
                &stmt, error))
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, from_ms);
  sqlite3_bind_int64 (stmt, 2, to_ms);

  counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      guint64 *count = g_new (guint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      *count = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (counts, id, count);
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "count anomalies");
      g_clear_pointer (&counts, g_hash_table_unref);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);

  return g_steal_pointer (&counts);
}
