/* lookout-api-report.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* /api/v1/report: the monitoring report of every target over the range,
 * the same rows as `lookout-agent report` and the window's Report
 * (lookout_report_compute_async() takes what it needs of the targets on
 * the main thread and reads the store on a worker thread). */

#define G_LOG_DOMAIN "lookout-api"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-api-private.h"
#include "lookout-report.h"

#define DEFAULT_RANGE_MS (24 * 3600 * G_GINT64_CONSTANT (1000))

typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;
} ReportJob;

static void
message_finished_cb (SoupServerMessage *msg,
                     ReportJob         *job)
{
  job->finished = TRUE;
}

static void
report_computed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ReportJob *job = user_data;
  g_autoptr(LookoutReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = lookout_report_compute_finish (result, &error);
  g_signal_handler_disconnect (job->msg, job->finished_id);

  /* A client that went away gets nothing. */
  if (!job->finished)
    {
      if (report != NULL)
        {
          g_autoptr(JsonNode) node = lookout_report_to_json (report);

          lookout_api_reply_json (job->msg, SOUP_STATUS_OK, node);
        }
      else
        lookout_api_reply_error (job->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      soup_server_message_unpause (job->msg);
    }

  g_object_unref (job->msg);
  g_free (job);
}

void
lookout_api_handle_report (LookoutApiRequest *request)
{
  g_autoptr(GError) error = NULL;
  gint64 from_ms, to_ms;
  ReportJob *job;

  if (!lookout_api_parse_range (request->query, request->now_ms, DEFAULT_RANGE_MS,
                                &from_ms, &to_ms, &error))
    {
      lookout_api_reply_error (request->msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  job = g_new0 (ReportJob, 1);
  job->msg = g_object_ref (request->msg);
  job->finished_id = g_signal_connect (job->msg, "finished", G_CALLBACK (message_finished_cb), job);
  soup_server_message_pause (request->msg);

  lookout_report_compute_async (lookout_monitor_get_store (request->monitor),
                                lookout_monitor_get_targets (request->monitor),
                                from_ms, to_ms, NULL, report_computed_cb, job);
}
