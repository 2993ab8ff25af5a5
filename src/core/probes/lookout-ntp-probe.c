/* lookout-ntp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An SNTPv4 query (RFC 4330). The request carries our send time as its
 * transmit timestamp, with the bits below a microsecond randomised so that
 * an off-path attacker cannot guess it; a reply counts only if it echoes
 * that timestamp as its origin. Replies that do not are ignored (the wait
 * goes on), and reported if nothing better arrives. T1 is the wall clock
 * just before send (), T4 the kernel's receive timestamp (SO_TIMESTAMPNS),
 * both CLOCK_REALTIME, so offset and delay compare like with like.
 *
 * A server whose clock is further from ours than the option max_offset_s
 * (seconds, default DEFAULT_MAX_OFFSET_S: ntpd's panic threshold, past which
 * it refuses to follow a server) is down, and the message names the offset:
 * answering is not the same as telling the time. */

#define G_LOG_DOMAIN "lookout-ntp-probe"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "lookout-datagram-exchange.h"
#include "lookout-ntp-packet.h"
#include "lookout-ntp-probe.h"
#include "lookout-probe-net.h"

struct _LookoutNtpProbe
{
  LookoutProbe parent_instance;
};

G_DEFINE_FINAL_TYPE (LookoutNtpProbe, lookout_ntp_probe, LOOKOUT_TYPE_PROBE)

#define RANDOM_BITS 0x3ff
#define DEFAULT_MAX_OFFSET_S 1000.0

typedef struct
{
  LookoutResult         *result;
  char                  *host;
  guint                  timeout_ms;
  guint64                transmit_ts;
  gint64                 max_offset_us;   /* the option max_offset_ms; 0: no bound */
  guint                  n_ignored;
  double                 max_offset_s;
  LookoutNtpParseStatus  status;
  LookoutNtpReply        reply;
} NtpRun;

static void
ntp_run_free (NtpRun *run)
{
  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->host, g_free);
  g_free (run);
}

static GBytes *
build_request_cb (gint64   sent_unix_ns,
                  gpointer user_data)
{
  NtpRun *run = user_data;
  guint8 packet[LOOKOUT_NTP_PACKET_SIZE];

  run->transmit_ts = (lookout_ntp_timestamp_from_unix_ns (sent_unix_ns) & ~(guint64) RANDOM_BITS)
                     | (g_random_int () & RANDOM_BITS);
  lookout_ntp_packet_build_request (packet, run->transmit_ts);

  return g_bytes_new (packet, sizeof packet);
}

static gboolean
accept_reply_cb (GBytes   *data,
                 gpointer  user_data)
{
  NtpRun *run = user_data;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  run->status = lookout_ntp_packet_parse_reply (bytes, len, run->transmit_ts, &run->reply);
  if (run->status == LOOKOUT_NTP_PARSE_ORIGIN_MISMATCH || run->status == LOOKOUT_NTP_PARSE_TOO_SHORT)
    {
      run->n_ignored++;
      return FALSE;
    }

  return TRUE;
}

/* "50 years", "3 days", "20 minutes": the size of an offset in words. */
static char *
describe_offset (gint64 offset_ns)
{
  double s = fabs ((double) offset_ns) / 1e9;
  guint n;

  if (s >= 365.25 * 86400)
    {
      n = (guint) MIN (s / (365.25 * 86400) + 0.5, G_MAXUINT);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u year", "%u years", n), n);
    }
  if (s >= 86400)
    {
      n = (guint) (s / 86400 + 0.5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", n), n);
    }
  if (s >= 3600)
    {
      n = (guint) (s / 3600 + 0.5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", n), n);
    }
  if (s >= 60)
    {
      n = (guint) (s / 60 + 0.5);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", n), n);
    }
  n = (guint) (s + 0.5);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second", "%u seconds", n), n);
}

static void
report_reply (NtpRun                     *run,
              const LookoutDatagramReply *datagram,
              const char                 *where)
{
  LookoutResult *res = run->result;
  const LookoutNtpReply *reply = &run->reply;
  gint64 offset_ns, delay_ns;

  if (run->status != LOOKOUT_NTP_PARSE_OK)
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                _("Invalid NTP reply from %s: %s"),
                                where, lookout_ntp_parse_status_to_string (run->status));
      return;
    }

  res->stratum = reply->stratum;
  g_free (res->reference_id);
  res->reference_id = lookout_ntp_reply_dup_reference_id (reply);

  if (reply->stratum == 0)
    {
      g_autofree char *code = lookout_ntp_reply_dup_kiss_code (reply);
      const char *meaning = lookout_ntp_kiss_code_describe (code);

      if (meaning != NULL)
        lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_KISS_OF_DEATH,
                                  _("Kiss-o'-death from %s: %s (%s)"), where, code, _(meaning));
      else
        lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_KISS_OF_DEATH,
                                  _("Kiss-o'-death from %s: code “%s” (stratum 0)"), where, code);
      return;
    }

  lookout_ntp_packet_compute (reply, datagram->sent_unix_ns, datagram->received_unix_ns,
                              &offset_ns, &delay_ns);
  /* A server whose own timestamps are off by more than the round trip can
   * make the delay negative; the round trip cannot be shorter than zero. */
  res->latency_us = MAX (delay_ns, 0) / 1000;
  res->offset_us = offset_ns / 1000;

  if (fabs ((double) offset_ns / 1e9) > run->max_offset_s)
    {
      g_autofree char *how_far = describe_offset (offset_ns);
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, offset_ns / G_GINT64_CONSTANT (1000000000));

      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The clock of %s is off by %s (%s s), more than the %g s allowed"),
                                where, how_far, seconds, run->max_offset_s);
      return;
    }

  if (reply->leap == LOOKOUT_NTP_LEAP_UNSYNCHRONISED || reply->stratum == LOOKOUT_NTP_STRATUM_UNSYNCHRONISED)
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The clock of %s is not synchronised (leap indicator %u, stratum %u)"),
                                where, reply->leap, reply->stratum);
      return;
    }

  if (run->max_offset_us > 0 && ABS (res->offset_us) > run->max_offset_us)
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The clock of %s is off by %.3f s, more than the %.3f s allowed"),
                                where, res->offset_us / 1e6, run->max_offset_us / 1e6);
      return;
    }

  res->ok = TRUE;
  res->state = LOOKOUT_TARGET_STATE_UP;
}

static void
exchanged_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NtpRun *run = g_task_get_task_data (task);
  LookoutResult *res = run->result;
  g_autoptr(LookoutDatagramReply) datagram = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  datagram = lookout_datagram_exchange_finish (result, &address, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  where = lookout_probe_net_take_address (res, address);

  if (datagram != NULL)
    {
      report_reply (run, datagram, where);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && run->n_ignored > 0)
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "No valid reply within %u ms: ignored %u reply that did not answer our request (origin timestamp mismatch: spoofed or stale)",
                                             "No valid reply within %u ms: ignored %u replies that did not answer our request (origin timestamp mismatch: spoofed or stale)",
                                             run->n_ignored),
                                run->timeout_ms, run->n_ignored);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                                _("No NTP server at %s: it answered with ICMP port unreachable"), where);
    }
  else
    {
      lookout_probe_net_set_error (res, error, run->host, where);
    }

  g_task_return_pointer (task, lookout_result_ref (res), (GDestroyNotify) lookout_result_unref);
}

static void
lookout_ntp_probe_run_async (LookoutProbe        *probe,
                             LookoutTarget       *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) options = lookout_probe_net_dup_options (target);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  NtpRun *run;

  run = g_new0 (NtpRun, 1);
  run->result = lookout_probe_net_result_new (target);
  run->host = g_strdup (lookout_target_uri_get_host (uri));
  run->timeout_ms = lookout_target_get_timeout (target);
  run->max_offset_s = DEFAULT_MAX_OFFSET_S;
  /* Checked by the target's validation: a whole number of milliseconds. */
  run->max_offset_us = json_object_get_int_member_with_default (options, "max_offset_ms", 0) * 1000;

  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_ntp_probe_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) ntp_run_free);

  if (!lookout_probe_net_get_number_option (options, "max_offset_s", &run->max_offset_s) ||
      !(run->max_offset_s > 0))
    {
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", _("The option max_offset_s must be a number of seconds greater than 0"));
      g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
      return;
    }

  lookout_datagram_exchange_async (run->host,
                                   lookout_target_uri_get_port (uri),
                                   run->timeout_ms,
                                   build_request_cb, accept_reply_cb, run,
                                   cancellable, exchanged_cb, g_steal_pointer (&task));
}

static LookoutResult *
lookout_ntp_probe_run_finish (LookoutProbe  *probe,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_ntp_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_ntp_probe_class_init (LookoutNtpProbeClass *klass)
{
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  probe_class->run_async = lookout_ntp_probe_run_async;
  probe_class->run_finish = lookout_ntp_probe_run_finish;
}

static void
lookout_ntp_probe_init (LookoutNtpProbe *self)
{
}

LookoutProbe *
lookout_ntp_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_NTP_PROBE, NULL);
}
