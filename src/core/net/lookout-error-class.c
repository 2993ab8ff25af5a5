/* lookout-error-class.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-error-class"

#include "config.h"

#include <errno.h>

#include <ares.h>
#include <libsoup/soup.h>

#include "lookout-error-class.h"

LookoutProbeError
lookout_error_classify (const GError *error)
{
  g_return_val_if_fail (error != NULL, LOOKOUT_PROBE_ERROR_FAILED);

  if (error->domain == G_RESOLVER_ERROR)
    return LOOKOUT_PROBE_ERROR_RESOLVE;

  if (error->domain == G_TLS_ERROR)
    return LOOKOUT_PROBE_ERROR_TLS;

  if (error->domain == SOUP_SESSION_ERROR)
    return LOOKOUT_PROBE_ERROR_PROTOCOL;

  if (error->domain != G_IO_ERROR)
    return LOOKOUT_PROBE_ERROR_FAILED;

  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
      return LOOKOUT_PROBE_ERROR_REFUSED;
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    /* EACCES from connect() or send(): a "prohibit" route or a firewall
     * rejecting the packet locally. */
    case G_IO_ERROR_PERMISSION_DENIED:
      return LOOKOUT_PROBE_ERROR_UNREACHABLE;
    case G_IO_ERROR_TIMED_OUT:
      return LOOKOUT_PROBE_ERROR_TIMEOUT;
    case G_IO_ERROR_CONNECTION_CLOSED: /* also BROKEN_PIPE */
    case G_IO_ERROR_NOT_CONNECTED:
    case G_IO_ERROR_PARTIAL_INPUT:
      return LOOKOUT_PROBE_ERROR_RESET;
    case G_IO_ERROR_INVALID_DATA:
      return LOOKOUT_PROBE_ERROR_PROTOCOL;
    case G_IO_ERROR_CANCELLED:
      return LOOKOUT_PROBE_ERROR_CANCELLED;
    default:
      return LOOKOUT_PROBE_ERROR_FAILED;
    }
}

LookoutProbeError
lookout_error_classify_errno (int errsv)
{
  g_autoptr(GError) error = NULL;

  /* GIO has no codes of its own for these. */
  if (errsv == EHOSTDOWN || errsv == ENETDOWN)
    return LOOKOUT_PROBE_ERROR_UNREACHABLE;

  error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (errsv), "");
  return lookout_error_classify (error);
}

LookoutProbeError
lookout_error_classify_ares (int status)
{
  switch (status)
    {
    case ARES_SUCCESS:
      return LOOKOUT_PROBE_ERROR_NONE;
    case ARES_ETIMEOUT:
      return LOOKOUT_PROBE_ERROR_TIMEOUT;
    case ARES_ECONNREFUSED:
      return LOOKOUT_PROBE_ERROR_REFUSED;
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
      return LOOKOUT_PROBE_ERROR_CANCELLED;
    default:
      return LOOKOUT_PROBE_ERROR_FAILED;
    }
}
