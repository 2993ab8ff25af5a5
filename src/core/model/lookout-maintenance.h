/* lookout-maintenance.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-target.h"

G_BEGIN_DECLS

/* A target's maintenance windows: while one is open the target is still
 * checked and its results kept, but nothing about it is notified.
 *
 * The rule text, rules separated by ";", case does not matter:
 *   every day 02:00-03:00
 *   every sunday 02:00-03:00          (mon, tuesday, … sun; "sat,sun")
 *   every weekday 22:00-06:00          (an end before the start: the next day)
 *   2026-12-24 18:00 - 2026-12-26 08:00   (once; the end's date may be left out)
 * Times are local to the time zone the windows are read in.
 *
 * It is kept in the target's options as "maintenance" (lookout-target-options.c). */

typedef struct _LookoutMaintenance LookoutMaintenance;

/* NULL with LOOKOUT_TARGET_ERROR_INVALID_OPTIONS and a message naming the
 * rule and the word that is wrong. */
LookoutMaintenance *lookout_maintenance_parse           (const char               *text,
                                                         GError                  **error);
void                lookout_maintenance_free            (LookoutMaintenance       *self);
/* The check of the "maintenance" option. */
gboolean            lookout_maintenance_check           (const char               *text,
                                                         GError                  **error);

/* The windows in words, for a preview: "every Sunday 02:00–03:00;
 * once 2026-12-24 18:00 – 2026-12-26 08:00". */
char               *lookout_maintenance_describe        (const LookoutMaintenance *self);

/* Whether a window is open at @ms (ms since the epoch) in @tz (NULL: local). */
gboolean            lookout_maintenance_contains        (const LookoutMaintenance *self,
                                                         gint64                    ms,
                                                         GTimeZone                *tz);
/* The windows that overlap [@from_ms, @to_ms) as (start, end) pairs of ms,
 * ascending, merged where they touch; for the plot's bands. */
GArray             *lookout_maintenance_spans           (const LookoutMaintenance *self,
                                                         gint64                    from_ms,
                                                         gint64                    to_ms,
                                                         GTimeZone                *tz);

/* The windows of @target's "maintenance" option; NULL when it has none (or
 * an invalid one, which validation keeps out). */
LookoutMaintenance *lookout_maintenance_new_for_target  (LookoutTarget            *target);
/* Whether @target is in a maintenance window at @ms, local time. */
gboolean            lookout_target_in_maintenance       (LookoutTarget            *target,
                                                         gint64                    ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutMaintenance, lookout_maintenance_free)

G_END_DECLS
