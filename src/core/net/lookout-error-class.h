/* lookout-error-class.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-result.h"

G_BEGIN_DECLS

/* Sorts a resolver, socket, TLS or libsoup error into the result's error
 * class: the one place every probe learns what a failure was. */
LookoutProbeError lookout_error_classify       (const GError *error);
/* The same for an errno from a socket call (send, connect). */
LookoutProbeError lookout_error_classify_errno (int           errsv);
/* The same for a c-ares status (ARES_SUCCESS is not an error: NONE). */
LookoutProbeError lookout_error_classify_ares  (int           status);

G_END_DECLS
