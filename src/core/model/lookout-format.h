/* lookout-format.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one way durations, percentages and dates are written: every view,
 * tooltip, export and the agent go through here. */

const char *lookout_format_latency_unit   (double  max_us,
                                           double *divisor);
char       *lookout_format_latency        (gint64  latency_us);
char       *lookout_format_latency_tick   (double  us,
                                           double  axis_max_us,
                                           double  step_us);
char       *lookout_format_percent        (double  percent);
char       *lookout_format_date_time      (gint64  ms);
char       *lookout_format_date           (gint64  ms);
char       *lookout_format_time           (gint64    ms,
                                           gboolean  seconds);
char       *lookout_format_day            (gint64  ms);
char       *lookout_format_timestamp      (gint64  ms);
char       *lookout_format_iso8601        (gint64  ms);

G_END_DECLS
