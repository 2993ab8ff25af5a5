/* lookout-remote-access-page.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Remote Access: serving the REST API on and off, its
 * address (checked as the agent's --listen is), what it is doing, its TLS
 * fingerprint, and the tokens: made with a name and what they may do, shown
 * once to be copied, listed, revoked. */

#define G_LOG_DOMAIN "lookout-remote-access"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-format.h"
#include "lookout-remote-access-page.h"

struct _LookoutRemoteAccessPage
{
  AdwPreferencesPage   parent_instance;

  GtkSwitch           *enable_switch;
  AdwEntryRow         *address_row;
  AdwActionRow        *status_row;
  AdwActionRow        *fingerprint_row;
  AdwEntryRow         *name_row;
  AdwComboRow         *scope_row;
  GtkButton           *create_button;
  GtkListBox          *token_list;

  GSettings           *settings;
  LookoutRemoteAccess *remote_access;
};

G_DEFINE_FINAL_TYPE (LookoutRemoteAccessPage, lookout_remote_access_page, ADW_TYPE_PREFERENCES_PAGE)

/* In the order of the scope row's choices. */
static const LookoutApiScope scope_choices[] = {
  LOOKOUT_API_SCOPE_READ,
  LOOKOUT_API_SCOPE_READ | LOOKOUT_API_SCOPE_WRITE,
  LOOKOUT_API_SCOPE_METRICS,
  LOOKOUT_API_SCOPE_AGENT,
};

static void refill_tokens (LookoutRemoteAccessPage *self);

static void
toast (LookoutRemoteAccessPage *self,
       const char              *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
update_status (LookoutRemoteAccessPage *self)
{
  const char *url = lookout_remote_access_get_url (self->remote_access);
  const char *problem = lookout_remote_access_get_problem (self->remote_access);
  const char *fingerprint = lookout_remote_access_get_fingerprint (self->remote_access);
  g_autofree char *text = NULL;

  if (url != NULL)
    text = g_strdup_printf (_("Serving on %s"), url);
  else if (problem != NULL)
    text = g_strdup_printf (_("Not serving: %s"), problem);
  else
    text = g_strdup (_("Off"));
  adw_action_row_set_subtitle (self->status_row, text);

  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_row), fingerprint != NULL);
  adw_action_row_set_subtitle (self->fingerprint_row, fingerprint != NULL ? fingerprint : "");
}

static void
remote_access_changed_cb (LookoutRemoteAccessPage *self)
{
  update_status (self);
}

static void
address_applied_cb (LookoutRemoteAccessPage *self)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port;

  if (!lookout_api_parse_listen_address (address, &host, &port, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
  g_settings_set_string (self->settings, "remote-access-address", address);
}

static void
token_dialog_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          gpointer          user_data)
{
  if (g_str_equal (response, "copy"))
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)),
                            g_object_get_data (G_OBJECT (dialog), "lookout-token"));
}

static void
show_token (LookoutRemoteAccessPage *self,
            const char              *name,
            const char              *token)
{
  GtkWidget *dialog;
  GtkWidget *label;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Token Created"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Copy the token “%s” now: it is not shown again."), name);
  label = gtk_label_new (token);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "copy", _("_Copy and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "copy",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "copy");
  g_object_set_data_full (G_OBJECT (dialog), "lookout-token", g_strdup (token), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (token_dialog_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
create_clicked_cb (LookoutRemoteAccessPage *self)
{
  LookoutApiTokens *tokens = lookout_remote_access_get_tokens (self->remote_access);
  g_autofree char *name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  guint choice = adw_combo_row_get_selected (self->scope_row);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_strstrip (name);
  token = lookout_api_tokens_create (tokens, name,
                                     scope_choices[MIN (choice, G_N_ELEMENTS (scope_choices) - 1)],
                                     &error);
  if (token == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      toast (self, error->message);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  refill_tokens (self);
  show_token (self, name, token);
}

static void
revoke_clicked_cb (GtkButton               *button,
                   LookoutRemoteAccessPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "lookout-token-name");
  g_autoptr(GError) error = NULL;

  if (!lookout_api_tokens_revoke (lookout_remote_access_get_tokens (self->remote_access), name, &error))
    toast (self, error->message);
  refill_tokens (self);
}

static void
refill_tokens (LookoutRemoteAccessPage *self)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->token_list))) != NULL)
    gtk_list_box_remove (self->token_list, child);

  tokens = lookout_api_tokens_list (lookout_remote_access_get_tokens (self->remote_access), &error);
  if (tokens == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      const LookoutStoredToken *t = &g_array_index (tokens, LookoutStoredToken, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *revoke = gtk_button_new_with_label (_("Revoke"));
      g_autofree char *created = lookout_format_date_time (t->created_ms);
      g_autofree char *used = t->last_used_ms > 0 ? lookout_format_date_time (t->last_used_ms)
                                                  : g_strdup (_("never"));
      g_autofree char *subtitle = g_strdup_printf (_("%s · made %s · last used %s"),
                                                   t->scopes, created, used);
      g_autofree char *revoke_name = g_strdup_printf (_("Revoke the token “%s”"), t->name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), t->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (revoke, "destructive-action");
      gtk_accessible_update_property (GTK_ACCESSIBLE (revoke), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      revoke_name, -1);
      g_object_set_data_full (G_OBJECT (revoke), "lookout-token-name", g_strdup (t->name), g_free);
      g_signal_connect (revoke, "clicked", G_CALLBACK (revoke_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), revoke);
      gtk_list_box_append (self->token_list, row);
    }
}

static void
lookout_remote_access_page_dispose (GObject *object)
{
  LookoutRemoteAccessPage *self = (LookoutRemoteAccessPage *) object;

  if (self->remote_access != NULL)
    g_signal_handlers_disconnect_by_func (self->remote_access, remote_access_changed_cb, self);
  g_clear_object (&self->remote_access);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lookout_remote_access_page_parent_class)->dispose (object);
}

static void
lookout_remote_access_page_class_init (LookoutRemoteAccessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_remote_access_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/lookoutapp/Lookout/lookout-remote-access-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, enable_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, scope_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, create_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutRemoteAccessPage, token_list);
  gtk_widget_class_bind_template_callback (widget_class, address_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
}

static void
lookout_remote_access_page_init (LookoutRemoteAccessPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_remote_access_page_new (GSettings           *settings,
                                LookoutRemoteAccess *remote_access)
{
  LookoutRemoteAccessPage *self;
  g_autofree char *address = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (LOOKOUT_IS_REMOTE_ACCESS (remote_access), NULL);

  self = g_object_new (LOOKOUT_TYPE_REMOTE_ACCESS_PAGE, NULL);
  self->settings = g_object_ref (settings);
  self->remote_access = g_object_ref (remote_access);

  g_settings_bind (settings, "remote-access", self->enable_switch, "active", G_SETTINGS_BIND_DEFAULT);
  address = g_settings_get_string (settings, "remote-access-address");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);

  g_signal_connect_swapped (remote_access, "notify::url", G_CALLBACK (remote_access_changed_cb), self);
  g_signal_connect_swapped (remote_access, "notify::problem", G_CALLBACK (remote_access_changed_cb), self);
  update_status (self);
  refill_tokens (self);

  return GTK_WIDGET (self);
}
