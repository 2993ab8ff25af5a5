/* lookout-state-colors.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "lookout-types.h"

G_BEGIN_DECLS

/* The colour of each target state, for what Cairo draws (plot, sparkline).
 * style.css defines the same colours by name (@define-color NAME …) for
 * the list's dots and the map's markers; test-colors keeps the two in step. */
const GdkRGBA *lookout_state_color           (LookoutTargetState state);
/* "lookout_up_color", the name in style.css. */
const char    *lookout_state_color_css_name  (LookoutTargetState state);

G_END_DECLS
