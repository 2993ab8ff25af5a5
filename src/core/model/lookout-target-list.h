/* lookout-target-list.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-target.h"

G_BEGIN_DECLS

typedef enum
{
  LOOKOUT_TARGET_LIST_TEXT,    /* the targets file: one URI and its options a line */
  LOOKOUT_TARGET_LIST_JSON,    /* an array of target objects, as the API writes them */
} LookoutTargetListFormat;

/* A whole list of targets for import and export. Parsing is all or
 * nothing: NULL with one message naming every bad line of a targets file
 * (LOOKOUT_TARGETS_FILE_ERROR), or the first bad element of a JSON array
 * ("targets.json: target 3: …"), and no target at all. JSON is told from
 * text by its first character, [ . */
GPtrArray *lookout_target_list_parse   (const char              *contents,
                                        gssize                   length,
                                        const char              *file_name,
                                        GError                 **error);
/* The targets of @targets (a GListModel of LookoutTarget), in @format, so
 * that lookout_target_list_parse() gives them back. */
char      *lookout_target_list_format  (GListModel              *targets,
                                        LookoutTargetListFormat  format);

G_END_DECLS
