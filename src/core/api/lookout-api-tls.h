/* lookout-api-tls.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A certificate and key given as PEM files. */
GTlsCertificate *lookout_api_tls_load               (const char       *cert_path,
                                                     const char       *key_path,
                                                     GError          **error);
/* DIR/api-cert.pem and DIR/api-key.pem, made on first use (a self-signed
 * ECDSA P-256 certificate for @hostname, valid ten years; the key owner-only)
 * and read back afterwards. */
GTlsCertificate *lookout_api_tls_load_or_create     (const char       *dir,
                                                     const char       *hostname,
                                                     GError          **error);
/* SHA-256 of the certificate's DER, as "AB:CD:…" (95 characters). */
char            *lookout_api_tls_dup_fingerprint    (GTlsCertificate  *certificate);

G_END_DECLS
