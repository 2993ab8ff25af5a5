/* lookout-result.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "lookout-types.h"
#include "lookout-trace-report.h"

G_BEGIN_DECLS

/* Why a probe failed, as a class a caller can switch on. The matching
 * human-readable text is in LookoutResult.error. */
typedef enum
{
  LOOKOUT_PROBE_ERROR_NONE = 0,
  LOOKOUT_PROBE_ERROR_TIMEOUT,          /* no answer within the target's timeout */
  LOOKOUT_PROBE_ERROR_RESOLVE,          /* the host name did not resolve */
  LOOKOUT_PROBE_ERROR_REFUSED,          /* connection refused / port unreachable */
  LOOKOUT_PROBE_ERROR_UNREACHABLE,      /* host or network unreachable */
  LOOKOUT_PROBE_ERROR_RESET,            /* connection reset or closed early */
  LOOKOUT_PROBE_ERROR_TLS,              /* handshake or certificate failure */
  LOOKOUT_PROBE_ERROR_PROTOCOL,         /* malformed or unexpected reply */
  LOOKOUT_PROBE_ERROR_STATUS,           /* HTTP status outside the accepted ranges */
  LOOKOUT_PROBE_ERROR_KEYWORD,          /* keyword missing (or present when it must not be) */
  LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS,
  LOOKOUT_PROBE_ERROR_PERMISSION,       /* e.g. ICMP sockets not permitted */
  LOOKOUT_PROBE_ERROR_NO_REPLY,         /* UDP silence: open|filtered */
  LOOKOUT_PROBE_ERROR_RCODE,            /* DNS NXDOMAIN, SERVFAIL, REFUSED, … */
  LOOKOUT_PROBE_ERROR_KISS_OF_DEATH,    /* NTP KoD or stratum 0 */
  LOOKOUT_PROBE_ERROR_LOSS,             /* ICMP: every echo lost */
  LOOKOUT_PROBE_ERROR_CANCELLED,
  LOOKOUT_PROBE_ERROR_FAILED,           /* anything else */
} LookoutProbeError;

#define LOOKOUT_PROBE_ERROR (lookout_probe_error_quark ())
GQuark lookout_probe_error_quark (void);
const char *lookout_probe_error_to_string (LookoutProbeError code);

/* One check of one target. Refcounted, immutable once handed out. Kind fields
 * not used by a kind keep their "none" values (-1 for times, 0 otherwise). */
typedef struct
{
  /*< private >*/
  gatomicrefcount     ref_count;
  /*< public >*/
  LookoutTargetKind   kind;
  gint64              target_id;
  char               *target;          /* canonical target URI */
  gint64              started_ms;      /* wall clock at the start, ms since the epoch */
  gboolean            ok;
  LookoutTargetState  state;           /* UP, DEGRADED or DOWN (UNKNOWN when cancelled) */
  gint64              latency_us;      /* -1 when there is none */
  char               *address;         /* the address actually used, or NULL */
  LookoutProbeError   error_code;
  char               *error;           /* readable message, or NULL */
  char               *location;        /* where it was checked from: an agent's name, NULL when local */

  /* HTTP */
  int                 http_status;
  gint64              dns_us, connect_us, tls_us, processing_us, transfer_us;
  gint64              cert_expiry_s;   /* notAfter of the peer certificate, unix seconds; 0 when none */
  char               *http_version;

  /* ICMP (latency_us is the median of the received echoes) */
  guint               sent, received;
  gint64              min_us, max_us, jitter_us;

  /* DNS */
  int                 rcode;
  char              **answers;         /* NULL-terminated, textual ("192.0.2.1", "10 mx.example.") */

  /* NTP (latency_us is the round-trip delay) */
  gint64              offset_us;
  int                 stratum;
  char               *reference_id;

  /* UDP */
  gsize               reply_bytes;

  /* trace: the round's hops (latency_us is the destination's), NULL otherwise */
  LookoutTraceReport *trace;

  /* iface: the link and its traffic; rates over the time since the last
   * reading, -1 when unknown; counters since the interface came to be */
  char               *interface;       /* its own name, "default" resolved */
  gboolean            carrier;
  gint64              rx_bps, tx_bps, link_bps;   /* link_bps: both ways, the plotted value */
  gint64              rx_bytes, tx_bytes;
  gint64              link_errors, link_drops;
} LookoutResult;

#define LOOKOUT_TYPE_RESULT (lookout_result_get_type ())
GType          lookout_result_get_type  (void) G_GNUC_CONST;
LookoutResult *lookout_result_new       (LookoutTargetKind  kind);
LookoutResult *lookout_result_ref       (LookoutResult     *result);
void           lookout_result_unref     (LookoutResult     *result);
/* Marks the result failed with a class and a printf-style message. */
void           lookout_result_set_error (LookoutResult     *result,
                                         LookoutTargetState state,
                                         LookoutProbeError  code,
                                         const char        *format,
                                         ...) G_GNUC_PRINTF (4, 5);
/* The object lookout-agent prints: target, kind, ok, state, latency_ms,
 * address, error, error_class, and the kind's own fields. */
JsonNode      *lookout_result_to_json   (const LookoutResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutResult, lookout_result_unref)

G_END_DECLS
