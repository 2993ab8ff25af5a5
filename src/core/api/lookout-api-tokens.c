/* lookout-api-tokens.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A token is 32 bytes from the system's random source, shown once as
 * "lookout_" + 64 hex digits. The store keeps the SHA-256 of that text in
 * hex. A presented token is hashed and compared with every stored hash,
 * each comparison touching every byte, so neither the time taken nor the
 * order of the rows tells how close a guess came. The rows are read for
 * each check, so a token revoked from the command line stops working at
 * once in a running server. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-tokens.h"

#define SECRET_BYTES 32
#define MAX_NAME_LEN 64
#define TOUCH_INTERVAL_MS (60 * 1000)

struct _LookoutApiTokens
{
  GObject       parent_instance;

  LookoutStore *store;
  GHashTable   *touched;      /* name -> last noted use, ms */
};

G_DEFINE_FINAL_TYPE (LookoutApiTokens, lookout_api_tokens, G_TYPE_OBJECT)

G_DEFINE_QUARK (lookout-api-error-quark, lookout_api_error)

static const struct
{
  LookoutApiScope  scope;
  const char      *name;
} scope_names[] = {
  { LOOKOUT_API_SCOPE_READ, "read" },
  { LOOKOUT_API_SCOPE_WRITE, "write" },
  { LOOKOUT_API_SCOPE_METRICS, "metrics" },
  { LOOKOUT_API_SCOPE_AGENT, "agent" },
};

gboolean
lookout_api_scopes_parse (const char       *text,
                          LookoutApiScope  *out_scopes,
                          GError          **error)
{
  g_auto(GStrv) words = NULL;
  LookoutApiScope scopes = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  words = g_strsplit_set (text, ", ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean known = FALSE;

      if (words[i][0] == '\0')
        continue;
      for (guint j = 0; j < G_N_ELEMENTS (scope_names); j++)
        {
          if (g_str_equal (words[i], scope_names[j].name))
            {
              scopes |= scope_names[j].scope;
              known = TRUE;
            }
        }
      if (!known)
        {
          g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                       _("Unknown scope “%s”: a token’s scopes are read, write, metrics and agent"),
                       words[i]);
          return FALSE;
        }
    }

  if (scopes == 0)
    {
      g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("A token needs at least one scope: read, write, metrics or agent"));
      return FALSE;
    }

  *out_scopes = scopes;
  return TRUE;
}

char *
lookout_api_scopes_to_string (LookoutApiScope scopes)
{
  GString *out = g_string_new (NULL);

  for (guint j = 0; j < G_N_ELEMENTS (scope_names); j++)
    {
      if ((scopes & scope_names[j].scope) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, scope_names[j].name);
    }

  return g_string_free (out, FALSE);
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_NAME_LEN)
    {
      g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                   _("A token’s name must have between 1 and %d characters"), MAX_NAME_LEN);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        {
          g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                               _("A token’s name may only use letters, digits, “-”, “_” and “.”"));
          return FALSE;
        }
    }
  return TRUE;
}

static void
lookout_api_tokens_finalize (GObject *object)
{
  LookoutApiTokens *self = LOOKOUT_API_TOKENS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->touched, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_api_tokens_parent_class)->finalize (object);
}

static void
lookout_api_tokens_class_init (LookoutApiTokensClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lookout_api_tokens_finalize;
}

static void
lookout_api_tokens_init (LookoutApiTokens *self)
{
  self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

LookoutApiTokens *
lookout_api_tokens_new (LookoutStore *store)
{
  LookoutApiTokens *self;

  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);

  self = g_object_new (LOOKOUT_TYPE_API_TOKENS, NULL);
  self->store = g_object_ref (store);
  return self;
}

static char *
hash_secret (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

static gboolean
random_bytes (guint8  *buf,
              gsize    len,
              GError **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GFile) file = g_file_new_for_path ("/dev/urandom");
  gsize got = 0;

  stream = G_INPUT_STREAM (g_file_read (file, NULL, error));
  if (stream == NULL)
    return FALSE;
  if (!g_input_stream_read_all (stream, buf, len, &got, NULL, error))
    return FALSE;
  if (got != len)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The system’s random source ran dry"));
      return FALSE;
    }
  return TRUE;
}

char *
lookout_api_tokens_create (LookoutApiTokens  *self,
                           const char        *name,
                           LookoutApiScope    scopes,
                           GError           **error)
{
  guint8 buf[SECRET_BYTES];
  g_autoptr(GString) secret = g_string_new (LOOKOUT_API_TOKEN_PREFIX);
  g_autofree char *hash = NULL;
  g_autofree char *scope_text = NULL;

  g_return_val_if_fail (LOOKOUT_IS_API_TOKENS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!validate_name (name, error))
    return NULL;
  if (scopes == 0)
    {
      g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("A token needs at least one scope: read, write, metrics or agent"));
      return NULL;
    }
  if (!random_bytes (buf, sizeof buf, error))
    return NULL;

  for (guint i = 0; i < sizeof buf; i++)
    g_string_append_printf (secret, "%02x", buf[i]);
  memset (buf, 0, sizeof buf);

  hash = hash_secret (secret->str);
  scope_text = lookout_api_scopes_to_string (scopes);
  if (!lookout_store_insert_token_sync (self->store, name, scope_text, hash,
                                        g_get_real_time () / 1000, error))
    return NULL;

  return g_string_free (g_steal_pointer (&secret), FALSE);
}

GArray *
lookout_api_tokens_list (LookoutApiTokens  *self,
                         GError           **error)
{
  g_return_val_if_fail (LOOKOUT_IS_API_TOKENS (self), NULL);

  return lookout_store_list_tokens_sync (self->store, error);
}

gboolean
lookout_api_tokens_revoke (LookoutApiTokens  *self,
                           const char        *name,
                           GError           **error)
{
  g_return_val_if_fail (LOOKOUT_IS_API_TOKENS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  g_hash_table_remove (self->touched, name);
  return lookout_store_delete_token_sync (self->store, name, error);
}

/* Both are 64 hex digits; a stored hash of another length never matches,
 * and the comparison still runs over @a's length. */
static gboolean
equal_in_constant_time (const char *a,
                        const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) (i < lb ? b[i] : 0);

  return diff == 0;
}

gboolean
lookout_api_tokens_verify (LookoutApiTokens  *self,
                           const char        *secret,
                           LookoutApiScope   *out_scopes,
                           char             **out_name)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  const LookoutStoredToken *match = NULL;
  LookoutApiScope scopes = 0;
  gint64 now_ms;
  gpointer last;

  g_return_val_if_fail (LOOKOUT_IS_API_TOKENS (self), FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);

  tokens = lookout_store_list_tokens_sync (self->store, &error);
  if (tokens == NULL)
    {
      g_warning ("Cannot read the API tokens: %s", error->message);
      return FALSE;
    }

  hash = hash_secret (secret);
  for (guint i = 0; i < tokens->len; i++)
    {
      const LookoutStoredToken *token = &g_array_index (tokens, LookoutStoredToken, i);

      if (equal_in_constant_time (hash, token->hash) && match == NULL)
        match = token;
    }
  if (match == NULL)
    return FALSE;

  /* a scope this build does not know is ignored, not an error */
  if (!lookout_api_scopes_parse (match->scopes, &scopes, NULL))
    scopes = 0;

  now_ms = g_get_real_time () / 1000;
  last = g_hash_table_lookup (self->touched, match->name);
  if (last == NULL || now_ms - GPOINTER_TO_SIZE (last) >= TOUCH_INTERVAL_MS)
    {
      g_hash_table_insert (self->touched, g_strdup (match->name), GSIZE_TO_POINTER (now_ms));
      lookout_store_touch_token (self->store, match->name, now_ms);
    }

  if (out_scopes != NULL)
    *out_scopes = scopes;
  if (out_name != NULL)
    *out_name = g_strdup (match->name);
  return TRUE;
}
