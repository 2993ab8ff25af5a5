/* lookout-format.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "lookout-probe-kind.h"

G_BEGIN_DECLS

/* The one way durations, percentages and dates are written: every view,
 * tooltip, export and the agent go through here. */

const char *lookout_format_latency_unit   (double  max_us,
                                           double *divisor);
char       *lookout_format_latency        (gint64  latency_us);
char       *lookout_format_latency_tick   (double  us,
                                           double  axis_max_us,
                                           double  step_us);
/* Bits per second, in decimal units: "0 bit/s", "950 bit/s", "1.25 Mbit/s". */
char       *lookout_format_bitrate        (gint64  bps);
char       *lookout_format_bitrate_tick   (double  bps,
                                           double  axis_max_bps,
                                           double  step_bps);
/* A plotted and stored value in its kind's unit (a duration or a bit rate). */
char       *lookout_format_value          (LookoutValueUnit unit,
                                           gint64           value);
char       *lookout_format_percent        (double  percent);
char       *lookout_format_date_time      (gint64  ms);
char       *lookout_format_date           (gint64  ms);
char       *lookout_format_time           (gint64    ms,
                                           gboolean  seconds);
char       *lookout_format_day            (gint64  ms);
char       *lookout_format_timestamp      (gint64  ms);
char       *lookout_format_iso8601        (gint64  ms);

G_END_DECLS
