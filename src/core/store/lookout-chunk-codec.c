/* lookout-chunk-codec.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a chunk is laid out
 *
 * Every number is a LEB128 varint; signed ones are zigzag-coded first, so
 * small magnitudes of either sign take one byte. In order:
 *
 *   version (1 byte, 2)    n (samples)
 *   timestamps             ts[0], then ts[1] - ts[0], then for each further
 *                          sample the delta of deltas (signed): a regular
 *                          interval with a few ms of jitter costs one byte
 *   latency presence       run lengths, alternately with and without a
 *                          latency, starting with "with" (that run may be 0)
 *   latencies              of the samples that have one: the first, then
 *                          the delta to the previous one (signed)
 *   states                 (state byte, run length) pairs
 *   codes                  (code, run length) pairs, code signed
 *   echo runs              a ping's echo figures (sent > 0): the count of
 *                          runs, then run lengths alternately without and
 *                          with them, starting with "without" (that run
 *                          may be 0); a count of 0 when no sample has them,
 *                          one byte for a chunk of any other kind
 *   sent                   of the samples with figures: (sent, run) pairs
 *   lost                   (sent - received, run) pairs
 *   min, max, jitter       for each of them: latency - min, max - latency
 *                          (both signed, against a latency of -1 when the
 *                          sample has none) and the jitter plus one
 *                          (0 when not measured)
 *   errors                 their count, then for each: the gap in samples
 *                          since the previous error (or its index for the
 *                          first), and either 0, length and the bytes of a
 *                          new text, or k > 0 naming the k-th new text seen
 *                          in this chunk, as failures repeat their message
 *   locations              (version 3 only) where each sample was checked
 *                          from: the count of names, each as length and
 *                          bytes, then (k, run) pairs, k = 0 for a local
 *                          check and k > 0 for the k-th name
 *
 * The decoder trusts nothing: every count and run is checked against n and
 * against the bytes left, the runs of each section must add up to n exactly,
 * and no byte may be left over. A malformed chunk appends nothing.
 *
 * Version 1 had no echo figures: its chunks, and the rows of the log written
 * with it, still decode, with sent = 0 and no min, max or jitter. A chunk
 * whose samples were all checked here is written as version 2, so a local
 * result costs what it did; one with a remote agent's results is version 3. */

#define G_LOG_DOMAIN "lookout-store"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-chunk-codec.h"

#define CHUNK_VERSION_V3 3
#define CHUNK_VERSION    2
#define CHUNK_VERSION_V1 1

G_DEFINE_QUARK (lookout-chunk-error-quark, lookout_chunk_error)

/* ---- encoding ---- */

static inline void
put_varint (GByteArray *out,
            guint64     v)
{
  guint8 buf[10];
  guint len = 0;

  while (v >= 0x80)
    {
      buf[len++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  buf[len++] = (guint8) v;
  g_byte_array_append (out, buf, len);
}

static inline guint64
zigzag (gint64 v)
{
  return ((guint64) v << 1) ^ (guint64) (v >> 63);
}

static inline gint64
unzigzag (guint64 v)
{
  return (gint64) (v >> 1) ^ -(gint64) (v & 1);
}

static guint
sent_of (const LookoutSample *s)
{
  return s->sent;
}

static guint
lost_of (const LookoutSample *s)
{
  return s->sent - MIN (s->received, s->sent);
}

/* (value, run) pairs of the samples with echo figures, skipping the others. */
static void
put_echo_pairs (GByteArray          *out,
                const LookoutSample *samples,
                guint                n_samples,
                guint              (*value_of) (const LookoutSample *s))
{
  for (guint i = 0; i < n_samples;)
    {
      guint run = 0, value;

      for (; i < n_samples && samples[i].sent == 0; i++)
        ;
      if (i == n_samples)
        break;
      value = value_of (&samples[i]);
      for (; i < n_samples && (samples[i].sent == 0 || value_of (&samples[i]) == value); i++)
        run += samples[i].sent > 0;
      put_varint (out, value);
      put_varint (out, run);
    }
}

/* The echo section: presence runs, then sent and lost as (value, run)
 * pairs and the three figures of each ping. */
static void
put_echoes (GByteArray          *out,
            const LookoutSample *samples,
            guint                n_samples)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean with = FALSE;
  guint n_with = 0;

  for (guint i = 0; i < n_samples; i++)
    n_with += samples[i].sent > 0;
  if (n_with == 0)
    {
      put_varint (out, 0);
      return;
    }

  for (guint i = 0; i < n_samples; with = !with)
    {
      guint run = 0;

      while (i < n_samples && (samples[i].sent > 0) == with)
        run++, i++;
      g_array_append_val (runs, run);
    }
  put_varint (out, runs->len);
  for (guint k = 0; k < runs->len; k++)
    put_varint (out, g_array_index (runs, guint, k));

  put_echo_pairs (out, samples, n_samples, sent_of);
  put_echo_pairs (out, samples, n_samples, lost_of);

  /* Unsigned arithmetic, as for timestamps: any values round-trip. */
  for (guint i = 0; i < n_samples; i++)
    {
      const LookoutSample *s = &samples[i];

      if (s->sent == 0)
        continue;
      put_varint (out, zigzag ((gint64) ((guint64) s->latency_us - (guint64) s->min_us)));
      put_varint (out, zigzag ((gint64) ((guint64) s->max_us - (guint64) s->latency_us)));
      put_varint (out, (guint64) s->jitter_us + 1);
    }
}

/* Index of @name in @names plus one, 0 for NULL (a local check). */
static guint
name_index (GPtrArray  *names,
            const char *name)
{
  if (name == NULL)
    return 0;
  for (guint k = 0; k < names->len; k++)
    if (strcmp (names->pdata[k], name) == 0)
      return k + 1;
  g_ptr_array_add (names, (gpointer) name);
  return names->len;
}

static void
put_locations (GByteArray          *out,
               const LookoutSample *samples,
               guint                n_samples)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n_samples;)
    {
      guint k = name_index (names, samples[i].location), run = 0;

      while (i < n_samples && name_index (names, samples[i].location) == k)
        run++, i++;
      g_array_append_val (runs, k);
      g_array_append_val (runs, run);
    }

  put_varint (out, names->len);
  for (guint k = 0; k < names->len; k++)
    {
      gsize len = strlen (names->pdata[k]);

      put_varint (out, len);
      g_byte_array_append (out, names->pdata[k], len);
    }
  for (guint r = 0; r < runs->len; r++)
    put_varint (out, g_array_index (runs, guint, r));
}

GByteArray *
lookout_chunk_encode (const LookoutSample *samples,
                      guint                n_samples)
{
  g_autoptr(GPtrArray) texts = NULL;
  GByteArray *out;
  guint64 prev_delta = 0;
  guint n_errors = 0, last_error = 0;
  gint64 prev_latency = 0;
  gboolean have_latency = FALSE, located = FALSE;

  g_return_val_if_fail (samples != NULL, NULL);
  g_return_val_if_fail (n_samples > 0 && n_samples <= LOOKOUT_CHUNK_MAX_SAMPLES, NULL);

  for (guint i = 0; i < n_samples && !located; i++)
    located = samples[i].location != NULL;

  out = g_byte_array_sized_new (16 + n_samples * 4);
  g_byte_array_append (out, (const guint8[]) { located ? CHUNK_VERSION_V3 : CHUNK_VERSION }, 1);
  put_varint (out, n_samples);

  /* Unsigned arithmetic: any timestamps round-trip, even absurd ones. */
  put_varint (out, zigzag (samples[0].ts_ms));
  for (guint i = 1; i < n_samples; i++)
    {
      guint64 delta = (guint64) samples[i].ts_ms - (guint64) samples[i - 1].ts_ms;

      put_varint (out, zigzag ((gint64) (i == 1 ? delta : delta - prev_delta)));
      prev_delta = delta;
    }

  for (guint i = 0; i < n_samples;)
    {
      guint run = 0;

      while (i < n_samples && (samples[i].latency_us >= 0) == !have_latency)
        run++, i++;
      put_varint (out, run);
      have_latency = !have_latency;
    }

  have_latency = FALSE;
  for (guint i = 0; i < n_samples; i++)
    {
      if (samples[i].latency_us < 0)
        continue;
      put_varint (out, zigzag (have_latency ? samples[i].latency_us - prev_latency
                                            : samples[i].latency_us));
      prev_latency = samples[i].latency_us;
      have_latency = TRUE;
    }

  for (guint i = 0; i < n_samples;)
    {
      guint run = 0;
      guint8 state = samples[i].state;

      while (i < n_samples && samples[i].state == state)
        run++, i++;
      g_byte_array_append (out, &state, 1);
      put_varint (out, run);
    }

  for (guint i = 0; i < n_samples;)
    {
      guint run = 0;
      int code = samples[i].code;

      while (i < n_samples && samples[i].code == code)
        run++, i++;
      put_varint (out, zigzag (code));
      put_varint (out, run);
    }

  put_echoes (out, samples, n_samples);

  for (guint i = 0; i < n_samples; i++)
    n_errors += samples[i].error != NULL;
  put_varint (out, n_errors);

  texts = g_ptr_array_new ();
  for (guint i = 0; i < n_samples; i++)
    {
      const char *error = samples[i].error;
      guint k;

      if (error == NULL)
        continue;

      put_varint (out, i - last_error);
      last_error = i;

      for (k = 0; k < texts->len; k++)
        if (strcmp (texts->pdata[k], error) == 0)
          break;

      if (k < texts->len)
        put_varint (out, k + 1);
      else
        {
          gsize len = strlen (error);

          put_varint (out, 0);
          put_varint (out, len);
          g_byte_array_append (out, (const guint8 *) error, len);
          g_ptr_array_add (texts, (gpointer) error);
        }
    }

  if (located)
    put_locations (out, samples, n_samples);

  return out;
}

/* ---- decoding ---- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  const char   *failed;   /* what was being read when the input ran out or was wrong */
} Reader;

static inline gboolean
get_varint (Reader     *r,
            guint64    *out,
            const char *what)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (r->p >= r->end)
        {
          r->failed = what;
          return FALSE;
        }
      b = *r->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        {
          *out = v;
          return TRUE;
        }
    }

  r->failed = what;
  return FALSE;
}

/* A run length that must fit in what is left of n. */
static inline gboolean
get_run (Reader     *r,
         guint       left,
         guint      *out,
         const char *what)
{
  guint64 v;

  if (!get_varint (r, &v, what))
    return FALSE;
  if (v > left)
    {
      r->failed = what;
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

/* The next sample at or after *@j that has echo figures. */
static inline LookoutSample *
next_echo (LookoutSample *s,
           guint         *j)
{
  while (s[*j].sent == 0)
    (*j)++;
  return &s[(*j)++];
}

static gboolean
decode_echoes (Reader        *r,
               LookoutSample *s,
               guint          n)
{
  guint64 n_runs, v;
  guint i = 0, n_with = 0, left, j;
  gboolean with = FALSE;

  if (!get_varint (r, &n_runs, N_("echo runs")))
    return FALSE;
  if (n_runs == 0)
    return TRUE;
  if (n_runs > (guint64) n + 1)
    {
      r->failed = N_("echo runs");
      return FALSE;
    }

  /* Samples with figures are marked with sent = 1 until their pairs come. */
  for (guint64 k = 0; k < n_runs; k++, with = !with)
    {
      guint run;

      if (!get_run (r, n - i, &run, N_("echo runs")) || (run == 0 && k > 0))
        {
          r->failed = N_("echo runs");
          return FALSE;
        }
      for (guint end = i + run; i < end; i++)
        s[i].sent = with;
      n_with += with ? run : 0;
    }
  if (i != n)
    {
      r->failed = N_("echo runs");
      return FALSE;
    }

  for (left = n_with, j = 0; left > 0;)
    {
      guint run;

      if (!get_varint (r, &v, N_("echo counts")) || v == 0 || v > G_MAXUINT ||
          !get_run (r, left, &run, N_("echo counts")) || run == 0)
        {
          r->failed = N_("echo counts");
          return FALSE;
        }
      for (left -= run; run > 0; run--)
        next_echo (s, &j)->sent = (guint) v;
    }

  for (left = n_with, j = 0; left > 0;)
    {
      guint run;

      if (!get_varint (r, &v, N_("lost echoes")) ||
          !get_run (r, left, &run, N_("lost echoes")) || run == 0)
        {
          r->failed = N_("lost echoes");
          return FALSE;
        }
      for (left -= run; run > 0; run--)
        {
          LookoutSample *e = next_echo (s, &j);

          if (v > e->sent)
            {
              r->failed = N_("lost echoes");
              return FALSE;
            }
          e->received = e->sent - (guint) v;
        }
    }

  for (left = n_with, j = 0; left > 0; left--)
    {
      LookoutSample *e = next_echo (s, &j);
      guint64 below, above, jitter;

      if (!get_varint (r, &below, N_("echo times")) ||
          !get_varint (r, &above, N_("echo times")) ||
          !get_varint (r, &jitter, N_("echo times")))
        return FALSE;
      e->min_us = (gint64) ((guint64) e->latency_us - (guint64) unzigzag (below));
      e->max_us = (gint64) ((guint64) e->latency_us + (guint64) unzigzag (above));
      e->jitter_us = (gint64) (jitter - 1);
    }

  return TRUE;
}

static gboolean
decode_locations (Reader        *r,
                  LookoutSample *s,
                  guint          n)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint64 n_names;

  /* Each name is at least a byte long, and used. */
  if (!get_varint (r, &n_names, N_("locations")) || n_names == 0 || n_names > n ||
      n_names > (guint64) (r->end - r->p))
    {
      r->failed = N_("locations");
      return FALSE;
    }

  for (guint64 k = 0; k < n_names; k++)
    {
      guint64 len;

      if (!get_varint (r, &len, N_("location names")) || len == 0 ||
          len > (guint64) (r->end - r->p) || memchr (r->p, '\0', len) != NULL)
        {
          r->failed = N_("location names");
          return FALSE;
        }
      g_ptr_array_add (names, g_strndup ((const char *) r->p, len));
      r->p += len;
    }

  for (guint i = 0; i < n;)
    {
      guint64 k;
      guint run;

      if (!get_varint (r, &k, N_("locations")) || k > n_names ||
          !get_run (r, n - i, &run, N_("locations")) || run == 0)
        {
          r->failed = N_("locations");
          return FALSE;
        }
      for (guint end = i + run; i < end; i++)
        s[i].location = k == 0 ? NULL : g_strdup (names->pdata[k - 1]);
    }

  return TRUE;
}

static gboolean
decode (Reader        *r,
        guint          version,
        gint64         target_id,
        gboolean       with_errors,
        LookoutSample *s,
        guint          n)
{
  guint64 v, ts, delta = 0, latency = 0;
  gboolean have_latency = FALSE, present = TRUE;
  guint i, n_errors, at = 0;
  g_autoptr(GPtrArray) texts = NULL;

  if (!get_varint (r, &v, N_("timestamps")))
    return FALSE;
  ts = (guint64) unzigzag (v);
  for (i = 0; i < n; i++)
    {
      if (i > 0)
        {
          if (!get_varint (r, &v, N_("timestamps")))
            return FALSE;
          delta = i == 1 ? (guint64) unzigzag (v) : delta + (guint64) unzigzag (v);
          ts += delta;
        }
      s[i] = (LookoutSample) {
        .target_id = target_id,
        .ts_ms = (gint64) ts,
        .latency_us = -1,
        .min_us = -1,
        .max_us = -1,
        .jitter_us = -1,
      };
    }

  /* Presence runs, marking present samples with latency 0 for now. */
  for (i = 0; i < n; present = !present)
    {
      guint run;

      if (!get_run (r, n - i, &run, N_("latency runs")))
        return FALSE;
      if (run == 0 && i > 0)
        {
          r->failed = N_("latency runs");
          return FALSE;
        }
      for (guint end = i + run; i < end; i++)
        s[i].latency_us = present ? 0 : -1;
    }

  for (i = 0; i < n; i++)
    {
      if (s[i].latency_us < 0)
        continue;
      if (!get_varint (r, &v, N_("latencies")))
        return FALSE;
      latency = have_latency ? latency + (guint64) unzigzag (v) : (guint64) unzigzag (v);
      have_latency = TRUE;
      if ((gint64) latency < 0)
        {
          r->failed = N_("latencies");
          return FALSE;
        }
      s[i].latency_us = (gint64) latency;
    }

  for (i = 0; i < n;)
    {
      guint run;
      guint8 state;

      if (r->p >= r->end)
        {
          r->failed = N_("states");
          return FALSE;
        }
      state = *r->p++;
      if (!get_run (r, n - i, &run, N_("states")) || run == 0)
        {
          r->failed = N_("states");
          return FALSE;
        }
      for (guint end = i + run; i < end; i++)
        s[i].state = state;
    }

  for (i = 0; i < n;)
    {
      guint run;
      gint64 code;

      if (!get_varint (r, &v, N_("codes")))
        return FALSE;
      code = unzigzag (v);
      if (code < G_MININT || code > G_MAXINT ||
          !get_run (r, n - i, &run, N_("codes")) || run == 0)
        {
          r->failed = N_("codes");
          return FALSE;
        }
      for (guint end = i + run; i < end; i++)
        s[i].code = (int) code;
    }

  if (version >= 2 && !decode_echoes (r, s, n))
    return FALSE;

  if (!get_run (r, n, &n_errors, N_("errors")))
    return FALSE;

  texts = g_ptr_array_new ();
  for (guint e = 0; e < n_errors; e++)
    {
      guint gap;
      guint64 ref;
      const char *text;
      gsize len;

      if (!get_run (r, n - 1 - at, &gap, N_("errors")) ||
          (e > 0 && gap == 0) ||
          !get_varint (r, &ref, N_("errors")))
        {
          r->failed = N_("errors");
          return FALSE;
        }
      at += gap;

      if (ref == 0)
        {
          guint64 len64;

          if (!get_varint (r, &len64, N_("error texts")) || len64 > (guint64) (r->end - r->p) ||
              memchr (r->p, '\0', len64) != NULL)
            {
              r->failed = N_("error texts");
              return FALSE;
            }
          text = (const char *) r->p;
          len = len64;
          r->p += len;
          g_ptr_array_add (texts, (gpointer) text);
          g_ptr_array_add (texts, GSIZE_TO_POINTER (len));
        }
      else if (ref <= texts->len / 2)
        {
          text = texts->pdata[(ref - 1) * 2];
          len = GPOINTER_TO_SIZE (texts->pdata[(ref - 1) * 2 + 1]);
        }
      else
        {
          r->failed = N_("errors");
          return FALSE;
        }

      if (with_errors)
        s[at].error = g_strndup (text, len);
    }

  if (version >= CHUNK_VERSION_V3 && !decode_locations (r, s, n))
    return FALSE;

  if (r->p != r->end)
    {
      r->failed = N_("the end");
      return FALSE;
    }

  return TRUE;
}

gboolean
lookout_chunk_decode (const guint8  *data,
                      gsize          len,
                      gint64         target_id,
                      gboolean       with_errors,
                      GArray        *out,
                      GError       **error)
{
  Reader r = { data, data + len, NULL };
  guint old_len;
  guint64 n;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (out) == sizeof (LookoutSample), FALSE);

  if (len < 1 || (data[0] != CHUNK_VERSION && data[0] != CHUNK_VERSION_V1 &&
                  data[0] != CHUNK_VERSION_V3))
    {
      g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                   _("A stored chunk of samples has an unknown format (version %d)"),
                   len < 1 ? -1 : data[0]);
      return FALSE;
    }
  r.p++;

  if (!get_varint (&r, &n, N_("the sample count")) || n == 0 || n > LOOKOUT_CHUNK_MAX_SAMPLES)
    {
      g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                   _("A stored chunk of samples is damaged: bad sample count"));
      return FALSE;
    }

  old_len = out->len;
  g_array_set_size (out, old_len + n);
  memset (&g_array_index (out, LookoutSample, old_len), 0, n * sizeof (LookoutSample));

  if (!decode (&r, data[0], target_id, with_errors,
               &g_array_index (out, LookoutSample, old_len), n))
    {
      for (guint i = old_len; i < out->len; i++)
        lookout_sample_clear (&g_array_index (out, LookoutSample, i));
      g_array_set_size (out, old_len);
      g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                   _("A stored chunk of samples is damaged: bad %s"), _(r.failed));
      return FALSE;
    }

  return TRUE;
}

/* ---- several targets ---- */

GByteArray *
lookout_chunk_encode_log (const LookoutSample *samples,
                          guint                n_samples)
{
  g_autoptr(GByteArray) chunk = NULL;
  GByteArray *out;
  gint64 prev = 0;

  g_return_val_if_fail (samples != NULL, NULL);
  g_return_val_if_fail (n_samples > 0 && n_samples <= LOOKOUT_CHUNK_MAX_SAMPLES, NULL);

  out = g_byte_array_sized_new (16 + n_samples * 6);
  put_varint (out, n_samples);
  for (guint i = 0; i < n_samples; i++)
    {
      put_varint (out, zigzag ((gint64) ((guint64) samples[i].target_id - (guint64) prev)));
      prev = samples[i].target_id;
    }

  chunk = lookout_chunk_encode (samples, n_samples);
  g_byte_array_append (out, chunk->data, chunk->len);

  return out;
}

gboolean
lookout_chunk_decode_log (const guint8  *data,
                          gsize          len,
                          GArray        *out,
                          GError       **error)
{
  Reader r = { data, data + len, NULL };
  g_autofree gint64 *ids = NULL;
  guint64 n, v;
  guint64 id = 0;
  guint old_len = out->len;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!get_varint (&r, &n, N_("target ids")) || n == 0 || n > LOOKOUT_CHUNK_MAX_SAMPLES)
    {
      g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                   _("A stored batch of samples is damaged: bad sample count"));
      return FALSE;
    }

  ids = g_new (gint64, n);
  for (guint64 i = 0; i < n; i++)
    {
      if (!get_varint (&r, &v, N_("target ids")))
        {
          g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                       _("A stored batch of samples is damaged: bad target ids"));
          return FALSE;
        }
      id += (guint64) unzigzag (v);
      ids[i] = (gint64) id;
    }

  if (!lookout_chunk_decode (r.p, r.end - r.p, 0, TRUE, out, error))
    return FALSE;

  if (out->len - old_len != n)
    {
      guint got = out->len - old_len;

      for (guint i = old_len; i < out->len; i++)
        lookout_sample_clear (&g_array_index (out, LookoutSample, i));
      g_array_set_size (out, old_len);
      g_set_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT,
                   _("A stored batch of samples is damaged: %u target ids for %u samples"),
                   (guint) n, got);
      return FALSE;
    }

  for (guint64 i = 0; i < n; i++)
    g_array_index (out, LookoutSample, old_len + i).target_id = ids[i];

  return TRUE;
}
