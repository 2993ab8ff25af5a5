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
#include "lookout-gui-utils.h"
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
  AdwPreferencesGroup  *channels_group;
  GPtrArray            *channel_rows;   /* an AdwExpanderRow per channel of "channels" */
  GHashTable           *expanded;       /* ids whose row stays open across a rebuild */
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
          for (guint i = 0; i < self->channel_rows->len; i++)
            gtk_editable_set_text (g_object_get_data (self->channel_rows->pdata[i], "lookout-secret-row"), "");
          toast (self, text);
        }
      return;
    }

  toast (self, _("Saved in the keyring"));
}

/* ---- more channels: the "channels" setting, a row each ---- */

/* Writes the "channels" setting with the entry @id changed (a NULL field
 * and an @enabled of -1 stay as they are), removed, or appended when it
 * is new. */
static void
write_channel (LookoutAlertsPage *self,
               const char        *id,
               const char        *kind,
               const char        *name,
               const char        *address,
               int                enabled,
               gboolean           remove)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "channels");
  const char *i_id, *i_kind, *i_name, *i_address;
  gboolean i_enabled, found = FALSE;
  GVariantBuilder builder;
  GVariantIter iter;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssb)"));
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &i_id, &i_kind, &i_name, &i_address, &i_enabled))
    {
      if (!g_str_equal (i_id, id))
        {
          g_variant_builder_add (&builder, "(ssssb)", i_id, i_kind, i_name, i_address, i_enabled);
          continue;
        }
      found = TRUE;
      if (!remove)
        g_variant_builder_add (&builder, "(ssssb)", i_id, i_kind, name ? name : i_name,
                               address ? address : i_address, enabled < 0 ? i_enabled : !!enabled);
    }
  if (!found && !remove)
    g_variant_builder_add (&builder, "(ssssb)", id, kind, name ? name : id, address ? address : "",
                           enabled > 0);
  g_settings_set_value (self->settings, "channels", g_variant_builder_end (&builder));
}

static const char *
row_channel_id (gpointer widget)
{
  return g_object_get_data (G_OBJECT (widget), "lookout-channel-id");
}

static void
mark_row (GtkWidget  *row,
          const char *message)
{
  if (message != NULL)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
channel_enabled_cb (GtkSwitch         *toggle,
                    GParamSpec        *pspec,
                    LookoutAlertsPage *self)
{
  write_channel (self, row_channel_id (toggle), NULL, NULL, NULL, gtk_switch_get_active (toggle), FALSE);
}

static void
channel_name_applied_cb (AdwEntryRow       *row,
                         LookoutAlertsPage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (name[0] == '\0')
    {
      mark_row (GTK_WIDGET (row), "");
      toast (self, _("A channel needs a name"));
      return;
    }
  mark_row (GTK_WIDGET (row), NULL);
  write_channel (self, row_channel_id (row), NULL, name, NULL, -1, FALSE);
}

/* A webhook's address is an http(s) URL; a Telegram chat is a number or
 * an @name, as the bot API takes it. */
static gboolean
check_channel_address (const char  *kind,
                       const char  *text,
                       char       **message)
{
  if (g_str_equal (kind, "telegram"))
    {
      if (text[0] == '\0' || strpbrk (text, " \t/") != NULL)
        {
          *message = g_strdup (_("A Telegram chat ID is a number like -1001234567890 or a name like @ops"));
          return FALSE;
        }
      return TRUE;
    }
  else
    {
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        {
          *message = g_strdup_printf (_("“%s” is not a web address: write one like https://hooks.example.org/lookout"),
                                      text);
          return FALSE;
        }
      return TRUE;
    }
}

static void
channel_address_applied_cb (AdwEntryRow       *row,
                            LookoutAlertsPage *self)
{
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *message = NULL;

  if (!check_channel_address (g_object_get_data (G_OBJECT (row), "lookout-channel-kind"), address, &message))
    {
      mark_row (GTK_WIDGET (row), message);
      toast (self, message);
      return;
    }
  mark_row (GTK_WIDGET (row), NULL);
  write_channel (self, row_channel_id (row), NULL, NULL, address, -1, FALSE);
}

static void
channel_secret_applied_cb (AdwEntryRow       *row,
                           LookoutAlertsPage *self)
{
  const char *value = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;

  if (self->alert_settings == NULL)
    return;
  if (g_str_equal (g_object_get_data (G_OBJECT (row), "lookout-channel-kind"), "webhook") &&
      value[0] != '\0' && !lookout_http_header_parse (value, NULL, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Webhook header: %s"), error->message);

      mark_row (GTK_WIDGET (row), message);
      toast (self, message);
      return;
    }
  mark_row (GTK_WIDGET (row), NULL);
  lookout_alert_settings_set_channel_secret_async (self->alert_settings, row_channel_id (row), value,
                                                   self->cancellable, secret_stored_cb, g_object_ref (self));
}

static void
channel_expanded_cb (AdwExpanderRow    *row,
                     GParamSpec        *pspec,
                     LookoutAlertsPage *self)
{
  if (adw_expander_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (row_channel_id (row)));
  else
    g_hash_table_remove (self->expanded, row_channel_id (row));
}

static GtkWidget *
add_entry (AdwExpanderRow *expander,
           gboolean        password,
           const char     *id,
           const char     *kind,
           const char     *title,
           const char     *text)
{
  GtkWidget *row = password ? adw_password_entry_row_new () : adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_object_set_data_full (G_OBJECT (row), "lookout-channel-id", g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), "lookout-channel-kind", g_strdup (kind), g_free);
  adw_expander_row_add_row (expander, row);

  return row;
}

static char *channel_subtitle (const char *id,
                               const char *kind,
                               gboolean    enabled);

static GtkWidget *
make_channel_row (LookoutAlertsPage *self,
                  const char        *id,
                  const char        *kind,
                  const char        *name,
                  const char        *address,
                  gboolean           enabled)
{
  gboolean telegram = g_str_equal (kind, "telegram");
  AdwExpanderRow *expander = ADW_EXPANDER_ROW (adw_expander_row_new ());
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *actions = adw_action_row_new ();
  GtkWidget *test = gtk_button_new_with_label (_("Send Test"));
  GtkWidget *remove = gtk_button_new_with_label (_("Remove"));
  GtkWidget *row;
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;

  subtitle = channel_subtitle (id, kind, enabled);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), name);
  adw_expander_row_set_subtitle (expander, subtitle);
  g_object_set_data_full (G_OBJECT (expander), "lookout-channel-id", g_strdup (id), g_free);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), enabled);
  label = g_strdup_printf (_("Send notifications to %s"), name);
  lookout_set_accessible_label (toggle, label);
  g_object_set_data_full (G_OBJECT (toggle), "lookout-channel-id", g_strdup (id), g_free);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (channel_enabled_cb), self, 0);
  adw_expander_row_add_action (expander, toggle);

  row = add_entry (expander, FALSE, id, kind, _("Name"), name);
  g_signal_connect_object (row, "apply", G_CALLBACK (channel_name_applied_cb), self, 0);
  row = add_entry (expander, FALSE, id, kind, telegram ? _("Chat ID") : _("Address"), address);
  g_signal_connect_object (row, "apply", G_CALLBACK (channel_address_applied_cb), self, 0);
  row = add_entry (expander, TRUE, id, kind,
                   telegram ? _("Bot Token") : _("Header, such as Authorization: Bearer …"),
                   "");
  gtk_widget_set_sensitive (row, self->alert_settings != NULL);
  g_signal_connect_object (row, "apply", G_CALLBACK (channel_secret_applied_cb), self, 0);
  g_object_set_data (G_OBJECT (expander), "lookout-secret-row", row);

  g_clear_pointer (&label, g_free);
  label = g_strdup_printf (_("Send test notification to %s"), name);
  lookout_set_accessible_label (test, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (test), "alerts.send-test");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (test), "s", id);
  g_clear_pointer (&label, g_free);
  label = g_strdup_printf (_("Remove %s"), name);
  lookout_set_accessible_label (remove, label);
  gtk_widget_add_css_class (remove, "destructive-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "alerts.remove-channel");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", id);
  gtk_widget_set_valign (test, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (actions), _("Test or remove this channel"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (actions), test);
  adw_action_row_add_suffix (ADW_ACTION_ROW (actions), remove);
  adw_expander_row_add_row (expander, actions);

  adw_expander_row_set_expanded (expander, g_hash_table_contains (self->expanded, id));
  g_signal_connect_object (expander, "notify::expanded", G_CALLBACK (channel_expanded_cb), self, 0);

  return GTK_WIDGET (expander);
}

static char *
channel_subtitle (const char *id,
                  const char *kind,
                  gboolean    enabled)
{
  /* Translators: a notification channel's kind, its id and its state */
  return g_strdup_printf ("%s · %s · %s", g_str_equal (kind, "telegram") ? _("Telegram chat") : _("Webhook"),
                          id, enabled ? _("on") : _("off"));
}

/* A change that keeps the same channels in the same order updates the
 * rows in place: the row that made it (a switch, an applied entry) is
 * still in the middle of its signal. */
static gboolean
update_channel_rows (LookoutAlertsPage *self,
                     GVariant          *value)
{
  const char *id, *kind, *name, *address;
  gboolean enabled;
  GVariantIter iter;
  guint i = 0;

  if (g_variant_n_children (value) != self->channel_rows->len)
    return FALSE;
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &id, &kind, &name, &address, &enabled))
    if (!g_str_equal (row_channel_id (self->channel_rows->pdata[i++]), id))
      return FALSE;

  i = 0;
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &id, &kind, &name, &address, &enabled))
    {
      AdwExpanderRow *row = self->channel_rows->pdata[i++];
      g_autofree char *subtitle = channel_subtitle (id, kind, enabled);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_expander_row_set_subtitle (row, subtitle);
    }

  return TRUE;
}

static void
channels_changed_cb (LookoutAlertsPage *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "channels");
  const char *id, *kind, *name, *address;
  gboolean enabled;
  GVariantIter iter;

  if (update_channel_rows (self, value))
    return;

  for (guint i = 0; i < self->channel_rows->len; i++)
    adw_preferences_group_remove (self->channels_group, self->channel_rows->pdata[i]);
  g_ptr_array_set_size (self->channel_rows, 0);

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &id, &kind, &name, &address, &enabled))
    {
      GtkWidget *row;

      if (!g_str_equal (kind, "webhook") && !g_str_equal (kind, "telegram"))
        continue;
      row = make_channel_row (self, id, kind, name, address, enabled);
      adw_preferences_group_add (self->channels_group, row);
      g_ptr_array_add (self->channel_rows, row);
    }
}

static gboolean
channel_id_taken (LookoutAlertsPage *self,
                  const char        *id)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "channels");
  const char *i_id, *i_kind, *i_name, *i_address;
  gboolean i_enabled;
  GVariantIter iter;

  if (self->alert_settings != NULL && !lookout_alert_settings_check_channel_id (self->alert_settings, id, NULL))
    return TRUE;
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &i_id, &i_kind, &i_name, &i_address, &i_enabled))
    if (g_str_equal (i_id, id))
      return TRUE;

  return FALSE;
}

/* A new channel, open and off until it has an address: "webhook-2",
 * "Webhook 2". */
static void
add_channel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LookoutAlertsPage *self = LOOKOUT_ALERTS_PAGE (widget);
  const char *kind = g_variant_get_string (parameter, NULL);
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  guint n;

  if (!g_str_equal (kind, "webhook") && !g_str_equal (kind, "telegram"))
    return;

  for (n = 2;; n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", kind, n);
      if (!channel_id_taken (self, id))
        break;
    }
  name = g_str_equal (kind, "telegram") ? g_strdup_printf (_("Telegram Chat %u"), n)
                                         : g_strdup_printf (_("Webhook %u"), n);
  g_hash_table_add (self->expanded, g_strdup (id));
  write_channel (self, id, kind, name, "", 0, FALSE);
}

static void
secret_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing kept (no keyring) is nothing to remove. */
  if (!lookout_alert_settings_set_secret_finish (LOOKOUT_ALERT_SETTINGS (object), result, &error))
    g_debug ("Removing a channel's secret: %s", error->message);
}

static void
remove_channel_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  LookoutAlertsPage *self = LOOKOUT_ALERTS_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (self->alert_settings != NULL)
    lookout_alert_settings_set_channel_secret_async (self->alert_settings, id, "", NULL,
                                                     secret_removed_cb, NULL);
  g_hash_table_remove (self->expanded, id);
  write_channel (self, id, NULL, NULL, NULL, -1, TRUE);
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
  g_clear_pointer (&self->channel_rows, g_ptr_array_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);

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
  gtk_widget_class_bind_template_child (widget_class, LookoutAlertsPage, channels_group);
  /* Not kept, but reachable with gtk_widget_get_template_child(). */
  gtk_widget_class_bind_template_child_full (widget_class, "desktop_test_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "telegram_test_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "webhook_test_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, token_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, header_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, reminders_applied_cb);

  gtk_widget_class_install_action (widget_class, "alerts.send-test", "s", send_test_action);
  gtk_widget_class_install_action (widget_class, "alerts.add-channel", "s", add_channel_action);
  gtk_widget_class_install_action (widget_class, "alerts.remove-channel", "s", remove_channel_action);
}

static void
lookout_alerts_page_init (LookoutAlertsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->channel_rows = g_ptr_array_new ();
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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

  g_signal_connect_object (settings, "changed::channels", G_CALLBACK (channels_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* Secrets are never read back into the window, only replaced. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_row), alert_settings != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->header_row), alert_settings != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "alerts.send-test", alert_settings != NULL);
  channels_changed_cb (self);

  return GTK_WIDGET (self);
}
