/* test-icmp-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "lookout-icmp-packet.h"

#define COOKIE G_GUINT64_CONSTANT (0x0123456789abcdef)

/* Turns an echo request into the reply a host sends back, with an IPv4
 * header in front as a raw socket receives it. */
static gsize
make_v4_raw_reply (guint8       *out,
                   const guint8 *request,
                   gsize         request_len)
{
  guint16 sum;
  gsize total = 20 + request_len;

  memset (out, 0, 20);
  out[0] = 0x45;
  out[2] = total >> 8;
  out[3] = total & 0xff;
  out[8] = 64;
  out[9] = 1;
  out[12] = 127; out[13] = 0; out[14] = 0; out[15] = 7;
  out[16] = 127; out[17] = 0; out[18] = 0; out[19] = 1;
  sum = lookout_icmp_checksum (out, 20);
  out[10] = sum >> 8;
  out[11] = sum & 0xff;

  memcpy (out + 20, request, request_len);
  out[20] = 0;          /* echo reply */
  out[22] = out[23] = 0;
  sum = lookout_icmp_checksum (out + 20, request_len);
  out[22] = sum >> 8;
  out[23] = sum & 0xff;

  return total;
}

static void
test_checksum (void)
{
  /* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d. */
  const guint8 data[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
  const guint8 odd[] = { 0x01 };

  g_assert_cmphex (lookout_icmp_checksum (data, sizeof data), ==, 0x220d);
  g_assert_cmphex (lookout_icmp_checksum (odd, sizeof odd), ==, 0xfeff);
  g_assert_cmphex (lookout_icmp_checksum (NULL, 0), ==, 0xffff);
}

static void
test_build_echo (void)
{
  guint8 buf[128];
  gsize len;

  len = lookout_icmp_build_echo (buf, sizeof buf, FALSE, 0x1234, 0xfffe, COOKIE, 56);
  g_assert_cmpuint (len, ==, 64);
  g_assert_cmpuint (buf[0], ==, 8);
  g_assert_cmpuint (buf[1], ==, 0);
  g_assert_cmpuint ((buf[4] << 8) | buf[5], ==, 0x1234);
  g_assert_cmpuint ((buf[6] << 8) | buf[7], ==, 0xfffe);
  g_assert_cmphex (lookout_icmp_checksum (buf, len), ==, 0);
  g_assert_cmpuint (buf[8], ==, 0x01);
  g_assert_cmpuint (buf[15], ==, 0xef);
  g_assert_true (lookout_icmp_payload_matches (buf + 8, 56, 56, COOKIE));
  g_assert_false (lookout_icmp_payload_matches (buf + 8, 56, 56, COOKIE + 1));
  g_assert_false (lookout_icmp_payload_matches (buf + 8, 55, 56, COOKIE));

  len = lookout_icmp_build_echo (buf, sizeof buf, TRUE, 1, 2, COOKIE, 0);
  g_assert_cmpuint (len, ==, 8);
  g_assert_cmpuint (buf[0], ==, 128);
  g_assert_cmpuint (buf[2] | buf[3], ==, 0);

  /* A payload shorter than the cookie carries its first bytes. */
  len = lookout_icmp_build_echo (buf, sizeof buf, FALSE, 1, 2, COOKIE, 3);
  g_assert_cmpuint (len, ==, 11);
  g_assert_true (lookout_icmp_payload_matches (buf + 8, 3, 3, COOKIE));

  g_assert_cmpuint (lookout_icmp_build_echo (buf, sizeof buf, FALSE, 1, 2, COOKIE, 121), ==, 0);
  g_assert_cmpuint (lookout_icmp_build_echo (buf, sizeof buf, FALSE, 1, 2, COOKIE, 120), ==, 128);
}

static void
test_parse_v4_raw_reply (void)
{
  guint8 request[64], packet[128];
  LookoutIcmpReply reply;
  gsize len;

  lookout_icmp_build_echo (request, sizeof request, FALSE, 0xbeef, 42, COOKIE, 56);
  len = make_v4_raw_reply (packet, request, sizeof request);

  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpint (reply.message, ==, LOOKOUT_ICMP_MESSAGE_ECHO_REPLY);
  g_assert_cmpuint (reply.identifier, ==, 0xbeef);
  g_assert_cmpuint (reply.sequence, ==, 42);
  g_assert_cmpuint (reply.payload_len, ==, 56);
  g_assert_true (reply.payload == packet + 28);
  g_assert_true (reply.has_ip_source);
  g_assert_cmpuint (reply.ip_source[3], ==, 7);
  g_assert_true (lookout_icmp_payload_matches (reply.payload, reply.payload_len, 56, COOKIE));

  /* The same reply as a ping socket hands it over: no IP header. */
  g_assert_cmpint (lookout_icmp_parse_reply (packet + 20, len - 20, FALSE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpuint (reply.sequence, ==, 42);
  g_assert_false (reply.has_ip_source);

  /* Trailing bytes beyond the IP total length are ignored. */
  packet[len] = 0xaa;
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len + 1, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpuint (reply.payload_len, ==, 56);
}

static void
test_parse_truncated (void)
{
  guint8 request[64], packet[128];
  LookoutIcmpReply reply;
  gsize len;

  lookout_icmp_build_echo (request, sizeof request, FALSE, 1, 1, COOKIE, 56);
  len = make_v4_raw_reply (packet, request, sizeof request);

  for (gsize cut = 0; cut < len; cut++)
    g_assert_cmpint (lookout_icmp_parse_reply (packet, cut, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_TRUNCATED);
  for (gsize cut = 0; cut < 8; cut++)
    g_assert_cmpint (lookout_icmp_parse_reply (packet + 20, cut, FALSE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_TRUNCATED);
  for (gsize cut = 0; cut < 8; cut++)
    g_assert_cmpint (lookout_icmp_parse_reply (packet + 20, cut, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_TRUNCATED);
}

static void
test_parse_bad_ip_header (void)
{
  guint8 request[64], packet[128];
  LookoutIcmpReply reply;
  gsize len;

  lookout_icmp_build_echo (request, sizeof request, FALSE, 1, 1, COOKIE, 56);

  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[0] = 0x65;  /* version 6 */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_IP_HEADER);

  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[0] = 0x44;  /* header length 16 */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_IP_HEADER);

  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[6] = 0x20;  /* more fragments */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_IP_HEADER);

  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[9] = 17;    /* UDP */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_IP_HEADER);

  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[2] = 0; packet[3] = 10;  /* total length shorter than the header */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_IP_HEADER);
}

static void
test_parse_wrong_type (void)
{
  guint8 request[64], packet[128];
  LookoutIcmpReply reply;
  gsize len;
  guint16 sum;

  /* Our own echo request (a raw socket sees those on loopback). */
  lookout_icmp_build_echo (request, sizeof request, FALSE, 1, 1, COOKIE, 56);
  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[20] = 8;
  packet[22] = packet[23] = 0;
  sum = lookout_icmp_checksum (packet + 20, len - 20);
  packet[22] = sum >> 8;
  packet[23] = sum & 0xff;
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_WRONG_TYPE);
  g_assert_cmpuint (reply.type, ==, 8);

  /* Timestamp reply (14) */
  lookout_icmp_build_echo (request, sizeof request, FALSE, 1, 1, COOKIE, 56);
  request[0] = 14;
  request[2] = request[3] = 0;
  sum = lookout_icmp_checksum (request, sizeof request);
  request[2] = sum >> 8;
  request[3] = sum & 0xff;
  g_assert_cmpint (lookout_icmp_parse_reply (request, sizeof request, FALSE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_WRONG_TYPE);

  /* An ICMPv4 echo reply type (0) read as ICMPv6 is nothing we know. */
  request[0] = 0;
  g_assert_cmpint (lookout_icmp_parse_reply (request, sizeof request, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_WRONG_TYPE);
}

static void
test_parse_bad_checksum (void)
{
  guint8 request[64], packet[128];
  LookoutIcmpReply reply;
  gsize len;

  lookout_icmp_build_echo (request, sizeof request, FALSE, 1, 1, COOKIE, 56);
  len = make_v4_raw_reply (packet, request, sizeof request);
  packet[40] ^= 0x01;
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, TRUE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_CHECKSUM);
  g_assert_cmpint (lookout_icmp_parse_reply (packet + 20, len - 20, FALSE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_BAD_CHECKSUM);
}

static void
test_parse_v6_reply (void)
{
  guint8 packet[64];
  LookoutIcmpReply reply;
  gsize len;

  len = lookout_icmp_build_echo (packet, sizeof packet, TRUE, 0x4242, 65535, COOKIE, 56);
  packet[0] = 129;
  /* Checksums are the kernel's business for ICMPv6: any value passes. */
  packet[2] = 0x12;
  packet[3] = 0x34;

  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpint (reply.message, ==, LOOKOUT_ICMP_MESSAGE_ECHO_REPLY);
  g_assert_cmpuint (reply.identifier, ==, 0x4242);
  g_assert_cmpuint (reply.sequence, ==, 65535);
  g_assert_cmpuint (reply.payload_len, ==, 56);
  g_assert_true (lookout_icmp_payload_matches (reply.payload, reply.payload_len, 56, COOKIE));

  packet[1] = 1;  /* echo replies have code 0 */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_WRONG_TYPE);
}

static void
test_parse_errors (void)
{
  guint8 request[64], packet[256];
  LookoutIcmpReply reply;
  gsize len;
  guint16 sum;

  /* v4: host unreachable from 10.0.0.2, quoting our request to 10.9.0.1 */
  lookout_icmp_build_echo (request, sizeof request, FALSE, 0x0102, 7, COOKIE, 56);
  memset (packet, 0, sizeof packet);
  packet[0] = 3;
  packet[1] = 1;
  packet[8] = 0x45;
  packet[8 + 9] = 1;
  packet[8 + 16] = 10; packet[8 + 17] = 9; packet[8 + 18] = 0; packet[8 + 19] = 1;
  memcpy (packet + 28, request, 8);
  len = 36;
  sum = lookout_icmp_checksum (packet, len);
  packet[2] = sum >> 8;
  packet[3] = sum & 0xff;

  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, FALSE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpint (reply.message, ==, LOOKOUT_ICMP_MESSAGE_UNREACHABLE);
  g_assert_cmpuint (reply.code, ==, 1);
  g_assert_cmpuint (reply.identifier, ==, 0x0102);
  g_assert_cmpuint (reply.sequence, ==, 7);
  g_assert_true (reply.has_quoted_destination);
  g_assert_cmpuint (reply.quoted_destination[1], ==, 9);
  g_assert_null (reply.payload);

  g_assert_cmpint (lookout_icmp_parse_reply (packet, len - 1, FALSE, FALSE, &reply), !=, LOOKOUT_ICMP_PARSE_OK);

  /* v6: time exceeded, quoting our request to 2001:db8::1 */
  lookout_icmp_build_echo (request, sizeof request, TRUE, 0x0304, 9, COOKIE, 56);
  memset (packet, 0, sizeof packet);
  packet[0] = 3;
  packet[8] = 0x60;
  packet[8 + 6] = 58;
  packet[8 + 24] = 0x20; packet[8 + 25] = 0x01; packet[8 + 26] = 0x0d; packet[8 + 27] = 0xb8;
  packet[8 + 39] = 1;
  memcpy (packet + 48, request, 8);
  len = 56;

  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_OK);
  g_assert_cmpint (reply.message, ==, LOOKOUT_ICMP_MESSAGE_TIME_EXCEEDED);
  g_assert_cmpuint (reply.identifier, ==, 0x0304);
  g_assert_cmpuint (reply.sequence, ==, 9);
  g_assert_cmpuint (reply.quoted_destination[15], ==, 1);

  g_assert_cmpint (lookout_icmp_parse_reply (packet, 50, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_TRUNCATED);
  packet[8 + 6] = 17;  /* quotes UDP, not ours */
  g_assert_cmpint (lookout_icmp_parse_reply (packet, len, TRUE, FALSE, &reply), ==, LOOKOUT_ICMP_PARSE_WRONG_TYPE);
}

/* Transmit timestamps return the packet with link-layer and IP headers. */
static void
test_find_sent_echo (void)
{
  guint8 packet[14 + 40 + 8 + 64];
  guint16 sequence = 0;
  gsize payload_len = 0, len;

  for (guint ipv6 = 0; ipv6 < 2; ipv6++)
    {
      gsize front = 14 + (ipv6 ? 40 : 20);

      memset (packet, 0xee, sizeof packet);
      len = front + lookout_icmp_build_echo (packet + front, sizeof packet - front, ipv6,
                                             0x1234, 777, COOKIE, 56);
      g_assert_true (lookout_icmp_find_sent_echo (packet, len, ipv6, 0x1234, COOKIE, &sequence, &payload_len));
      g_assert_cmpuint (sequence, ==, 777);
      g_assert_cmpuint (payload_len, ==, 56);

      g_assert_false (lookout_icmp_find_sent_echo (packet, len, ipv6, 0x1235, COOKIE, &sequence, &payload_len));
      g_assert_false (lookout_icmp_find_sent_echo (packet, len, !ipv6, 0x1234, COOKIE, &sequence, &payload_len));
      g_assert_false (lookout_icmp_find_sent_echo (packet, len, ipv6, 0x1234, COOKIE ^ 1, &sequence, &payload_len));

      /* Payloads shorter than the cookie end the packet. */
      for (gsize size = 0; size < 8; size++)
        {
          memset (packet, 0xee, sizeof packet);
          len = front + lookout_icmp_build_echo (packet + front, sizeof packet - front, ipv6,
                                                 0x1234, 42 + size, COOKIE, size);
          g_assert_true (lookout_icmp_find_sent_echo (packet, len, ipv6, 0x1234, COOKIE, &sequence, &payload_len));
          g_assert_cmpuint (sequence, ==, 42 + size);
          g_assert_cmpuint (payload_len, ==, size);
        }

      g_assert_false (lookout_icmp_find_sent_echo (packet, 7, ipv6, 0x1234, COOKIE, &sequence, &payload_len));
      g_assert_false (lookout_icmp_find_sent_echo (packet, 0, ipv6, 0x1234, COOKIE, &sequence, &payload_len));
    }
}

/* Fuzzer seeds and crashers run in the normal suite too. */
static void
test_fuzz_seeds (void)
{
  const char *dir = g_test_get_filename (G_TEST_DIST, "fuzz", "corpus", "icmp-packet", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    {
      g_test_skip ("no seed corpus");
      return;
    }

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;
      LookoutIcmpReply reply;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      for (guint mode = 0; mode < 3; mode++)
        {
          LookoutIcmpParseStatus status;

          status = lookout_icmp_parse_reply ((const guint8 *) contents, len, mode == 2, mode == 0, &reply);
          if (status == LOOKOUT_ICMP_PARSE_OK && reply.payload != NULL)
            g_assert_true (reply.payload + reply.payload_len <= (const guint8 *) contents + len);
        }
      n++;
    }

  g_assert_cmpuint (n, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-packet/checksum", test_checksum);
  g_test_add_func ("/icmp-packet/build-echo", test_build_echo);
  g_test_add_func ("/icmp-packet/parse/v4-raw-reply", test_parse_v4_raw_reply);
  g_test_add_func ("/icmp-packet/parse/truncated", test_parse_truncated);
  g_test_add_func ("/icmp-packet/parse/bad-ip-header", test_parse_bad_ip_header);
  g_test_add_func ("/icmp-packet/parse/wrong-type", test_parse_wrong_type);
  g_test_add_func ("/icmp-packet/parse/bad-checksum", test_parse_bad_checksum);
  g_test_add_func ("/icmp-packet/parse/v6-reply", test_parse_v6_reply);
  g_test_add_func ("/icmp-packet/parse/errors", test_parse_errors);
  g_test_add_func ("/icmp-packet/find-sent-echo", test_find_sent_echo);
  g_test_add_func ("/icmp-packet/fuzz-seeds", test_fuzz_seeds);

  return g_test_run ();
}
