/* lookout-store-events.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The events table of LookoutStore: its schema, the rows the writer thread
 * adds for lookout_store_append_event() (lookout-store-writer.c), delivery
 * marks, written by the writer thread in order after the event they mark,
 * and queries on a reader connection. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

/* ---- schema ---- */

gboolean
lookout_store_events_migrate_1 (sqlite3  *db,
                                GError  **error)
{
  return lookout_store_exec (db,
                             "CREATE TABLE events ("
                             "  id INTEGER PRIMARY KEY,"
                             "  target_id INTEGER NOT NULL,"
                             "  ts_ms INTEGER NOT NULL,"
                             "  kind TEXT NOT NULL,"
                             "  message TEXT,"
                             "  delivered_at INTEGER,"
                             "  channels TEXT"
                             ");"
                             "CREATE INDEX events_by_target ON events (target_id, ts_ms);",
                             error);
}

/* ---- writing, on the writer thread ---- */

gboolean
lookout_store_events_insert (LookoutStoreDb  *db,
                             gint64           target_id,
                             gint64           ts_ms,
                             const char      *kind,
                             const char      *message,
                             GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_EVENT,
                                     "INSERT INTO events (target_id, ts_ms, kind, message)"
                                     " VALUES (?1, ?2, ?3, ?4)",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, ts_ms);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  if (message != NULL)
    sqlite3_bind_text (stmt, 4, message, -1, SQLITE_STATIC);

  return lookout_store_step_done (stmt, "insert event", error);
}

typedef struct
{
  gint64  target_id;
  gint64  ts_ms;
  char   *kind;
  char   *channel;
  gint64  delivered_ms;
} DeliveryMark;

static void
delivery_mark_free (DeliveryMark *mark)
{
  g_free (mark->kind);
  g_free (mark->channel);
  g_free (mark);
}

static gboolean
write_delivery_mark (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  DeliveryMark *mark = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db,
                           "UPDATE events SET delivered_at = MAX(IFNULL(delivered_at, 0), ?4),"
                           " channels = CASE"
                           "   WHEN channels IS NULL OR channels = '' THEN ?5"
                           "   WHEN instr(',' || channels || ',', ',' || ?5 || ',') > 0 THEN channels"
                           "   ELSE channels || ',' || ?5 END"
                           " WHERE target_id = ?1 AND ts_ms = ?2 AND kind = ?3",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare event delivery");
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, mark->target_id);
  sqlite3_bind_int64 (stmt, 2, mark->ts_ms);
  sqlite3_bind_text (stmt, 3, mark->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, mark->delivered_ms);
  sqlite3_bind_text (stmt, 5, mark->channel, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "mark event delivered");
      return FALSE;
    }

  return TRUE;
}

static void
delivery_marked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
    g_warning ("Could not record a delivery: %s", error->message);
}

void
lookout_store_mark_event_delivered (LookoutStore *self,
                                    gint64        target_id,
                                    gint64        ts_ms,
                                    const char   *kind,
                                    const char   *channel,
                                    gint64        delivered_ms)
{
  g_autoptr(GTask) task = NULL;
  DeliveryMark *mark;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (kind != NULL);
  g_return_if_fail (channel != NULL && channel[0] != '\0' && strchr (channel, ',') == NULL);

  mark = g_new0 (DeliveryMark, 1);
  mark->target_id = target_id;
  mark->ts_ms = ts_ms;
  mark->kind = g_strdup (kind);
  mark->channel = g_strdup (channel);
  mark->delivered_ms = delivered_ms;

  task = g_task_new (self, NULL, delivery_marked_cb, NULL);
  g_task_set_source_tag (task, lookout_store_mark_event_delivered);
  lookout_store_queue_write (self, write_delivery_mark, NULL,
                             mark, (GDestroyNotify) delivery_mark_free, task);
}

void
lookout_stored_event_clear (LookoutStoredEvent *event)
{
  g_clear_pointer (&event->kind, g_free);
  g_clear_pointer (&event->message, g_free);
  g_clear_pointer (&event->channels, g_free);
}

typedef struct
{
  gint64  target_id;
  char   *kind;
  gint64  before_ms;
  guint   limit;
} EventQuery;

static void
event_query_free (EventQuery *q)
{
  g_free (q->kind);
  g_free (q);
}

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static GArray *
read_events (LookoutStore      *self,
             const EventQuery  *q,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autoptr(GArray) events = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  int rc;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  /* NULL parameters switch a condition off, so one statement serves all. */
  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT id, target_id, ts_ms, kind, message, delivered_at, channels"
                           " FROM events"
                           " WHERE (?1 IS NULL OR target_id = ?1)"
                           "   AND (?2 IS NULL OR kind = ?2)"
                           "   AND (?3 IS NULL OR ts_ms < ?3)"
                           " ORDER BY ts_ms DESC, id DESC"
                           " LIMIT ?4",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare events query");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  if (q->target_id >= 0)
    sqlite3_bind_int64 (stmt, 1, q->target_id);
  if (q->kind != NULL)
    sqlite3_bind_text (stmt, 2, q->kind, -1, SQLITE_STATIC);
  if (q->before_ms > 0)
    sqlite3_bind_int64 (stmt, 3, q->before_ms);
  sqlite3_bind_int64 (stmt, 4, q->limit > 0 ? (gint64) q->limit : -1);

  events = g_array_new (FALSE, TRUE, sizeof (LookoutStoredEvent));
  g_array_set_clear_func (events, (GDestroyNotify) lookout_stored_event_clear);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutStoredEvent event = {
        .id = sqlite3_column_int64 (stmt, 0),
        .target_id = sqlite3_column_int64 (stmt, 1),
        .ts_ms = sqlite3_column_int64 (stmt, 2),
        .kind = dup_column_text (stmt, 3),
        .message = dup_column_text (stmt, 4),
        .delivered_ms = sqlite3_column_int64 (stmt, 5),
        .channels = dup_column_text (stmt, 6),
      };

      g_array_append_val (events, event);

      if ((events->len & 1023) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    lookout_store_set_error (error, db->db, rc, "query events");

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);

  if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || (error != NULL && *error != NULL))
    return NULL;

  return g_steal_pointer (&events);
}

static void
query_events_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *events;

  events = read_events (source_object, task_data, cancellable, &error);
  if (events == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, events, (GDestroyNotify) g_array_unref);
}

void
lookout_store_query_events_async (LookoutStore        *self,
                                  gint64               target_id,
                                  const char          *kind,
                                  gint64               before_ms,
                                  guint                limit,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EventQuery *q;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  q = g_new0 (EventQuery, 1);
  q->target_id = target_id;
  q->kind = g_strdup (kind);
  q->before_ms = before_ms;
  q->limit = limit;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_query_events_async);
  g_task_set_task_data (task, q, (GDestroyNotify) event_query_free);
  g_task_run_in_thread (task, query_events_thread);
}

GArray *
lookout_store_query_events_finish (LookoutStore  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GArray *
lookout_store_query_events_sync (LookoutStore  *self,
                                 gint64         target_id,
                                 const char    *kind,
                                 gint64         before_ms,
                                 guint          limit,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  EventQuery q = { target_id, (char *) kind, before_ms, limit };

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_events (self, &q, cancellable, error);
}
