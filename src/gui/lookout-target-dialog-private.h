/* lookout-target-dialog-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-target-dialog.h"

G_BEGIN_DECLS

/* The struct is here so the widget tests can reach the template children. */
struct _LookoutTargetDialog
{
  AdwWindow          parent_instance;

  LookoutMonitor    *monitor;
  LookoutTarget     *target;
  GCancellable      *cancellable;
  LookoutTargetUri  *uri;

  guint              updating : 1;
  guint              name_edited : 1;
  guint              address_changed : 1;
  guint              busy : 1;
  guint              valid : 1;

  GtkButton         *confirm_button;
  AdwComboRow       *kind_row;
  AdwEntryRow       *address_row;
  GtkLabel          *address_error;
  GtkLabel          *address_note;     /* "Will check https://example.org/" */
  AdwEntryRow       *name_row;
  GtkLabel          *name_error;
  AdwActionRow      *interval_row;
  GtkSpinButton     *interval_spin;
  AdwActionRow      *timeout_row;
  GtkSpinButton     *timeout_spin;
  AdwActionRow      *threshold_row;
  GtkSpinButton     *threshold_spin;
  GtkLabel          *schedule_error;
  AdwPreferencesGroup *locations_group;
  AdwEntryRow       *locations_row;
  AdwEntryRow       *quorum_row;
  GtkLabel          *locations_error;
  AdwPreferencesGroup *options_group;
  AdwExpanderRow    *http_options;
  AdwComboRow       *method_row;
  AdwEntryRow       *accept_row;
  AdwEntryRow       *keyword_row;
  GtkSwitch         *keyword_absent_switch;
  AdwActionRow      *verify_tls_row;
  GtkSwitch         *verify_tls_switch;
  AdwEntryRow       *ca_file_row;
  AdwExpanderRow    *icmp_options;
  GtkSpinButton     *count_spin;
  AdwExpanderRow    *udp_options;
  AdwEntryRow       *payload_row;
  AdwExpanderRow    *dns_options;
  AdwEntryRow       *expect_row;
  AdwExpanderRow    *ntp_options;
  AdwEntryRow       *max_offset_row;
  AdwEntryRow       *max_offset_down_row;
  GtkLabel          *options_error;
  GtkLabel          *general_error;

  /* Tags, maintenance windows, channels; HTTP redirects and basic auth. */
  AdwPreferencesGroup *organise_group;
  AdwEntryRow       *tags_row;
  GtkFlowBox        *known_tags_box;
  GtkLabel          *tags_error;
  AdwEntryRow       *maintenance_row;
  GtkLabel          *maintenance_note;
  AdwExpanderRow    *channels_row;
  GtkSwitch         *all_channels_switch;
  GPtrArray         *channel_checks;   /* GtkCheckButton, "lookout-channel-id" data */
  GtkSpinButton     *max_redirects_spin;
  AdwEntryRow       *auth_user_row;
  AdwEntryRow       *auth_password_row;
  char              *password_unkept;  /* the keyring's refusal, said once */

  /* Editing the address: the question whether to keep the old history. */
  AdwMessageDialog  *history_question;
};

/* The channel picker's check button of channel @id, or NULL. */
GtkCheckButton *lookout_target_dialog_find_channel (LookoutTargetDialog *self,
                                                    const char          *id);

G_END_DECLS
