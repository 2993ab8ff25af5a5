/* lookout-store.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the store works
 *
 * One SQLite file in WAL mode, synchronous=NORMAL. This file is the object
 * itself: it opens the file (checking and migrating its schema through
 * lookout-store-schema.c), starts the writer thread (lookout-store-writer.c)
 * that owns the read-write connection and commits every write in batches,
 * and keeps a small pool of read-only connections that range reads borrow
 * in GTask threads. lookout-store-private.h lists which file owns what.
 *
 * After each commit the writer wakes a GSource attached to the context the
 * store was opened on, which emits "committed" there. Closing stops the
 * writer (which commits what is queued first), then closes the readers and
 * last the writer's connection, which checkpoints the WAL into the file.
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lookout-fd-source.h"
#include "lookout-store-private.h"

#define BUSY_TIMEOUT_MS   5000
#define MAX_IDLE_READERS  4

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

/* ---- helpers shared by the store's files ---- */

gboolean
lookout_store_exec (sqlite3     *db,
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

gboolean
lookout_store_step_done (sqlite3_stmt  *stmt,
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

/* The writer thread sets the source's ready time to wake this context. */
static gboolean
committed_cb (gpointer user_data)
{
  LookoutStore *self = LOOKOUT_STORE (user_data);

  g_source_set_ready_time (self->committed_source, -1);
  emit_committed (self);
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
  lookout_store_writer_init (self);
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) store_db_free);
  self->retention.samples_ms = 30 * 86400 * G_GINT64_CONSTANT (1000);
  self->retention.minute_ms = 90 * 86400 * G_GINT64_CONSTANT (1000);
}

/* ---- opening ---- */

static LookoutStore *
store_open (const char    *path,
            GMainContext  *context,
            GError       **error)
{
  g_autoptr(LookoutStore) self = NULL;
  g_autofree char *dir = NULL;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (errsv));
      return NULL;
    }

  /* Owner-only from the start: the file lists everything watched and the
   * API's token hashes. SQLite gives its -wal and -shm files the same mode. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        g_close (fd, NULL);
    }

  self = g_object_new (LOOKOUT_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref (context);

  if (!store_db_open (&self->writer_db, path,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return NULL;

  /* Check what the file is before changing anything in it: a file that is
   * not a database or is newer than us is left exactly as it is. */
  if (!lookout_store_schema_check (self->writer_db.db, path, error) ||
      !lookout_store_exec (self->writer_db.db, "PRAGMA journal_mode = WAL", error) ||
      !lookout_store_exec (self->writer_db.db, "PRAGMA synchronous = NORMAL", error) ||
      !lookout_store_schema_migrate (self->writer_db.db, path, error))
    return NULL;

  self->committed_source = lookout_fd_source_new ("[lookout-store-committed]");
  g_source_set_callback (self->committed_source, committed_cb, self, NULL);
  g_source_attach (self->committed_source, self->context);

  lookout_store_writer_start (self);

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
  lookout_store_writer_stop (self);

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
