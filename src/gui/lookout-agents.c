/* lookout-agents.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The agents the desktop app drives. Their addresses and pinned
 * fingerprints are kept in a key file beside the database, in the groups
 * `lookout-agent run --config` reads; their tokens go to the keyring as
 * "agent-token:NAME", as the alert channels' secrets do. With no Secret
 * Service, an agent added is used until Lookout quits and the page says
 * so; a token written into the key file by hand is used as it is. The
 * links themselves are the core's LookoutAgentManager: the targets whose
 * "locations" name an agent are pushed to it, and its results come into
 * the monitor with their location. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-agent-protocol.h"
#include "lookout-agents.h"
#include "lookout-secrets.h"

struct _LookoutAgents
{
  GObject              parent_instance;

  LookoutMonitor      *monitor;
  LookoutAgentManager *manager;
  char                *path;
  GKeyFile            *file;
  GHashTable          *places;        /* name -> double[2] */
  GCancellable        *cancellable;
  char                *problem;
};

G_DEFINE_FINAL_TYPE (LookoutAgents, lookout_agents, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
group_of (const char *name)
{
  return g_strconcat ("agent ", name, NULL);
}

static char *
secret_of (const char *name)
{
  return g_strconcat ("agent-token:", name, NULL);
}

static void
set_problem (LookoutAgents *self,
             const char    *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  g_free (self->problem);
  self->problem = g_strdup (problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
set_secrets_problem (LookoutAgents *self,
                     const GError  *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf (_("Agents' tokens cannot be kept: no Secret Service (such as GNOME Keyring) "
                            "could be reached (%s). An agent added here is used until Lookout quits, "
                            "then forgotten."), error->message);
  set_problem (self, text);
}

static gboolean
save (LookoutAgents  *self,
      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->path);

  g_mkdir_with_parents (dir, 0700);
  if (!g_key_file_save_to_file (self->file, self->path, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The list of agents cannot be saved in %s: %s"), self->path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
note_place (LookoutAgents *self,
            const char    *name,
            double         latitude,
            double         longitude)
{
  double *place = g_new (double, 2);

  place[0] = latitude;
  place[1] = longitude;
  g_hash_table_insert (self->places, g_strdup (name), place);
}

static gboolean
start_link (LookoutAgents  *self,
            const char     *name,
            const char     *token,
            GError        **error)
{
  g_autofree char *group = group_of (name);
  g_autofree char *url = g_key_file_get_string (self->file, group, "url", NULL);
  g_autofree char *fingerprint = g_key_file_get_string (self->file, group, "fingerprint", NULL);
  g_autoptr(LookoutAgentLink) link = NULL;

  if (lookout_agent_manager_find (self->manager, name) != NULL)
    return TRUE;
  if (url == NULL)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("Agent %s needs its address: url = https://HOST:PORT"), name);
      return FALSE;
    }
  link = lookout_agent_link_new (self->monitor, name, url, token, fingerprint, error);
  if (link == NULL)
    return FALSE;
  lookout_agent_manager_add (self->manager, link);
  return TRUE;
}

typedef struct
{
  LookoutAgents *self;
  char          *name;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_free (lookup->name);
  g_free (lookup);
}

static void
token_looked_up_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Lookup *lookup = user_data;
  LookoutAgents *self = lookup->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = lookout_secret_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || g_cancellable_is_cancelled (self->cancellable))
    ;
  else if (error != NULL)
    set_secrets_problem (self, error);
  else if (token == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The token of agent %s is not in the keyring: "
                                                 "remove the agent and add it again"), lookup->name);
      set_problem (self, text);
    }
  else if (!start_link (self, lookup->name, token, &error))
    set_problem (self, error->message);
  lookup_free (lookup);
}

static void
load (LookoutAgents *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (self->file, self->path, G_KEY_FILE_KEEP_COMMENTS, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_autofree char *text = g_strdup_printf (_("The list of agents in %s cannot be read: %s"),
                                                   self->path, error->message);
          set_problem (self, text);
        }
      return;
    }

  groups = g_key_file_get_groups (self->file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *token = NULL;
      g_autofree char *place = NULL;
      const char *name;
      double latitude, longitude;
      char *end;

      if (!g_str_has_prefix (groups[i], "agent "))
        continue;
      name = groups[i] + strlen ("agent ");
      place = g_key_file_get_string (self->file, groups[i], "location", NULL);
      if (place != NULL)
        {
          latitude = g_ascii_strtod (place, &end);
          if (*end == ',')
            {
              longitude = g_ascii_strtod (end + 1, &end);
              if (*end == '\0')
                note_place (self, name, latitude, longitude);
            }
        }

      token = g_key_file_get_string (self->file, groups[i], "token", NULL);
      if (token != NULL)
        {
          if (!start_link (self, name, token, &error))
            {
              set_problem (self, error->message);
              g_clear_error (&error);
            }
        }
      else
        {
          g_autofree char *secret = secret_of (name);
          Lookup *lookup = g_new0 (Lookup, 1);

          lookup->self = g_object_ref (self);
          lookup->name = g_strdup (name);
          lookout_secret_lookup_named_async (secret, self->cancellable, token_looked_up_cb, lookup);
        }
    }
}

static void
lookout_agents_dispose (GObject *object)
{
  LookoutAgents *self = LOOKOUT_AGENTS (object);

  /* run at quit, while windows may still hold this: the links stop, the
   * list stays readable */
  g_cancellable_cancel (self->cancellable);
  if (self->manager != NULL)
    lookout_agent_manager_stop (self->manager);

  G_OBJECT_CLASS (lookout_agents_parent_class)->dispose (object);
}

static void
lookout_agents_finalize (GObject *object)
{
  LookoutAgents *self = LOOKOUT_AGENTS (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->monitor);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->file, g_key_file_unref);
  g_clear_pointer (&self->places, g_hash_table_unref);
  g_free (self->path);
  g_free (self->problem);

  G_OBJECT_CLASS (lookout_agents_parent_class)->finalize (object);
}

static void
lookout_agents_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LookoutAgents *self = LOOKOUT_AGENTS (object);

  switch (prop_id)
    {
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_agents_class_init (LookoutAgentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_agents_dispose;
  object_class->finalize = lookout_agents_finalize;
  object_class->get_property = lookout_agents_get_property;

  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_agents_init (LookoutAgents *self)
{
  self->file = g_key_file_new ();
  self->places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
}

LookoutAgents *
lookout_agents_new (LookoutMonitor *monitor,
                    const char     *path)
{
  LookoutAgents *self;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_AGENTS, NULL);
  self->monitor = g_object_ref (monitor);
  self->path = g_strdup (path);
  self->manager = lookout_agent_manager_new (monitor);
  lookout_agent_manager_start (self->manager);
  load (self);
  return self;
}

LookoutAgentManager *
lookout_agents_get_manager (LookoutAgents *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), NULL);

  return self->manager;
}

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutAgents) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_secret_store_finish (result, &error))
    set_secrets_problem (self, error);
}

gboolean
lookout_agents_add (LookoutAgents                *self,
                    const char                   *url,
                    const char                   *token,
                    const LookoutAgentProbeInfo  *info,
                    GError                      **error)
{
  g_autofree char *group = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *label = NULL;
  g_autoptr(LookoutAgentLink) link = NULL;

  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), FALSE);
  g_return_val_if_fail (url != NULL && token != NULL && info != NULL, FALSE);

  if (lookout_agent_manager_find (self->manager, info->name) != NULL)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("An agent named “%s” is already added; remove it first to add it again"), info->name);
      return FALSE;
    }
  link = lookout_agent_link_new (self->monitor, info->name, url, token, info->fingerprint, error);
  if (link == NULL)
    return FALSE;

  group = group_of (info->name);
  g_key_file_set_string (self->file, group, "url", url);
  if (info->fingerprint != NULL)
    g_key_file_set_string (self->file, group, "fingerprint", info->fingerprint);
  if (info->has_location)
    {
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *place = g_strdup_printf ("%s,%s",
                                                g_ascii_formatd (lat, sizeof lat, "%.7g", info->latitude),
                                                g_ascii_formatd (lon, sizeof lon, "%.7g", info->longitude));

      g_key_file_set_string (self->file, group, "location", place);
      note_place (self, info->name, info->latitude, info->longitude);
    }
  if (!save (self, error))
    {
      g_key_file_remove_group (self->file, group, NULL);
      g_hash_table_remove (self->places, info->name);
      return FALSE;
    }

  secret = secret_of (info->name);
  label = g_strdup_printf (_("Lookout agent %s"), info->name);
  lookout_secret_store_named_async (secret, label, token, self->cancellable, token_stored_cb, g_object_ref (self));
  lookout_agent_manager_add (self->manager, link);
  return TRUE;
}

gboolean
lookout_agents_remove (LookoutAgents  *self,
                       const char     *name,
                       GError        **error)
{
  g_autofree char *group = NULL;
  g_autofree char *secret = NULL;

  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  group = group_of (name);
  if (!lookout_agent_manager_remove (self->manager, name) &&
      !g_key_file_has_group (self->file, group))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                   _("There is no agent named “%s”"), name);
      return FALSE;
    }
  g_key_file_remove_group (self->file, group, NULL);
  g_hash_table_remove (self->places, name);
  secret = secret_of (name);
  lookout_secret_store_named_async (secret, "", NULL, self->cancellable, token_stored_cb, g_object_ref (self));
  return save (self, error);
}

gboolean
lookout_agents_get_place (LookoutAgents *self,
                          const char    *name,
                          double        *latitude,
                          double        *longitude)
{
  const double *place;

  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), FALSE);

  place = g_hash_table_lookup (self->places, name);
  if (place == NULL)
    return FALSE;
  *latitude = place[0];
  *longitude = place[1];
  return TRUE;
}

GStrv
lookout_agents_dup_names (LookoutAgents *self)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  GListModel *model;

  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), NULL);

  model = G_LIST_MODEL (self->manager);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LookoutAgentLink) link = g_list_model_get_item (model, i);

      g_strv_builder_add (names, lookout_agent_link_get_name (link));
    }
  return g_strv_builder_end (names);
}

const char *
lookout_agents_get_problem (LookoutAgents *self)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENTS (self), NULL);

  return self->problem;
}
