/* lookout-target-options.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "lookout-target.h"

G_BEGIN_DECLS

/* THE description of every kind-specific option a target can carry: its
 * key in the options JSON, its type, the kinds it applies to and how its
 * value is checked. The Add Target dialog, the targets file, `lookout-agent
 * check --option`, the target JSON of the API and import/export all go
 * through it, so each says the same things in the same words. */

typedef enum
{
  LOOKOUT_TARGET_OPTION_STRING,
  LOOKOUT_TARGET_OPTION_BOOLEAN,
  LOOKOUT_TARGET_OPTION_INTEGER,
  LOOKOUT_TARGET_OPTION_HEADERS,     /* an object of header names and text values */
} LookoutTargetOptionType;

typedef struct
{
  const char               *key;          /* the JSON member */
  const char               *text_key;     /* its key as key=value text ("header" for headers) */
  LookoutTargetOptionType   type;
  guint                     kinds;        /* 1 << LookoutTargetKind for each kind it applies to */
  gint64                    min;          /* INTEGER only */
  gint64                    max;
  gboolean                (*check)        (const char  *text,
                                           GError     **error);  /* STRING only */
  const char               *value_hint;   /* untranslated: "CODES", "N"… for help texts */
  const char               *summary;      /* untranslated; see lookout_target_option_get_summary() */
} LookoutTargetOption;

const LookoutTargetOption *lookout_target_options_get_all     (guint                      *n_options);
/* By JSON key or text key; NULL when unknown. */
const LookoutTargetOption *lookout_target_options_lookup      (const char                 *key);
gboolean                   lookout_target_option_applies_to   (const LookoutTargetOption  *option,
                                                               LookoutTargetKind           kind);
const char                *lookout_target_option_get_summary  (const LookoutTargetOption  *option);

/* Checks an options JSON object: every known key has a value of its type
 * and range. Keys of other kinds are checked too (a target whose kind
 * changed keeps them); unknown keys are left alone. */
gboolean                   lookout_target_options_validate    (const char                 *options_json,
                                                               GError                    **error);

/* The text keys of @kind's options, "method, accept, …", or NULL when the
 * kind has none. The settings every target has beside its options ("tags",
 * "maintenance": lookup, validation and the key=value form know them) are
 * not listed. */
char                      *lookout_target_options_dup_keys    (LookoutTargetKind           kind);

/* Whether @key is an option of @kind: its JSON key, or its text key when
 * @text. FALSE with a message naming the kind's options otherwise. */
gboolean                   lookout_target_options_check_key   (LookoutTargetKind           kind,
                                                               const char                 *key,
                                                               gboolean                    text,
                                                               GError                    **error);

/* Sets the option named @key (text key) in @options from @value as typed
 * after "key=" (true/false, a whole number, text; "Name: value" for a
 * header, which adds one header). Refuses an unknown key or one of another
 * kind naming the kind's keys, and a bad value in the words of
 * lookout_target_options_validate(). Errors: LOOKOUT_TARGET_ERROR_INVALID_OPTIONS. */
gboolean                   lookout_target_options_set_text    (JsonObject                 *options,
                                                               LookoutTargetKind           kind,
                                                               const char                 *key,
                                                               const char                 *value,
                                                               GError                    **error);

/* The options of @options_json as key=value words, the form the targets
 * file reads, values quoted where needed, in the table's order; "" when
 * there is none. Unknown keys are left out. */
char                      *lookout_target_options_to_text     (const char                 *options_json);

/* The same as lookout_target_options_set_text() on @target's options. */
gboolean                   lookout_target_set_option_text     (LookoutTarget              *target,
                                                               const char                 *key,
                                                               const char                 *value,
                                                               GError                    **error);
/* lookout_target_new_from_string() of an address whose query may carry
 * options: "https://host/?page=2&lookout.accept=200-299" is the target
 * "https://host/?page=2" with accept=200-299; values are percent-encoded,
 * checked and refused in the words of the targets file. */
LookoutTarget             *lookout_target_new_from_string_with_options (const char  *text,
                                                                        GError     **error);

/* Where a target is checked from: the "locations" option ("local" for
 * this machine, else an agent's name) and the "quorum" option, how many of
 * them must see it down for it to be down. */
#define LOOKOUT_LOCATION_LOCAL     "local"
#define LOOKOUT_LOCATION_NAME_MAX  64
#define LOOKOUT_QUORUM_ALL         G_MAXUINT

/* Whether @name can name a location: 1 to 64 letters, digits, - _ or . */
gboolean                   lookout_location_name_check        (const char                 *name,
                                                               GError                    **error);
/* The locations of @options_json, { "local" } when it names none, and its
 * quorum: 1 for any (the default), LOOKOUT_QUORUM_ALL for all, else N. */
char                     **lookout_target_options_get_places  (const char                 *options_json,
                                                               guint                      *quorum);
/* The ids of the notification channels the "channels" option names (empty
 * for none), or NULL when it is not set: every channel. */
char                     **lookout_target_options_dup_channels (const char         *options_json);

/* Whether the option @key holds a secret that no export, and no text
 * form, writes (basic_auth_password). */
gboolean                   lookout_target_options_is_secret   (const char                 *key);
/* A sentence for an export saying where a target's password went, or NULL. */
char                      *lookout_target_options_dup_secret_note (const char             *options_json);

G_END_DECLS
