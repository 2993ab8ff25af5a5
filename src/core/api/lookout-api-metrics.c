/* lookout-api-metrics.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How /metrics is made
 *
 * Every result passes the monitor's "result" signal; this object keeps the
 * last one per target id with two counters and the time of the last change
 * of state. A scrape walks the monitor's target list once per metric family
 * (the format wants a family's series together, after its HELP and TYPE)
 * and prints from memory: no SQL, no allocation per series beyond the
 * output buffer. Each entry caches its label text
 * `target="…",name="…",location="…"`, rebuilt only when the target's URI
 * or name changed. The location is where the result was checked from: this
 * process's own (the monitor's "location", "local" unless `run --name`) or
 * a remote agent's, whose results a manager keeps as further entries of
 * the target, one per location, in the order they first came.
 *
 * Names follow blackbox_exporter where the meaning is the same; the rest
 * are lookout_*. Base units (seconds, ratios), no timestamps. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <string.h>

#include "lookout-api-private.h"

typedef struct Entry
{
  LookoutResult *result;
  gint64         state_since_ms;
  guint          state;
  guint64        n_by_state[LOOKOUT_TARGET_STATE_PAUSED + 1];
  char          *label_uri;     /* what labels was made from */
  char          *label_name;
  char          *labels;        /* a GRefString: a scrape's snapshot holds it */
  char          *location;      /* a remote agent's name; NULL: this process */
  struct Entry  *next;          /* the target's entry for the next location */
} Entry;

struct _LookoutApiMetrics
{
  GObject         parent_instance;

  LookoutMonitor *monitor;
  GHashTable     *entries;      /* target id (gint64 *) -> Entry */
};

G_DEFINE_FINAL_TYPE (LookoutApiMetrics, lookout_api_metrics, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_clear_pointer (&entry->result, lookout_result_unref);
  g_free (entry->label_uri);
  g_free (entry->label_name);
  g_clear_pointer (&entry->labels, g_ref_string_release);
  g_free (entry->location);
  g_clear_pointer (&entry->next, entry_free);
  g_free (entry);
}

static Entry *
ensure_entry (LookoutApiMetrics *self,
              gint64             id)
{
  Entry *entry = g_hash_table_lookup (self->entries, &id);

  if (entry == NULL)
    {
      gint64 *key = g_new (gint64, 1);

      *key = id;
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, key, entry);
    }
  return entry;
}

static void
result_cb (LookoutMonitor    *monitor,
           LookoutTarget     *target,
           LookoutResult     *result,
           LookoutApiMetrics *self)
{
  Entry *entry = ensure_entry (self, lookout_target_get_id (target));
  guint state = lookout_target_get_state (target);

  if (result->location != NULL)
    {
      while (g_strcmp0 (entry->location, result->location) != 0)
        {
          if (entry->next == NULL)
            {
              entry->next = g_new0 (Entry, 1);
              entry->next->location = g_strdup (result->location);
            }
          entry = entry->next;
        }
      state = lookout_alert_engine_get_location_state (lookout_monitor_get_alert_engine (monitor),
                                                       lookout_target_get_id (target),
                                                       result->location);
    }

  if (entry->result == NULL || entry->state != state)
    entry->state_since_ms = result->started_ms;
  entry->state = state;
  if (result->state <= LOOKOUT_TARGET_STATE_PAUSED)
    entry->n_by_state[result->state]++;
  g_clear_pointer (&entry->result, lookout_result_unref);
  entry->result = lookout_result_ref (result);
}

static void
lookout_api_metrics_dispose (GObject *object)
{
  LookoutApiMetrics *self = LOOKOUT_API_METRICS (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, result_cb, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_api_metrics_parent_class)->dispose (object);
}

static void
lookout_api_metrics_finalize (GObject *object)
{
  LookoutApiMetrics *self = LOOKOUT_API_METRICS (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);

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
  self->entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                         (GDestroyNotify) entry_free);
}

LookoutApiMetrics *
lookout_api_metrics_new (LookoutMonitor *monitor)
{
  LookoutApiMetrics *self;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_API_METRICS, NULL);
  self->monitor = g_object_ref (monitor);
  g_signal_connect (monitor, "result", G_CALLBACK (result_cb), self);
  return self;
}

const LookoutResult *
lookout_api_metrics_get_last_result (LookoutApiMetrics *self,
                                     gint64             target_id)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), NULL);

  entry = g_hash_table_lookup (self->entries, &target_id);
  return entry ? entry->result : NULL;
}

gint64
lookout_api_metrics_get_state_since (LookoutApiMetrics *self,
                                     gint64             target_id)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), 0);

  entry = g_hash_table_lookup (self->entries, &target_id);
  return entry ? entry->state_since_ms : 0;
}

/* ---- rendering ---- */

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

static const char *
entry_labels (Entry         *entry,
              LookoutTarget *target,
              const char    *own_location)
{
  const char *uri = lookout_target_get_uri_string (target);
  const char *name = lookout_target_get_name (target);
  GString *labels;

  if (name == NULL)
    name = "";
  if (entry->labels != NULL && g_strcmp0 (entry->label_uri, uri) == 0 &&
      g_strcmp0 (entry->label_name, name) == 0)
    return entry->labels;

  labels = g_string_new ("target=\"");
  append_label_value (labels, uri);
  g_string_append (labels, "\",name=\"");
  append_label_value (labels, name);
  g_string_append (labels, "\",location=\"");
  append_label_value (labels, entry->location != NULL ? entry->location : own_location);
  g_string_append_c (labels, '"');

  g_clear_pointer (&entry->labels, g_ref_string_release);
  g_free (entry->label_uri);
  g_free (entry->label_name);
  entry->labels = g_ref_string_new_len (labels->str, labels->len);
  g_string_free (labels, TRUE);
  entry->label_uri = g_strdup (uri);
  entry->label_name = g_strdup (name);
  return entry->labels;
}

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

/* What a scrape prints of one target, copied on the main thread so that
 * the text can be written on a worker thread while results keep coming. */
typedef struct
{
  char          *labels;      /* GRefString */
  LookoutResult *result;
  guint          state;
  guint64        n_by_state[LOOKOUT_TARGET_STATE_PAUSED + 1];
} Row;

struct _LookoutApiMetricsSnapshot
{
  Row   *rows;
  guint  n;
};

static void
begin_series (GString    *out,
              const char *name,
              const Row  *row)
{
  g_string_append (out, name);
  g_string_append_c (out, '{');
  g_string_append (out, row->labels);
}

static void
series_int (GString    *out,
            const char *name,
            const Row  *row,
            gint64      value)
{
  begin_series (out, name, row);
  g_string_append (out, "} ");
  lookout_api_append_int (out, value);
  g_string_append_c (out, '\n');
}

static void
series_micro (GString    *out,
              const char *name,
              const Row  *row,
              const char *extra_label,
              gint64      micro)
{
  begin_series (out, name, row);
  if (extra_label != NULL)
    {
      g_string_append_c (out, ',');
      g_string_append (out, extra_label);
    }
  g_string_append (out, "} ");
  lookout_api_append_micro (out, micro);
  g_string_append_c (out, '\n');
}

static void
render_family (Family     family,
               const Row *rows,
               guint      n,
               GString   *out)
{
  const char *name = families[family].name;

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n",
                          name, families[family].help, name, families[family].type);

  for (guint i = 0; i < n; i++)
    {
      const Row *row = &rows[i];
      const Row *entry = row;
      const LookoutResult *r = row->result;

      if (family == FAMILY_STATE)
        {
          series_int (out, name, row, row->state);
          continue;
        }
      if (r == NULL)
        continue;

      switch (family)
        {
        case FAMILY_SUCCESS:
          series_int (out, name, row, r->ok ? 1 : 0);
          break;
        case FAMILY_DURATION:
          if (r->latency_us >= 0)
            series_micro (out, name, row, NULL, r->latency_us);
          break;
        case FAMILY_HTTP_STATUS:
          if (r->kind == LOOKOUT_TARGET_KIND_HTTP)
            series_int (out, name, row, r->http_status);
          break;
        case FAMILY_HTTP_PHASES:
          /* a failed check has no phases worth the lines */
          if (r->kind == LOOKOUT_TARGET_KIND_HTTP && r->ok)
            {
              series_micro (out, name, row, "phase=\"resolve\"", MAX (r->dns_us, 0));
              series_micro (out, name, row, "phase=\"connect\"", MAX (r->connect_us, 0));
              series_micro (out, name, row, "phase=\"tls\"", MAX (r->tls_us, 0));
              series_micro (out, name, row, "phase=\"processing\"", MAX (r->processing_us, 0));
              series_micro (out, name, row, "phase=\"transfer\"", MAX (r->transfer_us, 0));
            }
          break;
        case FAMILY_SSL_EXPIRY:
          if (r->cert_expiry_s > 0)
            series_int (out, name, row, r->cert_expiry_s);
          break;
        case FAMILY_ICMP_RTT:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->latency_us >= 0)
            series_micro (out, name, row, "phase=\"rtt\"", r->latency_us);
          break;
        case FAMILY_DNS_LOOKUP:
          if (r->kind == LOOKOUT_TARGET_KIND_DNS && r->latency_us >= 0)
            series_micro (out, name, row, NULL, r->latency_us);
          break;
        case FAMILY_LOSS:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->sent > 0)
            series_micro (out, name, row, NULL, ratio_micro (r->sent - MIN (r->received, r->sent), r->sent));
          break;
        case FAMILY_JITTER:
          if (r->kind == LOOKOUT_TARGET_KIND_ICMP && r->jitter_us >= 0)
            series_micro (out, name, row, NULL, r->jitter_us);
          break;
        case FAMILY_NTP_OFFSET:
          if (r->kind == LOOKOUT_TARGET_KIND_NTP && r->ok)
            series_micro (out, name, row, NULL, r->offset_us);
          break;
        case FAMILY_AVAILABILITY:
          {
            guint64 total = 0;

            for (guint s = 0; s < G_N_ELEMENTS (entry->n_by_state); s++)
              total += entry->n_by_state[s];
            if (total > 0)
              series_micro (out, name, row, NULL,
                            ratio_micro (total - entry->n_by_state[LOOKOUT_TARGET_STATE_DOWN], total));
          }
          break;
        case FAMILY_RESULTS:
          {
            static const guint outcomes[] = {
              LOOKOUT_TARGET_STATE_UP, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_TARGET_STATE_DOWN,
            };

            /* outcomes never seen stay absent, as Prometheus allows */
            for (guint o = 0; o < G_N_ELEMENTS (outcomes); o++)
              {
                if (entry->n_by_state[outcomes[o]] == 0)
                  continue;
                begin_series (out, name, row);
                g_string_append (out, ",outcome=\"");
                g_string_append (out, lookout_target_state_to_string (outcomes[o]));
                g_string_append (out, "\"} ");
                lookout_api_append_int (out, entry->n_by_state[outcomes[o]]);
                g_string_append_c (out, '\n');
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

LookoutApiMetricsSnapshot *
lookout_api_metrics_snapshot (LookoutApiMetrics *self)
{
  LookoutApiMetricsSnapshot *snapshot;
  const char *own_location;
  GListModel *targets;
  guint n_targets;
  GArray *rows;

  g_return_val_if_fail (LOOKOUT_IS_API_METRICS (self), NULL);

  targets = lookout_monitor_get_targets (self->monitor);
  own_location = lookout_monitor_get_location (self->monitor);
  n_targets = g_list_model_get_n_items (targets);
  rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), n_targets);
  for (guint i = 0; i < n_targets; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
      Entry *entry = ensure_entry (self, lookout_target_get_id (target));

      for (; entry != NULL; entry = entry->next)
        {
          Row row;

          row.labels = g_ref_string_acquire ((char *) entry_labels (entry, target, own_location));
          row.result = entry->result ? lookout_result_ref (entry->result) : NULL;
          row.state = entry->location != NULL ? entry->state : lookout_target_get_state (target);
          memcpy (row.n_by_state, entry->n_by_state, sizeof row.n_by_state);
          g_array_append_val (rows, row);
        }
    }
  snapshot = g_new0 (LookoutApiMetricsSnapshot, 1);
  snapshot->n = rows->len;
  snapshot->rows = (Row *) (void *) g_array_free (rows, FALSE);
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
}

void
lookout_api_metrics_snapshot_free (LookoutApiMetricsSnapshot *snapshot)
{
  for (guint i = 0; i < snapshot->n; i++)
    {
      g_ref_string_release (snapshot->rows[i].labels);
      g_clear_pointer (&snapshot->rows[i].result, lookout_result_unref);
    }
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

/* ---- GET /metrics ---- */

static gsize last_len = 4096;

static char *
metrics_thread (LookoutStore  *store,
                gpointer       data,
                guint         *status,
                GError       **error)
{
  GString *out = g_string_sized_new (g_atomic_pointer_get (&last_len) + 4096);

  lookout_api_metrics_snapshot_render (data, out);
  g_atomic_pointer_set (&last_len, out->len);
  return g_string_free (out, FALSE);
}

/* The snapshot is taken here, on the main thread (about 0.1 µs a target);
 * the text, most of the work, is written on a worker thread so that the
 * checks on the main loop are never held up by a scrape. */
void
lookout_api_handle_metrics (LookoutApiRequest *request)
{
  lookout_api_request_run_in_thread_full (request, metrics_thread,
                                          lookout_api_metrics_snapshot (request->metrics),
                                          (GDestroyNotify) lookout_api_metrics_snapshot_free,
                                          "text/plain; version=0.0.4; charset=utf-8");
}
