/* lookout-hop-table.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-hop-table"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-hop-table.h"
#include "lookout-path-tracker.h"

struct _LookoutHopTable
{
  GtkWidget           parent_instance;

  GtkScrolledWindow  *scroller;
  GtkColumnView      *column_view;

  LookoutPathTracker *tracker;
  GListStore         *rows;
  GHashTable         *names;       /* address -> name, "" when it has none */
  GCancellable       *cancellable;
  gboolean            resolve_names;
};

G_DEFINE_FINAL_TYPE (LookoutHopTable, lookout_hop_table, GTK_TYPE_WIDGET)

static const struct
{
  const char *title;
  gboolean    numeric;
} columns[LOOKOUT_HOP_N_COLUMNS] = {
  [LOOKOUT_HOP_COLUMN_HOP]     = { N_("Hop"), TRUE },
  [LOOKOUT_HOP_COLUMN_ADDRESS] = { N_("Address"), FALSE },
  [LOOKOUT_HOP_COLUMN_NAME]    = { N_("Name"), FALSE },
  [LOOKOUT_HOP_COLUMN_LOSS]    = { N_("Loss"), TRUE },
  [LOOKOUT_HOP_COLUMN_SENT]    = { N_("Sent"), TRUE },
  [LOOKOUT_HOP_COLUMN_LAST]    = { N_("Last"), TRUE },
  [LOOKOUT_HOP_COLUMN_MEDIAN]  = { N_("Median"), TRUE },
  [LOOKOUT_HOP_COLUMN_BEST]    = { N_("Best"), TRUE },
  [LOOKOUT_HOP_COLUMN_WORST]   = { N_("Worst"), TRUE },
  [LOOKOUT_HOP_COLUMN_SPREAD]  = { N_("Spread"), TRUE },
};

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[column].numeric ? 1.0 : 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), column == LOOKOUT_HOP_COLUMN_ADDRESS);
  if (columns[column].numeric)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  guint column = GPOINTER_TO_UINT (user_data);
  LookoutHopItem *row = gtk_list_item_get_item (item);
  g_autofree char *text = lookout_hop_item_dup_text (row, column);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

typedef struct
{
  GWeakRef  table;
  char     *address;
} NameLookup;

static void rebuild (LookoutHopTable *self);

static void
name_lookup_free (NameLookup *lookup)
{
  g_weak_ref_clear (&lookup->table);
  g_free (lookup->address);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NameLookup, name_lookup_free)

static void
name_resolved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(NameLookup) lookup = user_data;
  g_autoptr(LookoutHopTable) self = g_weak_ref_get (&lookup->table);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_resolver_lookup_by_address_finish (G_RESOLVER (object), result, &error);

  /* An address that has no name keeps the "—" of an unknown one. */
  if (self == NULL || name == NULL)
    return;

  g_hash_table_replace (self->names, g_strdup (lookup->address), g_steal_pointer (&name));
  rebuild (self);
}

static void
look_up_name (LookoutHopTable *self,
              const char      *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GResolver) resolver = NULL;
  NameLookup *lookup;

  if (inet == NULL || g_hash_table_contains (self->names, address))
    return;

  /* Asked once, whatever the answer. */
  g_hash_table_insert (self->names, g_strdup (address), g_strdup (""));
  lookup = g_new0 (NameLookup, 1);
  g_weak_ref_init (&lookup->table, self);
  lookup->address = g_strdup (address);
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_address_async (resolver, inet, self->cancellable, name_resolved_cb, lookup);
}

static void
rebuild (LookoutHopTable *self)
{
  guint n = lookout_path_tracker_get_n_hops (self->tracker);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      const LookoutPathHop *hop = lookout_path_tracker_get_hop (self->tracker, i);
      const char *address = hop->addresses != NULL ? hop->addresses[0] : NULL;
      const char *name = address != NULL ? g_hash_table_lookup (self->names, address) : NULL;

      if (address != NULL && self->resolve_names)
        look_up_name (self, address);
      g_ptr_array_add (items, lookout_hop_item_new (hop, name != NULL && name[0] != '\0' ? name : NULL));
    }

  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
}

static void
lookout_hop_table_dispose (GObject *object)
{
  LookoutHopTable *self = LOOKOUT_HOP_TABLE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_HOP_TABLE);
  g_clear_object (&self->tracker);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->names, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_hop_table_parent_class)->dispose (object);
}

static void
lookout_hop_table_class_init (LookoutHopTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_hop_table_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-hop-table.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutHopTable, scroller);
  gtk_widget_class_bind_template_child (widget_class, LookoutHopTable, column_view);
}

static void
lookout_hop_table_init (LookoutHopTable *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tracker = lookout_path_tracker_new ();
  self->rows = g_list_store_new (LOOKOUT_TYPE_HOP_ITEM);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
  self->resolve_names = TRUE;

  for (guint i = 0; i < LOOKOUT_HOP_N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (_(columns[i].title), factory);
      gtk_column_view_column_set_expand (column, i == LOOKOUT_HOP_COLUMN_NAME);
      gtk_column_view_append_column (self->column_view, column);
    }

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
}

GtkWidget *
lookout_hop_table_new (void)
{
  return g_object_new (LOOKOUT_TYPE_HOP_TABLE, NULL);
}

gboolean
lookout_hop_table_add_report (LookoutHopTable          *self,
                              const LookoutTraceReport *report)
{
  g_auto(GStrv) old_path = NULL;
  g_auto(GStrv) new_path = NULL;
  gboolean changed;

  g_return_val_if_fail (LOOKOUT_IS_HOP_TABLE (self), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  changed = lookout_path_tracker_add_round (self->tracker, report, &old_path, &new_path);
  rebuild (self);

  return changed;
}

void
lookout_hop_table_reset (LookoutHopTable *self)
{
  g_return_if_fail (LOOKOUT_IS_HOP_TABLE (self));

  g_clear_object (&self->tracker);
  self->tracker = lookout_path_tracker_new ();
  rebuild (self);
}

GListModel *
lookout_hop_table_get_model (LookoutHopTable *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HOP_TABLE (self), NULL);

  return G_LIST_MODEL (self->rows);
}

guint
lookout_hop_table_get_n_rounds (LookoutHopTable *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HOP_TABLE (self), 0);

  return lookout_path_tracker_get_n_rounds (self->tracker);
}

void
lookout_hop_table_set_resolve_names (LookoutHopTable *self,
                                     gboolean         resolve)
{
  g_return_if_fail (LOOKOUT_IS_HOP_TABLE (self));

  self->resolve_names = resolve;
}
