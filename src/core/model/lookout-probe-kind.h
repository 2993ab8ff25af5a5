/* lookout-probe-kind.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "lookout-result.h"

G_BEGIN_DECLS

/* One scheme of a kind. The primary scheme is what the Add Target dialog
 * puts in front of a bare address; an alias is accepted and printed as the
 * primary scheme ("ping://" as "icmp://"). */
typedef struct
{
  const char *name;
  guint16     default_port;     /* 0 when the kind has no default port */
  guint       is_https : 1;
  guint       is_primary : 1;
  guint       is_alias : 1;
} LookoutKindScheme;

/* What follows the host, and so how the target URI parser reads it. */
typedef enum
{
  LOOKOUT_KIND_PATH_NONE,       /* nothing, or a lone "/" */
  LOOKOUT_KIND_PATH_HTTP,       /* path and query */
  LOOKOUT_KIND_PATH_DNS,        /* "/name?type=T"; "dns:name" without a server */
  LOOKOUT_KIND_PATH_TRACE,      /* nothing, or "?proto=icmp|udp" */
} LookoutKindPath;

typedef enum
{
  LOOKOUT_KIND_PORT_NONE,       /* a port is refused */
  LOOKOUT_KIND_PORT_OPTIONAL,   /* the scheme's default port when none is given */
  LOOKOUT_KIND_PORT_REQUIRED,
} LookoutKindPort;

/* How a field of LookoutResult is printed as JSON. */
typedef enum
{
  LOOKOUT_RESULT_FIELD_INT,         /* int, null below null_below */
  LOOKOUT_RESULT_FIELD_UINT,        /* guint */
  LOOKOUT_RESULT_FIELD_SIZE,        /* gsize */
  LOOKOUT_RESULT_FIELD_US_AS_MS,    /* gint64 µs as ms with fraction, null when negative */
  LOOKOUT_RESULT_FIELD_STRING,      /* char *, null when NULL */
  LOOKOUT_RESULT_FIELD_STRV,        /* char **, an array, empty when NULL */
  LOOKOUT_RESULT_FIELD_UNIX_TIME,   /* gint64 s as ISO 8601 UTC, null unless positive */
  LOOKOUT_RESULT_FIELD_LOSS,        /* 1 - received / sent (1 when nothing was sent) */
  LOOKOUT_RESULT_FIELD_OBJECT,      /* an object of @fields */
  LOOKOUT_RESULT_FIELD_INT64,       /* gint64, null when negative */
  LOOKOUT_RESULT_FIELD_BOOLEAN,     /* gboolean */
  LOOKOUT_RESULT_FIELD_TRACE_HOPS,  /* LookoutTraceReport *, its hops as an array (null when NULL) */
} LookoutResultFieldType;

/* What a kind's plotted and stored value (the sample's latency_us) is. */
typedef enum
{
  LOOKOUT_VALUE_UNIT_DURATION,      /* µs: a response time */
  LOOKOUT_VALUE_UNIT_BITRATE,       /* bits per second */
} LookoutValueUnit;

typedef struct _LookoutResultField LookoutResultField;

struct _LookoutResultField
{
  const char                *name;         /* the JSON member; NULL ends a list */
  LookoutResultFieldType     type;
  gsize                      offset;       /* G_STRUCT_OFFSET (LookoutResult, …) */
  int                        null_below;   /* INT only */
  gboolean                   null_unless_ok;
  const LookoutResultField  *fields;       /* OBJECT only */
};

/* Everything Lookout knows about one kind of target but its probe class
 * (lookout_probe_new_for_kind()) and, when it has them, its options in the
 * Add Target dialog and its rows in the result view (both in src/gui). */
typedef struct
{
  LookoutTargetKind          kind;
  const char                *name;              /* "http": JSON "kind", stored, never translated */
  const char                *label;             /* untranslated; see lookout_target_kind_get_label() */
  const LookoutKindScheme   *schemes;           /* ends with { NULL } */
  LookoutKindPath            path;
  LookoutKindPort            port;
  guint                      default_interval_s;
  guint                      default_timeout_ms;
  const LookoutResultField  *result_fields;     /* after the common ones; ends with { NULL } */
  const char                *latency_title;     /* untranslated; how the result view names latency_us */
  const char                *address_example;   /* untranslated; the dialog's hint under the kind */
  gssize                     code_offset;       /* int member kept as the sample's code; -1: none */
  gssize                     round_trip_offset; /* gint64 µs member that is one round trip to the
                                                 * address, for geolocation; -1: the latency */
  gboolean                   host_is_interface; /* the URI's host is a network interface's name */
  LookoutValueUnit           value_unit;        /* of what is plotted and stored */
  gssize                     value_offset;      /* gint64 member plotted and stored; 0: latency_us */
} LookoutProbeKind;

const LookoutProbeKind  *lookout_probe_kind_get             (LookoutTargetKind  kind);
/* @name of @len bytes, any case; NULL when no kind has that scheme. */
const LookoutKindScheme *lookout_probe_kind_find_scheme     (const char        *name,
                                                             gsize              len,
                                                             LookoutTargetKind *out_kind);
const LookoutKindScheme *lookout_probe_kind_get_primary     (const LookoutProbeKind *kind);
const char              *lookout_probe_kind_get_latency_title   (const LookoutProbeKind *kind);
const char              *lookout_probe_kind_get_address_example (const LookoutProbeKind *kind);
/* The kind-specific code a sample keeps (HTTP status, DNS rcode); 0 when none. */
int                      lookout_probe_kind_get_code        (const LookoutResult *result);
/* Whether @result carries such a code: its kind has one and the check got
 * a reply (a DNS rcode of 0 is a code; an HTTP status of 0 is none). */
gboolean                 lookout_probe_kind_has_code        (const LookoutResult *result);
/* One round trip to result->address in µs, or -1 when the result has none. */
gint64                   lookout_probe_kind_get_round_trip_us (const LookoutResult *result);
/* What a sample keeps and a plot draws of @result: its latency, or the
 * kind's own value (an interface's bits per second); -1 when none. */
gint64                   lookout_probe_kind_get_value       (const LookoutResult *result);
LookoutValueUnit         lookout_probe_kind_get_value_unit  (LookoutTargetKind    kind);
/* Adds the members of @fields, read from @result, to the open object. */
void                     lookout_probe_kind_add_json_fields (const LookoutResultField *fields,
                                                             const LookoutResult      *result,
                                                             JsonBuilder              *builder);

G_END_DECLS
