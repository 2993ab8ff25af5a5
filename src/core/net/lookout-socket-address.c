/* lookout-socket-address.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-socket-address"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "lookout-socket-address.h"

char *
lookout_socket_address_describe (GSocketAddress *address)
{
  g_autofree char *ip = NULL;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup (_("unknown address"));

  ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  /* Translators: an IP address and a port number, in messages */
  return g_strdup_printf (_("%s port %u"), ip,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}
