/* lookout-icmp-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include "config.h"

#include <string.h>

#include "lookout-icmp-packet.h"

#define ICMP4_ECHO_REPLY     0
#define ICMP4_UNREACHABLE    3
#define ICMP4_ECHO_REQUEST   8
#define ICMP4_TIME_EXCEEDED 11

#define ICMP6_UNREACHABLE    1
#define ICMP6_TIME_EXCEEDED  3
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY   129

#define IPV4_PROTO_ICMP      1
#define IPV6_NEXT_ICMPV6    58
#define IPV6_HEADER_LEN     40

static inline uint16_t
read_be16 (const uint8_t *p)
{
  return (uint16_t) ((p[0] << 8) | p[1]);
}

uint16_t
lookout_icmp_checksum (const void *data,
                       size_t      len)
{
  const uint8_t *p = data;
  uint32_t sum = 0;

  while (len > 1)
    {
      sum += read_be16 (p);
      p += 2;
      len -= 2;
    }
  if (len == 1)
    sum += (uint32_t) p[0] << 8;

  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);

  return (uint16_t) ~sum;
}

size_t
lookout_icmp_build_echo (uint8_t  *buf,
                         size_t    buf_len,
                         bool      ipv6,
                         uint16_t  identifier,
                         uint16_t  sequence,
                         uint64_t  cookie,
                         size_t    payload_len)
{
  size_t len = LOOKOUT_ICMP_HEADER_LEN + payload_len;
  uint16_t sum;

  if (payload_len > LOOKOUT_ICMP_MAX_PAYLOAD || buf_len < len)
    return 0;

  buf[0] = ipv6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST;
  buf[1] = 0;
  buf[2] = buf[3] = 0;
  buf[4] = identifier >> 8;
  buf[5] = identifier & 0xff;
  buf[6] = sequence >> 8;
  buf[7] = sequence & 0xff;

  for (size_t i = 0; i < payload_len; i++)
    buf[LOOKOUT_ICMP_HEADER_LEN + i] = i < 8 ? (uint8_t) (cookie >> (56 - 8 * i))
                                             : (uint8_t) i;

  if (!ipv6)
    {
      sum = lookout_icmp_checksum (buf, len);
      buf[2] = sum >> 8;
      buf[3] = sum & 0xff;
    }

  return len;
}

bool
lookout_icmp_payload_matches (const uint8_t *payload,
                              size_t         payload_len,
                              size_t         sent_len,
                              uint64_t       cookie)
{
  size_t n = sent_len < 8 ? sent_len : 8;

  if (payload_len != sent_len)
    return false;

  for (size_t i = 0; i < n; i++)
    if (payload[i] != (uint8_t) (cookie >> (56 - 8 * i)))
      return false;

  return true;
}

/* Checks an IPv4 header at @data and returns its length, or 0. */
static size_t
ipv4_header_len (const uint8_t *data,
                 size_t         len)
{
  size_t ihl;

  if (len < 20 || (data[0] >> 4) != 4)
    return 0;
  ihl = (size_t) (data[0] & 0x0f) * 4;
  if (ihl < 20 || ihl > len)
    return 0;

  return ihl;
}

/* The echo request quoted in an ICMP error: @data points at the quoted IP header. */
static LookoutIcmpParseStatus
parse_quoted_request (const uint8_t    *data,
                      size_t            len,
                      bool              ipv6,
                      LookoutIcmpReply *reply)
{
  const uint8_t *icmp;

  if (!ipv6)
    {
      size_t ihl;

      if (len < 20)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;
      ihl = ipv4_header_len (data, len);
      if (ihl == 0)
        return LOOKOUT_ICMP_PARSE_BAD_IP_HEADER;
      if (data[9] != IPV4_PROTO_ICMP)
        return LOOKOUT_ICMP_PARSE_WRONG_TYPE;
      if (len < ihl + LOOKOUT_ICMP_HEADER_LEN)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;
      icmp = data + ihl;
      if (icmp[0] != ICMP4_ECHO_REQUEST)
        return LOOKOUT_ICMP_PARSE_WRONG_TYPE;
      memset (reply->quoted_destination, 0, sizeof reply->quoted_destination);
      memcpy (reply->quoted_destination, data + 16, 4);
    }
  else
    {
      if (len < IPV6_HEADER_LEN)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;
      if ((data[0] >> 4) != 6)
        return LOOKOUT_ICMP_PARSE_BAD_IP_HEADER;
      if (data[6] != IPV6_NEXT_ICMPV6)
        return LOOKOUT_ICMP_PARSE_WRONG_TYPE;
      if (len < IPV6_HEADER_LEN + LOOKOUT_ICMP_HEADER_LEN)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;
      icmp = data + IPV6_HEADER_LEN;
      if (icmp[0] != ICMP6_ECHO_REQUEST)
        return LOOKOUT_ICMP_PARSE_WRONG_TYPE;
      memcpy (reply->quoted_destination, data + 24, 16);
    }

  reply->has_quoted_destination = true;
  reply->identifier = read_be16 (icmp + 4);
  reply->sequence = read_be16 (icmp + 6);

  return LOOKOUT_ICMP_PARSE_OK;
}

LookoutIcmpParseStatus
lookout_icmp_parse_reply (const uint8_t    *data,
                          size_t            len,
                          bool              ipv6,
                          bool              has_ip_header,
                          LookoutIcmpReply *reply)
{
  const uint8_t *icmp = data;
  size_t icmp_len = len;
  uint8_t type;

  memset (reply, 0, sizeof *reply);

  if (has_ip_header && !ipv6)
    {
      size_t ihl, total;

      if (len < 20)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;
      ihl = ipv4_header_len (data, len);
      if (ihl == 0)
        return LOOKOUT_ICMP_PARSE_BAD_IP_HEADER;
      /* Fragments never reach a socket unassembled; a header saying so is bogus. */
      if ((read_be16 (data + 6) & 0x3fff) != 0 || data[9] != IPV4_PROTO_ICMP)
        return LOOKOUT_ICMP_PARSE_BAD_IP_HEADER;
      total = read_be16 (data + 2);
      if (total < ihl)
        return LOOKOUT_ICMP_PARSE_BAD_IP_HEADER;
      if (total > len)
        return LOOKOUT_ICMP_PARSE_TRUNCATED;

      reply->has_ip_source = true;
      memcpy (reply->ip_source, data + 12, 4);
      icmp = data + ihl;
      icmp_len = total - ihl;
    }

  if (icmp_len < LOOKOUT_ICMP_HEADER_LEN)
    return LOOKOUT_ICMP_PARSE_TRUNCATED;

  /* The kernel verified ICMPv6 checksums (they cover a pseudo-header we do
   * not see); ICMPv4 reaches raw sockets unverified. */
  if (!ipv6 && lookout_icmp_checksum (icmp, icmp_len) != 0)
    return LOOKOUT_ICMP_PARSE_BAD_CHECKSUM;

  type = icmp[0];
  reply->type = type;
  reply->code = icmp[1];

  if (type == (ipv6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY))
    {
      if (reply->code != 0)
        return LOOKOUT_ICMP_PARSE_WRONG_TYPE;
      reply->message = LOOKOUT_ICMP_MESSAGE_ECHO_REPLY;
      reply->identifier = read_be16 (icmp + 4);
      reply->sequence = read_be16 (icmp + 6);
      reply->payload = icmp + LOOKOUT_ICMP_HEADER_LEN;
      reply->payload_len = icmp_len - LOOKOUT_ICMP_HEADER_LEN;
      return LOOKOUT_ICMP_PARSE_OK;
    }

  if (type == (ipv6 ? ICMP6_UNREACHABLE : ICMP4_UNREACHABLE))
    reply->message = LOOKOUT_ICMP_MESSAGE_UNREACHABLE;
  else if (type == (ipv6 ? ICMP6_TIME_EXCEEDED : ICMP4_TIME_EXCEEDED))
    reply->message = LOOKOUT_ICMP_MESSAGE_TIME_EXCEEDED;
  else
    return LOOKOUT_ICMP_PARSE_WRONG_TYPE;

  return parse_quoted_request (icmp + LOOKOUT_ICMP_HEADER_LEN,
                               icmp_len - LOOKOUT_ICMP_HEADER_LEN,
                               ipv6, reply);
}

static bool
is_our_request (const uint8_t *header,
                bool           ipv6,
                uint16_t       identifier)
{
  return header[0] == (ipv6 ? ICMP6_ECHO_REQUEST : ICMP4_ECHO_REQUEST) &&
         header[1] == 0 &&
         read_be16 (header + 4) == identifier;
}

bool
lookout_icmp_find_sent_echo (const uint8_t *data,
                             size_t         len,
                             bool           ipv6,
                             uint16_t       identifier,
                             uint64_t       cookie,
                             uint16_t      *sequence,
                             size_t        *payload_len)
{
  uint8_t cookie_bytes[8];
  const uint8_t *header = NULL;

  for (size_t i = 0; i < sizeof cookie_bytes; i++)
    cookie_bytes[i] = (uint8_t) (cookie >> (56 - 8 * i));

  if (len >= LOOKOUT_ICMP_HEADER_LEN + sizeof cookie_bytes)
    {
      const uint8_t *p = memmem (data + LOOKOUT_ICMP_HEADER_LEN, len - LOOKOUT_ICMP_HEADER_LEN,
                                 cookie_bytes, sizeof cookie_bytes);
      if (p != NULL && is_our_request (p - LOOKOUT_ICMP_HEADER_LEN, ipv6, identifier))
        header = p - LOOKOUT_ICMP_HEADER_LEN;
    }

  for (size_t size = 0; header == NULL && size < sizeof cookie_bytes; size++)
    {
      const uint8_t *h;

      if (len < LOOKOUT_ICMP_HEADER_LEN + size)
        break;
      h = data + len - LOOKOUT_ICMP_HEADER_LEN - size;
      if (is_our_request (h, ipv6, identifier) &&
          lookout_icmp_payload_matches (h + LOOKOUT_ICMP_HEADER_LEN, size, size, cookie))
        header = h;
    }

  if (header == NULL)
    return false;

  *sequence = read_be16 (header + 6);
  *payload_len = (size_t) (data + len - header) - LOOKOUT_ICMP_HEADER_LEN;
  return true;
}

const char *
lookout_icmp_parse_status_to_string (LookoutIcmpParseStatus status)
{
  switch (status)
    {
    case LOOKOUT_ICMP_PARSE_OK:            return "ok";
    case LOOKOUT_ICMP_PARSE_TRUNCATED:     return "truncated";
    case LOOKOUT_ICMP_PARSE_BAD_IP_HEADER: return "bad-ip-header";
    case LOOKOUT_ICMP_PARSE_BAD_CHECKSUM:  return "bad-checksum";
    case LOOKOUT_ICMP_PARSE_WRONG_TYPE:    return "wrong-type";
    default:                               return "unknown";
    }
}
