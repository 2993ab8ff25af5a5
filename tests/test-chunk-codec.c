/* test-chunk-codec.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The chunk codec on its own: every sample comes back as it went in, the
 * realistic cases are as small as the store counts on, and damaged chunks
 * are refused in words without touching the output. */

#include "config.h"

#include "lookout-chunk-codec.h"

static GArray *
decode_all (GByteArray *chunk,
            gboolean    with_errors)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  GError *error = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) lookout_sample_clear);
  g_assert_true (lookout_chunk_decode (chunk->data, chunk->len, 7, with_errors, out, &error));
  g_assert_no_error (error);

  return out;
}

static void
assert_same (const LookoutSample *in,
             GArray              *out,
             gboolean             with_errors)
{
  for (guint i = 0; i < out->len; i++)
    {
      const LookoutSample *o = &g_array_index (out, LookoutSample, i);

      g_assert_cmpint (o->target_id, ==, 7);
      g_assert_cmpint (o->ts_ms, ==, in[i].ts_ms);
      g_assert_cmpint (o->latency_us, ==, in[i].latency_us);
      g_assert_cmpint (o->state, ==, in[i].state);
      g_assert_cmpint (o->code, ==, in[i].code);
      g_assert_cmpstr (o->error, ==, with_errors ? in[i].error : NULL);
    }
}

/* A minute's probes for an hour: jittered timestamps, latencies around a
 * base, a failure now and then with one of a few messages, HTTP codes. */
static LookoutSample *
make_realistic (GRand  *rand,
                guint   n,
                gint64  interval_ms)
{
  static const char * const errors[] = { "timed out after 10000 ms", "connection refused" };
  LookoutSample *s = g_new0 (LookoutSample, n);
  gint64 ts = G_GINT64_CONSTANT (1767225600000);

  for (guint i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (rand, 0, 100);

      ts += interval_ms + g_rand_int_range (rand, -4, 5);
      s[i].ts_ms = ts;
      s[i].code = 200;
      if (r < 2)
        {
          s[i].latency_us = -1;
          s[i].state = LOOKOUT_TARGET_STATE_DOWN;
          s[i].code = 0;
          s[i].error = (char *) errors[r];
        }
      else
        {
          s[i].latency_us = 20000 + g_rand_int_range (rand, 0, 400);
          s[i].state = LOOKOUT_TARGET_STATE_UP;
        }
    }

  return s;
}

static void
test_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree LookoutSample *s = make_realistic (rand, 720, 60000);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 720);
  g_autoptr(GArray) with = decode_all (chunk, TRUE);
  g_autoptr(GArray) without = decode_all (chunk, FALSE);

  g_assert_cmpuint (with->len, ==, 720);
  assert_same (s, with, TRUE);
  assert_same (s, without, FALSE);

  /* What the store's disk figure rests on: well under 4 bytes a sample. */
  g_test_message ("%u samples in %u bytes", 720, chunk->len);
  g_assert_cmpuint (chunk->len, <, 720 * 4);
}

static void
test_extremes (void)
{
  const LookoutSample s[] = {
    { .ts_ms = G_MININT64, .latency_us = G_MAXINT64, .state = 255, .code = G_MININT },
    { .ts_ms = G_MAXINT64, .latency_us = 0, .state = 0, .code = G_MAXINT, .error = (char *) "" },
    { .ts_ms = 0, .latency_us = -1, .state = 3, .code = -1, .error = (char *) "é" },
    { .ts_ms = -5, .latency_us = 1, .state = 3, .code = -1, .error = (char *) "é" },
  };
  g_autoptr(GByteArray) one = lookout_chunk_encode (s, 1);
  g_autoptr(GByteArray) all = lookout_chunk_encode (s, G_N_ELEMENTS (s));
  g_autoptr(GArray) out_one = decode_all (one, TRUE);
  g_autoptr(GArray) out_all = decode_all (all, TRUE);

  g_assert_cmpuint (out_one->len, ==, 1);
  assert_same (s, out_one, TRUE);
  g_assert_cmpuint (out_all->len, ==, G_N_ELEMENTS (s));
  assert_same (s, out_all, TRUE);
}

static void
test_appends (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree LookoutSample *s = make_realistic (rand, 10, 1000);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 10);
  g_autoptr(GArray) out = decode_all (chunk, FALSE);
  GError *error = NULL;

  /* A second decode appends after what is there. */
  g_assert_true (lookout_chunk_decode (chunk->data, chunk->len, 7, FALSE, out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 20);
  g_assert_cmpint (g_array_index (out, LookoutSample, 10).ts_ms, ==, s[0].ts_ms);
}

static void
test_damaged (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree LookoutSample *s = make_realistic (rand, 200, 1000);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 200);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  g_autoptr(GByteArray) longer = NULL;
  GError *error = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) lookout_sample_clear);

  /* Every truncation is refused, and leaves the output as it was. */
  for (guint len = 0; len < chunk->len; len++)
    {
      g_assert_false (lookout_chunk_decode (chunk->data, len, 7, TRUE, out, &error));
      g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "chunk"));
      g_clear_error (&error);
      g_assert_cmpuint (out->len, ==, 0);
    }

  /* So is a trailing byte, and an unknown version. */
  longer = g_byte_array_new ();
  g_byte_array_append (longer, chunk->data, chunk->len);
  g_byte_array_append (longer, (const guint8 *) "", 1);
  g_assert_false (lookout_chunk_decode (longer->data, longer->len, 7, TRUE, out, &error));
  g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
  g_clear_error (&error);

  longer->data[0] = 9;
  g_assert_false (lookout_chunk_decode (longer->data, longer->len, 7, TRUE, out, &error));
  g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "version 9"));
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/chunk-codec/round-trip", test_round_trip);
  g_test_add_func ("/store/chunk-codec/extremes", test_extremes);
  g_test_add_func ("/store/chunk-codec/appends", test_appends);
  g_test_add_func ("/store/chunk-codec/damaged", test_damaged);

  return g_test_run ();
}
