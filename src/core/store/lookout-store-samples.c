/* lookout-store-samples.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rollup tables of LookoutStore, and the range reads over samples and
 * rollups, which run on read-only connections borrowed from the store's
 * pool; WAL lets them read a consistent snapshot while the writer commits.
 * Samples themselves live in the log and in compressed chunks
 * (lookout-store-chunks.c); schema step 1's row table, samples, is kept
 * only until an older file has been moved into chunks.
 *
 * A rollup bucket counts every sample in n, DOWN ones in n_fail, DEGRADED
 * ones in n_degraded, and keeps min/max/sum over the samples that are not
 * DOWN and have a latency. The
 * hour and day tables hold the rollups of sealed samples; a read adds those
 * of the unsealed ones from memory.
 *
 * The minute table holds only the rollups of samples that retention has
 * deleted (lookout_store_chunks_prune() adds them as it deletes a chunk):
 * a minute rollup of a 60 s target is as large as the sample itself, and
 * writing one per sample as it is sealed was most of what the store wrote.
 * A read of minute rollups sums, in one snapshot, the table's rows and the
 * minutes of the samples still stored (read_minute_rollups()); every
 * sample is either still stored or in the table, never both.
 *
 * Places: the rollup_place_minute/hour/day tables hold the same rollups
 * per place a result was checked from ('' is local), written on the same
 * path (sealing, pruning), so that a place's plot line over a wide range
 * reads rollups as the target's own does. A file from before them gets
 * its place rollups recounted from the chunks it still holds: the
 * migration lists every chunk in rollup_place_recount, and the writer works
 * through the list in slices (lookout_store_place_recount_start()), each
 * in its own transaction, so a kill loses nothing and the next open
 * carries on. A listed chunk that is about to be deleted or rewritten is
 * counted first (lookout_store_place_recount_chunk()). Until the list is
 * empty, place reads take the raw samples (lookout_store_place_rollups_ready()).
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-chunk-codec.h"
#include "lookout-store-private.h"
#include "lookout-target-options.h"

#define RECOUNT_SLICE 256

typedef struct
{
  gint64  target_id;
  gint64  bucket;
  guint   resolution;
  char   *place;        /* a place's rollup ("" is local), NULL for the target's */
  guint32 n;
  guint32 n_fail;
  gint64  min_us;
  gint64  max_us;
  gint64  sum_us;
  guint32 n_degraded;
} RollupAccum;

static const gint64 rollup_width_ms[] = {
  [LOOKOUT_ROLLUP_MINUTE] = 60 * 1000,
  [LOOKOUT_ROLLUP_HOUR]   = 60 * 60 * 1000,
  [LOOKOUT_ROLLUP_DAY]    = 24 * 60 * 60 * 1000,
};

static gint64
bucket_start (gint64 ts_ms,
              gint64 width_ms)
{
  gint64 rem = ts_ms % width_ms;

  if (rem < 0)
    rem += width_ms;
  return ts_ms - rem;
}

/* ---- schema ---- */

/* Whether the row store's samples table is still there. */
static gboolean
has_legacy_samples (sqlite3   *db,
                    gboolean  *out_legacy,
                    GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db, rc, "list tables");
      return FALSE;
    }
  *out_legacy = rc == SQLITE_ROW;
  return TRUE;
}

/* Until this step the minute table also held the rollups of the samples
 * still stored, which reads now take from the samples: those rows go, a
 * range delete per target. In the minute of a target's oldest stored
 * sample, the share of samples retention had already deleted goes too. */
gboolean
lookout_store_samples_migrate_4 (sqlite3  *db,
                                 GError  **error)
{
  g_autoptr(sqlite3_stmt) oldest = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  gboolean legacy;
  int rc;

  if (!has_legacy_samples (db, &legacy, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db,
                           legacy
                             ? "SELECT target_id, min (m) FROM"
                               " (SELECT target_id, min (t_start) AS m FROM sample_chunks GROUP BY target_id"
                               "  UNION ALL SELECT target_id, min (ts_ms) FROM samples GROUP BY target_id)"
                               " GROUP BY target_id"
                             : "SELECT target_id, min (t_start) FROM sample_chunks GROUP BY target_id",
                           -1, &oldest, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM rollup_minute WHERE target_id = ?1 AND bucket >= ?2",
                             -1, &del, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db, rc, "drop minute rollups");
      return FALSE;
    }

  while ((rc = sqlite3_step (oldest)) == SQLITE_ROW)
    {
      sqlite3_bind_int64 (del, 1, sqlite3_column_int64 (oldest, 0));
      sqlite3_bind_int64 (del, 2, bucket_start (sqlite3_column_int64 (oldest, 1),
                                                rollup_width_ms[LOOKOUT_ROLLUP_MINUTE]));
      if (!lookout_store_step_done (del, "drop minute rollups", error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db, rc, "drop minute rollups");
      return FALSE;
    }

  return TRUE;
}

/* Rollups per place, and the list of chunks to recount them from. */
gboolean
lookout_store_samples_migrate_9 (sqlite3  *db,
                                 GError  **error)
{
#define PLACE_TABLE(table) \
  "CREATE TABLE " table " (" \
  "  target_id INTEGER NOT NULL, place TEXT NOT NULL, bucket INTEGER NOT NULL," \
  "  n INTEGER NOT NULL, n_fail INTEGER NOT NULL," \
  "  min_us INTEGER, max_us INTEGER, sum_us INTEGER NOT NULL," \
  "  n_degraded INTEGER NOT NULL DEFAULT 0," \
  "  PRIMARY KEY (target_id, place, bucket)" \
  ") WITHOUT ROWID;"
  return lookout_store_exec (db,
                             PLACE_TABLE ("rollup_place_minute")
                             PLACE_TABLE ("rollup_place_hour")
                             PLACE_TABLE ("rollup_place_day")
                             "CREATE TABLE rollup_place_recount (chunk INTEGER PRIMARY KEY);"
                             "INSERT INTO rollup_place_recount SELECT rowid FROM sample_chunks;",
                             error);
#undef PLACE_TABLE
}

gboolean
lookout_store_samples_migrate_1 (sqlite3  *db,
                                 GError  **error)
{
  return lookout_store_exec (db,
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
                             ") WITHOUT ROWID;",
                             error);
}

/* Degraded results get a count of their own in every rollup. The hour and
 * day rows of samples sealed before this step counted none: the chunks
 * that still hold those samples are listed in rollup_recount and counted
 * again, a few at a time (lookout-store-recount.c). Where retention had
 * already deleted a target's samples, its degraded results are counted
 * only from its oldest stored sample on: rollup_degraded_since says from
 * when. A listed chunk deleted before it was counted (pruned, or sealed
 * again with a late result) moves that date past its end. */
gboolean
lookout_store_samples_migrate_8 (sqlite3  *db,
                                 GError  **error)
{
  g_autofree char *since = NULL;
  gboolean legacy;

  if (!has_legacy_samples (db, &legacy, error))
    return FALSE;

  since = g_strdup_printf ("WITH oldest (target_id, t) AS ("
                           "   SELECT target_id, min (t) FROM"
                           "    (SELECT target_id, min (t_start) AS t FROM sample_chunks GROUP BY target_id"
                           "     %s) GROUP BY target_id),"
                           " hours (target_id, first, last) AS ("
                           "   SELECT target_id, min (bucket), max (bucket) FROM rollup_hour GROUP BY target_id)"
                           " INSERT INTO rollup_degraded_since (target_id, since_ms)"
                           " SELECT h.target_id, coalesce (o.t, h.last + 3600000)"
                           " FROM hours h LEFT JOIN oldest o USING (target_id)"
                           " WHERE o.t IS NULL OR h.first < o.t - o.t %% 3600000"
                           "  OR EXISTS (SELECT 1 FROM rollup_minute m WHERE m.target_id = h.target_id)",
                           legacy ? "UNION ALL SELECT target_id, min (ts_ms) FROM samples GROUP BY target_id" : "");

  return lookout_store_exec (db,
                             "ALTER TABLE rollup_minute ADD COLUMN n_degraded INTEGER NOT NULL DEFAULT 0;"
                             "ALTER TABLE rollup_hour ADD COLUMN n_degraded INTEGER NOT NULL DEFAULT 0;"
                             "ALTER TABLE rollup_day ADD COLUMN n_degraded INTEGER NOT NULL DEFAULT 0;"
                             "CREATE TABLE rollup_recount (chunk_id INTEGER PRIMARY KEY);"
                             "CREATE TABLE rollup_degraded_since ("
                             "  target_id INTEGER PRIMARY KEY,"
                             "  since_ms INTEGER NOT NULL"
                             ");"
                             "INSERT INTO rollup_recount SELECT id FROM sample_chunks;"
                             "CREATE TRIGGER rollup_recount_lost AFTER DELETE ON sample_chunks"
                             " WHEN EXISTS (SELECT 1 FROM rollup_recount WHERE chunk_id = old.id)"
                             " BEGIN"
                             "  DELETE FROM rollup_recount WHERE chunk_id = old.id;"
                             "  INSERT INTO rollup_degraded_since (target_id, since_ms)"
                             "   VALUES (old.target_id, old.t_end + 1)"
                             "   ON CONFLICT (target_id) DO UPDATE SET since_ms = max (since_ms, excluded.since_ms);"
                             " END;",
                             error) &&
         lookout_store_exec (db, since, error);
}

/* Adds the DEGRADED ones of @samples (one target's, in time order) to the
 * hour and day rows they fall in, which exist already. */
gboolean
lookout_store_rollups_add_degraded (LookoutStoreDb       *db,
                                    const LookoutSample  *samples,
                                    guint                 n,
                                    GError              **error)
{
  static const char * const sql[] = {
    [LOOKOUT_ROLLUP_HOUR] = "UPDATE rollup_hour SET n_degraded = n_degraded + ?3"
                            " WHERE target_id = ?1 AND bucket = ?2",
    [LOOKOUT_ROLLUP_DAY]  = "UPDATE rollup_day SET n_degraded = n_degraded + ?3"
                            " WHERE target_id = ?1 AND bucket = ?2",
  };

  for (guint res = LOOKOUT_ROLLUP_HOUR; res <= LOOKOUT_ROLLUP_DAY; res++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      gint64 bucket = G_MININT64;
      guint count = 0;
      int rc;

      if ((rc = sqlite3_prepare_v2 (db->db, sql[res], -1, &stmt, NULL)) != SQLITE_OK)
        {
          lookout_store_set_error (error, db->db, rc, "count degraded results");
          return FALSE;
        }

      for (guint i = 0; i <= n; i++)
        {
          gint64 b = i < n ? bucket_start (samples[i].ts_ms, rollup_width_ms[res]) : G_MAXINT64;

          if (b != bucket && count > 0)
            {
              sqlite3_reset (stmt);
              sqlite3_bind_int64 (stmt, 1, samples[0].target_id);
              sqlite3_bind_int64 (stmt, 2, bucket);
              sqlite3_bind_int64 (stmt, 3, count);
              if (!lookout_store_step_done (stmt, "count degraded results", error))
                return FALSE;
              count = 0;
            }
          bucket = b;
          if (i < n && samples[i].state == LOOKOUT_TARGET_STATE_DEGRADED)
            count++;
        }
    }

  return TRUE;
}

/* ---- writing, on the writer thread ---- */

static guint
rollup_accum_hash (gconstpointer key)
{
  const RollupAccum *a = key;

  return g_int64_hash (&a->target_id) ^ g_int64_hash (&a->bucket) ^ (a->resolution << 29) ^
         (a->place != NULL ? g_str_hash (a->place) + 1 : 0);
}

static gboolean
rollup_accum_equal (gconstpointer a,
                    gconstpointer b)
{
  const RollupAccum *ra = a;
  const RollupAccum *rb = b;

  return ra->target_id == rb->target_id && ra->bucket == rb->bucket &&
         ra->resolution == rb->resolution && g_strcmp0 (ra->place, rb->place) == 0;
}

static void
rollup_accum_free (RollupAccum *acc)
{
  g_free (acc->place);
  g_free (acc);
}

static RollupAccum *
rollup_accum_copy (const RollupAccum *acc)
{
  RollupAccum *copy = g_memdup2 (acc, sizeof *acc);

  copy->place = g_strdup (acc->place);
  return copy;
}

GHashTable *
lookout_store_rollups_new (void)
{
  return g_hash_table_new_full (rollup_accum_hash, rollup_accum_equal,
                                (GDestroyNotify) rollup_accum_free, NULL);
}

/* The key of a place's rollups: local results, whichever way they say
 * so, are '' */
static const char *
place_key (const char *location)
{
  if (location == NULL || g_str_equal (location, LOOKOUT_LOCATION_LOCAL))
    return "";
  return location;
}


gint64
lookout_store_bucket_start (gint64                  ts_ms,
                            LookoutRollupResolution resolution)
{
  return bucket_start (ts_ms, rollup_width_ms[resolution]);
}

void
lookout_store_rollups_add (GHashTable          *rollups,
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
          acc = rollup_accum_copy (&key);
          acc->min_us = acc->max_us = -1;
          g_hash_table_add (rollups, acc);
        }

      acc->n++;
      if (failed)
        acc->n_fail++;
      else if (sample->state == LOOKOUT_TARGET_STATE_DEGRADED)
        acc->n_degraded++;
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

static void
rollup_accum_merge (GHashTable        *rollups,
                    const RollupAccum *part)
{
  RollupAccum *acc = g_hash_table_lookup (rollups, part);

  if (acc == NULL)
    {
      g_hash_table_add (rollups, rollup_accum_copy (part));
      return;
    }

  acc->n += part->n;
  acc->n_fail += part->n_fail;
  acc->n_degraded += part->n_degraded;
  acc->sum_us += part->sum_us;
  if (part->min_us >= 0 && (acc->min_us < 0 || part->min_us < acc->min_us))
    acc->min_us = part->min_us;
  if (part->max_us > acc->max_us)
    acc->max_us = part->max_us;
}

/* The same as adding each of @samples (one target's, in time order) at the
 * resolutions @first to @last, with one hash lookup per bucket rather than
 * per sample. */
void
lookout_store_rollups_add_sorted (GHashTable              *rollups,
                                  const LookoutSample     *samples,
                                  guint                    n,
                                  LookoutRollupResolution  first,
                                  LookoutRollupResolution  last)
{
  for (guint res = first; res <= last && n > 0; res++)
    {
      RollupAccum part = { .resolution = res, .bucket = G_MININT64 };

      for (guint i = 0; i < n; i++)
        {
          const LookoutSample *sample = &samples[i];
          gint64 bucket = bucket_start (sample->ts_ms, rollup_width_ms[res]);

          if (bucket != part.bucket)
            {
              if (part.n > 0)
                rollup_accum_merge (rollups, &part);
              part = (RollupAccum) {
                .target_id = sample->target_id, .bucket = bucket, .resolution = res,
                .min_us = -1, .max_us = -1,
              };
            }

          part.n++;
          if (sample->state == LOOKOUT_TARGET_STATE_DOWN)
            part.n_fail++;
          else if (sample->state == LOOKOUT_TARGET_STATE_DEGRADED)
            part.n_degraded++;
          if (sample->state != LOOKOUT_TARGET_STATE_DOWN && sample->latency_us >= 0)
            {
              if (part.min_us < 0 || sample->latency_us < part.min_us)
                part.min_us = sample->latency_us;
              if (sample->latency_us > part.max_us)
                part.max_us = sample->latency_us;
              part.sum_us += sample->latency_us;
            }
        }
      rollup_accum_merge (rollups, &part);
    }
}

/* Each place's rollups of @samples (one target's), at the resolutions
 * @first to @last, beside the target's own. */
void
lookout_store_rollups_add_places (GHashTable              *rollups,
                                  const LookoutSample     *samples,
                                  guint                    n,
                                  LookoutRollupResolution  first,
                                  LookoutRollupResolution  last)
{
  for (guint i = 0; i < n; i++)
    {
      const LookoutSample *sample = &samples[i];

      for (guint res = first; res <= last; res++)
        {
          RollupAccum part = {
            .target_id = sample->target_id,
            .bucket = bucket_start (sample->ts_ms, rollup_width_ms[res]),
            .resolution = res,
            .place = (char *) place_key (sample->location),
            .min_us = -1, .max_us = -1,
          };

          part.n = 1;
          if (sample->state == LOOKOUT_TARGET_STATE_DOWN)
            part.n_fail = 1;
          else if (sample->state == LOOKOUT_TARGET_STATE_DEGRADED)
            part.n_degraded = 1;
          if (sample->state != LOOKOUT_TARGET_STATE_DOWN && sample->latency_us >= 0)
            part.min_us = part.max_us = part.sum_us = sample->latency_us;
          rollup_accum_merge (rollups, &part);
        }
    }
}

/* A bucket's part is added to the row already there. */
#define ADD_TO_ROLLUP \
  " DO UPDATE SET" \
  "  n = n + excluded.n," \
  "  n_fail = n_fail + excluded.n_fail," \
  "  n_degraded = n_degraded + excluded.n_degraded," \
  "  min_us = min (coalesce (min_us, excluded.min_us), coalesce (excluded.min_us, min_us))," \
  "  max_us = max (coalesce (max_us, excluded.max_us), coalesce (excluded.max_us, max_us))," \
  "  sum_us = sum_us + excluded.sum_us"
#define UPSERT_ROLLUP(table) \
  "INSERT INTO " table " (target_id, bucket, n, n_fail, min_us, max_us, sum_us, n_degraded)" \
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (target_id, bucket)" ADD_TO_ROLLUP
#define UPSERT_PLACE_ROLLUP(table) \
  "INSERT INTO " table " (target_id, place, bucket, n, n_fail, min_us, max_us, sum_us, n_degraded)" \
  " VALUES (?1, ?9, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (target_id, place, bucket)" ADD_TO_ROLLUP

/* [by place][resolution] */
static const struct
{
  LookoutStoreStmt  id;
  const char       *sql;
} upsert_rollup[2][3] = {
  {
    [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_MINUTE, UPSERT_ROLLUP ("rollup_minute") },
    [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_HOUR,   UPSERT_ROLLUP ("rollup_hour") },
    [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_UPSERT_ROLLUP_DAY,    UPSERT_ROLLUP ("rollup_day") },
  },
  {
    [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_UPSERT_PLACE_MINUTE, UPSERT_PLACE_ROLLUP ("rollup_place_minute") },
    [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_UPSERT_PLACE_HOUR,   UPSERT_PLACE_ROLLUP ("rollup_place_hour") },
    [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_UPSERT_PLACE_DAY,    UPSERT_PLACE_ROLLUP ("rollup_place_day") },
  },
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

gboolean
lookout_store_rollups_write (LookoutStoreDb  *db,
                             GHashTable      *rollups,
                             GError         **error)
{
  GHashTableIter iter;
  RollupAccum *acc;

  g_hash_table_iter_init (&iter, rollups);
  while (g_hash_table_iter_next (&iter, (gpointer *) &acc, NULL))
    {
      sqlite3_stmt *stmt;

      stmt = lookout_store_db_statement (db, upsert_rollup[acc->place != NULL][acc->resolution].id,
                                         upsert_rollup[acc->place != NULL][acc->resolution].sql, error);
      if (stmt == NULL)
        return FALSE;
      if (acc->place != NULL)
        sqlite3_bind_text (stmt, 9, acc->place, -1, SQLITE_TRANSIENT);

      sqlite3_bind_int64 (stmt, 1, acc->target_id);
      sqlite3_bind_int64 (stmt, 2, acc->bucket);
      sqlite3_bind_int64 (stmt, 3, acc->n);
      sqlite3_bind_int64 (stmt, 4, acc->n_fail);
      bind_nullable_int64 (stmt, 5, acc->min_us, acc->min_us < 0);
      bind_nullable_int64 (stmt, 6, acc->max_us, acc->max_us < 0);
      sqlite3_bind_int64 (stmt, 7, acc->sum_us);
      sqlite3_bind_int64 (stmt, 8, acc->n_degraded);

      if (!lookout_store_step_done (stmt, "rollup", error))
        return FALSE;
    }

  return TRUE;
}

/* ---- range reads ---- */

static int
compare_bucket (gconstpointer a,
                gconstpointer b)
{
  const LookoutRollup *ra = a, *rb = b;

  return (ra->bucket_ms > rb->bucket_ms) - (ra->bucket_ms < rb->bucket_ms);
}

typedef struct
{
  gint64                  target_id;
  LookoutRollupResolution resolution;
  gint64                  from_ms;
  gint64                  to_ms;
  const char             *place;    /* one place's rollups ('' is local), or NULL */
} RangeQuery;

typedef struct
{
  GArray       *samples;
  GCancellable *cancellable;
  guint         rows;
} CollectSamples;

static gboolean
collect_sample_cb (const LookoutSample *sample,
                   gpointer             user_data)
{
  CollectSamples *c = user_data;

  g_array_append_vals (c->samples, sample, 1);
  g_array_index (c->samples, LookoutSample, c->samples->len - 1).error = g_strdup (sample->error);
  g_array_index (c->samples, LookoutSample, c->samples->len - 1).location = g_strdup (sample->location);

  return ++c->rows % 4096 != 0 || !g_cancellable_is_cancelled (c->cancellable);
}

static GArray *
read_samples (LookoutStore      *self,
              const RangeQuery  *q,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GArray) samples = NULL;
  CollectSamples collect;
  LookoutStoreDb *db;
  gboolean ok;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  samples = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (samples, (GDestroyNotify) lookout_sample_clear);
  collect = (CollectSamples) { samples, cancellable, 0 };

  ok = lookout_store_chunks_scan (self, db, q->target_id, q->from_ms, q->to_ms, TRUE,
                                  collect_sample_cb, &collect, error);
  lookout_store_release_reader (self, db);

  if (!ok || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return g_steal_pointer (&samples);
}

/* [by place][resolution] */
static const struct
{
  LookoutStoreStmt  id;
  const char       *sql;
} select_rollup[2][3] = {
#define SELECT_ROLLUP(table, place) \
  "SELECT bucket, n, n_fail, min_us, max_us, sum_us, n_degraded FROM " table \
  " WHERE target_id = ?1" place " AND bucket >= ?2 AND bucket < ?3 ORDER BY bucket"
  {
    [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_MINUTE, SELECT_ROLLUP ("rollup_minute", "") },
    [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_HOUR,   SELECT_ROLLUP ("rollup_hour", "") },
    [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_SELECT_ROLLUP_DAY,    SELECT_ROLLUP ("rollup_day", "") },
  },
  {
    [LOOKOUT_ROLLUP_MINUTE] = { LOOKOUT_STORE_STMT_SELECT_PLACE_MINUTE,
                                SELECT_ROLLUP ("rollup_place_minute", " AND place = ?4") },
    [LOOKOUT_ROLLUP_HOUR]   = { LOOKOUT_STORE_STMT_SELECT_PLACE_HOUR,
                                SELECT_ROLLUP ("rollup_place_hour", " AND place = ?4") },
    [LOOKOUT_ROLLUP_DAY]    = { LOOKOUT_STORE_STMT_SELECT_PLACE_DAY,
                                SELECT_ROLLUP ("rollup_place_day", " AND place = ?4") },
  },
#undef SELECT_ROLLUP
};

/* The statement reading @q's table, bound but for the bucket range. */
static sqlite3_stmt *
select_rollups_statement (LookoutStoreDb    *db,
                          const RangeQuery  *q,
                          GError           **error)
{
  sqlite3_stmt *stmt;

  stmt = lookout_store_db_statement (db, select_rollup[q->place != NULL][q->resolution].id,
                                     select_rollup[q->place != NULL][q->resolution].sql,
                                     error);
  if (stmt != NULL && q->place != NULL)
    sqlite3_bind_text (stmt, 4, q->place, -1, SQLITE_TRANSIENT);
  return stmt;
}

static void
rollup_merge (LookoutRollup       *r,
              const LookoutRollup *part)
{
  r->n += part->n;
  r->n_fail += part->n_fail;
  r->n_degraded += part->n_degraded;
  r->sum_us += part->sum_us;
  if (part->min_us >= 0 && (r->min_us < 0 || part->min_us < r->min_us))
    r->min_us = part->min_us;
  if (part->max_us > r->max_us)
    r->max_us = part->max_us;
}

/* Adds the rollups of the unsealed samples @head (sorted) to @rollups. */
static void
merge_head_rollups (GArray                  *rollups,
                    GArray                  *head,
                    LookoutRollupResolution  resolution)
{
  g_autoptr(GHashTable) accums = NULL;
  gboolean added = FALSE;
  guint i = 0;

  if (head->len == 0)
    return;

  accums = lookout_store_rollups_new ();
  for (guint k = 0; k < head->len; k++)
    lookout_store_rollups_add (accums, &g_array_index (head, LookoutSample, k));

  for (guint k = 0; k < head->len; k++)
    {
      const LookoutSample *s = &g_array_index (head, LookoutSample, k);
      RollupAccum key = {
        .target_id = s->target_id,
        .bucket = bucket_start (s->ts_ms, rollup_width_ms[resolution]),
        .resolution = resolution,
      };
      RollupAccum *acc = g_hash_table_lookup (accums, &key);
      LookoutRollup *r = NULL;

      if (acc == NULL)
        continue;   /* this bucket is merged already */

      while (i < rollups->len && g_array_index (rollups, LookoutRollup, i).bucket_ms < key.bucket)
        i++;
      if (i < rollups->len && g_array_index (rollups, LookoutRollup, i).bucket_ms == key.bucket)
        r = &g_array_index (rollups, LookoutRollup, i);
      else
        {
          LookoutRollup fresh = { .bucket_ms = key.bucket, .min_us = -1, .max_us = -1 };

          g_array_append_val (rollups, fresh);
          r = &g_array_index (rollups, LookoutRollup, rollups->len - 1);
          added = TRUE;
        }

      rollup_merge (r, &(LookoutRollup) {
        .n = acc->n, .n_fail = acc->n_fail, .min_us = acc->min_us, .max_us = acc->max_us,
        .sum_us = acc->sum_us, .n_degraded = acc->n_degraded,
      });
      g_hash_table_remove (accums, &key);
    }

  if (added)
    g_array_sort (rollups, compare_bucket);
}

static LookoutRollup
rollup_from_row (sqlite3_stmt *stmt)
{
  return (LookoutRollup) {
    .bucket_ms = sqlite3_column_int64 (stmt, 0),
    .n = sqlite3_column_int64 (stmt, 1),
    .n_fail = sqlite3_column_int64 (stmt, 2),
    .min_us = sqlite3_column_type (stmt, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 3),
    .max_us = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 4),
    .sum_us = sqlite3_column_int64 (stmt, 5),
    .n_degraded = sqlite3_column_int64 (stmt, 6),
  };
}

typedef struct
{
  GArray       *rollups;
  GCancellable *cancellable;
  guint         rows;
  const char   *place;
} CollectMinutes;

static void
rollup_add_sample (LookoutRollup       *r,
                   const LookoutSample *s)
{
  r->n++;
  if (s->state == LOOKOUT_TARGET_STATE_DOWN)
    r->n_fail++;
  else if (s->state == LOOKOUT_TARGET_STATE_DEGRADED)
    r->n_degraded++;
  if (s->state != LOOKOUT_TARGET_STATE_DOWN && s->latency_us >= 0)
    {
      if (r->min_us < 0 || s->latency_us < r->min_us)
        r->min_us = s->latency_us;
      if (s->latency_us > r->max_us)
        r->max_us = s->latency_us;
      r->sum_us += s->latency_us;
    }
}

static gboolean
collect_minute_cb (const LookoutSample *sample,
                   gpointer             user_data)
{
  CollectMinutes *c = user_data;
  gint64 bucket = bucket_start (sample->ts_ms, rollup_width_ms[LOOKOUT_ROLLUP_MINUTE]);
  GArray *rollups = c->rollups;

  if (c->place != NULL && !g_str_equal (c->place, place_key (sample->location)))
    return ++c->rows % 4096 != 0 || !g_cancellable_is_cancelled (c->cancellable);

  /* Samples come in time order. */
  if (rollups->len == 0 || g_array_index (rollups, LookoutRollup, rollups->len - 1).bucket_ms != bucket)
    {
      LookoutRollup fresh = { .bucket_ms = bucket, .min_us = -1, .max_us = -1 };

      g_array_append_val (rollups, fresh);
    }
  rollup_add_sample (&g_array_index (rollups, LookoutRollup, rollups->len - 1), sample);

  return ++c->rows % 4096 != 0 || !g_cancellable_is_cancelled (c->cancellable);
}

/* Minute rollups: those of the stored samples, computed, and the table's
 * of the deleted ones, from one snapshot, summed per minute. */
static GArray *
read_minute_rollups (LookoutStore      *self,
                     const RangeQuery  *q,
                     GCancellable      *cancellable,
                     GError           **error)
{
  const gint64 width = rollup_width_ms[LOOKOUT_ROLLUP_MINUTE];
  g_autoptr(GArray) computed = g_array_new (FALSE, FALSE, sizeof (LookoutRollup));
  g_autoptr(GArray) rollups = g_array_new (FALSE, FALSE, sizeof (LookoutRollup));
  CollectMinutes collect = { computed, cancellable, 0, q->place };
  LookoutStoreDb *db;
  sqlite3_stmt *stmt;
  gint64 from, last, scan_to;
  guint i = 0, j = 0;
  int rc;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  /* Whole minutes: the one holding from_ms and every one starting before to_ms. */
  from = bucket_start (q->from_ms, width);
  last = bucket_start (q->to_ms - 1, width);
  scan_to = last > G_MAXINT64 - width ? G_MAXINT64 : last + width;

  if (!lookout_store_chunks_scan_open (self, db, q->target_id, from, scan_to, q->place != NULL,
                                       collect_minute_cb, &collect, error))
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  stmt = select_rollups_statement (db, q, error);
  if (stmt == NULL)
    {
      lookout_store_chunks_end_read (db);
      lookout_store_release_reader (self, db);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, q->target_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, q->to_ms);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutRollup r = rollup_from_row (stmt);

      /* Both in bucket order: merge as they come. */
      for (; i < computed->len && g_array_index (computed, LookoutRollup, i).bucket_ms < r.bucket_ms; i++)
        g_array_append_vals (rollups, &g_array_index (computed, LookoutRollup, i), 1);
      if (i < computed->len && g_array_index (computed, LookoutRollup, i).bucket_ms == r.bucket_ms)
        rollup_merge (&r, &g_array_index (computed, LookoutRollup, i++));
      g_array_append_val (rollups, r);
      j++;
    }

  sqlite3_reset (stmt);
  lookout_store_chunks_end_read (db);
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read rollups");
      lookout_store_release_reader (self, db);
      return NULL;
    }
  lookout_store_release_reader (self, db);

  if (j == 0)
    {
      g_clear_pointer (&rollups, g_array_unref);
      rollups = g_steal_pointer (&computed);
    }
  else if (i < computed->len)
    g_array_append_vals (rollups, &g_array_index (computed, LookoutRollup, i), computed->len - i);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return g_steal_pointer (&rollups);
}

static GArray *
read_rollups (LookoutStore      *self,
              const RangeQuery  *q,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GArray) rollups = NULL;
  g_autoptr(GArray) head = NULL;
  LookoutStoreDb *db;
  sqlite3_stmt *stmt;
  gint64 from;
  int rc;

  if (q->resolution == LOOKOUT_ROLLUP_MINUTE)
    return read_minute_rollups (self, q, cancellable, error);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  stmt = select_rollups_statement (db, q, error);
  if (stmt == NULL)
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  /* The bucket holding from_ms is part of the range. */
  from = bucket_start (q->from_ms, rollup_width_ms[q->resolution]);

  head = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_array_set_clear_func (head, (GDestroyNotify) lookout_sample_clear);
  if (!lookout_store_chunks_begin_read (self, db, q->target_id, from, q->to_ms, head, error))
    {
      lookout_store_release_reader (self, db);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, q->target_id);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, q->to_ms);

  rollups = g_array_new (FALSE, FALSE, sizeof (LookoutRollup));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutRollup r = rollup_from_row (stmt);

      g_array_append_val (rollups, r);
    }

  sqlite3_reset (stmt);
  lookout_store_chunks_end_read (db);

  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read rollups");
      lookout_store_release_reader (self, db);
      return NULL;
    }

  lookout_store_release_reader (self, db);

  if (q->place != NULL)
    for (guint k = head->len; k > 0; k--)
      if (!g_str_equal (q->place, place_key (g_array_index (head, LookoutSample, k - 1).location)))
        g_array_remove_index (head, k - 1);
  merge_head_rollups (rollups, head, q->resolution);

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


/* ---- reads for statistics ---- */

typedef struct
{
  LookoutStoreSampleFunc  func;
  gpointer                user_data;
  GCancellable           *cancellable;
  guint                   rows;
} ScanSamples;

static gboolean
scan_sample_cb (const LookoutSample *sample,
                gpointer             user_data)
{
  ScanSamples *scan = user_data;

  scan->func (sample->ts_ms, sample->latency_us, sample->state, scan->user_data);

  return ++scan->rows % 65536 != 0 || !g_cancellable_is_cancelled (scan->cancellable);
}

gboolean
lookout_store_scan_samples_sync (LookoutStore            *self,
                                 gint64                   target_id,
                                 gint64                   from_ms,
                                 gint64                   to_ms,
                                 LookoutStoreSampleFunc   func,
                                 gpointer                 user_data,
                                 GCancellable            *cancellable,
                                 GError                 **error)
{
  ScanSamples scan = { func, user_data, cancellable, 0 };
  LookoutStoreDb *db;
  gboolean ok;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  ok = lookout_store_chunks_scan (self, db, target_id, from_ms, to_ms, FALSE,
                                  scan_sample_cb, &scan, error);
  lookout_store_release_reader (self, db);

  return ok && !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Steps @stmt once: the first column of its row, or *out_none when there
 * is no row or the value is NULL. */
static gboolean
step_int64 (sqlite3_stmt  *stmt,
            gint64        *out_value,
            gboolean      *out_none,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out_none = TRUE;
  if (rc == SQLITE_ROW)
    {
      *out_none = sqlite3_column_type (stmt, 0) == SQLITE_NULL;
      *out_value = sqlite3_column_int64 (stmt, 0);
    }
  else if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, sqlite3_db_handle (stmt), rc, "read sample bounds");
      return FALSE;
    }

  return TRUE;
}

/* The oldest raw sample (@oldest, or none) is not newer than from_ms, or
 * no minute bucket lies between from_ms and it (nothing was pruned there).
 * A primary-key lookup. */
static gboolean
raw_complete_given_oldest (LookoutStoreDb  *db,
                           gint64           target_id,
                           gint64           from_ms,
                           gint64           oldest,
                           gboolean         none,
                           gboolean        *out_complete,
                           GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 found;
  gboolean ok;

  if (none)
    oldest = G_MAXINT64 - 60000;
  if (oldest <= from_ms)
    {
      *out_complete = TRUE;
      return TRUE;
    }

  stmt = lookout_store_db_statement (db, LOOKOUT_STORE_STMT_SELECT_ANY_MINUTE,
                                     "SELECT 1 FROM rollup_minute"
                                     " WHERE target_id = ?1 AND bucket >= ?2 AND bucket < ?3 LIMIT 1",
                                     error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, from_ms - from_ms % 60000);
  sqlite3_bind_int64 (stmt, 3, oldest - oldest % 60000);
  ok = step_int64 (stmt, &found, &none, error);
  sqlite3_reset (stmt);
  *out_complete = ok && none;

  return ok;
}

gboolean
lookout_store_raw_complete_since_sync (LookoutStore  *self,
                                       gint64         target_id,
                                       gint64         from_ms,
                                       GError       **error)
{
  LookoutStoreDb *db;
  gboolean none, complete = FALSE;
  gint64 oldest = 0;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  if (lookout_store_chunks_oldest (self, db, target_id, &oldest, &none, error))
    raw_complete_given_oldest (db, target_id, from_ms, oldest, none, &complete, error);

  lookout_store_release_reader (self, db);

  return complete;
}

/* Every target in one read transaction, the head's lock taken once: what
 * a page of thousands of targets needs, where a read per target would
 * spend most of its time starting reads. */
gboolean
lookout_store_scan_samples_many_sync (LookoutStore            *self,
                                      const gint64            *target_ids,
                                      guint                    n_targets,
                                      gint64                   from_ms,
                                      gint64                   to_ms,
                                      LookoutStoreTargetFunc   target_func,
                                      LookoutStoreSampleFunc   func,
                                      gpointer                 user_data,
                                      GCancellable            *cancellable,
                                      GError                 **error)
{
  ScanSamples scan = { func, user_data, cancellable, 0 };
  g_autofree GArray **heads = NULL;
  g_autofree gint64 *head_oldest = NULL;
  LookoutStoreDb *db;
  gboolean ok = FALSE;
  guint k = 0;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (target_ids != NULL || n_targets == 0, FALSE);
  g_return_val_if_fail (target_func != NULL && func != NULL, FALSE);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Rows not yet moved into chunks are read target by target. */
  if (lookout_store_migration_pending (self))
    {
      for (k = 0; k < n_targets; k++)
        target_func (k, FALSE, user_data);
      return TRUE;
    }

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  heads = g_new0 (GArray *, n_targets);
  head_oldest = g_new (gint64, n_targets);
  /* without texts: nothing to free in them */
  for (k = 0; k < n_targets; k++)
    heads[k] = g_array_new (FALSE, FALSE, sizeof (LookoutSample));

  if (!lookout_store_chunks_begin_read_many (self, db, target_ids, n_targets, from_ms, to_ms, FALSE,
                                             heads, head_oldest, error))
    goto out;

  for (k = 0; k < n_targets; k++)
    {
      gint64 oldest = head_oldest[k], chunk_oldest = 0;
      gboolean none = FALSE, complete = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !lookout_store_chunks_oldest_in_read (db, target_ids[k], &chunk_oldest, &none, error))
        break;
      if (!none)
        oldest = MIN (oldest, chunk_oldest);
      if (!raw_complete_given_oldest (db, target_ids[k], from_ms, oldest, oldest == G_MAXINT64,
                                      &complete, error))
        break;
      target_func (k, complete, user_data);
      if (complete &&
          !lookout_store_chunks_scan_in_read (self, db, target_ids[k], from_ms, to_ms, FALSE,
                                              heads[k], scan_sample_cb, &scan, error))
        break;
      g_clear_pointer (&heads[k], g_array_unref);
    }
  ok = k == n_targets;
  lookout_store_chunks_end_read (db);

out:
  for (k = 0; k < n_targets; k++)
    g_clear_pointer (&heads[k], g_array_unref);
  lookout_store_release_reader (self, db);

  return ok && !g_cancellable_set_error_if_cancelled (cancellable, error);
}

gboolean
lookout_store_degraded_since_sync (LookoutStore  *self,
                                   gint64         target_id,
                                   gint64        *out_since_ms,
                                   GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_since_ms != NULL, FALSE);

  *out_since_ms = -1;
  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  /* Chunks still to be counted again count from after the newest of them. */
  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT max (coalesce ((SELECT since_ms FROM rollup_degraded_since"
                           "                       WHERE target_id = ?1), -1),"
                           "            CASE WHEN EXISTS (SELECT 1 FROM rollup_recount)"
                           "             THEN coalesce ((SELECT max (t_end) + 1 FROM sample_chunks"
                           "                             WHERE target_id = ?1"
                           "                              AND id IN (SELECT chunk_id FROM rollup_recount)), -1)"
                           "             ELSE -1 END)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, target_id);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    *out_since_ms = sqlite3_column_int64 (stmt, 0);
  else
    lookout_store_set_error (error, db->db, rc, "read since when degraded results are counted");

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);

  return rc == SQLITE_ROW;
}

/* ---- places ---- */

gboolean
lookout_store_place_rollups_ready (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);

  return !g_atomic_int_get (&self->place_recount_pending);
}

GArray *
lookout_store_query_place_rollups_sync (LookoutStore            *self,
                                        gint64                   target_id,
                                        const char              *place,
                                        LookoutRollupResolution  resolution,
                                        gint64                   from_ms,
                                        gint64                   to_ms,
                                        GCancellable            *cancellable,
                                        GError                 **error)
{
  RangeQuery q = { target_id, resolution, from_ms, to_ms, place_key (place) };

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);
  g_return_val_if_fail (resolution <= LOOKOUT_ROLLUP_DAY, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_rollups (self, &q, cancellable, error);
}

gboolean
lookout_store_place_recount_chunk (LookoutStoreDb       *db,
                                   gint64                rowid,
                                   const LookoutSample  *samples,
                                   guint                 n,
                                   GError              **error)
{
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(GHashTable) rollups = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->db, "DELETE FROM rollup_place_recount WHERE chunk = ?1", -1, &del, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "recount place rollups");
      return FALSE;
    }
  sqlite3_bind_int64 (del, 1, rowid);
  if (!lookout_store_step_done (del, "recount place rollups", error))
    return FALSE;
  if (sqlite3_changes (db->db) == 0)
    return TRUE;

  rollups = lookout_store_rollups_new ();
  lookout_store_rollups_add_places (rollups, samples, n, LOOKOUT_ROLLUP_HOUR, LOOKOUT_ROLLUP_DAY);
  return lookout_store_rollups_write (db, rollups, error);
}

typedef struct
{
  LookoutStore *store;
  gboolean      done;
} Recount;

/* Writer thread: up to RECOUNT_SLICE listed chunks, oldest rowid first. */
static gboolean
recount_slice_write (LookoutStoreDb  *db,
                     gpointer         data,
                     GError         **error)
{
  Recount *recount = data;
  g_autoptr(sqlite3_stmt) sel = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(GHashTable) rollups = lookout_store_rollups_new ();
  g_autoptr(GArray) decoded = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  gint64 last = G_MININT64;
  int rc;

  g_array_set_clear_func (decoded, (GDestroyNotify) lookout_sample_clear);
  if ((rc = sqlite3_prepare_v2 (db->db,
                                "SELECT t.chunk, c.target_id, c.data FROM rollup_place_recount t"
                                " LEFT JOIN sample_chunks c ON c.rowid = t.chunk"
                                " ORDER BY t.chunk LIMIT ?1",
                                -1, &sel, NULL)) != SQLITE_OK ||
      (rc = sqlite3_prepare_v2 (db->db, "DELETE FROM rollup_place_recount WHERE chunk <= ?1",
                                -1, &del, NULL)) != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "recount place rollups");
      return FALSE;
    }

  sqlite3_bind_int64 (sel, 1, RECOUNT_SLICE);
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      last = sqlite3_column_int64 (sel, 0);
      /* a chunk no longer there has nothing to count */
      if (sqlite3_column_type (sel, 2) == SQLITE_NULL)
        continue;
      g_array_set_size (decoded, 0);
      if (!lookout_chunk_decode (sqlite3_column_blob (sel, 2), sqlite3_column_bytes (sel, 2),
                                 sqlite3_column_int64 (sel, 1), TRUE, decoded, error))
        return FALSE;
      lookout_store_rollups_add_places (rollups, (LookoutSample *) decoded->data, decoded->len,
                                        LOOKOUT_ROLLUP_HOUR, LOOKOUT_ROLLUP_DAY);
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "recount place rollups");
      return FALSE;
    }

  recount->done = last == G_MININT64;
  if (recount->done)
    return TRUE;
  sqlite3_bind_int64 (del, 1, last);
  return lookout_store_step_done (del, "recount place rollups", error) &&
         lookout_store_rollups_write (db, rollups, error);
}

static void recount_next (LookoutStore *self);

static void
recount_slice_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  LookoutStore *self = LOOKOUT_STORE (object);
  g_autofree Recount *recount = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* closed, or a slice failed: the next open carries on */
      if (!g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CLOSED))
        g_warning ("Could not recount the rollups of each place: %s", error->message);
      return;
    }
  if (recount->done)
    g_atomic_int_set (&self->place_recount_pending, FALSE);
  else
    recount_next (self);
}

static void
recount_next (LookoutStore *self)
{
  g_autoptr(GTask) step = NULL;
  Recount *recount = g_new0 (Recount, 1);

  recount->store = self;
  step = g_task_new (self, NULL, recount_slice_done_cb, recount);
  g_task_set_source_tag (step, recount_next);
  lookout_store_queue_write (self, recount_slice_write, NULL, recount, NULL, step);
}

void
lookout_store_place_recount_start (LookoutStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  LookoutStoreDb *db;
  gboolean pending = TRUE;

  if ((db = lookout_store_acquire_reader (self, NULL)) != NULL)
    {
      if (sqlite3_prepare_v2 (db->db, "SELECT 1 FROM rollup_place_recount LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
        pending = sqlite3_step (stmt) == SQLITE_ROW;
      g_clear_pointer (&stmt, sqlite3_finalize);
      lookout_store_release_reader (self, db);
    }
  g_atomic_int_set (&self->place_recount_pending, pending);
  if (pending && !self->read_only)
    recount_next (self);
}
