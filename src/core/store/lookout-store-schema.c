/* lookout-store-schema.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the schema is kept
 *
 * The file's schema version is PRAGMA user_version. Every table belongs to
 * one file of the store, which owns its migration steps
 * (lookout_store_<table>_migrate_<version>); the steps are applied here, in
 * the one ordered list below, inside a single IMMEDIATE transaction that
 * also sets the new user_version: a file is either fully migrated or left
 * as it was. Steps of one version run in list order, which is the order of
 * the tables in sqlite_master.
 *
 * A new step is appended at the end with the next version number; a step,
 * once released, is never changed, so that every file of a version has the
 * same schema. A file newer than this build, or that is no database at all,
 * is refused before anything is written to it.
 */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

static const struct
{
  int                      version;
  LookoutStoreMigrateFunc  migrate;
} migrations[] = {
  { 1, lookout_store_targets_migrate_1 },
  { 1, lookout_store_samples_migrate_1 },
  { 1, lookout_store_events_migrate_1 },
  { 1, lookout_store_geo_migrate_1 },
  { 2, lookout_store_anomalies_migrate_2 },
  { 3, lookout_store_chunks_migrate_3 },
  { 4, lookout_store_samples_migrate_4 },
  { 5, lookout_store_paths_migrate_5 },
  { 6, lookout_store_outbox_migrate_6 },
  { 7, lookout_store_tokens_migrate_7 },
  { 8, lookout_store_samples_migrate_8 },
  { 9, lookout_store_samples_migrate_9 },
};

#define SCHEMA_VERSION (migrations[G_N_ELEMENTS (migrations) - 1].version)

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
check_not_too_new (int          version,
                   const char  *path,
                   GError     **error)
{
  if (version <= SCHEMA_VERSION)
    return TRUE;

  g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_TOO_NEW,
               _("The database “%s” was written by a newer version of Lookout "
                 "(schema %d, this version knows up to %d)"),
               path, version, SCHEMA_VERSION);
  return FALSE;
}

int
lookout_store_schema_get_version (void)
{
  return SCHEMA_VERSION;
}

gboolean
lookout_store_schema_check (sqlite3     *db,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int version;

  if (!read_user_version (db, &version, &local_error))
    {
      if (g_error_matches (local_error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT))
        g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_CORRUPT,
                     _("“%s” is not a Lookout database or it is damaged: %s"),
                     path, sqlite3_errmsg (db));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return check_not_too_new (version, path, error);
}

gboolean
lookout_store_schema_migrate (sqlite3     *db,
                              const char  *path,
                              GError     **error)
{
  g_autofree char *set_version = NULL;
  int version;

  if (!lookout_store_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again inside the transaction: another process may have migrated. */
  if (!read_user_version (db, &version, error) ||
      !check_not_too_new (version, path, error))
    goto failed;

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].version <= version)
        continue;

      g_debug ("Migrating %s to schema %d, step %u", path, migrations[i].version, i);
      if (!migrations[i].migrate (db, error))
        goto failed;
    }

  if (version != SCHEMA_VERSION)
    {
      set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
      if (!lookout_store_exec (db, set_version, error))
        goto failed;
    }

  return lookout_store_exec (db, "COMMIT", error);

failed:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
