/* lookout-api-tls.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "lookout-api-tls.h"
#include "lookout-api-tokens.h"

#define VALID_SECONDS (10 * 365 * 86400LL)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

GTlsCertificate *
lookout_api_tls_load (const char  *cert_path,
                      const char  *key_path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *certificate;

  g_return_val_if_fail (cert_path != NULL && key_path != NULL, NULL);

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &local_error);
  if (certificate == NULL)
    g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS,
                 _("Cannot read the TLS certificate %s with the key %s: %s"),
                 cert_path, key_path, local_error->message);
  return certificate;
}

static gboolean
gnutls_failed (int          rc,
               const char  *what,
               GError     **error)
{
  if (rc >= 0)
    return FALSE;
  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS,
               _("Cannot make a self-signed certificate (%s): %s"), what, gnutls_strerror (rc));
  return TRUE;
}

static gboolean
write_private_file (const char  *path,
                    const char  *contents,
                    gsize        len,
                    GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gssize done = 0;

  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS,
                   _("Cannot write %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  while ((gsize) done < len)
    {
      gssize n = write (fd, contents + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int errsv = errno;

          close (fd);
          g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS,
                       _("Cannot write %s: %s"), path, g_strerror (errsv));
          return FALSE;
        }
      done += n;
    }
  return g_close (fd, error);
}

static gboolean
create_self_signed (const char  *cert_path,
                    const char  *key_path,
                    const char  *hostname,
                    GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  gnutls_datum_t pem = { NULL, 0 };
  guint8 serial[16];
  time_t now = time (NULL);
  gboolean ok;

  if (gnutls_failed (gnutls_x509_privkey_init (&key), "key", error) ||
      gnutls_failed (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                   GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                     "key", error) ||
      gnutls_failed (gnutls_x509_crt_init (&crt), "certificate", error) ||
      gnutls_failed (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial", error))
    return FALSE;

  serial[0] &= 0x7f;
  if (gnutls_failed (gnutls_x509_crt_set_version (crt, 3), "version", error) ||
      gnutls_failed (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error) ||
      gnutls_failed (gnutls_x509_crt_set_activation_time (crt, now - 3600), "dates", error) ||
      gnutls_failed (gnutls_x509_crt_set_expiration_time (crt, now + VALID_SECONDS), "dates", error) ||
      gnutls_failed (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                    hostname, strlen (hostname)), "name", error) ||
      gnutls_failed (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, hostname,
                                                           strlen (hostname), GNUTLS_FSAN_SET),
                     "name", error) ||
      gnutls_failed (gnutls_x509_crt_set_key (crt, key), "key", error) ||
      gnutls_failed (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "constraints", error) ||
      gnutls_failed (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "usage", error) ||
      gnutls_failed (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signature", error))
    return FALSE;

  if (gnutls_failed (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &pem), "key", error))
    return FALSE;
  ok = write_private_file (key_path, (const char *) pem.data, pem.size, error);
  gnutls_free (pem.data);
  if (!ok)
    return FALSE;

  if (gnutls_failed (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), "certificate", error))
    return FALSE;
  ok = write_private_file (cert_path, (const char *) pem.data, pem.size, error);
  gnutls_free (pem.data);

  return ok;
}

GTlsCertificate *
lookout_api_tls_load_or_create (const char  *dir,
                                const char  *hostname,
                                GError     **error)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  if (hostname == NULL || *hostname == '\0')
    hostname = "localhost";

  cert_path = g_build_filename (dir, "api-cert.pem", NULL);
  key_path = g_build_filename (dir, "api-key.pem", NULL);

  if (!g_file_test (cert_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int errsv = errno;

          g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_TLS,
                       _("Could not create the folder “%s”: %s"), dir, g_strerror (errsv));
          return NULL;
        }
      if (!create_self_signed (cert_path, key_path, hostname, error))
        return NULL;
    }

  return lookout_api_tls_load (cert_path, key_path, error);
}

char *
lookout_api_tls_dup_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *out = g_string_sized_new (96);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, i == 0 ? "%02X" : ":%02X", digest[i]);

  return g_string_free (out, FALSE);
}
