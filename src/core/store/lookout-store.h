/* lookout-store.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-sample.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_STORE_ERROR (lookout_store_error_quark ())

typedef enum
{
  LOOKOUT_STORE_ERROR_OPEN,
  LOOKOUT_STORE_ERROR_CORRUPT,
  LOOKOUT_STORE_ERROR_TOO_NEW,      /* user_version newer than this build knows */
  LOOKOUT_STORE_ERROR_QUERY,
  LOOKOUT_STORE_ERROR_NOT_FOUND,
  LOOKOUT_STORE_ERROR_CLOSED,
  LOOKOUT_STORE_ERROR_READ_ONLY,    /* the file or its folder cannot be written */
  LOOKOUT_STORE_ERROR_LOCKED,       /* another process monitors the database */
  LOOKOUT_STORE_ERROR_FOREIGN,      /* an SQLite file that is not Lookout's */
} LookoutStoreError;

/* PRAGMA application_id of every Lookout database: 'LKOT'. */
#define LOOKOUT_STORE_APPLICATION_ID 0x4C4B4F54

typedef enum
{
  LOOKOUT_ROLLUP_MINUTE,
  LOOKOUT_ROLLUP_HOUR,
  LOOKOUT_ROLLUP_DAY,
} LookoutRollupResolution;

typedef struct
{
  gint64  bucket_ms;    /* start of the bucket, ms since the epoch */
  guint32 n;
  guint32 n_fail;
  gint64  min_us;       /* over successful samples; -1 when none */
  gint64  max_us;
  gint64  sum_us;
  guint32 n_degraded;   /* DEGRADED results; see lookout_store_degraded_since_sync() */
} LookoutRollup;

/* How long each table keeps its rows; 0 keeps them forever. Defaults: raw
 * samples 30 days, minute rollups 90 days, hour and day rollups forever. */
typedef struct
{
  gint64 samples_ms;
  gint64 minute_ms;
  gint64 hour_ms;
  gint64 day_ms;
} LookoutStoreRetention;

#define LOOKOUT_TYPE_STORE (lookout_store_get_type ())

G_DECLARE_FINAL_TYPE (LookoutStore, lookout_store, LOOKOUT, STORE, GObject)

GQuark        lookout_store_error_quark          (void);

/* $LOOKOUT_DATA_DIR/lookout.db, else $XDG_DATA_HOME/lookout/lookout.db. */
char         *lookout_store_dup_default_path     (void);

/* Opens (creating the directory and file if needed), sets WAL and
 * synchronous=NORMAL, migrates by PRAGMA user_version, starts the writer
 * thread. The _sync variant blocks; the GUI uses the async one.
 *
 * Refused before anything in the file changes: an empty path, a file or
 * folder that cannot be written (READ_ONLY), a database another process
 * holds open (LOCKED: PATH.lock beside it is locked with flock(), which the
 * kernel releases when that process dies, and names its PID and program),
 * and an SQLite file that is not Lookout's (FOREIGN: checked by PRAGMA
 * application_id; a Lookout database from before the id is adopted). */
LookoutStore *lookout_store_open_sync            (const char           *path,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          lookout_store_open_async           (const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
LookoutStore *lookout_store_open_finish          (GAsyncResult         *result,
                                                  GError              **error);
/* Opens for reading only, without the lock, for the history of a database
 * another process monitors: writes fail with LOOKOUT_STORE_ERROR_READ_ONLY,
 * appended samples are not kept. Finish with lookout_store_open_finish(). */
LookoutStore *lookout_store_open_read_only_sync  (const char           *path,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          lookout_store_open_read_only_async (const char           *path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_get_read_only        (LookoutStore         *self);
const char   *lookout_store_get_path             (LookoutStore         *self);
/* An older file's samples are moved into the chunk store after opening, in
 * the background; this tells how far that has got, from 0 to 1 (the
 * "migration-progress" property). Reads and writes work meanwhile. */
double        lookout_store_get_migration_progress (LookoutStore       *self);
/* Flushes pending writes, stops the writer thread and closes. Idempotent;
 * dispose calls it too. */
void          lookout_store_close                (LookoutStore         *self);

/* ---- targets ---- */
GPtrArray    *lookout_store_load_targets_sync    (LookoutStore         *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          lookout_store_load_targets_async   (LookoutStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray    *lookout_store_load_targets_finish  (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* Inserts the target; a target whose id is already set (an undone removal)
 * keeps that id. On success the target's "id" is set (in the callback, on the
 * caller's main context). */
void          lookout_store_insert_target_async  (LookoutStore         *self,
                                                  LookoutTarget        *target,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_insert_target_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
gboolean      lookout_store_insert_target_sync   (LookoutStore         *self,
                                                  LookoutTarget        *target,
                                                  GError              **error);
void          lookout_store_update_target_async  (LookoutStore         *self,
                                                  LookoutTarget        *target,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_update_target_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* Deletes the target's row only: its samples, rollups and events stay until
 * lookout_store_purge_orphans_async(), so an undone removal loses no history. */
void          lookout_store_delete_target_async  (LookoutStore         *self,
                                                  gint64                target_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_delete_target_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          lookout_store_purge_orphans_async  (LookoutStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_purge_orphans_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* ---- samples ----
 * Never blocks: the sample is queued for the writer thread, which commits
 * queued samples in one transaction at least every 250 ms (so a crash loses
 * at most that). Samples are sealed into compressed chunks later, and the
 * minute/hour/day rollups are written then; reads add the rollups of what
 * is not sealed yet, so they always cover every committed sample. A sample
 * for a target and millisecond already stored is ignored. Returns the
 * sample's sequence number; lookout_store_get_committed_seq() tells how far
 * commits have got, and "committed" (guint64 seq) is emitted on the main
 * context the store was opened on after each commit. */
guint64       lookout_store_append_sample        (LookoutStore         *self,
                                                  const LookoutSample  *sample);
guint64       lookout_store_get_committed_seq    (LookoutStore         *self);
/* Everything queued between begin and end (samples, events, values) is
 * committed in one transaction: a manager's acknowledged number with the
 * results it covers. Groups nest; keep one short, on one thread, and wait
 * for nothing inside it. */
void          lookout_store_begin_group          (LookoutStore         *self);
void          lookout_store_end_group            (LookoutStore         *self);
/* Waits until everything queued so far is committed. */
void          lookout_store_flush_async          (LookoutStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_flush_finish         (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
gboolean      lookout_store_flush_sync           (LookoutStore         *self,
                                                  GError              **error);

/* A copy of the whole database to @dest_path (replaced only once the copy
 * is complete and reads back whole), made off the main loop while
 * monitoring goes on: what is queued is committed first. */
void          lookout_store_backup_async         (LookoutStore         *self,
                                                  const char           *dest_path,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_backup_finish        (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Range reads run on a reader thread with their own connection. Results:
 * a GArray of LookoutSample ordered by ts_ms (with a clear func freeing the
 * error strings), and a GArray of LookoutRollup ordered by bucket. from/to in
 * ms since the epoch, from inclusive, to exclusive. */
void          lookout_store_query_samples_async  (LookoutStore         *self,
                                                  gint64                target_id,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GArray       *lookout_store_query_samples_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GArray       *lookout_store_query_samples_sync   (LookoutStore         *self,
                                                  gint64                target_id,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          lookout_store_query_rollups_async  (LookoutStore         *self,
                                                  gint64                target_id,
                                                  LookoutRollupResolution resolution,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GArray       *lookout_store_query_rollups_finish (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GArray       *lookout_store_query_rollups_sync   (LookoutStore         *self,
                                                  gint64                target_id,
                                                  LookoutRollupResolution resolution,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
/* The rollups of the results checked from one @place ("local" or NULL for
 * this process's own), as lookout_store_query_rollups_sync() reads the
 * target's; complete only once lookout_store_place_rollups_ready(), which
 * is FALSE while an older file's are being recounted. */
GArray       *lookout_store_query_place_rollups_sync (LookoutStore     *self,
                                                  gint64                target_id,
                                                  const char           *place,
                                                  LookoutRollupResolution resolution,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
gboolean      lookout_store_place_rollups_ready  (LookoutStore         *self);

/* ---- saving ----
 * Whether results are being saved, as announced on the context the store
 * was opened on (with notify). A batch that cannot be written (the database
 * locked by another process, a full disk) is kept and retried until it is;
 * meanwhile "saving" is FALSE, "saving-problem" says why in words and
 * "saving-problem-since" since when (ms since the epoch). When saving
 * resumes, "n-written-late" is the number of results that waited.
 * "n-dropped" counts results dropped because too many were waiting. */
gboolean      lookout_store_get_saving           (LookoutStore         *self);
const char   *lookout_store_get_saving_problem   (LookoutStore         *self);
gint64        lookout_store_get_saving_problem_since (LookoutStore     *self);
guint64       lookout_store_get_n_dropped        (LookoutStore         *self);
guint64       lookout_store_get_n_written_late   (LookoutStore         *self);

/* ---- reads for statistics ----
 * Blocking: for worker threads, on a reader connection like the range reads. */

/* Called for every raw sample of a scan, in ts_ms order; latency_us is -1
 * when there was none, state a LookoutTargetState. */
typedef void (*LookoutStoreSampleFunc) (gint64    ts_ms,
                                        gint64    latency_us,
                                        guint8    state,
                                        gpointer  user_data);

/* Streams the raw samples of @target_id in [from_ms, to_ms) through @func
 * without keeping them. FALSE with @error set on failure or cancellation
 * (checked every 65,536 rows). */
gboolean      lookout_store_scan_samples_sync    (LookoutStore         *self,
                                                  gint64                target_id,
                                                  gint64                from_ms,
                                                  gint64                to_ms,
                                                  LookoutStoreSampleFunc func,
                                                  gpointer              user_data,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
/* Called for each target of a scan of many, in order, before its samples:
 * @complete says whether its raw samples of the range are all stored (as
 * lookout_store_raw_complete_since_sync()); only then do samples follow. */
typedef void (*LookoutStoreTargetFunc) (guint     index,
                                        gboolean  complete,
                                        gpointer  user_data);

/* lookout_store_scan_samples_sync() of each of @target_ids, from one
 * consistent snapshot in one read: @target_func for the k-th target, then
 * @func for its samples if complete. */
gboolean      lookout_store_scan_samples_many_sync (LookoutStore         *self,
                                                    const gint64         *target_ids,
                                                    guint                 n_targets,
                                                    gint64                from_ms,
                                                    gint64                to_ms,
                                                    LookoutStoreTargetFunc target_func,
                                                    LookoutStoreSampleFunc func,
                                                    gpointer              user_data,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
/* Whether every raw sample of @target_id from @from_ms on is still stored
 * (retention pruned none of them), so that a range starting there can be
 * read from the samples rather than from rollups. FALSE, with @error set,
 * on failure too. */
gboolean      lookout_store_raw_complete_since_sync (LookoutStore      *self,
                                                     gint64             target_id,
                                                     gint64             from_ms,
                                                     GError           **error);

/* From when DEGRADED results are in the rollups of @target_id: -1 when
 * all of them are; else the counts of buckets before @out_since_ms miss
 * those of a file that kept none (older versions) whose samples retention
 * had already deleted, or that are still being counted again. Synchronous,
 * on a reader connection. */
gboolean      lookout_store_degraded_since_sync (LookoutStore      *self,
                                                 gint64             target_id,
                                                 gint64            *out_since_ms,
                                                 GError           **error);

/* The last stored result of @target_id (ts_ms -1 when there is none; the
 * caller clears it with lookout_sample_clear()) and, when it is not UP, the
 * time of the first result after the last UP one: where the run of failures
 * it ends began (0 otherwise). Synchronous, on a reader connection. */
gboolean      lookout_store_read_last_sample_sync (LookoutStore        *self,
                                                   gint64               target_id,
                                                   LookoutSample       *out_sample,
                                                   gint64              *out_bad_since_ms,
                                                   GError             **error);

/* ---- events ---- queued like samples. */
void          lookout_store_append_event         (LookoutStore         *self,
                                                  gint64                target_id,
                                                  gint64                ts_ms,
                                                  const char           *kind,
                                                  const char           *message);

/* Records that the event (target_id, ts_ms, kind) reached @channel at
 * @delivered_ms: delivered_at becomes the latest delivery and @channel is
 * added to channels (comma-separated). Queued after the event itself. */
void          lookout_store_mark_event_delivered (LookoutStore         *self,
                                                  gint64                target_id,
                                                  gint64                ts_ms,
                                                  const char           *kind,
                                                  const char           *channel,
                                                  gint64                delivered_ms);

/* One row of the events table; delivered_ms is 0 and channels NULL until
 * a channel delivered it. */
typedef struct
{
  gint64  id;
  gint64  target_id;
  gint64  ts_ms;
  char   *kind;
  char   *message;
  gint64  delivered_ms;
  char   *channels;
} LookoutStoredEvent;

/* Events newest first, on the reader thread: @target_id < 0 for every
 * target, @kind NULL for every kind, @before_ms 0 for no upper bound
 * (exclusive, for paging), @limit 0 for no limit. A GArray of
 * LookoutStoredEvent with a clear func. */
void          lookout_store_query_events_async   (LookoutStore         *self,
                                                  gint64                target_id,
                                                  const char           *kind,
                                                  gint64                before_ms,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GArray       *lookout_store_query_events_finish  (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
GArray       *lookout_store_query_events_sync    (LookoutStore         *self,
                                                  gint64                target_id,
                                                  const char           *kind,
                                                  gint64                before_ms,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

/* ---- retention ---- */
/* What "now" is for retention and for choosing raw samples or rollups;
 * the system's clock unless a test sets another. */
typedef gint64 (*LookoutStoreClockFunc) (gpointer user_data);

void          lookout_store_set_clock            (LookoutStore         *self,
                                                  LookoutStoreClockFunc func,
                                                  gpointer              user_data);
gint64        lookout_store_get_now_ms           (LookoutStore         *self);
void          lookout_store_set_retention        (LookoutStore         *self,
                                                  const LookoutStoreRetention *retention);
void          lookout_store_get_retention        (LookoutStore         *self,
                                                  LookoutStoreRetention *out_retention);
/* Deletes what is older than the retention, in small batches queued to the
 * writer thread between sample batches, so writes are never held up. */
void          lookout_store_prune_async          (LookoutStore         *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_prune_finish         (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  guint64              *out_deleted,
                                                  GError              **error);

/* ---- API tokens ----
 * One row per token of the REST API: its name, scopes (comma-separated),
 * the SHA-256 of its secret in hex, when it was made and last used (ms since
 * the epoch, 0 never). Blocking; the writes wait for their commit. */
typedef struct
{
  char   *name;
  char   *scopes;
  char   *hash;
  gint64  created_ms;
  gint64  last_used_ms;
} LookoutStoredToken;

/* Fails with a readable message when the name is taken. */
gboolean      lookout_store_insert_token_sync    (LookoutStore         *self,
                                                  const char           *name,
                                                  const char           *scopes,
                                                  const char           *hash,
                                                  gint64                created_ms,
                                                  GError              **error);
/* LOOKOUT_STORE_ERROR_NOT_FOUND when there is no such token. */
gboolean      lookout_store_delete_token_sync    (LookoutStore         *self,
                                                  const char           *name,
                                                  GError              **error);
/* Queued: records a use without waiting. */
void          lookout_store_touch_token          (LookoutStore         *self,
                                                  const char           *name,
                                                  gint64                used_ms);
/* A GArray of LookoutStoredToken (with a clear func), oldest first. */
GArray       *lookout_store_list_tokens_sync     (LookoutStore         *self,
                                                  GError              **error);
void          lookout_stored_token_clear         (LookoutStoredToken   *token);

void          lookout_stored_event_clear         (LookoutStoredEvent   *event);

/* ---- remote agents (lookout-store-outbox.c) ----
 * The outbox of an agent: with it set, every sample gets a sequence number
 * in the same transaction as the sample, kept until acknowledged or until
 * it passes the bounds (0: no bound), which drop it and count it. */
typedef struct
{
  gint64  max_age_ms;
  guint64 max_rows;
} LookoutOutboxLimits;

/* One unacknowledged result: @target is its target's URI (NULL when the
 * target was deleted since); the sample owns its error. */
typedef struct
{
  guint64        seq;
  char          *target;
  LookoutSample  sample;
} LookoutOutboxEntry;

typedef struct
{
  guint64 first_seq;    /* the oldest kept; last_seq + 1 when empty */
  guint64 last_seq;     /* the last given, 0 when none ever */
  guint64 n_dropped;    /* dropped by the bounds, ever */
} LookoutOutboxInfo;

/* NULL stops giving numbers. */
void          lookout_store_set_outbox           (LookoutStore         *self,
                                                  const LookoutOutboxLimits *limits);
/* At most @limit entries after @after_seq, in order, with a clear func;
 * blocking, on a reader connection. */
GArray       *lookout_store_outbox_read_sync     (LookoutStore         *self,
                                                  guint64               after_seq,
                                                  guint                 limit,
                                                  LookoutOutboxInfo    *out_info,
                                                  GError              **error);
/* Deletes the entries up to @seq; done once committed. */
void          lookout_store_outbox_ack_async     (LookoutStore         *self,
                                                  guint64               seq,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_outbox_ack_finish    (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void          lookout_outbox_entry_clear         (LookoutOutboxEntry   *entry);
/* A value kept between runs; the write completes once committed, after
 * every sample queued before it. Reading a missing key fails with
 * LOOKOUT_STORE_ERROR_NOT_FOUND. */
void          lookout_store_write_value_async    (LookoutStore         *self,
                                                  const char           *key,
                                                  const char           *value,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      lookout_store_write_value_finish   (LookoutStore         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
char         *lookout_store_read_value_sync      (LookoutStore         *self,
                                                  const char           *key,
                                                  GError              **error);

G_END_DECLS
