/* lookout-alerts-page.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-alert-settings.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_ALERTS_PAGE (lookout_alerts_page_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAlertsPage, lookout_alerts_page, LOOKOUT, ALERTS_PAGE, AdwPreferencesPage)

/* Preferences → Notifications: the channels (each with "Send test
 * notification"), the thresholds and the reminder schedule, bound to
 * @settings; the secrets go to the keyring through @alert_settings, which
 * may be NULL while the application is still starting (the test buttons
 * and secret rows are then insensitive). */
GtkWidget *lookout_alerts_page_new (GSettings            *settings,
                                    LookoutAlertSettings *alert_settings);

G_END_DECLS
