/* lookout-anomaly-list.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The target page's list of anomalies: read from the store's anomalies
 * table, newest first, and read again when the monitor's anomaly watch
 * opens or closes one of the target's; above it, the target's switch for
 * notifications of its anomalies (its "notify_anomalies" option). */

#define G_LOG_DOMAIN "lookout-anomaly-list"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-anomaly-list.h"
#include "lookout-store-anomalies.h"

#define SHOWN_MS (30 * 24 * 3600 * (gint64) 1000)
#define MAX_ROWS 50

struct _LookoutAnomalyList
{
  AdwPreferencesGroup  parent_instance;

  GtkStack            *stack;
  GtkListBox          *list_box;
  GtkWidget           *notify_row;
  GtkSwitch           *notify_switch;
  LookoutTarget       *target;

  LookoutMonitor      *monitor;
  gint64               target_id;
  GCancellable        *cancellable;
  gulong               anomaly_handler;
  int                  n_rows;
};

G_DEFINE_FINAL_TYPE (LookoutAnomalyList, lookout_anomaly_list, ADW_TYPE_PREFERENCES_GROUP)

static char *
format_period (gint64 start_ms,
               gint64 end_ms)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (start_ms / 1000);
  g_autofree char *from = g_date_time_format (start, "%x %H:%M");
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *to = NULL;

  if (end_ms < 0)
    /* Translators: an anomaly that still lasts, "since 2026-03-01 14:05" */
    return g_strdup_printf (_("since %s, still going on"), from);

  end = g_date_time_new_from_unix_local (end_ms / 1000);
  to = g_date_time_format (end, "%x %H:%M");
  /* Translators: the period of an anomaly, "from 01/03/26 14:05 to 01/03/26 15:10" */
  return g_strdup_printf (_("from %s to %s"), from, to);
}

static void
clear_rows (LookoutAnomalyList *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
}

static void
anomalies_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LookoutAnomalyList *self = user_data;
  g_autoptr(GArray) anomalies = NULL;
  g_autoptr(GError) error = NULL;
  int shown = 0;

  anomalies = lookout_store_query_anomalies_finish (LOOKOUT_STORE (object), result, &error);
  if (anomalies == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the anomalies: %s", error->message);
      return;
    }

  clear_rows (self);
  for (guint i = anomalies->len; i > 0 && shown < MAX_ROWS; i--, shown++)
    {
      const LookoutStoredAnomaly *a = &g_array_index (anomalies, LookoutStoredAnomaly, i - 1);
      g_autofree char *period = format_period (a->start_ms, a->end_ms);
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", a->message, period);
      LookoutAnomalyKind kind;
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     lookout_anomaly_kind_from_string (a->kind, &kind)
                                       ? lookout_anomaly_kind_get_label (kind) : a->kind);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->list_box, row);
    }

  self->n_rows = shown;
  gtk_stack_set_visible_child_name (self->stack, shown > 0 ? "anomalies" : "none");
}

static void
reload (LookoutAnomalyList *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->monitor == NULL || self->target_id <= 0)
    {
      clear_rows (self);
      self->n_rows = 0;
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  self->cancellable = g_cancellable_new ();
  lookout_store_query_anomalies_async (lookout_monitor_get_store (self->monitor), self->target_id,
                                       g_get_real_time () / 1000 - SHOWN_MS, 0, 0,
                                       self->cancellable, anomalies_read_cb, self);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_store_flush_finish (LOOKOUT_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the anomalies: %s", error->message);
      return;
    }
  reload (user_data);
}

static void
anomaly_cb (LookoutAnomalyWatch  *watch,
            const LookoutAnomaly *anomaly,
            LookoutAnomalyList   *self)
{
  if (anomaly->target_id != self->target_id)
    return;

  /* read again once the store has written it */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  lookout_store_flush_async (lookout_monitor_get_store (self->monitor), self->cancellable,
                             flushed_cb, self);
}

static void
target_updated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_update_target_finish (LOOKOUT_MONITOR (object), result, &error))
    g_warning ("Could not save the anomaly notification setting: %s", error->message);
}

/* The switch writes the target's "notify_anomalies" option. */
static void
notify_switched_cb (LookoutAnomalyList *self)
{
  g_autoptr(LookoutTarget) changes = NULL;
  g_autofree char *options = NULL;
  gboolean active = gtk_switch_get_active (self->notify_switch);

  if (self->target == NULL || self->monitor == NULL ||
      active == lookout_anomaly_watch_get_notify (self->target))
    return;

  options = lookout_anomaly_watch_set_notify_option (lookout_target_get_options (self->target), active);
  changes = lookout_target_copy (self->target);
  lookout_target_set_options (changes, options);
  lookout_monitor_update_target_async (self->monitor, self->target, changes, NULL,
                                       target_updated_cb, NULL);
}

static void
disconnect_monitor (LookoutAnomalyList *self)
{
  if (self->monitor != NULL && self->anomaly_handler != 0)
    g_signal_handler_disconnect (lookout_monitor_get_anomaly_watch (self->monitor),
                                 self->anomaly_handler);
  self->anomaly_handler = 0;
  g_clear_object (&self->monitor);
}

static void
lookout_anomaly_list_dispose (GObject *object)
{
  LookoutAnomalyList *self = (LookoutAnomalyList *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  disconnect_monitor (self);
  g_clear_object (&self->target);

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_ANOMALY_LIST);

  G_OBJECT_CLASS (lookout_anomaly_list_parent_class)->dispose (object);
}

static void
lookout_anomaly_list_class_init (LookoutAnomalyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_anomaly_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-anomaly-list.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutAnomalyList, stack);
  gtk_widget_class_bind_template_child (widget_class, LookoutAnomalyList, list_box);
  gtk_widget_class_bind_template_child (widget_class, LookoutAnomalyList, notify_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAnomalyList, notify_switch);
}

static void
lookout_anomaly_list_init (LookoutAnomalyList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->n_rows = -1;
  gtk_stack_set_visible_child_name (self->stack, "none");
  g_signal_connect_swapped (self->notify_switch, "notify::active",
                            G_CALLBACK (notify_switched_cb), self);
}

GtkWidget *
lookout_anomaly_list_new (void)
{
  return g_object_new (LOOKOUT_TYPE_ANOMALY_LIST, NULL);
}

void
lookout_anomaly_list_set_target (LookoutAnomalyList *self,
                                 LookoutMonitor     *monitor,
                                 LookoutTarget      *target)
{
  g_return_if_fail (LOOKOUT_IS_ANOMALY_LIST (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  g_set_object (&self->target, target);
  gtk_switch_set_active (self->notify_switch, target != NULL && lookout_anomaly_watch_get_notify (target));
  gtk_widget_set_sensitive (self->notify_row, target != NULL && monitor != NULL);

  if (monitor != self->monitor)
    {
      disconnect_monitor (self);
      if (monitor != NULL)
        {
          self->monitor = g_object_ref (monitor);
          self->anomaly_handler = g_signal_connect (lookout_monitor_get_anomaly_watch (monitor), "anomaly",
                                                    G_CALLBACK (anomaly_cb), self);
        }
    }
  self->target_id = target != NULL ? lookout_target_get_id (target) : 0;
  self->n_rows = -1;
  reload (self);
}

int
lookout_anomaly_list_get_n_rows (LookoutAnomalyList *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ANOMALY_LIST (self), -1);

  return self->n_rows;
}
