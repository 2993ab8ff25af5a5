/* lookout-target.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-target-uri.h"

G_BEGIN_DECLS

#define LOOKOUT_TARGET_DEFAULT_INTERVAL_S     60
#define LOOKOUT_TARGET_MIN_INTERVAL_S         1
#define LOOKOUT_TARGET_MAX_INTERVAL_S         86400
#define LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS     10000
#define LOOKOUT_TARGET_MIN_TIMEOUT_MS         100
#define LOOKOUT_TARGET_MAX_TIMEOUT_MS         120000
#define LOOKOUT_TARGET_DEFAULT_FAIL_THRESHOLD 3
#define LOOKOUT_TARGET_MAX_FAIL_THRESHOLD     100

#define LOOKOUT_TYPE_TARGET (lookout_target_get_type ())

G_DECLARE_FINAL_TYPE (LookoutTarget, lookout_target, LOOKOUT, TARGET, GObject)

/*
 * Properties (all with notify):
 *   "id"              gint64   row id in the store, 0 until stored
 *   "uri"             LookoutTargetUri (boxed), construct; and "uri-string" (read-only string)
 *   "kind"            LookoutTargetKind as guint (read-only, from uri)
 *   "name"            string, display name
 *   "interval"        guint seconds
 *   "timeout"         guint milliseconds
 *   "fail-threshold"  guint consecutive failures before DOWN
 *   "enabled"         gboolean
 *   "options"         string, JSON object of kind-specific options ("{}" by default)
 *   "created-at"      gint64 ms since the epoch
 *   "latitude", "longitude"  double (NaN when unknown), "location-source" string or NULL
 *   live state:
 *   "state"           LookoutTargetState as guint
 *   "last-latency"    gint64 microseconds, -1 when none
 *   "last-checked"    gint64 ms since the epoch, 0 when never
 *   "last-error"      string or NULL
 *   "last-address"    string or NULL
 */

/* With the interval and timeout of its kind (lookout-probe-kind.c). */
LookoutTarget      *lookout_target_new                (LookoutTargetUri  *uri);
/* Validates everything; error domain LOOKOUT_TARGET_URI_ERROR for the URI and
 * LOOKOUT_TARGET_ERROR for the settings. */
LookoutTarget      *lookout_target_new_from_string    (const char        *uri,
                                                       GError           **error);

#define LOOKOUT_TARGET_ERROR (lookout_target_error_quark ())
typedef enum
{
  LOOKOUT_TARGET_ERROR_INVALID_INTERVAL,
  LOOKOUT_TARGET_ERROR_INVALID_TIMEOUT,
  LOOKOUT_TARGET_ERROR_INVALID_THRESHOLD,
  LOOKOUT_TARGET_ERROR_INVALID_NAME,
  LOOKOUT_TARGET_ERROR_INVALID_OPTIONS,
} LookoutTargetError;
GQuark              lookout_target_error_quark        (void);

/* Checks a value before it is set, for the dialog and the targets file:
 * returns FALSE with a readable message ("the interval must be at least 1 second"). */
gboolean            lookout_target_validate_interval  (guint              interval_s,
                                                       GError           **error);
gboolean            lookout_target_validate_timeout   (guint              timeout_ms,
                                                       GError           **error);
gboolean            lookout_target_validate_fail_threshold (guint         threshold,
                                                       GError           **error);
gboolean            lookout_target_validate_name      (const char        *name,
                                                       GError           **error);
gboolean            lookout_target_validate_options   (const char        *options_json,
                                                       GError           **error);
/* A check still running when the next is due would overlap it: the timeout
 * is at most the interval, with the same sentence wherever it is refused. */
gboolean            lookout_target_validate_schedule  (guint              interval_s,
                                                       guint              timeout_ms,
                                                       GError           **error);
/* The same rule for settings read from a file or JSON: a timeout not
 * given that is still @kind's default follows a shorter interval down
 * (*timeout_ms is lowered); any other timeout is refused as above. */
gboolean            lookout_target_fit_timeout        (LookoutTargetKind  kind,
                                                       guint              interval_s,
                                                       guint             *timeout_ms,
                                                       gboolean           timeout_given,
                                                       GError           **error);

gint64              lookout_target_get_id             (LookoutTarget     *self);
void                lookout_target_set_id             (LookoutTarget     *self,
                                                       gint64             id);
LookoutTargetUri   *lookout_target_get_uri            (LookoutTarget     *self);
void                lookout_target_set_uri            (LookoutTarget     *self,
                                                       LookoutTargetUri  *uri);
const char         *lookout_target_get_uri_string     (LookoutTarget     *self);
LookoutTargetKind   lookout_target_get_kind           (LookoutTarget     *self);
const char         *lookout_target_get_name           (LookoutTarget     *self);
void                lookout_target_set_name           (LookoutTarget     *self,
                                                       const char        *name);
guint               lookout_target_get_interval       (LookoutTarget     *self);
void                lookout_target_set_interval       (LookoutTarget     *self,
                                                       guint              interval_s);
guint               lookout_target_get_timeout        (LookoutTarget     *self);
void                lookout_target_set_timeout        (LookoutTarget     *self,
                                                       guint              timeout_ms);
guint               lookout_target_get_fail_threshold (LookoutTarget     *self);
void                lookout_target_set_fail_threshold (LookoutTarget     *self,
                                                       guint              threshold);
gboolean            lookout_target_get_enabled        (LookoutTarget     *self);
void                lookout_target_set_enabled        (LookoutTarget     *self,
                                                       gboolean           enabled);
const char         *lookout_target_get_options        (LookoutTarget     *self);
/* A password given at run time (the desktop's keyring), never stored. */
const char         *lookout_target_get_auth_password  (LookoutTarget     *self);
void                lookout_target_set_auth_password  (LookoutTarget     *self,
                                                       const char        *password);
void                lookout_target_set_options        (LookoutTarget     *self,
                                                       const char        *options_json);
gint64              lookout_target_get_created_at     (LookoutTarget     *self);
void                lookout_target_set_created_at     (LookoutTarget     *self,
                                                       gint64             ms);
double              lookout_target_get_latitude       (LookoutTarget     *self);
double              lookout_target_get_longitude      (LookoutTarget     *self);
const char         *lookout_target_get_location_source (LookoutTarget    *self);
void                lookout_target_set_location       (LookoutTarget     *self,
                                                       double             latitude,
                                                       double             longitude,
                                                       const char        *source);

LookoutTargetState  lookout_target_get_state          (LookoutTarget     *self);
gint64              lookout_target_get_last_latency   (LookoutTarget     *self);
gint64              lookout_target_get_last_checked   (LookoutTarget     *self);
const char         *lookout_target_get_last_error     (LookoutTarget     *self);
const char         *lookout_target_get_last_address   (LookoutTarget     *self);
/* Sets the live state in one go, notifying only what changed. */
void                lookout_target_set_live_state     (LookoutTarget     *self,
                                                       LookoutTargetState state,
                                                       gint64             latency_us,
                                                       gint64             checked_ms,
                                                       const char        *error,
                                                       const char        *address);

/* A copy of the configuration (not the live state), for edit dialogs. */
LookoutTarget      *lookout_target_copy               (LookoutTarget     *self);

G_END_DECLS
