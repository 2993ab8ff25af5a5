/* lookout-api-tokens.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-store.h"

G_BEGIN_DECLS

#define LOOKOUT_API_ERROR (lookout_api_error_quark ())

typedef enum
{
  LOOKOUT_API_ERROR_INVALID,        /* a bad name, scope, address or parameter */
  LOOKOUT_API_ERROR_TLS_REQUIRED,   /* listening beyond loopback without TLS */
  LOOKOUT_API_ERROR_TLS,            /* a certificate could not be made or read */
} LookoutApiError;

typedef enum
{
  LOOKOUT_API_SCOPE_READ    = 1 << 0,
  LOOKOUT_API_SCOPE_WRITE   = 1 << 1,
  LOOKOUT_API_SCOPE_METRICS = 1 << 2,
  LOOKOUT_API_SCOPE_AGENT   = 1 << 3,
} LookoutApiScope;

#define LOOKOUT_API_TOKEN_PREFIX "lookout_"

#define LOOKOUT_TYPE_API_TOKENS (lookout_api_tokens_get_type ())

G_DECLARE_FINAL_TYPE (LookoutApiTokens, lookout_api_tokens, LOOKOUT, API_TOKENS, GObject)

GQuark            lookout_api_error_quark       (void);

/* "read,metrics" (commas or spaces) -> flags; a readable error names an
 * unknown scope. */
gboolean          lookout_api_scopes_parse      (const char        *text,
                                                 LookoutApiScope   *out_scopes,
                                                 GError           **error);
/* "read,write,metrics,agent" order. */
char             *lookout_api_scopes_to_string  (LookoutApiScope    scopes);

/* Tokens kept in @store's api_tokens table, as SHA-256 hashes only. */
LookoutApiTokens *lookout_api_tokens_new        (LookoutStore      *store);
/* Makes a token of 32 random bytes and returns its text
 * ("lookout_" and 64 hex digits), which is shown once and never stored. */
char             *lookout_api_tokens_create     (LookoutApiTokens  *self,
                                                 const char        *name,
                                                 LookoutApiScope    scopes,
                                                 GError           **error);
/* A GArray of LookoutStoredToken. */
GArray           *lookout_api_tokens_list       (LookoutApiTokens  *self,
                                                 GError           **error);
gboolean          lookout_api_tokens_revoke     (LookoutApiTokens  *self,
                                                 const char        *name,
                                                 GError           **error);
/* Whether @secret is a stored token; compares every stored hash in constant
 * time. Notes the use (at most once a minute per token). */
gboolean          lookout_api_tokens_verify     (LookoutApiTokens  *self,
                                                 const char        *secret,
                                                 LookoutApiScope   *out_scopes,
                                                 char             **out_name);

G_END_DECLS
