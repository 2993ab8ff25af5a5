/* lookout-path-tracker.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How route changes are told from noise
 *
 * The known path is, per TTL, the set of every address that answered there
 * since it was established (several under ECMP). A round differs from it
 * when, at a TTL where both heard something, they share no address, or
 * when both reached the destination at different TTLs. A silent hop, lost
 * probes or a round that did not get as far say nothing either way.
 *
 * One differing round only becomes a candidate. The change is confirmed by
 * the next round when it differs from the known path too and agrees with
 * the candidate; a round that agrees with the known path drops the
 * candidate. Then the candidate (with the confirming round's addresses) is
 * the new known path and the per-hop statistics start again.
 */

#define G_LOG_DOMAIN "lookout-path-tracker"

#include "config.h"

#include <math.h>
#include <string.h>

#include "lookout-path-tracker.h"

typedef struct
{
  LookoutPathHop  pub;
  GPtrArray      *addresses;   /* char *, most recent first */
  gint64          window[LOOKOUT_PATH_TRACKER_WINDOW];
  guint           window_len;
  guint           window_pos;
} Hop;

/* Per TTL (index ttl - 1) a set of addresses; empty when never heard. */
typedef struct
{
  GPtrArray *sets;             /* GHashTable * */
  guint      destination_ttl;
} Path;

struct _LookoutPathTracker
{
  GObject    parent_instance;

  Path      *known;
  Path      *candidate;
  GPtrArray *hops;             /* Hop * */
  guint      n_rounds;
};

G_DEFINE_FINAL_TYPE (LookoutPathTracker, lookout_path_tracker, G_TYPE_OBJECT)

static void
hop_free (Hop *hop)
{
  g_clear_pointer (&hop->addresses, g_ptr_array_unref);
  g_clear_pointer (&hop->pub.addresses, g_free);
  g_free (hop);
}

static void
path_free (Path *path)
{
  g_ptr_array_unref (path->sets);
  g_free (path);
}

static Path *
path_new_from_report (const LookoutTraceReport *report)
{
  Path *path = g_new0 (Path, 1);

  path->sets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  path->destination_ttl = report->destination_ttl;
  for (guint i = 0; i < report->n_hops; i++)
    {
      GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (char **a = report->hops[i].addresses; a != NULL && *a != NULL; a++)
        g_hash_table_add (set, g_strdup (*a));
      g_ptr_array_add (path->sets, set);
    }

  return path;
}

/* Adds what @report heard to @path. */
static void
path_merge (Path                     *path,
            const LookoutTraceReport *report)
{
  for (guint i = 0; i < report->n_hops; i++)
    {
      GHashTable *set;

      if (i >= path->sets->len)
        g_ptr_array_add (path->sets, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
      set = g_ptr_array_index (path->sets, i);
      for (char **a = report->hops[i].addresses; a != NULL && *a != NULL; a++)
        if (!g_hash_table_contains (set, *a))
          g_hash_table_add (set, g_strdup (*a));
    }
  if (report->destination_ttl != 0)
    path->destination_ttl = report->destination_ttl;
}

static gboolean
path_differs (const Path               *path,
              const LookoutTraceReport *report)
{
  if (path->destination_ttl != 0 && report->destination_ttl != 0 &&
      path->destination_ttl != report->destination_ttl)
    return TRUE;

  for (guint i = 0; i < MIN (path->sets->len, report->n_hops); i++)
    {
      GHashTable *set = g_ptr_array_index (path->sets, i);
      char **addresses = report->hops[i].addresses;
      gboolean shared = FALSE;

      if (g_hash_table_size (set) == 0 || addresses == NULL || addresses[0] == NULL)
        continue;
      for (char **a = addresses; *a != NULL && !shared; a++)
        shared = g_hash_table_contains (set, *a);
      if (!shared)
        return TRUE;
    }

  return FALSE;
}

/* One address per TTL: a set stands as its smallest address in text order,
 * so a path reads the same whichever ECMP member answered last. */
static char **
path_to_strv (const Path *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = path->destination_ttl != 0 ? MIN (path->destination_ttl, path->sets->len)
                                       : path->sets->len;

  for (guint i = 0; i < n; i++)
    {
      GHashTable *set = g_ptr_array_index (path->sets, i);
      g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (set, NULL);
      const char *smallest = NULL;

      for (guint k = 0; keys[k] != NULL; k++)
        if (smallest == NULL || strcmp (keys[k], smallest) < 0)
          smallest = keys[k];
      g_strv_builder_add (builder, smallest != NULL ? smallest : "*");
    }

  return g_strv_builder_end (builder);
}

static void
hop_update_summary (Hop *hop)
{
  gint64 sorted[LOOKOUT_PATH_TRACKER_WINDOW];
  double mean = 0, variance = 0;
  guint n = hop->window_len;

  g_clear_pointer (&hop->pub.addresses, g_free);
  hop->pub.addresses = g_new0 (char *, hop->addresses->len + 1);
  for (guint i = 0; i < hop->addresses->len; i++)
    hop->pub.addresses[i] = hop->addresses->pdata[i];

  if (n == 0)
    {
      hop->pub.median_us = -1;
      hop->pub.spread_us = -1;
      return;
    }

  memcpy (sorted, hop->window, n * sizeof sorted[0]);
  hop->pub.median_us = lookout_trace_median_us (sorted, n);

  for (guint i = 0; i < n; i++)
    mean += sorted[i];
  mean /= n;
  for (guint i = 0; i < n; i++)
    variance += (sorted[i] - mean) * (sorted[i] - mean);
  hop->pub.spread_us = (gint64) llround (sqrt (variance / n));
}

static Hop *
get_hop (LookoutPathTracker *self,
         guint               ttl)
{
  while (self->hops->len < ttl)
    {
      Hop *hop = g_new0 (Hop, 1);

      hop->pub.ttl = self->hops->len + 1;
      hop->pub.last_us = -1;
      hop->pub.best_us = -1;
      hop->pub.worst_us = -1;
      hop->pub.median_us = -1;
      hop->pub.spread_us = -1;
      hop->addresses = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->hops, hop);
      hop_update_summary (hop);
    }

  return g_ptr_array_index (self->hops, ttl - 1);
}

static void
add_statistics (LookoutPathTracker       *self,
                const LookoutTraceReport *report)
{
  for (guint i = 0; i < report->n_hops; i++)
    {
      const LookoutTraceHop *seen = &report->hops[i];
      Hop *hop = get_hop (self, seen->ttl);

      hop->pub.sent += seen->sent;
      hop->pub.received += seen->received;
      for (guint p = 0; p < MIN (seen->sent, LOOKOUT_TRACE_MAX_PROBES); p++)
        {
          gint64 rtt = seen->rtt_us[p];

          hop->pub.last_us = rtt;
          if (rtt < 0)
            continue;
          if (hop->pub.best_us < 0 || rtt < hop->pub.best_us)
            hop->pub.best_us = rtt;
          hop->pub.worst_us = MAX (hop->pub.worst_us, rtt);
          hop->window[hop->window_pos] = rtt;
          hop->window_pos = (hop->window_pos + 1) % LOOKOUT_PATH_TRACKER_WINDOW;
          hop->window_len = MIN (hop->window_len + 1, LOOKOUT_PATH_TRACKER_WINDOW);
        }

      /* Most recent first; a responder heard again moves to the front. */
      for (char **a = seen->addresses; a != NULL && *a != NULL; a++)
        {
          for (guint k = 0; k < hop->addresses->len; k++)
            if (g_str_equal (hop->addresses->pdata[k], *a))
              {
                g_ptr_array_remove_index (hop->addresses, k);
                break;
              }
          g_ptr_array_insert (hop->addresses, 0, g_strdup (*a));
        }
      hop_update_summary (hop);
    }
}

gboolean
lookout_path_tracker_add_round (LookoutPathTracker        *self,
                                const LookoutTraceReport  *report,
                                char                    ***out_old,
                                char                    ***out_new)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (self), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  self->n_rounds++;

  if (self->known == NULL)
    self->known = path_new_from_report (report);
  else if (!path_differs (self->known, report))
    {
      g_clear_pointer (&self->candidate, path_free);
      path_merge (self->known, report);
    }
  else if (self->candidate != NULL && !path_differs (self->candidate, report))
    {
      path_merge (self->candidate, report);
      if (out_old != NULL)
        *out_old = path_to_strv (self->known);
      if (out_new != NULL)
        *out_new = path_to_strv (self->candidate);
      g_clear_pointer (&self->known, path_free);
      self->known = g_steal_pointer (&self->candidate);
      g_ptr_array_set_size (self->hops, 0);
      changed = TRUE;
    }
  else
    {
      g_clear_pointer (&self->candidate, path_free);
      self->candidate = path_new_from_report (report);
    }

  add_statistics (self, report);

  return changed;
}

guint
lookout_path_tracker_get_n_hops (LookoutPathTracker *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (self), 0);

  return self->hops->len;
}

const LookoutPathHop *
lookout_path_tracker_get_hop (LookoutPathTracker *self,
                              guint               index)
{
  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (self), NULL);
  g_return_val_if_fail (index < self->hops->len, NULL);

  return &((Hop *) g_ptr_array_index (self->hops, index))->pub;
}

char **
lookout_path_tracker_dup_path (LookoutPathTracker *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (self), NULL);

  return self->known != NULL ? path_to_strv (self->known) : NULL;
}

guint
lookout_path_tracker_get_n_rounds (LookoutPathTracker *self)
{
  g_return_val_if_fail (LOOKOUT_IS_PATH_TRACKER (self), 0);

  return self->n_rounds;
}

static void
lookout_path_tracker_finalize (GObject *object)
{
  LookoutPathTracker *self = (LookoutPathTracker *) object;

  g_clear_pointer (&self->known, path_free);
  g_clear_pointer (&self->candidate, path_free);
  g_clear_pointer (&self->hops, g_ptr_array_unref);

  G_OBJECT_CLASS (lookout_path_tracker_parent_class)->finalize (object);
}

static void
lookout_path_tracker_class_init (LookoutPathTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lookout_path_tracker_finalize;
}

static void
lookout_path_tracker_init (LookoutPathTracker *self)
{
  self->hops = g_ptr_array_new_with_free_func ((GDestroyNotify) hop_free);
}

LookoutPathTracker *
lookout_path_tracker_new (void)
{
  return g_object_new (LOOKOUT_TYPE_PATH_TRACKER, NULL);
}
