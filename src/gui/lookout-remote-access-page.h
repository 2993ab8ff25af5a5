/* lookout-remote-access-page.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-remote-access.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_REMOTE_ACCESS_PAGE (lookout_remote_access_page_get_type ())

G_DECLARE_FINAL_TYPE (LookoutRemoteAccessPage, lookout_remote_access_page, LOOKOUT, REMOTE_ACCESS_PAGE,
                      AdwPreferencesPage)

GtkWidget *lookout_remote_access_page_new (GSettings           *settings,
                                           LookoutRemoteAccess *remote_access);

G_END_DECLS
