/* lookout-state-colors.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-state-colors"

#include "config.h"

#include "lookout-state-colors.h"

static const struct
{
  const char *css_name;
  const char *value;
} state_colors[] = {
  [LOOKOUT_TARGET_STATE_UNKNOWN]  = { "lookout_unknown_color",  "#77767b" },
  [LOOKOUT_TARGET_STATE_UP]       = { "lookout_up_color",       "#26a269" },
  [LOOKOUT_TARGET_STATE_DEGRADED] = { "lookout_degraded_color", "#e5a50a" },
  [LOOKOUT_TARGET_STATE_DOWN]     = { "lookout_down_color",     "#c01c28" },
  [LOOKOUT_TARGET_STATE_PAUSED]   = { "lookout_paused_color",   "#77767b" },
};

static guint
state_index (LookoutTargetState state)
{
  if ((guint) state >= G_N_ELEMENTS (state_colors))
    return LOOKOUT_TARGET_STATE_UNKNOWN;
  return state;
}

const GdkRGBA *
lookout_state_color (LookoutTargetState state)
{
  static GdkRGBA parsed[G_N_ELEMENTS (state_colors)];
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (state_colors); i++)
        if (!gdk_rgba_parse (&parsed[i], state_colors[i].value))
          g_assert_not_reached ();
      g_once_init_leave (&initialized, 1);
    }

  return &parsed[state_index (state)];
}

const char *
lookout_state_color_css_name (LookoutTargetState state)
{
  return state_colors[state_index (state)].css_name;
}
