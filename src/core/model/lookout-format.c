/* lookout-format.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-format"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lookout-format.h"

/* The unit chosen by magnitude, the same for a single value and for the
 * plot's axis: µs below 1 ms, ms up to 1 s, s beyond. */
const char *
lookout_format_latency_unit (double  max_us,
                             double *divisor)
{
  double div;
  const char *unit;

  if (max_us < 1000)
    unit = "µs", div = 1;
  else if (max_us < 1000000)
    unit = "ms", div = 1000;
  else
    unit = "s", div = 1000000;

  if (divisor != NULL)
    *divisor = div;

  return unit;
}

/* "14 µs", "7.10 ms", "12.3 ms", "1.50 s"; "—" when there was no response. */
char *
lookout_format_latency (gint64 latency_us)
{
  double div;
  const char *unit;
  double value;
  int digits;

  if (latency_us < 0)
    return g_strdup ("—");

  unit = lookout_format_latency_unit (latency_us, &div);
  value = latency_us / div;
  digits = div == 1 ? 0 : value < 10 ? 2 : 1;

  /* 999.96 ms rounds to "1000.0 ms": write it in the next unit instead. */
  if (div < 1000000 && value * pow (10, digits) + 0.5 >= 1000 * pow (10, digits))
    return lookout_format_latency (div == 1 ? 1000 : 1000000);

  /* Translators: a duration and its unit (µs, ms or s) */
  return g_strdup_printf (_("%.*f %s"), digits, value, unit);
}

/* One label of the response-time axis: the unit comes from the axis's top,
 * the digits from the step between labels. */
char *
lookout_format_latency_tick (double us,
                             double axis_max_us,
                             double step_us)
{
  double div;
  const char *unit = lookout_format_latency_unit (axis_max_us, &div);
  int digits = step_us / div >= 1 ? 0 : (int) ceil (-log10 (step_us / div));

  return g_strdup_printf (_("%.*f %s"), digits, us / div, unit);
}

static const char *
bitrate_unit (double  max_bps,
              double *divisor)
{
  static const char * const units[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
  guint i = 0;

  *divisor = 1;
  while (i + 1 < G_N_ELEMENTS (units) && max_bps >= *divisor * 1000)
    {
      *divisor *= 1000;
      i++;
    }

  return units[i];
}

char *
lookout_format_bitrate (gint64 bps)
{
  double div;
  const char *unit;
  double value;
  int digits;

  if (bps < 0)
    return g_strdup ("—");

  unit = bitrate_unit (bps, &div);
  value = bps / div;
  digits = div == 1 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;

  /* 999.96 kbit/s rounds to "1000 kbit/s": write it in the next unit. */
  if (div > 1 && div < 1e12 && value * pow (10, digits) + 0.5 >= 1000 * pow (10, digits))
    return lookout_format_bitrate ((gint64) (div * 1000));

  /* Translators: a bit rate and its unit (bit/s, kbit/s, Mbit/s…) */
  return g_strdup_printf (_("%.*f %s"), digits, value, unit);
}

char *
lookout_format_bitrate_tick (double bps,
                             double axis_max_bps,
                             double step_bps)
{
  double div;
  const char *unit = bitrate_unit (axis_max_bps, &div);
  int digits = step_bps / div >= 1 ? 0 : (int) ceil (-log10 (step_bps / div));

  return g_strdup_printf (_("%.*f %s"), digits, bps / div, unit);
}

char *
lookout_format_value (LookoutValueUnit unit,
                      gint64           value)
{
  return unit == LOOKOUT_VALUE_UNIT_BITRATE ? lookout_format_bitrate (value)
                                            : lookout_format_latency (value);
}

/* "100 %", "99.95 %", "0 %": two decimals at most, trailing zeros dropped,
 * and never rounded up to 100 or down to 0 when it is not. */
char *
lookout_format_percent (double percent)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  double hundredths;
  gsize len;

  if (isnan (percent))
    return g_strdup ("—");

  percent = CLAMP (percent, 0, 100);
  hundredths = round (percent * 100);
  if (hundredths >= 10000 && percent < 100)
    hundredths = 9999;
  else if (hundredths <= 0 && percent > 0)
    hundredths = 1;

  g_snprintf (number, sizeof number, "%.2f", hundredths / 100);
  len = strlen (number);
  while (len > 0 && number[len - 1] == '0')
    number[--len] = '\0';
  if (len > 0 && (number[len - 1] == '.' || number[len - 1] == ','))
    number[--len] = '\0';

  /* Translators: a percentage; the number is already formatted */
  return g_strdup_printf (_("%s %%"), number);
}

static char *
format_local (gint64      ms,
              const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, format);
}

/* Local time, ISO-like: "2026-12-02 04:10:32". */
char *
lookout_format_date_time (gint64 ms)
{
  return format_local (ms, "%Y-%m-%d %H:%M:%S");
}

/* "2026-12-02" */
char *
lookout_format_date (gint64 ms)
{
  return format_local (ms, "%Y-%m-%d");
}

/* "04:10:32", or "04:10" without the seconds. */
char *
lookout_format_time (gint64   ms,
                     gboolean seconds)
{
  return format_local (ms, seconds ? "%H:%M:%S" : "%H:%M");
}

/* A day without its year, for the plot's axis: "11-05". */
char *
lookout_format_day (gint64 ms)
{
  return format_local (ms, "%m-%d");
}

/* The date and time of a check, or "Never". */
char *
lookout_format_timestamp (gint64 ms)
{
  if (ms <= 0)
    return g_strdup (_("Never"));

  return lookout_format_date_time (ms);
}

/* UTC with milliseconds, for files and machines: "2026-12-02T04:10:32.123Z". */
char *
lookout_format_iso8601 (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *whole = NULL;

  if (utc == NULL)
    return g_strdup ("");

  whole = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", whole, (int) (ms % 1000));
}
