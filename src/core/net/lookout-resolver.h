/* lookout-resolver.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LOOKOUT_TYPE_RESOLVER (lookout_resolver_get_type ())

G_DECLARE_FINAL_TYPE (LookoutResolver, lookout_resolver, LOOKOUT, RESOLVER, GResolver)

/* Bounds of the cache. A record's TTL is clamped to [MIN, MAX]: below 5 s a
 * TTL-0 name (common behind load balancers) would turn every probe of every
 * target on that host into a fresh query; above an hour a long-TTL record
 * that has changed anyway would keep a monitor pointed at the old address.
 * "The name does not exist" (and "exists, but has no address") answers are
 * kept NEGATIVE_TTL seconds so that a typo does not cost a query per probe,
 * yet a newly created name is seen quickly. Other failures are not cached. */
#define LOOKOUT_RESOLVER_MIN_TTL_S      5
#define LOOKOUT_RESOLVER_MAX_TTL_S      3600
#define LOOKOUT_RESOLVER_NEGATIVE_TTL_S 10
#define LOOKOUT_RESOLVER_DEFAULT_CACHE_SIZE 4096

typedef struct
{
  guint64 hits;       /* answered from the cache (positive or negative) */
  guint64 misses;     /* not in the cache (or expired) */
  guint64 queries;    /* ares_getaddrinfo calls actually made */
  guint64 coalesced;  /* lookups that joined a query already in flight */
} LookoutResolverStats;

/* A GResolver whose name lookups (lookup_by_name and lookup_by_name_with_flags,
 * async) go through c-ares on the main context of the thread that created it,
 * with a TTL-honouring LRU cache; concurrent lookups of one name share one
 * query; IP literals and "localhost" (RFC 6761) are answered without a query.
 *
 * @servers: NULL for the system configuration, or a c-ares CSV list
 *   ("127.0.0.1:5354").
 *
 * Everything else, and any call from another thread or main context, is
 * delegated to the resolver that was the default before (GLib's threaded
 * getaddrinfo). Synchronous lookups are delegated too: they block the calling
 * thread, so never call them on the main loop. */
LookoutResolver *lookout_resolver_new              (const char          *servers,
                                                    GError             **error);
/* Creates a resolver (servers from LOOKOUT_DNS_SERVERS when set and not
 * empty, else the system configuration) and makes it the default GResolver.
 * Idempotent: returns the installed one (transfer none) on later calls. */
LookoutResolver *lookout_resolver_install_default  (void);
void             lookout_resolver_get_stats        (LookoutResolver      *self,
                                                    LookoutResolverStats *stats);
/* Forgets every cached answer. */
void             lookout_resolver_clear_cache      (LookoutResolver      *self);
void             lookout_resolver_set_cache_size   (LookoutResolver      *self,
                                                    guint                 max_entries);

typedef gint64 (*LookoutResolverClockFunc) (gpointer user_data);

void             lookout_resolver_set_clock        (LookoutResolver      *self,
                                                    LookoutResolverClockFunc func,
                                                    gpointer              user_data);

G_END_DECLS
