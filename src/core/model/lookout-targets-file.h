/* lookout-targets-file.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lookout-target.h"

G_BEGIN_DECLS

/*
 * A targets file: one target per line, the target URI first, then options
 * separated by white space:
 *
 *   # web
 *   https://example.org/health  interval=30 timeout=5000 failures=2 name="Example site"
 *   tcp://db.example.org:5432   name=db   # trailing comment
 *   icmp://192.0.2.10
 *
 * Options: interval=SECONDS (1–86400), timeout=MS (100–120000), failures=N
 * (consecutive failures before DOWN, 1–100), name=TEXT, and the options of
 * the target's kind from lookout-target-options.h (method=HEAD,
 * accept=200-299, keyword="Welcome", verify_tls=false, header="X-Key: 1"
 * (repeatable), count=5, payload_hex=00ff…). A value may be put in
 * double quotes to hold spaces or '#'; inside quotes \" and \\ stand for " and \.
 * '#' at the start of a word starts a comment up to the end of the line;
 * blank lines are ignored. The same target URI (canonical form) may appear
 * only once.
 *
 * Parsing is all or nothing: every line is checked, and if any is bad the
 * error lists the bad lines, each as "FILE:LINE: reason", and no target is
 * returned.
 */

#define LOOKOUT_TARGETS_FILE_ERROR (lookout_targets_file_error_quark ())

typedef enum
{
  LOOKOUT_TARGETS_FILE_ERROR_INVALID_TARGET,    /* the target URI is not valid */
  LOOKOUT_TARGETS_FILE_ERROR_INVALID_VALUE,     /* an option's value is malformed or out of range */
  LOOKOUT_TARGETS_FILE_ERROR_UNKNOWN_OPTION,
  LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_OPTION,
  LOOKOUT_TARGETS_FILE_ERROR_SYNTAX,            /* no '=' in an option, a quote left open, … */
  LOOKOUT_TARGETS_FILE_ERROR_DUPLICATE_TARGET,
  LOOKOUT_TARGETS_FILE_ERROR_ENCODING,          /* not UTF-8 */
} LookoutTargetsFileError;

GQuark     lookout_targets_file_error_quark (void);

/* Appends @value as the file reads it: bare when it is one plain word,
 * else in double quotes with \" and \\ escaped. */
void       lookout_targets_file_append_value (GString      *out,
                                              const char   *value);

/* The line a targets file holds for @target: its URI, then every setting
 * that differs from the kind's defaults and every option, so that parsing
 * the line gives the same target back. */
char      *lookout_targets_file_format_line (LookoutTarget *target);

/* Parses @contents (@length bytes, or -1 if nul-terminated); @file_name is
 * how the file is named in messages. Returns a GPtrArray of LookoutTarget
 * (not stored: id 0), in file order. */
GPtrArray *lookout_targets_file_parse       (const char  *contents,
                                             gssize       length,
                                             const char  *file_name,
                                             GError     **error);
/* Reads and parses the file at @path (named as given in messages). */
GPtrArray *lookout_targets_file_load        (const char  *path,
                                             GError     **error);

G_END_DECLS
