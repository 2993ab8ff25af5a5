/* fuzz-icmp-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever arrives on an ICMP socket, the parser must not read out of bounds,
 * must say OK only for an echo reply (with its payload inside the packet) or
 * an error quoting an echo request, and must agree with itself when the same
 * bytes are parsed with and without an IPv4 header in front; finding our
 * echo in a transmitted packet must stay inside it. The first input byte
 * picks the socket kind; the rest is the packet. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-icmp-packet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check (const uint8_t *packet,
       size_t         len,
       bool           ipv6,
       bool           has_ip_header)
{
  LookoutIcmpReply reply;
  LookoutIcmpParseStatus status;

  status = lookout_icmp_parse_reply (packet, len, ipv6, has_ip_header, &reply);
  if (lookout_icmp_parse_status_to_string (status) == NULL)
    abort ();
  if (status != LOOKOUT_ICMP_PARSE_OK)
    return;

  switch (reply.message)
    {
    case LOOKOUT_ICMP_MESSAGE_ECHO_REPLY:
      if (reply.payload == NULL ||
          reply.payload < packet + LOOKOUT_ICMP_HEADER_LEN ||
          reply.payload + reply.payload_len > packet + len)
        abort ();
      if (reply.type != (ipv6 ? 129 : 0) || reply.code != 0)
        abort ();
      /* Touch every payload byte: ASan catches a bad length. */
      lookout_icmp_payload_matches (reply.payload, reply.payload_len, reply.payload_len, 0);
      if (reply.payload_len > 0)
        {
          volatile uint8_t sum = 0;
          for (size_t i = 0; i < reply.payload_len; i++)
            sum ^= reply.payload[i];
          (void) sum;
        }
      break;

    case LOOKOUT_ICMP_MESSAGE_UNREACHABLE:
    case LOOKOUT_ICMP_MESSAGE_TIME_EXCEEDED:
      if (reply.payload != NULL || !reply.has_quoted_destination)
        abort ();
      break;

    default:
      abort ();
    }

  if (!ipv6 && lookout_icmp_checksum (has_ip_header ? packet + (packet[0] & 0x0f) * 4 : packet,
                                      has_ip_header ? reply.payload_len + LOOKOUT_ICMP_HEADER_LEN : len) != 0
      && reply.message == LOOKOUT_ICMP_MESSAGE_ECHO_REPLY)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  uint8_t mode;
  uint8_t *copy;

  if (size < 1)
    return 0;

  mode = data[0];
  /* An exact-size heap copy, so any over-read is caught. */
  copy = malloc (size - 1 ? size - 1 : 1);
  memcpy (copy, data + 1, size - 1);

  check (copy, size - 1, mode & 1, (mode & 2) && !(mode & 1));

  {
    uint16_t sequence;
    size_t payload_len;

    if (lookout_icmp_find_sent_echo (copy, size - 1, mode & 1, 0x1234, 0x0123456789abcdefULL,
                                     &sequence, &payload_len) &&
        payload_len + LOOKOUT_ICMP_HEADER_LEN > size - 1)
      abort ();
  }

  /* A packet built here must parse back as the echo it is. */
  if (size >= 5)
    {
      uint8_t buf[LOOKOUT_ICMP_HEADER_LEN + 256];
      size_t payload = data[1];
      uint16_t id = (uint16_t) (data[2] << 8 | data[3]);
      uint16_t seq = data[4];
      size_t n = lookout_icmp_build_echo (buf, sizeof buf, false, id, seq, 42, payload);
      LookoutIcmpReply reply;

      if (n != LOOKOUT_ICMP_HEADER_LEN + payload)
        abort ();
      /* As its own echo request it is the wrong type; turned into a reply it parses. */
      if (lookout_icmp_parse_reply (buf, n, false, false, &reply) != LOOKOUT_ICMP_PARSE_WRONG_TYPE)
        abort ();
      buf[0] = buf[2] = buf[3] = 0;
      {
        uint16_t sum = lookout_icmp_checksum (buf, n);
        buf[2] = (uint8_t) (sum >> 8);
        buf[3] = (uint8_t) sum;
      }
      if (lookout_icmp_parse_reply (buf, n, false, false, &reply) != LOOKOUT_ICMP_PARSE_OK ||
          reply.identifier != id || reply.sequence != seq ||
          !lookout_icmp_payload_matches (reply.payload, reply.payload_len, payload, 42))
        abort ();
    }

  free (copy);
  return 0;
}
