/* lookout-iface-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-iface-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-iface-probe.h"
#include "lookout-link-stats.h"
#include "lookout-probe-net.h"

#define MAX_WINDOW_MS 1000

struct _LookoutIfaceProbe
{
  LookoutProbe parent_instance;
};

G_DEFINE_FINAL_TYPE (LookoutIfaceProbe, lookout_iface_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  LookoutTarget    *target;
  LookoutResult    *result;
  char             *name;
  LookoutLinkStats *first;
  guint             window_ms;
} IfaceRun;

static void read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

static GQuark
last_reading_quark (void)
{
  return g_quark_from_static_string ("lookout-iface-last-reading");
}

static void
iface_run_free (IfaceRun *run)
{
  g_clear_object (&run->target);
  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->first, lookout_link_stats_free);
  g_free (run->name);
  g_free (run);
}

static LookoutLinkStats *
link_stats_copy (const LookoutLinkStats *stats)
{
  LookoutLinkStats *copy = g_memdup2 (stats, sizeof *stats);

  copy->name = g_strdup (stats->name);
  return copy;
}

/* Bits per second between two readings of one interface; -1 when the
 * counters went back (the interface was made again). */
static gint64
rate (guint64 before,
      guint64 after,
      gint64  elapsed_us)
{
  if (after < before || elapsed_us <= 0)
    return -1;

  return (gint64) ((double) (after - before) * 8 * G_USEC_PER_SEC / elapsed_us + 0.5);
}

static void
finish (GTask                  *task,
        const LookoutLinkStats *before,
        const LookoutLinkStats *now)
{
  IfaceRun *run = g_task_get_task_data (task);
  LookoutResult *res = run->result;

  res->interface = g_strdup (now->name);
  res->carrier = now->carrier;
  res->rx_bytes = now->rx_bytes;
  res->tx_bytes = now->tx_bytes;
  res->link_errors = now->errors;
  res->link_drops = now->drops;

  if (before != NULL && before->index == now->index)
    {
      res->rx_bps = rate (before->rx_bytes, now->rx_bytes, now->read_us - before->read_us);
      res->tx_bps = rate (before->tx_bytes, now->tx_bytes, now->read_us - before->read_us);
      if (res->rx_bps >= 0 && res->tx_bps >= 0)
        res->link_bps = res->rx_bps + res->tx_bps;
    }

  if (now->running)
    {
      res->ok = TRUE;
      res->state = LOOKOUT_TARGET_STATE_UP;
    }
  else if (!now->admin_up)
    lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_UNREACHABLE,
                              _("The interface %s is switched off (administratively down)"), now->name);
  else if (!now->carrier)
    lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_UNREACHABLE,
                              _("The interface %s has no link: no cable, no wireless association or no peer"),
                              now->name);
  else
    lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_UNREACHABLE,
                              _("The interface %s is not operational"), now->name);

  g_object_set_qdata_full (G_OBJECT (run->target), last_reading_quark (),
                           link_stats_copy (now), (GDestroyNotify) lookout_link_stats_free);

  g_task_return_pointer (task, lookout_result_ref (res), (GDestroyNotify) lookout_result_unref);
}

static gboolean
window_elapsed_cb (gpointer user_data)
{
  GTask *task = user_data;
  IfaceRun *run = g_task_get_task_data (task);

  if (!g_task_return_error_if_cancelled (task))
    lookout_link_stats_read_async (run->name, g_task_get_cancellable (task),
                                   read_cb, g_object_ref (task));

  return G_SOURCE_REMOVE;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IfaceRun *run = g_task_get_task_data (task);
  g_autoptr(LookoutLinkStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  const LookoutLinkStats *last;

  stats = lookout_link_stats_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (stats == NULL)
    {
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN,
                                g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                                  ? LOOKOUT_PROBE_ERROR_UNREACHABLE : LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", error->message);
      g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
      return;
    }

  if (run->first != NULL)
    {
      finish (task, run->first, stats);
      return;
    }

  last = g_object_get_qdata (G_OBJECT (run->target), last_reading_quark ());
  if (last != NULL && last->index == stats->index && last->read_us < stats->read_us
      && last->rx_bytes <= stats->rx_bytes && last->tx_bytes <= stats->tx_bytes)
    {
      finish (task, last, stats);
      return;
    }

  /* No earlier reading to compare with: measure over a short window. */
  run->first = g_steal_pointer (&stats);
  g_timeout_add_full (G_PRIORITY_DEFAULT, run->window_ms, window_elapsed_cb,
                      g_steal_pointer (&task), g_object_unref);
}

static void
lookout_iface_probe_run_async (LookoutProbe        *probe,
                               LookoutTarget       *target,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  IfaceRun *run;

  run = g_new0 (IfaceRun, 1);
  run->target = g_object_ref (target);
  run->result = lookout_probe_net_result_new (target);
  run->name = g_strdup (lookout_target_uri_get_host (lookout_target_get_uri (target)));
  run->window_ms = CLAMP (lookout_target_get_timeout (target) / 2, 1, MAX_WINDOW_MS);

  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_iface_probe_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) iface_run_free);

  lookout_link_stats_read_async (run->name, cancellable, read_cb, g_steal_pointer (&task));
}

static LookoutResult *
lookout_iface_probe_run_finish (LookoutProbe  *probe,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_iface_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_iface_probe_class_init (LookoutIfaceProbeClass *klass)
{
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  probe_class->run_async = lookout_iface_probe_run_async;
  probe_class->run_finish = lookout_iface_probe_run_finish;
}

static void
lookout_iface_probe_init (LookoutIfaceProbe *self)
{
}

LookoutProbe *
lookout_iface_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_IFACE_PROBE, NULL);
}
