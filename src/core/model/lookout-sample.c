/* lookout-sample.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-sample"

#include "config.h"

#include <math.h>

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
                  ? lookout_probe_kind_get_value (result) : -1,
    .state = result->state,
    .error = result->error,
    .location = result->location,
    .code = LOOKOUT_SAMPLE_NO_CODE,
    .min_us = -1,
    .max_us = -1,
    .jitter_us = -1,
  };

  if (lookout_probe_kind_has_code (result))
    sample->code = lookout_probe_kind_get_code (result);

  if (result->kind == LOOKOUT_TARGET_KIND_ICMP && result->sent > 0)
    {
      sample->sent = result->sent;
      sample->received = MIN (result->received, result->sent);
      if (sample->received > 0)
        {
          sample->min_us = result->min_us;
          sample->max_us = result->max_us;
          sample->jitter_us = result->jitter_us;
        }
    }
}

double
lookout_sample_get_loss_percent (const LookoutSample *sample)
{
  g_return_val_if_fail (sample != NULL, NAN);

  if (sample->sent == 0)
    return NAN;

  return 100.0 * (sample->sent - MIN (sample->received, sample->sent)) / sample->sent;
}

void
lookout_sample_clear (LookoutSample *sample)
{
  g_return_if_fail (sample != NULL);

  g_clear_pointer (&sample->error, g_free);
  g_clear_pointer (&sample->location, g_free);
}
