/* lookout-target-dialog.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Add/Edit Target dialog. Every change of any field runs revalidate(),
 * which asks the core (lookout_target_uri_parse_for_kind() and the
 * lookout_target_validate_*() functions) whether each value is acceptable,
 * shows the reason under the field when it is not, and enables the
 * "dialog.confirm" action (the Add/Save button) only when all are. A full URI
 * typed or pasted as the address picks the check type itself; the name
 * follows the address until the user types one. */

#define G_LOG_DOMAIN "lookout-target-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lookout-auth-secrets.h"
#include "lookout-gui-utils.h"
#include "lookout-maintenance.h"
#include "lookout-place-picker.h"
#include "lookout-probe-kind.h"
#include "lookout-secrets.h"
#include "lookout-target-dialog-private.h"
#include "lookout-target-options.h"
#include "lookout-target-tags.h"

G_DEFINE_FINAL_TYPE (LookoutTargetDialog, lookout_target_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_MONITOR,
  PROP_TARGET,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *http_methods[] = { "GET", "HEAD", "POST", "OPTIONS" };

static void revalidate (LookoutTargetDialog *self);

static LookoutTargetKind
get_selected_kind (LookoutTargetDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  if (selected >= LOOKOUT_TARGET_N_KINDS)
    return LOOKOUT_TARGET_KIND_HTTP;
  return (LookoutTargetKind)selected;
}

/* A message under a field, shown or hidden. In a preferences group the
 * label sits in a list row of its own, which goes with it: an empty row
 * would still be read out, and focused, as a nameless list item. */
static void
show_field_message (GtkLabel *label,
                    gboolean  visible)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (label));

  gtk_widget_set_visible (GTK_WIDGET (label), visible);
  if (GTK_IS_LIST_BOX_ROW (parent))
    {
      gtk_widget_set_visible (parent, visible);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (parent), FALSE);
      gtk_widget_set_focusable (parent, FALSE);
    }
}

static void
set_field_error (GtkWidget  *field,
                 GtkLabel   *label,
                 const char *message)
{
  gboolean invalid = message != NULL && message[0] != '\0';

  if (field != NULL)
    {
      if (invalid)
        gtk_widget_add_css_class (field, "error");
      else
        gtk_widget_remove_css_class (field, "error");

      gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                                   GTK_ACCESSIBLE_STATE_INVALID,
                                   invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                                   -1);
      if (invalid)
        gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                        -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (field),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }

  gtk_label_set_label (label, invalid ? message : "");
  show_field_message (label, invalid);
}

/* Editable text of an AdwEntryRow without surrounding blanks. */
static char *
dup_entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static guint
get_timeout_ms (LookoutTargetDialog *self)
{
  return (guint)(gtk_spin_button_get_value (self->timeout_spin) * 1000.0 + 0.5);
}

static JsonObject *
dup_base_options (LookoutTargetDialog *self,
                  LookoutTargetKind    kind)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  /* Keep the keys the dialog does not show (headers, max_redirects, …) of
   * a target being edited, as long as its kind stays the same. */
  if (self->target == NULL || lookout_target_get_kind (self->target) != kind)
    return json_object_new ();

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, lookout_target_get_options (self->target), -1, NULL))
    return json_object_new ();

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return json_object_new ();

  return json_object_ref (json_node_get_object (root));
}

/* An entry's text as a string option; a blank entry removes it. */
static void
set_text_member (JsonObject  *object,
                 const char  *member,
                 AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (text[0] != '\0')
    json_object_set_string_member (object, member, text);
  else
    json_object_remove_member (object, member);
}

#define LOOKOUT_HTTP_DEFAULT_MAX_REDIRECTS 10

/* The password never goes into the options (and so never into the
 * database or an export): the target holds it in memory and the keyring
 * keeps it. One given in clear (an imported file) moves there on saving;
 * one in an environment variable stays where it is. */
static void
save_basic_auth (LookoutTargetDialog *self,
                 JsonObject          *object)
{
  g_autofree char *user = dup_entry_text (self->auth_user_row);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->auth_password_row));

  if (user[0] == '\0')
    {
      json_object_remove_member (object, "basic_auth_user");
      json_object_remove_member (object, "basic_auth_password");
      json_object_remove_member (object, "basic_auth_password_env");
      json_object_remove_member (object, "basic_auth_keyring");
      return;
    }

  json_object_set_string_member (object, "basic_auth_user", user);
  if (password[0] != '\0' || json_object_has_member (object, "basic_auth_password") ||
      !json_object_has_member (object, "basic_auth_password_env"))
    {
      json_object_remove_member (object, "basic_auth_password");
      json_object_remove_member (object, "basic_auth_password_env");
      json_object_set_boolean_member (object, "basic_auth_keyring", TRUE);
    }
}

/* The password the target is to hold: the one typed, else one given in
 * clear in the options (moving to the keyring), else what it has. */
static char *
dup_auth_password (LookoutTargetDialog *self,
                   const char          *options_json)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->auth_password_row));
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (typed[0] != '\0')
    return g_strdup (typed);
  if (options_json != NULL && json_parser_load_from_data (parser, options_json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      const char *clear = json_object_get_string_member_with_default (json_node_get_object (root),
                                                                      "basic_auth_password", NULL);
      if (clear != NULL)
        return g_strdup (clear);
    }
  if (self->target != NULL)
    return g_strdup (lookout_target_get_auth_password (self->target));

  return NULL;
}

static void
save_http_options (LookoutTargetDialog *self,
                   JsonObject          *object)
{
  guint method = adw_combo_row_get_selected (self->method_row);
  g_autofree char *accept = dup_entry_text (self->accept_row);
  const char *keyword = gtk_editable_get_text (GTK_EDITABLE (self->keyword_row));

  if (method >= G_N_ELEMENTS (http_methods))
    method = 0;
  json_object_set_string_member (object, "method", http_methods[method]);
  json_object_set_string_member (object, "accept", accept);
  if (keyword[0] != '\0')
    {
      json_object_set_string_member (object, "keyword", keyword);
      json_object_set_boolean_member (object, "keyword_absent",
                                      gtk_switch_get_active (self->keyword_absent_switch));
    }
  else
    {
      json_object_remove_member (object, "keyword");
      json_object_remove_member (object, "keyword_absent");
    }
  json_object_set_boolean_member (object, "verify_tls",
                                  gtk_switch_get_active (self->verify_tls_switch));
  set_text_member (object, "ca_file", self->ca_file_row);
  if (gtk_spin_button_get_value_as_int (self->max_redirects_spin) != LOOKOUT_HTTP_DEFAULT_MAX_REDIRECTS)
    json_object_set_int_member (object, "max_redirects", gtk_spin_button_get_value_as_int (self->max_redirects_spin));
  else
    json_object_remove_member (object, "max_redirects");
  save_basic_auth (self, object);
}

static void
load_http_options (LookoutTargetDialog *self,
                   JsonObject          *object)
{
  const char *method = json_object_get_string_member_with_default (object, "method", "GET");

  for (guint i = 0; i < G_N_ELEMENTS (http_methods); i++)
    if (g_ascii_strcasecmp (method, http_methods[i]) == 0)
      adw_combo_row_set_selected (self->method_row, i);
  gtk_editable_set_text (GTK_EDITABLE (self->accept_row),
                         json_object_get_string_member_with_default (object, "accept", "200-399"));
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_row),
                         json_object_get_string_member_with_default (object, "keyword", ""));
  gtk_switch_set_active (self->keyword_absent_switch,
                         json_object_get_boolean_member_with_default (object, "keyword_absent", FALSE));
  gtk_switch_set_active (self->verify_tls_switch,
                         json_object_get_boolean_member_with_default (object, "verify_tls", TRUE));
  gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row),
                         json_object_get_string_member_with_default (object, "ca_file", ""));
  gtk_spin_button_set_value (self->max_redirects_spin,
                             json_object_get_int_member_with_default (object, "max_redirects",
                                                                      LOOKOUT_HTTP_DEFAULT_MAX_REDIRECTS));
  gtk_editable_set_text (GTK_EDITABLE (self->auth_user_row),
                         json_object_get_string_member_with_default (object, "basic_auth_user", ""));
}

static void
save_icmp_options (LookoutTargetDialog *self,
                   JsonObject          *object)
{
  json_object_set_int_member (object, "count", gtk_spin_button_get_value_as_int (self->count_spin));
}

static void
load_icmp_options (LookoutTargetDialog *self,
                   JsonObject          *object)
{
  gtk_spin_button_set_value (self->count_spin,
                             json_object_get_int_member_with_default (object, "count", 3));
}

static void
save_udp_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  const char *payload = gtk_editable_get_text (GTK_EDITABLE (self->payload_row));

  if (payload[0] != '\0')
    json_object_set_string_member (object, "payload", payload);
  else
    json_object_remove_member (object, "payload");
}

static void
load_udp_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  gtk_editable_set_text (GTK_EDITABLE (self->payload_row),
                         json_object_get_string_member_with_default (object, "payload", ""));
}

static void
save_dns_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  set_text_member (object, "expect", self->expect_row);
}

static void
load_dns_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  gtk_editable_set_text (GTK_EDITABLE (self->expect_row),
                         json_object_get_string_member_with_default (object, "expect", ""));
}

static void
save_int_member (JsonObject  *object,
                 const char  *key,
                 AdwEntryRow *row)
{
  g_autofree char *text = dup_entry_text (row);
  gint64 value;

  /* What is not a number is kept as text, for the validation to name. */
  if (*text == '\0')
    json_object_remove_member (object, key);
  else if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    json_object_set_int_member (object, key, value);
  else
    json_object_set_string_member (object, key, text);
}

static void
load_int_member (JsonObject  *object,
                 const char  *key,
                 AdwEntryRow *row)
{
  g_autofree char *text = NULL;

  if (json_object_has_member (object, key))
    text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (object, key, 0));
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
save_ntp_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  save_int_member (object, "max_offset_ms", self->max_offset_row);
  save_int_member (object, "max_offset_s", self->max_offset_down_row);
}

static void
load_ntp_options (LookoutTargetDialog *self,
                  JsonObject          *object)
{
  load_int_member (object, "max_offset_ms", self->max_offset_row);
  load_int_member (object, "max_offset_s", self->max_offset_down_row);
}

/* The kinds with options of their own: their expander row in the template
 * and how it reads and writes the target's options JSON. Every other kind
 * has none, and the options group is hidden for it. */
typedef struct
{
  LookoutTargetKind   kind;
  gsize               expander_offset;
  void              (*save) (LookoutTargetDialog *self,
                             JsonObject          *object);
  void              (*load) (LookoutTargetDialog *self,
                             JsonObject          *object);
} KindOptions;

#define KIND_OPTIONS(kind, expander, prefix) \
  { kind, G_STRUCT_OFFSET (LookoutTargetDialog, expander), save_##prefix##_options, load_##prefix##_options }

static const KindOptions kind_options[] = {
  KIND_OPTIONS (LOOKOUT_TARGET_KIND_HTTP, http_options, http),
  KIND_OPTIONS (LOOKOUT_TARGET_KIND_ICMP, icmp_options, icmp),
  KIND_OPTIONS (LOOKOUT_TARGET_KIND_UDP, udp_options, udp),
  KIND_OPTIONS (LOOKOUT_TARGET_KIND_DNS, dns_options, dns),
  KIND_OPTIONS (LOOKOUT_TARGET_KIND_NTP, ntp_options, ntp),
};

#undef KIND_OPTIONS

static const KindOptions *
find_kind_options (LookoutTargetKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_options); i++)
    if (kind_options[i].kind == kind)
      return &kind_options[i];

  return NULL;
}

static GtkWidget *
get_expander (LookoutTargetDialog *self,
              const KindOptions   *options)
{
  return *(GtkWidget **) G_STRUCT_MEMBER_P (self, options->expander_offset);
}

/* "Check from": where the target is checked from and how many of those
 * places must see it down; the defaults (local, any) are left out. */
static void
save_places (LookoutTargetDialog *self,
             JsonObject          *object)
{
  g_autofree char *locations = dup_entry_text (self->locations_row);
  g_autofree char *quorum = dup_entry_text (self->quorum_row);

  if (locations[0] != '\0' && !g_str_equal (locations, LOOKOUT_LOCATION_LOCAL))
    json_object_set_string_member (object, "locations", locations);
  else
    json_object_remove_member (object, "locations");
  if (quorum[0] != '\0' && !g_str_equal (quorum, "any"))
    json_object_set_string_member (object, "quorum", quorum);
  else
    json_object_remove_member (object, "quorum");
}

static void
load_places (LookoutTargetDialog *self,
             const char          *options_json)
{
  g_auto(GStrv) names = NULL;
  g_autofree char *locations = NULL;
  g_autofree char *quorum_text = NULL;
  guint quorum;

  names = lookout_target_options_get_places (options_json, &quorum);
  locations = g_strjoinv (",", names);
  if (quorum == LOOKOUT_QUORUM_ALL)
    quorum_text = g_strdup ("all");
  else if (quorum == 1)
    quorum_text = g_strdup ("any");
  else
    quorum_text = g_strdup_printf ("%u", quorum);
  gtk_editable_set_text (GTK_EDITABLE (self->locations_row), locations);
  gtk_editable_set_text (GTK_EDITABLE (self->quorum_row), quorum_text);
}

/* ---- tags, maintenance windows, channels ---- */

static void
save_organise (LookoutTargetDialog *self,
               JsonObject          *object)
{
  g_autofree char *tags = dup_entry_text (self->tags_row);
  g_autofree char *maintenance = dup_entry_text (self->maintenance_row);

  if (tags[0] != '\0')
    json_object_set_string_member (object, "tags", tags);
  else
    json_object_remove_member (object, "tags");
  if (maintenance[0] != '\0')
    json_object_set_string_member (object, "maintenance", maintenance);
  else
    json_object_remove_member (object, "maintenance");

  if (gtk_switch_get_active (self->all_channels_switch))
    json_object_remove_member (object, "channels");
  else
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      for (guint i = 0; i < self->channel_checks->len; i++)
        if (gtk_check_button_get_active (self->channel_checks->pdata[i]))
          g_string_append_printf (ids, "%s%s", ids->len > 0 ? "," : "",
                                  (const char *) g_object_get_data (self->channel_checks->pdata[i],
                                                                    "lookout-channel-id"));
      json_object_set_string_member (object, "channels", ids->str);
    }
}

static GtkCheckButton *
add_channel_row (LookoutTargetDialog *self,
                 const char          *id,
                 const char          *title,
                 const char          *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  /* named by the row's title, which it activates */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data_full (G_OBJECT (check), "lookout-channel-id", g_strdup (id), g_free);
  g_object_bind_property (self->all_channels_switch, "active", row, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_signal_connect_object (check, "toggled", G_CALLBACK (revalidate), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_row (self->channels_row, row);
  g_ptr_array_add (self->channel_checks, check);

  return GTK_CHECK_BUTTON (check);
}

GtkCheckButton *
lookout_target_dialog_find_channel (LookoutTargetDialog *self,
                                    const char          *id)
{
  for (guint i = 0; i < self->channel_checks->len; i++)
    if (g_str_equal (g_object_get_data (self->channel_checks->pdata[i], "lookout-channel-id"), id))
      return self->channel_checks->pdata[i];

  return NULL;
}

/* Every channel the preferences configure: the three built in and the
 * further webhooks and Telegram chats of the "channels" setting. */
static void
add_configured_channels (LookoutTargetDialog *self)
{
  g_autoptr(GSettings) settings = lookout_dup_settings ();

  add_channel_row (self, "desktop", _("Desktop notifications"), "desktop");
  add_channel_row (self, "telegram", _("Telegram"), "telegram");
  add_channel_row (self, "webhook", _("Webhook"), "webhook");

  if (settings != NULL)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, "channels");
      const char *id, *kind, *name, *address;
      gboolean enabled;
      GVariantIter iter;

      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "(&s&s&s&sb)", &id, &kind, &name, &address, &enabled))
        if (lookout_target_dialog_find_channel (self, id) == NULL)
          {
            g_autofree char *subtitle = g_strdup_printf ("%s · %s", id,
                                                         g_str_equal (kind, "telegram") ? _("Telegram")
                                                                                        : _("Webhook"));

            add_channel_row (self, id, name[0] != '\0' ? name : id, subtitle);
          }
    }
}

static void
update_channels_summary (LookoutTargetDialog *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (gtk_switch_get_active (self->all_channels_switch))
    {
      adw_expander_row_set_subtitle (self->channels_row, _("All channels"));
      return;
    }

  for (guint i = 0; i < self->channel_checks->len; i++)
    if (gtk_check_button_get_active (self->channel_checks->pdata[i]))
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              (const char *) g_object_get_data (self->channel_checks->pdata[i],
                                                                "lookout-channel-id"));
  adw_expander_row_set_subtitle (self->channels_row,
                                 names->len > 0 ? names->str : _("None: events are recorded, not sent"));
}

static void
load_organise (LookoutTargetDialog *self,
               const char          *options_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *root;
  const char *channels;

  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);

  gtk_editable_set_text (GTK_EDITABLE (self->tags_row),
                         json_object_get_string_member_with_default (object, "tags", ""));
  gtk_editable_set_text (GTK_EDITABLE (self->maintenance_row),
                         json_object_get_string_member_with_default (object, "maintenance", ""));

  channels = json_object_get_string_member_with_default (object, "channels", NULL);
  if (channels != NULL)
    {
      g_auto(GStrv) ids = g_strsplit (channels, ",", -1);

      gtk_switch_set_active (self->all_channels_switch, FALSE);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          const char *id = g_strstrip (ids[i]);
          GtkCheckButton *check;

          if (id[0] == '\0')
            continue;
          /* One named here but no longer configured stays, and says so. */
          check = lookout_target_dialog_find_channel (self, id);
          if (check == NULL)
            check = add_channel_row (self, id, id, _("Not configured in the preferences"));
          gtk_check_button_set_active (check, TRUE);
        }
    }
}

static void
known_tag_clicked_cb (GtkButton           *button,
                      LookoutTargetDialog *self)
{
  const char *tag = g_object_get_data (G_OBJECT (button), "lookout-tag");
  g_autofree char *text = dup_entry_text (self->tags_row);
  g_auto(GStrv) tags = lookout_target_tags_split (text);
  g_autofree char *joined = NULL;

  for (guint i = 0; tags[i] != NULL; i++)
    if (g_utf8_collate (tags[i], tag) == 0 || g_ascii_strcasecmp (tags[i], tag) == 0)
      return;

  joined = text[0] != '\0' ? g_strdup_printf ("%s, %s", text, tag) : g_strdup (tag);
  gtk_editable_set_text (GTK_EDITABLE (self->tags_row), joined);
}

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

/* The tags the other targets have, offered as buttons that add one. */
static void
update_known_tags (LookoutTargetDialog *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;
  GListModel *targets;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->known_tags_box))) != NULL)
    gtk_flow_box_remove (self->known_tags_box, child);

  if (self->monitor != NULL)
    {
      targets = lookout_monitor_get_targets (self->monitor);
      for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
        {
          g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
          g_auto(GStrv) tags = lookout_target_dup_tags (target);

          for (guint j = 0; tags[j] != NULL; j++)
            {
              g_autofree char *key = g_utf8_casefold (tags[j], -1);

              if (g_hash_table_add (seen, g_steal_pointer (&key)))
                g_ptr_array_add (known, g_strdup (tags[j]));
            }
        }
    }

  g_ptr_array_sort (known, compare_tags);
  for (guint i = 0; i < known->len; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (known->pdata[i]);
      g_autofree char *label = g_strdup_printf (_("Add the tag %s"), (const char *) known->pdata[i]);

      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "small");
      lookout_set_accessible_label (button, label);
      gtk_widget_set_tooltip_text (button, label);
      g_object_set_data_full (G_OBJECT (button), "lookout-tag", g_strdup (known->pdata[i]), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (known_tag_clicked_cb), self, 0);
      gtk_flow_box_append (self->known_tags_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->known_tags_box), known->len > 0);
  if (GTK_IS_LIST_BOX_ROW (gtk_widget_get_parent (GTK_WIDGET (self->known_tags_box))))
    {
      GtkWidget *row = gtk_widget_get_parent (GTK_WIDGET (self->known_tags_box));

      gtk_widget_set_visible (row, known->len > 0);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_focusable (row, FALSE);
    }
}

/* The names the other targets are checked from, as a hint. */
static void
update_known_places (LookoutTargetDialog *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) known = g_string_new (LOOKOUT_LOCATION_LOCAL);
  g_autofree char *description = NULL;
  GListModel *targets;

  g_hash_table_add (seen, g_strdup (LOOKOUT_LOCATION_LOCAL));
  if (self->monitor != NULL)
    {
      targets = lookout_monitor_get_targets (self->monitor);
      for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
        {
          g_autoptr(LookoutTarget) target = g_list_model_get_item (targets, i);
          g_auto(GStrv) names = lookout_target_options_get_places (lookout_target_get_options (target), NULL);

          for (guint j = 0; names[j] != NULL; j++)
            if (g_hash_table_add (seen, g_strdup (names[j])))
              g_string_append_printf (known, ", %s", names[j]);
        }
    }

  /* Translators: %s lists location names, "local, paris, tokyo". */
  description = g_strdup_printf (_("“local” is this computer, any other name a remote agent. In use: %s"),
                                 known->str);
  adw_preferences_group_set_description (self->locations_group, description);
}

static char *
build_options_json (LookoutTargetDialog *self,
                    LookoutTargetKind    kind)
{
  g_autoptr(JsonObject) object = dup_base_options (self, kind);
  const KindOptions *options = find_kind_options (kind);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;

  if (options != NULL)
    options->save (self, object);
  save_places (self, object);
  save_organise (self, object);

  root = json_node_init_object (json_node_alloc (), object);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
load_options (LookoutTargetDialog *self,
              LookoutTargetKind    kind,
              const char          *options_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const KindOptions *options = find_kind_options (kind);
  JsonNode *root;

  if (options == NULL)
    return;
  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  options->load (self, json_node_get_object (root));
}

static void
update_for_kind (LookoutTargetDialog *self)
{
  LookoutTargetKind kind = get_selected_kind (self);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->kind_row),
                               lookout_probe_kind_get_address_example (lookout_probe_kind_get (kind)));
  for (guint i = 0; i < G_N_ELEMENTS (kind_options); i++)
    gtk_widget_set_visible (get_expander (self, &kind_options[i]), kind_options[i].kind == kind);
  gtk_widget_set_visible (GTK_WIDGET (self->options_group), find_kind_options (kind) != NULL);
}

static void
update_verify_tls (LookoutTargetDialog *self)
{
  if (gtk_switch_get_active (self->verify_tls_switch))
    {
      adw_action_row_set_subtitle (self->verify_tls_row,
                                   _("Invalid or expired certificates make the check fail"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->verify_tls_row), "warning");
    }
  else
    {
      adw_action_row_set_subtitle (self->verify_tls_row,
                                   _("Insecure: any certificate is accepted, so an impostor would pass the check"));
      gtk_widget_add_css_class (GTK_WIDGET (self->verify_tls_row), "warning");
    }
}

static void
set_name_text (LookoutTargetDialog *self,
               const char          *text)
{
  gboolean was_updating = self->updating;

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), text ? text : "");
  self->updating = was_updating;
}

static gboolean
revalidate_address (LookoutTargetDialog *self)
{
  g_autofree char *text = dup_entry_text (self->address_row);
  g_autoptr(GError) error = NULL;
  LookoutTargetKind kind = get_selected_kind (self);
  LookoutTargetKind out_kind = kind;
  LookoutTargetUri *uri;

  g_clear_pointer (&self->uri, lookout_target_uri_unref);
  show_field_message (self->address_note, FALSE);

  if (text[0] == '\0')
    {
      /* Nothing typed yet is not a mistake worth a red message. */
      set_field_error (GTK_WIDGET (self->address_row), self->address_error, NULL);
      return FALSE;
    }

  uri = lookout_target_uri_parse_for_kind (kind, text, &out_kind, &error);

  if ((guint)out_kind < LOOKOUT_TARGET_N_KINDS && out_kind != kind)
    {
      self->updating = TRUE;
      adw_combo_row_set_selected (self->kind_row, out_kind);
      self->updating = FALSE;
      update_for_kind (self);
    }

  if (uri == NULL)
    {
      set_field_error (GTK_WIDGET (self->address_row), self->address_error,
                       error ? error->message : _("This address cannot be checked"));
      return FALSE;
    }

  self->uri = uri;
  set_field_error (GTK_WIDGET (self->address_row), self->address_error, NULL);

  /* Said before adding, when it is not what was typed: "example.org"
   * becomes https://example.org/. */
  if (g_strcmp0 (text, lookout_target_uri_to_string (uri)) != 0)
    {
      g_autofree char *note = g_strdup_printf (_("Will check %s"), lookout_target_uri_to_string (uri));

      gtk_label_set_label (self->address_note, note);
      show_field_message (self->address_note, TRUE);
    }

  if (self->monitor != NULL)
    {
      LookoutTarget *existing;

      existing = lookout_monitor_find_target_by_uri (self->monitor, lookout_target_uri_to_string (uri));
      if (existing != NULL && existing != self->target)
        {
          g_autofree char *message = NULL;

          /* A warning, not an error: checking one thing twice with other
           * settings is allowed. */
          message = g_strdup_printf (_("“%s” already checks this address"),
                                     lookout_target_get_name (existing));
          gtk_label_set_label (self->address_error, message);
          gtk_widget_remove_css_class (GTK_WIDGET (self->address_error), "error");
          gtk_widget_add_css_class (GTK_WIDGET (self->address_error), "warning");
          show_field_message (self->address_error, TRUE);
          return TRUE;
        }
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->address_error), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->address_error), "error");

  return TRUE;
}

static gboolean
revalidate_name (LookoutTargetDialog *self)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  /* Only a change of the address renames: while the name is being
   * edited it passes through intermediate states (empty, for one). */
  if (self->address_changed && !self->name_edited)
    {
      g_autofree char *display_name = NULL;

      if (self->uri != NULL)
        display_name = lookout_target_uri_dup_display_name (self->uri);
      set_name_text (self, display_name);
    }

  /* An empty name means "named after the address". */
  name = dup_entry_text (self->name_row);
  if (name[0] != '\0' && !lookout_target_validate_name (name, &error))
    {
      set_field_error (GTK_WIDGET (self->name_row), self->name_error, error->message);
      return FALSE;
    }

  set_field_error (GTK_WIDGET (self->name_row), self->name_error, NULL);
  return TRUE;
}

static gboolean
revalidate_schedule (LookoutTargetDialog *self)
{
  g_autoptr(GError) interval_error = NULL;
  g_autoptr(GError) timeout_error = NULL;
  g_autoptr(GError) threshold_error = NULL;
  g_autoptr(GError) schedule_error = NULL;
  const char *message = NULL;

  if (!lookout_target_validate_interval (gtk_spin_button_get_value_as_int (self->interval_spin), &interval_error))
    message = interval_error->message;
  set_field_error (GTK_WIDGET (self->interval_row), self->schedule_error, message);

  if (!lookout_target_validate_timeout (get_timeout_ms (self), &timeout_error))
    message = message ? message : timeout_error->message;
  set_field_error (GTK_WIDGET (self->timeout_row), self->schedule_error,
                   timeout_error ? timeout_error->message : NULL);

  if (!lookout_target_validate_fail_threshold (gtk_spin_button_get_value_as_int (self->threshold_spin), &threshold_error))
    message = message ? message : threshold_error->message;
  set_field_error (GTK_WIDGET (self->threshold_row), self->schedule_error,
                   threshold_error ? threshold_error->message : NULL);

  if (message == NULL &&
      !lookout_target_validate_schedule (gtk_spin_button_get_value_as_int (self->interval_spin),
                                         get_timeout_ms (self), &schedule_error))
    {
      message = schedule_error->message;
      set_field_error (GTK_WIDGET (self->timeout_row), self->schedule_error, message);
    }

  /* One label for the group: the first problem. */
  set_field_error (NULL, self->schedule_error, message);

  return message == NULL;
}

static gboolean
revalidate_places (LookoutTargetDialog *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  save_places (self, object);
  root = json_node_init_object (json_node_alloc (), object);
  json = json_to_string (root, FALSE);
  if (!lookout_target_validate_options (json, &error))
    {
      set_field_error (GTK_WIDGET (self->locations_group), self->locations_error, error->message);
      return FALSE;
    }

  set_field_error (GTK_WIDGET (self->locations_group), self->locations_error, NULL);
  return TRUE;
}

/* Tags and maintenance windows are checked by the option table's own
 * rules, so the dialog says what the targets file would. The windows read
 * back in words when they are right. */
static gboolean
revalidate_organise (LookoutTargetDialog *self)
{
  g_autofree char *tags = dup_entry_text (self->tags_row);
  g_autofree char *maintenance = dup_entry_text (self->maintenance_row);
  g_autoptr(GError) tags_error = NULL;
  g_autoptr(GError) maintenance_error = NULL;
  gboolean valid = TRUE;

  if (tags[0] != '\0')
    {
      g_autoptr(JsonObject) object = json_object_new ();

      if (!lookout_target_options_set_text (object, LOOKOUT_TARGET_KIND_HTTP, "tags", tags, &tags_error))
        valid = FALSE;
    }
  set_field_error (GTK_WIDGET (self->tags_row), self->tags_error, tags_error ? tags_error->message : NULL);

  update_channels_summary (self);

  gtk_widget_remove_css_class (GTK_WIDGET (self->maintenance_note), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->maintenance_note), "dim-label");
  if (maintenance[0] == '\0')
    {
      set_field_error (GTK_WIDGET (self->maintenance_row), self->maintenance_note, NULL);
      return valid;
    }
  else
    {
      g_autoptr(LookoutMaintenance) windows = lookout_maintenance_parse (maintenance, &maintenance_error);
      g_autofree char *words = NULL;

      if (windows == NULL)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->maintenance_note), "error");
          set_field_error (GTK_WIDGET (self->maintenance_row), self->maintenance_note, maintenance_error->message);
          return FALSE;
        }

      set_field_error (GTK_WIDGET (self->maintenance_row), self->maintenance_note, NULL);
      words = lookout_maintenance_describe (windows);
      gtk_label_set_label (self->maintenance_note, words);
      gtk_widget_add_css_class (GTK_WIDGET (self->maintenance_note), "dim-label");
      show_field_message (self->maintenance_note, TRUE);
    }

  return valid;
}

static gboolean
revalidate_options (LookoutTargetDialog *self)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  /* said once, under the locations */
  if (!revalidate_places (self))
    {
      set_field_error (GTK_WIDGET (self->options_group), self->options_error, NULL);
      return FALSE;
    }

  json = build_options_json (self, get_selected_kind (self));

  if (!lookout_target_validate_options (json, &error))
    {
      set_field_error (GTK_WIDGET (self->options_group), self->options_error, error->message);
      return FALSE;
    }

  set_field_error (GTK_WIDGET (self->options_group), self->options_error, NULL);
  return TRUE;
}

static void
revalidate (LookoutTargetDialog *self)
{
  gboolean valid = TRUE;

  if (self->updating)
    return;

  /* Each one runs, so every field shows its own message at once. */
  valid &= revalidate_address (self);
  valid &= revalidate_name (self);
  valid &= revalidate_schedule (self);
  valid &= revalidate_options (self);
  valid &= revalidate_organise (self);

  self->valid = !!valid;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.confirm", self->valid && !self->busy);
}

static void
field_changed_cb (LookoutTargetDialog *self)
{
  revalidate (self);
}

static void
address_changed_cb (LookoutTargetDialog *self)
{
  if (self->updating)
    return;

  self->address_changed = TRUE;
  revalidate (self);
  self->address_changed = FALSE;
}

static void
kind_selected_cb (LookoutTargetDialog *self)
{
  if (self->updating)
    return;

  update_for_kind (self);
  address_changed_cb (self);
}

static void
name_changed_cb (LookoutTargetDialog *self)
{
  g_autofree char *name = NULL;

  if (self->updating)
    return;

  /* Clearing the name hands it back to the address. */
  name = dup_entry_text (self->name_row);
  self->name_edited = name[0] != '\0';
  revalidate (self);
}

static void
verify_tls_changed_cb (LookoutTargetDialog *self)
{
  update_verify_tls (self);
  revalidate (self);
}

static void
finish_saving (LookoutTargetDialog *self,
               LookoutTarget       *target,
               const GError        *error)
{
  self->busy = FALSE;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_field_error (NULL, self->general_error, error->message);
      revalidate (self);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, target);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
target_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutTargetDialog) self = user_data;
  g_autoptr(LookoutTarget) target = g_object_steal_data (G_OBJECT (self), "lookout-pending-target");
  g_autoptr(GError) error = NULL;

  g_autoptr(LookoutTarget) replaced = g_object_steal_data (G_OBJECT (self), "lookout-replaced-target");

  if (lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error) && replaced != NULL)
    lookout_monitor_remove_target (LOOKOUT_MONITOR (object), replaced);
  finish_saving (self, target, error);
}

static void
target_updated_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LookoutTargetDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  lookout_monitor_update_target_finish (LOOKOUT_MONITOR (object), result, &error);
  finish_saving (self, self->target, error);
}

static void save_target (LookoutTargetDialog *self,
                         LookoutTarget       *target,
                         gboolean             fresh);

/* Keep History: the same target (its id) goes on with the new address.
 * Start Fresh: a new target with a history of its own takes the old one's
 * place; the old history stays in the database under the old target. */
static void
history_answered_cb (AdwMessageDialog    *question,
                     const char          *response,
                     LookoutTargetDialog *self)
{
  g_autoptr(LookoutTarget) target = g_object_steal_data (G_OBJECT (question), "lookout-edited-target");

  self->history_question = NULL;
  if (target == NULL || g_strcmp0 (response, "cancel") == 0)
    return;

  save_target (self, target, g_strcmp0 (response, "fresh") == 0);
}

static void
ask_about_history (LookoutTargetDialog *self,
                   LookoutTarget       *target)
{
  AdwMessageDialog *question;

  question = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                         _("Keep the Old History?"), NULL));
  adw_message_dialog_format_body (question,
                                  _("The address changes from %s to %s. The response times "
                                    "and events recorded so far belong to the old address."),
                                  lookout_target_get_uri_string (self->target),
                                  lookout_target_get_uri_string (target));
  adw_message_dialog_add_responses (question,
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep History"),
                                    "fresh", _("_Start Fresh"),
                                    NULL);
  adw_message_dialog_set_response_appearance (question, "fresh", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (question, "fresh");
  adw_message_dialog_set_close_response (question, "cancel");
  g_object_set_data_full (G_OBJECT (question), "lookout-edited-target",
                          g_object_ref (target), g_object_unref);
  g_signal_connect_object (question, "response", G_CALLBACK (history_answered_cb), self, 0);
  self->history_question = question;
  gtk_window_present (GTK_WINDOW (question));
}

static void continue_confirm (LookoutTargetDialog *self,
                              LookoutTarget       *target);

static void
password_kept_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(LookoutTargetDialog) self = user_data;
  g_autoptr(LookoutTarget) target = g_object_steal_data (G_OBJECT (self), "lookout-keyring-target");
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!lookout_secret_store_finish (result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Said once; the second press accepts a password kept in memory only. */
      self->password_unkept = g_strdup (error->message);
      message = g_strdup_printf (_("The password cannot be kept in the keyring (%s). "
                                   "Press Save again to use it until Lookout quits; "
                                   "after that the check says the password is missing."),
                                 error->message);
      set_field_error (NULL, self->general_error, message);
      revalidate (self);
      return;
    }

  revalidate (self);
  continue_confirm (self, target);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  LookoutTargetDialog *self = LOOKOUT_TARGET_DIALOG (widget);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return;

  if (!(target = lookout_target_dialog_build_target (self, &error)))
    {
      set_field_error (NULL, self->general_error, error->message);
      return;
    }

  set_field_error (NULL, self->general_error, NULL);

  /* Kept first, so that a keyring that refuses is said before saving. */
  if (lookout_auth_secret_wanted (target) && self->password_unkept == NULL)
    {
      g_autofree char *name = lookout_auth_secret_name (target);
      g_autofree char *label = g_strdup_printf (_("Lookout: password of %s"),
                                                lookout_target_get_uri_string (target));

      self->busy = TRUE;
      gtk_widget_action_set_enabled (widget, "dialog.confirm", FALSE);
      g_object_set_data_full (G_OBJECT (self), "lookout-keyring-target",
                              g_object_ref (target), g_object_unref);
      lookout_secret_store_named_async (name, label, lookout_target_get_auth_password (target),
                                        self->cancellable, password_kept_cb, g_object_ref (self));
      return;
    }

  continue_confirm (self, target);
}

static void
continue_confirm (LookoutTargetDialog *self,
                  LookoutTarget       *target)
{
  if (self->monitor == NULL)
    {
      finish_saving (self, target, NULL);
      return;
    }

  /* Never mix two addresses' results in one history without asking. */
  if (self->target != NULL
      && g_strcmp0 (lookout_target_get_uri_string (self->target), lookout_target_get_uri_string (target)) != 0)
    {
      ask_about_history (self, target);
      return;
    }

  save_target (self, target, FALSE);
}

static void
save_target (LookoutTargetDialog *self,
             LookoutTarget       *target,
             gboolean             fresh)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->busy = TRUE;
  gtk_widget_action_set_enabled (widget, "dialog.confirm", FALSE);

  if (fresh)
    {
      /* Another target (no id, no live state) with the settings chosen;
       * added first, so that nothing is lost if adding fails. */
      LookoutTarget *fresh_target = lookout_target_new (lookout_target_get_uri (target));

      lookout_target_set_name (fresh_target, self->name_edited ? lookout_target_get_name (target) : NULL);
      lookout_target_set_interval (fresh_target, lookout_target_get_interval (target));
      lookout_target_set_timeout (fresh_target, lookout_target_get_timeout (target));
      lookout_target_set_fail_threshold (fresh_target, lookout_target_get_fail_threshold (target));
      lookout_target_set_options (fresh_target, lookout_target_get_options (target));
      lookout_target_set_auth_password (fresh_target, lookout_target_get_auth_password (target));
      target = fresh_target;
      g_object_set_data_full (G_OBJECT (self), "lookout-pending-target", target, g_object_unref);
      g_object_set_data_full (G_OBJECT (self), "lookout-replaced-target",
                              g_object_ref (self->target), g_object_unref);
      lookout_monitor_add_target_async (self->monitor, target, self->cancellable,
                                        target_added_cb, g_object_ref (self));
    }
  else if (self->target == NULL)
    {
      /* The target travels with the dialog's reference to reach the callback. */
      g_object_set_data_full (G_OBJECT (self), "lookout-pending-target",
                              g_object_ref (target), g_object_unref);
      lookout_monitor_add_target_async (self->monitor, target, self->cancellable,
                                        target_added_cb, g_object_ref (self));
    }
  else
    lookout_monitor_update_target_async (self->monitor, self->target, target, self->cancellable,
                                         target_updated_cb, g_object_ref (self));
}

static void
load_defaults (LookoutTargetDialog *self)
{
  g_autoptr(GSettings) settings = lookout_dup_settings ();

  if (settings == NULL)
    {
      gtk_spin_button_set_value (self->interval_spin, LOOKOUT_TARGET_DEFAULT_INTERVAL_S);
      gtk_spin_button_set_value (self->timeout_spin, LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS / 1000.0);
      gtk_spin_button_set_value (self->threshold_spin, LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD);
      return;
    }

  gtk_spin_button_set_value (self->interval_spin, g_settings_get_uint (settings, "default-interval"));
  gtk_spin_button_set_value (self->timeout_spin, g_settings_get_uint (settings, "default-timeout") / 1000.0);
  gtk_spin_button_set_value (self->threshold_spin, g_settings_get_uint (settings, "default-fail-threshold"));
}

static void
load_target (LookoutTargetDialog *self)
{
  LookoutTarget *target = self->target;
  LookoutTargetKind kind = lookout_target_get_kind (target);
  g_autofree char *display_name = NULL;

  adw_combo_row_set_selected (self->kind_row, kind);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), lookout_target_get_uri_string (target));

  /* A name that is just the address's keeps following it. */
  display_name = lookout_target_uri_dup_display_name (lookout_target_get_uri (target));
  self->name_edited = g_strcmp0 (display_name, lookout_target_get_name (target)) != 0;
  set_name_text (self, lookout_target_get_name (target));

  gtk_spin_button_set_value (self->interval_spin, lookout_target_get_interval (target));
  gtk_spin_button_set_value (self->timeout_spin, lookout_target_get_timeout (target) / 1000.0);
  gtk_spin_button_set_value (self->threshold_spin, lookout_target_get_fail_threshold (target));
  load_options (self, kind, lookout_target_get_options (target));
  load_places (self, lookout_target_get_options (target));
  load_organise (self, lookout_target_get_options (target));
}

static void
lookout_target_dialog_constructed (GObject *object)
{
  LookoutTargetDialog *self = (LookoutTargetDialog *)object;

  G_OBJECT_CLASS (lookout_target_dialog_parent_class)->constructed (object);

  self->updating = TRUE;

  add_configured_channels (self);
  if (self->target == NULL)
    load_defaults (self);
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Target"));
      gtk_button_set_label (self->confirm_button, _("_Save"));
      load_target (self);
    }

  lookout_set_accessible_label (GTK_WIDGET (self->confirm_button),
                                self->target == NULL ? _("Add") : _("Save"));

  self->updating = FALSE;

  /* Typing starts in the address, the one field without a default. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->address_row));

  update_for_kind (self);
  update_verify_tls (self);
  update_known_places (self);
  update_known_tags (self);
  revalidate (self);
}

static void
lookout_target_dialog_dispose (GObject *object)
{
  LookoutTargetDialog *self = (LookoutTargetDialog *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->history_question != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->history_question)));

  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TARGET_DIALOG);

  G_OBJECT_CLASS (lookout_target_dialog_parent_class)->dispose (object);
}

static void
lookout_target_dialog_finalize (GObject *object)
{
  LookoutTargetDialog *self = (LookoutTargetDialog *)object;

  g_clear_object (&self->monitor);
  g_clear_object (&self->target);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->uri, lookout_target_uri_unref);
  g_clear_pointer (&self->channel_checks, g_ptr_array_unref);
  g_clear_pointer (&self->password_unkept, g_free);

  G_OBJECT_CLASS (lookout_target_dialog_parent_class)->finalize (object);
}

static void
lookout_target_dialog_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LookoutTargetDialog *self = LOOKOUT_TARGET_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;

    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_dialog_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  LookoutTargetDialog *self = LOOKOUT_TARGET_DIALOG (object);

  switch (prop_id)
    {
    case PROP_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;

    case PROP_TARGET:
      self->target = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_dialog_class_init (LookoutTargetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = lookout_target_dialog_constructed;
  object_class->dispose = lookout_target_dialog_dispose;
  object_class->finalize = lookout_target_dialog_finalize;
  object_class->get_property = lookout_target_dialog_get_property;
  object_class->set_property = lookout_target_dialog_set_property;

  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL,
                         LOOKOUT_TYPE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL,
                         LOOKOUT_TYPE_TARGET,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LOOKOUT_TYPE_TARGET);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-target-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, address_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, address_note);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, interval_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, threshold_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, schedule_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, options_group);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, http_options);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, accept_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, keyword_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, keyword_absent_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, verify_tls_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, verify_tls_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, icmp_options);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, count_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, udp_options);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, payload_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, dns_options);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, expect_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, ntp_options);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, max_offset_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, max_offset_down_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, options_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, locations_group);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, locations_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, quorum_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, locations_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, general_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, organise_group);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, tags_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, known_tags_box);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, tags_error);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, maintenance_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, maintenance_note);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, channels_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, all_channels_switch);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, max_redirects_spin);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, auth_user_row);
  gtk_widget_class_bind_template_child (widget_class, LookoutTargetDialog, auth_password_row);

  gtk_widget_class_install_action (widget_class, "dialog.confirm", NULL, confirm_action);
}

static void
lookout_target_dialog_init (LookoutTargetDialog *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  GtkWidget *address_text;
  GtkWidget *name_text;

  self->cancellable = g_cancellable_new ();
  self->channel_checks = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  show_field_message (self->tags_error, FALSE);
  show_field_message (self->maintenance_note, FALSE);
  show_field_message (self->address_error, FALSE);
  show_field_message (self->address_note, FALSE);
  show_field_message (self->name_error, FALSE);
  show_field_message (self->schedule_error, FALSE);
  show_field_message (self->options_error, FALSE);

  for (guint i = 0; i < LOOKOUT_TARGET_N_KINDS; i++)
    gtk_string_list_append (kinds, lookout_target_kind_get_label (i));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));

  /* Screen readers (and the UI tests) land on the text inside the rows. */
  address_text = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->address_row)));
  if (address_text != NULL)
    lookout_set_accessible_label (address_text, _("Address"));
  name_text = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->name_row)));
  if (name_text != NULL)
    lookout_set_accessible_label (name_text, _("Name"));
  lookout_set_accessible_label (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->locations_row))),
                                _("Check from"));
  /* the agents' names offered, the same syntax still typed */
  adw_entry_row_add_suffix (self->locations_row, lookout_place_picker_new (GTK_EDITABLE (self->locations_row)));
  lookout_set_accessible_label (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (self->quorum_row))),
                                _("Locations that must see it down"));

  g_signal_connect_object (self->kind_row, "notify::selected",
                           G_CALLBACK (kind_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->address_row, "changed",
                           G_CALLBACK (address_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_row, "changed",
                           G_CALLBACK (name_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interval_spin, "value-changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeout_spin, "value-changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->threshold_spin, "value-changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->method_row, "notify::selected",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->accept_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keyword_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keyword_absent_switch, "notify::active",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->verify_tls_switch, "notify::active",
                           G_CALLBACK (verify_tls_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->count_spin, "value-changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->payload_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ca_file_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->expect_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->locations_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->quorum_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_offset_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_offset_down_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tags_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->maintenance_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->all_channels_switch, "notify::active",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_redirects_spin, "value-changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->auth_user_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->auth_password_row, "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
}

LookoutTargetDialog *
lookout_target_dialog_new (LookoutMonitor *monitor,
                           LookoutTarget  *target)
{
  g_return_val_if_fail (!monitor || LOOKOUT_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (!target || LOOKOUT_IS_TARGET (target), NULL);

  return g_object_new (LOOKOUT_TYPE_TARGET_DIALOG,
                       "monitor", monitor,
                       "target", target,
                       NULL);
}

LookoutMonitor *
lookout_target_dialog_get_monitor (LookoutTargetDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_DIALOG (self), NULL);

  return self->monitor;
}

LookoutTarget *
lookout_target_dialog_get_target (LookoutTargetDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_DIALOG (self), NULL);

  return self->target;
}

gboolean
lookout_target_dialog_is_valid (LookoutTargetDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_DIALOG (self), FALSE);

  return self->valid;
}

/* A user name for the keyring wants a password to keep. */
static gboolean
check_auth_password (LookoutTargetDialog  *self,
                     const char           *options,
                     const char           *password,
                     GError              **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, options, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return TRUE;
  object = json_node_get_object (root);
  if (json_object_get_boolean_member_with_default (object, "basic_auth_keyring", FALSE) &&
      (password == NULL || password[0] == '\0'))
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
                   _("Type the password of “%s” for basic authentication"),
                   json_object_get_string_member_with_default (object, "basic_auth_user", ""));
      return FALSE;
    }

  return TRUE;
}

LookoutTarget *
lookout_target_dialog_build_target (LookoutTargetDialog  *self,
                                    GError              **error)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autofree char *name = NULL;
  g_autofree char *options = NULL;
  g_autofree char *password = NULL;
  guint interval;
  guint timeout;
  guint threshold;

  g_return_val_if_fail (LOOKOUT_IS_TARGET_DIALOG (self), NULL);

  if (self->uri == NULL)
    {
      g_autofree char *text = dup_entry_text (self->address_row);
      LookoutTargetKind out_kind = get_selected_kind (self);
      LookoutTargetUri *uri;

      uri = lookout_target_uri_parse_for_kind (get_selected_kind (self), text, &out_kind, error);
      if (uri == NULL)
        return NULL;
      self->uri = uri;
    }

  /* A name that follows the address stays automatic in the target too
   * (NULL), so it keeps following the URI. */
  name = dup_entry_text (self->name_row);
  if (!self->name_edited)
    g_clear_pointer (&name, g_free);

  interval = gtk_spin_button_get_value_as_int (self->interval_spin);
  timeout = get_timeout_ms (self);
  threshold = gtk_spin_button_get_value_as_int (self->threshold_spin);
  options = build_options_json (self, lookout_target_uri_get_kind (self->uri));

  if (!lookout_target_validate_name (name, error) ||
      !lookout_target_validate_interval (interval, error) ||
      !lookout_target_validate_timeout (timeout, error) ||
      !lookout_target_validate_fail_threshold (threshold, error) ||
      !lookout_target_validate_schedule (interval, timeout, error) ||
      !lookout_target_validate_options (options, error))
    return NULL;

  password = dup_auth_password (self, self->target != NULL ? lookout_target_get_options (self->target) : NULL);
  if (!check_auth_password (self, options, password, error))
    return NULL;

  if (self->target != NULL)
    {
      target = lookout_target_copy (self->target);
      lookout_target_set_uri (target, self->uri);
    }
  else
    target = lookout_target_new (self->uri);
  lookout_target_set_auth_password (target, password);

  lookout_target_set_name (target, name);
  lookout_target_set_interval (target, interval);
  lookout_target_set_timeout (target, timeout);
  lookout_target_set_fail_threshold (target, threshold);
  lookout_target_set_options (target, options);

  return g_steal_pointer (&target);
}
