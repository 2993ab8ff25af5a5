/* lookout-api-metrics.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How /metrics is made
 *
 * A compact table, one row per target of the monitor in the list's order
 * (kept so by "items-changed"): the figures of its last result that a
 * scrape prints, its results by outcome, when its state last changed, and
 * its label text `target="…",name="…",location="…"`, escaped once when the
 * target's URI or name changes (a GRefString, so that a copy of the row
 * shares it). The location is where the result was checked from: this
 * process's own (the monitor's "location", "local" unless `run --name`) or,
 * on a manager, a remote agent's, whose results are further rows of the
 * target chained to its entry, one per location, in the order they came. The
 * main thread changes a row under the table's lock, a few fields per
 * result; a scrape never runs there: its worker thread copies the rows
 * under the lock (a memcpy and a reference per row) and writes the text
 * from the copy, each family after its HELP and TYPE, only the series that
 * have a value, into one buffer sized from the previous scrape. The checks
 * on the main loop are not held up by a scrape of any size.
 *
 * Another label for every series of a target goes into the row's label
 * text (row_set_labels()); one for a single family goes where that family
 * is written (render_family()).
 *
 * Names follow blackbox_exporter where the meaning is the same; the rest
 * are lookout_*. Base units (seconds, ratios), no timestamps. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <string.h>

#include "lookout-api-private.h"

/* What a scrape prints of one target: plain values, copied as they are. */
typedef struct
{
  gboolean           has_result;
  gboolean           ok;
  LookoutTargetKind  kind;
  guint              state;          /* the target's live state */
  gint64             latency_us;
  guint              http_status;
  gint64             dns_us;
  gint64             connect_us;
  gint64             tls_us;
  gint64             processing_us;
  gint64             transfer_us;
  gint64             cert_expiry_s;
  guint              sent;
  guint              received;
  gint64             jitter_us;
  gint64             offset_us;
  guint64            n_by_state[LOOKOUT_TARGET_STATE_PAUSED + 1];
} Values;

typedef struct
{
  char          *labels;        /* GRefString */
  Values         values;
} Row;

typedef struct Entry
{
  gint64         id;
  char          *location;      /* a remote agent's name; NULL: this process */
  struct Entry  *next;          /* the target's row for the next location */
  LookoutTarget *target;        /* main thread only, from here down; NULL for a location's row */
  LookoutResult *result;
  guint          result_state;  /* the target's state at the last result */
  gint64         state_since_ms;
  Row            row;           /* under the lock */
} Entry;

struct _LookoutApiMetrics
{
  GObject         parent_instance;

  LookoutMonitor *monitor;
  GListModel     *targets;
  GMutex          lock;
  GPtrArray      *entries;      /* Entry, in the order of the monitor's list */
  GHashTable     *by_id;        /* target id (gint64 *) -> Entry */
  char           *own_location;
  gsize           last_len;     /* of the last scrape's text */
  GTree          *agents;       /* name -> LookoutApiAgentFigures *, on a manager */
  char           *agents_text;  /* their exposition, under the lock */
};

G_DEFINE_FINAL_TYPE (LookoutApiMetrics, lookout_api_metrics, G_TYPE_OBJECT)

static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
}

/* Main thread, under the lock. */
static void
row_set_labels (Row           *row,
                LookoutTarget *target,
                const char    *location)
{
  const char *name = lookout_target_get_name (target);
  g_autoptr(GString) labels = g_string_new ("target=\"");

  append_label_value (labels, lookout_target_get_uri_string (target));
  g_string_append (labels, "\",name=\"");
  append_label_value (labels, name ? name : "");
  g_string_append (labels, "\",location=\"");
  append_label_value (labels, location);
  g_string_append_c (labels, '"');

  g_clear_pointer (&row->labels, g_ref_string_release);
  row->labels = g_ref_string_new_len (labels->str, labels->len);
}

static void
target_notify_cb (LookoutTarget     *target,
                  GParamSpec        *pspec,
                  LookoutApiMetrics *self)
{
  Entry *entry = g_hash_table_lookup (self->by_id, &(gint64) { lookout_target_get_id (target) });

  if (entry == NULL || entry->target != target)
    return;
  if (g_str_equal (pspec->name, "state"))
    {
      g_mutex_lock (&self->lock);
      entry->row.values.state = lookout_target_get_state (target);
      g_mutex_unlock (&self->lock);
    }
  else if (g_str_equal (pspec->name, "name") || g_str_equal (pspec->name, "uri"))
    {
      g_mutex_lock (&self->lock);
      for (Entry *e = entry; e != NULL; e = e->next)
        row_set_labels (&e->row, target, e->location ? e->location : self->own_location);
      g_mutex_unlock (&self->lock);
    }
}

static void
entry_free (Entry *entry)
{
  if (entry->target != NULL)
    g_signal_handlers_disconnect_matched (entry->target, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                          target_notify_cb, NULL);
  g_clear_object (&entry->target);
  g_clear_pointer (&entry->result, lookout_result_unref);
  g_clear_pointer (&entry->row.labels, g_ref_string_release);
  g_free (entry->location);
  g_clear_pointer (&entry->next, entry_free);
  g_free (entry);
}

/* Main thread, under the lock. */
static Entry *
entry_new (LookoutApiMetrics *self,
           LookoutTarget     *target)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->id = lookout_target_get_id (target);
  entry->target = g_object_ref (target);
  entry->row.values.state = lookout_target_get_state (target);
  row_set_labels (&entry->row, target, self->own_location);
  g_signal_connect_object (target, "notify", G_CALLBACK (target_notify_cb), self, 0);
  return entry;
}

static void
targets_changed_cb (GListModel        *targets,
                    guint              position,
                    guint              removed,
                    guint              added,
                    LookoutApiMetrics *self)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < removed; i++)
    {
      Entry *entry = g_ptr_array_steal_index (self->entries, position);

      if (g_hash_table_lookup (self->by_id, &entry->id) == entry)
        g_hash_table_remove (self->by_id, &entry->id);
      g_ptr_array_add (gone, entry);
    }
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, position + i);
      Entry *entry = entry_new (self, target);

      g_ptr_array_insert (self->entries, position + i, entry);
      g_hash_table_insert (self->by_id, &entry->id, entry);
    }
  g_mutex_unlock (&self->lock);
}

static void
result_cb (LookoutMonitor    *monitor,
           LookoutTarget     *target,
           LookoutResult     *result,
           LookoutApiMetrics *self)
{
  Entry *entry = g_hash_table_lookup (self->by_id, &(gint64) { lookout_target_get_id (target) });
  Values *v;
  guint state = lookout_target_get_state (target);

  if (entry == NULL)
    return;
  if (result->location != NULL)
    {
      g_mutex_lock (&self->lock);
      while (g_strcmp0 (entry->location, result->location) != 0)
        {
          if (entry->next == NULL)
            {
              entry->next = g_new0 (Entry, 1);
              entry->next->id = entry->id;
              entry->next->location = g_strdup (result->location);
              row_set_labels (&entry->next->row, target, result->location);
            }
          entry = entry->next;
        }
      g_mutex_unlock (&self->lock);
      state = lookout_alert_engine_get_location_state (lookout_monitor_get_alert_engine (monitor),
                                                       lookout_target_get_id (target),
                                                       result->location);
    }
  if (entry->result == NULL || entry->result_state != state)
    entry->state_since_ms = result->started_ms;
  entry->result_state = state;
  g_clear_pointer (&entry->result, lookout_result_unref);
  entry->result = lookout_result_ref (result);

  g_mutex_lock (&self->lock);
  v = &entry->row.values;
  v->has_result = TRUE;
  v->ok = result->ok;
  v->kind = result->kind;
  v->state = state;
  v->latency_us = result->latency_us;
  v->http_status = result->http_status;
  v->dns_us = result->dns_us;
  v->connect_us = result->connect_us;
  v->tls_us = result->tls_us;
  v->processing_us = result->processing_us;
  v->transfer_us = result->transfer_us;
  v->cert_expiry_s = result->cert_expiry_s;
  v->sent = result->sent;
  v->received = result->received;
  v->jitter_us = result->jitter_us;
  v->offset_us = result->offset_us;
  if (result->state <= LOOKOUT_TARGET_STATE_PAUSED)
    v->n_by_state[result->state]++;
  g_mutex_unlock (&self->lock);
}

static void
lookout_api_metrics_dispose (GObject *object)
{
  LookoutApiMetrics *self = LOOKOUT_API_METRICS (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, result_cb, self);
  if (self->targets != NULL)
    g_signal_handlers_disconnect_by_func (self->targets, targets_changed_cb, self);
  g_clear_object (&self->targets);
  g_clear_object (&self->monitor);
  g_mutex_lock (&self->lock);
  if (self->by_id != NULL)
    g_hash_table_remove_all (self->by_id);
  if (self->entries != NULL)
    g_ptr_array_set_size (self->entries, 0);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (lookout_api_metrics_parent_class)->dispose (object);
}

static void
lookout_api_metrics_finalize (GObject *object)
{
  LookoutApiMetrics *self = LOOKOUT_API_METRICS (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->own_location, g_free);
  g_clear_pointer (&self->agents, g_tree_unref);
  g_clear_pointer (&self->agents_text, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (lookout_api_metrics_parent_class)->finalize (object);
}

static void
lookout_api_metrics_class_init (LookoutApiMetricsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_api_metrics_dispose;
  object_class->finalize = lookout_api_metrics_finalize;
}

static void
lookout_api_metrics_init (LookoutApiMetrics *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->agents = g_tree_new_full ((GCompareDataFunc) strcmp, NULL, g_free, g_free);
  self->last_len = 4096;
}

LookoutApiMetrics *
lookout_api_metrics_new (LookoutMonitor *monitor)
{
  LookoutApiMetrics *self;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_API_METRICS, NULL);
  self->monitor = g_object_ref (monitor);
  self->own_location = g_strdup (lookout_monitor_get_location (monitor));
  self->targets = g_object_ref (lookout_monitor_get_targets (monitor));
  targets_changed_cb (self->targets, 0, 0, g_list_model_get_n_items (self->targets), self);
  g_signal_connect (self->targets, "items-changed", G_CALLBACK (targets_changed_cb), self);
  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), self);
  return self;
}

const LookoutResult *
lookout_api_metrics_get_last_result (LookoutApiMetrics *self,
                                     gint64             target_id)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), NULL);

  entry = g_hash_table_lookup (self->by_id, &target_id);
  return entry ? entry->result : NULL;
}

gint64
lookout_api_metrics_get_state_since (LookoutApiMetrics *self,
                                     gint64             target_id)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), 0);

  entry = g_hash_table_lookup (self->by_id, &target_id);
  return entry ? entry->state_since_ms : 0;
}

/* ---- rendering ---- */

static gint64
ratio_micro (guint64 part,
             guint64 total)
{
  return (gint64) ((part * 1000000 + total / 2) / total);
}

typedef enum
{
  FAMILY_SUCCESS,
  FAMILY_DURATION,
  FAMILY_HTTP_STATUS,
  FAMILY_HTTP_PHASES,
  FAMILY_SSL_EXPIRY,
  FAMILY_ICMP_RTT,
  FAMILY_DNS_LOOKUP,
  FAMILY_STATE,
  FAMILY_LOSS,
  FAMILY_JITTER,
  FAMILY_NTP_OFFSET,
  FAMILY_AVAILABILITY,
  FAMILY_RESULTS,
  N_FAMILIES
} Family;

static const struct
{
  const char *name;
  const char *type;
  const char *help;
} families[N_FAMILIES] = {
  { "probe_success", "gauge", "Whether the last check of the target succeeded" },
  { "probe_duration_seconds", "gauge", "How long the last check of the target took" },
  { "probe_http_status_code", "gauge", "HTTP status code of the last check" },
  { "probe_http_duration_seconds", "gauge", "Duration of each phase of the last HTTP check" },
  { "probe_ssl_earliest_cert_expiry", "gauge", "Expiry of the peer certificate, in seconds since the epoch" },
  { "probe_icmp_duration_seconds", "gauge", "Median round trip of the last ICMP check" },
  { "probe_dns_lookup_time_seconds", "gauge", "How long the last DNS query took" },
  { "lookout_target_state", "gauge", "State of the target: 0 unknown, 1 up, 2 degraded, 3 down, 4 paused" },
  { "lookout_icmp_loss_ratio", "gauge", "Share of echo requests without a reply in the last ICMP check" },
  { "lookout_icmp_jitter_seconds", "gauge", "Jitter of the round trips of the last ICMP check" },
  { "lookout_ntp_offset_seconds", "gauge", "Clock offset of the NTP server in the last check" },
  { "lookout_availability_ratio", "gauge", "Share of results that were not down since this server started" },
  { "lookout_results_total", "counter", "Results since this server started, by outcome" },
};

struct _LookoutApiMetricsSnapshot
{
  Row   *rows;
  guint  n;
  char  *agents_text;
};

/* Room for one series line past its name and labels: an extra label
 * (`,phase="processing"`, `,outcome="degraded"`), braces and a value. */
#define SERIES_ROOM 64

/* Where a series line of @row is written: straight into @out, grown once
 * for the whole line, without a strlen() of its labels per line. */
static char *
begin_series (GString    *out,
              const char *name,
              gsize       name_len,
              const Row  *row)
{
  gsize labels_len = g_ref_string_length (row->labels);
  gsize len = out->len;
  char *p;

  if (len + name_len + labels_len + SERIES_ROOM >= out->allocated_len)
    {
      g_string_set_size (out, MAX (len + name_len + labels_len + SERIES_ROOM, out->allocated_len * 2));
      g_string_truncate (out, len);
    }
  p = out->str + len;
  memcpy (p, name, name_len);
  p += name_len;
  *p++ = '{';
  memcpy (p, row->labels, labels_len);
  return p + labels_len;
}

static void
end_series (GString *out,
            char    *p)
{
  *p++ = '\n';
  *p = '\0';
  out->len = p - out->str;
}

/* Closes the labels, after @extra_label if any, up to the value. */
static char *
close_labels (char       *p,
              const char *extra_label)
{
  if (extra_label != NULL)
    {
      gsize extra_len = strlen (extra_label);

      *p++ = ',';
      memcpy (p, extra_label, extra_len);
      p += extra_len;
    }
  *p++ = '}';
  *p++ = ' ';
  return p;
}

static void
series_int (GString    *out,
            const char *name,
            gsize       name_len,
            const Row  *row,
            const char *extra_label,
            gint64      value)
{
  char *p = close_labels (begin_series (out, name, name_len, row), extra_label);

  end_series (out, lookout_api_put_int (p, value));
}

static void
series_micro (GString    *out,
              const char *name,
              gsize       name_len,
              const Row  *row,
              const char *extra_label,
              gint64      micro)
{
  char *p = close_labels (begin_series (out, name, name_len, row), extra_label);

  end_series (out, lookout_api_put_micro (p, micro));
}

static void
render_family (Family     family,
               const Row *rows,
               guint      n,
               GString   *out)
{
  const char *name = families[family].name;
  gsize name_len = strlen (name);

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n",
                          name, families[family].help, name, families[family].type);

  for (guint i = 0; i < n; i++)
    {
      const Row *row = &rows[i];
      const Values *r = &row->values;

      if (family == FAMILY_STATE)
        {
          series_int (out, name, name_len, row, NULL, r->state);
          continue;
        }
      if (!r->has_result)
        continue;

      switch (family)
        {
        case FAMILY_SUCCESS:
          series_int (out, name, name_len, row, NULL, r->ok ? 1 : 0);
          break;
        case FAMILY_DURATION:
          if (r->latency_us >= 0)
            series_micro (out, name, name_len, row, NULL, r->latency_us);
          break;
        case FAMILY_HTTP_STATUS:
          if (r->kind == LOOKOUT_TARGET_KIND_HTTP)
            series_int (out, name, name_len, row, NULL, r->http_status);
          break;
        case FAMILY_HTTP_PHASES:
          /* a failed check has no phases worth the lines */
          if (r->kind == LOOKOUT_TARGET_KIND_HTTP && r->ok)
            {
              series_micro (out, name, name_len, row, "phase=\"resolve\"", MAX (r->dns_us, 0));
              series_micro (out, name, name_len, row, "phase=\"connect\"", MAX (r->connect_us, 0));
              /* a check without TLS has no TLS phase */
              if (r->tls_us > 0 || r->cert_expiry_s > 0)
                series_micro (out, name, name_len, row, "phase=\"tls\"", MAX (r->tls_us, 0));
              series_micro (out, name, name_len, row, "phase=\"processing\"", MAX (r->processing_us, 0));
              series_micro (out, name, name_len, row, "phase=\"transfer\"", MAX (r->transfer_us, 0));
            }
          break;
        case FAMILY_SSL_EXPIRY:
          if (r->cert_expiry_s > 0)
            series_int (out, name, name_len, row, NULL, r->cert_expiry_s);
          break;
        case FAMILY_ICMP_RTT:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->latency_us >= 0)
            series_micro (out, name, name_len, row, "phase=\"rtt\"", r->latency_us);
          break;
        case FAMILY_DNS_LOOKUP:
          if (r->kind == LOOKOUT_TARGET_KIND_DNS && r->latency_us >= 0)
            series_micro (out, name, name_len, row, NULL, r->latency_us);
          break;
        case FAMILY_LOSS:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->sent > 0)
            series_micro (out, name, name_len, row, NULL, ratio_micro (r->sent - MIN (r->received, r->sent), r->sent));
          break;
        case FAMILY_JITTER:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->jitter_us >= 0)
            series_micro (out, name, name_len, row, NULL, r->jitter_us);
          break;
        case FAMILY_NTP_OFFSET:
          if (r->kind == LOOKOUT_TARGET_KIND_NTP && r->ok)
            series_micro (out, name, name_len, row, NULL, r->offset_us);
          break;
        case FAMILY_AVAILABILITY:
          {
            guint64 total = 0;

            for (guint s = 0; s < G_N_ELEMENTS (r->n_by_state); s++)
              total += r->n_by_state[s];
            if (total > 0)
              series_micro (out, name, name_len, row, NULL,
                            ratio_micro (total - r->n_by_state[LOOKOUT_TARGET_STATE_DOWN], total));
          }
          break;
        case FAMILY_RESULTS:
          {
            static const guint outcomes[] = {
              LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_TARGET_STATE_DOWN,
            };
            /* as lookout_target_state_to_string() names them */
            static const char *const outcome_labels[] = {
              "outcome=\"up\"", "outcome=\"degraded\"", "outcome=\"down\"",
            };

            /* outcomes never seen stay absent, as Prometheus allows */
            for (guint o = 0; o < G_N_ELEMENTS (outcomes); o++)
              {
                if (r->n_by_state[outcomes[o]] == 0)
                  continue;
                series_int (out, name, name_len, row, outcome_labels[o], r->n_by_state[outcomes[o]]);
              }
          }
          break;
        case FAMILY_STATE:
        case N_FAMILIES:
        default:
          g_assert_not_reached ();
        }
    }
}

/* Any thread: a memcpy and a reference per row, under the lock. */
LookoutApiMetricsSnapshot *
lookout_api_metrics_snapshot (LookoutApiMetrics *self)
{
  LookoutApiMetricsSnapshot *snapshot;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), NULL);

  snapshot = g_new0 (LookoutApiMetricsSnapshot, 1);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->entries->len; i++)
    for (const Entry *e = g_ptr_array_index (self->entries, i); e != NULL; e = e->next)
      snapshot->n++;
  snapshot->rows = g_new (Row, MAX (snapshot->n, 1));
  snapshot->n = 0;
  for (guint i = 0; i < self->entries->len; i++)
    for (const Entry *e = g_ptr_array_index (self->entries, i); e != NULL; e = e->next)
      {
        snapshot->rows[snapshot->n].labels = g_ref_string_acquire (e->row.labels);
        snapshot->rows[snapshot->n].values = e->row.values;
        snapshot->n++;
      }
  snapshot->agents_text = g_strdup (self->agents_text);
  g_mutex_unlock (&self->lock);
  return snapshot;
}

void
lookout_api_metrics_snapshot_render (const LookoutApiMetricsSnapshot *snapshot,
                                     GString                         *out)
{
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (out != NULL);

  for (Family family = 0; family < N_FAMILIES; family++)
    render_family (family, snapshot->rows, snapshot->n, out);
  if (snapshot->agents_text != NULL)
    g_string_append (out, snapshot->agents_text);
}

void
lookout_api_metrics_snapshot_free (LookoutApiMetricsSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->n; i++)
    {
      g_ref_string_release (snapshot->rows[i].labels);
    }
  g_free (snapshot->agents_text);
  g_free (snapshot->rows);
  g_free (snapshot);
}

void
lookout_api_metrics_render (LookoutApiMetrics *self,
                            GString           *out)
{
  LookoutApiMetricsSnapshot *snapshot;

  g_return_if_fail (LOOKOUT_IS_API_METRICS (self));
  g_return_if_fail (out != NULL);

  snapshot = lookout_api_metrics_snapshot (self);
  lookout_api_metrics_snapshot_render (snapshot, out);
  lookout_api_metrics_snapshot_free (snapshot);
}

/* ---- a manager's agents ---- */

typedef struct
{
  const char *name;
  const char *type;
  const char *help;
} AgentFamily;

static const AgentFamily agent_families[] = {
  { "lookout_agent_up", "gauge", "Whether the link to the agent is online" },
  { "lookout_agent_dropped_total", "counter", "Results the agent's outbox dropped past its bounds (age or number)" },
  { "lookout_agent_gaps_total", "counter", "Gaps in the agent's sequence of results seen on the link" },
  { "lookout_agent_duplicates_total", "counter", "Results the agent sent again, dropped by the link" },
  { "lookout_agent_clock_offset_seconds", "gauge", "How far the agent's clock is ahead of this one's" },
};

typedef struct
{
  GString *out;
  guint    family;
} AgentRender;

static gboolean
render_agent_cb (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  AgentRender *render = user_data;
  const LookoutApiAgentFigures *figures = value;

  g_string_append (render->out, agent_families[render->family].name);
  g_string_append (render->out, "{agent=\"");
  append_label_value (render->out, key);
  g_string_append (render->out, "\"} ");
  switch (render->family)
    {
    case 0:
      lookout_api_append_int (render->out, figures->online ? 1 : 0);
      break;
    case 1:
      lookout_api_append_int (render->out, (gint64) figures->dropped);
      break;
    case 2:
      lookout_api_append_int (render->out, (gint64) figures->gaps);
      break;
    case 3:
      lookout_api_append_int (render->out, (gint64) figures->duplicates);
      break;
    default:
      lookout_api_append_micro (render->out, figures->clock_offset_ms * 1000);
      break;
    }
  g_string_append_c (render->out, '\n');
  return FALSE;
}

/* What the manager's link to agent @name shows, labelled agent="NAME". */
void
lookout_api_metrics_set_agent (LookoutApiMetrics            *self,
                               const char                   *name,
                               const LookoutApiAgentFigures *figures)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_if_fail (LOOKOUT_IS_API_METRICS (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (figures != NULL);

  g_tree_replace (self->agents, g_strdup (name), g_memdup2 (figures, sizeof *figures));
  for (guint i = 0; i < G_N_ELEMENTS (agent_families); i++)
    {
      AgentRender render = { text, i };

      g_string_append_printf (text, "# HELP %s %s\n# TYPE %s %s\n",
                              agent_families[i].name, agent_families[i].help,
                              agent_families[i].name, agent_families[i].type);
      g_tree_foreach (self->agents, render_agent_cb, &render);
    }
  g_mutex_lock (&self->lock);
  g_free (self->agents_text);
  self->agents_text = g_string_free (g_steal_pointer (&text), FALSE);
  g_mutex_unlock (&self->lock);
}

/* ---- GET /metrics ---- */

static char *
metrics_thread (LookoutStore  *store,
                gpointer       data,
                guint         *status,
                GError       **error)
{
  LookoutApiMetrics *self = data;
  LookoutApiMetricsSnapshot *snapshot = lookout_api_metrics_snapshot (self);
  GString *out = g_string_sized_new (g_atomic_pointer_get (&self->last_len) + 4096);

  lookout_api_metrics_snapshot_render (snapshot, out);
  lookout_api_metrics_snapshot_free (snapshot);
  g_atomic_pointer_set (&self->last_len, out->len);
  return g_string_free (out, FALSE);
}

/* Nothing per target on the main thread: the worker copies the table. */
void
lookout_api_handle_metrics (LookoutApiRequest *request)
{
  lookout_api_request_run_in_thread_full (request, metrics_thread,
                                          g_object_ref (request->metrics), g_object_unref,
                                          "text/plain; version=0.0.4; charset=utf-8", TRUE);
}
