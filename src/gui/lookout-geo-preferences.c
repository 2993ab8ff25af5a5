/* lookout-geo-preferences.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-geo-preferences"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lookout-geo-preferences.h"

struct _LookoutGeoPreferences
{
  AdwPreferencesPage  parent_instance;

  GSettings          *settings;
  LookoutGeo         *geo;
  GCancellable       *cancellable;

  AdwPreferencesGroup *lookups_group;
  GtkWidget          *lookups_switch;
  AdwComboRow        *provider_row;
  AdwEntryRow        *base_url_row;
  AdwEntryRow        *latitude_row;
  AdwEntryRow        *longitude_row;
  GtkWidget          *locate_button;
  AdwActionRow       *home_status_row;
  AdwEntryRow        *tile_url_row;
};

G_DEFINE_FINAL_TYPE (LookoutGeoPreferences, lookout_geo_preferences, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_GEO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- settings → LookoutGeo ---- */

static void
apply_provider (LookoutGeo *geo,
                GSettings  *settings)
{
  g_autoptr(LookoutGeoProvider) provider = NULL;
  g_autofree char *base_url = g_settings_get_string (settings, "geo-base-url");
  int kind = g_settings_get_enum (settings, "geo-provider");

  provider = lookout_geo_provider_new (CLAMP (kind, 0, LOOKOUT_GEO_PROVIDER_N_KINDS - 1),
                                       g_strstrip (base_url));
  lookout_geo_set_provider (geo, provider);
}

static void
apply_home (LookoutGeo *geo,
            GSettings  *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, "home-location");
  g_autoptr(GVariant) inner = g_variant_get_maybe (value);
  double lat = NAN, lon = NAN;

  if (inner != NULL)
    g_variant_get (inner, "(dd)", &lat, &lon);

  lookout_geo_set_home (geo, lat, lon);
}

static void
geo_settings_changed_cb (GSettings  *settings,
                         const char *key,
                         LookoutGeo *geo)
{
  if (g_str_equal (key, "geo-provider") || g_str_equal (key, "geo-base-url"))
    apply_provider (geo, settings);
  else if (g_str_equal (key, "home-location"))
    apply_home (geo, settings);
  else if (g_str_equal (key, "geo-cache-days"))
    lookout_geo_set_cache_lifetime (geo, g_settings_get_uint (settings, "geo-cache-days") * 24 * 3600);
}

/* ---- asked once ---- */

static void
consent_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     GSettings        *settings)
{
  g_settings_set_boolean (settings, "geo-lookups", g_str_equal (response, "look-up"));
  g_settings_set_boolean (settings, "geo-asked", TRUE);
}

static void
consent_dialog_destroyed_cb (GtkWidget  *dialog,
                             LookoutGeo *geo)
{
  g_object_set_data (G_OBJECT (geo), "lookout-asking", NULL);
}

/* The first public address while lookups are off and the user was never
 * asked: one question, whose answer is kept. */
static void
geo_would_look_up_cb (LookoutGeo    *geo,
                      LookoutTarget *target,
                      const char    *address,
                      GSettings     *settings)
{
  GApplication *application = g_application_get_default ();
  LookoutGeoProvider *provider = lookout_geo_get_provider (geo);
  g_autoptr(GUri) uri = NULL;
  GtkWindow *parent = NULL;
  const char *name = lookout_target_get_name (target);
  const char *host = lookout_geo_provider_get_base_url (provider);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (g_settings_get_boolean (settings, "geo-asked") || g_object_get_data (G_OBJECT (geo), "lookout-asking"))
    return;

  if (GTK_IS_APPLICATION (application))
    parent = gtk_application_get_active_window (GTK_APPLICATION (application));
  uri = g_uri_parse (host, G_URI_FLAGS_NONE, NULL);

  if (uri != NULL && g_uri_get_host (uri) != NULL)
    host = g_uri_get_host (uri);
  if (name == NULL)
    name = lookout_target_get_uri_string (target);

  dialog = adw_message_dialog_new (parent, _("Look Up Server Locations?"), NULL);
  if (lookout_geo_provider_is_encrypted (provider))
    /* Translators: "Look up where example.org is? This sends its public address, 192.0.2.1, to ipapi.co over HTTPS …" */
    body = g_strdup_printf (_("Look up where %s is? This sends its public address, %s, to %s over HTTPS, "
                              "and so for each public server you add, to place them on the map. "
                              "The answer is kept in Settings."), name, address, host);
  else
    body = g_strdup_printf (_("Look up where %s is? This sends its public address, %s, to %s without "
                              "encryption, and so for each public server you add, to place them on the "
                              "map. The answer is kept in Settings."), name, address, host);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "no", _("_Don’t Look Up"),
                                    "look-up", _("_Look Up"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "look-up", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "no");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "no");
  g_object_set_data (G_OBJECT (geo), "lookout-asking", dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (consent_response_cb), settings, 0);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (consent_dialog_destroyed_cb), geo, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
lookout_geo_bind_settings (LookoutGeo *geo,
                           GSettings  *settings)
{
  g_return_if_fail (LOOKOUT_IS_GEO (geo));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "geo-lookups", geo, "enabled", G_SETTINGS_BIND_GET);
  g_signal_connect_object (settings, "changed", G_CALLBACK (geo_settings_changed_cb), geo, 0);
  g_signal_connect_object (geo, "would-look-up", G_CALLBACK (geo_would_look_up_cb), settings, 0);
  apply_provider (geo, settings);
  apply_home (geo, settings);
  geo_settings_changed_cb (settings, "geo-cache-days", geo);
}

/* ---- the page ---- */

static void
update_description (LookoutGeoPreferences *self)
{
  int kind = CLAMP (g_settings_get_enum (self->settings, "geo-provider"), 0, LOOKOUT_GEO_PROVIDER_N_KINDS - 1);
  g_autofree char *base_url = g_strstrip (g_settings_get_string (self->settings, "geo-base-url"));
  g_autoptr(LookoutGeoProvider) provider = lookout_geo_provider_new (kind, base_url);
  g_autoptr(GUri) uri = g_uri_parse (lookout_geo_provider_get_base_url (provider), G_URI_FLAGS_NONE, NULL);
  const char *host = uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : lookout_geo_provider_get_base_url (provider);
  g_autofree char *text = NULL;

  if (lookout_geo_provider_is_encrypted (provider))
    text = g_strdup_printf (_("The public IP address of each monitored server is sent to %s over an encrypted connection (HTTPS), which answers with its country, city, coordinates and network operator. %s also sees your own IP address. Private, local and reserved addresses are never sent. Answers are kept for %u days, so an address is looked up about once a month."),
                            host, host, g_settings_get_uint (self->settings, "geo-cache-days"));
  else
    text = g_strdup_printf (_("The public IP address of each monitored server is sent to %s over plain, unencrypted HTTP: anyone on the way can read which servers you monitor. It answers with their country, city, coordinates and network operator, and also sees your own IP address. Private, local and reserved addresses are never sent. Answers are kept for %u days, so an address is looked up about once a month."),
                            host, g_settings_get_uint (self->settings, "geo-cache-days"));

  adw_preferences_group_set_description (self->lookups_group, text);
}

static void
update_home_rows (LookoutGeoPreferences *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, "home-location");
  g_autoptr(GVariant) inner = g_variant_get_maybe (value);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double lat, lon;

  if (inner == NULL)
    {
      adw_action_row_set_subtitle (self->home_status_row,
                                   _("Unknown: server locations are not checked against response times"));
      return;
    }

  g_variant_get (inner, "(dd)", &lat, &lon);
  g_ascii_formatd (buf, sizeof buf, "%.4f", lat);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->latitude_row)), buf) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->latitude_row), buf);
  g_ascii_formatd (buf, sizeof buf, "%.4f", lon);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->longitude_row)), buf) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->longitude_row), buf);

  adw_action_row_set_subtitle (self->home_status_row,
                               _("Servers placed farther away than their best response time allows are marked “location doubtful”"));
}

static void
settings_changed_cb (GSettings             *settings,
                     const char            *key,
                     LookoutGeoPreferences *self)
{
  if (g_str_equal (key, "home-location"))
    update_home_rows (self);
  else if (g_str_has_prefix (key, "geo-"))
    update_description (self);
}

static gboolean
parse_coordinate (const char *text,
                  double      limit,
                  double     *value)
{
  char *end;

  if (text == NULL || *text == '\0')
    return FALSE;

  *value = g_ascii_strtod (text, &end);
  while (*end == ' ')
    end++;

  return *end == '\0' && !isnan (*value) && *value >= -limit && *value <= limit;
}

static void
home_applied_cb (AdwEntryRow           *row,
                 LookoutGeoPreferences *self)
{
  const char *lat_text = gtk_editable_get_text (GTK_EDITABLE (self->latitude_row));
  const char *lon_text = gtk_editable_get_text (GTK_EDITABLE (self->longitude_row));
  double lat, lon;
  gboolean lat_ok = parse_coordinate (lat_text, 90, &lat);
  gboolean lon_ok = parse_coordinate (lon_text, 180, &lon);

  if ((lat_text[0] == '\0') && (lon_text[0] == '\0'))
    {
      g_settings_set_value (self->settings, "home-location",
                            g_variant_new_maybe (G_VARIANT_TYPE ("(dd)"), NULL));
      return;
    }

  if (lat_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->latitude_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->latitude_row), "error");
  if (lon_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->longitude_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->longitude_row), "error");

  if (lat_ok && lon_ok)
    g_settings_set_value (self->settings, "home-location",
                          g_variant_new_maybe (NULL, g_variant_new ("(dd)", lat, lon)));
}

static void
located_self_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutGeoPreferences) self = user_data;
  g_autoptr(LookoutGeoLocation) location = NULL;
  g_autoptr(GError) error = NULL;

  location = lookout_geo_locate_self_finish (LOOKOUT_GEO (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (self->locate_button, TRUE);

  if (location == NULL)
    {
      adw_action_row_set_subtitle (self->home_status_row, error->message);
      return;
    }

  g_settings_set_value (self->settings, "home-location",
                        g_variant_new_maybe (NULL, g_variant_new ("(dd)", location->latitude,
                                                                   location->longitude)));
}

static void
locate_clicked_cb (GtkButton             *button,
                   LookoutGeoPreferences *self)
{
  if (self->geo == NULL)
    return;

  gtk_widget_set_sensitive (self->locate_button, FALSE);
  adw_action_row_set_subtitle (self->home_status_row, _("Looking up…"));
  lookout_geo_locate_self_async (self->geo, self->cancellable, located_self_cb, g_object_ref (self));
}

static void
base_url_applied_cb (AdwEntryRow           *row,
                     LookoutGeoPreferences *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  g_settings_set_string (self->settings, "geo-base-url", text);
}

static void
tile_url_applied_cb (AdwEntryRow           *row,
                     LookoutGeoPreferences *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  g_settings_set_string (self->settings, "map-tile-url", text);
}

static void
provider_selected_cb (AdwComboRow           *row,
                      GParamSpec            *pspec,
                      LookoutGeoPreferences *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected < LOOKOUT_GEO_PROVIDER_N_KINDS
      && (int) selected != g_settings_get_enum (self->settings, "geo-provider"))
    g_settings_set_enum (self->settings, "geo-provider", selected);
}

static GtkWidget *
build_page (LookoutGeoPreferences *self)
{
  g_autoptr(GtkStringList) providers = gtk_string_list_new (NULL);
  g_autofree char *base_url = g_settings_get_string (self->settings, "geo-base-url");
  g_autofree char *tile_url = g_settings_get_string (self->settings, "map-tile-url");
  AdwPreferencesGroup *group;
  AdwActionRow *row;

  /* Server locations */
  self->lookups_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->lookups_group, _("Server Locations"));

  self->lookups_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->lookups_switch, GTK_ALIGN_CENTER);
  g_settings_bind (self->settings, "geo-lookups", self->lookups_switch, "active", G_SETTINGS_BIND_DEFAULT);
  row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Look Up Server Locations"));
  adw_action_row_set_subtitle (row, _("Off: nothing is sent anywhere; servers can still be placed by hand"));
  adw_action_row_add_suffix (row, self->lookups_switch);
  adw_action_row_set_activatable_widget (row, self->lookups_switch);
  adw_preferences_group_add (self->lookups_group, GTK_WIDGET (row));

  for (guint i = 0; i < LOOKOUT_GEO_PROVIDER_N_KINDS; i++)
    {
      g_autoptr(LookoutGeoProvider) provider = lookout_geo_provider_new (i, NULL);
      g_autofree char *label = g_strdup_printf ("%s (%s)", lookout_geo_provider_kind_get_label (i),
                                                lookout_geo_provider_is_encrypted (provider)
                                                  ? _("HTTPS, encrypted") : _("HTTP, unencrypted"));

      gtk_string_list_append (providers, label);
    }
  self->provider_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_row), _("Service"));
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (providers));
  adw_combo_row_set_selected (self->provider_row, g_settings_get_enum (self->settings, "geo-provider"));
  g_signal_connect (self->provider_row, "notify::selected", G_CALLBACK (provider_selected_cb), self);
  g_object_bind_property (self->lookups_switch, "active", self->provider_row, "sensitive", G_BINDING_SYNC_CREATE);
  adw_preferences_group_add (self->lookups_group, GTK_WIDGET (self->provider_row));

  self->base_url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->base_url_row),
                                 _("Own Service Address (empty: the service itself)"));
  adw_entry_row_set_show_apply_button (self->base_url_row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), base_url);
  g_signal_connect (self->base_url_row, "apply", G_CALLBACK (base_url_applied_cb), self);
  g_object_bind_property (self->lookups_switch, "active", self->base_url_row, "sensitive", G_BINDING_SYNC_CREATE);
  adw_preferences_group_add (self->lookups_group, GTK_WIDGET (self->base_url_row));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->lookups_group);

  /* Your location */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Your Location"));
  adw_preferences_group_set_description (group,
                                         _("Light in fibre covers about 100 km per millisecond of round trip: a server said to be farther away than its best response time allows is probably elsewhere (anycast, a CDN, or a wrong database)."));

  self->home_status_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->home_status_row), _("Plausibility Check"));
  self->locate_button = gtk_button_new_with_label (_("Look Up My Location"));
  gtk_widget_set_valign (self->locate_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->locate_button,
                               _("Asks the geolocation service once where your own IP address is"));
  g_signal_connect (self->locate_button, "clicked", G_CALLBACK (locate_clicked_cb), self);
  g_object_bind_property (self->lookups_switch, "active", self->locate_button, "sensitive", G_BINDING_SYNC_CREATE);
  adw_action_row_add_suffix (self->home_status_row, self->locate_button);
  adw_preferences_group_add (group, GTK_WIDGET (self->home_status_row));

  self->latitude_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->latitude_row), _("Latitude (−90 to 90)"));
  adw_entry_row_set_show_apply_button (self->latitude_row, TRUE);
  adw_entry_row_set_input_purpose (self->latitude_row, GTK_INPUT_PURPOSE_NUMBER);
  g_signal_connect (self->latitude_row, "apply", G_CALLBACK (home_applied_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->latitude_row));

  self->longitude_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->longitude_row), _("Longitude (−180 to 180)"));
  adw_entry_row_set_show_apply_button (self->longitude_row, TRUE);
  adw_entry_row_set_input_purpose (self->longitude_row, GTK_INPUT_PURPOSE_NUMBER);
  g_signal_connect (self->longitude_row, "apply", G_CALLBACK (home_applied_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->longitude_row));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), group);

  /* Map */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Map"));
  adw_preferences_group_set_description (group,
                                         _("Map tiles are downloaded from OpenStreetMap (tile.openstreetmap.org) over HTTPS for the area shown, and kept in a cache. A tile server of your own can be used instead."));
  self->tile_url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tile_url_row),
                                 _("Tile Server (e.g. https://tiles.example.org/{z}/{x}/{y}.png)"));
  adw_entry_row_set_show_apply_button (self->tile_url_row, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->tile_url_row), tile_url);
  g_signal_connect (self->tile_url_row, "apply", G_CALLBACK (tile_url_applied_cb), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->tile_url_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), group);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  update_description (self);
  update_home_rows (self);

  return GTK_WIDGET (self);
}

static void
lookout_geo_preferences_constructed (GObject *object)
{
  LookoutGeoPreferences *self = (LookoutGeoPreferences *) object;

  G_OBJECT_CLASS (lookout_geo_preferences_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));
  build_page (self);
}

static void
lookout_geo_preferences_dispose (GObject *object)
{
  LookoutGeoPreferences *self = (LookoutGeoPreferences *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->geo);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lookout_geo_preferences_parent_class)->dispose (object);
}

static void
lookout_geo_preferences_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  LookoutGeoPreferences *self = LOOKOUT_GEO_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_GEO:
      g_value_set_object (value, self->geo);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_preferences_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  LookoutGeoPreferences *self = LOOKOUT_GEO_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_GEO:
      self->geo = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_geo_preferences_class_init (LookoutGeoPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_geo_preferences_constructed;
  object_class->dispose = lookout_geo_preferences_dispose;
  object_class->get_property = lookout_geo_preferences_get_property;
  object_class->set_property = lookout_geo_preferences_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_GEO] =
    g_param_spec_object ("geo", NULL, NULL,
                         LOOKOUT_TYPE_GEO,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_geo_preferences_init (LookoutGeoPreferences *self)
{
  self->cancellable = g_cancellable_new ();

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Locations"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "mark-location-symbolic");
}

GtkWidget *
lookout_geo_preferences_new (GSettings  *settings,
                             LookoutGeo *geo)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (!geo || LOOKOUT_IS_GEO (geo), NULL);

  return g_object_new (LOOKOUT_TYPE_GEO_PREFERENCES,
                       "settings", settings,
                       "geo", geo,
                       NULL);
}
