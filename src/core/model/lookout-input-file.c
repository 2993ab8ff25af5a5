/* lookout-input-file.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-input-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "lookout-input-file.h"

G_DEFINE_QUARK (lookout-input-file-error-quark, lookout_input_file_error)

#define CHUNK (64 * 1024)

static gboolean
too_large (const char  *path,
           gsize        limit,
           const char  *what,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *size = g_format_size_full (limit, G_FORMAT_SIZE_IEC_UNITS);

  /* Translators: the last %s is what the file is for, e.g. "a targets file" */
  g_set_error (error, LOOKOUT_INPUT_FILE_ERROR, LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE,
               _("%s is larger than %s, the limit for %s"), display, size, what);
  return FALSE;
}

static gboolean
io_failed (const char  *path,
           int          saved_errno,
           GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Cannot read %s: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

/* Reads at most @limit bytes and fails past it, whatever the file is:
 * a regular file's size is checked first, anything else (a device, a
 * pipe) is read until the limit and no further. Contents are
 * NUL-terminated, like g_file_get_contents(). */
gboolean
lookout_input_file_read (const char  *path,
                         gsize        limit,
                         const char  *what,
                         char       **out_contents,
                         gsize       *out_length,
                         GError     **error)
{
  g_autofree char *buffer = NULL;
  struct stat st;
  gsize length = 0;
  gsize allocated = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (out_contents != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return io_failed (path, errno, error);

  if (fstat (fd, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *display = g_filename_display_name (path);

          g_close (fd, NULL);
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                       _("%s is a folder, not a file"), display);
          return FALSE;
        }
      if (S_ISREG (st.st_mode) && (guint64) st.st_size > limit)
        {
          g_close (fd, NULL);
          return too_large (path, limit, what, error);
        }
    }

  for (;;)
    {
      gssize n;

      if (allocated - length < CHUNK + 1)
        {
          allocated = MAX (allocated * 2, CHUNK * 2);
          allocated = MIN (allocated, limit + CHUNK + 2);
          buffer = g_realloc (buffer, allocated);
        }

      n = read (fd, buffer + length, MIN (allocated - length - 1, (gsize) CHUNK));
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_close (fd, NULL);
          return io_failed (path, saved_errno, error);
        }
      if (n == 0)
        break;

      length += n;
      if (length > limit)
        {
          g_close (fd, NULL);
          return too_large (path, limit, what, error);
        }
    }

  g_close (fd, NULL);

  if (buffer == NULL)
    buffer = g_malloc (1);
  buffer[length] = '\0';
  *out_contents = g_steal_pointer (&buffer);
  if (out_length != NULL)
    *out_length = length;

  return TRUE;
}

gboolean
lookout_input_read_line (GBufferedInputStream  *stream,
                         gsize                  max_bytes,
                         char                 **out_line,
                         GError               **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean seen = FALSE;

  g_return_val_if_fail (G_IS_BUFFERED_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (out_line != NULL, FALSE);

  for (;;)
    {
      gsize available = 0;
      const guint8 *data = g_buffered_input_stream_peek_buffer (stream, &available);
      const guint8 *end;
      gsize take;

      if (available == 0)
        {
          gssize n = g_buffered_input_stream_fill (stream, -1, NULL, error);

          if (n < 0)
            return FALSE;
          if (n == 0)
            break;
          continue;
        }

      seen = TRUE;
      end = memchr (data, '\n', available);
      take = end != NULL ? (gsize) (end - data) : available;
      if (line->len + take > max_bytes)
        {
          g_autofree char *size = g_format_size_full (max_bytes, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, LOOKOUT_INPUT_FILE_ERROR, LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE,
                       _("a line is longer than %s"), size);
          return FALSE;
        }
      g_string_append_len (line, (const char *) data, take);
      if (!g_input_stream_skip (G_INPUT_STREAM (stream), take + (end != NULL), NULL, error))
        return FALSE;
      if (end != NULL)
        break;
    }

  if (!seen)
    {
      *out_line = NULL;
      return FALSE;
    }

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  *out_line = g_string_free (g_steal_pointer (&line), FALSE);
  return TRUE;
}
