/* lookout-http-options.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-http-options"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lookout-http-header.h"
#include "lookout-http-options.h"
#include "lookout-http-probe.h"
#include "lookout-target.h"

#define MAX_REDIRECTS_LIMIT    100
#define MAX_BODY_CAP           (256 * 1024 * 1024)

static void
http_options_clear (gpointer data)
{
  LookoutHttpOptions *options = data;

  g_free (options->method);
  g_free (options->keyword);
  g_free (options->ca_file);
  g_free (options->content_type);
  g_clear_pointer (&options->request_body, g_bytes_unref);
  g_clear_object (&options->ca_database);
  g_clear_pointer (&options->headers, g_ptr_array_unref);
  g_clear_pointer (&options->auth_user, g_free);
  g_clear_pointer (&options->auth_password, g_free);
  g_clear_pointer (&options->auth_password_env, g_free);
}

LookoutHttpOptions *
lookout_http_options_ref (LookoutHttpOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return g_atomic_rc_box_acquire (options);
}

void
lookout_http_options_unref (LookoutHttpOptions *options)
{
  g_atomic_rc_box_release_full (options, http_options_clear);
}

static gboolean
parse_status (const char  *text,
              guint       *out_status,
              GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 100, 599, &value, NULL))
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("“%s” is not an HTTP status code (100 to 599)"), text);
      return FALSE;
    }

  *out_status = value;
  return TRUE;
}

static gboolean
parse_accept (LookoutHttpOptions  *options,
              const char          *text,
              GError             **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  options->n_ranges = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      LookoutHttpStatusRange range;
      char *dash;

      if (options->n_ranges == LOOKOUT_HTTP_OPTIONS_MAX_STATUS_RANGES)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("at most %d accepted status ranges are allowed"),
                       LOOKOUT_HTTP_OPTIONS_MAX_STATUS_RANGES);
          return FALSE;
        }

      dash = strchr (part, '-');
      if (dash != NULL)
        {
          *dash = '\0';
          if (!parse_status (g_strstrip (part), &range.lo, error) ||
              !parse_status (g_strstrip (dash + 1), &range.hi, error))
            return FALSE;
          if (range.lo > range.hi)
            {
              g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the status range %u-%u runs backwards"), range.lo, range.hi);
              return FALSE;
            }
        }
      else
        {
          if (!parse_status (part, &range.lo, error))
            return FALSE;
          range.hi = range.lo;
        }

      options->ranges[options->n_ranges++] = range;
    }

  if (options->n_ranges == 0)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the accepted status codes must not be empty"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_member_name (const char  *name,
                   GError     **error)
{
  if (g_utf8_validate (name, -1, NULL))
    return TRUE;

  g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("an option name is not valid UTF-8"));
  return FALSE;
}

static gboolean
check_member_type (JsonNode    *node,
                   const char  *name,
                   GType        type,
                   GError     **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type)
    {
      /* json-glib lets some escapes through as bytes that are not UTF-8. */
      if (type == G_TYPE_STRING && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("the option “%s” is not valid UTF-8"), name);
          return FALSE;
        }
      return TRUE;
    }

  if (type == G_TYPE_STRING)
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("the option “%s” must be a string"), name);
  else if (type == G_TYPE_BOOLEAN)
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("the option “%s” must be true or false"), name);
  else
    g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                 _("the option “%s” must be a whole number"), name);

  return FALSE;
}

static gboolean
get_member_int (JsonNode    *node,
                const char  *name,
                gint64       min,
                gint64       max,
                gint64      *out_value,
                GError     **error)
{
  gint64 value;

  if (!check_member_type (node, name, G_TYPE_INT64, error))
    return FALSE;

  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("the option “%s” must be between %" PRId64 " and %" PRId64),
                   name, min, max);
      return FALSE;
    }

  *out_value = value;
  return TRUE;
}

static gboolean
parse_headers (LookoutHttpOptions  *options,
               JsonNode            *node,
               GError             **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value_node;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the option “headers” must be an object of names and values"));
      return FALSE;
    }

  object = json_node_get_object (node);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value_node))
    {
      g_autoptr(GError) header_error = NULL;
      const char *value;

      if (!check_member_name (name, error))
        return FALSE;
      if (!check_member_type (value_node, name, G_TYPE_STRING, error))
        return FALSE;
      value = json_node_get_string (value_node);
      if (!lookout_http_header_check (name, value, &header_error))
        {
          g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                               header_error->message);
          return FALSE;
        }

      g_ptr_array_add (options->headers, g_strdup (name));
      g_ptr_array_add (options->headers, g_strdup (value));
    }

  return TRUE;
}

LookoutHttpOptions *
lookout_http_options_parse (const char  *json,
                            GError     **error)
{
  g_autoptr(LookoutHttpOptions) options = g_atomic_rc_box_new0 (LookoutHttpOptions);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;
  JsonNode *root;

  options->method = g_strdup (SOUP_METHOD_GET);
  options->ranges[0] = (LookoutHttpStatusRange) { 200, 399 };
  options->n_ranges = 1;
  options->max_redirects = LOOKOUT_HTTP_PROBE_DEFAULT_MAX_REDIRECTS;
  options->verify_tls = TRUE;
  options->headers = g_ptr_array_new_with_free_func (g_free);
  options->body_cap = LOOKOUT_HTTP_PROBE_DEFAULT_BODY_CAP;

  if (json == NULL || *json == '\0')
    return g_steal_pointer (&options);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("the options are not valid JSON: %s"), reason);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the options must be a JSON object"));
      return NULL;
    }

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &node))
    {
      const char *string;
      gint64 number;

      if (!check_member_name (name, error))
        return NULL;

      if (g_str_equal (name, "method"))
        {
          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          string = json_node_get_string (node);
          if (!lookout_http_is_token (string))
            {
              g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("“%s” is not a valid HTTP method"), string);
              return NULL;
            }
          g_free (options->method);
          options->method = g_strdup (string);
        }
      else if (g_str_equal (name, "accept"))
        {
          if (!check_member_type (node, name, G_TYPE_STRING, error) ||
              !parse_accept (options, json_node_get_string (node), error))
            return NULL;
        }
      else if (g_str_equal (name, "keyword"))
        {
          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          string = json_node_get_string (node);
          g_free (options->keyword);
          options->keyword = *string != '\0' ? g_strdup (string) : NULL;
          options->keyword_len = strlen (string);
        }
      else if (g_str_equal (name, "keyword_absent"))
        {
          if (!check_member_type (node, name, G_TYPE_BOOLEAN, error))
            return NULL;
          options->keyword_absent = json_node_get_boolean (node);
        }
      else if (g_str_equal (name, "verify_tls"))
        {
          if (!check_member_type (node, name, G_TYPE_BOOLEAN, error))
            return NULL;
          options->verify_tls = json_node_get_boolean (node);
        }
      else if (g_str_equal (name, "max_redirects"))
        {
          if (!get_member_int (node, name, 0, MAX_REDIRECTS_LIMIT, &number, error))
            return NULL;
          options->max_redirects = number;
        }
      else if (g_str_equal (name, "body_cap"))
        {
          if (!get_member_int (node, name, 1, MAX_BODY_CAP, &number, error))
            return NULL;
          options->body_cap = number;
        }
      else if (g_str_equal (name, "body"))
        {
          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          string = json_node_get_string (node);
          g_clear_pointer (&options->request_body, g_bytes_unref);
          options->request_body = g_bytes_new (string, strlen (string));
        }
      else if (g_str_equal (name, "content_type"))
        {
          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          g_free (options->content_type);
          options->content_type = g_strdup (json_node_get_string (node));
        }
      else if (g_str_equal (name, "basic_auth_user") ||
               g_str_equal (name, "basic_auth_password") ||
               g_str_equal (name, "basic_auth_password_env"))
        {
          char **slot = g_str_equal (name, "basic_auth_user") ? &options->auth_user
                      : g_str_equal (name, "basic_auth_password") ? &options->auth_password
                      : &options->auth_password_env;

          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          g_free (*slot);
          *slot = g_strdup (json_node_get_string (node));
        }
      else if (g_str_equal (name, "basic_auth_keyring"))
        {
          if (!check_member_type (node, name, G_TYPE_BOOLEAN, error))
            return NULL;
          options->auth_keyring = json_node_get_boolean (node);
        }
      else if (g_str_equal (name, "headers"))
        {
          if (!parse_headers (options, node, error))
            return NULL;
        }
      else if (g_str_equal (name, "ca_file"))
        {
          g_autoptr(GError) ca_error = NULL;

          if (!check_member_type (node, name, G_TYPE_STRING, error))
            return NULL;
          g_free (options->ca_file);
          options->ca_file = g_strdup (json_node_get_string (node));
          g_clear_object (&options->ca_database);
          options->ca_database = g_tls_file_database_new (options->ca_file, &ca_error);
          if (options->ca_database == NULL)
            {
              g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the CA file %s cannot be used: %s"), options->ca_file, ca_error->message);
              return NULL;
            }
        }
      /* Other keys belong to other kinds (a target whose kind changed keeps
       * them); LookoutTarget checks their types. */
    }

  if (options->keyword != NULL && options->keyword_len > options->body_cap)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("the keyword is longer than body_cap"));
      return NULL;
    }

  return g_steal_pointer (&options);
}

gboolean
lookout_http_options_accepts (const LookoutHttpOptions *options,
                              guint                     status)
{
  for (guint i = 0; i < options->n_ranges; i++)
    if (status >= options->ranges[i].lo && status <= options->ranges[i].hi)
      return TRUE;

  return FALSE;
}

char *
lookout_http_options_dup_accept_string (const LookoutHttpOptions *options)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < options->n_ranges; i++)
    {
      if (i > 0)
        g_string_append_c (string, ',');
      if (options->ranges[i].lo == options->ranges[i].hi)
        g_string_append_printf (string, "%u", options->ranges[i].lo);
      else
        g_string_append_printf (string, "%u-%u", options->ranges[i].lo, options->ranges[i].hi);
    }

  return g_string_free (string, FALSE);
}
