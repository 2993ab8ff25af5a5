/* test-event-model.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "lookout-test.h"

#include "lookout-event-model.h"

static void
wait_loaded (LookoutEventModel *model)
{
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (model));
}

static char *
kinds_of (GListModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutEventItem) item = g_list_model_get_item (model, i);

      g_string_append_printf (s, "%s%s@%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, i ? " " : "",
                              lookout_event_item_get_kind (item),
                              lookout_event_item_get_target_id (item),
                              lookout_event_item_get_timestamp (item));
    }
  return g_string_free (s, FALSE);
}

static void
test_model (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (store);
  g_autoptr(LookoutEventModel) model = NULL;
  g_autoptr(LookoutEventItem) first = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *kinds = NULL;

  lookout_store_append_event (store, 1, 1000, "down", "a is down");
  lookout_store_append_event (store, 2, 2000, "down", "b is down");
  lookout_store_append_event (store, 1, 3000, "up", "a is now up after 00:00:02.");
  lookout_store_append_event (store, 0, 4000, "connectivity-lost", "offline");
  for (guint i = 0; i < LOOKOUT_EVENT_MODEL_PAGE + 10; i++)
    lookout_store_append_event (store, 3, 100 + i, "reminder", "c has been down");
  g_assert_true (lookout_store_flush_sync (store, &error));

  model = lookout_event_model_new (store, engine);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == LOOKOUT_TYPE_EVENT_ITEM);
  g_assert_true (lookout_event_model_get_loading (model));
  wait_loaded (model);
  /* Newest first, one page. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, LOOKOUT_EVENT_MODEL_PAGE);
  g_assert_true (lookout_event_model_get_has_more (model));
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (lookout_event_item_get_kind (first), ==, "connectivity-lost");
  g_assert_cmpstr (lookout_event_item_get_label (first), ==, "Local connectivity lost");
  g_assert_cmpstr (lookout_event_item_get_message (first), ==, "offline");

  lookout_event_model_load_more (model);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, LOOKOUT_EVENT_MODEL_PAGE + 14);
  g_assert_false (lookout_event_model_get_has_more (model));

  /* One target's events. */
  lookout_event_model_set_filter (model, 1, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  wait_loaded (model);
  kinds = kinds_of (G_LIST_MODEL (model));
  g_assert_cmpstr (kinds, ==, "up@1:3000 down@1:1000");
  g_clear_pointer (&kinds, g_free);

  /* One kind, all targets. */
  g_object_set (model, "target-id", (gint64) -1, "kind", "down", NULL);
  wait_loaded (model);
  kinds = kinds_of (G_LIST_MODEL (model));
  g_assert_cmpstr (kinds, ==, "down@2:2000 down@1:1000");
  g_clear_pointer (&kinds, g_free);

  /* A new event from the engine goes in front when it matches. */
  target = lookout_target_new_from_string ("tcp://127.0.0.1:9", &error);
  g_assert_no_error (error);
  lookout_target_set_id (target, 9);
  lookout_target_set_fail_threshold (target, 1);
  result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED, "Connection refused");
  lookout_alert_engine_process (engine, target, result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (lookout_event_item_get_kind (first), ==, "down");
  g_assert_cmpint (lookout_event_item_get_target_id (first), ==, 9);

  /* And it was stored too. */
  g_assert_true (lookout_store_flush_sync (store, &error));
  lookout_event_model_set_filter (model, 9, NULL);
  wait_loaded (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);

  g_clear_object (&model);
  g_clear_object (&engine);
  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event-model/pages-filters-live", test_model);
  return g_test_run ();
}
