/* test-target-uri.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "lookout-target-uri.h"
#include "lookout-targets-file.h"

#define HTTP LOOKOUT_TARGET_KIND_HTTP
#define ICMP LOOKOUT_TARGET_KIND_ICMP
#define TCP  LOOKOUT_TARGET_KIND_TCP
#define UDP  LOOKOUT_TARGET_KIND_UDP
#define DNS  LOOKOUT_TARGET_KIND_DNS
#define NTP  LOOKOUT_TARGET_KIND_NTP
#define TRACE LOOKOUT_TARGET_KIND_TRACE

typedef struct
{
  const char        *input;
  const char        *canonical;   /* NULL: must be refused with @code */
  int                code;
  LookoutTargetKind  kind;
  const char        *host;
  guint16            port;
  const char        *path;
  const char        *dns_name;
  const char        *dns_type;
} ParseCase;

#define OK(in, out, k, h, p, pa, n, t) { in, out, -1, k, h, p, pa, n, t }
#define BAD(in, c) { in, NULL, LOOKOUT_TARGET_URI_ERROR_##c, 0, NULL, 0, NULL, NULL, NULL }

static const ParseCase parse_cases[] = {
  /* HTTP(S) */
  OK ("https://example.org", "https://example.org/", HTTP, "example.org", 443, "/", NULL, NULL),
  OK ("http://example.org/health", "http://example.org/health", HTTP, "example.org", 80, "/health", NULL, NULL),
  OK ("HTTPS://Example.ORG/Path", "https://example.org/Path", HTTP, "example.org", 443, "/Path", NULL, NULL),
  OK ("https://example.org:443/", "https://example.org/", HTTP, "example.org", 443, "/", NULL, NULL),
  OK ("http://example.org:80/x", "http://example.org/x", HTTP, "example.org", 80, "/x", NULL, NULL),
  OK ("http://example.org:443/", "http://example.org:443/", HTTP, "example.org", 443, "/", NULL, NULL),
  OK ("https://example.org:80/", "https://example.org:80/", HTTP, "example.org", 80, "/", NULL, NULL),
  OK ("https://example.org:8443/api?x=1&y=2", "https://example.org:8443/api?x=1&y=2", HTTP, "example.org", 8443, "/api?x=1&y=2", NULL, NULL),
  OK ("https://example.org/a#fragment", "https://example.org/a", HTTP, "example.org", 443, "/a", NULL, NULL),
  OK ("https://example.org/?q=%7e%41%2f", "https://example.org/?q=~A%2F", HTTP, "example.org", 443, "/?q=~A%2F", NULL, NULL),
  OK ("https://bücher.example/", "https://xn--bcher-kva.example/", HTTP, "xn--bcher-kva.example", 443, "/", NULL, NULL),
  OK ("https://BÜCHER.example/", "https://xn--bcher-kva.example/", HTTP, "xn--bcher-kva.example", 443, "/", NULL, NULL),
  OK ("https://[2001:DB8::1]:8080/", "https://[2001:db8::1]:8080/", HTTP, "2001:db8::1", 8080, "/", NULL, NULL),
  OK ("https://[2001:db8:0:0:0:0:0:1]/", "https://[2001:db8::1]/", HTTP, "2001:db8::1", 443, "/", NULL, NULL),
  OK ("https://192.0.2.1/status", "https://192.0.2.1/status", HTTP, "192.0.2.1", 443, "/status", NULL, NULL),
  OK ("https://example.org./", "https://example.org/", HTTP, "example.org", 443, "/", NULL, NULL),
  OK ("  https://example.org/ \t\n", "https://example.org/", HTTP, "example.org", 443, "/", NULL, NULL),
  OK ("https://example.org/wiki/Bücher", "https://example.org/wiki/B%C3%BCcher", HTTP, "example.org", 443, "/wiki/B%C3%BCcher", NULL, NULL),
  OK ("https://example.org?x", "https://example.org/?x", HTTP, "example.org", 443, "/?x", NULL, NULL),
  OK ("http://localhost:8080", "http://localhost:8080/", HTTP, "localhost", 8080, "/", NULL, NULL),
  OK ("https://[fe80::1%25eth0]/", "https://[fe80::1%25eth0]/", HTTP, "fe80::1%eth0", 443, "/", NULL, NULL),
  OK ("https://example.org/a/../b", "https://example.org/a/../b", HTTP, "example.org", 443, "/a/../b", NULL, NULL),
  OK ("https://a-b.example-site.org:65535/", "https://a-b.example-site.org:65535/", HTTP, "a-b.example-site.org", 65535, "/", NULL, NULL),
  OK ("https://example.org/p;x=1,2:@!$'()*+", "https://example.org/p;x=1,2:@!$'()*+", HTTP, "example.org", 443, "/p;x=1,2:@!$'()*+", NULL, NULL),
  OK ("https://example.org/search?q=a/b?c", "https://example.org/search?q=a/b?c", HTTP, "example.org", 443, "/search?q=a/b?c", NULL, NULL),
  OK ("https://[::ffff:192.0.2.1]/", "https://[::ffff:192.0.2.1]/", HTTP, "::ffff:192.0.2.1", 443, "/", NULL, NULL),
  OK ("http://EXAMPLE.org:0080/", "http://example.org/", HTTP, "example.org", 80, "/", NULL, NULL),
  OK ("https://1.2.3.4x/", "https://1.2.3.4x/", HTTP, "1.2.3.4x", 443, "/", NULL, NULL),
  OK ("http://0.0.0.0/", "http://0.0.0.0/", HTTP, "0.0.0.0", 80, "/", NULL, NULL),
  OK ("http://255.255.255.255/", "http://255.255.255.255/", HTTP, "255.255.255.255", 80, "/", NULL, NULL),

  /* ICMP */
  OK ("icmp://192.0.2.10", "icmp://192.0.2.10", ICMP, "192.0.2.10", 0, NULL, NULL, NULL),
  OK ("ping://example.org", "icmp://example.org", ICMP, "example.org", 0, NULL, NULL, NULL),
  OK ("icmp://[2001:db8::1]", "icmp://[2001:db8::1]", ICMP, "2001:db8::1", 0, NULL, NULL, NULL),
  OK ("icmp://example.org/", "icmp://example.org", ICMP, "example.org", 0, NULL, NULL, NULL),
  OK ("PING://Router.LAN", "icmp://router.lan", ICMP, "router.lan", 0, NULL, NULL, NULL),
  OK ("icmp://[fe80::1%eth0]", "icmp://[fe80::1%25eth0]", ICMP, "fe80::1%eth0", 0, NULL, NULL, NULL),
  OK ("icmp://localhost", "icmp://localhost", ICMP, "localhost", 0, NULL, NULL, NULL),
  OK ("icmp://xn--bcher-kva.example", "icmp://xn--bcher-kva.example", ICMP, "xn--bcher-kva.example", 0, NULL, NULL, NULL),

  /* TCP, UDP */
  OK ("tcp://db.example.org:5432", "tcp://db.example.org:5432", TCP, "db.example.org", 5432, NULL, NULL, NULL),
  OK ("tcp://[::1]:22", "tcp://[::1]:22", TCP, "::1", 22, NULL, NULL, NULL),
  OK ("TCP://127.0.0.1:1", "tcp://127.0.0.1:1", TCP, "127.0.0.1", 1, NULL, NULL, NULL),
  OK ("tcp://example.org:65535/", "tcp://example.org:65535", TCP, "example.org", 65535, NULL, NULL, NULL),
  OK ("udp://192.0.2.53:53", "udp://192.0.2.53:53", UDP, "192.0.2.53", 53, NULL, NULL, NULL),
  OK ("udp://[2001:db8::53]:5353", "udp://[2001:db8::53]:5353", UDP, "2001:db8::53", 5353, NULL, NULL, NULL),

  /* DNS */
  OK ("dns://192.0.2.53/example.org?type=AAAA", "dns://192.0.2.53/example.org?type=AAAA", DNS, "192.0.2.53", 53, NULL, "example.org", "AAAA"),
  OK ("dns://192.0.2.53/example.org", "dns://192.0.2.53/example.org?type=A", DNS, "192.0.2.53", 53, NULL, "example.org", "A"),
  OK ("dns://192.0.2.53:5353/example.org?type=mx", "dns://192.0.2.53:5353/example.org?type=MX", DNS, "192.0.2.53", 5353, NULL, "example.org", "MX"),
  OK ("dns://192.0.2.53:53/Example.ORG.?TYPE=txt", "dns://192.0.2.53/example.org?type=TXT", DNS, "192.0.2.53", 53, NULL, "example.org", "TXT"),
  OK ("dns:example.org", "dns:example.org?type=A", DNS, NULL, 53, NULL, "example.org", "A"),
  OK ("dns:_sip._tcp.example.org?type=SRV", "dns:_sip._tcp.example.org?type=SRV", DNS, NULL, 53, NULL, "_sip._tcp.example.org", "SRV"),
  OK ("dns:///example.org?type=NS", "dns:example.org?type=NS", DNS, NULL, 53, NULL, "example.org", "NS"),
  OK ("dns://[2001:db8::53]/bücher.example?type=aaaa", "dns://[2001:db8::53]/xn--bcher-kva.example?type=AAAA", DNS, "2001:db8::53", 53, NULL, "xn--bcher-kva.example", "AAAA"),
  OK ("dns://ns1.example.org/example.org?type=SOA;class=IN", "dns://ns1.example.org/example.org?type=SOA", DNS, "ns1.example.org", 53, NULL, "example.org", "SOA"),
  OK ("dns://192.0.2.53/.?type=NS", "dns://192.0.2.53/.?type=NS", DNS, "192.0.2.53", 53, NULL, ".", "NS"),
  OK ("dns:4.3.2.1.in-addr.arpa?type=PTR", "dns:4.3.2.1.in-addr.arpa?type=PTR", DNS, NULL, 53, NULL, "4.3.2.1.in-addr.arpa", "PTR"),
  OK ("dns://192.0.2.53/b%C3%BCcher.example", "dns://192.0.2.53/xn--bcher-kva.example?type=A", DNS, "192.0.2.53", 53, NULL, "xn--bcher-kva.example", "A"),
  OK ("dns:example.org?type=caa", "dns:example.org?type=CAA", DNS, NULL, 53, NULL, "example.org", "CAA"),
  OK ("DNS:Example.Org?Type=Cname", "dns:example.org?type=CNAME", DNS, NULL, 53, NULL, "example.org", "CNAME"),

  /* NTP */
  OK ("ntp://pool.ntp.org", "ntp://pool.ntp.org", NTP, "pool.ntp.org", 123, NULL, NULL, NULL),
  OK ("ntp://pool.ntp.org:123", "ntp://pool.ntp.org", NTP, "pool.ntp.org", 123, NULL, NULL, NULL),
  OK ("ntp://192.0.2.123:1123", "ntp://192.0.2.123:1123", NTP, "192.0.2.123", 1123, NULL, NULL, NULL),
  OK ("ntp://[2001:db8::123]/", "ntp://[2001:db8::123]", NTP, "2001:db8::123", 123, NULL, NULL, NULL),
  OK ("NTP://Time.Example.org", "ntp://time.example.org", NTP, "time.example.org", 123, NULL, NULL, NULL),
  /* trace */
  OK ("trace://example.org", "trace://example.org", TRACE, "example.org", 0, NULL, NULL, NULL),
  OK ("trace://example.org/", "trace://example.org", TRACE, "example.org", 0, NULL, NULL, NULL),
  OK ("trace://192.0.2.1?proto=icmp", "trace://192.0.2.1", TRACE, "192.0.2.1", 0, NULL, NULL, NULL),
  OK ("TRACE://[2001:db8::1]/?Proto=UDP", "trace://[2001:db8::1]?proto=udp", TRACE, "2001:db8::1", 0, NULL, NULL, NULL),
  BAD ("trace://example.org?proto=tcp", INVALID_QUERY),
  BAD ("trace://example.org?proto=udp#x", UNEXPECTED_PATH),
  BAD ("trace://example.org/x?proto=udp", UNEXPECTED_PATH),
  BAD ("trace://example.org:33434", UNEXPECTED_PORT),

  /* refused */
  BAD ("", EMPTY),
  BAD ("   \t ", EMPTY),
  BAD ("example.org", UNKNOWN_SCHEME),
  BAD ("ftp://example.org", UNKNOWN_SCHEME),
  BAD ("gopher:x", UNKNOWN_SCHEME),
  BAD ("://example.org", UNKNOWN_SCHEME),
  BAD ("https://", MISSING_HOST),
  BAD ("https:///path", MISSING_HOST),
  BAD ("http:example.org", MISSING_HOST),
  BAD ("tcp://:80", MISSING_HOST),
  BAD ("https://exa mple.org/", INVALID_HOST),
  BAD ("https://256.1.1.1/", INVALID_HOST),
  BAD ("https://1.2.3/", INVALID_HOST),
  BAD ("https://1.2.3.4.5/", INVALID_HOST),
  BAD ("https://010.0.0.1/", INVALID_HOST),
  BAD ("https://0x7f000001/", INVALID_HOST),
  BAD ("https://123/", INVALID_HOST),
  BAD ("https://-bad.example/", INVALID_HOST),
  BAD ("https://bad-.example/", INVALID_HOST),
  BAD ("https://under_score.example/", INVALID_HOST),
  BAD ("https://a..b/", INVALID_HOST),
  BAD ("https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/", INVALID_HOST),
  BAD ("https://example.123/", INVALID_HOST),
  BAD ("https://xn--zz.example/", INVALID_HOST),
  BAD ("https://exa%41mple.org/", INVALID_HOST),
  BAD ("https://\xff.example/", INVALID_HOST),
  BAD ("https://ex\xc2\xa0mple.org/", INVALID_HOST),
  BAD ("https://2001:db8::1/", INVALID_IPV6),
  BAD ("https://[2001:db8::g]/", INVALID_IPV6),
  BAD ("https://[2001:db8::1/", INVALID_IPV6),
  BAD ("https://[192.0.2.1]/", INVALID_IPV6),
  BAD ("https://[2001:db8::1]x/", INVALID_IPV6),
  BAD ("https://[]/", INVALID_IPV6),
  BAD ("icmp://[fe80::1%]", INVALID_IPV6),
  BAD ("icmp://[fe80::1%25e$h]", INVALID_IPV6),
  BAD ("tcp://example.org", MISSING_PORT),
  BAD ("udp://192.0.2.1", MISSING_PORT),
  BAD ("udp://[::1]/", MISSING_PORT),
  BAD ("https://example.org:0/", INVALID_PORT),
  BAD ("https://example.org:65536/", INVALID_PORT),
  BAD ("tcp://example.org:abc", INVALID_PORT),
  BAD ("tcp://example.org:", INVALID_PORT),
  BAD ("tcp://example.org:-1", INVALID_PORT),
  BAD ("tcp://example.org:+80", INVALID_PORT),
  BAD ("tcp://example.org:99999999999999999999", INVALID_PORT),
  BAD ("ntp://[::1]:0", INVALID_PORT),
  BAD ("icmp://example.org:80", UNEXPECTED_PORT),
  BAD ("ping://[::1]:7", UNEXPECTED_PORT),
  BAD ("icmp://example.org/path", UNEXPECTED_PATH),
  BAD ("tcp://db:5432/x", UNEXPECTED_PATH),
  BAD ("ntp://pool.ntp.org/#x", UNEXPECTED_PATH),
  BAD ("dns:example.org#x", UNEXPECTED_PATH),
  BAD ("https://example.org/a b", INVALID_PATH),
  BAD ("https://example.org/%zz", INVALID_PATH),
  BAD ("https://example.org/%4", INVALID_PATH),
  BAD ("https://example.org/<x>", INVALID_PATH),
  BAD ("https://example.org/a\"b", INVALID_PATH),
  BAD ("https://example.org/\\x", INVALID_PATH),
  BAD ("https://example.org/\xc3", INVALID_PATH),
  BAD ("https://example.org/?q=%G1", INVALID_QUERY),
  BAD ("https://example.org/?a b", INVALID_QUERY),
  BAD ("icmp://example.org?x", INVALID_QUERY),
  BAD ("dns:example.org?foo=bar", INVALID_QUERY),
  BAD ("dns:example.org?type=A&type=MX", INVALID_QUERY),
  BAD ("dns:example.org?class=CH", INVALID_QUERY),
  BAD ("dns:example.org?type", INVALID_QUERY),
  BAD ("dns:", MISSING_NAME),
  BAD ("dns://192.0.2.53", MISSING_NAME),
  BAD ("dns://192.0.2.53/", MISSING_NAME),
  BAD ("dns://192.0.2.53/?type=A", MISSING_NAME),
  BAD ("dns://192.0.2.53?type=A", MISSING_NAME),
  BAD ("dns:exa mple.org", INVALID_NAME),
  BAD ("dns://192.0.2.53/a/b", INVALID_NAME),
  BAD ("dns:192.0.2.1", INVALID_NAME),
  BAD ("dns:a..b", INVALID_NAME),
  BAD ("dns:%zz", INVALID_NAME),
  BAD ("dns:ex%00ample.org", INVALID_NAME),
  BAD ("dns:-x.example", INVALID_NAME),
  BAD ("dns:example.org?type=BOGUS", INVALID_RECORD_TYPE),
  BAD ("dns:example.org?type=", INVALID_RECORD_TYPE),
  BAD ("https://user:pass@example.org/", USERINFO),
  BAD ("tcp://user@db:5432", USERINFO),
  BAD ("https://@example.org/", USERINFO),
};

typedef struct
{
  LookoutTargetKind  kind;
  const char        *input;
  const char        *canonical;   /* NULL: must be refused with @code */
  LookoutTargetKind  out_kind;
  int                code;
} KindCase;

#define KOK(k, in, out, ok) { k, in, out, ok, -1 }
#define KBAD(k, in, ok, c) { k, in, NULL, ok, LOOKOUT_TARGET_URI_ERROR_##c }

static const KindCase kind_cases[] = {
  KOK (HTTP, "example.org", "https://example.org/", HTTP),
  KOK (HTTP, "example.org:8080/x", "https://example.org:8080/x", HTTP),
  KOK (HTTP, "  example.org/health\n", "https://example.org/health", HTTP),
  KOK (HTTP, "http://example.org", "http://example.org/", HTTP),
  KOK (HTTP, "[2001:db8::1]:8080", "https://[2001:db8::1]:8080/", HTTP),
  KOK (HTTP, "bücher.example", "https://xn--bcher-kva.example/", HTTP),
  KOK (HTTP, "tcp://db:5432", "tcp://db:5432", TCP),
  KOK (HTTP, "ping://example.org", "icmp://example.org", ICMP),
  KOK (HTTP, "dns:example.org", "dns:example.org?type=A", DNS),
  KBAD (HTTP, "2001:db8::1", HTTP, INVALID_IPV6),
  KBAD (HTTP, "user@example.org", HTTP, USERINFO),
  KBAD (HTTP, "ftp://example.org", HTTP, UNKNOWN_SCHEME),
  KBAD (HTTP, "", HTTP, EMPTY),
  KBAD (HTTP, "  ", HTTP, EMPTY),
  /* A mistyped scheme is not a host and a port. */
  KBAD (HTTP, "htp:/foo bar", HTTP, UNKNOWN_SCHEME),
  KBAD (HTTP, "htp:foo", HTTP, UNKNOWN_SCHEME),
  KBAD (HTTP, "http//127.0.0.1", HTTP, MISSING_HOST),
  KBAD (TCP, "tcp//127.0.0.1:9", TCP, MISSING_HOST),
  KOK (ICMP, "example.org", "icmp://example.org", ICMP),
  KOK (ICMP, "2001:db8::1", "icmp://[2001:db8::1]", ICMP),
  KOK (ICMP, "fe80::1%eth0", "icmp://[fe80::1%25eth0]", ICMP),
  KOK (ICMP, "[2001:db8::1]", "icmp://[2001:db8::1]", ICMP),
  KOK (ICMP, " 192.0.2.1 ", "icmp://192.0.2.1", ICMP),
  KBAD (ICMP, "example.org:80", ICMP, UNEXPECTED_PORT),
  KBAD (ICMP, "256.0.0.1", ICMP, INVALID_HOST),
  KBAD (ICMP, "1.2.3", ICMP, INVALID_HOST),
  KOK (TCP, "db.example.org:5432", "tcp://db.example.org:5432", TCP),
  KOK (TCP, "[::1]:22", "tcp://[::1]:22", TCP),
  KOK (TCP, "ntp:123", "tcp://ntp:123", TCP),
  KBAD (TCP, "db.example.org", TCP, MISSING_PORT),
  KBAD (TCP, "db:0", TCP, INVALID_PORT),
  KBAD (TCP, "db:65536", TCP, INVALID_PORT),
  KBAD (TCP, "::1:22", TCP, INVALID_IPV6),
  KOK (UDP, "192.0.2.53:53", "udp://192.0.2.53:53", UDP),
  KOK (UDP, "https://example.org/", "https://example.org/", HTTP),
  KBAD (UDP, "192.0.2.53", UDP, MISSING_PORT),
  KOK (DNS, "192.0.2.53/example.org", "dns://192.0.2.53/example.org?type=A", DNS),
  KOK (DNS, "192.0.2.53/example.org?type=mx", "dns://192.0.2.53/example.org?type=MX", DNS),
  KOK (DNS, "[2001:db8::53]:5353/example.org", "dns://[2001:db8::53]:5353/example.org?type=A", DNS),
  KOK (DNS, "example.org", "dns:example.org?type=A", DNS),
  KOK (DNS, "example.org?type=AAAA", "dns:example.org?type=AAAA", DNS),
  KOK (DNS, "dns://192.0.2.53/example.org?type=NS", "dns://192.0.2.53/example.org?type=NS", DNS),
  KBAD (DNS, "192.0.2.53", DNS, MISSING_NAME),
  KBAD (DNS, "192.0.2.53:5353", DNS, MISSING_NAME),
  KBAD (DNS, "example.org?type=XYZ", DNS, INVALID_RECORD_TYPE),
  KOK (NTP, "pool.ntp.org", "ntp://pool.ntp.org", NTP),
  KOK (NTP, "192.0.2.123:1123", "ntp://192.0.2.123:1123", NTP),
  KOK (NTP, "pool.ntp.org:123", "ntp://pool.ntp.org", NTP),
  KOK (NTP, "icmp://192.0.2.1", "icmp://192.0.2.1", ICMP),
  KBAD (NTP, "2001:db8::123", NTP, INVALID_IPV6),
  KBAD (NTP, "tcp://example.org", TCP, MISSING_PORT),
  KOK (TRACE, "example.org", "trace://example.org", TRACE),
  KOK (TRACE, "2001:db8::1", "trace://[2001:db8::1]", TRACE),
};

static void
assert_message_readable (const GError *error)
{
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* text is refused by lookout_target_uri_parse () with code. */
static void
assert_refused (const char *text,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (text, &error);

  g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, code);
  g_assert_null (uri);
}

static void
assert_round_trip (const LookoutTargetUri *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) again = lookout_target_uri_parse (lookout_target_uri_to_string (uri), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_uri_to_string (again), ==, lookout_target_uri_to_string (uri));
  g_assert_cmpint (lookout_target_uri_get_kind (again), ==, lookout_target_uri_get_kind (uri));
  g_assert_cmpstr (lookout_target_uri_get_host (again), ==, lookout_target_uri_get_host (uri));
  g_assert_cmpuint (lookout_target_uri_get_port (again), ==, lookout_target_uri_get_port (uri));
}

static void
test_parse_case (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (c->input, &error);

  if (c->canonical == NULL)
    {
      g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, c->code);
      g_assert_null (uri);
      assert_message_readable (error);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (uri);
  g_assert_cmpstr (lookout_target_uri_to_string (uri), ==, c->canonical);
  g_assert_cmpint (lookout_target_uri_get_kind (uri), ==, c->kind);
  g_assert_cmpstr (lookout_target_uri_get_host (uri), ==, c->host);
  g_assert_cmpuint (lookout_target_uri_get_port (uri), ==, c->port);
  g_assert_cmpstr (lookout_target_uri_get_path (uri), ==, c->path);
  g_assert_cmpstr (lookout_target_uri_get_dns_name (uri), ==, c->dns_name);
  g_assert_cmpstr (lookout_target_uri_get_dns_type (uri), ==, c->dns_type);
  g_assert_cmpint (lookout_target_uri_is_https (uri), ==, g_str_has_prefix (c->canonical, "https:"));
  assert_round_trip (uri);
}

/* What the dialog shows for the two classic slips. */
static void
test_kind_slips (void)
{
  g_autoptr(GError) spaces = NULL;
  g_autoptr(GError) colon = NULL;

  g_assert_null (lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, "htp:/foo bar", NULL, &spaces));
  g_assert_nonnull (strstr (spaces->message, "“htp” is not a kind of target"));
  g_assert_nonnull (strstr (spaces->message, "spaces"));
  g_assert_null (strstr (spaces->message, "port"));

  g_assert_null (lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, "http//127.0.0.1", NULL, &colon));
  g_assert_cmpstr (colon->message, ==, "The “:” is missing after “http”: write http://127.0.0.1");
}

/* A slip gets the same words from the dialog as from the targets file,
 * the API and the agent, which take full addresses only. */
static void
test_slips_everywhere (void)
{
  static const char *const slips[] = { "htp:/foo bar", "http//127.0.0.1", "htp:foo" };

  for (guint i = 0; i < G_N_ELEMENTS (slips); i++)
    {
      g_autoptr(GError) dialog = NULL;
      g_autoptr(GError) strict = NULL;
      g_autoptr(GError) file = NULL;
      g_autoptr(GPtrArray) targets = NULL;
      g_autofree char *contents = g_strdup_printf ("%s interval=5\n", slips[i]);

      g_test_message ("%s", slips[i]);
      g_assert_null (lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, slips[i], NULL, &dialog));
      g_assert_null (lookout_target_uri_parse (slips[i], &strict));
      g_assert_nonnull (dialog);
      g_assert_nonnull (strict);
      g_assert_cmpstr (strict->message, ==, dialog->message);
      g_assert_cmpint (strict->code, ==, dialog->code);

      /* A file's line is split at spaces: its first word is the address. */
      if (strchr (slips[i], ' ') != NULL)
        continue;
      targets = lookout_targets_file_parse (contents, -1, "slips.txt", &file);
      g_assert_null (targets);
      g_assert_nonnull (file);
      g_assert_nonnull (strstr (file->message, dialog->message));
    }
}

static void
test_kind_case (gconstpointer data)
{
  const KindCase *c = data;
  g_autoptr(GError) error = NULL;
  LookoutTargetKind out_kind = (LookoutTargetKind) -1;
  g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse_for_kind (c->kind, c->input, &out_kind, &error);

  g_assert_cmpint (out_kind, ==, c->out_kind);
  if (c->canonical == NULL)
    {
      g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, c->code);
      g_assert_null (uri);
      assert_message_readable (error);
      return;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_uri_to_string (uri), ==, c->canonical);
  g_assert_cmpint (lookout_target_uri_get_kind (uri), ==, c->out_kind);
  assert_round_trip (uri);

  /* A NULL out_kind is allowed. */
  {
    g_autoptr(LookoutTargetUri) again = lookout_target_uri_parse_for_kind (c->kind, c->input, NULL, NULL);

    g_assert_cmpstr (lookout_target_uri_to_string (again), ==, c->canonical);
  }
}

static void
test_too_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("https://example.org/");
  g_autoptr(GString) umlauts = g_string_new ("https://example.org/");
  g_autoptr(LookoutTargetUri) fits = NULL;
  LookoutTargetUri *uri;

  while (text->len < 2048)
    g_string_append_c (text, 'a');
  fits = lookout_target_uri_parse (text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (lookout_target_uri_to_string (fits)), ==, 2048);

  g_string_append_c (text, 'a');
  assert_refused (text->str, LOOKOUT_TARGET_URI_ERROR_TOO_LONG);

  uri = lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, text->str + strlen ("https://"),
                                           NULL, &error);
  g_assert_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_TOO_LONG);
  g_assert_null (uri);
  g_clear_error (&error);

  /* Short enough as typed, too long once percent-encoded. */
  while (umlauts->len < 1800)
    g_string_append (umlauts, "ü");
  assert_refused (umlauts->str, LOOKOUT_TARGET_URI_ERROR_TOO_LONG);
}

static void
test_long_names (void)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ok_text = NULL;
  g_autofree char *long_text = NULL;
  g_autoptr(LookoutTargetUri) ok = NULL;

  /* 63-character labels are fine; four of them and a bit make 253. */
  for (guint i = 0; i < 3; i++)
    g_string_append_printf (name, "%s.", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123");
  g_string_append (name, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghija");
  g_assert_cmpuint (name->len, ==, 253);

  ok_text = g_strdup_printf ("icmp://%s", name->str);
  ok = lookout_target_uri_parse (ok_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_uri_get_host (ok), ==, name->str);

  long_text = g_strdup_printf ("icmp://%sx", name->str);
  assert_refused (long_text, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST);

  g_free (long_text);
  long_text = g_strdup_printf ("dns:%sx?type=TXT", name->str);
  assert_refused (long_text, LOOKOUT_TARGET_URI_ERROR_INVALID_NAME);
}

static void
test_messages (void)
{
  static const struct {
    const char *input;
    const char *message;
  } cases[] = {
    { "https://exa mple.org/", "“exa mple.org” is not a valid host name: spaces are not allowed" },
    { "tcp://db:0", "The port must be a number between 1 and 65535, not “0”" },
    { "tcp://db:abc", "The port must be a number between 1 and 65535, not “abc”" },
    { "tcp://db", "TCP targets need a port, like db.example.org:5432" },
    { "https://2001:db8::1/", "“2001:db8::1” looks like an IPv6 address: write it in brackets, like [2001:db8::1]" },
    { "https://256.1.1.1/", "“256.1.1.1” is not a valid IPv4 address: each number must be between 0 and 255" },
    { "trace://example.org?proto=tcp", "“proto=tcp” in the trace query is not understood: write proto=icmp or proto=udp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (cases[i].input, &error);

      g_assert_null (uri);
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_display_name (void)
{
  static const struct {
    const char *input;
    const char *display;
  } cases[] = {
    { "https://xn--bcher-kva.example/", "bücher.example" },
    { "https://example.org/health", "example.org/health" },
    { "http://example.org:8080/", "example.org:8080" },
    { "icmp://192.0.2.1", "192.0.2.1" },
    { "tcp://[::1]:22", "[::1]:22" },
    { "udp://192.0.2.53:53", "192.0.2.53:53" },
    { "dns:example.org", "example.org" },
    { "dns://192.0.2.53/example.org?type=AAAA", "example.org AAAA @ 192.0.2.53" },
    { "dns://192.0.2.53:5353/example.org?type=A", "example.org @ 192.0.2.53:5353" },
    { "ntp://pool.ntp.org", "pool.ntp.org" },
    { "ntp://pool.ntp.org:1123", "pool.ntp.org:1123" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse (cases[i].input, NULL);
      g_autofree char *display = NULL;

      g_assert_nonnull (uri);
      display = lookout_target_uri_dup_display_name (uri);
      g_assert_cmpstr (display, ==, cases[i].display);
    }
}

static void
test_boxed (void)
{
  g_autoptr(LookoutTargetUri) uri = lookout_target_uri_parse ("tcp://db:5432", NULL);
  LookoutTargetUri *copy;
  GValue value = G_VALUE_INIT;

  g_assert_true (G_TYPE_IS_BOXED (LOOKOUT_TYPE_TARGET_URI));

  copy = g_boxed_copy (LOOKOUT_TYPE_TARGET_URI, uri);
  g_assert_true (copy == uri);
  g_boxed_free (LOOKOUT_TYPE_TARGET_URI, copy);

  g_value_init (&value, LOOKOUT_TYPE_TARGET_URI);
  g_value_set_boxed (&value, uri);
  g_assert_true (g_value_get_boxed (&value) == uri);
  g_value_unset (&value);

  g_assert_cmpstr (lookout_target_uri_to_string (uri), ==, "tcp://db:5432");
  g_assert_true (lookout_target_uri_ref (uri) == uri);
  lookout_target_uri_unref (uri);
}

static void
test_host_is_loopback (void)
{
  const char * const here[] = { "localhost", "LocalHost", "localhost.", "app.localhost", "127.0.0.1",
                                "127.3.2.1", "::1" };
  const char * const beyond[] = { "", "example.org", "localhost.example.org", "notlocalhost",
                                  "192.0.2.1", "::", "2001:db8::1", "[::1]" };

  for (guint i = 0; i < G_N_ELEMENTS (here); i++)
    g_assert_true (lookout_host_is_loopback (here[i]));
  for (guint i = 0; i < G_N_ELEMENTS (beyond); i++)
    g_assert_false (lookout_host_is_loopback (beyond[i]));
  g_assert_false (lookout_host_is_loopback (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/target-uri/parse/%s/%03u",
                                               parse_cases[i].canonical ? "valid" : "invalid", i);
      g_test_add_data_func (path, &parse_cases[i], test_parse_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kind_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/target-uri/for-kind/%s/%03u",
                                               lookout_target_kind_to_string (kind_cases[i].kind), i);
      g_test_add_data_func (path, &kind_cases[i], test_kind_case);
    }
  g_test_add_func ("/target-uri/for-kind/slips", test_kind_slips);
  g_test_add_func ("/target-uri/slips-everywhere", test_slips_everywhere);
  g_test_add_func ("/target-uri/too-long", test_too_long);
  g_test_add_func ("/target-uri/long-names", test_long_names);
  g_test_add_func ("/target-uri/messages", test_messages);
  g_test_add_func ("/target-uri/display-name", test_display_name);
  g_test_add_func ("/target-uri/boxed", test_boxed);
  g_test_add_func ("/target-uri/host-is-loopback", test_host_is_loopback);

  return g_test_run ();
}
