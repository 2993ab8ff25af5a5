/* lookout-store-backup.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A copy of the whole database while monitoring goes on: what is queued is
 * committed first, then SQLite's online backup copies every page from a
 * connection of its own on a worker thread (WAL lets the writer go on), into
 * DEST.partial, which is checked and renamed over DEST only when complete. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lookout-store-private.h"

#define BACKUP_PAGES_PER_STEP 1024

typedef struct
{
  char *source;
  char *dest;
} Backup;

static void
backup_free (Backup *backup)
{
  g_free (backup->source);
  g_free (backup->dest);
  g_free (backup);
}

static gboolean
fail (GError     **error,
      sqlite3     *db,
      const char  *dest)
{
  g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
               _("The database could not be copied to “%s”: %s"), dest,
               db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
  return FALSE;
}

static gboolean
check_copy (sqlite3     *db,
            const char  *dest,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) != SQLITE_OK)
    return fail (error, db, dest);
  ok = sqlite3_step (stmt) == SQLITE_ROW &&
       g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT,
                 _("The copy written to “%s” does not read back whole"), dest);

  return ok;
}

static gboolean
backup_sync (const char  *source,
             const char  *dest,
             GError     **error)
{
  g_autofree char *partial = g_strconcat (dest, ".partial", NULL);
  sqlite3 *from = NULL, *to = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  g_unlink (partial);
  if (sqlite3_open_v2 (source, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      fail (error, from, dest);
      goto out;
    }
  if (sqlite3_open_v2 (partial, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      fail (error, to, dest);
      goto out;
    }
  sqlite3_busy_timeout (from, 5000);

  backup = sqlite3_backup_init (to, "main", from, "main");
  if (backup == NULL)
    {
      fail (error, to, dest);
      goto out;
    }
  do
    rc = sqlite3_backup_step (backup, BACKUP_PAGES_PER_STEP);
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
                   _("The database could not be copied to “%s”: %s"), dest, sqlite3_errstr (rc));
      goto out;
    }

  /* One file the user can move around: no -wal beside it. */
  if (sqlite3_exec (to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
    {
      fail (error, to, dest);
      goto out;
    }
  if (!check_copy (to, dest, error))
    goto out;
  ok = TRUE;

out:
  sqlite3_close (from);
  sqlite3_close (to);
  if (ok && g_rename (partial, dest) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The database could not be copied to “%s”: %s"), dest, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (partial);

  return ok;
}

static void
backup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Backup *backup = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!backup_sync (backup->source, backup->dest, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!lookout_store_flush_finish (LOOKOUT_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, backup_thread);
}

void
lookout_store_backup_async (LookoutStore        *self,
                            const char          *dest_path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Backup *backup;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (dest_path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_backup_async);

  if (g_strcmp0 (dest_path, self->path) == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("A backup cannot be written over the database itself"));
      return;
    }

  backup = g_new0 (Backup, 1);
  backup->source = g_strdup (self->path);
  backup->dest = g_strdup (dest_path);
  g_task_set_task_data (task, backup, (GDestroyNotify) backup_free);

  if (self->read_only)
    g_task_run_in_thread (task, backup_thread);
  else
    lookout_store_flush_async (self, cancellable, flushed_cb, g_steal_pointer (&task));
}

gboolean
lookout_store_backup_finish (LookoutStore  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
