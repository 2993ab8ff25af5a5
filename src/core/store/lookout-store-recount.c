/* lookout-store-recount.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How degraded results get into the rollups of an older file
 *
 * Schema step 8 gave the rollups a degraded count and listed every chunk
 * sealed until then in rollup_recount. This thread decodes those chunks,
 * a slice at a time, and adds their DEGRADED results to the hour and day
 * rows they fall in. Each slice is one IMMEDIATE transaction on a
 * connection of its own that adds the counts and takes the chunks off the
 * list together: a kill between slices, or in one, neither loses a count
 * nor adds one twice, and the next open carries on with what is left.
 * The writer's own upserts add to the same rows meanwhile; both only add.
 * Until a target's chunks are all counted, lookout_store_degraded_since_sync()
 * dates its counts after the newest chunk still listed. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-chunk-codec.h"
#include "lookout-store-private.h"

#define SLICE_CHUNKS 16

struct _LookoutStoreRecount
{
  GThread *thread;
  gint     stop;      /* atomic */
};

/* One slice: how many listed chunks it took off the list, 0 when none is left. */
static gboolean
recount_slice (LookoutStoreDb  *db,
               guint           *out_done,
               GError         **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(GArray) decoded = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  int rc;

  g_array_set_clear_func (decoded, (GDestroyNotify) lookout_sample_clear);
  *out_done = 0;

  if (!lookout_store_exec (db->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((rc = sqlite3_prepare_v2 (db->db,
                                "SELECT r.chunk_id, c.target_id, c.data FROM rollup_recount r"
                                " LEFT JOIN sample_chunks c ON c.id = r.chunk_id"
                                " ORDER BY r.chunk_id LIMIT ?1",
                                -1, &sel, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db->db, "DELETE FROM rollup_recount WHERE chunk_id = ?1",
                                -1, &del, NULL)) != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "count degraded results again");
      goto failed;
    }

  sqlite3_bind_int (sel, 1, SLICE_CHUNKS);
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (sel, 2) != SQLITE_NULL)
        {
          g_array_set_size (decoded, 0);
          if (!lookout_chunk_decode (sqlite3_column_blob (sel, 2), sqlite3_column_bytes (sel, 2),
                                     sqlite3_column_int64 (sel, 1), FALSE, decoded, error) ||
              !lookout_store_rollups_add_degraded (db, (LookoutSample *) decoded->data,
                                                   decoded->len, error))
            goto failed;
        }

      sqlite3_reset (del);
      sqlite3_bind_int64 (del, 1, sqlite3_column_int64 (sel, 0));
      if (!lookout_store_step_done (del, "count degraded results again", error))
        goto failed;
      (*out_done)++;
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "count degraded results again");
      goto failed;
    }

  g_clear_pointer (&sel, sqlite3_finalize);
  g_clear_pointer (&del, sqlite3_finalize);
  return lookout_store_exec (db->db, "COMMIT", error);

failed:
  sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gpointer
recount_thread (gpointer user_data)
{
  LookoutStore *self = user_data;
  LookoutStoreRecount *r = self->recount;
  LookoutStoreDb db = { NULL };
  g_autoptr(GError) error = NULL;

  if (lookout_store_db_open_own (self, &db, &error))
    {
      guint done = 1;

      while (!g_atomic_int_get (&r->stop) && done > 0)
        if (!recount_slice (&db, &done, &error))
          break;
    }

  if (error != NULL)
    g_warning ("Could not count the degraded results of “%s” (the next start carries on): %s",
               self->path, error->message);
  lookout_store_db_close_own (&db);

  return NULL;
}

void
lookout_store_recount_start (LookoutStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_assert (self->recount == NULL);

  rc = sqlite3_prepare_v2 (self->writer_db.db, "SELECT 1 FROM rollup_recount LIMIT 1", -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    return;

  self->recount = g_new0 (LookoutStoreRecount, 1);
  self->recount->thread = g_thread_new ("lookout-store-recount", recount_thread, self);
}

void
lookout_store_recount_stop (LookoutStore *self)
{
  if (self->recount == NULL)
    return;

  g_atomic_int_set (&self->recount->stop, TRUE);
  g_clear_pointer (&self->recount->thread, g_thread_join);
  g_clear_pointer (&self->recount, g_free);
}
