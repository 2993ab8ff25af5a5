/* lookout-agent.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * lookout-agent: the engine without a display.
 *
 *   lookout-agent check [--timeout MS] [--count N] TARGET...
 *   lookout-agent run --db PATH [--targets FILE] [--duration SECONDS]
 *   lookout-agent analyze --input FILE
 *   lookout-agent report --db PATH [--range 24h] [--format text|json|csv]
 *   lookout-agent export --db PATH --target ID|URI [--from --to] [--format csv|json]
 *
 * Exit status: check: 0 every check ok, 1 some check failed; run: 0 stopped
 * cleanly, 1 the database could not be used; both: 2 bad usage, an invalid
 * target or a bad targets file (with a message on stderr).
 *
 * This file only dispatches: each command is lookout-agent-COMMAND.c, the
 * helpers they share are in lookout-agent-common.c.
 */

#define G_LOG_DOMAIN "lookout-agent"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "lookout-agent-common.h"

/* Each command lives in its own lookout-agent-COMMAND.c. */
static const struct
{
  const char *name;
  int       (*run) (int    argc,
                    char **argv);
} commands[] = {
  { "check", lookout_agent_command_check },
  { "run", lookout_agent_command_run },
  { "analyze", lookout_agent_command_analyze },
  { "report", lookout_agent_command_report },
  { "export", lookout_agent_command_export },
  { "token", lookout_agent_command_token },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s",
           _("Usage:\n"
             "  lookout-agent COMMAND [OPTION…]\n"
             "\n"
             "Watch servers from the command line, with Lookout's engine.\n"
             "\n"
             "Commands:\n"
             "  check [--timeout MS] [--count N] TARGET…\n"
             "                 Check targets now; print one JSON object per check\n"
             "  run --db PATH [--targets FILE] [--config FILE] [--duration SECONDS]\n"
             "                 Monitor the targets of a database until stopped\n"
             "  analyze --input FILE\n"
             "                 Find the anomalies of a latency series; one JSON object each\n"
             "  report --db PATH [--range 24h] [--format text|json|csv]\n"
             "                 Print the monitoring report of every target\n"
             "  export --db PATH --target ID|URI [--from TIME] [--to TIME] [--format csv|json]\n"
             "                 Write a target’s raw history\n"
             "  export --db PATH --targets [--format text|json]\n"
             "                 Write every target’s configuration, as a targets file or JSON\n"
             "  token create|list|revoke --db PATH …\n"
             "                 Manage the tokens of the REST API and /metrics\n"
             "\n"
             "Options:\n"
             "  -h, --help     Show this help\n"
             "  --version      Show the version\n"
             "\n"
             "“lookout-agent COMMAND --help” lists a command’s options.\n"));
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* results are read line by line by other programs */
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (argc < 2)
    {
      print_help (stderr);
      return EXIT_USAGE;
    }

  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      print_help (stdout);
      return EXIT_OK;
    }
  if (g_str_equal (command, "--version"))
    {
      printf ("lookout-agent %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  /* so that the command's --help reads "lookout-agent check [OPTION…]" */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (command, commands[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("lookout-agent %s", command);

          g_set_prgname (prgname);
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  lookout_agent_complain (_("Unknown command “%s”"), command);
  fprintf (stderr, "%s", _("Try “lookout-agent --help” for the commands.\n"));
  return EXIT_USAGE;
}
