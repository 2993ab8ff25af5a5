/* lookout-chunk-codec.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "lookout-sample.h"

G_BEGIN_DECLS

/* One target's samples packed into a byte string, as a time-series engine
 * packs them: delta-of-delta timestamps, delta latencies, run lengths of
 * states, codes and missing latencies, a ping's echo figures (sent,
 * received, min, max, jitter), error texts apart. The store keeps one such
 * string per sealed chunk (lookout-store-chunks.c). */

#define LOOKOUT_CHUNK_ERROR (lookout_chunk_error_quark ())

typedef enum
{
  LOOKOUT_CHUNK_ERROR_CORRUPT,
} LookoutChunkError;

/* The most samples one chunk may hold; the decoder refuses more. */
#define LOOKOUT_CHUNK_MAX_SAMPLES 65536

GQuark      lookout_chunk_error_quark (void);

/* Packs @n_samples (1 ≤ n ≤ LOOKOUT_CHUNK_MAX_SAMPLES) samples in the order
 * given; target_id is not stored. */
GByteArray *lookout_chunk_encode      (const LookoutSample  *samples,
                                       guint                 n_samples);

/* Appends the samples of @data to @out (a GArray of LookoutSample), with
 * @target_id and, when @with_errors, their error texts (owned by the
 * samples). A malformed chunk appends nothing and sets
 * LOOKOUT_CHUNK_ERROR_CORRUPT saying what is wrong. */
gboolean    lookout_chunk_decode      (const guint8         *data,
                                       gsize                 len,
                                       gint64                target_id,
                                       gboolean              with_errors,
                                       GArray               *out,
                                       GError              **error);

/* The same for samples of several targets, as the store's log keeps one
 * commit's results: their target ids first (a count, then each id as the
 * signed difference to the previous one), then a chunk as above. */
GByteArray *lookout_chunk_encode_log  (const LookoutSample  *samples,
                                       guint                 n_samples);
gboolean    lookout_chunk_decode_log  (const guint8         *data,
                                       gsize                 len,
                                       GArray               *out,
                                       GError              **error);

G_END_DECLS
