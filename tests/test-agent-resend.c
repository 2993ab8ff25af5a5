/* test-agent-resend.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A manager killed in the middle of a back-fill never hands a result to
 * its pipeline twice.
 *
 * A real agent (`lookout-agent run --name paris`) holds 50,000 results in
 * its outbox; a real manager (`lookout-agent run --config --verbose`)
 * back-fills them and is killed with SIGKILL after a seeded number of
 * them, again and again, then runs to the end. The manager prints every
 * result its pipeline emits ("… from paris"). After each kill its database
 * is read: every result is stored once, and none that the new manager
 * printed was already stored before it started (which is what a manager
 * that committed the results but not the number covering them would do:
 * the agent sends them again, and events, notifications and counters see
 * them twice). At the end every result of the agent is stored exactly
 * once.
 *
 * Usage: test-agent-resend PATH-TO-lookout-agent */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>

#include "lookout-format.h"
#include "lookout-test.h"

#define N_TARGETS  200
#define PER_TARGET 250
#define N_KILLS    8
#define STEP_MS    10000

static const char *agent_path;

typedef struct
{
  GSubprocess *process;
  GThread     *reader;
  GMutex       lock;
  GPtrArray   *printed;     /* "WHEN URI" of each remote result, in order */
  guint        kill_at;     /* SIGKILL once that many are printed; 0: never */
} Manager;

/* A process of the test goes with it, even when an assertion ends it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags     flags,
       const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static gpointer
read_lines_thread (gpointer data)
{
  Manager *m = data;
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (m->process));
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL)) != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (line, " ", -1);
      guint n = g_strv_length (parts);

      if (n >= 5 && g_str_equal (parts[2], "ok") && g_str_equal (parts[n - 2], "from") &&
          g_str_equal (parts[n - 1], "paris"))
        {
          g_mutex_lock (&m->lock);
          g_ptr_array_add (m->printed, g_strdup_printf ("%s %s", parts[0], parts[1]));
          /* at once, while the manager is in the middle of its work */
          if (m->printed->len == m->kill_at)
            g_subprocess_send_signal (m->process, SIGKILL);
          g_mutex_unlock (&m->lock);
          g_main_context_wakeup (NULL);
        }
      g_free (line);
    }
  return NULL;
}

static Manager *
manager_start (const char *db,
               const char *targets,
               const char *conf,
               guint       kill_at)
{
  Manager *m = g_new0 (Manager, 1);

  g_mutex_init (&m->lock);
  m->kill_at = kill_at;
  m->printed = g_ptr_array_new_with_free_func (g_free);
  m->process = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                      (const char *[]) { agent_path, "run", "--db", db, "--targets", targets,
                                         "--config", conf, "--verbose", NULL });
  m->reader = g_thread_new ("manager-output", read_lines_thread, m);
  return m;
}

static guint
manager_n_printed (Manager *m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->printed->len;
  g_mutex_unlock (&m->lock);
  return n;
}

/* Waits for the manager's end (asking for it with @signal, unless 0);
 * its lines are all read once this returns. */
static void
manager_wait (Manager *m,
              int      signal)
{
  if (signal != 0)
    g_subprocess_send_signal (m->process, signal);
  g_assert_true (g_subprocess_wait (m->process, NULL, NULL));
  g_thread_join (m->reader);
}

static void
manager_free (Manager *m)
{
  g_object_unref (m->process);
  g_ptr_array_unref (m->printed);
  g_mutex_clear (&m->lock);
  g_free (m);
}

/* "WHEN URI" -> how many times, of every result from paris in @path that
 * is up. */
static GHashTable *
read_stored (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) store = lookout_store_open_sync (path, NULL, &error);
  g_autoptr(GPtrArray) targets = NULL;
  GHashTable *stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  targets = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      g_autoptr(GArray) samples = lookout_store_query_samples_sync (store, lookout_target_get_id (target),
                                                                    G_MININT64, G_MAXINT64, NULL, &error);

      g_assert_no_error (error);
      for (guint k = 0; k < samples->len; k++)
        {
          LookoutSample *s = &g_array_index (samples, LookoutSample, k);
          g_autofree char *when = NULL;
          char *key;

          /* what the outbox held; the agent's own checks of these
           * closed ports fail */
          if (g_strcmp0 (s->location, "paris") != 0 || s->state != LOOKOUT_TARGET_STATE_UP)
            continue;
          when = lookout_format_iso8601 (s->ts_ms);
          key = g_strdup_printf ("%s %s", when, lookout_target_get_uri_string (target));
          g_hash_table_insert (stored, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (stored, key)) + 1));
        }
    }
  lookout_store_close (store);
  return stored;
}

static guint
count_repeated (GHashTable *stored)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += GPOINTER_TO_UINT (value) > 1;
  return n;
}

static void
test_resend (void)
{
  g_autoptr(LookoutTestDir) dir = lookout_test_dir_new ();
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) targets_text = g_string_new (NULL);
  g_autoptr(GSubprocess) agent = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *agent_db = g_build_filename (dir, "agent.db", NULL);
  g_autofree char *manager_db = g_build_filename (dir, "manager.db", NULL);
  g_autofree char *targets = g_build_filename (dir, "targets.txt", NULL);
  g_autofree char *conf = g_build_filename (dir, "manager.conf", NULL);
  g_autofree char *conf_text = NULL;
  g_autofree char *token = NULL;
  g_autofree char *listen = NULL;
  gint64 start_ms = g_get_real_time () / 1000 - (gint64) PER_TARGET * STEP_MS - 60000;
  guint64 total;
  guint16 port;
  Manager *m;

  /* the agent's targets are checked from paris only, once an hour: its
   * outbox holds what there is to back-fill */
  for (guint i = 0; i < N_TARGETS; i++)
    {
      char *uri = g_strdup_printf ("tcp://127.0.0.1:%u", lookout_test_free_port ());

      if (g_ptr_array_find_with_equal_func (uris, uri, g_str_equal, NULL))
        {
          g_free (uri);
          i--;
          continue;
        }
      g_ptr_array_add (uris, uri);
      g_string_append_printf (targets_text, "%s interval=3600 locations=paris\n", uri);
    }
  g_ptr_array_add (uris, NULL);
  total = lookout_test_fill_outbox (agent_db, (const char * const *) uris->pdata, "paris", PER_TARGET,
                                    start_ms, STEP_MS);
  g_assert_true (g_file_set_contents (targets, targets_text->str, -1, &error));

  {
    g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                       &error, agent_path, "token", "create", "--db", agent_db,
                                                       "--name", "manager", "--scope", "agent", NULL);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &token, NULL, &error));
    g_assert_no_error (error);
    g_strstrip (token);
  }

  port = lookout_test_free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", port);
  agent = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                 (const char *[]) { agent_path, "run", "--db", agent_db, "--listen", listen,
                                    "--name", "paris", NULL });
  LOOKOUT_TEST_WAIT (lookout_test_port_listening (port));
  conf_text = g_strdup_printf ("[agent paris]\nurl = http://127.0.0.1:%u\ntoken = %s\n", port, token);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, &error));

  for (guint kill = 0; kill <= N_KILLS; kill++)
    {
      g_autoptr(GHashTable) after = NULL;
      guint left = total - g_hash_table_size (stored);
      guint resent = 0;
      gboolean last = kill == N_KILLS || left < 100;
      guint at = last ? left : (guint) g_test_rand_int_range (1, left / 2);

      m = manager_start (manager_db, targets, conf, last ? 0 : at);
      LOOKOUT_TEST_WAIT_UNTIL (manager_n_printed (m) >= at, 120000);
      /* the last one runs until everything is in, and stops as asked */
      manager_wait (m, last ? SIGTERM : 0);

      after = read_stored (manager_db);
      g_assert_cmpuint (count_repeated (after), ==, 0);
      for (guint i = 0; i < m->printed->len; i++)
        if (g_hash_table_contains (stored, g_ptr_array_index (m->printed, i)))
          resent++;
      g_test_message ("run %u: killed after %u results of %u left, %u printed, %u stored in all, %u handled again",
                      kill + 1, at, left, m->printed->len, g_hash_table_size (after), resent);
      g_assert_cmpuint (resent, ==, 0);
      g_assert_cmpuint (g_hash_table_size (after), >=, g_hash_table_size (stored));
      g_clear_pointer (&stored, g_hash_table_unref);
      stored = g_steal_pointer (&after);
      manager_free (m);
      if (last)
        break;
    }

  /* every result of the agent's outbox, once */
  g_assert_cmpuint (g_hash_table_size (stored), ==, total);
  for (guint round = 0; round < PER_TARGET; round++)
    for (guint i = 0; i < N_TARGETS; i++)
      {
        g_autofree char *when = lookout_format_iso8601 (start_ms + (gint64) round * STEP_MS + i);
        g_autofree char *key = g_strdup_printf ("%s %s", when, (char *) g_ptr_array_index (uris, i));

        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stored, key)), ==, 1);
      }

  g_subprocess_send_signal (agent, SIGTERM);
  g_subprocess_wait (agent, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-lookout-agent\n", argv[0]);
      return 2;
    }
  agent_path = argv[1];

  g_test_add_func ("/agent/resend-after-kill", test_resend);
  return g_test_run ();
}
