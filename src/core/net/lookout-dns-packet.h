/* lookout-dns-packet.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A DNS message reader (RFC 1035) for replies that come off the network:
 * plain GLib, no GObject, no c-ares, so it can be fuzzed on its own. Every
 * length is checked against the buffer; compression pointers must point
 * strictly backwards, which makes loops impossible. */

#define LOOKOUT_DNS_PACKET_ERROR (lookout_dns_packet_error_quark ())

typedef enum
{
  LOOKOUT_DNS_PACKET_ERROR_TRUNCATED,     /* a field runs past the end */
  LOOKOUT_DNS_PACKET_ERROR_BAD_POINTER,   /* compression pointer not backwards */
  LOOKOUT_DNS_PACKET_ERROR_BAD_LABEL,     /* reserved label type */
  LOOKOUT_DNS_PACKET_ERROR_NAME_TOO_LONG, /* more than 255 octets */
  LOOKOUT_DNS_PACKET_ERROR_BAD_RDATA,     /* record data inconsistent with its type */
  LOOKOUT_DNS_PACKET_ERROR_NOT_RESPONSE,  /* QR bit clear where a reply was awaited */
} LookoutDnsPacketError;

typedef enum
{
  LOOKOUT_DNS_RCODE_NOERROR  = 0,
  LOOKOUT_DNS_RCODE_FORMERR  = 1,
  LOOKOUT_DNS_RCODE_SERVFAIL = 2,
  LOOKOUT_DNS_RCODE_NXDOMAIN = 3,
  LOOKOUT_DNS_RCODE_NOTIMP   = 4,
  LOOKOUT_DNS_RCODE_REFUSED  = 5,
} LookoutDnsRcode;

#define LOOKOUT_DNS_TYPE_ANY 255

typedef struct
{
  char    *name;    /* owner, absolute with a trailing dot */
  guint16  type;
  guint16  klass;
  guint32  ttl;
  char    *text;    /* rdata in presentation form: "192.0.2.1", "10 mx.example.", "\"v=spf1\"" */
} LookoutDnsRecord;

typedef struct
{
  guint16    id;
  gboolean   is_response;
  guint      opcode;
  gboolean   authoritative;
  gboolean   truncated;
  gboolean   recursion_desired;
  gboolean   recursion_available;
  guint      rcode;          /* header RCODE, low 4 bits of byte 3 */
  guint16    qdcount, ancount, nscount, arcount;
  char      *qname;          /* first question, NULL when there is none */
  guint16    qtype;
  guint16    qclass;
  GPtrArray *answers;        /* LookoutDnsRecord*, the answer section */
} LookoutDnsPacket;

GQuark            lookout_dns_packet_error_quark  (void);

/* Parses a whole message: header, questions and the answer section. The
 * authority and additional sections are not read. */
LookoutDnsPacket *lookout_dns_packet_parse        (const guint8      *data,
                                                   gsize              len,
                                                   GError           **error);
/* The same, for a message that answers a query: one with the QR bit clear
 * is a query, not a reply, and is refused as malformed. */
LookoutDnsPacket *lookout_dns_packet_parse_reply  (const guint8      *data,
                                                   gsize              len,
                                                   GError           **error);
void              lookout_dns_packet_free         (LookoutDnsPacket  *packet);
/* Textual forms of the answers of @type (all of them for LOOKOUT_DNS_TYPE_ANY),
 * NULL-terminated, never NULL. */
char            **lookout_dns_packet_dup_answers  (const LookoutDnsPacket *packet,
                                                   guint16            type);

/* Reads one possibly compressed name starting at *offset, advancing *offset
 * past it; the result is in presentation form with a trailing dot ("." for
 * the root), with special octets escaped (\. \\ \DDD). */
char             *lookout_dns_read_name           (const guint8      *data,
                                                   gsize              len,
                                                   gsize             *offset,
                                                   GError           **error);

/* "A" → 1, "aaaa" → 28, "TYPE65" → 65; -1 when unknown. */
int               lookout_dns_type_from_string    (const char        *name);
/* "A", "MX", …, or NULL for a type without a mnemonic here. */
const char       *lookout_dns_type_to_string      (guint16            type);
/* "NOERROR", "NXDOMAIN", …; "UNKNOWN" for codes without a mnemonic. */
const char       *lookout_dns_rcode_to_string     (guint              rcode);
/* What the code means, translated: "the name does not exist". */
const char       *lookout_dns_rcode_describe      (guint              rcode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutDnsPacket, lookout_dns_packet_free)

G_END_DECLS
