/* lookout-sample.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-sample"

#include "config.h"

#include "lookout-probe-kind.h"
#include "lookout-sample.h"

void
lookout_sample_init_from_result (LookoutSample       *sample,
                                 LookoutTarget       *target,
                                 const LookoutResult *result)
{
  g_return_if_fail (sample != NULL);
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (result != NULL);

  *sample = (LookoutSample) {
    .target_id = lookout_target_get_id (target),
    .ts_ms = result->started_ms,
    /* A degraded result was answered: its latency was measured and is kept. */
    .latency_us = result->ok || result->state == LOOKOUT_TARGET_STATE_DEGRADED
                  ? result->latency_us : -1,
    .state = result->state,
    .error = result->error,
  };

  sample->code = lookout_probe_kind_get_code (result);
}

void
lookout_sample_clear (LookoutSample *sample)
{
  g_return_if_fail (sample != NULL);

  g_clear_pointer (&sample->error, g_free);
}
