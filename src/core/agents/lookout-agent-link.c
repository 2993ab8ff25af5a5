/* lookout-agent-link.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a manager's link works
 *
 * Connect: a WebSocket to URL/api/v1/agent/link with the agent token; a
 * pinned fingerprint is compared with the agent's certificate both when
 * the system does not trust it and after the handshake (a trusted but
 * different certificate is refused too). The agent says "hello"; the link
 * answers "resume" from the last number it has and sends the targets.
 *
 * Exactly once: "received" is the last number handed to the monitor in
 * this process, "acked" the last one committed with the results before
 * it. Batches are queued and handed to lookout_monitor_handle_result() from
 * a low-priority source in slices of at most BUDGET_US, one every PACE_MS,
 * each ending before the scheduler's next check is due, so that a
 * back-fill never holds up the checks. After each run, "link.NAME.acked" is written
 * through the store's writer queue, in one group with the run's samples
 * and events (lookout_store_begin_group()): they commit in the same
 * transaction, so a crash of the manager can never keep the results and
 * lose their number, which would have the agent send them again into the
 * pipeline. Only when that write has committed is "ack" sent: the agent deletes nothing
 * the manager's database does not hold. A number at or below "received"
 * is a duplicate and dropped (counted); a number past the next one is a
 * gap, reported as an event, with the agent's count of results its outbox
 * bounds dropped when that explains it.
 *
 * Liveness: a ping every heartbeat with the manager's clock; the agent's
 * pong carries its own, from which the clock offset is taken. Silence for
 * three heartbeats closes the link. A lost link is "reconnecting" and
 * retried with exponential back-off and jitter; past offline_after_ms it
 * is "offline" and one "agent-offline" event is raised ("agent-online"
 * when it returns), never one per target. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-agent-link.h"
#include "lookout-agent-protocol.h"
#include "lookout-scheduler.h"
#include "lookout-target-json.h"
#include "lookout-target-options.h"

#define BUDGET_US            (1 * G_TIME_SPAN_MILLISECOND)
/* A slice starts every PACE_MS at most: the main loop sleeps between
 * slices, which keeps it a thread that mostly waits, the kind a busy
 * machine's scheduler runs at once when its check falls due. */
#define PACE_MS              2
/* Results handed to the monitor whose commit is not yet acknowledged: the
 * store's writer commits every quarter second, so this lets a back-fill
 * run at up to 400,000 results a second while keeping the store's queue
 * (and the memory of a huge back-fill) well under its bound. */
#define MAX_UNCOMMITTED      100000
#define BACKOFF_MIN_MS       250
#define DEFAULT_HEARTBEAT_MS 5000
#define DEFAULT_BACKOFF_MS   30000
#define DEFAULT_OFFLINE_MS   30000
#define BATCH_START          "{\"type\":\"batch\","

struct _LookoutAgentLink
{
  GObject                  parent_instance;

  LookoutMonitor          *monitor;
  LookoutStore            *store;
  char                    *name;
  char                    *url;
  char                    *token;
  char                    *fingerprint;    /* normalized, or NULL */
  LookoutAgentTargetsFunc  targets_func;
  gpointer                 targets_data;

  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GCancellable            *cancellable;
  guint                    generation;
  gboolean                 running;
  gboolean                 hello_seen;
  guint                    attempts;
  guint                    retry_id;
  guint                    offline_id;
  guint                    heartbeat_id;
  guint                    idle_id;
  gboolean                 parsing;
  gint64                   last_heard_us;
  gint64                   ping_sent_ms;
  gint64                   ping_id;
  gboolean                 told_offline;

  guint                    heartbeat_ms;
  guint                    backoff_max_ms;
  guint                    offline_after_ms;

  GQueue                   to_parse;       /* GBytes: batches, in order */
  GQueue                   pending;        /* GArray of LookoutOutboxEntry */
  guint                    pending_pos;    /* in the head of pending */
  GHashTable              *by_uri;         /* URI -> LookoutTarget */
  gboolean                 by_uri_stale;
  guint64                  received;
  guint64                  acked;
  guint64                  writing;        /* acked value being committed */
  guint64                  agent_last;
  guint64                  agent_dropped;
  char                    *agent_id;

  LookoutAgentLinkState    state;
  gint64                   last_seen_ms;
  gint64                   clock_offset_ms;
  gboolean                 clock_suspect;
  guint64                  n_duplicates;
  guint64                  n_gaps;
  guint64                  n_unplaced;
  char                    *problem;
};

G_DEFINE_FINAL_TYPE (LookoutAgentLink, lookout_agent_link, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_URL,
  PROP_STATE,
  PROP_LAST_SEEN,
  PROP_CLOCK_OFFSET,
  PROP_CLOCK_SUSPECT,
  PROP_RESULTS_WAITING,
  PROP_ACKED_SEQ,
  PROP_N_DUPLICATES,
  PROP_N_GAPS,
  PROP_AGENT_DROPPED,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now (LookoutAgentLink *self);

const char *
lookout_agent_link_state_to_string (LookoutAgentLinkState state)
{
  switch (state)
    {
    case LOOKOUT_AGENT_LINK_OFFLINE:
      return _("Offline");
    case LOOKOUT_AGENT_LINK_RECONNECTING:
      return _("Reconnecting");
    case LOOKOUT_AGENT_LINK_ONLINE:
      return _("Online");
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
state_key (LookoutAgentLink *self,
           const char       *what)
{
  return g_strdup_printf ("link.%s.%s", self->name, what);
}

static void
raise_event (LookoutAgentLink *self,
             const char       *kind,
             const char       *message)
{
  g_message ("%s: %s", self->name, message);
  /* Going offline and coming back are the alert engine's to record and
   * notify: the targets checked from there become "unknown from NAME". */
  if (g_str_equal (kind, "agent-offline") || g_str_equal (kind, "agent-online"))
    lookout_monitor_set_location_online (self->monitor, self->name, g_str_equal (kind, "agent-online"));
  else
    lookout_store_append_event (self->store, 0, g_get_real_time () / 1000, kind, message);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, kind, message);
}

static void
set_problem (LookoutAgentLink *self,
             const char       *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  if (problem != NULL)
    g_message ("%s: %s", self->name, problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
set_state (LookoutAgentLink      *self,
           LookoutAgentLinkState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
notify_waiting (LookoutAgentLink *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULTS_WAITING]);
}

static void
send_text (LookoutAgentLink *self,
           const char       *text)
{
  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->connection, text);
}

static gboolean
offline_cb (gpointer user_data)
{
  LookoutAgentLink *self = user_data;
  g_autofree char *message = NULL;

  self->offline_id = 0;
  set_state (self, LOOKOUT_AGENT_LINK_OFFLINE);
  if (!self->told_offline)
    {
      self->told_offline = TRUE;
      message = g_strdup_printf (_("Agent %s is offline: %s"), self->name,
                                 self->problem ? self->problem : _("no answer"));
      raise_event (self, "agent-offline", message);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
retry_cb (gpointer user_data)
{
  LookoutAgentLink *self = user_data;

  self->retry_id = 0;
  connect_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (LookoutAgentLink *self)
{
  guint64 delay = BACKOFF_MIN_MS;

  if (!self->running || self->retry_id != 0)
    return;

  for (guint i = 0; i < self->attempts && delay < self->backoff_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->backoff_max_ms);
  /* jitter: agents lost together do not all come back in the same instant */
  delay = delay * g_random_double_range (0.75, 1.25);
  self->attempts++;
  self->retry_id = g_timeout_add (MAX (delay, 1), retry_cb, self);
}

/* The link is gone, for @problem: reconnect, and say "offline" if it lasts. */
static void
lost (LookoutAgentLink *self,
      const char       *problem)
{
  if (problem != NULL)
    set_problem (self, problem);

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&self->connection);
    }
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  g_queue_clear_full (&self->to_parse, (GDestroyNotify) g_bytes_unref);
  self->generation++;
  self->hello_seen = FALSE;

  if (self->state == LOOKOUT_AGENT_LINK_ONLINE && self->running)
    {
      set_state (self, LOOKOUT_AGENT_LINK_RECONNECTING);
      if (self->offline_after_ms == 0)
        offline_cb (self);
      else
        self->offline_id = g_timeout_add (self->offline_after_ms, offline_cb, self);
    }
  schedule_retry (self);
}

typedef struct
{
  LookoutAgentLink *self;
  guint64           seq;
} Handled;

static void schedule_processing (LookoutAgentLink *self);

static void
acked_written_cb (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autofree Handled *handled = user_data;
  g_autoptr(LookoutAgentLink) self = handled->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint64 seq = handled->seq;

  if (!lookout_store_write_value_finish (LOOKOUT_STORE (object), res, &error))
    {
      /* not acknowledged: the agent keeps them and sends them again */
      g_warning ("%s: cannot record the results received: %s", self->name, error->message);
      return;
    }
  if (seq <= self->acked)
    return;
  self->acked = seq;
  schedule_processing (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACKED_SEQ]);
  notify_waiting (self);
  if (self->hello_seen)
    {
      text = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}", seq);
      send_text (self, text);
    }
}

static void
record_handled (LookoutAgentLink *self,
                guint64           seq)
{
  g_autofree char *key = state_key (self, "acked");
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, seq);
  Handled *handled;

  if (seq <= self->writing)
    return;
  self->writing = seq;
  handled = g_new (Handled, 1);
  handled->self = g_object_ref (self);
  handled->seq = seq;
  lookout_store_write_value_async (self->store, key, value, NULL, acked_written_cb, handled);
}

/* The target @uri names, through an index of the monitor's targets by
 * address: rebuilt when the list changed, or when a target's address did. */
static LookoutTarget *
find_target (LookoutAgentLink *self,
             const char       *uri,
             gboolean         *rebuilt)
{
  LookoutTarget *target = g_hash_table_lookup (self->by_uri, uri);
  GListModel *model;

  if (target != NULL && g_str_equal (lookout_target_get_uri_string (target), uri))
    return target;
  if (target == NULL && !self->by_uri_stale && *rebuilt)
    return NULL;

  g_hash_table_remove_all (self->by_uri);
  model = lookout_monitor_get_targets (self->monitor);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      LookoutTarget *item = g_list_model_get_item (model, i);

      g_hash_table_replace (self->by_uri, g_strdup (lookout_target_get_uri_string (item)), item);
    }
  self->by_uri_stale = FALSE;
  *rebuilt = TRUE;
  return g_hash_table_lookup (self->by_uri, uri);
}

static void
targets_changed_cb (GListModel       *model,
                    guint             position,
                    guint             removed,
                    guint             added,
                    LookoutAgentLink *self)
{
  self->by_uri_stale = TRUE;
  g_hash_table_remove_all (self->by_uri);
}

static gboolean
backlog_full (LookoutAgentLink *self)
{
  return self->writing - MIN (self->acked, self->writing) >= MAX_UNCOMMITTED;
}

/* A slice ends after BUDGET_US, or before the scheduler's next check is
 * due (it waits behind the slice otherwise), or when the store's writer
 * has MAX_UNCOMMITTED results of the link still to commit: the back-fill
 * goes at the pace the store keeps, and resumes from acked_written_cb(). */
static gboolean
process_cb (gpointer user_data)
{
  LookoutAgentLink *self = user_data;
  gint64 deadline = g_get_monotonic_time () + BUDGET_US;
  gboolean rebuilt = FALSE;
  guint64 last = 0;

  deadline = MIN (deadline, lookout_scheduler_get_next_wake_us (lookout_monitor_get_scheduler (self->monitor)));
  if (backlog_full (self))
    {
      self->idle_id = 0;
      return G_SOURCE_REMOVE;
    }

  /* the results' samples and events commit with the number that covers
   * them: a crash in between cannot make the agent send them again */
  lookout_store_begin_group (self->store);
  while (!g_queue_is_empty (&self->pending))
    {
      GArray *entries = g_queue_peek_head (&self->pending);
      LookoutOutboxEntry *entry = &g_array_index (entries, LookoutOutboxEntry, self->pending_pos);
      LookoutTarget *target;

      if (entry->seq == 0)
        ; /* a duplicate, counted when it came */
      else if ((target = find_target (self, entry->target, &rebuilt)) != NULL)
        {
          g_autoptr(LookoutResult) result = lookout_agent_result_new (entry, target, self->name);

          lookout_monitor_handle_result (self->monitor, target, result);
          last = entry->seq;
        }
      else
        {
          self->n_unplaced++;
          g_warning ("%s sent a result for %s, which is not a target here; it is not kept",
                     self->name, entry->target);
          last = entry->seq;
        }

      if (++self->pending_pos == entries->len)
        {
          g_array_unref (g_queue_pop_head (&self->pending));
          self->pending_pos = 0;
        }
      if (g_get_monotonic_time () >= deadline)
        break;
    }

  if (last > 0)
    record_handled (self, last);
  lookout_store_end_group (self->store);
  if (!g_queue_is_empty (&self->pending) && !backlog_full (self))
    return G_SOURCE_CONTINUE;
  self->idle_id = 0;
  return G_SOURCE_REMOVE;
}

static void
schedule_processing (LookoutAgentLink *self)
{
  if (self->idle_id == 0 && !g_queue_is_empty (&self->pending) && !backlog_full (self))
    self->idle_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, PACE_MS, process_cb, self, NULL);
}

static void
protocol_error (LookoutAgentLink *self,
                const char       *message)
{
  g_autofree char *problem = g_strdup_printf (_("The agent broke the protocol: %s"), message);

  lost (self, problem);
}

/* A batch, parsed: duplicates are marked (seq 0) and gaps reported, in the
 * order the batches came; then the results wait for process_cb(). */
static void
take_batch (LookoutAgentLink *self,
            GArray           *entries,
            gint64            first_kept,
            gint64            dropped)
{
  for (guint i = 0; i < entries->len; i++)
    {
      LookoutOutboxEntry *entry = &g_array_index (entries, LookoutOutboxEntry, i);

      if (entry->seq <= self->received)
        {
          self->n_duplicates++;
          entry->seq = 0;
          continue;
        }
      if (entry->seq > self->received + 1)
        {
          g_autofree char *text = NULL;
          guint64 missing = entry->seq - self->received - 1;

          /* The bounds explain the gap when the agent keeps nothing before
           * it and has dropped at least as many: "dropped" is its count
           * ever, already known from its hello, so no increase is needed. */
          self->n_gaps++;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_GAPS]);
          if ((guint64) first_kept == entry->seq && (guint64) dropped >= missing)
            text = g_strdup_printf (_("Agent %s dropped results %llu to %llu (%llu) before they "
                                      "were sent: its outbox was full or they were too old"),
                                    self->name, (unsigned long long) self->received + 1,
                                    (unsigned long long) entry->seq - 1, (unsigned long long) missing);
          else
            text = g_strdup_printf (_("Results %llu to %llu of agent %s never arrived"),
                                    (unsigned long long) self->received + 1,
                                    (unsigned long long) entry->seq - 1, self->name);
          raise_event (self, "agent-gap", text);
        }
      self->received = entry->seq;
      self->agent_last = MAX (self->agent_last, entry->seq);
    }
  if ((guint64) dropped != self->agent_dropped)
    {
      self->agent_dropped = dropped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_DROPPED]);
    }
  if (entries->len > 0)
    g_queue_push_tail (&self->pending, g_array_ref (entries));
  schedule_processing (self);
}

typedef struct
{
  GArray *entries;
  gint64  first_kept;
  gint64  dropped;
} Parsed;

static void
parsed_free (Parsed *parsed)
{
  g_clear_pointer (&parsed->entries, g_array_unref);
  g_free (parsed);
}

static void
parse_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GError) error = NULL;
  Parsed *parsed = g_new0 (Parsed, 1);
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);

  parsed->entries = lookout_agent_batch_parse (text, len, &parsed->first_kept, &parsed->dropped, &error);
  if (parsed->entries == NULL)
    {
      parsed_free (parsed);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, parsed, (GDestroyNotify) parsed_free);
}

static void parse_next (LookoutAgentLink *self);

static void
parsed_cb (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  LookoutAgentLink *self = LOOKOUT_AGENT_LINK (object);
  g_autoptr(GError) error = NULL;
  Parsed *parsed = g_task_propagate_pointer (G_TASK (res), &error);
  guint generation = GPOINTER_TO_UINT (user_data);

  self->parsing = FALSE;
  if (generation == self->generation)
    {
      if (parsed == NULL)
        protocol_error (self, error->message);
      else
        take_batch (self, parsed->entries, parsed->first_kept, parsed->dropped);
    }
  g_clear_pointer (&parsed, parsed_free);
  parse_next (self);
}

/* Batches are parsed on a worker thread, one at a time so that they stay
 * in order: a batch of a thousand results costs milliseconds of JSON,
 * which the checks on the main loop should not wait for. */
static void
parse_next (LookoutAgentLink *self)
{
  g_autoptr(GTask) task = NULL;
  GBytes *bytes;

  if (self->parsing || (bytes = g_queue_pop_head (&self->to_parse)) == NULL)
    return;
  self->parsing = TRUE;
  task = g_task_new (self, NULL, parsed_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, parse_next);
  g_task_set_task_data (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_thread);
}

static void
handle_batch (LookoutAgentLink *self,
              GBytes           *bytes)
{
  g_queue_push_tail (&self->to_parse, g_bytes_ref (bytes));
  parse_next (self);
}

static char *
config_text (LookoutAgentLink *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) targets = NULL;

  targets = self->targets_func (self->monitor, self->name, self->targets_data);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "config");
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < targets->len; i++)
    {
      JsonNode *target = lookout_target_to_json (g_ptr_array_index (targets, i));

      json_object_remove_member (json_node_get_object (target), "id");
      json_builder_add_value (builder, target);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static void
handle_hello (LookoutAgentLink *self,
              JsonObject       *message)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id_key = state_key (self, "agent-id");
  const char *name, *agent_id;
  gint64 version, last, dropped;

  if (!lookout_agent_message_get_int (message, "protocol", 1, G_MAXINT32, &version, &error) ||
      !lookout_agent_message_get_int (message, "last_seq", 0, G_MAXINT64, &last, &error) ||
      !lookout_agent_message_get_int (message, "dropped", 0, G_MAXINT64, &dropped, &error))
    {
      protocol_error (self, error->message);
      return;
    }
  if (version != LOOKOUT_AGENT_PROTOCOL_VERSION)
    {
      g_autofree char *problem = g_strdup_printf (_("The agent speaks version %d of the protocol; "
                                                    "this manager speaks %d"),
                                                  (int) version, LOOKOUT_AGENT_PROTOCOL_VERSION);
      lost (self, problem);
      return;
    }
  name = json_object_get_string_member_with_default (message, "name", NULL);
  agent_id = json_object_get_string_member_with_default (message, "agent_id", NULL);
  if (name == NULL || agent_id == NULL)
    {
      protocol_error (self, _("a hello must carry the agent's “name” and “agent_id”"));
      return;
    }
  if (!g_str_equal (name, self->name))
    {
      g_autofree char *problem = g_strdup_printf (_("The agent at %s calls itself “%s”, not “%s”"),
                                                  self->url, name, self->name);
      lost (self, problem);
      return;
    }

  /* another database answers under this name: its numbers start afresh */
  if (self->agent_id != NULL && !g_str_equal (self->agent_id, agent_id))
    {
      g_autofree char *note = g_strdup_printf (_("Agent %s has a new database; its results are "
                                                 "numbered from the start again"), self->name);

      raise_event (self, "agent-reset", note);
      self->received = self->acked = self->writing = 0;
    }
  if (g_strcmp0 (self->agent_id, agent_id) != 0)
    {
      g_free (self->agent_id);
      self->agent_id = g_strdup (agent_id);
      lookout_store_write_value_async (self->store, id_key, agent_id, NULL, NULL, NULL);
    }

  self->hello_seen = TRUE;
  self->attempts = 0;
  self->agent_last = last;
  if ((guint64) dropped != self->agent_dropped)
    {
      self->agent_dropped = dropped;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_DROPPED]);
    }
  g_clear_handle_id (&self->offline_id, g_source_remove);
  set_problem (self, NULL);
  set_state (self, LOOKOUT_AGENT_LINK_ONLINE);
  if (self->told_offline)
    {
      g_autofree char *note = g_strdup_printf (_("Agent %s is back online"), self->name);

      self->told_offline = FALSE;
      raise_event (self, "agent-online", note);
    }
  notify_waiting (self);

  text = g_strdup_printf ("{\"type\":\"resume\",\"after\":%" G_GUINT64_FORMAT ",\"heartbeat_ms\":%u}",
                          MAX (self->received, self->acked), self->heartbeat_ms);
  send_text (self, text);
  if (self->acked > 0)
    {
      g_free (text);
      text = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}", self->acked);
      send_text (self, text);
    }
  lookout_agent_link_push_targets (self);
}

static void
handle_pong (LookoutAgentLink *self,
             JsonObject       *message)
{
  g_autoptr(GError) error = NULL;
  gint64 id, clock_ms, now_ms = g_get_real_time () / 1000;
  gboolean suspect;

  if (!lookout_agent_message_get_int (message, "id", 0, G_MAXINT64, &id, &error) ||
      !lookout_agent_message_get_int (message, "clock_ms", 0, G_MAXINT64, &clock_ms, &error))
    {
      protocol_error (self, error->message);
      return;
    }
  if (id != self->ping_id)
    return;

  /* what the agent has numbered so far, heartbeat by heartbeat */
  if (json_object_has_member (message, "last_seq"))
    {
      gint64 last;

      if (!lookout_agent_message_get_int (message, "last_seq", 0, G_MAXINT64, &last, &error))
        {
          protocol_error (self, error->message);
          return;
        }
      if ((guint64) last > self->agent_last)
        {
          self->agent_last = last;
          notify_waiting (self);
        }
    }

  self->clock_offset_ms = clock_ms - (self->ping_sent_ms + now_ms) / 2;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_OFFSET]);
  suspect = ABS (self->clock_offset_ms) > LOOKOUT_AGENT_CLOCK_BOUND_MS;
  if (suspect != self->clock_suspect)
    {
      g_autofree char *key = state_key (self, "clock-offset-ms");
      g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, self->clock_offset_ms);

      self->clock_suspect = suspect;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_SUSPECT]);
      lookout_store_write_value_async (self->store, key, value, NULL, NULL, NULL);
      if (suspect)
        {
          g_autofree char *note = g_strdup_printf (_("The clock of agent %s is %+lld ms off this computer's"),
                                                   self->name, (long long) self->clock_offset_ms);
          raise_event (self, "agent-clock", note);
        }
    }
}

static void
message_cb (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *bytes,
            LookoutAgentLink        *self)
{
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *kind;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  self->last_heard_us = g_get_monotonic_time ();
  self->last_seen_ms = g_get_real_time () / 1000;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEEN]);

  /* the agent's batches, as it writes them, go to the parser as they are */
  if (self->hello_seen && len > strlen (BATCH_START) && memcmp (data, BATCH_START, strlen (BATCH_START)) == 0)
    {
      handle_batch (self, bytes);
      return;
    }

  message = lookout_agent_message_parse (data, len, &kind, &error);
  if (message == NULL)
    {
      protocol_error (self, error->message);
      return;
    }

  if (g_str_equal (kind, "hello"))
    handle_hello (self, message);
  else if (!self->hello_seen)
    protocol_error (self, _("the first message must be “hello”"));
  else if (g_str_equal (kind, "batch"))
    handle_batch (self, bytes);
  else if (g_str_equal (kind, "pong"))
    handle_pong (self, message);
  else if (g_str_equal (kind, "config-applied"))
    ;
  else if (g_str_equal (kind, "error"))
    {
      g_autofree char *problem = g_strdup_printf (_("The agent refused the link: %s"),
                                                  json_object_get_string_member_with_default (message, "message", "?"));
      lost (self, problem);
    }
  else
    {
      g_autofree char *why = g_strdup_printf (_("a message of unknown type “%s”"), kind);

      protocol_error (self, why);
    }
}

static void
closed_cb (SoupWebsocketConnection *connection,
           LookoutAgentLink        *self)
{
  const char *reason = soup_websocket_connection_get_close_data (connection);
  g_autofree char *problem = NULL;

  if (reason != NULL && *reason)
    problem = g_strdup_printf (_("The agent closed the link: %s"), reason);
  else
    problem = g_strdup (_("The agent closed the link"));
  lost (self, problem);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  LookoutAgentLink *self = user_data;
  g_autofree char *text = NULL;

  if (g_get_monotonic_time () - self->last_heard_us > 3 * (gint64) self->heartbeat_ms * 1000)
    {
      self->heartbeat_id = 0;
      lost (self, _("The agent fell silent for three heartbeats"));
      return G_SOURCE_REMOVE;
    }

  self->ping_id++;
  self->ping_sent_ms = g_get_real_time () / 1000;
  text = g_strdup_printf ("{\"type\":\"ping\",\"id\":%" G_GINT64_FORMAT ",\"clock_ms\":%" G_GINT64_FORMAT "}",
                          self->ping_id, self->ping_sent_ms);
  send_text (self, text);
  return G_SOURCE_CONTINUE;
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       LookoutAgentLink     *self)
{
  g_autofree char *seen = lookout_agent_certificate_fingerprint (certificate);

  if (self->fingerprint != NULL && g_strcmp0 (seen, self->fingerprint) == 0)
    return TRUE;

  if (self->fingerprint != NULL)
    {
      g_autofree char *problem = g_strdup_printf (_("The agent's certificate is not the pinned one "
                                                    "(it has SHA256:%s)"), seen);
      set_problem (self, problem);
    }
  else
    {
      g_autofree char *problem = g_strdup_printf (_("The agent's certificate is not trusted; if it is "
                                                    "the agent's own, pin it with “fingerprint = SHA256:%s”"),
                                                  seen);
      set_problem (self, problem);
    }
  g_object_set_data (G_OBJECT (msg), "lookout-refused", GINT_TO_POINTER (TRUE));
  return FALSE;
}

typedef struct
{
  LookoutAgentLink *self;
  SoupMessage      *msg;
  guint             generation;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->self);
  g_object_unref (attempt->msg);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attempt, attempt_free)

static void
connected_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(Attempt) attempt = user_data;
  LookoutAgentLink *self = attempt->self;
  SoupMessage *msg = attempt->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;
  guint generation = attempt->generation;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), res, &error);
  if (generation != self->generation || !self->running)
    return;

  if (connection == NULL)
    {
      g_autofree char *problem = NULL;
      guint status = msg ? soup_message_get_status (msg) : 0;

      if (msg != NULL && g_object_get_data (G_OBJECT (msg), "lookout-refused"))
        problem = g_strdup (self->problem);
      else if (status == SOUP_STATUS_UNAUTHORIZED)
        problem = g_strdup (_("The agent refused the token (401): it is not one of its tokens"));
      else if (status == SOUP_STATUS_FORBIDDEN)
        problem = g_strdup (_("The agent refused the token (403): it lacks the scope “agent”"));
      else if (status == 429)
        problem = g_strdup (_("The agent refuses this address for a while: too many failed authentications"));
      else if (status != 0 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
        problem = g_strdup_printf (_("The agent answered %u %s instead of opening the link"), status,
                                   soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
      else
        problem = g_strdup_printf (_("Cannot reach the agent at %s: %s"), self->url, error->message);
      lost (self, problem);
      return;
    }

  /* a certificate the system trusts must still be the pinned one */
  if (self->fingerprint != NULL && msg != NULL && soup_message_get_tls_peer_certificate (msg) != NULL)
    {
      g_autofree char *seen = lookout_agent_certificate_fingerprint (soup_message_get_tls_peer_certificate (msg));

      if (g_strcmp0 (seen, self->fingerprint) != 0)
        {
          g_autofree char *problem = g_strdup_printf (_("The agent's certificate is not the pinned one "
                                                        "(it has SHA256:%s)"), seen);
          soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
          lost (self, problem);
          return;
        }
    }

  self->connection = g_steal_pointer (&connection);
  self->last_heard_us = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (self->connection, LOOKOUT_AGENT_MAX_MESSAGE);
  soup_websocket_connection_set_keepalive_interval (self->connection, 0);
  g_signal_connect (self->connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (closed_cb), self);
  self->heartbeat_id = g_timeout_add (self->heartbeat_ms, heartbeat_cb, self);
}

static void
connect_now (LookoutAgentLink *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *uri = g_strconcat (self->url, LOOKOUT_AGENT_LINK_PATH, NULL);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", self->token);
  Attempt *attempt;
  char *protocols[] = { (char *) LOOKOUT_AGENT_LINK_PROTOCOL, NULL };

  if (!self->running)
    return;

  msg = soup_message_new ("GET", uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);

  attempt = g_new0 (Attempt, 1);
  attempt->self = g_object_ref (self);
  attempt->msg = g_object_ref (msg);
  attempt->generation = ++self->generation;
  soup_session_websocket_connect_async (self->session, msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                        self->cancellable, connected_cb, attempt);
}

static void
lookout_agent_link_dispose (GObject *object)
{
  LookoutAgentLink *self = LOOKOUT_AGENT_LINK (object);

  lookout_agent_link_stop (self);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_array_unref);
  g_queue_clear_full (&self->to_parse, (GDestroyNotify) g_bytes_unref);
  self->pending_pos = 0;
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (lookout_monitor_get_targets (self->monitor), self);
  g_clear_pointer (&self->by_uri, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_agent_link_parent_class)->dispose (object);
}

static void
lookout_agent_link_finalize (GObject *object)
{
  LookoutAgentLink *self = LOOKOUT_AGENT_LINK (object);

  g_free (self->name);
  g_free (self->url);
  g_free (self->token);
  g_free (self->fingerprint);
  g_free (self->agent_id);
  g_free (self->problem);

  G_OBJECT_CLASS (lookout_agent_link_parent_class)->finalize (object);
}

static void
lookout_agent_link_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutAgentLink *self = LOOKOUT_AGENT_LINK (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_LAST_SEEN:
      g_value_set_int64 (value, self->last_seen_ms);
      break;
    case PROP_CLOCK_OFFSET:
      g_value_set_int64 (value, self->clock_offset_ms);
      break;
    case PROP_CLOCK_SUSPECT:
      g_value_set_boolean (value, self->clock_suspect);
      break;
    case PROP_RESULTS_WAITING:
      g_value_set_uint64 (value, lookout_agent_link_get_results_waiting (self));
      break;
    case PROP_ACKED_SEQ:
      g_value_set_uint64 (value, self->acked);
      break;
    case PROP_N_DUPLICATES:
      g_value_set_uint64 (value, self->n_duplicates);
      break;
    case PROP_N_GAPS:
      g_value_set_uint64 (value, self->n_gaps);
      break;
    case PROP_AGENT_DROPPED:
      g_value_set_uint64 (value, self->agent_dropped);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_agent_link_class_init (LookoutAgentLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = lookout_agent_link_dispose;
  object_class->finalize = lookout_agent_link_finalize;
  object_class->get_property = lookout_agent_link_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, LOOKOUT_AGENT_LINK_OFFLINE,
                                             LOOKOUT_AGENT_LINK_ONLINE, LOOKOUT_AGENT_LINK_OFFLINE, flags);
  properties[PROP_LAST_SEEN] = g_param_spec_int64 ("last-seen", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CLOCK_OFFSET] = g_param_spec_int64 ("clock-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_CLOCK_SUSPECT] = g_param_spec_boolean ("clock-suspect", NULL, NULL, FALSE, flags);
  properties[PROP_RESULTS_WAITING] = g_param_spec_uint64 ("results-waiting", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_ACKED_SEQ] = g_param_spec_uint64 ("acked-seq", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_DUPLICATES] = g_param_spec_uint64 ("n-duplicates", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_GAPS] = g_param_spec_uint64 ("n-gaps", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_AGENT_DROPPED] = g_param_spec_uint64 ("agent-dropped", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PROBLEM] = g_param_spec_string ("problem", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* "event" (kind, message): agent-offline, agent-online, agent-gap,
   * agent-clock, agent-reset; also stored in the events table. */
  signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_STRING);
}

static void
lookout_agent_link_init (LookoutAgentLink *self)
{
  g_queue_init (&self->pending);
  g_queue_init (&self->to_parse);
  self->by_uri = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MS;
  self->offline_after_ms = DEFAULT_OFFLINE_MS;
  self->state = LOOKOUT_AGENT_LINK_OFFLINE;
}

static GPtrArray *
listed_targets (LookoutMonitor *monitor,
             const char     *agent,
             gpointer        user_data)
{
  GListModel *model = lookout_monitor_get_targets (monitor);
  GPtrArray *targets = g_ptr_array_new_with_free_func (g_object_unref);

  /* Only what is checked from there: the targets whose locations name it. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, i);
      g_auto(GStrv) places = lookout_target_options_get_places (lookout_target_get_options (target), NULL);

      if (g_strv_contains ((const char * const *) places, agent))
        g_ptr_array_add (targets, g_steal_pointer (&target));
    }
  return targets;
}

LookoutAgentLink *
lookout_agent_link_new (LookoutMonitor  *monitor,
                        const char      *name,
                        const char      *url,
                        const char      *token,
                        const char      *fingerprint,
                        GError         **error)
{
  g_autoptr(LookoutAgentLink) self = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *acked = NULL;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (name != NULL && url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("Agent %s: “%s” is not an agent's address; write https://HOST:PORT"), name, url);
      return NULL;
    }
  if (token == NULL || *token == '\0')
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("Agent %s needs a token of scope “agent” (lookout-agent token create … --scope agent on the agent)"),
                   name);
      return NULL;
    }

  self = g_object_new (LOOKOUT_TYPE_AGENT_LINK, NULL);
  if (fingerprint != NULL && (self->fingerprint = lookout_agent_normalize_fingerprint (fingerprint)) == NULL)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("Agent %s: “%s” is not a SHA-256 fingerprint; write SHA256: and 32 hex pairs"),
                   name, fingerprint);
      return NULL;
    }
  self->monitor = g_object_ref (monitor);
  self->store = g_object_ref (lookout_monitor_get_store (monitor));
  self->name = g_strdup (name);
  self->url = g_strndup (url, strlen (url) - (g_str_has_suffix (url, "/") ? 1 : 0));
  self->token = g_strdup (token);
  self->targets_func = listed_targets;
  self->session = soup_session_new ();
  g_signal_connect_object (lookout_monitor_get_targets (monitor), "items-changed",
                           G_CALLBACK (targets_changed_cb), self, 0);

  key = state_key (self, "acked");
  acked = lookout_store_read_value_sync (self->store, key, &local_error);
  if (acked != NULL)
    self->acked = self->received = self->writing = g_ascii_strtoull (acked, NULL, 10);
  else if (!g_error_matches (local_error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_pointer (&key, g_free);
  key = state_key (self, "agent-id");
  self->agent_id = lookout_store_read_value_sync (self->store, key, NULL);

  return g_steal_pointer (&self);
}

void
lookout_agent_link_set_targets_func (LookoutAgentLink        *self,
                                     LookoutAgentTargetsFunc  func,
                                     gpointer                 user_data)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (self));

  self->targets_func = func ? func : listed_targets;
  self->targets_data = user_data;
}

void
lookout_agent_link_start (LookoutAgentLink *self)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->cancellable = g_cancellable_new ();
  connect_now (self);
}

void
lookout_agent_link_stop (LookoutAgentLink *self)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (self));

  if (!self->running)
    return;
  self->running = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->offline_id, g_source_remove);
  lost (self, NULL);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  set_state (self, LOOKOUT_AGENT_LINK_OFFLINE);
}

void
lookout_agent_link_push_targets (LookoutAgentLink *self)
{
  g_autofree char *text = NULL;

  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (self));

  if (!self->hello_seen)
    return;
  text = config_text (self);
  send_text (self, text);
}

void
lookout_agent_link_set_timing (LookoutAgentLink *self,
                               guint             heartbeat_ms,
                               guint             backoff_max_ms,
                               guint             offline_after_ms)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (self));

  self->heartbeat_ms = MAX (heartbeat_ms, 10);
  self->backoff_max_ms = MAX (backoff_max_ms, 1);
  self->offline_after_ms = offline_after_ms;
}

const char *
lookout_agent_link_get_name (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), NULL);
  return self->name;
}

const char *
lookout_agent_link_get_url (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), NULL);
  return self->url;
}

LookoutAgentLinkState
lookout_agent_link_get_state (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), LOOKOUT_AGENT_LINK_OFFLINE);
  return self->state;
}

gint64
lookout_agent_link_get_last_seen (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return self->last_seen_ms;
}

gint64
lookout_agent_link_get_clock_offset (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return self->clock_offset_ms;
}

guint64
lookout_agent_link_get_results_waiting (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return MAX (self->agent_last, self->received) - MIN (self->acked, MAX (self->agent_last, self->received));
}

guint64
lookout_agent_link_get_acked_seq (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return self->acked;
}

guint64
lookout_agent_link_get_n_duplicates (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return self->n_duplicates;
}

guint64
lookout_agent_link_get_n_gaps (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), 0);
  return self->n_gaps;
}

const char *
lookout_agent_link_get_problem (LookoutAgentLink *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_LINK (self), NULL);
  return self->problem;
}
