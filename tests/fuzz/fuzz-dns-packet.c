/* fuzz-dns-packet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Whatever the bytes, the DNS reply parser must not crash or read out of
 * bounds; a failure must carry a readable message in its own domain; a
 * parsed message must hold exactly ANCOUNT records, each with an absolute
 * owner name and a printable ASCII text. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout-dns-packet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static gboolean
is_printable_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || (guchar) *s >= 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
is_absolute_name (const char *name)
{
  gsize len = strlen (name);

  return len > 0 && len <= 4 * 255 && name[len - 1] == '.' && is_printable_ascii (name);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LookoutDnsPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all = NULL;
  g_autofree char *name = NULL;
  gsize offset = 12;

  packet = lookout_dns_packet_parse (data, size, &error);
  if (packet == NULL)
    {
      if (error == NULL || error->domain != LOOKOUT_DNS_PACKET_ERROR ||
          error->message == NULL || error->message[0] == '\0' ||
          !g_utf8_validate (error->message, -1, NULL))
        abort ();
    }
  else
    {
      if (error != NULL || packet->answers->len != packet->ancount || packet->rcode > 15)
        abort ();
      if (packet->qdcount > 0 && (packet->qname == NULL || !is_absolute_name (packet->qname)))
        abort ();
      for (guint i = 0; i < packet->answers->len; i++)
        {
          const LookoutDnsRecord *record = g_ptr_array_index (packet->answers, i);

          if (!is_absolute_name (record->name) || !is_printable_ascii (record->text))
            abort ();
        }
      all = lookout_dns_packet_dup_answers (packet, LOOKOUT_DNS_TYPE_ANY);
      if (g_strv_length (all) != packet->answers->len)
        abort ();
      (void) lookout_dns_rcode_to_string (packet->rcode);
      (void) lookout_dns_rcode_describe (packet->rcode);
    }

  /* The name reader on its own, where a question would start. */
  g_clear_error (&error);
  name = lookout_dns_read_name (data, size, &offset, &error);
  if ((name == NULL) == (error == NULL))
    abort ();
  if (name != NULL && (!is_absolute_name (name) || offset > size))
    abort ();

  return 0;
}
