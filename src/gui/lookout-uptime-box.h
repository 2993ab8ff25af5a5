/* lookout-uptime-box.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_UPTIME_BOX (lookout_uptime_box_get_type ())

G_DECLARE_FINAL_TYPE (LookoutUptimeBox, lookout_uptime_box, LOOKOUT, UPTIME_BOX, GtkWidget)

/* Uptime at a glance on a target's page: availability over the last 24
 * hours, 7 days and 30 days (read from the store off the main loop, from
 * its rollups for the long ranges, cached per target and refreshed every
 * minute, never per result) and the days left on the server's certificate
 * (from the last result). */

GtkWidget *lookout_uptime_box_new        (void);
void       lookout_uptime_box_set_target (LookoutUptimeBox *self,
                                          LookoutStore     *store,
                                          LookoutTarget    *target);
void       lookout_uptime_box_set_result (LookoutUptimeBox *self,
                                          LookoutResult    *result);
/* The text shown for each range (0: 24 h, 1: 7 d, 2: 30 d) and for the
 * certificate (3), for tests. */
const char *lookout_uptime_box_get_text  (LookoutUptimeBox *self,
                                          guint             which);

G_END_DECLS
