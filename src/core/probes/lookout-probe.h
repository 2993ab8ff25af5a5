/* lookout-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-result.h"
#include "lookout-target.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_PROBE (lookout_probe_get_type ())

G_DECLARE_DERIVABLE_TYPE (LookoutProbe, lookout_probe, LOOKOUT, PROBE, GObject)

/* A prober for one kind of target. One instance per kind serves every target
 * of that kind (sharing the SoupSession, the ICMP sockets, the resolver);
 * run_async checks one target once, bounded by the target's timeout. It never
 * fails with a GError for a failed check: a failed check is a LookoutResult
 * with ok = FALSE. The GError is only for cancellation or misuse. */
struct _LookoutProbeClass
{
  GObjectClass parent_class;

  void            (*run_async)  (LookoutProbe        *self,
                                 LookoutTarget       *target,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
  LookoutResult * (*run_finish) (LookoutProbe        *self,
                                 GAsyncResult        *result,
                                 GError             **error);

  gpointer padding[8];
};

void           lookout_probe_run_async   (LookoutProbe        *self,
                                          LookoutTarget       *target,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
LookoutResult *lookout_probe_run_finish  (LookoutProbe        *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* A new probe of the class that checks targets of @kind. */
LookoutProbe  *lookout_probe_new_for_kind (LookoutTargetKind  kind);

G_END_DECLS
