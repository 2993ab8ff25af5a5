/* lookout-http-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

#define LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS          1024
#define LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS_PER_HOST 8
#define LOOKOUT_HTTP_PROBE_DEFAULT_BODY_CAP                 1048576
#define LOOKOUT_HTTP_PROBE_DEFAULT_MAX_REDIRECTS            10

#define LOOKOUT_TYPE_HTTP_PROBE (lookout_http_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutHttpProbe, lookout_http_probe, LOOKOUT, HTTP_PROBE, LookoutProbe)

/*
 * Properties (all with notify):
 *   "max-connections"           guint, connections open at once over all hosts
 *   "max-connections-per-host"  guint, connections open at once to one host
 *   "keep-alive"                gboolean, reuse connections between probes (default TRUE);
 *                               FALSE opens a fresh connection for every probe
 *
 * Changing a limit takes effect for the next probe: connections already open
 * stay with the probes that use them and are then dropped.
 *
 * The result's reply_bytes holds how many bytes of the final response body the
 * probe read (bounded by body_cap).
 */

LookoutProbe *lookout_http_probe_new                          (void);

guint         lookout_http_probe_get_max_connections          (LookoutHttpProbe *self);
guint         lookout_http_probe_get_max_connections_per_host (LookoutHttpProbe *self);
void          lookout_http_probe_set_max_connections          (LookoutHttpProbe *self,
                                                               guint             max_connections,
                                                               guint             max_per_host);
gboolean      lookout_http_probe_get_keep_alive               (LookoutHttpProbe *self);
void          lookout_http_probe_set_keep_alive               (LookoutHttpProbe *self,
                                                               gboolean          keep_alive);

/* Checks an HTTP target's options JSON (the keys in design.md): FALSE with a
 * LOOKOUT_TARGET_ERROR_INVALID_OPTIONS error saying what is wrong. */
gboolean      lookout_http_probe_validate_options             (const char       *options_json,
                                                               GError          **error);

G_END_DECLS
