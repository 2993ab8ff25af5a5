/* lookout-udp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-udp-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-datagram-exchange.h"
#include "lookout-probe-net.h"
#include "lookout-udp-probe.h"

struct _LookoutUdpProbe
{
  LookoutProbe parent_instance;
};

G_DEFINE_FINAL_TYPE (LookoutUdpProbe, lookout_udp_probe, LOOKOUT_TYPE_PROBE)

typedef struct
{
  LookoutResult *result;
  char          *host;
  GBytes        *payload;
  guint          timeout_ms;
  gboolean       expect_reply;
} UdpRun;

static void
udp_run_free (UdpRun *run)
{
  g_clear_pointer (&run->result, lookout_result_unref);
  g_clear_pointer (&run->host, g_free);
  g_clear_pointer (&run->payload, g_bytes_unref);
  g_free (run);
}

/* Two hex digits per byte, nothing between them (as the target validates). */
static GBytes *
parse_hex (const char *text)
{
  gsize len = strlen (text);
  g_autofree guint8 *bytes = NULL;

  if (len % 2 != 0)
    return NULL;

  bytes = g_malloc (len / 2 + 1);
  for (gsize i = 0; i < len; i += 2)
    {
      int high = g_ascii_xdigit_value (text[i]);
      int low = g_ascii_xdigit_value (text[i + 1]);

      if (high < 0 || low < 0)
        return NULL;
      bytes[i / 2] = (high << 4) | low;
    }

  return g_bytes_new_take (g_steal_pointer (&bytes), len / 2);
}

static GBytes *
build_payload_cb (gint64   sent_unix_ns,
                  gpointer user_data)
{
  UdpRun *run = user_data;

  return g_bytes_ref (run->payload);
}

static void
exchanged_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UdpRun *run = g_task_get_task_data (task);
  LookoutResult *res = run->result;
  g_autoptr(LookoutDatagramReply) reply = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  reply = lookout_datagram_exchange_finish (result, &address, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  where = lookout_probe_net_take_address (res, address);

  if (reply != NULL)
    {
      res->ok = TRUE;
      res->state = LOOKOUT_TARGET_STATE_UP;
      res->latency_us = reply->rtt_us;
      res->reply_bytes = reply->size;
      res->dns_us = reply->resolve_us;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && address != NULL)
    {
      /* Silence says nothing certain: the port may be open and ignoring
       * this payload, or a firewall may drop it (nmap's open|filtered). */
      lookout_result_set_error (res,
                                run->expect_reply ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UNKNOWN,
                                LOOKOUT_PROBE_ERROR_NO_REPLY,
                                _("No reply within %u ms: the port is open or filtered"),
                                run->timeout_ms);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      lookout_result_set_error (res, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_REFUSED,
                                _("Port closed: %s answered with ICMP port unreachable"), where);
    }
  else
    {
      lookout_probe_net_set_error (res, error, run->host, where);
    }

  g_task_return_pointer (task, lookout_result_ref (res), (GDestroyNotify) lookout_result_unref);
}

static void
lookout_udp_probe_run_async (LookoutProbe        *probe,
                             LookoutTarget       *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) options = lookout_probe_net_dup_options (target);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  const char *text = "";
  const char *hex = NULL;
  const char *problem = NULL;
  UdpRun *run;

  run = g_new0 (UdpRun, 1);
  run->result = lookout_probe_net_result_new (target);
  run->host = g_strdup (lookout_target_uri_get_host (uri));
  run->timeout_ms = lookout_target_get_timeout (target);

  task = g_task_new (probe, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_udp_probe_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) udp_run_free);

  if (!lookout_probe_net_get_string_option (options, "payload", &text)
      || !lookout_probe_net_get_string_option (options, "payload_hex", &hex)
      || !lookout_probe_net_get_bool_option (options, "expect_reply", &run->expect_reply))
    problem = _("The options payload and payload_hex must be strings, expect_reply true or false");
  else if (hex != NULL && (run->payload = parse_hex (hex)) == NULL)
    problem = _("The option payload_hex is not an even number of hexadecimal digits");
  else if (hex == NULL)
    run->payload = g_bytes_new (text, strlen (text));

  if (problem != NULL)
    {
      lookout_result_set_error (run->result, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                "%s", problem);
      g_task_return_pointer (task, lookout_result_ref (run->result), (GDestroyNotify) lookout_result_unref);
      return;
    }

  lookout_datagram_exchange_async (run->host,
                                   lookout_target_uri_get_port (uri),
                                   run->timeout_ms,
                                   build_payload_cb, NULL, run,
                                   cancellable, exchanged_cb, g_steal_pointer (&task));
}

static LookoutResult *
lookout_udp_probe_run_finish (LookoutProbe  *probe,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_udp_probe_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_udp_probe_class_init (LookoutUdpProbeClass *klass)
{
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  probe_class->run_async = lookout_udp_probe_run_async;
  probe_class->run_finish = lookout_udp_probe_run_finish;
}

static void
lookout_udp_probe_init (LookoutUdpProbe *self)
{
}

LookoutProbe *
lookout_udp_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_UDP_PROBE, NULL);
}
