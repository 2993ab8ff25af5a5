/* lookout-agent-common.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lookout-store.h"
#include "lookout-api-server.h"
#include "lookout-agent-endpoint.h"
#include "lookout-agent-manager.h"

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
/* "90s", "15m", "24h", "7d", "2w" in milliseconds; FALSE with a message. */
gboolean  lookout_agent_parse_range    (const char      *text,
                                        gint64          *out_ms,
                                        GError         **error);
/* ISO 8601 ("2026-01-31T12:00:00Z"; UTC when no zone is given) or
 * milliseconds since the epoch; FALSE with a message. */
gboolean  lookout_agent_parse_time     (const char      *text,
                                        gint64          *out_ms,
                                        GError         **error);
/* Opens the existing database @path for reading (a missing file is not
 * created) and loads its targets into *out_targets; NULL with a message on
 * stderr and *exit_status set. */
LookoutStore *lookout_agent_open_database (const char  *command,
                                           const char  *path,
                                           GPtrArray  **out_targets,
                                           int         *exit_status);

/* The REST API of `run` (lookout-agent-api.c): NULL with *exit_status
 * EXIT_OK when not asked for, otherwise a listening server or NULL after
 * a message. */
LookoutApiServer *lookout_agent_start_api (LookoutMonitor  *monitor,
                                           const char      *listen,
                                           const char      *tls_cert,
                                           const char      *tls_key,
                                           const char      *config_path,
                                           const char      *db_path,
                                           int             *exit_status);
void      lookout_agent_warn_if_shared (const char      *db_path);

/* Remote agents in `run` (lookout-agent-remote.c). */
typedef struct
{
  const char *name;                /* --name */
  const char *location;            /* --location LAT,LON */
  const char *outbox_max_age;      /* --outbox-max-age, a duration */
  gint64      outbox_max_results;  /* --outbox-max-results, -1 unset */
} LookoutAgentRemoteOptions;

/* The agent's side: NULL with *exit_status EXIT_OK when no name is given
 * (flag or [agent] name =), otherwise the endpoint served on @api, or NULL
 * after a message. */
LookoutAgentEndpoint *lookout_agent_start_endpoint (LookoutMonitor   *monitor,
                                                    LookoutApiServer *api,
                                                    const LookoutAgentRemoteOptions *options,
                                                    GKeyFile         *config,
                                                    int              *exit_status);
/* Once the last results are written, the drops they made, if not said yet. */
void                  lookout_agent_say_last_drops (LookoutAgentEndpoint *endpoint,
                                                    LookoutStore         *store);
/* The manager's side: the [agent NAME] groups of @config, not started,
 * each link's figures in @api's /metrics when there is an @api; NULL when
 * there are none or (after a message, *exit_status set) when one is wrong. */
LookoutAgentManager  *lookout_agent_start_manager  (LookoutMonitor   *monitor,
                                                    LookoutApiServer *api,
                                                    GKeyFile         *config,
                                                    int              *exit_status);

/* One function per command, each in its own lookout-agent-COMMAND.c */
int       lookout_agent_command_check  (int              argc,
                                        char           **argv);
int       lookout_agent_command_run    (int              argc,
                                        char           **argv);
int       lookout_agent_command_analyze (int             argc,
                                         char          **argv);
int       lookout_agent_command_report (int              argc,
                                        char           **argv);
int       lookout_agent_command_export (int              argc,
                                        char           **argv);
int       lookout_agent_command_token  (int              argc,
                                        char           **argv);

G_END_DECLS
