/* lookout-ares-channel.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works: c-ares 1.18 tells us which sockets it wants watched through
 * ARES_OPT_SOCK_STATE_CB. Each of them becomes a unix fd in one fd/timer
 * source (lookout_fd_source_new; g_source_add_unix_fd / g_source_modify_unix_fd
 * / g_source_remove_unix_fd).
 * The same source's ready time is set from ares_timeout() after every step,
 * so one wakeup serves both readiness and retransmission timeouts. On
 * dispatch the ready fds are collected first (c-ares opens and closes sockets
 * while it processes, which edits the fd list) and each is handed to
 * ares_process_fd(); with nothing ready, ares_process_fd(BAD, BAD) runs the
 * timeouts. The object holds a reference on itself while c-ares runs so a
 * query callback that drops the last reference cannot destroy the channel
 * underneath c-ares.
 *
 * c-ares reads a UDP socket for as long as datagrams keep coming, inside one
 * ares_process_fd(): a server flooding us with replies that match no query
 * would hold the main loop, and every other check, for good. Its reads go
 * through our socket functions, which allow READ_BUDGET reads per dispatch
 * and then answer EAGAIN; the fd is still readable, so the next main-loop
 * iteration goes on where this one stopped, after the other sources. */

#define G_LOG_DOMAIN "lookout-ares-channel"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lookout-ares-channel.h"
#include "lookout-fd-source.h"

struct _LookoutAresChannel
{
  GObject        parent_instance;

  char          *servers;
  guint          timeout_ms;
  guint          tries;
  int            flags;

  ares_channel   channel;
  gboolean       initialized;
  GSource       *source;     /* its callback holds no reference: we destroy it */
  GHashTable    *fds;        /* fd → tag from g_source_add_unix_fd */
  GMainContext  *context;
  ares_socket_t  replying_fd;
  guint          reads_left;  /* in this dispatch */
};

#define READ_BUDGET 64

static void lookout_ares_channel_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LookoutAresChannel, lookout_ares_channel, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      lookout_ares_channel_initable_iface_init))

enum {
  PROP_0,
  PROP_SERVERS,
  PROP_TIMEOUT,
  PROP_TRIES,
  PROP_FLAGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_timeout (LookoutAresChannel *self)
{
  struct timeval tv;

  if (self->source == NULL || self->channel == NULL)
    return;

  if (ares_timeout (self->channel, NULL, &tv) != NULL)
    g_source_set_ready_time (self->source,
                             g_get_monotonic_time () + (gint64) tv.tv_sec * G_USEC_PER_SEC + tv.tv_usec);
  else
    g_source_set_ready_time (self->source, -1);
}

static void
socket_state_changed_cb (void          *data,
                         ares_socket_t  fd,
                         int            readable,
                         int            writable)
{
  LookoutAresChannel *self = data;
  GSource *source = self->source;
  GIOCondition condition = 0;
  gpointer tag;

  if (source == NULL)
    return;

  if (readable)
    condition |= G_IO_IN | G_IO_ERR | G_IO_HUP;
  if (writable)
    condition |= G_IO_OUT | G_IO_ERR;

  tag = g_hash_table_lookup (self->fds, GINT_TO_POINTER (fd));

  if (condition == 0)
    {
      if (tag != NULL)
        {
          g_source_remove_unix_fd (source, tag);
          g_hash_table_remove (self->fds, GINT_TO_POINTER (fd));
        }
    }
  else if (tag != NULL)
    g_source_modify_unix_fd (source, tag, condition);
  else
    g_hash_table_insert (self->fds, GINT_TO_POINTER (fd),
                         g_source_add_unix_fd (source, fd, condition));
}

typedef struct
{
  ares_socket_t fd;
  GIOCondition  revents;
} ReadyFd;

static gboolean
source_dispatch_cb (gpointer user_data)
{
  g_autoptr(LookoutAresChannel) self = g_object_ref (user_data);
  GSource *source = self->source;
  g_autoptr(GArray) ready = g_array_new (FALSE, FALSE, sizeof (ReadyFd));
  GHashTableIter iter;
  gpointer key, tag;

  g_hash_table_iter_init (&iter, self->fds);
  while (g_hash_table_iter_next (&iter, &key, &tag))
    {
      ReadyFd r = { GPOINTER_TO_INT (key), g_source_query_unix_fd (source, tag) };

      if (r.revents != 0)
        g_array_append_val (ready, r);
    }

  if (g_source_get_ready_time (source) != -1 &&
      g_source_get_ready_time (source) <= g_source_get_time (source))
    g_source_set_ready_time (source, -1);

  for (guint i = 0; i < ready->len && self->channel != NULL; i++)
    {
      const ReadyFd *r = &g_array_index (ready, ReadyFd, i);

      self->replying_fd = r->fd;
      self->reads_left = READ_BUDGET;
      ares_process_fd (self->channel,
                       (r->revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)) ? r->fd : ARES_SOCKET_BAD,
                       (r->revents & G_IO_OUT) ? r->fd : ARES_SOCKET_BAD);
      self->replying_fd = ARES_SOCKET_BAD;
    }

  if (ready->len == 0 && self->channel != NULL)
    ares_process_fd (self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);

  update_timeout (self);

  return G_SOURCE_CONTINUE;
}

static ares_socket_t
budget_socket (int   domain,
               int   type,
               int   protocol,
               void *user_data)
{
  /* c-ares leaves sockets it did not make as they are, and reads until
   * EAGAIN: a blocking one would hold the main loop until the next reply */
  return socket (domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}

static int
budget_close (ares_socket_t  fd,
              void          *user_data)
{
  return close (fd);
}

static int
budget_connect (ares_socket_t          fd,
                const struct sockaddr *address,
                ares_socklen_t         address_len,
                void                  *user_data)
{
  return connect (fd, address, address_len);
}

static ares_ssize_t
budget_recvfrom (ares_socket_t    fd,
                 void            *buffer,
                 size_t           len,
                 int              flags,
                 struct sockaddr *from,
                 ares_socklen_t  *from_len,
                 void            *user_data)
{
  LookoutAresChannel *self = user_data;

  if (self->reads_left == 0)
    {
      errno = EAGAIN;
      return -1;
    }
  self->reads_left--;

  return recvfrom (fd, buffer, len, flags, from, from_len);
}

static ares_ssize_t
budget_sendv (ares_socket_t       fd,
              const struct iovec *vector,
              int                 count,
              void               *user_data)
{
  return writev (fd, vector, count);
}

static const struct ares_socket_functions budget_socket_functions = {
  budget_socket,
  budget_close,
  budget_connect,
  budget_recvfrom,
  budget_sendv,
};

static gboolean
lookout_ares_channel_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  LookoutAresChannel *self = LOOKOUT_ARES_CHANNEL (initable);
  static gsize library_initialized = 0;
  struct ares_options options = { 0 };
  int optmask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS;
  int status;

  if (self->initialized)
    return self->channel != NULL;
  self->initialized = TRUE;

  if (g_once_init_enter (&library_initialized))
    {
      status = ares_library_init (ARES_LIB_INIT_ALL);
      if (status != ARES_SUCCESS)
        g_critical ("ares_library_init failed: %s", ares_strerror (status));
      g_once_init_leave (&library_initialized, 1);
    }

  self->context = g_main_context_ref_thread_default ();
  self->fds = g_hash_table_new (NULL, NULL);
  self->source = lookout_fd_source_new ("[lookout] c-ares channel");
  g_source_set_callback (self->source, source_dispatch_cb, self, NULL);
  g_source_attach (self->source, self->context);

  options.sock_state_cb = socket_state_changed_cb;
  options.sock_state_cb_data = self;
  options.flags = self->flags;
  if (self->flags & ARES_FLAG_EDNS)
    {
      options.ednspsz = LOOKOUT_ARES_EDNS_PAYLOAD;
      optmask |= ARES_OPT_EDNSPSZ;
    }
  if (self->timeout_ms > 0)
    {
      options.timeout = (int) self->timeout_ms;
      optmask |= ARES_OPT_TIMEOUTMS;
    }
  if (self->tries > 0)
    {
      options.tries = (int) self->tries;
      optmask |= ARES_OPT_TRIES;
    }

  status = ares_init_options (&self->channel, &options, optmask);
  if (status != ARES_SUCCESS)
    {
      self->channel = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not set up the DNS resolver: %s"), ares_strerror (status));
      return FALSE;
    }

  self->reads_left = READ_BUDGET;
  ares_set_socket_functions (self->channel, &budget_socket_functions, self);

  if (self->servers != NULL)
    {
      status = ares_set_servers_ports_csv (self->channel, self->servers);
      if (status != ARES_SUCCESS)
        {
          g_clear_pointer (&self->channel, ares_destroy);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a valid list of DNS servers"), self->servers);
          return FALSE;
        }
    }

  return TRUE;
}

static void
lookout_ares_channel_initable_iface_init (GInitableIface *iface)
{
  iface->init = lookout_ares_channel_initable_init;
}

static void
lookout_ares_channel_finalize (GObject *object)
{
  LookoutAresChannel *self = (LookoutAresChannel *)object;

  /* Pending callbacks run here with ARES_EDESTRUCTION; the source must still
   * exist for the socket-state callbacks that come with them. */
  g_clear_pointer (&self->channel, ares_destroy);
  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  g_clear_pointer (&self->fds, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->servers, g_free);

  G_OBJECT_CLASS (lookout_ares_channel_parent_class)->finalize (object);
}

static void
lookout_ares_channel_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LookoutAresChannel *self = LOOKOUT_ARES_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_SERVERS:
      g_value_set_string (value, self->servers);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    case PROP_TRIES:
      g_value_set_uint (value, self->tries);
      break;
    case PROP_FLAGS:
      g_value_set_int (value, self->flags);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_ares_channel_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  LookoutAresChannel *self = LOOKOUT_ARES_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_SERVERS:
      self->servers = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT:
      self->timeout_ms = g_value_get_uint (value);
      break;
    case PROP_TRIES:
      self->tries = g_value_get_uint (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_ares_channel_class_init (LookoutAresChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lookout_ares_channel_finalize;
  object_class->get_property = lookout_ares_channel_get_property;
  object_class->set_property = lookout_ares_channel_set_property;

  properties[PROP_SERVERS] =
    g_param_spec_string ("servers", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRIES] =
    g_param_spec_uint ("tries", NULL, NULL, 0, 100, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] =
    g_param_spec_int ("flags", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                      G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lookout_ares_channel_init (LookoutAresChannel *self)
{
  self->replying_fd = ARES_SOCKET_BAD;
}

LookoutAresChannel *
lookout_ares_channel_new (const char  *servers,
                          guint        timeout_ms,
                          guint        tries,
                          int          flags,
                          GError     **error)
{
  return g_initable_new (LOOKOUT_TYPE_ARES_CHANNEL, NULL, error,
                         "servers", servers,
                         "timeout", timeout_ms,
                         "tries", tries,
                         "flags", flags,
                         NULL);
}

const char *
lookout_ares_channel_get_servers (LookoutAresChannel *self)
{
  g_return_val_if_fail (LOOKOUT_IS_ARES_CHANNEL (self), NULL);

  return self->servers;
}

GStrv
lookout_ares_channel_dup_server_addresses (LookoutAresChannel *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  struct ares_addr_port_node *servers = NULL;

  g_return_val_if_fail (LOOKOUT_IS_ARES_CHANNEL (self), NULL);
  g_return_val_if_fail (self->channel != NULL, NULL);

  builder = g_strv_builder_new ();
  if (ares_get_servers_ports (self->channel, &servers) == ARES_SUCCESS)
    {
      for (struct ares_addr_port_node *s = servers; s != NULL; s = s->next)
        {
          char buf[INET6_ADDRSTRLEN];

          if (inet_ntop (s->family, &s->addr, buf, sizeof buf) != NULL)
            g_strv_builder_add (builder, buf);
        }
      ares_free_data (servers);
    }

  return g_strv_builder_end (builder);
}

char *
lookout_ares_channel_dup_replying_server (LookoutAresChannel *self)
{
  struct sockaddr_storage addr;
  socklen_t addrlen = sizeof addr;
  char buf[INET6_ADDRSTRLEN];

  g_return_val_if_fail (LOOKOUT_IS_ARES_CHANNEL (self), NULL);

  if (self->replying_fd == ARES_SOCKET_BAD)
    return NULL;
  if (getpeername (self->replying_fd, (struct sockaddr *) &addr, &addrlen) != 0)
    return NULL;

  if (addr.ss_family == AF_INET)
    inet_ntop (AF_INET, &((struct sockaddr_in *) &addr)->sin_addr, buf, sizeof buf);
  else if (addr.ss_family == AF_INET6)
    inet_ntop (AF_INET6, &((struct sockaddr_in6 *) &addr)->sin6_addr, buf, sizeof buf);
  else
    return NULL;

  return g_strdup (buf);
}

void
lookout_ares_channel_send (LookoutAresChannel *self,
                           const guint8       *qbuf,
                           gsize               qlen,
                           ares_callback       callback,
                           gpointer            user_data)
{
  g_autoptr(LookoutAresChannel) hold = NULL;

  g_return_if_fail (LOOKOUT_IS_ARES_CHANNEL (self));
  g_return_if_fail (self->channel != NULL);
  g_return_if_fail (qbuf != NULL && qlen > 0 && qlen <= G_MAXINT);
  g_return_if_fail (callback != NULL);

  hold = g_object_ref (self);
  ares_send (self->channel, qbuf, (int) qlen, callback, user_data);
  update_timeout (self);
}

void
lookout_ares_channel_getaddrinfo (LookoutAresChannel               *self,
                                  const char                       *name,
                                  const struct ares_addrinfo_hints *hints,
                                  ares_addrinfo_callback            callback,
                                  gpointer                          user_data)
{
  g_autoptr(LookoutAresChannel) hold = NULL;

  g_return_if_fail (LOOKOUT_IS_ARES_CHANNEL (self));
  g_return_if_fail (self->channel != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (hints != NULL);
  g_return_if_fail (callback != NULL);

  hold = g_object_ref (self);
  ares_getaddrinfo (self->channel, name, NULL, hints, callback, user_data);
  update_timeout (self);
}
