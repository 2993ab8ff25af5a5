/* lookout-result-view-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-phase-bar.h"
#include "lookout-result-view.h"

G_BEGIN_DECLS

/* The struct is here so the widget tests can reach the template children. */
struct _LookoutResultView
{
  AdwPreferencesGroup  parent_instance;

  LookoutResult       *result;

  AdwActionRow        *empty_row;
  GtkWidget           *state_dot;
  LookoutPhaseBar     *phase_bar;
  AdwActionRow        *checked_row;
  GtkLabel            *checked_label;
  AdwActionRow        *state_row;
  GtkLabel            *state_label;
  AdwActionRow        *latency_row;
  GtkLabel            *latency_label;
  AdwActionRow        *address_row;
  GtkLabel            *address_label;
  AdwActionRow        *error_row;
  GtkLabel            *error_label;
  AdwActionRow        *status_row;
  GtkLabel            *status_label;
  AdwActionRow        *timing_row;
  AdwActionRow        *resolve_row;
  GtkLabel            *resolve_label;
  AdwActionRow        *connect_row;
  GtkLabel            *connect_label;
  AdwActionRow        *tls_row;
  GtkLabel            *tls_label;
  AdwActionRow        *processing_row;
  GtkLabel            *processing_label;
  AdwActionRow        *transfer_row;
  GtkLabel            *transfer_label;
  AdwActionRow        *cert_row;
  GtkLabel            *cert_label;
  AdwActionRow        *packets_row;
  GtkLabel            *packets_label;
  AdwActionRow        *loss_row;
  GtkLabel            *loss_label;
  AdwActionRow        *rtt_row;
  GtkLabel            *rtt_label;
  AdwActionRow        *jitter_row;
  GtkLabel            *jitter_label;
  AdwActionRow        *rcode_row;
  GtkLabel            *rcode_label;
  AdwActionRow        *answers_row;
  GtkLabel            *answers_label;
  AdwActionRow        *offset_row;
  GtkLabel            *offset_label;
  AdwActionRow        *stratum_row;
  GtkLabel            *stratum_label;
  AdwActionRow        *refid_row;
  GtkLabel            *refid_label;
  AdwActionRow        *reply_row;
  GtkLabel            *reply_label;
};

G_END_DECLS
