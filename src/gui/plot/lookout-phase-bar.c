/* lookout-phase-bar.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A waterfall of one HTTP check: the phases side by side, each as wide as
 * its share of their sum, drawn in snapshot. Phases that did not happen (a
 * reused connection has no connect and no TLS) take no room. The colours are
 * those of the legend swatches in style.css (@lookout_phase_*_color). */

#define G_LOG_DOMAIN "lookout-phase-bar"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-gui-utils.h"
#include "lookout-phase-bar.h"

struct _LookoutPhaseBar
{
  GtkWidget parent_instance;

  gint64    phases[LOOKOUT_N_PHASES];
};

G_DEFINE_FINAL_TYPE (LookoutPhaseBar, lookout_phase_bar, GTK_TYPE_WIDGET)

/* GNOME palette: blue 3, green 4, purple 2, orange 3, yellow 5. */
static const GdkRGBA phase_colors[LOOKOUT_N_PHASES] = {
  { 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0, 1.0 },
  { 0x2e / 255.0, 0xc2 / 255.0, 0x7e / 255.0, 1.0 },
  { 0xc0 / 255.0, 0x61 / 255.0, 0xcb / 255.0, 1.0 },
  { 0xff / 255.0, 0x78 / 255.0, 0x00 / 255.0, 1.0 },
  { 0xe5 / 255.0, 0xa5 / 255.0, 0x0a / 255.0, 1.0 },
};

static const char * const phase_color_css_names[LOOKOUT_N_PHASES] = {
  "lookout_phase_resolve_color",
  "lookout_phase_connect_color",
  "lookout_phase_tls_color",
  "lookout_phase_processing_color",
  "lookout_phase_transfer_color",
};

const char *
lookout_phase_get_label (LookoutPhase phase)
{
  switch (phase)
    {
    case LOOKOUT_PHASE_RESOLVE:    return _("Resolve");
    case LOOKOUT_PHASE_CONNECT:    return _("Connect");
    case LOOKOUT_PHASE_TLS:        return _("TLS handshake");
    case LOOKOUT_PHASE_PROCESSING: return _("Server processing");
    case LOOKOUT_PHASE_TRANSFER:   return _("Transfer");
    default:                       g_return_val_if_reached (NULL);
    }
}

const GdkRGBA *
lookout_phase_get_color (LookoutPhase phase)
{
  g_return_val_if_fail ((guint) phase < LOOKOUT_N_PHASES, NULL);

  return &phase_colors[phase];
}

const char *
lookout_phase_get_color_css_name (LookoutPhase phase)
{
  g_return_val_if_fail ((guint) phase < LOOKOUT_N_PHASES, NULL);

  return phase_color_css_names[phase];
}

char *
lookout_phase_bar_dup_summary (LookoutPhaseBar *self)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (LOOKOUT_IS_PHASE_BAR (self), NULL);

  text = g_string_new (NULL);

  for (guint i = 0; i < LOOKOUT_N_PHASES; i++)
    {
      g_autofree char *duration = NULL;

      if (self->phases[i] < 0)
        continue;

      duration = lookout_format_latency (self->phases[i]);
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a phase of an HTTP request and its duration, "Connect 1.2 ms" */
      g_string_append_printf (text, _("%s %s"), lookout_phase_get_label (i), duration);
    }

  if (text->len == 0)
    return g_strdup (_("No phase timings"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_accessible_label (LookoutPhaseBar *self)
{
  g_autofree char *summary = lookout_phase_bar_dup_summary (self);

  lookout_set_accessible_label (GTK_WIDGET (self), summary);
}

static void
lookout_phase_bar_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 60;
      *natural = 200;
    }
  else
    *minimum = *natural = 10;
}

static void
lookout_phase_bar_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  LookoutPhaseBar *self = LOOKOUT_PHASE_BAR (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRoundedRect outline;
  gint64 total = 0;
  double x = 0;

  for (guint i = 0; i < LOOKOUT_N_PHASES; i++)
    total += MAX (self->phases[i], 0);

  if (width <= 0 || height <= 0)
    return;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 3);
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.5, 0.5, 0.5, 0.15 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (total > 0)
    {
      for (guint i = 0; i < LOOKOUT_N_PHASES; i++)
        {
          double w;

          if (self->phases[i] <= 0)
            continue;

          /* At least a pixel, so a short phase is still seen to exist. */
          w = MAX (1.0, (double) width * self->phases[i] / total);
          gtk_snapshot_append_color (snapshot, &phase_colors[i],
                                     &GRAPHENE_RECT_INIT (x, 0, MIN (w, width - x), height));
          x += w;
          if (x >= width)
            break;
        }
    }

  gtk_snapshot_pop (snapshot);
}

static void
lookout_phase_bar_class_init (LookoutPhaseBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = lookout_phase_bar_measure;
  widget_class->snapshot = lookout_phase_bar_snapshot;

  gtk_widget_class_set_css_name (widget_class, "phasebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lookout_phase_bar_init (LookoutPhaseBar *self)
{
  for (guint i = 0; i < LOOKOUT_N_PHASES; i++)
    self->phases[i] = -1;
  update_accessible_label (self);
}

GtkWidget *
lookout_phase_bar_new (void)
{
  return g_object_new (LOOKOUT_TYPE_PHASE_BAR, NULL);
}

void
lookout_phase_bar_set_result (LookoutPhaseBar     *self,
                              const LookoutResult *result)
{
  g_return_if_fail (LOOKOUT_IS_PHASE_BAR (self));

  /* libsoup's metrics have no lookup for an IP literal and no connect or
   * handshake on a kept-alive connection: the probe reports those as 0. */
  self->phases[LOOKOUT_PHASE_RESOLVE] = result ? result->dns_us : -1;
  self->phases[LOOKOUT_PHASE_CONNECT] = result ? result->connect_us : -1;
  self->phases[LOOKOUT_PHASE_TLS] = result ? result->tls_us : -1;
  self->phases[LOOKOUT_PHASE_PROCESSING] = result ? result->processing_us : -1;
  self->phases[LOOKOUT_PHASE_TRANSFER] = result ? result->transfer_us : -1;

  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
lookout_phase_bar_get_phase (LookoutPhaseBar *self,
                             LookoutPhase     phase)
{
  g_return_val_if_fail (LOOKOUT_IS_PHASE_BAR (self), -1);
  g_return_val_if_fail (phase < LOOKOUT_N_PHASES, -1);

  return self->phases[phase];
}
