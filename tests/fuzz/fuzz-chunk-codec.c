/* fuzz-chunk-codec.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever bytes a damaged file holds where a chunk should be, the decoder
 * must not read out of bounds, must append either a whole chunk or nothing,
 * and what it accepts must encode back to a chunk that decodes to the same
 * samples. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "lookout-chunk-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_autoptr(GArray) again = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_autoptr(GByteArray) encoded = NULL;
  g_autoptr(GError) error = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) lookout_sample_clear);
  g_array_set_clear_func (again, (GDestroyNotify) lookout_sample_clear);

  if (!lookout_chunk_decode (data, size, 1, TRUE, out, &error))
    {
      if (out->len != 0 || error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (out->len == 0 || out->len > LOOKOUT_CHUNK_MAX_SAMPLES)
    abort ();

  encoded = lookout_chunk_encode ((const LookoutSample *) out->data, out->len);
  if (!lookout_chunk_decode (encoded->data, encoded->len, 1, TRUE, again, NULL) ||
      again->len != out->len)
    abort ();

  for (guint i = 0; i < out->len; i++)
    {
      const LookoutSample *a = &g_array_index (out, LookoutSample, i);
      const LookoutSample *b = &g_array_index (again, LookoutSample, i);

      if (a->ts_ms != b->ts_ms || a->latency_us != b->latency_us || a->state != b->state ||
          a->code != b->code || g_strcmp0 (a->error, b->error) != 0 ||
          a->sent != b->sent || a->received != b->received || a->received > a->sent ||
          a->min_us != b->min_us || a->max_us != b->max_us || a->jitter_us != b->jitter_us)
        abort ();
    }

  return 0;
}
