/* lookout-slow-rule.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-slow-rule"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-format.h"
#include "lookout-slow-rule.h"

typedef struct
{
  char   *options;      /* the options these settings were read from */
  gint64  slow_us;      /* 0: no rule */
  guint   n_checks;
  gint64 *latencies;    /* a ring of the last n_checks response times */
  guint   len;
  guint   pos;
} SlowState;

static GQuark
slow_state_quark (void)
{
  return g_quark_from_static_string ("lookout-slow-rule");
}

static void
slow_state_free (SlowState *state)
{
  g_free (state->options);
  g_free (state->latencies);
  g_free (state);
}

static gint64
get_option (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

/* The target's state, read again only when its options change. */
static SlowState *
get_state (LookoutTarget *target)
{
  const char *options = lookout_target_get_options (target);
  SlowState *state = g_object_get_qdata (G_OBJECT (target), slow_state_quark ());
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object = NULL;

  if (state != NULL && g_strcmp0 (state->options, options) == 0)
    return state;

  state = g_new0 (SlowState, 1);
  state->options = g_strdup (options);
  parser = json_parser_new_immutable ();
  if (options != NULL && json_parser_load_from_data (parser, options, -1, NULL) &&
      json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  state->slow_us = MAX (get_option (object, "slow_ms", 0), 0) * 1000;
  state->n_checks = CLAMP (get_option (object, "slow_checks", LOOKOUT_SLOW_RULE_DEFAULT_CHECKS), 1, 1000);
  state->latencies = g_new0 (gint64, state->n_checks);
  g_object_set_qdata_full (G_OBJECT (target), slow_state_quark (), state, (GDestroyNotify) slow_state_free);

  return state;
}

static int
compare_latency (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gint64
median (const SlowState *state)
{
  g_autofree gint64 *sorted = g_memdup2 (state->latencies, state->len * sizeof (gint64));

  qsort (sorted, state->len, sizeof (gint64), compare_latency);
  if (state->len % 2 == 1)
    return sorted[state->len / 2];

  return (sorted[state->len / 2 - 1] + sorted[state->len / 2]) / 2;
}

gboolean
lookout_slow_rule_apply (LookoutTarget *target,
                         LookoutResult *result)
{
  g_autofree char *median_text = NULL;
  SlowState *state;
  gint64 middle;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  state = get_state (target);
  if (state->slow_us <= 0 || result->latency_us < 0)
    return FALSE;

  /* Every answer with a time counts, degraded ones too: the rule is about
   * speed, not about what else went wrong. */
  state->latencies[state->pos] = result->latency_us;
  state->pos = (state->pos + 1) % state->n_checks;
  state->len = MIN (state->len + 1, state->n_checks);

  if (!result->ok || result->state != LOOKOUT_TARGET_STATE_UP || state->len < state->n_checks)
    return FALSE;

  middle = median (state);
  if (middle <= state->slow_us)
    return FALSE;

  median_text = lookout_format_latency (middle);
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_FAILED,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "Slow: the median response time of the last %u check is %s, above %u ms",
                                         "Slow: the median response time of the last %u checks is %s, above %u ms",
                                         state->n_checks),
                            state->n_checks, median_text, (guint) (state->slow_us / 1000));
  return TRUE;
}
