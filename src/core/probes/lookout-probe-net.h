/* lookout-probe-net.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lookout-result.h"
#include "lookout-target.h"

G_BEGIN_DECLS

/* Helpers shared by the socket probes (TCP, UDP, NTP). */

/* A result for @target with kind, target URI and id filled in. */
LookoutResult *lookout_probe_net_result_new        (LookoutTarget        *target);
/* The target's options as an object; an empty object when they do not parse. */
JsonObject    *lookout_probe_net_dup_options       (LookoutTarget        *target);
/* Reads an option that must be a JSON string (or a boolean): leaves *value
 * alone when the option is absent, returns FALSE when it has another type. */
gboolean       lookout_probe_net_get_string_option (JsonObject           *options,
                                                    const char           *name,
                                                    const char          **value);
gboolean       lookout_probe_net_get_bool_option   (JsonObject           *options,
                                                    const char           *name,
                                                    gboolean             *value);
/* Reads an option that must be a JSON number, the same way. */
gboolean       lookout_probe_net_get_number_option (JsonObject           *options,
                                                    const char           *name,
                                                    double               *value);
/* Stores the IP of @address (may be NULL) in result->address and returns
 * its description for messages, or NULL. */
char          *lookout_probe_net_take_address      (LookoutResult        *result,
                                                    GSocketAddress       *address);
/* Marks @result DOWN for a resolver or socket error, with a message naming
 * @host or @where (the description of the address tried, may be NULL).
 * Refusals are worded by each probe before it gets here. */
void           lookout_probe_net_set_error         (LookoutResult        *result,
                                                    const GError         *error,
                                                    const char           *host,
                                                    const char           *where);

G_END_DECLS
