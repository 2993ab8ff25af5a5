/* lookout-target-uri.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works: the trimmed text is split by hand into scheme, authority and
 * the rest (GUri accepts far too much for a string we store and show, and
 * knows nothing of the dialog's shorthand). Each part is checked and
 * normalised on its own, so every rejection can say what is wrong with which
 * part, and the canonical string is then built from the normalised parts. A
 * parsed URI is one allocation: the struct followed by its strings. What a
 * kind accepts (its schemes, whether it takes a port, what follows the
 * host) is its row in lookout-probe-kind.c.
 *
 * The canonical string always parses back to itself (the fuzzer checks it).
 *
 * Decisions worth knowing:
 *  - a host made only of numbers (decimal or 0x hex) and dots must be a full
 *    dotted quad of decimal numbers 0-255 without leading zeros: "1.2.3",
 *    "010.0.0.1" and "0x7f000001" mean different addresses to different
 *    resolvers, so they are refused as ambiguous;
 *  - the last label of a host name may not be all digits;
 *  - one trailing dot on a host or DNS name is dropped ("." alone, the root,
 *    is kept as a DNS name);
 *  - punycode labels must decode ("xn--zz" is refused);
 *  - HTTP paths and queries: non-ASCII text is percent-encoded as UTF-8 (as a
 *    browser does with a pasted IRI), any other character outside RFC 3986 is
 *    refused, every %XX must be two hex digits; hex is upper-cased and
 *    unreserved characters are decoded; dot segments are left alone; the
 *    fragment is dropped;
 *  - IPv6 zone ids are accepted in brackets as "%25zone" (RFC 6874) or
 *    "%zone", zone made of letters, digits and "-._~".
 */

#define G_LOG_DOMAIN "lookout-target-uri"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "lookout-probe-kind.h"
#include "lookout-target-uri.h"

#define MAX_URI_LENGTH      2048
#define MAX_HOST_LENGTH     253
#define MAX_LABEL_LENGTH    63
#define MAX_ZONE_LENGTH     15
#define MAX_QUOTE_CHARS     60

struct _LookoutTargetUri
{
  gatomicrefcount    ref_count;
  LookoutTargetKind  kind;
  guint16            port;
  guint16            default_port;
  guint              is_https : 1;
  const char        *dns_type;
  const char        *trace_proto;
  const char        *host;
  const char        *path;
  const char        *dns_name;
  char               string[];
};

/* What the DNS probe can ask for; kept sorted for the error message. */
static const char * const dns_types[] = {
  "A", "AAAA", "ANY", "CAA", "CNAME", "DNSKEY", "DS", "HTTPS", "MX", "NAPTR",
  "NS", "PTR", "SOA", "SRV", "SSHFP", "SVCB", "TLSA", "TXT",
};

typedef struct
{
  const LookoutProbeKind  *kind;
  const LookoutKindScheme *scheme;
  char                    *host;       /* normalised, no brackets; NULL for "dns:name" */
  gboolean                 host_is_ipv6;
  guint16                  port;       /* 0 when not given */
  char                    *path;       /* HTTP: path and query */
  char                    *dns_name;
  const char              *dns_type;
  const char              *trace_proto;  /* trace: "icmp" or "udp" */
} Parts;

static void
parts_clear (Parts *parts)
{
  g_clear_pointer (&parts->host, g_free);
  g_clear_pointer (&parts->path, g_free);
  g_clear_pointer (&parts->dns_name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parts, parts_clear)

G_DEFINE_BOXED_TYPE (LookoutTargetUri, lookout_target_uri, lookout_target_uri_ref, lookout_target_uri_unref)
G_DEFINE_QUARK (lookout-target-uri-error-quark, lookout_target_uri_error)

/* Text from the user, fit to be shown inside a message: valid UTF-8, no
 * control characters, not endless. */
static char *
quote (const char *text,
       gssize      len)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;
  guint n = 0;

  if (len < 0)
    len = strlen (text);
  valid = g_utf8_make_valid (text, len);
  out = g_string_sized_new (MIN ((gsize) len, 4 * MAX_QUOTE_CHARS) + 4);

  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (++n > MAX_QUOTE_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Length of an RFC 3986 scheme at the start of @text, 0 if there is none. */
static gsize
scheme_length (const char *text)
{
  gsize i;

  if (!g_ascii_isalpha (text[0]))
    return 0;
  for (i = 1; g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '.' || text[i] == '-'; i++)
    ;

  return text[i] == ':' ? i : 0;
}

static gboolean
all_digits (const char *text,
            gsize       len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static const char *
kind_label (const LookoutProbeKind *kind)
{
  return lookout_target_kind_get_label (kind->kind);
}

static gboolean
parse_port (const char  *text,
            gsize        len,
            guint16     *port,
            GError     **error)
{
  guint value = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        {
          value = 0;
          break;
        }
      value = value * 10 + (text[i] - '0');
      if (value > G_MAXUINT16)
        break;
    }

  if (value < 1 || value > G_MAXUINT16)
    {
      g_autofree char *q = quote (text, len);

      if (len == 0)
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_PORT,
                     _("The port is missing after “:”: it must be a number between 1 and 65535"));
      else
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_PORT,
                     _("The port must be a number between 1 and 65535, not “%s”"), q);
      return FALSE;
    }

  *port = value;
  return TRUE;
}

/* A dotted quad, strictly: four decimal numbers 0-255 without leading zeros. */
static gboolean
check_ipv4 (const char  *host,
            GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (host, ".", -1);
  g_autofree char *q = quote (host, -1);
  guint n = g_strv_length (parts);

  if (n != 4)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                   _("“%s” is not a valid IPv4 address: write all four numbers, like 192.0.2.1"), q);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      const char *part = parts[i];
      gsize len = strlen (part);

      if (!all_digits (part, len))
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                       _("“%s” is not a valid IPv4 address: write four decimal numbers, like 192.0.2.1"), q);
          return FALSE;
        }
      if (len > 1 && part[0] == '0')
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                       _("“%s” is ambiguous: numbers in an IPv4 address cannot start with 0"), q);
          return FALSE;
        }
      if (len > 3 || atoi (part) > 255)
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                       _("“%s” is not a valid IPv4 address: each number must be between 0 and 255"), q);
          return FALSE;
        }
    }

  return TRUE;
}

/* Made of numbers (decimal or 0x-hex) and dots: what inet_aton() would take
 * as an address. */
static gboolean
looks_numeric (const char *host)
{
  const char *p = host;

  while (*p != '\0')
    {
      if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        {
          p += 2;
          while (g_ascii_isxdigit (*p))
            p++;
        }
      else if (g_ascii_isdigit (*p))
        {
          while (g_ascii_isdigit (*p))
            p++;
        }
      else
        return FALSE;

      if (*p == '.')
        p++;
      else if (*p != '\0')
        return FALSE;
    }

  return TRUE;
}

/* Whole sentences for translators; gcc checks both formats. */
#define NAME_ERROR(host_message, dns_message, ...) \
  g_set_error (error, LOOKOUT_TARGET_URI_ERROR, code, \
               rules == NAME_HOST ? host_message : dns_message, __VA_ARGS__)
#define PART_ERROR(path_message, query_message, ...) \
  g_set_error (error, LOOKOUT_TARGET_URI_ERROR, code, \
               is_query ? query_message : path_message, ##__VA_ARGS__)

typedef enum
{
  NAME_HOST,        /* a host name: letters, digits, hyphens */
  NAME_DNS,         /* a name to look up: underscores too, and the root */
} NameRules;

/* Checks and normalises a host name or DNS name: IDN to ASCII, lower case,
 * label rules, one trailing dot dropped. */
static char *
normalise_name (const char  *text,
                gsize        len,
                NameRules    rules,
                GError     **error)
{
  int code = rules == NAME_HOST ? LOOKOUT_TARGET_URI_ERROR_INVALID_HOST
                                : LOOKOUT_TARGET_URI_ERROR_INVALID_NAME;
  g_autofree char *q = quote (text, len);
  g_autofree char *raw = g_strndup (text, len);
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;
  gsize ascii_len;

  if (!g_utf8_validate (text, len, NULL) || strlen (raw) != len)
    {
      NAME_ERROR (_("“%s” is not a valid host name: it is not valid text"),
                  _("“%s” is not a valid DNS name: it is not valid text"), q);
      return NULL;
    }

  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];

      if (c == ' ' || c == '\t')
        {
          NAME_ERROR (_("“%s” is not a valid host name: spaces are not allowed"),
                      _("“%s” is not a valid DNS name: spaces are not allowed"), q);
          return NULL;
        }
      if (c < 0x20 || c == 0x7f)
        {
          NAME_ERROR (_("“%s” is not a valid host name: control characters are not allowed"),
                      _("“%s” is not a valid DNS name: control characters are not allowed"), q);
          return NULL;
        }
    }

  if (rules == NAME_DNS && strcmp (raw, ".") == 0)
    return g_strdup (".");

  ascii = g_hostname_to_ascii (raw);
  if (ascii == NULL)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, code,
                   _("“%s” is not a valid international domain name"), q);
      return NULL;
    }
  ascii_len = strlen (ascii);
  for (gsize i = 0; i < ascii_len; i++)
    ascii[i] = g_ascii_tolower (ascii[i]);

  if (ascii_len > 1 && ascii[ascii_len - 1] == '.')
    ascii[--ascii_len] = '\0';

  if (ascii_len == 0)
    {
      NAME_ERROR (_("“%s” is not a valid host name"),
                  _("“%s” is not a valid DNS name"), q);
      return NULL;
    }

  if (looks_numeric (ascii))
    {
      if (rules == NAME_HOST)
        {
          if (!check_ipv4 (ascii, error))
            return NULL;
          return g_steal_pointer (&ascii);
        }

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, code,
                   _("“%s” is an address, not a name: to find the name of an address, "
                     "look up type PTR of its reverse name (like 4.3.2.1.in-addr.arpa)"), q);
      return NULL;
    }

  if (ascii_len > MAX_HOST_LENGTH)
    {
      NAME_ERROR (_("“%s” is not a valid host name: it is longer than 253 characters"),
                  _("“%s” is not a valid DNS name: it is longer than 253 characters"), q);
      return NULL;
    }

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize label_len = strlen (label);

      if (label_len == 0)
        {
          NAME_ERROR (_("“%s” is not a valid host name: it has an empty part between dots"),
                      _("“%s” is not a valid DNS name: it has an empty part between dots"), q);
          return NULL;
        }
      if (label_len > MAX_LABEL_LENGTH)
        {
          NAME_ERROR (_("“%s” is not a valid host name: a part between dots is longer than 63 characters"),
                      _("“%s” is not a valid DNS name: a part between dots is longer than 63 characters"), q);
          return NULL;
        }
      for (gsize j = 0; j < label_len; j++)
        {
          char c = label[j];

          if (g_ascii_isalnum (c) || c == '-' || (c == '_' && rules == NAME_DNS))
            continue;

          if (c == '%')
            NAME_ERROR (_("“%s” is not a valid host name: percent-encoding is not allowed here"),
                        _("“%s” is not a valid DNS name: percent-encoding is not allowed here"), q);
          else if ((guchar) c >= 0x80 || g_ascii_isspace (c))
            NAME_ERROR (_("“%s” is not a valid host name: it contains a character that is not allowed"),
                        _("“%s” is not a valid DNS name: it contains a character that is not allowed"), q);
          else
            NAME_ERROR (_("“%s” is not a valid host name: the character “%c” is not allowed"),
                        _("“%s” is not a valid DNS name: the character “%c” is not allowed"), q, c);
          return NULL;
        }
      if (label[0] == '-' || label[label_len - 1] == '-')
        {
          NAME_ERROR (_("“%s” is not a valid host name: a part between dots cannot start or end with a hyphen"),
                      _("“%s” is not a valid DNS name: a part between dots cannot start or end with a hyphen"), q);
          return NULL;
        }
      if (g_ascii_strncasecmp (label, "xn--", 4) == 0)
        {
          g_autofree char *unicode = g_hostname_to_unicode (label);

          if (unicode == NULL)
            {
              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, code,
                           _("“%s” is not a valid international domain name"), q);
              return NULL;
            }
        }
      if (labels[i + 1] == NULL && all_digits (label, label_len))
        {
          NAME_ERROR (_("“%s” is not a valid host name: its last part cannot be a number"),
                      _("“%s” is not a valid DNS name: its last part cannot be a number"), q);
          return NULL;
        }
    }

  return g_steal_pointer (&ascii);
}

/* The inside of "[…]": an IPv6 address, maybe with a zone id. */
static gboolean
parse_ipv6_literal (const char  *text,
                    gsize        len,
                    Parts       *parts,
                    GError     **error)
{
  g_autofree char *q = quote (text, len);
  g_autofree char *address = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *percent = memchr (text, '%', len);
  gsize address_len = percent != NULL ? (gsize) (percent - text) : len;
  const char *zone = NULL;
  gsize zone_len = 0;

  for (gsize i = 0; i < address_len; i++)
    if (!g_ascii_isxdigit (text[i]) && text[i] != ':' && text[i] != '.')
      {
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                     _("“%s” is not a valid IPv6 address"), q);
        return FALSE;
      }

  address = g_strndup (text, address_len);
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
    {
      if (inet != NULL)
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                     _("“%s” is an IPv4 address: write it without brackets"), q);
      else
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                     _("“%s” is not a valid IPv6 address"), q);
      return FALSE;
    }

  if (percent != NULL)
    {
      zone = percent + 1;
      zone_len = len - address_len - 1;
      if (zone_len > 2 && zone[0] == '2' && zone[1] == '5')
        {
          zone += 2;
          zone_len -= 2;
        }
      if (zone_len == 0 || zone_len > MAX_ZONE_LENGTH)
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                       _("“%s” has an invalid zone: write it like [fe80::1%%25eth0]"), q);
          return FALSE;
        }
      for (gsize i = 0; i < zone_len; i++)
        if (!g_ascii_isalnum (zone[i]) && strchr ("-._~", zone[i]) == NULL)
          {
            g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                         _("“%s” has an invalid zone: write it like [fe80::1%%25eth0]"), q);
            return FALSE;
          }
    }

  g_free (parts->host);
  if (zone != NULL)
    {
      g_autofree char *normal = g_inet_address_to_string (inet);

      parts->host = g_strdup_printf ("%s%%%.*s", normal, (int) zone_len, zone);
    }
  else
    parts->host = g_inet_address_to_string (inet);
  parts->host_is_ipv6 = TRUE;

  return TRUE;
}

/* A Linux interface name as the kernel takes it (dev_valid_name()), kept
 * to the characters a URI carries plainly; case is kept: "eth0" and "ETH0"
 * are two interfaces. */
static char *
parse_interface_name (const char  *text,
                      gsize        len,
                      GError     **error)
{
  g_autofree char *q = quote (text, len);

  if (len >= 16)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                   _("“%s” is too long for a network interface name: they have at most 15 characters"), q);
      return NULL;
    }
  if ((len == 1 && text[0] == '.') || (len == 2 && text[0] == '.' && text[1] == '.'))
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                   _("“%s” is not a network interface name: write one like eth0, or default "
                     "for the interface of the default route"), q);
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-_.", text[i]) == NULL)
      {
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_HOST,
                     _("“%s” is not a network interface name: use letters, digits, “-”, “_” "
                       "and “.” only, like eth0 or wlan0"), q);
        return NULL;
      }

  return g_strndup (text, len);
}

/* "host", "host:port", "[v6]", "[v6]:port". */
static gboolean
parse_authority (const char  *text,
                 gsize        len,
                 Parts       *parts,
                 GError     **error)
{
  const char *port = NULL;
  gsize port_len = 0;
  gsize host_len;

  if (memchr (text, '@', len) != NULL)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_USERINFO,
                   _("The address contains a user name or password (before “@”): "
                     "credentials do not belong in a target address, which is stored and shown"));
      return FALSE;
    }

  if (len == 0)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_HOST,
                   _("The address has no host"));
      return FALSE;
    }

  if (parts->kind->host_is_interface)
    {
      if (memchr (text, ':', len) != NULL)
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PORT,
                       _("%s targets have no port: write only the interface’s name, like iface://eth0"),
                       kind_label (parts->kind));
          return FALSE;
        }
      g_free (parts->host);
      parts->host = parse_interface_name (text, len, error);
      return parts->host != NULL;
    }

  if (text[0] == '[')
    {
      const char *close = memchr (text, ']', len);

      if (close == NULL)
        {
          g_autofree char *q = quote (text, len);

          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                       _("“%s” is missing its closing “]”"), q);
          return FALSE;
        }
      host_len = close - text + 1;
      if (host_len < len)
        {
          if (close[1] != ':')
            {
              g_autofree char *q = quote (text, len);

              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                           _("“%s” has unexpected text after “]”"), q);
              return FALSE;
            }
          port = close + 2;
          port_len = len - host_len - 1;
        }
      if (!parse_ipv6_literal (text + 1, host_len - 2, parts, error))
        return FALSE;
    }
  else
    {
      const char *colon = memchr (text, ':', len);

      if (colon != NULL && memchr (colon + 1, ':', len - (colon + 1 - text)) != NULL)
        {
          g_autofree char *q = quote (text, len);

          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_IPV6,
                       _("“%s” looks like an IPv6 address: write it in brackets, like [2001:db8::1]"), q);
          return FALSE;
        }
      host_len = colon != NULL ? (gsize) (colon - text) : len;
      if (colon != NULL)
        {
          port = colon + 1;
          port_len = len - host_len - 1;
        }
      if (host_len == 0)
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_HOST,
                       _("The address has no host"));
          return FALSE;
        }
      g_free (parts->host);
      parts->host = normalise_name (text, host_len, NAME_HOST, error);
      if (parts->host == NULL)
        return FALSE;
    }

  if (port != NULL)
    {
      if (parts->kind->port == LOOKOUT_KIND_PORT_NONE)
        {
          g_autofree char *q = quote (port, port_len);

          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PORT,
                       _("%s targets have no port: remove “:%s”"), kind_label (parts->kind), q);
          return FALSE;
        }
      if (!parse_port (port, port_len, &parts->port, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* An HTTP path or query, normalised into @out. */
static gboolean
normalise_http_part (const char  *text,
                     gsize        len,
                     gboolean     is_query,
                     GString     *out,
                     GError     **error)
{
  int code = is_query ? LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY : LOOKOUT_TARGET_URI_ERROR_INVALID_PATH;

  if (!g_utf8_validate (text, len, NULL))
    {
      PART_ERROR (_("The path is not valid text"),
                  _("The query is not valid text"));
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];

      if (c == '%')
        {
          guchar v;

          if (i + 2 >= len || !g_ascii_isxdigit (text[i + 1]) || !g_ascii_isxdigit (text[i + 2]))
            {
              g_autofree char *q = quote (text + i, MIN (len - i, 3));

              PART_ERROR (_("The path has a “%%” not followed by two hexadecimal digits (“%s”): "
                             "write a percent sign as %%25"),
                          _("The query has a “%%” not followed by two hexadecimal digits (“%s”): "
                             "write a percent sign as %%25"), q);
              return FALSE;
            }
          v = g_ascii_xdigit_value (text[i + 1]) * 16 + g_ascii_xdigit_value (text[i + 2]);
          if (is_unreserved (v))
            g_string_append_c (out, v);
          else
            g_string_append_printf (out, "%%%02X", v);
          i += 2;
        }
      else if (c >= 0x80)
        g_string_append_printf (out, "%%%02X", c);
      else if (is_unreserved (c) || strchr ("!$&'()*+,;=:@/", c) != NULL || (is_query && c == '?'))
        g_string_append_c (out, c);
      else if (c == ' ')
        {
          PART_ERROR (_("The path contains a space: write it as %%20"),
                      _("The query contains a space: write it as %%20"));
          return FALSE;
        }
      else if (c < 0x20 || c == 0x7f)
        {
          PART_ERROR (_("The path contains a control character"),
                      _("The query contains a control character"));
          return FALSE;
        }
      else
        {
          PART_ERROR (_("The path contains “%c”, which must be written as %%%02X"),
                      _("The query contains “%c”, which must be written as %%%02X"), c, c);
          return FALSE;
        }
    }

  return TRUE;
}

/* The name part of a DNS URI: percent-decoded (RFC 4501), then checked. */
static gboolean
parse_dns_name (const char  *text,
                gsize        len,
                Parts       *parts,
                GError     **error)
{
  g_autoptr(GString) decoded = NULL;

  if (len == 0)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_NAME,
                   _("The DNS target has no name to look up, like dns://192.0.2.53/example.org"));
      return FALSE;
    }

  decoded = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '%')
        {
          if (i + 2 >= len || !g_ascii_isxdigit (text[i + 1]) || !g_ascii_isxdigit (text[i + 2]))
            {
              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_NAME,
                           _("The DNS name has a “%%” not followed by two hexadecimal digits"));
              return FALSE;
            }
          g_string_append_c (decoded, g_ascii_xdigit_value (text[i + 1]) * 16 +
                                      g_ascii_xdigit_value (text[i + 2]));
          i += 2;
        }
      else if (text[i] == '/')
        {
          g_autofree char *q = quote (text, len);

          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_NAME,
                       _("“%s” is not a valid DNS name: the character “/” is not allowed"), q);
          return FALSE;
        }
      else
        g_string_append_c (decoded, text[i]);
    }

  parts->dns_name = normalise_name (decoded->str, decoded->len, NAME_DNS, error);
  return parts->dns_name != NULL;
}

/* "type=AAAA", also RFC 4501's "TYPE=AAAA;CLASS=IN". */
static gboolean
parse_dns_query (const char  *text,
                 gsize        len,
                 Parts       *parts,
                 GError     **error)
{
  g_autofree char *query = g_strndup (text, len);
  g_auto(GStrv) elements = g_strsplit_set (query, ";&", -1);

  for (guint i = 0; elements[i] != NULL; i++)
    {
      const char *element = elements[i];
      const char *eq = strchr (element, '=');
      g_autofree char *q = quote (element, -1);
      const char *value;

      if (element[0] == '\0')
        continue;
      if (eq == NULL)
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                       _("“%s” in the DNS query is not understood: write type=A, type=MX, …"), q);
          return FALSE;
        }
      value = eq + 1;

      if (eq - element == 4 && g_ascii_strncasecmp (element, "type", 4) == 0)
        {
          const char *found = NULL;

          if (parts->dns_type != NULL)
            {
              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                           _("The DNS query gives the record type more than once"));
              return FALSE;
            }
          for (guint j = 0; j < G_N_ELEMENTS (dns_types); j++)
            if (g_ascii_strcasecmp (dns_types[j], value) == 0)
              found = dns_types[j];
          if (found == NULL)
            {
              g_autofree char *types = g_strjoinv (", ", (char **) dns_types);
              g_autofree char *qv = quote (value, -1);

              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_RECORD_TYPE,
                           _("“%s” is not a DNS record type Lookout can query; use one of %s"),
                           qv, types);
              return FALSE;
            }
          parts->dns_type = found;
        }
      else if (eq - element == 5 && g_ascii_strncasecmp (element, "class", 5) == 0)
        {
          if (g_ascii_strcasecmp (value, "IN") != 0)
            {
              g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                           _("Only the Internet class (IN) can be queried, not “%s”"), q);
              return FALSE;
            }
        }
      else
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                       _("“%s” in the DNS query is not understood: write type=A, type=MX, …"), q);
          return FALSE;
        }
    }

  return TRUE;
}

/* What follows the authority for kinds that take nothing there: at most "/". */
static gboolean
check_no_path (const char             *rest,
               const LookoutProbeKind *kind,
               GError                **error)
{
  gsize path_len = strcspn (rest, "?#");

  if (path_len > 1 || (path_len == 1 && rest[0] != '/'))
    {
      g_autofree char *q = quote (rest, path_len);

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PATH,
                   _("%s targets have no path: remove “%s”"), kind_label (kind), q);
      return FALSE;
    }
  if (rest[path_len] == '?')
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                   _("%s targets take no query: remove the part from “?”"), kind_label (kind));
      return FALSE;
    }
  if (rest[path_len] == '#')
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PATH,
                   _("%s targets take no fragment: remove the part from “#”"), kind_label (kind));
      return FALSE;
    }

  return TRUE;
}

/* Name, then query, then nothing: "example.org?type=MX". */
static gboolean
parse_dns_rest (const char  *rest,
                Parts       *parts,
                GError     **error)
{
  gsize name_len = strcspn (rest, "?#");

  if (!parse_dns_name (rest, name_len, parts, error))
    return FALSE;

  if (rest[name_len] == '?')
    {
      const char *query = rest + name_len + 1;
      gsize query_len = strcspn (query, "#");

      if (!parse_dns_query (query, query_len, parts, error))
        return FALSE;
      name_len += 1 + query_len;
    }

  if (rest[name_len] == '#')
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PATH,
                   _("DNS targets take no fragment: remove the part from “#”"));
      return FALSE;
    }

  if (parts->dns_type == NULL)
    parts->dns_type = "A";

  return TRUE;
}

/* At most "/", then "?proto=icmp" or "?proto=udp": how a trace sends its probes. */
static gboolean
parse_trace_rest (const char  *rest,
                  Parts       *parts,
                  GError     **error)
{
  gsize path_len = strcspn (rest, "?#");
  const char *query;
  gsize query_len;

  parts->trace_proto = "icmp";
  if (rest[path_len] != '?')
    return check_no_path (rest, parts->kind, error);
  if (path_len > 1 || (path_len == 1 && rest[0] != '/'))
    return check_no_path (rest, parts->kind, error);

  query = rest + path_len + 1;
  query_len = strcspn (query, "#");
  if (query[query_len] == '#')
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNEXPECTED_PATH,
                   _("Trace targets take no fragment: remove the part from “#”"));
      return FALSE;
    }
  if (query_len == strlen ("proto=icmp") && g_ascii_strncasecmp (query, "proto=icmp", query_len) == 0)
    parts->trace_proto = "icmp";
  else if (query_len == strlen ("proto=udp") && g_ascii_strncasecmp (query, "proto=udp", query_len) == 0)
    parts->trace_proto = "udp";
  else
    {
      g_autofree char *q = quote (query, query_len);

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_INVALID_QUERY,
                   _("“%s” in the trace query is not understood: write proto=icmp or proto=udp"), q);
      return FALSE;
    }

  return TRUE;
}

static void
append_host (GString     *out,
             const Parts *parts)
{
  if (parts->host_is_ipv6)
    {
      const char *percent = strchr (parts->host, '%');

      if (percent != NULL)
        g_string_append_printf (out, "[%.*s%%25%s]", (int) (percent - parts->host),
                                parts->host, percent + 1);
      else
        g_string_append_printf (out, "[%s]", parts->host);
    }
  else
    g_string_append (out, parts->host);
}

static LookoutTargetUri *
build (Parts   *parts,
       GError **error)
{
  const LookoutKindScheme *scheme = parts->scheme;
  g_autoptr(GString) str = g_string_new (NULL);
  LookoutTargetUri *self;
  gsize host_len = parts->host ? strlen (parts->host) + 1 : 0;
  gsize path_len = parts->path ? strlen (parts->path) + 1 : 0;
  gsize name_len = parts->dns_name ? strlen (parts->dns_name) + 1 : 0;
  char *p;

  g_string_append (str, scheme->is_alias ? lookout_probe_kind_get_primary (parts->kind)->name : scheme->name);
  g_string_append_c (str, ':');
  if (parts->host != NULL)
    {
      g_string_append (str, "//");
      append_host (str, parts);
      if (parts->port != 0 && parts->port != scheme->default_port)
        g_string_append_printf (str, ":%u", parts->port);
    }

  switch (parts->kind->path)
    {
    case LOOKOUT_KIND_PATH_HTTP:
      g_string_append (str, parts->path);
      break;
    case LOOKOUT_KIND_PATH_DNS:
      if (parts->host != NULL)
        g_string_append_c (str, '/');
      g_string_append_printf (str, "%s?type=%s", parts->dns_name, parts->dns_type);
      break;
    case LOOKOUT_KIND_PATH_TRACE:
      /* ICMP is the default, and so not written. */
      if (g_strcmp0 (parts->trace_proto, "icmp") != 0)
        g_string_append_printf (str, "?proto=%s", parts->trace_proto);
      break;
    case LOOKOUT_KIND_PATH_NONE:
    default:
      break;
    }

  if (str->len > MAX_URI_LENGTH)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_TOO_LONG,
                   _("The address is too long: at most %u characters are allowed"),
                   MAX_URI_LENGTH);
      return NULL;
    }

  self = g_malloc0 (sizeof *self + str->len + 1 + host_len + path_len + name_len);
  g_atomic_ref_count_init (&self->ref_count);
  self->kind = parts->kind->kind;
  self->is_https = scheme->is_https;
  self->default_port = scheme->default_port;
  self->port = parts->port != 0 ? parts->port : scheme->default_port;
  self->dns_type = parts->dns_type;
  self->trace_proto = parts->trace_proto;

  p = self->string;
  memcpy (p, str->str, str->len + 1);
  p += str->len + 1;
  if (parts->host != NULL)
    {
      self->host = memcpy (p, parts->host, host_len);
      p += host_len;
    }
  if (parts->path != NULL)
    {
      self->path = memcpy (p, parts->path, path_len);
      p += path_len;
    }
  if (parts->dns_name != NULL)
    self->dns_name = memcpy (p, parts->dns_name, name_len);

  return self;
}

static gboolean check_bare_address (const char  *text,
                                    GError     **error);

static LookoutTargetUri *
parse_trimmed (const char         *text,
               gsize               len,
               LookoutTargetKind  *out_kind,
               GError            **error)
{
  g_auto(Parts) parts = { 0 };
  g_autofree char *copy = NULL;
  LookoutTargetKind kind;
  gsize scheme_len;
  const char *rest;

  if (len == 0)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_EMPTY,
                   _("Enter an address"));
      return NULL;
    }
  if (len > MAX_URI_LENGTH)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_TOO_LONG,
                   _("The address is too long: at most %u characters are allowed"),
                   MAX_URI_LENGTH);
      return NULL;
    }

  copy = g_strndup (text, len);
  scheme_len = scheme_length (copy);
  if (scheme_len == 0)
    {
      g_autofree char *q = NULL;

      if (!check_bare_address (copy, error))
        return NULL;
      q = quote (copy, len);

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
                   _("“%s” does not say what kind of target it is: start it with "
                     "https://, icmp://, tcp://, udp://, dns://, ntp://, iface:// or trace://"), q);
      return NULL;
    }

  rest = copy + scheme_len + 1;
  parts.scheme = lookout_probe_kind_find_scheme (copy, scheme_len, &kind);
  if (parts.scheme == NULL)
    {
      g_autofree char *q = NULL;

      if (!g_str_has_prefix (rest, "//"))
        {
          /* The same words as the dialog's for "htp:/foo bar". */
          if (!check_bare_address (copy, error))
            return NULL;
          q = quote (copy, len);
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
                       _("“%s” does not say what kind of target it is: start it with "
                         "https://, icmp://, tcp://, udp://, dns://, ntp://, iface:// or trace://"), q);
          return NULL;
        }
      q = quote (copy, scheme_len);
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
                   _("“%s” is not a kind of target Lookout knows: use http, https, "
                     "icmp, tcp, udp, dns, ntp, iface or trace"), q);
      return NULL;
    }
  parts.kind = lookout_probe_kind_get (kind);
  if (out_kind != NULL)
    *out_kind = kind;

  if (!g_str_has_prefix (rest, "//"))
    {
      if (parts.kind->path == LOOKOUT_KIND_PATH_DNS)
        {
          if (!parse_dns_rest (rest, &parts, error))
            return NULL;
          return build (&parts, error);
        }

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_HOST,
                   _("“%s:” must be followed by “//” and a host, like %s://example.org"),
                   parts.scheme->name, parts.scheme->name);
      return NULL;
    }

  rest += 2;
  {
    gsize authority_len = strcspn (rest, "/?#");

    /* "dns:///example.org" is RFC 4501 for the system resolver. */
    if (authority_len != 0 || parts.kind->path != LOOKOUT_KIND_PATH_DNS || rest[0] != '/')
      {
        if (!parse_authority (rest, authority_len, &parts, error))
          return NULL;
      }
    rest += authority_len;
  }

  switch (parts.kind->path)
    {
    case LOOKOUT_KIND_PATH_HTTP:
      {
        g_autoptr(GString) path = g_string_new (NULL);
        gsize path_len = strcspn (rest, "?#");

        if (path_len == 0)
          g_string_append_c (path, '/');
        else if (!normalise_http_part (rest, path_len, FALSE, path, error))
          return NULL;

        if (rest[path_len] == '?')
          {
            const char *query = rest + path_len + 1;

            g_string_append_c (path, '?');
            if (!normalise_http_part (query, strcspn (query, "#"), TRUE, path, error))
              return NULL;
          }
        parts.path = g_string_free (g_steal_pointer (&path), FALSE);
      }
      break;

    case LOOKOUT_KIND_PATH_DNS:
      if (rest[0] != '/')
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_NAME,
                       _("The DNS target has no name to look up, like dns://192.0.2.53/example.org"));
          return NULL;
        }
      if (!parse_dns_rest (rest + 1, &parts, error))
        return NULL;
      break;

    case LOOKOUT_KIND_PATH_TRACE:
      if (!parse_trace_rest (rest, &parts, error))
        return NULL;
      break;

    case LOOKOUT_KIND_PATH_NONE:
    default:
      if (!check_no_path (rest, parts.kind, error))
        return NULL;
      break;
    }

  if (parts.kind->port == LOOKOUT_KIND_PORT_REQUIRED && parts.port == 0)
    {
      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_PORT,
                   _("%s targets need a port, like db.example.org:5432"),
                   kind_label (parts.kind));
      return NULL;
    }

  return build (&parts, error);
}

static void
trim (const char **text,
      gsize       *len)
{
  const char *start = *text;
  const char *end = start + strlen (start);

  while (g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  *text = start;
  *len = end - start;
}

LookoutTargetUri *
lookout_target_uri_parse (const char  *text,
                          GError     **error)
{
  gsize len;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  trim (&text, &len);

  return parse_trimmed (text, len, NULL, error);
}

/* Whether the dialog's text is a full URI rather than an address: "x://…",
 * or a known scheme and ":" not followed by a port number ("dns:name",
 * but "ntp:123" is the host "ntp" on port 123). */
static gboolean
is_full_uri (const char *text)
{
  gsize scheme_len = scheme_length (text);
  const char *after;

  if (scheme_len == 0)
    return FALSE;
  after = text + scheme_len + 1;
  if (g_str_has_prefix (after, "//"))
    return TRUE;
  if (lookout_probe_kind_find_scheme (text, scheme_len, NULL) == NULL)
    return FALSE;

  return !all_digits (after, strcspn (after, "/?#"));
}

/* An unbracketed IPv6 address, maybe with "%zone": what ping users type. */
static char *
bracket_ipv6 (const char *text)
{
  g_autofree char *address = g_strndup (text, strcspn (text, "%"));
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);

  if (inet == NULL || g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6)
    return NULL;
  if (text[strlen (address)] == '%')
    return g_strdup_printf ("[%s%%25%s]", address, text + strlen (address) + 1);

  return g_strdup_printf ("[%s]", address);
}

static gboolean
looks_like_server (const char *text)
{
  if (strchr (text, ':') != NULL || text[0] == '[')
    return TRUE;
  if (looks_numeric (text))
    return TRUE;

  return FALSE;
}

/* An address typed without a scheme gets the kind's; before that, what
 * looks like a mistyped scheme is said to be one, rather than read as a host
 * and a port: "htp:/foo bar", "http//127.0.0.1". */
static gboolean
check_bare_address (const char  *text,
                    GError     **error)
{
  gsize scheme_len = scheme_length (text);
  const char *slashes = strstr (text, "//");

  /* "fe80::1" is an IPv6 address, "example.org:8080" a host and a port. */
  if (scheme_len > 0 && !g_ascii_isdigit (text[scheme_len + 1])
      && strchr (text + scheme_len + 1, ':') == NULL)
    {
      g_autofree char *q = quote (text, scheme_len);

      if (strchr (text, ' ') != NULL)
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
                     _("“%s” is not a kind of target Lookout knows (use http, https, icmp, "
                       "tcp, udp, dns, ntp, iface or trace), and an address cannot contain spaces"), q);
      else
        g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_UNKNOWN_SCHEME,
                     _("“%s” is not a kind of target Lookout knows: use http, https, "
                       "icmp, tcp, udp, dns, ntp, iface or trace"), q);
      return FALSE;
    }

  if (slashes != NULL && slashes > text && memchr (text, ':', slashes - text) == NULL
      && lookout_probe_kind_find_scheme (text, slashes - text, NULL) != NULL)
    {
      g_autofree char *q = quote (text, slashes - text);
      g_autofree char *host = quote (slashes + 2, -1);

      g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_HOST,
                   _("The “:” is missing after “%s”: write %s://%s"), q, q, host);
      return FALSE;
    }

  return TRUE;
}

LookoutTargetUri *
lookout_target_uri_parse_for_kind (LookoutTargetKind   kind,
                                   const char         *text,
                                   LookoutTargetKind  *out_kind,
                                   GError            **error)
{
  const LookoutProbeKind *row = lookout_probe_kind_get (kind);
  const LookoutKindScheme *scheme;
  g_autofree char *copy = NULL;
  g_autofree char *uri = NULL;
  gsize len;

  g_return_val_if_fail (row != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_kind != NULL)
    *out_kind = kind;

  if (text == NULL)
    text = "";
  trim (&text, &len);
  if (len == 0 || len > MAX_URI_LENGTH)
    return parse_trimmed (text, len, NULL, error);

  copy = g_strndup (text, len);
  if (is_full_uri (copy))
    return parse_trimmed (copy, len, out_kind, error);
  if (!check_bare_address (copy, error))
    return NULL;

  scheme = lookout_probe_kind_get_primary (row);
  switch (row->path)
    {
    case LOOKOUT_KIND_PATH_DNS:
      if (strchr (copy, '/') != NULL)
        uri = g_strconcat (scheme->name, "://", copy, NULL);
      else if (looks_like_server (copy))
        {
          g_set_error (error, LOOKOUT_TARGET_URI_ERROR, LOOKOUT_TARGET_URI_ERROR_MISSING_NAME,
                       _("Write the name to look up after the server, like 192.0.2.53/example.org"));
          return NULL;
        }
      else
        uri = g_strconcat (scheme->name, ":", copy, NULL);
      break;

    case LOOKOUT_KIND_PATH_HTTP:
    case LOOKOUT_KIND_PATH_TRACE:
    case LOOKOUT_KIND_PATH_NONE:
    default:
      {
        /* Without ports, a bare IPv6 address is not ambiguous. */
        g_autofree char *bracketed = row->port == LOOKOUT_KIND_PORT_NONE ? bracket_ipv6 (copy) : NULL;

        uri = g_strconcat (scheme->name, "://", bracketed ? bracketed : copy, NULL);
      }
      break;
    }

  return parse_trimmed (uri, strlen (uri), NULL, error);
}

LookoutTargetUri *
lookout_target_uri_ref (LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  g_atomic_ref_count_inc (&uri->ref_count);
  return uri;
}

void
lookout_target_uri_unref (LookoutTargetUri *uri)
{
  g_return_if_fail (uri != NULL);

  if (g_atomic_ref_count_dec (&uri->ref_count))
    g_free (uri);
}

LookoutTargetKind
lookout_target_uri_get_kind (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, LOOKOUT_TARGET_KIND_HTTP);

  return uri->kind;
}

const char *
lookout_target_uri_to_string (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->string;
}

const char *
lookout_target_uri_get_host (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->host;
}

gboolean
lookout_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0 || g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;
  if (g_str_has_suffix (host, ".localhost") || g_str_has_suffix (host, ".localhost."))
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

guint16
lookout_target_uri_get_port (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, 0);

  return uri->port;
}

gboolean
lookout_target_uri_is_https (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, FALSE);

  return uri->is_https;
}

const char *
lookout_target_uri_get_path (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->path;
}

const char *
lookout_target_uri_get_dns_name (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->dns_name;
}

const char *
lookout_target_uri_get_dns_type (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->dns_type;
}

const char *
lookout_target_uri_get_trace_proto (const LookoutTargetUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return uri->trace_proto;
}

static char *
display_host (const char *host)
{
  if (strchr (host, ':') == NULL)
    {
      char *unicode = g_hostname_to_unicode (host);

      if (unicode != NULL && unicode[0] != '\0')
        return unicode;
      g_free (unicode);
    }

  return g_strdup (host);
}

char *
lookout_target_uri_dup_display_name (const LookoutTargetUri *uri)
{
  const LookoutProbeKind *row;
  g_autofree char *host = NULL;
  gboolean ipv6;
  GString *out;

  g_return_val_if_fail (uri != NULL, NULL);

  row = lookout_probe_kind_get (uri->kind);
  out = g_string_new (NULL);
  if (row->path == LOOKOUT_KIND_PATH_DNS)
    {
      g_autofree char *name = display_host (uri->dns_name);

      g_string_append (out, name);
      if (strcmp (uri->dns_type, "A") != 0)
        g_string_append_printf (out, " %s", uri->dns_type);
      if (uri->host == NULL)
        return g_string_free (out, FALSE);
      g_string_append (out, " @ ");
    }

  host = display_host (uri->host);
  ipv6 = strchr (host, ':') != NULL;

  if (row->port == LOOKOUT_KIND_PORT_REQUIRED || uri->port != uri->default_port)
    g_string_append_printf (out, ipv6 ? "[%s]:%u" : "%s:%u", host, uri->port);
  else
    g_string_append (out, host);
  if (row->path == LOOKOUT_KIND_PATH_HTTP && strcmp (uri->path, "/") != 0)
    g_string_append (out, uri->path);

  return g_string_free (out, FALSE);
}
