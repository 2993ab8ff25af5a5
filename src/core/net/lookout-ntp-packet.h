/* lookout-ntp-packet.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SNTPv4 (RFC 4330, RFC 5905) client packets, free of GObject and sockets so
 * that the parser can be fuzzed on its own. Timestamps on the wire are NTP
 * 32.32 fixed point seconds since 1900; on our side they are nanoseconds since
 * the Unix epoch. A wire timestamp is mapped to the era (2036 wrap) that puts
 * it nearest to a pivot, our own clock reading. */

#define LOOKOUT_NTP_PACKET_SIZE   48
#define LOOKOUT_NTP_VERSION       4
#define LOOKOUT_NTP_MODE_CLIENT   3
#define LOOKOUT_NTP_MODE_SERVER   4
#define LOOKOUT_NTP_LEAP_UNSYNCHRONISED 3
#define LOOKOUT_NTP_STRATUM_UNSYNCHRONISED 16

typedef enum
{
  LOOKOUT_NTP_PARSE_OK = 0,
  LOOKOUT_NTP_PARSE_TOO_SHORT,        /* fewer than 48 bytes */
  LOOKOUT_NTP_PARSE_BAD_VERSION,      /* version 0 or above 4 */
  LOOKOUT_NTP_PARSE_BAD_MODE,         /* not mode 4 (server) */
  LOOKOUT_NTP_PARSE_ORIGIN_MISMATCH,  /* not an answer to our request: spoofed or stale */
  LOOKOUT_NTP_PARSE_ZERO_TRANSMIT,    /* server transmit timestamp missing */
  LOOKOUT_NTP_PARSE_BAD_STRATUM,      /* stratum above 16 */
} LookoutNtpParseStatus;

typedef struct
{
  guint8  leap;              /* 0..3; 3 = clock unsynchronised */
  guint8  version;
  guint8  mode;
  guint8  stratum;           /* 0 = kiss-o'-death */
  gint8   poll;
  gint8   precision;
  guint32 root_delay;        /* 16.16 seconds */
  guint32 root_dispersion;   /* 16.16 seconds */
  guint32 reference_id;      /* host byte order */
  guint64 reference_ts;
  guint64 origin_ts;
  guint64 receive_ts;
  guint64 transmit_ts;
} LookoutNtpReply;

guint64               lookout_ntp_timestamp_from_unix_ns  (gint64                 unix_ns);
gint64                lookout_ntp_timestamp_to_unix_ns    (guint64                ntp_ts,
                                                           gint64                 pivot_unix_ns);

/* A 48-byte mode 3 version 4 request whose transmit timestamp is @transmit_ts;
 * the server echoes it as the origin timestamp of its reply. */
void                  lookout_ntp_packet_build_request    (guint8                 packet[LOOKOUT_NTP_PACKET_SIZE],
                                                           guint64                transmit_ts);

/* Decodes and validates a reply to the request that carried @expected_origin.
 * A kiss-o'-death (stratum 0) parses as OK: the caller looks at the stratum. */
LookoutNtpParseStatus lookout_ntp_packet_parse_reply      (const guint8          *data,
                                                           gsize                  len,
                                                           guint64                expected_origin,
                                                           LookoutNtpReply       *reply);
const char           *lookout_ntp_parse_status_to_string  (LookoutNtpParseStatus  status);

/* Clock offset ((T2 - T1) + (T3 - T4)) / 2 and round-trip delay
 * (T4 - T1) - (T3 - T2), T1 and T4 being our send and receive times. */
void                  lookout_ntp_packet_compute          (const LookoutNtpReply *reply,
                                                           gint64                 t1_unix_ns,
                                                           gint64                 t4_unix_ns,
                                                           gint64                *offset_ns,
                                                           gint64                *delay_ns);

/* The reference id as people read it: a dotted IPv4 address for stratum 2
 * and above, the ASCII code ("GPS", "PPS", or the kiss code "RATE") for
 * stratum 0 and 1 (non-printable bytes as \xNN). */
char                 *lookout_ntp_reply_dup_reference_id  (const LookoutNtpReply *reply);
/* The kiss code of a stratum 0 reply ("RATE", "DENY", …), or NULL. */
char                 *lookout_ntp_reply_dup_kiss_code     (const LookoutNtpReply *reply);
/* What a kiss code means (untranslated, marked with N_), or NULL for a
 * code RFC 5905 does not list. */
const char           *lookout_ntp_kiss_code_describe      (const char            *code);

G_END_DECLS
