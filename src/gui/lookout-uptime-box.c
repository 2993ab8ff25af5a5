/* lookout-uptime-box.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-uptime-box"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lookout-format.h"
#include "lookout-stats.h"
#include "lookout-uptime-box.h"

#define N_RANGES        3
#define REFRESH_S       60
#define DAY_MS          (24 * 3600 * G_GINT64_CONSTANT (1000))

static const gint64 range_days[N_RANGES] = { 1, 7, 30 };

typedef struct
{
  double  availability[N_RANGES];   /* NaN when there is no result */
  gint64  fetched_us;               /* monotonic */
} Cached;

struct _LookoutUptimeBox
{
  GtkWidget      parent_instance;

  LookoutStore  *store;
  LookoutTarget *target;
  GCancellable  *cancellable;
  GHashTable    *cache;        /* target id → Cached */
  guint          refresh_source;

  GtkWidget     *box;
  GtkLabel      *labels[N_RANGES];
  GtkLabel      *cert_label;
};

G_DEFINE_FINAL_TYPE (LookoutUptimeBox, lookout_uptime_box, GTK_TYPE_WIDGET)

typedef struct
{
  LookoutUptimeBox *self;
  gint64            target_id;
  guint             range;
} Fetch;

static void
show (LookoutUptimeBox *self,
      const Cached     *cached)
{
  for (guint i = 0; i < N_RANGES; i++)
    {
      g_autofree char *value = NULL;
      g_autofree char *text = NULL;

      if (cached == NULL || isnan (cached->availability[i]))
        value = g_strdup ("—");
      else
        value = lookout_format_percent (cached->availability[i]);
      if (i == 0)
        /* Translators: availability over the last 24 hours, "24 h: 99.9 %" */
        text = g_strdup_printf (_("24 h: %s"), value);
      else if (i == 1)
        /* Translators: availability over the last 7 days */
        text = g_strdup_printf (_("7 d: %s"), value);
      else
        /* Translators: availability over the last 30 days */
        text = g_strdup_printf (_("30 d: %s"), value);
      gtk_label_set_label (self->labels[i], text);
    }
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree LookoutStats *stats = lookout_stats_fetch_finish (result, &error);
  LookoutUptimeBox *self = fetch->self;
  Cached *cached;

  if (stats == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the availability of target %" G_GINT64_FORMAT ": %s",
                   fetch->target_id, error->message);
      g_object_unref (self);
      return;
    }

  cached = g_hash_table_lookup (self->cache, &fetch->target_id);
  if (cached != NULL)
    {
      cached->availability[fetch->range] = stats->n > 0 ? stats->availability : NAN;
      if (self->target != NULL && lookout_target_get_id (self->target) == fetch->target_id)
        show (self, cached);
    }
  g_object_unref (self);
}

static void
refresh (LookoutUptimeBox *self,
         gboolean          force)
{
  gint64 id, now_ms;
  Cached *cached;

  if (self->target == NULL || self->store == NULL || (id = lookout_target_get_id (self->target)) <= 0)
    {
      show (self, NULL);
      return;
    }

  cached = g_hash_table_lookup (self->cache, &id);
  if (cached != NULL && !force &&
      g_get_monotonic_time () - cached->fetched_us < REFRESH_S * G_USEC_PER_SEC)
    {
      show (self, cached);
      return;
    }
  if (cached == NULL)
    {
      cached = g_new0 (Cached, 1);
      for (guint i = 0; i < N_RANGES; i++)
        cached->availability[i] = NAN;
      g_hash_table_insert (self->cache, g_memdup2 (&id, sizeof id), cached);
    }
  cached->fetched_us = g_get_monotonic_time ();
  show (self, cached);

  now_ms = g_get_real_time () / 1000;
  for (guint i = 0; i < N_RANGES; i++)
    {
      Fetch *fetch = g_new0 (Fetch, 1);

      fetch->self = g_object_ref (self);
      fetch->target_id = id;
      fetch->range = i;
      lookout_stats_fetch_async (self->store, id, now_ms - range_days[i] * DAY_MS, now_ms,
                                 self->cancellable, fetched_cb, fetch);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  refresh (user_data, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
lookout_uptime_box_map (GtkWidget *widget)
{
  LookoutUptimeBox *self = LOOKOUT_UPTIME_BOX (widget);

  GTK_WIDGET_CLASS (lookout_uptime_box_parent_class)->map (widget);

  refresh (self, FALSE);
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add_seconds (REFRESH_S, refresh_cb, self);
}

static void
lookout_uptime_box_unmap (GtkWidget *widget)
{
  LookoutUptimeBox *self = LOOKOUT_UPTIME_BOX (widget);

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  GTK_WIDGET_CLASS (lookout_uptime_box_parent_class)->unmap (widget);
}

static void
lookout_uptime_box_dispose (GObject *object)
{
  LookoutUptimeBox *self = (LookoutUptimeBox *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_UPTIME_BOX);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->target);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_uptime_box_parent_class)->dispose (object);
}

static void
lookout_uptime_box_finalize (GObject *object)
{
  LookoutUptimeBox *self = (LookoutUptimeBox *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->cache, g_hash_table_unref);

  G_OBJECT_CLASS (lookout_uptime_box_parent_class)->finalize (object);
}

static void
lookout_uptime_box_class_init (LookoutUptimeBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_uptime_box_dispose;
  object_class->finalize = lookout_uptime_box_finalize;
  widget_class->map = lookout_uptime_box_map;
  widget_class->unmap = lookout_uptime_box_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-uptime-box.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "day_label", FALSE,
                                             G_STRUCT_OFFSET (LookoutUptimeBox, labels[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "week_label", FALSE,
                                             G_STRUCT_OFFSET (LookoutUptimeBox, labels[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "month_label", FALSE,
                                             G_STRUCT_OFFSET (LookoutUptimeBox, labels[2]));
  gtk_widget_class_bind_template_child (widget_class, LookoutUptimeBox, box);
  gtk_widget_class_bind_template_child (widget_class, LookoutUptimeBox, cert_label);
}

static void
lookout_uptime_box_init (LookoutUptimeBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  show (self, NULL);
}

GtkWidget *
lookout_uptime_box_new (void)
{
  return g_object_new (LOOKOUT_TYPE_UPTIME_BOX, NULL);
}

void
lookout_uptime_box_set_target (LookoutUptimeBox *self,
                               LookoutStore     *store,
                               LookoutTarget    *target)
{
  g_return_if_fail (LOOKOUT_IS_UPTIME_BOX (self));
  g_return_if_fail (!store || LOOKOUT_IS_STORE (store));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  g_set_object (&self->store, store);
  if (!g_set_object (&self->target, target))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->cert_label), FALSE);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self, FALSE);
}

void
lookout_uptime_box_set_result (LookoutUptimeBox *self,
                               LookoutResult    *result)
{
  g_autofree char *text = NULL;
  gint64 left_s, days;

  g_return_if_fail (LOOKOUT_IS_UPTIME_BOX (self));

  if (result == NULL || result->cert_expiry_s <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->cert_label), FALSE);
      return;
    }

  left_s = result->cert_expiry_s - g_get_real_time () / G_USEC_PER_SEC;
  days = left_s / (24 * 3600);
  if (left_s < 0)
    text = g_strdup (_("Certificate expired"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Certificate: %d day left", "Certificate: %d days left", days),
                            (int) days);
  gtk_label_set_label (self->cert_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->cert_label), TRUE);
}

const char *
lookout_uptime_box_get_text (LookoutUptimeBox *self,
                             guint             which)
{
  g_return_val_if_fail (LOOKOUT_IS_UPTIME_BOX (self), NULL);
  g_return_val_if_fail (which <= N_RANGES, NULL);

  return gtk_label_get_label (which < N_RANGES ? self->labels[which] : self->cert_label);
}
