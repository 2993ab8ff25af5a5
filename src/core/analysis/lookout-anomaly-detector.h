/* lookout-anomaly-detector.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  LOOKOUT_ANOMALY_LEVEL_SHIFT,
  LOOKOUT_ANOMALY_JITTER,
  LOOKOUT_ANOMALY_DRIFT,
  LOOKOUT_ANOMALY_LOSS_BURST,
  LOOKOUT_ANOMALY_N_KINDS
} LookoutAnomalyKind;

/* One anomaly: a period of a target's results. end_ms is -1 while it is
 * open. before and after are what changed, in the unit of the kind
 * (milliseconds; for a loss burst, the share of failed checks). */
typedef struct
{
  gint64              id;         /* the store's row id, -1 until stored */
  gint64              target_id;
  gint64              start_ms;   /* the result at which it was decided */
  gint64              end_ms;
  gint64              onset_ms;   /* when the change began, as estimated */
  LookoutAnomalyKind  kind;
  double              score;
  double              before;
  double              after;
  char               *message;
} LookoutAnomaly;

#define LOOKOUT_TYPE_ANOMALY (lookout_anomaly_get_type ())

GType               lookout_anomaly_get_type        (void) G_GNUC_CONST;
LookoutAnomaly     *lookout_anomaly_copy            (const LookoutAnomaly *anomaly);
void                lookout_anomaly_free            (LookoutAnomaly       *anomaly);
const char         *lookout_anomaly_kind_to_string  (LookoutAnomalyKind    kind);
gboolean            lookout_anomaly_kind_from_string (const char          *string,
                                                      LookoutAnomalyKind  *out_kind);
const char         *lookout_anomaly_kind_get_label  (LookoutAnomalyKind    kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutAnomaly, lookout_anomaly_free)

/* What lookout_anomaly_detector_feed() changed: for each kind, one bit for
 * an anomaly opened and one for an anomaly closed by this result. */
#define LOOKOUT_ANOMALY_OPENED(kind) (1u << (2 * (kind)))
#define LOOKOUT_ANOMALY_CLOSED(kind) (1u << (2 * (kind) + 1))

#define LOOKOUT_TYPE_ANOMALY_DETECTOR (lookout_anomaly_detector_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAnomalyDetector, lookout_anomaly_detector, LOOKOUT, ANOMALY_DETECTOR, GObject)

LookoutAnomalyDetector *lookout_anomaly_detector_new        (gint64                  target_id);
gint64                  lookout_anomaly_detector_get_target_id (LookoutAnomalyDetector *self);
void                    lookout_anomaly_detector_set_utc    (LookoutAnomalyDetector *self,
                                                             gboolean                utc);
guint                   lookout_anomaly_detector_feed       (LookoutAnomalyDetector *self,
                                                             gint64                  ts_ms,
                                                             double                  latency_ms);
const LookoutAnomaly   *lookout_anomaly_detector_peek       (LookoutAnomalyDetector *self,
                                                             LookoutAnomalyKind      kind);
void                    lookout_anomaly_detector_set_id     (LookoutAnomalyDetector *self,
                                                             LookoutAnomalyKind      kind,
                                                             gint64                  id);
guint                   lookout_anomaly_detector_close_all  (LookoutAnomalyDetector *self);
gint64                  lookout_anomaly_detector_get_last_ms (LookoutAnomalyDetector *self);
gsize                   lookout_anomaly_detector_state_size (void);

G_END_DECLS
