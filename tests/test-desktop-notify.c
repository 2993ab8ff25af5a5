/* test-desktop-notify.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Desktop notifications over a real, private D-Bus session bus (the
 * program re-executes itself under dbus-run-session) with python3-dbusmock's
 * notification daemon, started afresh for each test: a registered
 * GApplication sends what the desktop channel makes of an event; the mock's
 * GetCalls must show Notify with the summary, body and action labels, and an
 * ActionInvoked signal from the daemon must activate app.mute-target. */

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <string.h>

#include "lookout-desktop-channel.h"
#include "lookout-notifier.h"
#include "lookout-test.h"

#define MOCK_PATH  "/org/freedesktop/Notifications"
#define MOCK_IFACE "org.freedesktop.DBus.Mock"

typedef struct
{
  GSubprocess     *mock;
  GDBusConnection *connection;
  GApplication    *app;
  gint64           muted;
  gint64           shown;
} Fixture;

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
target_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  *(gint64 *) user_data = g_variant_get_int64 (parameter);
}

/* python3-dbusmock's notification daemon on our session bus; its log of the
 * calls it gets would land among our TAP lines. */
static void
start_mock (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  f->mock = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              "/usr/bin/python3", "-m", "dbusmock",
                              "--template", "notification_daemon", NULL);
  g_assert_no_error (error);

  g_clear_object (&f->connection);
  f->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  watch = g_bus_watch_name_on_connection (f->connection, "org.freedesktop.Notifications",
                                          G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          name_appeared_cb, NULL, &appeared, NULL);
  LOOKOUT_TEST_WAIT_UNTIL (appeared, 20000);
  g_bus_unwatch_name (watch);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSimpleAction) show = NULL;
  g_autoptr(GSimpleAction) mute = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (g_getenv ("LOOKOUT_TEST_SESSION_BUS") == NULL)
    {
      g_test_skip ("dbus-run-session is not installed");
      return;
    }
  if (!g_spawn_command_line_sync ("/usr/bin/python3 -c 'import dbusmock'", NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("python3-dbusmock is not installed");
      return;
    }

  /* The ids of tests that start without a notification daemon say so. */
  if (!g_str_has_suffix (data, ".NoDaemon"))
    start_mock (f);

  f->app = g_application_new (data, G_APPLICATION_DEFAULT_FLAGS);
  show = g_simple_action_new ("show-target", G_VARIANT_TYPE_INT64);
  g_signal_connect (show, "activate", G_CALLBACK (target_action_cb), &f->shown);
  g_action_map_add_action (G_ACTION_MAP (f->app), G_ACTION (show));
  mute = g_simple_action_new ("mute-target", G_VARIANT_TYPE_INT64);
  g_signal_connect (mute, "activate", G_CALLBACK (target_action_cb), &f->muted);
  g_action_map_add_action (G_ACTION_MAP (f->app), G_ACTION (mute));
  g_assert_true (g_application_register (f->app, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->app);
  if (f->mock != NULL)
    {
      g_subprocess_force_exit (f->mock);
      g_subprocess_wait (f->mock, NULL, NULL);
    }
  g_clear_object (&f->mock);
  g_clear_object (&f->connection);
}

/* The Notify calls the mock has seen, as (app_name, replaces_id, icon,
 * summary, body, actions, hints, timeout) tuples. */
static GPtrArray *
get_notify_calls (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantIter) calls = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *notifies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  const char *method;
  GVariant *args;
  guint64 ts;

  reply = g_dbus_connection_call_sync (f->connection, "org.freedesktop.Notifications",
                                       MOCK_PATH, MOCK_IFACE, "GetCalls", NULL,
                                       G_VARIANT_TYPE ("(a(tsav))"), G_DBUS_CALL_FLAGS_NONE,
                                       5000, NULL, &error);
  g_assert_no_error (error);

  g_variant_get (reply, "(a(tsav))", &calls);
  while (g_variant_iter_next (calls, "(t&s@av)", &ts, &method, &args))
    {
      if (g_str_equal (method, "Notify"))
        g_ptr_array_add (notifies, args);
      else
        g_variant_unref (args);
    }

  return notifies;
}

/* The mock records the calls in its own process, where nothing wakes this
 * main loop: this waits by asking it again. */
static GPtrArray *
wait_for_notify_calls (Fixture *f,
                       guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      GPtrArray *calls;

      lookout_test_drain ();
      calls = get_notify_calls (f);
      if (calls->len >= n)
        return calls;
      g_ptr_array_unref (calls);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
}

static char *
arg_string (GVariant *args,
            guint     i)
{
  g_autoptr(GVariant) boxed = g_variant_get_child_value (args, i);
  g_autoptr(GVariant) value = g_variant_get_variant (boxed);

  return g_variant_dup_string (value, NULL);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_alert_channel_send_finish (LOOKOUT_ALERT_CHANNEL (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_notify (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(LookoutAlertChannel) channel = NULL;
  g_autoptr(LookoutAlertEvent) event = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  g_autoptr(GVariant) actions_boxed = NULL;
  g_autoptr(GVariant) actions = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_autofree const char **labels = NULL;
  g_autofree char *mute_key = NULL;
  gboolean sent = FALSE;
  gsize n_actions;

  if (g_test_failed () || f->mock == NULL)
    return;

  channel = lookout_desktop_channel_new (f->app);
  event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_DOWN);
  event->target_id = 42;
  event->ts_ms = g_get_real_time () / 1000;
  event->title = g_strdup ("db.example.org is down");
  event->message = g_strdup ("db.example.org is down since 2027-01-15 08:00:00: Connection refused");

  lookout_alert_channel_send_async (channel, event, NULL, sent_cb, &sent);
  LOOKOUT_TEST_WAIT (sent);

  calls = wait_for_notify_calls (f, 1);
  g_assert_cmpuint (calls->len, ==, 1);

  summary = arg_string (calls->pdata[0], 3);
  body = arg_string (calls->pdata[0], 4);
  g_assert_cmpstr (summary, ==, "db.example.org is down");
  g_assert_cmpstr (body, ==, "db.example.org is down since 2027-01-15 08:00:00: Connection refused");

  /* actions: key, label, key, label, … */
  actions_boxed = g_variant_get_child_value (calls->pdata[0], 5);
  actions = g_variant_get_variant (actions_boxed);
  labels = g_variant_get_strv (actions, &n_actions);
  g_assert_cmpuint (n_actions % 2, ==, 0);
  for (gsize i = 0; i < n_actions; i += 2)
    {
      g_test_message ("action %s: %s", labels[i], labels[i + 1]);
      if (g_str_equal (labels[i + 1], "Mute for 1 hour"))
        mute_key = g_strdup (labels[i]);
    }
  g_assert_nonnull (mute_key);
  g_assert_true (g_strv_contains (labels, "Show"));

  /* The daemon says the user clicked "Mute for 1 hour" on notification 1. */
  g_dbus_connection_call_sync (f->connection, "org.freedesktop.Notifications",
                               MOCK_PATH, MOCK_IFACE, "EmitSignal",
                               g_variant_new_parsed ("('org.freedesktop.Notifications', 'ActionInvoked', 'us', [<uint32 1>, <%s>])",
                                                     mute_key),
                               NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  LOOKOUT_TEST_WAIT (f->muted != 0);
  g_assert_cmpint (f->muted, ==, 42);
  g_assert_cmpint (f->shown, ==, 0);
}

static void
delivered_cb (LookoutAlertChannel *channel,
              LookoutAlertEvent   *event,
              guint                attempts,
              guint               *count)
{
  (*count)++;
}

static void
test_machine_event (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(LookoutAlertChannel) channel = NULL;
  g_autoptr(LookoutAlertEvent) event = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  guint delivered = 0;

  if (g_test_failed () || f->mock == NULL)
    return;

  /* A machine event (no target): no actions but the title. */
  channel = lookout_desktop_channel_new (f->app);
  g_signal_connect (channel, "delivered", G_CALLBACK (delivered_cb), &delivered);
  event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_CONNECTIVITY_LOST);
  event->title = g_strdup ("This computer is offline");
  event->message = g_strdup ("Local connectivity lost: the network is not available.");
  lookout_alert_channel_enqueue (channel, event);

  calls = wait_for_notify_calls (f, 1);
  g_assert_cmpuint (delivered, ==, 1);
  {
    g_autofree char *summary = arg_string (calls->pdata[0], 3);

    g_assert_cmpstr (summary, ==, "This computer is offline");
  }
}

static void
failed_cb (LookoutAlertChannel  *channel,
           LookoutAlertEvent    *event,
           const GError         *error,
           GError              **out_error)
{
  g_clear_error (out_error);
  *out_error = g_error_copy (error);
}

/* The events of target 7, newest first, once the store has them. */
static GArray *
read_events (LookoutStore *store)
{
  GError *error = NULL;
  GArray *events;

  lookout_store_flush_sync (store, &error);
  g_assert_no_error (error);
  events = lookout_store_query_events_sync (store, 7, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);

  return events;
}

/* No notification daemon on the bus: the event is not said to be sent; the
 * failure is recorded once, as an event saying why, and when a daemon
 * appears the retry delivers it and the event says so. */
static void
test_no_service (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(LookoutTestStore) tmp = NULL;
  g_autoptr(LookoutNotifier) notifier = NULL;
  g_autoptr(LookoutAlertChannel) channel = NULL;
  g_autoptr(LookoutAlertEvent) event = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) failure = NULL;
  g_autoptr(GPtrArray) calls = NULL;
  LookoutStoredEvent *undelivered, *down;

  if (g_test_failed () || f->app == NULL)
    return;

  tmp = lookout_test_store_new ();
  notifier = lookout_notifier_new (NULL, tmp->store);
  channel = lookout_desktop_channel_new (f->app);
  g_object_set (channel, "retry-initial-ms", 20, "retry-max-ms", 40, NULL);
  g_signal_connect (channel, "failed", G_CALLBACK (failed_cb), &failure);
  lookout_notifier_add_channel (notifier, channel);

  event = lookout_alert_event_new (LOOKOUT_ALERT_EVENT_DOWN);
  event->target_id = 7;
  event->ts_ms = 1700000000000;
  event->title = g_strdup ("db.example.org is down");
  event->message = g_strdup ("db.example.org is down: Connection refused");
  lookout_store_append_event (tmp->store, 7, event->ts_ms, "down", event->message);
  lookout_notifier_dispatch (notifier, event);

  LOOKOUT_TEST_WAIT (failure != NULL);
  g_assert_error (failure, LOOKOUT_ALERT_CHANNEL_ERROR, LOOKOUT_ALERT_CHANNEL_ERROR_NETWORK);
  g_assert_nonnull (strstr (failure->message, "No notification service"));
  /* Retries fail too, and are not recorded again. */
  g_clear_error (&failure);
  LOOKOUT_TEST_WAIT (failure != NULL);
  g_assert_cmpuint (lookout_alert_channel_get_pending (channel), ==, 1);

  events = read_events (tmp->store);
  g_assert_cmpuint (events->len, ==, 2);
  undelivered = &g_array_index (events, LookoutStoredEvent, 0);
  down = &g_array_index (events, LookoutStoredEvent, 1);
  g_assert_cmpstr (undelivered->kind, ==, "undelivered");
  g_assert_true (g_str_has_prefix (undelivered->message,
                                   "The “Down” notification was not sent to desktop: No notification service"));
  g_assert_cmpstr (down->kind, ==, "down");
  g_assert_cmpint (down->delivered_ms, ==, 0);
  g_assert_null (down->channels);

  /* A daemon appears: the next retry gets through and says so. */
  start_mock (f);
  LOOKOUT_TEST_WAIT (lookout_alert_channel_get_pending (channel) == 0);
  calls = wait_for_notify_calls (f, 1);
  g_assert_cmpuint (calls->len, ==, 1);
  g_clear_pointer (&events, g_array_unref);
  events = read_events (tmp->store);
  g_assert_cmpuint (events->len, ==, 2);
  down = &g_array_index (events, LookoutStoredEvent, 1);
  g_assert_cmpint (down->delivered_ms, >, 0);
  g_assert_cmpstr (down->channels, ==, "desktop");

  g_clear_object (&notifier);
  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  const char *runner = NULL;

  /* Our own session bus, gone with us: dbus-run-session runs this program
   * again with the variable set. */
  if (g_getenv ("LOOKOUT_TEST_SESSION_BUS") == NULL &&
      (runner = g_find_program_in_path ("dbus-run-session")) != NULL)
    {
      g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
      g_auto(GStrv) new_argv = NULL;

      g_strv_builder_add_many (args, runner, "--", argv[0], NULL);
      for (int i = 1; i < argc; i++)
        g_strv_builder_add (args, argv[i]);
      new_argv = g_strv_builder_end (args);
      g_setenv ("LOOKOUT_TEST_SESSION_BUS", "1", TRUE);
      execv (runner, new_argv);
      g_printerr ("Could not run %s: %s\n", runner, g_strerror (errno));
      return 99;
    }

  g_test_init (&argc, &argv, NULL);

  /* GLib's freedesktop notification backend can crash a later application
   * in the same process when an earlier one was gone with notifications
   * still open: the test without a daemon runs in a process of its own. */
  if (g_getenv ("LOOKOUT_TEST_NO_DAEMON") != NULL)
    {
      g_test_add ("/desktop-notify/no-service", Fixture, "io.github.lookoutapp.Lookout.Test3.NoDaemon",
                  fixture_set_up, test_no_service, fixture_tear_down);
      return g_test_run ();
    }

  g_test_add ("/desktop-notify/notify-and-action", Fixture, "io.github.lookoutapp.Lookout.Test1",
              fixture_set_up, test_notify, fixture_tear_down);
  g_test_add ("/desktop-notify/machine-event", Fixture, "io.github.lookoutapp.Lookout.Test2",
              fixture_set_up, test_machine_event, fixture_tear_down);

  return g_test_run ();
}
