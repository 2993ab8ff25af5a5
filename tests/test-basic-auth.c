/* test-basic-auth.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* HTTP basic authentication against a real SoupServer that requires it:
 * the password from the options, the environment or the keyring (the
 * target's run-time password); a wrong one is down with the 401 in words;
 * credentials never follow a redirect elsewhere; no export writes the
 * password. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "lookout-http-probe.h"
#include "lookout-target-json.h"
#include "lookout-target-list.h"
#include "lookout-target-options.h"
#include "lookout-targets-file.h"
#include "lookout-test.h"

typedef struct
{
  SoupServer *server;
  char       *base;
  SoupServer *other;           /* another origin a redirect leads to */
  char       *other_base;
  char       *other_auth;      /* the Authorization the other one got */
  guint       other_hits;
} Fixture;

static gboolean
auth_cb (SoupAuthDomain    *domain,
         SoupServerMessage *msg,
         const char        *username,
         const char        *password,
         gpointer           user_data)
{
  return g_str_equal (username, "alice") && g_str_equal (password, "s3cret pass");
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (path, "/away"))
    {
      g_autofree char *location = g_strdup_printf ("%s/open", fixture->other_base);

      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "fine", 4);
}

static void
other_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  fixture->other_hits++;
  g_free (fixture->other_auth);
  fixture->other_auth = g_strdup (auth);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "open", 4);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SoupAuthDomain) domain = NULL;

  fixture->server = lookout_test_http_server_new (handler_cb, fixture, &fixture->base);
  fixture->other = lookout_test_http_server_new (other_cb, fixture, &fixture->other_base);
  domain = soup_auth_domain_basic_new ("realm", "Lookout test", NULL);
  soup_auth_domain_add_path (domain, "/");
  soup_auth_domain_remove_path (domain, "/away");
  soup_auth_domain_basic_set_auth_callback (domain, auth_cb, NULL, NULL);
  soup_server_add_auth_domain (fixture->server, domain);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->other);
  g_free (fixture->base);
  g_free (fixture->other_base);
  g_free (fixture->other_auth);
}

static LookoutResult *
check (Fixture    *fixture,
       const char *path,
       const char *options,
       const char *keyring_password)
{
  g_autoptr(LookoutProbe) probe = lookout_http_probe_new ();
  g_autofree char *uri = g_strdup_printf ("%s%s", fixture->base, path);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  LookoutResult *result;

  g_assert_true (lookout_target_validate_options (options, NULL));
  target = lookout_target_new_from_string (uri, &error);
  g_assert_no_error (error);
  lookout_target_set_timeout (target, 5000);
  lookout_target_set_options (target, options);
  lookout_target_set_auth_password (target, keyring_password);

  result = lookout_test_run_probe_on (probe, target, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static void
test_right_and_wrong (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LookoutResult) right = NULL;
  g_autoptr(LookoutResult) wrong = NULL;
  g_autoptr(LookoutResult) none = NULL;

  right = check (fixture, "/", "{\"basic_auth_user\": \"alice\", \"basic_auth_password\": \"s3cret pass\"}", NULL);
  g_assert_cmpint (right->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpuint (right->http_status, ==, 200);

  wrong = check (fixture, "/", "{\"basic_auth_user\": \"alice\", \"basic_auth_password\": \"guess\"}", NULL);
  g_assert_cmpint (wrong->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpuint (wrong->http_status, ==, 401);
  g_assert_cmpstr (wrong->error, ==,
                   "HTTP status 401 Unauthorized: the server refused the user name “alice” or its password");

  /* Without credentials a 401 is an answer like any unaccepted status. */
  none = check (fixture, "/", "{}", NULL);
  g_assert_cmpint (none->state, ==, LOOKOUT_TARGET_STATE_DEGRADED);
  g_assert_cmpuint (none->http_status, ==, 401);
}

static void
test_keyring_and_environment (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(LookoutResult) keyring = NULL;
  g_autoptr(LookoutResult) no_keyring = NULL;
  g_autoptr(LookoutResult) env = NULL;
  g_autoptr(LookoutResult) no_env = NULL;
  const char *kept = "{\"basic_auth_user\": \"alice\", \"basic_auth_keyring\": true}";
  const char *in_env = "{\"basic_auth_user\": \"alice\", \"basic_auth_password_env\": \"LOOKOUT_TEST_SITE_PW\"}";

  keyring = check (fixture, "/", kept, "s3cret pass");
  g_assert_cmpint (keyring->state, ==, LOOKOUT_TARGET_STATE_UP);

  no_keyring = check (fixture, "/", kept, NULL);
  g_assert_cmpint (no_keyring->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpstr (no_keyring->error, ==,
                   "The password of “alice” is kept in the keyring, which did not give it (locked, or no keyring here)");

  g_setenv ("LOOKOUT_TEST_SITE_PW", "s3cret pass", TRUE);
  env = check (fixture, "/", in_env, NULL);
  g_assert_cmpint (env->state, ==, LOOKOUT_TARGET_STATE_UP);

  g_unsetenv ("LOOKOUT_TEST_SITE_PW");
  no_env = check (fixture, "/", in_env, NULL);
  g_assert_cmpint (no_env->state, ==, LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpstr (no_env->error, ==,
                   "The password of “alice” should be in the environment variable LOOKOUT_TEST_SITE_PW, which is not set");
}

static void
test_not_sent_elsewhere (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LookoutResult) result = NULL;

  result = check (fixture, "/away", "{\"basic_auth_user\": \"alice\", \"basic_auth_password\": \"s3cret pass\"}", NULL);
  g_assert_cmpint (result->state, ==, LOOKOUT_TARGET_STATE_UP);
  g_assert_cmpuint (fixture->other_hits, ==, 1);
  g_assert_null (fixture->other_auth);
}

static void
test_options (void)
{
  static const struct {
    const char *json;
    const char *error;
  } bad[] = {
    { "{\"basic_auth_password\": \"x\"}",
      "A password for basic authentication needs a user name too (basic_auth_user)" },
    { "{\"basic_auth_user\": \"a:b\"}",
      "The user name for basic authentication cannot be empty, longer than 255 bytes or contain “:”" },
    { "{\"basic_auth_user\": \"a\", \"basic_auth_password_env\": \"9PW\"}",
      "“9PW” is not the name of an environment variable: letters, digits and “_”, not starting with a digit, like SITE_PASSWORD" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_assert_false (lookout_target_validate_options (bad[i].json, &bad_error));
      g_assert_cmpstr (bad_error->message, ==, bad[i].error);
    }

  /* The agent's targets file takes it as key=value. */
  targets = lookout_targets_file_parse ("http://127.0.0.1:1/ basic_auth_user=alice basic_auth_password_env=SITE_PW\n",
                                        -1, "targets", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 1);
  g_assert_nonnull (strstr (lookout_target_get_options (targets->pdata[0]), "\"basic_auth_password_env\":\"SITE_PW\""));
}

/* Exports (targets file and JSON) leave the password out and say where
 * it is; the list they make reads back. */
static void
test_export (void)
{
  g_autoptr(GListStore) list = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(LookoutTarget) clear = NULL;
  g_autoptr(LookoutTarget) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) back = NULL;

  clear = lookout_target_new_from_string ("http://127.0.0.1:1/a", &error);
  g_assert_no_error (error);
  lookout_target_set_options (clear, "{\"basic_auth_user\":\"alice\",\"basic_auth_password\":\"s3cret pass\"}");
  kept = lookout_target_new_from_string ("http://127.0.0.1:1/b", &error);
  g_assert_no_error (error);
  lookout_target_set_options (kept, "{\"basic_auth_user\":\"bob\",\"basic_auth_keyring\":true}");
  lookout_target_set_auth_password (kept, "in memory only");
  g_list_store_append (list, clear);
  g_list_store_append (list, kept);

  text = lookout_target_list_format (G_LIST_MODEL (list), LOOKOUT_TARGET_LIST_TEXT);
  json = lookout_target_list_format (G_LIST_MODEL (list), LOOKOUT_TARGET_LIST_JSON);
  for (guint i = 0; i < 2; i++)
    {
      const char *out = i == 0 ? text : json;

      g_assert_null (strstr (out, "s3cret"));
      g_assert_null (strstr (out, "in memory only"));
      g_assert_nonnull (strstr (out, "The password of “alice” is left out: give it again with "
                                     "basic_auth_password= or basic_auth_password_env="));
      g_assert_nonnull (strstr (out, "The password of “bob” is in the keyring of the computer this "
                                     "list comes from, not in the list"));
    }
  g_assert_nonnull (strstr (text, "basic_auth_user=alice"));

  back = lookout_target_list_parse (text, -1, "targets", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  g_clear_pointer (&back, g_ptr_array_unref);
  back = lookout_target_list_parse (json, -1, "targets.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/basic-auth/right-and-wrong", Fixture, NULL, fixture_set_up, test_right_and_wrong, fixture_tear_down);
  g_test_add ("/basic-auth/keyring-and-environment", Fixture, NULL, fixture_set_up,
              test_keyring_and_environment, fixture_tear_down);
  g_test_add ("/basic-auth/not-sent-elsewhere", Fixture, NULL, fixture_set_up, test_not_sent_elsewhere,
              fixture_tear_down);
  g_test_add_func ("/basic-auth/options", test_options);
  g_test_add_func ("/basic-auth/export", test_export);

  return g_test_run ();
}
