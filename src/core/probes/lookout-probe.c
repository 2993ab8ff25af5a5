/* lookout-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-probe"

#include "config.h"

#include "lookout-probe.h"

G_DEFINE_ABSTRACT_TYPE (LookoutProbe, lookout_probe, G_TYPE_OBJECT)

static void
lookout_probe_class_init (LookoutProbeClass *klass)
{
}

static void
lookout_probe_init (LookoutProbe *self)
{
}

void
lookout_probe_run_async (LookoutProbe        *self,
                         LookoutTarget       *target,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (LOOKOUT_IS_PROBE (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  LOOKOUT_PROBE_GET_CLASS (self)->run_async (self, target, cancellable, callback, user_data);
}

LookoutResult *
lookout_probe_run_finish (LookoutProbe  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LOOKOUT_IS_PROBE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return LOOKOUT_PROBE_GET_CLASS (self)->run_finish (self, result, error);
}
