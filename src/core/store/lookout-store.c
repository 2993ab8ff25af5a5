/* lookout-store.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the store works
 *
 * One SQLite file in WAL mode. All writes go through one writer thread that
 * owns the read-write connection: callers append operations (samples,
 * events, target writes, flush markers) to a queue under a mutex and never
 * wait for I/O. The writer takes everything queued, at the latest 250 ms
 * after the first operation arrived (at once when a flush is asked for), and
 * applies it in order in ONE transaction, together with the minute, hour and
 * day rollups of the batch's samples (accumulated in memory first, then one
 * UPSERT per bucket). A kill at any moment therefore loses at most the
 * uncommitted batch, and rollups always agree with the committed samples.
 * A rollup bucket counts every sample in n, DOWN ones in n_fail, and keeps
 * min/max/sum over the samples that are not DOWN and have a latency.
 *
 * After the commit the writer publishes the last committed sample sequence
 * number, wakes a GSource attached to the context the store was opened on
 * (which emits "committed" there) and completes the batch's tasks; each
 * GTask returns on the context it was created on.
 *
 * Range reads run in GTask threads on read-only connections borrowed from a
 * small pool; WAL lets them read a consistent snapshot while the writer
 * commits.
 *
 * Disk cost: samples is a WITHOUT ROWID table keyed (target_id, ts_ms), so
 * the key is the row: no separate rowid B-tree or index. A row holds only
 * integers; a missing latency, code or error is NULL (zero bytes), and the
 * common states UP (1) and UNKNOWN (0) cost no body byte at all (SQLite's
 * serial types 8 and 9).
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lookout-store-private.h"

#define BATCH_INTERVAL_US (250 * G_TIME_SPAN_MILLISECOND)
#define BUSY_TIMEOUT_MS   5000
#define MAX_IDLE_READERS  4

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

struct _LookoutStore
{
  GObject         parent_instance;

  char           *path;
  GMainContext   *context;
  GSource        *committed_source;
  guint64         emitted_seq;

  LookoutStoreDb  writer_db;
  GThread        *writer;

  /* Everything below is guarded by lock. */
  GMutex          lock;
  GCond           work_cond;
  GCond           done_cond;
  GArray         *queue;
  gint64          first_queued_us;
  guint64         last_seq;
  guint64         committed_seq;
  guint64         queued_ops;
  guint64         done_ops;
  GError         *commit_error;
  guint           flush_requested : 1;
  guint           no_rollups : 1;
  guint           stopping : 1;
  guint           closed : 1;

  GMutex          readers_lock;
  GPtrArray      *idle_readers;
  guint           readers_closed : 1;

  /* Guarded by lock; read by lookout-store-retention.c. */
  LookoutStoreRetention retention;
};

typedef struct
{
  gint64  target_id;
  gint64  bucket;
  guint   resolution;
  guint32 n;
  guint32 n_fail;
  gint64  min_us;
  gint64  max_us;
  gint64  sum_us;
} RollupAccum;

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum {
  COMMITTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LookoutStore, lookout_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (lookout-store-error-quark, lookout_store_error)

static const gint64 rollup_width_ms[] = {
  [LOOKOUT_ROLLUP_MINUTE] = 60 * 1000,
  [LOOKOUT_ROLLUP_HOUR]   = 60 * 60 * 1000,
  [LOOKOUT_ROLLUP_DAY]    = 24 * 60 * 60 * 1000,
};

/* ---- schema ---- */

typedef gboolean (*MigrationFunc) (sqlite3 *db, GError **error);

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      /* Name the statement by its first words, not the whole schema. */
      g_autofree char *what = g_strndup (sql, strcspn (sql, "(;"));

      lookout_store_set_error (error, db, rc, g_strstrip (what));
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate_to_1 (sqlite3  *db,
              GError  **error)
{
  /* AUTOINCREMENT so that the id of a removed target is never handed to a
   * new one: its history stays in the file until purged. No foreign keys
   * from history to targets, for the same reason. */
  return exec_sql (db,
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
                   ");"
                   "CREATE TABLE samples ("
                   "  target_id INTEGER NOT NULL,"
                   "  ts_ms INTEGER NOT NULL,"
                   "  latency_us INTEGER,"
                   "  state INTEGER NOT NULL,"
                   "  code INTEGER,"
                   "  error TEXT,"
                   "  PRIMARY KEY (target_id, ts_ms)"
                   ") WITHOUT ROWID;"
                   "CREATE TABLE rollup_minute ("
                   "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
                   "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL,"
                   "  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
                   "  PRIMARY KEY (target_id, bucket)"
                   ") WITHOUT ROWID;"
                   "CREATE TABLE rollup_hour ("
                   "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
                   "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL,"
                   "  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
                   "  PRIMARY KEY (target_id, bucket)"
                   ") WITHOUT ROWID;"
                   "CREATE TABLE rollup_day ("
                   "  target_id INTEGER NOT NULL, bucket INTEGER NOT NULL,"
                   "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL,"
                   "  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL,"
                   "  PRIMARY KEY (target_id, bucket)"
                   ") WITHOUT ROWID;"
                   "CREATE TABLE events ("
                   "  id INTEGER PRIMARY KEY,"
                   "  target_id INTEGER NOT NULL,"
                   "  ts_ms INTEGER NOT NULL,"
                   "  kind TEXT NOT NULL,"
                   "  message TEXT,"
                   "  delivered_at INTEGER,"
                   "  channels TEXT"
                   ");"
                   "CREATE INDEX events_by_target ON events (target_id, ts_ms);"
                   "CREATE TABLE geo_cache ("
                   "  address TEXT PRIMARY KEY,"
                   "  country TEXT,"
                   "  city TEXT,"
                   "  lat REAL,"
                   "  lon REAL,"
                   "  isp TEXT,"
                   "  source TEXT,"
                   "  fetched_at INTEGER NOT NULL"
                   ");",
                   error);
}

/* migrations[i] takes the schema from version i to version i + 1. */
static const MigrationFunc migrations[] = {
  migrate_to_1,
};

#define SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

/* ---- helpers shared with lookout-store-targets.c ---- */

void
lookout_store_set_error (GError     **error,
                         sqlite3     *db,
                         int          rc,
                         const char  *what)
{
  int primary = rc & 0xff;
  int code;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    code = LOOKOUT_STORE_ERROR_CORRUPT;
  else if (primary == SQLITE_CANTOPEN || primary == SQLITE_PERM || primary == SQLITE_READONLY)
    code = LOOKOUT_STORE_ERROR_OPEN;
  else
    code = LOOKOUT_STORE_ERROR_QUERY;

  g_set_error (error, LOOKOUT_STORE_ERROR, code,
               _("Database error (%s): %s"),
               what, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

sqlite3_stmt *
lookout_store_db_statement (LookoutStoreDb    *db,
                            LookoutStoreStmt   id,
                            const char        *sql,
                            GError           **error)
{
  g_assert (id < LOOKOUT_STORE_N_STMTS);

  if (db->stmts[id] == NULL)
    {
      int rc = sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                   &db->stmts[id], NULL);

      if (rc != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "prepare");
          return NULL;
        }
    }
  else
    {
      sqlite3_reset (db->stmts[id]);
      sqlite3_clear_bindings (db->stmts[id]);
    }

  return db->stmts[id];
}

static void
store_db_close (LookoutStoreDb *db)
{
  for (guint i = 0; i < LOOKOUT_STORE_N_STMTS; i++)
    g_clear_pointer (&db->stmts[i], sqlite3_finalize);
  g_clear_pointer (&db->db, sqlite3_close);
}

static void
store_db_free (LookoutStoreDb *db)
{
  store_db_close (db);
  g_free (db);
}

static gboolean
store_db_open (LookoutStoreDb  *db,
               const char      *path,
               int              flags,
               GError         **error)
{
  int rc = sqlite3_open_v2 (path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not open the database “%s”: %s"),
                   path, db->db != NULL ? sqlite3_errmsg (db->db) : sqlite3_errstr (rc));
      store_db_close (db);
      return FALSE;
    }

  sqlite3_extended_result_codes (db->db, TRUE);
  sqlite3_busy_timeout (db->db, BUSY_TIMEOUT_MS);

  return TRUE;
}

LookoutStoreDb *
lookout_store_acquire_reader (LookoutStore  *self,
                              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  LookoutStoreDb *db = NULL;

  g_mutex_lock (&self->readers_lock);
  if (self->readers_closed)
    {
      g_mutex_unlock (&self->readers_lock);
      g_set_error_literal (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED,
                           _("The database is closed"));
      return NULL;
    }
  if (self->idle_readers->len > 0)
    db = g_ptr_array_steal_index_fast (self->idle_readers, self->idle_readers->len - 1);
  g_mutex_unlock (&self->readers_lock);

  if (db != NULL)
    return db;

  db = g_new0 (LookoutStoreDb, 1);
  if (!store_db_open (db, self->path, SQLITE_OPEN_READONLY, error))
    {
      g_free (db);
      return NULL;
    }

  return db;
}

void
lookout_store_release_reader (LookoutStore   *self,
                              LookoutStoreDb *db)
{
  g_assert (db != NULL);

  for (guint i = 0; i < LOOKOUT_STORE_N_STMTS; i++)
    if (db->stmts[i] != NULL)
      sqlite3_reset (db->stmts[i]);

  g_mutex_lock (&self->readers_lock);
  if (!self->readers_closed && self->idle_readers->len < MAX_IDLE_READERS)
    {
      g_ptr_array_add (self->idle_readers, db);
      db = NULL;
    }
  g_mutex_unlock (&self->readers_lock);

  g_clear_pointer (&db, store_db_free);
}

/* ---- the writer thread ---- */

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

static guint
rollup_accum_hash (gconstpointer key)
{
  const RollupAccum *a = key;

  return g_int64_hash (&a->target_id) ^ g_int64_hash (&a->bucket) ^ (a->resolution << 29);
}

static gboolean
rollup_accum_equal (gconstpointer a,
                    gconstpointer b)
{
  const RollupAccum *ra = a;
  const RollupAccum *rb = b;

  return ra->target_id == rb->target_id && ra->bucket == rb->bucket &&
         ra->resolution == rb->resolution;
}

static gint64
bucket_start (gint64 ts_ms,
              gint64 width_ms)
{
  gint64 rem = ts_ms % width_ms;

  if (rem < 0)
    rem += width_ms;
  return ts_ms - rem;
}

static void
rollup_accumulate (GHashTable          *rollups,
                   const LookoutSample *sample)
{
  gboolean failed = sample->state == LOOKOUT_TARGET_STATE_DOWN;
  gboolean timed = !failed && sample->latency_us >= 0;

  for (guint res = 0; res < G_N_ELEMENTS (rollup_width_ms); res++)
    {
      RollupAccum key = {
        .target_id = sample->target_id,
        .bucket = bucket_start (sample->ts_ms, rollup_width_ms[res]),
        .resolution = res,
      };
      RollupAccum *acc = g_hash_table_lookup (rollups, &key);

      if (acc == NULL)
        {
          acc = g_memdup2 (&key, sizeof key);
          acc->min_us = acc->max_us = -1;
          g_hash_table_add (rollups, acc);
        }

      acc->n++;
      if (failed)
        acc->n_fail++;
      if (timed)
        {
          if (acc->min_us < 0 || sample->latency_us < acc->min_us)
            acc->min_us = sample->latency_us;
          if (sample->latency_us > acc->max_us)
            acc->max_us = sample->latency_us;
          acc->sum_us += sample->latency_us;
        }
    }
}

#define UPSERT_ROLLUP(table) \
  "INSERT INTO " table " (target_id, bucket, n, n_fail, min_us, max_us, sum_us)" \
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" \
  " ON CONFLICT (target_id, bucket) DO UPDATE SET" \
  "  n = n + excluded.n," \
  "  n_fail = n_fail + excluded.n_fail," \
  "  min_us = min (coalesce (min_us, excluded.min_us), coalesce (excluded.min_us, min_us))," \
  "  max_us = max (coalesce (max_us, excluded.max_us), coalesce (excluded.max_us, max_us))," \
  "  sum_us = sum_us + excluded.sum_us"

static const struct
{
  LookoutStoreStmt  id;
  const char       *sql;
} upsert_rollup[] = {
  [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_MINUTE, UPSERT_ROLLUP ("rollup_minute") },
  [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_HOUR,   UPSERT_ROLLUP ("rollup_hour") },
  [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_DAY,    UPSERT_ROLLUP ("rollup_day") },
};

static void
bind_nullable_int64 (sqlite3_stmt *stmt,
                     int           column,
                     gint64        value,
                     gboolean      is_null)
{
  if (is_null)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_int64 (stmt, column, value);
}

static gboolean
step_done (sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, sqlite3_db_handle (stmt), rc, what);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
write_rollups (LookoutStoreDb  *db,
               GHashTable      *rollups,
               GError         **error)
{
  GHashTableIter iter;
  RollupAccum *acc;

  g_hash_table_iter_init (&iter, rollups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &acc, NULL))
    {
      sqlite3_stmt *stmt;

      stmt = lookout_store_db_statement (db, upsert_rollup[acc->resolution].id,
                                         upsert_rollup[acc->resolution].sql, error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, acc->target_id);
      sqlite3_bind_int64 (stmt, 2, acc->bucket);
      sqlite3_bind_int64 (stmt, 3, acc->n);
      sqlite3_bind_int64 (stmt, 4, acc->n_fail);
      bind_nullable_int64 (stmt, 5, acc->min_us, acc->min_us < 0);
      bind_nullable_int64 (stmt, 6, acc->max_us, acc->max_us < 0);
      sqlite3_bind_int64 (stmt, 7, acc->sum_us);

      if (!step_done (stmt, "rollup", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
write_sample (LookoutStoreDb       *db,
              const LookoutSample  *sample,
              gboolean             *inserted,
              GError              **error)
{
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_SAMPLE,
                                     "INSERT OR IGNORE INTO samples"
                                     " (target_id, ts_ms, latency_us, state, code, error)"
                                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, sample->target_id);
  sqlite3_bind_int64 (stmt, 2, sample->ts_ms);
  bind_nullable_int64 (stmt, 3, sample->latency_us, sample->latency_us < 0);
  sqlite3_bind_int (stmt, 4, sample->state);
  bind_nullable_int64 (stmt, 5, sample->code, sample->code == 0);
  if (sample->error != NULL)
    sqlite3_bind_text (stmt, 6, sample->error, -1, SQLITE_STATIC);

  if (!step_done (stmt, "insert sample", error))
    return FALSE;

  *inserted = sqlite3_changes (db->db) > 0;
  return TRUE;
}

static gboolean
write_event (LookoutStoreDb  *db,
             StoreOp         *op,
             GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_EVENT,
                                     "INSERT INTO events (target_id, ts_ms, kind, message)"
                                     " VALUES (?1, ?2, ?3, ?4)",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, op->event.target_id);
  sqlite3_bind_int64 (stmt, 2, op->event.ts_ms);
  sqlite3_bind_text (stmt, 3, op->event.kind, -1, SQLITE_STATIC);
  if (op->event.message != NULL)
    sqlite3_bind_text (stmt, 4, op->event.message, -1, SQLITE_STATIC);

  return step_done (stmt, "insert event", error);
}

/* Applies one batch in a transaction; returns the last committed sample
 * sequence number through *out_seq. */
static gboolean
write_batch (LookoutStore  *self,
             GArray        *batch,
             guint64       *out_seq,
             GError       **error)
{
  g_autoptr(GHashTable) rollups = NULL;
  LookoutStoreDb *db = &self->writer_db;
  guint64 last_seq = 0;
  gboolean with_rollups;
  int rc;

  g_mutex_lock (&self->lock);
  with_rollups = !self->no_rollups;
  g_mutex_unlock (&self->lock);

  rollups = g_hash_table_new_full (rollup_accum_hash, rollup_accum_equal, g_free, NULL);

  if (!exec_sql (db->db, "BEGIN IMMEDIATE", error))
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
          if (!write_sample (db, &op->sample.sample, &inserted, &local_error))
            g_warning ("Dropping a sample: %s", local_error->message);
          else if (inserted && with_rollups)
            rollup_accumulate (rollups, &op->sample.sample);
          break;

        case OP_EVENT:
          if (!write_event (db, op, &local_error))
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

  if (!write_rollups (db, rollups, error))
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

static gboolean
committed_source_dispatch (GSource     *source,
                           GSourceFunc  callback,
                           gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs committed_source_funcs = {
  .dispatch = committed_source_dispatch,
};

static void
emit_committed (LookoutStore *self)
{
  guint64 seq;

  g_mutex_lock (&self->lock);
  seq = self->committed_seq;
  g_mutex_unlock (&self->lock);

  if (seq != self->emitted_seq)
    {
      self->emitted_seq = seq;
      g_signal_emit (self, signals[COMMITTED], 0, seq);
    }
}

static gboolean
committed_cb (gpointer user_data)
{
  emit_committed (LOOKOUT_STORE (user_data));
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ---- */

static void store_close (LookoutStore *self,
                         gboolean      emit);

static void
lookout_store_dispose (GObject *object)
{
  LookoutStore *self = (LookoutStore *)object;

  store_close (self, FALSE);

  G_OBJECT_CLASS (lookout_store_parent_class)->dispose (object);
}

static void
lookout_store_finalize (GObject *object)
{
  LookoutStore *self = (LookoutStore *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_pointer (&self->idle_readers, g_ptr_array_unref);
  g_clear_error (&self->commit_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->work_cond);
  g_cond_clear (&self->done_cond);
  g_mutex_clear (&self->readers_lock);

  G_OBJECT_CLASS (lookout_store_parent_class)->finalize (object);
}

static void
lookout_store_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LookoutStore *self = LOOKOUT_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_store_class_init (LookoutStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_store_dispose;
  object_class->finalize = lookout_store_finalize;
  object_class->get_property = lookout_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LookoutStore::committed:
   * @seq: the sequence number of the last committed sample
   */
  signals[COMMITTED] =
    g_signal_new ("committed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
lookout_store_init (LookoutStore *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->work_cond);
  g_cond_init (&self->done_cond);
  g_mutex_init (&self->readers_lock);
  self->queue = store_queue_new ();
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) store_db_free);
  self->retention.samples_ms = 30 * 86400 * G_GINT64_CONSTANT (1000);
  self->retention.minute_ms = 90 * 86400 * G_GINT64_CONSTANT (1000);
}

/* ---- opening ---- */

static gboolean
read_user_version (sqlite3  *db,
                   int      *out_version,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db, rc, "user_version");
      return FALSE;
    }

  *out_version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (sqlite3     *db,
         const char  *path,
         GError     **error)
{
  g_autofree char *set_version = NULL;
  int version;

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again inside the transaction: another process may have migrated. */
  if (!read_user_version (db, &version, error))
    goto failed;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was written by a newer version of Lookout "
                     "(schema %d, this version knows up to %d)"),
                   path, version, SCHEMA_VERSION);
      goto failed;
    }

  for (int v = version; v < SCHEMA_VERSION; v++)
    {
      g_debug ("Migrating %s from schema %d to %d", path, v, v + 1);
      if (!migrations[v] (db, error))
        goto failed;
    }

  if (version != SCHEMA_VERSION)
    {
      set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
      if (!exec_sql (db, set_version, error))
        goto failed;
    }

  return exec_sql (db, "COMMIT", error);

failed:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static LookoutStore *
store_open (const char    *path,
            GMainContext  *context,
            GError       **error)
{
  g_autoptr(LookoutStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  int version;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (errsv));
      return NULL;
    }

  self = g_object_new (LOOKOUT_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref (context);

  if (!store_db_open (&self->writer_db, path,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return NULL;

  /* Check what the file is before changing anything in it: a file that is
   * not a database or is newer than us is left exactly as it is. */
  if (!read_user_version (self->writer_db.db, &version, &local_error))
    {
      if (g_error_matches (local_error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT))
        g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT,
                     _("“%s” is not a Lookout database or it is damaged: %s"),
                     path, sqlite3_errmsg (self->writer_db.db));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was written by a newer version of Lookout "
                     "(schema %d, this version knows up to %d)"),
                   path, version, SCHEMA_VERSION);
      return NULL;
    }

  if (!exec_sql (self->writer_db.db, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (self->writer_db.db, "PRAGMA synchronous = NORMAL", error) ||
      !migrate (self->writer_db.db, path, error))
    return NULL;

  self->committed_source = g_source_new (&committed_source_funcs, sizeof (GSource));
  g_source_set_callback (self->committed_source, committed_cb, self, NULL);
  g_source_set_static_name (self->committed_source, "[lookout-store-committed]");
  g_source_attach (self->committed_source, self->context);

  self->writer = g_thread_new ("lookout-store-writer", writer_thread, self);

  return g_steal_pointer (&self);
}

/* ---- public API ---- */

char *
lookout_store_dup_default_path (void)
{
  const char *dir = g_getenv ("LOOKOUT_DATA_DIR");

  if (dir != NULL && dir[0] != '\0')
    return g_build_filename (dir, "lookout.db", NULL);

  return g_build_filename (g_get_user_data_dir (), "lookout", "lookout.db", NULL);
}

LookoutStore *
lookout_store_open_sync (const char    *path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return store_open (path, g_main_context_ref_thread_default (), error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  LookoutStore *self;

  if (g_task_return_error_if_cancelled (task))
    return;

  self = store_open (path, g_task_get_context (task), &error);
  if (self == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, self, g_object_unref);
}

void
lookout_store_open_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_store_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

LookoutStore *
lookout_store_open_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
lookout_store_get_path (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  return self->path;
}

static void
store_close (LookoutStore *self,
             gboolean      emit)
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

  /* Readers first: the last connection to close checkpoints the WAL into
   * the file and removes it, which only a read-write connection can do. */
  g_mutex_lock (&self->readers_lock);
  self->readers_closed = TRUE;
  g_ptr_array_set_size (self->idle_readers, 0);
  g_mutex_unlock (&self->readers_lock);

  store_db_close (&self->writer_db);

  if (self->committed_source != NULL)
    {
      g_source_destroy (self->committed_source);
      g_clear_pointer (&self->committed_source, g_source_unref);

      /* The last commit is announced even if its source had no time to run. */
      if (emit && g_main_context_acquire (self->context))
        {
          emit_committed (self);
          g_main_context_release (self->context);
        }
    }
}

void
lookout_store_close (LookoutStore *self)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  store_close (self, TRUE);
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

/* ---- retention (pruning is in lookout-store-retention.c) ---- */

void
lookout_store_set_retention (LookoutStore                *self,
                             const LookoutStoreRetention *retention)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (retention != NULL);
  g_return_if_fail (retention->samples_ms >= 0 && retention->minute_ms >= 0 &&
                    retention->hour_ms >= 0 && retention->day_ms >= 0);

  g_mutex_lock (&self->lock);
  self->retention = *retention;
  g_mutex_unlock (&self->lock);
}

void
lookout_store_get_retention (LookoutStore          *self,
                             LookoutStoreRetention *out_retention)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (out_retention != NULL);

  g_mutex_lock (&self->lock);
  *out_retention = self->retention;
  g_mutex_unlock (&self->lock);
}

/* ---- range reads ---- */

typedef struct
{
  gint64                  target_id;
  LookoutRollupResolution resolution;
  gint64                  from_ms;
  gint64                  to_ms;
} RangeQuery;

static GArray *
read_samples (LookoutStore      *self,
              const RangeQuery  *q,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GArray) samples = NULL;
  LookoutStoreDb *db;
  sqlite3_stmt *stmt;
  guint rows = 0;
  int rc;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_SAMPLES,
                                     "SELECT ts_ms, latency_us, state, code, error"
                                     " FROM samples"
                                     " WHERE target_id = ?1 AND ts_ms >= ?2 AND ts_ms < ?3"
                                     " ORDER BY ts_ms",
                                     error);
  if (stmt == NULL)
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, q->target_id);
  sqlite3_bind_int64 (stmt, 2, q->from_ms);
  sqlite3_bind_int64 (stmt, 3, q->to_ms);

  samples = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (samples, (GDestroyNotify) lookout_sample_clear);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutSample s = {
        .target_id = q->target_id,
        .ts_ms = sqlite3_column_int64 (stmt, 0),
        .latency_us = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                        ? -1 : sqlite3_column_int64 (stmt, 1),
        .state = sqlite3_column_int (stmt, 2),
        .code = sqlite3_column_int (stmt, 3),
        .error = g_strdup ((const char *) sqlite3_column_text (stmt, 4)),
      };

      g_array_append_val (samples, s);

      if (++rows % 4096 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read samples");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  lookout_store_release_reader (self, db);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return g_steal_pointer (&samples);
}

static const struct
{
  LookoutStoreStmt  id;
  const char       *sql;
} select_rollup[] = {
#define SELECT_ROLLUP(table) \
  "SELECT bucket, n, n_fail, min_us, max_us, sum_us FROM " table \
  " WHERE target_id = ?1 AND bucket >= ?2 AND bucket < ?3 ORDER BY bucket"
  [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_MINUTE, SELECT_ROLLUP ("rollup_minute") },
  [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_HOUR,   SELECT_ROLLUP ("rollup_hour") },
  [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_DAY,    SELECT_ROLLUP ("rollup_day") },
#undef SELECT_ROLLUP
};

static GArray *
read_rollups (LookoutStore      *self,
              const RangeQuery  *q,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GArray) rollups = NULL;
  LookoutStoreDb *db;
  sqlite3_stmt *stmt;
  gint64 from;
  int rc;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  stmt = lookout_store_db_statement (db, select_rollup[q->resolution].id,
                                     select_rollup[q->resolution].sql, error);
  if (stmt == NULL)
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  /* The bucket holding from_ms is part of the range. */
  from = bucket_start (q->from_ms, rollup_width_ms[q->resolution]);

  sqlite3_bind_int64 (stmt, 1, q->target_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, q->to_ms);

  rollups = g_array_new (FALSE, FALSE, sizeof (LookoutRollup));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutRollup r = {
        .bucket_ms = sqlite3_column_int64 (stmt, 0),
        .n = sqlite3_column_int64 (stmt, 1),
        .n_fail = sqlite3_column_int64 (stmt, 2),
        .min_us = sqlite3_column_type (stmt, 3) == SQLITE_NULL
                    ? -1 : sqlite3_column_int64 (stmt, 3),
        .max_us = sqlite3_column_type (stmt, 4) == SQLITE_NULL
                    ? -1 : sqlite3_column_int64 (stmt, 4),
        .sum_us = sqlite3_column_int64 (stmt, 5),
      };

      g_array_append_val (rollups, r);
    }

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read rollups");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  lookout_store_release_reader (self, db);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return g_steal_pointer (&rollups);
}

static void
query_samples_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *samples;

  samples = read_samples (source_object, task_data, cancellable, &error);
  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify) g_array_unref);
}

static void
query_rollups_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *rollups;

  rollups = read_rollups (source_object, task_data, cancellable, &error);
  if (rollups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rollups, (GDestroyNotify) g_array_unref);
}

static GTask *
range_task_new (LookoutStore            *self,
                gint64                   target_id,
                LookoutRollupResolution  resolution,
                gint64                   from_ms,
                gint64                   to_ms,
                GCancellable            *cancellable,
                GAsyncReadyCallback      callback,
                gpointer                 user_data,
                gpointer                 source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RangeQuery *q = g_new0 (RangeQuery, 1);

  q->target_id = target_id;
  q->resolution = resolution;
  q->from_ms = from_ms;
  q->to_ms = to_ms;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, q, g_free);
  g_task_set_return_on_cancel (task, FALSE);

  return task;
}

void
lookout_store_query_samples_async (LookoutStore        *self,
                                   gint64               target_id,
                                   gint64               from_ms,
                                   gint64               to_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = range_task_new (self, target_id, 0, from_ms, to_ms, cancellable,
                         callback, user_data, lookout_store_query_samples_async);
  g_task_run_in_thread (task, query_samples_thread);
}

GArray *
lookout_store_query_samples_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GArray *
lookout_store_query_samples_sync (LookoutStore  *self,
                                  gint64         target_id,
                                  gint64         from_ms,
                                  gint64         to_ms,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  RangeQuery q = { target_id, 0, from_ms, to_ms };

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_samples (self, &q, cancellable, error);
}

void
lookout_store_query_rollups_async (LookoutStore            *self,
                                   gint64                   target_id,
                                   LookoutRollupResolution  resolution,
                                   gint64                   from_ms,
                                   gint64                   to_ms,
                                   GCancellable            *cancellable,
                                   GAsyncReadyCallback      callback,
                                   gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (resolution <= LOOKOUT_ROLLUP_DAY);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = range_task_new (self, target_id, resolution, from_ms, to_ms, cancellable,
                         callback, user_data, lookout_store_query_rollups_async);
  g_task_run_in_thread (task, query_rollups_thread);
}

GArray *
lookout_store_query_rollups_finish (LookoutStore  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GArray *
lookout_store_query_rollups_sync (LookoutStore            *self,
                                  gint64                   target_id,
                                  LookoutRollupResolution  resolution,
                                  gint64                   from_ms,
                                  gint64                   to_ms,
                                  GCancellable            *cancellable,
                                  GError                 **error)
{
  RangeQuery q = { target_id, resolution, from_ms, to_ms };

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (resolution <= LOOKOUT_ROLLUP_DAY, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_rollups (self, &q, cancellable, error);
}

/* ---- target rows that need no LookoutTarget ---- */

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
  if (!step_done (stmt, "delete target", error))
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

static gboolean
purge_orphans_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  static const char * const tables[] = {
    "samples", "rollup_minute", "rollup_hour", "rollup_day", "events",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = NULL;

      sql = g_strdup_printf ("DELETE FROM %s WHERE target_id NOT IN (SELECT id FROM targets)",
                             tables[i]);
      if (!exec_sql (db->db, sql, error))
        return FALSE;
    }

  return TRUE;
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
  lookout_store_queue_write (self, purge_orphans_write, NULL, NULL, NULL, task);
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
lookout_store_set_rollups_enabled (LookoutStore *self,
                                   gboolean      enabled)
{
  g_return_if_fail (LOOKOUT_IS_STORE (self));

  g_mutex_lock (&self->lock);
  self->no_rollups = !enabled;
  g_mutex_unlock (&self->lock);
}
