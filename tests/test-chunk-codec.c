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

#include <string.h>

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
      g_assert_cmpuint (o->sent, ==, in[i].sent);
      if (in[i].sent > 0)
        {
          g_assert_cmpuint (o->received, ==, MIN (in[i].received, in[i].sent));
          g_assert_cmpint (o->min_us, ==, in[i].min_us);
          g_assert_cmpint (o->max_us, ==, in[i].max_us);
          g_assert_cmpint (o->jitter_us, ==, in[i].jitter_us);
        }
      else
        {
          g_assert_cmpuint (o->received, ==, 0);
          g_assert_cmpint (o->min_us, ==, -1);
          g_assert_cmpint (o->max_us, ==, -1);
          g_assert_cmpint (o->jitter_us, ==, -1);
        }
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

/* A ping every 10 s for an hour, 3 echoes a round as the ICMP probe sends
 * them: a lost echo now and then, every echo lost once in a while (no
 * latency, no times), a round with one reply (no jitter). */
static LookoutSample *
make_pings (GRand *rand,
            guint  n)
{
  LookoutSample *s = g_new0 (LookoutSample, n);
  gint64 ts = G_GINT64_CONSTANT (1767225600000);

  for (guint i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (rand, 0, 100);
      gint64 median = 15000 + g_rand_int_range (rand, 0, 300);

      ts += 10000 + g_rand_int_range (rand, -3, 4);
      s[i] = (LookoutSample) {
        .ts_ms = ts,
        .latency_us = median,
        .state = LOOKOUT_TARGET_STATE_UP,
        .code = LOOKOUT_SAMPLE_NO_CODE,
        .sent = 3,
        .received = 3,
        .min_us = median - g_rand_int_range (rand, 0, 120),
        .max_us = median + g_rand_int_range (rand, 0, 400),
        .jitter_us = g_rand_int_range (rand, 0, 90),
      };
      if (r < 1)
        {
          s[i].latency_us = s[i].min_us = s[i].max_us = s[i].jitter_us = -1;
          s[i].received = 0;
          s[i].state = LOOKOUT_TARGET_STATE_DOWN;
          s[i].error = (char *) "no reply to 3 echo requests";
        }
      else if (r < 3)
        {
          s[i].received = 1;
          s[i].min_us = s[i].max_us = median;
          s[i].jitter_us = -1;
        }
      else if (r < 8)
        s[i].received = 2;
    }

  return s;
}

static void
test_echo_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  g_autofree LookoutSample *s = make_pings (rand, 360);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 360);
  g_autoptr(GByteArray) log = NULL;
  g_autoptr(GArray) out = decode_all (chunk, TRUE);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  GError *error = NULL;

  g_assert_cmpuint (out->len, ==, 360);
  assert_same (s, out, TRUE);

  /* The figures of a ping cost a few bytes more than its latency. */
  g_test_message ("%u pings in %u bytes", 360, chunk->len);
  g_assert_cmpuint (chunk->len, <, 360 * 8);

  /* And the log's rows carry them too. */
  for (guint i = 0; i < 360; i++)
    s[i].target_id = 7;
  log = lookout_chunk_encode_log (s, 360);
  g_array_set_clear_func (rows, (GDestroyNotify) lookout_sample_clear);
  g_assert_true (lookout_chunk_decode_log (log->data, log->len, rows, &error));
  g_assert_no_error (error);
  assert_same (s, rows, TRUE);
}

/* Pings among other kinds' samples, sent changing, received above sent
 * (kept as sent), and absurd times: all come back. */
static void
test_echo_mixed (void)
{
  const LookoutSample s[] = {
    { .ts_ms = 1, .latency_us = 10, .code = 200 },
    { .ts_ms = 2, .latency_us = 10, .sent = 3, .received = 3, .min_us = 9, .max_us = 12, .jitter_us = 1 },
    { .ts_ms = 3, .latency_us = -1, .sent = 3, .received = 0, .min_us = -1, .max_us = -1, .jitter_us = -1 },
    { .ts_ms = 4, .latency_us = 10, .code = 0 },
    { .ts_ms = 5, .latency_us = 10, .sent = 5, .received = 9, .min_us = 3, .max_us = 30, .jitter_us = 4 },
    { .ts_ms = 6, .latency_us = G_MAXINT64, .sent = G_MAXUINT, .received = 1,
      .min_us = G_MININT64, .max_us = G_MAXINT64, .jitter_us = G_MININT64 },
    { .ts_ms = 7, .latency_us = -1, .sent = 1, .received = 1, .min_us = 40, .max_us = 40, .jitter_us = -1 },
  };
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, G_N_ELEMENTS (s));
  g_autoptr(GArray) out = decode_all (chunk, FALSE);

  g_assert_cmpuint (out->len, ==, G_N_ELEMENTS (s));
  assert_same (s, out, FALSE);
  g_assert_cmpuint (g_array_index (out, LookoutSample, 4).received, ==, 5);
}

/* Samples of other kinds pay one byte a chunk for the echo section. */
static void
test_echo_costs_others_nothing (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree LookoutSample *s = make_realistic (rand, 720, 60000);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 720);
  g_autoptr(GByteArray) pinged = NULL;

  s[300].sent = s[300].received = 1;
  s[300].min_us = s[300].max_us = s[300].latency_us;
  s[300].jitter_us = -1;
  pinged = lookout_chunk_encode (s, 720);

  /* The section is its run count, 0, at the end before the errors: with
   * one ping it holds the runs and that ping's figures instead. */
  g_assert_cmpuint (pinged->len, >, chunk->len);
  g_assert_cmpuint (pinged->len - chunk->len, <=, 12);
}

/* Where each result was checked from round-trips, in a chunk and in a log
 * row; a chunk of local results only is written as before (version 2), to
 * the byte; truncations and an out-of-range name are refused. */
static void
test_locations (void)
{
  static const char * const places[] = { NULL, "paris", "tokyo", "paris" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  g_autofree LookoutSample *s = make_realistic (rand, 300, 1000);
  g_autoptr(GByteArray) local = lookout_chunk_encode (s, 300);
  g_autoptr(GByteArray) located = NULL;
  g_autoptr(GByteArray) log = NULL;
  g_autoptr(GArray) out = NULL;
  g_autoptr(GArray) from_log = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  GError *error = NULL;

  g_assert_cmpint (local->data[0], ==, 2);
  for (guint i = 0; i < 300; i++)
    s[i].location = (char *) places[(i / 7) % G_N_ELEMENTS (places)];
  located = lookout_chunk_encode (s, 300);
  g_assert_cmpint (located->data[0], ==, 3);
  /* Two names and the runs: a few bytes per run. */
  g_assert_cmpuint (located->len - local->len, <=, 2 + 12 + 2 * 3 * 43);

  out = decode_all (located, TRUE);
  g_assert_cmpuint (out->len, ==, 300);
  assert_same (s, out, TRUE);
  for (guint i = 0; i < 300; i++)
    g_assert_cmpstr (g_array_index (out, LookoutSample, i).location, ==, s[i].location);

  g_array_set_clear_func (from_log, (GDestroyNotify) lookout_sample_clear);
  log = lookout_chunk_encode_log (s, 300);
  g_assert_true (lookout_chunk_decode_log (log->data, log->len, from_log, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 300; i++)
    g_assert_cmpstr (g_array_index (from_log, LookoutSample, i).location, ==, s[i].location);

  g_array_set_size (out, 0);
  for (guint len = 0; len < located->len; len++)
    {
      g_assert_false (lookout_chunk_decode (located->data, len, 7, TRUE, out, &error));
      g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
      g_clear_error (&error);
      g_assert_cmpuint (out->len, ==, 0);
    }

  /* A name count of three where two names follow: the runs are then read
   * as a name and the section no longer adds up. */
  {
    g_autoptr(GByteArray) bad = g_byte_array_new ();
    guint names_end = located->len;

    g_byte_array_append (bad, located->data, located->len);
    for (guint i = local->len - 1; i < bad->len && names_end == located->len; i++)
      if (bad->data[i] == 2 && i + 1 < bad->len && bad->data[i + 1] == 5 &&
          memcmp (bad->data + i + 2, "paris", 5) == 0)
        names_end = i;
    g_assert_cmpuint (names_end, <, located->len);
    bad->data[names_end] = 3;
    g_assert_false (lookout_chunk_decode (bad->data, bad->len, 7, TRUE, out, &error));
    g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "location"));
    g_clear_error (&error);
    g_assert_cmpuint (out->len, ==, 0);
  }
}

/* A chunk of version 1, as the store wrote before the echo figures (one
 * sample: 2026-01-01T00:00:00Z, 15 ms, up, code 200, an error text), and
 * a log row around it, still decode: with no figures. */
static void
test_version_1 (void)
{
  static const guint8 v1[] = {
    1, 1,                                   /* version, n */
    0x80, 0xa0, 0xd5, 0xed, 0xee, 0x66,     /* ts, zigzag */
    1,                                      /* latency runs: 1 with */
    0xb0, 0xea, 0x01,                       /* 15,000 us, zigzag */
    1, 1,                                   /* state up, run 1 */
    0x90, 0x03, 1,                          /* code 200, run 1 */
    1, 0, 0, 4, 'l', 'o', 's', 't',         /* one error: at 0, new text, "lost" */
  };
  guint8 row[sizeof v1 + 2] = { 1, 0x12 };  /* one sample, target 9 */
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  GError *error = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) lookout_sample_clear);
  g_assert_true (lookout_chunk_decode (v1, sizeof v1, 7, TRUE, out, &error));
  g_assert_no_error (error);
  memcpy (row + 2, v1, sizeof v1);
  g_assert_true (lookout_chunk_decode_log (row, sizeof row, out, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (out->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const LookoutSample *o = &g_array_index (out, LookoutSample, i);

      g_assert_cmpint (o->target_id, ==, i == 0 ? 7 : 9);
      g_assert_cmpint (o->ts_ms, ==, G_GINT64_CONSTANT (1767225600000));
      g_assert_cmpint (o->latency_us, ==, 15000);
      g_assert_cmpint (o->state, ==, LOOKOUT_TARGET_STATE_UP);
      g_assert_cmpint (o->code, ==, 200);
      g_assert_cmpstr (o->error, ==, "lost");
      g_assert_cmpuint (o->sent, ==, 0);
      g_assert_cmpuint (o->received, ==, 0);
      g_assert_cmpint (o->min_us, ==, -1);
      g_assert_cmpint (o->max_us, ==, -1);
      g_assert_cmpint (o->jitter_us, ==, -1);
    }
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

/* The same for a chunk of pings, and for figures that do not add up: more
 * echoes lost than sent, none sent, runs past the count. */
static void
test_echo_damaged (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (29);
  g_autofree LookoutSample *s = make_pings (rand, 50);
  g_autoptr(GByteArray) chunk = lookout_chunk_encode (s, 50);
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (LookoutSample));
  const LookoutSample one = { .ts_ms = 0, .latency_us = 5, .sent = 2, .received = 2,
                              .min_us = 5, .max_us = 5, .jitter_us = 0 };
  g_autoptr(GByteArray) good = lookout_chunk_encode (&one, 1);
  /* Past version, n, ts, the latency run, the latency, state and code. */
  const guint at = 1 + 1 + 1 + 1 + 1 + 2 + 2;
  static const struct {
    guint8      echo[8];
    guint       len;
    const char *what;
  } bad[] = {
    { { 2, 0, 1, 2, 1, 3, 1 }, 7, "lost echoes" },    /* 3 lost of 2 sent */
    { { 2, 0, 1, 0, 1 }, 5, "echo counts" },          /* 0 sent */
    { { 2, 0, 2 }, 3, "echo runs" },                  /* 2 samples of 1 */
    { { 3, 0, 1, 0 }, 4, "echo runs" },               /* an empty run */
    { { 2, 0, 1, 2, 2 }, 5, "echo counts" },          /* a run of 2 for 1 */
  };
  GError *error = NULL;

  g_array_set_clear_func (out, (GDestroyNotify) lookout_sample_clear);

  for (guint len = 0; len < chunk->len; len++)
    {
      g_assert_false (lookout_chunk_decode (chunk->data, len, 7, TRUE, out, &error));
      g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
      g_clear_error (&error);
      g_assert_cmpuint (out->len, ==, 0);
    }

  /* The chunk of one ping as laid out, then broken in its echo section. */
  g_assert_cmpuint (good->len, ==, at + 1 + 2 + 2 + 2 + 3 + 1);
  g_assert_cmpmem (good->data + at, 5, ((const guint8[]) { 2, 0, 1, 2, 1 }), 5);
  for (guint k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr(GByteArray) broken = g_byte_array_new ();

      g_byte_array_append (broken, good->data, at);
      g_byte_array_append (broken, bad[k].echo, bad[k].len);
      g_byte_array_append (broken, good->data + at + 5, good->len - at - 5);
      g_assert_false (lookout_chunk_decode (broken->data, broken->len, 7, TRUE, out, &error));
      g_assert_error (error, LOOKOUT_CHUNK_ERROR, LOOKOUT_CHUNK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, bad[k].what));
      g_clear_error (&error);
      g_assert_cmpuint (out->len, ==, 0);
    }
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
  g_test_add_func ("/store/chunk-codec/echo-round-trip", test_echo_round_trip);
  g_test_add_func ("/store/chunk-codec/echo-mixed", test_echo_mixed);
  g_test_add_func ("/store/chunk-codec/echo-costs-others-nothing", test_echo_costs_others_nothing);
  g_test_add_func ("/store/chunk-codec/version-1", test_version_1);
  g_test_add_func ("/store/chunk-codec/locations", test_locations);
  g_test_add_func ("/store/chunk-codec/echo-damaged", test_echo_damaged);

  return g_test_run ();
}
