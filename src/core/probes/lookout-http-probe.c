/* lookout-http-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How an HTTP probe runs.
 *
 * One SoupSession per probe instance carries every target, so connections are
 * kept alive between checks (a second session, created on demand, carries the
 * targets with verify_tls false: a connection whose certificate was waved
 * through must never be reused by a target that verifies; and one session per
 * ca_file verifies against that file's authorities alone).
 *
 * A check is a chain of hops. Each hop sends one SoupMessage with
 * SOUP_MESSAGE_NO_REDIRECT (we follow redirects ourselves so that the limit is
 * exact and a loop is named as such), reads as much of the body as the check
 * needs, closes the body stream and then either sends the next hop or
 * delivers the result:
 *   - redirect hops and checks without a keyword drain the body up to a small
 *     cap (256 KiB, or body_cap if smaller), which leaves the connection
 *     reusable; past the cap, or when Content-Length says the body is larger,
 *     the stream is closed unread and libsoup drops the connection instead;
 *   - a keyword check searches the body chunk by chunk, keeping the last
 *     (keyword length - 1) bytes of a chunk in front of the next one so that a
 *     keyword split across chunks is found; it stops at the keyword or at
 *     body_cap, so it never holds more than one chunk plus the keyword.
 *
 * The check's LookoutDeadline (the target's timeout) cancels its own
 * GCancellable, which bounds the whole chain (resolution, connection, TLS,
 * every hop, the body). The caller's cancellable cancels it too; then the
 * task fails with G_IO_ERROR_CANCELLED instead of returning a result.
 * libsoup is handed the deadline's guard rather than the cancellable itself:
 * libsoup reads a response inside one main-loop dispatch for as long as the
 * peer keeps data coming (it loops over informational responses), so a peer
 * sending "100 Continue" without end would keep the deadline's timer, and
 * every other check of the process, from ever running. The guard is also
 * cancelled by a watchdog thread shortly after the expiry, which makes the
 * next read inside that loop fail. Informational responses are counted as
 * well: past MAX_INFORMATIONAL the guard is cancelled at once, so such a
 * peer does not hold the main loop for the whole timeout either.
 *
 * latency_us is the time the target took: for each hop, from its first
 * network step (the name lookup, or the connect when the host is an address
 * literal or no lookup was needed, or writing the request on a kept-alive
 * connection) to the moment its response was read as far as the check
 * needed (its end when it fits the cap, as curl's time_total, otherwise where
 * reading stopped), summed over the hops. The end is stamped where the last
 * byte is read, not after the close. What comes before a hop's first network
 * step is ours, not the target's: building the message, the main-loop turns
 * libsoup takes to pick it up, and the wait for a free connection when the
 * per-host limit is reached, which with many targets on one host would
 * otherwise be reported as that host being slow (the scheduler's own
 * concurrency cap was never counted either). Without metrics a hop counts
 * from just before it was handed to libsoup. Phase timings come from
 * libsoup's metrics (monotonic clock, like ours) and are summed over the
 * hops; a phase that happened on no hop (resolve for an address literal,
 * resolve/connect on a reused connection, tls without https) is -1.
 * processing runs from the request written out ("wrote-body") to the first
 * byte of the answer.
 *
 * Connections are direct: a system proxy would put its own latency and
 * failures in place of the target's.
 *
 * A redirect to a link-local address (169.254.0.0/16, fe80::/10: where
 * cloud metadata services answer) is not followed unless the target itself
 * is link-local: an address literal is refused when the redirect is
 * planned, a name that resolves to one when libsoup is about to connect
 * ("network-event" CONNECTING, before a byte is sent). Errors name the hop
 * that failed, not the first one. A certificate that is rejected still
 * leaves its expiry, its subject (in the message) and the connect and TLS
 * times in the result.
 */

#define G_LOG_DOMAIN "lookout-http-probe"

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lookout-deadline.h"
#include "lookout-error-class.h"
#include "lookout-http-options.h"
#include "lookout-http-probe.h"

#define READ_CHUNK_SIZE        16384
#define DRAIN_CAP              (256 * 1024)
#define IDLE_TIMEOUT_S         75
#define GUARD_GRACE_MS         250
/* RFC 9110 sets no limit; a real server sends one 100 or a few 103s. */
#define MAX_INFORMATIONAL      32
#define HEADER_LIMIT           (64 * 1024)   /* libsoup's */

/* Kept on the target (qdata) so a check does not parse the URI and the JSON
 * again while they do not change. */
typedef struct
{
  char               *uri_string;
  char               *options_json;
  GUri               *uri;
  LookoutHttpOptions *options;
  char               *error;
} TargetPlan;

typedef enum
{
  BODY_DRAIN,
  BODY_KEYWORD,
} BodyMode;

typedef struct
{
  LookoutHttpProbe     *self;              /* the task's source object */
  LookoutResult        *result;
  LookoutHttpOptions   *options;
  SoupSession          *session;
  SoupMessage          *msg;
  GInputStream         *body;
  GUri                 *uri;               /* this hop's */
  GUri                 *first_uri;
  GUri                 *next_uri;          /* set while a redirect is to be followed */
  const char           *method;
  char                 *host;              /* of the first hop */
  char                 *blocked;           /* a link-local address a redirect led to */
  char                 *cert_subject;      /* of a rejected certificate */
  char                 *authorization;     /* "Basic …", sent to the first hop's origin only */
  LookoutDeadline       deadline;
  GHashTable           *visited;
  guint8               *buf;
  gsize                 buf_size;
  gsize                 kept;
  gsize                 body_read;
  gsize                 read_cap;
  BodyMode              mode;
  guint                 redirects;
  guint                 informational;     /* of this hop */
  gboolean              decided;           /* result->state is final */
  gboolean              transport_failed;
  gboolean              keyword_found;
  gboolean              used_tls;
  GTlsCertificateFlags  tls_errors;
  gint64                start_us;
  gint64                hop_sent_us;
  gint64                network_us;        /* summed over the hops, -1 before any */
  gint64                request_end_us;
  gint64                response_start_us;
  gint64                body_end_us;
  gint64                dns_us;
  gint64                connect_us;
  gint64                tls_us;
  gint64                processing_us;
  gint64                transfer_us;
} ProbeRun;

struct _LookoutHttpProbe
{
  LookoutProbe  parent_instance;

  SoupSession  *session;
  SoupSession  *insecure_session;
  GHashTable   *ca_sessions;       /* ca_file -> SoupSession */
  guint         max_connections;
  guint         max_connections_per_host;
  gboolean      keep_alive;
};

G_DEFINE_FINAL_TYPE (LookoutHttpProbe, lookout_http_probe, LOOKOUT_TYPE_PROBE)

enum {
  PROP_0,
  PROP_MAX_CONNECTIONS,
  PROP_MAX_CONNECTIONS_PER_HOST,
  PROP_KEEP_ALIVE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void send_hop (GTask *task);

/* Target plans */

static void
target_plan_free (gpointer data)
{
  TargetPlan *plan = data;

  g_free (plan->uri_string);
  g_free (plan->options_json);
  g_clear_pointer (&plan->uri, g_uri_unref);
  g_clear_pointer (&plan->options, lookout_http_options_unref);
  g_free (plan->error);
  g_free (plan);
}

static TargetPlan *
get_target_plan (LookoutTarget *target)
{
  static GQuark quark;
  const char *uri_string = lookout_target_get_uri_string (target);
  const char *options_json = lookout_target_get_options (target);
  g_autoptr(GError) error = NULL;
  TargetPlan *plan;

  if G_UNLIKELY (quark == 0)
    quark = g_quark_from_static_string ("lookout-http-probe-plan");

  if (options_json == NULL)
    options_json = "{}";

  plan = g_object_get_qdata (G_OBJECT (target), quark);
  if (plan != NULL &&
      g_str_equal (plan->uri_string, uri_string) &&
      g_str_equal (plan->options_json, options_json))
    return plan;

  plan = g_new0 (TargetPlan, 1);
  plan->uri_string = g_strdup (uri_string);
  plan->options_json = g_strdup (options_json);
  plan->uri = g_uri_parse (uri_string, SOUP_HTTP_URI_FLAGS, &error);
  if (plan->uri == NULL)
    plan->error = g_strdup_printf (_("Invalid URL: %s"), error->message);
  else if ((plan->options = lookout_http_options_parse (options_json, &error)) == NULL)
    plan->error = g_strdup_printf (_("Invalid options: %s"), error->message);

  g_object_set_qdata_full (G_OBJECT (target), quark, plan, target_plan_free);
  return plan;
}

/* Runs */

static void
probe_run_clear_message (ProbeRun *run)
{
  if (run->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (run->msg, run);
      g_clear_object (&run->msg);
    }
}

static void
probe_run_free (gpointer data)
{
  ProbeRun *run = data;

  lookout_deadline_clear (&run->deadline);
  g_clear_object (&run->body);
  probe_run_clear_message (run);
  g_clear_object (&run->session);
  g_clear_pointer (&run->uri, g_uri_unref);
  g_clear_pointer (&run->next_uri, g_uri_unref);
  g_clear_pointer (&run->first_uri, g_uri_unref);
  g_clear_pointer (&run->options, lookout_http_options_unref);
  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->visited, g_hash_table_unref);
  if (run->authorization != NULL)
    memset (run->authorization, 0, strlen (run->authorization));
  g_clear_pointer (&run->authorization, g_free);
  g_free (run->host);
  g_free (run->blocked);
  g_free (run->cert_subject);
  g_free (run->buf);
  g_free (run);
}

static gboolean
is_link_local (GInetAddress *address)
{
  return address != NULL && g_inet_address_get_is_link_local (address);
}

static gboolean
host_is_link_local (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  return is_link_local (address);
}

/* What libsoup and the body reads are given; see the top of the file. */
static GCancellable *
io_cancellable (ProbeRun *run)
{
  return lookout_deadline_get_guard (&run->deadline, GUARD_GRACE_MS);
}

static void
deliver (GTask *task)
{
  ProbeRun *run = g_task_get_task_data (task);
  LookoutResult *result = run->result;
  gboolean cancelled = lookout_deadline_cancelled (&run->deadline);

  lookout_deadline_clear (&run->deadline);

  if (cancelled)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The check was cancelled"));
      return;
    }

  if (!run->decided)
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
      result->error_code = LOOKOUT_PROBE_ERROR_NONE;
    }

  /* What was measured is reported even when the check failed later (a
   * rejected certificate comes after the connect and the handshake). */
  result->dns_us = run->dns_us;
  result->connect_us = run->connect_us;
  result->tls_us = run->used_tls ? run->tls_us : -1;
  if (run->response_start_us > 0)
    {
      result->processing_us = run->processing_us;
      result->transfer_us = run->transfer_us;
    }

  g_task_return_pointer (task, g_steal_pointer (&run->result), (GDestroyNotify) lookout_result_unref);
}

static const char *
describe_certificate_flag (GTlsCertificateFlags flag)
{
  switch (flag)
    {
    case G_TLS_CERTIFICATE_UNKNOWN_CA:    return _("unknown issuer");
    case G_TLS_CERTIFICATE_BAD_IDENTITY:  return _("hostname mismatch");
    case G_TLS_CERTIFICATE_NOT_ACTIVATED: return _("not yet valid");
    case G_TLS_CERTIFICATE_EXPIRED:       return _("expired");
    case G_TLS_CERTIFICATE_REVOKED:       return _("revoked");
    case G_TLS_CERTIFICATE_INSECURE:      return _("insecure algorithm");
    case G_TLS_CERTIFICATE_NO_FLAGS:
    case G_TLS_CERTIFICATE_GENERIC_ERROR:
    default:                              return _("invalid certificate");
    }
}

static char *
describe_certificate_errors (GTlsCertificateFlags flags)
{
  GString *string = g_string_new (NULL);

  for (guint bit = 1; bit <= G_TLS_CERTIFICATE_GENERIC_ERROR; bit <<= 1)
    {
      if ((flags & bit) == 0)
        continue;
      if (string->len > 0)
        g_string_append (string, ", ");
      g_string_append (string, describe_certificate_flag (bit));
    }

  return g_string_free (string, FALSE);
}

/* libsoup gives up on headers past its limit with the same error as for a
 * connection closed in the middle of them; its metrics tell them apart. */
static gboolean
headers_too_big (ProbeRun *run)
{
  SoupMessageMetrics *metrics = run->msg != NULL ? soup_message_get_metrics (run->msg) : NULL;

  return metrics != NULL &&
         soup_message_get_status (run->msg) == SOUP_STATUS_NONE &&
         soup_message_metrics_get_response_header_bytes_received (metrics) > HEADER_LIMIT;
}

/* The class comes from lookout_error_classify(); the words are HTTP's. */
static void
fail_with_error (ProbeRun     *run,
                 const GError *error)
{
  LookoutResult *result = run->result;
  LookoutTargetState down = LOOKOUT_TARGET_STATE_DOWN;
  LookoutProbeError code = lookout_error_classify (error);
  const char *host = g_uri_get_host (run->uri);

  run->decided = TRUE;
  run->transport_failed = TRUE;

  /* This hop's address, which after a redirect is not the first one's. */
  if (g_hostname_is_ip_address (host))
    {
      g_free (result->address);
      result->address = g_strdup (host);
    }

  if (run->blocked != NULL)
    {
      lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_PERMISSION,
                                _("Not following the redirect to %s: it resolves to the link-local address %s "
                                  "(such as a cloud metadata service), which is followed only when the target itself is link-local"),
                                host, run->blocked);
      return;
    }

  if (code == LOOKOUT_PROBE_ERROR_CANCELLED && run->informational > MAX_INFORMATIONAL)
    {
      lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                _("Malformed response: the server sent more than %u informational (1xx) responses"),
                                MAX_INFORMATIONAL);
      return;
    }

  /* The watchdog may have stopped libsoup before the deadline's own timer
   * had its turn on the main loop. */
  if (code == LOOKOUT_PROBE_ERROR_CANCELLED && !lookout_deadline_cancelled (&run->deadline))
    lookout_deadline_expire (&run->deadline, g_get_monotonic_time ());

  if (run->deadline.timed_out && code == LOOKOUT_PROBE_ERROR_CANCELLED)
    {
      if (run->body != NULL)
        lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("Response not complete within %u ms"), run->deadline.timeout_ms);
      else
        lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_TIMEOUT,
                                  _("No response within %u ms"), run->deadline.timeout_ms);
      return;
    }

  switch (code)
    {
    case LOOKOUT_PROBE_ERROR_RESOLVE:
      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        lookout_result_set_error (result, down, code,
                                  _("The name “%s” does not resolve to any address"), host);
      else if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE))
        lookout_result_set_error (result, down, code,
                                  _("The name “%s” could not be resolved for now (temporary failure)"), host);
      else
        lookout_result_set_error (result, down, code,
                                  _("The name “%s” could not be resolved: %s"), host, error->message);
      break;

    case LOOKOUT_PROBE_ERROR_TLS:
      if (run->tls_errors != 0)
        {
          g_autofree char *reasons = describe_certificate_errors (run->tls_errors);

          if (run->cert_subject != NULL)
            lookout_result_set_error (result, down, code, _("TLS certificate rejected: %s (subject %s)"),
                                      reasons, run->cert_subject);
          else
            lookout_result_set_error (result, down, code, _("TLS certificate rejected: %s"), reasons);
        }
      else
        lookout_result_set_error (result, down, code, _("TLS handshake failed: %s"), error->message);
      break;

    case LOOKOUT_PROBE_ERROR_PROTOCOL:
      lookout_result_set_error (result, down, code, _("Malformed response: %s"), error->message);
      break;

    case LOOKOUT_PROBE_ERROR_REFUSED:
      lookout_result_set_error (result, down, code, _("Connection refused by %s"), host);
      break;

    case LOOKOUT_PROBE_ERROR_UNREACHABLE:
      lookout_result_set_error (result, down, code, _("%s is unreachable: %s"), host, error->message);
      break;

    case LOOKOUT_PROBE_ERROR_RESET:
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && headers_too_big (run))
        lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                  _("Malformed response: the response headers are larger than %u KiB"),
                                  HEADER_LIMIT / 1024);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
        lookout_result_set_error (result, down, code,
                                  _("The server closed the connection before a complete response"));
      else
        lookout_result_set_error (result, down, code,
                                  _("Connection reset by the server: %s"), error->message);
      break;

    case LOOKOUT_PROBE_ERROR_TIMEOUT:
      lookout_result_set_error (result, down, code, _("No response within %u ms"), run->deadline.timeout_ms);
      break;

    default:
      lookout_result_set_error (result, down, LOOKOUT_PROBE_ERROR_FAILED, "%s", error->message);
      break;
    }
}

static gint64
span (guint64 from,
      guint64 to)
{
  return from != 0 && to >= from ? (gint64) (to - from) : 0;
}

/* Adds a phase libsoup timed to its sum; a phase that did not happen on any
 * hop (a kept-alive connection, an address literal) stays -1, not 0 µs. */
static void
add_phase (gint64  *sum,
           guint64  from,
           guint64  to)
{
  if (from == 0 || to < from)
    return;
  *sum = MAX (*sum, 0) + (gint64) (to - from);
}

/* Adds this hop's phases to the run's sums. */
static void
account_hop (ProbeRun *run)
{
  SoupMessageMetrics *metrics = soup_message_get_metrics (run->msg);
  guint64 dns_start = 0, connect_start, connect_end, tls_start, response_start, request_start;
  guint64 hop_start;

  if (metrics == NULL)
    {
      add_phase (&run->network_us, run->hop_sent_us, run->body_end_us);
      return;
    }

  connect_start = soup_message_metrics_get_connect_start (metrics);
  connect_end = soup_message_metrics_get_connect_end (metrics);
  tls_start = soup_message_metrics_get_tls_start (metrics);
  response_start = soup_message_metrics_get_response_start (metrics);
  request_start = soup_message_metrics_get_request_start (metrics);

  /* GIO walks through its resolving step for an address literal too, but
   * no lookup happens: that is not a resolve phase. */
  if (!g_hostname_is_ip_address (g_uri_get_host (run->uri)))
    {
      dns_start = soup_message_metrics_get_dns_start (metrics);
      add_phase (&run->dns_us, dns_start, soup_message_metrics_get_dns_end (metrics));
    }

  hop_start = dns_start != 0 ? dns_start :
              connect_start != 0 ? connect_start :
              request_start != 0 ? request_start : (guint64) run->hop_sent_us;
  add_phase (&run->network_us, hop_start, run->body_end_us);

  if (tls_start != 0)
    {
      add_phase (&run->connect_us, connect_start, tls_start);
      add_phase (&run->tls_us, tls_start, connect_end);
    }
  else
    add_phase (&run->connect_us, connect_start, connect_end);

  if (response_start != 0)
    {
      guint64 request_end = run->request_end_us > 0 ? (guint64) run->request_end_us : request_start;

      run->processing_us += span (request_end, response_start);
      run->transfer_us += span (response_start, run->body_end_us);
      if (run->response_start_us == 0)
        run->response_start_us = response_start;
    }
}

/* The hop is over: send the next one or deliver the result. */
static void
hop_done (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  ProbeRun *run = g_task_get_task_data (task);

  g_clear_object (&run->body);
  probe_run_clear_message (run);

  if (run->next_uri != NULL && !run->decided &&
      !g_cancellable_is_cancelled (run->deadline.cancellable))
    {
      g_clear_pointer (&run->uri, g_uri_unref);
      run->uri = g_steal_pointer (&run->next_uri);
      send_hop (g_steal_pointer (&task));
      return;
    }

  if (run->next_uri != NULL && !run->decided)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "");

      fail_with_error (run, error);
    }

  deliver (task);
}

static void
body_closed_cb (GObject      *object,
                GAsyncResult *res,
                gpointer      user_data)
{
  /* Nothing to learn from a failed close: libsoup then drops the connection. */
  g_input_stream_close_finish (G_INPUT_STREAM (object), res, NULL);
  hop_done (user_data);
}

/* The hop's body was read as far as needed (or reading failed): account
 * for it, then close the stream; body_closed_cb goes on from there. */
static void
finish_hop (GTask *task)
{
  ProbeRun *run = g_task_get_task_data (task);

  if (run->body_end_us == 0)
    run->body_end_us = g_get_monotonic_time ();

  if (run->msg != NULL)
    account_hop (run);

  if (run->next_uri == NULL)
    {
      LookoutResult *result = run->result;

      result->reply_bytes = run->body_read;
      if (run->response_start_us > 0 && !run->transport_failed)
        result->latency_us = run->network_us >= 0 ? run->network_us : run->body_end_us - run->start_us;

      if (!run->decided && run->mode == BODY_KEYWORD)
        {
          const LookoutHttpOptions *options = run->options;

          if (run->keyword_found && options->keyword_absent)
            {
              run->decided = TRUE;
              lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD,
                                        _("“%s” was found in the response body but must be absent"),
                                        options->keyword);
            }
          else if (!run->keyword_found && !options->keyword_absent)
            {
              run->decided = TRUE;
              if (run->body_read >= run->read_cap)
                lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD,
                                          _("“%s” was not found in the first %zu bytes of the response body"),
                                          options->keyword, run->body_read);
              else
                lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_KEYWORD,
                                          _("“%s” was not found in the response body"),
                                          options->keyword);
            }
        }
    }

  if (run->body == NULL)
    {
      hop_done (task);
      return;
    }

  g_input_stream_close_async (run->body, G_PRIORITY_DEFAULT, NULL, body_closed_cb, task);
}

static gboolean
contains (const guint8 *haystack,
          gsize         haystack_len,
          const char   *needle,
          gsize         needle_len)
{
  const guint8 *end = haystack + haystack_len;

  for (const guint8 *p = haystack;
       (gsize) (end - p) >= needle_len && (p = memchr (p, needle[0], end - p - needle_len + 1)) != NULL;
       p++)
    if (memcmp (p, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

/* Takes in what one read gave (@n_read bytes, 0 at the end, -1 with
 * @error). Returns TRUE when the hop wants more of the body. */
static gboolean
consume_body (ProbeRun     *run,
              gssize        n_read,
              const GError *error)
{
  if (n_read < 0)
    {
      g_clear_pointer (&run->next_uri, g_uri_unref);
      if (!run->decided)
        fail_with_error (run, error);
      return FALSE;
    }

  if (n_read == 0)
    return FALSE;

  run->body_read += n_read;

  if (run->mode == BODY_KEYWORD)
    {
      const LookoutHttpOptions *options = run->options;
      gsize available = run->kept + n_read;

      if (contains (run->buf, available, options->keyword, options->keyword_len))
        {
          run->keyword_found = TRUE;
          return FALSE;
        }

      run->kept = MIN (options->keyword_len - 1, available);
      memmove (run->buf, run->buf + available - run->kept, run->kept);
    }

  return run->body_read < run->read_cap;
}

static gsize
next_read_size (ProbeRun *run)
{
  return MIN (READ_CHUNK_SIZE, run->read_cap - run->body_read);
}

static void
body_read_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (object), res, &error);

  if (!consume_body (run, n_read, error))
    {
      run->body_end_us = g_get_monotonic_time ();
      finish_hop (g_steal_pointer (&task));
      return;
    }

  g_input_stream_read_async (run->body, run->buf + run->kept, next_read_size (run),
                             G_PRIORITY_DEFAULT, io_cancellable (run),
                             body_read_cb, g_steal_pointer (&task));
}

static void pump_body (GTask *task);

static gboolean
body_readable_cb (GObject  *stream,
                  gpointer  user_data)
{
  pump_body (g_object_ref (user_data));
  return G_SOURCE_REMOVE;
}

/* Reads whatever the stream holds without a round through the main loop
 * per read (libsoup's body streams are pollable), and waits for more only
 * when there is none. */
static void
pump_body (GTask *task_in)
{
  g_autoptr(GTask) task = task_in;
  ProbeRun *run = g_task_get_task_data (task);
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (run->body);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n_read;

      n_read = g_pollable_input_stream_read_nonblocking (pollable, run->buf + run->kept,
                                                         next_read_size (run),
                                                         io_cancellable (run), &error);
      if (n_read < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          GSource *source = g_pollable_input_stream_create_source (pollable, io_cancellable (run));

          g_source_set_callback (source, G_SOURCE_FUNC (body_readable_cb),
                                 g_steal_pointer (&task), g_object_unref);
          g_source_attach (source, g_main_context_get_thread_default ());
          g_source_unref (source);
          return;
        }

      if (!consume_body (run, n_read, error))
        break;
    }

  run->body_end_us = g_get_monotonic_time ();
  finish_hop (g_steal_pointer (&task));
}

static void
read_body (GTask *task)
{
  ProbeRun *run = g_task_get_task_data (task);
  gsize size = READ_CHUNK_SIZE;

  if (run->mode == BODY_KEYWORD)
    size += run->options->keyword_len;

  if (run->buf_size < size)
    {
      g_free (run->buf);
      run->buf = g_malloc (size);
      run->buf_size = size;
    }

  run->kept = 0;
  run->body_read = 0;

  if (G_IS_POLLABLE_INPUT_STREAM (run->body) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (run->body)))
    pump_body (task);
  else
    g_input_stream_read_async (run->body, run->buf, next_read_size (run),
                               G_PRIORITY_DEFAULT, io_cancellable (run),
                               body_read_cb, task);
}

static gboolean
is_redirect (guint status)
{
  return status == SOUP_STATUS_MOVED_PERMANENTLY ||
         status == SOUP_STATUS_FOUND ||
         status == SOUP_STATUS_SEE_OTHER ||
         status == SOUP_STATUS_TEMPORARY_REDIRECT ||
         status == SOUP_STATUS_PERMANENT_REDIRECT;
}

/* Decides whether this hop's response is followed: sets run->next_uri, or
 * settles the result when the chain must stop. */
static void
plan_redirect (ProbeRun *run,
               guint     status)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (run->msg);
  const char *location = soup_message_headers_get_one (headers, "Location");
  g_autoptr(GUri) next = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *here = NULL;
  g_autofree char *there = NULL;
  const char *scheme;

  if (location == NULL || run->options->max_redirects == 0 || !is_redirect (status))
    return;

  here = g_uri_to_string (run->uri);
  next = g_uri_parse_relative (run->uri, location, SOUP_HTTP_URI_FLAGS, &error);
  scheme = next != NULL ? g_uri_get_scheme (next) : NULL;
  if (next == NULL || g_uri_get_host (next) == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      run->decided = TRUE;
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                _("%s redirects to an unusable location “%s”"), here, location);
      return;
    }

  there = g_uri_to_string (next);

  if (host_is_link_local (g_uri_get_host (next)) && !host_is_link_local (run->host))
    {
      run->decided = TRUE;
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PERMISSION,
                                _("Not following the redirect from %s to %s: a link-local address (such as a "
                                  "cloud metadata service) is followed only when the target itself is link-local"),
                                here, there);
      return;
    }

  if (run->visited == NULL)
    {
      run->visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (run->visited, g_uri_to_string (run->uri));
    }

  if (g_hash_table_contains (run->visited, there))
    {
      run->decided = TRUE;
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS,
                                _("Redirect loop: %s redirects back to %s after %u redirects"),
                                here, there, run->redirects + 1);
      return;
    }

  if (run->redirects >= run->options->max_redirects)
    {
      run->decided = TRUE;
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TOO_MANY_REDIRECTS,
                                _("Too many redirects: gave up after %u, the last one to %s"),
                                run->redirects, there);
      return;
    }

  run->redirects++;
  g_hash_table_add (run->visited, g_steal_pointer (&there));
  run->next_uri = g_steal_pointer (&next);

  /* As browsers do: 303, and 301/302 after a POST, go on with GET. */
  if (status == SOUP_STATUS_SEE_OTHER ||
      ((status == SOUP_STATUS_MOVED_PERMANENTLY || status == SOUP_STATUS_FOUND) &&
       g_str_equal (run->method, SOUP_METHOD_POST)))
    {
      if (!g_str_equal (run->method, SOUP_METHOD_HEAD))
        run->method = SOUP_METHOD_GET;
    }
}

static void
record_response (ProbeRun *run,
                 guint     status)
{
  LookoutResult *result = run->result;
  GSocketAddress *address;
  GTlsCertificate *certificate;

  result->http_status = status;

  g_free (result->http_version);
  switch (soup_message_get_http_version (run->msg))
    {
    case SOUP_HTTP_1_0: result->http_version = g_strdup ("1.0"); break;
    case SOUP_HTTP_1_1: result->http_version = g_strdup ("1.1"); break;
    case SOUP_HTTP_2_0: result->http_version = g_strdup ("2"); break;
    default:            result->http_version = NULL; break;
    }

  address = soup_message_get_remote_address (run->msg);
  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      g_free (result->address);
      result->address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
    }

  certificate = soup_message_get_tls_peer_certificate (run->msg);
  result->cert_expiry_s = 0;
  if (certificate != NULL)
    {
      g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);

      if (not_after != NULL)
        result->cert_expiry_s = g_date_time_to_unix (not_after);
    }
}

static void
message_sent_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeRun *run = g_task_get_task_data (task);
  const LookoutHttpOptions *options = run->options;
  g_autoptr(GError) error = NULL;
  goffset content_length;
  guint status;

  run->body = soup_session_send_finish (SOUP_SESSION (object), res, &error);
  if (run->body == NULL)
    {
      fail_with_error (run, error);
      finish_hop (g_steal_pointer (&task));
      return;
    }

  status = soup_message_get_status (run->msg);
  record_response (run, status);
  plan_redirect (run, status);

  run->mode = BODY_DRAIN;
  run->read_cap = MIN (options->body_cap, DRAIN_CAP);

  if (run->next_uri == NULL && !run->decided)
    {
      if (status == SOUP_STATUS_UNAUTHORIZED && run->authorization != NULL &&
          !lookout_http_options_accepts (options, status))
        {
          run->decided = TRUE;
          lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_STATUS,
                                    _("HTTP status 401 Unauthorized: the server refused the user name "
                                      "“%s” or its password"), options->auth_user);
        }
      else if (!lookout_http_options_accepts (options, status))
        {
          g_autofree char *accepted = lookout_http_options_dup_accept_string (options);

          run->decided = TRUE;
          lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_STATUS,
                                    _("HTTP status %u %s is not among the accepted (%s)"),
                                    status, soup_status_get_phrase (status), accepted);
        }
      else if (options->keyword != NULL)
        {
          run->mode = BODY_KEYWORD;
          run->read_cap = options->body_cap;
        }
    }

  /* A body known to be larger than we would drain is not read at all. */
  content_length = soup_message_headers_get_content_length (soup_message_get_response_headers (run->msg));
  if (run->mode == BODY_DRAIN &&
      !g_str_equal (run->method, SOUP_METHOD_HEAD) &&
      soup_message_headers_get_encoding (soup_message_get_response_headers (run->msg)) == SOUP_ENCODING_CONTENT_LENGTH &&
      content_length > (goffset) run->read_cap)
    {
      run->body_read = 0;
      run->body_end_us = g_get_monotonic_time ();
      finish_hop (g_steal_pointer (&task));
      return;
    }

  read_body (g_steal_pointer (&task));
}

static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  ProbeRun *run = user_data;

  run->request_end_us = g_get_monotonic_time ();
}

/* A redirected hop whose name resolved to a link-local address is stopped
 * before its connection is made. */
static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  ProbeRun *run = user_data;
  g_autoptr(GSocketAddress) address = NULL;
  GInetAddress *inet;

  if (event != G_SOCKET_CLIENT_CONNECTING || run->redirects == 0 ||
      !G_IS_SOCKET_CONNECTION (connection) || host_is_link_local (run->host))
    return;

  address = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return;

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (!is_link_local (inet))
    return;

  g_free (run->blocked);
  run->blocked = g_inet_address_to_string (inet);
  g_cancellable_cancel (io_cancellable (run));
}

static void
got_informational_cb (SoupMessage *msg,
                      gpointer     user_data)
{
  ProbeRun *run = user_data;

  if (++run->informational > MAX_INFORMATIONAL)
    g_cancellable_cancel (io_cancellable (run));
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  ProbeRun *run = user_data;

  run->tls_errors = errors;

  if (errors != 0 && run->options->verify_tls)
    {
      g_autoptr(GDateTime) not_after = g_tls_certificate_get_not_valid_after (certificate);

      if (not_after != NULL)
        run->result->cert_expiry_s = g_date_time_to_unix (not_after);
      g_free (run->cert_subject);
      run->cert_subject = g_tls_certificate_get_subject_name (certificate);
    }
  return !run->options->verify_tls;
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

/* The password comes from the keyring (the target's run-time one), the
 * options, or an environment variable; a missing one is said, not sent
 * empty. */
static gboolean
set_authorization (ProbeRun      *run,
                   LookoutTarget *target)
{
  const LookoutHttpOptions *options = run->options;
  const char *password = lookout_target_get_auth_password (target);
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;

  if (password == NULL)
    password = options->auth_password;
  if (password == NULL && options->auth_password_env != NULL)
    {
      password = g_getenv (options->auth_password_env);
      if (password == NULL)
        {
          run->decided = TRUE;
          lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                    _("The password of “%s” should be in the environment variable %s, "
                                      "which is not set"), options->auth_user, options->auth_password_env);
          return FALSE;
        }
    }
  if (password == NULL)
    {
      run->decided = TRUE;
      if (options->auth_keyring)
        lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                  _("The password of “%s” is kept in the keyring, which did not give it "
                                    "(locked, or no keyring here)"), options->auth_user);
      else
        lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                  _("No password is given for the user “%s”"), options->auth_user);
      return FALSE;
    }

  pair = g_strconcat (options->auth_user, ":", password, NULL);
  encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  memset (pair, 0, strlen (pair));
  run->authorization = g_strconcat ("Basic ", encoded, NULL);
  memset (encoded, 0, strlen (encoded));

  return TRUE;
}

static void
send_hop (GTask *task)
{
  ProbeRun *run = g_task_get_task_data (task);
  const LookoutHttpOptions *options = run->options;
  SoupMessageHeaders *headers;

  g_assert (run->msg == NULL);
  g_assert (run->body == NULL);

  run->msg = soup_message_new_from_uri (run->method, run->uri);
  soup_message_add_flags (run->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_COLLECT_METRICS);

  headers = soup_message_get_request_headers (run->msg);
  for (guint i = 0; i + 1 < options->headers->len; i += 2)
    soup_message_headers_replace (headers,
                                  g_ptr_array_index (options->headers, i),
                                  g_ptr_array_index (options->headers, i + 1));

  /* Credentials never follow a redirect to another origin. */
  if (run->authorization != NULL && same_origin (run->uri, run->first_uri))
    soup_message_headers_replace (headers, "Authorization", run->authorization);

  /* A redirect that turns the method into GET drops the body with it. */
  if (options->request_body != NULL && g_str_equal (run->method, options->method))
    soup_message_set_request_body_from_bytes (run->msg,
                                              options->content_type != NULL ? options->content_type
                                                                            : "text/plain; charset=utf-8",
                                              options->request_body);

  if (!run->self->keep_alive)
    {
      soup_message_add_flags (run->msg, SOUP_MESSAGE_NEW_CONNECTION);
      soup_message_headers_replace (headers, "Connection", "close");
    }

  if (g_str_equal (g_uri_get_scheme (run->uri), "https"))
    {
      run->used_tls = TRUE;
      g_signal_connect (run->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), run);
    }
  g_signal_connect (run->msg, "wrote-body", G_CALLBACK (wrote_body_cb), run);
  g_signal_connect (run->msg, "got-informational", G_CALLBACK (got_informational_cb), run);
  g_signal_connect (run->msg, "network-event", G_CALLBACK (network_event_cb), run);

  run->request_end_us = 0;
  run->body_end_us = 0;
  run->tls_errors = 0;
  run->informational = 0;
  run->hop_sent_us = g_get_monotonic_time ();

  soup_session_send_async (run->session,
                           run->msg,
                           G_PRIORITY_DEFAULT,
                           io_cancellable (run),
                           message_sent_cb,
                           task);
}

static SoupSession *
new_session (LookoutHttpProbe *self)
{
  return soup_session_new_with_options ("max-conns", self->max_connections,
                                        "max-conns-per-host", self->max_connections_per_host,
                                        "user-agent", "Lookout/" PACKAGE_VERSION,
                                        "timeout", 0,
                                        "idle-timeout", IDLE_TIMEOUT_S,
                                        "proxy-resolver", NULL,
                                        NULL);
}

static SoupSession *
ensure_session (LookoutHttpProbe         *self,
                const LookoutHttpOptions *options)
{
  SoupSession **slot = options->verify_tls ? &self->session : &self->insecure_session;
  SoupSession *session;

  if (options->verify_tls && options->ca_database != NULL)
    {
      if (self->ca_sessions == NULL)
        self->ca_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      session = g_hash_table_lookup (self->ca_sessions, options->ca_file);
      if (session == NULL)
        {
          session = new_session (self);
          soup_session_set_tls_database (session, options->ca_database);
          g_hash_table_insert (self->ca_sessions, g_strdup (options->ca_file), session);
        }
      return session;
    }

  if (*slot == NULL)
    *slot = new_session (self);

  return *slot;
}

static void
clear_sessions (LookoutHttpProbe *self,
                gboolean          abort)
{
  if (abort && self->session != NULL)
    soup_session_abort (self->session);
  if (abort && self->insecure_session != NULL)
    soup_session_abort (self->insecure_session);
  if (abort && self->ca_sessions != NULL)
    {
      GHashTableIter iter;
      gpointer session;

      g_hash_table_iter_init (&iter, self->ca_sessions);
      while (g_hash_table_iter_next (&iter, NULL, &session))
        soup_session_abort (session);
    }
  g_clear_object (&self->session);
  g_clear_object (&self->insecure_session);
  g_clear_pointer (&self->ca_sessions, g_hash_table_unref);
}

static void
lookout_http_probe_run_async (LookoutProbe        *probe,
                              LookoutTarget       *target,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LookoutHttpProbe *self = LOOKOUT_HTTP_PROBE (probe);
  g_autoptr(GTask) task = NULL;
  TargetPlan *plan;
  ProbeRun *run;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_http_probe_run_async);

  if (lookout_target_get_kind (target) != LOOKOUT_TARGET_KIND_HTTP)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("%s is not an HTTP target"),
                               lookout_target_get_uri_string (target));
      return;
    }

  run = g_new0 (ProbeRun, 1);
  g_task_set_task_data (task, run, probe_run_free);
  run->self = self;
  /* Absent until a hop really resolves, connects or shakes hands. */
  run->dns_us = run->connect_us = run->tls_us = -1;
  run->network_us = -1;
  run->result = lookout_result_new (LOOKOUT_TARGET_KIND_HTTP);
  run->result->target = g_strdup (lookout_target_get_uri_string (target));
  run->result->target_id = lookout_target_get_id (target);

  plan = get_target_plan (target);
  if (plan->error != NULL)
    {
      run->decided = TRUE;
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", plan->error);
      deliver (task);
      return;
    }

  run->options = lookout_http_options_ref (plan->options);
  run->uri = g_uri_ref (plan->uri);
  run->first_uri = g_uri_ref (plan->uri);
  if (run->options->auth_user != NULL && !set_authorization (run, target))
    {
      deliver (task);
      return;
    }
  run->host = g_strdup (g_uri_get_host (plan->uri));
  run->method = run->options->method;
  run->session = g_object_ref (ensure_session (self, run->options));

  /* An address literal is the address used even when no connection is made. */
  if (g_hostname_is_ip_address (run->host))
    run->result->address = g_strdup (run->host);

  run->start_us = g_get_monotonic_time ();
  lookout_deadline_start (&run->deadline, lookout_target_get_timeout (target), cancellable);

  send_hop (g_steal_pointer (&task));
}

static LookoutResult *
lookout_http_probe_run_finish (LookoutProbe  *probe,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_http_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_http_probe_dispose (GObject *object)
{
  LookoutHttpProbe *self = (LookoutHttpProbe *)object;

  clear_sessions (self, TRUE);

  G_OBJECT_CLASS (lookout_http_probe_parent_class)->dispose (object);
}

static void
lookout_http_probe_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutHttpProbe *self = LOOKOUT_HTTP_PROBE (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;

    case PROP_MAX_CONNECTIONS_PER_HOST:
      g_value_set_uint (value, self->max_connections_per_host);
      break;

    case PROP_KEEP_ALIVE:
      g_value_set_boolean (value, self->keep_alive);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_http_probe_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LookoutHttpProbe *self = LOOKOUT_HTTP_PROBE (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      lookout_http_probe_set_max_connections (self, g_value_get_uint (value),
                                              self->max_connections_per_host);
      break;

    case PROP_MAX_CONNECTIONS_PER_HOST:
      lookout_http_probe_set_max_connections (self, self->max_connections,
                                              g_value_get_uint (value));
      break;

    case PROP_KEEP_ALIVE:
      lookout_http_probe_set_keep_alive (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_http_probe_class_init (LookoutHttpProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->dispose = lookout_http_probe_dispose;
  object_class->get_property = lookout_http_probe_get_property;
  object_class->set_property = lookout_http_probe_set_property;

  probe_class->run_async = lookout_http_probe_run_async;
  probe_class->run_finish = lookout_http_probe_run_finish;

  properties [PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL,
                       1, G_MAXINT, LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_MAX_CONNECTIONS_PER_HOST] =
    g_param_spec_uint ("max-connections-per-host", NULL, NULL,
                       1, G_MAXINT, LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS_PER_HOST,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties [PROP_KEEP_ALIVE] =
    g_param_spec_boolean ("keep-alive", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_http_probe_init (LookoutHttpProbe *self)
{
  self->max_connections = LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS;
  self->max_connections_per_host = LOOKOUT_HTTP_PROBE_DEFAULT_MAX_CONNECTIONS_PER_HOST;
  self->keep_alive = TRUE;
}

LookoutProbe *
lookout_http_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_HTTP_PROBE, NULL);
}

guint
lookout_http_probe_get_max_connections (LookoutHttpProbe *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HTTP_PROBE (self), 0);

  return self->max_connections;
}

guint
lookout_http_probe_get_max_connections_per_host (LookoutHttpProbe *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HTTP_PROBE (self), 0);

  return self->max_connections_per_host;
}

/* libsoup fixes its limits when a session is made: a change starts new
 * sessions; checks under way keep the old ones until they finish. */
void
lookout_http_probe_set_max_connections (LookoutHttpProbe *self,
                                        guint             max_connections,
                                        guint             max_per_host)
{
  g_return_if_fail (LOOKOUT_IS_HTTP_PROBE (self));
  g_return_if_fail (max_connections > 0);
  g_return_if_fail (max_per_host > 0);

  if (self->max_connections == max_connections &&
      self->max_connections_per_host == max_per_host)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->max_connections != max_connections)
    {
      self->max_connections = max_connections;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MAX_CONNECTIONS]);
    }
  if (self->max_connections_per_host != max_per_host)
    {
      self->max_connections_per_host = max_per_host;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_MAX_CONNECTIONS_PER_HOST]);
    }
  clear_sessions (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
lookout_http_probe_get_keep_alive (LookoutHttpProbe *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HTTP_PROBE (self), FALSE);

  return self->keep_alive;
}

void
lookout_http_probe_set_keep_alive (LookoutHttpProbe *self,
                                   gboolean          keep_alive)
{
  g_return_if_fail (LOOKOUT_IS_HTTP_PROBE (self));

  keep_alive = !!keep_alive;
  if (self->keep_alive == keep_alive)
    return;

  self->keep_alive = keep_alive;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_KEEP_ALIVE]);
}

gboolean
lookout_http_probe_validate_options (const char  *options_json,
                                     GError     **error)
{
  g_autoptr(LookoutHttpOptions) options = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  options = lookout_http_options_parse (options_json, error);
  return options != NULL;
}
