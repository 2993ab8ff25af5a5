/* probe-helper.c — runs one TCP, UDP or NTP probe and prints its result
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: probe-helper [--timeout MS] [--options JSON] URI
 * Prints the result as one line of JSON (lookout_result_to_json) and exits
 * 0 when the check succeeded, 1 when it failed, 2 on bad usage. The tests
 * run it under `ip netns exec` to probe from inside a network namespace.
 */

#include "config.h"

#include <stdlib.h>

#include "lookout-ntp-probe.h"
#include "lookout-tcp-probe.h"
#include "lookout-udp-probe.h"

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  LookoutResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = lookout_probe_run_finish (LOOKOUT_PROBE (object), result, &error);
  if (*out == NULL)
    {
      g_printerr ("probe-helper: %s\n", error->message);
      exit (2);
    }
}

int
main (int   argc,
      char *argv[])
{
  int timeout_ms = 0;
  g_autofree char *options = NULL;
  GOptionEntry entries[] = {
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout_ms, "Timeout in milliseconds", "MS" },
    { "options", 'o', 0, G_OPTION_ARG_STRING, &options, "Target options (JSON object)", "JSON" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("URI");
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutProbe) probe = NULL;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("probe-helper: %s\n", error ? error->message : "exactly one URI expected");
      return 2;
    }

  target = lookout_target_new_from_string (argv[1], &error);
  if (target == NULL)
    {
      g_printerr ("probe-helper: %s\n", error->message);
      return 2;
    }
  if (timeout_ms > 0)
    lookout_target_set_timeout (target, timeout_ms);
  if (options != NULL)
    lookout_target_set_options (target, options);

  switch (lookout_target_get_kind (target))
    {
    case LOOKOUT_TARGET_KIND_TCP:
      probe = lookout_tcp_probe_new ();
      break;
    case LOOKOUT_TARGET_KIND_UDP:
      probe = lookout_udp_probe_new ();
      break;
    case LOOKOUT_TARGET_KIND_NTP:
      probe = lookout_ntp_probe_new ();
      break;
    default:
      g_printerr ("probe-helper: only tcp://, udp:// and ntp:// targets\n");
      return 2;
    }

  lookout_probe_run_async (probe, target, NULL, run_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  json = lookout_result_to_json (result);
  text = json_to_string (json, FALSE);
  g_print ("%s\n", text);

  return result->ok ? 0 : 1;
}
