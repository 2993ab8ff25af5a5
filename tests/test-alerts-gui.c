/* test-alerts-gui.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Notifications bound to GSettings (memory backend), its
 * keyring rows and "Send test notification" against a SoupServer on
 * 127.0.0.1 (libsecret's file backend), and the Events window over a real
 * store. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "lookout-test-gui.h"

#include "lookout-alerts-page.h"
#include "lookout-event-list.h"
#include "lookout-event-row.h"
#include "lookout-events-window.h"

static gpointer
child (GtkWidget  *page,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (page, LOOKOUT_TYPE_ALERTS_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
test_page_bindings (void)
{
  g_autoptr(GSettings) settings = lookout_test_fresh_settings ();
  GtkWidget *page = g_object_ref_sink (lookout_alerts_page_new (settings, NULL));
  g_autofree char *reminders = NULL;

  gtk_switch_set_active (child (page, "telegram_switch"), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "notify-telegram"));
  g_settings_set_boolean (settings, "do-not-disturb", TRUE);
  g_assert_true (gtk_switch_get_active (child (page, "dnd_switch")));

  g_settings_set_uint (settings, "alert-up-after", 4);
  g_assert_cmpfloat (gtk_spin_button_get_value (child (page, "up_after_spin")), ==, 4.0);
  gtk_spin_button_set_value (child (page, "cert_days_spin"), 30);
  g_assert_cmpuint (g_settings_get_uint (settings, "alert-cert-warning-days"), ==, 30);
  gtk_spin_button_set_value (child (page, "flap_high_spin"), 65);
  g_assert_cmpfloat (g_settings_get_double (settings, "alert-flap-high"), ==, 65.0);

  gtk_editable_set_text (child (page, "chat_id_row"), "-100200");
  g_assert_cmpstr (g_settings_get_string (settings, "telegram-chat-id"), ==, "-100200");

  /* The schedule is checked when applied: a bad one is refused. */
  g_assert_cmpstr (gtk_editable_get_text (child (page, "reminders_row")), ==, "10m,30m,1h");
  gtk_editable_set_text (child (page, "reminders_row"), "10m, soon");
  g_signal_emit_by_name (child (page, "reminders_row"), "apply");
  reminders = g_settings_get_string (settings, "alert-reminders");
  g_assert_cmpstr (reminders, ==, "10m,30m,1h");
  g_assert_true (gtk_widget_has_css_class (child (page, "reminders_row"), "error"));
  gtk_editable_set_text (child (page, "reminders_row"), "5m,1h");
  g_signal_emit_by_name (child (page, "reminders_row"), "apply");
  g_free (reminders);
  reminders = g_settings_get_string (settings, "alert-reminders");
  g_assert_cmpstr (reminders, ==, "5m,1h");
  g_assert_false (gtk_widget_has_css_class (child (page, "reminders_row"), "error"));

  /* Without the application's alert settings there is no keyring to use. */
  g_assert_false (gtk_widget_get_sensitive (child (page, "token_row")));
  g_assert_false (gtk_widget_get_sensitive (child (page, "header_row")));

  g_object_unref (page);
}

static void
telegram_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  g_ptr_array_add (user_data, g_strdup_printf ("%s %.*s", path, (int) g_bytes_get_size (body),
                                               (const char *) g_bytes_get_data (body, NULL)));
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"ok\":true}", 11);
}

static void
test_page_test_button (void)
{
  g_autoptr(GSettings) settings = lookout_test_fresh_settings ();
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (NULL);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, NULL);
  g_autoptr(LookoutAlertSettings) alert_settings = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  GtkWidget *page;

  server = lookout_test_http_server_new (telegram_cb, requests, &base);

  alert_settings = lookout_alert_settings_new (settings, engine, notifier, NULL);
  page = g_object_ref_sink (lookout_alerts_page_new (settings, alert_settings));
  g_assert_true (gtk_widget_get_sensitive (child (page, "token_row")));

  gtk_editable_set_text (child (page, "api_url_row"), base);
  gtk_editable_set_text (child (page, "chat_id_row"), "31");
  gtk_editable_set_text (child (page, "token_row"), "777:from-the-page");
  g_signal_emit_by_name (child (page, "token_row"), "apply");
  LOOKOUT_TEST_WAIT ((g_object_get (lookout_notifier_find_channel (notifier, "telegram"), "token", &token, NULL),
                      token != NULL));

  gtk_widget_activate_action (page, "alerts.send-test", "s", "telegram");
  LOOKOUT_TEST_WAIT (requests->len == 1);
  g_assert_cmpstr (requests->pdata[0], ==,
                   "/bot777:from-the-page/sendMessage {\"chat_id\":\"31\","
                   "\"text\":\"This is a test notification from Lookout: this channel works.\","
                   "\"disable_web_page_preview\":true}");

  soup_server_disconnect (server);
  g_object_unref (page);
}

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_store_flush_finish (LOOKOUT_STORE (object), result, &error));
  *(gboolean *) user_data = TRUE;
}

static void
test_events_window (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  LookoutEventModel *model;
  LookoutEventList *list;
  GtkDropDown *kind;
  GtkWidget *window;
  gboolean flushed = FALSE;

  lookout_store_append_event (store, 1, 1000, "down", "web is down since …");
  lookout_store_append_event (store, 1, 2000, "up", "web is now up after 00:00:01.");
  lookout_store_append_event (store, 0, 3000, "connectivity-lost", "offline");
  lookout_store_flush_async (store, NULL, flushed_cb, &flushed);
  LOOKOUT_TEST_WAIT (flushed);

  monitor = lookout_monitor_new (store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));

  window = lookout_events_window_new (NULL, monitor);
  gtk_window_present (GTK_WINDOW (window));
  list = LOOKOUT_EVENT_LIST (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW, "event_list"));
  model = lookout_event_list_get_model (list);
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);

  /* "Down" is the first kind after "All Events". */
  kind = GTK_DROP_DOWN (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW, "kind_dropdown"));
  gtk_drop_down_set_selected (kind, 1);
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpstr (lookout_event_model_get_kind (model), ==, "down");

  /* "This Computer": the events without a target. */
  gtk_drop_down_set_selected (kind, 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW,
                                                                            "target_dropdown")), 1);
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_cmpint (lookout_event_model_get_target_id (model), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&monitor);
}

/* No Secret Service (the session bus this process is given does not
 * exist): the page says plainly that secrets cannot be kept and why, shows
 * no dots for the token it could not save, and the channel uses it for this
 * session, as the page says. */
static void
test_page_no_keyring (void)
{
  g_autoptr(GSettings) settings = lookout_test_fresh_settings ();
  g_autoptr(LookoutAlertEngine) engine = lookout_alert_engine_new (NULL);
  g_autoptr(LookoutNotifier) notifier = lookout_notifier_new (engine, NULL);
  g_autoptr(LookoutAlertSettings) alert_settings = NULL;
  g_autofree char *token = NULL;
  GtkWidget *page;
  GtkLabel *label;

  alert_settings = lookout_alert_settings_new (settings, engine, notifier, NULL);
  page = g_object_ref_sink (lookout_alerts_page_new (settings, alert_settings));
  label = child (page, "secrets_label");
  g_assert_false (gtk_widget_get_visible (child (page, "secrets_group")));

  gtk_editable_set_text (child (page, "token_row"), "777:not-kept");
  g_signal_emit_by_name (child (page, "token_row"), "apply");
  LOOKOUT_TEST_WAIT (lookout_alert_settings_get_secrets_error (alert_settings) != NULL);

  g_assert_true (gtk_widget_get_visible (child (page, "secrets_group")));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (label),
                                   "Secrets cannot be kept: no Secret Service (such as GNOME Keyring)"));
  g_assert_nonnull (strstr (gtk_label_get_label (label), "used until Lookout quits"));
  g_assert_cmpstr (gtk_editable_get_text (child (page, "token_row")), ==, "");
  g_object_get (lookout_notifier_find_channel (notifier, "telegram"), "token", &token, NULL);
  g_assert_cmpstr (token, ==, "777:not-kept");

  g_object_unref (page);
}

static void
collect_event_rows (GtkWidget *widget,
                    GPtrArray *rows)
{
  if (LOOKOUT_IS_EVENT_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_event_rows (child, rows);
}

static gboolean
rows_laid_out (GtkWidget *list,
               guint      n)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_event_rows (list, rows);
  if (rows->len < n)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_get_width (rows->pdata[i]) <= 0)
      return FALSE;
  return TRUE;
}

/* Events of different heights (a long message wraps) each get the height
 * their text needs, none clipped to another's. */
static void
test_event_rows_heights (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GString) long_message = g_string_new ("web is down: ");
  LookoutEventList *list;
  GtkWidget *window;
  gboolean flushed = FALSE;

  for (guint i = 0; i < 40; i++)
    g_string_append (long_message, "the connection was refused again and again, ");
  for (guint i = 0; i < 12; i++)
    lookout_store_append_event (tmp->store, 1, 1000 + i * 1000, i % 2 ? "up" : "down",
                                i % 3 == 0 ? long_message->str : "web is up");
  lookout_store_flush_async (tmp->store, NULL, flushed_cb, &flushed);
  LOOKOUT_TEST_WAIT (flushed);

  monitor = lookout_monitor_new (tmp->store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));
  window = lookout_events_window_new (NULL, monitor);
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 600);
  gtk_window_present (GTK_WINDOW (window));
  list = LOOKOUT_EVENT_LIST (gtk_widget_get_template_child (window, LOOKOUT_TYPE_EVENTS_WINDOW, "event_list"));
  LOOKOUT_TEST_WAIT (!lookout_event_model_get_loading (lookout_event_list_get_model (list)));
  LOOKOUT_TEST_WAIT (rows_laid_out (GTK_WIDGET (list), 12));

  collect_event_rows (GTK_WIDGET (list), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      int needed = 0;

      gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (row), &needed, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_height (row), >=, needed);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) keyring_dir = lookout_test_dir_new ();
  g_autofree char *keyring = g_build_filename (keyring_dir, "test.keyring", NULL);

  /* Run again with this set and a session bus that does not exist. */
  if (g_getenv ("LOOKOUT_TEST_NO_KEYRING") != NULL)
    {
      lookout_test_gui_init (&argc, &argv);
      g_test_add_func ("/gui/alerts-page/no-keyring", test_page_no_keyring);
      return g_test_run ();
    }

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "lookout-test", TRUE);

  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/alerts-page/bindings", test_page_bindings);
  g_test_add_func ("/gui/alerts-page/test-button", test_page_test_button);
  g_test_add_func ("/gui/events-window", test_events_window);
  g_test_add_func ("/gui/events-window/row-heights", test_event_rows_heights);

  return g_test_run ();
}
