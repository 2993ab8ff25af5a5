/* lookout-store-chunks.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How samples are kept
 *
 * Two tables, as a time-series engine keeps them:
 *
 *   sample_log     one row per commit (seq), holding that commit's results
 *                  of every target packed together (lookout_chunk_encode_log):
 *                  a commit appends to the last page of one B-tree, so it
 *                  writes a page or two whatever the number of targets.
 *                  A row goes once every result in it is sealed.
 *   sample_sealed  per target, the last log row whose results of that
 *                  target are all in chunks: what the head is rebuilt from
 *                  on opening skips them.
 *   sample_chunks  per target, sealed chunks of up to CHUNK_SAMPLES results
 *                  packed by lookout-chunk-codec.c, each spanning less than
 *                  a day. A rowid table, so chunks fill its pages in the
 *                  order they are sealed, with an index on (target_id,
 *                  t_start) for reads.
 *
 * The log's rows are also kept in memory, per target and sorted by time:
 * the head. Reads take the head's samples from memory and the rest from
 * chunks. The writer thread changes the head only while it holds the head's
 * lock, from the start of a batch to after its commit, and a reader starts
 * its read transaction and copies from the head under the same lock: the
 * two always describe the same moment, so a sample is read exactly once.
 * When a batch fails, its transaction is rolled back and the head rebuilt
 * from the log.
 *
 * Sealing (at the end of a batch, in its transaction): a target whose head
 * holds CHUNK_SAMPLES results or spans SEAL_SPAN_MS is packed into chunks,
 * its minute, hour and day rollups are added up in memory and upserted
 * once per bucket, and its sample_sealed mark moves on; the log is trimmed
 * from its start up to the oldest row still holding an unsealed result. When the log grows past
 * LOG_MAX rows, the targets holding its oldest rows are sealed early.
 * A kill at any moment leaves either the results unsealed in the log or the
 * chunk, its rollups and the mark, never both or neither.
 *
 * A result that arrives late (a remote agent's back-fill) lands in the head
 * like any other and is sealed into a chunk of its own time, which may
 * overlap older chunks: readers merge them in time order, and its rollups
 * are added to the buckets it falls in. A chunk that would start at the
 * same millisecond as one already there (a result from another place) is
 * merged with it and the two sealed again as one. One already stored (same
 * target, millisecond and location, in the head, a chunk or a not yet
 * migrated row) is ignored, as the row store's primary key did.
 *
 * Where a result was checked from (its location, NULL here) is kept in
 * the log and the chunks (lookout-chunk-codec.c); chunks of local results
 * only are packed as they always were. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-chunk-codec.h"
#include "lookout-store-private.h"

#define CHUNK_SAMPLES   1100
#define SEAL_SPAN_MS    (6 * 60 * 60 * G_GINT64_CONSTANT (1000))
#define LOG_MAX         (512 * 1024)
#define NO_SEALED_MAX   G_MININT64

typedef struct
{
  LookoutSample sample;
  guint64       seq;
} HeadSample;

typedef struct
{
  gint64   target_id;
  GArray  *samples;       /* HeadSample, sorted by ts_ms */
  guint64  min_seq;       /* of samples; meaningless when empty */
  gint64   sealed_max;    /* the latest t_end of its chunks */
  gboolean sealed_known;
} HeadTarget;

struct _LookoutStoreHead
{
  GMutex      lock;
  GHashTable *targets;    /* gint64 * → HeadTarget */
  guint64     n_samples;
  guint64     next_seq;   /* of the log row this batch writes */
  GArray     *pending;    /* LookoutSample: this batch's new results */

  /* Per target, the chunks late results were last checked against
   * (chunks_have()), until chunks change: sealing, pruning, purging or a
   * failed batch empty it. */
  GHashTable *seen;       /* gint64 * → Seen */
};

/* SEEN_MAX targets' worth of chunks at most, some 1 MB each. */
#define SEEN_MAX 32

typedef struct
{
  gint64  target_id;
  gint64  from_ms;
  gint64  to_ms;
  GArray *samples;        /* LookoutSample, sorted by ts_ms */
} Seen;

static void
seen_free (Seen *seen)
{
  g_clear_pointer (&seen->samples, g_array_unref);
  g_free (seen);
}

static void
head_sample_clear (HeadSample *hs)
{
  lookout_sample_clear (&hs->sample);
}

static void
head_target_free (HeadTarget *t)
{
  g_clear_pointer (&t->samples, g_array_unref);
  g_free (t);
}

static HeadTarget *
head_target_get (LookoutStoreHead *head,
                 gint64            target_id)
{
  HeadTarget *t = g_hash_table_lookup (head->targets, &target_id);

  if (t == NULL)
    {
      t = g_new0 (HeadTarget, 1);
      t->target_id = target_id;
      t->samples = g_array_new (FALSE, FALSE, sizeof (HeadSample));
      g_array_set_clear_func (t->samples, (GDestroyNotify) head_sample_clear);
      g_hash_table_insert (head->targets, &t->target_id, t);
    }

  return t;
}

/* The index of the first sample at or after @ts_ms. */
static guint
head_target_search (HeadTarget *t,
                    gint64      ts_ms)
{
  guint lo = 0, hi = t->samples->len;

  /* Results mostly arrive in order. */
  if (hi == 0 || g_array_index (t->samples, HeadSample, hi - 1).sample.ts_ms < ts_ms)
    return hi;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (t->samples, HeadSample, mid).sample.ts_ms < ts_ms)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static gboolean
same_sample (const LookoutSample *a,
             const LookoutSample *b)
{
  return a->ts_ms == b->ts_ms && g_strcmp0 (a->location, b->location) == 0;
}

/* Whether the head holds @sample's millisecond from its location, @at being
 * the first index at or after its time. Results from several places may
 * share a millisecond; one place's may not. */
static gboolean
head_target_has (HeadTarget          *t,
                 guint                at,
                 const LookoutSample *sample)
{
  for (; at < t->samples->len; at++)
    {
      const LookoutSample *s = &g_array_index (t->samples, HeadSample, at).sample;

      if (s->ts_ms != sample->ts_ms)
        return FALSE;
      if (same_sample (s, sample))
        return TRUE;
    }
  return FALSE;
}

/* Takes over @sample's error and location. */
static void
head_target_insert (LookoutStoreHead    *head,
                    HeadTarget          *t,
                    guint                at,
                    const LookoutSample *sample,
                    guint64              seq)
{
  HeadSample hs = { *sample, seq };

  if (t->samples->len == 0 || seq < t->min_seq)
    t->min_seq = seq;
  if (at == t->samples->len)
    g_array_append_val (t->samples, hs);
  else
    g_array_insert_val (t->samples, at, hs);
  head->n_samples++;
}

void
lookout_store_head_init (LookoutStore *self)
{
  self->head = g_new0 (LookoutStoreHead, 1);
  g_mutex_init (&self->head->lock);
  self->head->targets = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                               (GDestroyNotify) head_target_free);
  self->head->pending = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (self->head->pending, (GDestroyNotify) lookout_sample_clear);
  self->head->next_seq = 1;
  self->head->seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                            (GDestroyNotify) seen_free);
}

void
lookout_store_head_free (LookoutStore *self)
{
  if (self->head == NULL)
    return;
  g_clear_pointer (&self->head->targets, g_hash_table_unref);
  g_clear_pointer (&self->head->pending, g_array_unref);
  g_clear_pointer (&self->head->seen, g_hash_table_unref);
  g_mutex_clear (&self->head->lock);
  g_clear_pointer (&self->head, g_free);
}

void
lookout_store_head_lock (LookoutStore *self)
{
  g_mutex_lock (&self->head->lock);
}

void
lookout_store_head_unlock (LookoutStore *self)
{
  g_mutex_unlock (&self->head->lock);
}

/* ---- schema ---- */

gboolean
lookout_store_chunks_migrate_3 (sqlite3  *db,
                                GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!lookout_store_exec (db,
                           "CREATE TABLE sample_log ("
                           "  seq INTEGER PRIMARY KEY,"
                           "  n INTEGER NOT NULL,"
                           "  data BLOB NOT NULL"
                           ");"
                           "CREATE TABLE sample_sealed ("
                           "  target_id INTEGER PRIMARY KEY,"
                           "  seq INTEGER NOT NULL"
                           ");"
                           "CREATE TABLE sample_chunks ("
                           "  id INTEGER PRIMARY KEY,"
                           "  target_id INTEGER NOT NULL,"
                           "  t_start INTEGER NOT NULL,"
                           "  t_end INTEGER NOT NULL,"
                           "  n INTEGER NOT NULL,"
                           "  data BLOB NOT NULL"
                           ");"
                           "CREATE UNIQUE INDEX sample_chunks_by_target"
                           "  ON sample_chunks (target_id, t_start);",
                           error))
    return FALSE;

  /* An empty row store goes now; one with samples is moved into chunks
   * after opening, a slice per transaction (lookout-store-migrate.c). */
  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM samples LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc == SQLITE_DONE)
    return lookout_store_exec (db, "DROP TABLE samples", error);
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db, rc, "check old samples");
      return FALSE;
    }

  return TRUE;
}

/* ---- the head ---- */

void
lookout_store_sample_from_row (sqlite3_stmt  *stmt,
                               int            col,
                               gint64         target_id,
                               LookoutSample *out)
{
  *out = (LookoutSample) {
    .target_id = target_id,
    .ts_ms = sqlite3_column_int64 (stmt, col),
    .latency_us = sqlite3_column_type (stmt, col + 1) == SQLITE_NULL
                    ? -1 : sqlite3_column_int64 (stmt, col + 1),
    .state = sqlite3_column_int (stmt, col + 2),
    .code = sqlite3_column_int (stmt, col + 3),
    .error = g_strdup ((const char *) sqlite3_column_text (stmt, col + 4)),
    /* The row store kept no echo figures. */
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };
}

gboolean
lookout_store_head_load (LookoutStore    *self,
                         LookoutStoreDb  *db,
                         GError         **error)
{
  LookoutStoreHead *head = self->head;
  g_autoptr(GHashTable) sealed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) rows = NULL;
  int rc;

  g_hash_table_remove_all (head->targets);
  g_array_set_size (head->pending, 0);
  head->n_samples = 0;
  head->next_seq = 1;
  g_hash_table_remove_all (head->seen);

  rc = sqlite3_prepare_v2 (db->db, "SELECT target_id, seq FROM sample_sealed", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_hash_table_insert (sealed,
                           g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)),
                           g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 1) }, sizeof (gint64)));
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read the sample log");
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (db->db, "SELECT seq, data FROM sample_log ORDER BY seq", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "read the sample log");
      return FALSE;
    }

  rows = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (rows, (GDestroyNotify) lookout_sample_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      g_autoptr(GError) local_error = NULL;

      head->next_seq = seq + 1;
      g_array_set_size (rows, 0);
      if (!lookout_chunk_decode_log (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                     rows, &local_error))
        {
          /* Readable rows must not be held up by a damaged one. */
          g_warning ("Skipping results %" G_GINT64_FORMAT " of the sample log: %s",
                     seq, local_error->message);
          continue;
        }

      for (guint i = 0; i < rows->len; i++)
        {
          LookoutSample *s = &g_array_index (rows, LookoutSample, i);
          const gint64 *sealed_seq = g_hash_table_lookup (sealed, &s->target_id);
          HeadTarget *t;
          guint at;

          if (sealed_seq != NULL && seq <= *sealed_seq)
            continue;

          t = head_target_get (head, s->target_id);
          at = head_target_search (t, s->ts_ms);
          if (head_target_has (t, at, s))
            continue;
          head_target_insert (head, t, at, s, seq);
          s->error = NULL;   /* taken over */
          s->location = NULL;
        }
    }

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read the sample log");
      g_hash_table_remove_all (head->targets);
      head->n_samples = 0;
      return FALSE;
    }

  return TRUE;
}

/* ---- the writer's side ---- */

static gboolean
load_sealed_max (LookoutStoreDb  *db,
                 HeadTarget      *t,
                 GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_SEALED_MAX,
                                     "SELECT max (t_end) FROM sample_chunks"
                                     " WHERE target_id = ?1 AND t_start >"
                                     "  (SELECT max (t_start) FROM sample_chunks WHERE target_id = ?1) - ?2",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, t->target_id);
  sqlite3_bind_int64 (stmt, 2, LOOKOUT_STORE_CHUNK_MAX_SPAN_MS);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db->db, rc, "read chunk bounds");
      return FALSE;
    }

  t->sealed_max = sqlite3_column_type (stmt, 0) == SQLITE_NULL
                    ? NO_SEALED_MAX : sqlite3_column_int64 (stmt, 0);
  t->sealed_known = TRUE;
  sqlite3_reset (stmt);

  return TRUE;
}

static int
compare_ts (gconstpointer a,
            gconstpointer b)
{
  const LookoutSample *sa = a, *sb = b;

  return (sa->ts_ms > sb->ts_ms) - (sa->ts_ms < sb->ts_ms);
}

/* Loads into the head's cache the samples of every chunk of @target_id
 * that overlaps the hour either side of @ts_ms: late results of a back-fill
 * come in runs, of one target or taking turns between a few, and each is
 * then looked up without reading a chunk. */
static Seen *
seen_load (LookoutStoreHead  *head,
           LookoutStoreDb    *db,
           gint64             target_id,
           gint64             ts_ms,
           GError           **error)
{
  const gint64 hour = 60 * 60 * G_GINT64_CONSTANT (1000);
  g_autoptr(GArray) samples = NULL;
  sqlite3_stmt *stmt;
  Seen *seen;
  int rc;

  g_hash_table_remove (head->seen, &target_id);
  if (g_hash_table_size (head->seen) >= SEEN_MAX)
    g_hash_table_remove_all (head->seen);

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_CHUNKS_AT,
                                     "SELECT data FROM sample_chunks"
                                     " WHERE target_id = ?1 AND t_start <= ?3 AND t_start > ?2 - ?4"
                                     " AND t_end >= ?2",
                                     error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, ts_ms - hour);
  sqlite3_bind_int64 (stmt, 3, ts_ms + hour);
  sqlite3_bind_int64 (stmt, 4, LOOKOUT_STORE_CHUNK_MAX_SPAN_MS);

  samples = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (samples, (GDestroyNotify) lookout_sample_clear);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!lookout_chunk_decode (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0),
                               target_id, FALSE, samples, error))
      {
        sqlite3_reset (stmt);
        return NULL;
      }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read chunks");
      return NULL;
    }

  g_array_sort (samples, compare_ts);
  seen = g_new0 (Seen, 1);
  seen->target_id = target_id;
  seen->from_ms = ts_ms - hour;
  seen->to_ms = ts_ms + hour;
  seen->samples = g_steal_pointer (&samples);
  g_hash_table_insert (head->seen, &seen->target_id, seen);

  return seen;
}

/* Whether a chunk of @sample's target holds its millisecond from its
 * location. */
static gboolean
chunks_have (LookoutStoreHead     *head,
             LookoutStoreDb       *db,
             const LookoutSample  *sample,
             gboolean             *out_found,
             GError              **error)
{
  Seen *seen = g_hash_table_lookup (head->seen, &sample->target_id);
  GArray *s;
  guint lo = 0, hi;

  *out_found = FALSE;
  if ((seen == NULL || sample->ts_ms < seen->from_ms || sample->ts_ms > seen->to_ms) &&
      (seen = seen_load (head, db, sample->target_id, sample->ts_ms, error)) == NULL)
    return FALSE;

  s = seen->samples;
  hi = s->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (s, LookoutSample, mid).ts_ms < sample->ts_ms)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (; lo < s->len && g_array_index (s, LookoutSample, lo).ts_ms == sample->ts_ms; lo++)
    if (same_sample (&g_array_index (s, LookoutSample, lo), sample))
      {
        *out_found = TRUE;
        break;
      }

  return TRUE;
}

static gboolean
legacy_has (LookoutStoreDb  *db,
            gint64           target_id,
            gint64           ts_ms,
            gboolean        *out_found,
            GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_LEGACY_SAMPLE,
                                     "SELECT 1 FROM samples WHERE target_id = ?1 AND ts_ms = ?2",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, ts_ms);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read old samples");
      return FALSE;
    }

  *out_found = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
lookout_store_samples_insert (LookoutStore         *self,
                              LookoutStoreDb       *db,
                              const LookoutSample  *sample,
                              gboolean             *inserted,
                              GError              **error)
{
  LookoutStoreHead *head = self->head;
  LookoutSample copy;
  HeadTarget *t;
  gboolean found = FALSE;
  guint at;

  *inserted = FALSE;

  t = head_target_get (head, sample->target_id);
  at = head_target_search (t, sample->ts_ms);
  if (head_target_has (t, at, sample))
    return TRUE;

  if (!t->sealed_known && !load_sealed_max (db, t, error))
    return FALSE;
  if (sample->ts_ms <= t->sealed_max &&
      !chunks_have (head, db, sample, &found, error))
    return FALSE;
  /* The row store kept local results only. */
  if (!found && sample->location == NULL && lookout_store_migration_pending (self) &&
      !legacy_has (db, sample->target_id, sample->ts_ms, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  copy = *sample;
  copy.error = g_strdup (sample->error);
  copy.location = g_strdup (sample->location);
  head_target_insert (head, t, at, &copy, head->next_seq);
  copy.error = g_strdup (sample->error);
  copy.location = g_strdup (sample->location);
  g_array_append_val (head->pending, copy);
  *inserted = TRUE;

  return TRUE;
}

/* The chunk of @target_id starting at @t_start is taken out, and its
 * samples merged with @samples into @out. */
static gboolean
take_chunk (LookoutStoreDb       *db,
            gint64                target_id,
            gint64                t_start,
            const LookoutSample  *samples,
            guint                 n,
            GArray               *out,
            GError              **error)
{
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db, "SELECT data, rowid FROM sample_chunks WHERE target_id = ?1 AND t_start = ?2",
                           -1, &sel, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (sel, 1, target_id);
      sqlite3_bind_int64 (sel, 2, t_start);
      rc = sqlite3_step (sel);
    }
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db->db, rc, "read a chunk to merge");
      return FALSE;
    }
  if (!lookout_chunk_decode (sqlite3_column_blob (sel, 0), sqlite3_column_bytes (sel, 0),
                             target_id, TRUE, out, error) ||
      !lookout_store_place_recount_chunk (db, sqlite3_column_int64 (sel, 1),
                                          (LookoutSample *) out->data, out->len, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      LookoutSample copy = samples[i];

      copy.error = g_strdup (copy.error);
      copy.location = g_strdup (copy.location);
      g_array_append_val (out, copy);
    }
  /* Both parts are in order; a stable merge keeps each place's own. */
  g_array_sort (out, compare_ts);

  rc = sqlite3_prepare_v2 (db->db, "DELETE FROM sample_chunks WHERE target_id = ?1 AND t_start = ?2",
                           -1, &del, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "merge chunks");
      return FALSE;
    }
  sqlite3_bind_int64 (del, 1, target_id);
  sqlite3_bind_int64 (del, 2, t_start);

  return lookout_store_step_done (del, "merge chunks", error);
}

static gboolean
insert_chunk (LookoutStoreDb       *db,
              const LookoutSample  *samples,
              guint                 n,
              GError              **error)
{
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(GArray) merged = NULL;
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_CHUNK,
                                     "INSERT INTO sample_chunks (target_id, t_start, t_end, n, data)"
                                     " VALUES (?1, ?2, ?3, ?4, ?5)"
                                     " ON CONFLICT (target_id, t_start) DO NOTHING",
                                     error);
  if (stmt == NULL)
    return FALSE;

  data = lookout_chunk_encode (samples, n);
  sqlite3_bind_int64 (stmt, 1, samples[0].target_id);
  sqlite3_bind_int64 (stmt, 2, samples[0].ts_ms);
  sqlite3_bind_int64 (stmt, 3, samples[n - 1].ts_ms);
  sqlite3_bind_int64 (stmt, 4, n);
  sqlite3_bind_blob (stmt, 5, data->data, data->len, SQLITE_STATIC);

  if (!lookout_store_step_done (stmt, "insert chunk", error))
    return FALSE;
  if (sqlite3_changes (db->db) > 0)
    return TRUE;

  /* A chunk starts at the same millisecond: seal the two again as one. */
  merged = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (merged, (GDestroyNotify) lookout_sample_clear);
  if (!take_chunk (db, samples[0].target_id, samples[0].ts_ms, samples, n, merged, error))
    return FALSE;

  return lookout_store_chunks_write (db, (LookoutSample *) merged->data, merged->len, error);
}

/* Chunks of at most CHUNK_SAMPLES, each spanning less than a day. */
gboolean
lookout_store_chunks_write (LookoutStoreDb       *db,
                            const LookoutSample  *samples,
                            guint                 n,
                            GError              **error)
{
  guint start = 0;

  for (guint i = 1; i <= n; i++)
    {
      if (i < n && i - start < CHUNK_SAMPLES &&
          samples[i].ts_ms - samples[start].ts_ms < LOOKOUT_STORE_CHUNK_MAX_SPAN_MS)
        continue;
      if (!insert_chunk (db, samples + start, i - start, error))
        return FALSE;
      start = i;
    }

  return TRUE;
}

static gboolean
mark_sealed (LookoutStoreDb  *db,
             gint64           target_id,
             gint64           seq,
             GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_MARK_SEALED,
                                     "INSERT OR REPLACE INTO sample_sealed (target_id, seq) VALUES (?1, ?2)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, seq);

  return lookout_store_step_done (stmt, "mark sealed samples", error);
}

/* This batch's new results, as one row of the log. */
static gboolean
write_pending (LookoutStoreHead  *head,
               LookoutStoreDb    *db,
               GError           **error)
{
  sqlite3_stmt *stmt;

  for (guint start = 0; start < head->pending->len; start += LOOKOUT_CHUNK_MAX_SAMPLES)
    {
      guint n = MIN (head->pending->len - start, LOOKOUT_CHUNK_MAX_SAMPLES);
      g_autoptr(GByteArray) data = NULL;

      /* A batch too large for one row takes several; its results all
       * carry the first row's seq, which keeps the log trimmed only
       * after all of them. */
      stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_INSERT_SAMPLE,
                                         "INSERT INTO sample_log (seq, n, data) VALUES (?1, ?2, ?3)",
                                         error);
      if (stmt == NULL)
        return FALSE;

      data = lookout_chunk_encode_log (&g_array_index (head->pending, LookoutSample, start), n);
      sqlite3_bind_int64 (stmt, 1, head->next_seq + start / LOOKOUT_CHUNK_MAX_SAMPLES);
      sqlite3_bind_int64 (stmt, 2, n);
      sqlite3_bind_blob (stmt, 3, data->data, data->len, SQLITE_STATIC);
      if (!lookout_store_step_done (stmt, "append to the sample log", error))
        return FALSE;
    }

  if (head->pending->len > 0)
    {
      head->next_seq += (head->pending->len - 1) / LOOKOUT_CHUNK_MAX_SAMPLES + 1;
      g_array_set_size (head->pending, 0);
    }

  return TRUE;
}

static gboolean
seal_target (LookoutStore     *self,
             LookoutStoreDb   *db,
             HeadTarget       *t,
             GHashTable       *rollups,
             GError          **error)
{
  g_autoptr(GArray) plain = NULL;
  guint n = t->samples->len;

  if (n == 0)
    return TRUE;

  plain = g_array_sized_new (FALSE, FALSE, sizeof (LookoutSample), n);
  for (guint i = 0; i < n; i++)
    g_array_append_vals (plain, &g_array_index (t->samples, HeadSample, i).sample, 1);
  if (rollups != NULL)
    {
      lookout_store_rollups_add_sorted (rollups, (LookoutSample *) plain->data, n,
                                        LOOKOUT_ROLLUP_HOUR, LOOKOUT_ROLLUP_DAY);
      lookout_store_rollups_add_places (rollups, (LookoutSample *) plain->data, n,
                                        LOOKOUT_ROLLUP_HOUR, LOOKOUT_ROLLUP_DAY);
    }

  if (!lookout_store_chunks_write (db, (LookoutSample *) plain->data, n, error) ||
      !mark_sealed (db, t->target_id, self->head->next_seq - 1, error))
    return FALSE;

  if (!t->sealed_known || g_array_index (plain, LookoutSample, n - 1).ts_ms > t->sealed_max)
    t->sealed_max = g_array_index (plain, LookoutSample, n - 1).ts_ms;
  t->sealed_known = TRUE;
  self->head->n_samples -= n;
  g_array_set_size (t->samples, 0);

  return TRUE;
}

gboolean
lookout_store_chunks_seal (LookoutStore    *self,
                           LookoutStoreDb  *db,
                           gint64           before_ms,
                           GError         **error)
{
  LookoutStoreHead *head = self->head;
  g_autoptr(GHashTable) rollups = NULL;
  GHashTableIter iter;
  HeadTarget *t;
  guint64 early = 0, floor;
  gboolean with_rollups, sealed = FALSE;

  g_mutex_lock (&self->lock);
  with_rollups = !self->no_rollups;
  g_mutex_unlock (&self->lock);
  if (with_rollups)
    rollups = lookout_store_rollups_new ();

  g_hash_table_remove_all (head->seen);
  if (!write_pending (head, db, error))
    return FALSE;

  /* The log has grown long: seal the targets holding its older half. */
  if (head->n_samples > LOG_MAX)
    {
      guint64 oldest = head->next_seq;

      g_hash_table_iter_init (&iter, head->targets);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
        if (t->samples->len > 0)
          oldest = MIN (oldest, t->min_seq);
      early = oldest + (head->next_seq - oldest) / 2 + 1;
    }

  floor = head->next_seq;
  g_hash_table_iter_init (&iter, head->targets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    {
      GArray *s = t->samples;

      if (s->len == 0)
        continue;

      if (s->len >= CHUNK_SAMPLES ||
          t->min_seq < early ||
          g_array_index (s, HeadSample, 0).sample.ts_ms < before_ms ||
          g_array_index (s, HeadSample, s->len - 1).sample.ts_ms -
            g_array_index (s, HeadSample, 0).sample.ts_ms >= SEAL_SPAN_MS)
        {
          if (!seal_target (self, db, t, rollups, error))
            return FALSE;
          sealed = TRUE;
        }
      else
        floor = MIN (floor, t->min_seq);
    }

  if (rollups != NULL && !lookout_store_rollups_write (db, rollups, error))
    return FALSE;

  if (sealed)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      int rc;

      rc = sqlite3_prepare_v2 (db->db, "DELETE FROM sample_log WHERE seq < ?1", -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "trim the sample log");
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, floor);
      if (!lookout_store_step_done (stmt, "trim the sample log", error))
        return FALSE;
    }

  return TRUE;
}

gboolean
lookout_store_chunks_prune (LookoutStore    *self,
                            LookoutStoreDb  *db,
                            gint64           cutoff_ms,
                            guint           *budget,
                            guint64         *deleted,
                            GError         **error)
{
  g_autoptr(sqlite3_stmt) ids = NULL;
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(GHashTable) minutes = lookout_store_rollups_new ();
  g_autoptr(GArray) decoded = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  int rc;

  g_array_set_clear_func (decoded, (GDestroyNotify) lookout_sample_clear);
  g_hash_table_remove_all (self->head->seen);

  if ((rc = sqlite3_prepare_v2 (db->db,
                                "SELECT id FROM targets UNION SELECT DISTINCT target_id FROM rollup_day",
                                -1, &ids, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db->db,
                                "SELECT t_start, n, data, rowid FROM sample_chunks"
                                " WHERE target_id = ?1 AND t_start < ?2 AND t_end < ?2"
                                " ORDER BY t_start LIMIT ?3",
                                -1, &sel, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db->db,
                                "DELETE FROM sample_chunks WHERE target_id = ?1 AND t_start = ?2",
                                -1, &del, NULL)) != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare pruning");
      return FALSE;
    }

  while (*budget > 0 && (rc = sqlite3_step (ids)) == SQLITE_ROW)
    {
      gint64 target_id = sqlite3_column_int64 (ids, 0);
      g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));

      sqlite3_reset (sel);
      sqlite3_bind_int64 (sel, 1, target_id);
      sqlite3_bind_int64 (sel, 2, cutoff_ms);
      sqlite3_bind_int64 (sel, 3, *budget);
      while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
        {
          gint64 start = sqlite3_column_int64 (sel, 0);

          /* The minutes of what goes are kept from now on in the table. */
          g_array_set_size (decoded, 0);
          if (!lookout_chunk_decode (sqlite3_column_blob (sel, 2), sqlite3_column_bytes (sel, 2),
                                     target_id, TRUE, decoded, error) ||
              !lookout_store_place_recount_chunk (db, sqlite3_column_int64 (sel, 3),
                                                  (LookoutSample *) decoded->data, decoded->len, error))
            return FALSE;
          lookout_store_rollups_add_sorted (minutes, (LookoutSample *) decoded->data, decoded->len,
                                            LOOKOUT_ROLLUP_MINUTE, LOOKOUT_ROLLUP_MINUTE);
          lookout_store_rollups_add_places (minutes, (LookoutSample *) decoded->data, decoded->len,
                                            LOOKOUT_ROLLUP_MINUTE, LOOKOUT_ROLLUP_MINUTE);

          g_array_append_val (starts, start);
          *deleted += sqlite3_column_int64 (sel, 1);
        }
      if (rc != SQLITE_DONE)
        {
          lookout_store_set_error (error, db->db, rc, "prune");
          return FALSE;
        }

      for (guint i = 0; i < starts->len; i++)
        {
          sqlite3_reset (del);
          sqlite3_bind_int64 (del, 1, target_id);
          sqlite3_bind_int64 (del, 2, g_array_index (starts, gint64, i));
          if (!lookout_store_step_done (del, "prune", error))
            return FALSE;
        }
      *budget -= MIN (starts->len, *budget);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "list targets to prune");
      return FALSE;
    }

  return lookout_store_rollups_write (db, minutes, error);
}

gboolean
lookout_store_chunks_purge_orphans (LookoutStore    *self,
                                    LookoutStoreDb  *db,
                                    GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  HeadTarget *t;
  int rc;

  rc = sqlite3_prepare_v2 (db->db, "SELECT id FROM targets", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_hash_table_add (keep, g_memdup2 (&(gint64) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "list targets");
      return FALSE;
    }

  g_hash_table_remove_all (self->head->seen);

  /* Their results in the log are marked as gone, like sealed ones. */
  g_hash_table_iter_init (&iter, self->head->targets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &t))
    if (!g_hash_table_contains (keep, &t->target_id))
      {
        if (t->samples->len > 0 && !mark_sealed (db, t->target_id, self->head->next_seq - 1, error))
          return FALSE;
        self->head->n_samples -= t->samples->len;
        g_hash_table_iter_remove (&iter);
      }

  for (guint i = self->head->pending->len; i > 0; i--)
    if (!g_hash_table_contains (keep, &g_array_index (self->head->pending, LookoutSample, i - 1).target_id))
      g_array_remove_index (self->head->pending, i - 1);

  return TRUE;
}

/* ---- the readers' side ---- */

gboolean
lookout_store_chunks_begin_read_many (LookoutStore    *self,
                                      LookoutStoreDb  *db,
                                      const gint64    *target_ids,
                                      guint            n_targets,
                                      gint64           from_ms,
                                      gint64           to_ms,
                                      gboolean         with_texts,
                                      GArray         **out,
                                      gint64          *out_head_oldest,
                                      GError         **error)
{
  int rc;

  lookout_store_head_lock (self);

  /* The first read fixes the snapshot of the whole transaction. */
  if (!lookout_store_exec (db->db, "BEGIN", error))
    {
      lookout_store_head_unlock (self);
      return FALSE;
    }
  rc = sqlite3_exec (db->db, "SELECT 1 FROM sample_log LIMIT 1", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "start reading");
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      lookout_store_head_unlock (self);
      return FALSE;
    }

  for (guint k = 0; k < n_targets; k++)
    {
      HeadTarget *t = g_hash_table_lookup (self->head->targets, &target_ids[k]);

      if (out_head_oldest != NULL)
        out_head_oldest[k] = t != NULL && t->samples->len > 0
                               ? g_array_index (t->samples, HeadSample, 0).sample.ts_ms
                               : G_MAXINT64;
      if (t == NULL)
        continue;
      for (guint i = head_target_search (t, from_ms); i < t->samples->len; i++)
        {
          LookoutSample s = g_array_index (t->samples, HeadSample, i).sample;

          if (s.ts_ms >= to_ms)
            break;
          s.error = with_texts ? g_strdup (s.error) : NULL;
          s.location = with_texts ? g_strdup (s.location) : NULL;
          g_array_append_val (out[k], s);
        }
    }

  lookout_store_head_unlock (self);
  return TRUE;
}

gboolean
lookout_store_chunks_begin_read (LookoutStore    *self,
                                 LookoutStoreDb  *db,
                                 gint64           target_id,
                                 gint64           from_ms,
                                 gint64           to_ms,
                                 GArray          *out,
                                 GError         **error)
{
  return lookout_store_chunks_begin_read_many (self, db, &target_id, 1, from_ms, to_ms, TRUE,
                                               &out, NULL, error);
}

void
lookout_store_chunks_end_read (LookoutStoreDb *db)
{
  sqlite3_exec (db->db, "COMMIT", NULL, NULL, NULL);
}

static void
sort_if_needed (GArray *samples,
                guint   from)
{
  for (guint i = from + 1; i < samples->len; i++)
    if (g_array_index (samples, LookoutSample, i - 1).ts_ms >
        g_array_index (samples, LookoutSample, i).ts_ms)
      {
        g_array_sort (samples, compare_ts);
        return;
      }
}

static gboolean
read_legacy (LookoutStoreDb  *db,
             gint64           target_id,
             gint64           from_ms,
             gint64           to_ms,
             GArray          *out,
             GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  /* The migration may have finished since the flag was read. */
  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT ts_ms, latency_us, state, code, error FROM samples"
                           " WHERE target_id = ?1 AND ts_ms >= ?2 AND ts_ms < ?3",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return TRUE;

  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutSample s;

      lookout_store_sample_from_row (stmt, 0, target_id, &s);
      g_array_append_val (out, s);
    }

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read old samples");
      return FALSE;
    }

  return TRUE;
}

/* Emits, in order, the samples of @buffer from *@pos and of @side from
 * *@side_pos that are older than @bound. */
static gboolean
emit_merged (GArray                *buffer,
             guint                 *pos,
             GArray                *side,
             guint                 *side_pos,
             gint64                 bound,
             LookoutStoreChunkFunc  func,
             gpointer               user_data)
{
  for (;;)
    {
      LookoutSample *a = *pos < buffer->len ? &g_array_index (buffer, LookoutSample, *pos) : NULL;
      LookoutSample *b = *side_pos < side->len ? &g_array_index (side, LookoutSample, *side_pos) : NULL;
      LookoutSample *next;

      if (a != NULL && a->ts_ms >= bound)
        a = NULL;
      if (b != NULL && b->ts_ms >= bound)
        b = NULL;
      if (a == NULL && b == NULL)
        return TRUE;

      next = (b == NULL || (a != NULL && a->ts_ms <= b->ts_ms)) ? a : b;
      if (next == a)
        (*pos)++;
      else
        (*side_pos)++;
      if (!func (next, user_data))
        return FALSE;
    }
}

gboolean
lookout_store_chunks_scan_in_read (LookoutStore           *self,
                                   LookoutStoreDb         *db,
                                   gint64                  target_id,
                                   gint64                  from_ms,
                                   gint64                  to_ms,
                                   gboolean                with_errors,
                                   GArray                 *side,
                                   LookoutStoreChunkFunc   func,
                                   gpointer                user_data,
                                   GError                **error)
{
  g_autoptr(GArray) buffer = NULL;
  g_autoptr(GArray) decoded = NULL;
  sqlite3_stmt *stmt = NULL;
  guint pos = 0, side_pos = 0;
  gboolean go_on = TRUE;
  int rc;

  buffer = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (buffer, (GDestroyNotify) lookout_sample_clear);
  decoded = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (decoded, (GDestroyNotify) lookout_sample_clear);

  if (lookout_store_migration_pending (self))
    {
      guint n = side->len;

      if (!read_legacy (db, target_id, from_ms, to_ms, side, error))
        return FALSE;
      if (side->len > n)
        g_array_sort (side, compare_ts);
    }

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_CHUNKS,
                                     "SELECT t_start, data FROM sample_chunks"
                                     " WHERE target_id = ?1 AND t_start > ?2 - ?4 AND t_start < ?3"
                                     " AND t_end >= ?2 ORDER BY t_start",
                                     error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, from_ms);
  sqlite3_bind_int64 (stmt, 3, to_ms);
  sqlite3_bind_int64 (stmt, 4, LOOKOUT_STORE_CHUNK_MAX_SPAN_MS);

  while (go_on && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 t_start = sqlite3_column_int64 (stmt, 0);
      guint keep_from, keep_to, n_before;

      /* Every later chunk starts at or after this one. */
      if (!emit_merged (buffer, &pos, side, &side_pos, t_start, func, user_data))
        {
          go_on = FALSE;
          break;
        }
      if (pos > 4096 && pos > buffer->len / 2)
        {
          g_array_remove_range (buffer, 0, pos);
          pos = 0;
        }

      g_array_set_size (decoded, 0);
      if (!lookout_chunk_decode (sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                 target_id, with_errors, decoded, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }

      /* Only the part in range, moved (with its texts) to the buffer. */
      keep_from = 0;
      while (keep_from < decoded->len &&
             g_array_index (decoded, LookoutSample, keep_from).ts_ms < from_ms)
        keep_from++;
      n_before = buffer->len;
      keep_to = keep_from;
      while (keep_to < decoded->len && g_array_index (decoded, LookoutSample, keep_to).ts_ms < to_ms)
        keep_to++;
      if (keep_to > keep_from)
        g_array_append_vals (buffer, &g_array_index (decoded, LookoutSample, keep_from), keep_to - keep_from);
      for (guint i = keep_from; i < keep_to; i++)
        {
          LookoutSample *s = &g_array_index (decoded, LookoutSample, i);

          s->error = NULL;
          s->location = NULL;
        }
      sort_if_needed (buffer, n_before > pos ? n_before - 1 : pos);
    }

  sqlite3_reset (stmt);
  if (go_on && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read chunks");
      return FALSE;
    }

  if (go_on)
    emit_merged (buffer, &pos, side, &side_pos, G_MAXINT64, func, user_data);

  return TRUE;
}

gboolean
lookout_store_chunks_scan (LookoutStore           *self,
                           LookoutStoreDb         *db,
                           gint64                  target_id,
                           gint64                  from_ms,
                           gint64                  to_ms,
                           gboolean                with_errors,
                           LookoutStoreChunkFunc   func,
                           gpointer                user_data,
                           GError                **error)
{
  g_autoptr(GArray) side = NULL;
  gboolean ok;

  side = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (side, (GDestroyNotify) lookout_sample_clear);

  if (!lookout_store_chunks_begin_read (self, db, target_id, from_ms, to_ms, side, error))
    return FALSE;
  ok = lookout_store_chunks_scan_in_read (self, db, target_id, from_ms, to_ms, with_errors,
                                          side, func, user_data, error);
  lookout_store_chunks_end_read (db);

  return ok;
}

/* The oldest chunk's start, inside a read; *out_none when there is none. */
gboolean
lookout_store_chunks_oldest_in_read (LookoutStoreDb  *db,
                                     gint64           target_id,
                                     gint64          *out_oldest,
                                     gboolean        *out_none,
                                     GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_OLDEST_SAMPLE,
                                     "SELECT min (t_start) FROM sample_chunks WHERE target_id = ?1",
                                     error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db->db, rc, "read sample bounds");
      sqlite3_reset (stmt);
      return FALSE;
    }
  *out_none = sqlite3_column_type (stmt, 0) == SQLITE_NULL;
  *out_oldest = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
lookout_store_chunks_scan_open (LookoutStore           *self,
                                LookoutStoreDb         *db,
                                gint64                  target_id,
                                gint64                  from_ms,
                                gint64                  to_ms,
                                gboolean                with_texts,
                                LookoutStoreChunkFunc   func,
                                gpointer                user_data,
                                GError                **error)
{
  g_autoptr(GArray) side = NULL;

  side = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (side, (GDestroyNotify) lookout_sample_clear);

  if (!lookout_store_chunks_begin_read (self, db, target_id, from_ms, to_ms, side, error))
    return FALSE;
  if (!lookout_store_chunks_scan_in_read (self, db, target_id, from_ms, to_ms, with_texts,
                                          side, func, user_data, error))
    {
      lookout_store_chunks_end_read (db);
      return FALSE;
    }

  return TRUE;
}

gboolean
lookout_store_chunks_oldest (LookoutStore    *self,
                             LookoutStoreDb  *db,
                             gint64           target_id,
                             gint64          *out_oldest,
                             gboolean        *out_none,
                             GError         **error)
{
  g_autoptr(GArray) head = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 oldest = G_MAXINT64;
  int rc;

  g_array_set_clear_func (head, (GDestroyNotify) lookout_sample_clear);

  /* The head's oldest only: a sample per target is enough. */
  if (!lookout_store_chunks_begin_read (self, db, target_id, G_MININT64, G_MAXINT64, head, error))
    return FALSE;
  if (head->len > 0)
    oldest = g_array_index (head, LookoutSample, 0).ts_ms;

  rc = sqlite3_prepare_v2 (db->db,
                           lookout_store_migration_pending (self)
                             ? "SELECT min (m) FROM (SELECT min (t_start) AS m FROM sample_chunks WHERE target_id = ?1"
                               " UNION ALL SELECT min (ts_ms) FROM samples WHERE target_id = ?1)"
                             : "SELECT min (t_start) FROM sample_chunks WHERE target_id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_ERROR && lookout_store_migration_pending (self))
    rc = sqlite3_prepare_v2 (db->db, "SELECT min (t_start) FROM sample_chunks WHERE target_id = ?1",
                             -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, target_id);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db->db, rc, "read sample bounds");
      lookout_store_chunks_end_read (db);
      return FALSE;
    }
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    oldest = MIN (oldest, sqlite3_column_int64 (stmt, 0));

  lookout_store_chunks_end_read (db);

  *out_none = oldest == G_MAXINT64;
  *out_oldest = oldest;
  return TRUE;
}
