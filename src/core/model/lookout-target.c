/* lookout-target.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One monitored target. Ten thousand of these live in the engine, so the
 * instance is kept small: the parsed URI is shared and refcounted, the
 * default options ("{}") are not stored, the location source is an interned
 * string, and small numbers are packed. */

#define G_LOG_DOMAIN "lookout-target"

#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-http-header.h"
#include "lookout-probe-kind.h"
#include "lookout-target.h"
#include "lookout-target-options.h"

#define MAX_NAME_CHARS       256

struct _LookoutTarget
{
  GObject            parent_instance;

  LookoutTargetUri  *uri;
  char              *name;
  char              *options;          /* NULL means "{}" */
  char              *auth_password;    /* given at run time, never saved */
  const char        *location_source;  /* interned */
  char              *last_error;
  char              *last_address;

  gint64             id;
  gint64             created_at;
  gint64             last_latency;
  gint64             last_checked;
  double             latitude;
  double             longitude;

  guint              interval;
  guint              timeout;
  guint8             fail_threshold;
  guint8             state;
  guint              enabled : 1;
  guint              name_is_auto : 1;
};

G_DEFINE_FINAL_TYPE (LookoutTarget, lookout_target, G_TYPE_OBJECT)
G_DEFINE_QUARK (lookout-target-error-quark, lookout_target_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_URI,
  PROP_URI_STRING,
  PROP_KIND,
  PROP_NAME,
  PROP_INTERVAL,
  PROP_TIMEOUT,
  PROP_FAIL_THRESHOLD,
  PROP_ENABLED,
  PROP_OPTIONS,
  PROP_CREATED_AT,
  PROP_LATITUDE,
  PROP_LONGITUDE,
  PROP_LOCATION_SOURCE,
  PROP_STATE,
  PROP_LAST_LATENCY,
  PROP_LAST_CHECKED,
  PROP_LAST_ERROR,
  PROP_LAST_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static guint notify_signal_id;

static gboolean
same_double (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

/* Replaces a string field, telling whether it changed. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
lookout_target_finalize (GObject *object)
{
  LookoutTarget *self = (LookoutTarget *)object;

  g_clear_pointer (&self->uri, lookout_target_uri_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->options, g_free);
  if (self->auth_password != NULL)
    memset (self->auth_password, 0, strlen (self->auth_password));
  g_clear_pointer (&self->auth_password, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->last_address, g_free);

  G_OBJECT_CLASS (lookout_target_parent_class)->finalize (object);
}

static void
lookout_target_constructed (GObject *object)
{
  LookoutTarget *self = (LookoutTarget *)object;

  G_OBJECT_CLASS (lookout_target_parent_class)->constructed (object);

  if (self->uri == NULL)
    g_critical ("A LookoutTarget needs a URI");
}

static void
lookout_target_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LookoutTarget *self = LOOKOUT_TARGET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_URI:
      g_value_set_boxed (value, self->uri);
      break;
    case PROP_URI_STRING:
      g_value_set_string (value, lookout_target_get_uri_string (self));
      break;
    case PROP_KIND:
      g_value_set_uint (value, lookout_target_get_kind (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_FAIL_THRESHOLD:
      g_value_set_uint (value, self->fail_threshold);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_OPTIONS:
      g_value_set_string (value, lookout_target_get_options (self));
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    case PROP_LATITUDE:
      g_value_set_double (value, self->latitude);
      break;
    case PROP_LONGITUDE:
      g_value_set_double (value, self->longitude);
      break;
    case PROP_LOCATION_SOURCE:
      g_value_set_string (value, self->location_source);
      break;
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    case PROP_LAST_LATENCY:
      g_value_set_int64 (value, self->last_latency);
      break;
    case PROP_LAST_CHECKED:
      g_value_set_int64 (value, self->last_checked);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_LAST_ADDRESS:
      g_value_set_string (value, self->last_address);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LookoutTarget *self = LOOKOUT_TARGET (object);

  switch (prop_id)
    {
    case PROP_ID:
      lookout_target_set_id (self, g_value_get_int64 (value));
      break;
    case PROP_URI:
      /* The construct-time default is NULL; constructed() complains. */
      if (g_value_get_boxed (value) != NULL || self->uri != NULL)
        lookout_target_set_uri (self, g_value_get_boxed (value));
      break;
    case PROP_NAME:
      lookout_target_set_name (self, g_value_get_string (value));
      break;
    case PROP_INTERVAL:
      lookout_target_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_TIMEOUT:
      lookout_target_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_FAIL_THRESHOLD:
      lookout_target_set_fail_threshold (self, g_value_get_uint (value));
      break;
    case PROP_ENABLED:
      lookout_target_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_OPTIONS:
      lookout_target_set_options (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      lookout_target_set_created_at (self, g_value_get_int64 (value));
      break;
    case PROP_LATITUDE:
      lookout_target_set_location (self, g_value_get_double (value), self->longitude,
                                   self->location_source);
      break;
    case PROP_LONGITUDE:
      lookout_target_set_location (self, self->latitude, g_value_get_double (value),
                                   self->location_source);
      break;
    case PROP_LOCATION_SOURCE:
      lookout_target_set_location (self, self->latitude, self->longitude,
                                   g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_target_class_init (LookoutTargetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = lookout_target_finalize;
  object_class->constructed = lookout_target_constructed;
  object_class->get_property = lookout_target_get_property;
  object_class->set_property = lookout_target_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_URI] =
    g_param_spec_boxed ("uri", NULL, NULL, LOOKOUT_TYPE_TARGET_URI, rw | G_PARAM_CONSTRUCT);
  properties[PROP_URI_STRING] =
    g_param_spec_string ("uri-string", NULL, NULL, NULL, ro);
  properties[PROP_KIND] =
    g_param_spec_uint ("kind", NULL, NULL, 0, LOOKOUT_TARGET_N_KINDS - 1, 0, ro);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL,
                       LOOKOUT_TARGET_MIN_INTERVAL_S, LOOKOUT_TARGET_MAX_INTERVAL_S,
                       LOOKOUT_TARGET_DEFAULT_INTERVAL_S, rw);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       LOOKOUT_TARGET_MIN_TIMEOUT_MS, LOOKOUT_TARGET_MAX_TIMEOUT_MS,
                       LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS, rw);
  properties[PROP_FAIL_THRESHOLD] =
    g_param_spec_uint ("fail-threshold", NULL, NULL,
                       1, LOOKOUT_TARGET_MAX_FAIL_THRESHOLD,
                       LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD, rw);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE, rw);
  properties[PROP_OPTIONS] =
    g_param_spec_string ("options", NULL, NULL, "{}", rw);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, rw);
  properties[PROP_LATITUDE] =
    g_param_spec_double ("latitude", NULL, NULL, -90.0, 90.0, 0.0, rw);
  properties[PROP_LONGITUDE] =
    g_param_spec_double ("longitude", NULL, NULL, -180.0, 180.0, 0.0, rw);
  properties[PROP_LOCATION_SOURCE] =
    g_param_spec_string ("location-source", NULL, NULL, NULL, rw);
  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL, 0, LOOKOUT_TARGET_STATE_PAUSED,
                       LOOKOUT_TARGET_STATE_UNKNOWN, ro);
  properties[PROP_LAST_LATENCY] =
    g_param_spec_int64 ("last-latency", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_LAST_CHECKED] =
    g_param_spec_int64 ("last-checked", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  properties[PROP_LAST_ADDRESS] =
    g_param_spec_string ("last-address", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  notify_signal_id = g_signal_lookup ("notify", G_TYPE_OBJECT);
}

static void
lookout_target_init (LookoutTarget *self)
{
  self->interval = LOOKOUT_TARGET_DEFAULT_INTERVAL_S;
  self->timeout = LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS;
  self->fail_threshold = LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD;
  self->enabled = TRUE;
  self->name_is_auto = TRUE;
  self->created_at = g_get_real_time () / 1000;
  self->latitude = NAN;
  self->longitude = NAN;
  self->state = LOOKOUT_TARGET_STATE_UNKNOWN;
  self->last_latency = -1;
}

LookoutTarget *
lookout_target_new (LookoutTargetUri *uri)
{
  const LookoutProbeKind *row;

  g_return_val_if_fail (uri != NULL, NULL);

  row = lookout_probe_kind_get (lookout_target_uri_get_kind (uri));
  return g_object_new (LOOKOUT_TYPE_TARGET,
                       "uri", uri,
                       "interval", row->default_interval_s,
                       "timeout", row->default_timeout_ms,
                       NULL);
}

LookoutTarget *
lookout_target_new_from_string (const char  *uri,
                                GError     **error)
{
  g_autoptr(LookoutTargetUri) parsed = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parsed = lookout_target_uri_parse (uri, error);
  if (parsed == NULL)
    return NULL;

  return lookout_target_new (parsed);
}

/* Validation */

static gboolean
check_range (guint        value,
             guint        min,
             guint        max,
             int          code,
             const char  *too_small,
             const char  *too_large,
             GError     **error)
{
  if (value < min)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, code, too_small);
      return FALSE;
    }
  if (value > max)
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, code, too_large);
      return FALSE;
    }

  return TRUE;
}

gboolean
lookout_target_validate_interval (guint    interval_s,
                                  GError **error)
{
  return check_range (interval_s, LOOKOUT_TARGET_MIN_INTERVAL_S, LOOKOUT_TARGET_MAX_INTERVAL_S,
                      LOOKOUT_TARGET_ERROR_INVALID_INTERVAL,
                      _("The interval must be at least 1 second"),
                      _("The interval must be at most 86400 seconds (one day)"),
                      error);
}

gboolean
lookout_target_validate_timeout (guint    timeout_ms,
                                 GError **error)
{
  return check_range (timeout_ms, LOOKOUT_TARGET_MIN_TIMEOUT_MS, LOOKOUT_TARGET_MAX_TIMEOUT_MS,
                      LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT,
                      _("The timeout must be at least 100 milliseconds"),
                      _("The timeout must be at most 120000 milliseconds (two minutes)"),
                      error);
}

gboolean
lookout_target_validate_schedule (guint    interval_s,
                                  guint    timeout_ms,
                                  GError **error)
{
  if ((guint64) timeout_ms <= (guint64) interval_s * 1000)
    return TRUE;

  g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT,
               _("The timeout is longer than the interval: a check would still be "
                 "waiting when the next one is due. Make it at most %d s"),
               (int) MIN (interval_s, G_MAXINT));
  return FALSE;
}

gboolean
lookout_target_fit_timeout (LookoutTargetKind   kind,
                            guint               interval_s,
                            guint              *timeout_ms,
                            gboolean            timeout_given,
                            GError            **error)
{
  const LookoutProbeKind *row;

  g_return_val_if_fail (timeout_ms != NULL, FALSE);

  row = lookout_probe_kind_get (kind);
  if (!timeout_given && row != NULL && *timeout_ms == row->default_timeout_ms &&
      (guint64) *timeout_ms > (guint64) interval_s * 1000)
    *timeout_ms = MAX (interval_s * 1000, LOOKOUT_TARGET_MIN_TIMEOUT_MS);

  return lookout_target_validate_schedule (interval_s, *timeout_ms, error);
}

gboolean
lookout_target_validate_fail_threshold (guint    threshold,
                                        GError **error)
{
  return check_range (threshold, 1, LOOKOUT_TARGET_MAX_FAIL_THRESHOLD,
                      LOOKOUT_TARGET_ERROR_INVALID_THRESHOLD,
                      _("The number of failures before a target counts as down must be at least 1"),
                      _("The number of failures before a target counts as down must be at most 100"),
                      error);
}

gboolean
lookout_target_validate_name (const char  *name,
                              GError     **error)
{
  if (name == NULL || name[0] == '\0')
    return TRUE;

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME,
                           _("The name is not valid text"));
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > MAX_NAME_CHARS)
    {
      g_set_error (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME,
                   _("The name is too long: at most %u characters are allowed"), MAX_NAME_CHARS);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME,
                             _("The name cannot contain line breaks, tabs or other control characters"));
        return FALSE;
      }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  g_set_error_literal (error, LOOKOUT_TARGET_ERROR, LOOKOUT_TARGET_ERROR_INVALID_NAME,
                       _("The name cannot be only spaces"));
  return FALSE;
}

gboolean
lookout_target_validate_options (const char  *options_json,
                                 GError     **error)
{
  return lookout_target_options_validate (options_json, error);
}


/* Accessors */

gint64
lookout_target_get_id (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->id;
}

void
lookout_target_set_id (LookoutTarget *self,
                       gint64         id)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

LookoutTargetUri *
lookout_target_get_uri (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->uri;
}

static void
set_auto_name (LookoutTarget *self)
{
  g_autofree char *display = NULL;

  if (self->uri == NULL)
    return;

  display = lookout_target_uri_dup_display_name (self->uri);
  if (g_strcmp0 (display, self->name) != 0)
    {
      g_free (self->name);
      self->name = g_steal_pointer (&display);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
}

void
lookout_target_set_uri (LookoutTarget    *self,
                        LookoutTargetUri *uri)
{
  LookoutTargetKind old_kind;

  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (uri != NULL);

  if (self->uri == uri ||
      (self->uri != NULL &&
       strcmp (lookout_target_uri_to_string (self->uri), lookout_target_uri_to_string (uri)) == 0))
    return;

  old_kind = lookout_target_get_kind (self);

  g_object_freeze_notify (G_OBJECT (self));

  g_clear_pointer (&self->uri, lookout_target_uri_unref);
  self->uri = lookout_target_uri_ref (uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI_STRING]);
  if (old_kind != lookout_target_uri_get_kind (uri))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
  if (self->name_is_auto)
    set_auto_name (self);

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
lookout_target_get_uri_string (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->uri != NULL ? lookout_target_uri_to_string (self->uri) : NULL;
}

LookoutTargetKind
lookout_target_get_kind (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), LOOKOUT_TARGET_KIND_HTTP);

  return self->uri != NULL ? lookout_target_uri_get_kind (self->uri) : LOOKOUT_TARGET_KIND_HTTP;
}

const char *
lookout_target_get_name (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->name;
}

/* NULL or "" goes back to the name made from the URI, which then follows
 * the URI when it changes. */
void
lookout_target_set_name (LookoutTarget *self,
                         const char    *name)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (lookout_target_validate_name (name, NULL));

  if (name == NULL || name[0] == '\0')
    {
      self->name_is_auto = TRUE;
      set_auto_name (self);
      return;
    }

  self->name_is_auto = FALSE;
  if (replace_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

guint
lookout_target_get_interval (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->interval;
}

void
lookout_target_set_interval (LookoutTarget *self,
                             guint          interval_s)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (lookout_target_validate_interval (interval_s, NULL));

  if (self->interval == interval_s)
    return;

  self->interval = interval_s;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

guint
lookout_target_get_timeout (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->timeout;
}

void
lookout_target_set_timeout (LookoutTarget *self,
                            guint          timeout_ms)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (lookout_target_validate_timeout (timeout_ms, NULL));

  if (self->timeout == timeout_ms)
    return;

  self->timeout = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

guint
lookout_target_get_fail_threshold (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->fail_threshold;
}

void
lookout_target_set_fail_threshold (LookoutTarget *self,
                                   guint          threshold)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (lookout_target_validate_fail_threshold (threshold, NULL));

  if (self->fail_threshold == threshold)
    return;

  self->fail_threshold = threshold;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAIL_THRESHOLD]);
}

gboolean
lookout_target_get_enabled (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), FALSE);

  return self->enabled;
}

void
lookout_target_set_enabled (LookoutTarget *self,
                            gboolean       enabled)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));

  enabled = !!enabled;
  if (self->enabled == (guint) enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/* The HTTP basic-authentication password from the keyring: kept in memory
 * only, so that neither the database nor an export holds it. */
const char *
lookout_target_get_auth_password (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->auth_password;
}

void
lookout_target_set_auth_password (LookoutTarget *self,
                                  const char    *password)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));

  if (g_strcmp0 (self->auth_password, password) == 0)
    return;
  if (self->auth_password != NULL)
    memset (self->auth_password, 0, strlen (self->auth_password));
  g_free (self->auth_password);
  self->auth_password = g_strdup (password);
}

const char *
lookout_target_get_options (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->options != NULL ? self->options : "{}";
}

/* NULL or "" is the default, "{}". */
void
lookout_target_set_options (LookoutTarget *self,
                            const char    *options_json)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (lookout_target_validate_options (options_json, NULL));

  if (options_json != NULL && (options_json[0] == '\0' || strcmp (options_json, "{}") == 0))
    options_json = NULL;

  if (replace_string (&self->options, options_json))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPTIONS]);
}

gint64
lookout_target_get_created_at (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->created_at;
}

void
lookout_target_set_created_at (LookoutTarget *self,
                               gint64         ms)
{
  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (ms >= 0);

  if (self->created_at == ms)
    return;

  self->created_at = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

double
lookout_target_get_latitude (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NAN);

  return self->latitude;
}

double
lookout_target_get_longitude (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NAN);

  return self->longitude;
}

const char *
lookout_target_get_location_source (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->location_source;
}

/* NaN for both coordinates means "unknown". */
void
lookout_target_set_location (LookoutTarget *self,
                             double         latitude,
                             double         longitude,
                             const char    *source)
{
  const char *interned;

  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (isnan (latitude) || (latitude >= -90.0 && latitude <= 90.0));
  g_return_if_fail (isnan (longitude) || (longitude >= -180.0 && longitude <= 180.0));

  interned = g_intern_string (source);

  g_object_freeze_notify (G_OBJECT (self));

  if (!same_double (self->latitude, latitude))
    {
      self->latitude = latitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATITUDE]);
    }
  if (!same_double (self->longitude, longitude))
    {
      self->longitude = longitude;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LONGITUDE]);
    }
  if (self->location_source != interned)
    {
      self->location_source = interned;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCATION_SOURCE]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

LookoutTargetState
lookout_target_get_state (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), LOOKOUT_TARGET_STATE_UNKNOWN);

  return self->state;
}

gint64
lookout_target_get_last_latency (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), -1);

  return self->last_latency;
}

gint64
lookout_target_get_last_checked (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), 0);

  return self->last_checked;
}

const char *
lookout_target_get_last_error (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->last_error;
}

const char *
lookout_target_get_last_address (LookoutTarget *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  return self->last_address;
}

void
lookout_target_set_live_state (LookoutTarget      *self,
                               LookoutTargetState  state,
                               gint64              latency_us,
                               gint64              checked_ms,
                               const char         *error,
                               const char         *address)
{
  GParamSpec *changed[5];
  guint n_changed = 0;
  guint n_watched = 0;

  g_return_if_fail (LOOKOUT_IS_TARGET (self));
  g_return_if_fail (state <= LOOKOUT_TARGET_STATE_PAUSED);
  g_return_if_fail (latency_us >= -1);
  g_return_if_fail (checked_ms >= 0);

  if (self->state != state)
    {
      self->state = state;
      changed[n_changed++] = properties[PROP_STATE];
    }
  if (self->last_latency != latency_us)
    {
      self->last_latency = latency_us;
      changed[n_changed++] = properties[PROP_LAST_LATENCY];
    }
  if (self->last_checked != checked_ms)
    {
      self->last_checked = checked_ms;
      changed[n_changed++] = properties[PROP_LAST_CHECKED];
    }
  if (replace_string (&self->last_error, error))
    changed[n_changed++] = properties[PROP_LAST_ERROR];
  if (replace_string (&self->last_address, address))
    changed[n_changed++] = properties[PROP_LAST_ADDRESS];

  /* Every check lands here, and GLib 2.74 runs its whole notification
   * machinery (queue, emission) even when nobody listens: only the
   * properties somebody watches are notified. */
  if (n_changed > 0 && g_signal_has_handler_pending (self, notify_signal_id, 0, FALSE))
    n_watched = n_changed;
  else
    for (guint i = 0; i < n_changed; i++)
      if (g_signal_has_handler_pending (self, notify_signal_id,
                                        g_param_spec_get_name_quark (changed[i]), FALSE))
        changed[n_watched++] = changed[i];

  if (n_watched > 1)
    g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < n_watched; i++)
    g_object_notify_by_pspec (G_OBJECT (self), changed[i]);
  if (n_watched > 1)
    g_object_thaw_notify (G_OBJECT (self));
}

LookoutTarget *
lookout_target_copy (LookoutTarget *self)
{
  LookoutTarget *copy;

  g_return_val_if_fail (LOOKOUT_IS_TARGET (self), NULL);

  copy = g_object_new (LOOKOUT_TYPE_TARGET, "uri", self->uri, NULL);
  copy->id = self->id;
  copy->name_is_auto = self->name_is_auto;
  g_free (copy->name);
  copy->name = g_strdup (self->name);
  copy->interval = self->interval;
  copy->timeout = self->timeout;
  copy->fail_threshold = self->fail_threshold;
  copy->enabled = self->enabled;
  copy->options = g_strdup (self->options);
  copy->auth_password = g_strdup (self->auth_password);
  copy->created_at = self->created_at;
  copy->latitude = self->latitude;
  copy->longitude = self->longitude;
  copy->location_source = self->location_source;

  return copy;
}
