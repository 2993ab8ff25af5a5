/* lookout-fd-source.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-fd-source"

#include "config.h"

#include "lookout-fd-source.h"

static gboolean
fd_source_dispatch (GSource     *source,
                    GSourceFunc  callback,
                    gpointer     user_data)
{
  if (callback == NULL)
    return G_SOURCE_REMOVE;

  return callback (user_data);
}

static GSourceFuncs fd_source_funcs = {
  .dispatch = fd_source_dispatch,
};

GSource *
lookout_fd_source_new (const char *static_name)
{
  GSource *source = g_source_new (&fd_source_funcs, sizeof (GSource));

  if (static_name != NULL)
    g_source_set_static_name (source, static_name);

  return source;
}
