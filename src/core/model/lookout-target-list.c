/* lookout-target-list.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-target-json.h"
#include "lookout-target-list.h"
#include "lookout-targets-file.h"

static gboolean
looks_like_json (const char *contents,
                 gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (contents[i] == '[')
        return TRUE;
      if (!g_ascii_isspace (contents[i]))
        return FALSE;
    }

  return FALSE;
}

static GPtrArray *
parse_json (const char  *contents,
            gsize        length,
            const char  *file_name,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,
                   _("%s: not valid JSON: %s"), file_name, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,
                   _("%s: a JSON list of targets must be an array, like [{\"uri\": \"icmp://192.0.2.1\"}]"),
                   file_name);
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      LookoutTarget *target = lookout_target_new_from_json (json_array_get_element (array, i), &local_error);
      guint *other;

      if (target == NULL)
        {
          /* Translators: "targets.json: target 3: The port is missing" */
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET,
                       _("%s: target %u: %s"), file_name, i + 1, local_error->message);
          return NULL;
        }
      g_ptr_array_add (targets, target);

      other = g_hash_table_lookup (seen, lookout_target_get_uri_string (target));
      if (other != NULL)
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_TARGET,
                       _("%s: target %u: the target %s is already target %u"), file_name, i + 1,
                       lookout_target_get_uri_string (target), GPOINTER_TO_UINT (other));
          return NULL;
        }
      g_hash_table_insert (seen, g_strdup (lookout_target_get_uri_string (target)), GUINT_TO_POINTER (i + 1));
    }

  return g_steal_pointer (&targets);
}

GPtrArray *
lookout_target_list_parse (const char  *contents,
                           gssize       length,
                           const char  *file_name,
                           GError     **error)
{
  g_return_val_if_fail (contents != NULL || length == 0, NULL);
  g_return_val_if_fail (file_name != NULL, NULL);

  if (length < 0)
    length = strlen (contents);

  if (looks_like_json (contents, length))
    return parse_json (contents, length, file_name, error);

  return lookout_targets_file_parse (contents, length, file_name, error);
}

char *
lookout_target_list_format (GListModel              *targets,
                            LookoutTargetListFormat  format)
{
  g_autoptr(JsonArray) array = NULL;
  g_autoptr(JsonNode) root = NULL;
  GString *text;

  g_return_val_if_fail (G_IS_LIST_MODEL (targets), NULL);

  if (format == LOOKOUT_TARGET_LIST_TEXT)
    {
      text = g_string_new (_("# Lookout targets: an address a line, then its settings\n"));
      for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
        {
          g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
          g_autofree char *line = lookout_targets_file_format_line (target);

          g_string_append_printf (text, "%s\n", line);
        }
      return g_string_free (text, FALSE);
    }

  array = json_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      JsonNode *node = lookout_target_to_json_for_export (target);

      /* an id is this database's business, not the list's */
      json_object_remove_member (json_node_get_object (node), "id");
      json_array_add_element (array, node);
    }
  root = json_node_init_array (json_node_alloc (), array);

  return json_to_string (root, TRUE);
}
