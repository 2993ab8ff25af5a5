/* lookout-agent-token.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 *   lookout-agent token create --db PATH --name NAME --scope SCOPE…
 *   lookout-agent token list --db PATH
 *   lookout-agent token revoke --db PATH NAME
 *
 * The REST API's tokens. create prints the token once on stdout; only its
 * hash is kept. Exit status: 0 done, 1 the database could not be used or
 * there is no such token, 2 bad usage.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"
#include "lookout-api-tokens.h"
#include "lookout-store.h"

static int
token_create (LookoutApiTokens  *tokens,
              const char        *name,
              char             **scope_args)
{
  g_autofree char *joined = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) error = NULL;
  LookoutApiScope scopes;

  if (name == NULL)
    return lookout_agent_usage_error ("token", _("--name NAME is required"));
  if (scope_args == NULL)
    return lookout_agent_usage_error ("token", _("--scope is required: read, write, metrics or agent"));

  joined = g_strjoinv (",", scope_args);
  if (!lookout_api_scopes_parse (joined, &scopes, &error))
    return lookout_agent_usage_error ("token", error->message);

  secret = lookout_api_tokens_create (tokens, name, scopes, &error);
  if (secret == NULL)
    {
      lookout_agent_complain ("%s", error->message);
      return g_error_matches (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID) ? EXIT_USAGE
                                                                                   : EXIT_FAILED;
    }

  printf ("%s\n", secret);
  fflush (stdout);
  return EXIT_OK;
}

static int
token_list (LookoutApiTokens *tokens)
{
  g_autoptr(GArray) list = NULL;
  g_autoptr(GError) error = NULL;
  int name_width = 4, scope_width = 6;

  list = lookout_api_tokens_list (tokens, &error);
  if (list == NULL)
    {
      lookout_agent_complain ("%s", error->message);
      return EXIT_FAILED;
    }

  for (guint i = 0; i < list->len; i++)
    {
      const LookoutStoredToken *t = &g_array_index (list, LookoutStoredToken, i);

      name_width = MAX (name_width, (int) g_utf8_strlen (t->name, -1));
      scope_width = MAX (scope_width, (int) strlen (t->scopes));
    }

  /* TRANSLATORS: column titles of "lookout-agent token list" */
  printf ("%-*s  %-*s  %-20s  %s\n", name_width, _("NAME"), scope_width, _("SCOPES"),
          _("CREATED"), _("LAST USED"));
  for (guint i = 0; i < list->len; i++)
    {
      const LookoutStoredToken *t = &g_array_index (list, LookoutStoredToken, i);
      g_autofree char *created = lookout_agent_format_time_ms (t->created_ms);
      g_autofree char *used = t->last_used_ms > 0 ? lookout_agent_format_time_ms (t->last_used_ms)
                                                  : g_strdup (_("never"));

      printf ("%-*s  %-*s  %-20s  %s\n", name_width, t->name, scope_width, t->scopes, created, used);
    }
  return EXIT_OK;
}

static int
token_revoke (LookoutApiTokens *tokens,
              const char       *name)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_api_tokens_revoke (tokens, name, &error))
    {
      lookout_agent_complain ("%s", error->message);
      return EXIT_FAILED;
    }
  return EXIT_OK;
}

int
lookout_agent_command_token (int    argc,
                             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(LookoutApiTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) scopes = NULL;
  const char *action;
  int status;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
      N_("The database whose tokens to manage"), N_("PATH") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The new token’s name (create)"), N_("NAME") },
    { "scope", 0, 0, G_OPTION_ARG_STRING_ARRAY, &scopes,
      N_("What the new token may do: read, write, metrics, agent (repeat, or separate with commas)"),
      N_("SCOPE") },
    { NULL }
  };

  context = g_option_context_new (N_("create|list|revoke [NAME]"));
  g_option_context_set_summary (context,
                                _("Manages the tokens of the REST API and /metrics.\n"
                                  "\n"
                                  "  create --name NAME --scope SCOPE…   print a new token, once\n"
                                  "  list                                 name, scopes, created, last used\n"
                                  "  revoke NAME                          the token stops working at once"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!lookout_agent_parse_options (context, "token", &argc, &argv, &status))
    return status;

  if (argc < 2)
    return lookout_agent_usage_error ("token", _("Say what to do: create, list or revoke"));
  action = argv[1];
  if (db_path == NULL)
    return lookout_agent_usage_error ("token", _("--db PATH is required"));

  if (g_str_equal (action, "revoke"))
    {
      if (argc != 3)
        return lookout_agent_usage_error ("token", _("“token revoke” takes the token’s name"));
    }
  else if (g_str_equal (action, "create") || g_str_equal (action, "list"))
    {
      if (argc != 2)
        return lookout_agent_usage_error ("token", _("Too many arguments"));
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Unknown action “%s”: use create, list or revoke"),
                                                  action);

      return lookout_agent_usage_error ("token", message);
    }

  store = lookout_store_open_sync (db_path, NULL, &error);
  if (store == NULL)
    {
      lookout_agent_complain (_("Cannot open the database %s: %s"), db_path, error->message);
      return EXIT_FAILED;
    }
  tokens = lookout_api_tokens_new (store);

  if (g_str_equal (action, "create"))
    status = token_create (tokens, name, scopes);
  else if (g_str_equal (action, "list"))
    status = token_list (tokens);
  else
    status = token_revoke (tokens, argv[2]);

  lookout_store_close (store);
  return status;
}
