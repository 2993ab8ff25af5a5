/* lookout-probe-kind.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one table of probe kinds: one row per kind, in the order of
 * LookoutTargetKind. The target URI parser, the result's JSON, the result
 * view and the Add Target dialog read it; the probe class of each kind is in
 * lookout_probe_new_for_kind(), one layer up. Adding a kind is a probe file,
 * a row here, its line there, and its dialog options and result-view rows if
 * it has any (HACKING.md has the checklist; test-probe-kind walks every row). */

#define G_LOG_DOMAIN "lookout-probe-kind"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-probe-kind.h"
#include "lookout-target.h"

#define FIELD(json_name, field_type, member) \
  { json_name, LOOKOUT_RESULT_FIELD_##field_type, G_STRUCT_OFFSET (LookoutResult, member), 0, FALSE, NULL }
#define INT_FIELD(json_name, member, below) \
  { json_name, LOOKOUT_RESULT_FIELD_INT, G_STRUCT_OFFSET (LookoutResult, member), below, FALSE, NULL }

static const LookoutKindScheme http_schemes[] = {
  { "http",  80,  FALSE, FALSE, FALSE },
  { "https", 443, TRUE,  TRUE,  FALSE },
  { NULL }
};

static const LookoutKindScheme icmp_schemes[] = {
  { "icmp", 0, FALSE, TRUE, FALSE },
  { "ping", 0, FALSE, FALSE, TRUE },
  { NULL }
};

static const LookoutKindScheme tcp_schemes[] = {
  { "tcp", 0, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutKindScheme udp_schemes[] = {
  { "udp", 0, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutKindScheme dns_schemes[] = {
  { "dns", 53, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutKindScheme ntp_schemes[] = {
  { "ntp", 123, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutKindScheme iface_schemes[] = {
  { "iface", 0, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutKindScheme trace_schemes[] = {
  { "trace", 0, FALSE, TRUE, FALSE },
  { NULL }
};

static const LookoutResultField http_phase_fields[] = {
  FIELD ("resolve", US_AS_MS, dns_us),
  FIELD ("connect", US_AS_MS, connect_us),
  FIELD ("tls", US_AS_MS, tls_us),
  FIELD ("processing", US_AS_MS, processing_us),
  FIELD ("transfer", US_AS_MS, transfer_us),
  { NULL }
};

static const LookoutResultField http_fields[] = {
  INT_FIELD ("status", http_status, 1),
  FIELD ("http_version", STRING, http_version),
  { "phases_ms", LOOKOUT_RESULT_FIELD_OBJECT, 0, 0, FALSE, http_phase_fields },
  FIELD ("cert_expiry", UNIX_TIME, cert_expiry_s),
  { NULL }
};

static const LookoutResultField icmp_fields[] = {
  FIELD ("sent", UINT, sent),
  FIELD ("received", UINT, received),
  { "loss", LOOKOUT_RESULT_FIELD_LOSS, 0, 0, FALSE, NULL },
  FIELD ("min_ms", US_AS_MS, min_us),
  FIELD ("max_ms", US_AS_MS, max_us),
  FIELD ("jitter_ms", US_AS_MS, jitter_us),
  { NULL }
};

static const LookoutResultField no_fields[] = {
  { NULL }
};

static const LookoutResultField udp_fields[] = {
  FIELD ("reply_bytes", SIZE, reply_bytes),
  { NULL }
};

static const LookoutResultField dns_fields[] = {
  INT_FIELD ("rcode", rcode, 0),
  FIELD ("answers", STRV, answers),
  { NULL }
};

static const LookoutResultField ntp_fields[] = {
  { "offset_ms", LOOKOUT_RESULT_FIELD_US_AS_MS, G_STRUCT_OFFSET (LookoutResult, offset_us), 0, TRUE, NULL },
  INT_FIELD ("stratum", stratum, 0),
  FIELD ("reference_id", STRING, reference_id),
  { NULL }
};

static const LookoutResultField iface_fields[] = {
  FIELD ("interface", STRING, interface),
  FIELD ("carrier", BOOLEAN, carrier),
  FIELD ("bps", INT64, link_bps),
  FIELD ("rx_bps", INT64, rx_bps),
  FIELD ("tx_bps", INT64, tx_bps),
  FIELD ("rx_bytes", INT64, rx_bytes),
  FIELD ("tx_bytes", INT64, tx_bytes),
  FIELD ("errors", INT64, link_errors),
  FIELD ("drops", INT64, link_drops),
  { NULL }
};

/* sent and received are the destination's probes: loss on the last link. */
static const LookoutResultField trace_fields[] = {
  FIELD ("sent", UINT, sent),
  FIELD ("received", UINT, received),
  { "loss", LOOKOUT_RESULT_FIELD_LOSS, 0, 0, FALSE, NULL },
  FIELD ("hops", TRACE_HOPS, trace),
  { NULL }
};

static const LookoutProbeKind kinds[] = {
  {
    LOOKOUT_TARGET_KIND_HTTP, "http", N_("HTTP(S)"), http_schemes,
    LOOKOUT_KIND_PATH_HTTP, LOOKOUT_KIND_PORT_OPTIONAL,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    http_fields, N_("Response time"),
    N_("For example example.org or https://example.org/health"),
    G_STRUCT_OFFSET (LookoutResult, http_status),
    G_STRUCT_OFFSET (LookoutResult, connect_us),
  },
  {
    LOOKOUT_TARGET_KIND_ICMP, "icmp", N_("Ping"), icmp_schemes,
    LOOKOUT_KIND_PATH_NONE, LOOKOUT_KIND_PORT_NONE,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    icmp_fields, N_("Median round trip"),
    N_("A host name or an IP address, for example 192.0.2.10"),
    -1,
    G_STRUCT_OFFSET (LookoutResult, min_us),
  },
  {
    LOOKOUT_TARGET_KIND_TCP, "tcp", N_("TCP"), tcp_schemes,
    LOOKOUT_KIND_PATH_NONE, LOOKOUT_KIND_PORT_REQUIRED,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    no_fields, N_("Response time"),
    N_("Host and port, for example db.example.org:5432"),
    -1,
    -1,
  },
  {
    LOOKOUT_TARGET_KIND_UDP, "udp", N_("UDP"), udp_schemes,
    LOOKOUT_KIND_PATH_NONE, LOOKOUT_KIND_PORT_REQUIRED,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    udp_fields, N_("Response time"),
    N_("Host and port, for example 192.0.2.53:53"),
    -1,
    -1,
  },
  {
    LOOKOUT_TARGET_KIND_DNS, "dns", N_("DNS"), dns_schemes,
    LOOKOUT_KIND_PATH_DNS, LOOKOUT_KIND_PORT_OPTIONAL,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    dns_fields, N_("Response time"),
    N_("Server and name, for example 192.0.2.53/example.org"),
    G_STRUCT_OFFSET (LookoutResult, rcode),
    -1,
  },
  {
    LOOKOUT_TARGET_KIND_NTP, "ntp", N_("NTP"), ntp_schemes,
    LOOKOUT_KIND_PATH_NONE, LOOKOUT_KIND_PORT_OPTIONAL,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    ntp_fields, N_("Round-trip delay"),
    N_("A time server, for example pool.ntp.org"),
    -1,
    -1,
  },
  {
    LOOKOUT_TARGET_KIND_IFACE, "iface", N_("Network interface"), iface_schemes,
    LOOKOUT_KIND_PATH_NONE, LOOKOUT_KIND_PORT_NONE,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    iface_fields, N_("Traffic, received and sent"),
    N_("An interface name, for example eth0, or default for the one of the default route"),
    -1,
    -1,
    TRUE, LOOKOUT_VALUE_UNIT_BITRATE, G_STRUCT_OFFSET (LookoutResult, link_bps),
  },
  {
    LOOKOUT_TARGET_KIND_TRACE, "trace", N_("Network path"), trace_schemes,
    LOOKOUT_KIND_PATH_TRACE, LOOKOUT_KIND_PORT_NONE,
    LOOKOUT_TARGET_DEFAULT_INTERVAL_S, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS,
    trace_fields, N_("Round trip to the destination"),
    N_("A host name or an IP address, for example example.org; add ?proto=udp for UDP probes"),
    -1,
    -1,
  },
};

G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == LOOKOUT_TARGET_N_KINDS);

const LookoutProbeKind *
lookout_probe_kind_get (LookoutTargetKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kinds))
    return NULL;

  g_assert (kinds[kind].kind == kind);
  return &kinds[kind];
}

const LookoutKindScheme *
lookout_probe_kind_find_scheme (const char        *name,
                                gsize              len,
                                LookoutTargetKind *out_kind)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (const LookoutKindScheme *scheme = kinds[i].schemes; scheme->name != NULL; scheme++)
      if (strlen (scheme->name) == len && g_ascii_strncasecmp (scheme->name, name, len) == 0)
        {
          if (out_kind != NULL)
            *out_kind = kinds[i].kind;
          return scheme;
        }

  return NULL;
}

const LookoutKindScheme *
lookout_probe_kind_get_primary (const LookoutProbeKind *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  for (const LookoutKindScheme *scheme = kind->schemes; scheme->name != NULL; scheme++)
    if (scheme->is_primary)
      return scheme;

  g_return_val_if_reached (NULL);
}

const char *
lookout_probe_kind_get_latency_title (const LookoutProbeKind *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  return _(kind->latency_title);
}

const char *
lookout_probe_kind_get_address_example (const LookoutProbeKind *kind)
{
  g_return_val_if_fail (kind != NULL, NULL);

  return _(kind->address_example);
}

int
lookout_probe_kind_get_code (const LookoutResult *result)
{
  const LookoutProbeKind *kind;

  g_return_val_if_fail (result != NULL, 0);

  kind = lookout_probe_kind_get (result->kind);
  if (kind == NULL || kind->code_offset < 0)
    return 0;

  /* A DNS rcode of -1 means no reply: no code. */
  return MAX (G_STRUCT_MEMBER (int, result, kind->code_offset), 0);
}

gboolean
lookout_probe_kind_has_code (const LookoutResult *result)
{
  const LookoutProbeKind *kind;

  g_return_val_if_fail (result != NULL, FALSE);

  kind = lookout_probe_kind_get (result->kind);
  if (kind == NULL || kind->code_offset < 0)
    return FALSE;

  /* The code's JSON field says below which value it means "none". */
  for (const LookoutResultField *f = kind->result_fields; f->name != NULL; f++)
    if ((gssize) f->offset == kind->code_offset)
      return G_STRUCT_MEMBER (int, result, kind->code_offset) >= f->null_below;

  return G_STRUCT_MEMBER (int, result, kind->code_offset) >= 0;
}

gint64
lookout_probe_kind_get_round_trip_us (const LookoutResult *result)
{
  const LookoutProbeKind *kind;
  gint64 round_trip_us;

  g_return_val_if_fail (result != NULL, -1);

  kind = lookout_probe_kind_get (result->kind);
  if (kind == NULL || kind->round_trip_offset < 0)
    return result->latency_us;

  round_trip_us = G_STRUCT_MEMBER (gint64, result, kind->round_trip_offset);
  return round_trip_us > 0 ? round_trip_us : result->latency_us;
}

gint64
lookout_probe_kind_get_value (const LookoutResult *result)
{
  const LookoutProbeKind *kind;

  g_return_val_if_fail (result != NULL, -1);

  kind = lookout_probe_kind_get (result->kind);
  if (kind == NULL || kind->value_offset <= 0)
    return result->latency_us;

  return G_STRUCT_MEMBER (gint64, result, kind->value_offset);
}

LookoutValueUnit
lookout_probe_kind_get_value_unit (LookoutTargetKind kind)
{
  const LookoutProbeKind *row = lookout_probe_kind_get (kind);

  return row != NULL ? row->value_unit : LOOKOUT_VALUE_UNIT_DURATION;
}

#define MEMBER(result, field, type) (*(const type *) ((const guint8 *) (result) + (field)->offset))

void
lookout_probe_kind_add_json_fields (const LookoutResultField *fields,
                                    const LookoutResult      *result,
                                    JsonBuilder              *builder)
{
  g_return_if_fail (fields != NULL);
  g_return_if_fail (result != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  for (const LookoutResultField *field = fields; field->name != NULL; field++)
    {
      json_builder_set_member_name (builder, field->name);

      if (field->null_unless_ok && !result->ok)
        {
          json_builder_add_null_value (builder);
          continue;
        }

      switch (field->type)
        {
        case LOOKOUT_RESULT_FIELD_INT:
          if (MEMBER (result, field, int) >= field->null_below)
            json_builder_add_int_value (builder, MEMBER (result, field, int));
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_UINT:
          json_builder_add_int_value (builder, MEMBER (result, field, guint));
          break;

        case LOOKOUT_RESULT_FIELD_SIZE:
          json_builder_add_int_value (builder, MEMBER (result, field, gsize));
          break;

        case LOOKOUT_RESULT_FIELD_US_AS_MS:
          /* A field printed only when ok (the NTP offset) may be negative. */
          if (MEMBER (result, field, gint64) >= 0 || field->null_unless_ok)
            json_builder_add_double_value (builder, MEMBER (result, field, gint64) / 1000.0);
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_STRING:
          if (MEMBER (result, field, char *) != NULL)
            json_builder_add_string_value (builder, MEMBER (result, field, char *));
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_STRV:
          {
            const char * const *strv = MEMBER (result, field, char **);

            json_builder_begin_array (builder);
            for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
              json_builder_add_string_value (builder, strv[i]);
            json_builder_end_array (builder);
          }
          break;

        case LOOKOUT_RESULT_FIELD_UNIX_TIME:
          if (MEMBER (result, field, gint64) > 0)
            {
              g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (MEMBER (result, field, gint64));
              g_autofree char *iso = g_date_time_format_iso8601 (dt);

              json_builder_add_string_value (builder, iso);
            }
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_LOSS:
          json_builder_add_double_value (builder,
                                         result->sent ? 1.0 - (double) result->received / result->sent : 1.0);
          break;

        case LOOKOUT_RESULT_FIELD_INT64:
          if (MEMBER (result, field, gint64) >= 0)
            json_builder_add_int_value (builder, MEMBER (result, field, gint64));
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_TRACE_HOPS:
          if (MEMBER (result, field, LookoutTraceReport *) != NULL)
            json_builder_add_value (builder,
                                    lookout_trace_report_hops_to_json (MEMBER (result, field, LookoutTraceReport *)));
          else
            json_builder_add_null_value (builder);
          break;

        case LOOKOUT_RESULT_FIELD_BOOLEAN:
          json_builder_add_boolean_value (builder, MEMBER (result, field, gboolean));
          break;

        case LOOKOUT_RESULT_FIELD_OBJECT:
          json_builder_begin_object (builder);
          lookout_probe_kind_add_json_fields (field->fields, result, builder);
          json_builder_end_object (builder);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}
