/* lookout-target-tags.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-target.h"

G_BEGIN_DECLS

/* A target's tags live in its options as "tags", text separated by commas
 * ("web, production"). These read them the one way: trimmed, empty ones
 * dropped, repeats (ignoring case) kept once, in the order written. */

char     **lookout_target_tags_split     (const char    *text);
/* @target's tags; an empty vector when it has none. */
char     **lookout_target_dup_tags       (LookoutTarget *target);
/* Whether @target has @tag, ignoring case. */
gboolean   lookout_target_has_tag        (LookoutTarget *target,
                                          const char    *tag);

G_END_DECLS
