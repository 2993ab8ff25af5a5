/* lookout-http-header.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-http-header"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-http-header.h"

G_DEFINE_QUARK (lookout-http-header-error-quark, lookout_http_header_error)

#define MAX_NAME_LENGTH  256
#define MAX_VALUE_LENGTH 8192

/* An RFC 9110 token: header names and methods. */
gboolean
lookout_http_is_token (const char *text)
{
  static const char extra[] = "!#$%&'*+-.^_`|~";

  if (text == NULL || text[0] == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (extra, *p) == NULL)
      return FALSE;

  return TRUE;
}

gboolean
lookout_http_header_check (const char  *name,
                           const char  *value,
                           GError     **error)
{
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!lookout_http_is_token (name) || strlen (name) > MAX_NAME_LENGTH)
    {
      g_autofree char *shown = g_utf8_make_valid (name, -1);

      g_set_error (error, LOOKOUT_HTTP_HEADER_ERROR, LOOKOUT_HTTP_HEADER_ERROR_NAME,
                   _("“%s” is not a valid HTTP header name"), shown);
      return FALSE;
    }

  if (strpbrk (value, "\r\n") != NULL)
    {
      g_set_error (error, LOOKOUT_HTTP_HEADER_ERROR, LOOKOUT_HTTP_HEADER_ERROR_VALUE,
                   _("the value of the header “%s” must not contain a line break"), name);
      return FALSE;
    }

  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
        {
          g_set_error (error, LOOKOUT_HTTP_HEADER_ERROR, LOOKOUT_HTTP_HEADER_ERROR_VALUE,
                       _("the value of the header “%s” must not contain control characters"), name);
          return FALSE;
        }
    }

  if (strlen (value) > MAX_VALUE_LENGTH)
    {
      g_set_error (error, LOOKOUT_HTTP_HEADER_ERROR, LOOKOUT_HTTP_HEADER_ERROR_VALUE,
                   _("the value of the header “%s” is too long: at most %u bytes are allowed"),
                   name, MAX_VALUE_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* "Name: value" as one line, the value trimmed of surrounding blanks. */
gboolean
lookout_http_header_parse (const char  *line,
                           char       **out_name,
                           char       **out_value,
                           GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  const char *colon;

  g_return_val_if_fail (line != NULL, FALSE);

  colon = strchr (line, ':');
  if (colon == NULL || colon == line)
    {
      g_set_error_literal (error, LOOKOUT_HTTP_HEADER_ERROR, LOOKOUT_HTTP_HEADER_ERROR_FORMAT,
                           _("a header looks like “Authorization: Bearer …”"));
      return FALSE;
    }

  name = g_strndup (line, colon - line);
  value = g_strdup (colon + 1);
  g_strstrip (value);

  if (!lookout_http_header_check (name, value, error))
    return FALSE;

  if (out_name != NULL)
    *out_name = g_steal_pointer (&name);
  if (out_value != NULL)
    *out_value = g_steal_pointer (&value);

  return TRUE;
}
