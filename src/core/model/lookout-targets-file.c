/* lookout-targets-file.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-targets-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-input-file.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"

/* Beyond this many bad lines the message only says how many more. */
#define MAX_REPORTED_LINES 20

G_DEFINE_QUARK (lookout-targets-file-error-quark, lookout_targets_file_error)

typedef struct
{
  char  *text;
  gssize eq;            /* offset of the first '=' outside quotes, or -1 */
} Word;

static void
word_clear (Word *word)
{
  g_clear_pointer (&word->text, g_free);
}

/* Splits @line into words at white space, honouring "quotes" and stopping
 * at a '#' that starts a word. */
static gboolean
split_words (const char  *line,
             GArray      *words,
             GError     **error)
{
  const char *p = line;

  for (;;)
    {
      g_autoptr(GString) text = NULL;
      Word word = { NULL, -1 };

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '#')
        return TRUE;

      text = g_string_new (NULL);
      while (*p != '\0' && *p != ' ' && *p != '\t')
        {
          if (*p == '"')
            {
              p++;
              while (*p != '"')
                {
                  if (*p == '\0')
                    {
                      g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR,
                                   LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,
                                   _("A quote is opened but not closed"));
                      return FALSE;
                    }
                  if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                  g_string_append_c (text, *p);
                  p++;
                }
              p++;
            }
          else
            {
              if (*p == '=' && word.eq < 0)
                word.eq = text->len;
              g_string_append_c (text, *p);
              p++;
            }
        }

      word.text = g_string_free (g_steal_pointer (&text), FALSE);
      g_array_append_val (words, word);
    }
}

static gboolean
parse_number (const char  *value,
              guint       *out)
{
  guint64 number;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &number, NULL))
    return FALSE;

  *out = number;
  return TRUE;
}

/* Turns a validation error of LookoutTarget into ours, keeping its words. */
static gboolean
invalid_value (GError  *validation,
               GError **error)
{
  g_set_error_literal (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE,
                       validation->message);
  g_error_free (validation);
  return FALSE;
}

static gboolean
apply_option (LookoutTarget  *target,
              const char     *key,
              const char     *value,
              GError        **error)
{
  GError *validation = NULL;
  guint number;

  if (g_str_equal (key, "interval"))
    {
      if (!parse_number (value, &number))
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE,
                       _("The interval must be a whole number of seconds, not “%s”"), value);
          return FALSE;
        }
      if (!lookout_target_validate_interval (number, &validation))
        return invalid_value (validation, error);
      lookout_target_set_interval (target, number);
    }
  else if (g_str_equal (key, "timeout"))
    {
      if (!parse_number (value, &number))
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE,
                       _("The timeout must be a whole number of milliseconds, not “%s”"), value);
          return FALSE;
        }
      if (!lookout_target_validate_timeout (number, &validation))
        return invalid_value (validation, error);
      lookout_target_set_timeout (target, number);
    }
  else if (g_str_equal (key, "failures"))
    {
      if (!parse_number (value, &number))
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE,
                       _("Failures must be a whole number, not “%s”"), value);
          return FALSE;
        }
      if (!lookout_target_validate_fail_threshold (number, &validation))
        return invalid_value (validation, error);
      lookout_target_set_fail_threshold (target, number);
    }
  else if (g_str_equal (key, "name"))
    {
      if (!lookout_target_validate_name (value, &validation))
        return invalid_value (validation, error);
      lookout_target_set_name (target, value);
    }
  else if (lookout_target_options_lookup (key) == NULL)
    {
      LookoutTargetKind kind = lookout_target_get_kind (target);
      g_autofree char *keys = lookout_target_options_dup_keys (kind);

      if (keys != NULL)
        g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_UNKNOWN_OPTION,
                     _("Unknown option “%s” (known: interval, timeout, failures, name, "
                       "and for %s targets %s)"), key, lookout_target_kind_get_label (kind), keys);
      else
        g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_UNKNOWN_OPTION,
                     _("Unknown option “%s” (known: interval, timeout, failures, name)"), key);
      return FALSE;
    }
  else if (!lookout_target_set_option_text (target, key, value, &validation))
    {
      const LookoutTargetOption *option = lookout_target_options_lookup (key);
      gboolean applies = g_str_equal (key, option->text_key) &&
                         lookout_target_option_applies_to (option, lookout_target_get_kind (target));

      g_set_error_literal (error, LOOKOUT_TARGETS_FILE_ERROR,
                           applies ? LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE
                                   : LOOKOUT_TARGETS_FILE_ERROR_UNKNOWN_OPTION,
                           validation->message);
      g_error_free (validation);
      return FALSE;
    }

  return TRUE;
}

/* Parses one line. Returns FALSE with @error for a bad line; TRUE with
 * *out_target NULL for a blank or comment line. */
static gboolean
parse_line (const char     *line,
            LookoutTarget **out_target,
            GError        **error)
{
  g_autoptr(GArray) words = g_array_new (FALSE, TRUE, sizeof (Word));
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) uri_error = NULL;
  GError *validation = NULL;
  Word *first;
  guint timeout;

  *out_target = NULL;
  g_array_set_clear_func (words, (GDestroyNotify) word_clear);

  if (!split_words (line, words, error))
    return FALSE;
  if (words->len == 0)
    return TRUE;

  first = &g_array_index (words, Word, 0);
  if (first->eq > 0 && strchr (first->text, ':') == NULL)
    {
      g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,
                   _("The line must start with a target URI, not the option “%s”"),
                   first->text);
      return FALSE;
    }

  target = lookout_target_new_from_string (first->text, &uri_error);
  if (target == NULL)
    {
      g_set_error_literal (error, LOOKOUT_TARGETS_FILE_ERROR,
                           LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET, uri_error->message);
      return FALSE;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 1; i < words->len; i++)
    {
      Word *word = &g_array_index (words, Word, i);
      const char *key, *value;

      if (word->eq <= 0)
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,
                       _("Expected an option such as interval=60, found “%s”"), word->text);
          return FALSE;
        }

      word->text[word->eq] = '\0';
      key = word->text;
      value = word->text + word->eq + 1;

      /* header= may be repeated, one header each. */
      if (!g_str_equal (key, "header") && !g_hash_table_add (seen, (gpointer) key))
        {
          g_set_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_OPTION,
                       _("The option “%s” is given twice"), key);
          return FALSE;
        }

      if (!apply_option (target, key, value, error))
        return FALSE;
    }

  timeout = lookout_target_get_timeout (target);
  if (!lookout_target_fit_timeout (lookout_target_get_kind (target), lookout_target_get_interval (target),
                                   &timeout, g_hash_table_contains (seen, "timeout"), &validation))
    return invalid_value (validation, error);
  lookout_target_set_timeout (target, timeout);

  *out_target = g_steal_pointer (&target);
  return TRUE;
}

GPtrArray *
lookout_targets_file_parse (const char  *contents,
                            gssize       length,
                            const char  *file_name,
                            GError     **error)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) lines_by_uri = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) problems = g_string_new (NULL);
  LookoutTargetsFileError first_code = 0;
  guint n_bad = 0;
  const char *p, *end;
  guint line_no = 0;

  g_return_val_if_fail (contents != NULL || length == 0, NULL);
  g_return_val_if_fail (file_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (contents);
  p = contents;
  end = contents + length;

  /* a byte-order mark some editors write */
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      g_autofree char *line = NULL;
      g_autoptr(LookoutTarget) target = NULL;
      g_autoptr(GError) line_error = NULL;
      gsize len;

      if (eol == NULL)
        eol = end;
      len = eol - p;
      if (len > 0 && p[len - 1] == '\r')
        len--;
      line = g_strndup (p, len);
      line_no++;
      p = eol + 1;

      if (memchr (line, '\0', len) != NULL || !g_utf8_validate (line, len, NULL))
        g_set_error (&line_error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_ENCODING,
                     _("The line is not valid UTF-8 text"));
      else if (parse_line (line, &target, &line_error) && target != NULL)
        {
          const char *uri = lookout_target_get_uri_string (target);
          guint other = GPOINTER_TO_UINT (g_hash_table_lookup (lines_by_uri, uri));

          if (other != 0)
            g_set_error (&line_error, LOOKOUT_TARGETS_FILE_ERROR,
                         LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_TARGET,
                         _("The target %s is already on line %u"), uri, other);
          else
            {
              g_hash_table_insert (lines_by_uri, (gpointer) uri, GUINT_TO_POINTER (line_no));
              g_ptr_array_add (targets, g_steal_pointer (&target));
            }
        }

      if (line_error != NULL)
        {
          if (n_bad == 0)
            first_code = line_error->code;
          if (n_bad < MAX_REPORTED_LINES)
            g_string_append_printf (problems, "%s%s:%u: %s", n_bad ? "\n" : "",
                                    file_name, line_no, line_error->message);
          n_bad++;
        }
    }

  if (n_bad > 0)
    {
      if (n_bad > MAX_REPORTED_LINES)
        g_string_append_printf (problems,
                                g_dngettext (GETTEXT_PACKAGE, "\n… and %u more bad line",
                                             "\n… and %u more bad lines",
                                             n_bad - MAX_REPORTED_LINES),
                                n_bad - MAX_REPORTED_LINES);
      g_set_error_literal (error, LOOKOUT_TARGETS_FILE_ERROR, first_code, problems->str);
      return NULL;
    }

  return g_steal_pointer (&targets);
}

GPtrArray *
lookout_targets_file_load (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!lookout_input_file_read (path, LOOKOUT_INPUT_LIMIT_TARGETS, _("a targets file"),
                                &contents, &length, error))
    return NULL;

  return lookout_targets_file_parse (contents, length, path, error);
}

void
lookout_targets_file_append_value (GString    *out,
                                   const char *value)
{
  gboolean plain = *value != '\0' && *value != '#';

  g_return_if_fail (out != NULL && value != NULL);

  for (const char *p = value; plain && *p != '\0'; p++)
    if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\\')
      plain = FALSE;

  if (plain)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

char *
lookout_targets_file_format_line (LookoutTarget *target)
{
  g_autoptr(LookoutTarget) defaults = NULL;
  g_autofree char *options = NULL;
  g_autofree char *note = NULL;
  GString *line;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  defaults = lookout_target_new (lookout_target_get_uri (target));
  note = lookout_target_options_dup_secret_note (lookout_target_get_options (target));
  line = g_string_new (NULL);
  if (note != NULL)
    g_string_append_printf (line, "# %s\n", note);
  g_string_append (line, lookout_target_get_uri_string (target));

  if (lookout_target_get_interval (target) != lookout_target_get_interval (defaults))
    g_string_append_printf (line, " interval=%u", lookout_target_get_interval (target));
  if (lookout_target_get_timeout (target) != lookout_target_get_timeout (defaults))
    g_string_append_printf (line, " timeout=%u", lookout_target_get_timeout (target));
  if (lookout_target_get_fail_threshold (target) != lookout_target_get_fail_threshold (defaults))
    g_string_append_printf (line, " failures=%u", lookout_target_get_fail_threshold (target));
  if (g_strcmp0 (lookout_target_get_name (target), lookout_target_get_name (defaults)) != 0)
    {
      g_string_append (line, " name=");
      lookout_targets_file_append_value (line, lookout_target_get_name (target));
    }

  options = lookout_target_options_to_text (lookout_target_get_options (target));
  if (*options != '\0')
    g_string_append_printf (line, " %s", options);

  return g_string_free (line, FALSE);
}
