/* lookout-store-last.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Where a target stood when the last process stopped: its last stored
 * result and the start of the run of failures it ends, read on a reader
 * connection so that an engine starting again knows the state and the
 * outage start at once instead of "Unknown" until the next check. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include "lookout-store-private.h"

/* What one window of history says, scanned forward. */
typedef struct
{
  LookoutSample last;           /* its newest sample; ts_ms -1 when empty */
  gint64        first_ms;       /* its oldest sample */
  gint64        last_up_ms;     /* its newest success, -1 when none */
  gint64        bad_after_ms;   /* its first failure after that, -1 when none */
} Window;

static gboolean
window_sample_cb (const LookoutSample *sample,
                  gpointer             user_data)
{
  Window *w = user_data;

  if (w->last.ts_ms < 0)
    w->first_ms = sample->ts_ms;
  lookout_sample_clear (&w->last);
  w->last = *sample;
  w->last.error = g_strdup (sample->error);
  w->last.location = g_strdup (sample->location);

  if (sample->state == LOOKOUT_TARGET_STATE_UP)
    {
      w->last_up_ms = sample->ts_ms;
      w->bad_after_ms = -1;
    }
  else if (w->bad_after_ms < 0)
    w->bad_after_ms = sample->ts_ms;

  return TRUE;
}

/* Windows of history are read from the newest back, each twice as long as
 * the one before, until the last result and the start of the run of
 * failures it ends are known: a target that is up costs one small read, a
 * long outage a few. */
gboolean
lookout_store_read_last_sample_sync (LookoutStore   *self,
                                     gint64          target_id,
                                     LookoutSample  *out_sample,
                                     gint64         *out_bad_since_ms,
                                     GError        **error)
{
  LookoutStoreDb *db;
  gint64 oldest = 0;
  gint64 to = G_MAXINT64;
  gint64 span = 3600 * G_GINT64_CONSTANT (1000);
  gboolean none = TRUE;
  gboolean found = FALSE;

  g_return_val_if_fail (LOOKOUT_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_sample != NULL, FALSE);
  g_return_val_if_fail (out_bad_since_ms != NULL, FALSE);

  *out_sample = (LookoutSample) { .target_id = target_id, .ts_ms = -1, .latency_us = -1 };
  *out_bad_since_ms = 0;

  if (!(db = lookout_store_acquire_reader (self, error)))
    return FALSE;

  if (!lookout_store_chunks_oldest (self, db, target_id, &oldest, &none, error))
    {
      lookout_store_release_reader (self, db);
      return FALSE;
    }

  while (!none)
    {
      gint64 from = to == G_MAXINT64 ? lookout_store_get_now_ms (self) - span : to - span;
      Window w = { .last = { .ts_ms = -1 }, .first_ms = -1, .last_up_ms = -1, .bad_after_ms = -1 };

      from = MIN (from, to - 1);
      if (!lookout_store_chunks_scan (self, db, target_id, from, to, TRUE, window_sample_cb, &w, error))
        {
          lookout_sample_clear (&w.last);
          lookout_sample_clear (out_sample);
          lookout_store_release_reader (self, db);
          return FALSE;
        }

      if (w.last.ts_ms >= 0 && !found)
        {
          found = TRUE;
          *out_sample = w.last;
          out_sample->target_id = target_id;
          w.last.error = NULL;
          w.last.location = NULL;
          if (out_sample->state == LOOKOUT_TARGET_STATE_UP)
            break;
          *out_bad_since_ms = w.bad_after_ms;
          if (w.last_up_ms >= 0)
            break;
        }
      else if (w.last.ts_ms >= 0)
        {
          /* Older than the run's start so far: it began after this
           * window's last success, or goes on further back. */
          if (w.last_up_ms >= 0)
            {
              if (w.bad_after_ms >= 0)
                *out_bad_since_ms = w.bad_after_ms;
              lookout_sample_clear (&w.last);
              break;
            }
          *out_bad_since_ms = w.first_ms;
        }
      lookout_sample_clear (&w.last);

      if (from <= oldest)
        break;
      to = from;
      span *= 2;
    }

  lookout_store_release_reader (self, db);
  return TRUE;
}
