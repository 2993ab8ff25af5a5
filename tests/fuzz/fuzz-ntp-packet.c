/* fuzz-ntp-packet.c — libFuzzer target for the SNTP reply parser
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is an NTP reply as it comes off the network. Its own origin
 * field is taken as the expected one, so the fuzzer gets past the origin
 * check; the parsed reply is then formatted and fed to the clock maths.
 * The seeds in corpus/ntp-packet are replayed in the normal suite, and
 * test-ntp-packet.c drives the same function with crafted and random input.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "lookout-ntp-packet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* 2023-11-14: any pivot in the current era will do. */
  const gint64 t1 = G_GINT64_CONSTANT (1700000000) * 1000000000;
  LookoutNtpReply reply;
  LookoutNtpParseStatus status;
  guint64 origin = 0;
  guint8 request[LOOKOUT_NTP_PACKET_SIZE];

  if (size >= 32)
    for (int i = 24; i < 32; i++)
      origin = (origin << 8) | data[i];

  status = lookout_ntp_packet_parse_reply (data, size, origin, &reply);
  g_assert_nonnull (lookout_ntp_parse_status_to_string (status));

  if (status == LOOKOUT_NTP_PARSE_OK)
    {
      g_autofree char *reference = lookout_ntp_reply_dup_reference_id (&reply);
      g_autofree char *kiss = lookout_ntp_reply_dup_kiss_code (&reply);
      gint64 offset_ns, delay_ns;

      g_assert_nonnull (reference);
      g_assert_true (g_utf8_validate (reference, -1, NULL));
      g_assert_true ((kiss != NULL) == (reply.stratum == 0));
      lookout_ntp_kiss_code_describe (kiss);
      g_assert_cmpuint (reply.mode, ==, LOOKOUT_NTP_MODE_SERVER);
      g_assert_cmpuint (reply.stratum, <=, LOOKOUT_NTP_STRATUM_UNSYNCHRONISED);

      lookout_ntp_packet_compute (&reply, t1, t1 + 1000000, &offset_ns, &delay_ns);
      /* Every wire time maps within half an era (68 years) of the pivot. */
      g_assert_cmpint (ABS (offset_ns), <=, G_GINT64_CONSTANT (2147483649) * 1000000000);
    }

  /* Our request for a time taken from the input parses back (as a client
   * packet, with a zero origin) to the same timestamp, and
   * the timestamp survives the round trip to within a nanosecond. */
  if (size >= 8)
    {
      gint64 when = t1;
      guint64 ts;
      gint64 back;

      for (int i = 0; i < 4; i++)
        when += (gint64) data[i] << (8 * (i + 3));
      ts = lookout_ntp_timestamp_from_unix_ns (when);
      back = lookout_ntp_timestamp_to_unix_ns (ts, t1);
      g_assert_cmpint (ABS (back - when), <=, 1);

      lookout_ntp_packet_build_request (request, ts);
      g_assert_cmpint (lookout_ntp_packet_parse_reply (request, sizeof request, 0, &reply), ==,
                       LOOKOUT_NTP_PARSE_BAD_MODE);
      g_assert_cmpuint (reply.transmit_ts, ==, ts);
    }

  return 0;
}
