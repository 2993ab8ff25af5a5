/* lookout-api-request.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every handler shares: JSON answers and errors, the worker thread a
 * handler reading the store runs on, and the parsing of what a client sends
 * (durations, times, counts, ranges, a target's JSON). Everything here reads
 * untrusted text: tests/fuzz/fuzz-api-request.c covers it. */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-json.h"
#include "lookout-target-uri.h"

#define MAX_DURATION_MS (400 * 86400 * G_GINT64_CONSTANT (1000))

/* ---- answers ---- */

/* Takes @json. */
void
lookout_api_reply_text (SoupServerMessage *msg,
                        guint              status,
                        char              *json)
{
  gsize len = strlen (json);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json, len);
}

void
lookout_api_reply_json (SoupServerMessage *msg,
                        guint              status,
                        JsonNode          *node)
{
  lookout_api_reply_text (msg, status, lookout_json_to_string (node, FALSE));
}

void
lookout_api_reply_error (SoupServerMessage *msg,
                         guint              status,
                         const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  lookout_api_reply_json (msg, status, node);
}

/* An answer a worker writes, whole or in parts (then the parts go out in
 * chunked encoding as they are written, while the worker writes the next:
 * a month of minutes is 5 MB of JSON, and the client reads the first rows
 * while the last are being written). Parts cross to the main thread in
 * @parts, in order; each hand-over holds a reference to the task, so that
 * the job outlives the last one. */
typedef struct
{
  SoupServerMessage    *msg;
  LookoutApiThreadFunc  func;
  LookoutApiStreamFunc  stream_func;
  gpointer              data;
  GDestroyNotify        destroy;
  LookoutStore         *store;
  const char           *content_type;
  gboolean              gzip;
  guint                 status;
  gint                  finished;    /* atomic: the worker reads it too */
  GMainContext         *context;
  GAsyncQueue          *parts;       /* GBytes, worker to main thread */
  gboolean              started;     /* main thread: the first part was sent */
} ThreadJob;

struct _LookoutApiStream
{
  GTask     *task;
  ThreadJob *job;
};

static void
thread_job_free (ThreadJob *job)
{
  if (job->destroy != NULL)
    job->destroy (job->data);
  g_clear_object (&job->store);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->parts, g_async_queue_unref);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_free (job);
}

/* Main thread: what the worker has written so far goes out. */
static void
send_parts (ThreadJob *job)
{
  SoupMessageBody *body = soup_server_message_get_response_body (job->msg);
  gboolean sent = FALSE;
  GBytes *part;

  while ((part = g_async_queue_try_pop (job->parts)) != NULL)
    {
      if (!job->finished)
        {
          if (!job->started)
            {
              SoupMessageHeaders *headers = soup_server_message_get_response_headers (job->msg);

              job->started = TRUE;
              soup_server_message_set_status (job->msg, SOUP_STATUS_OK, NULL);
              soup_message_headers_replace (headers, "Content-Type", job->content_type);
              soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
              /* what is written is dropped, not kept for the whole answer */
              soup_message_body_set_accumulate (body, FALSE);
              soup_message_body_truncate (body);
            }
          soup_message_body_append_bytes (body, part);
          sent = TRUE;
        }
      g_bytes_unref (part);
    }
  if (sent)
    soup_server_message_unpause (job->msg);
}

static gboolean
send_parts_cb (gpointer data)
{
  send_parts (g_task_get_task_data (data));
  return G_SOURCE_REMOVE;
}

void
lookout_api_stream_send (LookoutApiStream *stream,
                         GString          *text)
{
  gsize len = text->len;

  g_async_queue_push (stream->job->parts, g_bytes_new_take (g_string_free (text, FALSE), len));
  g_main_context_invoke_full (stream->job->context, G_PRIORITY_DEFAULT, send_parts_cb,
                              g_object_ref (stream->task), g_object_unref);
}

gboolean
lookout_api_stream_is_closed (LookoutApiStream *stream)
{
  return g_atomic_int_get (&stream->job->finished);
}

/* @text as one gzip member, at zlib's fastest level: Prometheus text
 * shrinks about tenfold at it, in a fraction of the time a higher level
 * takes. */
static GBytes *
gzip_text (const char *text,
           gsize       len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  GByteArray *out = g_byte_array_new ();
  gsize in_done = 0, out_len = 0;
  GConverterResult result;

  g_byte_array_set_size (out, len / 4 + 4096);

  do
    {
      gsize read = 0, written = 0;
      g_autoptr(GError) error = NULL;

      if (out->len - out_len < 4096)
        g_byte_array_set_size (out, out->len * 2);
      result = g_converter_convert (G_CONVERTER (compressor), text + in_done, len - in_done,
                                    out->data + out_len, out->len - out_len,
                                    G_CONVERTER_INPUT_AT_END, &read, &written, &error);
      /* in memory, with room to write, zlib fails only without memory */
      if (result == G_CONVERTER_ERROR)
        g_error ("Could not compress an answer: %s", error->message);
      in_done += read;
      out_len += written;
    }
  while (result != G_CONVERTER_FINISHED);
  g_byte_array_set_size (out, out_len);
  return g_byte_array_free_to_bytes (out);
}

/* The API's own workers: GTask's shared pool can be queued full (a
 * monitor starting over ten thousand targets backfills each one's anomaly
 * detector there), and a scrape must not wait behind that. */
/* The pool's reference to the task is dropped by job_done_cb(), so that the
 * job (a message, the store) is always freed on the main thread. */
static void
job_thread (gpointer data,
            gpointer pool_data)
{
  GTask *task = data;
  ThreadJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  char *text;

  job->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  if (job->stream_func != NULL)
    {
      LookoutApiStream stream = { task, job };

      text = job->stream_func (job->store, job->data, &stream, &job->status, &error);
    }
  else
    text = job->func (job->store, job->data, &job->status, &error);
  if (text == NULL)
    g_task_return_error (task, error);
  else if (job->gzip)
    {
      GBytes *body = gzip_text (text, strlen (text));

      g_free (text);
      g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
    }
  else
    g_task_return_pointer (task, g_bytes_new_take (text, strlen (text)), (GDestroyNotify) g_bytes_unref);
}

static GThreadPool *
api_workers (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (job_thread, NULL, 2, FALSE, NULL));
  return pool;
}

static void
message_finished_cb (SoupServerMessage *msg,
                     ThreadJob         *job)
{
  g_atomic_int_set (&job->finished, TRUE);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ThreadJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) pool_ref = G_TASK (result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = g_task_propagate_pointer (G_TASK (result), &error);
  if (job->parts != NULL)
    send_parts (job);
  g_signal_handlers_disconnect_by_func (job->msg, message_finished_cb, job);
  if (job->finished)
    return;

  if (job->started)
    {
      SoupMessageBody *response = soup_server_message_get_response_body (job->msg);

      /* too late for an error's status: the connection is cut, so that
       * the client sees the answer fail instead of ending early */
      if (body == NULL)
        {
          g_autoptr(GIOStream) connection = NULL;

          g_warning ("An answer was cut short: %s", error->message);
          connection = soup_server_message_steal_connection (job->msg);
          if (connection != NULL)
            g_io_stream_close (connection, NULL, NULL);
          return;
        }
      if (g_bytes_get_size (body) > 0)
        soup_message_body_append_bytes (response, body);
      soup_message_body_complete (response);
    }
  else if (body != NULL)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (job->msg);

      SoupMessageBody *response = soup_server_message_get_response_body (job->msg);

      /* the worker's buffer as it is, not a copy of megabytes here */
      soup_server_message_set_status (job->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (headers, "Content-Type", job->content_type);
      if (job->gzip)
        soup_message_headers_replace (headers, "Content-Encoding", "gzip");
      soup_message_body_truncate (response);
      soup_message_body_append_bytes (response, body);
    }
  else
    lookout_api_reply_error (job->msg, job->status, error->message);
  soup_server_message_unpause (job->msg);
}

void
lookout_api_request_run_in_thread (LookoutApiRequest    *request,
                                   LookoutApiThreadFunc  func,
                                   gpointer              data,
                                   GDestroyNotify        destroy)
{
  lookout_api_request_run_in_thread_full (request, func, data, destroy, "application/json", FALSE);
}

/* Whether the client takes a gzip body (Accept-Encoding, RFC 9110 12.5.3:
 * "gzip" or "x-gzip" or "*" without q=0). */
static gboolean
accepts_gzip (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept-Encoding");
  GSList *unacceptable = NULL;
  GSList *acceptable;
  gboolean gzip = FALSE;

  if (header == NULL)
    return FALSE;
  acceptable = soup_header_parse_quality_list (header, &unacceptable);
  for (GSList *l = acceptable; l != NULL && !gzip; l = l->next)
    gzip = g_ascii_strcasecmp (l->data, "gzip") == 0 || g_ascii_strcasecmp (l->data, "x-gzip") == 0 ||
           (g_str_equal (l->data, "*") &&
            !g_slist_find_custom (unacceptable, "gzip", (GCompareFunc) g_ascii_strcasecmp));
  soup_header_free_list (acceptable);
  soup_header_free_list (unacceptable);
  return gzip;
}

static void
start_job (LookoutApiRequest *request,
           ThreadJob         *job,
           gpointer           data,
           GDestroyNotify     destroy)
{
  g_autoptr(GTask) task = NULL;

  job->msg = g_object_ref (request->msg);
  job->data = data;
  job->destroy = destroy;
  job->store = g_object_ref (lookout_monitor_get_store (request->monitor));

  g_signal_connect (job->msg, "finished", G_CALLBACK (message_finished_cb), job);
  soup_server_message_pause (request->msg);

  task = g_task_new (request->server, NULL, job_done_cb, NULL);
  g_task_set_source_tag (task, lookout_api_request_run_in_thread);
  g_task_set_task_data (task, job, (GDestroyNotify) thread_job_free);
  g_thread_pool_push (api_workers (), g_steal_pointer (&task), NULL);
}

void
lookout_api_request_run_in_thread_full (LookoutApiRequest    *request,
                                        LookoutApiThreadFunc  func,
                                        gpointer              data,
                                        GDestroyNotify        destroy,
                                        const char           *content_type,
                                        gboolean              compress)
{
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->func = func;
  if (compress)
    {
      /* the same URL answers differently by the request's header */
      soup_message_headers_append (soup_server_message_get_response_headers (request->msg),
                                   "Vary", "Accept-Encoding");
      job->gzip = accepts_gzip (request->msg);
    }

  job->content_type = content_type;
  start_job (request, job, data, destroy);
}

void
lookout_api_request_stream_in_thread (LookoutApiRequest    *request,
                                      LookoutApiStreamFunc  func,
                                      gpointer              data,
                                      GDestroyNotify        destroy)
{
  ThreadJob *job = g_new0 (ThreadJob, 1);

  job->stream_func = func;
  job->content_type = "application/json";
  job->parts = g_async_queue_new_full ((GDestroyNotify) g_bytes_unref);
  job->context = g_main_context_ref_thread_default ();
  start_job (request, job, data, destroy);
}


/* ---- times ---- */

char *
lookout_api_format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autofree char *whole = NULL;

  /* always with milliseconds, as the export writes times */
  if (utc == NULL)
    return g_strdup ("1970-01-01T00:00:00.000Z");
  whole = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", whole, (int) (ms % 1000));
}

/* The same text as lookout_api_format_time(), quoted, without a GDateTime
 * or printf: for pages of many thousands of rows. Days to a civil date as
 * in Howard Hinnant's "chrono-compatible low-level date algorithms". */
char *
lookout_api_put_time (char   *p,
                      gint64  ms)
{
  gint64 days, rest, era, year;
  guint doe, yoe, doy, mp, month, day;
  guint fields[6];

  if (ms < 0 || ms > G_GINT64_CONSTANT (253402300799999))
    ms = 0;
  days = ms / 86400000;
  rest = ms % 86400000;
  days += 719468;
  era = days / 146097;
  doe = (guint) (days - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2);

  fields[0] = month;
  fields[1] = day;
  fields[2] = rest / 3600000;
  fields[3] = rest / 60000 % 60;
  fields[4] = rest / 1000 % 60;
  fields[5] = rest % 1000;

  *p++ = '"';
  *p++ = '0' + year / 1000 % 10;
  *p++ = '0' + year / 100 % 10;
  *p++ = '0' + year / 10 % 10;
  *p++ = '0' + year % 10;
  for (guint i = 0; i < 5; i++)
    {
      *p++ = "--T::"[i];
      *p++ = '0' + fields[i] / 10;
      *p++ = '0' + fields[i] % 10;
    }
  *p++ = '.';
  *p++ = '0' + fields[5] / 100;
  *p++ = '0' + fields[5] / 10 % 10;
  *p++ = '0' + fields[5] % 10;
  *p++ = 'Z';
  *p++ = '"';
  return p;
}

static const char digit_pairs[201] =
  "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
  "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
  "8081828384858687888990919293949596979899";

char *
lookout_api_put_int (char   *p,
                     gint64  value)
{
  char buf[24];
  int i = sizeof buf;
  guint64 v = value < 0 ? -(guint64) value : (guint64) value;

  /* two digits a division: a page of rows holds hundreds of thousands */
  while (v >= 100)
    {
      guint pair = (guint) (v % 100);

      v /= 100;
      i -= 2;
      memcpy (buf + i, digit_pairs + 2 * pair, 2);
    }
  if (v >= 10)
    {
      i -= 2;
      memcpy (buf + i, digit_pairs + 2 * v, 2);
    }
  else
    buf[--i] = '0' + v;
  if (value < 0)
    buf[--i] = '-';
  memcpy (p, buf + i, sizeof buf - i);
  return p + sizeof buf - i;
}

/* The quote and date of the last day written, so that the rows of one day
 * compute only their time of day. */
char *
lookout_api_put_time_in (char          *p,
                         gint64         ms,
                         LookoutApiDay *day)
{
  guint rest;

  if (ms < 0 || ms > G_GINT64_CONSTANT (253402300799999))
    return lookout_api_put_time (p, ms);
  if (ms / 86400000 != day->day)
    {
      lookout_api_put_time (day->prefix, ms - ms % 86400000);
      day->day = ms / 86400000;
    }
  memcpy (p, day->prefix, 12);
  p += 12;
  rest = (guint) (ms % 86400000);
  memcpy (p, digit_pairs + 2 * (rest / 3600000), 2);
  p[2] = ':';
  memcpy (p + 3, digit_pairs + 2 * (rest / 60000 % 60), 2);
  p[5] = ':';
  memcpy (p + 6, digit_pairs + 2 * (rest / 1000 % 60), 2);
  p[8] = '.';
  p[9] = '0' + rest % 1000 / 100;
  memcpy (p + 10, digit_pairs + 2 * (rest % 100), 2);
  p[12] = 'Z';
  p[13] = '"';
  return p + 14;
}

char *
lookout_api_put_micro (char   *p,
                       gint64  micro)
{
  guint64 v = micro < 0 ? -(guint64) micro : (guint64) micro;
  guint part = (guint) (v % 1000000);
  int len = 6;

  if (micro < 0)
    *p++ = '-';
  /* latencies are mostly below a second */
  if (v < 1000000)
    *p++ = '0';
  else
    p = lookout_api_put_int (p, (gint64) (v / 1000000));
  if (part == 0)
    return p;
  *p++ = '.';
  memcpy (p, digit_pairs + 2 * (part / 10000), 2);
  memcpy (p + 2, digit_pairs + 2 * (part / 100 % 100), 2);
  memcpy (p + 4, digit_pairs + 2 * (part % 100), 2);
  while (p[len - 1] == '0')
    len--;
  return p + len;
}

/* As lookout_json_append_string() writes it. */
char *
lookout_api_put_string (char       *p,
                        const char *text)
{
  static const char hex[] = "0123456789abcdef";

  *p++ = '"';
  for (const guchar *c = (const guchar *) text; *c != '\0'; c++)
    {
      if (*c >= 0x20 && *c != '"' && *c != '\\')
        {
          *p++ = *c;
          continue;
        }
      *p++ = '\\';
      switch (*c)
        {
        case '"':  *p++ = '"'; break;
        case '\\': *p++ = '\\'; break;
        case '\b': *p++ = 'b'; break;
        case '\f': *p++ = 'f'; break;
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\t': *p++ = 't'; break;
        default:
          *p++ = 'u';
          *p++ = '0';
          *p++ = '0';
          *p++ = hex[*c >> 4];
          *p++ = hex[*c & 0xf];
        }
    }
  *p++ = '"';
  return p;
}

/* As lookout_json_append_double() writes it ("%.15g"), without printf for
 * the whole numbers most figures are (an availability of 100). */
char *
lookout_api_put_double (char   *p,
                        double  value)
{
  if (!isfinite (value))
    {
      memcpy (p, "null", 4);
      return p + 4;
    }
  if (value == (double) (gint64) value && fabs (value) < 1e15 && !(value == 0 && signbit (value)))
    return lookout_api_put_int (p, (gint64) value);
  g_ascii_formatd (p, G_ASCII_DTOSTR_BUF_SIZE, "%.15g", value);
  return p + strlen (p);
}

void
lookout_api_append_time (GString *out,
                         gint64   ms)
{
  char buf[LOOKOUT_API_PUT_MAX];

  g_string_append_len (out, buf, lookout_api_put_time (buf, ms) - buf);
}

void
lookout_api_append_int (GString *out,
                        gint64   value)
{
  char buf[LOOKOUT_API_PUT_MAX];

  g_string_append_len (out, buf, lookout_api_put_int (buf, value) - buf);
}

void
lookout_api_append_micro (GString *out,
                          gint64   micro)
{
  char buf[LOOKOUT_API_PUT_MAX];

  g_string_append_len (out, buf, lookout_api_put_micro (buf, micro) - buf);
}

gboolean
lookout_api_parse_page (GHashTable      *query,
                        LookoutApiPage  *out_page,
                        GError         **error)
{
  const char *since = g_hash_table_lookup (query, "since");
  const char *target = g_hash_table_lookup (query, "target");
  const char *cursor = g_hash_table_lookup (query, "cursor");
  const char *limit = g_hash_table_lookup (query, "limit");

  *out_page = (LookoutApiPage) { .since_ms = 0, .target_id = -1, .cursor = 0, .limit = 100 };

  return (since == NULL || lookout_api_parse_time (since, &out_page->since_ms, error)) &&
         (target == NULL || lookout_api_parse_count (target, "target", 1, G_MAXINT64, &out_page->target_id, error)) &&
         (cursor == NULL || lookout_api_parse_count (cursor, "cursor", 0, G_MAXINT64, &out_page->cursor, error)) &&
         (limit == NULL || lookout_api_parse_count (limit, "limit", 1, 1000, &out_page->limit, error));
}

void
lookout_api_add_next_cursor (JsonBuilder *builder,
                             gboolean     more,
                             gint64       cursor)
{
  json_builder_set_member_name (builder, "next_cursor");
  if (more)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

void
lookout_api_add_time (JsonBuilder *builder,
                      const char  *member,
                      gint64       ms)
{
  json_builder_set_member_name (builder, member);
  if (ms > 0)
    {
      g_autofree char *text = lookout_api_format_time (ms);

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
}

void
lookout_api_add_seconds_us (JsonBuilder *builder,
                            const char  *member,
                            gint64       us)
{
  json_builder_set_member_name (builder, member);
  if (us >= 0)
    json_builder_add_double_value (builder, us / 1e6);
  else
    json_builder_add_null_value (builder);
}

/* ---- parameters ---- */

char *
lookout_api_dup_shown (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

  if (g_utf8_strlen (valid, -1) <= 64)
    return g_steal_pointer (&valid);
  *g_utf8_offset_to_pointer (valid, 64) = '\0';
  return g_strconcat (valid, "…", NULL);
}

gboolean
lookout_api_parse_count (const char  *text,
                         const char  *what,
                         gint64       min,
                         gint64       max,
                         gint64      *out_value,
                         GError     **error)
{
  gint64 value = 0;

  if (text == NULL || *text == '\0')
    goto bad;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || value > (G_MAXINT64 - 9) / 10)
        goto bad;
      value = value * 10 + (*p - '0');
    }
  if (value < min || value > max)
    goto bad;

  *out_value = value;
  return TRUE;

bad:
  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
               _("“%s” must be a whole number from %" PRId64 " to %" PRId64),
               what, min, max);
  return FALSE;
}

gboolean
lookout_api_parse_duration (const char  *text,
                            gint64      *out_ms,
                            GError     **error)
{
  static const struct { char unit; gint64 ms; } units[] = {
    { 's', 1000 }, { 'm', 60 * 1000 }, { 'h', 3600 * 1000 },
    { 'd', 86400 * 1000 }, { 'w', 7 * 86400 * 1000 },
  };
  gsize len = text ? strlen (text) : 0;
  gint64 count = 0;

  if (len >= 2 && len <= 12)
    {
      g_autofree char *digits = g_strndup (text, len - 1);

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        {
          if (text[len - 1] != units[i].unit)
            continue;
          if (!lookout_api_parse_count (digits, "range", 1, MAX_DURATION_MS, &count, NULL) ||
              count > MAX_DURATION_MS / units[i].ms)
            break;
          *out_ms = count * units[i].ms;
          return TRUE;
        }
    }

  g_autofree char *shown = lookout_api_dup_shown (text);

  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
               _("“%s” is not a duration: write a number and a unit, s, m, h, d or w "
                 "(“24h”, “7d”), up to 400 days"),
               shown);
  return FALSE;
}

gboolean
lookout_api_parse_time (const char  *text,
                        gint64      *out_ms,
                        GError     **error)
{
  g_autoptr(GDateTime) when = NULL;

  if (text != NULL && *text != '\0' && strlen (text) <= 40)
    {
      if (g_ascii_isdigit (text[0]) && strchr (text, '-') == NULL)
        return lookout_api_parse_count (text, "time", 0, G_GINT64_CONSTANT (253402300799999),
                                        out_ms, error);

      /* a zone is required: a time without one would depend on the server's */
      when = g_date_time_new_from_iso8601 (text, NULL);
      if (when != NULL)
        {
          *out_ms = g_date_time_to_unix (when) * 1000 + g_date_time_get_microsecond (when) / 1000;
          if (*out_ms >= 0)
            return TRUE;
        }
    }

  g_autofree char *shown = lookout_api_dup_shown (text);

  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
               _("“%s” is not a time: write RFC 3339 with a zone (“2026-01-02T03:04:05Z”) "
                 "or milliseconds since 1970"),
               shown);
  return FALSE;
}

gboolean
lookout_api_parse_range (GHashTable  *query,
                         gint64       now_ms,
                         gint64       default_ms,
                         gint64      *out_from_ms,
                         gint64      *out_to_ms,
                         GError     **error)
{
  const char *range = g_hash_table_lookup (query, "range");
  const char *from = g_hash_table_lookup (query, "from");
  const char *to = g_hash_table_lookup (query, "to");
  gint64 from_ms, to_ms = now_ms, length = default_ms;

  if (range != NULL && (from != NULL))
    {
      g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("Give either “range” or “from”, not both"));
      return FALSE;
    }
  if (to != NULL && !lookout_api_parse_time (to, &to_ms, error))
    return FALSE;
  if (range != NULL && !lookout_api_parse_duration (range, &length, error))
    return FALSE;
  if (from != NULL)
    {
      if (!lookout_api_parse_time (from, &from_ms, error))
        return FALSE;
    }
  else
    from_ms = to_ms - length;

  if (from_ms >= to_ms)
    {
      g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("“from” must be before “to”"));
      return FALSE;
    }

  *out_from_ms = from_ms;
  *out_to_ms = to_ms;
  return TRUE;
}

/* ---- a target's JSON ---- */

static gboolean
read_uint_member (JsonObject  *object,
                  const char  *member,
                  double       scale,
                  guint       *out_value,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  double value;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 ||
       json_node_get_value_type (node) == G_TYPE_DOUBLE))
    {
      value = json_node_get_double (node) * scale;
      if (value >= 0 && value <= G_MAXUINT)
        {
          *out_value = (guint) (value + 0.5);
          return TRUE;
        }
    }

  g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
               _("“%s” must be a number"), member);
  return FALSE;
}

static const char *known_members[] = {
  "uri", "kind", "name", "interval", "timeout", "fail_threshold", "enabled", "options",
  /* read-only members a client may send back unchanged */
  "id", "created_at", "state", "state_since", "last_check", "last_latency", "last_error",
  "address", "location",
};

LookoutTarget *
lookout_api_parse_target (const char     *body,
                          gsize           len,
                          LookoutTarget  *base,
                          GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *uri_text = NULL;
  guint interval, timeout_ms, threshold;

  if (body == NULL || len == 0 || !json_parser_load_from_data (parser, body, len, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      /* json-glib may quote the body cut inside a character */
      g_autofree char *reason = g_utf8_make_valid (local_error ? local_error->message
                                                               : _("it is empty or not an object"), -1);

      g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                   _("The body must be a JSON object: %s"), reason);
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (known_members); i++)
        known |= g_str_equal (l->data, known_members[i]);
      if (!known)
        {
          g_autofree char *shown = lookout_api_dup_shown (l->data);

          g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                       _("Unknown member “%s” in the target"), shown);
          return NULL;
        }
    }

  node = json_object_get_member (object, "uri");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                               _("“uri” must be a string"));
          return NULL;
        }
      uri_text = json_node_get_string (node);
    }
  else if (base == NULL)
    {
      g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("A new target needs its address in “uri”"));
      return NULL;
    }

  if (uri_text != NULL)
    {
      const char *kind_text = json_object_get_string_member_with_default (object, "kind", NULL);

      if (kind_text != NULL)
        {
          LookoutTargetKind kind = LOOKOUT_TARGET_N_KINDS, out_kind;

          for (guint k = 0; k < LOOKOUT_TARGET_N_KINDS; k++)
            if (g_str_equal (kind_text, lookout_target_kind_to_string (k)))
              kind = k;
          if (kind == LOOKOUT_TARGET_N_KINDS)
            {
              g_autofree char *shown = lookout_api_dup_shown (kind_text);

              g_set_error (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                           _("Unknown kind “%s”"), shown);
              return NULL;
            }
          uri = lookout_target_uri_parse_for_kind (kind, uri_text, &out_kind, error);
        }
      else
        uri = lookout_target_uri_parse (uri_text, error);
      if (uri == NULL)
        return NULL;
    }
  else
    uri = lookout_target_uri_ref (lookout_target_get_uri (base));

  target = lookout_target_new (uri);
  if (base != NULL)
    {
      lookout_target_set_name (target, lookout_target_get_name (base));
      lookout_target_set_interval (target, lookout_target_get_interval (base));
      lookout_target_set_timeout (target, lookout_target_get_timeout (base));
      lookout_target_set_fail_threshold (target, lookout_target_get_fail_threshold (base));
      lookout_target_set_enabled (target, lookout_target_get_enabled (base));
      lookout_target_set_options (target, lookout_target_get_options (base));
    }

  node = json_object_get_member (object, "name");
  if (node != NULL)
    {
      const char *name = NULL;

      if (!JSON_NODE_HOLDS_NULL (node))
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                                   _("“name” must be a string"));
              return NULL;
            }
          name = json_node_get_string (node);
        }
      /* as in the dialog, an empty name means "named after the address" */
      if (name != NULL && *name != '\0')
        {
          if (!lookout_target_validate_name (name, error))
            return NULL;
          lookout_target_set_name (target, name);
        }
      else
        {
          g_autofree char *display = lookout_target_uri_dup_display_name (uri);

          lookout_target_set_name (target, display);
        }
    }

  interval = lookout_target_get_interval (target);
  timeout_ms = lookout_target_get_timeout (target);
  threshold = lookout_target_get_fail_threshold (target);
  if (!read_uint_member (object, "interval", 1, &interval, error) ||
      !read_uint_member (object, "timeout", 1000, &timeout_ms, error) ||
      !read_uint_member (object, "fail_threshold", 1, &threshold, error) ||
      !lookout_target_validate_interval (interval, error) ||
      !lookout_target_validate_timeout (timeout_ms, error) ||
      !lookout_target_validate_fail_threshold (threshold, error) ||
      !lookout_target_fit_timeout (lookout_target_get_kind (target), interval, &timeout_ms,
                                   json_object_has_member (object, "timeout"), error))
    return NULL;
  lookout_target_set_interval (target, interval);
  lookout_target_set_timeout (target, timeout_ms);
  lookout_target_set_fail_threshold (target, threshold);

  node = json_object_get_member (object, "enabled");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                               _("“enabled” must be true or false"));
          return NULL;
        }
      lookout_target_set_enabled (target, json_node_get_boolean (node));
    }

  node = json_object_get_member (object, "options");
  if (node != NULL)
    {
      g_autofree char *options = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error_literal (error, LOOKOUT_API_ERROR, LOOKOUT_API_ERROR_INVALID,
                               _("“options” must be a JSON object"));
          return NULL;
        }
      options = lookout_json_to_string (node, FALSE);
      if (!lookout_target_validate_options (options, error))
        return NULL;
      lookout_target_set_options (target, options);
    }

  return g_steal_pointer (&target);
}
