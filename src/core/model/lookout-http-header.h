/* lookout-http-header.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One check of an HTTP header a user gives (a probe's request headers, the
 * webhook's header), wherever it is read: a name that is an RFC 9110 token
 * and a value with no line break or other control character, so that no
 * value can smuggle a header or a request of its own. */

#define LOOKOUT_HTTP_HEADER_ERROR (lookout_http_header_error_quark ())

typedef enum
{
  LOOKOUT_HTTP_HEADER_ERROR_FORMAT,
  LOOKOUT_HTTP_HEADER_ERROR_NAME,
  LOOKOUT_HTTP_HEADER_ERROR_VALUE,
} LookoutHttpHeaderError;

GQuark   lookout_http_header_error_quark (void);

gboolean lookout_http_is_token             (const char  *text);
gboolean lookout_http_header_check         (const char  *name,
                                            const char  *value,
                                            GError     **error);
gboolean lookout_http_header_parse         (const char  *line,
                                            char       **out_name,
                                            char       **out_value,
                                            GError     **error);

G_END_DECLS
