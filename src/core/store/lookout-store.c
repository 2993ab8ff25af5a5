/* lookout-store.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the store works
 *
 * One SQLite file in WAL mode, synchronous=NORMAL, 1 KB pages when new
 * (NEW_FILE_PAGE_SIZE). This file is the object
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
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lookout-fd-source.h"
#include "lookout-store-private.h"

#define BUSY_TIMEOUT_MS   5000
#define MAX_IDLE_READERS  4
/* The WAL is truncated back to this once it has been checkpointed. */
#define JOURNAL_SIZE_LIMIT 4194304
/* For a new file (an existing one keeps its own). A commit appends a
 * second's results to the log and the WAL carries whole pages: with small
 * pages it writes about what it adds, not 4 KB and the pages that point to
 * it (bench-store-chunks: written bytes per result). */
#define NEW_FILE_PAGE_SIZE 1024

enum {
  PROP_0,
  PROP_PATH,
  PROP_SAVING,
  PROP_SAVING_PROBLEM,
  PROP_SAVING_PROBLEM_SINCE,
  PROP_N_DROPPED,
  PROP_N_WRITTEN_LATE,
  PROP_MIGRATION_PROGRESS,
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

gboolean
lookout_store_db_open_own (LookoutStore    *self,
                           LookoutStoreDb  *db,
                           GError         **error)
{
  return store_db_open (db, self->path, SQLITE_OPEN_READWRITE, error);
}

void
lookout_store_db_close_own (LookoutStoreDb *db)
{
  store_db_close (db);
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

/* Late results are announced before "saving" turns TRUE, so that a
 * handler of notify::saving reads how many waited. */
static void
emit_saving (LookoutStore *self)
{
  g_autofree char *problem = NULL;
  gint64 since_ms;
  guint64 dropped, late;

  lookout_store_writer_get_saving (self, &problem, &since_ms, &dropped, &late);

  g_object_freeze_notify (G_OBJECT (self));
  if (dropped != self->shown_dropped)
    {
      self->shown_dropped = dropped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
    }
  if (late != self->shown_late)
    {
      self->shown_late = late;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WRITTEN_LATE]);
    }
  if (since_ms != self->shown_since_ms)
    {
      self->shown_since_ms = since_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING_PROBLEM_SINCE]);
    }
  if (g_strcmp0 (problem, self->shown_problem) != 0)
    {
      gboolean was_saving = self->shown_problem == NULL;

      g_free (self->shown_problem);
      self->shown_problem = g_steal_pointer (&problem);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING_PROBLEM]);
      if (was_saving != (self->shown_problem == NULL))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The writer thread sets the source's ready time to wake this context. */
static gboolean
committed_cb (gpointer user_data)
{
  LookoutStore *self = LOOKOUT_STORE (user_data);

  g_source_set_ready_time (self->committed_source, -1);
  emit_saving (self);
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
  g_clear_pointer (&self->retry_batch, g_array_unref);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->shown_problem, g_free);
  lookout_store_head_free (self);
  g_clear_pointer (&self->migration, g_free);
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
    case PROP_SAVING:
      g_value_set_boolean (value, lookout_store_get_saving (self));
      break;
    case PROP_SAVING_PROBLEM:
      g_value_set_string (value, self->shown_problem);
      break;
    case PROP_SAVING_PROBLEM_SINCE:
      g_value_set_int64 (value, self->shown_since_ms);
      break;
    case PROP_N_DROPPED:
      g_value_set_uint64 (value, self->shown_dropped);
      break;
    case PROP_N_WRITTEN_LATE:
      g_value_set_uint64 (value, self->shown_late);
      break;
    case PROP_MIGRATION_PROGRESS:
      g_value_set_double (value, self->migration_progress);
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

  /* The saving state, as announced on the context the store was opened on. */
  properties[PROP_SAVING] =
    g_param_spec_boolean ("saving", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SAVING_PROBLEM] =
    g_param_spec_string ("saving-problem", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SAVING_PROBLEM_SINCE] =
    g_param_spec_int64 ("saving-problem-since", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_WRITTEN_LATE] =
    g_param_spec_uint64 ("n-written-late", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * LookoutStore:migration-progress:
   *
   * How far moving an older file's samples into chunks has got, from 0 to
   * 1; 1 when there was nothing to move. Notified on the store's context.
   */
  properties[PROP_MIGRATION_PROGRESS] =
    g_param_spec_double ("migration-progress", NULL, NULL,
                         0.0, 1.0, 1.0,
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
  self->lock_fd = -1;
  lookout_store_head_init (self);
  self->migration_progress = 1.0;
  self->idle_readers = g_ptr_array_new_with_free_func ((GDestroyNotify) store_db_free);
  self->retention.samples_ms = 30 * 86400 * G_GINT64_CONSTANT (1000);
  self->retention.minute_ms = 90 * 86400 * G_GINT64_CONSTANT (1000);
}

/* ---- opening ---- */

/* Mode bits as well as access(): root may write anywhere, but a file or
 * folder its owner made read-only is still not one Lookout should change. */
static gboolean
is_writable (const char *path)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return TRUE;

  return (st.st_mode & 0222) != 0 && g_access (path, W_OK) == 0;
}

static gboolean
check_writable (const char  *path,
                const char  *dir,
                GError     **error)
{
  if (!is_writable (dir))
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY,
                   _("The folder “%s” of the database is read-only: Lookout needs to "
                     "write its journal and lock files there"),
                   dir);
      return FALSE;
    }

  if (!is_writable (path))
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY,
                   _("The database “%s” is read-only: Lookout needs to write to it"),
                   path);
      return FALSE;
    }

  return TRUE;
}

/* PATH.lock holds "PID PROGRAM\n" of the process that holds its flock(). */
static gboolean
store_lock (LookoutStore  *self,
            GError       **error)
{
  g_autofree char *lock_path = g_strconcat (self->path, ".lock", NULL);
  g_autofree char *owner = NULL;
  int fd;

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, LOOKOUT_STORE_ERROR,
                   errsv == EACCES || errsv == EROFS || errsv == EPERM
                     ? LOOKOUT_STORE_ERROR_READ_ONLY : LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not create the lock file “%s”: %s"),
                   lock_path, g_strerror (errsv));
      return FALSE;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;
      char buf[256] = { 0 };
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      char *name = NULL;
      gint64 pid = 0;

      close (fd);
      if (errsv != EWOULDBLOCK)
        {
          g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                       _("Could not lock “%s”: %s"), lock_path, g_strerror (errsv));
          return FALSE;
        }

      if (n > 0)
        {
          pid = g_ascii_strtoll (buf, &name, 10);
          g_strstrip (name);
        }
      if (pid > 0 && name != NULL && name[0] != '\0')
        g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED,
                     _("The database “%s” is already monitored by %s (process %d); "
                       "only one process can monitor a database at a time"),
                     self->path, name, (int) pid);
      else
        g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED,
                     _("The database “%s” is already monitored by another process; "
                       "only one process can monitor a database at a time"),
                     self->path);
      return FALSE;
    }

  owner = g_strdup_printf ("%d %s\n", (int) getpid (),
                           g_get_prgname () != NULL ? g_get_prgname () : "lookout");
  if (ftruncate (fd, 0) != 0 || pwrite (fd, owner, strlen (owner), 0) < 0)
    {
      int errsv = errno;

      close (fd);
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not write the lock file “%s”: %s"),
                   lock_path, g_strerror (errsv));
      return FALSE;
    }

  self->lock_fd = fd;
  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           gint64      *out_value,
           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      lookout_store_set_error (error, db, rc, sql);
      return FALSE;
    }

  *out_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Whether the file is Lookout's, before anything writes to it: marked with
 * our application_id, empty (new), or a Lookout database from before the
 * mark (its tables and a user_version), which *out_mark says to mark. */
static gboolean
check_identity (sqlite3     *db,
                const char  *path,
                gboolean    *out_mark,
                GError     **error)
{
  gint64 app_id, n_objects, version, n_ours;

  *out_mark = FALSE;
  if (!query_int (db, "PRAGMA application_id", &app_id, error))
    return FALSE;
  if (app_id == LOOKOUT_STORE_APPLICATION_ID)
    return TRUE;

  if (app_id != 0)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_FOREIGN,
                   _("“%s” is not a Lookout database: it belongs to another application "
                     "(application id 0x%08X); Lookout leaves it unchanged"),
                   path, (guint32) app_id);
      return FALSE;
    }

  if (!query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects, error) ||
      !query_int (db, "PRAGMA user_version", &version, error) ||
      !query_int (db, "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                      "  AND name IN ('targets', 'events', 'rollup_minute'))"
                      " + (SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table'"
                      "  AND name IN ('samples', 'sample_chunks'))", &n_ours, error))
    return FALSE;

  /* Samples are in the row table before schema 3, in chunks after it. */
  if (n_objects == 0 || (version > 0 && n_ours == 4))
    {
      *out_mark = TRUE;
      return TRUE;
    }

  g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_FOREIGN,
               _("“%s” is not a Lookout database: it is an SQLite database with "
                 "other tables; Lookout leaves it unchanged"),
               path);
  return FALSE;
}

static LookoutStore *
store_open (const char    *path,
            GMainContext  *context,
            GError       **error)
{
  g_autoptr(LookoutStore) self = NULL;
  g_autofree char *dir = NULL;
  gboolean mark = FALSE;

  if (path[0] == '\0')
    {
      g_set_error_literal (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                           _("The path of the database is empty"));
      return NULL;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_OPEN,
                   _("Could not create the folder “%s”: %s"),
                   dir, g_strerror (errsv));
      return NULL;
    }

  if (!check_writable (path, dir, error))
    return NULL;
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

  if (!store_lock (self, error) ||
      !store_db_open (&self->writer_db, path,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return NULL;

  if (sqlite3_db_readonly (self->writer_db.db, "main") == 1)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_READ_ONLY,
                   _("The database “%s” is read-only: Lookout needs to write to it"),
                   path);
      return NULL;
    }

  /* Check what the file is before changing anything in it: a file that is
   * not a database, not Lookout's, or newer than us is left exactly as it
   * is. */
  if (!lookout_store_schema_check (self->writer_db.db, path, error) ||
      !check_identity (self->writer_db.db, path, &mark, error) ||
      !lookout_store_exec (self->writer_db.db, "PRAGMA page_size = " G_STRINGIFY (NEW_FILE_PAGE_SIZE), error) ||
      !lookout_store_exec (self->writer_db.db, "PRAGMA journal_mode = WAL", error) ||
      !lookout_store_exec (self->writer_db.db, "PRAGMA synchronous = NORMAL", error) ||
      !lookout_store_exec (self->writer_db.db,
                           "PRAGMA journal_size_limit = " G_STRINGIFY (JOURNAL_SIZE_LIMIT), error) ||
      !lookout_store_schema_migrate (self->writer_db.db, path, error) ||
      !lookout_store_head_load (self, &self->writer_db, error))
    return NULL;

  if (mark)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d",
                                              (int) LOOKOUT_STORE_APPLICATION_ID);

      if (!lookout_store_exec (self->writer_db.db, sql, error))
        return NULL;
    }

  self->committed_source = lookout_fd_source_new ("[lookout-store-committed]");
  g_source_set_callback (self->committed_source, committed_cb, self, NULL);
  g_source_attach (self->committed_source, self->context);

  lookout_store_writer_start (self);
  lookout_store_migration_start (self);
  lookout_store_recount_start (self);
  lookout_store_place_recount_start (self);

  return g_steal_pointer (&self);
}

/* For reading the history of a database another process monitors: no
 * lock, no migration, no writer; every write fails with READ_ONLY. */
static LookoutStore *
store_open_read_only (const char    *path,
                      GMainContext  *context,
                      GError       **error)
{
  g_autoptr(LookoutStore) self = NULL;
  gboolean mark = FALSE;

  self = g_object_new (LOOKOUT_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref (context);
  self->read_only = TRUE;
  self->closed = TRUE;

  /* The results not yet sealed into chunks are read from the log too. */
  if (!store_db_open (&self->writer_db, path, SQLITE_OPEN_READONLY, error) ||
      !lookout_store_schema_check (self->writer_db.db, path, error) ||
      !check_identity (self->writer_db.db, path, &mark, error) ||
      !lookout_store_head_load (self, &self->writer_db, error))
    return NULL;
  lookout_store_place_recount_start (self);

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

  if (g_task_get_source_tag (task) == lookout_store_open_read_only_async)
    self = store_open_read_only (path, g_task_get_context (task), &error);
  else
    self = store_open (path, g_task_get_context (task), &error);
  if (self == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, self, g_object_unref);
}

static void
open_in_thread (const char          *path,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

void
lookout_store_open_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  open_in_thread (path, lookout_store_open_async, cancellable, callback, user_data);
}

void
lookout_store_open_read_only_async (const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  open_in_thread (path, lookout_store_open_read_only_async, cancellable, callback, user_data);
}

LookoutStore *
lookout_store_open_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_store_open_async ||
                        g_task_get_source_tag (G_TASK (result)) == lookout_store_open_read_only_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

LookoutStore *
lookout_store_open_read_only_sync (const char    *path,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return store_open_read_only (path, g_main_context_ref_thread_default (), error);
}

gboolean
lookout_store_get_read_only (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);

  return self->read_only;
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
  lookout_store_recount_stop (self);
  lookout_store_migration_stop (self);
  lookout_store_writer_stop (self);

  /* Readers first: the last connection to close checkpoints the WAL into
   * the file and removes it, which only a read-write connection can do. */
  g_mutex_lock (&self->readers_lock);
  self->readers_closed = TRUE;
  g_ptr_array_set_size (self->idle_readers, 0);
  g_mutex_unlock (&self->readers_lock);

  store_db_close (&self->writer_db);

  /* Last: the next process may open the file once everything is written. */
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }

  if (self->committed_source != NULL)
    {
      g_source_destroy (self->committed_source);
      g_clear_pointer (&self->committed_source, g_source_unref);

      /* The last commit is announced even if its source had no time to run. */
      if (emit && g_main_context_acquire (self->context))
        {
          emit_saving (self);
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

/* ---- migration progress (the work is in lookout-store-migrate.c) ---- */

typedef struct
{
  GWeakRef store;
  double   progress;
} ProgressUpdate;

static void
progress_update_free (ProgressUpdate *u)
{
  g_weak_ref_clear (&u->store);
  g_free (u);
}

static gboolean
progress_update_cb (gpointer user_data)
{
  ProgressUpdate *u = user_data;
  g_autoptr(LookoutStore) self = g_weak_ref_get (&u->store);

  if (self != NULL && self->migration_progress != u->progress)
    {
      self->migration_progress = u->progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIGRATION_PROGRESS]);
    }

  return G_SOURCE_REMOVE;
}

/* Any thread. */
void
lookout_store_set_migration_progress (LookoutStore *self,
                                      double        progress)
{
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);
  GSource *source = g_idle_source_new ();

  g_weak_ref_init (&u->store, self);
  u->progress = progress;

  /* Always through the context's loop: g_main_context_invoke() would run
   * the callback right here, on this thread, when no one holds the
   * context. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_update_cb, u, (GDestroyNotify) progress_update_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

double
lookout_store_get_migration_progress (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 1.0);

  return self->migration_progress;
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

/* ---- saving state ---- */

gboolean
lookout_store_get_saving (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);

  return self->shown_problem == NULL;
}

const char *
lookout_store_get_saving_problem (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  return self->shown_problem;
}

gint64
lookout_store_get_saving_problem_since (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);

  return self->shown_since_ms;
}

guint64
lookout_store_get_n_dropped (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);

  return self->shown_dropped;
}

guint64
lookout_store_get_n_written_late (LookoutStore *self)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (self), 0);

  return self->shown_late;
}
