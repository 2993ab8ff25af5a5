/* lookout-store-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "lookout-store.h"

G_BEGIN_DECLS

/* LookoutStore is split by concern, every file sharing this header:
 *
 *   lookout-store.c            the object: connections, reader pool, open and
 *                              close, the "committed" signal, retention settings
 *   lookout-store-schema.c     PRAGMA user_version and the ordered migrations
 *   lookout-store-writer.c     the writer thread: queue, batches, commits
 *   lookout-store-samples.c    rollups and the range reads over samples
 *   lookout-store-chunks.c     how samples are kept: the arrival-order log,
 *                              the in-memory head, sealed compressed chunks
 *   lookout-store-migrate.c    moving a row-store file's samples into chunks
 *   lookout-store-targets.c    the targets table
 *   lookout-store-events.c     the events table
 *   lookout-store-anomalies.c  the anomalies table
 *   lookout-store-paths.c      the trace_paths and route_changes tables
 *   lookout-store-geo.c        the geo_cache table
 *   lookout-store-retention.c  pruning and purging of orphaned history
 *   lookout-store-report.c     places and anomaly counts for the report
 *   lookout-store-outbox.c     an agent's outbox, the agent_state table
 *
 * Each file that owns a table owns that table's migration steps; the schema
 * file applies them in one ordered list. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Every statement a connection may cache. */
typedef enum
{
  LOOKOUT_STORE_STMT_INSERT_SAMPLE,
  LOOKOUT_STORE_STMT_INSERT_CHUNK,
  LOOKOUT_STORE_STMT_MARK_SEALED,
  LOOKOUT_STORE_STMT_SELECT_CHUNKS,
  LOOKOUT_STORE_STMT_SELECT_CHUNKS_AT,
  LOOKOUT_STORE_STMT_SELECT_SEALED_MAX,
  LOOKOUT_STORE_STMT_SELECT_LEGACY_SAMPLE,
  LOOKOUT_STORE_STMT_SELECT_LEGACY_SAMPLES,
  LOOKOUT_STORE_STMT_INSERT_EVENT,
  LOOKOUT_STORE_STMT_UPSERT_ROLLUP_MINUTE,
  LOOKOUT_STORE_STMT_UPSERT_ROLLUP_HOUR,
  LOOKOUT_STORE_STMT_UPSERT_ROLLUP_DAY,
  LOOKOUT_STORE_STMT_SELECT_SAMPLES,
  LOOKOUT_STORE_STMT_SCAN_SAMPLES,
  LOOKOUT_STORE_STMT_SELECT_OLDEST_SAMPLE,
  LOOKOUT_STORE_STMT_SELECT_ANY_MINUTE,
  LOOKOUT_STORE_STMT_SELECT_ROLLUP_MINUTE,
  LOOKOUT_STORE_STMT_SELECT_ROLLUP_HOUR,
  LOOKOUT_STORE_STMT_SELECT_ROLLUP_DAY,
  LOOKOUT_STORE_STMT_SELECT_TARGETS,
  LOOKOUT_STORE_STMT_INSERT_TARGET,
  LOOKOUT_STORE_STMT_INSERT_TARGET_WITH_ID,
  LOOKOUT_STORE_STMT_UPDATE_TARGET,
  LOOKOUT_STORE_STMT_DELETE_TARGET,
  LOOKOUT_STORE_STMT_UPSERT_PLACE_MINUTE,
  LOOKOUT_STORE_STMT_UPSERT_PLACE_HOUR,
  LOOKOUT_STORE_STMT_UPSERT_PLACE_DAY,
  LOOKOUT_STORE_STMT_SELECT_PLACE_MINUTE,
  LOOKOUT_STORE_STMT_SELECT_PLACE_HOUR,
  LOOKOUT_STORE_STMT_SELECT_PLACE_DAY,
  LOOKOUT_STORE_N_STMTS
} LookoutStoreStmt;

/* One connection with its cache of prepared statements. The writer thread
 * owns one; reader threads borrow others from a pool. */
typedef struct _LookoutStoreHead LookoutStoreHead;
typedef struct _LookoutStoreMigration LookoutStoreMigration;
typedef struct _LookoutStoreRecount LookoutStoreRecount;

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *stmts[LOOKOUT_STORE_N_STMTS];
} LookoutStoreDb;

struct _LookoutStore
{
  GObject         parent_instance;

  char           *path;
  GMainContext   *context;
  GSource        *committed_source;
  guint64         emitted_seq;

  LookoutStoreDb  writer_db;
  GThread        *writer;
  int             batch_rc;         /* why the last batch failed (writer thread) */
  int             batch_errno;
  int             lock_fd;          /* flock()ed PATH.lock, -1 when none */
  gboolean        read_only;        /* opened for history only: no writer */

  /* Unsealed samples (lookout-store-chunks.c), with their own lock. */
  LookoutStoreHead      *head;
  LookoutStoreMigration *migration;
  LookoutStoreRecount   *recount;
  double                 migration_progress;   /* main context */

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
  /* lookout_store_begin_group(): ops from queue[group_start] on commit
   * together; the writer takes only what is before them meanwhile. */
  guint           group_depth;
  guint           group_start;
  GError         *commit_error;
  /* Saving: a batch that could not be written is kept and retried with
   * back-off; samples queued or being retried are bounded by max_pending. */
  GArray         *retry_batch;
  guint64         pending_samples;
  guint64         max_pending;
  guint64         n_failures;
  char           *problem;          /* why nothing is saved, NULL while saving */
  gint64          problem_since_ms;
  guint64         n_dropped;
  guint64         n_late;           /* samples written once the last problem ended */
  guint           flush_requested : 1;
  guint           no_rollups : 1;
  guint           stopping : 1;
  guint           closed : 1;
  LookoutStoreRetention retention;
  LookoutStoreClockFunc clock;
  gpointer        clock_data;
  LookoutOutboxLimits outbox_limits;
  gboolean        outbox;
  gint            place_recount_pending;   /* atomic */

  /* What was last announced on the store's context (main thread only). */
  char           *shown_problem;
  gint64          shown_since_ms;
  guint64         shown_dropped;
  guint64         shown_late;

  /* The pool of idle reader connections, guarded by readers_lock. */
  GMutex          readers_lock;
  GPtrArray      *idle_readers;
  guint           readers_closed : 1;
};

/* Takes the schema one step on; runs inside the migration transaction. */
typedef gboolean (*LookoutStoreMigrateFunc)  (sqlite3         *db,
                                              GError         **error);

/* Runs on the writer thread inside the batch transaction. */
typedef gboolean (*LookoutStoreWriteFunc)    (LookoutStoreDb  *db,
                                              gpointer         data,
                                              GError         **error);
/* Runs on the task's main context once the transaction has committed, and
 * returns the task. */
typedef void     (*LookoutStoreCompleteFunc) (GTask           *task,
                                              gpointer         data);

/* ---- lookout-store.c ---- */

/* Returns the cached statement @id, preparing @sql on first use, reset and
 * with its bindings cleared. */
sqlite3_stmt   *lookout_store_db_statement     (LookoutStoreDb            *db,
                                                LookoutStoreStmt           id,
                                                const char                *sql,
                                                GError                   **error);
/* A read-write connection of a thread's own to the store's file. */
gboolean        lookout_store_db_open_own      (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                GError                   **error);
void            lookout_store_db_close_own     (LookoutStoreDb            *db);
void            lookout_store_set_error        (GError                   **error,
                                                sqlite3                   *db,
                                                int                        rc,
                                                const char                *what);
/* sqlite3_exec() with the error named by the statement's first words. */
gboolean        lookout_store_exec             (sqlite3                   *db,
                                                const char                *sql,
                                                GError                   **error);
/* Steps @stmt, which must complete without a row, and resets it. */
gboolean        lookout_store_step_done        (sqlite3_stmt              *stmt,
                                                const char                *what,
                                                GError                   **error);

LookoutStoreDb *lookout_store_acquire_reader   (LookoutStore              *self,
                                                GError                   **error);
void            lookout_store_release_reader   (LookoutStore              *self,
                                                LookoutStoreDb            *db);

/* ---- lookout-store-schema.c ---- */

/* Refuses a file that is not a database or has a newer schema, without
 * changing anything in it. */
gboolean        lookout_store_schema_check     (sqlite3                   *db,
                                                const char                *path,
                                                GError                   **error);
/* The user_version this build writes: the last step's. */
int             lookout_store_schema_get_version (void);
/* Applies the missing migration steps in one transaction. */
/* The version this build migrates a file to. */
int             lookout_store_schema_get_version (void);
gboolean        lookout_store_schema_migrate   (sqlite3                   *db,
                                                const char                *path,
                                                GError                   **error);

/* Each table's steps, in the files that own the tables. */
gboolean        lookout_store_targets_migrate_1 (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_samples_migrate_1 (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_events_migrate_1  (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_geo_migrate_1     (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_anomalies_migrate_2 (sqlite3                *db,
                                                   GError                **error);
gboolean        lookout_store_samples_migrate_4 (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_paths_migrate_5   (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_tokens_migrate_7  (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_samples_migrate_8 (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_samples_migrate_9 (sqlite3                  *db,
                                                 GError                  **error);

/* ---- lookout-store-writer.c ---- */

void            lookout_store_writer_init      (LookoutStore              *self);
void            lookout_store_writer_start     (LookoutStore              *self);
/* Refuses new writes, commits what is queued and joins the thread. */
void            lookout_store_writer_stop      (LookoutStore              *self);

/* Queues @write for the writer thread; @task is completed after the commit:
 * with the error @write set, or by @complete (when not NULL) or with TRUE.
 * @data is freed with @destroy once the task is done. */
void            lookout_store_queue_write      (LookoutStore              *self,
                                                LookoutStoreWriteFunc      write,
                                                LookoutStoreCompleteFunc   complete,
                                                gpointer                   data,
                                                GDestroyNotify             destroy,
                                                GTask                     *task);

/* A copy of the saving state, for the store's context to announce. */
void            lookout_store_writer_get_saving (LookoutStore             *self,
                                                 char                    **out_problem,
                                                 gint64                   *out_since_ms,
                                                 guint64                  *out_dropped,
                                                 guint64                  *out_late);
/* For tests: how many samples may wait unsaved before new ones are dropped. */
void            lookout_store_set_max_pending  (LookoutStore              *self,
                                                guint64                    max_pending);

/* For the benchmark: measure what the rollups cost. */
void            lookout_store_set_rollups_enabled (LookoutStore           *self,
                                                   gboolean                enabled);

/* ---- lookout-store-samples.c, called by the writer in its batch ---- */

/* A batch's rollups are summed in memory, then written with one UPSERT per
 * bucket. */
GHashTable     *lookout_store_rollups_new      (void);
void            lookout_store_rollups_add      (GHashTable                *rollups,
                                                const LookoutSample       *sample);
void            lookout_store_rollups_add_sorted (GHashTable              *rollups,
                                                  const LookoutSample     *samples,
                                                  guint                    n,
                                                  LookoutRollupResolution  first,
                                                  LookoutRollupResolution  last);
/* The same per place ('' for local), into the rollup_place tables. */
void            lookout_store_rollups_add_places (GHashTable              *rollups,
                                                  const LookoutSample     *samples,
                                                  guint                    n,
                                                  LookoutRollupResolution  first,
                                                  LookoutRollupResolution  last);
gboolean        lookout_store_rollups_write    (LookoutStoreDb            *db,
                                                GHashTable                *rollups,
                                                GError                   **error);
gboolean        lookout_store_rollups_add_degraded (LookoutStoreDb        *db,
                                                    const LookoutSample   *samples,
                                                    guint                  n,
                                                    GError               **error);
gint64          lookout_store_bucket_start     (gint64                     ts_ms,
                                                LookoutRollupResolution    resolution);
/* At open: whether place rollups are still being recounted, and if so
 * (and the store writes) the writer's first slice. */
void            lookout_store_place_recount_start (LookoutStore           *self);
/* Writer, before chunk @rowid is deleted or rewritten: if it waits to be
 * recounted, its @samples (with their places) are counted now. */
gboolean        lookout_store_place_recount_chunk (LookoutStoreDb         *db,
                                                   gint64                  rowid,
                                                   const LookoutSample    *samples,
                                                   guint                   n,
                                                   GError                **error);

/* ---- lookout-store-chunks.c ---- */

/* A chunk spans less than this, so a range read finds every chunk that
 * may hold part of [from, to) with t_start in (from - span, to). */
#define LOOKOUT_STORE_CHUNK_MAX_SPAN_MS (24 * 60 * 60 * G_GINT64_CONSTANT (1000))

gboolean        lookout_store_chunks_migrate_3 (sqlite3                   *db,
                                                GError                   **error);

void            lookout_store_head_init        (LookoutStore              *self);
void            lookout_store_head_free        (LookoutStore              *self);
/* Rebuilds the head from the log: at open, and after a failed batch. */
gboolean        lookout_store_head_load        (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                GError                   **error);
/* The writer holds the head's lock from the start of a batch to after its
 * commit; a reader holds it while it starts its snapshot and copies what
 * it needs of the head, so that both see the same moment. */
void            lookout_store_head_lock        (LookoutStore              *self);
void            lookout_store_head_unlock      (LookoutStore              *self);

/* Writer, with the head locked, in the batch: sets *inserted to whether
 * the sample is new (one already stored for the same target and
 * millisecond is ignored). */
gboolean        lookout_store_samples_insert   (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                const LookoutSample       *sample,
                                                gboolean                  *inserted,
                                                GError                   **error);
/* Writer, at the end of a batch: seals what is due into chunks, with their
 * rollups, and trims the log. Samples older than @before_ms are sealed
 * whatever their number (retention deletes only whole chunks). */
gboolean        lookout_store_chunks_seal      (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                gint64                     before_ms,
                                                GError                   **error);
/* Writer: deletes whole chunks that end before @cutoff_ms, at most *budget,
 * adding the number of samples they held to *deleted. */
gboolean        lookout_store_chunks_prune     (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                gint64                     cutoff_ms,
                                                guint                     *budget,
                                                guint64                   *deleted,
                                                GError                   **error);
/* Writer: forgets the head samples of targets not in the targets table. */
gboolean        lookout_store_chunks_purge_orphans (LookoutStore          *self,
                                                    LookoutStoreDb        *db,
                                                    GError               **error);

typedef gboolean (*LookoutStoreChunkFunc) (const LookoutSample *sample,
                                           gpointer             user_data);

/* Reader: calls @func for every stored sample of @target_id in
 * [from_ms, to_ms) in ts_ms order, from one consistent snapshot; @func
 * returns FALSE to stop. Errors are read only @with_errors. */
gboolean        lookout_store_chunks_scan      (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                gint64                     target_id,
                                                gint64                     from_ms,
                                                gint64                     to_ms,
                                                gboolean                   with_errors,
                                                LookoutStoreChunkFunc      func,
                                                gpointer                   user_data,
                                                GError                   **error);
/* Reader: the same (with errors and places when @with_texts), leaving the
 * read transaction open for more reads of the same snapshot; end it with
 * lookout_store_chunks_end_read() (a failure ends it). */
gboolean        lookout_store_chunks_scan_open (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                gint64                     target_id,
                                                gint64                     from_ms,
                                                gint64                     to_ms,
                                                gboolean                   with_texts,
                                                LookoutStoreChunkFunc      func,
                                                gpointer                   user_data,
                                                GError                   **error);
/* Reader: starts a read transaction on @db and appends the head's samples
 * of @target_id in [from_ms, to_ms) to @out; end it with
 * lookout_store_chunks_end_read(). */
gboolean        lookout_store_chunks_begin_read (LookoutStore             *self,
                                                 LookoutStoreDb           *db,
                                                 gint64                    target_id,
                                                 gint64                    from_ms,
                                                 gint64                    to_ms,
                                                 GArray                   *out,
                                                 GError                  **error);
/* The same for each of @target_ids: out[k] (made by the caller) gets the
 * head's samples of target_ids[k] in the range (their error and location
 * only @with_texts) and, unless NULL,
 * out_head_oldest[k] the oldest of all its head's samples (G_MAXINT64 when
 * none); the head's lock is taken once. */
gboolean        lookout_store_chunks_begin_read_many (LookoutStore        *self,
                                                      LookoutStoreDb      *db,
                                                      const gint64        *target_ids,
                                                      guint                n_targets,
                                                      gint64               from_ms,
                                                      gint64               to_ms,
                                                      gboolean             with_texts,
                                                      GArray             **out,
                                                      gint64              *out_head_oldest,
                                                      GError             **error);
/* Reader, inside a read begun as above: lookout_store_chunks_scan() of one
 * target, @side holding its head's samples of the range. */
gboolean        lookout_store_chunks_scan_in_read (LookoutStore           *self,
                                                   LookoutStoreDb         *db,
                                                   gint64                  target_id,
                                                   gint64                  from_ms,
                                                   gint64                  to_ms,
                                                   gboolean                with_errors,
                                                   GArray                 *side,
                                                   LookoutStoreChunkFunc   func,
                                                   gpointer                user_data,
                                                   GError                **error);
/* Reader, inside a read: the start of @target_id's oldest chunk. */
gboolean        lookout_store_chunks_oldest_in_read (LookoutStoreDb       *db,
                                                     gint64                target_id,
                                                     gint64               *out_oldest,
                                                     gboolean             *out_none,
                                                     GError              **error);
void            lookout_store_chunks_end_read  (LookoutStoreDb            *db);
/* Reader: the oldest stored sample of @target_id; *out_none when none. */
gboolean        lookout_store_chunks_oldest    (LookoutStore              *self,
                                                LookoutStoreDb            *db,
                                                gint64                     target_id,
                                                gint64                    *out_oldest,
                                                gboolean                  *out_none,
                                                GError                   **error);

/* Reads columns @col… (ts_ms, latency_us, state, code, error) of a row. */
void            lookout_store_sample_from_row  (sqlite3_stmt              *stmt,
                                                int                        col,
                                                gint64                     target_id,
                                                LookoutSample             *out);

/* Packs sorted @samples of one target into chunks (the writer's sealing
 * and the migration). */
gboolean        lookout_store_chunks_write     (LookoutStoreDb            *db,
                                                const LookoutSample       *samples,
                                                guint                      n,
                                                GError                   **error);

/* ---- lookout-store-migrate.c ---- */

/* Starts moving the samples of a row-store file into chunks, on a thread
 * of its own, when there are any; the stop joins it. */
void            lookout_store_migration_start  (LookoutStore              *self);
void            lookout_store_migration_stop   (LookoutStore              *self);

/* ---- lookout-store-recount.c ---- */

/* Counts again, on a thread of its own, the degraded results of the chunks
 * schema step 8 listed; the stop joins it. */
void            lookout_store_recount_start    (LookoutStore              *self);
void            lookout_store_recount_stop     (LookoutStore              *self);
/* Whether the old samples table still holds rows to read. */
gboolean        lookout_store_migration_pending (LookoutStore             *self);
/* Any thread; notifies "migration-progress" on the store's context. */
void            lookout_store_set_migration_progress (LookoutStore        *self,
                                                      double               progress);

/* ---- lookout-store-events.c, called by the writer in its batch ---- */

gboolean        lookout_store_events_insert    (LookoutStoreDb            *db,
                                                gint64                     target_id,
                                                gint64                     ts_ms,
                                                const char                *kind,
                                                const char                *message,
                                                GError                   **error);

/* ---- lookout-store-outbox.c ---- */

gboolean        lookout_store_outbox_migrate_6 (sqlite3                   *db,
                                                GError                   **error);
/* Writer: whether samples get outbox rows, and the bounds. */
gboolean        lookout_store_outbox_enabled   (LookoutStore              *self,
                                                LookoutOutboxLimits       *out_limits);
/* Writer, in the batch, after the sample; a batch starts zeroed and ends
 * with lookout_store_outbox_trim() and _clear(). */
typedef struct
{
  sqlite3_stmt *stmt;
  gint64        last_seq;
} LookoutOutboxBatch;

gboolean        lookout_store_outbox_insert    (LookoutStoreDb            *db,
                                                LookoutOutboxBatch        *batch,
                                                const LookoutSample       *sample,
                                                GError                   **error);
void            lookout_store_outbox_batch_clear (LookoutOutboxBatch      *batch);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LookoutOutboxBatch, lookout_store_outbox_batch_clear)
gboolean        lookout_store_outbox_trim      (LookoutStoreDb            *db,
                                                LookoutOutboxBatch        *batch,
                                                const LookoutOutboxLimits *limits,
                                                gint64                     now_ms,
                                                GError                   **error);

G_END_DECLS
