/* lookout-agent-remote.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What `run` does for remote agents (docs/agents.md): as an agent, --name,
 * --location and the outbox bounds (flags or the key file's [agent]
 * group) and the link served beside the API; as a manager, the key file's
 * [agent NAME] groups. Both print what a person running them needs to
 * know: links going online and offline, and results the outbox dropped. */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-agent-endpoint.h"
#include "lookout-agent-manager.h"
#include "lookout-agent-protocol.h"

#define DEFAULT_MAX_AGE_MS     (7 * 24 * 3600 * G_GINT64_CONSTANT (1000))
#define DEFAULT_MAX_RESULTS    1000000

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format,
     ...)
{
  g_autofree char *when = lookout_agent_format_time_ms (g_get_real_time () / 1000);
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("%s %s\n", when, text);
  fflush (stdout);
}

static void
say_dropped (guint64 n_dropped)
{
  say (_("the outbox has dropped %llu results in all, past its bounds (age or number)"),
       (unsigned long long) n_dropped);
}

static void
dropped_cb (LookoutAgentEndpoint *endpoint,
            GParamSpec           *pspec,
            gpointer              user_data)
{
  say_dropped (lookout_agent_endpoint_get_n_dropped (endpoint));
}

void
lookout_agent_say_last_drops (LookoutAgentEndpoint *endpoint,
                              LookoutStore         *store)
{
  g_autoptr(GArray) none = NULL;
  LookoutOutboxInfo info = { 0, };

  none = lookout_store_outbox_read_sync (store, G_MAXINT64, 0, &info, NULL);
  if (none != NULL && info.n_dropped != lookout_agent_endpoint_get_n_dropped (endpoint))
    say_dropped (info.n_dropped);
}

static void
connected_cb (LookoutAgentEndpoint *endpoint,
              GParamSpec           *pspec,
              gpointer              user_data)
{
  if (lookout_agent_endpoint_get_connected (endpoint))
    say (_("a manager connected"));
  else
    say (_("the manager's link closed"));
}

static void
websocket_cb (LookoutApiServer        *server,
              SoupWebsocketConnection *connection,
              const char              *token_name,
              gpointer                 user_data)
{
  lookout_agent_endpoint_accept (user_data, connection);
}

static gboolean
parse_location (const char  *text,
                double      *out_lat,
                double      *out_lon)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  char *end;

  if (g_strv_length (parts) != 2)
    return FALSE;
  *out_lat = g_ascii_strtod (g_strstrip (parts[0]), &end);
  if (*end != '\0' || *parts[0] == '\0' || *out_lat < -90 || *out_lat > 90)
    return FALSE;
  *out_lon = g_ascii_strtod (g_strstrip (parts[1]), &end);
  if (*end != '\0' || *parts[1] == '\0' || *out_lon < -180 || *out_lon > 180)
    return FALSE;
  return TRUE;
}

LookoutAgentEndpoint *
lookout_agent_start_endpoint (LookoutMonitor   *monitor,
                              LookoutApiServer *api,
                              const LookoutAgentRemoteOptions *options,
                              GKeyFile         *config,
                              int              *exit_status)
{
  g_autofree char *name = g_strdup (options->name);
  g_autofree char *location = g_strdup (options->location);
  g_autofree char *max_age = g_strdup (options->outbox_max_age);
  gint64 max_results = options->outbox_max_results;
  LookoutOutboxLimits limits = { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_RESULTS };
  g_autoptr(GError) error = NULL;
  LookoutAgentEndpoint *endpoint;
  double lat = 0, lon = 0;

  *exit_status = EXIT_OK;
  if (config != NULL && g_key_file_has_group (config, "agent"))
    {
      if (name == NULL)
        name = g_key_file_get_string (config, "agent", "name", NULL);
      if (location == NULL)
        location = g_key_file_get_string (config, "agent", "location", NULL);
      if (max_age == NULL)
        max_age = g_key_file_get_string (config, "agent", "outbox-max-age", NULL);
      if (max_results < 0 && g_key_file_has_key (config, "agent", "outbox-max-results", NULL))
        {
          max_results = g_key_file_get_int64 (config, "agent", "outbox-max-results", &error);
          if (error != NULL)
            {
              *exit_status = lookout_agent_usage_error ("run", error->message);
              return NULL;
            }
        }
    }

  if (name == NULL)
    {
      if (location != NULL || max_age != NULL || max_results >= 0)
        *exit_status = lookout_agent_usage_error ("run", _("--location and the outbox bounds need --name"));
      return NULL;
    }
  if (api == NULL)
    {
      *exit_status = lookout_agent_usage_error ("run", _("--name needs --listen: a manager reaches the agent there"));
      return NULL;
    }
  if (*name == '\0' || strpbrk (name, " ,[]") != NULL)
    {
      *exit_status = lookout_agent_usage_error ("run", _("--name is a location's name: one word, without spaces, commas or brackets"));
      return NULL;
    }
  if (location != NULL && !parse_location (location, &lat, &lon))
    {
      *exit_status = lookout_agent_usage_error ("run", _("--location is LATITUDE,LONGITUDE in degrees, such as 48.86,2.35"));
      return NULL;
    }
  if (max_age != NULL && !lookout_agent_parse_range (max_age, &limits.max_age_ms, &error))
    {
      g_autofree char *message = g_strdup_printf (_("--outbox-max-age: %s"), error->message);

      *exit_status = lookout_agent_usage_error ("run", message);
      return NULL;
    }
  if (max_results == 0)
    {
      *exit_status = lookout_agent_usage_error ("run", _("--outbox-max-results must be positive"));
      return NULL;
    }
  if (max_results > 0)
    limits.max_rows = max_results;

  endpoint = lookout_agent_endpoint_new (monitor, name, &limits);
  if (location != NULL)
    lookout_agent_endpoint_set_location (endpoint, lat, lon);
  lookout_api_server_add_websocket_handler (api, LOOKOUT_AGENT_LINK_PATH, LOOKOUT_AGENT_LINK_PROTOCOL,
                                            LOOKOUT_API_SCOPE_AGENT, websocket_cb, endpoint);
  g_signal_connect (endpoint, "notify::n-dropped", G_CALLBACK (dropped_cb), NULL);
  g_signal_connect (endpoint, "notify::connected", G_CALLBACK (connected_cb), NULL);
  fprintf (stderr, _("Agent “%s”: a manager connects with a token of scope “agent”\n"), name);
  fflush (stderr);

  return endpoint;
}

static void
link_state_cb (LookoutAgentLink *link,
               GParamSpec       *pspec,
               gpointer          user_data)
{
  const char *problem = lookout_agent_link_get_problem (link);

  if (problem != NULL && lookout_agent_link_get_state (link) != LOOKOUT_AGENT_LINK_ONLINE)
    say (_("agent %s is %s: %s"), lookout_agent_link_get_name (link),
         lookout_agent_link_state_to_string (lookout_agent_link_get_state (link)), problem);
  else
    say (_("agent %s is %s"), lookout_agent_link_get_name (link),
         lookout_agent_link_state_to_string (lookout_agent_link_get_state (link)));
}

static void
agent_dropped_cb (LookoutAgentLink *link,
                  GParamSpec       *pspec,
                  gpointer          user_data)
{
  guint64 dropped;

  g_object_get (link, "agent-dropped", &dropped, NULL);
  say (_("agent %s has dropped %llu results in all, past its outbox bounds (age or number)"),
       lookout_agent_link_get_name (link), (unsigned long long) dropped);
}

/* The link's figures in /metrics, as they change. */
static void
link_figures_cb (LookoutAgentLink  *link,
                 GParamSpec        *pspec,
                 LookoutApiMetrics *metrics)
{
  LookoutApiAgentFigures figures = { 0, };

  g_object_get (link,
                "agent-dropped", &figures.dropped,
                "n-gaps", &figures.gaps,
                "n-duplicates", &figures.duplicates,
                "clock-offset", &figures.clock_offset_ms,
                NULL);
  figures.online = lookout_agent_link_get_state (link) == LOOKOUT_AGENT_LINK_ONLINE;
  lookout_api_metrics_set_agent (metrics, lookout_agent_link_get_name (link), &figures);
}

static void
link_event_cb (LookoutAgentLink *link,
               const char       *kind,
               const char       *message,
               gpointer          user_data)
{
  if (!g_str_equal (kind, "agent-offline") && !g_str_equal (kind, "agent-online"))
    say ("%s", message);
}

LookoutAgentManager *
lookout_agent_start_manager (LookoutMonitor   *monitor,
                             LookoutApiServer *api,
                             GKeyFile         *config,
                             int            *exit_status)
{
  g_autoptr(LookoutAgentManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  *exit_status = EXIT_OK;
  if (config == NULL)
    return NULL;

  manager = lookout_agent_manager_new (monitor);
  n = lookout_agent_manager_load_key_file (manager, config, &error);
  if (error != NULL)
    {
      lookout_agent_complain ("%s", error->message);
      *exit_status = EXIT_USAGE;
      return NULL;
    }
  if (n == 0)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LookoutAgentLink) link = g_list_model_get_item (G_LIST_MODEL (manager), i);

      g_signal_connect (link, "notify::state", G_CALLBACK (link_state_cb), NULL);
      g_signal_connect (link, "event", G_CALLBACK (link_event_cb), NULL);
      g_signal_connect (link, "notify::agent-dropped", G_CALLBACK (agent_dropped_cb), NULL);
      if (api != NULL)
        {
          LookoutApiMetrics *metrics = lookout_api_server_get_metrics (api);
          const char *watched[] = { "notify::state", "notify::agent-dropped", "notify::n-gaps",
                                    "notify::clock-offset" };

          for (guint j = 0; j < G_N_ELEMENTS (watched); j++)
            g_signal_connect_object (link, watched[j], G_CALLBACK (link_figures_cb), metrics, 0);
          link_figures_cb (link, NULL, metrics);
        }
    }
  fprintf (stderr, _("Managing %u agents\n"), n);
  fflush (stderr);

  return g_steal_pointer (&manager);
}
