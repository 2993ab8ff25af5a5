/* lookout-target-tags.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lookout-target-tags.h"

char **
lookout_target_tags_split (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return g_strv_builder_end (builder);

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);
      g_autofree char *key = NULL;

      if (tag[0] == '\0')
        continue;
      key = g_utf8_casefold (tag, -1);
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_steal_pointer (&key));
      g_strv_builder_add (builder, tag);
    }

  return g_strv_builder_end (builder);
}

char **
lookout_target_dup_tags (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *options;
  JsonNode *root, *node;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  options = lookout_target_get_options (target);
  if (options == NULL || strstr (options, "\"tags\"") == NULL)
    return lookout_target_tags_split (NULL);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, options, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "tags")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return lookout_target_tags_split (NULL);

  return lookout_target_tags_split (json_node_get_string (node));
}

gboolean
lookout_target_has_tag (LookoutTarget *target,
                        const char    *tag)
{
  g_auto(GStrv) tags = lookout_target_dup_tags (target);
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (tag != NULL, FALSE);

  wanted = g_utf8_casefold (tag, -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_autofree char *key = g_utf8_casefold (tags[i], -1);

      if (strcmp (key, wanted) == 0)
        return TRUE;
    }

  return FALSE;
}
