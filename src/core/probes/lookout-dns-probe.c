/* lookout-dns-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-dns-probe"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-dns-client.h"
#include "lookout-dns-probe.h"
#include "lookout-probe-net.h"

struct _LookoutDnsProbe
{
  LookoutProbe      parent_instance;

  LookoutDnsClient *client;
};

G_DEFINE_FINAL_TYPE (LookoutDnsProbe, lookout_dns_probe, LOOKOUT_TYPE_PROBE)

/* Addresses compare as addresses ("2001:db8::1" is "2001:DB8:0::1"),
 * names without case or the final dot, the rest as written. */
static gboolean
answer_matches (const char *answer,
                const char *expected)
{
  g_autoptr(GInetAddress) a = g_inet_address_new_from_string (answer);
  g_autoptr(GInetAddress) b = g_inet_address_new_from_string (expected);
  gsize la = strlen (answer), lb = strlen (expected);

  if (a != NULL && b != NULL)
    return g_inet_address_equal (a, b);

  if (la > 0 && answer[la - 1] == '.')
    la--;
  if (lb > 0 && expected[lb - 1] == '.')
    lb--;

  return la == lb && g_ascii_strncasecmp (answer, expected, la) == 0;
}

/* The option "expect": a reply that holds no such answer is DOWN. */
static void
check_expected_answer (LookoutResult *result,
                       LookoutTarget *target)
{
  g_autoptr(JsonObject) options = lookout_probe_net_dup_options (target);
  g_autofree char *answers = NULL;
  const char *expected = NULL;

  if (!result->ok)
    return;
  if (!lookout_probe_net_get_string_option (options, "expect", &expected))
    {
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("The option expect must be text"));
      return;
    }
  if (expected == NULL)
    return;

  for (guint i = 0; result->answers != NULL && result->answers[i] != NULL; i++)
    if (answer_matches (result->answers[i], expected))
      return;

  if (result->answers == NULL || result->answers[0] == NULL)
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                              _("The reply holds no answer, and %s was expected"), expected);
  else
    {
      answers = g_strjoinv (", ", result->answers);
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_PROTOCOL,
                                _("None of the answers (%s) is the expected %s"), answers, expected);
    }
}

static void
queried_cb (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookoutTarget *target = g_task_get_task_data (task);
  g_autoptr(LookoutResult) result = NULL;
  GError *error = NULL;

  result = lookout_dns_client_query_finish (LOOKOUT_DNS_CLIENT (object), res, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (result->target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->target_id = lookout_target_get_id (target);
  check_expected_answer (result, target);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) lookout_result_unref);
}

static void
lookout_dns_probe_run_async (LookoutProbe        *probe,
                             LookoutTarget       *target,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  LookoutDnsProbe *self = LOOKOUT_DNS_PROBE (probe);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_dns_probe_run_async);
  g_task_set_task_data (task, g_object_ref (target), g_object_unref);

  lookout_dns_client_query_async (self->client,
                                  lookout_target_uri_get_host (uri),
                                  lookout_target_uri_get_port (uri),
                                  lookout_target_uri_get_dns_name (uri),
                                  lookout_target_uri_get_dns_type (uri),
                                  lookout_target_get_timeout (target),
                                  cancellable,
                                  queried_cb,
                                  g_steal_pointer (&task));
}

static LookoutResult *
lookout_dns_probe_run_finish (LookoutProbe  *probe,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_dns_probe_dispose (GObject *object)
{
  LookoutDnsProbe *self = (LookoutDnsProbe *)object;

  g_clear_object (&self->client);

  G_OBJECT_CLASS (lookout_dns_probe_parent_class)->dispose (object);
}

static void
lookout_dns_probe_class_init (LookoutDnsProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->dispose = lookout_dns_probe_dispose;

  probe_class->run_async = lookout_dns_probe_run_async;
  probe_class->run_finish = lookout_dns_probe_run_finish;
}

static void
lookout_dns_probe_init (LookoutDnsProbe *self)
{
  self->client = lookout_dns_client_new ();
}

LookoutDnsProbe *
lookout_dns_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_DNS_PROBE, NULL);
}
