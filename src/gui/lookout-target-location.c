/* lookout-target-location.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-target-location"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "lookout-application.h"
#include "lookout-target-location.h"

struct _LookoutTargetLocation
{
  AdwPreferencesGroup  parent_instance;

  LookoutGeo          *geo;
  LookoutTarget       *target;

  AdwActionRow        *place_row;
  AdwActionRow        *doubt_row;
  AdwEntryRow         *latitude_row;
  AdwEntryRow         *longitude_row;
  GtkWidget           *automatic_button;
};

G_DEFINE_FINAL_TYPE (LookoutTargetLocation, lookout_target_location, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_GEO,
  PROP_TARGET,
  N_PROPS
};

enum {
  PICK_REQUESTED,
  PLACED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
is_manual (LookoutTarget *target)
{
  return g_strcmp0 (lookout_target_get_location_source (target), LOOKOUT_GEO_SOURCE_MANUAL) == 0;
}

static void
set_coordinate_text (AdwEntryRow *row,
                     double       value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE] = "";

  if (!isnan (value))
    g_ascii_formatd (buf, sizeof buf, "%.4f", value);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), buf) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), buf);
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
update (LookoutTargetLocation *self)
{
  LookoutGeoLocation *location = NULL;
  g_autofree char *subtitle = NULL;
  double lat, lon;
  gboolean doubtful = FALSE;

  if (self->target == NULL)
    return;

  lat = lookout_target_get_latitude (self->target);
  lon = lookout_target_get_longitude (self->target);
  if (self->geo != NULL)
    {
      location = lookout_geo_get_target_location (self->geo, self->target);
      doubtful = lookout_geo_get_target_doubtful (self->geo, self->target);
    }

  if (is_manual (self->target))
    subtitle = g_strdup (_("Placed by hand"));
  else if (location != NULL)
    {
      g_autofree char *place = lookout_geo_location_dup_place (location);
      LookoutGeoProviderKind kind;
      const char *service = location->source;

      if (lookout_geo_provider_kind_from_string (location->source, &kind))
        service = lookout_geo_provider_kind_get_label (kind);

      /* Translators: "Berlin, Germany · Example ISP · looked up at ip-api.com for 192.0.2.1" */
      subtitle = g_strdup_printf (_("%s · %s · looked up at %s for %s"),
                                  place ? place : _("Unknown place"),
                                  location->isp ? location->isp : _("unknown network"),
                                  service ? service : "?", location->address);
    }
  else if (lookout_target_get_last_address (self->target) != NULL
           && !lookout_geo_address_is_public (lookout_target_get_last_address (self->target)))
    subtitle = g_strdup_printf (_("%s is a private or local address and is not looked up: place the target by hand"),
                                lookout_target_get_last_address (self->target));
  else if (self->geo != NULL && !lookout_geo_get_enabled (self->geo))
    subtitle = g_strdup (_("Not known: location lookups are off"));
  else
    subtitle = g_strdup (_("Not known yet"));

  adw_action_row_set_subtitle (self->place_row, subtitle);

  gtk_widget_set_visible (GTK_WIDGET (self->doubt_row), doubtful);
  if (doubtful)
    {
      gint64 best = lookout_geo_get_target_best_latency (self->geo, self->target);
      double distance = lookout_geo_distance_km (lookout_geo_get_home_latitude (self->geo),
                                                 lookout_geo_get_home_longitude (self->geo),
                                                 lat, lon);
      g_autofree char *why = NULL;

      why = g_strdup_printf (_("It is said to be %.0f km from you, but answers in %.1f ms, which light in fibre covers only %.0f km there and back: probably anycast, a CDN, or a wrong database"),
                             distance, best / 1000.0, best / 1000.0 * 100.0);
      adw_action_row_set_subtitle (self->doubt_row, why);
    }

  set_coordinate_text (self->latitude_row, lat);
  set_coordinate_text (self->longitude_row, lon);
  gtk_widget_set_sensitive (self->automatic_button, is_manual (self->target));
}

static void
target_notify_cb (LookoutTarget         *target,
                  GParamSpec            *pspec,
                  LookoutTargetLocation *self)
{
  if (g_str_equal (pspec->name, "latitude") || g_str_equal (pspec->name, "longitude")
      || g_str_equal (pspec->name, "location-source") || g_str_equal (pspec->name, "last-address"))
    update (self);
}

static void
geo_target_changed_cb (LookoutGeo            *geo,
                       LookoutTarget         *target,
                       LookoutTargetLocation *self)
{
  if (target == self->target)
    update (self);
}

static void
place (LookoutTargetLocation *self,
       double                 lat,
       double                 lon)
{
  if (self->geo != NULL)
    lookout_geo_place_target (self->geo, self->target, lat, lon);
  else
    lookout_target_set_location (self->target, lat, lon,
                                 isnan (lat) ? NULL : LOOKOUT_GEO_SOURCE_MANUAL);

  update (self);
  g_signal_emit (self, signals[PLACED], 0);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.store-place", NULL);
}

static gboolean
parse_coordinate (AdwEntryRow *row,
                  double       limit,
                  double      *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  char *end;

  *value = g_ascii_strtod (text, &end);
  while (*end == ' ')
    end++;

  if (text[0] == '\0' || *end != '\0' || isnan (*value) || *value < -limit || *value > limit)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      return FALSE;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  return TRUE;
}

static void
coordinates_applied_cb (AdwEntryRow           *row,
                        LookoutTargetLocation *self)
{
  double lat, lon;
  gboolean ok;

  if (self->target == NULL)
    return;

  ok = parse_coordinate (self->latitude_row, 90, &lat);
  ok = parse_coordinate (self->longitude_row, 180, &lon) && ok;
  if (ok)
    place (self, lat, lon);
}

static void
automatic_clicked_cb (GtkButton             *button,
                      LookoutTargetLocation *self)
{
  if (self->target != NULL)
    place (self, NAN, NAN);
}

static void
pick_clicked_cb (GtkButton             *button,
                 LookoutTargetLocation *self)
{
  if (self->target == NULL)
    return;

  g_signal_emit (self, signals[PICK_REQUESTED], 0);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.place-on-map", NULL);
}

/* In the application the geo comes from it, once the targets are loaded. */
static void
lookout_target_location_map (GtkWidget *widget)
{
  LookoutTargetLocation *self = LOOKOUT_TARGET_LOCATION (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  GTK_WIDGET_CLASS (lookout_target_location_parent_class)->map (widget);

  if (self->geo == NULL && GTK_IS_WINDOW (root)
      && LOOKOUT_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))))
    lookout_target_location_set_geo (self, lookout_application_get_geo (LOOKOUT_APPLICATION (gtk_window_get_application (GTK_WINDOW (root)))));
}

static void
lookout_target_location_dispose (GObject *object)
{
  LookoutTargetLocation *self = (LookoutTargetLocation *) object;

  lookout_target_location_set_target (self, NULL);
  if (self->geo != NULL)
    g_signal_handlers_disconnect_by_func (self->geo, geo_target_changed_cb, self);
  g_clear_object (&self->geo);

  G_OBJECT_CLASS (lookout_target_location_parent_class)->dispose (object);
}

static void
lookout_target_location_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  LookoutTargetLocation *self = LOOKOUT_TARGET_LOCATION (object);

  switch (prop_id)
    {
    case PROP_GEO:
      g_value_set_object (value, self->geo);
      break;

    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_location_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  LookoutTargetLocation *self = LOOKOUT_TARGET_LOCATION (object);

  switch (prop_id)
    {
    case PROP_GEO:
      lookout_target_location_set_geo (self, g_value_get_object (value));
      break;

    case PROP_TARGET:
      lookout_target_location_set_target (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_location_class_init (LookoutTargetLocationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_target_location_dispose;
  object_class->get_property = lookout_target_location_get_property;
  object_class->set_property = lookout_target_location_set_property;

  widget_class->map = lookout_target_location_map;

  properties[PROP_GEO] =
    g_param_spec_object ("geo", NULL, NULL,
                         LOOKOUT_TYPE_GEO,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL,
                         LOOKOUT_TYPE_TARGET,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PICK_REQUESTED] =
    g_signal_new ("pick-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  signals[PLACED] =
    g_signal_new ("placed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lookout_target_location_init (LookoutTargetLocation *self)
{
  GtkWidget *pick, *buttons, *icon;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), _("Location"));

  self->place_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->place_row), _("Place"));
  adw_action_row_set_subtitle_lines (self->place_row, 3);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->place_row));

  self->doubt_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->doubt_row), _("Location Doubtful"));
  adw_action_row_set_subtitle_lines (self->doubt_row, 4);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (self->doubt_row, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->doubt_row), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->doubt_row));

  self->latitude_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->latitude_row), _("Latitude"));
  adw_entry_row_set_show_apply_button (self->latitude_row, TRUE);
  adw_entry_row_set_input_purpose (self->latitude_row, GTK_INPUT_PURPOSE_NUMBER);
  g_signal_connect (self->latitude_row, "apply", G_CALLBACK (coordinates_applied_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->latitude_row));

  self->longitude_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->longitude_row), _("Longitude"));
  adw_entry_row_set_show_apply_button (self->longitude_row, TRUE);
  adw_entry_row_set_input_purpose (self->longitude_row, GTK_INPUT_PURPOSE_NUMBER);
  g_signal_connect (self->longitude_row, "apply", G_CALLBACK (coordinates_applied_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), GTK_WIDGET (self->longitude_row));

  pick = gtk_button_new_with_mnemonic (_("_Pick on Map"));
  g_signal_connect (pick, "clicked", G_CALLBACK (pick_clicked_cb), self);
  self->automatic_button = gtk_button_new_with_mnemonic (_("_Use Looked-Up Location"));
  g_signal_connect (self->automatic_button, "clicked", G_CALLBACK (automatic_clicked_cb), self);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  gtk_box_append (GTK_BOX (buttons), self->automatic_button);
  gtk_box_append (GTK_BOX (buttons), pick);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), buttons);
}

GtkWidget *
lookout_target_location_new (LookoutGeo *geo)
{
  g_return_val_if_fail (!geo || LOOKOUT_IS_GEO (geo), NULL);

  return g_object_new (LOOKOUT_TYPE_TARGET_LOCATION, "geo", geo, NULL);
}

LookoutTarget *
lookout_target_location_get_target (LookoutTargetLocation *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_LOCATION (self), NULL);

  return self->target;
}

void
lookout_target_location_set_target (LookoutTargetLocation *self,
                                    LookoutTarget         *target)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_LOCATION (self));
  g_return_if_fail (!target || LOOKOUT_IS_TARGET (target));

  if (self->target == target)
    return;

  if (self->target != NULL)
    g_signal_handlers_disconnect_by_func (self->target, target_notify_cb, self);
  g_set_object (&self->target, target);
  if (target != NULL)
    {
      g_signal_connect_object (target, "notify", G_CALLBACK (target_notify_cb), self, 0);
      update (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET]);
}

LookoutGeo *
lookout_target_location_get_geo (LookoutTargetLocation *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET_LOCATION (self), NULL);

  return self->geo;
}

void
lookout_target_location_set_geo (LookoutTargetLocation *self,
                                 LookoutGeo            *geo)
{
  g_return_if_fail (LOOKOUT_IS_TARGET_LOCATION (self));
  g_return_if_fail (!geo || LOOKOUT_IS_GEO (geo));

  if (self->geo == geo)
    return;

  if (self->geo != NULL)
    g_signal_handlers_disconnect_by_func (self->geo, geo_target_changed_cb, self);
  g_set_object (&self->geo, geo);
  if (geo != NULL)
    g_signal_connect_object (geo, "target-changed", G_CALLBACK (geo_target_changed_cb), self, 0);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GEO]);
}
