/* lookout-socket-address.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "192.0.2.1 port 80" / "2001:db8::1 port 80", for messages. */
char *lookout_socket_address_describe (GSocketAddress *address);

G_END_DECLS
