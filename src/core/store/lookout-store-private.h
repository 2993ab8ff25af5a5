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
 *   lookout-store-samples.c    samples and rollups: their tables, writes and range reads
 *   lookout-store-targets.c    the targets table
 *   lookout-store-events.c     the events table
 *   lookout-store-geo.c        the geo_cache table
 *   lookout-store-retention.c  pruning and purging of orphaned history
 *
 * Each file that owns a table owns that table's migration steps; the schema
 * file applies them in one ordered list. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Every statement a connection may cache. */
typedef enum
{
  LOOKOUT_STORE_STMT_INSERT_SAMPLE,
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
  LOOKOUT_STORE_N_STMTS
} LookoutStoreStmt;

/* One connection with its cache of prepared statements. The writer thread
 * owns one; reader threads borrow others from a pool. */
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
  LookoutStoreRetention retention;

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
gboolean        lookout_store_samples_migrate_2 (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_events_migrate_1  (sqlite3                  *db,
                                                 GError                  **error);
gboolean        lookout_store_geo_migrate_1     (sqlite3                  *db,
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

/* For the benchmark: measure what the rollups cost. */
void            lookout_store_set_rollups_enabled (LookoutStore           *self,
                                                   gboolean                enabled);

/* ---- lookout-store-samples.c, called by the writer in its batch ---- */

/* Sets *inserted to whether the row is new (a sample already stored for
 * the same target and millisecond is ignored). */
gboolean        lookout_store_samples_insert   (LookoutStoreDb            *db,
                                                const LookoutSample       *sample,
                                                gboolean                  *inserted,
                                                GError                   **error);
/* A batch's rollups are summed in memory, then written with one UPSERT per
 * bucket. */
GHashTable     *lookout_store_rollups_new      (void);
void            lookout_store_rollups_add      (GHashTable                *rollups,
                                                const LookoutSample       *sample);
gboolean        lookout_store_rollups_write    (LookoutStoreDb            *db,
                                                GHashTable                *rollups,
                                                GError                   **error);

/* ---- lookout-store-events.c, called by the writer in its batch ---- */

gboolean        lookout_store_events_insert    (LookoutStoreDb            *db,
                                                gint64                     target_id,
                                                gint64                     ts_ms,
                                                const char                *kind,
                                                const char                *message,
                                                GError                   **error);

G_END_DECLS
