/* lookout-auth-secrets.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-auth-secrets"

#include "config.h"

#include <json-glib/json-glib.h>

#include "lookout-auth-secrets.h"
#include "lookout-secrets.h"

static JsonObject *
dup_options (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, lookout_target_get_options (target), -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

gboolean
lookout_auth_secret_wanted (LookoutTarget *target)
{
  g_autoptr(JsonObject) options = NULL;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  options = dup_options (target);
  return options != NULL &&
         json_object_has_member (options, "basic_auth_user") &&
         json_object_get_boolean_member_with_default (options, "basic_auth_keyring", FALSE);
}

char *
lookout_auth_secret_name (LookoutTarget *target)
{
  g_autoptr(JsonObject) options = NULL;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  options = dup_options (target);
  return g_strdup_printf ("basic-auth:%s@%s",
                          options != NULL ? json_object_get_string_member_with_default (options, "basic_auth_user", "")
                                          : "",
                          lookout_target_get_uri_string (target));
}

static void
password_found_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LookoutTarget) target = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = lookout_secret_lookup_finish (result, &error);

  /* Without it the target's check says the keyring did not give it. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The password of %s is not available from the keyring: %s",
               lookout_target_get_uri_string (target), error->message);
  if (password != NULL && lookout_target_get_auth_password (target) == NULL)
    lookout_target_set_auth_password (target, password);
}

static void
targets_changed_cb (GListModel   *targets,
                    guint         position,
                    guint         removed,
                    guint         added,
                    GCancellable *cancellable)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      g_autofree char *name = NULL;

      if (lookout_target_get_auth_password (target) != NULL || !lookout_auth_secret_wanted (target))
        continue;
      name = lookout_auth_secret_name (target);
      lookout_secret_lookup_named_async (name, cancellable, password_found_cb, g_object_ref (target));
    }
}

static void
drop_cancellable (gpointer  data,
                  GClosure *closure)
{
  g_clear_object (&data);
}

void
lookout_auth_secrets_watch (LookoutMonitor *monitor,
                            GCancellable   *cancellable)
{
  GListModel *targets;

  g_return_if_fail (LOOKOUT_IS_MONITOR (monitor));

  targets = lookout_monitor_get_targets (monitor);
  g_signal_connect_data (targets, "items-changed", G_CALLBACK (targets_changed_cb),
                         cancellable != NULL ? g_object_ref (cancellable) : NULL,
                         drop_cancellable, 0);
  targets_changed_cb (targets, 0, 0, g_list_model_get_n_items (targets), cancellable);
}
