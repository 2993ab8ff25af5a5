/* lookout-tile-source.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-tile-source"

#include "config.h"

#include "lookout-tile-source.h"

struct _LookoutTileSource
{
  ShumateDataSource  parent_instance;

  ShumateDataSource *inner;
  gboolean           available;
};

G_DEFINE_FINAL_TYPE (LookoutTileSource, lookout_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  PROP_0,
  PROP_INNER,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_available (LookoutTileSource *self,
               gboolean           available)
{
  if (self->available == available)
    return;

  self->available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

/* libshumate's renderers take the data from this signal (a cached tile
 * first, then a fresh one); the async call only says when it is over. */
static void
inner_received_data_cb (ShumateDataSource *inner,
                        int                x,
                        int                y,
                        int                zoom_level,
                        GBytes            *bytes,
                        LookoutTileSource *self)
{
  /* libshumate 1.0's file cache can hand back an empty file left by a
   * download that was cut short; that is no tile. */
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return;

  set_available (self, TRUE);
  g_signal_emit_by_name (self, "received-data", x, y, zoom_level, bytes);
}

static void
inner_tile_fetched_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LookoutTileSource *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = shumate_data_source_get_tile_data_finish (SHUMATE_DATA_SOURCE (object), result, &error);
  if (bytes != NULL)
    {
      set_available (self, TRUE);
      g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("tile unavailable: %s", error->message);
      set_available (self, FALSE);
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
lookout_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                         int                  x,
                                         int                  y,
                                         int                  zoom_level,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  LookoutTileSource *self = LOOKOUT_TILE_SOURCE (source);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_tile_source_get_tile_data_async);

  shumate_data_source_get_tile_data_async (self->inner, x, y, zoom_level, cancellable,
                                           inner_tile_fetched_cb, g_steal_pointer (&task));
}

static GBytes *
lookout_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_tile_source_dispose (GObject *object)
{
  LookoutTileSource *self = (LookoutTileSource *) object;

  if (self->inner != NULL)
    g_signal_handlers_disconnect_by_func (self->inner, inner_received_data_cb, self);
  g_clear_object (&self->inner);

  G_OBJECT_CLASS (lookout_tile_source_parent_class)->dispose (object);
}

static void
lookout_tile_source_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LookoutTileSource *self = LOOKOUT_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_INNER:
      g_value_set_object (value, self->inner);
      break;

    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_tile_source_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LookoutTileSource *self = LOOKOUT_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_INNER:
      self->inner = g_value_dup_object (value);
      g_signal_connect (self->inner, "received-data", G_CALLBACK (inner_received_data_cb), self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_tile_source_class_init (LookoutTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = lookout_tile_source_dispose;
  object_class->get_property = lookout_tile_source_get_property;
  object_class->set_property = lookout_tile_source_set_property;

  source_class->get_tile_data_async = lookout_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = lookout_tile_source_get_tile_data_finish;

  properties[PROP_INNER] =
    g_param_spec_object ("inner", NULL, NULL,
                         SHUMATE_TYPE_DATA_SOURCE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_tile_source_init (LookoutTileSource *self)
{
  self->available = TRUE;
}

LookoutTileSource *
lookout_tile_source_new (ShumateDataSource *inner)
{
  g_return_val_if_fail (SHUMATE_IS_DATA_SOURCE (inner), NULL);

  return g_object_new (LOOKOUT_TYPE_TILE_SOURCE, "inner", inner, NULL);
}

gboolean
lookout_tile_source_get_available (LookoutTileSource *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TILE_SOURCE (self), FALSE);

  return self->available;
}
