/* test-agent-options.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The options of a target given headless: lookout-agent check --option and
 * a targets file for run, the real binary against a loopback HTTP server. */

#include "config.h"

#include <signal.h>

#include "dns-test-server.h"
#include "lookout-target-json.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"
#include "lookout-test.h"

static const char *agent_path;

typedef struct
{
  SoupServer *server;
  char       *base;
  char       *last_method;
  char       *last_query;
  guint       missing_hits;
  guint       secret_hits;
} Fixture;

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *body = "Welcome to the test server";

  g_free (f->last_method);
  f->last_method = g_strdup (soup_server_message_get_method (msg));
  g_free (f->last_query);
  f->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));

  if (g_str_equal (path, "/missing"))
    f->missing_hits++;
  if (g_str_equal (path, "/secret"))
    f->secret_hits++;

  if (g_str_equal (path, "/missing"))
    soup_server_message_set_status (msg, 404, NULL);
  else if (g_str_equal (path, "/secret") &&
           g_strcmp0 (soup_message_headers_get_one (headers, "X-Key"), "s3cret") != 0)
    soup_server_message_set_status (msg, 403, NULL);
  else
    soup_server_message_set_status (msg, 200, NULL);

  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = lookout_test_http_server_new (handle_cb, f, &f->base);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->server);
  g_free (f->base);
  g_free (f->last_method);
  g_free (f->last_query);
}

typedef struct
{
  GSubprocess *process;
  char        *out;
  char        *err;
  gboolean     done;
} Run;

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->done = TRUE;
}

static void
run_start (Run                *run,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) agent_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  *run = (Run) { NULL };
  run->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                    &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (run->process, NULL, NULL, communicated_cb, run);
}

static int
run_finish (Run   *run,
            char **out,
            char **err)
{
  int status;

  LOOKOUT_TEST_WAIT_UNTIL (run->done, 30000);
  LOOKOUT_TEST_WAIT (g_subprocess_get_if_exited (run->process) ||
                     g_subprocess_get_if_signaled (run->process));
  g_assert_true (g_subprocess_get_if_exited (run->process));
  status = g_subprocess_get_exit_status (run->process);
  g_clear_object (&run->process);

  *out = run->out;
  *err = run->err;
  return status;
}

/* Runs the agent while the main loop serves the test server; returns its
 * exit status, with its stdout and stderr in *out and *err. */
static int
run_agent (const char * const  *args,
           char               **out,
           char               **err)
{
  Run run;

  run_start (&run, args);
  return run_finish (&run, out, err);
}

static void
test_check_options (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *missing = g_strconcat (f->base, "/missing", NULL);
  g_autofree char *secret = g_strconcat (f->base, "/secret", NULL);
  g_autofree char *root = g_strconcat (f->base, "/", NULL);
  const struct { const char *args[8]; int status; const char *in_out; } cases[] = {
    { { "check", missing, NULL }, 1, "\"status\":404" },
    { { "check", "--option", "accept=404", missing, NULL }, 0, "\"ok\":true" },
    { { "check", "--option", "keyword=Welcome", root, NULL }, 0, "\"ok\":true" },
    { { "check", "--option", "keyword=Welcome", "--option", "keyword_absent=true", root, NULL }, 1, "\"ok\":false" },
    { { "check", secret, NULL }, 1, "\"status\":403" },
    { { "check", "--option", "header=X-Key: s3cret", secret, NULL }, 0, "\"status\":200" },
    /* ICMP takes none of these: they go to the HTTP target only. */
    { { "check", "-o", "accept=404", "-o", "count=2", missing, "icmp://127.0.0.1", NULL }, 0, "\"sent\":2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_agent (cases[i].args, &out, &err);

      if (status != cases[i].status || strstr (out, cases[i].in_out) == NULL)
        g_error ("case %u: exit %d, out %s, err %s", i, status, out, err);
    }

  {
    const char *args[] = { "check", "--option", "method=HEAD", root, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_agent (args, &out, &err), ==, 0);
    g_assert_cmpstr (f->last_method, ==, "HEAD");
  }
}

/* The same options in the address's query: the server gets the address's
 * own query only; a bad one is refused in the words of --option. */
static void
test_check_uri_options (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *missing = g_strconcat (f->base, "/missing?lookout.accept=404", NULL);
  g_autofree char *secret = g_strconcat (f->base, "/secret?lookout.header=X-Key%3A%20s3cret", NULL);
  g_autofree char *root = g_strconcat (f->base, "/?page=2&lookout.keyword=Welcome", NULL);
  g_autofree char *bad = g_strconcat (f->base, "/?lookout.accept=99", NULL);
  const struct { const char *args[4]; int status; const char *in_out; } cases[] = {
    { { "check", missing, NULL }, 0, "\"ok\":true" },
    { { "check", secret, NULL }, 0, "\"status\":200" },
    { { "check", root, NULL }, 0, "\"ok\":true" },
    { { "check", bad, NULL }, 2, "lookout.accept: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_agent (cases[i].args, &out, &err);

      if (status != cases[i].status ||
          (strstr (out, cases[i].in_out) == NULL && strstr (err, cases[i].in_out) == NULL))
        g_error ("case %u: exit %d, out %s, err %s", i, status, out, err);
    }
  /* the last request that reached the server: the third case's */
  g_assert_cmpstr (f->last_query, ==, "page=2");
}

static void
test_check_option_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) json_error = NULL;
  const struct { const char *args[6]; const char *message; } cases[] = {
    { { "check", "--option", "count=5", f->base, NULL },
      "--option count=5: “count” is not an option of HTTP(S) targets, which take method, accept," },
    { { "check", "--option", "colour=blue", "icmp://127.0.0.1", NULL },
      "--option colour=blue: Unknown option “colour”; Ping targets take count, size, notify_anomalies, slow_ms, slow_checks, channels" },
    { { "check", "--option", "accept", f->base, NULL },
      "--option must be KEY=VALUE, like accept=200-299, not “accept”" },
    { { "check", "--option", "max_redirects=-1", f->base, NULL },
      "--option max_redirects=-1: The option “max_redirects” must be a whole number between 0 and 100" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_agent (cases[i].args, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      if (strstr (err, cases[i].message) == NULL)
        g_error ("case %u: %s", i, err);
    }

  /* The same words as the options JSON of the dialog and the API. */
  {
    const char *args[] = { "check", "--option", "accept=99", f->base, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_false (lookout_target_options_validate ("{\"accept\": \"99\"}", &json_error));
    g_assert_cmpint (run_agent (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, json_error->message));
  }
}

/* run --targets FILE keeps each target's options in the database and
 * checks with them. */
static void
test_run_targets_file (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new_empty ();
  g_autofree char *file = g_build_filename (store->dir, "targets", NULL);
  g_autofree char *contents = g_strdup_printf ("%s/missing accept=404 name=\"Gone page\" interval=1\n"
                                               "%s/secret header=\"X-Key: s3cret\" interval=1\n",
                                               f->base, f->base);
  const char *args[] = { "run", "--db", store->path, "--targets", file, NULL };
  Run run;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;
  LookoutStore *opened;

  g_assert_true (g_file_set_contents (file, contents, -1, &error));

  /* Until each target has been checked twice (so that the first result
   * is surely handled), then stopped as a service manager would. */
  run_start (&run, args);
  LOOKOUT_TEST_WAIT_UNTIL (f->missing_hits >= 2 && f->secret_hits >= 2, 30000);
  g_subprocess_send_signal (run.process, SIGTERM);
  g_assert_cmpint (run_finish (&run, &out, &err), ==, 0);

  opened = lookout_test_store_open (store);
  targets = lookout_store_load_targets_sync (opened, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 2);
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      g_autoptr(GArray) samples = NULL;

      if (g_str_has_suffix (lookout_target_get_uri_string (target), "/missing"))
        {
          g_assert_cmpstr (lookout_target_get_options (target), ==, "{\"accept\":\"404\"}");
          g_assert_cmpstr (lookout_target_get_name (target), ==, "Gone page");
        }
      else
        g_assert_cmpstr (lookout_target_get_options (target), ==, "{\"headers\":{\"X-Key\":\"s3cret\"}}");

      /* Every stored result is UP: the options were used. */
      samples = lookout_store_query_samples_sync (opened, lookout_target_get_id (target),
                                                  0, G_MAXINT64, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (samples->len, >=, 1);
      for (guint k = 0; k < samples->len; k++)
        g_assert_cmpint (g_array_index (samples, LookoutSample, k).state, ==, LOOKOUT_TARGET_STATE_UP);
    }
}

/* DNS: the reply must hold the expected answer. */
static void
test_check_dns_expect (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TestDnsServer) server = test_dnsmasq_start (60);
  g_autofree char *www = NULL;
  g_autofree char *mx = NULL;
  struct { const char *option; const char *uri; int status; const char *in_out; } cases[] = {
    { "expect=192.0.2.1", NULL, 0, "\"ok\":true" },
    { "expect=2001:DB8:0::1", NULL, 1, "None of the answers (192.0.2.1) is the expected 2001:DB8:0::1" },
    { "expect=192.0.2.9", NULL, 1, "None of the answers (192.0.2.1) is the expected 192.0.2.9" },
    { "expect=10 MAIL.example.test", "mx", 0, "\"ok\":true" },
  };

  if (server == NULL)
    {
      g_test_skip ("dnsmasq is not installed");
      return;
    }
  www = g_strdup_printf ("dns://127.0.0.1:%u/www.example.test?type=A", server->port);
  mx = g_strdup_printf ("dns://127.0.0.1:%u/example.test?type=MX", server->port);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "check", "--option", cases[i].option, cases[i].uri ? mx : www, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = run_agent (args, &out, &err);

      if (status != cases[i].status || strstr (out, cases[i].in_out) == NULL)
        g_error ("case %u: exit %d, out %s, err %s", i, status, out, err);
    }
}

/* export --targets writes every target's whole configuration: as a
 * targets file that reads back the same, and as the target JSON. */
static void
test_export_targets (Fixture       *f,
                     gconstpointer  data)
{
  static const char file[] =
    "https://example.org/health method=HEAD accept=200-299,404 keyword=\"Welcome home\" "
    "verify_tls=false header=\"X-Key: 1\" header=\"Accept: text/html\" name=\"Example, site\"\n"
    "icmp://192.0.2.10 count=5 size=120 interval=30 failures=3\n"
    "udp://192.0.2.53:53 payload_hex=00ff expect_reply=true timeout=2000\n"
    "tcp://db.example.org:5432\n";
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *err = NULL;
  JsonArray *array;

  targets = lookout_targets_file_parse (file, -1, "file", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < targets->len; i++)
    g_assert_true (lookout_store_insert_target_sync (store->store, g_ptr_array_index (targets, i), &error));
  lookout_test_store_close (store);

  {
    const char *args[] = { "export", "--db", store->path, "--targets", NULL };

    g_assert_cmpint (run_agent (args, &text, &err), ==, 0);
  }
  again = lookout_targets_file_parse (text, -1, "exported", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, targets->len);
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *a = g_ptr_array_index (targets, i), *b = g_ptr_array_index (again, i);
      g_autoptr(JsonNode) a_json = lookout_target_to_json (a);
      g_autoptr(JsonNode) b_json = lookout_target_to_json (b);

      json_object_set_int_member (json_node_get_object (b_json), "id", lookout_target_get_id (a));
      if (!json_node_equal (a_json, b_json))
        g_error ("target %u differs after export:\n%s\n%s", i, json_to_string (a_json, FALSE),
                 json_to_string (b_json, FALSE));
    }

  {
    const char *args[] = { "export", "--db", store->path, "--targets", "--format", "json", NULL };

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_agent (args, &json, &err), ==, 0);
  }
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, targets->len);
  for (guint i = 0; i < targets->len; i++)
    {
      g_autoptr(LookoutTarget) copy = lookout_target_new_from_json (json_array_get_element (array, i), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (lookout_target_get_options (copy), ==,
                       lookout_target_get_options (g_ptr_array_index (targets, i)));
    }

  {
    const char *args[] = { "export", "--db", store->path, "--targets", "--format", "csv", NULL };
    g_autofree char *out = NULL;

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_agent (args, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "With --targets, --format must be text or json"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  agent_path = argv[1];

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/agent-options/check", test_check_options);
  ADD ("/agent-options/check-errors", test_check_option_errors);
  ADD ("/agent-options/check-uri-options", test_check_uri_options);
  ADD ("/agent-options/run-targets-file", test_run_targets_file);
  ADD ("/agent-options/export-targets", test_export_targets);
  ADD ("/agent-options/check-dns-expect", test_check_dns_expect);
#undef ADD

  return g_test_run ();
}
