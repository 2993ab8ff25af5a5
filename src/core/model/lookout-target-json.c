/* lookout-target-json.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-target-json.h"
#include "lookout-target-options.h"
#include "lookout-target-uri.h"

JsonNode *
lookout_target_to_json (LookoutTarget *target)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  LookoutTargetKind kind;
  JsonNode *options_root = NULL;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  kind = lookout_target_get_kind (target);
  if (json_parser_load_from_data (parser, lookout_target_get_options (target), -1, NULL))
    options_root = json_parser_get_root (parser);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, lookout_target_get_id (target));
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, lookout_target_get_uri_string (target));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, lookout_target_kind_to_string (kind));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, lookout_target_get_name (target));
  json_builder_set_member_name (builder, "interval_s");
  json_builder_add_int_value (builder, lookout_target_get_interval (target));
  json_builder_set_member_name (builder, "timeout_ms");
  json_builder_add_int_value (builder, lookout_target_get_timeout (target));
  json_builder_set_member_name (builder, "failures");
  json_builder_add_int_value (builder, lookout_target_get_fail_threshold (target));
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, lookout_target_get_enabled (target));

  /* Only the kind's options: keys kept from an earlier kind would be
   * refused when the object is read back. */
  json_builder_set_member_name (builder, "options");
  json_builder_begin_object (builder);
  if (options_root != NULL && JSON_NODE_HOLDS_OBJECT (options_root))
    {
      JsonObject *options = json_node_get_object (options_root);
      g_autoptr(GList) keys = json_object_get_members (options);

      /* In the order they were written, unlike an iterator's. */
      for (const GList *l = keys; l != NULL; l = l->next)
        {
          if (!lookout_target_options_check_key (kind, l->data, FALSE, NULL))
            continue;
          json_builder_set_member_name (builder, l->data);
          json_builder_add_value (builder, json_node_copy (json_object_get_member (options, l->data)));
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

JsonNode *
lookout_target_to_json_for_export (LookoutTarget *target)
{
  JsonNode *node = lookout_target_to_json (target);
  JsonObject *options = json_object_get_object_member (json_node_get_object (node), "options");
  g_autofree char *note = lookout_target_options_dup_secret_note (lookout_target_get_options (target));
  g_autoptr(GList) keys = json_object_get_members (options);

  for (const GList *l = keys; l != NULL; l = l->next)
    if (lookout_target_options_is_secret (l->data))
      json_object_remove_member (options, l->data);
  if (note != NULL)
    json_object_set_string_member (json_node_get_object (node), "note", note);

  return node;
}

static gboolean
get_member_uint (JsonNode    *node,
                 const char  *name,
                 guint       *out_value,
                 GError     **error)
{
  gint64 value;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < 0 || value > G_MAXUINT)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("“%s” must be a whole number"), name);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
lookout_target_update_from_json (LookoutTarget  *target,
                                 JsonObject     *object,
                                 GError        **error)
{
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autofree char *options_json = NULL;
  const char *name = NULL;
  gboolean has_name = FALSE, enabled = TRUE, has_enabled = FALSE;
  guint interval = 0, timeout = 0, failures = 0, effective_timeout;
  gboolean has_interval = FALSE, has_timeout = FALSE, has_failures = FALSE;
  LookoutTargetKind kind;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  /* The URI first: the options are checked against its kind. */
  node = json_object_get_member (object, "uri");
  if (node != NULL)
    {
      if (!is_string (node))
        {
          g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                               _("“uri” must be a target URI as text"));
          return FALSE;
        }
      uri = lookout_target_uri_parse (json_node_get_string (node), error);
      if (uri == NULL)
        return FALSE;
    }
  kind = uri != NULL ? lookout_target_uri_get_kind (uri) : lookout_target_get_kind (target);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &node))
    {
      /* "note" is an export's comment: where a password went. */
      if (g_str_equal (member, "uri") || g_str_equal (member, "id") || g_str_equal (member, "kind") ||
          g_str_equal (member, "note"))
        continue;

      if (g_str_equal (member, "name"))
        {
          has_name = TRUE;
          if (JSON_NODE_HOLDS_NULL (node))
            name = NULL;
          else if (!is_string (node))
            {
              g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME,
                                   _("“name” must be text"));
              return FALSE;
            }
          else if (!lookout_target_validate_name ((name = json_node_get_string (node)), error))
            return FALSE;
        }
      else if (g_str_equal (member, "interval_s"))
        {
          if (!get_member_uint (node, member, &interval, error) ||
              !lookout_target_validate_interval (interval, error))
            return FALSE;
          has_interval = TRUE;
        }
      else if (g_str_equal (member, "timeout_ms"))
        {
          if (!get_member_uint (node, member, &timeout, error) ||
              !lookout_target_validate_timeout (timeout, error))
            return FALSE;
          has_timeout = TRUE;
        }
      else if (g_str_equal (member, "failures"))
        {
          if (!get_member_uint (node, member, &failures, error) ||
              !lookout_target_validate_fail_threshold (failures, error))
            return FALSE;
          has_failures = TRUE;
        }
      else if (g_str_equal (member, "enabled"))
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            {
              g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                                   _("“enabled” must be true or false"));
              return FALSE;
            }
          enabled = json_node_get_boolean (node);
          has_enabled = TRUE;
        }
      else if (g_str_equal (member, "options"))
        {
          JsonObjectIter options_iter;
          const char *key;
          JsonNode *value;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                                   _("“options” must be an object of option names and values"));
              return FALSE;
            }
          json_object_iter_init (&options_iter, json_node_get_object (node));
          while (json_object_iter_next (&options_iter, &key, &value))
            if (!lookout_target_options_check_key (kind, key, FALSE, error))
              return FALSE;
          options_json = json_to_string (node, FALSE);
          if (!lookout_target_options_validate (options_json, error))
            return FALSE;
        }
      else
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("A target has no member “%s” (it has uri, name, interval_s, "
                         "timeout_ms, failures, enabled and options)"), member);
          return FALSE;
        }
    }

  effective_timeout = has_timeout ? timeout : lookout_target_get_timeout (target);
  if (!lookout_target_fit_timeout (kind, has_interval ? interval : lookout_target_get_interval (target),
                                   &effective_timeout, has_timeout, error))
    return FALSE;
  if (effective_timeout != lookout_target_get_timeout (target))
    {
      timeout = effective_timeout;
      has_timeout = TRUE;
    }

  /* Everything is valid: apply it. A new URI of another kind drops the
   * old kind's options unless new ones are given. */
  if (uri != NULL)
    {
      if (kind != lookout_target_get_kind (target) && options_json == NULL)
        lookout_target_set_options (target, NULL);
      lookout_target_set_uri (target, uri);
    }
  if (has_name)
    lookout_target_set_name (target, name);
  if (has_interval)
    lookout_target_set_interval (target, interval);
  if (has_timeout)
    lookout_target_set_timeout (target, timeout);
  if (has_failures)
    lookout_target_set_fail_threshold (target, failures);
  if (has_enabled)
    lookout_target_set_enabled (target, enabled);
  if (options_json != NULL)
    lookout_target_set_options (target, options_json);

  return TRUE;
}

LookoutTarget *
lookout_target_new_from_json (JsonNode  *node,
                              GError   **error)
{
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  JsonObject *object;
  JsonNode *uri_node;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("A target must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);
  uri_node = json_object_get_member (object, "uri");
  if (uri_node == NULL || !is_string (uri_node))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("A target needs its “uri”, a target URI as text"));
      return NULL;
    }

  uri = lookout_target_uri_parse (json_node_get_string (uri_node), error);
  if (uri == NULL)
    return NULL;
  target = lookout_target_new (uri);
  if (!lookout_target_update_from_json (target, object, error))
    return NULL;

  return g_steal_pointer (&target);
}
