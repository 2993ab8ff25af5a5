/* test-trace-kind.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The trace:// kind end to end, through a routed chain of namespaces the
 * test makes (client → r1 or r1b → r2 → destination): the probe's result
 * and its hops as lookout-agent prints them, the route watch behind the
 * monitor telling a switch from r1 to r1b exactly once (as an event, a
 * stored route change and the stored hop table), and lookout-agent run
 * printing it on a line of its own. */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "icmp-netns.h"
#include "lookout-api-server.h"
#include "lookout-json.h"
#include "lookout-monitor.h"
#include "lookout-store-paths.h"
#include "lookout-test.h"
#include "lookout-trace-probe.h"
#include "path-netns.h"

static PathNetns netns;
static char *skip_reason;
static const char *agent_path;

static gboolean
skip_without_netns (void)
{
  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return TRUE;
    }

  return FALSE;
}

/* One check of @uri from the client's namespace. */
static LookoutResult *
check_from_client (LookoutProbe *probe,
                   const char   *uri,
                   const char   *options)
{
  g_autoptr(GError) error = NULL;
  LookoutResult *result;
  int home_fd;

  home_fd = icmp_netns_enter (netns.client);
  result = lookout_test_run_probe (probe, uri, 5000, options, NULL, &error);
  icmp_netns_leave (home_fd);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static char *
hops_text (const LookoutTraceReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < report->n_hops; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "",
                            report->hops[i].addresses != NULL ? report->hops[i].addresses[0] : "*");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_probe_chain (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  JsonArray *hops;

  if (skip_without_netns ())
    return;

  result = check_from_client (probe, "trace://" PATH_NETNS_DESTINATION, NULL);
  g_assert_true (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_nonnull (result->trace);
  path = hops_text (result->trace);
  g_assert_cmpstr (path, ==, "10.81.1.2 10.81.2.2 10.81.3.2");
  g_assert_cmpstr (result->address, ==, PATH_NETNS_DESTINATION);
  /* The latency is the destination's, its probes the loss. */
  g_assert_cmpint (result->latency_us, ==, lookout_trace_hop_median_us (&result->trace->hops[2]));
  g_assert_cmpint (result->latency_us, >, 0);
  g_assert_cmpuint (result->sent, ==, 3);
  g_assert_cmpuint (result->received, ==, 3);

  node = lookout_result_to_json (result);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "trace");
  hops = json_object_get_array_member (object, "hops");
  g_assert_cmpuint (json_array_get_length (hops), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *hop = json_array_get_object_element (hops, i);

      g_assert_cmpint (json_object_get_int_member (hop, "ttl"), ==, i + 1);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (hop, "addresses")), ==, 1);
      g_assert_cmpfloat (json_object_get_double_member (hop, "loss"), ==, 0.0);
      g_assert_cmpfloat (json_object_get_double_member (hop, "best_ms"), <=,
                         json_object_get_double_member (hop, "median_ms"));
      g_assert_cmpfloat (json_object_get_double_member (hop, "median_ms"), <=,
                         json_object_get_double_member (hop, "worst_ms"));
      g_assert_cmpfloat (json_object_get_double_member (hop, "stdev_ms"), >=, 0.0);
      g_assert_true (json_object_has_member (hop, "name"));
      g_assert_true (json_object_has_member (hop, "rtt_ms"));
    }
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (json_array_get_object_element (hops, 2),
                                                                                "addresses"), 0),
                   ==, PATH_NETNS_DESTINATION);
}

static void
test_probe_udp_ipv6 (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autofree char *path = NULL;

  if (skip_without_netns ())
    return;

  result = check_from_client (probe, "trace://[" PATH_NETNS_DESTINATION6 "]?proto=udp", "{\"names\":false}");
  g_assert_true (result->ok);
  path = hops_text (result->trace);
  g_assert_cmpstr (path, ==, "fd81:1::2 fd81:2::2 fd81:3::2");
  for (guint i = 0; i < result->trace->n_hops; i++)
    g_assert_null (result->trace->hops[i].name);
}

/* The hop's name comes from reverse DNS (here /etc/hosts), then from the
 * probe's cache. */
static void
test_probe_names (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autofree char *hosts = NULL;

  if (!g_file_get_contents ("/etc/hosts", &hosts, NULL, NULL) ||
      !g_regex_match_simple ("^127\\.0\\.0\\.1\\s+localhost\\b", hosts, G_REGEX_MULTILINE, 0))
    {
      g_test_skip ("/etc/hosts does not name 127.0.0.1 localhost");
      return;
    }

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(LookoutResult) result = NULL;
      g_autoptr(GError) error = NULL;

      result = lookout_test_run_probe (probe, "trace://127.0.0.1", 5000, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (result->ok);
      g_assert_cmpuint (result->trace->n_hops, ==, 1);
      g_assert_cmpstr (result->trace->hops[0].name, ==, "localhost");
    }
}

/* r1 rejects what goes to 10.81.9.0/24: down, and the message says who. */
static void
test_probe_unreachable (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autoptr(LookoutResult) result = NULL;

  if (skip_without_netns ())
    return;

  result = check_from_client (probe, "trace://" PATH_NETNS_NOWHERE, "{\"names\":false}");
  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_UNREACHABLE);
  g_assert_cmpstr (result->error, ==, "Hop 2 (10.81.1.2) says " PATH_NETNS_NOWHERE " cannot be reached");
  g_assert_cmpint (result->latency_us, ==, -1);
  g_assert_nonnull (result->trace);
}

/* The destination ignores echoes: down, saying how far the path went. */
static void
test_probe_silent_destination (void)
{
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_netns ())
    return;

  g_assert_true (path_netns_exec (netns.destination, &error, "sysctl", "-qw",
                                  "net.ipv4.icmp_echo_ignore_all=1", NULL));
  result = check_from_client (probe, "trace://" PATH_NETNS_DESTINATION, "{\"names\":false}");
  g_assert_true (path_netns_exec (netns.destination, &error, "sysctl", "-qw",
                                  "net.ipv4.icmp_echo_ignore_all=0", NULL));
  g_assert_no_error (error);

  g_assert_false (result->ok);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpint (result->error_code, ==, LOOKOUT_PROBE_ERROR_TIMEOUT);
  g_assert_cmpstr (result->error, ==,
                   PATH_NETNS_DESTINATION " did not answer; the path was heard as far as hop 2 (10.81.2.2)");
  g_assert_cmpuint (result->received, ==, 0);
}

/* ---- the route watch behind the monitor ---- */

typedef struct
{
  GPtrArray *events;   /* LookoutAlertEvent of kind route-change */
} Seen;

static void
event_cb (LookoutAlertEngine *engine,
          LookoutAlertEvent  *event,
          Seen               *seen)
{
  if (event->kind == LOOKOUT_ALERT_EVENT_ROUTE_CHANGE)
    g_ptr_array_add (seen->events, lookout_alert_event_ref (event));
}

static void
round_through_monitor (LookoutMonitor *monitor,
                       LookoutProbe   *probe,
                       LookoutTarget  *target)
{
  g_autoptr(GAsyncResult) async = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lookout_probe_run_async (probe, target, NULL, lookout_test_async_cb, &async);
  result = lookout_probe_run_finish (probe, lookout_test_wait_result (&async), &error);
  g_assert_no_error (error);
  g_assert_true (result->ok);
  lookout_monitor_handle_result (monitor, target, result);
}

/* GET @path of the API over @monitor, with a read token: its JSON. */
static JsonNode *
api_get (LookoutMonitor *monitor,
         const char     *path,
         guint           expected_status)
{
  g_autoptr(LookoutApiServer) server = lookout_api_server_new (monitor);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bearer = NULL;
  JsonNode *node;

  g_assert_true (lookout_api_server_listen (server, "127.0.0.1:0", NULL, &error));
  g_assert_no_error (error);
  token = lookout_api_tokens_create (lookout_api_server_get_tokens (server), "path-test",
                                     LOOKOUT_API_SCOPE_READ, &error);
  g_assert_no_error (error);
  base = lookout_api_server_dup_url (server);
  url = g_strconcat (base, path, NULL);
  msg = soup_message_new ("GET", url);
  bearer = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, lookout_test_async_cb, &result);
  body = soup_session_send_and_read_finish (session, lookout_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  lookout_api_server_stop (server);

  return node;
}

static void
test_route_change (void)
{
  g_autoptr(LookoutTestStore) tmp = NULL;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutProbe) probe = lookout_trace_probe_new ();
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(LookoutStoredPath) stored = { 0, NULL };
  g_autoptr(JsonNode) hops = NULL;
  Seen seen = { g_ptr_array_new_with_free_func ((GDestroyNotify) lookout_alert_event_unref) };
  const LookoutStoredRouteChange *change;
  int home_fd;

  if (skip_without_netns ())
    return;

  tmp = lookout_test_store_new ();
  monitor = lookout_test_monitor_new (tmp->store);
  g_signal_connect (lookout_monitor_get_alert_engine (monitor), "event", G_CALLBACK (event_cb), &seen);
  target = lookout_target_new_from_string ("trace://" PATH_NETNS_DESTINATION, &error);
  g_assert_no_error (error);
  lookout_target_set_options (target, "{\"names\":false}");
  lookout_test_add_target (monitor, target);

  /* Every socket of the rounds is made on this thread, in the client's namespace. */
  home_fd = icmp_netns_enter (netns.client);

  for (guint i = 0; i < 3; i++)
    round_through_monitor (monitor, probe, target);
  g_assert_cmpuint (seen.events->len, ==, 0);

  g_assert_true (path_netns_switch_route (&netns, TRUE, &error));
  g_assert_no_error (error);
  round_through_monitor (monitor, probe, target);
  /* One differing round is not a change yet. */
  g_assert_cmpuint (seen.events->len, ==, 0);
  round_through_monitor (monitor, probe, target);
  g_assert_cmpuint (seen.events->len, ==, 1);
  for (guint i = 0; i < 3; i++)
    round_through_monitor (monitor, probe, target);
  g_assert_cmpuint (seen.events->len, ==, 1);

  g_assert_true (path_netns_switch_route (&netns, FALSE, &error));
  icmp_netns_leave (home_fd);

  g_assert_cmpstr (((LookoutAlertEvent *) seen.events->pdata[0])->message, ==,
                   "The route to " PATH_NETNS_DESTINATION " changed from "
                   "10.81.1.2 → 10.81.2.2 → 10.81.3.2 to 10.81.4.2 → 10.81.5.2 → 10.81.3.2.");
  g_assert_true (((LookoutAlertEvent *) seen.events->pdata[0])->notify);

  /* Stored: the event, the change with both paths, the hop table since. */
  g_assert_true (lookout_store_flush_sync (tmp->store, &error));
  events = lookout_store_query_events_sync (tmp->store, lookout_target_get_id (target), "route-change",
                                            0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);

  changes = lookout_store_query_path_sync (tmp->store, lookout_target_get_id (target), 0, &stored, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, LookoutStoredRouteChange, 0);
  g_assert_cmpstr (change->old_path_json, ==, "[\"10.81.1.2\",\"10.81.2.2\",\"10.81.3.2\"]");
  g_assert_cmpstr (change->new_path_json, ==, "[\"10.81.4.2\",\"10.81.5.2\",\"10.81.3.2\"]");
  g_assert_cmpint (change->ts_ms, ==, ((LookoutAlertEvent *) seen.events->pdata[0])->ts_ms);

  g_assert_nonnull (stored.hops_json);
  hops = json_from_string (stored.hops_json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (hops)), ==, 3);
  /* The statistics started again with the new path: 4 rounds of 3 probes. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_node_get_array (hops), 0),
                                               "sent"), ==, 12);
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (json_array_get_object_element (json_node_get_array (hops), 0),
                                                   "addresses"), 0), ==, "10.81.4.2");

  /* The API answers from the store, after a restart, with where the
   * geolocation cache places a hop. */
  g_clear_object (&monitor);
  lookout_test_store_close (tmp);
  {
    sqlite3 *db = lookout_test_sql_open (tmp->path);

    lookout_test_sql_exec (db, "INSERT INTO geo_cache (address, country, city, lat, lon, source, fetched_at)"
                               " VALUES ('" PATH_NETNS_DESTINATION "', 'Germany', 'Berlin', 52.5, 13.4, 'test', 1)");
    sqlite3_close (db);
  }
  lookout_test_store_open (tmp);
  monitor = lookout_test_monitor_new (tmp->store);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/targets/%" G_GINT64_FORMAT "/path",
                                             lookout_target_get_id (target));
    g_autoptr(JsonNode) answer = api_get (monitor, path, 200);
    JsonObject *object = json_node_get_object (answer);
    JsonArray *line = json_object_get_array_member (object, "path");
    JsonObject *last;
    JsonArray *route_changes = json_object_get_array_member (object, "route_changes");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "hops")), ==, 3);
    g_assert_cmpuint (json_array_get_length (route_changes), ==, 1);
    g_assert_cmpstr (json_array_get_string_element (
                       json_object_get_array_member (json_array_get_object_element (route_changes, 0),
                                                     "new_path"), 1), ==, "10.81.5.2");
    g_assert_cmpuint (json_array_get_length (line), ==, 3);
    g_assert_true (json_object_get_null_member (json_array_get_object_element (line, 0), "latitude"));
    last = json_array_get_object_element (line, 2);
    g_assert_cmpstr (json_object_get_string_member (last, "address"), ==, PATH_NETNS_DESTINATION);
    g_assert_cmpfloat (json_object_get_double_member (last, "latitude"), ==, 52.5);
    g_assert_cmpstr (json_object_get_string_member (last, "place"), ==, "Berlin, Germany");
  }

  g_ptr_array_unref (seen.events);
}

/* A removed target's path and route changes go with the rest of its
 * history when orphans are purged; a stored target's stay. */
static void
test_purge_orphans (void)
{
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (tmp->store);
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("trace://192.0.2.1", &error);
  gint64 kept, gone = 999;

  lookout_test_add_target (monitor, target);
  kept = lookout_target_get_id (target);
  for (guint i = 0; i < 2; i++)
    {
      gint64 id = i == 0 ? kept : gone;

      lookout_store_put_trace_path (tmp->store, id, 1000, "[]");
      lookout_store_append_route_change (tmp->store, id, 1000, "[\"a\"]", "[\"b\"]");
    }
  lookout_store_purge_orphans_async (tmp->store, NULL, lookout_test_async_cb, &result);
  g_assert_true (lookout_store_purge_orphans_finish (tmp->store, lookout_test_wait_result (&result), &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_auto(LookoutStoredPath) stored = { 0, NULL };
      g_autoptr(GArray) changes = NULL;

      changes = lookout_store_query_path_sync (tmp->store, i == 0 ? kept : gone, 0, &stored, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (changes->len, ==, i == 0 ? 1 : 0);
      g_assert_cmpstr (stored.hops_json, ==, i == 0 ? "[]" : NULL);
    }
}

/* ---- lookout-agent run ---- */

typedef struct
{
  GDataInputStream *in;
  GPtrArray        *lines;
  gboolean          done;
} Lines;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lines *lines = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  if (line == NULL)
    {
      lines->done = TRUE;
      return;
    }
  g_ptr_array_add (lines->lines, line);
  g_data_input_stream_read_line_async (lines->in, G_PRIORITY_DEFAULT, NULL, line_read_cb, lines);
}

static guint
count_lines (Lines      *lines,
             const char *word)
{
  guint n = 0;

  for (guint i = 0; i < lines->lines->len; i++)
    if (strstr (lines->lines->pdata[i], word) != NULL)
      n++;

  return n;
}

static void
test_agent_run (void)
{
  g_autoptr(LookoutTestDir) dir = NULL;
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *targets = NULL;
  Lines lines = { NULL, g_ptr_array_new_with_free_func (g_free), FALSE };
  guint before;

  if (skip_without_netns ())
    return;

  dir = lookout_test_dir_new ();
  db = g_build_filename ((char *) dir, "agent.db", NULL);
  targets = g_build_filename ((char *) dir, "targets", NULL);
  g_assert_true (g_file_set_contents (targets,
                                      "trace://" PATH_NETNS_DESTINATION " interval=3 timeout=3000\n",
                                      -1, &error));

  agent = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            "ip", "netns", "exec", netns.client, agent_path, "run", "-v",
                            "--db", db, "--targets", targets, NULL);
  g_assert_no_error (error);
  lines.in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (agent));
  g_data_input_stream_read_line_async (lines.in, G_PRIORITY_DEFAULT, NULL, line_read_cb, &lines);

  LOOKOUT_TEST_WAIT_UNTIL (count_lines (&lines, " ok ") >= 3 || lines.done, 30000);
  g_assert_cmpuint (count_lines (&lines, "route-change"), ==, 0);

  g_assert_true (path_netns_switch_route (&netns, TRUE, &error));
  LOOKOUT_TEST_WAIT_UNTIL (count_lines (&lines, "route-change") >= 1 || lines.done, 30000);
  before = count_lines (&lines, " ok ");
  LOOKOUT_TEST_WAIT_UNTIL (count_lines (&lines, " ok ") >= before + 3 || lines.done, 30000);

  g_subprocess_send_signal (agent, SIGTERM);
  g_assert_true (g_subprocess_wait_check (agent, NULL, &error));
  LOOKOUT_TEST_WAIT (lines.done);
  g_assert_true (path_netns_switch_route (&netns, FALSE, &error));

  g_assert_cmpuint (count_lines (&lines, "route-change"), ==, 1);
  for (guint i = 0; i < lines.lines->len; i++)
    if (strstr (lines.lines->pdata[i], "route-change") != NULL)
      {
        g_assert_nonnull (strstr (lines.lines->pdata[i], "trace://" PATH_NETNS_DESTINATION " route-change: "));
        g_assert_nonnull (strstr (lines.lines->pdata[i], "to 10.81.4.2 → 10.81.5.2 → 10.81.3.2."));
      }

  g_clear_object (&lines.in);
  g_ptr_array_unref (lines.lines);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  agent_path = argc > 1 ? argv[1] : NULL;

  if (!path_netns_setup (&netns, &error))
    skip_reason = g_strdup_printf ("no routed namespaces here: %s", error->message);

  g_test_add_func ("/trace-kind/probe/chain", test_probe_chain);
  g_test_add_func ("/trace-kind/probe/udp-ipv6", test_probe_udp_ipv6);
  g_test_add_func ("/trace-kind/probe/names", test_probe_names);
  g_test_add_func ("/trace-kind/probe/unreachable", test_probe_unreachable);
  g_test_add_func ("/trace-kind/probe/silent-destination", test_probe_silent_destination);
  g_test_add_func ("/trace-kind/route-change", test_route_change);
  g_test_add_func ("/trace-kind/purge-orphans", test_purge_orphans);
  if (agent_path != NULL)
    g_test_add_func ("/trace-kind/agent-run", test_agent_run);

  status = g_test_run ();
  if (skip_reason == NULL)
    path_netns_teardown (&netns);
  g_free (skip_reason);

  return status;
}
