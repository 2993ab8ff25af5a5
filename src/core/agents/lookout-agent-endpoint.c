/* lookout-agent-endpoint.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How the agent's side works
 *
 * The store gives every result a sequence number in its outbox, in the
 * result's own transaction (lookout-store-outbox.c); this object only
 * reads the outbox and sends it, so what is sent survives any restart.
 *
 * A manager connects (the API server checked its token) and gets "hello"
 * with the outbox's range. It answers "resume" with the last number it
 * has; the endpoint then reads the outbox after it on a worker thread and
 * sends batches of at most LOOKOUT_AGENT_MAX_BATCH_BYTES, in order, as
 * long as fewer than WINDOW results wait for an acknowledgement, and again
 * whenever the store commits new results or an acknowledgement frees the
 * window. An "ack" is cumulative; the rows it covers are deleted. An ack
 * of something never sent, or older than the last, is refused and the
 * link closed. "config" replaces the targets the manager gave (kept in the
 * database, so that checks go on without a manager and across restarts).
 * The manager pings every heartbeat; silence for three of them closes the
 * link, as libsoup has no pong timeout. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-agent-endpoint.h"
#include "lookout-agent-protocol.h"
#include "lookout-target-json.h"

#define READ_LIMIT   4096
#define WINDOW       65536
#define TARGETS_KEY  "agent.targets"
#define ID_KEY       "agent.id"
#define DEFAULT_HEARTBEAT_MS 5000

struct _LookoutAgentEndpoint
{
  GObject                  parent_instance;

  LookoutMonitor          *monitor;
  LookoutStore            *store;
  char                    *name;
  char                    *agent_id;
  double                   latitude, longitude;
  gboolean                 has_location;

  SoupWebsocketConnection *connection;
  guint                    generation;     /* of the connection */
  gboolean                 resumed;
  gboolean                 reading;
  gboolean                 read_again;
  guint64                  sent_seq;
  guint64                  acked_seq;
  guint64                  n_dropped;
  gint64                   last_heard_us;
  guint                    heartbeat_ms;
  guint                    heartbeat_id;
  gulong                   committed_id;
  GCancellable            *cancellable;
  GPtrArray               *given;          /* URIs the manager gave */
};

G_DEFINE_FINAL_TYPE (LookoutAgentEndpoint, lookout_agent_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  PROP_N_DROPPED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pump (LookoutAgentEndpoint *self);
static gboolean heartbeat_cb (gpointer user_data);

static void
send_text (LookoutAgentEndpoint *self,
           const char           *text)
{
  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->connection, text);
}

static void
send_error_and_close (LookoutAgentEndpoint *self,
                      const char           *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_message ("Refusing the manager's link: %s", message);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "error");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);
  send_text (self, text);
  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
}

static void
drop_connection (LookoutAgentEndpoint *self)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&self->connection);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  self->generation++;
  self->resumed = FALSE;
  self->read_again = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

typedef struct
{
  guint64 after;
} ReadData;

typedef struct
{
  GArray            *entries;
  LookoutOutboxInfo  info;
} ReadOut;

static void
read_out_free (gpointer data)
{
  ReadOut *out = data;

  g_clear_pointer (&out->entries, g_array_unref);
  g_free (out);
}

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LookoutStore *store = source;
  ReadData *data = task_data;
  g_autoptr(GError) error = NULL;
  ReadOut *out = g_new0 (ReadOut, 1);

  out->entries = lookout_store_outbox_read_sync (store, data->after, READ_LIMIT, &out->info, &error);
  if (out->entries == NULL)
    {
      read_out_free (out);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, out, read_out_free);
}

static void
append_batch_head (GString             *text,
                   const LookoutOutboxInfo *info)
{
  g_string_append_printf (text, "{\"type\":\"batch\",\"first_seq\":%" G_GUINT64_FORMAT
                          ",\"dropped\":%" G_GUINT64_FORMAT ",\"results\":[",
                          info->first_seq, info->n_dropped);
}

static void
set_n_dropped (LookoutAgentEndpoint *self,
               guint64               n_dropped)
{
  if (self->n_dropped == n_dropped)
    return;
  self->n_dropped = n_dropped;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DROPPED]);
}

static void
read_done_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(LookoutAgentEndpoint) self = user_data;
  g_autoptr(GError) error = NULL;
  ReadOut *out = g_task_propagate_pointer (G_TASK (res), &error);
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (res), "generation"));
  g_autoptr(GString) text = NULL;
  guint in_batch = 0;

  self->reading = FALSE;
  if (out == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the outbox: %s", error->message);
      return;
    }

  set_n_dropped (self, out->info.n_dropped);
  if (generation != self->generation || !self->resumed)
    {
      /* a read for a link gone, or for the figures only: a link resumed
       * meanwhile asked for its own */
      read_out_free (out);
      if (self->resumed)
        {
          self->read_again = FALSE;
          pump (self);
        }
      return;
    }

  text = g_string_sized_new (LOOKOUT_AGENT_MAX_BATCH_BYTES + 1024);
  for (guint i = 0; i < out->entries->len; i++)
    {
      const LookoutOutboxEntry *entry = &g_array_index (out->entries, LookoutOutboxEntry, i);

      if (in_batch == 0)
        append_batch_head (text, &out->info);
      else
        g_string_append_c (text, ',');
      lookout_agent_append_entry (text, entry);
      in_batch++;
      self->sent_seq = entry->seq;

      if (text->len >= LOOKOUT_AGENT_MAX_BATCH_BYTES - 1024 || i + 1 == out->entries->len)
        {
          g_string_append (text, "]}");
          send_text (self, text->str);
          g_string_truncate (text, 0);
          in_batch = 0;
        }
    }

  if (out->entries->len == READ_LIMIT || self->read_again)
    {
      self->read_again = FALSE;
      read_out_free (out);
      pump (self);
      return;
    }
  read_out_free (out);
}

static void start_read (LookoutAgentEndpoint *self,
                        guint64               after);

static void
pump (LookoutAgentEndpoint *self)
{
  if (self->connection == NULL || !self->resumed)
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }
  if (self->sent_seq - self->acked_seq >= WINDOW)
    return;

  start_read (self, self->sent_seq);
}

static void
start_read (LookoutAgentEndpoint *self,
            guint64               after)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  self->reading = TRUE;
  data = g_new0 (ReadData, 1);
  data->after = after;
  task = g_task_new (self->store, self->cancellable, read_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, pump);
  g_task_set_task_data (task, data, g_free);
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (self->generation));
  g_task_run_in_thread (task, read_thread);
}

/* With no manager there, what the bounds dropped is still counted as it
 * happens: a read of the outbox's figures, without its entries. */
static void
committed_cb (LookoutStore         *store,
              guint64               seq,
              LookoutAgentEndpoint *self)
{
  if (self->connection == NULL && !self->reading)
    start_read (self, G_MAXINT64);
  else
    pump (self);
}

static char *
hello_text (LookoutAgentEndpoint *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GArray) none = NULL;
  g_autoptr(GError) error = NULL;
  LookoutOutboxInfo info = { 0, };

  none = lookout_store_outbox_read_sync (self->store, G_MAXINT64, 0, &info, &error);
  if (none == NULL)
    g_warning ("Cannot read the outbox: %s", error->message);
  set_n_dropped (self, info.n_dropped);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "hello");
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_int_value (builder, LOOKOUT_AGENT_PROTOCOL_VERSION);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "agent_id");
  json_builder_add_string_value (builder, self->agent_id);
  json_builder_set_member_name (builder, "location");
  if (self->has_location)
    {
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, self->latitude);
      json_builder_add_double_value (builder, self->longitude);
      json_builder_end_array (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "first_seq");
  json_builder_add_int_value (builder, info.first_seq);
  json_builder_set_member_name (builder, "last_seq");
  json_builder_add_int_value (builder, info.last_seq);
  json_builder_set_member_name (builder, "dropped");
  json_builder_add_int_value (builder, info.n_dropped);
  json_builder_set_member_name (builder, "clock_ms");
  json_builder_add_int_value (builder, g_get_real_time () / 1000);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static void
target_done_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (GPOINTER_TO_INT (user_data))
    ok = lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), res, &error);
  else
    ok = lookout_monitor_update_target_finish (LOOKOUT_MONITOR (object), res, &error);
  if (!ok)
    g_warning ("Cannot apply a target the manager gave: %s", error->message);
}

static void
value_written_cb (GObject      *object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_store_write_value_finish (LOOKOUT_STORE (object), res, &error))
    g_warning ("Cannot keep the agent's state: %s", error->message);
}

/* All of the targets or none: each is checked by the same parser as any
 * target, before anything changes. */
static void
apply_config (LookoutAgentEndpoint *self,
              JsonObject           *message)
{
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonNode *member = json_object_get_member (message, "targets");
  JsonArray *array;

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      send_error_and_close (self, _("A configuration must carry a “targets” array"));
      return;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GError) error = NULL;
      LookoutTarget *target = lookout_target_new_from_json (json_array_get_element (array, i), &error);

      if (target == NULL)
        {
          g_autofree char *why = g_strdup_printf (_("Target %u of the configuration is refused: %s"),
                                                  i + 1, error->message);

          send_error_and_close (self, why);
          return;
        }
      g_ptr_array_add (targets, target);
      g_hash_table_add (wanted, (gpointer) lookout_target_get_uri_string (target));
    }

  for (guint i = 0; i < self->given->len; i++)
    {
      const char *uri = g_ptr_array_index (self->given, i);
      LookoutTarget *old = lookout_monitor_find_target_by_uri (self->monitor, uri);

      if (old != NULL && !g_hash_table_contains (wanted, uri))
        lookout_monitor_remove_target (self->monitor, old);
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < targets->len; i++)
    {
      LookoutTarget *target = g_ptr_array_index (targets, i);
      const char *uri = lookout_target_get_uri_string (target);
      LookoutTarget *old = lookout_monitor_find_target_by_uri (self->monitor, uri);

      if (old != NULL)
        lookout_monitor_update_target_async (self->monitor, old, target, NULL,
                                             target_done_cb, GINT_TO_POINTER (FALSE));
      else
        lookout_monitor_add_target_async (self->monitor, target, NULL,
                                          target_done_cb, GINT_TO_POINTER (TRUE));
      g_ptr_array_add (uris, g_strdup (uri));
      json_builder_add_string_value (builder, uri);
    }
  json_builder_end_array (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);
  lookout_store_write_value_async (self->store, TARGETS_KEY, text, NULL, value_written_cb, NULL);
  g_ptr_array_unref (self->given);
  self->given = g_steal_pointer (&uris);

  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("{\"type\":\"config-applied\",\"targets\":%u}", targets->len);
  send_text (self, text);
}

static void
handle_message (LookoutAgentEndpoint *self,
                const char           *data,
                gsize                 len)
{
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;
  gint64 value;

  message = lookout_agent_message_parse (data, len, &type, &error);
  if (message == NULL)
    {
      send_error_and_close (self, error->message);
      return;
    }

  if (g_str_equal (type, "resume"))
    {
      if (!lookout_agent_message_get_int (message, "after", 0, G_MAXINT64, &value, &error))
        {
          send_error_and_close (self, error->message);
          return;
        }
      if (json_object_has_member (message, "heartbeat_ms"))
        {
          gint64 heartbeat;

          if (!lookout_agent_message_get_int (message, "heartbeat_ms", 10, 3600000, &heartbeat, &error))
            {
              send_error_and_close (self, error->message);
              return;
            }
          self->heartbeat_ms = heartbeat;
          g_clear_handle_id (&self->heartbeat_id, g_source_remove);
          self->heartbeat_id = g_timeout_add (self->heartbeat_ms, heartbeat_cb, self);
        }
      /* what the manager has is no longer waiting for it */
      self->sent_seq = MAX ((guint64) value, self->acked_seq);
      self->resumed = TRUE;
      pump (self);
    }
  else if (g_str_equal (type, "ack"))
    {
      if (!lookout_agent_message_get_int (message, "seq", 0, G_MAXINT64, &value, &error))
        {
          send_error_and_close (self, error->message);
          return;
        }
      if ((guint64) value > self->sent_seq)
        {
          g_autofree char *why = g_strdup_printf (_("The acknowledgement of result %lld is refused: "
                                                    "only results up to %llu were sent"),
                                                  (long long) value, (unsigned long long) self->sent_seq);
          send_error_and_close (self, why);
          return;
        }
      if ((guint64) value < self->acked_seq)
        {
          g_autofree char *why = g_strdup_printf (_("The acknowledgement of result %lld is refused: "
                                                    "it is older than the last one (%llu), a replay"),
                                                  (long long) value, (unsigned long long) self->acked_seq);
          send_error_and_close (self, why);
          return;
        }
      if ((guint64) value > self->acked_seq)
        {
          self->acked_seq = value;
          lookout_store_outbox_ack_async (self->store, value, NULL, NULL, NULL);
          pump (self);
        }
    }
  else if (g_str_equal (type, "config"))
    apply_config (self, message);
  else if (g_str_equal (type, "ping"))
    {
      g_autofree char *text = NULL;
      g_autoptr(GArray) none = NULL;
      LookoutOutboxInfo info = { 0, };

      if (!lookout_agent_message_get_int (message, "id", 0, G_MAXINT64, &value, &error))
        {
          send_error_and_close (self, error->message);
          return;
        }

      /* the backlog as it stands, for the manager's "results waiting" */
      none = lookout_store_outbox_read_sync (self->store, G_MAXINT64, 0, &info, NULL);
      text = g_strdup_printf ("{\"type\":\"pong\",\"id\":%" G_GINT64_FORMAT ",\"clock_ms\":%" G_GINT64_FORMAT
                              ",\"last_seq\":%" G_GUINT64_FORMAT "}",
                              value, g_get_real_time () / 1000, info.last_seq);
      send_text (self, text);
    }
  else
    {
      g_autofree char *why = g_strdup_printf (_("A message of unknown type “%s”"), type);

      send_error_and_close (self, why);
    }
}

static void
message_cb (SoupWebsocketConnection *connection,
            SoupWebsocketDataType    type,
            GBytes                  *bytes,
            LookoutAgentEndpoint    *self)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  self->last_heard_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      send_error_and_close (self, _("Messages must be JSON text"));
      return;
    }
  handle_message (self, data, len);
}

static void
closed_cb (SoupWebsocketConnection *connection,
           LookoutAgentEndpoint    *self)
{
  g_message ("The manager's link closed");
  drop_connection (self);
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  LookoutAgentEndpoint *self = user_data;

  if (g_get_monotonic_time () - self->last_heard_us > 3 * (gint64) self->heartbeat_ms * 1000)
    {
      g_message ("The manager fell silent for three heartbeats; closing its link");
      self->heartbeat_id = 0;
      drop_connection (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
lookout_agent_endpoint_dispose (GObject *object)
{
  LookoutAgentEndpoint *self = LOOKOUT_AGENT_ENDPOINT (object);

  g_cancellable_cancel (self->cancellable);
  drop_connection (self);
  if (self->store != NULL)
    {
      g_clear_signal_handler (&self->committed_id, self->store);
      lookout_store_set_outbox (self->store, NULL);
    }
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_agent_endpoint_parent_class)->dispose (object);
}

static void
lookout_agent_endpoint_finalize (GObject *object)
{
  LookoutAgentEndpoint *self = LOOKOUT_AGENT_ENDPOINT (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->given, g_ptr_array_unref);
  g_free (self->name);
  g_free (self->agent_id);

  G_OBJECT_CLASS (lookout_agent_endpoint_parent_class)->finalize (object);
}

static void
lookout_agent_endpoint_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  LookoutAgentEndpoint *self = LOOKOUT_AGENT_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connection != NULL);
      break;
    case PROP_N_DROPPED:
      g_value_set_uint64 (value, self->n_dropped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_agent_endpoint_class_init (LookoutAgentEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_agent_endpoint_dispose;
  object_class->finalize = lookout_agent_endpoint_finalize;
  object_class->get_property = lookout_agent_endpoint_get_property;

  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_agent_endpoint_init (LookoutAgentEndpoint *self)
{
  self->cancellable = g_cancellable_new ();
  self->given = g_ptr_array_new_with_free_func (g_free);
  self->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
}

static void
load_given (LookoutAgentEndpoint *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = lookout_store_read_value_sync (self->store, TARGETS_KEY, &error);
  JsonNode *root;

  if (text == NULL)
    {
      if (!g_error_matches (error, LOOKOUT_STORE_ERROR, LOOKOUT_STORE_ERROR_NOT_FOUND))
        g_warning ("Cannot read the targets the manager gave: %s", error->message);
      return;
    }
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (root = json_parser_get_root (parser)))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
    {
      const char *uri = json_array_get_string_element (json_node_get_array (root), i);

      if (uri != NULL)
        g_ptr_array_add (self->given, g_strdup (uri));
    }
}

LookoutAgentEndpoint *
lookout_agent_endpoint_new (LookoutMonitor            *monitor,
                            const char                *name,
                            const LookoutOutboxLimits *limits)
{
  LookoutAgentEndpoint *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_AGENT_ENDPOINT, NULL);
  self->monitor = g_object_ref (monitor);
  self->store = g_object_ref (lookout_monitor_get_store (monitor));
  self->name = g_strdup (name);
  lookout_store_set_outbox (self->store, limits);
  self->committed_id = g_signal_connect (self->store, "committed", G_CALLBACK (committed_cb), self);

  self->agent_id = lookout_store_read_value_sync (self->store, ID_KEY, &error);
  if (self->agent_id == NULL)
    {
      self->agent_id = g_uuid_string_random ();
      lookout_store_write_value_async (self->store, ID_KEY, self->agent_id, NULL, value_written_cb, NULL);
    }
  load_given (self);

  return self;
}

void
lookout_agent_endpoint_set_location (LookoutAgentEndpoint *self,
                                     double                latitude,
                                     double                longitude)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_ENDPOINT (self));

  self->latitude = latitude;
  self->longitude = longitude;
  self->has_location = TRUE;
}

void
lookout_agent_endpoint_accept (LookoutAgentEndpoint    *self,
                               SoupWebsocketConnection *connection)
{
  g_autofree char *hello = NULL;

  g_return_if_fail (LOOKOUT_IS_AGENT_ENDPOINT (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  if (self->connection != NULL)
    g_message ("A manager connected; its link replaces the one before");
  drop_connection (self);

  self->connection = g_object_ref (connection);
  self->last_heard_us = g_get_monotonic_time ();
  self->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
  soup_websocket_connection_set_max_incoming_payload_size (connection, LOOKOUT_AGENT_MAX_MESSAGE);
  soup_websocket_connection_set_keepalive_interval (connection, 0);
  g_signal_connect (connection, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (closed_cb), self);
  self->heartbeat_id = g_timeout_add (self->heartbeat_ms, heartbeat_cb, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);

  hello = hello_text (self);
  send_text (self, hello);
}

gboolean
lookout_agent_endpoint_get_connected (LookoutAgentEndpoint *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_ENDPOINT (self), FALSE);

  return self->connection != NULL;
}

guint64
lookout_agent_endpoint_get_n_dropped (LookoutAgentEndpoint *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_ENDPOINT (self), 0);

  return self->n_dropped;
}
