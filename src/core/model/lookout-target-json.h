/* lookout-target-json.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "lookout-target.h"

G_BEGIN_DECLS

/* A target's whole configuration as JSON, for the API and import/export:
 *
 *   {"id": 3, "uri": "https://example.org/health", "kind": "http",
 *    "name": "Example", "interval_s": 60, "timeout_ms": 10000,
 *    "failures": 1, "enabled": true,
 *    "options": {"accept": "200-299", "headers": {"X-Key": "1"}}}
 *
 * "options" holds the options of the target's kind (lookout-target-options.h). */
JsonNode      *lookout_target_to_json          (LookoutTarget  *target);
/* The same without secrets (a basic-auth password), with a "note" saying
 * where one went: for exports. */
JsonNode      *lookout_target_to_json_for_export (LookoutTarget *target);

/* A new target (id 0) from such an object: "uri" is required, every other
 * member optional ("id" and "kind" are ignored). Bad values are refused in
 * the words of the dialog and the targets file; so are unknown members and
 * options that are not the kind's. Errors: LOOKOUT_TARGET_URI_ERROR for the
 * URI, LOOKOUT_TARGET_ERROR for the rest. */
LookoutTarget *lookout_target_new_from_json    (JsonNode       *node,
                                                GError        **error);

/* Applies the members present in @object to @target ("uri" included),
 * all or nothing: on error the target is unchanged. For PATCH requests. */
gboolean       lookout_target_update_from_json (LookoutTarget  *target,
                                                JsonObject     *object,
                                                GError        **error);

G_END_DECLS
