/* lookout-sample.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "lookout-result.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* A sample's code when its kind has none, or the check got no reply. */
#define LOOKOUT_SAMPLE_NO_CODE (-1)

/* One raw result as stored. latency_us is -1 when there was none (a failure
 * is never stored as a zero latency). error may be NULL. The echo figures
 * are those of a ping: sent is 0 for every other kind, and min/max/jitter
 * are -1 when not measured. */
typedef struct
{
  gint64  target_id;
  gint64  ts_ms;
  gint64  latency_us;
  guint8  state;        /* LookoutTargetState */
  int     code;         /* kind specific: HTTP status, DNS rcode, …; LOOKOUT_SAMPLE_NO_CODE when none */
  char   *error;
  char   *location;     /* where it was checked from: an agent's name; NULL when local */
  guint   sent, received;
  gint64  min_us, max_us, jitter_us;
} LookoutSample;

/* The one conversion from a result to what is stored and plotted of it.
 * The sample borrows @result's error text: it must not outlive @result,
 * and is not cleared. */
void lookout_sample_init_from_result (LookoutSample       *sample,
                                      LookoutTarget       *target,
                                      const LookoutResult *result);
/* Frees the error of a sample that owns it (as read from the store). */
void lookout_sample_clear            (LookoutSample       *sample);
/* Lost echoes in percent, or NAN when the sample is not a ping's. */
double lookout_sample_get_loss_percent (const LookoutSample *sample);

G_END_DECLS
