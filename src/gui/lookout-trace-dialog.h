/* lookout-trace-dialog.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-hop-table.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_TRACE_DIALOG (lookout_trace_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTraceDialog, lookout_trace_dialog, LOOKOUT, TRACE_DIALOG, AdwWindow)

/* "Trace Route" for any target: one traced round (ICMP, TTL 1 to 30) to
 * @host, shown in the hop table, without adding a target. Starts at once;
 * closing the window cancels it. */
GtkWidget       *lookout_trace_dialog_new           (GtkWindow          *parent,
                                                     const char         *host);
LookoutHopTable *lookout_trace_dialog_get_hop_table (LookoutTraceDialog *self);
/* Whether the round is still running. */
gboolean         lookout_trace_dialog_get_running   (LookoutTraceDialog *self);
const char      *lookout_trace_dialog_get_status    (LookoutTraceDialog *self);

G_END_DECLS
