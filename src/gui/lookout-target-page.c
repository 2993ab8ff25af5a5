/* lookout-target-page.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The content page of one target. It reads only the target's properties and
 * redraws on any of their notifications, so it follows the live state as
 * probes update it. */

#define G_LOG_DOMAIN "lookout-target-page"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-anomaly-list.h"
#include "lookout-event-list.h"
#include "lookout-gui-utils.h"
#include "lookout-result-view.h"
#include "lookout-target-history.h"
#include "lookout-uptime-box.h"
#include "lookout-target-page.h"
#include "lookout-target-path.h"
#include "lookout-window.h"

struct _LookoutTargetPage
{
  GtkWidget      parent_instance;

  LookoutTarget *target;
  LookoutStore  *store;
  GSignalGroup  *target_signals;
  guint          update_source;
  LookoutUptimeBox *uptime_box;

  GtkWidget     *page;
  GtkLabel      *name_label;
  GtkWidget     *state_dot;
  GtkLabel      *state_label;
  GtkLabel      *summary_label;
  GtkLabel      *last_checked_label;
  GtkLabel      *latency_label;
  GtkLabel      *error_label;
  GtkLabel      *address_label;
  GtkLabel      *kind_label;
  GtkLabel      *uri_label;
  GtkLabel      *interval_label;
  GtkLabel      *timeout_label;
  GtkLabel      *threshold_label;
  LookoutTargetHistory *history;
  LookoutResultView *result_view;

  /* The target's events, from the window's monitor. */
  LookoutEventList  *event_list;
  LookoutEventModel *event_model;
  LookoutAnomalyList *anomaly_list;
  LookoutTargetPath  *path;
};

G_DEFINE_FINAL_TYPE (LookoutTargetPage, lookout_target_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_text (GtkLabel   *label,
          const char *text)
{
  gtk_label_set_label (label, text != NULL && text[0] != '\0' ? text : "—");
}

static void
update (LookoutTargetPage *self)
{
  LookoutTarget *target = self->target;
  LookoutTargetState state;
  g_autofree char *checked = NULL;
  g_autofree char *latency = NULL;
  g_autofree char *interval = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *threshold = NULL;
  g_autofree char *summary = NULL;

  if (target == NULL)
    return;

  state = lookout_target_get_state (target);
  checked = lookout_format_timestamp (lookout_target_get_last_checked (target));
  latency = lookout_format_latency (lookout_target_get_last_latency (target));
  interval = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Every %u second", "Every %u seconds",
                                           lookout_target_get_interval (target)),
                              lookout_target_get_interval (target));
  timeout = g_strdup_printf (_("%.1f s"), lookout_target_get_timeout (target) / 1000.0);
  threshold = g_strdup_printf ("%u", lookout_target_get_fail_threshold (target));
  summary = g_strdup_printf ("%s · %s",
                             lookout_target_kind_get_label (lookout_target_get_kind (target)),
                             latency);

  set_text (self->name_label, lookout_target_get_name (target));
  gtk_label_set_label (self->state_label, lookout_target_state_get_label (state));
  lookout_set_state_css_class (self->state_dot, state);
  lookout_set_state_css_class (GTK_WIDGET (self->state_label), state);
  set_text (self->summary_label, summary);

  set_text (self->last_checked_label, checked);
  set_text (self->latency_label, latency);
  set_text (self->error_label, lookout_target_get_last_error (target));
  set_text (self->address_label, lookout_target_get_last_address (target));

  set_text (self->kind_label, lookout_target_kind_get_label (lookout_target_get_kind (target)));
  set_text (self->uri_label, lookout_target_get_uri_string (target));
  set_text (self->interval_label, interval);
  set_text (self->timeout_label, timeout);
  set_text (self->threshold_label, threshold);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  LookoutTargetPage *self = user_data;

  self->update_source = 0;
  update (self);

  return G_SOURCE_REMOVE;
}

static void
target_notified_cb (LookoutTargetPage *self)
{
  /* A result changes several properties at once: redraw once for all. */
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_idle_cb, self, NULL);
}

static void
update_events (LookoutTargetPage *self)
{
  GtkRoot *root;
  LookoutMonitor *monitor;

  if (self->event_model == NULL)
    {
      root = gtk_widget_get_root (GTK_WIDGET (self));
      monitor = LOOKOUT_IS_WINDOW (root) ? lookout_window_get_monitor (LOOKOUT_WINDOW (root)) : NULL;
      if (monitor == NULL || self->target == NULL)
        return;
      self->event_model = lookout_event_model_new (lookout_monitor_get_store (monitor),
                                                   lookout_monitor_get_alert_engine (monitor));
      lookout_event_list_set_model (self->event_list, self->event_model);
    }

  /* An unknown id shows nothing rather than every target's events. */
  lookout_event_model_set_filter (self->event_model,
                                  self->target != NULL ? lookout_target_get_id (self->target) : G_MAXINT64,
                                  NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  monitor = LOOKOUT_IS_WINDOW (root) ? lookout_window_get_monitor (LOOKOUT_WINDOW (root)) : NULL;
  lookout_anomaly_list_set_target (self->anomaly_list, monitor, self->target);
  lookout_target_path_set_target (self->path, monitor, self->target);
}

static void
lookout_target_page_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (lookout_target_page_parent_class)->root (widget);

  update_events (LOOKOUT_TARGET_PAGE (widget));
}

static void
lookout_target_page_dispose (GObject *object)
{
  LookoutTargetPage *self = (LookoutTargetPage *)object;

  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->target_signals != NULL)
    g_signal_group_set_target (self->target_signals, NULL);
  g_clear_object (&self->target_signals);
  g_clear_object (&self->target);
  g_clear_object (&self->store);
  g_clear_object (&self->event_model);

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TARGET_PAGE);

  G_OBJECT_CLASS (lookout_target_page_parent_class)->dispose (object);
}

static void
lookout_target_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LookoutTargetPage *self = LOOKOUT_TARGET_PAGE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    case PROP_MONITOR:
      g_value_set_object (value, lookout_target_history_get_monitor (self->history));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LookoutTargetPage *self = LOOKOUT_TARGET_PAGE (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      lookout_target_page_set_target (self, g_value_get_object (value));
      break;

    case PROP_MONITOR:
      lookout_target_page_set_monitor (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_page_class_init (LookoutTargetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_page_dispose;
  object_class->get_property = lookout_target_page_get_property;
  object_class->set_property = lookout_target_page_set_property;

  widget_class->root = lookout_target_page_root;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL,
                         LOOKOUT_TYPE_TARGET,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Where the history block reads history and live results from. */
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL,
                         LOOKOUT_TYPE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_TARGET_HISTORY);
  g_type_ensure (LOOKOUT_TYPE_UPTIME_BOX);
  g_type_ensure (LOOKOUT_TYPE_RESULT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-target-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, page);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, state_dot);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, last_checked_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, latency_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, kind_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, uri_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, interval_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, timeout_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, threshold_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, history);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, uptime_box);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetPage, result_view);
}

static void
lookout_target_page_init (LookoutTargetPage *self)
{
  GtkWidget *group;

  gtk_widget_init_template (GTK_WIDGET (self));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Recent Events"));
  self->event_list = LOOKOUT_EVENT_LIST (lookout_event_list_new ());
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->event_list));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));

  self->anomaly_list = LOOKOUT_ANOMALY_LIST (lookout_anomaly_list_new ());
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (self->anomaly_list));

  self->path = LOOKOUT_TARGET_PATH (lookout_target_path_new ());
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (self->path));

  self->target_signals = g_signal_group_new (LOOKOUT_TYPE_TARGET);
  g_signal_group_connect_object (self->target_signals, "notify",
                                 G_CALLBACK (target_notified_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
lookout_target_page_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TARGET_PAGE, NULL);
}

LookoutTarget *
lookout_target_page_get_target (LookoutTargetPage *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_PAGE (self), NULL);

  return self->target;
}

/* Another target's page starts at its top. libadwaita 1.2 has no
 * adw_preferences_page_scroll_to_top(): the page's scrolled window is its
 * first child. */
static void
scroll_to_top (LookoutTargetPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->page);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child)), 0);
}

void
lookout_target_page_set_target (LookoutTargetPage *self,
                                LookoutTarget     *target)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_PAGE (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (!g_set_object (&self->target, target))
    return;

  g_signal_group_set_target (self->target_signals, target);
  g_clear_handle_id (&self->update_source, g_source_remove);
  lookout_target_history_set_target (self->history, target);
  lookout_uptime_box_set_target (self->uptime_box, self->store, target);
  /* Another target's result must not linger under this one's name. */
  lookout_result_view_set_result (self->result_view, NULL);
  lookout_target_path_set_target (self->path, lookout_target_history_get_monitor (self->history), target);
  lookout_uptime_box_set_result (self->uptime_box, NULL);
  update (self);
  update_events (self);
  scroll_to_top (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

void
lookout_target_page_set_monitor (LookoutTargetPage *self,
                                 LookoutMonitor    *monitor)
{
  LookoutStore *store;

  g_return_if_fail (LOOKOUT_IS_TARGET_PAGE (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));

  if (lookout_target_history_get_monitor (self->history) == monitor)
    return;

  lookout_target_history_set_monitor (self->history, monitor);
  store = monitor != NULL ? lookout_monitor_get_store (monitor) : NULL;
  g_set_object (&self->store, store);
  lookout_uptime_box_set_target (self->uptime_box, self->store, self->target);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

void
lookout_target_page_set_result (LookoutTargetPage *self,
                                LookoutResult     *result)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_PAGE (self));

  lookout_result_view_set_result (self->result_view, result);
  lookout_target_path_add_result (self->path, result);
  lookout_uptime_box_set_result (self->uptime_box, result);
}

LookoutTargetPath *
lookout_target_page_get_path (LookoutTargetPage *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_PAGE (self), NULL);

  return self->path;
}
