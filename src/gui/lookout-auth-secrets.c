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

/* A keyring that waits for the user to unlock it holds the checks back
 * this long at most; the passwords still arrive when it opens. */
#define MAX_WAIT_S 10

typedef struct
{
  LookoutTarget *target;
  GTask         *task;      /* the first lookups', completed when all are in */
} Lookup;

typedef struct
{
  guint pending;
  guint timeout_id;
} Waiting;

static void
waiting_free (gpointer data)
{
  Waiting *waiting = data;

  g_clear_handle_id (&waiting->timeout_id, g_source_remove);
  g_free (waiting);
}

static void
waiting_done (GTask *task)
{
  Waiting *waiting = g_task_get_task_data (task);

  if (waiting->pending == 0)
    return;
  if (--waiting->pending == 0)
    {
      g_clear_handle_id (&waiting->timeout_id, g_source_remove);
      g_task_return_boolean (task, TRUE);
    }
}

static gboolean
waited_enough_cb (gpointer user_data)
{
  GTask *task = user_data;
  Waiting *waiting = g_task_get_task_data (task);

  waiting->timeout_id = 0;
  if (waiting->pending > 0)
    {
      g_debug ("The keyring has not answered in %u s: the checks start without it", MAX_WAIT_S);
      waiting->pending = 0;
      g_task_return_boolean (task, TRUE);
    }

  return G_SOURCE_REMOVE;
}

static void
password_found_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Lookup *lookup = user_data;
  g_autoptr(LookoutTarget) target = lookup->target;
  g_autoptr(GTask) task = lookup->task;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = lookout_secret_lookup_finish (result, &error);

  g_free (lookup);

  /* Without it the target's check says the keyring did not give it. */
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The password of %s is not available from the keyring: %s",
               lookout_target_get_uri_string (target), error->message);
  if (password != NULL && lookout_target_get_auth_password (target) == NULL)
    lookout_target_set_auth_password (target, password);

  if (task != NULL)
    waiting_done (task);
}

static void
look_up (GListModel   *targets,
         guint         position,
         guint         added,
         GCancellable *cancellable,
         GTask        *task)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      g_autofree char *name = NULL;
      Lookup *lookup;

      if (lookout_target_get_auth_password (target) != NULL || !lookout_auth_secret_wanted (target))
        continue;
      name = lookout_auth_secret_name (target);
      lookup = g_new0 (Lookup, 1);
      lookup->target = g_steal_pointer (&target);
      if (task != NULL)
        {
          Waiting *waiting = g_task_get_task_data (task);

          lookup->task = g_object_ref (task);
          waiting->pending++;
        }
      lookout_secret_lookup_named_async (name, cancellable, password_found_cb, lookup);
    }
}

static void
targets_changed_cb (GListModel   *targets,
                    guint         position,
                    guint         removed,
                    guint         added,
                    GCancellable *cancellable)
{
  look_up (targets, position, added, cancellable, NULL);
}

static void
drop_cancellable (gpointer  data,
                  GClosure *closure)
{
  g_clear_object (&data);
}

void
lookout_auth_secrets_watch_async (LookoutMonitor      *monitor,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GListModel *targets;
  Waiting *waiting;

  g_return_if_fail (LOOKOUT_IS_MONITOR (monitor));

  task = g_task_new (monitor, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_auth_secrets_watch_async);
  waiting = g_new0 (Waiting, 1);
  /* one for this call, so that lookups finishing at once cannot end it early */
  waiting->pending = 1;
  g_task_set_task_data (task, waiting, waiting_free);

  targets = lookout_monitor_get_targets (monitor);
  g_signal_connect_data (targets, "items-changed", G_CALLBACK (targets_changed_cb),
                         cancellable != NULL ? g_object_ref (cancellable) : NULL,
                         drop_cancellable, 0);
  look_up (targets, 0, g_list_model_get_n_items (targets), cancellable, task);

  if (waiting->pending > 1)
    waiting->timeout_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, MAX_WAIT_S, waited_enough_cb,
                                                      g_object_ref (task), g_object_unref);
  waiting_done (task);
}

gboolean
lookout_auth_secrets_watch_finish (LookoutMonitor  *monitor,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, monitor), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
