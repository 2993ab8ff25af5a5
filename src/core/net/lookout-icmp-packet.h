/* lookout-icmp-packet.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ICMP echo packets, without GLib or sockets, so the parser can be fuzzed.
 *
 * What a socket hands us depends on its kind:
 *  - ping sockets (SOCK_DGRAM, IPPROTO_ICMP / IPPROTO_ICMPV6) and raw ICMPv6
 *    sockets give the ICMP message alone, checksum already verified by the kernel;
 *  - raw ICMPv4 sockets give the IPv4 header too, and the ICMP checksum is not
 *    verified by the kernel before delivery, so the parser verifies it.
 * Errors (destination unreachable, time exceeded) quote the header of the echo
 * request that caused them; the parser digs out its identifier and sequence
 * so the error can be attributed to one pending echo. */

#define LOOKOUT_ICMP_HEADER_LEN   8
#define LOOKOUT_ICMP_MAX_PAYLOAD  65507  /* 65535 - 20 (IPv4) - 8 (ICMP) */

typedef enum
{
  LOOKOUT_ICMP_PARSE_OK = 0,
  LOOKOUT_ICMP_PARSE_TRUNCATED,     /* shorter than the headers it claims */
  LOOKOUT_ICMP_PARSE_BAD_IP_HEADER, /* not IPv4, bad header length, fragment */
  LOOKOUT_ICMP_PARSE_BAD_CHECKSUM,
  LOOKOUT_ICMP_PARSE_WRONG_TYPE,    /* not an echo reply nor an error about an echo request */
} LookoutIcmpParseStatus;

typedef enum
{
  LOOKOUT_ICMP_MESSAGE_ECHO_REPLY,
  LOOKOUT_ICMP_MESSAGE_UNREACHABLE,   /* destination unreachable, about our echo request */
  LOOKOUT_ICMP_MESSAGE_TIME_EXCEEDED, /* TTL / hop limit exceeded, about our echo request */
} LookoutIcmpMessage;

typedef struct
{
  LookoutIcmpMessage  message;
  uint8_t             type;            /* ICMP type and code as received */
  uint8_t             code;
  uint16_t            identifier;      /* of the echo (the quoted request for errors) */
  uint16_t            sequence;
  const uint8_t      *payload;         /* echo payload (NULL for errors) */
  size_t              payload_len;
  /* The IPv4 addresses from the outer IP header (raw IPv4 only), and for
   * errors the destination the quoted request was sent to (IPv4 and IPv6). */
  bool                has_ip_source;
  uint8_t             ip_source[4];
  bool                has_quoted_destination;
  uint8_t             quoted_destination[16];
} LookoutIcmpReply;

/* The Internet checksum (RFC 1071) of @len bytes, as the number to store
 * big-endian in a header; 0 over a packet whose checksum is right. */
uint16_t                lookout_icmp_checksum        (const void       *data,
                                                      size_t            len);

/* Writes an echo request of LOOKOUT_ICMP_HEADER_LEN + @payload_len bytes to
 * @buf: @payload starts with up to 8 bytes of @cookie and is then filled with
 * a counting pattern. The checksum is computed for ICMPv4; for ICMPv6 it is
 * left 0 (the kernel computes it, it covers a pseudo-header). Returns the
 * packet length, or 0 when @buf_len is too small. */
size_t                  lookout_icmp_build_echo      (uint8_t          *buf,
                                                      size_t            buf_len,
                                                      bool              ipv6,
                                                      uint16_t          identifier,
                                                      uint16_t          sequence,
                                                      uint64_t          cookie,
                                                      size_t            payload_len);

/* Parses what a socket received: @ipv6 selects ICMPv6 numbering, @has_ip_header
 * says that an IPv4 header comes first (raw IPv4 sockets). */
LookoutIcmpParseStatus  lookout_icmp_parse_reply     (const uint8_t    *data,
                                                      size_t            len,
                                                      bool              ipv6,
                                                      bool              has_ip_header,
                                                      LookoutIcmpReply *reply);

/* TRUE when @payload starts with the first bytes of @cookie, as
 * lookout_icmp_build_echo() wrote them (as much of it as @payload_len holds
 * out of @sent_len). */
bool                    lookout_icmp_payload_matches (const uint8_t    *payload,
                                                      size_t            payload_len,
                                                      size_t            sent_len,
                                                      uint64_t          cookie);

/* Finds our echo request in a packet as it was transmitted, with link-layer
 * and IP headers in front (transmit timestamps hand it back so): by the
 * cookie that starts payloads of 8 bytes or more, else at the very end for
 * payloads of 0 to 7 bytes. Returns true with the sequence and payload length
 * of an echo request carrying @identifier. */
bool                    lookout_icmp_find_sent_echo  (const uint8_t    *data,
                                                      size_t            len,
                                                      bool              ipv6,
                                                      uint16_t          identifier,
                                                      uint64_t          cookie,
                                                      uint16_t         *sequence,
                                                      size_t           *payload_len);

const char             *lookout_icmp_parse_status_to_string (LookoutIcmpParseStatus status);
