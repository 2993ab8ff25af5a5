/* gen-history.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writes a database with a few days of realistic synthetic results for
 * several targets, through the real store, for screenshots and manual
 * testing:  gen-history PATH [DAYS]
 *
 * Each target has a base latency with a daily rhythm (busier afternoons),
 * log-normal-ish jitter, rare spikes, scattered failures with readable
 * errors, one target has a 40-minute outage, one is lossy, and every
 * target has a two-hour hole (the machine was asleep) that must show as a
 * gap. */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "lookout-store.h"
#include "lookout-target.h"

typedef struct
{
  const char *uri;
  const char *name;
  double      base_ms;
  double      jitter;     /* relative spread */
  double      fail_rate;
  double      lat, lon;
} Spec;

static const Spec specs[] = {
  { "https://www.example.org/health", "Website",         42.0, 0.25, 0.002,  52.37,   4.89 },
  { "icmp://192.0.2.10",              "Edge router",      3.2, 0.40, 0.010,  50.11,   8.68 },
  { "tcp://db.example.net:5432",      "Database",         1.1, 0.30, 0.001,  48.86,   2.35 },
  { "dns://192.0.2.53/example.org",   "Resolver",         8.5, 0.60, 0.004,  40.71, -74.01 },
  { "ntp://ntp.example.net",          "Time server",     19.0, 0.20, 0.003,  35.68, 139.69 },
  { "https://api.example.com/v1/ping","API",            120.0, 0.35, 0.006, -33.87, 151.21 },
};

static double
gauss (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-9, 1.0), v = g_rand_double (rand);

  return sqrt (-2 * log (u)) * cos (2 * G_PI * v);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  GError *error = NULL;
  gint64 now = g_get_real_time () / 1000;
  gint64 days = argc > 2 ? g_ascii_strtoll (argv[2], NULL, 10) : 4;
  gint64 start = now - days * 86400000;
  gint64 sleep_from = now - 30 * 3600000, sleep_to = sleep_from + 2 * 3600000;
  gint64 outage_from = now - 9 * 3600000, outage_to = outage_from + 40 * 60000;
  guint64 n = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s PATH [DAYS]\n", argv[0]);
      return 2;
    }

  store = lookout_store_open_sync (argv[1], NULL, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      const Spec *spec = &specs[i];
      g_autoptr(LookoutTarget) target = lookout_target_new_from_string (spec->uri, &error);
      gint64 id;

      g_assert_no_error (error);
      lookout_target_set_name (target, spec->name);
      lookout_target_set_interval (target, 30);
      lookout_target_set_location (target, spec->lat, spec->lon, "manual");
      if (!lookout_store_insert_target_sync (store, target, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      id = lookout_target_get_id (target);

      for (gint64 t = start + i * 1700; t < now; t += 30000)
        {
          LookoutSample s = { .target_id = id, .ts_ms = t + g_rand_int_range (rand, 0, 400) };
          double hour = fmod ((t / 3600000.0), 24.0);
          double rhythm = 1.0 + 0.35 * exp (-pow ((hour - 15) / 3.0, 2));
          double ms;

          if (t >= sleep_from && t < sleep_to)
            continue;

          if ((i == 0 && t >= outage_from && t < outage_to) ||
              g_rand_double (rand) < spec->fail_rate * (i == 1 && hour > 18 ? 8 : 1))
            {
              static const char * const errors[] = {
                "Timed out after 10000 ms", "Connection refused", "No route to host",
              };

              s.state = LOOKOUT_TARGET_STATE_DOWN;
              s.latency_us = -1;
              s.error = (char *) errors[i == 0 && t >= outage_from ? 1 : g_rand_int_range (rand, 0, 3)];
            }
          else
            {
              ms = spec->base_ms * rhythm * exp (spec->jitter * 0.5 * gauss (rand));
              if (g_rand_double (rand) < 0.004)
                ms *= g_rand_double_range (rand, 3, 12);
              s.latency_us = (gint64) (ms * 1000);
              s.state = ms > spec->base_ms * 4 ? LOOKOUT_TARGET_STATE_DEGRADED : LOOKOUT_TARGET_STATE_UP;
              s.code = g_str_has_prefix (spec->uri, "http") ? 200 : 0;
            }
          lookout_store_append_sample (store, &s);
          n++;
        }
    }

  if (!lookout_store_flush_sync (store, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  lookout_store_close (store);
  g_print ("%" G_GUINT64_FORMAT " results for %u targets over %" G_GINT64_FORMAT " days in %s\n",
           n, (guint) G_N_ELEMENTS (specs), days, argv[1]);

  return 0;
}
