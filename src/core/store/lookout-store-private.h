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

/* LookoutStore is split by concern: lookout-store.c owns the connections,
 * the writer thread, samples, events and range reads; lookout-store-targets.c
 * owns the targets table and queues its writes through the same writer. */

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

/* Runs on the writer thread inside the batch transaction. */
typedef gboolean (*LookoutStoreWriteFunc)    (LookoutStoreDb  *db,
                                              gpointer         data,
                                              GError         **error);
/* Runs on the task's main context once the transaction has committed, and
 * returns the task. */
typedef void     (*LookoutStoreCompleteFunc) (GTask           *task,
                                              gpointer         data);

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

LookoutStoreDb *lookout_store_acquire_reader   (LookoutStore              *self,
                                                GError                   **error);
void            lookout_store_release_reader   (LookoutStore              *self,
                                                LookoutStoreDb            *db);

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

G_END_DECLS
