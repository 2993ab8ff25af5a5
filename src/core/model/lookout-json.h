/* lookout-json.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Serialises @node as JSON text. Unlike JsonGenerator, which prints doubles
 * with 17 significant digits ("0.0060000000000000001"), numbers are printed
 * with 15, which is exact for every latency we measure and reads as people
 * expect ("0.006"); a non-finite number is printed as null. */
char *lookout_json_to_string (JsonNode *node,
                              gboolean  pretty);
/* Adds the member @name to the open object: @us µs as milliseconds with
 * their fraction, null when negative. */
void  lookout_json_add_ms     (JsonBuilder *builder,
                               const char  *name,
                               gint64       us);

/* Pieces of the same text, for writers of large answers without a tree:
 * a quoted, escaped string; a number as %.15g, null when not finite. */
void  lookout_json_append_string (GString    *out,
                                  const char *str);
void  lookout_json_append_double (GString    *out,
                                  double      value);

G_END_DECLS
