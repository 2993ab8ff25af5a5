/* lookout-target-row.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One row of the sidebar list. Rows are recycled by the GtkListView, so a
 * row follows whatever target it is given through a GSignalGroup and names
 * itself (and the list item widget that holds it, which is what assistive
 * technologies see as the list item) after that target.
 *
 * The list view keeps many more rows bound than it shows. A new result for
 * a row out of view only marks it stale: a label changed there would still
 * lay the list out again and paint a frame. The row catches up when the
 * list's scrolling (or resizing) brings it into view. */

#define G_LOG_DOMAIN "lookout-target-row"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-gui-utils.h"
#include "lookout-sparkline.h"
#include "lookout-target-row.h"

struct _LookoutTargetRow
{
  GtkWidget      parent_instance;

  LookoutTarget *target;
  GSignalGroup  *target_signals;

  GtkWidget     *box;
  GtkWidget     *state_dot;
  GtkLabel      *name_label;
  GtkLabel      *state_label;
  GtkLabel      *kind_label;
  GtkLabel      *latency_label;
  GtkWidget     *sparkline;

  GtkAdjustment *vadjustment;     /* of the list around, while mapped */
  gboolean       stale;
};

G_DEFINE_FINAL_TYPE (LookoutTargetRow, lookout_target_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TARGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_name (LookoutTargetRow *self)
{
  const char *name = self->target ? lookout_target_get_name (self->target) : NULL;
  GtkWidget *parent;

  gtk_label_set_label (self->name_label, name ? name : "");
  lookout_set_accessible_label (GTK_WIDGET (self), name);

  /* The GtkListItemWidget around us is the node with the list-item role. */
  parent = gtk_widget_get_parent (GTK_WIDGET (self));
  if (parent != NULL)
    lookout_set_accessible_label (parent, name);
}

/* What a screen reader says after the row's name: the state first. */
static void
update_description (LookoutTargetRow *self)
{
  g_autofree char *description = NULL;
  GtkWidget *parent;

  if (self->target != NULL)
    /* Translators: a target's row for screen readers: state, kind, last response time */
    description = g_strdup_printf (_("%s, %s, %s"),
                                   gtk_label_get_label (self->state_label),
                                   gtk_label_get_label (self->kind_label),
                                   gtk_label_get_label (self->latency_label));

  lookout_set_accessible_description (GTK_WIDGET (self), description);
  parent = gtk_widget_get_parent (GTK_WIDGET (self));
  if (parent != NULL)
    lookout_set_accessible_description (parent, description);
}

static void
update_state (LookoutTargetRow *self)
{
  LookoutTargetState state = LOOKOUT_TARGET_STATE_UNKNOWN;

  if (self->target != NULL)
    state = lookout_target_get_state (self->target);

  gtk_label_set_label (self->state_label, lookout_target_state_get_label (state));
  lookout_set_state_css_class (self->state_dot, state);
  lookout_set_state_css_class (GTK_WIDGET (self->state_label), state);
  update_description (self);
}

static void
update_kind (LookoutTargetRow *self)
{
  if (self->target == NULL)
    {
      gtk_label_set_label (self->kind_label, "");
      return;
    }

  gtk_label_set_label (self->kind_label,
                       lookout_target_kind_get_label (lookout_target_get_kind (self->target)));
  update_description (self);
}

static void
update_latency (LookoutTargetRow *self)
{
  g_autofree char *text = NULL;

  text = lookout_format_latency (self->target ? lookout_target_get_last_latency (self->target) : -1);
  gtk_label_set_label (self->latency_label, text);
  update_description (self);
}

static void
name_changed_cb (LookoutTargetRow *self)
{
  update_name (self);
}

static void
state_changed_cb (LookoutTargetRow *self)
{
  update_state (self);
}

static void
kind_changed_cb (LookoutTargetRow *self)
{
  update_kind (self);
}

static void
latency_changed_cb (LookoutTargetRow *self)
{
  if (lookout_widget_out_of_view (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  update_latency (self);
}

static void
checked_cb (LookoutTargetRow *self)
{
  if (lookout_widget_out_of_view (GTK_WIDGET (self)))
    self->stale = TRUE;
}

static void
catch_up (LookoutTargetRow *self)
{
  self->stale = FALSE;
  update_latency (self);
  gtk_widget_queue_draw (self->sparkline);
}

static void
view_changed_cb (LookoutTargetRow *self)
{
  if (!self->stale || lookout_widget_out_of_view (GTK_WIDGET (self)))
    return;

  catch_up (self);
}

static void
lookout_target_row_map (GtkWidget *widget)
{
  LookoutTargetRow *self = LOOKOUT_TARGET_ROW (widget);
  GtkWidget *view;

  GTK_WIDGET_CLASS (lookout_target_row_parent_class)->map (widget);

  /* Shown again: the list maps the rows it brings into view. */
  if (self->stale)
    catch_up (self);

  view = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLABLE);
  if (view != NULL)
    {
      g_set_object (&self->vadjustment, gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)));
      if (self->vadjustment != NULL)
        {
          g_signal_connect_object (self->vadjustment, "value-changed",
                                   G_CALLBACK (view_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
          g_signal_connect_object (self->vadjustment, "changed",
                                   G_CALLBACK (view_changed_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
        }
    }
}

static void
lookout_target_row_unmap (GtkWidget *widget)
{
  LookoutTargetRow *self = LOOKOUT_TARGET_ROW (widget);

  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);

  GTK_WIDGET_CLASS (lookout_target_row_parent_class)->unmap (widget);
}

static void
lookout_target_row_dispose (GObject *object)
{
  LookoutTargetRow *self = (LookoutTargetRow *)object;

  if (self->target_signals != NULL)
    g_signal_group_set_target (self->target_signals, NULL);
  g_clear_object (&self->target_signals);
  g_clear_object (&self->target);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TARGET_ROW);

  G_OBJECT_CLASS (lookout_target_row_parent_class)->dispose (object);
}

static void
lookout_target_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutTargetRow *self = LOOKOUT_TARGET_ROW (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LookoutTargetRow *self = LOOKOUT_TARGET_ROW (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      lookout_target_row_set_target (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_row_class_init (LookoutTargetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_row_dispose;
  object_class->get_property = lookout_target_row_get_property;
  object_class->set_property = lookout_target_row_set_property;

  widget_class->map = lookout_target_row_map;
  widget_class->unmap = lookout_target_row_unmap;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL,
                         LOOKOUT_TYPE_TARGET,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_SPARKLINE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-target-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, box);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, state_dot);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, latency_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetRow, sparkline);
}

static void
lookout_target_row_init (LookoutTargetRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->target_signals = g_signal_group_new (LOOKOUT_TYPE_TARGET);
  g_signal_group_connect_object (self->target_signals, "notify::name",
                                 G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->target_signals, "notify::state",
                                 G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->target_signals, "notify::kind",
                                 G_CALLBACK (kind_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->target_signals, "notify::uri",
                                 G_CALLBACK (kind_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->target_signals, "notify::last-latency",
                                 G_CALLBACK (latency_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->target_signals, "notify::last-checked",
                                 G_CALLBACK (checked_cb), self, G_CONNECT_SWAPPED);

  update_name (self);
  update_state (self);
  update_kind (self);
  update_latency (self);
}

GtkWidget *
lookout_target_row_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TARGET_ROW, NULL);
}

LookoutTarget *
lookout_target_row_get_target (LookoutTargetRow *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_ROW (self), NULL);

  return self->target;
}

void
lookout_target_row_set_target (LookoutTargetRow *self,
                               LookoutTarget    *target)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_ROW (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (!g_set_object (&self->target, target))
    return;

  g_signal_group_set_target (self->target_signals, target);

  self->stale = FALSE;
  update_name (self);
  update_state (self);
  update_kind (self);
  update_latency (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}
