/* test-map-agents.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The remote agents on the map: an agent that said where it stands has a
 * marker of its own kind, named, restyled live as its link's state
 * changes (a real `lookout-agent run --listen` on loopback: Online, then
 * killed, Reconnecting and Offline); one with no place has none; a
 * removed agent's marker goes. */

#include "config.h"

#include <string.h>

#include "lookout-map.h"
#include "lookout-test-gui.h"

static const char *agent_path;

static gboolean
has_class (ShumateMarker *marker,
           const char    *name)
{
  return gtk_widget_has_css_class (shumate_marker_get_child (marker), name);
}

static void
test_agent_markers (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autofree char *conf = g_build_filename (dir, "agents.conf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *tiles = NULL;
  g_autofree char *label = NULL;
  g_autoptr(LookoutAgents) agents = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *map = lookout_map_new ();
  LookoutAgentLink *link;
  ShumateMarker *marker;
  guint16 port = lookout_test_free_port ();

  g_autofree char *db = g_build_filename (dir, "agent.db", NULL);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  const char *token_argv[] = { agent_path, "token", "create", "--db", db, "--name", "manager",
                               "--scope", "agent", NULL };
  const char *run_argv[] = { agent_path, "run", "--db", db, "--listen", listen, "--name", "paris", NULL };
  g_autofree char *token = lookout_test_run_command (token_argv);
  g_autoptr(GSubprocess) agent = NULL;

  agent = g_subprocess_newv (run_argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (lookout_test_port_listening (port));
  text = g_strdup_printf ("[agent paris]\nurl = http://127.0.0.1:%u\ntoken = %s\nlocation = 48.86,2.35\n\n"
                          "[agent tokyo]\nurl = http://127.0.0.1:%u\ntoken = %s\n", port, token, port, token);
  g_assert_true (g_file_set_contents (conf, text, -1, &error));
  g_assert_no_error (error);
  agents = lookout_agents_new (monitor, conf);
  link = lookout_agent_manager_find (lookout_agents_get_manager (agents), "paris");
  g_assert_nonnull (link);
  lookout_agent_link_set_timing (link, 500, 1000, 1500);

  /* no tiles to fetch but from a loopback port nobody answers */
  tiles = g_strdup_printf ("http://127.0.0.1:%u/{z}/{x}/{y}.png", port);
  lookout_map_set_tile_url (LOOKOUT_MAP (map), tiles);
  gtk_window_set_child (GTK_WINDOW (window), map);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  lookout_map_set_agents (LOOKOUT_MAP (map), agents);

  marker = lookout_map_get_agent_marker (LOOKOUT_MAP (map), "paris");
  g_assert_nonnull (marker);
  g_assert_null (lookout_map_get_agent_marker (LOOKOUT_MAP (map), "tokyo"));
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (marker)), 48.86, 1e-9);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (marker)), 2.35, 1e-9);
  g_assert_true (has_class (marker, "lookout-agent-marker"));
  g_assert_false (has_class (marker, "lookout-marker"));

  /* live: the link's state, in colour and in words */
  LOOKOUT_TEST_WAIT (has_class (marker, "online"));
  label = g_strdup_printf ("Agent paris: %s", lookout_agent_link_state_to_string (LOOKOUT_AGENT_LINK_ONLINE));
  gtk_test_accessible_assert_property (shumate_marker_get_child (marker), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_subprocess_force_exit (agent);
  g_subprocess_wait (agent, NULL, NULL);
  LOOKOUT_TEST_WAIT (has_class (marker, "reconnecting"));
  g_assert_false (has_class (marker, "online"));
  LOOKOUT_TEST_WAIT (has_class (marker, "offline"));
  g_assert_false (has_class (marker, "reconnecting"));
  g_free (label);
  label = g_strdup_printf ("Agent paris: %s", lookout_agent_link_state_to_string (LOOKOUT_AGENT_LINK_OFFLINE));
  gtk_test_accessible_assert_property (shumate_marker_get_child (marker), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (shumate_marker_get_child (marker)), ==, label);

  /* removed: its marker goes */
  g_assert_true (lookout_agents_remove (agents, "paris", &error));
  g_assert_no_error (error);
  g_assert_null (lookout_map_get_agent_marker (LOOKOUT_MAP (map), "paris"));

  lookout_map_set_agents (LOOKOUT_MAP (map), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&agents);
  lookout_monitor_stop (monitor);
  lookout_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);
  g_assert_cmpint (argc, >=, 2);
  agent_path = argv[1];

  g_test_add_func ("/map/agents/markers", test_agent_markers);

  return g_test_run ();
}
