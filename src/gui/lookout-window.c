/* lookout-window.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window: a leaflet with the target list (a GtkListView over the
 * monitor's model, so only the visible rows exist) and a content stack that
 * shows a spinner while the store opens, the introduction while there are no
 * targets, and the selected target's page otherwise. */

#define G_LOG_DOMAIN "lookout-window"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-dashboard-plot.h"
#include "lookout-gui-utils.h"
#include "lookout-target-dialog.h"
#include "lookout-target-page.h"
#include "lookout-target-row.h"
#include "lookout-window-private.h"

G_DEFINE_FINAL_TYPE (LookoutWindow, lookout_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void migration_progress_cb (LookoutWindow *self,
                                   GParamSpec    *pspec,
                                   LookoutStore  *store);

/* Well-known public services of different kinds, for a first look. */
static const struct {
  const char *uri;
  const char *name;
} example_targets[] = {
  { "https://www.gnome.org/", N_("GNOME website") },
  { "https://www.debian.org/", N_("Debian website") },
  { "icmp://9.9.9.9", N_("Quad9 DNS (ping)") },
  { "dns://1.1.1.1/gnome.org?type=A", N_("Cloudflare DNS resolver") },
  { "tcp://github.com:22", N_("GitHub SSH") },
  { "ntp://pool.ntp.org", N_("NTP Pool") },
};

static void
update_title (LookoutWindow *self)
{
  LookoutTarget *target = lookout_window_get_selected_target (self);

  if (lookout_window_map_is_shown (self))
    {
      adw_window_title_set_title (self->content_title, _("Map of All Targets"));
      adw_window_title_set_subtitle (self->content_title, NULL);
      return;
    }

  adw_window_title_set_title (self->content_title,
                              target ? lookout_target_get_name (target) : "");
  adw_window_title_set_subtitle (self->content_title,
                                 target ? lookout_target_get_uri_string (target) : NULL);
}

static void
update_view (LookoutWindow *self)
{
  LookoutTarget *target = lookout_window_get_selected_target (self);
  guint n_items = 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-target", target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-target", target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-target-menu", target != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause-target",
                                 target != NULL && lookout_target_get_enabled (target));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-target",
                                 target != NULL && !lookout_target_get_enabled (target));
  gtk_widget_set_visible (self->pause_button,
                          target != NULL && lookout_target_get_enabled (target) &&
                          !lookout_window_map_is_shown (self));
  gtk_widget_set_visible (self->resume_button,
                          target != NULL && !lookout_target_get_enabled (target) &&
                          !lookout_window_map_is_shown (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-target", self->monitor != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-examples", self->monitor != NULL);

  g_signal_group_set_target (self->selected_signals, target);
  lookout_target_page_set_target (self->target_page, target);
  lookout_target_page_set_result (self->target_page, target ? lookout_window_get_last_result (self, target) : NULL);
  update_title (self);

  if (self->monitor == NULL)
    return;

  n_items = g_list_model_get_n_items (lookout_monitor_get_targets (self->monitor));
  gtk_widget_set_sensitive (GTK_WIDGET (self->dashboard_button), n_items > 0);
  gtk_stack_set_visible_child_name (self->sidebar_stack, n_items > 0 ? "list" : "empty");

  if (n_items == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      adw_leaflet_set_visible_child (self->leaflet, self->content);
    }
  else if (lookout_window_map_is_shown (self))
    gtk_stack_set_visible_child_name (self->content_stack, "dashboard");
  else if (target == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "none-selected");
  else
    gtk_stack_set_visible_child_name (self->content_stack, "target");
}

/* A spinner animates through CSS, and one animated style anywhere in the
 * window, even on a page the stack hides, keeps the frame clock painting
 * every frame: it spins only while its page shows. */
static void
content_page_changed_cb (LookoutWindow *self)
{
  GtkWidget *loading = gtk_stack_get_child_by_name (self->content_stack, "loading");

  gtk_spinner_set_spinning (GTK_SPINNER (loading),
                            gtk_stack_get_visible_child (self->content_stack) == loading);
}

/* The selection moves from code too (a target picked on the dashboard, the
 * map or a notification, a search, a removal), and the list view moves its
 * keyboard focus only for keys and clicks: a row kept the focus ring
 * while another was selected, and both looked current. While the focus is
 * in the list, it goes to the selected row. */
static gboolean
focus_in_list (LookoutWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *list = GTK_WIDGET (self->list_view);

  return focus != NULL && (focus == list || gtk_widget_is_ancestor (focus, list));
}

static void
focus_selected_row (LookoutWindow *self,
                    gboolean       always)
{
  LookoutTarget *selected = lookout_window_get_selected_target (self);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *list = GTK_WIDGET (self->list_view);

  if (selected == NULL || (!always && !focus_in_list (self)))
    return;

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);

      if (row != NULL && LOOKOUT_IS_TARGET_ROW (row) &&
          lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)) == selected)
        {
          if (focus != item)
            gtk_widget_grab_focus (item);
          return;
        }
    }
}

/* And the other way round: a row that takes the focus (Tab, Ctrl+arrows,
 * which move the focus alone) is selected. */
static void
focus_widget_notified_cb (LookoutWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *row;
  guint position;

  if (focus == NULL || gtk_widget_get_parent (focus) != GTK_WIDGET (self->list_view) ||
      (row = gtk_widget_get_first_child (focus)) == NULL || !LOOKOUT_IS_TARGET_ROW (row) ||
      lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)) == NULL ||
      lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)) == lookout_window_get_selected_target (self))
    return;

  if (lookout_window_find_position (self, lookout_target_row_get_target (LOOKOUT_TARGET_ROW (row)), &position))
    gtk_single_selection_set_selected (self->selection, position);
}

/* A removed row took the focus with it: once the list is laid out again,
 * the row selected in its place gets it. */
static gboolean
refocus_list_cb (gpointer user_data)
{
  LookoutWindow *self = user_data;

  self->refocus_id = 0;
  focus_selected_row (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
selection_changed_cb (LookoutWindow *self)
{
  focus_selected_row (self, FALSE);
  update_view (self);
  lookout_window_map_selection_changed (self, lookout_window_get_selected_target (self));
}

static void
items_changed_cb (LookoutWindow *self)
{
  update_view (self);
}

static void
monitor_result_cb (LookoutWindow *self,
                   LookoutTarget *target,
                   LookoutResult *result)
{
  gint64 id = lookout_target_get_id (target);

  g_hash_table_replace (self->last_results, g_memdup2 (&id, sizeof id), lookout_result_ref (result));
  if (target == lookout_window_get_selected_target (self))
    {
      lookout_target_page_set_result (self->target_page, result);
      lookout_window_map_show_result (self, result);
    }
}

static void
selected_target_notified_cb (LookoutWindow *self)
{
  update_title (self);
}

static void
selected_enabled_notified_cb (LookoutWindow *self)
{
  update_view (self);
}

static void
list_activated_cb (LookoutWindow *self,
                   guint          position)
{
  gtk_single_selection_set_selected (self->selection, position);
  lookout_window_leave_map (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* The row menu is one popover that lives as long as the window, parented
 * to the sidebar. A popover made per click and parented to the row was
 * unparented by its "closed" handler before the menu item activated its
 * action, so the item no longer reached the window's actions (and a row
 * is recycled by the list view anyway). */
static void
show_target_menu (LookoutWindow *self,
                  GtkWidget     *row,
                  double         x,
                  double         y)
{
  graphene_point_t point;

  if (x < 0 || y < 0)
    {
      x = 0;
      y = gtk_widget_get_height (row);
    }
  if (!gtk_widget_compute_point (row, self->sidebar, &GRAPHENE_POINT_INIT (x, y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);

  gtk_popover_set_pointing_to (GTK_POPOVER (self->target_popover),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->target_popover));
}

static void
row_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                GtkListItem     *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  LookoutWindow *self = LOOKOUT_WINDOW (gtk_widget_get_root (row));

  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  show_target_menu (self, row, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
row_released_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkListItem     *list_item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  LookoutWindow *self = LOOKOUT_WINDOW (gtk_widget_get_root (row));

  /* A click on a row shows that target's page, also from the map. */
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  lookout_window_leave_map (self);

  /* Narrow: the list and the page take turns, so a click opens the page. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              LookoutWindow            *self)
{
  GtkWidget *row = lookout_target_row_new ();
  GtkGesture *gesture = gtk_gesture_click_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  /* The row keeps its list item for its whole life, so it can say which
   * position a right click was on. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (row_pressed_cb), list_item);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (gesture));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (row_released_cb), list_item);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  gtk_list_item_set_child (list_item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             LookoutWindow            *self)
{
  lookout_target_row_set_target (LOOKOUT_TARGET_ROW (gtk_list_item_get_child (list_item)),
                                 gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               LookoutWindow            *self)
{
  lookout_target_row_set_target (LOOKOUT_TARGET_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
dialog_saved_cb (LookoutWindow *self,
                 LookoutTarget *target)
{
  lookout_window_select_target (self, target);
}

static void
open_dialog (LookoutWindow *self,
             LookoutTarget *target)
{
  LookoutTargetDialog *dialog;

  if (self->monitor == NULL)
    return;

  dialog = lookout_target_dialog_new (self->monitor, target);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (dialog_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_target_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  open_dialog (LOOKOUT_WINDOW (widget), NULL);
}

static void
edit_target_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  LookoutTarget *target = lookout_window_get_selected_target (self);

  if (target != NULL)
    open_dialog (self, target);
}

static void
show_error_toast (LookoutWindow *self,
                  const GError  *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
target_readded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_toast (self, error);
    }
}

static void
undo_remove_cb (AdwToast      *toast,
                LookoutTarget *target)
{
  LookoutWindow *self = g_object_get_data (G_OBJECT (toast), "lookout-window");

  if (self == NULL || self->monitor == NULL)
    return;

  /* The same object, id included: the store keeps its history. */
  lookout_monitor_add_target_async (self->monitor, target, self->cancellable,
                                    target_readded_cb, g_object_ref (self));
}

static void
remove_target_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  LookoutTarget *selected = lookout_window_get_selected_target (self);
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (selected == NULL || self->monitor == NULL)
    return;

  target = g_object_ref (selected);
  if (focus_in_list (self) && self->refocus_id == 0)
    self->refocus_id = g_idle_add (refocus_list_cb, self);
  lookout_monitor_remove_target (self->monitor, target);

  title = g_strdup_printf (_("Removed “%s”"), lookout_target_get_name (target));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data (G_OBJECT (toast), "lookout-window", self);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_remove_cb),
                         g_steal_pointer (&target), (GClosureNotify) g_object_unref, 0);
  g_set_weak_pointer (&self->removed_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
target_paused_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_update_target_finish (LOOKOUT_MONITOR (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error_toast (self, error);
}

/* A paused target keeps its history and settings; the scheduler stops
 * checking it and its state reads "Paused" until it is resumed. */
static void
pause_target_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  LookoutTarget *target = lookout_window_get_selected_target (self);
  g_autoptr(LookoutTarget) changes = NULL;

  if (target == NULL || self->monitor == NULL)
    return;

  changes = lookout_target_copy (target);
  lookout_target_set_enabled (changes, g_str_equal (action_name, "win.resume-target"));
  lookout_monitor_update_target_async (self->monitor, target, changes, self->cancellable,
                                       target_paused_cb, g_object_ref (self));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  lookout_target_finder_set_search_mode (self->finder, TRUE);
}

static void
show_target_menu_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list_view)))
    focus = GTK_WIDGET (self->list_view);
  show_target_menu (self, focus, -1, -1);
}

static void
example_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error_toast (self, error);
}

static void
add_examples_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);
  g_autoptr(GSettings) settings = lookout_dup_settings ();

  if (self->monitor == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (example_targets); i++)
    {
      g_autoptr(LookoutTarget) target = NULL;
      g_autoptr(GError) error = NULL;

      if (!(target = lookout_target_new_from_string (example_targets[i].uri, &error)))
        {
          g_warning ("Example target %s: %s", example_targets[i].uri, error->message);
          continue;
        }
      if (lookout_monitor_find_target_by_uri (self->monitor, lookout_target_get_uri_string (target)))
        continue;

      lookout_target_set_name (target, _(example_targets[i].name));
      if (settings != NULL)
        {
          lookout_target_set_interval (target, g_settings_get_uint (settings, "default-interval"));
          lookout_target_set_timeout (target, g_settings_get_uint (settings, "default-timeout"));
          lookout_target_set_fail_threshold (target, g_settings_get_uint (settings, "default-fail-threshold"));
        }
      lookout_monitor_add_target_async (self->monitor, target, self->cancellable,
                                        example_added_cb, g_object_ref (self));
    }
}

/* Made when asked for, destroyed when closed. GtkApplication would make it
 * with every window from gtk/help-overlay.ui and keep it hidden, never
 * realized; GTK 4.8 answers an accessibility client that asks the
 * application for a window past the shown ones with the last window, and
 * one never realized has no object path there: the process crashed. */
static void
show_help_overlay_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/lookoutapp/Lookout/lookout-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (user_data));
  gtk_window_present (shortcuts);
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LookoutWindow *self = LOOKOUT_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static gboolean
lookout_window_close_request (GtkWindow *window)
{
  LookoutWindow *self = LOOKOUT_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (lookout_window_parent_class)->close_request (window);
}

static void
lookout_window_dispose (GObject *object)
{
  LookoutWindow *self = (LookoutWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refocus_id, g_source_remove);
  g_clear_weak_pointer (&self->removed_toast);
  g_clear_weak_pointer (&self->migration_toast);
  g_clear_pointer (&self->target_popover, gtk_widget_unparent);

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (lookout_monitor_get_targets (self->monitor), self);
      g_signal_handlers_disconnect_by_func (self->monitor, monitor_result_cb, self);
      if (lookout_monitor_get_store (self->monitor) != NULL)
        g_signal_handlers_disconnect_by_func (lookout_monitor_get_store (self->monitor),
                                              migration_progress_cb, self);
    }
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->selected_signals != NULL)
    g_signal_group_set_target (self->selected_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->monitor);
  g_clear_object (&self->selected_signals);

  G_OBJECT_CLASS (lookout_window_parent_class)->dispose (object);
}

static void
lookout_window_finalize (GObject *object)
{
  LookoutWindow *self = (LookoutWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_results, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_window_parent_class)->finalize (object);
}

static void
lookout_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LookoutWindow *self = LOOKOUT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LookoutWindow *self = LOOKOUT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      lookout_window_set_monitor (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_window_class_init (LookoutWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = lookout_window_dispose;
  object_class->finalize = lookout_window_finalize;
  object_class->get_property = lookout_window_get_property;
  object_class->set_property = lookout_window_set_property;

  window_class->close_request = lookout_window_close_request;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL,
                         LOOKOUT_TYPE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_TARGET_PAGE);
  g_type_ensure (LOOKOUT_TYPE_TARGET_FINDER);
  g_type_ensure (LOOKOUT_TYPE_DASHBOARD_PLOT);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, content);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, finder);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, read_only_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, saving_revealer);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, saving_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, target_page);
  gtk_widget_class_bind_template_child (widget_class, LookoutWindow, target_menu);

  gtk_widget_class_install_action (widget_class, "win.add-target", NULL, add_target_action);
  gtk_widget_class_install_action (widget_class, "win.edit-target", NULL, edit_target_action);
  gtk_widget_class_install_action (widget_class, "win.remove-target", NULL, remove_target_action);
  gtk_widget_class_install_action (widget_class, "win.show-target-menu", NULL, show_target_menu_action);
  gtk_widget_class_install_action (widget_class, "win.add-examples", NULL, add_examples_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.pause-target", NULL, pause_target_action);
  gtk_widget_class_install_action (widget_class, "win.resume-target", NULL, pause_target_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);

  lookout_window_map_class_init (widget_class);
  lookout_window_transfer_class_init (widget_class);
}

static void
lookout_window_init (LookoutWindow *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  self->last_results = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                              (GDestroyNotify) lookout_result_unref);

  static const GActionEntry entries[] = {
    { "show-help-overlay", show_help_overlay_cb },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);

  self->settings = lookout_dup_settings ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 960, 640);

  self->target_popover = gtk_popover_menu_new_from_model (self->target_menu);
  gtk_widget_set_parent (self->target_popover, self->sidebar);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->target_popover), FALSE);
  gtk_widget_set_halign (self->target_popover, GTK_ALIGN_START);

  lookout_window_map_init (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->selection = gtk_single_selection_new (g_object_ref (lookout_target_finder_get_model (self->finder)));
  lookout_target_finder_set_key_capture_widget (self->finder, GTK_WIDGET (self->list_view));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list_view, "activate",
                           G_CALLBACK (list_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_notified_cb), NULL);

  self->selected_signals = g_signal_group_new (LOOKOUT_TYPE_TARGET);
  g_signal_group_connect_object (self->selected_signals, "notify::name",
                                 G_CALLBACK (selected_target_notified_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->selected_signals, "notify::uri-string",
                                 G_CALLBACK (selected_target_notified_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->selected_signals, "notify::enabled",
                                 G_CALLBACK (selected_enabled_notified_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->content_stack, "notify::visible-child-name",
                           G_CALLBACK (content_page_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  update_view (self);
}

void
lookout_window_update_view (LookoutWindow *self)
{
  update_view (self);
}

LookoutWindow *
lookout_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (LOOKOUT_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/* The banner says why results are not being saved, and a toast when they
 * are again, in the words the agent prints. */
static void
store_saving_changed_cb (LookoutWindow *self,
                         GParamSpec    *pspec,
                         LookoutStore  *store)
{
  g_autofree char *text = NULL;
  guint64 dropped = lookout_store_get_n_dropped (store);

  if (lookout_store_get_saving (store))
    {
      if (gtk_revealer_get_reveal_child (self->saving_revealer))
        {
          g_autofree char *resumed =
            g_strdup_printf (_("Saving resumed (%llu results written late)"),
                             (unsigned long long) lookout_store_get_n_written_late (store));

          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (resumed));
        }
      gtk_revealer_set_reveal_child (self->saving_revealer, FALSE);
      return;
    }

  if (dropped > 0)
    text = g_strdup_printf (_("Results are not being saved: %s. %llu results were dropped."),
                            lookout_store_get_saving_problem (store),
                            (unsigned long long) dropped);
  else
    text = g_strdup_printf (_("Results are not being saved: %s"),
                            lookout_store_get_saving_problem (store));
  gtk_label_set_text (self->saving_label, text);
  gtk_revealer_set_reveal_child (self->saving_revealer, TRUE);
}

LookoutMonitor *
lookout_window_get_monitor (LookoutWindow *self)
{
  g_return_val_if_fail (LOOKOUT_IS_WINDOW (self), NULL);

  return self->monitor;
}

/* Moving an older file's samples into chunks runs in the background;
 * a large file takes a while, and the window says how far it has got. */
static void
migration_progress_cb (LookoutWindow *self,
                       GParamSpec    *pspec,
                       LookoutStore  *store)
{
  double progress = lookout_store_get_migration_progress (store);
  g_autofree char *title = NULL;

  if (progress >= 1.0)
    {
      if (self->migration_toast != NULL)
        adw_toast_dismiss (self->migration_toast);
      return;
    }

  /* Translators: the stored history of an older version is being converted */
  title = g_strdup_printf (_("Compacting stored history: %d %%"), (int) (progress * 100));
  if (self->migration_toast != NULL)
    {
      adw_toast_set_title (self->migration_toast, title);
      return;
    }

  self->migration_toast = adw_toast_new (title);
  adw_toast_set_timeout (self->migration_toast, 0);
  g_object_add_weak_pointer (G_OBJECT (self->migration_toast), (gpointer *) &self->migration_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->migration_toast);
}

void
lookout_window_set_monitor (LookoutWindow  *self,
                            LookoutMonitor *monitor)
{
  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor));

  if (self->monitor == monitor)
    return;

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (lookout_monitor_get_targets (self->monitor), self);
      g_signal_handlers_disconnect_by_func (self->monitor, monitor_result_cb, self);
      if (lookout_monitor_get_store (self->monitor) != NULL)
        {
          g_signal_handlers_disconnect_by_func (lookout_monitor_get_store (self->monitor),
                                                store_saving_changed_cb, self);
          g_signal_handlers_disconnect_by_func (lookout_monitor_get_store (self->monitor),
                                                migration_progress_cb, self);
        }
    }

  g_set_object (&self->monitor, monitor);
  lookout_window_map_set_monitor (self, monitor);
  lookout_target_page_set_monitor (self->target_page, monitor);
  g_hash_table_remove_all (self->last_results);

  if (monitor != NULL)
    {
      GListModel *targets = lookout_monitor_get_targets (monitor);

      g_signal_connect_object (targets, "items-changed",
                               G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (monitor, "result",
                               G_CALLBACK (monitor_result_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lookout_monitor_get_store (monitor), "notify::saving",
                               G_CALLBACK (store_saving_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (lookout_monitor_get_store (monitor), "notify::n-dropped",
                               G_CALLBACK (store_saving_changed_cb), self, G_CONNECT_SWAPPED);
      store_saving_changed_cb (self, NULL, lookout_monitor_get_store (monitor));
      lookout_target_finder_set_targets (self->finder, targets);

      if (lookout_monitor_get_store (monitor) != NULL)
        {
          LookoutStore *store = lookout_monitor_get_store (monitor);

          g_signal_connect_object (store, "notify::migration-progress",
                                   G_CALLBACK (migration_progress_cb), self, G_CONNECT_SWAPPED);
          migration_progress_cb (self, NULL, store);
        }
    }
  else
    {
      lookout_target_finder_set_targets (self->finder, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
    }

  update_view (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITOR]);
}

void
lookout_window_set_load_error (LookoutWindow *self,
                               const GError  *error)
{
  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  adw_status_page_set_description (self->error_page, error->message);
  gtk_widget_set_visible (self->read_only_button,
                          g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_LOCKED));
  gtk_stack_set_visible_child_name (self->content_stack, "error");
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

LookoutTarget *
lookout_window_get_selected_target (LookoutWindow *self)
{
  g_return_val_if_fail (LOOKOUT_IS_WINDOW (self), NULL);

  if (self->selection == NULL)
    return NULL;

  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
find_in_list (LookoutWindow *self,
              LookoutTarget *target,
              guint         *position)
{
  GListModel *model = lookout_target_finder_get_model (self->finder);
  guint n_items = g_list_model_get_n_items (model);

  /* New targets are appended: look from the end. */
  for (guint i = n_items; i > 0; i--)
    {
      g_autoptr(LookoutTarget) item = g_list_model_get_item (model, i - 1);

      if (item == target)
        {
          *position = i - 1;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
lookout_window_find_position (LookoutWindow *self,
                              LookoutTarget *target,
                              guint         *position)
{
  g_return_val_if_fail (LOOKOUT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  if (self->monitor == NULL)
    return FALSE;
  if (find_in_list (self, target, position))
    return TRUE;

  /* Hidden by the search or a filter: show everything rather than
   * select something the list does not show. */
  lookout_target_finder_reset (self->finder);
  return find_in_list (self, target, position);
}

void
lookout_window_select_target (LookoutWindow *self,
                              LookoutTarget *target)
{
  guint position;

  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));

  if (!lookout_window_find_position (self, target, &position))
    return;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

LookoutResult *
lookout_window_get_last_result (LookoutWindow *self,
                                LookoutTarget *target)
{
  gint64 id;

  g_return_val_if_fail (LOOKOUT_IS_WINDOW (self), NULL);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  id = lookout_target_get_id (target);

  return g_hash_table_lookup (self->last_results, &id);
}
