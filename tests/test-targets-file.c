/* test-targets-file.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lookout-input-file.h"
#include "lookout-targets-file.h"
#include "lookout-test.h"

static LookoutTarget *
target_at (GPtrArray *targets,
           guint      i)
{
  g_assert_cmpuint (i, <, targets->len);
  return g_ptr_array_index (targets, i);
}

static void
test_valid (void)
{
  const char *contents =
    "# targets for the lab\n"
    "\n"
    "https://example.org/health  interval=30 timeout=5000 failures=2 name=web\n"
    "   tcp://db.example.org:5432\tname=\"Main database\"   # the primary\n"
    "icmp://192.0.2.10\n"
    "   # an indented comment\n"
    "udp://192.0.2.53:53 interval=86400\n"
    "dns://192.0.2.53/example.org?type=AAAA failures=1 timeout=100\n"
    "ntp://[2001:db8::1] name=\"say \\\"hi\\\" # not a comment \\\\ done\"\n"
    "dns:example.org";   /* no final newline */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = lookout_targets_file_parse (contents, -1, "lab.txt", &error);
  LookoutTarget *t;

  g_assert_no_error (error);
  g_assert_nonnull (targets);
  g_assert_cmpuint (targets->len, ==, 7);

  t = target_at (targets, 0);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_HTTP);
  g_assert_cmpstr (lookout_target_get_uri_string (t), ==, "https://example.org/health");
  g_assert_cmpuint (lookout_target_get_interval (t), ==, 30);
  g_assert_cmpuint (lookout_target_get_timeout (t), ==, 5000);
  g_assert_cmpuint (lookout_target_get_fail_threshold (t), ==, 2);
  g_assert_cmpstr (lookout_target_get_name (t), ==, "web");
  g_assert_cmpint (lookout_target_get_id (t), ==, 0);

  t = target_at (targets, 1);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_TCP);
  g_assert_cmpstr (lookout_target_get_name (t), ==, "Main database");
  /* defaults where no option is given */
  g_assert_cmpuint (lookout_target_get_interval (t), ==, LOOKOUT_TARGET_DEFAULT_INTERVAL_S);
  g_assert_cmpuint (lookout_target_get_timeout (t), ==, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS);
  g_assert_cmpuint (lookout_target_get_fail_threshold (t), ==, LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD);

  t = target_at (targets, 2);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_ICMP);

  t = target_at (targets, 3);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_UDP);
  g_assert_cmpuint (lookout_target_get_interval (t), ==, 86400);

  t = target_at (targets, 4);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_DNS);
  g_assert_cmpuint (lookout_target_get_fail_threshold (t), ==, 1);
  g_assert_cmpuint (lookout_target_get_timeout (t), ==, 100);

  t = target_at (targets, 5);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_NTP);
  g_assert_cmpstr (lookout_target_get_name (t), ==, "say \"hi\" # not a comment \\ done");

  t = target_at (targets, 6);
  g_assert_cmpint (lookout_target_get_kind (t), ==, LOOKOUT_TARGET_KIND_DNS);
}

static void
test_empty (void)
{
  const char *files[] = { "", "\n\n", "# only comments\n   # and more\n\t\n", "\xef\xbb\xbf\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) targets = lookout_targets_file_parse (files[i], -1, "empty.txt", &error);

      g_assert_no_error (error);
      g_assert_nonnull (targets);
      g_assert_cmpuint (targets->len, ==, 0);
    }
}

static void
test_line_endings (void)
{
  /* CRLF, a byte-order mark, tabs, quotes in the middle of a value, and a
   * '#' inside a word, which does not start a comment */
  const char *contents = "\xef\xbb\xbftcp://127.0.0.1:22 name=ssh\r\n"
                         "\t\ttcp://127.0.0.1:23\tname=te\"l net\"\r\n"
                         "tcp://127.0.0.1:24 name=rack#4 #but this is one\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  targets = lookout_targets_file_parse (contents, -1, "crlf.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 3);
  g_assert_cmpstr (lookout_target_get_name (target_at (targets, 0)), ==, "ssh");
  g_assert_cmpstr (lookout_target_get_uri_string (target_at (targets, 0)), ==, "tcp://127.0.0.1:22");
  g_assert_cmpstr (lookout_target_get_name (target_at (targets, 1)), ==, "tel net");
  g_assert_cmpstr (lookout_target_get_name (target_at (targets, 2)), ==, "rack#4");
}

typedef struct
{
  const char              *contents;
  guint                    line;
  LookoutTargetsFileError  code;
  const char              *says;       /* a part of the reason, or NULL */
} BadCase;

static void
test_bad_lines (void)
{
  const BadCase cases[] = {
    { "# header\n\ntcp://127.0.0.1:22\n\n\n\ntcp://127.0.0.1:70000\n", 7,
      LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET, "65535" },
    { "gopher://example.org/\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET, NULL },
    { "tcp://example.org\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET, NULL },
    { "icmp://192.0.2.1\nicmp://192.0.2.2 colour=red\n", 2,
      LOOKOUT_TARGETS_FILE_ERROR_UNKNOWN_OPTION, "“colour”" },
    { "icmp://192.0.2.1 interval=5 interval=6\n", 1,
      LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_OPTION, "“interval”" },
    { "icmp://192.0.2.1 fast\n", 1, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX, "“fast”" },
    { "icmp://192.0.2.1 =5\n", 1, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX, "“=5”" },
    { "icmp://192.0.2.1 interval=often\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "“often”" },
    { "icmp://192.0.2.1 interval=-5\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "“-5”" },
    { "icmp://192.0.2.1 interval=\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "seconds" },
    { "icmp://192.0.2.1 interval=0\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, NULL },
    { "icmp://192.0.2.1 interval=86401\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, NULL },
    { "icmp://192.0.2.1 timeout=10\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, NULL },
    { "icmp://192.0.2.1 timeout=1.5\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "milliseconds" },
    { "icmp://192.0.2.1\ntcp://127.0.0.1:22 interval=5 timeout=6000\n", 2,
      LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "longer than the interval" },
    { "icmp://192.0.2.1 timeout=90000\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, "at most 60 s" },
    { "icmp://192.0.2.1 failures=0\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, NULL },
    { "icmp://192.0.2.1 failures=1000\n", 1, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE, NULL },
    { "icmp://192.0.2.1 name=\"open\n", 1, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX, "quote" },
    { "interval=5 icmp://192.0.2.1\n", 1, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX, "“interval=5”" },
    { "tcp://db.example.org:5432\n# again, written differently\nTCP://DB.Example.org:5432 name=x\n", 3,
      LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_TARGET, "line 1" },
    { "icmp://192.0.2.1\nicmp://192.0.2.2 name=caf\xe9\n", 2,
      LOOKOUT_TARGETS_FILE_ERROR_ENCODING, "UTF-8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) targets = NULL;
      g_autofree char *prefix = g_strdup_printf ("targets.txt:%u: ", cases[i].line);

      g_autofree char *escaped = g_strescape (cases[i].contents, NULL);

      g_test_message ("case %u: %s", i, escaped);
      targets = lookout_targets_file_parse (cases[i].contents, -1, "targets.txt", &error);
      g_assert_null (targets);
      g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, (int) cases[i].code);
      g_test_message ("  -> %s", error->message);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_cmpuint (strlen (error->message), >, strlen (prefix) + 5);
      if (cases[i].says != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].says));
      /* one bad line, one line of message */
      g_assert_null (strchr (error->message, '\n'));
    }
}

/* A timeout not given follows a shorter interval; one given is checked
 * against it, in any order of the options. */
static void
test_timeout_follows_interval (void)
{
  const char *contents =
    "tcp://127.0.0.1:22 interval=2\n"
    "tcp://127.0.0.1:23 timeout=1500 interval=2\n"
    "tcp://127.0.0.1:24 interval=2 timeout=2000\n";
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  targets = lookout_targets_file_parse (contents, -1, "targets.txt", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 3);
  g_assert_cmpuint (lookout_target_get_timeout (g_ptr_array_index (targets, 0)), ==, 2000);
  g_assert_cmpuint (lookout_target_get_timeout (g_ptr_array_index (targets, 1)), ==, 1500);
  g_assert_cmpuint (lookout_target_get_timeout (g_ptr_array_index (targets, 2)), ==, 2000);
  g_clear_pointer (&targets, g_ptr_array_unref);

  targets = lookout_targets_file_parse ("tcp://127.0.0.1:22 timeout=2500 interval=2\n", -1,
                                        "targets.txt", &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "targets.txt:1: The timeout is longer than the interval: a check would still be "
                   "waiting when the next one is due. Make it at most 2 s");
}

static void
test_embedded_nul (void)
{
  const char contents[] = "icmp://192.0.2.1\nicmp://192.0.2.2\0 name=x\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  targets = lookout_targets_file_parse (contents, sizeof contents - 1, "nul.txt", &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_ENCODING);
  g_assert_true (g_str_has_prefix (error->message, "nul.txt:2: "));
}

static void
test_all_or_nothing (void)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 1; i <= 30; i++)
    g_string_append_printf (contents, "tcp://127.0.0.1:%u\n", 1000 + i);
  g_string_append (contents, "tcp://127.0.0.1:0\n");                       /* line 31 */
  g_string_append (contents, "tcp://127.0.0.1:2000 interval=soon\n");      /* line 32 */
  g_string_append (contents, "tcp://127.0.0.1:2001\n");

  targets = lookout_targets_file_parse (contents->str, contents->len, "many.txt", &error);
  g_assert_null (targets);
  /* the first bad line decides the code; every bad line is listed */
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "many.txt:31: "));
  g_assert_true (g_str_has_prefix (lines[1], "many.txt:32: "));
}

static void
test_many_bad_lines (void)
{
  g_autoptr(GString) contents = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 1; i <= 25; i++)
    g_string_append_printf (contents, "tcp://127.0.0.1:%u bogus\n", i);

  targets = lookout_targets_file_parse (contents->str, -1, "bad.txt", &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_SYNTAX);
  lines = g_strsplit (error->message, "\n", -1);
  /* twenty listed, then how many more */
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_true (g_str_has_prefix (lines[19], "bad.txt:20: "));
  g_assert_nonnull (strstr (lines[20], "5"));
}

static void
test_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *path = NULL;
  g_autofree char *missing = NULL;

  path = g_build_filename (dir, "targets.txt", NULL);
  missing = g_build_filename (dir, "missing.txt", NULL);

  g_file_set_contents (path, "tcp://127.0.0.1:22 interval=10\nicmp://127.0.0.1\n", -1, &error);
  g_assert_no_error (error);
  targets = lookout_targets_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (targets->len, ==, 2);
  g_assert_cmpuint (lookout_target_get_interval (target_at (targets, 0)), ==, 10);
  g_clear_pointer (&targets, g_ptr_array_unref);

  /* messages name the file as given */
  g_file_set_contents (path, "tcp://127.0.0.1:22\nbogus\n", -1, &error);
  g_assert_no_error (error);
  targets = lookout_targets_file_load (path, &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_TARGETS_FILE_ERROR, LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_true (g_str_has_prefix (error->message + strlen (path), ":2: "));
  g_clear_error (&error);

  targets = lookout_targets_file_load (missing, &error);
  g_assert_null (targets);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Files are read with a limit: a device that never ends, or a file past the
 * limit, is refused with a message before memory runs out. */
static void
test_bounded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autofree char *path = g_build_filename (dir, "huge.txt", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;
  int fd;

  targets = lookout_targets_file_load ("/dev/zero", &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_INPUT_FILE_ERROR, LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "/dev/zero is larger than 16.0\xc2\xa0MiB, the limit for a targets file");
  g_clear_error (&error);

  /* a sparse file one byte past the limit is refused by its size */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, LOOKOUT_INPUT_LIMIT_TARGETS + 1), ==, 0);
  g_close (fd, NULL);
  targets = lookout_targets_file_load (path, &error);
  g_assert_null (targets);
  g_assert_error (error, LOOKOUT_INPUT_FILE_ERROR, LOOKOUT_INPUT_FILE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* at the limit it is read whole, and NUL-terminated */
  g_assert_true (lookout_input_file_read (path, LOOKOUT_INPUT_LIMIT_TARGETS + 1, "a test",
                                          &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, LOOKOUT_INPUT_LIMIT_TARGETS + 1);
  g_assert_cmpint (contents[length], ==, '\0');
  g_clear_pointer (&contents, g_free);

  g_assert_false (lookout_input_file_read (dir, 1024, "a test", &contents, &length, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/targets-file/valid", test_valid);
  g_test_add_func ("/targets-file/empty", test_empty);
  g_test_add_func ("/targets-file/line-endings", test_line_endings);
  g_test_add_func ("/targets-file/bad-lines", test_bad_lines);
  g_test_add_func ("/targets-file/embedded-nul", test_embedded_nul);
  g_test_add_func ("/targets-file/timeout-follows-interval", test_timeout_follows_interval);
  g_test_add_func ("/targets-file/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/targets-file/many-bad-lines", test_many_bad_lines);
  g_test_add_func ("/targets-file/load", test_load);
  g_test_add_func ("/targets-file/bounded", test_bounded);

  return g_test_run ();
}
