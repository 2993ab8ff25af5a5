/* lookout-slow-rule.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-result.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* How many checks the slow rule takes the median of by default. */
#define LOOKOUT_SLOW_RULE_DEFAULT_CHECKS 5

/* The "slow" rule of a target's options: once its last slow_checks checks
 * that answered have a median response time above slow_ms, an answer that
 * would count as up counts as degraded instead, saying why; it keeps its
 * response time. Nothing happens for a target without slow_ms. The checks
 * are remembered on the target itself, and forgotten when its options
 * change. Returns whether @result was made degraded. */
gboolean lookout_slow_rule_apply (LookoutTarget *target,
                                  LookoutResult *result);

G_END_DECLS
