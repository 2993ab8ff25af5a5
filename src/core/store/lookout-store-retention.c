/* lookout-store-retention.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Pruning by retention. Each step is one write queued to the writer thread:
 * it deletes at most PRUNE_BATCH rows (of samples, whole chunks), oldest
 * first, per target and table,
 * inside the writer's next batch transaction, so a step costs a few
 * milliseconds and samples queued meanwhile wait no longer than that. The
 * next step is queued from the main context when the previous one has
 * committed, until a step finds nothing to delete. Deletions walk the
 * (target_id, ts_ms) and (target_id, bucket) primary keys: no table scan.
 *
 * Purging deletes the history of targets that are no longer in the targets
 * table, in one write. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-store-private.h"

#define PRUNE_BATCH 2000

typedef struct
{
  LookoutStore         *store;
  LookoutStoreRetention retention;
  gint64                now_ms;
  guint64               deleted;
  guint64               step_deleted;
  guint64               step_places;    /* place rollups: copies, not counted */
} Prune;

static const struct
{
  const char *table;
  const char *column;
} prune_tables[] = {
  { "sample_chunks", NULL     },   /* lookout_store_chunks_prune() */
  { "rollup_minute", "bucket" },
  { "rollup_hour",   "bucket" },
  { "rollup_day",    "bucket" },
  { "anomalies",     "start_ms" },
#define FIRST_PLACE_TABLE 5
  { "rollup_place_minute", "bucket" },
  { "rollup_place_hour",   "bucket" },
  { "rollup_place_day",    "bucket" },
};

static gint64
retention_for_table (const LookoutStoreRetention *r,
                     guint                        table)
{
  /* anomalies go with the raw samples they were found in */
  const gint64 values[] = { r->samples_ms, r->minute_ms, r->hour_ms, r->day_ms, r->samples_ms,
                            r->minute_ms, r->hour_ms, r->day_ms };

  return values[table];
}

static gboolean
prune_table (LookoutStoreDb  *db,
             guint            table,
             gint64           cutoff_ms,
             guint           *budget,
             guint64         *deleted,
             GError         **error)
{
  g_autoptr(sqlite3_stmt) ids = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autofree char *del_sql = NULL;
  const char *t = prune_tables[table].table;
  const char *c = prune_tables[table].column;
  int rc;

  /* Targets with history: those in the targets table and orphans, which
   * every stored sample leaves in the (small) day rollup too. */
  const char *ids_sql = "SELECT id FROM targets UNION SELECT DISTINCT target_id FROM rollup_day";
  /* Deletes the oldest ?3 rows before ?2: everything below the ?3-th
   * oldest one, or all of them when there are fewer. */
  del_sql = g_strdup_printf ("DELETE FROM %s WHERE target_id = ?1 AND %s < "
                             " coalesce ((SELECT %s FROM %s WHERE target_id = ?1 AND %s < ?2"
                             "            ORDER BY %s LIMIT 1 OFFSET ?3), ?2)",
                             t, c, c, t, c, c);

  if ((rc = sqlite3_prepare_v2 (db->db, ids_sql, -1, &ids, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db->db, del_sql, -1, &del, NULL)) != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare pruning");
      return FALSE;
    }

  while (*budget > 0 && (rc = sqlite3_step (ids)) == SQLITE_ROW)
    {
      int changes;

      sqlite3_reset (del);
      sqlite3_bind_int64 (del, 1, sqlite3_column_int64 (ids, 0));
      sqlite3_bind_int64 (del, 2, cutoff_ms);
      sqlite3_bind_int64 (del, 3, *budget);
      if ((rc = sqlite3_step (del)) != SQLITE_DONE)
        {
          lookout_store_set_error (error, db->db, rc, "prune");
          return FALSE;
        }
      changes = sqlite3_changes (db->db);
      *deleted += changes;
      *budget -= MIN ((guint) changes, *budget);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "list targets to prune");
      return FALSE;
    }

  return TRUE;
}

/* Writer thread. */
static gboolean
prune_step_write (LookoutStoreDb  *db,
                  gpointer         data,
                  GError         **error)
{
  Prune *prune = data;
  guint budget = PRUNE_BATCH;

  prune->step_deleted = 0;
  prune->step_places = 0;

  /* Raw samples go by whole chunks, after sealing whatever of the head is
   * older than the cut-off. */
  if (prune->retention.samples_ms != 0)
    {
      gint64 cutoff = prune->now_ms - prune->retention.samples_ms;

      if (!lookout_store_chunks_seal (prune->store, db, cutoff, error) ||
          !lookout_store_chunks_prune (prune->store, db, cutoff, &budget,
                                       &prune->step_deleted, error))
        return FALSE;
    }

  for (guint table = 1; table < G_N_ELEMENTS (prune_tables) && budget > 0; table++)
    {
      gint64 keep_ms = retention_for_table (&prune->retention, table);

      if (keep_ms == 0)
        continue;
      if (!prune_table (db, table, prune->now_ms - keep_ms, &budget,
                        table >= FIRST_PLACE_TABLE ? &prune->step_places : &prune->step_deleted,
                        error))
        return FALSE;
    }

  return TRUE;
}

static void prune_step (GTask *task);

static void
prune_step_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Prune *prune = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  prune->deleted += prune->step_deleted;

  if (prune->step_deleted == 0 && prune->step_places == 0)
    g_task_return_boolean (task, TRUE);
  else if (!g_task_return_error_if_cancelled (task))
    prune_step (g_steal_pointer (&task));
}

static void
prune_step (GTask *task)
{
  LookoutStore *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = NULL;

  step = g_task_new (self, NULL, prune_step_done_cb, task);
  g_task_set_source_tag (step, prune_step);
  lookout_store_queue_write (self, prune_step_write, NULL,
                             g_task_get_task_data (task), NULL, step);
}

void
lookout_store_prune_async (LookoutStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Prune *prune;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  prune = g_new0 (Prune, 1);
  lookout_store_get_retention (self, &prune->retention);
  prune->now_ms = lookout_store_get_now_ms (self);
  prune->store = self;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_prune_async);
  g_task_set_task_data (task, prune, g_free);

  prune_step (g_steal_pointer (&task));
}

gboolean
lookout_store_prune_finish (LookoutStore  *self,
                            GAsyncResult  *result,
                            guint64       *out_deleted,
                            GError       **error)
{
  Prune *prune;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  prune = g_task_get_task_data (G_TASK (result));
  if (out_deleted != NULL)
    *out_deleted = prune->deleted;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- history of removed targets ---- */

static gboolean
purge_orphans_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  static const char * const tables[] = {
    "sample_chunks", "rollup_minute", "rollup_hour", "rollup_day", "events", "anomalies",
    "trace_paths", "route_changes", "rollup_degraded_since",
    "rollup_place_minute", "rollup_place_hour", "rollup_place_day",
  };

  if (!lookout_store_chunks_purge_orphans (data, db, error))
    return FALSE;
  if (lookout_store_migration_pending (data) &&
      !lookout_store_exec (db->db, "DELETE FROM samples WHERE target_id NOT IN (SELECT id FROM targets)",
                           error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = NULL;

      sql = g_strdup_printf ("DELETE FROM %s WHERE target_id NOT IN (SELECT id FROM targets)",
                             tables[i]);
      if (!lookout_store_exec (db->db, sql, error))
        return FALSE;
    }

  /* a deleted chunk's number may be given again: it is no longer to count */
  return lookout_store_exec (db->db,
                             "DELETE FROM rollup_place_recount WHERE chunk NOT IN (SELECT rowid FROM sample_chunks)",
                             error);
}

void
lookout_store_purge_orphans_async (LookoutStore        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_purge_orphans_async);
  lookout_store_queue_write (self, purge_orphans_write, NULL, self, NULL, task);
}

gboolean
lookout_store_purge_orphans_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lookout_store_set_clock (LookoutStore          *self,
                         LookoutStoreClockFunc  func,
                         gpointer               user_data)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  self->clock = func;
  self->clock_data = func != NULL ? user_data : NULL;
}

gint64
lookout_store_get_now_ms (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);

  if (self->clock != NULL)
    return self->clock (self->clock_data);

  return g_get_real_time () / 1000;
}
