/* lookout-secrets.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "lookout-secrets.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    APPLICATION_ID ".Secret", SECRET_SCHEMA_NONE,
    {
      { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
secret_name (LookoutSecret secret)
{
  switch (secret)
    {
    case LOOKOUT_SECRET_TELEGRAM_TOKEN:
      return "telegram-token";
    case LOOKOUT_SECRET_WEBHOOK_HEADER:
      return "webhook-header";
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
secret_label (LookoutSecret secret)
{
  switch (secret)
    {
    case LOOKOUT_SECRET_TELEGRAM_TOKEN:
      return _("Lookout: Telegram bot token");
    case LOOKOUT_SECRET_WEBHOOK_HEADER:
      return _("Lookout: webhook header");
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *value;

  value = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, (GDestroyNotify) secret_password_free);
}

void
lookout_secret_lookup_named_async (const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_secret_lookup_async);
  secret_password_lookup (get_schema (), cancellable, looked_up_cb, g_steal_pointer (&task),
                          "name", name, NULL);
}

void
lookout_secret_lookup_async (LookoutSecret        secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (secret_name (secret) != NULL);

  lookout_secret_lookup_named_async (secret_name (secret), cancellable, callback, user_data);
}

char *
lookout_secret_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_autofree char *value = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  value = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Out of non-pageable memory into an ordinary string for the caller. */
  return value != NULL ? g_strdup (value) : NULL;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removing = GPOINTER_TO_INT (g_task_get_task_data (task));

  if (removing)
    {
      secret_password_clear_finish (result, &error);
      /* Nothing stored to remove is fine. */
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
lookout_secret_store_named_async (const char          *name,
                                  const char          *label,
                                  const char          *value,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean removing = value == NULL || value[0] == '\0';

  g_return_if_fail (name != NULL && label != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_secret_store_async);
  g_task_set_task_data (task, GINT_TO_POINTER (removing), NULL);

  if (removing)
    secret_password_clear (get_schema (), cancellable, stored_cb, g_steal_pointer (&task),
                           "name", name, NULL);
  else
    secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label,
                           value, cancellable, stored_cb, g_steal_pointer (&task),
                           "name", name, NULL);
}

void
lookout_secret_store_async (LookoutSecret        secret,
                            const char          *value,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (secret_name (secret) != NULL);

  lookout_secret_store_named_async (secret_name (secret), secret_label (secret), value,
                                    cancellable, callback, user_data);
}

gboolean
lookout_secret_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
