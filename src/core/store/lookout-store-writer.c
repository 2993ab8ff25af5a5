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
 * dropped with a warning.
 *
 * Saving problems: a transaction that fails as a whole (another process
 * holds the write lock past the busy timeout, the disk is full, an I/O
 * error) loses nothing. The batch is kept and retried with back-off
 * (RETRY_MIN_US doubling to RETRY_MAX_US), new operations joining it, and
 * the store's "saving" property says why nothing is saved and since when;
 * when a retry commits, "n-written-late" says how many samples waited.
 * Samples waiting (queued or kept) are bounded by max_pending: past it a
 * new sample is dropped and counted in "n-dropped", never silently. On
 * close the writer keeps retrying for STOP_GRACE_US, then gives the batch
 * up, counts its samples as dropped and fails its tasks.
 *
 * Groups: the operations queued between lookout_store_begin_group() and
 * lookout_store_end_group() are never split between two transactions;
 * while a group is open the writer takes only what was queued before it,
 * or waits for its end (a group lasts a few milliseconds of the main
 * loop). A manager commits an agent's acknowledged number so, with the
 * samples and events of the results it covers.
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
#define RETRY_MIN_US      (100 * G_TIME_SPAN_MILLISECOND)
#define RETRY_MAX_US      (5 * G_TIME_SPAN_SECOND)
#define STOP_GRACE_US     (5 * G_TIME_SPAN_SECOND)
/* About 15 minutes of 250 results a second, some 20 MB. */
#define MAX_PENDING_SAMPLES 250000

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

/* Whether a statement failed for a reason that concerns the whole
 * transaction (lock, disk, I/O) rather than the one row. */
static gboolean
failed_for_batch (sqlite3 *db)
{
  switch (sqlite3_extended_errcode (db) & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Keeps why the batch failed (ROLLBACK clears it), then rolls back. */
static void
abort_batch (LookoutStore *self,
             sqlite3      *db)
{
  self->batch_rc = sqlite3_extended_errcode (db);
  self->batch_errno = sqlite3_system_errno (db);
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
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
  g_auto(LookoutOutboxBatch) outbox_batch = { NULL, 0 };
  LookoutOutboxLimits outbox_limits;
  gboolean outbox = lookout_store_outbox_enabled (self, &outbox_limits);
  gboolean outbox_grew = FALSE;
  guint64 last_seq = 0;
  int rc;

  if (!lookout_store_exec (db->db, "BEGIN IMMEDIATE", error))
    {
      abort_batch (self, db->db);
      return FALSE;
    }

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
            {
              if (failed_for_batch (db->db))
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  abort_batch (self, db->db);
                  return FALSE;
                }
              g_warning ("Dropping a sample: %s", local_error->message);
            }
          /* an agent's result and its sequence number commit together */
          else if (inserted && outbox)
            {
              if (!lookout_store_outbox_insert (db, &outbox_batch, &op->sample.sample, error))
                {
                  abort_batch (self, db->db);
                  return FALSE;
                }
              outbox_grew = TRUE;
            }
          break;

        case OP_EVENT:
          if (!lookout_store_events_insert (db, op->event.target_id, op->event.ts_ms,
                                            op->event.kind, op->event.message,
                                            &local_error))
            {
              if (failed_for_batch (db->db))
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  abort_batch (self, db->db);
                  return FALSE;
                }
              g_warning ("Dropping an event: %s", local_error->message);
            }
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
          abort_batch (self, db->db);
          return FALSE;
        }
    }

  if (outbox_grew &&
      !lookout_store_outbox_trim (db, &outbox_batch, &outbox_limits, lookout_store_get_now_ms (self), error))
    {
      abort_batch (self, db->db);
      return FALSE;
    }

  if (!lookout_store_chunks_seal (self, db, G_MININT64, error))
    {
      abort_batch (self, db->db);
      return FALSE;
    }

  rc = sqlite3_exec (db->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "commit");
      abort_batch (self, db->db);
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

/* Why a batch could not be written, in words for the user. */
static char *
describe_problem (LookoutStore *self,
                  const GError *error)
{
  int rc = self->batch_rc & 0xff;

  switch (rc)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return g_strdup (_("database is locked by another process"));
    case SQLITE_FULL:
      return g_strdup (_("the disk is full"));
    case SQLITE_IOERR:
      return g_strdup_printf (_("the database file cannot be written: %s"),
                              self->batch_errno != 0 ? g_strerror (self->batch_errno)
                                                     : sqlite3_errstr (self->batch_rc));
    case SQLITE_READONLY:
      return g_strdup (_("the database has become read-only"));
    default:
      return g_strdup (error->message);
    }
}

static guint
count_samples (GArray *batch)
{
  guint n = 0;

  for (guint i = 0; i < batch->len; i++)
    if (g_array_index (batch, StoreOp, i).kind == OP_SAMPLE)
      n++;

  return n;
}

/* Appends the operations of @from to @to, emptying @from. */
static void
batch_move (GArray *to,
            GArray *from)
{
  gsize len = 0;
  StoreOp *ops = g_array_steal (from, &len);

  g_array_append_vals (to, ops, len);
  g_free (ops);
}

/* Takes the queued operations, but not those of an open group
 * (lookout_store_begin_group()): they stay queued, to go together once
 * it has ended. */
static GArray *
take_queue_locked (LookoutStore *self)
{
  guint n = self->group_depth > 0 && !self->stopping ? self->group_start : self->queue->len;
  GArray *taken = g_steal_pointer (&self->queue);

  self->queue = store_queue_new ();
  if (n < taken->len)
    {
      g_array_append_vals (self->queue, &g_array_index (taken, StoreOp, n), taken->len - n);
      /* moved, not to be cleared */
      g_array_set_clear_func (taken, NULL);
      g_array_set_size (taken, n);
      g_array_set_clear_func (taken, (GDestroyNotify) store_op_clear);
      self->group_start = 0;
      self->first_queued_us = g_get_monotonic_time ();
    }
  return taken;
}

static gpointer
writer_thread (gpointer user_data)
{
  LookoutStore *self = user_data;
  gint64 backoff_us = RETRY_MIN_US;
  gint64 stop_deadline = 0;

  g_mutex_lock (&self->lock);

  for (;;)
    {
      g_autoptr(GArray) batch = NULL;
      g_autoptr(GError) error = NULL;
      guint64 seq = 0;
      guint n_samples;
      gboolean ok;

      while (self->queue->len == 0 && self->retry_batch == NULL && !self->stopping)
        g_cond_wait (&self->work_cond, &self->lock);

      if (self->queue->len == 0 && self->retry_batch == NULL)
        break;

      if (self->retry_batch != NULL)
        {
          /* Back off, unless closing, then retry with what came meanwhile. */
          gint64 start = g_get_monotonic_time ();

          while (g_get_monotonic_time () < start + (self->stopping ? RETRY_MIN_US : backoff_us))
            g_cond_wait_until (&self->work_cond, &self->lock,
                               start + (self->stopping ? RETRY_MIN_US : backoff_us));
          g_autoptr(GArray) taken = take_queue_locked (self);

          batch = g_steal_pointer (&self->retry_batch);
          batch_move (batch, taken);
        }
      else
        {
          while (!self->flush_requested && !self->stopping)
            {
              gint64 deadline = self->first_queued_us + BATCH_INTERVAL_US;

              if (!g_cond_wait_until (&self->work_cond, &self->lock, deadline))
                break;
            }

          while (self->group_depth > 0 && self->group_start == 0 && !self->stopping)
            g_cond_wait (&self->work_cond, &self->lock);
          batch = take_queue_locked (self);
        }
      self->flush_requested = FALSE;
      g_mutex_unlock (&self->lock);

      for (guint i = 0; i < batch->len; i++)
        {
          StoreOp *op = &g_array_index (batch, StoreOp, i);

          if (op->kind == OP_WRITE)
            g_clear_error (&op->write.error);
        }

      n_samples = count_samples (batch);
      ok = write_batch (self, batch, &seq, &error);

      g_mutex_lock (&self->lock);
      if (!ok)
        {
          gint64 now = g_get_monotonic_time ();

          if (self->problem == NULL)
            {
              self->problem = describe_problem (self, error);
              self->problem_since_ms = g_get_real_time () / 1000;
              g_debug ("Results are not being saved: %s (%s)", self->problem, error->message);
              if (self->committed_source != NULL)
                g_source_set_ready_time (self->committed_source, 0);
            }
          self->n_failures++;
          g_cond_broadcast (&self->done_cond);

          if (self->stopping && stop_deadline == 0)
            stop_deadline = now + STOP_GRACE_US;
          if (!self->stopping || now < stop_deadline)
            {
              self->retry_batch = g_steal_pointer (&batch);
              backoff_us = MIN (backoff_us * 2, RETRY_MAX_US);
              continue;
            }

          /* Closing and still failing: give the batch up, counted. */
          g_warning ("Could not write %u operations before closing: %s", batch->len, error->message);
          self->n_dropped += n_samples;
          g_clear_error (&self->commit_error);
          self->commit_error = g_error_copy (error);
        }
      else
        {
          backoff_us = RETRY_MIN_US;
          if (self->problem != NULL)
            {
              self->n_late = n_samples;
              g_clear_pointer (&self->problem, g_free);
              self->problem_since_ms = 0;
              if (self->committed_source != NULL)
                g_source_set_ready_time (self->committed_source, 0);
            }
        }

      self->pending_samples -= MIN (self->pending_samples, n_samples);
      self->done_ops += batch->len;
      if (ok && seq != 0)
        self->committed_seq = seq;
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
lookout_store_begin_group (LookoutStore *self)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  if (self->group_depth++ == 0)
    self->group_start = self->queue->len;
  g_mutex_unlock (&self->lock);
}

void
lookout_store_end_group (LookoutStore *self)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  g_assert (self->group_depth > 0);
  if (--self->group_depth == 0)
    g_cond_signal (&self->work_cond);
  g_mutex_unlock (&self->lock);
}

void
lookout_store_writer_get_saving (LookoutStore  *self,
                                 char         **out_problem,
                                 gint64        *out_since_ms,
                                 guint64       *out_dropped,
                                 guint64       *out_late)
{
  g_mutex_lock (&self->lock);
  *out_problem = g_strdup (self->problem);
  *out_since_ms = self->problem_since_ms;
  *out_dropped = self->n_dropped;
  *out_late = self->n_late;
  g_mutex_unlock (&self->lock);
}

void
lookout_store_set_max_pending (LookoutStore *self,
                               guint64       max_pending)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->max_pending = max_pending;
  g_mutex_unlock (&self->lock);
}

void
lookout_store_writer_init (LookoutStore *self)
{
  self->queue = store_queue_new ();
  self->max_pending = MAX_PENDING_SAMPLES;
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
queue_closed_error (LookoutStore *self,
                    GTask        *task)
{
  if (self->read_only)
    g_task_return_new_error (task, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY,
                             _("The database is open to read its history only"));
  else
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
      queue_closed_error (self, task);
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
  op.sample.sample.location = g_strdup (sample->location);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      lookout_sample_clear (&op.sample.sample);
      return 0;
    }
  if (self->pending_samples >= self->max_pending)
    {
      /* Counted, and announced on the store's context. */
      self->n_dropped++;
      if (self->committed_source != NULL)
        g_source_set_ready_time (self->committed_source, 0);
      g_mutex_unlock (&self->lock);
      lookout_sample_clear (&op.sample.sample);
      return 0;
    }
  self->pending_samples++;
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
      queue_closed_error (self, task);
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
  guint64 target, failures;
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
  failures = self->n_failures;
  self->flush_requested = TRUE;
  g_cond_signal (&self->work_cond);
  /* Failed writes are retried without end: say so rather than wait. */
  while (self->done_ops < target && self->n_failures == failures)
    g_cond_wait (&self->done_cond, &self->lock);

  if (self->commit_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->commit_error));
      ok = FALSE;
    }
  else if (self->done_ops < target)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
                   _("Results are not being saved: %s"),
                   self->problem != NULL ? self->problem : _("the write failed"));
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

