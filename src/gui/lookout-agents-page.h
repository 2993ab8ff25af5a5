/* lookout-agents-page.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-agents.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_AGENTS_PAGE (lookout_agents_page_get_type ())

G_DECLARE_FINAL_TYPE (LookoutAgentsPage, lookout_agents_page, LOOKOUT, AGENTS_PAGE, AdwPreferencesPage)

GtkWidget *lookout_agents_page_new (LookoutAgents *agents);

G_END_DECLS
