/* lookout-store-tokens.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The api_tokens table of LookoutStore: one row per API token, holding its
 * SHA-256 hash, never the secret. The table comes with the schema (its own
 * migration step); older builds made it with the first token written, with
 * the same definition, so the step keeps a table that is there already. A
 * file opened read-only is not migrated: a read of one without the table
 * sees no tokens. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-store-private.h"

#define CREATE_TABLE \
  "CREATE TABLE IF NOT EXISTS api_tokens (" \
  "  name TEXT PRIMARY KEY," \
  "  scopes TEXT NOT NULL," \
  "  hash TEXT NOT NULL UNIQUE," \
  "  created_ms INTEGER NOT NULL," \
  "  last_used_ms INTEGER NOT NULL DEFAULT 0" \
  ")"

typedef enum
{
  TOKEN_INSERT,
  TOKEN_DELETE,
  TOKEN_TOUCH,
} TokenOp;

typedef struct
{
  TokenOp  op;
  char    *name;
  char    *scopes;
  char    *hash;
  gint64   ms;
  gboolean changed;
} TokenRow;

static void
token_row_free (TokenRow *row)
{
  g_free (row->name);
  g_free (row->scopes);
  g_free (row->hash);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenRow, token_row_free)

gboolean
lookout_store_tokens_migrate_7 (sqlite3  *db,
                                GError  **error)
{
  return lookout_store_exec (db, CREATE_TABLE, error);
}

void
lookout_stored_token_clear (LookoutStoredToken *token)
{
  g_clear_pointer (&token->name, g_free);
  g_clear_pointer (&token->scopes, g_free);
  g_clear_pointer (&token->hash, g_free);
}

static gboolean
token_write (LookoutStoreDb  *db,
             gpointer         data,
             GError         **error)
{
  TokenRow *row = data;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sql;
  int rc;

  switch (row->op)
    {
    case TOKEN_INSERT:
      sql = "INSERT OR IGNORE INTO api_tokens (name, scopes, hash, created_ms) VALUES (?1, ?2, ?3, ?4)";
      break;
    case TOKEN_DELETE:
      sql = "DELETE FROM api_tokens WHERE name = ?1";
      break;
    case TOKEN_TOUCH:
      sql = "UPDATE api_tokens SET last_used_ms = ?4 WHERE name = ?1 AND last_used_ms < ?4";
      break;
    default:
      g_assert_not_reached ();
    }

  rc = sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      lookout_store_set_error (error, db->db, rc, "prepare token statement");
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, row->name, -1, SQLITE_STATIC);
  if (row->op == TOKEN_INSERT)
    {
      sqlite3_bind_text (stmt, 2, row->scopes, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, row->hash, -1, SQLITE_STATIC);
    }
  if (row->op != TOKEN_DELETE)
    sqlite3_bind_int64 (stmt, 4, row->ms);

  if (!lookout_store_step_done (stmt, "write token", error))
    return FALSE;

  row->changed = sqlite3_changes (db->db) > 0;
  return TRUE;
}

static void
token_complete (GTask    *task,
                gpointer  data)
{
  TokenRow *row = data;

  g_task_return_boolean (task, TRUE);
  g_object_set_data (G_OBJECT (task), "changed", GINT_TO_POINTER (row->changed));
}

static void
sync_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Queues @row and waits for its commit on a private main context. */
static gboolean
token_write_sync (LookoutStore  *self,
                  TokenRow      *row,
                  gboolean      *out_changed,
                  GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTask) task = NULL;

  g_main_context_push_thread_default (context);
  task = g_task_new (self, NULL, sync_result_cb, &result);
  g_task_set_source_tag (task, token_write_sync);
  /* the row outlives the write: token_complete reads it */
  lookout_store_queue_write (self, token_write, token_complete, row, NULL, task);
  g_clear_object (&task);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  *out_changed = row->changed;
  return TRUE;
}

gboolean
lookout_store_insert_token_sync (LookoutStore  *self,
                                 const char    *name,
                                 const char    *scopes,
                                 const char    *hash,
                                 gint64         created_ms,
                                 GError       **error)
{
  g_autoptr(TokenRow) row = g_new0 (TokenRow, 1);
  gboolean changed = FALSE;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL && scopes != NULL && hash != NULL, FALSE);

  row->op = TOKEN_INSERT;
  row->name = g_strdup (name);
  row->scopes = g_strdup (scopes);
  row->hash = g_strdup (hash);
  row->ms = created_ms;
  if (!token_write_sync (self, row, &changed, error))
    return FALSE;
  if (!changed)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_QUERY,
                   _("A token named “%s” already exists"), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
lookout_store_delete_token_sync (LookoutStore  *self,
                                 const char    *name,
                                 GError       **error)
{
  g_autoptr(TokenRow) row = g_new0 (TokenRow, 1);
  gboolean changed = FALSE;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  row->op = TOKEN_DELETE;
  row->name = g_strdup (name);
  if (!token_write_sync (self, row, &changed, error))
    return FALSE;
  if (!changed)
    {
      g_set_error (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND,
                   _("There is no token named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

static void
touch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot note a token's use: %s", error->message);
}

void
lookout_store_touch_token (LookoutStore *self,
                           const char   *name,
                           gint64        used_ms)
{
  g_autoptr(GTask) task = NULL;
  TokenRow *row;

  g_return_if_fail (LOOKOUT_IS_STORE (self));
  g_return_if_fail (name != NULL);

  row = g_new0 (TokenRow, 1);
  row->op = TOKEN_TOUCH;
  row->name = g_strdup (name);
  row->ms = used_ms;
  task = g_task_new (self, NULL, touch_done_cb, NULL);
  g_task_set_source_tag (task, lookout_store_touch_token);
  lookout_store_queue_write (self, token_write, token_complete, row,
                             (GDestroyNotify) token_row_free, task);
}

GArray *
lookout_store_list_tokens_sync (LookoutStore  *self,
                                GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) tokens = NULL;
  LookoutStoreDb *db;
  int rc;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), NULL);

  if (!(db = lookout_store_acquire_reader (self, error)))
    return NULL;

  tokens = g_array_new (FALSE, TRUE, sizeof (LookoutStoredToken));
  g_array_set_clear_func (tokens, (GDestroyNotify) lookout_stored_token_clear);

  rc = sqlite3_prepare_v2 (db->db,
                           "SELECT name, scopes, hash, created_ms, last_used_ms"
                           " FROM api_tokens ORDER BY created_ms, name",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      gboolean no_table = sqlite3_strglob ("no such table:*", sqlite3_errmsg (db->db)) == 0;

      if (!no_table)
        lookout_store_set_error (error, db->db, rc, "prepare tokens query");
      lookout_store_release_reader (self, db);
      return no_table ? g_steal_pointer (&tokens) : NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LookoutStoredToken token = {
        .name = g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
        .scopes = g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        .hash = g_strdup ((const char *) sqlite3_column_text (stmt, 2)),
        .created_ms = sqlite3_column_int64 (stmt, 3),
        .last_used_ms = sqlite3_column_int64 (stmt, 4),
      };

      g_array_append_val (tokens, token);
    }
  if (rc != SQLITE_DONE)
    {
      lookout_store_set_error (error, db->db, rc, "read tokens");
      g_clear_pointer (&stmt, sqlite3_finalize);
      lookout_store_release_reader (self, db);
      return NULL;
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  lookout_store_release_reader (self, db);
  return g_steal_pointer (&tokens);
}
