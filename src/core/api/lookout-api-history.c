/* lookout-api-history.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/targets/{id}/history: the raw samples of [from, to), as the
 * CSV/JSON export writes them (the same rows of the store, latency in
 * seconds instead of milliseconds), or the minute, hour or day rollups the
 * plot draws long ranges from. Pages hold at most `limit` rows; the cursor
 * is the time of the first row of the next page. A month of minutes is
 * 43,200 rows, 5 MB of JSON: a long page goes out in parts, in chunked
 * encoding, while the worker writes the next. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-target-options.h"
#include "lookout-json.h"

#define DEFAULT_RANGE_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

typedef struct
{
  gint64                   id;
  char                    *uri;
  gint64                   from_ms;
  gint64                   to_ms;
  gint64                   start_ms;     /* from the cursor */
  gint64                   limit;
  gboolean                 raw;
  LookoutRollupResolution  resolution;
  const char              *step;
} History;

static void
history_free (History *history)
{
  g_free (history->uri);
  g_free (history);
}

static void
append_seconds_us (GString *out,
                   gint64   us)
{
  if (us < 0)
    g_string_append (out, "null");
  else
    lookout_api_append_micro (out, us);
}

/* At most what one rollup row takes, with its comma. */
#define ROLLUP_ROW_MAX (128 + 7 * LOOKOUT_API_PUT_MAX)

static char *
put_seconds_us (char   *p,
                gint64  us)
{
  return us < 0 ? LOOKOUT_API_PUT_LITERAL (p, "null") : lookout_api_put_micro (p, us);
}

/* A month of minutes is 43,200 rows: written into room reserved once,
 * without a length check or a strlen() per field. */
static void
append_rollups (GString             *out,
                const LookoutRollup *rows,
                guint                n,
                gboolean             first,
                LookoutApiDay       *day)
{
  gsize start = out->len;
  char *p;

  g_string_set_size (out, start + (gsize) n * ROLLUP_ROW_MAX);
  p = out->str + start;
  for (guint i = 0; i < n; i++)
    {
      const LookoutRollup *r = &rows[i];
      guint32 ok = r->n - MIN (r->n_fail, r->n);

      if (i > 0 || !first)
        *p++ = ',';
      p = LOOKOUT_API_PUT_LITERAL (p, "{\"time\":");
      p = lookout_api_put_time_in (p, r->bucket_ms, day);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"ts_ms\":");
      p = lookout_api_put_int (p, r->bucket_ms);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"count\":");
      p = lookout_api_put_int (p, r->n);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"failures\":");
      p = lookout_api_put_int (p, r->n_fail);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"min\":");
      p = put_seconds_us (p, ok > 0 ? r->min_us : -1);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"mean\":");
      p = put_seconds_us (p, ok > 0 ? r->sum_us / ok : -1);
      p = LOOKOUT_API_PUT_LITERAL (p, ",\"max\":");
      p = put_seconds_us (p, ok > 0 ? r->max_us : -1);
      *p++ = '}';
    }
  g_string_truncate (out, p - out->str);
}

static void
append_samples (GString             *out,
                const LookoutSample *samples,
                guint                n,
                gboolean             first)
{
  for (guint i = 0; i < n; i++)
    {
      const LookoutSample *s = &samples[i];

      if (i > 0 || !first)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"time\":");
      lookout_api_append_time (out, s->ts_ms);
      g_string_append (out, ",\"ts_ms\":");
      lookout_api_append_int (out, s->ts_ms);
      g_string_append (out, ",\"state\":\"");
      g_string_append (out, lookout_target_state_to_string (s->state));
      g_string_append (out, "\",\"latency\":");
      append_seconds_us (out, s->latency_us);
      g_string_append (out, ",\"code\":");
      lookout_api_append_int (out, s->code);
      g_string_append (out, ",\"error\":");
      if (s->error != NULL)
        lookout_json_append_string (out, s->error);
      else
        g_string_append (out, "null");
      g_string_append (out, ",\"location\":");
      lookout_json_append_string (out, s->location != NULL ? s->location : LOOKOUT_LOCATION_LOCAL);
      g_string_append_c (out, '}');
    }
}

/* A long page goes out in parts, the first one small, and is read from
 * the store a day at a time: the client reads the first rows while the
 * worker reads and writes the next. The slices' edges are whole days, so
 * whole buckets of every step: the rows are those of one read. */
#define FIRST_PART_ROWS 1024
#define PART_ROWS       4096
#define SLICE_MS        (86400 * G_GINT64_CONSTANT (1000))

typedef struct
{
  History          *h;
  LookoutApiStream *stream;
  GString          *out;
  LookoutApiDay     day;
  guint             written;     /* rows in the page so far */
  guint             in_part;     /* rows in @out */
  guint             part_rows;
  gint64            next;        /* the first row past the page, -1 none */
} Page;

static GArray *
read_slice (LookoutStore  *store,
            History       *h,
            gint64         from_ms,
            gint64         to_ms,
            GError       **error)
{
  if (h->raw)
    return lookout_store_query_samples_sync (store, h->id, from_ms, to_ms, NULL, error);
  return lookout_store_query_rollups_sync (store, h->id, h->resolution, from_ms, to_ms, NULL, error);
}

/* Writes what of @rows fits in the page; FALSE once the page is full. */
static gboolean
page_add_rows (Page   *page,
               GArray *rows)
{
  History *h = page->h;
  guint done = 0;

  while (done < rows->len)
    {
      guint count = MIN (rows->len - done, page->part_rows - page->in_part);

      if (page->written == h->limit)
        {
          page->next = h->raw ? g_array_index (rows, LookoutSample, done).ts_ms
                              : g_array_index (rows, LookoutRollup, done).bucket_ms;
          return FALSE;
        }
      count = MIN (count, (guint) (h->limit - page->written));
      if (h->raw)
        append_samples (page->out, &g_array_index (rows, LookoutSample, done), count, page->written == 0);
      else
        append_rollups (page->out, &g_array_index (rows, LookoutRollup, done), count,
                        page->written == 0, &page->day);
      done += count;
      page->written += count;
      page->in_part += count;
      if (page->in_part == page->part_rows)
        {
          lookout_api_stream_send (page->stream, page->out);
          page->part_rows = PART_ROWS;
          page->in_part = 0;
          page->out = g_string_sized_new ((gsize) PART_ROWS * 128);
        }
    }
  return TRUE;
}

static char *
history_thread (LookoutStore      *store,
                gpointer           data,
                LookoutApiStream  *stream,
                guint             *status,
                GError           **error)
{
  History *h = data;
  Page page = { h, stream, NULL, { -1 }, 0, 0, FIRST_PART_ROWS, -1 };
  gint64 slice = h->raw || h->resolution == LOOKOUT_ROLLUP_MINUTE ? SLICE_MS
                 : h->resolution == LOOKOUT_ROLLUP_HOUR ? 32 * SLICE_MS : 0;
  gint64 from = h->start_ms;

  page.out = g_string_sized_new (256 + (gsize) FIRST_PART_ROWS * 128);
  g_string_append_printf (page.out, "{\"id\":%" G_GINT64_FORMAT ",\"target\":", h->id);
  lookout_json_append_string (page.out, h->uri);
  g_string_append (page.out, ",\"from\":");
  lookout_api_append_time (page.out, h->from_ms);
  g_string_append (page.out, ",\"to\":");
  lookout_api_append_time (page.out, h->to_ms);
  g_string_append_printf (page.out, ",\"step\":\"%s\",\"%s\":[", h->step, h->raw ? "samples" : "rollups");

  while (from < h->to_ms)
    {
      gint64 to = slice > 0 && h->to_ms - from > slice ? (from / slice + 1) * slice : h->to_ms;
      g_autoptr(GArray) rows = read_slice (store, h, from, to, error);

      /* once a part is out, the answer can only be cut short */
      if (rows == NULL)
        {
          g_string_free (page.out, TRUE);
          return NULL;
        }
      if (!page_add_rows (&page, rows) || lookout_api_stream_is_closed (stream))
        break;
      from = to;
    }

  if (page.next >= 0)
    g_string_append_printf (page.out, "],\"next_cursor\":\"%" G_GINT64_FORMAT "\"}", page.next);
  else
    g_string_append (page.out, "],\"next_cursor\":null}");

  return g_string_free (page.out, FALSE);
}

void
lookout_api_handle_history (LookoutApiRequest *request)
{
  LookoutTarget *target = lookout_monitor_find_target (request->monitor, request->id);
  const char *step = g_hash_table_lookup (request->query, "step");
  const char *cursor = g_hash_table_lookup (request->query, "cursor");
  const char *limit = g_hash_table_lookup (request->query, "limit");
  g_autoptr(GError) error = NULL;
  History *h;

  if (target == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no target with the id %" PRId64),
                                                  request->id);

      lookout_api_reply_error (request->msg, SOUP_STATUS_NOT_FOUND, message);
      return;
    }

  h = g_new0 (History, 1);
  h->id = request->id;
  h->uri = g_strdup (lookout_target_get_uri_string (target));
  h->limit = LOOKOUT_API_PAGE_SIZE;
  h->raw = TRUE;
  h->step = "raw";

  if (step != NULL && !g_str_equal (step, "raw"))
    {
      static const struct { const char *step; LookoutRollupResolution resolution; } steps[] = {
        { "1m", LOOKOUT_ROLLUP_MINUTE }, { "1h", LOOKOUT_ROLLUP_HOUR }, { "1d", LOOKOUT_ROLLUP_DAY },
      };

      for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
        {
          if (g_str_equal (step, steps[i].step))
            {
              h->raw = FALSE;
              h->resolution = steps[i].resolution;
              h->step = steps[i].step;
            }
        }
      if (h->raw)
        {
          g_autofree char *shown = lookout_api_dup_shown (step);

          g_set_error (&error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                       _("“%s” is not a step: use raw, 1m, 1h or 1d"), shown);
          goto bad;
        }
    }

  if (!lookout_api_parse_range (request->query, request->now_ms, DEFAULT_RANGE_MS,
                                &h->from_ms, &h->to_ms, &error))
    goto bad;
  h->start_ms = h->from_ms;
  if (cursor != NULL &&
      !lookout_api_parse_count (cursor, "cursor", h->from_ms, h->to_ms, &h->start_ms, &error))
    goto bad;
  if (limit != NULL &&
      !lookout_api_parse_count (limit, "limit", 1, LOOKOUT_API_MAX_PAGE, &h->limit, &error))
    goto bad;

  lookout_api_request_stream_in_thread (request, history_thread, h, (GDestroyNotify) history_free);
  return;

bad:
  lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
  history_free (h);
}
