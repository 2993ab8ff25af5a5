/* lookout-events-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-events-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-event-list.h"
#include "lookout-events-window.h"

struct _LookoutEventsWindow
{
  AdwWindow          parent_instance;

  LookoutMonitor    *monitor;
  LookoutEventModel *model;
  GArray            *target_ids;  /* gint64, parallel to the target drop-down */

  GtkDropDown       *target_dropdown;
  GtkDropDown       *kind_dropdown;
  LookoutEventList  *event_list;
};

G_DEFINE_FINAL_TYPE (LookoutEventsWindow, lookout_events_window, ADW_TYPE_WINDOW)

/* The kinds people filter by, in the kind drop-down's order after "All". */
static const LookoutAlertEventKind filter_kinds[] = {
  LOOKOUT_ALERT_EVENT_DOWN,
  LOOKOUT_ALERT_EVENT_UP,
  LOOKOUT_ALERT_EVENT_DEGRADED,
  LOOKOUT_ALERT_EVENT_REMINDER,
  LOOKOUT_ALERT_EVENT_FLAPPING_START,
  LOOKOUT_ALERT_EVENT_FLAPPING_STOP,
  LOOKOUT_ALERT_EVENT_CERT_EXPIRING,
  LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST,
  LOOKOUT_ALERT_EVENT_CONNECTIVITY_RESTORED,
  LOOKOUT_ALERT_EVENT_PAUSED,
  LOOKOUT_ALERT_EVENT_RESUMED,
  LOOKOUT_ALERT_EVENT_UNDELIVERED,
  LOOKOUT_ALERT_EVENT_AGENT_OFFLINE,
  LOOKOUT_ALERT_EVENT_AGENT_ONLINE,
  LOOKOUT_ALERT_EVENT_ROUTE_CHANGE,
  LOOKOUT_ALERT_EVENT_ANOMALY,
};

static void
filter_changed_cb (LookoutEventsWindow *self)
{
  guint target = gtk_drop_down_get_selected (self->target_dropdown);
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  gint64 target_id = -1;

  if (self->model == NULL)
    return;

  if (target != GTK_INVALID_LIST_POSITION && target < self->target_ids->len)
    target_id = g_array_index (self->target_ids, gint64, target);

  lookout_event_model_set_filter (self->model, target_id,
                                  kind > 0 && kind != GTK_INVALID_LIST_POSITION
                                    ? lookout_alert_event_kind_to_string (filter_kinds[kind - 1])
                                    : NULL);
}

static void
fill_targets (LookoutEventsWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  GListModel *targets = lookout_monitor_get_targets (self->monitor);
  gint64 all = -1;

  g_array_set_size (self->target_ids, 0);
  gtk_string_list_append (names, _("All Targets"));
  g_array_append_val (self->target_ids, all);
  /* Events about this computer itself have no target. */
  gtk_string_list_append (names, _("This Computer"));
  all = 0;
  g_array_append_val (self->target_ids, all);

  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      gint64 id = lookout_target_get_id (target);

      gtk_string_list_append (names, lookout_target_get_name (target));
      g_array_append_val (self->target_ids, id);
    }

  gtk_drop_down_set_model (self->target_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->target_dropdown, 0);
}

static void
lookout_events_window_dispose (GObject *object)
{
  LookoutEventsWindow *self = (LookoutEventsWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_EVENTS_WINDOW);
  g_clear_object (&self->model);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_events_window_parent_class)->dispose (object);
}

static void
lookout_events_window_finalize (GObject *object)
{
  LookoutEventsWindow *self = (LookoutEventsWindow *)object;

  g_clear_pointer (&self->target_ids, g_array_unref);

  G_OBJECT_CLASS (lookout_events_window_parent_class)->finalize (object);
}

static void
lookout_events_window_class_init (LookoutEventsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_events_window_dispose;
  object_class->finalize = lookout_events_window_finalize;

  g_type_ensure (LOOKOUT_TYPE_EVENT_LIST);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-events-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutEventsWindow, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventsWindow, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LookoutEventsWindow, event_list);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lookout_events_window_init (LookoutEventsWindow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  self->target_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_string_list_append (kinds, _("All Events"));
  for (guint i = 0; i < G_N_ELEMENTS (filter_kinds); i++)
    gtk_string_list_append (kinds, lookout_alert_event_kind_get_label (filter_kinds[i]));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
}

GtkWidget *
lookout_events_window_new (GtkWindow      *transient_for,
                           LookoutMonitor *monitor)
{
  LookoutEventsWindow *self;

  g_return_val_if_fail (transient_for == NULL || GTK_IS_WINDOW (transient_for), NULL);
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_EVENTS_WINDOW, "transient-for", transient_for, NULL);
  self->monitor = g_object_ref (monitor);
  fill_targets (self);
  self->model = lookout_event_model_new (lookout_monitor_get_store (monitor),
                                         lookout_monitor_get_alert_engine (monitor));
  lookout_event_list_set_model (self->event_list, self->model);

  return GTK_WIDGET (self);
}
