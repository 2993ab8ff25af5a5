/* test-dns-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "lookout-dns-packet.h"

/* Header: id 0xabcd, QR RD RA, given rcode, 1 question, @an answers. */
#define HEADER(rcode, an) 0xab, 0xcd, 0x81, 0x80 | (rcode), 0x00, 0x01, 0x00, (an), 0x00, 0x00, 0x00, 0x00
/* example.test at offset 12 */
#define QNAME 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0
#define PTR_QNAME 0xc0, 0x0c

static void
test_packet_a (void)
{
  static const guint8 msg[] = {
    HEADER (0, 2), QNAME, 0x00, 0x01, 0x00, 0x01,
    PTR_QNAME, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 192, 0, 2, 1,
    PTR_QNAME, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04, 192, 0, 2, 2,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (msg, sizeof msg, &error);
  g_auto(GStrv) answers = NULL;
  const LookoutDnsRecord *record;

  g_assert_no_error (error);
  g_assert_nonnull (packet);
  g_assert_cmpuint (packet->id, ==, 0xabcd);
  g_assert_true (packet->is_response);
  g_assert_true (packet->recursion_available);
  g_assert_cmpuint (packet->rcode, ==, 0);
  g_assert_cmpstr (packet->qname, ==, "example.test.");
  g_assert_cmpuint (packet->qtype, ==, 1);
  g_assert_cmpuint (packet->answers->len, ==, 2);
  record = g_ptr_array_index (packet->answers, 0);
  g_assert_cmpstr (record->name, ==, "example.test.");
  g_assert_cmpuint (record->ttl, ==, 3600);
  answers = lookout_dns_packet_dup_answers (packet, 1);
  g_assert_cmpstrv (answers, ((const char *[]) { "192.0.2.1", "192.0.2.2", NULL }));
}

static void
test_packet_records (void)
{
  static const guint8 msg[] = {
    HEADER (0, 7), QNAME, 0x00, 0xff, 0x00, 0x01,
    /* AAAA 2001:db8::1 */
    PTR_QNAME, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    /* MX 10 mail.example.test. (mail + pointer to the qname) at offset 58 */
    PTR_QNAME, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x09,
    0x00, 0x0a, 4, 'm', 'a', 'i', 'l', PTR_QNAME,
    /* TXT "v=spf1 -all" "a\"b" */
    PTR_QNAME, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10,
    11, 'v', '=', 's', 'p', 'f', '1', ' ', '-', 'a', 'l', 'l', 3, 'a', '"', 'b',
    /* SRV 1 2 5060 mail.example.test. (pointer to the MX's name at 72) */
    PTR_QNAME, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x08,
    0x00, 0x01, 0x00, 0x02, 0x13, 0xc4, 0xc0, 72,
    /* CAA 0 issue "ca.example" */
    PTR_QNAME, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x11,
    0x00, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
    /* SOA ns. root. 1 2 3 4 5 */
    PTR_QNAME, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x1e,
    2, 'n', 's', 0, 4, 'r', 'o', 'o', 't', 0,
    0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5,
    /* TYPE99 generic */
    PTR_QNAME, 0x00, 0x63, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x02, 0xbe, 0xef,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (msg, sizeof msg, &error);
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) mx = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (packet);
  all = lookout_dns_packet_dup_answers (packet, LOOKOUT_DNS_TYPE_ANY);
  g_assert_cmpstrv (all, ((const char *[]) {
    "2001:db8::1",
    "10 mail.example.test.",
    "\"v=spf1 -all\" \"a\\\"b\"",
    "1 2 5060 mail.example.test.",
    "0 issue \"ca.example\"",
    "ns. root. 1 2 3 4 5",
    "\\# 2 beef",
    NULL }));
  mx = lookout_dns_packet_dup_answers (packet, 15);
  g_assert_cmpstrv (mx, ((const char *[]) { "10 mail.example.test.", NULL }));
}

static void
test_packet_rcode (void)
{
  static const guint8 msg[] = { HEADER (3, 0), QNAME, 0x00, 0x01, 0x00, 0x01 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (msg, sizeof msg, &error);
  g_auto(GStrv) answers = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (packet->rcode, ==, LOOKOUT_DNS_RCODE_NXDOMAIN);
  g_assert_cmpstr (lookout_dns_rcode_to_string (packet->rcode), ==, "NXDOMAIN");
  g_assert_cmpstr (lookout_dns_rcode_to_string (5), ==, "REFUSED");
  g_assert_cmpstr (lookout_dns_rcode_to_string (15), ==, "UNKNOWN");
  answers = lookout_dns_packet_dup_answers (packet, 1);
  g_assert_cmpuint (g_strv_length (answers), ==, 0);
}

static void
test_packet_pointer_loop (void)
{
  /* The answer's name points at itself; then one that points forwards;
   * then two pointers pointing at each other. */
  static const guint8 self_loop[] = { HEADER (0, 1), QNAME, 0, 1, 0, 1, 0xc0, 30, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4 };
  static const guint8 forward[] = { HEADER (0, 1), QNAME, 0, 1, 0, 1, 0xc0, 40, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4, 0 };
  static const guint8 mutual[] = { HEADER (0, 1), 0xc0, 14, 0xc0, 12, 0, 1, 0, 1 };
  static const guint8 label_then_back[] = { HEADER (0, 1), 1, 'a', 0xc0, 12, 0, 1, 0, 1 };
  const struct { const guint8 *data; gsize len; } cases[] = {
    { self_loop, sizeof self_loop },
    { forward, sizeof forward },
    { mutual, sizeof mutual },
    { label_then_back, sizeof label_then_back },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (cases[i].data, cases[i].len, &error);

      g_assert_null (packet);
      g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_POINTER);
    }
}

static void
test_packet_truncated (void)
{
  static const guint8 msg[] = {
    HEADER (0, 1), QNAME, 0x00, 0x01, 0x00, 0x01,
    PTR_QNAME, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 192, 0, 2, 1,
  };

  /* Every strict prefix fails cleanly, with TRUNCATED. */
  for (gsize len = 0; len < sizeof msg; len++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *copy = g_memdup2 (msg, len);
      g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (copy, len, &error);

      g_assert_null (packet);
      g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_TRUNCATED);
    }
}

static void
test_packet_bad_rdata (void)
{
  /* An A record with 3 bytes; an MX whose name runs past its rdata. */
  static const guint8 short_a[] = {
    HEADER (0, 1), QNAME, 0, 1, 0, 1, PTR_QNAME, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3,
  };
  static const guint8 long_mx[] = {
    HEADER (0, 1), QNAME, 0, 15, 0, 1, PTR_QNAME, 0, 15, 0, 1, 0, 0, 0, 1, 0, 4, 0, 10, 1, 'a', 0,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutDnsPacket) a = lookout_dns_packet_parse (short_a, sizeof short_a, &error);
  g_autoptr(LookoutDnsPacket) mx = NULL;

  g_assert_null (a);
  g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_RDATA);
  g_clear_error (&error);
  mx = lookout_dns_packet_parse (long_mx, sizeof long_mx, &error);
  g_assert_null (mx);
  g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_RDATA);
}

static void
test_packet_names (void)
{
  /* Escapes, the root, a reserved label type and a name over 255 octets. */
  static const guint8 escaped[] = { 3, 'a', '.', 'b', 2, 0x01, '\\', 0 };
  static const guint8 root[] = { 0 };
  static const guint8 reserved[] = { 0x40, 'a', 0 };
  guint8 too_long[300];
  gsize offset = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *root_name = NULL;
  char *none;

  name = lookout_dns_read_name (escaped, sizeof escaped, &offset, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "a\\.b.\\001\\\\.");
  g_assert_cmpuint (offset, ==, sizeof escaped);

  offset = 0;
  root_name = lookout_dns_read_name (root, sizeof root, &offset, &error);
  g_assert_cmpstr (root_name, ==, ".");

  offset = 0;
  none = lookout_dns_read_name (reserved, sizeof reserved, &offset, &error);
  g_assert_null (none);
  g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_LABEL);
  g_clear_error (&error);

  for (gsize i = 0; i + 11 < sizeof too_long; i += 11)
    {
      too_long[i] = 10;
      memset (too_long + i + 1, 'x', 10);
    }
  too_long[sizeof too_long - 1] = 0;
  offset = 0;
  none = lookout_dns_read_name (too_long, sizeof too_long, &offset, &error);
  g_assert_null (none);
  g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_NAME_TOO_LONG);
}

static void
test_packet_types (void)
{
  g_assert_cmpint (lookout_dns_type_from_string ("A"), ==, 1);
  g_assert_cmpint (lookout_dns_type_from_string ("aaaa"), ==, 28);
  g_assert_cmpint (lookout_dns_type_from_string ("CAA"), ==, 257);
  g_assert_cmpint (lookout_dns_type_from_string ("TYPE65"), ==, 65);
  g_assert_cmpint (lookout_dns_type_from_string ("TYPE0"), ==, -1);
  g_assert_cmpint (lookout_dns_type_from_string ("TYPE70000"), ==, -1);
  g_assert_cmpint (lookout_dns_type_from_string ("BOGUS"), ==, -1);
  g_assert_cmpstr (lookout_dns_type_to_string (15), ==, "MX");
  g_assert_null (lookout_dns_type_to_string (9999));
}

/* A reply must be one: the same message with the QR bit clear is a query. */
static void
test_packet_parse_reply (void)
{
  guint8 msg[] = {
    HEADER (0, 1), QNAME, 0x00, 0x01, 0x00, 0x01,
    PTR_QNAME, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 192, 0, 2, 1,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutDnsPacket) reply = lookout_dns_packet_parse_reply (msg, sizeof msg, &error);
  g_autoptr(LookoutDnsPacket) query = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (reply);

  msg[2] &= 0x7f;
  query = lookout_dns_packet_parse_reply (msg, sizeof msg, &error);
  g_assert_null (query);
  g_assert_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_NOT_RESPONSE);
  g_assert_nonnull (strstr (error->message, "QR bit is clear"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dns-packet/a", test_packet_a);
  g_test_add_func ("/dns-packet/records", test_packet_records);
  g_test_add_func ("/dns-packet/rcode", test_packet_rcode);
  g_test_add_func ("/dns-packet/pointer-loop", test_packet_pointer_loop);
  g_test_add_func ("/dns-packet/truncated", test_packet_truncated);
  g_test_add_func ("/dns-packet/bad-rdata", test_packet_bad_rdata);
  g_test_add_func ("/dns-packet/names", test_packet_names);
  g_test_add_func ("/dns-packet/types", test_packet_types);
  g_test_add_func ("/dns-packet/parse-reply", test_packet_parse_reply);

  return g_test_run ();
}
