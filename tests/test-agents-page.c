/* test-agents-page.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Agents against a real `lookout-agent run --listen … --name
 * paris` on loopback with TLS and a token of scope "agent": a wrong token
 * is refused in words; the right one shows the agent's name and its
 * certificate's fingerprint, which is pinned once confirmed; the agent's
 * row goes Online and the targets checked from paris report from there;
 * killed, it reads Reconnecting, then Offline; removed, it is forgotten. */

#include "config.h"

#include "lookout-agent-probe.h"
#include "lookout-agent-protocol.h"
#include "lookout-agents-page.h"
#include "lookout-api-tls.h"
#include "lookout-target-options.h"
#include "lookout-target-uri.h"
#include "lookout-test-gui.h"
#include "lookout-test.h"

static const char *agent_path;

static gpointer
child (GtkWidget  *page,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (page, LOOKOUT_TYPE_AGENTS_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static char *
make_token (const char *db)
{
  const char *argv[] = { agent_path, "token", "create", "--db", db, "--name", "manager",
                         "--scope", "agent", NULL };

  return lookout_test_run_command (argv);
}

static GSubprocess *
start_agent (LookoutTestDir *dir,
             guint16         port)
{
  g_autofree char *db = g_build_filename (dir, "agent.db", NULL);
  g_autofree char *cert = g_build_filename (dir, "api-cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "api-key.pem", NULL);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  const char *argv[] = { agent_path, "run", "--db", db, "--listen", listen, "--name", "paris",
                         "--location", "48.86,2.35", "--tls-cert", cert, "--tls-key", key, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *agent;

  agent = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (lookout_test_port_listening (port));
  return agent;
}

static const char *
subtitle_of (GtkWidget  *page,
             const char *row)
{
  const char *text = adw_action_row_get_subtitle (child (page, row));

  return text != NULL ? text : "";
}

static GtkWidget *
first_row (GtkWidget *page)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (child (page, "agent_list"), 0));
}

static const char *
state_of (GtkWidget *page)
{
  GtkWidget *row = first_row (page);

  if (row == NULL)
    return "";
  return gtk_label_get_text (g_object_get_data (G_OBJECT (row), "lookout-state-label"));
}

static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           guint          *from_paris)
{
  if (g_strcmp0 (result->location, "paris") == 0)
    (*from_paris)++;
}

static GtkButton *
find_remove_button (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkButton *found;

      if (GTK_IS_BUTTON (c) && g_object_get_data (G_OBJECT (c), "lookout-agent-name") != NULL)
        return GTK_BUTTON (c);
      if ((found = find_remove_button (c)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_add_follow_remove (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autofree char *db = g_build_filename (dir, "agent.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "agents.conf", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LookoutAgents) agents = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GKeyFile) saved = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *target_uri = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *place = NULL;
  g_autofree char *shown = NULL;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *window, *page;
  LookoutAgentLink *link;
  guint16 port = lookout_test_free_port ();
  guint from_paris = 0;
  double latitude, longitude;

  certificate = lookout_api_tls_load_or_create (dir, "127.0.0.1", &error);
  g_assert_no_error (error);
  expected = lookout_agent_certificate_fingerprint (certificate);
  token = make_token (db);
  agent = start_agent (dir, port);
  url = g_strdup_printf ("https://127.0.0.1:%u", port);

  /* a target checked from here and from paris: the agent's own port */
  target_uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  uri = lookout_target_uri_parse (target_uri, &error);
  g_assert_no_error (error);
  target = lookout_target_new (uri);
  lookout_target_set_interval (target, 1);
  g_assert_true (lookout_target_set_option_text (target, "locations", "local,paris", &error));
  g_assert_no_error (error);
  lookout_test_add_target (monitor, target);
  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), &from_paris);

  agents = lookout_agents_new (monitor, conf);
  window = adw_preferences_window_new ();
  page = lookout_agents_page_new (agents);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (first_row (page));

  /* a wrong token: the certificate first, then the token refused, in
   * words, and nothing added */
  gtk_editable_set_text (child (page, "url_row"), url);
  gtk_editable_set_text (child (page, "token_row"), "lookout_not-a-token");
  gtk_widget_activate (child (page, "connect_button"));
  LOOKOUT_TEST_WAIT ((dialog = lookout_test_find_message_dialog ()) != NULL);
  adw_message_dialog_response (dialog, "pin");
  gtk_window_destroy (GTK_WINDOW (dialog));
  LOOKOUT_TEST_WAIT (strstr (subtitle_of (page, "connect_row"), "refused the token") != NULL);
  g_assert_null (lookout_test_find_message_dialog ());
  g_assert_null (first_row (page));

  /* the token goes only to the certificate confirmed */
  {
    g_autoptr(GError) refused = NULL;
    g_autoptr(LookoutAgentProbeInfo) info = NULL;
    GAsyncResult *result = NULL;

    lookout_agent_probe_async (url, token, "SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                               "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
                               NULL, lookout_test_async_cb, &result);
    info = lookout_agent_probe_finish (lookout_test_wait_result (&result), &refused);
    g_clear_object (&result);
    g_assert_null (info);
    g_assert_nonnull (refused);
    g_assert_nonnull (strstr (refused->message, "another certificate than the one you confirmed"));
  }

  /* nothing listens there */
  {
    g_autofree char *nowhere = g_strdup_printf ("https://127.0.0.1:%u", lookout_test_free_port ());

    gtk_editable_set_text (child (page, "url_row"), nowhere);
    gtk_widget_activate (child (page, "connect_button"));
    LOOKOUT_TEST_WAIT (strstr (subtitle_of (page, "connect_row"), "Cannot reach the agent") != NULL);
    g_assert_null (first_row (page));
  }

  /* the right one: the fingerprint to confirm, before any token is sent */
  gtk_editable_set_text (child (page, "url_row"), url);
  gtk_editable_set_text (child (page, "token_row"), token);
  gtk_widget_activate (child (page, "connect_button"));
  LOOKOUT_TEST_WAIT ((dialog = lookout_test_find_message_dialog ()) != NULL);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "127.0.0.1"));
  shown = lookout_agent_normalize_fingerprint (gtk_label_get_text (GTK_LABEL (adw_message_dialog_get_extra_child (dialog))));
  g_assert_cmpstr (shown, ==, expected);
  g_assert_null (first_row (page));
  adw_message_dialog_response (dialog, "pin");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* no Secret Service here: the page says the token is kept for this session only */
  LOOKOUT_TEST_WAIT (gtk_widget_get_visible (child (page, "problem_label")));
  g_assert_nonnull (strstr (gtk_label_get_text (child (page, "problem_label")), "Secret Service"));

  /* pinned and kept beside the database, the token not in the file */
  g_assert_nonnull (first_row (page));
  g_assert_true (g_key_file_load_from_file (saved, conf, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  pinned = g_key_file_get_string (saved, "agent paris", "fingerprint", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_agent_normalize_fingerprint (pinned), ==, expected);
  g_assert_false (g_key_file_has_key (saved, "agent paris", "token", NULL));
  place = g_key_file_get_string (saved, "agent paris", "location", NULL);
  g_assert_cmpstr (place, ==, "48.86,2.35");
  g_assert_true (lookout_agents_get_place (agents, "paris", &latitude, &longitude));
  g_assert_cmpfloat_with_epsilon (latitude, 48.86, 1e-9);
  g_assert_cmpfloat_with_epsilon (longitude, 2.35, 1e-9);

  /* online, live, and the target reports from paris */
  LOOKOUT_TEST_WAIT (g_str_equal (state_of (page), lookout_agent_link_state_to_string (LOOKOUT_AGENT_LINK_ONLINE)));
  LOOKOUT_TEST_WAIT (from_paris > 0);
  LOOKOUT_TEST_WAIT (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (first_row (page))), "last seen") != NULL);

  /* killed: reconnecting at once, offline once that lasts */
  link = lookout_agent_manager_find (lookout_agents_get_manager (agents), "paris");
  g_assert_nonnull (link);
  lookout_agent_link_set_timing (link, 500, 1000, 1500);
  g_subprocess_force_exit (agent);
  g_subprocess_wait (agent, NULL, NULL);
  LOOKOUT_TEST_WAIT (g_str_equal (state_of (page), lookout_agent_link_state_to_string (LOOKOUT_AGENT_LINK_RECONNECTING)));
  LOOKOUT_TEST_WAIT (g_str_equal (state_of (page), lookout_agent_link_state_to_string (LOOKOUT_AGENT_LINK_OFFLINE)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (first_row (page))), "Cannot reach"));

  /* removed: the row, the link and the group go */
  g_signal_emit_by_name (find_remove_button (first_row (page)), "clicked");
  g_assert_cmpstr (subtitle_of (page, "connect_row"), ==, "Agent paris removed");
  g_assert_null (first_row (page));
  g_assert_null (lookout_agent_manager_find (lookout_agents_get_manager (agents), "paris"));
  g_key_file_free (g_steal_pointer (&saved));
  saved = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (saved, conf, G_KEY_FILE_NONE, &error));
  g_assert_false (g_key_file_has_group (saved, "agent paris"));

  g_signal_handlers_disconnect_by_func (monitor, result_cb, &from_paris);
  gtk_window_destroy (GTK_WINDOW (window));
  lookout_monitor_stop (monitor);
  lookout_test_drain ();
}

static void
pong_message_cb (SoupWebsocketConnection *connection,
                 SoupWebsocketDataType    type,
                 GBytes                  *bytes,
                 JsonObject             **pong)
{
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  const char *kind = NULL;
  g_autoptr(JsonObject) message = lookout_agent_message_parse (text, len, &kind, NULL);

  if (message != NULL && g_str_equal (kind, "pong") && *pong == NULL)
    *pong = json_object_ref (message);
}

/* The agent's heartbeat answers with how far its outbox is numbered, so a
 * manager's "results waiting" follows the backlog between batches: after
 * a manager has taken some results, a pong carries a last_seq at least as
 * far as the manager acknowledged. */
static void
test_pong_backlog (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autofree char *db = g_build_filename (dir, "agent.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "agents.conf", NULL);
  guint16 port = lookout_test_free_port ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  const char *run_argv[] = { agent_path, "run", "--db", db, "--listen", listen, "--name", "paris", NULL };
  g_autofree char *token = make_token (db);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autofree char *text = NULL;
  g_autofree char *target_uri = g_strdup_printf ("tcp://127.0.0.1:%u", port);
  g_autofree char *address = g_strconcat (url, LOOKOUT_AGENT_LINK_PATH, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  g_autofree char *ping = NULL;
  char *protocols[] = { (char *) LOOKOUT_AGENT_LINK_PROTOCOL, NULL };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", address);
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(LookoutAgents) agents = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(JsonObject) pong = NULL;
  g_autoptr(GError) error = NULL;
  LookoutAgentLink *link;
  guint64 acked;

  agent = g_subprocess_newv (run_argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (lookout_test_port_listening (port));

  target = lookout_target_new_from_string (target_uri, &error);
  g_assert_no_error (error);
  lookout_target_set_interval (target, 1);
  g_assert_true (lookout_target_set_option_text (target, "locations", "paris", &error));
  lookout_test_add_target (monitor, target);
  text = g_strdup_printf ("[agent paris]\nurl = %s\ntoken = %s\n", url, token);
  g_assert_true (g_file_set_contents (conf, text, -1, &error));
  agents = lookout_agents_new (monitor, conf);
  link = lookout_agent_manager_find (lookout_agents_get_manager (agents), "paris");
  g_assert_nonnull (link);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_acked_seq (link) >= 2);
  acked = lookout_agent_link_get_acked_seq (link);
  lookout_agent_manager_stop (lookout_agents_get_manager (agents));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (session, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        lookout_test_async_cb, &result);
  connection = soup_session_websocket_connect_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_signal_connect (connection, "message", G_CALLBACK (pong_message_cb), &pong);
  ping = g_strdup_printf ("{\"type\":\"ping\",\"id\":7,\"clock_ms\":%" G_GINT64_FORMAT "}",
                          g_get_real_time () / 1000);
  soup_websocket_connection_send_text (connection, ping);
  LOOKOUT_TEST_WAIT (pong != NULL);
  g_assert_true (json_object_has_member (pong, "last_seq"));
  g_assert_cmpint (json_object_get_int_member (pong, "last_seq"), >=, (gint64) acked);

  g_signal_handlers_disconnect_by_func (connection, pong_message_cb, &pong);
  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_subprocess_force_exit (agent);
  g_subprocess_wait (agent, NULL, NULL);
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

  g_test_add_func ("/agents-page/add-follow-remove", test_add_follow_remove);
  g_test_add_func ("/agents-page/pong-backlog", test_pong_backlog);

  return g_test_run ();
}
