/* lookout-api-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lookout-api-metrics.h"
#include "lookout-api-server.h"
#include "lookout-monitor.h"

G_BEGIN_DECLS

/* Limits of what a client may send. */
#define LOOKOUT_API_MAX_QUERY   4096
#define LOOKOUT_API_MAX_BODY    (64 * 1024)
#define LOOKOUT_API_PAGE_SIZE   1000
#define LOOKOUT_API_MAX_PAGE    50000
/* /api/v1/status's default range: the monitor keeps it in memory. */
#define LOOKOUT_API_STATUS_RANGE_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

/* One request, from routing until its response is set. A handler either
 * answers at once or pauses the message and answers later
 * (lookout_api_request_run_in_thread()). */
typedef struct
{
  LookoutApiServer  *server;
  LookoutMonitor    *monitor;
  LookoutApiMetrics *metrics;
  SoupServerMessage *msg;
  GHashTable        *query;     /* decoded query string, never NULL */
  gint64             id;        /* the {id} of the path, 0 when none */
  gint64             now_ms;
} LookoutApiRequest;

typedef void (*LookoutApiHandler) (LookoutApiRequest *request);

/* Worker-thread part of a request: returns the JSON text to send, or NULL
 * with *status and @error set. Must not touch GObjects of the main thread. */
typedef char     *(*LookoutApiThreadFunc) (LookoutStore  *store,
                                           gpointer       data,
                                           guint         *status,
                                           GError       **error);

/* The worker's side of an answer written in parts. */
typedef struct _LookoutApiStream LookoutApiStream;

/* As LookoutApiThreadFunc, but it may hand the text over in parts with
 * lookout_api_stream_send() before it returns the last one. The first part
 * commits the answer to 200 OK: a failure (NULL, *status, @error) after it
 * cuts the connection. */
typedef char     *(*LookoutApiStreamFunc) (LookoutStore      *store,
                                           gpointer           data,
                                           LookoutApiStream  *stream,
                                           guint             *status,
                                           GError           **error);

/* ---- lookout-api-request.c: answers and the parsing of parameters ---- */

void      lookout_api_reply_json          (SoupServerMessage  *msg,
                                           guint               status,
                                           JsonNode           *node);
/* {"error": {"code": STATUS, "message": MESSAGE}} */
void      lookout_api_reply_text          (SoupServerMessage  *msg,
                                           guint               status,
                                           char               *json);
void      lookout_api_reply_error         (SoupServerMessage  *msg,
                                           guint               status,
                                           const char         *message);
void      lookout_api_request_run_in_thread (LookoutApiRequest    *request,
                                             LookoutApiThreadFunc  func,
                                             gpointer              data,
                                             GDestroyNotify        destroy);
/* The same with another content type than JSON; with @compress, the text
 * is gzipped on the worker thread when the client accepts it. */
void      lookout_api_request_run_in_thread_full (LookoutApiRequest    *request,
                                                  LookoutApiThreadFunc  func,
                                                  gpointer              data,
                                                  GDestroyNotify        destroy,
                                                  const char           *content_type,
                                                  gboolean              compress);

/* A large answer that goes out in chunked encoding while the worker still
 * writes it: parts sent with lookout_api_stream_send() (which takes @text),
 * the worker's return value last. */
void      lookout_api_request_stream_in_thread (LookoutApiRequest    *request,
                                                LookoutApiStreamFunc  func,
                                                gpointer              data,
                                                GDestroyNotify        destroy);
void      lookout_api_stream_send         (LookoutApiStream   *stream,
                                           GString            *text);
/* Whether the client has gone: the rest need not be written. */
gboolean  lookout_api_stream_is_closed    (LookoutApiStream   *stream);

/* "30s", "15m", "24h", "7d", "2w" -> ms; at most 400 days. */
gboolean  lookout_api_parse_duration      (const char   *text,
                                           gint64       *out_ms,
                                           GError      **error);
/* RFC 3339 ("2026-01-02T03:04:05Z") or integer ms since the epoch. */
gboolean  lookout_api_parse_time          (const char   *text,
                                           gint64       *out_ms,
                                           GError      **error);
/* A decimal count in [min, max]; @what names the parameter in the message. */
gboolean  lookout_api_parse_count         (const char   *text,
                                           const char   *what,
                                           gint64        min,
                                           gint64        max,
                                           gint64       *out_value,
                                           GError      **error);
/* ?range= or ?from=&to=, relative to @now_ms; default range @default_ms. */
gboolean  lookout_api_parse_range         (GHashTable   *query,
                                           gint64        now_ms,
                                           gint64        default_ms,
                                           gint64       *out_from_ms,
                                           gint64       *out_to_ms,
                                           GError      **error);
/* The parameters of a paged list: ?since= (a time), ?target= (an id),
 * ?cursor= (from the previous page) and ?limit= (default 100, at most
 * 1,000); target_id is -1 and cursor 0 when not given. */
typedef struct
{
  gint64 since_ms;
  gint64 target_id;
  gint64 cursor;
  gint64 limit;
} LookoutApiPage;

gboolean  lookout_api_parse_page          (GHashTable     *query,
                                           LookoutApiPage *out_page,
                                           GError        **error);
/* A target's JSON body: fields of @base are kept where the body says
 * nothing (PATCH); @base NULL means a new target, which needs "uri". The
 * same validation and sentences as the Add Target dialog. */
LookoutTarget *lookout_api_parse_target   (const char    *body,
                                           gsize          len,
                                           LookoutTarget *base,
                                           GError       **error);
/* What a client sent, fit for a message: valid UTF-8, at most 64 characters. */
char     *lookout_api_dup_shown           (const char   *text);
char     *lookout_api_format_time         (gint64        ms);
/* Room enough for what one lookout_api_put_*() writes. */
#define LOOKOUT_API_PUT_MAX 32
/* A string literal written at @p without its NUL: the end. */
#define LOOKOUT_API_PUT_LITERAL(p, text) (memcpy ((p), (text), sizeof (text) - 1), (p) + sizeof (text) - 1)
/* Write at @p, without a terminating NUL, and return the end: for rows
 * written straight into a buffer reserved once for a whole page. */
char     *lookout_api_put_time            (char         *p,
                                           gint64        ms);
char     *lookout_api_put_int             (char         *p,
                                           gint64        value);
/* lookout_api_put_time() for rows in time order: the date is written
 * once a day. Start with day = -1. */
typedef struct
{
  gint64 day;
  char   prefix[LOOKOUT_API_PUT_MAX];
} LookoutApiDay;

char     *lookout_api_put_time_in         (char          *p,
                                           gint64         ms,
                                           LookoutApiDay *day);
char     *lookout_api_put_micro           (char         *p,
                                           gint64        micro);
/* JSON text: at most 6 bytes a byte of @text, and its quotes. */
char     *lookout_api_put_string          (char         *p,
                                           const char   *text);
/* At most G_ASCII_DTOSTR_BUF_SIZE bytes. */
char     *lookout_api_put_double          (char         *p,
                                           double        value);
void      lookout_api_append_time         (GString      *out,
                                           gint64        ms);
void      lookout_api_append_int          (GString      *out,
                                           gint64        value);
/* A value kept in millionths (microseconds as seconds, ratios), written
 * exactly and without a floating-point conversion: 42500 -> "0.0425". */
void      lookout_api_append_micro        (GString      *out,
                                           gint64        micro);
/* "next_cursor": the text of @cursor when @more, else null. */
void      lookout_api_add_next_cursor     (JsonBuilder  *builder,
                                           gboolean      more,
                                           gint64        cursor);
void      lookout_api_add_time            (JsonBuilder  *builder,
                                           const char   *member,
                                           gint64        ms);
void      lookout_api_add_seconds_us      (JsonBuilder  *builder,
                                           const char   *member,
                                           gint64        us);

/* ---- one file per group of resources ---- */

void      lookout_api_handle_status       (LookoutApiRequest *request);
void      lookout_api_handle_targets_list (LookoutApiRequest *request);
void      lookout_api_handle_targets_create (LookoutApiRequest *request);
void      lookout_api_handle_target_get   (LookoutApiRequest *request);
void      lookout_api_handle_target_patch (LookoutApiRequest *request);
void      lookout_api_handle_target_delete (LookoutApiRequest *request);
void      lookout_api_handle_history      (LookoutApiRequest *request);
void      lookout_api_handle_path         (LookoutApiRequest *request);
void      lookout_api_handle_events       (LookoutApiRequest *request);
void      lookout_api_handle_anomalies    (LookoutApiRequest *request);
void      lookout_api_handle_report       (LookoutApiRequest *request);
void      lookout_api_handle_metrics      (LookoutApiRequest *request);

/* A target as the API shows it (lookout-api-targets.c): copied on the
 * main thread, written as JSON on any. */
typedef struct
{
  gint64              id;
  char               *name;
  char               *uri;
  LookoutTargetKind   kind;
  guint               interval;
  guint               timeout_ms;
  guint               fail_threshold;
  gboolean            enabled;
  char               *options;
  gint64              created_at;
  LookoutTargetState  state;
  gint64              state_since;
  gint64              last_check;
  gint64              last_latency;
  char               *last_error;
  char               *address;
  double              latitude;
  double              longitude;
  char               *location_source;
} LookoutApiTargetRow;

void      lookout_api_target_row_init     (LookoutApiTargetRow       *row,
                                           LookoutTarget             *target,
                                           LookoutApiMetrics         *metrics);
void      lookout_api_target_row_clear    (LookoutApiTargetRow       *row);
/* Every target of @targets copied at once, their texts in one block. */
typedef struct
{
  guint                n;
  LookoutApiTargetRow *rows;
  char                *texts;
} LookoutApiTargetRows;

LookoutApiTargetRows *lookout_api_target_rows_new  (GListModel          *targets,
                                                    LookoutApiMetrics   *metrics);
void      lookout_api_target_rows_free    (LookoutApiTargetRows      *rows);
/* The target's JSON object without its closing brace. */
void      lookout_api_append_target_open  (GString                   *out,
                                           const LookoutApiTargetRow *row);

G_END_DECLS
