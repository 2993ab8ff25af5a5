/* lookout-result-view.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The last result of a target in detail. The template holds a row for every
 * field of every kind; showing a result makes the common rows and those of
 * its kind visible and fills them. A value that the result does not carry
 * reads "—", never 0, and each row is named after its title and its value
 * for assistive technologies. */

#define G_LOG_DOMAIN "lookout-result-view"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lookout-dns-packet.h"
#include "lookout-gui-utils.h"
#include "lookout-probe-kind.h"
#include "lookout-result-view-private.h"

/* Certificates closer to their end than this are shown as a warning. */
#define CERT_WARNING_DAYS 14

G_DEFINE_FINAL_TYPE (LookoutResultView, lookout_result_view, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_row (AdwActionRow *row,
         GtkLabel     *label,
         const char   *value,
         const char   *subtitle)
{
  g_autofree char *name = NULL;

  if (value == NULL || value[0] == '\0')
    value = "—";

  gtk_label_set_label (label, value);
  adw_action_row_set_subtitle (row, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (row), TRUE);

  /* Translators: accessible name of a row of the result view, "Response time: 1.2 ms" */
  name = g_strdup_printf (_("%s: %s"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), value);
  lookout_set_accessible_label (GTK_WIDGET (row), name);
}

static void
set_row_take (AdwActionRow *row,
              GtkLabel     *label,
              char         *value,
              const char   *subtitle)
{
  set_row (row, label, value, subtitle);
  g_free (value);
}

static void
set_label_class (GtkLabel   *label,
                 const char *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  /* A warning is not to be dimmed. */
  if (css_class != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
}

static char *
format_cert_expiry (gint64        expiry_s,
                    gint64        now_s,
                    const char  **css_class)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (expiry_s);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *date = NULL;
  g_autofree char *when = NULL;
  gint64 days;

  *css_class = NULL;
  if (utc == NULL)
    return g_strdup ("—");

  local = g_date_time_to_local (utc);
  /* Translators: the date a certificate expires, see g_date_time_format() */
  date = g_date_time_format (local, _("%Y-%m-%d"));

  if (expiry_s <= now_s)
    {
      days = (now_s - expiry_s) / 86400;
      *css_class = "error";
      if (days == 0)
        when = g_strdup (_("expired today"));
      else
        when = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %d day ago", "expired %d days ago", days),
                                (int) days);
    }
  else
    {
      days = (expiry_s - now_s) / 86400;
      if (days < CERT_WARNING_DAYS)
        *css_class = "warning";
      if (days == 0)
        when = g_strdup (_("in less than a day"));
      else
        when = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %d day", "in %d days", days),
                                (int) days);
    }

  /* Translators: a certificate's expiry date and how far away it is, "2027-01-31 (in 71 days)" */
  return g_strdup_printf (_("%s (%s)"), date, when);
}

static void
show_timing (LookoutResultView   *self,
             const LookoutResult *result)
{
  g_autofree char *summary = NULL;
  g_autofree char *name = NULL;

  lookout_phase_bar_set_result (self->phase_bar, result);
  summary = lookout_phase_bar_dup_summary (self->phase_bar);
  name = g_strdup_printf (_("%s: %s"), _("Timing"), summary);
  gtk_widget_set_visible (GTK_WIDGET (self->timing_row), TRUE);
  lookout_set_accessible_label (GTK_WIDGET (self->timing_row), name);
}

static void
set_phase_row (LookoutResultView *self,
               AdwActionRow      *row,
               GtkLabel          *label,
               LookoutPhase       phase,
               const char        *note)
{
  gint64 us = lookout_phase_bar_get_phase (self->phase_bar, phase);

  set_row_take (row, label, lookout_format_latency (us), us < 0 ? note : NULL);
}

static void
show_http (LookoutResultView   *self,
           const LookoutResult *result)
{
  gboolean plain = result->target != NULL && g_str_has_prefix (result->target, "http:");
  gboolean answered;
  const char *cert_class = NULL;
  char *status = NULL;

  if (result->http_status > 0)
    {
      const char *phrase = soup_status_get_phrase (result->http_status);
      g_autofree char *code = phrase ? g_strdup_printf ("%d %s", result->http_status, phrase)
                                     : g_strdup_printf ("%d", result->http_status);

      if (result->http_version != NULL)
        /* Translators: HTTP status and protocol version, "200 OK · HTTP/1.1" */
        status = g_strdup_printf (_("%s · HTTP/%s"), code, result->http_version);
      else
        status = g_steal_pointer (&code);
    }
  set_row_take (self->status_row, self->status_label, status, NULL);

  show_timing (self, result);

  /* A response came, yet there was no connect: the request went over a
   * connection kept alive from an earlier check. */
  answered = lookout_phase_bar_get_phase (self->phase_bar, LOOKOUT_PHASE_PROCESSING) >= 0;
  set_phase_row (self, self->resolve_row, self->resolve_label, LOOKOUT_PHASE_RESOLVE,
                 answered ? _("No lookup needed") : NULL);
  set_phase_row (self, self->connect_row, self->connect_label, LOOKOUT_PHASE_CONNECT,
                 answered ? _("Reused connection") : NULL);
  set_phase_row (self, self->tls_row, self->tls_label, LOOKOUT_PHASE_TLS,
                 plain ? _("Not used: plain HTTP") : answered ? _("Reused connection") : NULL);
  set_phase_row (self, self->processing_row, self->processing_label, LOOKOUT_PHASE_PROCESSING, NULL);
  set_phase_row (self, self->transfer_row, self->transfer_label, LOOKOUT_PHASE_TRANSFER, NULL);

  if (result->cert_expiry_s > 0)
    set_row_take (self->cert_row, self->cert_label,
                  format_cert_expiry (result->cert_expiry_s, g_get_real_time () / G_USEC_PER_SEC, &cert_class),
                  NULL);
  else
    set_row (self->cert_row, self->cert_label, NULL, plain ? _("Not used: plain HTTP") : NULL);
  set_label_class (self->cert_label, cert_class);
}

static void
show_icmp (LookoutResultView   *self,
           const LookoutResult *result)
{
  char *packets = NULL;
  char *loss = NULL;
  char *rtt = NULL;

  if (result->sent > 0)
    {
      double percent = 100.0 * (result->sent - MIN (result->received, result->sent)) / result->sent;

      /* Translators: ICMP echoes of one check, "3 sent, 2 received" */
      packets = g_strdup_printf (_("%u sent, %u received"), result->sent, result->received);
      loss = lookout_format_percent (percent);
    }

  if (result->received > 0)
    {
      g_autofree char *min = lookout_format_latency (result->min_us);
      g_autofree char *median = lookout_format_latency (result->latency_us);
      g_autofree char *max = lookout_format_latency (result->max_us);

      rtt = g_strdup_printf ("%s / %s / %s", min, median, max);
    }

  set_row_take (self->packets_row, self->packets_label, packets, NULL);
  set_row_take (self->loss_row, self->loss_label, loss, NULL);
  set_label_class (self->loss_label,
                   result->sent > 0 && result->received == 0 ? "error"
                   : result->received < result->sent ? "warning" : NULL);
  set_row_take (self->rtt_row, self->rtt_label, rtt, NULL);
  set_row_take (self->jitter_row, self->jitter_label, lookout_format_latency (result->jitter_us), NULL);
}

static void
show_dns (LookoutResultView   *self,
          const LookoutResult *result)
{
  g_autofree char *answers = NULL;

  if (result->rcode >= 0)
    set_row (self->rcode_row, self->rcode_label,
             lookout_dns_rcode_to_string (result->rcode),
             lookout_dns_rcode_describe (result->rcode));
  else
    set_row (self->rcode_row, self->rcode_label, NULL, NULL);

  if (result->answers != NULL && result->answers[0] != NULL)
    answers = g_strjoinv ("\n", result->answers);
  set_row (self->answers_row, self->answers_label, answers, NULL);
}

static void
show_ntp (LookoutResultView   *self,
          const LookoutResult *result)
{
  /* Stratum 0 is a kiss-o'-death: the server sent no time to compare. */
  gboolean has_time = result->stratum > 0 && result->latency_us >= 0;

  set_row_take (self->offset_row, self->offset_label,
                has_time ? g_strdup_printf (_("%+.3f ms"), result->offset_us / 1000.0) : NULL,
                !has_time || result->offset_us == 0 ? NULL
                : result->offset_us > 0 ? _("The server is ahead of this clock")
                : _("The server is behind this clock"));
  set_row_take (self->stratum_row, self->stratum_label,
                result->stratum >= 0 ? g_strdup_printf ("%d", result->stratum) : NULL,
                result->stratum == 0 ? _("Kiss-o’-death") : result->stratum == 16 ? _("Unsynchronised") : NULL);
  set_row (self->refid_row, self->refid_label, result->reference_id, NULL);
}

static void
show_udp (LookoutResultView   *self,
          const LookoutResult *result)
{
  if (result->ok || result->latency_us >= 0)
    set_row_take (self->reply_row, self->reply_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu byte",
                                                "%zu bytes", result->reply_bytes),
                                   result->reply_bytes),
                  NULL);
  else if (result->error_code == LOOKOUT_PROBE_ERROR_NO_REPLY)
    set_row (self->reply_row, self->reply_label, _("No reply: open|filtered"),
             _("Neither an answer nor “port unreachable” came back: the port may be open "
               "and ignoring the datagram, or a firewall dropped it"));
  else
    set_row (self->reply_row, self->reply_label, NULL, NULL);
}

/* The kinds whose results have rows of their own in the template; the
 * rows of other kinds stay hidden. */
static const struct
{
  LookoutTargetKind   kind;
  void              (*show) (LookoutResultView   *self,
                             const LookoutResult *result);
} kind_rows[] = {
  { LOOKOUT_TARGET_KIND_HTTP, show_http },
  { LOOKOUT_TARGET_KIND_ICMP, show_icmp },
  { LOOKOUT_TARGET_KIND_DNS,  show_dns },
  { LOOKOUT_TARGET_KIND_NTP,  show_ntp },
  { LOOKOUT_TARGET_KIND_UDP,  show_udp },
};

static void
update (LookoutResultView *self)
{
  const LookoutResult *result = self->result;
  const LookoutProbeKind *row;
  g_autofree char *latency = NULL;
  g_autofree char *checked = NULL;

  /* Every row but the placeholder: hidden, then the result's shown again. */
  for (GtkWidget *row = GTK_WIDGET (self->checked_row); row != NULL; row = gtk_widget_get_next_sibling (row))
    gtk_widget_set_visible (row, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), result == NULL);

  if (result == NULL)
    return;

  checked = lookout_format_timestamp (result->started_ms);
  set_row (self->checked_row, self->checked_label, checked, NULL);

  set_row (self->state_row, self->state_label, lookout_target_state_get_label (result->state), NULL);
  lookout_set_state_css_class (self->state_dot, result->state);
  lookout_set_state_css_class (GTK_WIDGET (self->state_label), result->state);

  row = lookout_probe_kind_get (result->kind);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->latency_row),
                                 lookout_probe_kind_get_latency_title (row));
  latency = lookout_format_value (row->value_unit, lookout_probe_kind_get_value (result));
  set_row (self->latency_row, self->latency_label, latency, NULL);

  set_row (self->address_row, self->address_label, result->address, NULL);

  if (result->error_code != LOOKOUT_PROBE_ERROR_NONE || result->error != NULL)
    {
      g_autofree char *error_class = g_strdup_printf (_("Class: %s"), lookout_probe_error_to_string (result->error_code));

      set_row (self->error_row, self->error_label,
               result->error ? result->error : lookout_probe_error_to_string (result->error_code),
               error_class);
      set_label_class (self->error_label, result->state == LOOKOUT_TARGET_STATE_DOWN ? "error" : "warning");
    }
  else
    {
      set_row (self->error_row, self->error_label, NULL, NULL);
      set_label_class (self->error_label, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (kind_rows); i++)
    if (kind_rows[i].kind == result->kind)
      kind_rows[i].show (self, result);
}

static void
lookout_result_view_dispose (GObject *object)
{
  LookoutResultView *self = (LookoutResultView *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_RESULT_VIEW);

  G_OBJECT_CLASS (lookout_result_view_parent_class)->dispose (object);
}

static void
lookout_result_view_finalize (GObject *object)
{
  LookoutResultView *self = (LookoutResultView *)object;

  g_clear_pointer (&self->result, lookout_result_unref);

  G_OBJECT_CLASS (lookout_result_view_parent_class)->finalize (object);
}

static void
lookout_result_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LookoutResultView *self = LOOKOUT_RESULT_VIEW (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      g_value_set_boxed (value, self->result);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_result_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LookoutResultView *self = LOOKOUT_RESULT_VIEW (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      lookout_result_view_set_result (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_result_view_class_init (LookoutResultViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_result_view_dispose;
  object_class->finalize = lookout_result_view_finalize;
  object_class->get_property = lookout_result_view_get_property;
  object_class->set_property = lookout_result_view_set_property;

  properties[PROP_RESULT] =
    g_param_spec_boxed ("result", NULL, NULL,
                        LOOKOUT_TYPE_RESULT,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_PHASE_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-result-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, empty_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, state_dot);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, phase_bar);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, checked_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, checked_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, state_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, state_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, latency_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, latency_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, address_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, address_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, error_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, error_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, status_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, status_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, timing_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, resolve_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, resolve_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, connect_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, connect_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, tls_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, tls_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, processing_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, processing_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, transfer_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, transfer_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, cert_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, cert_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, packets_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, packets_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, loss_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, loss_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, rtt_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, rtt_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, jitter_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, jitter_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, rcode_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, rcode_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, answers_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, answers_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, offset_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, offset_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, stratum_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, stratum_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, refid_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, refid_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, reply_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutResultView, reply_label);
}

static void
lookout_result_view_init (LookoutResultView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
lookout_result_view_new (void)
{
  return g_object_new (LOOKOUT_TYPE_RESULT_VIEW, NULL);
}

LookoutResult *
lookout_result_view_get_result (LookoutResultView *self)
{
  g_return_val_if_fail (LOOKOUT_IS_RESULT_VIEW (self), NULL);

  return self->result;
}

void
lookout_result_view_set_result (LookoutResultView *self,
                                LookoutResult     *result)
{
  g_return_if_fail (LOOKOUT_IS_RESULT_VIEW (self));

  if (self->result == result)
    return;

  g_clear_pointer (&self->result, lookout_result_unref);
  if (result != NULL)
    self->result = lookout_result_ref (result);

  update (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}
