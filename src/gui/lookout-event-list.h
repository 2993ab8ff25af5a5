/* lookout-event-list.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-event-model.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_EVENT_LIST (lookout_event_list_get_type ())

G_DECLARE_FINAL_TYPE (LookoutEventList, lookout_event_list, LOOKOUT, EVENT_LIST, GtkWidget)

/* The events of a LookoutEventModel, newest first, with a button for older
 * ones and a placeholder when there are none. Property "model". */
GtkWidget         *lookout_event_list_new       (void);
LookoutEventModel *lookout_event_list_get_model (LookoutEventList  *self);
void               lookout_event_list_set_model (LookoutEventList  *self,
                                                 LookoutEventModel *model);

G_END_DECLS
