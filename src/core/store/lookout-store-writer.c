/* lookout-store-writer.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the writer works
 *
 * All writes go through one writer thread that owns the read-write
 * connection: callers append operations (samples, events, target writes,
 * flush markers) to a queue under the store's lock and never wait for I/O.
 *
 * Batching: the writer sleeps until the queue holds something, then waits
 * until 250 ms (BATCH_INTERVAL_US) after the first operation of the batch
 * arrived, or less when a flush is asked for or the store closes. It then
 * takes the whole queue and applies it in order in ONE transaction: the
 * batch's samples are appended to the sample log, and whatever is due is
 * sealed into compressed chunks with its minute, hour and day rollups
 * (lookout-store-chunks.c).
 *
 * Crash bound: a kill at any moment therefore loses at most the operations
 * queued in the last 250 ms plus the batch being written, and the rollups
 * always agree with the committed samples. A failing sample or event is
 * dropped with a warning; a failing transaction (disk full, I/O error) loses
 * its batch, and the error is reported to the batch's tasks and to the next
 * lookout_store_flush_sync().
 *
 * After the commit the writer publishes the last committed sample sequence
 * number, wakes the store's "committed" source (lookout-store.c) and
 * completes the batch's tasks, each on the context it was created on.
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

#define BATCH_INTERVAL_US (250 * G_TIME_SPAN_MILLISECOND)

typedef enum
{
  OP_SAMPLE,
  OP_EVENT,
  OP_WRITE,
  OP_FLUSH,
} OpKind;

typedef struct
{
  OpKind kind;
  union
    {
      struct
        {
          LookoutSample sample;
          guint64       seq;
        } sample;
      struct
        {
          gint64  target_id;
          gint64  ts_ms;
          char   *kind;
          char   *message;
        } event;
      struct
        {
          LookoutStoreWriteFunc     func;
          LookoutStoreCompleteFunc  complete;
          gpointer                  data;
          GDestroyNotify            destroy;
          GTask                    *task;
          GError                   *error;
        } write;
      GTask *flush;
    };
} StoreOp;

static void
store_op_clear (StoreOp *op)
{
  switch (op->kind)
    {
    case OP_SAMPLE:
      lookout_sample_clear (&op->sample.sample);
      break;
    case OP_EVENT:
      g_clear_pointer (&op->event.kind, g_free);
      g_clear_pointer (&op->event.message, g_free);
      break;
    case OP_WRITE:
      g_clear_error (&op->write.error);
      g_clear_object (&op->write.task);
      if (op->write.destroy != NULL && op->write.data != NULL)
        op->write.destroy (op->write.data);
      op->write.data = NULL;
      break;
    case OP_FLUSH:
      g_clear_object (&op->flush);
      break;
    default:
      g_assert_not_reached ();
    }
}

static GArray *
store_queue_new (void)
{
  GArray *queue = g_array_sized_new (FALSE, FALSE, sizeof (StoreOp), 64);

  g_array_set_clear_func (queue, (GDestroyNotify) store_op_clear);
  return queue;
}

/* Must be called with the lock held; takes over *op. */
static void
store_push_locked (LookoutStore *self,
                   StoreOp      *op)
{
  if (self->queue->len == 0)
    {
      self->first_queued_us = g_get_monotonic_time ();
      g_cond_signal (&self->work_cond);
    }
  g_array_append_vals (self->queue, op, 1);
  self->queued_ops++;
}

/* Applies one batch in a transaction; returns the last committed sample
 * sequence number through *out_seq. */
static gboolean
write_batch_locked (LookoutStore  *self,
                    GArray        *batch,
                    guint64       *out_seq,
                    GError       **error)
{
  LookoutStoreDb *db = &self->writer_db;
  guint64 last_seq = 0;
  int rc;

  if (!lookout_store_exec (db->db, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < batch->len; i++)
    {
      StoreOp *op = &g_array_index (batch, StoreOp, i);
      g_autoptr(GError) local_error = NULL;
      gboolean inserted = FALSE;

      switch (op->kind)
        {
        case OP_SAMPLE:
          last_seq = op->sample.seq;
          if (!lookout_store_samples_insert (self, db, &op->sample.sample, &inserted, &local_error))
            g_warning ("Dropping a sample: %s", local_error->message);
          break;

        case OP_EVENT:
          if (!lookout_store_events_insert (db, op->event.target_id, op->event.ts_ms,
                                            op->event.kind, op->event.message,
                                            &local_error))
            g_warning ("Dropping an event: %s", local_error->message);
          break;

        case OP_WRITE:
          op->write.func (db, op->write.data, &op->write.error);
          break;

        case OP_FLUSH:
          break;

        default:
          g_assert_not_reached ();
        }

      /* Disk full, I/O error: SQLite rolled the transaction back. */
      if (sqlite3_get_autocommit (db->db))
        {
          g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
                       _("The database transaction was aborted: %s"),
                       sqlite3_errmsg (db->db));
          return FALSE;
        }
    }

  if (!lookout_store_chunks_seal (self, db, G_MININT64, error))
    {
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  rc = sqlite3_exec (db->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "commit");
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  *out_seq = last_seq;
  return TRUE;
}

/* The head changes with the batch and is rebuilt from the log when the
 * batch did not commit. */
static gboolean
write_batch (LookoutStore  *self,
             GArray        *batch,
             guint64       *out_seq,
             GError       **error)
{
  g_autoptr(GError) load_error = NULL;
  gboolean ok;

  lookout_store_head_lock (self);
  ok = write_batch_locked (self, batch, out_seq, error);
  if (!ok && !lookout_store_head_load (self, &self->writer_db, &load_error))
    g_warning ("Could not reread the unsealed samples: %s", load_error->message);
  lookout_store_head_unlock (self);

  return ok;
}

/* A task is returned, and released, on its own context: the last reference
 * to the store (a task holds one) must never go away on the writer thread,
 * which would then have to join itself. */
typedef struct
{
  GTask                    *task;
  GError                   *error;
  LookoutStoreCompleteFunc  complete;
  gpointer                  data;
  GDestroyNotify            destroy;
} Completion;

static void
completion_free (Completion *c)
{
  g_clear_object (&c->task);
  g_clear_error (&c->error);
  if (c->destroy != NULL && c->data != NULL)
    c->destroy (c->data);
  g_free (c);
}

static gboolean
complete_in_context_cb (gpointer user_data)
{
  Completion *c = user_data;

  if (c->error != NULL)
    g_task_return_error (c->task, g_steal_pointer (&c->error));
  else if (c->complete != NULL)
    c->complete (c->task, c->data);
  else
    g_task_return_boolean (c->task, TRUE);

  return G_SOURCE_REMOVE;
}

static void
complete_op (GTask                    **task,
             GError                   **error,
             const GError              *batch_error,
             LookoutStoreCompleteFunc   complete,
             gpointer                  *data,
             GDestroyNotify             destroy)
{
  Completion *c = g_new0 (Completion, 1);

  c->task = g_steal_pointer (task);
  if (batch_error != NULL)
    c->error = g_error_copy (batch_error);
  else if (error != NULL)
    c->error = g_steal_pointer (error);
  c->complete = complete;
  if (data != NULL)
    {
      c->data = g_steal_pointer (data);
      c->destroy = destroy;
    }

  g_main_context_invoke_full (g_task_get_context (c->task), G_PRIORITY_DEFAULT,
                              complete_in_context_cb, c,
                              (GDestroyNotify) completion_free);
}

static void
complete_batch (GArray       *batch,
                const GError *batch_error)
{
  for (guint i = 0; i < batch->len; i++)
    {
      StoreOp *op = &g_array_index (batch, StoreOp, i);

      if (op->kind == OP_FLUSH)
        complete_op (&op->flush, NULL, batch_error, NULL, NULL, NULL);
      else if (op->kind == OP_WRITE)
        complete_op (&op->write.task, &op->write.error, batch_error,
                     op->write.complete, &op->write.data, op->write.destroy);
    }
}

static gpointer
writer_thread (gpointer user_data)
{
  LookoutStore *self = user_data;

  g_mutex_lock (&self->lock);

  for (;;)
    {
      g_autoptr(GArray) batch = NULL;
      g_autoptr(GError) error = NULL;
      guint64 seq = 0;
      gboolean ok;

      while (self->queue->len == 0 && !self->stopping)
        g_cond_wait (&self->work_cond, &self->lock);

      if (self->queue->len == 0)
        break;

      while (!self->flush_requested && !self->stopping)
        {
          gint64 deadline = self->first_queued_us + BATCH_INTERVAL_US;

          if (!g_cond_wait_until (&self->work_cond, &self->lock, deadline))
            break;
        }

      batch = g_steal_pointer (&self->queue);
      self->queue = store_queue_new ();
      self->flush_requested = FALSE;
      g_mutex_unlock (&self->lock);

      ok = write_batch (self, batch, &seq, &error);
      if (!ok)
        g_warning ("Could not write %u operations: %s", batch->len, error->message);

      g_mutex_lock (&self->lock);
      self->done_ops += batch->len;
      if (ok && seq != 0)
        self->committed_seq = seq;
      if (!ok)
        {
          g_clear_error (&self->commit_error);
          self->commit_error = g_error_copy (error);
        }
      g_cond_broadcast (&self->done_cond);

      if (ok && seq != 0 && self->committed_source != NULL)
        g_source_set_ready_time (self->committed_source, 0);
      g_mutex_unlock (&self->lock);

      /* Tasks see the new committed seq; the batch is freed unlocked. */
      complete_batch (batch, error);
      g_clear_pointer (&batch, g_array_unref);
      g_mutex_lock (&self->lock);
    }

  g_mutex_unlock (&self->lock);

  return NULL;
}

void
lookout_store_writer_init (LookoutStore *self)
{
  self->queue = store_queue_new ();
}

void
lookout_store_writer_start (LookoutStore *self)
{
  g_assert (self->writer == NULL);

  self->writer = g_thread_new ("lookout-store-writer", writer_thread, self);
}

void
lookout_store_writer_stop (LookoutStore *self)
{
  GThread *writer;

  g_mutex_lock (&self->lock);
  writer = g_steal_pointer (&self->writer);
  self->closed = TRUE;
  self->stopping = TRUE;
  g_cond_signal (&self->work_cond);
  g_mutex_unlock (&self->lock);

  /* The writer commits what is queued before it returns. */
  if (writer != NULL)
    g_thread_join (writer);
}

static void
queue_closed_error (GTask *task)
{
  g_task_return_new_error (task, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED,
                           _("The database is closed"));
}

void
lookout_store_queue_write (LookoutStore             *self,
                           LookoutStoreWriteFunc     write,
                           LookoutStoreCompleteFunc  complete,
                           gpointer                  data,
                           GDestroyNotify            destroy,
                           GTask                    *task)
{
  StoreOp op = { .kind = OP_WRITE };

  g_assert (LOOKOUT_IS_STORE (self));
  g_assert (G_IS_TASK (task));

  /* Cancelling stops a write that has not been queued; once queued it is
   * done, and the result says so (an inserted target gets its id). */
  if (g_task_return_error_if_cancelled (task))
    {
      if (destroy != NULL && data != NULL)
        destroy (data);
      return;
    }
  g_task_set_check_cancellable (task, FALSE);

  op.write.func = write;
  op.write.complete = complete;
  op.write.data = data;
  op.write.destroy = destroy;
  op.write.task = g_object_ref (task);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      queue_closed_error (task);
      store_op_clear (&op);
      return;
    }
  store_push_locked (self, &op);
  g_mutex_unlock (&self->lock);
}

guint64
lookout_store_append_sample (LookoutStore        *self,
                             const LookoutSample *sample)
{
  StoreOp op = { .kind = OP_SAMPLE };
  guint64 seq;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);
  g_return_val_if_fail (sample != NULL, 0);

  op.sample.sample = *sample;
  op.sample.sample.error = g_strdup (sample->error);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      lookout_sample_clear (&op.sample.sample);
      return 0;
    }
  seq = op.sample.seq = ++self->last_seq;
  store_push_locked (self, &op);
  g_mutex_unlock (&self->lock);

  return seq;
}

guint64
lookout_store_get_committed_seq (LookoutStore *self)
{
  guint64 seq;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  seq = self->committed_seq;
  g_mutex_unlock (&self->lock);

  return seq;
}

void
lookout_store_append_event (LookoutStore *self,
                            gint64        target_id,
                            gint64        ts_ms,
                            const char   *kind,
                            const char   *message)
{
  StoreOp op = { .kind = OP_EVENT };

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (kind != NULL);

  op.event.target_id = target_id;
  op.event.ts_ms = ts_ms;
  op.event.kind = g_strdup (kind);
  op.event.message = g_strdup (message);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      store_op_clear (&op);
      return;
    }
  store_push_locked (self, &op);
  g_mutex_unlock (&self->lock);
}

void
lookout_store_flush_async (LookoutStore        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreOp op = { .kind = OP_FLUSH };

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_flush_async);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      queue_closed_error (task);
      return;
    }
  op.flush = g_steal_pointer (&task);
  store_push_locked (self, &op);
  self->flush_requested = TRUE;
  g_cond_signal (&self->work_cond);
  g_mutex_unlock (&self->lock);
}

gboolean
lookout_store_flush_finish (LookoutStore  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
lookout_store_flush_sync (LookoutStore  *self,
                          GError       **error)
{
  guint64 target;
  gboolean ok = TRUE;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED,
                           _("The database is closed"));
      return FALSE;
    }

  g_clear_error (&self->commit_error);
  target = self->queued_ops;
  self->flush_requested = TRUE;
  g_cond_signal (&self->work_cond);
  while (self->done_ops < target)
    g_cond_wait (&self->done_cond, &self->lock);

  if (self->commit_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->commit_error));
      ok = FALSE;
    }
  g_mutex_unlock (&self->lock);

  return ok;
}

void
lookout_store_set_rollups_enabled (LookoutStore *self,
                                   gboolean      enabled)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->no_rollups = !enabled;
  g_mutex_unlock (&self->lock);
}

