/* lookout-trace-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a trace check works
 *
 * The host is resolved (the caching resolver answers an IP literal at
 * once), then one round of lookout_trace_run_async() sends every TTL at
 * once through its own ICMP socket (or UDP datagrams with proto=udp), with
 * what is left of the target's timeout. The destination's probes give the
 * result: answered, it is up with their median round trip as latency and
 * sent/received as its loss; silent, it is down, saying how far the path
 * went.
 *
 * Then the hops are named by reverse DNS, unless the option "names" is
 * false. Names come from a cache in the probe (an hour for a name, ten
 * minutes for "none"); addresses not in it are looked up at once, and the
 * check waits for them at most NAMES_WAIT_MS and never past its timeout. A
 * lookup that answers later still fills the cache for the next round, so a
 * slow resolver costs names, never the check.
 */

#define G_LOG_DOMAIN "lookout-trace-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-probe-net.h"
#include "lookout-trace.h"
#include "lookout-trace-probe.h"

#define NAMES_WAIT_MS     2000
#define NAME_TTL_US       (3600 * (gint64) G_USEC_PER_SEC)
#define NO_NAME_TTL_US    (600 * (gint64) G_USEC_PER_SEC)
#define MAX_CACHED_NAMES  4096

typedef struct
{
  char   *name;        /* NULL: the address has none */
  gint64  expires_us;  /* monotonic */
} CachedName;

struct _LookoutTraceProbe
{
  LookoutProbe  parent_instance;

  GHashTable   *names;      /* address -> CachedName */
  GHashTable   *looking_up; /* addresses being looked up */
};

G_DEFINE_FINAL_TYPE (LookoutTraceProbe, lookout_trace_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  LookoutResult *result;
  char          *host;
  LookoutTraceProto proto;
  gboolean       names;
  gint64         expiry_us;      /* monotonic: start + the target's timeout */
  guint          names_pending;
  GSource       *names_timer;
  GSource       *cancel_source;
  gboolean       returned;
} TraceRun;

static void
cached_name_free (CachedName *cached)
{
  g_free (cached->name);
  g_free (cached);
}

static void
trace_run_free (TraceRun *run)
{
  if (run->names_timer != NULL)
    g_source_destroy (run->names_timer);
  g_clear_pointer (&run->names_timer, g_source_unref);
  if (run->cancel_source != NULL)
    g_source_destroy (run->cancel_source);
  g_clear_pointer (&run->cancel_source, g_source_unref);
  g_clear_pointer (&run->result, lookout_result_unref);
  g_free (run->host);
  g_free (run);
}

static guint
remaining_ms (TraceRun *run)
{
  gint64 left = run->expiry_us - g_get_monotonic_time ();

  return left > 0 ? (guint) ((left + 999) / 1000) : 0;
}

/* ---- names ---- */

static const char *
lookup_cached_name (LookoutTraceProbe *self,
                    const char        *address,
                    gboolean          *found)
{
  CachedName *cached = g_hash_table_lookup (self->names, address);

  *found = cached != NULL && cached->expires_us > g_get_monotonic_time ();
  return *found ? cached->name : NULL;
}

static void
name_hops (LookoutTraceProbe  *self,
           LookoutTraceReport *report)
{
  for (guint i = 0; i < report->n_hops; i++)
    {
      LookoutTraceHop *hop = &report->hops[i];
      gboolean found;
      const char *name;

      if (hop->addresses == NULL || hop->addresses[0] == NULL || hop->name != NULL)
        continue;
      name = lookup_cached_name (self, hop->addresses[0], &found);
      hop->name = g_strdup (name);
    }
}

static void
return_result (GTask *task)
{
  TraceRun *run = g_task_get_task_data (task);
  LookoutTraceProbe *self = g_task_get_source_object (task);

  if (run->returned)
    return;
  run->returned = TRUE;

  if (run->names_timer != NULL)
    g_source_destroy (run->names_timer);
  g_clear_pointer (&run->names_timer, g_source_unref);
  if (run->cancel_source != NULL)
    g_source_destroy (run->cancel_source);
  g_clear_pointer (&run->cancel_source, g_source_unref);

  if (run->result->trace != NULL)
    name_hops (self, run->result->trace);
  g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
}

typedef struct
{
  LookoutTraceProbe *probe;
  GTask             *task;      /* the check waiting for it, or NULL */
  char              *address;
} NameLookup;

static void
name_found_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  NameLookup *lookup = user_data;
  LookoutTraceProbe *self = lookup->probe;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  CachedName *cached;

  name = g_resolver_lookup_by_address_finish (G_RESOLVER (object), result, &error);

  if (g_hash_table_size (self->names) >= MAX_CACHED_NAMES)
    g_hash_table_remove_all (self->names);
  cached = g_new0 (CachedName, 1);
  cached->name = g_steal_pointer (&name);
  cached->expires_us = g_get_monotonic_time () + (cached->name != NULL ? NAME_TTL_US : NO_NAME_TTL_US);
  g_hash_table_insert (self->names, g_strdup (lookup->address), cached);
  g_hash_table_remove (self->looking_up, lookup->address);

  if (lookup->task != NULL)
    {
      TraceRun *run = g_task_get_task_data (lookup->task);

      if (--run->names_pending == 0)
        return_result (lookup->task);
    }

  g_clear_object (&lookup->task);
  g_object_unref (lookup->probe);
  g_free (lookup->address);
  g_free (lookup);
}

static gboolean
names_waited_cb (gpointer user_data)
{
  GTask *task = user_data;
  TraceRun *run = g_task_get_task_data (task);

  g_clear_pointer (&run->names_timer, g_source_unref);
  return_result (task);

  return G_SOURCE_REMOVE;
}

static gboolean
names_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  TraceRun *run = g_task_get_task_data (user_data);

  g_clear_pointer (&run->cancel_source, g_source_unref);
  return_result (user_data);

  return G_SOURCE_REMOVE;
}

/* Looks up the names not known yet; returns the result now, or once they
 * are in, or when the wait is over. Consumes @task. */
static void
find_names (LookoutTraceProbe *self,
            GTask             *task_)
{
  g_autoptr(GTask) task = task_;
  TraceRun *run = g_task_get_task_data (task);
  LookoutTraceReport *report = run->result->trace;
  guint wait_ms = MIN (remaining_ms (run), NAMES_WAIT_MS);

  for (guint i = 0; run->names && report != NULL && i < report->n_hops; i++)
    {
      const char *address = report->hops[i].addresses != NULL ? report->hops[i].addresses[0] : NULL;
      g_autoptr(GInetAddress) inet = NULL;
      NameLookup *lookup;
      gboolean found;

      if (address == NULL)
        continue;
      lookup_cached_name (self, address, &found);
      if (found || g_hash_table_contains (self->looking_up, address))
        continue;
      inet = g_inet_address_new_from_string (address);
      if (inet == NULL)
        continue;

      g_hash_table_add (self->looking_up, g_strdup (address));
      lookup = g_new0 (NameLookup, 1);
      lookup->probe = g_object_ref (self);
      lookup->address = g_strdup (address);
      if (wait_ms > 0)
        {
          lookup->task = g_object_ref (task);
          run->names_pending++;
        }
      /* Not cancelled with the check: a late answer is kept for the next. */
      g_resolver_lookup_by_address_async (g_resolver_get_default (), inet, NULL, name_found_cb, lookup);
    }

  if (run->names_pending == 0)
    {
      return_result (task);
      return;
    }

  run->names_timer = g_timeout_source_new (wait_ms);
  g_source_set_callback (run->names_timer, names_waited_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (run->names_timer, "[lookout] trace names");
  g_source_attach (run->names_timer, g_main_context_get_thread_default ());
  if (g_task_get_cancellable (task) != NULL)
    {
      run->cancel_source = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (run->cancel_source, G_SOURCE_FUNC (names_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (run->cancel_source, g_main_context_get_thread_default ());
    }
}

/* ---- the round ---- */

static void
fill_result (TraceRun           *run,
             LookoutTraceReport *report)
{
  LookoutResult *res = run->result;

  res->trace = lookout_trace_report_ref (report);

  if (report->destination_ttl != 0)
    {
      const LookoutTraceHop *hop = &report->hops[report->destination_ttl - 1];

      res->ok = TRUE;
      res->state = LOOKOUT_TARGET_STATE_UP;
      res->latency_us = lookout_trace_hop_median_us (hop);
      res->sent = hop->sent;
      res->received = hop->received;
      return;
    }

  /* The destination's probes are those of the last TTL tried. */
  if (report->n_hops > 0)
    res->sent = report->hops[report->n_hops - 1].sent;

  if (report->unreachable && report->n_hops > 0)
    {
      const LookoutTraceHop *hop = &report->hops[report->n_hops - 1];

      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_UNREACHABLE,
                                _("Hop %u (%s) says %s cannot be reached"),
                                hop->ttl, hop->addresses != NULL ? hop->addresses[0] : "?",
                                report->destination);
    }
  else if (report->n_hops > 0)
    {
      const LookoutTraceHop *hop = &report->hops[report->n_hops - 1];

      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                _("%s did not answer; the path was heard as far as hop %u (%s)"),
                                report->destination, hop->ttl,
                                hop->addresses != NULL ? hop->addresses[0] : "?");
    }
  else
    lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                              _("Nothing on the way to %s answered, not even the first hop"),
                              report->destination);
}

static void
traced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TraceRun *run = g_task_get_task_data (task);
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTraceProbe *self;

  report = lookout_trace_run_finish (result, &error);
  if (report == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        {
          lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION,
                                    "%s", error->message);
          return_result (task);
        }
      else
        {
          lookout_probe_net_set_error (run->result, error, run->host, run->result->address);
          return_result (task);
        }
      return;
    }

  fill_result (run, report);
  self = g_task_get_source_object (task);
  find_names (self, g_steal_pointer (&task));
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TraceRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;
  LookoutTraceOptions options;
  GCancellable *cancellable;
  guint left;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          lookout_probe_net_set_error (run->result, error, run->host, NULL);
          return_result (task);
        }
      return;
    }

  run->result->address = g_inet_address_to_string (addresses->data);
  left = remaining_ms (run);
  if (left == 0)
    {
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                _("Resolving “%s” took the whole timeout"), run->host);
      g_resolver_free_addresses (addresses);
      return_result (task);
      return;
    }

  lookout_trace_options_init (&options);
  options.proto = run->proto;
  cancellable = g_task_get_cancellable (task);
  lookout_trace_run_async (addresses->data, &options, left, cancellable,
                           traced_cb, g_steal_pointer (&task));
  g_resolver_free_addresses (addresses);
}

static void
lookout_trace_probe_run_async (LookoutProbe        *probe,
                               LookoutTarget       *target,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) options = lookout_probe_net_dup_options (target);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  TraceRun *run;

  run = g_new0 (TraceRun, 1);
  run->result = lookout_probe_net_result_new (target);
  run->host = g_strdup (lookout_target_uri_get_host (uri));
  run->proto = g_strcmp0 (lookout_target_uri_get_trace_proto (uri), "udp") == 0
                 ? LOOKOUT_TRACE_PROTO_UDP : LOOKOUT_TRACE_PROTO_ICMP;
  run->names = TRUE;
  run->expiry_us = g_get_monotonic_time () + (gint64) lookout_target_get_timeout (target) * 1000;

  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_trace_probe_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) trace_run_free);

  if (!lookout_probe_net_get_bool_option (options, "names", &run->names))
    {
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The option names must be true or false"));
      return_result (task);
      return;
    }

  g_resolver_lookup_by_name_async (g_resolver_get_default (), run->host, cancellable,
                                   resolved_cb, g_steal_pointer (&task));
}

static LookoutResult *
lookout_trace_probe_run_finish (LookoutProbe  *probe,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_trace_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_trace_probe_finalize (GObject *object)
{
  LookoutTraceProbe *self = (LookoutTraceProbe *) object;

  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->looking_up, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_trace_probe_parent_class)->finalize (object);
}

static void
lookout_trace_probe_class_init (LookoutTraceProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->finalize = lookout_trace_probe_finalize;
  probe_class->run_async = lookout_trace_probe_run_async;
  probe_class->run_finish = lookout_trace_probe_run_finish;
}

static void
lookout_trace_probe_init (LookoutTraceProbe *self)
{
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_name_free);
  self->looking_up = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

LookoutProbe *
lookout_trace_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_TRACE_PROBE, NULL);
}
