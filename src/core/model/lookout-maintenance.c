/* lookout-maintenance.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A recurring window is a set of weekdays, a start minute and a length:
 * whether an instant is inside is a question about its minute of the
 * week in the reader's time zone, so a window that runs past midnight
 * (or from Sunday into Monday) needs no special case beyond the wrap of
 * the week. A one-off window keeps its local dates and is placed on the
 * time line only when asked, in the zone it is asked in. */

#define G_LOG_DOMAIN "lookout-maintenance"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-maintenance.h"

#define MINUTES_PER_DAY   1440
#define SECONDS_PER_WEEK  (7 * 24 * 3600)
#define MAX_RULES         64
#define MAX_SPAN_DAYS     3700

typedef struct
{
  guint8  days;        /* bit 0 Monday … bit 6 Sunday; 0 for a one-off */
  guint   start_min;   /* recurring: minute of the day */
  guint   length_min;  /* recurring: 1 … 1440 */
  int     year[2], month[2], day[2];   /* one-off: start and end, local */
  guint   minute[2];
} Window;

struct _LookoutMaintenance
{
  GArray *windows;     /* Window */
};

static const struct {
  const char *name;
  guint8      days;
} day_names[] = {
  { "monday", 1 << 0 }, { "mon", 1 << 0 },
  { "tuesday", 1 << 1 }, { "tue", 1 << 1 },
  { "wednesday", 1 << 2 }, { "wed", 1 << 2 },
  { "thursday", 1 << 3 }, { "thu", 1 << 3 },
  { "friday", 1 << 4 }, { "fri", 1 << 4 },
  { "saturday", 1 << 5 }, { "sat", 1 << 5 },
  { "sunday", 1 << 6 }, { "sun", 1 << 6 },
  { "day", 0x7f },
  { "weekday", 0x1f },
  { "weekend", 0x60 },
};

static void
skip_spaces (const char **p)
{
  while (**p == ' ' || **p == '\t')
    (*p)++;
}

static gboolean
read_number (const char **p,
             guint        min_digits,
             guint        max_digits,
             int         *out)
{
  guint n = 0;
  int value = 0;

  while (g_ascii_isdigit (**p) && n < max_digits)
    {
      value = value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  *out = value;

  return n >= min_digits && !g_ascii_isdigit (**p);
}

/* "H:MM" or "HH:MM"; 24:00 only where @end. */
static gboolean
read_time (const char **p,
           gboolean     end,
           guint       *minute)
{
  int h, m;

  if (!read_number (p, 1, 2, &h) || **p != ':')
    return FALSE;
  (*p)++;
  if (!read_number (p, 2, 2, &m) || m > 59)
    return FALSE;
  if (h > 24 || (h == 24 && (m != 0 || !end)))
    return FALSE;

  *minute = h * 60 + m;
  return TRUE;
}

static gboolean
looks_like_date (const char *p)
{
  return g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
         g_ascii_isdigit (p[3]) && p[4] == '-';
}

static gboolean
read_date (const char **p,
           int         *year,
           int         *month,
           int         *day)
{
  if (!read_number (p, 4, 4, year) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_number (p, 1, 2, month) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_number (p, 1, 2, day))
    return FALSE;

  return *year >= 1970 && *year <= 9999 && *month >= 1 && *month <= 12 &&
         g_date_valid_dmy (*day, *month, *year);
}

static gboolean
fail (GError     **error,
      guint        n,
      const char  *rule,
      const char  *why)
{
  /* Translators: a maintenance rule that cannot be read: its number, its text, what is wrong */
  g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
               _("Maintenance rule %u, “%s”: %s"), n, rule, why);
  return FALSE;
}

static gboolean
parse_recurring (const char  *rule,
                 const char  *p,
                 guint        n,
                 Window      *window,
                 GError     **error)
{
  guint start, end;

  /* Day names, separated by commas and/or spaces, up to the first time. */
  for (;;)
    {
      g_autofree char *word = NULL;
      const char *begin;
      gboolean found = FALSE;

      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0' || g_ascii_isdigit (*p))
        break;
      begin = p;
      while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
        p++;
      word = g_ascii_strdown (begin, p - begin);
      for (guint i = 0; i < G_N_ELEMENTS (day_names); i++)
        if (strcmp (word, day_names[i].name) == 0)
          {
            window->days |= day_names[i].days;
            found = TRUE;
          }
      if (!found)
        {
          g_autofree char *why =
            /* Translators: maintenance rules; keep "day", "weekday", "weekend" and the English day names, they are what is typed */
            g_strdup_printf (_("“%s” is not a day: write a day like sunday or sun, or day, weekday, weekend"), word);
          return fail (error, n, rule, why);
        }
    }

  if (window->days == 0)
    return fail (error, n, rule, _("say which days after “every”, like “every sunday 02:00-03:00”"));

  if (*p == '\0')
    return fail (error, n, rule, _("the times are missing, like 02:00-03:00"));
  if (!read_time (&p, FALSE, &start))
    return fail (error, n, rule, _("the start time must be a time of day like 02:00"));
  skip_spaces (&p);
  if (*p != '-')
    return fail (error, n, rule, _("put a “-” between the start and the end, like 02:00-03:00"));
  p++;
  skip_spaces (&p);
  if (!read_time (&p, TRUE, &end))
    return fail (error, n, rule, _("the end time must be a time of day like 03:00"));
  skip_spaces (&p);
  if (*p != '\0')
    return fail (error, n, rule, _("there is more after the end time"));
  if (end == start)
    return fail (error, n, rule, _("the window starts and ends at the same time"));

  window->start_min = start;
  window->length_min = end > start ? end - start : end + MINUTES_PER_DAY - start;

  return TRUE;
}

static gboolean
parse_once (const char  *rule,
            const char  *p,
            guint        n,
            Window      *window,
            GError     **error)
{
  if (!read_date (&p, &window->year[0], &window->month[0], &window->day[0]))
    return fail (error, n, rule, _("the start date must be a date like 2026-12-24"));
  skip_spaces (&p);
  if (!read_time (&p, FALSE, &window->minute[0]))
    return fail (error, n, rule, _("the start time must be a time of day like 18:00"));
  skip_spaces (&p);
  if (*p != '-')
    return fail (error, n, rule, _("put a “-” between the start and the end, like 2026-12-24 18:00 - 2026-12-26 08:00"));
  p++;
  skip_spaces (&p);

  window->year[1] = window->year[0];
  window->month[1] = window->month[0];
  window->day[1] = window->day[0];
  if (looks_like_date (p))
    {
      if (!read_date (&p, &window->year[1], &window->month[1], &window->day[1]))
        return fail (error, n, rule, _("the end date must be a date like 2026-12-26"));
      skip_spaces (&p);
    }
  if (!read_time (&p, TRUE, &window->minute[1]))
    return fail (error, n, rule, _("the end time must be a time of day like 08:00"));
  skip_spaces (&p);
  if (*p != '\0')
    return fail (error, n, rule, _("there is more after the end time"));

  if (window->year[1] * 10000 + window->month[1] * 100 + window->day[1] <
      window->year[0] * 10000 + window->month[0] * 100 + window->day[0] ||
      (window->year[1] == window->year[0] && window->month[1] == window->month[0] &&
       window->day[1] == window->day[0] && window->minute[1] <= window->minute[0]))
    return fail (error, n, rule, _("the window ends before it starts"));

  return TRUE;
}

LookoutMaintenance *
lookout_maintenance_parse (const char  *text,
                           GError     **error)
{
  g_autoptr(LookoutMaintenance) self = NULL;
  g_auto(GStrv) rules = NULL;
  guint n = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (LookoutMaintenance, 1);
  self->windows = g_array_new (FALSE, TRUE, sizeof (Window));

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                             _("Maintenance rules cannot contain line breaks or other control characters: separate them with “;”"));
        return NULL;
      }

  rules = g_strsplit (text, ";", -1);
  for (guint i = 0; rules[i] != NULL; i++)
    {
      g_autofree char *rule = g_strstrip (g_strdup (rules[i]));
      Window window = { 0 };
      const char *p = rule;

      if (rule[0] == '\0')
        continue;
      if (++n > MAX_RULES)
        {
          g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                       _("At most %u maintenance rules can be given"), MAX_RULES);
          return NULL;
        }

      if (g_ascii_strncasecmp (p, "every", 5) == 0 && (p[5] == ' ' || p[5] == '\t' || p[5] == '\0'))
        {
          if (!parse_recurring (rule, p + 5, n, &window, error))
            return NULL;
        }
      else if (g_ascii_isdigit (*p))
        {
          if (!parse_once (rule, p, n, &window, error))
            return NULL;
        }
      else
        {
          fail (error, n, rule,
                _("a rule starts with “every”, like “every sunday 02:00-03:00”, or with a date, like “2026-12-24 18:00 - 20:00”"));
          return NULL;
        }

      g_array_append_val (self->windows, window);
    }

  if (n == 0)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                           _("The maintenance rules are empty: write one like “every sunday 02:00-03:00”"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
lookout_maintenance_free (LookoutMaintenance *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->windows, g_array_unref);
  g_free (self);
}

static void
append_days (GString *out,
             guint8   days)
{
  static const char *names[7] = {
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
    N_("Friday"), N_("Saturday"), N_("Sunday"),
  };
  gboolean first = TRUE;

  if (days == 0x7f)
    {
      g_string_append (out, _("every day"));
      return;
    }
  if (days == 0x1f)
    {
      g_string_append (out, _("every weekday"));
      return;
    }
  if (days == 0x60)
    {
      g_string_append (out, _("every weekend day"));
      return;
    }

  /* Translators: followed by day names, "every Sunday" */
  g_string_append (out, _("every"));
  for (guint i = 0; i < 7; i++)
    if (days & (1 << i))
      {
        g_string_append (out, first ? " " : ", ");
        g_string_append (out, _(names[i]));
        first = FALSE;
      }
}

char *
lookout_maintenance_describe (const LookoutMaintenance *self)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->windows->len; i++)
    {
      const Window *window = &g_array_index (self->windows, Window, i);

      if (out->len > 0)
        g_string_append (out, "; ");
      if (window->days != 0)
        {
          guint end = window->start_min + window->length_min;

          if (end > MINUTES_PER_DAY)
            end -= MINUTES_PER_DAY;

          append_days (out, window->days);
          g_string_append_printf (out, " %02u:%02u–%02u:%02u",
                                  window->start_min / 60, window->start_min % 60,
                                  end / 60, end % 60);
          if (window->start_min + window->length_min > MINUTES_PER_DAY)
            g_string_append_printf (out, " %s", _("(the next day)"));
        }
      else
        {
          /* Translators: a one-off maintenance window follows, "once 2026-12-24 18:00 – 2026-12-26 08:00" */
          g_string_append_printf (out, "%s %04d-%02d-%02d %02u:%02u – ", _("once"),
                                  window->year[0], window->month[0], window->day[0],
                                  window->minute[0] / 60, window->minute[0] % 60);
          if (window->year[1] != window->year[0] || window->month[1] != window->month[0] ||
              window->day[1] != window->day[0])
            g_string_append_printf (out, "%04d-%02d-%02d ",
                                    window->year[1], window->month[1], window->day[1]);
          g_string_append_printf (out, "%02u:%02u", window->minute[1] / 60, window->minute[1] % 60);
        }
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

gboolean
lookout_maintenance_check (const char  *text,
                           GError     **error)
{
  g_autoptr(LookoutMaintenance) maintenance = lookout_maintenance_parse (text, error);

  return maintenance != NULL;
}

static gint64
local_ms (GTimeZone *tz,
          int        year,
          int        month,
          int        day,
          guint      minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, 0, 0, 0);
  g_autoptr(GDateTime) at = NULL;

  if (dt == NULL)
    return 0;
  at = g_date_time_add_minutes (dt, minute);

  return g_date_time_to_unix (at) * 1000;
}

static void
once_range (const Window *window,
            GTimeZone    *tz,
            gint64       *start,
            gint64       *end)
{
  *start = local_ms (tz, window->year[0], window->month[0], window->day[0], window->minute[0]);
  *end = local_ms (tz, window->year[1], window->month[1], window->day[1], window->minute[1]);
}

gboolean
lookout_maintenance_contains (const LookoutMaintenance *self,
                              gint64                    ms,
                              GTimeZone                *tz)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  gint64 second_of_week;

  g_return_val_if_fail (self != NULL, FALSE);

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  if (utc == NULL)
    return FALSE;
  dt = g_date_time_to_timezone (utc, tz);
  second_of_week = ((g_date_time_get_day_of_week (dt) - 1) * MINUTES_PER_DAY +
                    g_date_time_get_hour (dt) * 60 + g_date_time_get_minute (dt)) * 60 +
                   g_date_time_get_second (dt);

  for (guint i = 0; i < self->windows->len; i++)
    {
      const Window *window = &g_array_index (self->windows, Window, i);

      if (window->days == 0)
        {
          gint64 start, end;

          once_range (window, tz, &start, &end);
          if (ms >= start && ms < end)
            return TRUE;
          continue;
        }

      for (guint d = 0; d < 7; d++)
        {
          gint64 start, end;

          if (!(window->days & (1 << d)))
            continue;
          start = (gint64) (d * MINUTES_PER_DAY + window->start_min) * 60;
          end = start + (gint64) window->length_min * 60;
          if ((second_of_week >= start && second_of_week < end) ||
              (second_of_week + SECONDS_PER_WEEK >= start && second_of_week + SECONDS_PER_WEEK < end))
            return TRUE;
        }
    }

  return FALSE;
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const gint64 *x = a, *y = b;

  return (x[0] > y[0]) - (x[0] < y[0]);
}

GArray *
lookout_maintenance_spans (const LookoutMaintenance *self,
                           gint64                    from_ms,
                           gint64                    to_ms,
                           GTimeZone                *tz)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autoptr(GArray) raw = NULL;
  GArray *spans;

  g_return_val_if_fail (self != NULL, NULL);

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();
  raw = g_array_new (FALSE, FALSE, 2 * sizeof (gint64));
  spans = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (to_ms <= from_ms)
    return spans;

  for (guint i = 0; i < self->windows->len; i++)
    {
      const Window *window = &g_array_index (self->windows, Window, i);

      if (window->days == 0)
        {
          gint64 span[2];

          once_range (window, tz, &span[0], &span[1]);
          if (span[1] > from_ms && span[0] < to_ms)
            g_array_append_val (raw, span);
          continue;
        }

      {
        /* A window starts on one of its days, at the latest a day before
         * the range, and lasts at most a day. */
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (from_ms / 1000 - 24 * 3600);
        g_autoptr(GDateTime) day = utc ? g_date_time_to_timezone (utc, tz) : NULL;

        for (guint n = 0; day != NULL && n < MAX_SPAN_DAYS; n++)
          {
            g_autoptr(GDateTime) next = NULL;
            gint64 span[2];
            int y, m, d;

            g_date_time_get_ymd (day, &y, &m, &d);
            span[0] = local_ms (tz, y, m, d, window->start_min);
            if (span[0] >= to_ms)
              break;
            span[1] = local_ms (tz, y, m, d, window->start_min + window->length_min);
            if ((window->days & (1 << (g_date_time_get_day_of_week (day) - 1))) &&
                span[1] > from_ms)
              g_array_append_val (raw, span);

            next = g_date_time_add_days (day, 1);
            g_clear_pointer (&day, g_date_time_unref);
            day = g_steal_pointer (&next);
          }
      }
    }

  g_array_sort (raw, compare_spans);
  for (guint i = 0; i < raw->len; i++)
    {
      const gint64 *span = (const gint64 *) (raw->data + i * 2 * sizeof (gint64));
      gint64 start = MAX (span[0], from_ms);
      gint64 end = MIN (span[1], to_ms);

      if (spans->len > 0 && start <= g_array_index (spans, gint64, spans->len - 1))
        {
          gint64 *last = &g_array_index (spans, gint64, spans->len - 1);

          *last = MAX (*last, end);
          continue;
        }
      g_array_append_val (spans, start);
      g_array_append_val (spans, end);
    }

  return spans;
}

LookoutMaintenance *
lookout_maintenance_new_for_target (LookoutTarget *target)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *options;
  JsonNode *root;
  JsonObject *object;
  const char *text;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), NULL);

  options = lookout_target_get_options (target);
  /* Most targets have none: no parse for them. */
  if (options == NULL || strstr (options, "\"maintenance\"") == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, options, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "maintenance") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "maintenance")) ||
      (text = json_object_get_string_member (object, "maintenance")) == NULL)
    return NULL;

  return lookout_maintenance_parse (text, NULL);
}

gboolean
lookout_target_in_maintenance (LookoutTarget *target,
                               gint64         ms)
{
  g_autoptr(LookoutMaintenance) maintenance = NULL;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), FALSE);

  maintenance = lookout_maintenance_new_for_target (target);

  return maintenance != NULL && lookout_maintenance_contains (maintenance, ms, NULL);
}
