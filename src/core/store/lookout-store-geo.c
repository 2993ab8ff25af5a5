/* lookout-store-geo.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <math.h>
#include <glib/gi18n-lib.h>

#include "lookout-store-geo.h"
#include "lookout-store-private.h"

/* ---- schema ---- */

gboolean
lookout_store_geo_migrate_1 (sqlite3  *db,
                             GError  **error)
{
  return lookout_store_exec (db,
                             "CREATE TABLE geo_cache ("
                             "  address TEXT PRIMARY KEY,"
                             "  country TEXT,"
                             "  city TEXT,"
                             "  lat REAL,"
                             "  lon REAL,"
                             "  isp TEXT,"
                             "  source TEXT,"
                             "  fetched_at INTEGER NOT NULL"
                             ");",
                             error);
}

/* Geolocation is rare (once per address and month): the statements are
 * prepared per call rather than cached on the connection. */

typedef struct
{
  char   *address;
  gint64  not_before_ms;
} GeoQuery;

static void
geo_query_free (GeoQuery *q)
{
  g_free (q->address);
  g_free (q);
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

LookoutGeoLocation *
lookout_store_lookup_geo_sync (LookoutStore  *self,
                               const char    *address,
                               gint64         not_before_ms,
                               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(LookoutGeoLocation) location = NULL;
  GError *local_error = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT country, city, lat, lon, isp, source, fetched_at"
                           " FROM geo_cache WHERE address = ?1 AND fetched_at >= ?2",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "read geo cache");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, not_before_ms);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      location = lookout_geo_location_new (address);
      location->country = dup_column_text (stmt, 0);
      location->city = dup_column_text (stmt, 1);
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL
          && sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        {
          location->latitude = sqlite3_column_double (stmt, 2);
          location->longitude = sqlite3_column_double (stmt, 3);
        }
      location->isp = dup_column_text (stmt, 4);
      location->source = dup_column_text (stmt, 5);
      location->fetched_at_ms = sqlite3_column_int64 (stmt, 6);
    }
  else if (rc != SQLITE_DONE)
    lookout_store_set_error (&local_error, db->db, rc, "read geo cache");

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&location);
}

static void
lookup_geo_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GeoQuery *q = task_data;
  LookoutGeoLocation *location;
  GError *error = NULL;

  location = lookout_store_lookup_geo_sync (source_object, q->address, q->not_before_ms, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, location, (GDestroyNotify) lookout_geo_location_unref);
}

void
lookout_store_lookup_geo_async (LookoutStore        *self,
                                const char          *address,
                                gint64               not_before_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GeoQuery *q;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  q = g_new0 (GeoQuery, 1);
  q->address = g_strdup (address);
  q->not_before_ms = not_before_ms;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_lookup_geo_async);
  g_task_set_task_data (task, q, (GDestroyNotify) geo_query_free);
  g_task_run_in_thread (task, lookup_geo_thread);
}

LookoutGeoLocation *
lookout_store_lookup_geo_finish (LookoutStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
save_geo_write (LookoutStoreDb  *db,
                gpointer         data,
                GError         **error)
{
  LookoutGeoLocation *location = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           "INSERT OR REPLACE INTO geo_cache"
                           " (address, country, city, lat, lon, isp, source, fetched_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "write geo cache");
      return FALSE;
    }

  sqlite3_bind_text (stmt, 1, location->address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, location->country, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, location->city, -1, SQLITE_STATIC);
  if (!isnan (location->latitude) && !isnan (location->longitude))
    {
      sqlite3_bind_double (stmt, 4, location->latitude);
      sqlite3_bind_double (stmt, 5, location->longitude);
    }
  sqlite3_bind_text (stmt, 6, location->isp, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, location->source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, location->fetched_at_ms);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "write geo cache");
      return FALSE;
    }

  return TRUE;
}

void
lookout_store_save_geo_async (LookoutStore             *self,
                              const LookoutGeoLocation *location,
                              GCancellable             *cancellable,
                              GAsyncReadyCallback       callback,
                              gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (location != NULL && location->address != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_save_geo_async);
  lookout_store_queue_write (self, save_geo_write, NULL,
                             lookout_geo_location_ref ((LookoutGeoLocation *) location),
                             (GDestroyNotify) lookout_geo_location_unref,
                             task);
}

gboolean
lookout_store_save_geo_finish (LookoutStore  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
