/* lookout-agent-common.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

void      lookout_agent_complain       (const char      *format,
                                        ...) G_GNUC_PRINTF (1, 2);
int       lookout_agent_usage_error    (const char      *command,
                                        const char      *message);
/* Every command taking --db PATH: missing or empty is bad usage. Returns
 * EXIT_OK or, after saying why, EXIT_USAGE. */
int       lookout_agent_check_db_path  (const char      *command,
                                        const char      *db_path);
gboolean  lookout_agent_parse_options  (GOptionContext  *context,
                                        const char      *command,
                                        int             *argc,
                                        char          ***argv,
                                        int             *exit_status);
void      lookout_agent_print_json_line (JsonNode       *node);
char     *lookout_agent_format_time_ms (gint64           ms);

/* One function per command, each in its own lookout-agent-COMMAND.c */
int       lookout_agent_command_check  (int              argc,
                                        char           **argv);
int       lookout_agent_command_run    (int              argc,
                                        char           **argv);
int       lookout_agent_command_analyze (int             argc,
                                        char           **argv);

G_END_DECLS
