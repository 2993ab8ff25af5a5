/* lookout-trace-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TRACE_PROBE (lookout_trace_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTraceProbe, lookout_trace_probe, LOOKOUT, TRACE_PROBE, LookoutProbe)

/* Checks trace:// targets: one traced round (net/lookout-trace.h) per
 * check. Up when the destination answered; the latency is the median round
 * trip of its probes, result->trace holds every hop, named by reverse DNS
 * (cached; see the top of the .c). */
LookoutProbe *lookout_trace_probe_new (void);

G_END_DECLS
