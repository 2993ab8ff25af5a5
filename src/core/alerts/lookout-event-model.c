/* lookout-event-model.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-event-model"

#include "config.h"

#include "lookout-event-model.h"

struct _LookoutEventModel
{
  GObject             parent_instance;

  LookoutStore       *store;
  LookoutAlertEngine *engine;
  GPtrArray          *items;
  GCancellable       *cancellable;
  gint64              target_id;
  char               *kind;
  gint64              oldest_ms;
  guint               loading : 1;
  guint               has_more : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_ENGINE,
  PROP_TARGET_ID,
  PROP_KIND,
  PROP_LOADING,
  PROP_HAS_MORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
lookout_event_model_get_item_type (GListModel *model)
{
  return LOOKOUT_TYPE_EVENT_ITEM;
}

static guint
lookout_event_model_get_n_items (GListModel *model)
{
  return LOOKOUT_EVENT_MODEL (model)->items->len;
}

static gpointer
lookout_event_model_get_item (GListModel *model,
                              guint       position)
{
  LookoutEventModel *self = LOOKOUT_EVENT_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = lookout_event_model_get_item_type;
  iface->get_n_items = lookout_event_model_get_n_items;
  iface->get_item = lookout_event_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (LookoutEventModel, lookout_event_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
set_loading (LookoutEventModel *self,
             gboolean           loading)
{
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_has_more (LookoutEventModel *self,
              gboolean           has_more)
{
  if (self->has_more == !!has_more)
    return;
  self->has_more = !!has_more;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MORE]);
}

static void
page_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LookoutEventModel *self;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  events = lookout_store_query_events_finish (LOOKOUT_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LOOKOUT_EVENT_MODEL (user_data);
  set_loading (self, FALSE);

  if (events == NULL)
    {
      g_warning ("Could not read events: %s", error->message);
      set_has_more (self, FALSE);
      return;
    }

  position = self->items->len;
  for (guint i = 0; i < events->len; i++)
    {
      const LookoutStoredEvent *event = &g_array_index (events, LookoutStoredEvent, i);

      g_ptr_array_add (self->items, lookout_event_item_new_from_stored (event));
      self->oldest_ms = event->ts_ms;
    }
  set_has_more (self, events->len == LOOKOUT_EVENT_MODEL_PAGE);
  if (events->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, events->len);
}

static void
read_page (LookoutEventModel *self)
{
  set_loading (self, TRUE);
  lookout_store_query_events_async (self->store, self->target_id, self->kind, self->oldest_ms,
                                    LOOKOUT_EVENT_MODEL_PAGE, self->cancellable,
                                    page_read_cb, self);
}

static void
engine_event_cb (LookoutAlertEngine *engine,
                 LookoutAlertEvent  *event,
                 LookoutEventModel  *self)
{
  if (self->target_id >= 0 && event->target_id != self->target_id)
    return;
  if (self->kind != NULL && g_strcmp0 (self->kind, lookout_alert_event_kind_to_string (event->kind)) != 0)
    return;

  g_ptr_array_insert (self->items, 0, lookout_event_item_new_from_event (event));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
}

static void
lookout_event_model_constructed (GObject *object)
{
  LookoutEventModel *self = (LookoutEventModel *)object;

  G_OBJECT_CLASS (lookout_event_model_parent_class)->constructed (object);

  if (self->engine != NULL)
    g_signal_connect_object (self->engine, "event", G_CALLBACK (engine_event_cb), self, 0);
  read_page (self);
}

static void
lookout_event_model_dispose (GObject *object)
{
  LookoutEventModel *self = (LookoutEventModel *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (lookout_event_model_parent_class)->dispose (object);
}

static void
lookout_event_model_finalize (GObject *object)
{
  LookoutEventModel *self = (LookoutEventModel *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->kind, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (lookout_event_model_parent_class)->finalize (object);
}

static void
lookout_event_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LookoutEventModel *self = LOOKOUT_EVENT_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_TARGET_ID:
      g_value_set_int64 (value, self->target_id);
      break;
    case PROP_KIND:
      g_value_set_string (value, self->kind);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_HAS_MORE:
      g_value_set_boolean (value, self->has_more);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_model_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LookoutEventModel *self = LOOKOUT_EVENT_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_TARGET_ID:
      lookout_event_model_set_filter (self, g_value_get_int64 (value), self->kind);
      break;
    case PROP_KIND:
      lookout_event_model_set_filter (self, self->target_id, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_event_model_class_init (LookoutEventModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = lookout_event_model_constructed;
  object_class->dispose = lookout_event_model_dispose;
  object_class->finalize = lookout_event_model_finalize;
  object_class->get_property = lookout_event_model_get_property;
  object_class->set_property = lookout_event_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         LOOKOUT_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         LOOKOUT_TYPE_ALERT_ENGINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TARGET_ID] =
    g_param_spec_int64 ("target-id", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_MORE] =
    g_param_spec_boolean ("has-more", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_event_model_init (LookoutEventModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->target_id = -1;
}

LookoutEventModel *
lookout_event_model_new (LookoutStore       *store,
                         LookoutAlertEngine *engine)
{
  g_return_val_if_fail (LOOKOUT_IS_STORE (store), NULL);
  g_return_val_if_fail (engine == NULL || LOOKOUT_IS_ALERT_ENGINE (engine), NULL);

  return g_object_new (LOOKOUT_TYPE_EVENT_MODEL, "store", store, "engine", engine, NULL);
}

void
lookout_event_model_set_filter (LookoutEventModel *self,
                                gint64             target_id,
                                const char        *kind)
{
  g_autofree char *new_kind = NULL;
  guint removed;

  g_return_if_fail (LOOKOUT_IS_EVENT_MODEL (self));

  if (kind != NULL && kind[0] == '\0')
    kind = NULL;
  if (target_id < 0)
    target_id = -1;
  if (self->target_id == target_id && g_strcmp0 (self->kind, kind) == 0)
    return;

  new_kind = g_strdup (kind);
  g_free (self->kind);
  self->kind = g_steal_pointer (&new_kind);
  self->target_id = target_id;

  /* During construction the store is not there yet: constructed() reads. */
  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->oldest_ms = 0;

  removed = self->items->len;
  g_ptr_array_set_size (self->items, 0);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TARGET_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
  read_page (self);
}

gint64
lookout_event_model_get_target_id (LookoutEventModel *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_MODEL (self), -1);
  return self->target_id;
}

const char *
lookout_event_model_get_kind (LookoutEventModel *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_MODEL (self), NULL);
  return self->kind;
}

gboolean
lookout_event_model_get_loading (LookoutEventModel *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_MODEL (self), FALSE);
  return self->loading;
}

gboolean
lookout_event_model_get_has_more (LookoutEventModel *self)
{
  g_return_val_if_fail (LOOKOUT_IS_EVENT_MODEL (self), FALSE);
  return self->has_more;
}

void
lookout_event_model_load_more (LookoutEventModel *self)
{
  g_return_if_fail (LOOKOUT_IS_EVENT_MODEL (self));

  if (self->loading || !self->has_more)
    return;
  read_page (self);
}
