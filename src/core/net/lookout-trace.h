/* lookout-trace.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-trace-report.h"

G_BEGIN_DECLS

typedef enum
{
  LOOKOUT_TRACE_PROTO_ICMP,   /* echo requests; the destination answers with a reply */
  LOOKOUT_TRACE_PROTO_UDP,    /* datagrams to ports from 33434; it answers "port unreachable" */
} LookoutTraceProto;

typedef struct
{
  LookoutTraceProto proto;
  guint     max_ttl;          /* 1 … LOOKOUT_TRACE_MAX_TTL; 30 by default */
  guint     probes_per_hop;   /* 1 … LOOKOUT_TRACE_MAX_PROBES; 3 by default */
  guint     spacing_ms;       /* between the waves of probes; 50 by default */
  guint     probe_wait_ms;    /* a probe is lost this long after it left; 1000 by default */
  gboolean  prefer_raw;
} LookoutTraceOptions;

void                lookout_trace_options_init    (LookoutTraceOptions *options);

/* Sends probes with every TTL from 1 to max_ttl at once, in waves: echoes
 * through a kernel ping socket (raw when preferred and permitted), or UDP
 * datagrams through an ordinary socket; gathers the "time exceeded" of each
 * hop from the socket's error queue, and the destination's echo reply or
 * "port unreachable". Ends when every probe has been answered or
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

G_END_DECLS
