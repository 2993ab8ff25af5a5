/* lookout-store-paths.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The trace_paths and route_changes tables of LookoutStore: a trace
 * target's last hop table (one row per target, replaced each round) and
 * its route changes, written by the writer thread in queue order and read
 * on a reader connection, so that the API answers after a restart. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-store-paths.h"
#include "lookout-store-private.h"

/* ---- schema ---- */

gboolean
lookout_store_paths_migrate_5 (sqlite3  *db,
                               GError  **error)
{
  return lookout_store_exec (db,
                             "CREATE TABLE trace_paths ("
                             "  target_id INTEGER PRIMARY KEY,"
                             "  ts_ms INTEGER NOT NULL,"
                             "  hops TEXT NOT NULL"
                             ");"
                             "CREATE TABLE route_changes ("
                             "  id INTEGER PRIMARY KEY,"
                             "  target_id INTEGER NOT NULL,"
                             "  ts_ms INTEGER NOT NULL,"
                             "  old_path TEXT NOT NULL,"
                             "  new_path TEXT NOT NULL"
                             ");"
                             "CREATE INDEX route_changes_by_target ON route_changes (target_id, ts_ms);",
                             error);
}

/* ---- writing, on the writer thread ---- */

typedef struct
{
  gint64  target_id;
  gint64  ts_ms;
  char   *first;      /* the hops, or the old path */
  char   *second;     /* NULL, or the new path */
} PathRow;

static void
path_row_free (PathRow *row)
{
  g_free (row->first);
  g_free (row->second);
  g_free (row);
}

static gboolean
write_path_row (LookoutStoreDb  *db,
                gpointer         data,
                GError         **error)
{
  PathRow *row = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           row->second == NULL
                             ? "INSERT OR REPLACE INTO trace_paths (target_id, ts_ms, hops)"
                               " VALUES (?1, ?2, ?3)"
                             : "INSERT INTO route_changes (target_id, ts_ms, old_path, new_path)"
                               " VALUES (?1, ?2, ?3, ?4)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare path");
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, row->target_id);
  sqlite3_bind_int64 (stmt, 2, row->ts_ms);
  sqlite3_bind_text (stmt, 3, row->first, -1, SQLITE_STATIC);
  if (row->second != NULL)
    sqlite3_bind_text (stmt, 4, row->second, -1, SQLITE_STATIC);

  return lookout_store_step_done (stmt, "write path", error);
}

static void
path_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
    g_warning ("Could not record a network path: %s", error->message);
}

static void
queue_path_row (LookoutStore *self,
                gint64        target_id,
                gint64        ts_ms,
                const char   *first,
                const char   *second)
{
  g_autoptr(GTask) task = NULL;
  PathRow *row = g_new0 (PathRow, 1);

  row->target_id = target_id;
  row->ts_ms = ts_ms;
  row->first = g_strdup (first);
  row->second = g_strdup (second);

  task = g_task_new (self, NULL, path_written_cb, NULL);
  g_task_set_source_tag (task, queue_path_row);
  lookout_store_queue_write (self, write_path_row, NULL, row, (GDestroyNotify) path_row_free, task);
}

void
lookout_store_put_trace_path (LookoutStore *self,
                              gint64        target_id,
                              gint64        ts_ms,
                              const char   *hops_json)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (hops_json != NULL);

  queue_path_row (self, target_id, ts_ms, hops_json, NULL);
}

void
lookout_store_append_route_change (LookoutStore *self,
                                   gint64        target_id,
                                   gint64        ts_ms,
                                   const char   *old_path_json,
                                   const char   *new_path_json)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (old_path_json != NULL);
  g_return_if_fail (new_path_json != NULL);

  queue_path_row (self, target_id, ts_ms, old_path_json, new_path_json);
}

/* ---- reading, on a reader connection ---- */

void
lookout_stored_path_clear (LookoutStoredPath *path)
{
  g_clear_pointer (&path->hops_json, g_free);
}

void
lookout_stored_route_change_clear (LookoutStoredRouteChange *change)
{
  g_clear_pointer (&change->old_path_json, g_free);
  g_clear_pointer (&change->new_path_json, g_free);
}

static gboolean
read_path (sqlite3            *db,
           gint64              target_id,
           guint               limit,
           LookoutStoredPath  *path,
           GArray             *changes,
           GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) list = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT ts_ms, hops FROM trace_paths WHERE target_id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, target_id);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    {
      path->ts_ms = sqlite3_column_int64 (stmt, 0);
      path->hops_json = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db, rc, "query path");
      return FALSE;
    }

  /* The latest @limit, handed out oldest first. */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT ts_ms, old_path, new_path FROM"
                           " (SELECT id, ts_ms, old_path, new_path FROM route_changes"
                           "  WHERE target_id = ?1 ORDER BY ts_ms DESC, id DESC LIMIT ?2)"
                           " ORDER BY ts_ms, id",
                           -1, &list, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db, rc, "prepare route changes");
      return FALSE;
    }
  sqlite3_bind_int64 (list, 1, target_id);
  sqlite3_bind_int64 (list, 2, limit > 0 ? (gint64) limit : -1);

  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      LookoutStoredRouteChange change = {
        .ts_ms = sqlite3_column_int64 (list, 0),
        .old_path_json = g_strdup ((const char *) sqlite3_column_text (list, 1)),
        .new_path_json = g_strdup ((const char *) sqlite3_column_text (list, 2)),
      };

      g_array_append_val (changes, change);
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db, rc, "query route changes");
      return FALSE;
    }

  return TRUE;
}

GArray *
lookout_store_query_path_sync (LookoutStore       *self,
                               gint64              target_id,
                               guint               limit,
                               LookoutStoredPath  *path,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_autoptr(GArray) changes = NULL;
  LookoutStoreDb *db;
  gboolean ok;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *path = (LookoutStoredPath) { 0, NULL };
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  changes = g_array_new (FALSE, TRUE, sizeof (LookoutStoredRouteChange));
  g_array_set_clear_func (changes, (GDestroyNotify) lookout_stored_route_change_clear);
  ok = read_path (db->db, target_id, limit, path, changes, error);
  lookout_store_release_reader (self, db);

  if (!ok)
    {
      lookout_stored_path_clear (path);
      return NULL;
    }

  return g_steal_pointer (&changes);
}
