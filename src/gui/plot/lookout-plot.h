/* lookout-plot.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-maintenance.h"
#include "lookout-probe-kind.h"
#include "lookout-series.h"
#include "lookout-result.h"
#include "lookout-store.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_PLOT (lookout_plot_get_type ())

G_DECLARE_FINAL_TYPE (LookoutPlot, lookout_plot, LOOKOUT, PLOT, GtkWidget)

/* Spans of the range buttons. */
#define LOOKOUT_PLOT_SPAN_5_MINUTES  (G_GINT64_CONSTANT (5) * 60 * 1000)
#define LOOKOUT_PLOT_SPAN_1_HOUR     (G_GINT64_CONSTANT (60) * 60 * 1000)
#define LOOKOUT_PLOT_SPAN_24_HOURS   (G_GINT64_CONSTANT (24) * 3600 * 1000)
#define LOOKOUT_PLOT_SPAN_7_DAYS     (G_GINT64_CONSTANT (7) * 86400 * 1000)
#define LOOKOUT_PLOT_SPAN_30_DAYS    (G_GINT64_CONSTANT (30) * 86400 * 1000)

/* Properties: "store" (LookoutStore), "live" (gboolean: the view ends at
 * now and follows it), "span" (gint64 ms: the width of the live view). */
GtkWidget    *lookout_plot_new                 (void);
void          lookout_plot_set_store           (LookoutPlot          *self,
                                                LookoutStore         *store);
LookoutStore *lookout_plot_get_store           (LookoutPlot          *self);

/* Lines: one per target, with a colour that depends on the target id only. */
void          lookout_plot_add_target          (LookoutPlot          *self,
                                                gint64                target_id,
                                                const char           *label);
/* A line of the results of @target_id checked from @location ("local" or
 * an agent's name), with a colour of its own; returns the key the other
 * calls know it by (as a target's id, but never one). */
gint64        lookout_plot_add_place           (LookoutPlot          *self,
                                                gint64                target_id,
                                                const char           *location,
                                                const char           *label);
void          lookout_plot_remove_target       (LookoutPlot          *self,
                                                gint64                target_id);
void          lookout_plot_remove_all          (LookoutPlot          *self);
/* What the values are: response times (the default) or an interface's
 * bits per second; the axis and the tooltip write them so. */
void          lookout_plot_set_value_unit      (LookoutPlot          *self,
                                                LookoutValueUnit      unit);
LookoutValueUnit lookout_plot_get_value_unit   (LookoutPlot          *self);
void          lookout_plot_set_targets         (LookoutPlot          *self,
                                                const gint64         *target_ids,
                                                const char * const   *labels,
                                                guint                 n);
void          lookout_plot_set_target_visible  (LookoutPlot          *self,
                                                gint64                target_id,
                                                gboolean              visible);
gboolean      lookout_plot_get_target_visible  (LookoutPlot          *self,
                                                gint64                target_id);
/* The lines in the order of the legend. */
guint         lookout_plot_get_n_lines         (LookoutPlot          *self);
gint64        lookout_plot_get_line_target     (LookoutPlot          *self,
                                                guint                 index);
const char   *lookout_plot_get_line_label      (LookoutPlot          *self,
                                                guint                 index);
void          lookout_plot_get_target_color    (LookoutPlot          *self,
                                                gint64                target_id,
                                                GdkRGBA              *out_color);
/* Replaces a line's data (without a store, or for tests). */
void          lookout_plot_set_series          (LookoutPlot          *self,
                                                gint64                target_id,
                                                LookoutSeries        *series);
LookoutSeries *lookout_plot_get_series         (LookoutPlot          *self,
                                                gint64                target_id);

/* A new result: merged into its line's last column, costing the same
 * whatever the history. Never moves a zoomed view. */
void          lookout_plot_add_sample          (LookoutPlot          *self,
                                                const LookoutSample  *sample);

/* A result as LookoutMonitor::result reports it (ignored when the plot has
 * no line for its target). */
void          lookout_plot_add_result          (LookoutPlot          *self,
                                                LookoutTarget        *target,
                                                const LookoutResult  *result);

/* The view. Setting a span or live = TRUE follows now; setting a range,
 * zooming or panning holds the view still (live = FALSE). */
void          lookout_plot_set_span            (LookoutPlot          *self,
                                                gint64                span_ms);
gint64        lookout_plot_get_span            (LookoutPlot          *self);
void          lookout_plot_set_live            (LookoutPlot          *self,
                                                gboolean              live);
gboolean      lookout_plot_get_live            (LookoutPlot          *self);
void          lookout_plot_set_range           (LookoutPlot          *self,
                                                gint64                from_ms,
                                                gint64                to_ms);
void          lookout_plot_get_range           (LookoutPlot          *self,
                                                gint64               *out_from_ms,
                                                gint64               *out_to_ms);
/* factor < 1 zooms in; the time at_ms stays where it is on screen. */
void          lookout_plot_zoom                (LookoutPlot          *self,
                                                double                factor,
                                                gint64                at_ms);
void          lookout_plot_pan                 (LookoutPlot          *self,
                                                gint64                delta_ms);

/* Where (ts_ms, latency_us) was drawn in the last frame, in widget
 * coordinates; FALSE before the first frame. */
gboolean      lookout_plot_map_point           (LookoutPlot          *self,
                                                gint64                ts_ms,
                                                gint64                latency_us,
                                                graphene_point_t     *out_point);

/* A target's maintenance windows (its "maintenance" option), shaded in
 * purple where they fall in the range shown; the legend's swatch takes
 * the same colour. */
void          lookout_plot_set_maintenance     (LookoutPlot          *self,
                                                LookoutMaintenance   *maintenance);
gboolean      lookout_plot_has_maintenance     (LookoutPlot          *self);
void          lookout_plot_get_maintenance_color (LookoutPlot        *self,
                                                GdkRGBA              *out_color);

/* Anomalies are drawn as shaded bands; these tell what the tooltip says at
 * a time (NULL when none) and how many were read for a line. */
char         *lookout_plot_describe_anomalies  (LookoutPlot          *self,
                                                gint64                ts_ms);
int           lookout_plot_get_n_anomalies     (LookoutPlot          *self,
                                                gint64                target_id);

G_END_DECLS
