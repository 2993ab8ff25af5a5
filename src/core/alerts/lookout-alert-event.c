/* lookout-alert-event.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-alert-event"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-alert-event.h"
#include "lookout-format.h"

G_DEFINE_BOXED_TYPE (LookoutAlertEvent, lookout_alert_event,
                     lookout_alert_event_ref, lookout_alert_event_unref)

static const struct
{
  const char *name;
  const char *label;
} kinds[] = {
  [LOOKOUT_ALERT_EVENT_DOWN]                  = { "down", N_("Down") },
  [LOOKOUT_ALERT_EVENT_UP]                    = { "up", N_("Up") },
  [LOOKOUT_ALERT_EVENT_DEGRADED]              = { "degraded", N_("Degraded") },
  [LOOKOUT_ALERT_EVENT_FLAPPING_START]        = { "flapping-start", N_("Flapping") },
  [LOOKOUT_ALERT_EVENT_FLAPPING_STOP]         = { "flapping-stop", N_("Stopped flapping") },
  [LOOKOUT_ALERT_EVENT_REMINDER]              = { "reminder", N_("Still down") },
  [LOOKOUT_ALERT_EVENT_CERT_EXPIRING]         = { "cert-expiring", N_("Certificate expiring") },
  [LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST]     = { "connectivity-lost", N_("Local connectivity lost") },
  [LOOKOUT_ALERT_EVENT_CONNECTIVITY_RESTORED] = { "connectivity-restored", N_("Local connectivity restored") },
  [LOOKOUT_ALERT_EVENT_PAUSED]                = { "paused", N_("Monitoring paused") },
  [LOOKOUT_ALERT_EVENT_RESUMED]               = { "resumed", N_("Monitoring resumed") },
  [LOOKOUT_ALERT_EVENT_TEST]                  = { "test", N_("Test notification") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (kinds) == LOOKOUT_ALERT_N_EVENT_KINDS);

LookoutAlertEvent *
lookout_alert_event_new (LookoutAlertEventKind kind)
{
  LookoutAlertEvent *self;

  g_return_val_if_fail (kind < LOOKOUT_ALERT_N_EVENT_KINDS, NULL);

  self = g_new0 (LookoutAlertEvent, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->notify = TRUE;

  return self;
}

LookoutAlertEvent *
lookout_alert_event_ref (LookoutAlertEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
lookout_alert_event_unref (LookoutAlertEvent *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->target_name);
  g_free (self->target_uri);
  g_free (self->title);
  g_free (self->message);
  g_free (self->error);
  g_free (self);
}

const char *
lookout_alert_event_kind_to_string (LookoutAlertEventKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_ALERT_N_EVENT_KINDS, NULL);

  return kinds[kind].name;
}

gboolean
lookout_alert_event_kind_from_string (const char            *name,
                                      LookoutAlertEventKind *out_kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kinds[i].name, name))
      {
        if (out_kind != NULL)
          *out_kind = i;
        return TRUE;
      }

  return FALSE;
}

const char *
lookout_alert_event_kind_get_label (LookoutAlertEventKind kind)
{
  g_return_val_if_fail (kind < LOOKOUT_ALERT_N_EVENT_KINDS, NULL);

  return _(kinds[kind].label);
}

char *
lookout_format_duration (gint64 ms)
{
  gint64 s = MAX (ms, 0) / 1000;

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02d:%02d",
                          s / 3600, (int) (s / 60 % 60), (int) (s % 60));
}

JsonNode *
lookout_alert_event_to_json (const LookoutAlertEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = NULL;

  g_return_val_if_fail (event != NULL, NULL);

  time = lookout_format_iso8601 (event->ts_ms);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, lookout_alert_event_kind_to_string (event->kind));
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "timestamp_ms");
  json_builder_add_int_value (builder, event->ts_ms);

  json_builder_set_member_name (builder, "target");
  if (event->target_id != 0)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, event->target_id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, event->target_name);
      json_builder_set_member_name (builder, "uri");
      json_builder_add_string_value (builder, event->target_uri);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, event->title);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, event->message);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, event->error);

  json_builder_set_member_name (builder, "down_since_ms");
  if (event->since_ms > 0)
    json_builder_add_int_value (builder, event->since_ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "downtime_ms");
  if (event->kind == LOOKOUT_ALERT_EVENT_UP || event->kind == LOOKOUT_ALERT_EVENT_REMINDER)
    json_builder_add_int_value (builder, event->downtime_ms);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "cert_expiry_s");
  if (event->cert_expiry_s > 0)
    json_builder_add_int_value (builder, event->cert_expiry_s);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
