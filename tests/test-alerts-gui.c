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

typedef struct
{
  GPtrArray *bodies;   /* "HEADER|BODY" of each POST */
} Receiver;

static void
receiver_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Receiver *receiver = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  const char *token = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Token");

  g_ptr_array_add (receiver->bodies, g_strdup_printf ("%s|%.*s", token ? token : "", (int) g_bytes_get_size (body),
                                                      (const char *) g_bytes_get_data (body, NULL)));
  soup_server_message_set_status (msg, 200, NULL);
}

/* The first descendant of @widget of @type whose row title is @title (or
 * any, for NULL). */
static GtkWidget *
find_row (GtkWidget  *widget,
          GType       type,
          const char *title)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) &&
          (title == NULL || (ADW_IS_PREFERENCES_ROW (c) &&
                             g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), title) == 0)))
        return c;
      if ((found = find_row (c, type, title)) != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_body_with (Receiver   *receiver,
               const char *text)
{
  for (guint i = 0; i < receiver->bodies->len; i++)
    if (strstr (receiver->bodies->pdata[i], text) != NULL)
      return TRUE;

  return FALSE;
}

static GUri *
first_uri (SoupServer *server)
{
  GSList *uris = soup_server_get_uris (server);
  GUri *uri = g_uri_ref (uris->data);

  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return uri;
}

static gboolean
channel_header_is (LookoutNotifier *notifier,
                   const char      *id,
                   const char      *expected)
{
  g_autofree char *header = NULL;

  g_object_get (lookout_notifier_find_channel (notifier, id), "header", &header, NULL);
  return g_strcmp0 (header, expected) == 0;
}

static void
apply_text (GtkWidget  *expander,
            const char *title,
            const char *text)
{
  GtkWidget *row = find_row (expander, ADW_TYPE_ENTRY_ROW, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

/* Preferences → More Channels: two webhooks added, addressed and switched
 * on in the page, one with a header kept in the keyring; each gets only
 * the events of the targets that name it, from real checks that fail. */
static void
test_page_channels (void)
{
  g_autoptr(GSettings) settings = lookout_test_fresh_settings ();
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutAlertSettings) alert_settings = NULL;
  g_autoptr(SoupServer) server_a = NULL;
  g_autoptr(SoupServer) server_b = NULL;
  g_autoptr(LookoutTarget) alpha = NULL;
  g_autoptr(LookoutTarget) beta = NULL;
  g_autoptr(LookoutTarget) gamma = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GUri) port_uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) channels = NULL;
  g_autofree char *base_a = NULL;
  g_autofree char *base_b = NULL;
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;
  Receiver a = { g_ptr_array_new_with_free_func (g_free) };
  Receiver b = { g_ptr_array_new_with_free_func (g_free) };
  GtkWidget *page, *hook2, *hook3;

  server_a = lookout_test_http_server_new (receiver_cb, &a, &base_a);
  server_b = lookout_test_http_server_new (receiver_cb, &b, &base_b);
  url_a = g_strconcat (base_a, "/hook", NULL);
  url_b = g_strconcat (base_b, "/hook", NULL);

  g_settings_set_boolean (settings, "notify-desktop", FALSE);
  monitor = lookout_monitor_new_with_options (tmp->store, &(LookoutMonitorOptions) { .notify = TRUE });
  lookout_monitor_load_sync (monitor, &error);
  g_assert_no_error (error);
  alert_settings = lookout_alert_settings_new (settings, lookout_monitor_get_alert_engine (monitor),
                                               lookout_monitor_get_notifier (monitor), NULL);
  page = g_object_ref_sink (lookout_alerts_page_new (settings, alert_settings));

  gtk_widget_activate_action (page, "alerts.add-channel", "s", "webhook");
  gtk_widget_activate_action (page, "alerts.add-channel", "s", "webhook");
  channels = g_settings_get_value (settings, "channels");
  g_assert_cmpuint (g_variant_n_children (channels), ==, 2);
  hook2 = find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 2");
  hook3 = find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 3");
  g_assert_nonnull (hook2);
  g_assert_nonnull (hook3);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (hook2)), ==, "Webhook · webhook-2 · off");

  /* A bad address is said and not kept. */
  apply_text (hook2, "Address", "hooks example");
  g_assert_true (gtk_widget_has_css_class (find_row (hook2, ADW_TYPE_ENTRY_ROW, "Address"), "error"));
  g_clear_pointer (&channels, g_variant_unref);
  channels = g_settings_get_value (settings, "channels");
  g_assert_null (strstr (g_variant_print (channels, FALSE), "hooks example"));

  /* Each rebuild makes new rows: look them up again after each change. */
  apply_text (find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 2"), "Address", url_a);
  apply_text (find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 3"), "Address", url_b);
  apply_text (find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 3"), "Name", "Team B");
  apply_text (find_row (page, ADW_TYPE_EXPANDER_ROW, "Team B"), "Header, such as Authorization: Bearer …",
              "X-Token: three");
  LOOKOUT_TEST_WAIT (channel_header_is (lookout_monitor_get_notifier (monitor), "webhook-3", "X-Token: three"));
  gtk_switch_set_active (GTK_SWITCH (find_row (find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 2"), GTK_TYPE_SWITCH, NULL)), TRUE);
  gtk_switch_set_active (GTK_SWITCH (find_row (find_row (page, ADW_TYPE_EXPANDER_ROW, "Team B"), GTK_TYPE_SWITCH, NULL)), TRUE);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (find_row (page, ADW_TYPE_EXPANDER_ROW, "Team B"))),
                   ==, "Webhook · webhook-3 · on");

  /* The test button reaches its own channel only. */
  gtk_widget_activate_action (page, "alerts.send-test", "s", "webhook-2");
  LOOKOUT_TEST_WAIT (a.bodies->len == 1);
  g_assert_cmpuint (b.bodies->len, ==, 0);

  /* Two targets that fail at once, each naming one channel. */
  alpha = lookout_target_new_from_string ("tcp://127.0.0.1:1", &error);
  g_assert_no_error (error);
  lookout_target_set_name (alpha, "alpha-db");
  lookout_target_set_interval (alpha, 1);
  lookout_target_set_timeout (alpha, 500);
  lookout_target_set_fail_threshold (alpha, 1);
  lookout_target_set_options (alpha, "{\"channels\":\"webhook-2\"}");
  beta = lookout_target_new_from_string ("tcp://127.0.0.1:2", &error);
  g_assert_no_error (error);
  lookout_target_set_name (beta, "beta-db");
  lookout_target_set_interval (beta, 1);
  lookout_target_set_timeout (beta, 500);
  lookout_target_set_fail_threshold (beta, 1);
  lookout_target_set_options (beta, "{\"channels\":\"webhook-3\"}");
  /* and one that answers (a receiver's port), notifying no one, so that
   * this computer is not taken for offline */
  url = g_strdup_printf ("tcp://127.0.0.1:%d", g_uri_get_port (port_uri = first_uri (server_a)));
  gamma = lookout_target_new_from_string (url, &error);
  g_assert_no_error (error);
  lookout_target_set_interval (gamma, 1);
  lookout_target_set_timeout (gamma, 500);
  lookout_target_set_options (gamma, "{\"channels\":\"\"}");
  lookout_test_add_target (monitor, gamma);
  lookout_test_add_target (monitor, alpha);
  lookout_test_add_target (monitor, beta);
  lookout_monitor_start (monitor);

  LOOKOUT_TEST_WAIT (has_body_with (&a, "alpha-db is down") && has_body_with (&b, "beta-db is down"));
  g_assert_false (has_body_with (&a, "beta-db"));
  g_assert_false (has_body_with (&b, "alpha-db"));
  for (guint i = 0; i < b.bodies->len; i++)
    g_assert_true (g_str_has_prefix (b.bodies->pdata[i], "three|"));

  /* Removed from the page, gone from the setting. */
  gtk_widget_activate_action (page, "alerts.remove-channel", "s", "webhook-2");
  g_clear_pointer (&channels, g_variant_unref);
  channels = g_settings_get_value (settings, "channels");
  g_assert_cmpuint (g_variant_n_children (channels), ==, 1);
  g_assert_null (find_row (page, ADW_TYPE_EXPANDER_ROW, "Webhook 2"));

  lookout_monitor_stop (monitor);
  soup_server_disconnect (server_a);
  soup_server_disconnect (server_b);
  g_object_unref (page);
  g_ptr_array_unref (a.bodies);
  g_ptr_array_unref (b.bodies);
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
  g_test_add_func ("/gui/alerts-page/channels", test_page_channels);
  g_test_add_func ("/gui/events-window", test_events_window);
  g_test_add_func ("/gui/events-window/row-heights", test_event_rows_heights);

  return g_test_run ();
}
