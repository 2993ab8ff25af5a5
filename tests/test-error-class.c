/* test-error-class.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>

#include <ares.h>
#include <gio/gio.h>
#include <libsoup/soup.h>

#include "lookout-error-class.h"

typedef struct
{
  const char        *name;
  GQuark           (*domain) (void);
  int                code;
  LookoutProbeError  expected;
} Case;

static const Case cases[] = {
  { "resolver not found", g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, LOOKOUT_PROBE_ERROR_RESOLVE },
  { "resolver temporary", g_resolver_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, LOOKOUT_PROBE_ERROR_RESOLVE },
  { "resolver internal", g_resolver_error_quark, G_RESOLVER_ERROR_INTERNAL, LOOKOUT_PROBE_ERROR_RESOLVE },

  { "tls bad certificate", g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, LOOKOUT_PROBE_ERROR_TLS },
  { "tls handshake", g_tls_error_quark, G_TLS_ERROR_HANDSHAKE, LOOKOUT_PROBE_ERROR_TLS },
  { "tls not tls", g_tls_error_quark, G_TLS_ERROR_NOT_TLS, LOOKOUT_PROBE_ERROR_TLS },
  { "tls eof", g_tls_error_quark, G_TLS_ERROR_EOF, LOOKOUT_PROBE_ERROR_TLS },

  { "soup parsing", soup_session_error_quark, SOUP_SESSION_ERROR_PARSING, LOOKOUT_PROBE_ERROR_PROTOCOL },
  { "soup encoding", soup_session_error_quark, SOUP_SESSION_ERROR_ENCODING, LOOKOUT_PROBE_ERROR_PROTOCOL },
  { "soup too many redirects", soup_session_error_quark, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, LOOKOUT_PROBE_ERROR_PROTOCOL },
  { "soup redirect without location", soup_session_error_quark, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION, LOOKOUT_PROBE_ERROR_PROTOCOL },

  { "io refused", g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, LOOKOUT_PROBE_ERROR_REFUSED },
  { "io host unreachable", g_io_error_quark, G_IO_ERROR_HOST_UNREACHABLE, LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { "io network unreachable", g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { "io permission denied", g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { "io timed out", g_io_error_quark, G_IO_ERROR_TIMED_OUT, LOOKOUT_PROBE_ERROR_TIMEOUT },
  { "io connection closed", g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, LOOKOUT_PROBE_ERROR_RESET },
  { "io broken pipe", g_io_error_quark, G_IO_ERROR_BROKEN_PIPE, LOOKOUT_PROBE_ERROR_RESET },
  { "io not connected", g_io_error_quark, G_IO_ERROR_NOT_CONNECTED, LOOKOUT_PROBE_ERROR_RESET },
  { "io partial input", g_io_error_quark, G_IO_ERROR_PARTIAL_INPUT, LOOKOUT_PROBE_ERROR_RESET },
  { "io invalid data", g_io_error_quark, G_IO_ERROR_INVALID_DATA, LOOKOUT_PROBE_ERROR_PROTOCOL },
  { "io cancelled", g_io_error_quark, G_IO_ERROR_CANCELLED, LOOKOUT_PROBE_ERROR_CANCELLED },
  { "io failed", g_io_error_quark, G_IO_ERROR_FAILED, LOOKOUT_PROBE_ERROR_FAILED },
  { "io address in use", g_io_error_quark, G_IO_ERROR_ADDRESS_IN_USE, LOOKOUT_PROBE_ERROR_FAILED },
  { "io would block", g_io_error_quark, G_IO_ERROR_WOULD_BLOCK, LOOKOUT_PROBE_ERROR_FAILED },
  { "io not found", g_io_error_quark, G_IO_ERROR_NOT_FOUND, LOOKOUT_PROBE_ERROR_FAILED },

  { "another domain", g_file_error_quark, G_FILE_ERROR_ACCES, LOOKOUT_PROBE_ERROR_FAILED },
};

static void
test_gerror (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain (), cases[i].code, cases[i].name);
      LookoutProbeError got = lookout_error_classify (error);

      if (got != cases[i].expected)
        g_error ("%s: classified as %s, expected %s", cases[i].name,
                 lookout_probe_error_to_string (got),
                 lookout_probe_error_to_string (cases[i].expected));
    }
}

static const struct
{
  int               errsv;
  LookoutProbeError expected;
} errno_cases[] = {
  { ECONNREFUSED, LOOKOUT_PROBE_ERROR_REFUSED },
  { EHOSTUNREACH, LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { ENETUNREACH,  LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { EHOSTDOWN,    LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { ENETDOWN,     LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { EACCES,       LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { EPERM,        LOOKOUT_PROBE_ERROR_UNREACHABLE },
  { ETIMEDOUT,    LOOKOUT_PROBE_ERROR_TIMEOUT },
  { ECONNRESET,   LOOKOUT_PROBE_ERROR_RESET },
  { EPIPE,        LOOKOUT_PROBE_ERROR_RESET },
  { EINVAL,       LOOKOUT_PROBE_ERROR_FAILED },
  { EMSGSIZE,     LOOKOUT_PROBE_ERROR_FAILED },
};

static void
test_errno (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (errno_cases); i++)
    {
      LookoutProbeError got = lookout_error_classify_errno (errno_cases[i].errsv);

      if (got != errno_cases[i].expected)
        g_error ("%s: classified as %s, expected %s", g_strerror (errno_cases[i].errsv),
                 lookout_probe_error_to_string (got),
                 lookout_probe_error_to_string (errno_cases[i].expected));
    }
}

static const struct
{
  int               status;
  LookoutProbeError expected;
} ares_cases[] = {
  { ARES_SUCCESS,      LOOKOUT_PROBE_ERROR_NONE },
  { ARES_ETIMEOUT,     LOOKOUT_PROBE_ERROR_TIMEOUT },
  { ARES_ECONNREFUSED, LOOKOUT_PROBE_ERROR_REFUSED },
  { ARES_ECANCELLED,   LOOKOUT_PROBE_ERROR_CANCELLED },
  { ARES_EDESTRUCTION, LOOKOUT_PROBE_ERROR_CANCELLED },
  { ARES_EBADRESP,     LOOKOUT_PROBE_ERROR_FAILED },
  { ARES_ESERVFAIL,    LOOKOUT_PROBE_ERROR_FAILED },
  { ARES_ENOMEM,       LOOKOUT_PROBE_ERROR_FAILED },
};

static void
test_ares (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ares_cases); i++)
    {
      LookoutProbeError got = lookout_error_classify_ares (ares_cases[i].status);

      if (got != ares_cases[i].expected)
        g_error ("%s: classified as %s, expected %s", ares_strerror (ares_cases[i].status),
                 lookout_probe_error_to_string (got),
                 lookout_probe_error_to_string (ares_cases[i].expected));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/error-class/gerror", test_gerror);
  g_test_add_func ("/error-class/errno", test_errno);
  g_test_add_func ("/error-class/ares", test_ares);

  return g_test_run ();
}
