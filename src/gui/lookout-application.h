/* lookout-application.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-geo.h"
#include "lookout-alert-settings.h"
#include "lookout-background.h"
#include "lookout-remote-access.h"
#include "lookout-agents.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_APPLICATION (lookout_application_get_type ())

G_DECLARE_FINAL_TYPE (LookoutApplication, lookout_application, LOOKOUT, APPLICATION, AdwApplication)

LookoutApplication *lookout_application_new         (void);
/* NULL until the store is open and the targets are loaded. */
LookoutMonitor     *lookout_application_get_monitor (LookoutApplication *self);
/* Locates the targets for the map; NULL until the targets are loaded. */
LookoutGeo         *lookout_application_get_geo     (LookoutApplication *self);
LookoutAlertSettings *lookout_application_get_alert_settings (LookoutApplication *self);
LookoutBackground  *lookout_application_get_background (LookoutApplication *self);
/* The REST API's server and tokens; NULL until monitoring runs. */
LookoutRemoteAccess *lookout_application_get_remote_access (LookoutApplication *self);
LookoutAgents      *lookout_application_get_agents  (LookoutApplication *self);

G_END_DECLS
