/* lookout-store-targets.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The targets table of LookoutStore. A target's configuration is copied into
 * a TargetRow on the caller's thread (GObjects are not touched from the
 * writer thread); the row is written by the writer thread in its batch and
 * the new id is set on the target on the caller's main context. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

/* ---- schema ---- */

gboolean
lookout_store_targets_migrate_1 (sqlite3  *db,
                                 GError  **error)
{
  /* AUTOINCREMENT so that the id of a removed target is never handed to a
   * new one: its history stays in the file until purged. No foreign keys
   * from history to targets, for the same reason. */
  return lookout_store_exec (db,
                             "CREATE TABLE targets ("
                             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                             "  uri TEXT NOT NULL,"
                             "  name TEXT,"
                             "  interval_s INTEGER NOT NULL,"
                             "  timeout_ms INTEGER NOT NULL,"
                             "  fail_threshold INTEGER NOT NULL,"
                             "  enabled INTEGER NOT NULL DEFAULT 1,"
                             "  options_json TEXT NOT NULL DEFAULT '{}',"
                             "  created_at INTEGER NOT NULL,"
                             "  lat REAL,"
                             "  lon REAL,"
                             "  location_source TEXT"
                             ");",
                             error);
}

typedef struct
{
  LookoutTarget *target;
  gint64         id;
  char          *uri;
  char          *name;
  guint          interval_s;
  guint          timeout_ms;
  guint          fail_threshold;
  gboolean       enabled;
  char          *options;
  gint64         created_at;
  double         lat;
  double         lon;
  char          *location_source;
} TargetRow;

static void
target_row_free (TargetRow *row)
{
  g_clear_object (&row->target);
  g_free (row->uri);
  g_free (row->name);
  g_free (row->options);
  g_free (row->location_source);
  g_free (row);
}

/* NULL when the target shows the name made from its URI, so that a loaded
 * target keeps following its URI. */
static char *
dup_own_name (LookoutTarget *target)
{
  const char *name = lookout_target_get_name (target);
  g_autofree char *automatic = NULL;

  if (name == NULL || name[0] == '\0')
    return NULL;

  automatic = lookout_target_uri_dup_display_name (lookout_target_get_uri (target));
  if (g_strcmp0 (name, automatic) == 0)
    return NULL;

  return g_strdup (name);
}

static TargetRow *
target_row_new (LookoutTarget *target)
{
  TargetRow *row = g_new0 (TargetRow, 1);

  row->target = g_object_ref (target);
  row->id = lookout_target_get_id (target);
  row->uri = g_strdup (lookout_target_get_uri_string (target));
  row->name = dup_own_name (target);
  row->interval_s = lookout_target_get_interval (target);
  row->timeout_ms = lookout_target_get_timeout (target);
  row->fail_threshold = lookout_target_get_fail_threshold (target);
  row->enabled = lookout_target_get_enabled (target);
  row->options = g_strdup (lookout_target_get_options (target));
  row->created_at = lookout_target_get_created_at (target);
  row->lat = lookout_target_get_latitude (target);
  row->lon = lookout_target_get_longitude (target);
  row->location_source = g_strdup (lookout_target_get_location_source (target));

  if (row->created_at <= 0)
    row->created_at = g_get_real_time () / 1000;
  if (row->options == NULL)
    row->options = g_strdup ("{}");

  return row;
}

/* Binds ?1 (the id, when there is one) to ?12 as in the statements below,
 * and runs @stmt. */
static gboolean
step_target_row (sqlite3_stmt     *stmt,
                 const TargetRow  *row,
                 const char       *what,
                 GError          **error)
{
  int rc;

  if (row->id > 0)
    sqlite3_bind_int64 (stmt, 1, row->id);
  sqlite3_bind_text (stmt, 2, row->uri, -1, SQLITE_STATIC);
  if (row->name != NULL)
    sqlite3_bind_text (stmt, 3, row->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, row->interval_s);
  sqlite3_bind_int64 (stmt, 5, row->timeout_ms);
  sqlite3_bind_int64 (stmt, 6, row->fail_threshold);
  sqlite3_bind_int (stmt, 7, row->enabled ? 1 : 0);
  sqlite3_bind_text (stmt, 8, row->options, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, row->created_at);
  if (!isnan (row->lat) && !isnan (row->lon))
    {
      sqlite3_bind_double (stmt, 10, row->lat);
      sqlite3_bind_double (stmt, 11, row->lon);
    }
  if (row->location_source != NULL)
    sqlite3_bind_text (stmt, 12, row->location_source, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, sqlite3_db_handle (stmt), rc, what);
      return FALSE;
    }

  return TRUE;
}

/* ---- loading ---- */

static LookoutTarget *
target_from_statement (sqlite3_stmt *stmt)
{
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTarget *target;
  const char *text = (const char *) sqlite3_column_text (stmt, 1);
  gint64 id = sqlite3_column_int64 (stmt, 0);

  uri = lookout_target_uri_parse (text != NULL ? text : "", &error);
  if (uri == NULL)
    {
      g_warning ("Skipping target %" G_GINT64_FORMAT " with the address “%s”: %s",
                 id, text, error->message);
      return NULL;
    }

  target = lookout_target_new (uri);
  lookout_target_set_id (target, id);
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    lookout_target_set_name (target, (const char *) sqlite3_column_text (stmt, 2));
  lookout_target_set_interval (target, sqlite3_column_int64 (stmt, 3));
  lookout_target_set_timeout (target, sqlite3_column_int64 (stmt, 4));
  lookout_target_set_fail_threshold (target, sqlite3_column_int64 (stmt, 5));
  lookout_target_set_enabled (target, sqlite3_column_int (stmt, 6) != 0);
  lookout_target_set_options (target, (const char *) sqlite3_column_text (stmt, 7));
  lookout_target_set_created_at (target, sqlite3_column_int64 (stmt, 8));
  if (sqlite3_column_type (stmt, 9) != SQLITE_NULL &&
      sqlite3_column_type (stmt, 10) != SQLITE_NULL)
    lookout_target_set_location (target,
                                 sqlite3_column_double (stmt, 9),
                                 sqlite3_column_double (stmt, 10),
                                 (const char *) sqlite3_column_text (stmt, 11));

  return target;
}

static GPtrArray *
load_targets (LookoutStore  *self,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) targets = NULL;
  LookoutStoreDb *db;
  sqlite3_stmt *stmt;
  int rc;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_TARGETS,
                                     "SELECT id, uri, name, interval_s, timeout_ms,"
                                     " fail_threshold, enabled, options_json, created_at,"
                                     " lat, lon, location_source"
                                     " FROM targets ORDER BY id",
                                     error);
  if (stmt == NULL)
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  targets = g_ptr_array_new_with_free_func (g_object_unref);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutTarget *target = target_from_statement (stmt);

      if (target != NULL)
        g_ptr_array_add (targets, target);
    }

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "load targets");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  lookout_store_release_reader (self, db);

  return g_steal_pointer (&targets);
}

GPtrArray *
lookout_store_load_targets_sync (LookoutStore  *self,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_targets (self, cancellable, error);
}

static void
load_targets_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *targets;

  targets = load_targets (source_object, cancellable, &error);
  if (targets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
}

void
lookout_store_load_targets_async (LookoutStore        *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_load_targets_async);
  g_task_run_in_thread (task, load_targets_thread);
}

GPtrArray *
lookout_store_load_targets_finish (LookoutStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- insert ---- */

#define TARGET_COLUMNS \
  "uri, name, interval_s, timeout_ms, fail_threshold, enabled, options_json," \
  " created_at, lat, lon, location_source"
#define TARGET_VALUES "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12"

static gboolean
insert_target_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  TargetRow *row = data;
  sqlite3_stmt *stmt;

  if (row->id > 0)
    stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_TARGET_WITH_ID,
                                       "INSERT INTO targets (id, " TARGET_COLUMNS ")"
                                       " VALUES (?1, " TARGET_VALUES ")",
                                       error);
  else
    stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_TARGET,
                                       "INSERT INTO targets (" TARGET_COLUMNS ")"
                                       " VALUES (" TARGET_VALUES ")",
                                       error);
  if (stmt == NULL)
    return FALSE;

  if (!step_target_row (stmt, row, "insert target", error))
    {
      if (row->id > 0 && (sqlite3_errcode (db->db) & 0xff) == SQLITE_CONSTRAINT)
        {
          g_clear_error (error);
          g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
                       _("Another target already has the id %" PRId64), row->id);
        }
      return FALSE;
    }

  row->id = sqlite3_last_insert_rowid (db->db);
  return TRUE;
}

static void
insert_target_complete (GTask    *task,
                        gpointer  data)
{
  TargetRow *row = data;

  lookout_target_set_id (row->target, row->id);
  if (lookout_target_get_created_at (row->target) <= 0)
    lookout_target_set_created_at (row->target, row->created_at);

  g_task_return_boolean (task, TRUE);
}

void
lookout_store_insert_target_async (LookoutStore        *self,
                                   LookoutTarget       *target,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_insert_target_async);
  lookout_store_queue_write (self, insert_target_write, insert_target_complete,
                             target_row_new (target), (GDestroyNotify) target_row_free,
                             task);
}

gboolean
lookout_store_insert_target_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sync_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

gboolean
lookout_store_insert_target_sync (LookoutStore   *self,
                                  LookoutTarget  *target,
                                  GError        **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A private context, so that the caller's sources do not run meanwhile. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  lookout_store_insert_target_async (self, target, NULL, sync_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  return lookout_store_insert_target_finish (self, result, error);
}

/* ---- update ---- */

static gboolean
update_target_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  TargetRow *row = data;
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_UPDATE_TARGET,
                                     "UPDATE targets SET"
                                     " uri = ?2, name = ?3, interval_s = ?4, timeout_ms = ?5,"
                                     " fail_threshold = ?6, enabled = ?7, options_json = ?8,"
                                     " created_at = ?9, lat = ?10, lon = ?11,"
                                     " location_source = ?12"
                                     " WHERE id = ?1",
                                     error);
  if (stmt == NULL)
    return FALSE;

  if (!step_target_row (stmt, row, "update target", error))
    return FALSE;

  if (sqlite3_changes (db->db) == 0)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND,
                   _("There is no target with id %" PRId64), row->id);
      return FALSE;
    }

  return TRUE;
}

void
lookout_store_update_target_async (LookoutStore        *self,
                                   LookoutTarget       *target,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_update_target_async);

  if (lookout_target_get_id (target) <= 0)
    {
      g_task_return_new_error (task, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND,
                               _("The target “%s” is not stored yet"),
                               lookout_target_get_uri_string (target));
      return;
    }

  lookout_store_queue_write (self, update_target_write, NULL,
                             target_row_new (target), (GDestroyNotify) target_row_free,
                             task);
}

gboolean
lookout_store_update_target_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- delete ---- */

static gboolean
delete_target_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  gint64 id = *(gint64 *) data;
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_DELETE_TARGET,
                                     "DELETE FROM targets WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!lookout_store_step_done (stmt, "delete target", error))
    return FALSE;

  if (sqlite3_changes (db->db) == 0)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND,
                   _("There is no target with id %" PRId64), id);
      return FALSE;
    }

  return TRUE;
}

void
lookout_store_delete_target_async (LookoutStore        *self,
                                   gint64               target_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (target_id > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_delete_target_async);
  lookout_store_queue_write (self, delete_target_write, NULL,
                             g_memdup2 (&target_id, sizeof target_id), g_free,
                             task);
}

gboolean
lookout_store_delete_target_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
