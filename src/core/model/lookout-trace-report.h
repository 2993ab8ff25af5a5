/* lookout-trace-report.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

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
  char     *name;             /* the first address's reverse-DNS name, NULL when unknown */
} LookoutTraceHop;

/* A hop's round trips as mtr shows them, in µs, -1 when none was answered. */
typedef struct
{
  gint64    last_us;          /* the last probe's; -1 when it was lost */
  gint64    best_us;
  gint64    worst_us;
  gint64    median_us;
  gint64    stdev_us;         /* the standard deviation */
} LookoutTraceHopStats;

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
/* A report of @n_hops zeroed hops, their TTLs set. */
LookoutTraceReport *lookout_trace_report_new      (const char         *destination,
                                                   guint               n_hops);
LookoutTraceReport *lookout_trace_report_ref      (LookoutTraceReport *report);
void                lookout_trace_report_unref    (LookoutTraceReport *report);
/* The median of @n round trips, sorting @values in place; -1 when @n is 0. */
gint64              lookout_trace_median_us       (gint64                *values,
                                                   guint                  n);
/* The median round trip of the probes answered at @hop, -1 when none. */
gint64              lookout_trace_hop_median_us   (const LookoutTraceHop *hop);
void                lookout_trace_hop_get_stats   (const LookoutTraceHop *hop,
                                                   LookoutTraceHopStats  *stats);
/* The standard deviation of @n round trips, -1 when @n is 0. */
gint64              lookout_trace_stdev_us        (const gint64          *values,
                                                   guint                  n);
/* Adds one hop object to an open array: ttl, addresses, name, sent,
 * received, loss, rtt_ms (the median), last_ms, best_ms, worst_ms,
 * median_ms, stdev_ms (null when nothing was answered). */
void                lookout_trace_hop_add_json    (JsonBuilder           *builder,
                                                   guint                  ttl,
                                                   const char * const    *addresses,
                                                   const char            *name,
                                                   guint                  sent,
                                                   guint                  received,
                                                   const LookoutTraceHopStats *stats);
/* The hops of @report as such an array. */
JsonNode           *lookout_trace_report_hops_to_json (const LookoutTraceReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutTraceReport, lookout_trace_report_unref)

G_END_DECLS
