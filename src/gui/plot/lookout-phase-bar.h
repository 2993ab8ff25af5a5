/* lookout-phase-bar.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-result.h"

G_BEGIN_DECLS

/* The phases of an HTTP check, in the order they happen. */
typedef enum
{
  LOOKOUT_PHASE_RESOLVE,
  LOOKOUT_PHASE_CONNECT,
  LOOKOUT_PHASE_TLS,
  LOOKOUT_PHASE_PROCESSING,
  LOOKOUT_PHASE_TRANSFER,
} LookoutPhase;

#define LOOKOUT_N_PHASES (LOOKOUT_PHASE_TRANSFER + 1)

#define LOOKOUT_TYPE_PHASE_BAR (lookout_phase_bar_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPhaseBar, lookout_phase_bar, LOOKOUT, PHASE_BAR, GtkWidget)

GtkWidget  *lookout_phase_bar_new         (void);
/* Takes the phase timings of an HTTP result; NULL clears the bar. */
void        lookout_phase_bar_set_result  (LookoutPhaseBar     *self,
                                           const LookoutResult *result);
/* The duration of @phase in µs, -1 when the phase did not happen (a
 * resolve, connect or TLS handshake of 0 µs did not either: that is how
 * the probe reports an IP literal and a kept-alive connection). */
gint64      lookout_phase_bar_get_phase   (LookoutPhaseBar     *self,
                                           LookoutPhase         phase);
/* "Resolve 1.20 ms, Server processing 3.40 ms", the phases that happened. */
char       *lookout_phase_bar_dup_summary (LookoutPhaseBar     *self);
/* "Resolve", "Connect", …, translated. */
const char *lookout_phase_get_label       (LookoutPhase         phase);
/* The colour of phase in the bar; style.css gives the legend's swatches
 * the same by name ("lookout_phase_resolve_color", …). */
const GdkRGBA *lookout_phase_get_color    (LookoutPhase         phase);
const char *lookout_phase_get_color_css_name (LookoutPhase      phase);

G_END_DECLS
