/* lookout-trace.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_TRACE_MAX_TTL    64
#define LOOKOUT_TRACE_MAX_PROBES 10

/* One TTL of one traced round. */
typedef struct
{
  guint     ttl;
  guint     sent;
  guint     received;
  char    **addresses;        /* responders in the order first heard; NULL when silent */
  gint64    rtt_us[LOOKOUT_TRACE_MAX_PROBES];   /* per probe, -1 when lost */
  gboolean  reached;          /* the destination itself answered at this TTL */
  guint8    icmp_type;        /* the last ICMP error heard at this TTL (0: none) */
  guint8    icmp_code;
} LookoutTraceHop;

typedef struct
{
  guint     max_ttl;          /* 1 … LOOKOUT_TRACE_MAX_TTL; 30 by default */
  guint     probes_per_hop;   /* 1 … LOOKOUT_TRACE_MAX_PROBES; 3 by default */
  guint     spacing_ms;       /* between the waves of probes; 50 by default */
  guint     probe_wait_ms;    /* a probe is lost this long after it left; 1000 by default */
  gboolean  prefer_raw;
} LookoutTraceOptions;

/* What one round found: the hops from TTL 1 up to the destination (when it
 * answered) or to the last TTL probed. */
typedef struct
{
  /*< private >*/
  gatomicrefcount  ref_count;
  /*< public >*/
  char            *destination;
  guint            n_hops;
  LookoutTraceHop *hops;
  guint            destination_ttl;   /* 0 when the destination never answered */
  gboolean         unreachable;       /* a "destination unreachable" ended the path */
} LookoutTraceReport;

#define LOOKOUT_TYPE_TRACE_REPORT (lookout_trace_report_get_type ())

GType               lookout_trace_report_get_type (void) G_GNUC_CONST;
LookoutTraceReport *lookout_trace_report_ref      (LookoutTraceReport *report);
void                lookout_trace_report_unref    (LookoutTraceReport *report);
/* The median of @n round trips, sorting @values in place; -1 when @n is 0. */
gint64              lookout_trace_median_us       (gint64                *values,
                                                   guint                  n);
/* The median round trip of the probes answered at @hop, -1 when none. */
gint64              lookout_trace_hop_median_us   (const LookoutTraceHop *hop);

void                lookout_trace_options_init    (LookoutTraceOptions *options);

/* Sends echoes with every TTL from 1 to max_ttl at once, in waves, through
 * a kernel ping socket (raw when preferred and permitted), and gathers the
 * "time exceeded" of each hop from the socket's error queue and the echo
 * replies of the destination. Ends when every probe has been answered or
 * waited for, or at @timeout_ms. G_IO_ERROR_PERMISSION_DENIED when no ICMP
 * socket may be opened. */
void                lookout_trace_run_async       (GInetAddress              *destination,
                                                   const LookoutTraceOptions *options,
                                                   guint                      timeout_ms,
                                                   GCancellable              *cancellable,
                                                   GAsyncReadyCallback        callback,
                                                   gpointer                   user_data);
LookoutTraceReport *lookout_trace_run_finish      (GAsyncResult              *result,
                                                   GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutTraceReport, lookout_trace_report_unref)

G_END_DECLS
