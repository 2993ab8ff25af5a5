/* test-quorum.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Targets checked from several locations: their options, and the quorum
 * through the monitor over results injected as remote agents would send
 * them (the engine's own cases are in test-alert-engine.c). */

#include "config.h"

#include <string.h>

#include "lookout-monitor.h"
#include "lookout-target-options.h"
#include "lookout-test.h"

static LookoutTarget *
make_target (const char *options)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string ("tcp://127.0.0.1:9", &error);

  g_assert_no_error (error);
  g_assert_true (lookout_target_options_validate (options, &error));
  g_assert_no_error (error);
  lookout_target_set_options (target, options);
  lookout_target_set_fail_threshold (target, 1);
  return target;
}

typedef struct
{
  const char *key;
  const char *value;
  const char *message;   /* NULL: accepted */
} OptionCase;

static const OptionCase option_cases[] = {
  { "locations", "local,paris,tokyo", NULL },
  { "locations", "paris", NULL },
  { "locations", "local, paris", NULL },
  { "locations", "", "A target is checked from 1 to 64 locations, like local,paris" },
  { "locations", "local,,paris", "A location’s name must be 1 to 64 characters, like paris" },
  { "locations", "paris,paris", "The location “paris” is listed twice" },
  { "locations", "par is", "The location “par is” may contain only letters, digits and the signs - _ ." },
  { "quorum", "any", NULL },
  { "quorum", "all", NULL },
  { "quorum", "1", NULL },
  { "quorum", "most", "The quorum “most” must be any, all or a number of locations from 1 to 64" },
  { "quorum", "0", "The quorum “0” must be any, all or a number of locations from 1 to 64" },
  { "quorum", "2", "The quorum 2 is more than the 1 location the target is checked from" },
};

static void
test_options (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (option_cases); i++)
    {
      const OptionCase *c = &option_cases[i];
      g_autoptr(LookoutTarget) target = make_target (NULL);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      ok = lookout_target_set_option_text (target, c->key, c->value, &error);
      if (c->message == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
          g_assert_cmpstr (error->message, ==, c->message);
          g_assert_false (ok);
        }
    }
}

static void
test_options_round_trip (void)
{
  g_autoptr(LookoutTarget) target = make_target ("{\"locations\": \"local,paris,tokyo\", \"quorum\": \"2\"}");
  g_auto(GStrv) names = NULL;
  g_autofree char *text = NULL;
  guint quorum = 0;
  g_autoptr(GError) error = NULL;

  text = lookout_target_options_to_text (lookout_target_get_options (target));
  g_assert_cmpstr (text, ==, "locations=local,paris,tokyo quorum=2");

  names = lookout_target_options_get_places (lookout_target_get_options (target), &quorum);
  g_assert_cmpstrv (names, ((const char *[]) { "local", "paris", "tokyo", NULL }));
  g_assert_cmpuint (quorum, ==, 2);

  g_clear_pointer (&names, g_strfreev);
  names = lookout_target_options_get_places ("{\"quorum\": \"all\"}", &quorum);
  g_assert_cmpstrv (names, ((const char *[]) { "local", NULL }));
  g_assert_cmpuint (quorum, ==, LOOKOUT_QUORUM_ALL);

  g_assert_false (lookout_target_options_validate ("{\"locations\": \"paris\", \"quorum\": \"3\"}", &error));
  g_assert_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS);
}

/* Through the monitor, with the store: remote results are decided by the
 * quorum, the offline event is stored once, samples keep their location. */
static void
test_monitor (void)
{
  g_autoptr(LookoutTestStore) ts = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) events = NULL;
  const char *places[] = { "paris", "tokyo" };
  guint n_offline = 0, n_target = 0;

  monitor = lookout_monitor_new (ts->store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  target = make_target ("{\"locations\": \"paris,tokyo\", \"quorum\": \"all\"}");
  lookout_test_add_target (monitor, target);
  g_assert_cmpint (lookout_target_get_id (target), >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (LOOKOUT_TARGET_KIND_TCP);

      result->target_id = lookout_target_get_id (target);
      result->started_ms = G_GINT64_CONSTANT (1800000000000) + i;
      result->location = g_strdup (places[i]);
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                                LOOKOUT_PROBE_ERROR_REFUSED, "Connection refused");

      lookout_monitor_handle_result (monitor, target, result);
      g_assert_cmpint (lookout_target_get_state (target), ==,
                       i == 0 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_DOWN);
    }

  lookout_monitor_set_location_online (monitor, "tokyo", FALSE);
  g_assert_cmpint (lookout_target_get_state (target), ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==,
                   "down from paris: Connection refused; unknown from tokyo");

  g_assert_true (lookout_store_flush_sync (ts->store, &error));
  g_assert_no_error (error);
  events = lookout_store_query_events_sync (ts->store, -1, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      LookoutStoredEvent *e = &g_array_index (events, LookoutStoredEvent, i);

      if (g_str_equal (e->kind, "agent-offline"))
        n_offline++;
      else if (e->target_id == lookout_target_get_id (target))
        n_target++;
    }
  g_assert_cmpuint (n_offline, ==, 1);
  g_assert_cmpuint (n_target, ==, 2);   /* degraded, then down */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/quorum/options", test_options);
  g_test_add_func ("/quorum/options-round-trip", test_options_round_trip);
  g_test_add_func ("/quorum/monitor", test_monitor);

  return g_test_run ();
}
