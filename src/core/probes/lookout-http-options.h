/* lookout-http-options.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_HTTP_OPTIONS_MAX_STATUS_RANGES 32

typedef struct
{
  guint lo;
  guint hi;
} LookoutHttpStatusRange;

/* The parsed options JSON of one HTTP target (the keys in design.md),
 * shared by its checks: a refcounted box, immutable once parsed. */
typedef struct
{
  char                   *method;
  LookoutHttpStatusRange  ranges[LOOKOUT_HTTP_OPTIONS_MAX_STATUS_RANGES];
  guint                   n_ranges;
  char                   *keyword;
  gsize                   keyword_len;
  gboolean                keyword_absent;
  guint                   max_redirects;
  gboolean                verify_tls;
  GPtrArray              *headers;        /* name, value, name, value, … */
  gsize                   body_cap;
  char                   *ca_file;        /* the only authorities trusted, or NULL */
  GBytes                 *request_body;   /* sent with the request, or NULL */
  char                   *content_type;   /* of request_body */
  GTlsDatabase           *ca_database;    /* read from ca_file */
  char                   *auth_user;      /* basic authentication, or NULL */
  char                   *auth_password;  /* given in the options, or NULL */
  char                   *auth_password_env;
  gboolean                auth_keyring;   /* the password is the target's run-time one */
} LookoutHttpOptions;

/* NULL with a LOOKOUT_TARGET_ERROR_INVALID_OPTIONS error saying what is
 * wrong; NULL or "" gives the defaults. Keys of other kinds are ignored.
 * A ca_file is read here (a few kilobytes, once per change of options). */
LookoutHttpOptions *lookout_http_options_parse             (const char               *json,
                                                            GError                  **error);
LookoutHttpOptions *lookout_http_options_ref               (LookoutHttpOptions       *options);
void                lookout_http_options_unref             (LookoutHttpOptions       *options);
/* TRUE when @status is in one of the accepted ranges. */
gboolean            lookout_http_options_accepts           (const LookoutHttpOptions *options,
                                                            guint                     status);
/* The accepted ranges as the "accept" option writes them: "200-299,404". */
char               *lookout_http_options_dup_accept_string (const LookoutHttpOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutHttpOptions, lookout_http_options_unref)

G_END_DECLS
