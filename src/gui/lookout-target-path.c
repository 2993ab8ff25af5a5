/* lookout-target-path.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target-path"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-event-list.h"
#include "lookout-target-path.h"
#include "lookout-trace-dialog.h"

#define ROUTE_CHANGE_KIND "route-change"

struct _LookoutTargetPath
{
  AdwPreferencesGroup  parent_instance;

  GtkButton           *trace_button;
  GtkWidget           *live_box;
  LookoutHopTable     *hop_table;
  LookoutEventList    *route_changes;

  LookoutTarget       *target;
  LookoutEventModel   *event_model;
  LookoutTraceReport  *last_report;   /* the window hands the last result again */
  GtkWidget           *dialog;        /* weak */
};

G_DEFINE_FINAL_TYPE (LookoutTargetPath, lookout_target_path, ADW_TYPE_PREFERENCES_GROUP)

static const char *
target_host (LookoutTarget *target)
{
  if (target == NULL || lookout_target_get_kind (target) == LOOKOUT_TARGET_KIND_IFACE)
    return NULL;

  return lookout_target_uri_get_host (lookout_target_get_uri (target));
}

static void
trace_clicked_cb (LookoutTargetPath *self)
{
  const char *host = target_host (self->target);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (host == NULL)
    return;

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = lookout_trace_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, host);
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

static void
lookout_target_path_dispose (GObject *object)
{
  LookoutTargetPath *self = LOOKOUT_TARGET_PATH (object);

  if (self->dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
  self->dialog = NULL;
  g_clear_object (&self->target);
  g_clear_object (&self->event_model);
  g_clear_pointer (&self->last_report, lookout_trace_report_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TARGET_PATH);

  G_OBJECT_CLASS (lookout_target_path_parent_class)->dispose (object);
}

static void
lookout_target_path_class_init (LookoutTargetPathClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_path_dispose;

  g_type_ensure (LOOKOUT_TYPE_HOP_TABLE);
  g_type_ensure (LOOKOUT_TYPE_EVENT_LIST);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-target-path.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPath, trace_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPath, live_box);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPath, hop_table);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPath, route_changes);
  gtk_widget_class_bind_template_callback (widget_class, trace_clicked_cb);
}

static void
lookout_target_path_init (LookoutTargetPath *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_target_path_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TARGET_PATH, NULL);
}

void
lookout_target_path_set_target (LookoutTargetPath *self,
                                LookoutMonitor    *monitor,
                                LookoutTarget     *target)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_PATH (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->event_model == NULL && monitor != NULL)
    {
      self->event_model = lookout_event_model_new (lookout_monitor_get_store (monitor),
                                                   lookout_monitor_get_alert_engine (monitor));
      lookout_event_list_set_model (self->route_changes, self->event_model);
    }

  if (self->target != target)
    {
      g_set_object (&self->target, target);
      g_clear_pointer (&self->last_report, lookout_trace_report_unref);
      lookout_hop_table_reset (self->hop_table);
      gtk_widget_set_visible (self->live_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->trace_button), target_host (target) != NULL);
      gtk_widget_set_visible (GTK_WIDGET (self), target_host (target) != NULL);
    }

  if (self->event_model != NULL)
    lookout_event_model_set_filter (self->event_model,
                                    target != NULL ? lookout_target_get_id (target) : G_MAXINT64,
                                    ROUTE_CHANGE_KIND);
}

void
lookout_target_path_add_result (LookoutTargetPath   *self,
                                const LookoutResult *result)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_PATH (self));

  if (result == NULL || result->trace == NULL || result->trace == self->last_report)
    return;

  g_clear_pointer (&self->last_report, lookout_trace_report_unref);
  self->last_report = lookout_trace_report_ref (result->trace);
  lookout_hop_table_add_report (self->hop_table, result->trace);
  /* Its hops are shown live: tracing once more would add nothing. */
  gtk_widget_set_visible (self->live_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->trace_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

LookoutHopTable *
lookout_target_path_get_hop_table (LookoutTargetPath *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_PATH (self), NULL);

  return self->hop_table;
}

LookoutEventModel *
lookout_target_path_get_route_changes (LookoutTargetPath *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_PATH (self), NULL);

  return self->event_model;
}

GtkWidget *
lookout_target_path_get_dialog (LookoutTargetPath *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_PATH (self), NULL);

  return self->dialog;
}
