/* lookout-resolver.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works: a lookup first looks in the cache (a hash table of names with
 * an LRU queue threaded through the entries; an expired entry counts as a
 * miss and is dropped). On a miss it joins the query in flight for that name,
 * or starts one: ares_getaddrinfo (AF_UNSPEC, so the IPv4-only and IPv6-only
 * halves of GNetworkAddress's happy-eyeballs lookups share it) through a
 * LookoutAresChannel. When it answers, the addresses are cached for the
 * smallest TTL among the records (CNAMEs included), clamped as the header
 * says, and every waiting task gets the addresses of the families it asked
 * for. A waiting task that is cancelled leaves the query at once; the query
 * itself runs on and fills the cache. Anything this class does not do itself
 * goes to the resolver that was the default before it. */

#define G_LOG_DOMAIN "lookout-resolver"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lookout-ares-channel.h"
#include "lookout-resolver.h"

/* c-ares doubles the wait on each round over the servers: with one server a
 * silent resolver is given up after 2 + 4 s, not c-ares' default 75 s, which
 * would outlast any probe's timeout. */
#define TRY_TIMEOUT_MS 2000
#define TRIES          2

typedef struct
{
  char   *name;
  GList  *addresses;  /* GInetAddress; NULL for a negative entry */
  GError *error;      /* negative entries */
  gint64  expires;    /* monotonic µs */
  GList   link;       /* in LookoutResolver.lru, data = the entry */
} CacheEntry;

typedef struct
{
  LookoutResolver    *self;
  LookoutAresChannel *channel;
  char               *name;
  GPtrArray          *tasks;  /* GTask, waiting for this query */
} Pending;

typedef struct
{
  GResolverNameLookupFlags  flags;
  Pending                  *pending;        /* NULL once answered */
  GSource                  *cancel_source;
} Lookup;

struct _LookoutResolver
{
  GResolver             parent_instance;

  char                 *servers;
  LookoutAresChannel   *channel;
  GMainContext         *context;
  GResolver            *fallback;

  GHashTable           *cache;    /* name → CacheEntry */
  GQueue                lru;      /* head: most recently used */
  guint                 max_entries;
  GHashTable           *pending;  /* name → Pending */

  LookoutResolverStats  stats;

  LookoutResolverClockFunc clock;  /* monotonic µs; NULL: the system's */
  gpointer              clock_data;
};

G_DEFINE_FINAL_TYPE (LookoutResolver, lookout_resolver, G_TYPE_RESOLVER)

enum {
  PROP_0,
  PROP_SERVERS,
  PROP_CACHE_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static LookoutResolver *installed_default;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->name);
  g_list_free_full (entry->addresses, g_object_unref);
  g_clear_error (&entry->error);
  g_free (entry);
}

static void
cache_remove (LookoutResolver *self,
              CacheEntry      *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  g_hash_table_remove (self->cache, entry->name);
}

static gint64
now_us (LookoutResolver *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : g_get_monotonic_time ();
}

static void
cache_insert (LookoutResolver *self,
              const char      *name,
              GList           *addresses,
              GError          *error,
              guint            ttl_s)
{
  CacheEntry *entry;

  if (self->max_entries == 0)
    {
      g_list_free_full (addresses, g_object_unref);
      g_clear_error (&error);
      return;
    }

  entry = g_hash_table_lookup (self->cache, name);
  if (entry != NULL)
    cache_remove (self, entry);

  while (self->lru.length >= self->max_entries)
    cache_remove (self, g_queue_peek_tail (&self->lru));

  entry = g_new0 (CacheEntry, 1);
  entry->name = g_strdup (name);
  entry->addresses = addresses;
  entry->error = error;
  entry->expires = now_us (self) + (gint64) ttl_s * G_USEC_PER_SEC;
  entry->link.data = entry;
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->cache, entry->name, entry);
}

static GList *
filter_addresses (GList                    *addresses,
                  GResolverNameLookupFlags  flags)
{
  GQueue out = G_QUEUE_INIT;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GSocketFamily family = g_inet_address_get_family (l->data);

      if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) && family != G_SOCKET_FAMILY_IPV4)
        continue;
      if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) && family != G_SOCKET_FAMILY_IPV6)
        continue;
      g_queue_push_tail (&out, g_object_ref (l->data));
    }

  return out.head;
}

static void
lookup_free (Lookup *lookup)
{
  g_assert (lookup->pending == NULL);

  if (lookup->cancel_source != NULL)
    {
      g_source_destroy (lookup->cancel_source);
      g_source_unref (lookup->cancel_source);
    }
  g_free (lookup);
}

static void
return_addresses (GTask        *task,
                  const char   *name,
                  GList        *addresses,
                  const GError *error)
{
  Lookup *lookup = g_task_get_task_data (task);
  GList *filtered;

  if (lookup->cancel_source != NULL)
    {
      g_source_destroy (lookup->cancel_source);
      g_clear_pointer (&lookup->cancel_source, g_source_unref);
    }

  if (error != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  filtered = filter_addresses (addresses, lookup->flags);
  if (filtered == NULL)
    g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                             (lookup->flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY)
                               ? _("“%s” has no IPv6 address")
                               : _("“%s” has no IPv4 address"),
                             name);
  else
    g_task_return_pointer (task, filtered, (GDestroyNotify) g_resolver_free_addresses);
}

static void
pending_free (Pending *pending)
{
  g_assert (pending->tasks->len == 0);

  g_ptr_array_unref (pending->tasks);
  g_clear_object (&pending->channel);
  g_clear_object (&pending->self);
  g_free (pending->name);
  g_free (pending);
}

static GInetAddress *
address_from_sockaddr (const struct sockaddr *sa)
{
  if (sa->sa_family == AF_INET)
    return g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in *) sa)->sin_addr,
                                          G_SOCKET_FAMILY_IPV4);
  if (sa->sa_family == AF_INET6)
    return g_inet_address_new_from_bytes ((const guint8 *) &((const struct sockaddr_in6 *) sa)->sin6_addr,
                                          G_SOCKET_FAMILY_IPV6);
  return NULL;
}

static GList *
addresses_from_addrinfo (const struct ares_addrinfo *ai,
                         int                        *min_ttl)
{
  GQueue out = G_QUEUE_INIT;
  int ttl = G_MAXINT;

  for (const struct ares_addrinfo_cname *c = ai->cnames; c != NULL; c = c->next)
    ttl = MIN (ttl, c->ttl);

  for (const struct ares_addrinfo_node *n = ai->nodes; n != NULL; n = n->ai_next)
    {
      g_autoptr(GInetAddress) address = NULL;
      gboolean seen = FALSE;

      if (n->ai_addr == NULL || !(address = address_from_sockaddr (n->ai_addr)))
        continue;
      for (GList *l = out.head; l != NULL && !seen; l = l->next)
        seen = g_inet_address_equal (l->data, address);
      if (seen)
        continue;
      ttl = MIN (ttl, n->ai_ttl);
      g_queue_push_tail (&out, g_steal_pointer (&address));
    }

  *min_ttl = ttl;
  return out.head;
}

static void
query_answered_cb (void                 *arg,
                   int                   status,
                   int                   timeouts,
                   struct ares_addrinfo *result)
{
  Pending *pending = arg;
  LookoutResolver *self = pending->self;
  g_autoptr(GError) error = NULL;
  GList *addresses = NULL;
  int ttl = 0;

  if (g_hash_table_lookup (self->pending, pending->name) == pending)
    g_hash_table_steal (self->pending, pending->name);

  if (status == ARES_SUCCESS && result != NULL)
    {
      addresses = addresses_from_addrinfo (result, &ttl);
      if (addresses == NULL)
        status = ARES_ENODATA;
    }
  g_clear_pointer (&result, ares_freeaddrinfo);

  switch (status)
    {
    case ARES_SUCCESS:
      ttl = CLAMP (ttl, LOOKOUT_RESOLVER_MIN_TTL_S, LOOKOUT_RESOLVER_MAX_TTL_S);
      cache_insert (self, pending->name, g_list_copy_deep (addresses, (GCopyFunc) g_object_ref, NULL),
                    NULL, (guint) ttl);
      break;

    case ARES_ENOTFOUND:
    case ARES_ENODATA:
    case ARES_ENONAME:
      error = g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                           status == ARES_ENODATA ? _("“%s” has no address")
                                                  : _("“%s” does not exist"),
                           pending->name);
      cache_insert (self, pending->name, NULL, g_error_copy (error),
                    LOOKOUT_RESOLVER_NEGATIVE_TTL_S);
      break;

    case ARES_ETIMEOUT:
    case ARES_ESERVFAIL:
    case ARES_EREFUSED:
    case ARES_ECONNREFUSED:
    case ARES_EDESTRUCTION:
    case ARES_ECANCELLED:
      error = g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE,
                           _("Could not resolve “%s”: %s"), pending->name, ares_strerror (status));
      break;

    default:
      error = g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_INTERNAL,
                           _("Could not resolve “%s”: %s"), pending->name, ares_strerror (status));
      break;
    }

  while (pending->tasks->len > 0)
    {
      g_autoptr(GTask) task = g_ptr_array_steal_index (pending->tasks, 0);
      Lookup *lookup = g_task_get_task_data (task);

      lookup->pending = NULL;
      return_addresses (task, pending->name, addresses, error);
    }

  g_list_free_full (addresses, g_object_unref);
  pending_free (pending);
}

static gboolean
lookup_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Lookup *lookup = g_task_get_task_data (task);

  if (lookup->pending != NULL)
    {
      g_autoptr(GTask) owned = NULL;
      guint index;

      if (g_ptr_array_find (lookup->pending->tasks, task, &index))
        owned = g_ptr_array_steal_index (lookup->pending->tasks, index);
      lookup->pending = NULL;
      g_clear_pointer (&lookup->cancel_source, g_source_unref);
      if (owned != NULL)
        g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The name lookup was cancelled"));
    }

  return G_SOURCE_REMOVE;
}

static gboolean
on_own_context (LookoutResolver *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  return context == self->context;
}

static gboolean
is_localhost (const char *name)
{
  gsize len = strlen (name);

  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len == 9 && g_ascii_strncasecmp (name, "localhost", 9) == 0)
    return TRUE;
  return len > 10 && g_ascii_strncasecmp (name + len - 10, ".localhost", 10) == 0;
}

static void
fallback_answered_cb (GObject      *object,
                      GAsyncResult *res,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *addresses;

  addresses = G_RESOLVER_GET_CLASS (object)->lookup_by_name_with_flags_finish (G_RESOLVER (object), res, &error);
  if (addresses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
}

static void
lookout_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                                  const char               *hostname,
                                                  GResolverNameLookupFlags  flags,
                                                  GCancellable             *cancellable,
                                                  GAsyncReadyCallback       callback,
                                                  gpointer                  user_data)
{
  LookoutResolver *self = LOOKOUT_RESOLVER (resolver);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autofree char *name = NULL;
  Lookup *lookup;
  CacheEntry *entry;
  Pending *pending;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_resolver_lookup_by_name_with_flags_async);
  lookup = g_new0 (Lookup, 1);
  lookup->flags = flags;
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);

  if (!on_own_context (self))
    {
      G_RESOLVER_GET_CLASS (self->fallback)->lookup_by_name_with_flags_async (self->fallback, hostname, flags,
                                                                             cancellable, fallback_answered_cb,
                                                                             g_steal_pointer (&task));
      return;
    }

  if ((literal = g_inet_address_new_from_string (hostname)) != NULL)
    {
      g_task_return_pointer (task, g_list_prepend (NULL, g_steal_pointer (&literal)),
                             (GDestroyNotify) g_resolver_free_addresses);
      return;
    }

  if (is_localhost (hostname))
    {
      g_autoptr(GList) addresses = NULL;

      addresses = g_list_append (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6));
      addresses = g_list_append (addresses, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
      return_addresses (task, hostname, addresses, NULL);
      g_list_foreach (addresses, (GFunc) g_object_unref, NULL);
      return;
    }

  {
    g_autofree char *ascii = g_hostname_to_ascii (hostname);

    if (ascii == NULL)
      {
        g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                                 _("“%s” is not a valid host name"), hostname);
        return;
      }
    name = g_ascii_strdown (ascii, -1);
  }

  entry = g_hash_table_lookup (self->cache, name);
  if (entry != NULL && entry->expires <= now_us (self))
    {
      cache_remove (self, entry);
      entry = NULL;
    }
  if (entry != NULL)
    {
      self->stats.hits++;
      g_queue_unlink (&self->lru, &entry->link);
      g_queue_push_head_link (&self->lru, &entry->link);
      return_addresses (task, name, entry->addresses, entry->error);
      return;
    }
  self->stats.misses++;

  if (cancellable != NULL)
    {
      lookup->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (lookup->cancel_source, G_SOURCE_FUNC (lookup_cancelled_cb), task, NULL);
      g_source_attach (lookup->cancel_source, g_task_get_context (task));
    }

  pending = g_hash_table_lookup (self->pending, name);
  if (pending != NULL)
    {
      self->stats.coalesced++;
      lookup->pending = pending;
      g_ptr_array_add (pending->tasks, g_steal_pointer (&task));
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->channel = g_object_ref (self->channel);
  pending->name = g_strdup (name);
  pending->tasks = g_ptr_array_new_with_free_func (g_object_unref);
  lookup->pending = pending;
  g_ptr_array_add (pending->tasks, g_steal_pointer (&task));
  g_hash_table_insert (self->pending, pending->name, pending);

  self->stats.queries++;
  {
    struct ares_addrinfo_hints hints = { 0 };

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    lookout_ares_channel_getaddrinfo (pending->channel, name, &hints, query_answered_cb, pending);
  }
}

static GList *
lookout_resolver_lookup_by_name_with_flags_finish (GResolver     *resolver,
                                                   GAsyncResult  *result,
                                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, resolver), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_resolver_lookup_by_name_async (GResolver           *resolver,
                                       const char          *hostname,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  lookout_resolver_lookup_by_name_with_flags_async (resolver, hostname,
                                                    G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                    cancellable, callback, user_data);
}

static GList *
lookout_resolver_lookup_by_name_finish (GResolver     *resolver,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return lookout_resolver_lookup_by_name_with_flags_finish (resolver, result, error);
}

/* Blocking lookups: the system resolver in the calling thread. */
static GList *
lookout_resolver_lookup_by_name (GResolver     *resolver,
                                 const char    *hostname,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_by_name (fallback, hostname, cancellable, error);
}

static GList *
lookout_resolver_lookup_by_name_with_flags (GResolver                 *resolver,
                                            const char                *hostname,
                                            GResolverNameLookupFlags   flags,
                                            GCancellable              *cancellable,
                                            GError                   **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_by_name_with_flags (fallback, hostname, flags,
                                                                     cancellable, error);
}

static char *
lookout_resolver_lookup_by_address (GResolver     *resolver,
                                    GInetAddress  *address,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_by_address (fallback, address, cancellable, error);
}

static void
lookout_resolver_lookup_by_address_async (GResolver           *resolver,
                                          GInetAddress        *address,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  G_RESOLVER_GET_CLASS (fallback)->lookup_by_address_async (fallback, address, cancellable,
                                                            callback, user_data);
}

static char *
lookout_resolver_lookup_by_address_finish (GResolver     *resolver,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_by_address_finish (fallback, result, error);
}

static GList *
lookout_resolver_lookup_service (GResolver     *resolver,
                                 const char    *rrname,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_service (fallback, rrname, cancellable, error);
}

static void
lookout_resolver_lookup_service_async (GResolver           *resolver,
                                       const char          *rrname,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  G_RESOLVER_GET_CLASS (fallback)->lookup_service_async (fallback, rrname, cancellable,
                                                         callback, user_data);
}

static GList *
lookout_resolver_lookup_service_finish (GResolver     *resolver,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_service_finish (fallback, result, error);
}

static GList *
lookout_resolver_lookup_records (GResolver            *resolver,
                                 const char           *rrname,
                                 GResolverRecordType   record_type,
                                 GCancellable         *cancellable,
                                 GError              **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_records (fallback, rrname, record_type,
                                                          cancellable, error);
}

static void
lookout_resolver_lookup_records_async (GResolver           *resolver,
                                       const char          *rrname,
                                       GResolverRecordType  record_type,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  G_RESOLVER_GET_CLASS (fallback)->lookup_records_async (fallback, rrname, record_type,
                                                         cancellable, callback, user_data);
}

static GList *
lookout_resolver_lookup_records_finish (GResolver     *resolver,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  GResolver *fallback = LOOKOUT_RESOLVER (resolver)->fallback;

  return G_RESOLVER_GET_CLASS (fallback)->lookup_records_finish (fallback, result, error);
}

/* resolv.conf changed: forget what we know and, when we follow the system
 * configuration, read it again. Queries in flight keep the old channel. */
static void
lookout_resolver_reload (GResolver *resolver)
{
  LookoutResolver *self = LOOKOUT_RESOLVER (resolver);

  lookout_resolver_clear_cache (self);

  if (self->servers == NULL && on_own_context (self))
    {
      g_autoptr(GError) error = NULL;
      LookoutAresChannel *channel = lookout_ares_channel_new (NULL, TRY_TIMEOUT_MS, TRIES, 0, &error);

      if (channel != NULL)
        g_set_object (&self->channel, channel);
      else
        g_warning ("Could not reload the DNS configuration: %s", error->message);
      g_clear_object (&channel);
    }
}

static void
lookout_resolver_dispose (GObject *object)
{
  LookoutResolver *self = (LookoutResolver *)object;

  /* Every Pending holds a reference: none is left when we get here. */
  g_assert (self->pending == NULL || g_hash_table_size (self->pending) == 0);
  lookout_resolver_clear_cache (self);
  g_clear_object (&self->channel);
  g_clear_object (&self->fallback);

  G_OBJECT_CLASS (lookout_resolver_parent_class)->dispose (object);
}

static void
lookout_resolver_finalize (GObject *object)
{
  LookoutResolver *self = (LookoutResolver *)object;

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->servers, g_free);

  G_OBJECT_CLASS (lookout_resolver_parent_class)->finalize (object);
}

static void
lookout_resolver_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LookoutResolver *self = LOOKOUT_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_SERVERS:
      g_value_set_string (value, self->servers);
      break;
    case PROP_CACHE_SIZE:
      g_value_set_uint (value, self->max_entries);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_resolver_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LookoutResolver *self = LOOKOUT_RESOLVER (object);

  switch (prop_id)
    {
    case PROP_SERVERS:
      self->servers = g_value_dup_string (value);
      break;
    case PROP_CACHE_SIZE:
      lookout_resolver_set_cache_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_resolver_class_init (LookoutResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->dispose = lookout_resolver_dispose;
  object_class->finalize = lookout_resolver_finalize;
  object_class->get_property = lookout_resolver_get_property;
  object_class->set_property = lookout_resolver_set_property;

  resolver_class->reload = lookout_resolver_reload;
  resolver_class->lookup_by_name = lookout_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = lookout_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = lookout_resolver_lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags = lookout_resolver_lookup_by_name_with_flags;
  resolver_class->lookup_by_name_with_flags_async = lookout_resolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = lookout_resolver_lookup_by_name_with_flags_finish;
  resolver_class->lookup_by_address = lookout_resolver_lookup_by_address;
  resolver_class->lookup_by_address_async = lookout_resolver_lookup_by_address_async;
  resolver_class->lookup_by_address_finish = lookout_resolver_lookup_by_address_finish;
  resolver_class->lookup_service = lookout_resolver_lookup_service;
  resolver_class->lookup_service_async = lookout_resolver_lookup_service_async;
  resolver_class->lookup_service_finish = lookout_resolver_lookup_service_finish;
  resolver_class->lookup_records = lookout_resolver_lookup_records;
  resolver_class->lookup_records_async = lookout_resolver_lookup_records_async;
  resolver_class->lookup_records_finish = lookout_resolver_lookup_records_finish;

  properties[PROP_SERVERS] =
    g_param_spec_string ("servers", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_SIZE] =
    g_param_spec_uint ("cache-size", NULL, NULL, 0, G_MAXUINT,
                       LOOKOUT_RESOLVER_DEFAULT_CACHE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_resolver_init (LookoutResolver *self)
{
  g_autoptr(GResolver) previous = g_resolver_get_default ();

  self->context = g_main_context_ref_thread_default ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) cache_entry_free);
  self->pending = g_hash_table_new (g_str_hash, g_str_equal);
  self->max_entries = LOOKOUT_RESOLVER_DEFAULT_CACHE_SIZE;
  g_queue_init (&self->lru);

  if (LOOKOUT_IS_RESOLVER (previous))
    self->fallback = g_object_ref (LOOKOUT_RESOLVER (previous)->fallback);
  else
    self->fallback = g_steal_pointer (&previous);
}

LookoutResolver *
lookout_resolver_new (const char  *servers,
                      GError     **error)
{
  g_autoptr(LookoutResolver) self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_RESOLVER, "servers", servers, NULL);
  self->channel = lookout_ares_channel_new (servers, TRY_TIMEOUT_MS, TRIES, 0, error);
  if (self->channel == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

LookoutResolver *
lookout_resolver_install_default (void)
{
  g_autoptr(LookoutResolver) self = NULL;
  g_autoptr(GError) error = NULL;
  const char *servers;

  if (installed_default != NULL)
    return installed_default;

  servers = g_getenv ("LOOKOUT_DNS_SERVERS");
  if (servers != NULL && *servers != '\0')
    {
      self = lookout_resolver_new (servers, &error);
      if (self == NULL)
        {
          g_warning ("Ignoring LOOKOUT_DNS_SERVERS: %s", error->message);
          g_clear_error (&error);
        }
    }
  if (self == NULL)
    self = lookout_resolver_new (NULL, &error);
  if (self == NULL)
    {
      g_warning ("Keeping the system resolver: %s", error->message);
      return NULL;
    }

  g_resolver_set_default (G_RESOLVER (self));
  installed_default = g_steal_pointer (&self);
  return installed_default;
}

void
lookout_resolver_get_stats (LookoutResolver      *self,
                            LookoutResolverStats *stats)
{
  g_return_if_fail (LOOKOUT_IS_RESOLVER (self));
  g_return_if_fail (stats != NULL);

  *stats = self->stats;
}

void
lookout_resolver_clear_cache (LookoutResolver *self)
{
  g_return_if_fail (LOOKOUT_IS_RESOLVER (self));

  while (self->lru.head != NULL)
    cache_remove (self, self->lru.head->data);
}

void
lookout_resolver_set_cache_size (LookoutResolver *self,
                                 guint            max_entries)
{
  g_return_if_fail (LOOKOUT_IS_RESOLVER (self));

  if (self->max_entries == max_entries)
    return;

  self->max_entries = max_entries;
  while (self->lru.length > max_entries)
    cache_remove (self, g_queue_peek_tail (&self->lru));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE_SIZE]);
}

/* Cache ages are measured on @func (monotonic microseconds) instead of the
 * system's monotonic clock, for tests that step time. */
void
lookout_resolver_set_clock (LookoutResolver          *self,
                            LookoutResolverClockFunc  func,
                            gpointer                  user_data)
{
  g_return_if_fail (LOOKOUT_IS_RESOLVER (self));

  self->clock = func;
  self->clock_data = func != NULL ? user_data : NULL;
}
