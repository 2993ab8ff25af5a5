/* lookout-target-finder.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The list the sidebar shows is the monitor's targets through a
 * GtkFilterListModel and a GtkSortListModel; with nothing to find and the
 * order of addition both are left without a filter or sorter, so the
 * common case costs nothing.
 *
 * Neither model watches its items, so the finder does: it keeps a mirror
 * of the source's items and follows each target's state, name, address
 * and options. A change only marks what it affects (the counts, the
 * filter, the order, the tags); one short timer then recounts, refilters
 * and re-sorts together, so a burst of state changes (a hundred targets
 * going down at once) costs one pass, not a hundred. */

#define G_LOG_DOMAIN "lookout-target-finder"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lookout-target-finder.h"
#include "lookout-target-tags.h"

#define REFRESH_DELAY_MS 200

typedef enum
{
  DIRTY_COUNTS = 1 << 0,
  DIRTY_FILTER = 1 << 1,
  DIRTY_SORT   = 1 << 2,
  DIRTY_TAGS   = 1 << 3,
} Dirty;

/* The state dropdown's rows after "All States". */
static const struct {
  const char         *label;
  LookoutTargetState  state;
  gboolean            trouble;   /* down or degraded */
} state_rows[] = {
  { N_("In Trouble"), 0, TRUE },
  { N_("Down"), LOOKOUT_TARGET_STATE_DOWN, FALSE },
  { N_("Degraded"), LOOKOUT_TARGET_STATE_DEGRADED, FALSE },
  { N_("Unknown"), LOOKOUT_TARGET_STATE_UNKNOWN, FALSE },
  { N_("Up"), LOOKOUT_TARGET_STATE_UP, FALSE },
  { N_("Paused"), LOOKOUT_TARGET_STATE_PAUSED, FALSE },
};

struct _LookoutTargetFinder
{
  GtkWidget           parent_instance;

  GListModel         *targets;
  GPtrArray          *items;          /* mirror of targets, for disconnecting */
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkFilter          *filter;
  GtkSorter          *sorter;

  char               *search;         /* casefolded, NULL when empty */
  LookoutTargetOrder  order;
  char               *tag;            /* the tag filtered by, or NULL */
  GPtrArray          *tag_names;      /* the tag dropdown's rows after "All Tags" */
  char               *summary;
  guint               counts[LOOKOUT_TARGET_STATE_PAUSED + 1];

  Dirty               dirty;
  guint               refresh_source;

  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *state_dropdown;
  GtkDropDown        *kind_dropdown;
  GtkDropDown        *tag_dropdown;
  GtkDropDown        *order_dropdown;
};

G_DEFINE_FINAL_TYPE (LookoutTargetFinder, lookout_target_finder, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TARGETS,
  PROP_MODEL,
  PROP_SEARCH_MODE,
  PROP_ORDER,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_refresh (LookoutTargetFinder *self,
                              Dirty                dirty);

static gboolean
state_filter_active (LookoutTargetFinder *self)
{
  return gtk_drop_down_get_selected (self->state_dropdown) > 0 &&
         gtk_drop_down_get_selected (self->state_dropdown) != GTK_INVALID_LIST_POSITION;
}

static gboolean
kind_filter_active (LookoutTargetFinder *self)
{
  return gtk_drop_down_get_selected (self->kind_dropdown) > 0 &&
         gtk_drop_down_get_selected (self->kind_dropdown) != GTK_INVALID_LIST_POSITION;
}

static gboolean
filter_active (LookoutTargetFinder *self)
{
  return self->search != NULL || self->tag != NULL ||
         state_filter_active (self) || kind_filter_active (self);
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle) != NULL;
}

gboolean
lookout_target_finder_matches (LookoutTargetFinder *self,
                               LookoutTarget       *target)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_FINDER (self), FALSE);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  if (state_filter_active (self))
    {
      guint row = gtk_drop_down_get_selected (self->state_dropdown) - 1;
      LookoutTargetState state = lookout_target_get_state (target);

      if (row < G_N_ELEMENTS (state_rows))
        {
          if (state_rows[row].trouble
              ? (state != LOOKOUT_TARGET_STATE_DOWN && state != LOOKOUT_TARGET_STATE_DEGRADED)
              : state != state_rows[row].state)
            return FALSE;
        }
    }

  if (kind_filter_active (self) &&
      (guint) lookout_target_get_kind (target) != gtk_drop_down_get_selected (self->kind_dropdown) - 1)
    return FALSE;

  if (self->tag != NULL && !lookout_target_has_tag (target, self->tag))
    return FALSE;

  if (self->search != NULL)
    {
      g_auto(GStrv) tags = NULL;

      if (contains_folded (lookout_target_get_name (target), self->search) ||
          contains_folded (lookout_target_get_uri_string (target), self->search))
        return TRUE;
      tags = lookout_target_dup_tags (target);
      for (guint i = 0; tags[i] != NULL; i++)
        if (contains_folded (tags[i], self->search))
          return TRUE;
      return FALSE;
    }

  return TRUE;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  return lookout_target_finder_matches (user_data, item);
}

/* Down, degraded, unknown, up, paused. */
static int
trouble_rank (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_DOWN:     return 0;
    case LOOKOUT_TARGET_STATE_DEGRADED: return 1;
    case LOOKOUT_TARGET_STATE_UNKNOWN:  return 2;
    case LOOKOUT_TARGET_STATE_UP:       return 3;
    case LOOKOUT_TARGET_STATE_PAUSED:
    default:                            return 4;
    }
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  LookoutTargetFinder *self = user_data;
  LookoutTarget *ta = (LookoutTarget *) a;
  LookoutTarget *tb = (LookoutTarget *) b;
  gint64 ia, ib;
  int result = 0;

  if (self->order == LOOKOUT_TARGET_ORDER_TROUBLE_FIRST)
    result = trouble_rank (lookout_target_get_state (ta)) - trouble_rank (lookout_target_get_state (tb));
  else if (self->order == LOOKOUT_TARGET_ORDER_NAME)
    result = g_utf8_collate (lookout_target_get_name (ta) ? lookout_target_get_name (ta) : "",
                             lookout_target_get_name (tb) ? lookout_target_get_name (tb) : "");
  if (result != 0)
    return result;

  ia = lookout_target_get_id (ta);
  ib = lookout_target_get_id (tb);
  return (ia > ib) - (ia < ib);
}

static void
apply_filter (LookoutTargetFinder *self)
{
  if (!filter_active (self))
    {
      gtk_filter_list_model_set_filter (self->filtered, NULL);
      return;
    }

  if (gtk_filter_list_model_get_filter (self->filtered) == NULL)
    gtk_filter_list_model_set_filter (self->filtered, self->filter);
  else
    gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
apply_sorter (LookoutTargetFinder *self)
{
  if (self->order == LOOKOUT_TARGET_ORDER_ADDED)
    {
      gtk_sort_list_model_set_sorter (self->sorted, NULL);
      return;
    }

  if (gtk_sort_list_model_get_sorter (self->sorted) == NULL)
    gtk_sort_list_model_set_sorter (self->sorted, self->sorter);
  else
    gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

static void
update_counts (LookoutTargetFinder *self)
{
  g_autofree char *summary = NULL;

  memset (self->counts, 0, sizeof self->counts);
  for (guint i = 0; i < self->items->len; i++)
    {
      LookoutTargetState state = lookout_target_get_state (g_ptr_array_index (self->items, i));

      if (state <= LOOKOUT_TARGET_STATE_PAUSED)
        self->counts[state]++;
    }

  if (self->items->len == 0)
    summary = NULL;
  else if (self->counts[LOOKOUT_TARGET_STATE_PAUSED] > 0)
    /* Translators: counts of targets in the sidebar's header */
    summary = g_strdup_printf (_("%u up · %u down · %u degraded · %u paused"),
                               self->counts[LOOKOUT_TARGET_STATE_UP],
                               self->counts[LOOKOUT_TARGET_STATE_DOWN],
                               self->counts[LOOKOUT_TARGET_STATE_DEGRADED],
                               self->counts[LOOKOUT_TARGET_STATE_PAUSED]);
  else
    /* Translators: counts of targets in the sidebar's header */
    summary = g_strdup_printf (_("%u up · %u down · %u degraded"),
                               self->counts[LOOKOUT_TARGET_STATE_UP],
                               self->counts[LOOKOUT_TARGET_STATE_DOWN],
                               self->counts[LOOKOUT_TARGET_STATE_DEGRADED]);

  if (g_strcmp0 (summary, self->summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }
}

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

/* The tag dropdown: every tag in use with the number of its targets. */
static void
update_tags (LookoutTargetFinder *self)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GtkStringList) rows = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree char *selected = g_strdup (self->tag);
  guint position = 0;
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->items->len; i++)
    {
      g_auto(GStrv) tags = lookout_target_dup_tags (g_ptr_array_index (self->items, i));

      for (guint j = 0; tags[j] != NULL; j++)
        {
          char *folded = g_utf8_casefold (tags[j], -1);

          if (!g_hash_table_contains (names, folded))
            g_hash_table_insert (names, g_strdup (folded), g_strdup (tags[j]));
          g_hash_table_insert (counts, folded,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, folded)) + 1));
        }
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_tags);

  g_ptr_array_set_size (self->tag_names, 0);
  gtk_string_list_append (rows, _("All Tags"));
  for (guint i = 0; i < keys->len; i++)
    {
      const char *name = g_hash_table_lookup (names, keys->pdata[i]);
      /* Translators: a tag and how many targets have it, "web (3)" */
      g_autofree char *row = g_strdup_printf (_("%s (%u)"), name,
                                              GPOINTER_TO_UINT (g_hash_table_lookup (counts, keys->pdata[i])));

      g_ptr_array_add (self->tag_names, g_strdup (name));
      gtk_string_list_append (rows, row);
      if (selected != NULL && g_utf8_collate (keys->pdata[i], selected) == 0)
        position = i + 1;
    }

  g_signal_handlers_block_matched (self->tag_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_model (self->tag_dropdown, G_LIST_MODEL (rows));
  gtk_drop_down_set_selected (self->tag_dropdown, position);
  g_signal_handlers_unblock_matched (self->tag_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_set_visible (GTK_WIDGET (self->tag_dropdown), keys->len > 0);

  if (position == 0 && self->tag != NULL)
    {
      g_clear_pointer (&self->tag, g_free);
      self->dirty |= DIRTY_FILTER;
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  LookoutTargetFinder *self = user_data;
  Dirty dirty;

  self->refresh_source = 0;
  if (self->dirty & DIRTY_TAGS)
    update_tags (self);
  dirty = self->dirty;
  self->dirty = 0;

  if (dirty & DIRTY_COUNTS)
    update_counts (self);
  if ((dirty & DIRTY_FILTER) && filter_active (self))
    apply_filter (self);
  if ((dirty & DIRTY_SORT) && self->order != LOOKOUT_TARGET_ORDER_ADDED)
    apply_sorter (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (LookoutTargetFinder *self,
                  Dirty                dirty)
{
  self->dirty |= dirty;
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
target_state_cb (LookoutTargetFinder *self)
{
  schedule_refresh (self, DIRTY_COUNTS |
                          (state_filter_active (self) ? DIRTY_FILTER : 0) |
                          (self->order == LOOKOUT_TARGET_ORDER_TROUBLE_FIRST ? DIRTY_SORT : 0));
}

static void
target_name_cb (LookoutTargetFinder *self)
{
  schedule_refresh (self, (self->search != NULL ? DIRTY_FILTER : 0) |
                          (self->order == LOOKOUT_TARGET_ORDER_NAME ? DIRTY_SORT : 0));
}

static void
target_address_cb (LookoutTargetFinder *self)
{
  if (self->search != NULL || kind_filter_active (self))
    schedule_refresh (self, DIRTY_FILTER);
}

static void
target_options_cb (LookoutTargetFinder *self)
{
  schedule_refresh (self, DIRTY_TAGS | (filter_active (self) ? DIRTY_FILTER : 0));
}

static void
watch_target (LookoutTargetFinder *self,
              LookoutTarget       *target)
{
  g_signal_connect_object (target, "notify::state", G_CALLBACK (target_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "notify::name", G_CALLBACK (target_name_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "notify::uri-string", G_CALLBACK (target_address_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (target, "notify::options", G_CALLBACK (target_options_cb), self, G_CONNECT_SWAPPED);
}

static void
unwatch_target (gpointer data,
                gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (data, user_data);
}

static void
targets_changed_cb (LookoutTargetFinder *self,
                    guint                position,
                    guint                removed,
                    guint                added,
                    GListModel          *targets)
{
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = position; i < position + removed; i++)
    unwatch_target (g_ptr_array_index (self->items, i), self);
  g_ptr_array_remove_range (self->items, position, removed);

  for (guint i = 0; i < added; i++)
    {
      LookoutTarget *target = g_list_model_get_item (targets, position + i);

      watch_target (self, target);
      g_ptr_array_insert (self->items, position + i, target);
    }

  schedule_refresh (self, DIRTY_COUNTS | DIRTY_TAGS);
}

static void
search_changed_cb (LookoutTargetFinder *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search, g_free);
  if (stripped[0] != '\0')
    self->search = g_utf8_casefold (stripped, -1);
  apply_filter (self);
}

static void
stop_search_cb (LookoutTargetFinder *self)
{
  lookout_target_finder_reset (self);
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
filter_dropdown_cb (LookoutTargetFinder *self)
{
  apply_filter (self);
}

static void
tag_dropdown_cb (LookoutTargetFinder *self)
{
  guint selected = gtk_drop_down_get_selected (self->tag_dropdown);

  g_clear_pointer (&self->tag, g_free);
  if (selected > 0 && selected != GTK_INVALID_LIST_POSITION && selected - 1 < self->tag_names->len)
    self->tag = g_utf8_casefold (g_ptr_array_index (self->tag_names, selected - 1), -1);
  apply_filter (self);
}

static void
order_dropdown_cb (LookoutTargetFinder *self)
{
  guint selected = gtk_drop_down_get_selected (self->order_dropdown);

  if (selected <= LOOKOUT_TARGET_ORDER_NAME)
    lookout_target_finder_set_order (self, selected);
}

static void
search_mode_cb (LookoutTargetFinder *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static void
lookout_target_finder_dispose (GObject *object)
{
  LookoutTargetFinder *self = (LookoutTargetFinder *)object;

  lookout_target_finder_set_targets (self, NULL);
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TARGET_FINDER);

  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);

  G_OBJECT_CLASS (lookout_target_finder_parent_class)->dispose (object);
}

static void
lookout_target_finder_finalize (GObject *object)
{
  LookoutTargetFinder *self = (LookoutTargetFinder *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->tag_names, g_ptr_array_unref);
  g_free (self->search);
  g_free (self->tag);
  g_free (self->summary);

  G_OBJECT_CLASS (lookout_target_finder_parent_class)->finalize (object);
}

static void
lookout_target_finder_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LookoutTargetFinder *self = LOOKOUT_TARGET_FINDER (object);

  switch (prop_id)
    {
    case PROP_TARGETS:
      g_value_set_object (value, self->targets);
      break;

    case PROP_MODEL:
      g_value_set_object (value, self->sorted);
      break;

    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, lookout_target_finder_get_search_mode (self));
      break;

    case PROP_ORDER:
      g_value_set_uint (value, self->order);
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_finder_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LookoutTargetFinder *self = LOOKOUT_TARGET_FINDER (object);

  switch (prop_id)
    {
    case PROP_TARGETS:
      lookout_target_finder_set_targets (self, g_value_get_object (value));
      break;

    case PROP_SEARCH_MODE:
      lookout_target_finder_set_search_mode (self, g_value_get_boolean (value));
      break;

    case PROP_ORDER:
      lookout_target_finder_set_order (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_finder_class_init (LookoutTargetFinderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_finder_dispose;
  object_class->finalize = lookout_target_finder_finalize;
  object_class->get_property = lookout_target_finder_get_property;
  object_class->set_property = lookout_target_finder_set_property;

  properties[PROP_TARGETS] =
    g_param_spec_object ("targets", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ORDER] =
    g_param_spec_uint ("order", NULL, NULL,
                       LOOKOUT_TARGET_ORDER_ADDED, LOOKOUT_TARGET_ORDER_NAME, LOOKOUT_TARGET_ORDER_ADDED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-target-finder.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetFinder, order_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);
}

static void
lookout_target_finder_init (LookoutTargetFinder *self)
{
  g_autoptr(GtkStringList) states = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) orders = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->tag_names = g_ptr_array_new_with_free_func (g_free);

  self->filter = GTK_FILTER (gtk_custom_filter_new (filter_func, self, NULL));
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (sort_func, self, NULL));
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), NULL);

  gtk_string_list_append (states, _("All States"));
  for (guint i = 0; i < G_N_ELEMENTS (state_rows); i++)
    gtk_string_list_append (states, _(state_rows[i].label));
  gtk_drop_down_set_model (self->state_dropdown, G_LIST_MODEL (states));

  gtk_string_list_append (kinds, _("All Kinds"));
  for (guint i = 0; i < LOOKOUT_TARGET_N_KINDS; i++)
    gtk_string_list_append (kinds, lookout_target_kind_get_label (i));
  gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));

  gtk_string_list_append (orders, _("Order Added"));
  gtk_string_list_append (orders, _("Trouble First"));
  gtk_string_list_append (orders, _("By Name"));
  gtk_drop_down_set_model (self->order_dropdown, G_LIST_MODEL (orders));

  g_signal_connect_object (self->state_dropdown, "notify::selected",
                           G_CALLBACK (filter_dropdown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kind_dropdown, "notify::selected",
                           G_CALLBACK (filter_dropdown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tag_dropdown, "notify::selected",
                           G_CALLBACK (tag_dropdown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->order_dropdown, "notify::selected",
                           G_CALLBACK (order_dropdown_cb), self, G_CONNECT_SWAPPED);

  update_tags (self);
}

GtkWidget *
lookout_target_finder_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TARGET_FINDER, NULL);
}

void
lookout_target_finder_set_targets (LookoutTargetFinder *self,
                                   GListModel          *targets)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_FINDER (self));
  g_return_if_fail (!targets || G_IS_LIST_MODEL (targets));

  if (self->targets == targets)
    return;

  if (self->targets != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->targets, targets_changed_cb, self);
      g_ptr_array_foreach (self->items, unwatch_target, self);
      g_ptr_array_set_size (self->items, 0);
    }

  g_set_object (&self->targets, targets);
  if (self->filtered != NULL)
    gtk_filter_list_model_set_model (self->filtered, targets);

  if (targets != NULL)
    {
      g_signal_connect_object (targets, "items-changed",
                               G_CALLBACK (targets_changed_cb), self, G_CONNECT_SWAPPED);
      targets_changed_cb (self, 0, 0, g_list_model_get_n_items (targets), targets);
      /* The header's counts at once, not a moment later. */
      update_counts (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGETS]);
}

GListModel *
lookout_target_finder_get_model (LookoutTargetFinder *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_FINDER (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

gboolean
lookout_target_finder_get_search_mode (LookoutTargetFinder *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_FINDER (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
lookout_target_finder_set_search_mode (LookoutTargetFinder *self,
                                       gboolean             search_mode)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_FINDER (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
  if (search_mode)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

LookoutTargetOrder
lookout_target_finder_get_order (LookoutTargetFinder *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_FINDER (self), LOOKOUT_TARGET_ORDER_ADDED);

  return self->order;
}

void
lookout_target_finder_set_order (LookoutTargetFinder *self,
                                 LookoutTargetOrder   order)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_FINDER (self));
  g_return_if_fail (order <= LOOKOUT_TARGET_ORDER_NAME);

  if (self->order == order)
    return;

  self->order = order;
  gtk_drop_down_set_selected (self->order_dropdown, order);
  apply_sorter (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORDER]);
}

const char *
lookout_target_finder_get_summary (LookoutTargetFinder *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_FINDER (self), NULL);

  return self->summary;
}

void
lookout_target_finder_reset (LookoutTargetFinder *self)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_FINDER (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->state_dropdown, 0);
  gtk_drop_down_set_selected (self->kind_dropdown, 0);
  gtk_drop_down_set_selected (self->tag_dropdown, 0);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->tag, g_free);
  apply_filter (self);
}

void
lookout_target_finder_set_key_capture_widget (LookoutTargetFinder *self,
                                              GtkWidget           *widget)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_FINDER (self));

  gtk_search_bar_set_key_capture_widget (self->search_bar, widget);
}
