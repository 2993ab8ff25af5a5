/* test-agent-fleet.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Two real agents at once, `lookout-agent run --name paris` and `--name
 * tokyo`, each in a network namespace of its own joined to this process
 * (the manager: store, monitor, two links) by a veth pair, each checking
 * targets on its own loopback.
 *
 * Exactly once: one agent's link is cut and restored while the other keeps
 * streaming; an agent is SIGKILLed while the manager is in the middle of
 * one of its batches, and started again; the manager stops for a while and
 * starts again. Then every result each agent stored is in the manager's
 * database once, in the agent's order, under the agent's name.
 *
 * Quorum: the target is refused on paris's loopback by nftables, then on
 * tokyo's too: degraded "down from paris", then down. */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "icmp-netns.h"
#include "lookout-agent-link.h"
#include "lookout-api-tls.h"
#include "lookout-monitor.h"
#include "lookout-target-options.h"
#include "lookout-target-uri.h"
#include "lookout-test.h"
#include "path-netns.h"

#define AGENT_PORT "8484"

static const char *agent_path;

typedef struct
{
  const char       *name;
  char             *ns;
  char             *veth;            /* the manager's end of the pair */
  char             *blackhole;       /* the route taken while it is down */
  const char       *address;         /* the agent's end */
  char             *db;
  char             *token;
  char             *fingerprint;
  GSubprocess      *process;
  LookoutAgentLink *link;
  guint             n_results;       /* handed to the manager's pipeline */
  guint             n_left_online;   /* times its link went from online */
} Agent;

typedef struct
{
  LookoutTestDir   *dir;
  Agent             agents[2];
  LookoutTestStore *manager;
  LookoutMonitor   *monitor;
  GHashTable       *seen;            /* "location uri ts" -> count */
  GHashTable       *last_ts;         /* "location uri" -> gint64 * */
  guint             n_twice;
  guint             n_out_of_order;
  guint             n_unexpected;    /* results from no agent of the test */
  Agent            *kill_on_result;  /* SIGKILLed on its next result */
  guint             killed_pending;  /* results of the batch behind the kill */
  guint             killed_at;       /* its results handed on by then */
} Fixture;

static Agent *
agent_named (Fixture    *f,
             const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    if (g_strcmp0 (f->agents[i].name, name) == 0)
      return &f->agents[i];
  return NULL;
}

static gint64
outbox_last (Agent *agent)
{
  return lookout_test_sql_int (agent->db, "SELECT coalesce(max(value), 0) FROM agent_state WHERE key = 'outbox.last'");
}

static gint64
outbox_size (Agent *agent)
{
  return lookout_test_sql_int (agent->db, "SELECT count(*) FROM outbox");
}

static gboolean
agent_listening (Agent *agent)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, agent->address, 8484, NULL, NULL);
  return connection != NULL;
}

/* An agent dies with the test, even one that failed an assertion. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_agent (Agent *agent)
{
  const char *argv[] = { "ip", "netns", "exec", agent->ns, agent_path, "run", "--db", agent->db,
                         "--listen", "0.0.0.0:" AGENT_PORT, "--name", agent->name, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  agent->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  LOOKOUT_TEST_WAIT (agent_listening (agent));
}

static void
kill_agent (Agent *agent)
{
  g_subprocess_force_exit (agent->process);
  g_subprocess_wait (agent->process, NULL, NULL);
  g_clear_object (&agent->process);
}

static void
stop_agent (Agent *agent)
{
  g_subprocess_send_signal (agent->process, SIGTERM);
  g_subprocess_wait (agent->process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (agent->process));
  g_assert_cmpint (g_subprocess_get_exit_status (agent->process), ==, 0);
  g_clear_object (&agent->process);
}

static void
result_cb (LookoutMonitor *monitor,
           LookoutTarget  *target,
           LookoutResult  *result,
           Fixture        *f)
{
  Agent *agent = agent_named (f, result->location);
  g_autofree char *key = NULL;
  g_autofree char *series = NULL;
  gint64 *last;
  guint count;

  if (agent == NULL)
    {
      f->n_unexpected++;
      return;
    }
  agent->n_results++;
  key = g_strdup_printf ("%s %s %" G_GINT64_FORMAT, agent->name, result->target, result->started_ms);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (f->seen, key));
  if (count > 0)
    f->n_twice++;
  g_hash_table_insert (f->seen, g_steal_pointer (&key), GUINT_TO_POINTER (count + 1));

  series = g_strdup_printf ("%s %s", agent->name, result->target);
  last = g_hash_table_lookup (f->last_ts, series);
  if (last == NULL)
    {
      last = g_new (gint64, 1);
      *last = G_MININT64;
      g_hash_table_insert (f->last_ts, g_steal_pointer (&series), last);
    }
  if (*last >= result->started_ms)
    f->n_out_of_order++;
  *last = result->started_ms;

  /* killed between a result of a batch handed on and its acknowledgement */
  if (f->kill_on_result == agent)
    {
      f->killed_pending = lookout_agent_link_get_results_waiting (agent->link);
      f->killed_at = agent->n_results;
      f->kill_on_result = NULL;
      kill_agent (agent);
    }
}

static void
link_state_cb (LookoutAgentLink *link,
               GParamSpec       *pspec,
               Agent            *agent)
{
  if (lookout_agent_link_get_state (link) != LOOKOUT_AGENT_LINK_ONLINE)
    agent->n_left_online++;
}

static void
start_link (Fixture *f,
            Agent   *agent)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("https://%s:" AGENT_PORT, agent->address);

  agent->link = lookout_agent_link_new (f->monitor, agent->name, url, agent->token, agent->fingerprint, &error);
  g_assert_no_error (error);
  lookout_agent_link_set_timing (agent->link, 200, 200, 1000);
  g_signal_connect (agent->link, "notify::state", G_CALLBACK (link_state_cb), agent);
  lookout_agent_link_start (agent->link);
}

static void
open_manager (Fixture *f)
{
  lookout_test_store_open (f->manager);
  f->monitor = lookout_test_monitor_new (f->manager->store);
  g_signal_connect (f->monitor, "result", G_CALLBACK (result_cb), f);
}

static void
close_manager (Fixture *f)
{
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      Agent *agent = &f->agents[i];

      if (agent->link == NULL)
        continue;
      g_signal_handlers_disconnect_by_data (agent->link, agent);
      lookout_agent_link_stop (agent->link);
      g_clear_object (&agent->link);
    }
  if (f->monitor != NULL)
    g_signal_handlers_disconnect_by_data (f->monitor, f);
  g_clear_object (&f->monitor);
  lookout_test_store_close (f->manager);
}

static void
add_target (Fixture    *f,
            const char *uri,
            const char *quorum)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) parsed = lookout_target_uri_parse (uri, &error);
  g_autoptr(LookoutTarget) target = NULL;

  g_assert_no_error (error);
  target = lookout_target_new (parsed);
  lookout_target_set_interval (target, 1);
  lookout_target_set_fail_threshold (target, 1);
  g_assert_true (lookout_target_set_option_text (target, "locations", "paris,tokyo", &error));
  g_assert_no_error (error);
  if (quorum != NULL)
    {
      g_assert_true (lookout_target_set_option_text (target, "quorum", quorum, &error));
      g_assert_no_error (error);
    }
  lookout_test_add_target (f->monitor, target);
}

static char *
create_token (const char *db)
{
  const char *argv[] = { agent_path, "token", "create", "--db", db, "--name", "manager",
                         "--scope", "agent", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "lookout_"));
  return g_steal_pointer (&out);
}

/* The agent's namespace, 10.84.N.2 at its end of a veth pair whose other
 * end, 10.84.N.1, is here; its loopback up, and its certificate made by a
 * first start so that the manager can pin it. */
static gboolean
set_up_agent (Fixture     *f,
              Agent       *agent,
              const char  *name,
              guint        n,
              GError     **error)
{
  g_autofree char *peer = g_strdup_printf ("lkf%u", n);
  g_autofree char *here = g_strdup_printf ("10.84.%u.1/24", n);
  g_autofree char *there = g_strdup_printf ("10.84.%u.2/24", n);
  g_autofree char *home = NULL;
  g_autofree char *cert_path = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *fingerprint = NULL;

  agent->name = name;
  agent->address = n == 1 ? "10.84.1.2" : "10.84.2.2";
  agent->ns = g_strdup_printf ("lookout-fleet-%s-%d", name, (int) getpid ());
  agent->veth = g_strdup_printf ("lkf%u-%d", n, (int) getpid () % 100000);
  home = g_build_filename (f->dir, name, NULL);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  agent->db = g_build_filename (home, "agent.db", NULL);

  /* a cut link is silence, as a cut cable is: without this route the
   * agent's address would be sought through the default gateway */
  agent->blackhole = g_strdup_printf ("10.84.%u.0/24", n);
  if (!icmp_netns_ip (error, "route", "replace", "blackhole", agent->blackhole, "metric", "4000", NULL))
    {
      g_clear_pointer (&agent->blackhole, g_free);
      return FALSE;
    }
  if (!icmp_netns_ip (error, "netns", "add", agent->ns, NULL))
    {
      g_clear_pointer (&agent->ns, g_free);
      return FALSE;
    }
  if (!icmp_netns_ip (error, "link", "add", agent->veth, "type", "veth", "peer", "name", peer,
                      "netns", agent->ns, NULL) ||
      !icmp_netns_ip (error, "addr", "add", here, "dev", agent->veth, NULL) ||
      !icmp_netns_ip (error, "link", "set", agent->veth, "up", NULL) ||
      !icmp_netns_ip (error, "-n", agent->ns, "addr", "add", there, "dev", peer, NULL) ||
      !icmp_netns_ip (error, "-n", agent->ns, "link", "set", peer, "up", NULL) ||
      !icmp_netns_ip (error, "-n", agent->ns, "link", "set", "lo", "up", NULL))
    g_error ("cannot join namespace %s: %s", agent->ns, (*error)->message);

  agent->token = create_token (agent->db);
  start_agent (agent);
  cert_path = g_build_filename (home, "api-cert.pem", NULL);
  certificate = g_tls_certificate_new_from_file (cert_path, error);
  g_assert_no_error (*error);
  fingerprint = lookout_api_tls_dup_fingerprint (certificate);
  agent->fingerprint = g_strconcat ("SHA256:", fingerprint, NULL);
  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = lookout_test_dir_new ();
  f->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->last_ts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->manager = lookout_test_store_new_empty ();

  if (!icmp_netns_can_make (&error))
    {
      g_test_skip (error->message);
      return;
    }
  path_netns_remove_stale ("lookout-fleet-");
  if (!set_up_agent (f, &f->agents[0], "paris", 1, &error) ||
      !set_up_agent (f, &f->agents[1], "tokyo", 2, &error))
    {
      g_test_skip (error->message);
      return;
    }
  open_manager (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_manager (f);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      Agent *agent = &f->agents[i];

      if (agent->process != NULL)
        kill_agent (agent);
      if (agent->ns != NULL)
        icmp_netns_ip (NULL, "netns", "del", agent->ns, NULL);
      if (agent->blackhole != NULL)
        icmp_netns_ip (NULL, "route", "del", "blackhole", agent->blackhole, "metric", "4000", NULL);
      g_free (agent->blackhole);
      g_free (agent->ns);
      g_free (agent->veth);
      g_free (agent->db);
      g_free (agent->token);
      g_free (agent->fingerprint);
    }
  lookout_test_store_free (f->manager);
  g_hash_table_unref (f->seen);
  g_hash_table_unref (f->last_ts);
  lookout_test_dir_free (f->dir);
}

static gboolean
set_link (Agent    *agent,
          gboolean  up)
{
  g_autoptr(GError) error = NULL;
  gboolean done = icmp_netns_ip (&error, "link", "set", agent->veth, up ? "up" : "down", NULL);

  g_assert_no_error (error);
  return done;
}

static GHashTable *
target_ids_by_uri (LookoutStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) targets = lookout_store_load_targets_sync (store, NULL, &error);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);

      g_hash_table_insert (ids, g_strdup (lookout_target_get_uri_string (target)),
                           GINT_TO_POINTER ((int) lookout_target_get_id (target)));
    }
  return ids;
}

/* With the agents and the manager stopped: what each agent stored, up to
 * the last result of each target the manager got from it, is what the
 * manager's database holds under the agent's name, sample for sample and
 * in the same order; and the manager got each once, in order. Returns how
 * many results were compared. */
static guint
assert_manager_has_all (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutStore) manager = lookout_store_open_read_only_sync (f->manager->path, NULL, &error);
  g_autoptr(GHashTable) manager_ids = NULL;
  guint checked = 0;

  g_assert_no_error (error);
  manager_ids = target_ids_by_uri (manager);

  for (guint a = 0; a < G_N_ELEMENTS (f->agents); a++)
    {
      Agent *agent = &f->agents[a];
      g_autoptr(LookoutStore) store = lookout_store_open_read_only_sync (agent->db, NULL, &error);
      g_autoptr(GHashTable) ids = NULL;
      GHashTableIter iter;
      gpointer uri, id;

      g_assert_no_error (error);
      ids = target_ids_by_uri (store);
      g_assert_cmpuint (g_hash_table_size (ids), ==, g_hash_table_size (manager_ids));
      g_hash_table_iter_init (&iter, ids);
      while (g_hash_table_iter_next (&iter, &uri, &id))
        {
          g_autofree char *series = g_strdup_printf ("%s %s", agent->name, (char *) uri);
          gint64 *last = g_hash_table_lookup (f->last_ts, series);
          g_autoptr(GArray) made = NULL;
          g_autoptr(GArray) stored = NULL;
          guint j = 0;

          g_assert_nonnull (last);
          g_assert_true (g_hash_table_contains (manager_ids, uri));
          made = lookout_store_query_samples_sync (store, GPOINTER_TO_INT (id), 0, *last + 1, NULL, &error);
          g_assert_no_error (error);
          stored = lookout_store_query_samples_sync (manager,
                                                     GPOINTER_TO_INT (g_hash_table_lookup (manager_ids, uri)),
                                                     0, G_MAXINT64, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (made->len, >, 0);

          for (guint i = 0; i < stored->len; i++)
            {
              LookoutSample *s = &g_array_index (stored, LookoutSample, i);
              LookoutSample *m;

              g_assert_nonnull (s->location);
              if (!g_str_equal (s->location, agent->name) || s->ts_ms > *last)
                continue;
              g_assert_cmpuint (j, <, made->len);
              m = &g_array_index (made, LookoutSample, j);
              g_assert_cmpint (s->ts_ms, ==, m->ts_ms);
              g_assert_cmpint (s->state, ==, m->state);
              g_assert_cmpint (s->latency_us, ==, m->latency_us);
              g_assert_cmpstr (s->error, ==, m->error);
              j++;
            }
          g_assert_cmpuint (j, ==, made->len);
          checked += j;
        }
      lookout_store_close (store);
    }
  lookout_store_close (manager);

  g_assert_cmpuint (checked, ==, g_hash_table_size (f->seen));
  g_assert_cmpuint (f->n_twice, ==, 0);
  g_assert_cmpuint (f->n_out_of_order, ==, 0);
  g_assert_cmpuint (f->n_unexpected, ==, 0);
  return checked;
}

static void
add_loopback_targets (Fixture *f)
{
  add_target (f, "tcp://127.0.0.1:" AGENT_PORT, NULL);
  add_target (f, "http://127.0.0.1:" AGENT_PORT "/metrics", NULL);
  add_target (f, "tcp://127.0.0.1:1", NULL);
  add_target (f, "udp://127.0.0.1:9", NULL);
}

#define N_TARGETS 4

static void
test_exactly_once (Fixture       *f,
                   gconstpointer  data)
{
  Agent *paris = &f->agents[0];
  Agent *tokyo = &f->agents[1];
  guint before, tokyo_before;
  gint64 last;

  if (g_test_failed () || paris->ns == NULL)
    return;

  add_loopback_targets (f);
  start_link (f, paris);
  start_link (f, tokyo);
  LOOKOUT_TEST_WAIT (paris->n_results >= 2 * N_TARGETS && tokyo->n_results >= 2 * N_TARGETS);
  g_assert_cmpuint (paris->n_left_online, ==, 0);
  g_assert_cmpuint (tokyo->n_left_online, ==, 0);

  /* paris's link cut for a while: its results wait, tokyo's go on arriving */
  set_link (paris, FALSE);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (paris->link) != LOOKOUT_AGENT_LINK_ONLINE);
  before = outbox_size (paris);
  tokyo_before = tokyo->n_results;
  LOOKOUT_TEST_WAIT (outbox_size (paris) >= before + 2 * N_TARGETS);
  LOOKOUT_TEST_WAIT (tokyo->n_results >= tokyo_before + 2 * N_TARGETS);
  g_assert_cmpuint (tokyo->n_left_online, ==, 0);
  set_link (paris, TRUE);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_state (paris->link) == LOOKOUT_AGENT_LINK_ONLINE, 30000);
  last = outbox_last (paris);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_acked_seq (paris->link) >= (guint64) last, 30000);
  g_assert_cmpuint (tokyo->n_left_online, ==, 0);

  /* tokyo's results held back, then tokyo SIGKILLed on the first result of
   * the back-fill the manager hands on, before it acknowledged the batch */
  set_link (tokyo, FALSE);
  LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (tokyo->link) != LOOKOUT_AGENT_LINK_ONLINE);
  before = outbox_size (tokyo);
  LOOKOUT_TEST_WAIT (outbox_size (tokyo) >= before + 3 * N_TARGETS);
  before = tokyo->n_results;
  f->kill_on_result = tokyo;
  set_link (tokyo, TRUE);
  LOOKOUT_TEST_WAIT_UNTIL (tokyo->process == NULL, 30000);
  g_assert_cmpuint (f->killed_at, ==, before + 1);
  g_assert_cmpuint (f->killed_pending, >, 0);
  start_agent (tokyo);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_state (tokyo->link) == LOOKOUT_AGENT_LINK_ONLINE, 30000);
  last = outbox_last (tokyo);
  LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_acked_seq (tokyo->link) >= (guint64) last, 30000);

  /* the manager away for a while, both agents checking on */
  close_manager (f);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      before = outbox_size (&f->agents[i]);
      LOOKOUT_TEST_WAIT (outbox_size (&f->agents[i]) >= before + 2 * N_TARGETS);
    }
  open_manager (f);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    start_link (f, &f->agents[i]);
  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    {
      LOOKOUT_TEST_WAIT (lookout_agent_link_get_state (f->agents[i].link) == LOOKOUT_AGENT_LINK_ONLINE);
      last = outbox_last (&f->agents[i]);
      LOOKOUT_TEST_WAIT_UNTIL (lookout_agent_link_get_acked_seq (f->agents[i].link) >= (guint64) last, 30000);
      g_assert_cmpuint (lookout_agent_link_get_n_duplicates (f->agents[i].link), ==, 0);
      g_assert_cmpuint (lookout_agent_link_get_n_gaps (f->agents[i].link), ==, 0);
    }

  for (guint i = 0; i < G_N_ELEMENTS (f->agents); i++)
    stop_agent (&f->agents[i]);
  close_manager (f);
  g_test_message ("%u results compared", assert_manager_has_all (f));
}

/* The target refused on paris's loopback, then on tokyo's too. */
static void
refuse_on_loopback (Agent *agent)
{
  g_autoptr(GError) error = NULL;

  path_netns_exec (agent->ns, &error, "nft",
                   "add table inet lookout-fleet; "
                   "add chain inet lookout-fleet input { type filter hook input priority 0; }; "
                   "add rule inet lookout-fleet input iif lo tcp dport " AGENT_PORT " reject with tcp reset",
                   NULL);
  g_assert_no_error (error);
}

static LookoutTarget *
only_target (Fixture *f)
{
  GListModel *targets = lookout_monitor_get_targets (f->monitor);

  g_assert_cmpuint (g_list_model_get_n_items (targets), ==, 1);
  return g_list_model_get_item (targets, 0);
}

static void
test_quorum (Fixture       *f,
             gconstpointer  data)
{
  Agent *paris = &f->agents[0];
  Agent *tokyo = &f->agents[1];
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint n_down = 0, n_degraded = 0;

  if (g_test_failed () || paris->ns == NULL)
    return;

  add_target (f, "tcp://127.0.0.1:" AGENT_PORT, "all");
  target = only_target (f);
  start_link (f, paris);
  start_link (f, tokyo);
  LOOKOUT_TEST_WAIT (lookout_target_get_state (target) == LOOKOUT_TARGET_STATE_UP);

  refuse_on_loopback (paris);
  LOOKOUT_TEST_WAIT (lookout_target_get_state (target) == LOOKOUT_TARGET_STATE_DEGRADED);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==,
                   "down from paris: Connection refused by 127.0.0.1 port " AGENT_PORT ": nothing is listening on that port");
  g_assert_cmpuint (tokyo->n_left_online, ==, 0);

  refuse_on_loopback (tokyo);
  LOOKOUT_TEST_WAIT (lookout_target_get_state (target) == LOOKOUT_TARGET_STATE_DOWN);
  g_assert_cmpstr (lookout_target_get_last_error (target), ==,
                   "down from paris: Connection refused by 127.0.0.1 port " AGENT_PORT ": nothing is listening on that port; "
                   "down from tokyo: Connection refused by 127.0.0.1 port " AGENT_PORT ": nothing is listening on that port");
  g_assert_cmpuint (paris->n_left_online, ==, 0);
  g_assert_cmpuint (tokyo->n_left_online, ==, 0);

  close_manager (f);
  lookout_test_store_open (f->manager);
  events = lookout_store_query_events_sync (f->manager->store, -1, NULL, 0, 0, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      LookoutStoredEvent *e = &g_array_index (events, LookoutStoredEvent, i);

      if (g_str_equal (e->kind, "down"))
        n_down++;
      else if (g_str_equal (e->kind, "degraded"))
        n_degraded++;
    }
  g_assert_cmpuint (n_degraded, ==, 1);
  g_assert_cmpuint (n_down, ==, 1);
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

  g_test_add ("/agent-fleet/exactly-once", Fixture, NULL, fixture_set_up, test_exactly_once, fixture_tear_down);
  g_test_add ("/agent-fleet/quorum", Fixture, NULL, fixture_set_up, test_quorum, fixture_tear_down);

  return g_test_run ();
}
