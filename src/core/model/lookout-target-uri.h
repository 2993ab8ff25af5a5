/* lookout-target-uri.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-types.h"

G_BEGIN_DECLS

#define LOOKOUT_TARGET_URI_ERROR (lookout_target_uri_error_quark ())

typedef enum
{
  LOOKOUT_TARGET_URI_ERROR_EMPTY,
  LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
  LOOKOUT_TARGET_URI_ERROR_MISSING_HOST,
  LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
  LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
  LOOKOUT_TARGET_URI_ERROR_MISSING_PORT,
  LOOKOUT_TARGET_URI_ERROR_INVALID_PORT,
  LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PORT,
  LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PATH,
  LOOKOUT_TARGET_URI_ERROR_INVALID_PATH,
  LOOKOUT_TARGET_URI_ERROR_MISSING_NAME,
  LOOKOUT_TARGET_URI_ERROR_INVALID_NAME,
  LOOKOUT_TARGET_URI_ERROR_INVALID_RECORD_TYPE,
  LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
  LOOKOUT_TARGET_URI_ERROR_USERINFO,
  LOOKOUT_TARGET_URI_ERROR_TOO_LONG,
} LookoutTargetUriError;

/* A parsed, validated and normalised target URI (design.md). Immutable once
 * parsed; refcounted so results and targets can share it cheaply. */
typedef struct _LookoutTargetUri LookoutTargetUri;

#define LOOKOUT_TYPE_TARGET_URI (lookout_target_uri_get_type ())

GType              lookout_target_uri_get_type         (void) G_GNUC_CONST;
GQuark             lookout_target_uri_error_quark      (void);

/* Parses a full target URI ("https://…", "icmp://…", "ping://…", "tcp://h:p",
 * "udp://h:p", "dns://server[:port]/name?type=T", "dns:name", "ntp://h[:p]"). */
LookoutTargetUri  *lookout_target_uri_parse            (const char         *text,
                                                        GError            **error);
/* What the Add Target dialog calls: if @text is a full URI of any kind it is
 * parsed as such (and *out_kind tells which kind it was); otherwise @text is
 * taken as the address for @kind ("example.org" -> https://example.org/,
 * "db:5432" -> tcp://db:5432, "192.0.2.53/example.org" -> dns://…).
 * *out_kind is set on failure too: to the kind of a pasted URI whose scheme
 * was recognised, else to @kind, so the dialog can switch before it shows
 * the error. */
LookoutTargetUri  *lookout_target_uri_parse_for_kind   (LookoutTargetKind   kind,
                                                        const char         *text,
                                                        LookoutTargetKind  *out_kind,
                                                        GError            **error);
LookoutTargetUri  *lookout_target_uri_ref              (LookoutTargetUri   *uri);
void               lookout_target_uri_unref            (LookoutTargetUri   *uri);

LookoutTargetKind  lookout_target_uri_get_kind         (const LookoutTargetUri *uri);
/* Canonical form: lower-case scheme and host, IDN as ASCII (punycode), default
 * ports dropped, "ping://" printed as "icmp://", type= always present for DNS. */
const char        *lookout_target_uri_to_string        (const LookoutTargetUri *uri);
/* Host as it is resolved or connected to: no brackets around IPv6; NULL for
 * "dns:name" (system resolver). */
const char        *lookout_target_uri_get_host         (const LookoutTargetUri *uri);
/* Whether @host (as get_host() gives it, no brackets) is this machine:
 * "localhost", a name under ".localhost", or a loopback address. */
gboolean           lookout_host_is_loopback            (const char         *host);
/* The port to use (defaults filled in: 80, 443, 53, 123); 0 for ICMP. */
guint16            lookout_target_uri_get_port         (const LookoutTargetUri *uri);
gboolean           lookout_target_uri_is_https         (const LookoutTargetUri *uri);
/* HTTP: path with query ("/health?x=1"), never NULL, at least "/"; NULL
 * for other kinds. */
const char        *lookout_target_uri_get_path         (const LookoutTargetUri *uri);
/* DNS: the name to query and its record type ("A", "AAAA", "MX", …); NULL
 * for other kinds. */
const char        *lookout_target_uri_get_dns_name     (const LookoutTargetUri *uri);
const char        *lookout_target_uri_get_dns_type     (const LookoutTargetUri *uri);
/* trace: how its probes are sent, "icmp" (the default) or "udp"; NULL for
 * other kinds. */
const char        *lookout_target_uri_get_trace_proto  (const LookoutTargetUri *uri);
/* A short display name: the host (Unicode form for IDN), plus the port or
 * path or queried name when it tells targets apart. */
char              *lookout_target_uri_dup_display_name (const LookoutTargetUri *uri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutTargetUri, lookout_target_uri_unref)

G_END_DECLS
