/* lookout-types.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-probe-kind.h"
#include "lookout-types.h"

const char *
lookout_target_kind_to_string (LookoutTargetKind kind)
{
  const LookoutProbeKind *row = lookout_probe_kind_get (kind);

  return row != NULL ? row->name : "unknown";
}

const char *
lookout_target_kind_get_label (LookoutTargetKind kind)
{
  const LookoutProbeKind *row = lookout_probe_kind_get (kind);

  return row != NULL ? _(row->label) : _("Unknown");
}

const char *
lookout_target_state_to_string (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_UP:       return "up";
    case LOOKOUT_TARGET_STATE_DEGRADED: return "degraded";
    case LOOKOUT_TARGET_STATE_DOWN:     return "down";
    case LOOKOUT_TARGET_STATE_PAUSED:   return "paused";
    case LOOKOUT_TARGET_STATE_UNKNOWN:
    default:                            return "unknown";
    }
}

const char *
lookout_target_state_get_label (LookoutTargetState state)
{
  switch (state)
    {
    case LOOKOUT_TARGET_STATE_UP:       return _("Up");
    case LOOKOUT_TARGET_STATE_DEGRADED: return _("Degraded");
    case LOOKOUT_TARGET_STATE_DOWN:     return _("Down");
    case LOOKOUT_TARGET_STATE_PAUSED:   return _("Paused");
    case LOOKOUT_TARGET_STATE_UNKNOWN:
    default:                            return _("Unknown");
    }
}
