/* lookout-store-anomalies.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The anomalies table of LookoutStore: its schema, the upserts the writer
 * thread applies in queue order (so an anomaly's close follows its open),
 * and range queries on a reader connection. Retention prunes it with the
 * raw samples (lookout-store-retention.c). */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-anomalies.h"
#include "lookout-store-private.h"

/* ---- schema ---- */

gboolean
lookout_store_anomalies_migrate_2 (sqlite3  *db,
                                   GError  **error)
{
  return lookout_store_exec (db,
                             "CREATE TABLE anomalies ("
                             "  id INTEGER PRIMARY KEY,"
                             "  target_id INTEGER NOT NULL,"
                             "  start_ms INTEGER NOT NULL,"
                             "  end_ms INTEGER,"
                             "  kind TEXT NOT NULL,"
                             "  score REAL NOT NULL,"
                             "  message TEXT NOT NULL"
                             ");"
                             "CREATE UNIQUE INDEX anomalies_by_target"
                             "  ON anomalies (target_id, start_ms, kind);",
                             error);
}

/* ---- writing, on the writer thread ---- */

static gboolean
write_anomaly (LookoutStoreDb  *db,
               gpointer         data,
               GError         **error)
{
  LookoutStoredAnomaly *a = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           "INSERT INTO anomalies (target_id, start_ms, end_ms, kind, score, message)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                           " ON CONFLICT (target_id, start_ms, kind) DO UPDATE SET"
                           "   end_ms = excluded.end_ms, score = excluded.score,"
                           "   message = excluded.message",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare anomaly");
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, a->target_id);
  sqlite3_bind_int64 (stmt, 2, a->start_ms);
  if (a->end_ms >= 0)
    sqlite3_bind_int64 (stmt, 3, a->end_ms);
  sqlite3_bind_text (stmt, 4, a->kind, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 5, a->score);
  sqlite3_bind_text (stmt, 6, a->message, -1, SQLITE_STATIC);

  return lookout_store_step_done (stmt, "write anomaly", error);
}

static void
stored_anomaly_free (LookoutStoredAnomaly *a)
{
  lookout_stored_anomaly_clear (a);
  g_free (a);
}

static void
anomaly_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
    g_warning ("Could not record an anomaly: %s", error->message);
}

void
lookout_store_put_anomaly (LookoutStore *self,
                           gint64        target_id,
                           gint64        start_ms,
                           gint64        end_ms,
                           const char   *kind,
                           double        score,
                           const char   *message)
{
  g_autoptr(GTask) task = NULL;
  LookoutStoredAnomaly *a;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (kind != NULL);

  a = g_new0 (LookoutStoredAnomaly, 1);
  a->target_id = target_id;
  a->start_ms = start_ms;
  a->end_ms = end_ms;
  a->kind = g_strdup (kind);
  a->score = score;
  a->message = g_strdup (message != NULL ? message : "");

  task = g_task_new (self, NULL, anomaly_written_cb, NULL);
  g_task_set_source_tag (task, lookout_store_put_anomaly);
  lookout_store_queue_write (self, write_anomaly, NULL,
                             a, (GDestroyNotify) stored_anomaly_free, task);
}

/* ---- reading, on a reader connection ---- */

void
lookout_stored_anomaly_clear (LookoutStoredAnomaly *anomaly)
{
  g_clear_pointer (&anomaly->kind, g_free);
  g_clear_pointer (&anomaly->message, g_free);
}

typedef struct
{
  gint64 target_id;
  gint64 from_ms;
  gint64 to_ms;
  guint  limit;
} AnomalyQuery;

static GArray *
read_anomalies (LookoutStore        *self,
                const AnomalyQuery  *q,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GArray) anomalies = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  int rc;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT id, target_id, start_ms, end_ms, kind, score, message"
                           " FROM anomalies"
                           " WHERE (?1 IS NULL OR target_id = ?1)"
                           "   AND (end_ms IS NULL OR end_ms >= ?2)"
                           "   AND (?3 IS NULL OR start_ms < ?3)"
                           " ORDER BY start_ms, id"
                           " LIMIT ?4",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare anomalies query");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  if (q->target_id >= 0)
    sqlite3_bind_int64 (stmt, 1, q->target_id);
  sqlite3_bind_int64 (stmt, 2, q->from_ms);
  if (q->to_ms > 0)
    sqlite3_bind_int64 (stmt, 3, q->to_ms);
  sqlite3_bind_int64 (stmt, 4, q->limit > 0 ? (gint64) q->limit : -1);

  anomalies = g_array_new (FALSE, TRUE, sizeof (LookoutStoredAnomaly));
  g_array_set_clear_func (anomalies, (GDestroyNotify) lookout_stored_anomaly_clear);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutStoredAnomaly a = {
        .id = sqlite3_column_int64 (stmt, 0),
        .target_id = sqlite3_column_int64 (stmt, 1),
        .start_ms = sqlite3_column_int64 (stmt, 2),
        .end_ms = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 3),
        .kind = g_strdup ((const char *) sqlite3_column_text (stmt, 4)),
        .score = sqlite3_column_double (stmt, 5),
        .message = g_strdup ((const char *) sqlite3_column_text (stmt, 6)),
      };

      g_array_append_val (anomalies, a);

      if ((anomalies->len & 1023) == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    lookout_store_set_error (error, db->db, rc, "query anomalies");
  else if (rc == SQLITE_ROW)
    g_cancellable_set_error_if_cancelled (cancellable, error);

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);

  if (error != NULL && *error != NULL)
    return NULL;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;

  return g_steal_pointer (&anomalies);
}

GArray *
lookout_store_query_anomalies_sync (LookoutStore  *self,
                                    gint64         target_id,
                                    gint64         from_ms,
                                    gint64         to_ms,
                                    guint          limit,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  AnomalyQuery q = { target_id, from_ms, to_ms, limit };

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_anomalies (self, &q, cancellable, error);
}

static void
query_anomalies_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *anomalies;

  anomalies = read_anomalies (source_object, task_data, cancellable, &error);
  if (anomalies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, anomalies, (GDestroyNotify) g_array_unref);
}

void
lookout_store_query_anomalies_async (LookoutStore        *self,
                                     gint64               target_id,
                                     gint64               from_ms,
                                     gint64               to_ms,
                                     guint                limit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AnomalyQuery *q;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  q = g_new0 (AnomalyQuery, 1);
  *q = (AnomalyQuery) { target_id, from_ms, to_ms, limit };

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_query_anomalies_async);
  g_task_set_task_data (task, q, g_free);
  g_task_run_in_thread (task, query_anomalies_thread);
}

GArray *
lookout_store_query_anomalies_finish (LookoutStore  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
