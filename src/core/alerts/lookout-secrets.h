/* lookout-secrets.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the desktop app keeps in the keyring (libsecret), never in
 * GSettings or the database. The agent reads the same values from its key
 * file instead. */
typedef enum
{
  LOOKOUT_SECRET_TELEGRAM_TOKEN,
  LOOKOUT_SECRET_WEBHOOK_HEADER,
} LookoutSecret;

/* Finishes with the value, or NULL (and no error) when none is stored. */
void      lookout_secret_lookup_async   (LookoutSecret         secret,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char     *lookout_secret_lookup_finish  (GAsyncResult         *result,
                                         GError              **error);
/* Stores @value; NULL or "" removes the secret. */
void      lookout_secret_store_async    (LookoutSecret         secret,
                                         const char           *value,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  lookout_secret_store_finish   (GAsyncResult         *result,
                                         GError              **error);

/* The same for a secret of a channel of its own ("webhook-header:ops",
 * "telegram-token:oncall"), labelled @label in the keyring. */
void      lookout_secret_lookup_named_async (const char        *name,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
void      lookout_secret_store_named_async  (const char        *name,
                                         const char           *label,
                                         const char           *value,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);

G_END_DECLS
