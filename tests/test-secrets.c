/* test-secrets.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The keyring through libsecret's own file backend (an encrypted file the
 * test owns), so no Secret Service has to run. */

#include "config.h"

#include <glib/gstdio.h>

#include "lookout-test.h"

#include "lookout-secrets.h"

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *value;
  GError   *error;
} Outcome;

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Outcome *o = user_data;

  o->ok = lookout_secret_store_finish (result, &o->error);
  o->done = TRUE;
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Outcome *o = user_data;

  o->value = lookout_secret_lookup_finish (result, &o->error);
  o->done = TRUE;
}

static void
wait_for (Outcome *o)
{
  LOOKOUT_TEST_WAIT (o->done);
}

static void
store (LookoutSecret secret,
       const char   *value)
{
  Outcome o = { 0 };

  lookout_secret_store_async (secret, value, NULL, stored_cb, &o);
  wait_for (&o);
  g_assert_no_error (o.error);
  g_assert_true (o.ok);
}

static char *
lookup (LookoutSecret secret)
{
  Outcome o = { 0 };

  lookout_secret_lookup_async (secret, NULL, looked_up_cb, &o);
  wait_for (&o);
  g_assert_no_error (o.error);
  return o.value;
}

static void
test_round_trip (void)
{
  const char *path = g_getenv ("SECRET_FILE_TEST_PATH");
  g_autofree char *token = NULL;
  g_autofree char *header = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *gone = NULL;
  gsize length;

  g_assert_null (lookup (LOOKOUT_SECRET_TELEGRAM_TOKEN));

  store (LOOKOUT_SECRET_TELEGRAM_TOKEN, "123456:AAsecret-token");
  store (LOOKOUT_SECRET_WEBHOOK_HEADER, "Authorization: Bearer s3cret");
  token = lookup (LOOKOUT_SECRET_TELEGRAM_TOKEN);
  header = lookup (LOOKOUT_SECRET_WEBHOOK_HEADER);
  g_assert_cmpstr (token, ==, "123456:AAsecret-token");
  g_assert_cmpstr (header, ==, "Authorization: Bearer s3cret");

  /* The keyring file exists and does not hold the token in the clear. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 0);
  g_assert_null (g_strstr_len (contents, length, "AAsecret-token"));

  /* Replacing and removing. */
  store (LOOKOUT_SECRET_TELEGRAM_TOKEN, "654321:BBother");
  g_free (token);
  token = lookup (LOOKOUT_SECRET_TELEGRAM_TOKEN);
  g_assert_cmpstr (token, ==, "654321:BBother");
  store (LOOKOUT_SECRET_TELEGRAM_TOKEN, NULL);
  gone = lookup (LOOKOUT_SECRET_TELEGRAM_TOKEN);
  g_assert_null (gone);
  /* Removing what is not there is not an error. */
  store (LOOKOUT_SECRET_TELEGRAM_TOKEN, "");
  g_free (header);
  header = lookup (LOOKOUT_SECRET_WEBHOOK_HEADER);
  g_assert_cmpstr (header, ==, "Authorization: Bearer s3cret");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "test.keyring", NULL);

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "lookout-test", TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secrets/round-trip", test_round_trip);

  /* The file backend leaves a backup ("~") beside the keyring: freeing dir
   * removes both. */
  return g_test_run ();
}
