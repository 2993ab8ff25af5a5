/* lookout-ntp-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-ntp-packet"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-ntp-packet.h"

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define NTP_UNIX_EPOCH_DELTA G_GINT64_CONSTANT (2208988800)
#define NS_PER_S             G_GINT64_CONSTANT (1000000000)
#define ERA_SECONDS          (G_GINT64_CONSTANT (1) << 32)

static guint32
read_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint64
read_u64 (const guint8 *p)
{
  return ((guint64) read_u32 (p) << 32) | read_u32 (p + 4);
}

static void
write_u64 (guint8  *p,
           guint64  v)
{
  for (int i = 7; i >= 0; i--)
    {
      p[i] = v & 0xff;
      v >>= 8;
    }
}

guint64
lookout_ntp_timestamp_from_unix_ns (gint64 unix_ns)
{
  gint64 secs = unix_ns / NS_PER_S;
  gint64 rem = unix_ns % NS_PER_S;
  guint64 frac;

  if (rem < 0)
    {
      rem += NS_PER_S;
      secs -= 1;
    }

  frac = (((guint64) rem << 32) + NS_PER_S / 2) / NS_PER_S;
  if (frac > G_MAXUINT32)
    frac = G_MAXUINT32;

  return ((guint64) (guint32) (secs + NTP_UNIX_EPOCH_DELTA) << 32) | frac;
}

gint64
lookout_ntp_timestamp_to_unix_ns (guint64 ntp_ts,
                                  gint64  pivot_unix_ns)
{
  gint64 pivot = pivot_unix_ns / NS_PER_S + NTP_UNIX_EPOCH_DELTA;
  gint64 secs = (gint64) (ntp_ts >> 32);
  guint64 frac = ntp_ts & G_MAXUINT32;
  gint64 full;

  /* Place the 32-bit seconds in the era that brings them nearest the pivot. */
  full = (pivot & ~(ERA_SECONDS - 1)) + secs;
  if (full - pivot > ERA_SECONDS / 2)
    full -= ERA_SECONDS;
  else if (pivot - full > ERA_SECONDS / 2)
    full += ERA_SECONDS;

  return (full - NTP_UNIX_EPOCH_DELTA) * NS_PER_S
         + (gint64) ((frac * NS_PER_S + (G_GUINT64_CONSTANT (1) << 31)) >> 32);
}

void
lookout_ntp_packet_build_request (guint8  packet[LOOKOUT_NTP_PACKET_SIZE],
                                  guint64 transmit_ts)
{
  g_return_if_fail (packet != NULL);

  memset (packet, 0, LOOKOUT_NTP_PACKET_SIZE);
  /* LI 0, version 4, mode 3 (client); every other field zero as RFC 4330
   * asks, save the transmit timestamp the server will echo back. */
  packet[0] = (0 << 6) | (LOOKOUT_NTP_VERSION << 3) | LOOKOUT_NTP_MODE_CLIENT;
  write_u64 (packet + 40, transmit_ts);
}

LookoutNtpParseStatus
lookout_ntp_packet_parse_reply (const guint8    *data,
                                gsize            len,
                                guint64          expected_origin,
                                LookoutNtpReply *reply)
{
  g_return_val_if_fail (reply != NULL, LOOKOUT_NTP_PARSE_TOO_SHORT);

  memset (reply, 0, sizeof *reply);

  /* Extension fields and a MAC may follow the 48-byte header: ignored. */
  if (data == NULL || len < LOOKOUT_NTP_PACKET_SIZE)
    return LOOKOUT_NTP_PARSE_TOO_SHORT;

  reply->leap = data[0] >> 6;
  reply->version = (data[0] >> 3) & 0x7;
  reply->mode = data[0] & 0x7;
  reply->stratum = data[1];
  reply->poll = (gint8) data[2];
  reply->precision = (gint8) data[3];
  reply->root_delay = read_u32 (data + 4);
  reply->root_dispersion = read_u32 (data + 8);
  reply->reference_id = read_u32 (data + 12);
  reply->reference_ts = read_u64 (data + 16);
  reply->origin_ts = read_u64 (data + 24);
  reply->receive_ts = read_u64 (data + 32);
  reply->transmit_ts = read_u64 (data + 40);

  /* First: whatever does not echo our transmit timestamp is not an answer
   * to our request, however well formed. */
  if (reply->origin_ts != expected_origin)
    return LOOKOUT_NTP_PARSE_ORIGIN_MISMATCH;
  if (reply->version < 1 || reply->version > LOOKOUT_NTP_VERSION)
    return LOOKOUT_NTP_PARSE_BAD_VERSION;
  if (reply->mode != LOOKOUT_NTP_MODE_SERVER)
    return LOOKOUT_NTP_PARSE_BAD_MODE;
  /* A kiss-o'-death need not carry timestamps; the caller reports its code. */
  if (reply->stratum == 0)
    return LOOKOUT_NTP_PARSE_OK;
  if (reply->stratum > LOOKOUT_NTP_STRATUM_UNSYNCHRONISED)
    return LOOKOUT_NTP_PARSE_BAD_STRATUM;
  if (reply->transmit_ts == 0)
    return LOOKOUT_NTP_PARSE_ZERO_TRANSMIT;

  return LOOKOUT_NTP_PARSE_OK;
}

const char *
lookout_ntp_parse_status_to_string (LookoutNtpParseStatus status)
{
  switch (status)
    {
    case LOOKOUT_NTP_PARSE_OK:
      return "valid reply";
    case LOOKOUT_NTP_PARSE_TOO_SHORT:
      return "reply shorter than 48 bytes";
    case LOOKOUT_NTP_PARSE_BAD_VERSION:
      return "unsupported NTP version";
    case LOOKOUT_NTP_PARSE_BAD_MODE:
      return "reply is not in server mode";
    case LOOKOUT_NTP_PARSE_ORIGIN_MISMATCH:
      return "origin timestamp does not match our request";
    case LOOKOUT_NTP_PARSE_ZERO_TRANSMIT:
      return "transmit timestamp is zero";
    case LOOKOUT_NTP_PARSE_BAD_STRATUM:
      return "stratum above 16";
    default:
      return "invalid reply";
    }
}

void
lookout_ntp_packet_compute (const LookoutNtpReply *reply,
                            gint64                 t1_unix_ns,
                            gint64                 t4_unix_ns,
                            gint64                *offset_ns,
                            gint64                *delay_ns)
{
  gint64 t2, t3;

  g_return_if_fail (reply != NULL);

  t2 = lookout_ntp_timestamp_to_unix_ns (reply->receive_ts, t1_unix_ns);
  t3 = lookout_ntp_timestamp_to_unix_ns (reply->transmit_ts, t1_unix_ns);

  if (offset_ns != NULL)
    *offset_ns = ((t2 - t1_unix_ns) + (t3 - t4_unix_ns)) / 2;
  if (delay_ns != NULL)
    *delay_ns = (t4_unix_ns - t1_unix_ns) - (t3 - t2);
}

static char *
dup_ascii_code (guint32 code)
{
  GString *s = g_string_sized_new (16);
  guint8 bytes[4] = { code >> 24, code >> 16, code >> 8, code };
  int len = 4;

  /* Codes shorter than four characters are padded with NULs. */
  while (len > 0 && bytes[len - 1] == 0)
    len--;

  for (int i = 0; i < len; i++)
    {
      if (g_ascii_isprint (bytes[i]) && bytes[i] != '\\')
        g_string_append_c (s, bytes[i]);
      else
        g_string_append_printf (s, "\\x%02X", bytes[i]);
    }

  return g_string_free (s, FALSE);
}

char *
lookout_ntp_reply_dup_reference_id (const LookoutNtpReply *reply)
{
  guint32 id;

  g_return_val_if_fail (reply != NULL, NULL);

  id = reply->reference_id;
  if (reply->stratum <= 1)
    return dup_ascii_code (id);

  return g_strdup_printf ("%u.%u.%u.%u", id >> 24, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
}

char *
lookout_ntp_reply_dup_kiss_code (const LookoutNtpReply *reply)
{
  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->stratum != 0)
    return NULL;

  return dup_ascii_code (reply->reference_id);
}

const char *
lookout_ntp_kiss_code_describe (const char *code)
{
  static const struct { const char *code; const char *meaning; } codes[] = {
    { "ACST", N_("the association belongs to a unicast server") },
    { "AUTH", N_("server authentication failed") },
    { "AUTO", N_("autokey sequence failed") },
    { "BCST", N_("the association belongs to a broadcast server") },
    { "CRYP", N_("cryptographic authentication or identification failed") },
    { "DENY", N_("access denied by the server") },
    { "DROP", N_("lost peer in symmetric mode") },
    { "RSTR", N_("access denied due to local policy") },
    { "INIT", N_("the association has not yet synchronised for the first time") },
    { "MCST", N_("the association belongs to a dynamically discovered server") },
    { "NKEY", N_("no key found") },
    { "NTSN", N_("NTS negative acknowledgement") },
    { "RATE", N_("rate exceeded: the server asks clients to poll less often") },
    { "RMOT", N_("alteration of association from a remote host running ntpdc") },
    { "STEP", N_("a step change in system time has occurred") },
  };

  if (code == NULL)
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (code, codes[i].code))
      return codes[i].meaning;

  return NULL;
}
