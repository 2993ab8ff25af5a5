/* lookout-input-file.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Every file a user hands to Lookout (a targets file, a configuration, an
 * import) is read through here, with a size limit: /dev/zero, a FIFO or a
 * huge file ends with a message instead of taking all memory. */

#define LOOKOUT_INPUT_FILE_ERROR (lookout_input_file_error_quark ())

typedef enum
{
  LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE,
} LookoutInputFileError;

#define LOOKOUT_INPUT_LIMIT_TARGETS (16 * 1024 * 1024)
#define LOOKOUT_INPUT_LIMIT_CONFIG  (1024 * 1024)
#define LOOKOUT_INPUT_LIMIT_IMPORT  (256 * 1024 * 1024)

GQuark   lookout_input_file_error_quark (void);

gboolean lookout_input_file_read (const char  *path,
                                  gsize        limit,
                                  const char  *what,
                                  char       **out_contents,
                                  gsize       *out_length,
                                  GError     **error);

/* One line of a stream read line by line (a CSV import, standard input),
 * without its end of line: FALSE with no error at the end; a line longer
 * than @max_bytes fails with LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE, so that a
 * stream without line ends cannot take all memory either. */
gboolean lookout_input_read_line (GBufferedInputStream  *stream,
                                  gsize                  max_bytes,
                                  char                 **out_line,
                                  GError               **error);

G_END_DECLS
