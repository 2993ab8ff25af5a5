/* lookout-types.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Each kind has its row in lookout-probe-kind.c and its probe class in
 * lookout_probe_new_for_kind(); a new kind goes last, and moves
 * LOOKOUT_TARGET_N_KINDS with it. */
typedef enum
{
  LOOKOUT_TARGET_KIND_HTTP,
  LOOKOUT_TARGET_KIND_ICMP,
  LOOKOUT_TARGET_KIND_TCP,
  LOOKOUT_TARGET_KIND_UDP,
  LOOKOUT_TARGET_KIND_DNS,
  LOOKOUT_TARGET_KIND_NTP,
  LOOKOUT_TARGET_KIND_IFACE,
  LOOKOUT_TARGET_KIND_TRACE,
} LookoutTargetKind;

#define LOOKOUT_TARGET_N_KINDS (LOOKOUT_TARGET_KIND_TRACE + 1)

/* Stored as integers in the database: never renumber. */
typedef enum
{
  LOOKOUT_TARGET_STATE_UNKNOWN  = 0,
  LOOKOUT_TARGET_STATE_UP       = 1,
  LOOKOUT_TARGET_STATE_DEGRADED = 2,
  LOOKOUT_TARGET_STATE_DOWN     = 3,
  LOOKOUT_TARGET_STATE_PAUSED   = 4,
} LookoutTargetState;

const char *lookout_target_kind_to_string  (LookoutTargetKind   kind);
const char *lookout_target_kind_get_label  (LookoutTargetKind   kind);
const char *lookout_target_state_to_string (LookoutTargetState  state);
const char *lookout_target_state_get_label (LookoutTargetState  state);

G_END_DECLS
