/* test-target-finder.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sidebar's finder over real targets: its drop-downs filter by state,
 * kind and tag (the tag rows count their targets), the search matches
 * names, addresses and tags, "Trouble First" orders down, degraded,
 * unknown, up, paused and follows state changes, and the header's counts. */

#include "config.h"

#include "lookout-target-finder.h"
#include "lookout-test-gui.h"

typedef struct
{
  GListStore          *targets;
  LookoutTargetFinder *finder;
  GtkWidget           *window;
} Fixture;

static LookoutTarget *
add (Fixture            *f,
     gint64              id,
     const char         *uri,
     const char         *name,
     const char         *options,
     LookoutTargetState  state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_id (target, id);
  lookout_target_set_name (target, name);
  if (options != NULL)
    lookout_target_set_options (target, options);
  lookout_target_set_live_state (target, state, -1, 0, NULL, NULL);
  g_list_store_append (f->targets, target);

  return target;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  add (f, 1, "https://alpha.example/health", "Alpha site", "{\"tags\": \"web, prod\"}", LOOKOUT_TARGET_STATE_UP);
  add (f, 2, "tcp://192.0.2.7:5432", "Beta database", "{\"tags\": \"db, Prod\"}", LOOKOUT_TARGET_STATE_DOWN);
  add (f, 3, "icmp://192.0.2.1", "Gateway", NULL, LOOKOUT_TARGET_STATE_DEGRADED);
  add (f, 4, "https://gamma.example/", "Gamma site", "{\"tags\": \"web\"}", LOOKOUT_TARGET_STATE_UNKNOWN);
  add (f, 5, "tcp://192.0.2.8:22", "Delta ssh", NULL, LOOKOUT_TARGET_STATE_PAUSED);

  f->finder = LOOKOUT_TARGET_FINDER (lookout_target_finder_new ());
  f->window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->finder));
  lookout_target_finder_set_targets (f->finder, G_LIST_MODEL (f->targets));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->targets);
}

/* The shown names, in order, joined by commas. */
static char *
shown (Fixture *f)
{
  GListModel *model = lookout_target_finder_get_model (f->finder);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", names->len ? "," : "", lookout_target_get_name (target));
    }

  return g_strdup (names->str);
}

#define ASSERT_SHOWN(f, expected) \
  G_STMT_START { g_autofree char *s_ = shown (f); g_assert_cmpstr (s_, ==, expected); } G_STMT_END

static GtkDropDown *
dropdown (Fixture    *f,
          const char *name)
{
  return GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (f->finder),
                                                       LOOKOUT_TYPE_TARGET_FINDER, name));
}

static char *
dropdown_row (GtkDropDown *dd,
              guint        position)
{
  g_autoptr(GtkStringObject) row = g_list_model_get_item (gtk_drop_down_get_model (dd), position);

  return g_strdup (gtk_string_object_get_string (row));
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  GtkDropDown *state = dropdown (f, "state_dropdown");
  GtkDropDown *kind = dropdown (f, "kind_dropdown");
  GtkDropDown *tag = dropdown (f, "tag_dropdown");
  GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (f->finder),
                                                                     LOOKOUT_TYPE_TARGET_FINDER, "search_entry"));
  g_autofree char *row1 = NULL, *row2 = NULL, *row3 = NULL;

  ASSERT_SHOWN (f, "Alpha site,Beta database,Gateway,Gamma site,Delta ssh");

  /* All States, In Trouble, Down, Degraded, Unknown, Up, Paused */
  gtk_drop_down_set_selected (state, 1);
  ASSERT_SHOWN (f, "Beta database,Gateway");
  gtk_drop_down_set_selected (state, 2);
  ASSERT_SHOWN (f, "Beta database");
  gtk_drop_down_set_selected (state, 6);
  ASSERT_SHOWN (f, "Delta ssh");
  gtk_drop_down_set_selected (state, 0);

  /* All Kinds, then the kinds in the order of LookoutTargetKind. */
  gtk_drop_down_set_selected (kind, 1 + LOOKOUT_TARGET_KIND_TCP);
  ASSERT_SHOWN (f, "Beta database,Delta ssh");
  gtk_drop_down_set_selected (kind, 1 + LOOKOUT_TARGET_KIND_HTTP);
  ASSERT_SHOWN (f, "Alpha site,Gamma site");

  /* Tags, sorted, each with its number of targets, case folded. */
  LOOKOUT_TEST_WAIT (gtk_widget_get_visible (GTK_WIDGET (tag)));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (tag)), ==, 4);
  row1 = dropdown_row (tag, 1);
  row2 = dropdown_row (tag, 2);
  row3 = dropdown_row (tag, 3);
  g_assert_cmpstr (row1, ==, "db (1)");
  g_assert_cmpstr (row2, ==, "prod (2)");
  g_assert_cmpstr (row3, ==, "web (2)");
  gtk_drop_down_set_selected (kind, 0);
  gtk_drop_down_set_selected (tag, 2);
  ASSERT_SHOWN (f, "Alpha site,Beta database");

  /* Filters add up with the search. */
  gtk_editable_set_text (entry, "BETA");
  LOOKOUT_TEST_WAIT (g_list_model_get_n_items (lookout_target_finder_get_model (f->finder)) == 1);
  ASSERT_SHOWN (f, "Beta database");
  gtk_drop_down_set_selected (tag, 0);

  /* The search: a name, an address, a tag. */
  gtk_editable_set_text (entry, "192.0.2.8");
  LOOKOUT_TEST_WAIT (g_list_model_get_n_items (lookout_target_finder_get_model (f->finder)) == 1);
  ASSERT_SHOWN (f, "Delta ssh");
  gtk_editable_set_text (entry, "web");
  LOOKOUT_TEST_WAIT (g_list_model_get_n_items (lookout_target_finder_get_model (f->finder)) == 2);
  ASSERT_SHOWN (f, "Alpha site,Gamma site");

  lookout_target_finder_reset (f->finder);
  ASSERT_SHOWN (f, "Alpha site,Beta database,Gateway,Gamma site,Delta ssh");
}

static gint64
first_id (Fixture *f)
{
  g_autoptr(LookoutTarget) target = g_list_model_get_item (lookout_target_finder_get_model (f->finder), 0);

  return target != NULL ? lookout_target_get_id (target) : 0;
}

static void
test_trouble_first (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LookoutTarget) alpha = g_list_model_get_item (G_LIST_MODEL (f->targets), 0);
  g_autoptr(LookoutTarget) beta = g_list_model_get_item (G_LIST_MODEL (f->targets), 1);
  GtkDropDown *order = dropdown (f, "order_dropdown");

  g_assert_cmpstr (lookout_target_finder_get_summary (f->finder), ==,
                   "1 up · 1 down · 1 degraded · 1 paused");

  gtk_drop_down_set_selected (order, LOOKOUT_TARGET_ORDER_TROUBLE_FIRST);
  g_assert_cmpuint (lookout_target_finder_get_order (f->finder), ==, LOOKOUT_TARGET_ORDER_TROUBLE_FIRST);
  ASSERT_SHOWN (f, "Beta database,Gateway,Gamma site,Alpha site,Delta ssh");

  /* Alpha goes down, Beta recovers: the order and the counts follow. */
  lookout_target_set_live_state (alpha, LOOKOUT_TARGET_STATE_DOWN, -1, 0, "refused", NULL);
  lookout_target_set_live_state (beta, LOOKOUT_TARGET_STATE_UP, 1000, 0, NULL, NULL);
  LOOKOUT_TEST_WAIT (g_strcmp0 (lookout_target_finder_get_summary (f->finder),
                                "1 up · 1 down · 1 degraded · 1 paused") == 0 &&
                     first_id (f) == 1);
  ASSERT_SHOWN (f, "Alpha site,Gateway,Gamma site,Beta database,Delta ssh");

  gtk_drop_down_set_selected (order, LOOKOUT_TARGET_ORDER_NAME);
  ASSERT_SHOWN (f, "Alpha site,Beta database,Delta ssh,Gamma site,Gateway");
  gtk_drop_down_set_selected (order, LOOKOUT_TARGET_ORDER_ADDED);
  ASSERT_SHOWN (f, "Alpha site,Beta database,Gateway,Gamma site,Delta ssh");

  /* A target removed leaves the counts. */
  g_list_store_remove (f->targets, 4);
  LOOKOUT_TEST_WAIT (g_strcmp0 (lookout_target_finder_get_summary (f->finder),
                                "1 up · 1 down · 1 degraded") == 0);
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add ("/target-finder/filters", Fixture, NULL, fixture_setup, test_filters, fixture_teardown);
  g_test_add ("/target-finder/trouble-first", Fixture, NULL, fixture_setup, test_trouble_first, fixture_teardown);

  return g_test_run ();
}
