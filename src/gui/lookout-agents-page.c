/* lookout-agents-page.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Agents: an agent is added by its address and a token of
 * scope "agent". The page first reads the agent's certificate alone
 * (lookout_agent_probe_certificate_async()) and shows its fingerprint;
 * only once the person confirms it does the token go out, to that
 * certificate only (lookout_agent_probe_async()), and the agent is added
 * under the name it gives. Each agent's row follows its link live:
 * state, last seen, clock offset, results waiting at the agent, and why
 * it is not online. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-agents-page.h"
#include "lookout-format.h"

/* A link notifies on every message it hears: rows catch up at this pace. */
#define ROW_REFRESH_MS 250

struct _LookoutAgentsPage
{
  AdwPreferencesPage  parent_instance;

  AdwEntryRow        *url_row;
  AdwEntryRow        *token_row;
  AdwActionRow       *connect_row;
  GtkSpinner         *spinner;
  GtkButton          *connect_button;
  GtkLabel           *problem_label;
  GtkListBox         *agent_list;

  LookoutAgents      *agents;
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (LookoutAgentsPage, lookout_agents_page, ADW_TYPE_PREFERENCES_PAGE)

static void
toast (LookoutAgentsPage *self,
       const char        *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
say (LookoutAgentsPage *self,
     const char        *text,
     gboolean           failed)
{
  adw_action_row_set_subtitle (self->connect_row, text);
  if (failed)
    toast (self, text);
}

static void
set_busy (LookoutAgentsPage *self,
          gboolean           busy)
{
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), !busy);
}

static char *
describe_offset (gint64 offset_ms)
{
  g_autofree char *amount = lookout_format_latency (ABS (offset_ms) * 1000);

  if (ABS (offset_ms) > LOOKOUT_AGENT_CLOCK_BOUND_MS)
    return offset_ms > 0 ? g_strdup_printf (_("its clock is %s ahead: check it"), amount)
                         : g_strdup_printf (_("its clock is %s behind: check it"), amount);
  return offset_ms >= 0 ? g_strdup_printf (_("clock %s ahead"), amount)
                        : g_strdup_printf (_("clock %s behind"), amount);
}

static void
refresh_row (GtkWidget *row)
{
  LookoutAgentLink *link = g_object_get_data (G_OBJECT (row), "lookout-link");
  GtkLabel *state_label = g_object_get_data (G_OBJECT (row), "lookout-state-label");
  LookoutAgentLinkState state = lookout_agent_link_get_state (link);
  gint64 seen = lookout_agent_link_get_last_seen (link);
  const char *problem = lookout_agent_link_get_problem (link);
  g_autofree char *seen_text = seen > 0 ? lookout_format_date_time (seen) : g_strdup (_("never"));
  g_autofree char *offset = describe_offset (lookout_agent_link_get_clock_offset (link));
  gulong n_waiting = (gulong) lookout_agent_link_get_results_waiting (link);
  g_autofree char *waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu result waiting",
                                                           "%lu results waiting", n_waiting),
                                              n_waiting);
  g_autofree char *line = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *escaped = NULL;

  if (seen > 0)
    line = g_strdup_printf (_("%s · last seen %s · %s · %s"),
                            lookout_agent_link_get_url (link), seen_text, offset, waiting);
  else
    line = g_strdup_printf (_("%s · never reached"), lookout_agent_link_get_url (link));
  subtitle = problem != NULL && state != LOOKOUT_AGENT_LINK_ONLINE ? g_strconcat (line, "\n", problem, NULL)
                                                                  : g_steal_pointer (&line);
  escaped = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);

  gtk_label_set_text (state_label, lookout_agent_link_state_to_string (state));
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (state_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (state_label),
                            state == LOOKOUT_AGENT_LINK_ONLINE ? "success"
                            : state == LOOKOUT_AGENT_LINK_RECONNECTING ? "warning" : "error");
}

static gboolean
row_refresh_cb (gpointer user_data)
{
  GtkWidget *row = user_data;

  g_object_steal_data (G_OBJECT (row), "lookout-refresh");
  refresh_row (row);
  return G_SOURCE_REMOVE;
}

static void
cancel_refresh (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

static void
link_changed_cb (GtkWidget *row)
{
  guint id;

  if (g_object_get_data (G_OBJECT (row), "lookout-refresh") != NULL)
    return;
  id = g_timeout_add (ROW_REFRESH_MS, row_refresh_cb, row);
  g_object_set_data_full (G_OBJECT (row), "lookout-refresh", GUINT_TO_POINTER (id), cancel_refresh);
}

static void
state_changed_cb (GtkWidget *row)
{
  /* the state is what a person waits for: at once */
  g_object_set_data (G_OBJECT (row), "lookout-refresh", NULL);
  refresh_row (row);
}

static void
remove_clicked_cb (GtkButton         *button,
                   LookoutAgentsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "lookout-agent-name");
  g_autofree char *copy = g_strdup (name);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!lookout_agents_remove (self->agents, copy, &error))
    {
      say (self, error->message, TRUE);
      return;
    }
  text = g_strdup_printf (_("Agent %s removed"), copy);
  say (self, text, FALSE);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  LookoutAgentsPage *self = user_data;
  LookoutAgentLink *link = item;
  const char *name = lookout_agent_link_get_name (link);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state = gtk_label_new (NULL);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *remove_name = g_strdup_printf (_("Remove the agent “%s”"), name);
  g_autofree char *state_name = g_strdup_printf (_("State of the agent “%s”"), name);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (state), GTK_ACCESSIBLE_PROPERTY_LABEL, state_name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, remove_name);
  gtk_widget_add_css_class (remove, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
  g_object_set_data_full (G_OBJECT (remove), "lookout-agent-name", g_strdup (name), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  g_object_set_data_full (G_OBJECT (row), "lookout-link", g_object_ref (link), g_object_unref);
  g_object_set_data (G_OBJECT (row), "lookout-state-label", state);
  g_signal_connect_object (link, "notify::state", G_CALLBACK (state_changed_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::problem", G_CALLBACK (state_changed_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::last-seen", G_CALLBACK (link_changed_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::clock-offset", G_CALLBACK (link_changed_cb), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::results-waiting", G_CALLBACK (link_changed_cb), row, G_CONNECT_SWAPPED);
  refresh_row (row);
  return row;
}

static void
add_agent (LookoutAgentsPage     *self,
           const char            *url,
           const char            *token,
           LookoutAgentProbeInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!lookout_agents_add (self->agents, url, token, info, &error))
    {
      say (self, error->message, TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  text = g_strdup_printf (_("Agent %s added"), info->name);
  say (self, text, FALSE);
}

static void
probed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data);

/* Plain HTTP (loopback only): nothing to pin, the name to confirm. */
static void
add_response_cb (AdwMessageDialog  *dialog,
                 const char        *response,
                 LookoutAgentsPage *self)
{
  if (!g_str_equal (response, "add"))
    {
      say (self, _("Not added"), FALSE);
      return;
    }
  add_agent (self,
             g_object_get_data (G_OBJECT (dialog), "lookout-url"),
             g_object_get_data (G_OBJECT (dialog), "lookout-token"),
             g_object_get_data (G_OBJECT (dialog), "lookout-info"));
}

static void
ask_to_add (LookoutAgentsPage     *self,
            const char            *url,
            const char            *token,
            LookoutAgentProbeInfo *info)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Add the Agent “%s”?"), info->name);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The agent at %s speaks plain HTTP, which it does only on this "
                                    "computer: there is no certificate to pin."),
                                  url);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "add", _("_Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "lookout-info", info,
                          (GDestroyNotify) lookout_agent_probe_info_free);
  g_object_set_data_full (G_OBJECT (dialog), "lookout-url", g_strdup (url), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "lookout-token", g_strdup (token), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
probe_agent (LookoutAgentsPage *self,
             const char        *pinned)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  set_busy (self, TRUE);
  say (self, _("Connecting…"), FALSE);
  lookout_agent_probe_async (url, token, pinned, self->cancellable, probed_cb, g_object_ref (self));
}

/* The token goes out only now, to the certificate the person confirmed. */
static void
pin_response_cb (AdwMessageDialog  *dialog,
                 const char        *response,
                 LookoutAgentsPage *self)
{
  if (!g_str_equal (response, "pin"))
    {
      say (self, _("Not added: the certificate was not confirmed"), FALSE);
      return;
    }
  probe_agent (self, g_object_get_data (G_OBJECT (dialog), "lookout-fingerprint"));
}

static void
ask_to_pin (LookoutAgentsPage *self,
            const char        *url,
            char              *fingerprint)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  GtkWidget *dialog;
  GtkWidget *label = gtk_label_new (fingerprint);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Pin the Certificate of “%s”?"),
                                     uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : url);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The agent at %s presents the certificate below. Pin it only if "
                                    "this is the SHA-256 fingerprint the agent printed when it started: "
                                    "the token is sent only then, and from then on any other certificate "
                                    "is refused."),
                                  url);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "pin", _("_Pin and Add"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "pin", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "lookout-fingerprint", fingerprint, g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (pin_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
probed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LookoutAgentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  LookoutAgentProbeInfo *info = lookout_agent_probe_finish (result, &error);
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (info == NULL)
    {
      say (self, error->message, TRUE);
      return;
    }

  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  if (info->fingerprint != NULL)
    {
      /* its certificate was confirmed before the token went out */
      add_agent (self, url, token, info);
      lookout_agent_probe_info_free (info);
      return;
    }
  ask_to_add (self, url, token, info);
}

static void
certificate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LookoutAgentsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  char *fingerprint = lookout_agent_probe_certificate_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      set_busy (self, FALSE);
      say (self, error->message, TRUE);
      return;
    }
  if (fingerprint == NULL)
    {
      probe_agent (self, NULL);
      return;
    }
  set_busy (self, FALSE);
  url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  say (self, _("Compare the certificate’s fingerprint with the agent’s"), FALSE);
  ask_to_pin (self, url, fingerprint);
}

static void
connect_clicked_cb (LookoutAgentsPage *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (*token == '\0')
    {
      say (self, _("An agent needs a token of scope “agent” (lookout-agent token create … --scope agent on the agent)"), TRUE);
      return;
    }
  set_busy (self, TRUE);
  say (self, _("Connecting…"), FALSE);
  lookout_agent_probe_certificate_async (url, self->cancellable, certificate_cb, g_object_ref (self));
}

static void
problem_changed_cb (LookoutAgentsPage *self)
{
  const char *problem = lookout_agents_get_problem (self->agents);

  gtk_label_set_text (self->problem_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

static void
lookout_agents_page_dispose (GObject *object)
{
  LookoutAgentsPage *self = LOOKOUT_AGENTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->agents);

  G_OBJECT_CLASS (lookout_agents_page_parent_class)->dispose (object);
}

static void
lookout_agents_page_class_init (LookoutAgentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_agents_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/lookoutapp/Lookout/lookout-agents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, connect_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutAgentsPage, agent_list);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
}

static void
lookout_agents_page_init (LookoutAgentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
lookout_agents_page_new (LookoutAgents *agents)
{
  LookoutAgentsPage *self;

  g_return_val_if_fail (LOOKOUT_IS_AGENTS (agents), NULL);

  self = g_object_new (LOOKOUT_TYPE_AGENTS_PAGE, NULL);
  self->agents = g_object_ref (agents);
  gtk_list_box_bind_model (self->agent_list, G_LIST_MODEL (lookout_agents_get_manager (agents)),
                           create_row_cb, self, NULL);
  g_signal_connect_object (agents, "notify::problem", G_CALLBACK (problem_changed_cb), self, G_CONNECT_SWAPPED);
  problem_changed_cb (self);

  return GTK_WIDGET (self);
}
