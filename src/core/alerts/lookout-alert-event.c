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
  [LOOKOUT_ALERT_EVENT_UNDELIVERED]           = { "undelivered", N_("Notification not sent") },
  [LOOKOUT_ALERT_EVENT_TEST]                  = { "test", N_("Test notification") },
  [LOOKOUT_ALERT_EVENT_ANOMALY]               = { "anomaly", N_("Anomaly") },
  [LOOKOUT_ALERT_EVENT_AGENT_OFFLINE]         = { "agent-offline", N_("Agent offline") },
  [LOOKOUT_ALERT_EVENT_AGENT_ONLINE]          = { "agent-online", N_("Agent online") },
  [LOOKOUT_ALERT_EVENT_ROUTE_CHANGE]          = { "route-change", N_("Route changed") },
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
  g_clear_pointer (&self->group, g_ptr_array_unref);
  g_strfreev (self->channels);
  g_free (self);
}

gboolean
lookout_alert_event_goes_to (const LookoutAlertEvent *self,
                             const char              *channel_id)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (channel_id != NULL, FALSE);

  return self->channels == NULL || g_strv_contains ((const char * const *) self->channels, channel_id);
}

/* How many of a group's targets a message names before "and N more". */
#define GROUP_NAMES_SHOWN 10

static char *
group_title (LookoutAlertEventKind kind,
             guint                 n)
{
  switch (kind)
    {
    case LOOKOUT_ALERT_EVENT_DOWN:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target is down", "%u targets are down", n), n);
    case LOOKOUT_ALERT_EVENT_UP:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target is up again",
                                           "%u targets are up again", n), n);
    case LOOKOUT_ALERT_EVENT_DEGRADED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target is degraded",
                                           "%u targets are degraded", n), n);
    case LOOKOUT_ALERT_EVENT_REMINDER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target is still down",
                                           "%u targets are still down", n), n);
    case LOOKOUT_ALERT_EVENT_FLAPPING_START:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target is flapping",
                                           "%u targets are flapping", n), n);
    case LOOKOUT_ALERT_EVENT_CERT_EXPIRING:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The certificate of %u target expires soon",
                                           "The certificates of %u targets expire soon", n), n);
    default:
      /* Translators: "3 targets: Stopped flapping" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u target: %s", "%u targets: %s", n),
                              n, lookout_alert_event_kind_get_label (kind));
    }
}

LookoutAlertEvent *
lookout_alert_event_new_group (GPtrArray *events)
{
  LookoutAlertEvent *self, *first;
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (events != NULL && events->len >= 2, NULL);

  first = g_ptr_array_index (events, 0);
  self = lookout_alert_event_new (first->kind);
  self->ts_ms = first->ts_ms;
  self->group = g_ptr_array_new_full (events->len, (GDestroyNotify) lookout_alert_event_unref);
  for (guint i = 0; i < events->len; i++)
    {
      LookoutAlertEvent *event = g_ptr_array_index (events, i);

      g_return_val_if_fail (event->kind == self->kind, self);
      g_ptr_array_add (self->group, lookout_alert_event_ref (event));
      self->ts_ms = MIN (self->ts_ms, event->ts_ms);
      if (i < GROUP_NAMES_SHOWN)
        {
          if (i > 0)
            g_string_append (names, ", ");
          g_string_append (names, event->target_name != NULL && event->target_name[0] != '\0'
                                  ? event->target_name : event->target_uri);
        }
    }
  if (events->len > GROUP_NAMES_SHOWN)
    /* Translators: after a list of names, "a, b, c and 9 more" */
    g_string_append_printf (names, _(" and %u more"), events->len - GROUP_NAMES_SHOWN);

  self->title = group_title (self->kind, events->len);
  /* Translators: "12 targets are down: a, b, c and 9 more" */
  self->message = g_strdup_printf (_("%s: %s"), self->title, names->str);

  return self;
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
  if (event->group != NULL)
    {
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, event->group->len);
      json_builder_set_member_name (builder, "events");
      json_builder_begin_array (builder);
      for (guint i = 0; i < event->group->len; i++)
        json_builder_add_value (builder, lookout_alert_event_to_json (g_ptr_array_index (event->group, i)));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
