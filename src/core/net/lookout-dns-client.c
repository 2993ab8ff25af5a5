/* lookout-dns-client.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works: each distinct (server, port, timeout) gets its own c-ares
 * channel (LookoutAresChannel), kept in a small LRU-bounded table, set up for
 * one try, no search list and ARES_FLAG_NOCHECKRESP so that SERVFAIL and
 * REFUSED come back to us as replies instead of being retried. A query is
 * built with ares_create_query() and sent with ares_send(), whose callback
 * hands over the raw reply; lookout-dns-packet parses it and the rcode is read
 * from the header. A timer bounded by the query's timeout and a cancellable
 * source race the reply; whichever comes first completes the task, and the
 * c-ares callback, which always runs exactly once, frees the query. */

#define G_LOG_DOMAIN "lookout-dns-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "lookout-ares-channel.h"
#include "lookout-deadline.h"
#include "lookout-error-class.h"
#include "lookout-dns-packet.h"
#include "lookout-dns-client.h"

#define MAX_CHANNELS 64
#define SYSTEM_KEY   "system"

struct _LookoutDnsClient
{
  GObject       parent_instance;

  GHashTable   *channels;  /* key → ChannelEntry */
};

G_DEFINE_FINAL_TYPE (LookoutDnsClient, lookout_dns_client, G_TYPE_OBJECT)

typedef struct
{
  LookoutAresChannel *channel;
  gint64              last_used;
} ChannelEntry;

typedef struct
{
  char            *target_uri;
  char            *server;      /* as given: IP, host name, or NULL for the system */
  char            *address;     /* the server's IP once known */
  guint16          port;
  char            *name;
  char            *type_name;
  int              type;
  LookoutDeadline  deadline;
} QueryData;

/* Lives until the c-ares callback, which runs exactly once per ares_send. */
typedef struct
{
  GTask              *task;         /* NULL once the task has returned */
  LookoutAresChannel *channel;
  GSource            *timeout_source;
  GSource            *cancel_source;
  gint64              sent_us;
} Query;

static void
channel_entry_free (ChannelEntry *entry)
{
  g_clear_object (&entry->channel);
  g_free (entry);
}

static void
query_data_free (QueryData *data)
{
  g_free (data->target_uri);
  g_free (data->server);
  g_free (data->address);
  g_free (data->name);
  g_free (data->type_name);
  g_free (data);
}

static LookoutResult *
new_result (QueryData *data)
{
  LookoutResult *result = lookout_result_new (LOOKOUT_TARGET_KIND_DNS);

  result->target = g_strdup (data->target_uri);
  result->address = g_strdup (data->address);
  return result;
}

static void
return_result (GTask         *task,
               LookoutResult *result)
{
  g_task_return_pointer (task, result, (GDestroyNotify) lookout_result_unref);
}

static void
query_finish (Query         *query,
              LookoutResult *result)
{
  g_autoptr(GTask) task = g_steal_pointer (&query->task);

  g_assert (task != NULL);

  if (query->timeout_source != NULL)
    {
      g_source_destroy (query->timeout_source);
      g_clear_pointer (&query->timeout_source, g_source_unref);
    }
  if (query->cancel_source != NULL)
    {
      g_source_destroy (query->cancel_source);
      g_clear_pointer (&query->cancel_source, g_source_unref);
    }

  if (result != NULL)
    return_result (task, result);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The DNS check was cancelled"));
}

static void
query_free (Query *query)
{
  g_assert (query->task == NULL);
  g_clear_object (&query->channel);
  g_free (query);
}

static LookoutResult *
timeout_result (QueryData *data)
{
  LookoutResult *result = new_result (data);

  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                            _("No answer from the DNS server %s within %u ms"),
                            data->address ? data->address : _("(system)"), data->deadline.timeout_ms);
  return result;
}

static gboolean
query_timed_out_cb (gpointer user_data)
{
  Query *query = user_data;
  QueryData *data = g_task_get_task_data (query->task);

  query_finish (query, timeout_result (data));
  return G_SOURCE_REMOVE;
}

static gboolean
query_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  query_finish (user_data, NULL);
  return G_SOURCE_REMOVE;
}

static LookoutResult *
result_from_reply (QueryData          *data,
                   LookoutAresChannel *channel,
                   const guint8       *abuf,
                   gsize               alen,
                   gint64              latency_us)
{
  g_autoptr(LookoutResult) result = new_result (data);
  g_autoptr(LookoutDnsPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *replying = lookout_ares_channel_dup_replying_server (channel);

  if (replying != NULL)
    {
      g_free (result->address);
      result->address = g_steal_pointer (&replying);
    }
  result->latency_us = latency_us;

  packet = lookout_dns_packet_parse_reply (abuf, alen, &error);
  if (packet == NULL)
    {
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                _("The reply from the DNS server %s is malformed: %s"),
                                result->address, error->message);
      return g_steal_pointer (&result);
    }

  result->rcode = (int) packet->rcode;
  result->answers = lookout_dns_packet_dup_answers (packet, (guint16) data->type);

  if (packet->rcode != LOOKOUT_DNS_RCODE_NOERROR)
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RCODE,
                              _("The server answered %s: %s"),
                              lookout_dns_rcode_to_string (packet->rcode),
                              lookout_dns_rcode_describe (packet->rcode));
  else if (result->answers[0] == NULL)
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_RCODE,
                              _("The server answered NOERROR but has no %s record for %s"),
                              data->type_name, data->name);
  else
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
    }

  return g_steal_pointer (&result);
}

static void
query_answered_cb (void          *arg,
                   int            status,
                   int            timeouts,
                   unsigned char *abuf,
                   int            alen)
{
  Query *query = arg;
  gint64 now = g_get_monotonic_time ();
  QueryData *data;
  LookoutResult *result;

  if (query->task == NULL)
    {
      query_free (query);
      return;
    }

  data = g_task_get_task_data (query->task);

  switch (lookout_error_classify_ares (status))
    {
    case LOOKOUT_PROBE_ERROR_NONE:
      result = result_from_reply (data, query->channel, abuf, (gsize) MAX (alen, 0),
                                  now - query->sent_us);
      break;

    case LOOKOUT_PROBE_ERROR_TIMEOUT:
      result = timeout_result (data);
      break;

    case LOOKOUT_PROBE_ERROR_REFUSED:
      result = new_result (data);
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                                _("The DNS server %s refused the connection: nothing listens on port %u"),
                                data->address ? data->address : _("(system)"), data->port);
      break;

    case LOOKOUT_PROBE_ERROR_CANCELLED:
      query_finish (query, NULL);
      query_free (query);
      return;

    default:
      result = new_result (data);
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The DNS query failed: %s"), ares_strerror (status));
      break;
    }

  query_finish (query, result);
  query_free (query);
}

static LookoutAresChannel *
get_channel (LookoutDnsClient  *self,
             QueryData         *data,
             GError           **error)
{
  g_autofree char *key = NULL;
  g_autofree char *csv = NULL;
  ChannelEntry *entry;
  const char *servers = NULL;
  LookoutAresChannel *channel;
  int flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS;

  if (data->server != NULL)
    {
      if (strchr (data->address, ':') != NULL)
        csv = g_strdup_printf ("[%s]:%u", data->address, data->port);
      else
        csv = g_strdup_printf ("%s:%u", data->address, data->port);
      servers = csv;
      key = g_strdup_printf ("%s/%u", csv, data->deadline.timeout_ms);
    }
  else
    {
      servers = g_getenv ("LOOKOUT_DNS_SERVERS");
      if (servers != NULL && *servers == '\0')
        servers = NULL;
      key = g_strdup_printf (SYSTEM_KEY "/%s/%u", servers ? servers : "", data->deadline.timeout_ms);
    }

  entry = g_hash_table_lookup (self->channels, key);
  if (entry == NULL)
    {
      /* One try: the timer, not c-ares, decides when we give up. */
      channel = lookout_ares_channel_new (servers, data->deadline.timeout_ms, 1, flags, error);
      if (channel == NULL)
        return NULL;

      /* Several system servers share the time, so that a dead first one
       * still leaves room to fail over as the system resolver would. */
      if (data->server == NULL)
        {
          g_auto(GStrv) addresses = lookout_ares_channel_dup_server_addresses (channel);
          guint n = g_strv_length (addresses);

          if (n > 1)
            {
              g_clear_object (&channel);
              channel = lookout_ares_channel_new (servers, MAX (data->deadline.timeout_ms / n, 50), 1, flags, error);
              if (channel == NULL)
                return NULL;
            }
        }

      if (g_hash_table_size (self->channels) >= MAX_CHANNELS)
        {
          GHashTableIter iter;
          gpointer k, v;
          gpointer oldest_key = NULL;
          gint64 oldest = G_MAXINT64;

          g_hash_table_iter_init (&iter, self->channels);
          while (g_hash_table_iter_next (&iter, &k, &v))
            if (((ChannelEntry *) v)->last_used < oldest)
              {
                oldest = ((ChannelEntry *) v)->last_used;
                oldest_key = k;
              }
          /* Queries in flight keep their channel alive. */
          g_hash_table_remove (self->channels, oldest_key);
        }

      entry = g_new0 (ChannelEntry, 1);
      entry->channel = channel;
      g_hash_table_insert (self->channels, g_steal_pointer (&key), entry);
    }

  entry->last_used = g_get_monotonic_time ();
  return entry->channel;
}

static void
send_query (LookoutDnsClient *self,
            GTask            *task)
{
  QueryData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  LookoutAresChannel *channel;
  unsigned char *qbuf = NULL;
  int qlen = 0;
  int status;
  Query *query;

  channel = get_channel (self, data, &error);
  if (channel == NULL)
    {
      LookoutResult *result = new_result (data);

      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", error->message);
      return_result (task, result);
      return;
    }

  if (data->address == NULL)
    {
      g_auto(GStrv) addresses = lookout_ares_channel_dup_server_addresses (channel);

      data->address = g_strdup (addresses[0]);
    }

  status = ares_create_query (data->name, 1 /* IN */, data->type, 0, 1, &qbuf, &qlen,
                              LOOKOUT_ARES_EDNS_PAYLOAD);
  if (status != ARES_SUCCESS)
    {
      LookoutResult *result = new_result (data);

      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("“%s” cannot be asked for: %s"), data->name, ares_strerror (status));
      return_result (task, result);
      return;
    }

  query = g_new0 (Query, 1);
  query->task = g_object_ref (task);
  query->channel = g_object_ref (channel);

  query->timeout_source = lookout_deadline_create_source (&data->deadline);
  g_source_set_callback (query->timeout_source, query_timed_out_cb, query, NULL);
  g_source_attach (query->timeout_source, g_task_get_context (task));

  if (g_task_get_cancellable (task) != NULL)
    {
      query->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (query->cancel_source, G_SOURCE_FUNC (query_cancelled_cb), query, NULL);
      g_source_attach (query->cancel_source, g_task_get_context (task));
    }

  query->sent_us = g_get_monotonic_time ();
  lookout_ares_channel_send (channel, qbuf, (gsize) qlen, query_answered_cb, query);
  ares_free_string (qbuf);
}

static void
server_resolved_cb (GObject      *object,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QueryData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), res, &error);
  if (addresses == NULL)
    {
      LookoutResult *result;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      result = new_result (data);
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_RESOLVE,
                                _("Could not resolve the DNS server %s: %s"),
                                data->server, error->message);
      return_result (task, result);
      return;
    }

  data->address = g_inet_address_to_string (addresses->data);
  g_resolver_free_addresses (addresses);

  if (lookout_deadline_expire (&data->deadline, g_get_monotonic_time ()))
    {
      return_result (task, timeout_result (data));
      return;
    }

  send_query (g_task_get_source_object (task), task);
}

static void
start (LookoutDnsClient *self,
       GTask            *task)
{
  QueryData *data = g_task_get_task_data (task);

  if (data->type < 0)
    {
      LookoutResult *result = new_result (data);

      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("“%s” is not a DNS record type"), data->type_name);
      return_result (task, result);
      return;
    }

  if (data->server != NULL && !g_hostname_is_ip_address (data->server))
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      g_resolver_lookup_by_name_async (resolver, data->server,
                                       g_task_get_cancellable (task),
                                       server_resolved_cb, g_object_ref (task));
      return;
    }

  if (data->server != NULL)
    data->address = g_strdup (data->server);

  send_query (self, task);
}

static QueryData *
query_data_new (const char *server,
                guint16     port,
                const char *name,
                const char *type,
                guint       timeout_ms)
{
  QueryData *data = g_new0 (QueryData, 1);

  data->server = g_strdup (server);
  data->port = port != 0 ? port : 53;
  data->name = g_strdup (name);
  data->type_name = g_ascii_strup (type, -1);
  data->type = lookout_dns_type_from_string (type);
  lookout_deadline_init (&data->deadline, timeout_ms);
  return data;
}

static void
lookout_dns_client_dispose (GObject *object)
{
  LookoutDnsClient *self = (LookoutDnsClient *)object;

  g_clear_pointer (&self->channels, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_dns_client_parent_class)->dispose (object);
}

static void
lookout_dns_client_class_init (LookoutDnsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_dns_client_dispose;
}

static void
lookout_dns_client_init (LookoutDnsClient *self)
{
  self->channels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) channel_entry_free);
}

LookoutDnsClient *
lookout_dns_client_new (void)
{
  return g_object_new (LOOKOUT_TYPE_DNS_CLIENT, NULL);
}

void
lookout_dns_client_query_async (LookoutDnsClient    *self,
                                const char          *server,
                                guint16              port,
                                const char          *name,
                                const char          *type,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (LOOKOUT_IS_DNS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (type != NULL);
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_dns_client_query_async);

  data = query_data_new (server, port, name, type, timeout_ms);
  if (server != NULL)
    {
      gboolean v6 = strchr (server, ':') != NULL;

      data->target_uri = g_strdup_printf ("dns://%s%s%s:%u/%s?type=%s",
                                          v6 ? "[" : "", server, v6 ? "]" : "",
                                          data->port, name, data->type_name);
    }
  else
    data->target_uri = g_strdup_printf ("dns:%s?type=%s", name, data->type_name);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);

  start (self, task);
}

LookoutResult *
lookout_dns_client_query_finish (LookoutDnsClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (LOOKOUT_IS_DNS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
