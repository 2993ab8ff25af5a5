/* lookout-remote-access.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The desktop app's side of the REST API: serves it while the setting
 * "remote-access" is on, at "remote-access-address", over TLS beyond
 * loopback (a self-signed certificate kept beside the database), and
 * starts again whenever either setting changes. The tokens live in the
 * database whether it serves or not. */

#define G_LOG_DOMAIN "lookout-remote-access"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-api-tls.h"
#include "lookout-remote-access.h"

struct _LookoutRemoteAccess
{
  GObject           parent_instance;

  GSettings        *settings;
  LookoutMonitor   *monitor;
  LookoutApiTokens *tokens;
  LookoutApiServer *server;
  char             *url;
  char             *problem;
};

G_DEFINE_FINAL_TYPE (LookoutRemoteAccess, lookout_remote_access, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URL,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GTlsCertificate *
certificate_for (LookoutRemoteAccess  *self,
                 const char           *host,
                 GError              **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);
  LookoutStore *store = lookout_monitor_get_store (self->monitor);
  g_autofree char *dir = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      (inet != NULL && g_inet_address_get_is_loopback (inet)))
    return NULL;

  dir = g_path_get_dirname (lookout_store_get_path (store));
  return lookout_api_tls_load_or_create (dir, host, error);
}

static void
restart (LookoutRemoteAccess *self)
{
  g_autofree char *address = g_settings_get_string (self->settings, "remote-access-address");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port;

  if (self->server != NULL)
    lookout_api_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->problem, g_free);

  if (g_settings_get_boolean (self->settings, "remote-access"))
    {
      if (lookout_api_parse_listen_address (address, &host, &port, &error))
        certificate = certificate_for (self, host, &error);
      if (error == NULL)
        {
          self->server = lookout_api_server_new (self->monitor);
          if (lookout_api_server_listen (self->server, address, certificate, &error))
            self->url = lookout_api_server_dup_url (self->server);
          else
            g_clear_object (&self->server);
        }
      if (error != NULL)
        self->problem = g_strdup (error->message);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
setting_changed_cb (GSettings           *settings,
                    const char          *key,
                    LookoutRemoteAccess *self)
{
  restart (self);
}

const char *
lookout_remote_access_get_url (LookoutRemoteAccess *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REMOTE_ACCESS (self), NULL);

  return self->url;
}

const char *
lookout_remote_access_get_problem (LookoutRemoteAccess *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REMOTE_ACCESS (self), NULL);

  return self->problem;
}

const char *
lookout_remote_access_get_fingerprint (LookoutRemoteAccess *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REMOTE_ACCESS (self), NULL);

  return self->server != NULL ? lookout_api_server_get_fingerprint (self->server) : NULL;
}

LookoutApiTokens *
lookout_remote_access_get_tokens (LookoutRemoteAccess *self)
{
  g_return_val_if_fail (LOOKOUT_IS_REMOTE_ACCESS (self), NULL);

  return self->tokens;
}

static void
lookout_remote_access_dispose (GObject *object)
{
  LookoutRemoteAccess *self = (LookoutRemoteAccess *) object;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, setting_changed_cb, self);
  if (self->server != NULL)
    lookout_api_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->tokens);
  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lookout_remote_access_parent_class)->dispose (object);
}

static void
lookout_remote_access_finalize (GObject *object)
{
  LookoutRemoteAccess *self = (LookoutRemoteAccess *) object;

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (lookout_remote_access_parent_class)->finalize (object);
}

static void
lookout_remote_access_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  LookoutRemoteAccess *self = LOOKOUT_REMOTE_ACCESS (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_remote_access_class_init (LookoutRemoteAccessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_remote_access_dispose;
  object_class->finalize = lookout_remote_access_finalize;
  object_class->get_property = lookout_remote_access_get_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_remote_access_init (LookoutRemoteAccess *self)
{
}

LookoutRemoteAccess *
lookout_remote_access_new (GSettings      *settings,
                           LookoutMonitor *monitor)
{
  LookoutRemoteAccess *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_REMOTE_ACCESS, NULL);
  self->settings = g_object_ref (settings);
  self->monitor = g_object_ref (monitor);
  self->tokens = lookout_api_tokens_new (lookout_monitor_get_store (monitor));

  g_signal_connect (settings, "changed::remote-access", G_CALLBACK (setting_changed_cb), self);
  g_signal_connect (settings, "changed::remote-access-address", G_CALLBACK (setting_changed_cb), self);
  restart (self);

  return self;
}
