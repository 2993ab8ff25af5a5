/* test-remote-access.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Remote Access against a real store and monitor: the
 * switch starts the REST API on loopback, a token made on the page opens
 * it to a real SoupSession client, a revoked one no longer does, and a bad
 * address is refused with words. */

#include "config.h"

#include <libsoup/soup.h>

#include "lookout-remote-access-page.h"
#include "lookout-test-gui.h"
#include "lookout-test.h"

static gpointer
child (GtkWidget  *page,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (page, LOOKOUT_TYPE_REMOTE_ACCESS_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

/* The status of GET /api/v1/status with @token. */
static guint
status_with (SoupSession *session,
             const char  *url,
             const char  *token)
{
  g_autofree char *address = g_strconcat (url, url[strlen (url) - 1] == '/' ? "" : "/",
                                          "api/v1/status", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", address);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);

  return soup_message_get_status (msg);
}

static void
test_page (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GSettings) settings = lookout_test_fresh_settings ();
  g_autoptr(LookoutMonitor) monitor = lookout_monitor_new (tmp->store);
  g_autoptr(LookoutRemoteAccess) access = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *token = NULL;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page, *row, *revoke;
  const char *url;

  g_settings_set_string (settings, "remote-access-address", "127.0.0.1:0");
  access = lookout_remote_access_new (settings, monitor);
  page = lookout_remote_access_page_new (settings, access);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));

  /* Off by default. */
  g_assert_false (gtk_switch_get_active (child (page, "enable_switch")));
  g_assert_null (lookout_remote_access_get_url (access));
  g_assert_cmpstr (adw_action_row_get_subtitle (child (page, "status_row")), ==, "Off");

  /* On: it serves on loopback, without TLS, and says where. */
  gtk_switch_set_active (child (page, "enable_switch"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "remote-access"));
  url = lookout_remote_access_get_url (access);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (child (page, "status_row")), "Serving on http://"));
  g_assert_false (gtk_widget_get_visible (child (page, "fingerprint_row")));
  g_assert_cmpuint (status_with (session, url, "lookout_0000"), ==, 401);

  /* A token made on the page, shown once, opens the API. */
  gtk_editable_set_text (child (page, "name_row"), "grafana");
  adw_combo_row_set_selected (child (page, "scope_row"), 0);
  g_signal_emit_by_name (child (page, "create_button"), "clicked");
  LOOKOUT_TEST_WAIT ((dialog = lookout_test_find_message_dialog ()) != NULL);
  token = g_strdup (g_object_get_data (G_OBJECT (dialog), "lookout-token"));
  g_assert_true (g_str_has_prefix (token, "lookout_"));
  adw_message_dialog_response (dialog, "close");
  g_assert_cmpstr (gtk_editable_get_text (child (page, "name_row")), ==, "");
  g_assert_cmpuint (status_with (session, url, token), ==, 200);

  row = gtk_widget_get_first_child (child (page, "token_list"));
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "grafana");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "read · made "));

  /* The same name twice is refused, with words, and nothing is made. */
  gtk_editable_set_text (child (page, "name_row"), "grafana");
  g_signal_emit_by_name (child (page, "create_button"), "clicked");
  g_assert_true (gtk_widget_has_css_class (child (page, "name_row"), "error"));
  g_assert_null (gtk_widget_get_next_sibling (gtk_widget_get_first_child (child (page, "token_list"))));

  /* A bad address is refused and the setting keeps the good one. */
  gtk_editable_set_text (child (page, "address_row"), "127.0.0.1:99999");
  g_signal_emit_by_name (child (page, "address_row"), "apply");
  g_assert_true (gtk_widget_has_css_class (child (page, "address_row"), "error"));
  {
    g_autofree char *address = g_settings_get_string (settings, "remote-access-address");

    g_assert_cmpstr (address, ==, "127.0.0.1:0");
  }

  /* Revoked: the token opens nothing any more. */
  {
    /* the row's one button */
    GtkWidget *found = NULL;
    GPtrArray *stack = g_ptr_array_new ();

    g_ptr_array_add (stack, row);
    while (stack->len > 0 && found == NULL)
      {
        GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_BUTTON (w))
          found = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (stack, c);
      }
    g_ptr_array_unref (stack);
    revoke = found;
  }
  g_assert_nonnull (revoke);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (revoke), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Revoke the token “grafana”");
  g_signal_emit_by_name (revoke, "clicked");
  g_assert_null (gtk_widget_get_first_child (child (page, "token_list")));
  g_assert_cmpuint (status_with (session, url, token), ==, 401);

  /* Off again. */
  gtk_switch_set_active (child (page, "enable_switch"), FALSE);
  g_assert_null (lookout_remote_access_get_url (access));
  g_assert_cmpstr (adw_action_row_get_subtitle (child (page, "status_row")), ==, "Off");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/remote-access/page", test_page);

  return g_test_run ();
}
