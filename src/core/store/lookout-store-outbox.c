/* lookout-store-outbox.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The outbox of a remote agent, and the small state of agent links
 *
 * outbox: on an agent (lookout_store_set_outbox()), every sample the
 * writer inserts gets a row here with a sequence number, in the same
 * transaction as the sample itself: a kill never leaves a result without
 * its number nor a number without its result. Numbers keep growing across
 * deletions and restarts: the last one given is kept in agent_state
 * "outbox.last", in the same transaction. Rows go when the manager
 * acknowledges them (lookout_store_outbox_ack_async()), or when they pass
 * the outbox's bounds (age, number of rows): those are deleted at the end
 * of the batch and counted in agent_state "outbox.dropped", never silently.
 *
 * agent_state: a key-value table for what an agent or a manager keeps
 * between runs (the targets a manager gave, each link's acknowledged
 * sequence number). A value written with lookout_store_write_value_async()
 * is committed after every sample queued before it, which is what lets a
 * manager acknowledge only what it has stored. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

#define DROPPED_KEY "outbox.dropped"
#define LAST_KEY    "outbox.last"

gboolean
lookout_store_outbox_migrate_6 (sqlite3  *db,
                                GError  **error)
{
  return lookout_store_exec (db,
                             "CREATE TABLE outbox ("
                             "  seq INTEGER PRIMARY KEY,"
                             "  target_id INTEGER NOT NULL,"
                             "  ts_ms INTEGER NOT NULL,"
                             "  latency_us INTEGER NOT NULL,"
                             "  state INTEGER NOT NULL,"
                             "  code INTEGER NOT NULL,"
                             "  error TEXT,"
                             "  sent INTEGER NOT NULL,"
                             "  received INTEGER NOT NULL,"
                             "  min_us INTEGER NOT NULL,"
                             "  max_us INTEGER NOT NULL,"
                             "  jitter_us INTEGER NOT NULL"
                             ");"
                             "CREATE TABLE agent_state ("
                             "  key TEXT PRIMARY KEY,"
                             "  value"
                             ") WITHOUT ROWID;",
                             error);
}

void
lookout_outbox_entry_clear (LookoutOutboxEntry *entry)
{
  g_clear_pointer (&entry->target, g_free);
  lookout_sample_clear (&entry->sample);
}

void
lookout_store_set_outbox (LookoutStore              *self,
                          const LookoutOutboxLimits *limits)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->outbox = limits != NULL;
  if (limits != NULL)
    self->outbox_limits = *limits;
  g_mutex_unlock (&self->lock);
}

gboolean
lookout_store_outbox_enabled (LookoutStore         *self,
                              LookoutOutboxLimits  *out_limits)
{
  gboolean enabled;

  g_mutex_lock (&self->lock);
  enabled = self->outbox;
  *out_limits = self->outbox_limits;
  g_mutex_unlock (&self->lock);

  return enabled;
}

static gint64
read_int (sqlite3    *db,
          const char *sql,
          gint64      fallback)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW ||
      sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return fallback;
  return sqlite3_column_int64 (stmt, 0);
}

#define SELECT_LAST "SELECT max (coalesce ((SELECT max (seq) FROM outbox), 0)," \
                    " coalesce ((SELECT value FROM agent_state WHERE key = '" LAST_KEY "'), 0))"

void
lookout_store_outbox_batch_clear (LookoutOutboxBatch *batch)
{
  g_clear_pointer (&batch->stmt, sqlite3_finalize);
}

gboolean
lookout_store_outbox_insert (LookoutStoreDb       *db,
                             LookoutOutboxBatch   *batch,
                             const LookoutSample  *sample,
                             GError              **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (batch->stmt == NULL)
    {
      rc = sqlite3_prepare_v2 (db->db,
                               "INSERT INTO outbox (seq, target_id, ts_ms, latency_us, state, code, error,"
                               " sent, received, min_us, max_us, jitter_us)"
                               " VALUES (?12, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                               -1, &batch->stmt, NULL);
      if (rc != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "prepare outbox insert");
          return FALSE;
        }
      batch->last_seq = read_int (db->db, SELECT_LAST, 0);
    }
  stmt = batch->stmt;

  sqlite3_bind_int64 (stmt, 1, sample->target_id);
  sqlite3_bind_int64 (stmt, 2, sample->ts_ms);
  sqlite3_bind_int64 (stmt, 3, sample->latency_us);
  sqlite3_bind_int (stmt, 4, sample->state);
  sqlite3_bind_int (stmt, 5, sample->code);
  if (sample->error != NULL)
    sqlite3_bind_text (stmt, 6, sample->error, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int (stmt, 7, sample->sent);
  sqlite3_bind_int (stmt, 8, sample->received);
  sqlite3_bind_int64 (stmt, 9, sample->min_us);
  sqlite3_bind_int64 (stmt, 10, sample->max_us);
  sqlite3_bind_int64 (stmt, 11, sample->jitter_us);
  sqlite3_bind_int64 (stmt, 12, batch->last_seq + 1);

  if (!lookout_store_step_done (stmt, "insert outbox row", error))
    return FALSE;
  batch->last_seq++;
  return TRUE;
}

static gboolean
add_dropped (sqlite3  *db,
             gint64    n,
             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (n <= 0)
    return TRUE;

  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO agent_state (key, value) VALUES ('" DROPPED_KEY "', ?1)"
                           " ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db, rc, "count dropped outbox rows");
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, n);
  return lookout_store_step_done (stmt, "count dropped outbox rows", error);
}

/* Deletes from the front of the outbox what is past its bounds. */
gboolean
lookout_store_outbox_trim (LookoutStoreDb            *db,
                           LookoutOutboxBatch        *batch,
                           const LookoutOutboxLimits *limits,
                           gint64                     now_ms,
                           GError                   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 dropped = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           "INSERT OR REPLACE INTO agent_state (key, value) VALUES ('" LAST_KEY "', ?1)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "keep the outbox's last number");
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, batch->last_seq);
  if (!lookout_store_step_done (stmt, "keep the outbox's last number", error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (limits->max_rows > 0)
    {
      rc = sqlite3_prepare_v2 (db->db,
                               "DELETE FROM outbox WHERE seq <= (SELECT max(seq) FROM outbox) - ?1",
                               -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "trim outbox");
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, (gint64) limits->max_rows);
      if (!lookout_store_step_done (stmt, "trim outbox", error))
        return FALSE;
      dropped += sqlite3_changes (db->db);
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  if (limits->max_age_ms > 0)
    {
      /* the front is the oldest: the subquery stops at the first young row */
      rc = sqlite3_prepare_v2 (db->db,
                               "DELETE FROM outbox WHERE seq < coalesce("
                               " (SELECT seq FROM outbox WHERE ts_ms >= ?1 ORDER BY seq LIMIT 1),"
                               " (SELECT max(seq) + 1 FROM outbox))",
                               -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "trim outbox");
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, now_ms - limits->max_age_ms);
      if (!lookout_store_step_done (stmt, "trim outbox", error))
        return FALSE;
      dropped += sqlite3_changes (db->db);
    }

  return add_dropped (db->db, dropped, error);
}

static void
clear_entry_cb (gpointer data)
{
  lookout_outbox_entry_clear (data);
}

GArray *
lookout_store_outbox_read_sync (LookoutStore       *self,
                                guint64             after_seq,
                                guint               limit,
                                LookoutOutboxInfo  *out_info,
                                GError            **error)
{
  g_autoptr(GArray) entries = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  if (!lookout_store_exec (db->db, "BEGIN", error))
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  entries = g_array_new (FALSE, TRUE, sizeof (LookoutOutboxEntry));
  g_array_set_clear_func (entries, clear_entry_cb);

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT o.seq, t.uri, o.target_id, o.ts_ms, o.latency_us, o.state, o.code,"
                           " o.error, o.sent, o.received, o.min_us, o.max_us, o.jitter_us"
                           " FROM outbox o LEFT JOIN targets t ON t.id = o.target_id"
                           " WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, (gint64) after_seq);
      sqlite3_bind_int64 (stmt, 2, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          LookoutOutboxEntry entry = { 0, };
          const char *text;

          entry.seq = sqlite3_column_int64 (stmt, 0);
          entry.target = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          entry.sample.target_id = sqlite3_column_int64 (stmt, 2);
          entry.sample.ts_ms = sqlite3_column_int64 (stmt, 3);
          entry.sample.latency_us = sqlite3_column_int64 (stmt, 4);
          entry.sample.state = sqlite3_column_int (stmt, 5);
          entry.sample.code = sqlite3_column_int (stmt, 6);
          text = (const char *) sqlite3_column_text (stmt, 7);
          entry.sample.error = g_strdup (text);
          entry.sample.sent = sqlite3_column_int (stmt, 8);
          entry.sample.received = sqlite3_column_int (stmt, 9);
          entry.sample.min_us = sqlite3_column_int64 (stmt, 10);
          entry.sample.max_us = sqlite3_column_int64 (stmt, 11);
          entry.sample.jitter_us = sqlite3_column_int64 (stmt, 12);
          g_array_append_val (entries, entry);
        }
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read outbox");
      lookout_store_exec (db->db, "ROLLBACK", NULL);
      lookout_store_release_reader (self, db);
      return NULL;
    }

  if (out_info != NULL)
    {
      out_info->last_seq = read_int (db->db, SELECT_LAST, 0);
      out_info->first_seq = read_int (db->db, "SELECT min(seq) FROM outbox", out_info->last_seq + 1);
      out_info->n_dropped = read_int (db->db, "SELECT value FROM agent_state WHERE key = '" DROPPED_KEY "'", 0);
    }

  lookout_store_exec (db->db, "COMMIT", NULL);
  lookout_store_release_reader (self, db);

  return g_steal_pointer (&entries);
}

static gboolean
ack_write (LookoutStoreDb  *db,
           gpointer         data,
           GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db, "DELETE FROM outbox WHERE seq <= ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "acknowledge outbox rows");
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, *(gint64 *) data);
  return lookout_store_step_done (stmt, "acknowledge outbox rows", error);
}

void
lookout_store_outbox_ack_async (LookoutStore        *self,
                                guint64              seq,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gint64 *data;

  g_return_if_fail (LOOKOUT_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_outbox_ack_async);
  data = g_new (gint64, 1);
  *data = (gint64) seq;
  lookout_store_queue_write (self, ack_write, NULL, data, g_free, task);
}

gboolean
lookout_store_outbox_ack_finish (LookoutStore  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char *key;
  char *value;
} Value;

static void
value_free (gpointer data)
{
  Value *v = data;

  g_free (v->key);
  g_free (v->value);
  g_free (v);
}

static gboolean
value_write (LookoutStoreDb  *db,
             gpointer         data,
             GError         **error)
{
  Value *v = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           "INSERT OR REPLACE INTO agent_state (key, value) VALUES (?1, ?2)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "write agent state");
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, v->key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, v->value, -1, SQLITE_STATIC);
  return lookout_store_step_done (stmt, "write agent state", error);
}

void
lookout_store_write_value_async (LookoutStore        *self,
                                 const char          *key,
                                 const char          *value,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Value *v;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (key != NULL && value != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_write_value_async);
  v = g_new0 (Value, 1);
  v->key = g_strdup (key);
  v->value = g_strdup (value);
  lookout_store_queue_write (self, value_write, NULL, v, value_free, task);
}

gboolean
lookout_store_write_value_finish (LookoutStore  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
lookout_store_read_value_sync (LookoutStore  *self,
                               const char    *key,
                               GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  char *value = NULL;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db->db, "SELECT value FROM agent_state WHERE key = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          rc = SQLITE_DONE;
        }
    }
  if (rc != SQLITE_DONE)
    lookout_store_set_error (error, db->db, rc, "read agent state");
  else if (value == NULL)
    g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND,
                 _("Nothing is stored under “%s”"), key);

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);
  return value;
}
