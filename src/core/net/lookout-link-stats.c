/* lookout-link-stats.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How a reading is made
 *
 * One rtnetlink socket per reading, opened in the calling thread's network
 * namespace. For "default", a dump of the main routing table (IPv4, then
 * IPv6 when IPv4 has none) gives the output interface of the default route
 * with the lowest metric. Then RTM_GETLINK by index or by name answers with
 * the interface's flags, operational state and 64-bit counters. The kernel
 * answers inside the send, so the replies are usually waiting already; when
 * not, the socket's readiness resumes the reading on the main loop. */

#define G_LOG_DOMAIN "lookout-link-stats"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <glib/gi18n-lib.h>

#include "lookout-link-stats.h"

#define RECV_BUFFER 65536

typedef enum
{
  STEP_ROUTES,
  STEP_LINK,
} Step;

typedef struct
{
  GSocket          *socket;
  GSource          *source;
  char             *name;
  Step              step;
  int               family;
  int               route_index;
  guint32           route_metric;
  guint32           seq;
  LookoutLinkStats *stats;
} Reading;

static void pump (GTask *task);

void
lookout_link_stats_free (LookoutLinkStats *stats)
{
  if (stats == NULL)
    return;

  g_free (stats->name);
  g_free (stats);
}

static void
reading_free (Reading *reading)
{
  if (reading->source != NULL)
    {
      g_source_destroy (reading->source);
      g_source_unref (reading->source);
    }
  g_clear_object (&reading->socket);
  g_clear_pointer (&reading->stats, lookout_link_stats_free);
  g_free (reading->name);
  g_free (reading);
}

static gboolean
send_request (Reading  *reading,
              GError  **error)
{
  struct
  {
    struct nlmsghdr header;
    union
    {
      struct rtmsg rt;
      struct ifinfomsg ifi;
    };
    char attributes[64];
  } request;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  gsize len;

  memset (&request, 0, sizeof request);
  request.header.nlmsg_seq = ++reading->seq;

  if (reading->step == STEP_ROUTES)
    {
      request.header.nlmsg_type = RTM_GETROUTE;
      request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      request.rt.rtm_family = reading->family;
      len = NLMSG_LENGTH (sizeof (struct rtmsg));
    }
  else
    {
      request.header.nlmsg_type = RTM_GETLINK;
      request.header.nlmsg_flags = NLM_F_REQUEST;
      request.ifi.ifi_family = AF_UNSPEC;
      len = NLMSG_LENGTH (sizeof (struct ifinfomsg));
      if (reading->route_index > 0)
        request.ifi.ifi_index = reading->route_index;
      else
        {
          struct rtattr *attr = (struct rtattr *) ((char *) &request + NLMSG_ALIGN (len));
          gsize name_len = strlen (reading->name) + 1;

          attr->rta_type = IFLA_IFNAME;
          attr->rta_len = RTA_LENGTH (name_len);
          memcpy (RTA_DATA (attr), reading->name, name_len);
          len = NLMSG_ALIGN (len) + RTA_ALIGN (attr->rta_len);
        }
    }
  request.header.nlmsg_len = len;

  if (sendto (g_socket_get_fd (reading->socket), &request, len, 0,
              (struct sockaddr *) &kernel, sizeof kernel) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not ask the kernel about network interfaces: %s"), g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static void
note_route (Reading         *reading,
            struct nlmsghdr *header)
{
  struct rtmsg *rt = NLMSG_DATA (header);
  int len = RTM_PAYLOAD (header);
  int oif = 0;
  guint32 metric = 0;

  if (rt->rtm_dst_len != 0 || rt->rtm_table != RT_TABLE_MAIN || rt->rtm_type != RTN_UNICAST)
    return;

  for (struct rtattr *attr = RTM_RTA (rt); RTA_OK (attr, len); attr = RTA_NEXT (attr, len))
    {
      if (attr->rta_type == RTA_OIF)
        memcpy (&oif, RTA_DATA (attr), sizeof oif);
      else if (attr->rta_type == RTA_PRIORITY)
        memcpy (&metric, RTA_DATA (attr), sizeof metric);
      else if (attr->rta_type == RTA_MULTIPATH && oif == 0)
        {
          struct rtnexthop *nh = RTA_DATA (attr);

          if (RTA_PAYLOAD (attr) >= sizeof *nh)
            oif = nh->rtnh_ifindex;
        }
    }

  if (oif > 0 && (reading->route_index == 0 || metric < reading->route_metric))
    {
      reading->route_index = oif;
      reading->route_metric = metric;
    }
}

static void
note_link (Reading         *reading,
           struct nlmsghdr *header)
{
  struct ifinfomsg *ifi = NLMSG_DATA (header);
  int len = IFLA_PAYLOAD (header);
  LookoutLinkStats *stats = g_new0 (LookoutLinkStats, 1);
  int operstate = IF_OPER_UNKNOWN;

  stats->index = ifi->ifi_index;
  stats->admin_up = (ifi->ifi_flags & IFF_UP) != 0;
  stats->carrier = (ifi->ifi_flags & IFF_LOWER_UP) != 0;
  stats->read_us = g_get_monotonic_time ();

  for (struct rtattr *attr = IFLA_RTA (ifi); RTA_OK (attr, len); attr = RTA_NEXT (attr, len))
    {
      switch (attr->rta_type)
        {
        case IFLA_IFNAME:
          g_free (stats->name);
          stats->name = g_strndup (RTA_DATA (attr), RTA_PAYLOAD (attr));
          break;

        case IFLA_OPERSTATE:
          operstate = *(guint8 *) RTA_DATA (attr);
          break;

        case IFLA_STATS64:
          if (RTA_PAYLOAD (attr) >= sizeof (struct rtnl_link_stats64))
            {
              struct rtnl_link_stats64 s;

              memcpy (&s, RTA_DATA (attr), sizeof s);
              stats->rx_bytes = s.rx_bytes;
              stats->tx_bytes = s.tx_bytes;
              stats->rx_packets = s.rx_packets;
              stats->tx_packets = s.tx_packets;
              stats->errors = s.rx_errors + s.tx_errors;
              stats->drops = s.rx_dropped + s.tx_dropped;
            }
          break;

        default:
          break;
        }
    }

  /* Loopback and some virtual links never report an operational state. */
  stats->running = stats->admin_up && stats->carrier
                   && (operstate == IF_OPER_UP || operstate == IF_OPER_UNKNOWN);

  lookout_link_stats_free (reading->stats);
  reading->stats = stats;
}

static gboolean
socket_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Reading *reading = g_task_get_task_data (task);

  g_clear_pointer (&reading->source, g_source_unref);
  pump (task);

  return G_SOURCE_REMOVE;
}

static void
wait_readable (GTask *task)
{
  Reading *reading = g_task_get_task_data (task);

  reading->source = g_socket_create_source (reading->socket, G_IO_IN, g_task_get_cancellable (task));
  g_source_set_callback (reading->source, (GSourceFunc) socket_ready_cb,
                         g_object_ref (task), g_object_unref);
  g_source_attach (reading->source, g_task_get_context (task));
}

/* The step after the last message of the current one. FALSE when the
 * task has been returned. */
static gboolean
advance (GTask *task)
{
  Reading *reading = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (reading->step == STEP_ROUTES)
    {
      if (reading->route_index == 0 && reading->family == AF_INET)
        reading->family = AF_INET6;
      else if (reading->route_index == 0)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                   _("There is no default route: this computer has no way out to other networks"));
          return FALSE;
        }
      else
        reading->step = STEP_LINK;
    }
  else
    {
      g_task_return_pointer (task, g_steal_pointer (&reading->stats),
                             (GDestroyNotify) lookout_link_stats_free);
      return FALSE;
    }

  if (!send_request (reading, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }

  return TRUE;
}

static void
pump (GTask *task)
{
  Reading *reading = g_task_get_task_data (task);
  g_autofree guint8 *buffer = g_malloc (RECV_BUFFER);

  if (g_task_return_error_if_cancelled (task))
    return;

  for (;;)
    {
      ssize_t n = recv (g_socket_get_fd (reading->socket), buffer, RECV_BUFFER, MSG_DONTWAIT);
      gboolean step_done = FALSE;
      int len;

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            {
              wait_readable (task);
              return;
            }
          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                                   _("Could not read the kernel’s answer about network interfaces: %s"),
                                   g_strerror (errsv));
          return;
        }

      len = (int) n;
      for (struct nlmsghdr *header = (struct nlmsghdr *) buffer;
           NLMSG_OK (header, (guint) len);
           header = NLMSG_NEXT (header, len))
        {
          if (header->nlmsg_seq != reading->seq)
            continue;

          if (header->nlmsg_type == NLMSG_DONE)
            step_done = TRUE;
          else if (header->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *err = NLMSG_DATA (header);

              if (err->error == 0)
                continue;
              if (reading->step == STEP_LINK && (err->error == -ENODEV || err->error == -EINVAL))
                g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                         _("There is no network interface named “%s”"), reading->name);
              else
                g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (-err->error),
                                         _("The kernel refused to describe the network interfaces: %s"),
                                         g_strerror (-err->error));
              return;
            }
          else if (header->nlmsg_type == RTM_NEWROUTE && reading->step == STEP_ROUTES)
            note_route (reading, header);
          else if (header->nlmsg_type == RTM_NEWLINK && reading->step == STEP_LINK)
            {
              note_link (reading, header);
              step_done = TRUE;
            }
        }

      if (step_done && !advance (task))
        return;
    }
}

void
lookout_link_stats_read_async (const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Reading *reading;
  int fd;

  g_return_if_fail (name != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_link_stats_read_async);

  reading = g_new0 (Reading, 1);
  reading->name = g_strdup (name);
  reading->family = AF_INET;
  reading->step = strcmp (name, LOOKOUT_LINK_DEFAULT) == 0 ? STEP_ROUTES : STEP_LINK;
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);

  if (reading->step == STEP_LINK && strlen (name) >= IFNAMSIZ)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no network interface named “%s”"), name);
      return;
    }

  fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0)
    {
      int errsv = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (errsv),
                               _("Could not ask the kernel about network interfaces: %s"),
                               g_strerror (errsv));
      return;
    }
  reading->socket = g_socket_new_from_fd (fd, &error);
  if (reading->socket == NULL)
    {
      close (fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!send_request (reading, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  pump (task);
}

LookoutLinkStats *
lookout_link_stats_read_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_link_stats_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
