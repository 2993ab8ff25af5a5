/* lookout-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-probe"

#include "config.h"

#include "lookout-dns-probe.h"
#include "lookout-http-probe.h"
#include "lookout-icmp-probe.h"
#include "lookout-iface-probe.h"
#include "lookout-ntp-probe.h"
#include "lookout-probe.h"
#include "lookout-tcp-probe.h"
#include "lookout-trace-probe.h"
#include "lookout-udp-probe.h"

G_DEFINE_ABSTRACT_TYPE (LookoutProbe, lookout_probe, G_TYPE_OBJECT)

/* The probe class of each kind; the rest of a kind is its row in
 * model/lookout-probe-kind.c. */
static GType (* const probe_types[]) (void) = {
  [LOOKOUT_TARGET_KIND_HTTP] = lookout_http_probe_get_type,
  [LOOKOUT_TARGET_KIND_ICMP] = lookout_icmp_probe_get_type,
  [LOOKOUT_TARGET_KIND_TCP]  = lookout_tcp_probe_get_type,
  [LOOKOUT_TARGET_KIND_UDP]  = lookout_udp_probe_get_type,
  [LOOKOUT_TARGET_KIND_DNS]  = lookout_dns_probe_get_type,
  [LOOKOUT_TARGET_KIND_NTP]  = lookout_ntp_probe_get_type,
  [LOOKOUT_TARGET_KIND_IFACE] = lookout_iface_probe_get_type,
  [LOOKOUT_TARGET_KIND_TRACE] = lookout_trace_probe_get_type,
};

G_STATIC_ASSERT (G_N_ELEMENTS (probe_types) == LOOKOUT_TARGET_N_KINDS);

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

LookoutProbe *
lookout_probe_new_for_kind (LookoutTargetKind kind)
{
  g_return_val_if_fail ((guint) kind < LOOKOUT_TARGET_N_KINDS, NULL);

  return g_object_new (probe_types[kind] (), NULL);
}
