/* lookout-hop-item.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-hop-item"

#include "config.h"

#include <math.h>

#include "lookout-format.h"
#include "lookout-hop-item.h"

struct _LookoutHopItem
{
  GObject         parent_instance;

  LookoutPathHop  hop;
  char           *name;
};

G_DEFINE_FINAL_TYPE (LookoutHopItem, lookout_hop_item, G_TYPE_OBJECT)

static void
lookout_hop_item_finalize (GObject *object)
{
  LookoutHopItem *self = LOOKOUT_HOP_ITEM (object);

  g_strfreev (self->hop.addresses);
  g_free (self->name);

  G_OBJECT_CLASS (lookout_hop_item_parent_class)->finalize (object);
}

static void
lookout_hop_item_class_init (LookoutHopItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lookout_hop_item_finalize;
}

static void
lookout_hop_item_init (LookoutHopItem *self)
{
}

LookoutHopItem *
lookout_hop_item_new (const LookoutPathHop *hop,
                      const char           *name)
{
  LookoutHopItem *self;

  g_return_val_if_fail (hop != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_HOP_ITEM, NULL);
  self->hop = *hop;
  self->hop.addresses = g_strdupv (hop->addresses);
  self->name = g_strdup (name);

  return self;
}

const LookoutPathHop *
lookout_hop_item_get_hop (LookoutHopItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HOP_ITEM (self), NULL);

  return &self->hop;
}

const char *
lookout_hop_item_get_name (LookoutHopItem *self)
{
  g_return_val_if_fail (LOOKOUT_IS_HOP_ITEM (self), NULL);

  return self->name;
}

char *
lookout_hop_item_dup_text (LookoutHopItem *self,
                           guint           column)
{
  const LookoutPathHop *hop;

  g_return_val_if_fail (LOOKOUT_IS_HOP_ITEM (self), NULL);

  hop = &self->hop;
  switch ((LookoutHopColumn) column)
    {
    case LOOKOUT_HOP_COLUMN_HOP:
      return g_strdup_printf ("%u", hop->ttl);

    case LOOKOUT_HOP_COLUMN_ADDRESS:
      /* A hop nobody answered at is written as mtr writes it. */
      return hop->addresses != NULL && hop->addresses[0] != NULL
             ? g_strjoinv (", ", hop->addresses) : g_strdup ("???");

    case LOOKOUT_HOP_COLUMN_NAME:
      return g_strdup (self->name != NULL ? self->name : "—");

    case LOOKOUT_HOP_COLUMN_LOSS:
      return lookout_format_percent (hop->sent > 0 ? 100.0 * (hop->sent - hop->received) / hop->sent : NAN);

    case LOOKOUT_HOP_COLUMN_SENT:
      return g_strdup_printf ("%u", hop->sent);

    case LOOKOUT_HOP_COLUMN_LAST:
      return lookout_format_latency (hop->last_us);

    case LOOKOUT_HOP_COLUMN_MEDIAN:
      return lookout_format_latency (hop->median_us);

    case LOOKOUT_HOP_COLUMN_BEST:
      return lookout_format_latency (hop->best_us);

    case LOOKOUT_HOP_COLUMN_WORST:
      return lookout_format_latency (hop->worst_us);

    case LOOKOUT_HOP_COLUMN_SPREAD:
      return lookout_format_latency (hop->spread_us);

    case LOOKOUT_HOP_N_COLUMNS:
    default:
      g_return_val_if_reached (NULL);
    }
}
