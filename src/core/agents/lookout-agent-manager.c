/* lookout-agent-manager.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-agent-manager.h"
#include "lookout-agent-protocol.h"

/* Changes of the targets come in bursts (a file of targets added): the
 * configuration is sent once they settle. */
#define PUSH_DELAY_MS 200

struct _LookoutAgentManager
{
  GObject         parent_instance;

  LookoutMonitor *monitor;
  GPtrArray      *links;
  gulong          targets_changed_id;
  guint           push_id;
  gboolean        running;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LookoutAgentManager, lookout_agent_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return LOOKOUT_TYPE_AGENT_LINK;
}

static guint
get_n_items (GListModel *model)
{
  return LOOKOUT_AGENT_MANAGER (model)->links->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  LookoutAgentManager *self = LOOKOUT_AGENT_MANAGER (model);

  if (position >= self->links->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->links, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
push_cb (gpointer user_data)
{
  LookoutAgentManager *self = user_data;

  self->push_id = 0;
  for (guint i = 0; i < self->links->len; i++)
    lookout_agent_link_push_targets (g_ptr_array_index (self->links, i));
  return G_SOURCE_REMOVE;
}

static void
targets_changed_cb (GListModel          *model,
                    guint                position,
                    guint                removed,
                    guint                added,
                    LookoutAgentManager *self)
{
  if (self->push_id == 0)
    self->push_id = g_timeout_add (PUSH_DELAY_MS, push_cb, self);
}

static void
lookout_agent_manager_dispose (GObject *object)
{
  LookoutAgentManager *self = LOOKOUT_AGENT_MANAGER (object);

  if (self->links != NULL)
    lookout_agent_manager_stop (self);
  g_clear_handle_id (&self->push_id, g_source_remove);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->targets_changed_id, lookout_monitor_get_targets (self->monitor));
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (lookout_agent_manager_parent_class)->dispose (object);
}

static void
lookout_agent_manager_class_init (LookoutAgentManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lookout_agent_manager_dispose;
}

static void
lookout_agent_manager_init (LookoutAgentManager *self)
{
  self->links = g_ptr_array_new_with_free_func (g_object_unref);
}

LookoutAgentManager *
lookout_agent_manager_new (LookoutMonitor *monitor)
{
  LookoutAgentManager *self;

  g_return_val_if_fail (LOOKOUT_IS_MONITOR (monitor), NULL);

  self = g_object_new (LOOKOUT_TYPE_AGENT_MANAGER, NULL);
  self->monitor = g_object_ref (monitor);
  self->targets_changed_id = g_signal_connect (lookout_monitor_get_targets (monitor), "items-changed",
                                               G_CALLBACK (targets_changed_cb), self);
  return self;
}

guint
lookout_agent_manager_load_key_file (LookoutAgentManager  *self,
                                     GKeyFile             *file,
                                     GError              **error)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (LOOKOUT_IS_AGENT_MANAGER (self), 0);

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *token = NULL;
      g_autofree char *fingerprint = NULL;
      g_autofree char *name = NULL;
      LookoutAgentLink *link;

      /* [agent] alone is the agent's own settings */
      if (!g_str_has_prefix (groups[i], "agent "))
        continue;
      name = g_strstrip (g_strdup (groups[i] + strlen ("agent")));
      if (*name == '\0')
        {
          g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                       _("A group [agent NAME] needs the agent's name, as in [agent paris]"));
          return 0;
        }
      if (lookout_agent_manager_find (self, name) != NULL)
        {
          g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                       _("Agent %s is named twice"), name);
          return 0;
        }
      for (guint j = 0; j < links->len; j++)
        if (g_str_equal (lookout_agent_link_get_name (g_ptr_array_index (links, j)), name))
          {
            g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                         _("Agent %s is named twice"), name);
            return 0;
          }

      url = g_key_file_get_string (file, groups[i], "url", NULL);
      token = g_key_file_get_string (file, groups[i], "token", NULL);
      fingerprint = g_key_file_get_string (file, groups[i], "fingerprint", NULL);
      if (url == NULL)
        {
          g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_CONFIG,
                       _("Agent %s needs its address: url = https://HOST:PORT"), name);
          return 0;
        }
      link = lookout_agent_link_new (self->monitor, name, url, token, fingerprint, error);
      if (link == NULL)
        return 0;
      g_ptr_array_add (links, link);
    }

  for (guint i = 0; i < links->len; i++)
    lookout_agent_manager_add (self, g_ptr_array_index (links, i));
  return links->len;
}

void
lookout_agent_manager_add (LookoutAgentManager *self,
                           LookoutAgentLink    *link)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_MANAGER (self));
  g_return_if_fail (LOOKOUT_IS_AGENT_LINK (link));

  g_ptr_array_add (self->links, g_object_ref (link));
  g_list_model_items_changed (G_LIST_MODEL (self), self->links->len - 1, 0, 1);
  if (self->running)
    lookout_agent_link_start (link);
}

gboolean
lookout_agent_manager_remove (LookoutAgentManager *self,
                              const char          *name)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_MANAGER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->links->len; i++)
    {
      LookoutAgentLink *link = g_ptr_array_index (self->links, i);

      if (g_str_equal (lookout_agent_link_get_name (link), name))
        {
          lookout_agent_link_stop (link);
          g_ptr_array_remove_index (self->links, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
          return TRUE;
        }
    }
  return FALSE;
}

LookoutAgentLink *
lookout_agent_manager_find (LookoutAgentManager *self,
                            const char          *name)
{
  g_return_val_if_fail (LOOKOUT_IS_AGENT_MANAGER (self), NULL);

  for (guint i = 0; i < self->links->len; i++)
    if (g_str_equal (lookout_agent_link_get_name (g_ptr_array_index (self->links, i)), name))
      return g_ptr_array_index (self->links, i);
  return NULL;
}

void
lookout_agent_manager_start (LookoutAgentManager *self)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_MANAGER (self));

  self->running = TRUE;
  for (guint i = 0; i < self->links->len; i++)
    lookout_agent_link_start (g_ptr_array_index (self->links, i));
}

void
lookout_agent_manager_stop (LookoutAgentManager *self)
{
  g_return_if_fail (LOOKOUT_IS_AGENT_MANAGER (self));

  self->running = FALSE;
  for (guint i = 0; i < self->links->len; i++)
    lookout_agent_link_stop (g_ptr_array_index (self->links, i));
}
