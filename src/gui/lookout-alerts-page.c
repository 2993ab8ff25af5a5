/* lookout-alerts-page.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-alerts-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lookout-alert-config.h"
#include "lookout-alerts-page.h"
#include "lookout-http-header.h"

struct _LookoutAlertsPage
{
  AdwPreferencesPage    parent_instance;

  GSettings            *settings;
  LookoutAlertSettings *alert_settings;
  GCancellable         *cancellable;

  GtkSwitch            *desktop_switch;
  GtkSwitch            *dnd_switch;
  AdwPreferencesGroup  *secrets_group;
  GtkLabel             *secrets_label;
  GtkSwitch            *degraded_switch;
  GtkSwitch            *telegram_switch;
  AdwEntryRow          *token_row;
  AdwEntryRow          *chat_id_row;
  AdwEntryRow          *api_url_row;
  GtkSwitch            *webhook_switch;
  AdwEntryRow          *webhook_url_row;
  AdwEntryRow          *header_row;
  GtkSpinButton        *up_after_spin;
  AdwEntryRow          *reminders_row;
  GtkSpinButton        *flap_high_spin;
  GtkSpinButton        *flap_low_spin;
  GtkSpinButton        *cert_days_spin;
};

G_DEFINE_FINAL_TYPE (LookoutAlertsPage, lookout_alerts_page, ADW_TYPE_PREFERENCES_PAGE)

static void
toast (LookoutAlertsPage *self,
       const char        *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
  else
    g_message ("%s", text);
}

static gboolean
uint_get_mapping_cb (GValue   *value,
                     GVariant *variant,
                     gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
uint_set_mapping_cb (const GValue       *value,
                     const GVariantType *expected_type,
                     gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) (g_value_get_double (value) + 0.5));
}

static void
bind_spin (LookoutAlertsPage *self,
           const char        *key,
           GtkSpinButton     *spin)
{
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, key);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    g_settings_bind_with_mapping (self->settings, key, adjustment, "value", G_SETTINGS_BIND_DEFAULT,
                                  uint_get_mapping_cb, uint_set_mapping_cb, NULL, NULL);
  else
    g_settings_bind (self->settings, key, adjustment, "value", G_SETTINGS_BIND_DEFAULT);
}

static void
reminders_applied_cb (LookoutAlertsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->reminders_row));
  gint64 offsets[LOOKOUT_ALERT_MAX_REMINDERS];
  g_autoptr(GError) error = NULL;
  guint n;

  if (!lookout_parse_reminders (text, offsets, &n, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->reminders_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->reminders_row), "error");
  g_settings_set_string (self->settings, "alert-reminders", text);
}

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LookoutAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_alert_settings_set_secret_finish (LOOKOUT_ALERT_SETTINGS (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Not saved, used until Lookout quits: %s"),
                                                   error->message);

          /* No dots for what was not saved: the warning above says why. */
          gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
          gtk_editable_set_text (GTK_EDITABLE (self->header_row), "");
          toast (self, text);
        }
      return;
    }

  toast (self, _("Saved in the keyring"));
}

static void
secrets_error_changed_cb (LookoutAlertsPage *self)
{
  const char *text = lookout_alert_settings_get_secrets_error (self->alert_settings);

  gtk_label_set_label (self->secrets_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->secrets_group), text != NULL);
}

static void
token_applied_cb (LookoutAlertsPage *self)
{
  if (self->alert_settings == NULL)
    return;

  lookout_alert_settings_set_telegram_token_async (self->alert_settings,
                                                   gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                                                   self->cancellable, secret_stored_cb, g_object_ref (self));
}

static void
header_applied_cb (LookoutAlertsPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *header = gtk_editable_get_text (GTK_EDITABLE (self->header_row));

  if (self->alert_settings == NULL)
    return;

  if (header[0] != '\0' && !lookout_http_header_parse (header, NULL, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Webhook header: %s"), error->message);

      gtk_widget_add_css_class (GTK_WIDGET (self->header_row), "error");
      toast (self, message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->header_row), "error");
  lookout_alert_settings_set_webhook_header_async (self->alert_settings, header,
                                                   self->cancellable, secret_stored_cb, g_object_ref (self));
}

static void
test_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LookoutAlertsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_alert_settings_send_test_finish (LOOKOUT_ALERT_SETTINGS (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The test notification failed: %s"), error->message);

          toast (self, text);
        }
      return;
    }

  toast (self, _("Test notification sent"));
}

static void
send_test_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  LookoutAlertsPage *self = LOOKOUT_ALERTS_PAGE (widget);

  if (self->alert_settings == NULL)
    return;

  lookout_alert_settings_send_test_async (self->alert_settings, g_variant_get_string (parameter, NULL),
                                          self->cancellable, test_sent_cb, g_object_ref (self));
}

static void
lookout_alerts_page_dispose (GObject *object)
{
  LookoutAlertsPage *self = (LookoutAlertsPage *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_ALERTS_PAGE);
  g_clear_object (&self->settings);
  g_clear_object (&self->alert_settings);

  G_OBJECT_CLASS (lookout_alerts_page_parent_class)->dispose (object);
}

static void
lookout_alerts_page_finalize (GObject *object)
{
  LookoutAlertsPage *self = (LookoutAlertsPage *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lookout_alerts_page_parent_class)->finalize (object);
}

static void
lookout_alerts_page_class_init (LookoutAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_alerts_page_dispose;
  object_class->finalize = lookout_alerts_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-alerts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, desktop_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, dnd_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, degraded_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, secrets_group);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, secrets_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, telegram_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, chat_id_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, webhook_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, webhook_url_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, header_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, up_after_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, reminders_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, flap_high_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, flap_low_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, cert_days_spin);
  /* Not kept, but reachable with gtk_widget_get_template_child(). */
  gtk_widget_class_bind_template_child_full (widget_class, "desktop_test_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "telegram_test_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "webhook_test_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, token_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, header_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, reminders_applied_cb);

  gtk_widget_class_install_action (widget_class, "alerts.send-test", "s", send_test_action);
}

static void
lookout_alerts_page_init (LookoutAlertsPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_alerts_page_new (GSettings            *settings,
                         LookoutAlertSettings *alert_settings)
{
  LookoutAlertsPage *self;
  g_autofree char *reminders = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (alert_settings == NULL || LOOKOUT_IS_ALERT_SETTINGS (alert_settings), NULL);

  self = g_object_new (LOOKOUT_TYPE_ALERTS_PAGE, NULL);
  self->settings = g_object_ref (settings);
  if (alert_settings != NULL)
    self->alert_settings = g_object_ref (alert_settings);

  g_settings_bind (settings, "notify-desktop", self->desktop_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "do-not-disturb", self->dnd_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "alert-notify-degraded", self->degraded_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-telegram", self->telegram_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "telegram-chat-id", self->chat_id_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "telegram-api-url", self->api_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "notify-webhook", self->webhook_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "webhook-url", self->webhook_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  bind_spin (self, "alert-up-after", self->up_after_spin);
  bind_spin (self, "alert-flap-high", self->flap_high_spin);
  bind_spin (self, "alert-flap-low", self->flap_low_spin);
  bind_spin (self, "alert-cert-warning-days", self->cert_days_spin);

  /* Applied (and checked) with the row's button, not on every key. */
  reminders = g_settings_get_string (settings, "alert-reminders");
  gtk_editable_set_text (GTK_EDITABLE (self->reminders_row), reminders);

  if (alert_settings != NULL)
    {
      g_signal_connect_object (alert_settings, "notify::secrets-error",
                               G_CALLBACK (secrets_error_changed_cb), self, G_CONNECT_SWAPPED);
      secrets_error_changed_cb (self);
    }

  /* Secrets are never read back into the window, only replaced. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), alert_settings != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->header_row), alert_settings != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.send-test", alert_settings != NULL);

  return GTK_WIDGET (self);
}
