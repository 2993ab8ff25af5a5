/* test-ntp-packet.c — the SNTP packet code on crafted bytes
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "lookout-ntp-packet.h"

#include "fuzz/fuzz-ntp-packet.c"

#define NS G_GINT64_CONSTANT (1000000000)
#define MS G_GINT64_CONSTANT (1000000)

static void
put_u64 (guint8  *p,
         guint64  v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = v & 0xff;
}

/* A valid reply to a request with @origin, as a server at stratum 2 would send. */
static void
make_reply (guint8  packet[48],
            guint64 origin)
{
  memset (packet, 0, 48);
  packet[0] = (0 << 6) | (4 << 3) | 4;
  packet[1] = 2;
  packet[2] = 6;
  packet[3] = 0xec;
  packet[12] = 192; packet[13] = 0; packet[14] = 2; packet[15] = 1;
  put_u64 (packet + 24, origin);
  put_u64 (packet + 32, origin + 1);
  put_u64 (packet + 40, origin + 2);
}

static void
test_timestamp_conversion (void)
{
  const gint64 pivot = G_GINT64_CONSTANT (1700000000) * NS;

  /* The Unix epoch is 2,208,988,800 s after the NTP epoch. */
  g_assert_cmpuint (lookout_ntp_timestamp_from_unix_ns (0), ==, G_GUINT64_CONSTANT (0x83AA7E8000000000));
  /* Half a second is 2^31 units of fraction. */
  g_assert_cmpuint (lookout_ntp_timestamp_from_unix_ns (NS / 2) & G_MAXUINT32, ==, G_GUINT64_CONSTANT (0x80000000));
  g_assert_cmpint (lookout_ntp_timestamp_to_unix_ns (G_GUINT64_CONSTANT (0x83AA7E8080000000), pivot), ==, NS / 2);

  for (gint64 t = pivot - 3 * NS; t < pivot + 3 * NS; t += 123456789)
    g_assert_cmpint (ABS (lookout_ntp_timestamp_to_unix_ns (lookout_ntp_timestamp_from_unix_ns (t), pivot) - t), <=, 1);
}

static void
test_timestamp_era (void)
{
  /* 2036-02-07T06:28:16Z, when the 32-bit NTP seconds wrap: a small
   * seconds field then belongs to era 1. */
  const gint64 pivot = G_GINT64_CONSTANT (2085978496) * NS;
  guint64 ts = lookout_ntp_timestamp_from_unix_ns (pivot + 5 * NS);

  g_assert_cmpuint (ts >> 32, ==, 5);
  g_assert_cmpint (lookout_ntp_timestamp_to_unix_ns (ts, pivot - 60 * NS), ==, pivot + 5 * NS);
  g_assert_cmpint (lookout_ntp_timestamp_to_unix_ns (ts, pivot), ==, pivot + 5 * NS);
  /* A server still stamping 2035 is read as 2035, not as 2171. */
  g_assert_cmpint (lookout_ntp_timestamp_to_unix_ns (G_GUINT64_CONSTANT (0xFFFFFF0000000000), pivot), <, pivot);
}

static void
test_build_request (void)
{
  guint8 packet[LOOKOUT_NTP_PACKET_SIZE];
  const guint8 transmit[8] = { 0xe9, 0x2b, 0x1f, 0x00, 0x12, 0x34, 0x56, 0x78 };

  memset (packet, 0xaa, sizeof packet);
  lookout_ntp_packet_build_request (packet, G_GUINT64_CONSTANT (0xe92b1f0012345678));

  /* LI 0, VN 4, mode 3. */
  g_assert_cmpuint (packet[0], ==, 0x23);
  for (int i = 1; i < 40; i++)
    g_assert_cmpuint (packet[i], ==, 0);
  g_assert_cmpmem (packet + 40, 8, transmit, 8);
}

static void
test_parse_valid (void)
{
  const guint64 origin = G_GUINT64_CONSTANT (0xe92b1f0012345678);
  guint8 packet[60];
  LookoutNtpReply reply;
  g_autofree char *reference = NULL;

  make_reply (packet, origin);
  /* Extension fields after the header are ignored. */
  memset (packet + 48, 0x11, 12);

  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, sizeof packet, origin, &reply), ==, LOOKOUT_NTP_PARSE_OK);
  g_assert_cmpuint (reply.leap, ==, 0);
  g_assert_cmpuint (reply.version, ==, 4);
  g_assert_cmpuint (reply.mode, ==, 4);
  g_assert_cmpuint (reply.stratum, ==, 2);
  g_assert_cmpint (reply.poll, ==, 6);
  g_assert_cmpint (reply.precision, ==, -20);
  g_assert_cmpuint (reply.origin_ts, ==, origin);
  g_assert_cmpuint (reply.receive_ts, ==, origin + 1);
  g_assert_cmpuint (reply.transmit_ts, ==, origin + 2);
  reference = lookout_ntp_reply_dup_reference_id (&reply);
  g_assert_cmpstr (reference, ==, "192.0.2.1");
  g_assert_null (lookout_ntp_reply_dup_kiss_code (&reply));

  /* NTPv3 servers answer too. */
  packet[0] = (3 << 3) | 4;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_OK);
}

static void
test_parse_invalid (void)
{
  const guint64 origin = G_GUINT64_CONSTANT (0xe92b1f0012345678);
  guint8 packet[48];
  LookoutNtpReply reply;

  make_reply (packet, origin);
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 47, origin, &reply), ==, LOOKOUT_NTP_PARSE_TOO_SHORT);
  g_assert_cmpint (lookout_ntp_packet_parse_reply (NULL, 0, origin, &reply), ==, LOOKOUT_NTP_PARSE_TOO_SHORT);

  /* One bit off in the origin: not an answer to us. */
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin ^ 1, &reply), ==, LOOKOUT_NTP_PARSE_ORIGIN_MISMATCH);

  packet[0] = (4 << 3) | 3;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_BAD_MODE);
  packet[0] = (4 << 3) | 5;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_BAD_MODE);
  packet[0] = (0 << 3) | 4;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_BAD_VERSION);
  packet[0] = (5 << 3) | 4;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_BAD_VERSION);

  make_reply (packet, origin);
  packet[1] = 17;
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_BAD_STRATUM);

  make_reply (packet, origin);
  memset (packet + 40, 0, 8);
  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_ZERO_TRANSMIT);
  g_assert_cmpstr (lookout_ntp_parse_status_to_string (LOOKOUT_NTP_PARSE_ZERO_TRANSMIT), ==, "transmit timestamp is zero");
}

static void
test_parse_kiss_of_death (void)
{
  const guint64 origin = G_GUINT64_CONSTANT (0xe92b1f0012345678);
  guint8 packet[48];
  LookoutNtpReply reply;
  g_autofree char *kiss = NULL;
  g_autofree char *reference = NULL;

  make_reply (packet, origin);
  packet[0] = (3 << 6) | (4 << 3) | 4;
  packet[1] = 0;
  memcpy (packet + 12, "RATE", 4);
  /* A kiss need not carry timestamps. */
  memset (packet + 32, 0, 16);

  g_assert_cmpint (lookout_ntp_packet_parse_reply (packet, 48, origin, &reply), ==, LOOKOUT_NTP_PARSE_OK);
  g_assert_cmpuint (reply.stratum, ==, 0);
  kiss = lookout_ntp_reply_dup_kiss_code (&reply);
  reference = lookout_ntp_reply_dup_reference_id (&reply);
  g_assert_cmpstr (kiss, ==, "RATE");
  g_assert_cmpstr (reference, ==, "RATE");
  g_assert_nonnull (strstr (lookout_ntp_kiss_code_describe (kiss), "rate exceeded"));
  g_assert_nonnull (lookout_ntp_kiss_code_describe ("DENY"));
  g_assert_null (lookout_ntp_kiss_code_describe ("ZZZZ"));
  g_assert_null (lookout_ntp_kiss_code_describe (NULL));
}

static void
test_reference_id (void)
{
  LookoutNtpReply reply = { 0 };
  g_autofree char *gps = NULL;
  g_autofree char *odd = NULL;
  g_autofree char *ip = NULL;

  reply.stratum = 1;
  reply.reference_id = ('G' << 24) | ('P' << 16) | ('S' << 8);
  gps = lookout_ntp_reply_dup_reference_id (&reply);
  g_assert_cmpstr (gps, ==, "GPS");

  reply.reference_id = ('A' << 24) | (0x07 << 16) | ('\\' << 8) | 'C';
  odd = lookout_ntp_reply_dup_reference_id (&reply);
  g_assert_cmpstr (odd, ==, "A\\x07\\x5CC");

  reply.stratum = 15;
  reply.reference_id = 0x7f7f0101;
  ip = lookout_ntp_reply_dup_reference_id (&reply);
  g_assert_cmpstr (ip, ==, "127.127.1.1");
}

static void
test_compute (void)
{
  /* Our clock is 3 ms behind the server's; 10 ms each way; the server
   * holds the request 1 ms. */
  const gint64 t1 = G_GINT64_CONSTANT (1700000000) * NS + 123456789;
  const gint64 t2 = t1 + 10 * MS + 3 * MS;
  const gint64 t3 = t2 + 1 * MS;
  const gint64 t4 = t1 + 21 * MS;
  LookoutNtpReply reply = { 0 };
  gint64 offset_ns, delay_ns;

  reply.receive_ts = lookout_ntp_timestamp_from_unix_ns (t2);
  reply.transmit_ts = lookout_ntp_timestamp_from_unix_ns (t3);
  lookout_ntp_packet_compute (&reply, t1, t4, &offset_ns, &delay_ns);

  g_assert_cmpint (ABS (offset_ns - 3 * MS), <=, 2);
  g_assert_cmpint (ABS (delay_ns - 20 * MS), <=, 2);

  /* Offsets the other way and of seconds work the same. */
  reply.receive_ts = lookout_ntp_timestamp_from_unix_ns (t1 - 90 * NS);
  reply.transmit_ts = lookout_ntp_timestamp_from_unix_ns (t1 - 90 * NS);
  lookout_ntp_packet_compute (&reply, t1, t1, &offset_ns, &delay_ns);
  g_assert_cmpint (ABS (offset_ns + 90 * NS), <=, 2);
  g_assert_cmpint (ABS (delay_ns), <=, 2);
}

/* The fuzz target's body over crafted and random inputs (its corpus is
 * replayed by the fuzz-ntp-packet-seeds test). */
static void
test_fuzz_seeds (void)
{
  guint8 packet[48];
  guint8 garbage[64];
  g_autoptr(GRand) rand = g_rand_new_with_seed (4330);

  make_reply (packet, G_GUINT64_CONSTANT (0xe92b1f0012345678));
  LLVMFuzzerTestOneInput (packet, sizeof packet);
  packet[1] = 0;
  memcpy (packet + 12, "DENY", 4);
  LLVMFuzzerTestOneInput (packet, sizeof packet);
  packet[1] = 1;
  memcpy (packet + 12, "\xff\x00\x01\x7f", 4);
  LLVMFuzzerTestOneInput (packet, sizeof packet);
  LLVMFuzzerTestOneInput (packet, 12);
  LLVMFuzzerTestOneInput (NULL, 0);

  for (int i = 0; i < 2000; i++)
    {
      for (gsize j = 0; j < sizeof garbage; j++)
        garbage[j] = g_rand_int (rand);
      /* Bias towards mode 4 so that some get through. */
      if (i % 2)
        garbage[0] = (garbage[0] & 0xf8) | 4;
      LLVMFuzzerTestOneInput (garbage, g_rand_int_range (rand, 0, sizeof garbage + 1));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/probes/ntp-packet/timestamp-conversion", test_timestamp_conversion);
  g_test_add_func ("/probes/ntp-packet/timestamp-era", test_timestamp_era);
  g_test_add_func ("/probes/ntp-packet/build-request", test_build_request);
  g_test_add_func ("/probes/ntp-packet/parse-valid", test_parse_valid);
  g_test_add_func ("/probes/ntp-packet/parse-invalid", test_parse_invalid);
  g_test_add_func ("/probes/ntp-packet/parse-kiss-of-death", test_parse_kiss_of_death);
  g_test_add_func ("/probes/ntp-packet/reference-id", test_reference_id);
  g_test_add_func ("/probes/ntp-packet/compute", test_compute);
  g_test_add_func ("/probes/ntp-packet/fuzz-seeds", test_fuzz_seeds);

  return g_test_run ();
}
