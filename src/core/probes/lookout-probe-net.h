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

/* Private helpers shared by the socket probes (TCP, UDP, NTP). */

/* A time limit for one check: @cancellable is cancelled when the timer fires
 * (timed_out is then TRUE) or when the caller's cancellable is. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *outer;
  gulong        outer_id;
  GSource      *timer;
  gint64        deadline_us;  /* monotonic */
  gboolean      timed_out;
} LookoutProbeDeadline;

void           lookout_probe_deadline_start        (LookoutProbeDeadline *deadline,
                                                    guint                 timeout_ms,
                                                    GCancellable         *outer);
void           lookout_probe_deadline_clear        (LookoutProbeDeadline *deadline);
/* TRUE when the caller (not the timer) cancelled. */
gboolean       lookout_probe_deadline_cancelled    (LookoutProbeDeadline *deadline);
guint          lookout_probe_deadline_remaining_ms (LookoutProbeDeadline *deadline);

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
/* Sorts a socket or resolver error into a probe error class. */
LookoutProbeError lookout_probe_net_classify_error (const GError         *error);
/* "192.0.2.1 port 80" / "2001:db8::1 port 80" for messages. */
char          *lookout_probe_net_describe_address  (GSocketAddress       *address);
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
