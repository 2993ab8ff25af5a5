/* lookout-agent-api.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What `run` does for the REST API: --listen, --tls-cert, --tls-key and the
 * key file's [api] group, and the warning about a database others can read. */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lookout-agent-common.h"
#include "lookout-api-tls.h"

void
lookout_agent_warn_if_shared (const char *db_path)
{
  GStatBuf st;

  if (g_stat (db_path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
    lookout_agent_complain (_("Warning: others can read the database %s, which holds API token "
                              "hashes and every target; “chmod 600 %s” makes it yours alone"),
                            db_path, db_path);
}

/* The [api] group of --config fills what the command line left unset. */
static gboolean
read_config (const char  *config_path,
             char       **listen,
             char       **cert,
             char       **key,
             GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  const struct { const char *key; char **value; } keys[] = {
    { "listen", listen }, { "tls-cert", cert }, { "tls-key", key },
  };

  if (config_path == NULL)
    return TRUE;
  if (!g_key_file_load_from_file (file, config_path, G_KEY_FILE_NONE, error))
    return FALSE;
  if (!g_key_file_has_group (file, "api"))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) local_error = NULL;
      char *value;

      if (*keys[i].value != NULL)
        continue;
      value = g_key_file_get_string (file, "api", keys[i].key, &local_error);
      if (value == NULL && !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *keys[i].value = value;
    }
  return TRUE;
}

LookoutApiServer *
lookout_agent_start_api (LookoutMonitor *monitor,
                         const char     *listen_arg,
                         const char     *cert_arg,
                         const char     *key_arg,
                         const char     *config_path,
                         const char     *db_path,
                         int            *exit_status)
{
  g_autofree char *listen = g_strdup (listen_arg);
  g_autofree char *cert = g_strdup (cert_arg);
  g_autofree char *key = g_strdup (key_arg);
  g_autofree char *host = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(LookoutApiServer) server = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  *exit_status = EXIT_OK;
  if (!read_config (config_path, &listen, &cert, &key, &error))
    {
      lookout_agent_complain ("%s: %s", config_path, error->message);
      *exit_status = EXIT_USAGE;
      return NULL;
    }
  if (listen == NULL)
    {
      if (cert != NULL || key != NULL)
        *exit_status = lookout_agent_usage_error ("run", _("--tls-cert and --tls-key need --listen"));
      return NULL;
    }
  if ((cert == NULL) != (key == NULL))
    {
      *exit_status = lookout_agent_usage_error ("run", _("--tls-cert and --tls-key go together"));
      return NULL;
    }
  if (!lookout_api_parse_listen_address (listen, &host, &port, &error))
    {
      *exit_status = lookout_agent_usage_error ("run", error->message);
      return NULL;
    }

  if (cert != NULL)
    certificate = lookout_api_tls_load (cert, key, &error);
  else
    {
      inet = g_inet_address_new_from_string (host);
      /* beyond loopback: a self-signed certificate kept beside the database */
      if (g_ascii_strcasecmp (host, "localhost") != 0 &&
          (inet == NULL || !g_inet_address_get_is_loopback (inet)))
        {
          g_autofree char *dir = g_path_get_dirname (db_path);

          certificate = lookout_api_tls_load_or_create (dir, host, &error);
        }
    }
  if (error != NULL)
    {
      lookout_agent_complain ("%s", error->message);
      *exit_status = EXIT_FAILED;
      return NULL;
    }

  server = lookout_api_server_new (monitor);
  if (!lookout_api_server_listen (server, listen, certificate, &error))
    {
      lookout_agent_complain ("%s", error->message);
      *exit_status = EXIT_FAILED;
      return NULL;
    }

  url = lookout_api_server_dup_url (server);
  fprintf (stderr, _("Serving the API on %s\n"), url);
  if (lookout_api_server_get_fingerprint (server) != NULL)
    fprintf (stderr, _("TLS certificate SHA-256 fingerprint: %s\n"),
             lookout_api_server_get_fingerprint (server));
  fflush (stderr);

  return g_steal_pointer (&server);
}
