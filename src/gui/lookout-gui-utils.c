/* lookout-gui-utils.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-gui-utils"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lookout-gui-utils.h"

void
lookout_set_state_css_class (GtkWidget          *widget,
                             LookoutTargetState  state)
{
  static const char *classes[] = { "up", "degraded", "down", "paused", "unknown" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  gtk_widget_add_css_class (widget, lookout_target_state_to_string (state));
}

void
lookout_set_accessible_label (GtkWidget  *widget,
                              const char *label)
{
  if (label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL);
}

void
lookout_set_accessible_description (GtkWidget  *widget,
                                    const char *description)
{
  if (description != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* GTK 4.8 names a button with a mnemonic both by its label property (the
 * raw label, underscore included, unless the .ui gives one) and by the
 * mnemonic label inside it, which makes itself the button's labelled-by:
 * "_Undo Undo", "Add Add". One name, as a person reads it, is the label's
 * text without the underscore. A button without a mnemonic is left as it is
 * (its name may deliberately say more than its label: "Last 5 minutes"). */
static void
name_from_label (GtkWidget  *widget,
                 const char *label,
                 gboolean    use_underline)
{
  g_autoptr(GString) text = NULL;

  if (label == NULL || *label == '\0' || !use_underline)
    return;

  text = g_string_new (label);
  for (gsize i = 0; i < text->len; i++)
    if (text->str[i] == '_')
      g_string_erase (text, i, 1);   /* "__" leaves one "_" */

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text->str,
                                  -1);
}

/* Icon-only buttons of libraries that leave them unnamed (the map's zoom
 * buttons): named after what the icon means. */
static void
name_from_icon (GtkWidget *button)
{
  static const struct {
    const char *icon;
    const char *name;
  } icons[] = {
    { "zoom-in-symbolic", N_("Zoom In") },
    { "zoom-out-symbolic", N_("Zoom Out") },
    { "edit-find-symbolic", N_("Search") },
  };
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
  const char *tooltip = gtk_widget_get_tooltip_text (button);
  const char *icon = NULL;

  if (GTK_IS_IMAGE (child))
    icon = gtk_image_get_icon_name (GTK_IMAGE (child));
  if (icon == NULL)
    return;

  /* What the pointer shows is what a screen reader says. */
  if (tooltip != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (g_str_equal (icon, icons[i].icon))
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(icons[i].name),
                                      -1);
}

static void
append_label_texts (GtkWidget *widget,
                    GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      const char *label = gtk_label_get_text (GTK_LABEL (widget));

      if (label != NULL && *label != '\0')
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", label);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    append_label_texts (child, text);
}

/* In the windows GTK and libadwaita build for us (Keyboard Shortcuts,
 * About), a few controls have no name in these versions: a button is named
 * by the text it shows, a read-only text by the window it is in. */
static void
name_toolkit_control (GtkWidget *widget,
                      GtkWidget *window)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (GTK_IS_BUTTON (widget) && !GTK_IS_IMAGE (gtk_button_get_child (GTK_BUTTON (widget)))
      && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    append_label_texts (widget, text);
  else if (GTK_IS_MENU_BUTTON (widget))
    {
      /* The shortcuts window's section switcher shows nothing with one section. */
      append_label_texts (widget, text);
      if (text->len == 0)
        g_string_append (text, gtk_window_get_title (GTK_WINDOW (window)));
    }
  else if (GTK_IS_TEXT_VIEW (widget) && !gtk_text_view_get_editable (GTK_TEXT_VIEW (widget)))
    g_string_append (text, gtk_window_get_title (GTK_WINDOW (window)));

  if (text->len == 0)
    return;

  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, text->str, -1);
}

static void
tidy (GtkWidget *root,
      GtkWidget *toolkit_window)
{
  if (toolkit_window != NULL)
    name_toolkit_control (root, toolkit_window);

  if (GTK_IS_BUTTON (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL)
    name_from_label (root, gtk_button_get_label (GTK_BUTTON (root)),
                     gtk_button_get_use_underline (GTK_BUTTON (root)));
  else if (GTK_IS_BUTTON (root))
    name_from_icon (root);
  else if (ADW_IS_EXPANDER_ROW (root))
    /* The row is the list item; libadwaita 1.2 names only the header in it. */
    gtk_accessible_update_property (GTK_ACCESSIBLE (root),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)),
                                    -1);
  else if (GTK_IS_SEARCH_ENTRY (root))
    gtk_accessible_update_property (GTK_ACCESSIBLE (root),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"),
                                    -1);
  else if (GTK_IS_CHECK_BUTTON (root))
    name_from_label (root, gtk_check_button_get_label (GTK_CHECK_BUTTON (root)),
                     gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    tidy (child, toolkit_window);
}

void
lookout_accessible_tidy (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  tidy (root, GTK_IS_SHORTCUTS_WINDOW (root) || ADW_IS_ABOUT_WINDOW (root) ? root : NULL);
}

static void
window_mapped_cb (GtkWidget *window)
{
  lookout_accessible_tidy (window);
}

static void
toplevels_changed_cb (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_signal_handler_find (window, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, window_mapped_cb, NULL) == 0)
        g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), NULL);
    }
}

void
lookout_accessible_tidy_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  toplevels_changed_cb (toplevels, 0, 0, g_list_model_get_n_items (toplevels));
  g_signal_connect (toplevels, "items-changed", G_CALLBACK (toplevels_changed_cb), NULL);
}

void
lookout_load_stylesheet (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/io/github/lookoutapp/Lookout/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

GSettings *
lookout_dup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("The settings schema %s is not installed; settings will not be kept", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* Whether @widget is certainly out of the view of the scrolling widget
 * around it: a list view keeps rows bound well above and below what it
 * shows (hidden with gtk_widget_set_child_visible()), and a change in one
 * of those costs a relayout and a frame for nothing. A widget not placed
 * yet is not out of view: it may be about to show. */
gboolean
lookout_widget_out_of_view (GtkWidget *widget)
{
  GtkWidget *view;
  graphene_rect_t bounds;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  view = gtk_widget_get_ancestor (gtk_widget_get_parent (widget), GTK_TYPE_SCROLLABLE);
  if (view == NULL || !gtk_widget_get_mapped (view))
    return FALSE;

  for (GtkWidget *w = widget; w != view; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_child_visible (w))
      return TRUE;

  if (!gtk_widget_get_mapped (widget) || !gtk_widget_compute_bounds (widget, view, &bounds)
      || bounds.size.width <= 0 || bounds.size.height <= 0)
    return FALSE;

  return bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= gtk_widget_get_height (view)
         || bounds.origin.x + bounds.size.width <= 0 || bounds.origin.x >= gtk_widget_get_width (view);
}
