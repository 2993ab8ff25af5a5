/* lookout-result-view.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lookout-result.h"

G_BEGIN_DECLS

#define LOOKOUT_TYPE_RESULT_VIEW (lookout_result_view_get_type ())

G_DECLARE_FINAL_TYPE (LookoutResultView, lookout_result_view, LOOKOUT, RESULT_VIEW, AdwPreferencesGroup)

GtkWidget     *lookout_result_view_new        (void);
LookoutResult *lookout_result_view_get_result (LookoutResultView *self);
/* Shows @result in detail; NULL shows "Not checked yet". */
void           lookout_result_view_set_result (LookoutResultView *self,
                                               LookoutResult     *result);

G_END_DECLS
