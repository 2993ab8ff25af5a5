/* lookout-store-migrate.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a row-store file becomes a chunk store
 *
 * Schema step 2 adds the chunk tables; a file whose old samples table holds
 * rows keeps it, and this thread moves its rows into chunks after the store
 * has opened, so that a large file opens at once. Each slice is one
 * IMMEDIATE transaction on a connection of its own: up to SLICE_ROWS rows
 * of one target, oldest first, are packed into chunks and deleted from the
 * old table together. A kill between slices, or in one, loses nothing, and
 * the next open simply carries on with what is left; the last slice drops
 * the old table. The hour and day rollups of those rows were kept by the
 * row store and stay as they are; their minutes, like every stored
 * sample's, are read from the samples (schema step 4 dropped the rows).
 *
 * Meanwhile every read also reads the old table (in the same snapshot as
 * the chunks, so a row moving between them is seen once), and a new sample
 * is checked against both for a duplicate. Progress is the
 * "migration-progress" property, notified on the store's context. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

#define SLICE_ROWS 20000

struct _LookoutStoreMigration
{
  GThread *thread;
  gint     stop;      /* atomic */
  gint     pending;   /* atomic */
  guint64  total;
  guint64  done;
};


gboolean
lookout_store_migration_pending (LookoutStore *self)
{
  return self->migration != NULL && g_atomic_int_get (&self->migration->pending);
}

static gboolean
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64      *out,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  *out = -1;
  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db, rc, "migrate samples");
      return FALSE;
    }

  return TRUE;
}

/* One slice: returns how many rows moved, 0 when the old table is gone. */
static gboolean
migrate_slice (LookoutStore    *self,
               LookoutStoreDb  *db,
               guint           *out_moved,
               GError         **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(GArray) rows = NULL;
  gint64 target_id;
  int rc;

  *out_moved = 0;

  if (!lookout_store_exec (db->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!query_int64 (db->db, "SELECT target_id FROM samples LIMIT 1", &target_id, error))
    goto failed;

  if (target_id < 0)
    {
      if (!lookout_store_exec (db->db, "DROP TABLE samples", error))
        goto failed;
      return lookout_store_exec (db->db, "COMMIT", error);
    }

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT target_id, ts_ms, latency_us, state, code, error FROM samples"
                           " WHERE target_id = (SELECT target_id FROM samples LIMIT 1)"
                           " ORDER BY ts_ms LIMIT ?1",
                           -1, &sel, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "migrate samples");
      goto failed;
    }
  sqlite3_bind_int (sel, 1, SLICE_ROWS);

  rows = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (rows, (GDestroyNotify) lookout_sample_clear);
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      LookoutSample s;

      lookout_store_sample_from_row (sel, 1, sqlite3_column_int64 (sel, 0), &s);
      g_array_append_val (rows, s);
    }
  if (rc != SQLITE_DONE || rows->len == 0)
    {
      lookout_store_set_error (error, db->db, rc, "migrate samples");
      goto failed;
    }

  /* The row store's rollups kept no degraded count. */
  if (!lookout_store_chunks_write (db, (LookoutSample *) rows->data, rows->len, error) ||
      !lookout_store_rollups_add_degraded (db, (LookoutSample *) rows->data, rows->len, error))
    goto failed;
  /* the row store had no places: its rows are local, and counted so */
  {
    g_autoptr(GHashTable) places = lookout_store_rollups_new ();

    lookout_store_rollups_add_places (places, (LookoutSample *) rows->data, rows->len,
                                      LOOKOUT_ROLLUP_HOUR, LOOKOUT_ROLLUP_DAY);
    if (!lookout_store_rollups_write (db, places, error))
      goto failed;
  }

  rc = sqlite3_prepare_v2 (db->db, "DELETE FROM samples WHERE target_id = ?1 AND ts_ms <= ?2",
                           -1, &del, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "migrate samples");
      goto failed;
    }
  sqlite3_bind_int64 (del, 1, g_array_index (rows, LookoutSample, 0).target_id);
  sqlite3_bind_int64 (del, 2, g_array_index (rows, LookoutSample, rows->len - 1).ts_ms);
  if (!lookout_store_step_done (del, "migrate samples", error) ||
      !lookout_store_exec (db->db, "COMMIT", error))
    goto failed;

  *out_moved = rows->len;
  return TRUE;

failed:
  sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gpointer
migration_thread (gpointer user_data)
{
  LookoutStore *self = user_data;
  LookoutStoreMigration *m = self->migration;
  LookoutStoreDb db = { NULL };
  g_autoptr(GError) error = NULL;
  gint64 total = 0;
  int rc;

  rc = sqlite3_open_v2 (self->path, &db.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_warning ("Could not open “%s” to move its samples into chunks: %s",
                 self->path, sqlite3_errstr (rc));
      goto out;
    }
  sqlite3_extended_result_codes (db.db, TRUE);
  sqlite3_busy_timeout (db.db, 5000);

  if (!query_int64 (db.db, "SELECT count(*) FROM samples", &total, &error))
    goto out;
  m->total = MAX (total, 1);
  lookout_store_set_migration_progress (self, 0.0);

  while (!g_atomic_int_get (&m->stop))
    {
      guint moved;

      if (!migrate_slice (self, &db, &moved, &error))
        break;

      if (moved == 0)
        {
          /* Every cached chunk bound was learned without these chunks. */
          lookout_store_head_lock (self);
          g_atomic_int_set (&m->pending, FALSE);
          lookout_store_head_unlock (self);
          lookout_store_set_migration_progress (self, 1.0);
          break;
        }

      m->done += moved;
      lookout_store_set_migration_progress (self, MIN ((double) m->done / m->total, 0.999));
    }

out:
  if (error != NULL)
    g_warning ("Could not move the samples of “%s” into chunks (the next start carries on): %s",
               self->path, error->message);
  for (guint i = 0; i < LOOKOUT_STORE_N_STMTS; i++)
    g_clear_pointer (&db.stmts[i], sqlite3_finalize);
  g_clear_pointer (&db.db, sqlite3_close);

  return NULL;
}

void
lookout_store_migration_start (LookoutStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_assert (self->migration == NULL);

  rc = sqlite3_prepare_v2 (self->writer_db.db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    return;

  self->migration = g_new0 (LookoutStoreMigration, 1);
  self->migration->pending = TRUE;
  self->migration_progress = 0.0;
  self->migration->thread = g_thread_new ("lookout-store-migrate", migration_thread, self);
}

void
lookout_store_migration_stop (LookoutStore *self)
{
  if (self->migration == NULL)
    return;

  g_atomic_int_set (&self->migration->stop, TRUE);
  g_clear_pointer (&self->migration->thread, g_thread_join);
}
