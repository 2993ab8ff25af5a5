/* lookout-result.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-result"

#include "config.h"

#include "lookout-probe-kind.h"
#include "lookout-result.h"

G_DEFINE_BOXED_TYPE (LookoutResult, lookout_result, lookout_result_ref, lookout_result_unref)
G_DEFINE_QUARK (lookout-probe-error-quark, lookout_probe_error)

const char *
lookout_probe_error_to_string (LookoutProbeError code)
{
  switch (code)
    {
    case LOOKOUT_PROBE_ERROR_NONE:               return "none";
    case LOOKOUT_PROBE_ERROR_TIMEOUT:            return "timeout";
    case LOOKOUT_PROBE_ERROR_RESOLVE:            return "resolve";
    case LOOKOUT_PROBE_ERROR_REFUSED:            return "refused";
    case LOOKOUT_PROBE_ERROR_UNREACHABLE:        return "unreachable";
    case LOOKOUT_PROBE_ERROR_RESET:              return "reset";
    case LOOKOUT_PROBE_ERROR_TLS:                return "tls";
    case LOOKOUT_PROBE_ERROR_PROTOCOL:           return "protocol";
    case LOOKOUT_PROBE_ERROR_STATUS:             return "status";
    case LOOKOUT_PROBE_ERROR_KEYWORD:            return "keyword";
    case LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS: return "too-many-redirects";
    case LOOKOUT_PROBE_ERROR_PERMISSION:         return "permission";
    case LOOKOUT_PROBE_ERROR_NO_REPLY:           return "no-reply";
    case LOOKOUT_PROBE_ERROR_RCODE:              return "rcode";
    case LOOKOUT_PROBE_ERROR_KISS_OF_DEATH:      return "kiss-of-death";
    case LOOKOUT_PROBE_ERROR_LOSS:               return "loss";
    case LOOKOUT_PROBE_ERROR_CANCELLED:          return "cancelled";
    case LOOKOUT_PROBE_ERROR_FAILED:
    default:                                     return "failed";
    }
}

LookoutResult *
lookout_result_new (LookoutTargetKind kind)
{
  LookoutResult *self = g_new0 (LookoutResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->state = LOOKOUT_TARGET_STATE_UNKNOWN;
  self->started_ms = g_get_real_time () / 1000;
  self->latency_us = -1;
  self->dns_us = self->connect_us = self->tls_us = -1;
  self->processing_us = self->transfer_us = -1;
  self->min_us = self->max_us = self->jitter_us = -1;
  self->offset_us = 0;
  self->rcode = -1;
  self->stratum = -1;
  self->rx_bps = self->tx_bps = self->link_bps = -1;
  self->rx_bytes = self->tx_bytes = -1;
  self->link_errors = self->link_drops = -1;

  return self;
}

LookoutResult *
lookout_result_ref (LookoutResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lookout_result_unref (LookoutResult *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->target);
  g_free (self->address);
  g_free (self->error);
  g_free (self->location);
  g_free (self->http_version);
  g_strfreev (self->answers);
  g_free (self->reference_id);
  g_clear_pointer (&self->trace, lookout_trace_report_unref);
  g_free (self->interface);
  g_free (self);
}

void
lookout_result_set_error (LookoutResult      *self,
                          LookoutTargetState  state,
                          LookoutProbeError   code,
                          const char         *format,
                          ...)
{
  va_list args;

  g_return_if_fail (self != NULL);

  self->ok = FALSE;
  self->state = state;
  self->error_code = code;
  g_free (self->error);
  va_start (args, format);
  self->error = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
add_us_as_ms (JsonBuilder *builder,
              const char  *name,
              gint64       us)
{
  json_builder_set_member_name (builder, name);
  if (us < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, us / 1000.0);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

JsonNode *
lookout_result_to_json (const LookoutResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const LookoutProbeKind *row;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_or_null (builder, "target", self->target);
  add_string_or_null (builder, "kind", lookout_target_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, self->ok);
  add_string_or_null (builder, "state", lookout_target_state_to_string (self->state));
  add_us_as_ms (builder, "latency_ms", self->latency_us);
  add_string_or_null (builder, "address", self->address);
  add_string_or_null (builder, "error", self->error);
  add_string_or_null (builder, "error_class",
                      self->error_code == LOOKOUT_PROBE_ERROR_NONE
                        ? NULL : lookout_probe_error_to_string (self->error_code));
  json_builder_set_member_name (builder, "time_ms");
  json_builder_add_int_value (builder, self->started_ms);
  if (self->location != NULL)
    add_string_or_null (builder, "location", self->location);

  row = lookout_probe_kind_get (self->kind);
  if (row != NULL)
    lookout_probe_kind_add_json_fields (row->result_fields, self, builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
