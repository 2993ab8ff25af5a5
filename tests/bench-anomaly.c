/* bench-anomaly.c: CPU time and memory of the anomaly detector
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-anomaly FILE.csv...   (timestamp_ms,latency_ms; empty = failed)
 * Feeds every series to its own detector, several rounds, and prints the
 * process CPU time per result and the bytes kept per target.
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lookout-anomaly-detector.h"
#include "lookout-test.h"

#define ROUNDS 20

typedef struct
{
  gint64 ts_ms;
  double latency_ms;
} Point;

static GArray *
read_series (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GArray *points = g_array_new (FALSE, FALSE, sizeof (Point));

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *comma = strchr (lines[i], ',');
      Point p;

      if (comma == NULL || !g_ascii_isdigit (lines[i][0]))
        continue;
      p.ts_ms = g_ascii_strtoll (lines[i], NULL, 10);
      p.latency_ms = comma[1] == '\0' ? NAN : g_ascii_strtod (comma + 1, NULL);
      g_array_append_val (points, p);
    }
  return points;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint64 n_results = 0, n_opened = 0;
  gint64 cpu_us;

  for (int i = 1; i < argc; i++)
    g_ptr_array_add (series, read_series (argv[i]));
  if (series->len == 0)
    {
      fprintf (stderr, "usage: bench-anomaly FILE.csv...\n");
      return 2;
    }

  cpu_us = lookout_test_cpu_us_self ();
  for (guint round = 0; round < ROUNDS; round++)
    {
      for (guint i = 0; i < series->len; i++)
        {
          GArray *points = g_ptr_array_index (series, i);
          g_autoptr(LookoutAnomalyDetector) detector = lookout_anomaly_detector_new (i);

          for (guint j = 0; j < points->len; j++)
            {
              const Point *p = &g_array_index (points, Point, j);
              guint changes = lookout_anomaly_detector_feed (detector, p->ts_ms, p->latency_ms);

              n_opened += changes != 0;
            }
          n_results += points->len;
        }
    }
  cpu_us = lookout_test_cpu_us_self () - cpu_us;

  printf ("# %" G_GUINT64_FORMAT " results in %u series, %u rounds, %" G_GUINT64_FORMAT " changes\n",
          n_results, series->len, ROUNDS, n_opened);
  printf ("figure: anomaly_cpu_per_result = %.3f us\n", (double) cpu_us / n_results);
  printf ("figure: anomaly_bytes_per_target = %" G_GSIZE_FORMAT " B\n",
          lookout_anomaly_detector_state_size ());
  return 0;
}
