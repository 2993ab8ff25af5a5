/* lookout-dns-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-dns-packet"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "lookout-dns-packet.h"

#define HEADER_LEN   12
#define MAX_NAME_LEN 255

G_DEFINE_QUARK (lookout-dns-packet-error-quark, lookout_dns_packet_error)

static const struct
{
  const char *name;
  guint16     type;
} dns_types[] = {
  { "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
  { "HINFO", 13 }, { "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
  { "NAPTR", 35 }, { "DNAME", 39 }, { "DS", 43 }, { "SSHFP", 44 },
  { "RRSIG", 46 }, { "NSEC", 47 }, { "DNSKEY", 48 }, { "TLSA", 52 },
  { "SVCB", 64 }, { "HTTPS", 65 }, { "ANY", 255 }, { "CAA", 257 },
};

static inline guint16
read_u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
read_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
set_truncated (GError     **error,
               const char  *what)
{
  g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_TRUNCATED,
               _("The DNS message ends inside the %s"), what);
  return FALSE;
}

static void
append_escaped_label (GString      *out,
                      const guint8 *label,
                      guint         len)
{
  for (guint i = 0; i < len; i++)
    {
      guint8 c = label[i];

      if (c == '.' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c <= 0x20 || c >= 0x7f)
        g_string_append_printf (out, "\\%03u", c);
      else
        g_string_append_c (out, c);
    }
}

char *
lookout_dns_read_name (const guint8  *data,
                       gsize          len,
                       gsize         *offset,
                       GError       **error)
{
  g_autoptr(GString) out = NULL;
  gsize pos;
  gsize lowest;
  gsize resume = 0;
  gboolean jumped = FALSE;
  guint wire_len = 1;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (offset != NULL, NULL);

  pos = lowest = *offset;
  out = g_string_sized_new (64);

  for (;;)
    {
      guint8 b;

      if (pos >= len)
        {
          set_truncated (error, "name");
          return NULL;
        }

      b = data[pos];

      if ((b & 0xC0) == 0xC0)
        {
          gsize target;

          if (pos + 1 >= len)
            {
              set_truncated (error, "name");
              return NULL;
            }
          target = ((gsize) (b & 0x3F) << 8) | data[pos + 1];
          /* Strictly below anything read so far: no loop can form. */
          if (target >= lowest)
            {
              g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_POINTER,
                           _("A compressed name in the DNS message points forwards or at itself"));
              return NULL;
            }
          if (!jumped)
            resume = pos + 2;
          jumped = TRUE;
          lowest = target;
          pos = target;
          continue;
        }
      if ((b & 0xC0) != 0)
        {
          g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_LABEL,
                       _("The DNS message uses an unknown label type"));
          return NULL;
        }
      if (b == 0)
        {
          pos++;
          break;
        }

      wire_len += b + 1;
      if (wire_len > MAX_NAME_LEN)
        {
          g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_NAME_TOO_LONG,
                       _("A name in the DNS message is longer than 255 octets"));
          return NULL;
        }
      if (pos + 1 + b > len)
        {
          set_truncated (error, "name");
          return NULL;
        }
      append_escaped_label (out, data + pos + 1, b);
      g_string_append_c (out, '.');
      pos += 1 + b;
    }

  if (out->len == 0)
    g_string_append_c (out, '.');

  *offset = jumped ? resume : pos;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
append_character_string (GString      *out,
                         const guint8 *s,
                         guint         len)
{
  g_string_append_c (out, '"');
  for (guint i = 0; i < len; i++)
    {
      guint8 c = s[i];

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (out, "\\%03u", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static gboolean
set_bad_rdata (GError     **error,
               guint16      type)
{
  const char *name = lookout_dns_type_to_string (type);

  if (name != NULL)
    g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_RDATA,
                 _("A %s record in the DNS message is malformed"), name);
  else
    g_set_error (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_BAD_RDATA,
                 _("A TYPE%u record in the DNS message is malformed"), type);
  return FALSE;
}

/* Reads a name that must lie within the rdata (its pointers may reach back
 * anywhere before it). */
static char *
read_rdata_name (const guint8  *data,
                 gsize          rdend,
                 gsize         *offset,
                 guint16        type,
                 GError       **error)
{
  char *name = lookout_dns_read_name (data, rdend, offset, error);

  if (name == NULL && error != NULL && *error != NULL &&
      g_error_matches (*error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_TRUNCATED))
    {
      g_clear_error (error);
      set_bad_rdata (error, type);
    }
  return name;
}

static char *
format_rdata (const guint8  *data,
              gsize          len,
              gsize          rdstart,
              guint16        rdlen,
              guint16        type,
              GError       **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize rdend = rdstart + rdlen;
  gsize pos = rdstart;

  g_assert (rdend <= len);

  switch (type)
    {
    case 1: /* A */
    case 28: /* AAAA */
      {
        char buf[INET6_ADDRSTRLEN];
        guint want = type == 1 ? 4 : 16;

        if (rdlen != want)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        inet_ntop (type == 1 ? AF_INET : AF_INET6, data + rdstart, buf, sizeof buf);
        g_string_append (out, buf);
        pos = rdend;
      }
      break;

    case 2: /* NS */
    case 5: /* CNAME */
    case 12: /* PTR */
    case 39: /* DNAME */
      {
        g_autofree char *name = read_rdata_name (data, rdend, &pos, type, error);

        if (name == NULL)
          return NULL;
        g_string_append (out, name);
      }
      break;

    case 15: /* MX */
      {
        g_autofree char *name = NULL;
        guint16 pref;

        if (rdlen < 3)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        pref = read_u16 (data + pos);
        pos += 2;
        if (!(name = read_rdata_name (data, rdend, &pos, type, error)))
          return NULL;
        g_string_append_printf (out, "%u %s", pref, name);
      }
      break;

    case 33: /* SRV */
      {
        g_autofree char *name = NULL;
        guint16 prio, weight, port;

        if (rdlen < 7)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        prio = read_u16 (data + pos);
        weight = read_u16 (data + pos + 2);
        port = read_u16 (data + pos + 4);
        pos += 6;
        if (!(name = read_rdata_name (data, rdend, &pos, type, error)))
          return NULL;
        g_string_append_printf (out, "%u %u %u %s", prio, weight, port, name);
      }
      break;

    case 6: /* SOA */
      {
        g_autofree char *mname = NULL;
        g_autofree char *rname = NULL;

        if (!(mname = read_rdata_name (data, rdend, &pos, type, error)) ||
            !(rname = read_rdata_name (data, rdend, &pos, type, error)))
          return NULL;
        if (rdend - pos != 20)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        g_string_append_printf (out, "%s %s %u %u %u %u %u", mname, rname,
                                read_u32 (data + pos), read_u32 (data + pos + 4),
                                read_u32 (data + pos + 8), read_u32 (data + pos + 12),
                                read_u32 (data + pos + 16));
        pos = rdend;
      }
      break;

    case 16: /* TXT */
      if (rdlen == 0)
        g_string_append (out, "\"\"");
      while (pos < rdend)
        {
          guint slen = data[pos];

          if (pos + 1 + slen > rdend)
            {
              set_bad_rdata (error, type);
              return NULL;
            }
          if (out->len > 0)
            g_string_append_c (out, ' ');
          append_character_string (out, data + pos + 1, slen);
          pos += 1 + slen;
        }
      break;

    case 257: /* CAA */
      {
        guint flags, taglen;

        if (rdlen < 2)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        flags = data[pos];
        taglen = data[pos + 1];
        if (taglen == 0 || 2 + taglen > rdlen)
          {
            set_bad_rdata (error, type);
            return NULL;
          }
        g_string_append_printf (out, "%u ", flags);
        g_string_append_len (out, (const char *) data + pos + 2, taglen);
        for (gsize i = out->len - taglen; i < out->len; i++)
          if (!g_ascii_isalnum (out->str[i]))
            {
              set_bad_rdata (error, type);
              return NULL;
            }
        g_string_append_c (out, ' ');
        append_character_string (out, data + pos + 2 + taglen, rdlen - 2 - taglen);
        pos = rdend;
      }
      break;

    default:
      /* RFC 3597 generic form. */
      g_string_append_printf (out, "\\# %u", rdlen);
      if (rdlen > 0)
        g_string_append_c (out, ' ');
      for (gsize i = rdstart; i < rdend; i++)
        g_string_append_printf (out, "%02x", data[i]);
      pos = rdend;
      break;
    }

  if (pos != rdend)
    {
      set_bad_rdata (error, type);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
lookout_dns_record_free (LookoutDnsRecord *record)
{
  g_free (record->name);
  g_free (record->text);
  g_free (record);
}

void
lookout_dns_packet_free (LookoutDnsPacket *packet)
{
  if (packet == NULL)
    return;

  g_free (packet->qname);
  g_clear_pointer (&packet->answers, g_ptr_array_unref);
  g_free (packet);
}

LookoutDnsPacket *
lookout_dns_packet_parse (const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  g_autoptr(LookoutDnsPacket) packet = NULL;
  gsize pos = HEADER_LEN;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < HEADER_LEN)
    {
      set_truncated (error, "header");
      return NULL;
    }

  packet = g_new0 (LookoutDnsPacket, 1);
  packet->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_dns_record_free);
  packet->id = read_u16 (data);
  packet->is_response = (data[2] & 0x80) != 0;
  packet->opcode = (data[2] >> 3) & 0x0F;
  packet->authoritative = (data[2] & 0x04) != 0;
  packet->truncated = (data[2] & 0x02) != 0;
  packet->recursion_desired = (data[2] & 0x01) != 0;
  packet->recursion_available = (data[3] & 0x80) != 0;
  packet->rcode = data[3] & 0x0F;
  packet->qdcount = read_u16 (data + 4);
  packet->ancount = read_u16 (data + 6);
  packet->nscount = read_u16 (data + 8);
  packet->arcount = read_u16 (data + 10);

  for (guint i = 0; i < packet->qdcount; i++)
    {
      g_autofree char *name = lookout_dns_read_name (data, len, &pos, error);

      if (name == NULL)
        return NULL;
      if (pos + 4 > len)
        {
          set_truncated (error, "question");
          return NULL;
        }
      if (i == 0)
        {
          packet->qname = g_steal_pointer (&name);
          packet->qtype = read_u16 (data + pos);
          packet->qclass = read_u16 (data + pos + 2);
        }
      pos += 4;
    }

  for (guint i = 0; i < packet->ancount; i++)
    {
      g_autofree char *name = lookout_dns_read_name (data, len, &pos, error);
      LookoutDnsRecord *record;
      guint16 rdlen;
      char *text;

      if (name == NULL)
        return NULL;
      if (pos + 10 > len)
        {
          set_truncated (error, "answer section");
          return NULL;
        }
      rdlen = read_u16 (data + pos + 8);
      if (pos + 10 + rdlen > len)
        {
          set_truncated (error, "answer section");
          return NULL;
        }
      text = format_rdata (data, len, pos + 10, rdlen, read_u16 (data + pos), error);
      if (text == NULL)
        return NULL;

      record = g_new0 (LookoutDnsRecord, 1);
      record->name = g_steal_pointer (&name);
      record->type = read_u16 (data + pos);
      record->klass = read_u16 (data + pos + 2);
      record->ttl = read_u32 (data + pos + 4);
      record->text = text;
      g_ptr_array_add (packet->answers, record);
      pos += 10 + rdlen;
    }

  return g_steal_pointer (&packet);
}

LookoutDnsPacket *
lookout_dns_packet_parse_reply (const guint8  *data,
                                gsize          len,
                                GError       **error)
{
  g_autoptr(LookoutDnsPacket) packet = lookout_dns_packet_parse (data, len, error);

  if (packet != NULL && !packet->is_response)
    {
      g_set_error_literal (error, LOOKOUT_DNS_PACKET_ERROR, LOOKOUT_DNS_PACKET_ERROR_NOT_RESPONSE,
                           _("its QR bit is clear, which makes it a query, not a response"));
      return NULL;
    }

  return g_steal_pointer (&packet);
}

char **
lookout_dns_packet_dup_answers (const LookoutDnsPacket *packet,
                                guint16                 type)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (packet != NULL, NULL);

  for (guint i = 0; i < packet->answers->len; i++)
    {
      const LookoutDnsRecord *record = g_ptr_array_index (packet->answers, i);

      if (type == LOOKOUT_DNS_TYPE_ANY || record->type == type)
        g_strv_builder_add (builder, record->text);
    }

  return g_strv_builder_end (builder);
}

int
lookout_dns_type_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < G_N_ELEMENTS (dns_types); i++)
    if (g_ascii_strcasecmp (name, dns_types[i].name) == 0)
      return dns_types[i].type;

  if (g_ascii_strncasecmp (name, "TYPE", 4) == 0 && name[4] != '\0')
    {
      guint64 value;

      if (g_ascii_string_to_unsigned (name + 4, 10, 1, 65535, &value, NULL))
        return (int) value;
    }

  return -1;
}

const char *
lookout_dns_type_to_string (guint16 type)
{
  for (guint i = 0; i < G_N_ELEMENTS (dns_types); i++)
    if (dns_types[i].type == type)
      return dns_types[i].name;

  return NULL;
}

const char *
lookout_dns_rcode_to_string (guint rcode)
{
  switch (rcode)
    {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
    case 7: return "YXRRSET";
    case 8: return "NXRRSET";
    case 9: return "NOTAUTH";
    case 10: return "NOTZONE";
    default: return "UNKNOWN";
    }
}

const char *
lookout_dns_rcode_describe (guint rcode)
{
  switch (rcode)
    {
    case 0: return _("no error");
    case 1: return _("the server could not understand the query");
    case 2: return _("the server failed to answer (its upstream or its zone is broken)");
    case 3: return _("the name does not exist");
    case 4: return _("the server does not support this kind of query");
    case 5: return _("the server refused to answer");
    case 6: return _("a name exists that should not");
    case 7: return _("a record set exists that should not");
    case 8: return _("a record set that should exist does not");
    case 9: return _("the server is not authoritative for the zone");
    case 10: return _("the name is not in the zone");
    default: return _("an unknown response code");
    }
}
