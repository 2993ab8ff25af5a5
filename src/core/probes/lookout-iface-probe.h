/* lookout-iface-probe.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-probe.h"

G_BEGIN_DECLS

/* Reads a local network interface, iface://NAME (iface://default: the
 * interface of the default route), through rtnetlink:
 *
 *  - UP when the link is switched on, has a carrier and is operational;
 *    DOWN otherwise, saying which of the three it lacks, or that there is
 *    no such interface or no default route;
 *  - received and sent bits per second over the time since the target's
 *    last reading (kept on the target), or, on a target's first check,
 *    over a short window (half the timeout, at most a second);
 *  - the counters, errors and drops since the interface came to be.
 *
 * What is plotted and stored is both directions together (link_bps). */

#define LOOKOUT_TYPE_IFACE_PROBE (lookout_iface_probe_get_type ())

G_DECLARE_FINAL_TYPE (LookoutIfaceProbe, lookout_iface_probe, LOOKOUT, IFACE_PROBE, LookoutProbe)

LookoutProbe *lookout_iface_probe_new (void);

G_END_DECLS
