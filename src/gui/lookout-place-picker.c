/* lookout-place-picker.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-place-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-application.h"
#include "lookout-place-picker.h"
#include "lookout-target-options.h"

struct _LookoutPlacePicker
{
  GtkWidget    parent_instance;

  GtkWidget   *button;
  GtkWidget   *popover;
  GtkWidget   *box;
  GtkEditable *editable;
  GStrv        names;       /* set by hand, or NULL */
  GHashTable  *checks;      /* name -> GtkCheckButton */
  gboolean     filling;
};

G_DEFINE_FINAL_TYPE (LookoutPlacePicker, lookout_place_picker, GTK_TYPE_WIDGET)

/* The names in the text, trimmed, empty ones left out. */
static GPtrArray *
listed_names (LookoutPlacePicker *self)
{
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (self->editable), ",", -1);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);

      if (*name != '\0')
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

static gboolean
has_name (GPtrArray  *names,
          const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

static void
toggled_cb (GtkCheckButton     *check,
            LookoutPlacePicker *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "lookout-place");
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->filling)
    return;

  names = listed_names (self);
  if (gtk_check_button_get_active (check) && !has_name (names, name))
    g_ptr_array_add (names, g_strdup (name));
  else if (!gtk_check_button_get_active (check))
    for (guint i = names->len; i > 0; i--)
      if (g_str_equal (g_ptr_array_index (names, i - 1), name))
        g_ptr_array_remove_index (names, i - 1);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "," : "", (char *) g_ptr_array_index (names, i));
  gtk_editable_set_text (self->editable, text->str);
}

static void
add_check (LookoutPlacePicker *self,
           const char         *name,
           const char         *label,
           GPtrArray          *listed)
{
  GtkWidget *check;

  if (g_hash_table_contains (self->checks, name))
    return;
  check = gtk_check_button_new_with_label (label);
  g_object_set_data_full (G_OBJECT (check), "lookout-place", g_strdup (name), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), has_name (listed, name));
  g_signal_connect (check, "toggled", G_CALLBACK (toggled_cb), self);
  gtk_box_append (GTK_BOX (self->box), check);
  g_hash_table_insert (self->checks, g_strdup (name), check);
}

static GStrv
dup_agent_names (LookoutPlacePicker *self)
{
  GApplication *app = g_application_get_default ();

  if (self->names != NULL)
    return g_strdupv (self->names);
  if (LOOKOUT_IS_APPLICATION (app) && lookout_application_get_agents (LOOKOUT_APPLICATION (app)) != NULL)
    return lookout_agents_dup_names (lookout_application_get_agents (LOOKOUT_APPLICATION (app)));
  return g_new0 (char *, 1);
}

static void
fill (LookoutPlacePicker *self)
{
  g_autoptr(GPtrArray) listed = listed_names (self);
  g_auto(GStrv) agents = dup_agent_names (self);
  GtkWidget *child;

  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (self->box)) != NULL)
    gtk_box_remove (GTK_BOX (self->box), child);
  g_hash_table_remove_all (self->checks);

  add_check (self, LOOKOUT_LOCATION_LOCAL, _("This computer (local)"), listed);
  for (guint i = 0; agents[i] != NULL; i++)
    add_check (self, agents[i], agents[i], listed);
  /* a name typed that is no agent (yet) can still be taken out */
  for (guint i = 0; i < listed->len; i++)
    add_check (self, g_ptr_array_index (listed, i), g_ptr_array_index (listed, i), listed);
  if (agents[0] == NULL)
    {
      GtkWidget *hint = gtk_label_new (_("Agents added in Preferences → Agents are offered here"));

      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (hint), 30);
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (GTK_BOX (self->box), hint);
    }
  self->filling = FALSE;
}

static void
popover_shown_cb (LookoutPlacePicker *self)
{
  fill (self);
}

static void
lookout_place_picker_dispose (GObject *object)
{
  LookoutPlacePicker *self = LOOKOUT_PLACE_PICKER (object);

  g_clear_pointer (&self->button, gtk_widget_unparent);
  g_clear_pointer (&self->checks, g_hash_table_unref);
  g_clear_pointer (&self->names, g_strfreev);
  g_clear_object (&self->editable);

  G_OBJECT_CLASS (lookout_place_picker_parent_class)->dispose (object);
}

static void
lookout_place_picker_class_init (LookoutPlacePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_place_picker_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
lookout_place_picker_init (LookoutPlacePicker *self)
{
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (self->popover), self->box);
  g_signal_connect_object (self->popover, "show", G_CALLBACK (popover_shown_cb), self, G_CONNECT_SWAPPED);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->button), "network-workgroup-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), self->popover);
  gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->button, "flat");
  gtk_widget_set_tooltip_text (self->button, _("Choose the places it is checked from"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose the places it is checked from"), -1);
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
}

GtkWidget *
lookout_place_picker_new (GtkEditable *editable)
{
  LookoutPlacePicker *self;

  g_return_val_if_fail (GTK_IS_EDITABLE (editable), NULL);

  self = g_object_new (LOOKOUT_TYPE_PLACE_PICKER, NULL);
  self->editable = g_object_ref (editable);
  return GTK_WIDGET (self);
}

void
lookout_place_picker_set_names (LookoutPlacePicker *self,
                                const char * const *names)
{
  g_return_if_fail (LOOKOUT_IS_PLACE_PICKER (self));

  g_clear_pointer (&self->names, g_strfreev);
  self->names = g_strdupv ((char **) names);
}

void
lookout_place_picker_popup (LookoutPlacePicker *self)
{
  g_return_if_fail (LOOKOUT_IS_PLACE_PICKER (self));

  /* filled afresh from the text each time it opens */
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (self->button));
}

GtkCheckButton *
lookout_place_picker_get_check (LookoutPlacePicker *self,
                                const char         *name)
{
  g_return_val_if_fail (LOOKOUT_IS_PLACE_PICKER (self), NULL);

  return g_hash_table_lookup (self->checks, name);
}
