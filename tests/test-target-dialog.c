/* test-target-dialog.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "lookout-auth-secrets.h"
#include "lookout-secrets.h"
#include "lookout-target-dialog-private.h"
#include "lookout-target-options.h"
#include "lookout-test-gui.h"

static LookoutTargetDialog *
new_dialog (LookoutTarget *target)
{
  LookoutTargetDialog *dialog = lookout_target_dialog_new (NULL, target);

  /* The dialog is a toplevel: held by GTK until destroyed. */
  g_object_ref_sink (dialog);
  return dialog;
}

static void
destroy_dialog (LookoutTargetDialog *dialog)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* Types @text at the end of the field one character at a time, as a
 * person would, so every intermediate state is validated too. */
static void
type_text (AdwEntryRow *row,
           const char  *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      int position = g_utf8_strlen (gtk_editable_get_text (GTK_EDITABLE (row)), -1);

      gtk_editable_insert_text (GTK_EDITABLE (row), p, g_utf8_next_char (p) - p, &position);
    }
}

static void
clear_text (AdwEntryRow *row)
{
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static gboolean
confirm_enabled (LookoutTargetDialog *dialog)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (dialog->confirm_button));
}

static void
assert_no_address_error (LookoutTargetDialog *dialog)
{
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->address_error)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dialog->address_row), "error"));
}

static void
assert_address_error (LookoutTargetDialog *dialog,
                      LookoutTargetKind    kind,
                      const char          *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTargetUri) uri = NULL;
  LookoutTargetKind out_kind = kind;

  /* The dialog shows the core parser's own words. */
  uri = lookout_target_uri_parse_for_kind (kind, text, &out_kind, &error);
  g_assert_null (uri);
  g_assert_nonnull (error);

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->address_error)));
  g_assert_cmpstr (gtk_label_get_label (dialog->address_error), ==, error->message);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->address_row), "error"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->address_error), "error"));
}

static void
test_dialog_empty (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Add Target");
  g_assert_cmpstr (gtk_button_get_label (dialog->confirm_button), ==, "_Add");
  g_assert_cmpuint (adw_combo_row_get_selected (dialog->kind_row), ==, LOOKOUT_TARGET_KIND_HTTP);

  /* Nothing typed: nothing to add, and nothing to complain about yet. */
  g_assert_false (confirm_enabled (dialog));
  g_assert_false (lookout_target_dialog_is_valid (dialog));
  assert_no_address_error (dialog);

  /* Defaults (GSETTINGS_BACKEND=memory: the schema's defaults). */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog->interval_spin), ==, 60);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (dialog->timeout_spin),
                                  LOOKOUT_TARGET_DEFAULT_TIMEOUT_MS / 1000.0, 0.001);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog->threshold_spin), ==, 3);

  destroy_dialog (dialog);
}

static void
test_dialog_valid_invalid (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);

  adw_combo_row_set_selected (dialog->kind_row, LOOKOUT_TARGET_KIND_TCP);

  type_text (dialog->address_row, "127.0.0.1:99999");
  assert_address_error (dialog, LOOKOUT_TARGET_KIND_TCP, "127.0.0.1:99999");
  g_assert_false (confirm_enabled (dialog));

  /* A TCP check needs a port. */
  clear_text (dialog->address_row);
  assert_no_address_error (dialog);
  type_text (dialog->address_row, "127.0.0.1");
  assert_address_error (dialog, LOOKOUT_TARGET_KIND_TCP, "127.0.0.1");
  g_assert_false (confirm_enabled (dialog));

  type_text (dialog->address_row, ":22");
  assert_no_address_error (dialog);
  g_assert_true (confirm_enabled (dialog));
  g_assert_true (lookout_target_dialog_is_valid (dialog));

  /* Breaking it again takes the button away again. */
  type_text (dialog->address_row, "x");
  assert_address_error (dialog, LOOKOUT_TARGET_KIND_TCP, "127.0.0.1:22x");
  g_assert_false (confirm_enabled (dialog));

  destroy_dialog (dialog);
}

/* What will be checked is said before adding; slips get a sentence about
 * what is wrong; a timeout beyond the interval is refused. */
static void
test_dialog_normalised_and_slips (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);

  type_text (dialog->address_row, "example.org");
  assert_no_address_error (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->address_note)));
  g_assert_cmpstr (gtk_label_get_label (dialog->address_note), ==, "Will check https://example.org/");
  g_assert_true (confirm_enabled (dialog));

  clear_text (dialog->address_row);
  type_text (dialog->address_row, "https://example.org/");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->address_note)));

  clear_text (dialog->address_row);
  type_text (dialog->address_row, "htp:/foo bar");
  assert_address_error (dialog, LOOKOUT_TARGET_KIND_HTTP, "htp:/foo bar");
  g_assert_null (strstr (gtk_label_get_label (dialog->address_error), "port"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->address_note)));
  g_assert_false (confirm_enabled (dialog));

  clear_text (dialog->address_row);
  type_text (dialog->address_row, "http//127.0.0.1");
  assert_address_error (dialog, LOOKOUT_TARGET_KIND_HTTP, "http//127.0.0.1");
  g_assert_false (confirm_enabled (dialog));

  clear_text (dialog->address_row);
  type_text (dialog->address_row, "http://127.0.0.1/");
  g_assert_true (confirm_enabled (dialog));
  gtk_spin_button_set_value (dialog->interval_spin, 5);
  gtk_spin_button_set_value (dialog->timeout_spin, 10);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->schedule_error)));
  g_assert_nonnull (strstr (gtk_label_get_label (dialog->schedule_error), "longer than the interval"));
  g_assert_false (confirm_enabled (dialog));
  gtk_spin_button_set_value (dialog->timeout_spin, 5);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->schedule_error)));
  g_assert_true (confirm_enabled (dialog));

  destroy_dialog (dialog);
}

static void
test_dialog_paste_switches_kind (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);

  g_assert_cmpuint (adw_combo_row_get_selected (dialog->kind_row), ==, LOOKOUT_TARGET_KIND_HTTP);

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "tcp://h:22");
  g_assert_cmpuint (adw_combo_row_get_selected (dialog->kind_row), ==, LOOKOUT_TARGET_KIND_TCP);
  assert_no_address_error (dialog);
  g_assert_true (confirm_enabled (dialog));

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "icmp://192.0.2.10");
  g_assert_cmpuint (adw_combo_row_get_selected (dialog->kind_row), ==, LOOKOUT_TARGET_KIND_ICMP);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->icmp_options)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->http_options)));
  g_assert_true (confirm_enabled (dialog));

  destroy_dialog (dialog);
}

static void
test_dialog_name_follows_address (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTargetUri) uri = NULL;
  g_autofree char *expected = NULL;

  type_text (dialog->address_row, "example.org");
  uri = lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, "example.org", NULL, NULL);
  g_assert_nonnull (uri);
  expected = lookout_target_uri_dup_display_name (uri);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->name_row)), ==, expected);

  /* Once the user names it, the address no longer does. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "My site");
  type_text (dialog->address_row, "/health");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->name_row)), ==, "My site");
  g_assert_true (confirm_enabled (dialog));

  /* Clearing the name gives it back to the address. */
  clear_text (dialog->name_row);
  type_text (dialog->address_row, "z");
  {
    g_autoptr(LookoutTargetUri) uri2 = NULL;
    g_autofree char *expected2 = NULL;

    uri2 = lookout_target_uri_parse_for_kind (LOOKOUT_TARGET_KIND_HTTP, "example.org/healthz", NULL, NULL);
    g_assert_nonnull (uri2);
    expected2 = lookout_target_uri_dup_display_name (uri2);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->name_row)), ==, expected2);
  }

  destroy_dialog (dialog);
}

static void
test_dialog_build_target (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *options;

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "https://127.0.0.1:8443/health");
  gtk_editable_set_text (GTK_EDITABLE (dialog->name_row), "Local service");
  gtk_spin_button_set_value (dialog->interval_spin, 15);
  gtk_spin_button_set_value (dialog->timeout_spin, 2.5);
  gtk_spin_button_set_value (dialog->threshold_spin, 5);
  gtk_editable_set_text (GTK_EDITABLE (dialog->keyword_row), "healthy");
  gtk_switch_set_active (dialog->verify_tls_switch, FALSE);
  g_assert_true (confirm_enabled (dialog));

  /* Turning certificate checks off is labelled as the risk it is. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (dialog->verify_tls_row), "Insecure"));

  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (target);
  g_assert_cmpint (lookout_target_get_kind (target), ==, LOOKOUT_TARGET_KIND_HTTP);
  g_assert_cmpstr (lookout_target_get_name (target), ==, "Local service");
  g_assert_cmpuint (lookout_target_get_interval (target), ==, 15);
  g_assert_cmpuint (lookout_target_get_timeout (target), ==, 2500);
  g_assert_cmpuint (lookout_target_get_fail_threshold (target), ==, 5);

  g_assert_true (json_parser_load_from_data (parser, lookout_target_get_options (target), -1, NULL));
  options = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (options, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (options, "accept"), ==, "200-399");
  g_assert_cmpstr (json_object_get_string_member (options, "keyword"), ==, "healthy");
  g_assert_false (json_object_get_boolean_member (options, "keyword_absent"));
  g_assert_false (json_object_get_boolean_member (options, "verify_tls"));

  destroy_dialog (dialog);
}

static void
test_dialog_edit (void)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(LookoutTarget) changed = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *dialog;

  target = lookout_target_new_from_string ("icmp://127.0.0.1", &error);
  g_assert_no_error (error);
  lookout_target_set_name (target, "Loopback");
  lookout_target_set_interval (target, 5);
  lookout_target_set_timeout (target, 1500);
  lookout_target_set_options (target, "{\"count\":7,\"size\":100}");

  dialog = new_dialog (target);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit Target");
  g_assert_cmpstr (gtk_button_get_label (dialog->confirm_button), ==, "_Save");
  g_assert_cmpuint (adw_combo_row_get_selected (dialog->kind_row), ==, LOOKOUT_TARGET_KIND_ICMP);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->name_row)), ==, "Loopback");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog->interval_spin), ==, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (dialog->count_spin), ==, 7);
  g_assert_true (confirm_enabled (dialog));

  gtk_spin_button_set_value (dialog->count_spin, 10);
  changed = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_get_uri_string (changed), ==, lookout_target_get_uri_string (target));
  g_assert_cmpuint (lookout_target_get_timeout (changed), ==, 1500);
  /* The option the dialog does not show survives the edit. */
  g_assert_nonnull (strstr (lookout_target_get_options (changed), "\"size\":100"));
  g_assert_nonnull (strstr (lookout_target_get_options (changed), "\"count\":10"));

  destroy_dialog (dialog);
}

static void
saved_cb (LookoutTargetDialog  *dialog,
          LookoutTarget        *target,
          LookoutTarget       **out)
{
  *out = g_object_ref (target);
}

static void
test_dialog_confirm_without_monitor (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) saved = NULL;

  g_signal_connect (dialog, "saved", G_CALLBACK (saved_cb), &saved);

  /* Disabled while invalid: activating does nothing. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "udp://127.0.0.1:0");
  g_assert_false (confirm_enabled (dialog));
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  g_assert_null (saved);

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "udp://127.0.0.1:5353");
  gtk_editable_set_text (GTK_EDITABLE (dialog->payload_row), "ping");
  g_assert_true (confirm_enabled (dialog));
  g_signal_emit_by_name (dialog->confirm_button, "clicked");
  g_assert_nonnull (saved);
  g_assert_cmpint (lookout_target_get_kind (saved), ==, LOOKOUT_TARGET_KIND_UDP);
  g_assert_nonnull (strstr (lookout_target_get_options (saved), "\"payload\":\"ping\""));

  g_object_unref (dialog);
}

/* The options the targets file and the agent take are in the dialog too,
 * refused in the same words as there. */
static void
test_dialog_kind_options (void)
{
  static const struct { LookoutTargetKind kind; const char *address, *option, *bad, *good, *json; } cases[] = {
    { LOOKOUT_TARGET_KIND_DNS, "dns://127.0.0.1/example.org?type=A", "expect", "", "192.0.2.1", "{\"expect\":\"192.0.2.1\"}" },
    { LOOKOUT_TARGET_KIND_NTP, "ntp://127.0.0.1", "max_offset_ms", "soon", "250", "{\"max_offset_ms\":250}" },
    { LOOKOUT_TARGET_KIND_HTTP, "https://127.0.0.1/", "ca_file", "ca.pem", "/etc/ssl/private-ca.pem", "\"ca_file\":\"/etc/ssl/private-ca.pem\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LookoutTargetDialog *dialog = new_dialog (NULL);
      AdwEntryRow *rows[] = { dialog->expect_row, dialog->max_offset_row, dialog->ca_file_row };
      g_autoptr(LookoutTarget) target = NULL;
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) text_error = NULL;
      g_autoptr(GError) error = NULL;

      gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), cases[i].address);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->options_group)));

      if (cases[i].bad[0] != '\0')
        {
          gtk_editable_set_text (GTK_EDITABLE (rows[i]), cases[i].bad);
          g_assert_false (confirm_enabled (dialog));
          g_assert_false (lookout_target_options_set_text (object, cases[i].kind, cases[i].option, cases[i].bad, &text_error));
          g_assert_cmpstr (gtk_label_get_label (dialog->options_error), ==, text_error->message);
        }

      gtk_editable_set_text (GTK_EDITABLE (rows[i]), cases[i].good);
      g_assert_true (confirm_enabled (dialog));
      target = lookout_target_dialog_build_target (dialog, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (lookout_target_get_options (target), cases[i].json));

      destroy_dialog (dialog);
    }
}

/* "Check from": the locations and the quorum, said in the core's words
 * under the group, and kept in the target's options; an edited target
 * shows its own. */
static void
test_dialog_locations (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *edit;

  adw_combo_row_set_selected (dialog->kind_row, LOOKOUT_TARGET_KIND_TCP);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "127.0.0.1:22");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->locations_row)), ==, "local");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->quorum_row)), ==, "any");
  g_assert_true (confirm_enabled (dialog));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (dialog->locations_group), "local"));

  gtk_editable_set_text (GTK_EDITABLE (dialog->locations_row), "paris,paris");
  g_assert_false (confirm_enabled (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->locations_error)));
  g_assert_cmpstr (gtk_label_get_label (dialog->locations_error), ==, "The location “paris” is listed twice");
  /* said once, not again under the kind's options */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->options_error)));

  gtk_editable_set_text (GTK_EDITABLE (dialog->locations_row), "local,paris");
  gtk_editable_set_text (GTK_EDITABLE (dialog->quorum_row), "3");
  g_assert_false (confirm_enabled (dialog));
  g_assert_cmpstr (gtk_label_get_label (dialog->locations_error), ==,
                   "The quorum 3 is more than the 2 locations the target is checked from");

  gtk_editable_set_text (GTK_EDITABLE (dialog->quorum_row), "all");
  g_assert_true (confirm_enabled (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->locations_error)));

  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"locations\":\"local,paris\""));
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"quorum\":\"all\""));
  destroy_dialog (dialog);

  edit = new_dialog (target);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->locations_row)), ==, "local,paris");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->quorum_row)), ==, "all");
  destroy_dialog (edit);
}

/* NTP: degraded past max_offset_ms, down past max_offset_s; the down
 * bound below the degraded one is refused in words, as the core says it;
 * an edited target shows both. */
static void
test_dialog_ntp_offsets (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *edit;

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "ntp://127.0.0.1:12300");
  gtk_editable_set_text (GTK_EDITABLE (dialog->max_offset_row), "5000");
  gtk_editable_set_text (GTK_EDITABLE (dialog->max_offset_down_row), "5");
  g_assert_false (confirm_enabled (dialog));
  g_assert_cmpstr (gtk_label_get_label (dialog->options_error), ==,
                   "The clock offset counted as down (5 s) must be above the one counted as degraded (5000 ms)");

  /* Blank: the probe's 1000 s, which 5000 ms is below. */
  gtk_editable_set_text (GTK_EDITABLE (dialog->max_offset_down_row), "");
  g_assert_true (confirm_enabled (dialog));
  gtk_editable_set_text (GTK_EDITABLE (dialog->max_offset_down_row), "60");
  g_assert_true (confirm_enabled (dialog));
  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"max_offset_ms\":5000"));
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"max_offset_s\":60"));
  destroy_dialog (dialog);

  edit = new_dialog (target);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->max_offset_row)), ==, "5000");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->max_offset_down_row)), ==, "60");
  destroy_dialog (edit);
}

static char *
built_options (LookoutTargetDialog *dialog)
{
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;

  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  return g_strdup (lookout_target_get_options (target));
}

/* Tags and maintenance windows in the option parser's words, the windows
 * read back in words; the channel picker writes "channels"; an edited
 * target shows all of it again, a channel no longer configured included. */
static void
test_dialog_organise (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GError) tags_error = NULL;
  g_autoptr(GError) maintenance_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *options = NULL;
  g_autofree char *bad_tags = g_strnfill (65, 'x');
  LookoutTargetDialog *edit;

  adw_combo_row_set_selected (dialog->kind_row, LOOKOUT_TARGET_KIND_TCP);
  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "127.0.0.1:22");
  g_assert_true (confirm_enabled (dialog));

  gtk_editable_set_text (GTK_EDITABLE (dialog->tags_row), bad_tags);
  g_assert_false (confirm_enabled (dialog));
  g_assert_false (lookout_target_options_set_text (object, LOOKOUT_TARGET_KIND_TCP, "tags", bad_tags, &tags_error));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->tags_error)));
  g_assert_cmpstr (gtk_label_get_label (dialog->tags_error), ==, tags_error->message);
  clear_text (dialog->tags_row);
  type_text (dialog->tags_row, "web, production");
  g_assert_true (confirm_enabled (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog->tags_error)));

  type_text (dialog->maintenance_row, "every sundy 02:00-03:00");
  g_assert_false (confirm_enabled (dialog));
  g_assert_false (lookout_target_options_set_text (object, LOOKOUT_TARGET_KIND_TCP, "maintenance",
                                                   "every sundy 02:00-03:00", &maintenance_error));
  g_assert_cmpstr (gtk_label_get_label (dialog->maintenance_note), ==, maintenance_error->message);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog->maintenance_note), "error"));
  gtk_editable_set_text (GTK_EDITABLE (dialog->maintenance_row),
                         "every sunday 02:00-03:00; 2026-12-24 18:00 - 2026-12-26 08:00");
  g_assert_true (confirm_enabled (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->maintenance_note)));
  g_assert_cmpstr (gtk_label_get_label (dialog->maintenance_note), ==,
                   "every Sunday 02:00–03:00; once 2026-12-24 18:00 – 2026-12-26 08:00");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (dialog->maintenance_note), "error"));

  /* All channels by default: no option written. */
  g_assert_true (gtk_switch_get_active (dialog->all_channels_switch));
  options = built_options (dialog);
  g_assert_null (strstr (options, "channels"));
  g_assert_nonnull (strstr (options, "\"tags\":\"web, production\""));
  g_assert_nonnull (strstr (options, "\"maintenance\":\"every sunday 02:00-03:00; 2026-12-24 18:00 - 2026-12-26 08:00\""));
  g_clear_pointer (&options, g_free);

  g_assert_nonnull (lookout_target_dialog_find_channel (dialog, "desktop"));
  g_assert_nonnull (lookout_target_dialog_find_channel (dialog, "telegram"));
  gtk_switch_set_active (dialog->all_channels_switch, FALSE);
  options = built_options (dialog);
  g_assert_nonnull (strstr (options, "\"channels\":\"\""));
  g_assert_cmpstr (adw_expander_row_get_subtitle (dialog->channels_row), ==, "None: events are recorded, not sent");
  g_clear_pointer (&options, g_free);
  gtk_check_button_set_active (lookout_target_dialog_find_channel (dialog, "webhook"), TRUE);
  gtk_check_button_set_active (lookout_target_dialog_find_channel (dialog, "desktop"), TRUE);
  g_assert_cmpstr (adw_expander_row_get_subtitle (dialog->channels_row), ==, "desktop, webhook");
  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (lookout_target_get_options (target), "\"channels\":\"desktop,webhook\""));
  destroy_dialog (dialog);

  /* Editing keeps what was set, and a channel the preferences no longer have. */
  lookout_target_set_options (target, "{\"tags\":\"web\",\"maintenance\":\"every day 01:00-02:00\","
                                      "\"channels\":\"webhook,ops\"}");
  edit = new_dialog (target);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->tags_row)), ==, "web");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->maintenance_row)), ==, "every day 01:00-02:00");
  g_assert_cmpstr (gtk_label_get_label (edit->maintenance_note), ==, "every day 01:00–02:00");
  g_assert_false (gtk_switch_get_active (edit->all_channels_switch));
  g_assert_true (gtk_check_button_get_active (lookout_target_dialog_find_channel (edit, "webhook")));
  g_assert_false (gtk_check_button_get_active (lookout_target_dialog_find_channel (edit, "desktop")));
  g_assert_nonnull (lookout_target_dialog_find_channel (edit, "ops"));
  g_assert_true (gtk_check_button_get_active (lookout_target_dialog_find_channel (edit, "ops")));
  options = built_options (edit);
  g_assert_nonnull (strstr (options, "\"channels\":\"webhook,ops\""));
  destroy_dialog (edit);
}

/* The tags other targets have are offered; a click adds one once. */
static void
test_dialog_known_tags (void)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = lookout_test_monitor_new (store->store);
  g_autoptr(LookoutTarget) tagged = lookout_target_new_from_string ("tcp://127.0.0.1:22", NULL);
  LookoutTargetDialog *dialog;
  GtkWidget *child;
  GtkWidget *button = NULL;
  guint n = 0;

  lookout_target_set_options (tagged, "{\"tags\":\"web, Database\"}");
  lookout_test_add_target (monitor, tagged);

  dialog = g_object_ref_sink (lookout_target_dialog_new (monitor, NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog->known_tags_box)));
  for (child = gtk_widget_get_first_child (GTK_WIDGET (dialog->known_tags_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *inner = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      n++;
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (inner)), "web") == 0)
        button = inner;
    }
  g_assert_cmpuint (n, ==, 2);
  g_assert_nonnull (button);

  gtk_editable_set_text (GTK_EDITABLE (dialog->tags_row), "edge");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->tags_row)), ==, "edge, web");
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (dialog->tags_row)), ==, "edge, web");

  destroy_dialog (dialog);
}

/* HTTP: the redirect limit and basic authentication. The password never
 * lands in the options; the target holds it, the keyring is to keep it. */
static void
test_dialog_http_auth (void)
{
  LookoutTargetDialog *dialog = new_dialog (NULL);
  g_autoptr(LookoutTarget) target = NULL;
  g_autoptr(GError) error = NULL;
  LookoutTargetDialog *edit;
  const char *options;

  gtk_editable_set_text (GTK_EDITABLE (dialog->address_row), "http://127.0.0.1:8080/");
  gtk_spin_button_set_value (dialog->max_redirects_spin, 0);
  gtk_editable_set_text (GTK_EDITABLE (dialog->auth_user_row), "al:ice");
  g_assert_false (confirm_enabled (dialog));
  g_assert_cmpstr (gtk_label_get_label (dialog->options_error), ==,
                   "The user name for basic authentication cannot be empty, longer than 255 bytes or contain “:”");
  gtk_editable_set_text (GTK_EDITABLE (dialog->auth_user_row), "alice");
  g_assert_true (confirm_enabled (dialog));

  /* A user name without a password is said, not saved. */
  g_assert_null (lookout_target_dialog_build_target (dialog, &error));
  g_assert_cmpstr (error->message, ==, "Type the password of “alice” for basic authentication");
  g_clear_error (&error);

  gtk_editable_set_text (GTK_EDITABLE (dialog->auth_password_row), "s3cret pass");
  target = lookout_target_dialog_build_target (dialog, &error);
  g_assert_no_error (error);
  options = lookout_target_get_options (target);
  g_assert_nonnull (strstr (options, "\"max_redirects\":0"));
  g_assert_nonnull (strstr (options, "\"basic_auth_user\":\"alice\""));
  g_assert_nonnull (strstr (options, "\"basic_auth_keyring\":true"));
  g_assert_null (strstr (options, "s3cret"));
  g_assert_cmpstr (lookout_target_get_auth_password (target), ==, "s3cret pass");
  destroy_dialog (dialog);

  /* An imported password in clear moves out of the options on saving. */
  lookout_target_set_options (target, "{\"basic_auth_user\":\"alice\",\"basic_auth_password\":\"from file\","
                                      "\"max_redirects\":3}");
  lookout_target_set_auth_password (target, NULL);
  edit = new_dialog (target);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->auth_user_row)), ==, "alice");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (edit->auth_password_row)), ==, "");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (edit->max_redirects_spin), ==, 3);
  g_clear_object (&target);
  target = lookout_target_dialog_build_target (edit, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (lookout_target_get_options (target), "from file"));
  g_assert_cmpstr (lookout_target_get_auth_password (target), ==, "from file");
  destroy_dialog (edit);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_secret_store_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* At start the keyring gives each loaded target its password before the
 * watch finishes (the checks start then); a target added later gets its
 * own as it comes. */
static void
test_auth_secrets_watch (void)
{
  g_autoptr(LookoutTestStore) store = lookout_test_store_new ();
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutMonitor) reloaded = NULL;
  g_autoptr(LookoutTarget) site = lookout_target_new_from_string ("http://127.0.0.1:8080/", NULL);
  g_autoptr(LookoutTarget) later = lookout_target_new_from_string ("http://127.0.0.1:8081/", NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *later_name = NULL;
  gboolean stored = FALSE;
  LookoutTarget *loaded;

  lookout_target_set_options (site, "{\"basic_auth_user\":\"alice\",\"basic_auth_keyring\":true}");
  lookout_target_set_options (later, "{\"basic_auth_user\":\"bob\",\"basic_auth_keyring\":true}");
  name = lookout_auth_secret_name (site);
  g_assert_cmpstr (name, ==, "basic-auth:alice@http://127.0.0.1:8080/");
  lookout_secret_store_named_async (name, "test", "s3cret pass", NULL, stored_cb, &stored);
  LOOKOUT_TEST_WAIT (stored);
  later_name = lookout_auth_secret_name (later);
  stored = FALSE;
  lookout_secret_store_named_async (later_name, "test", "bob's", NULL, stored_cb, &stored);
  LOOKOUT_TEST_WAIT (stored);

  monitor = lookout_test_monitor_new (store->store);
  lookout_test_add_target (monitor, site);
  g_clear_object (&monitor);

  /* a start: loaded without the password, which never went to the database */
  reloaded = lookout_test_monitor_new (store->store);
  loaded = g_list_model_get_item (lookout_monitor_get_targets (reloaded), 0);
  g_object_unref (loaded);
  g_assert_null (lookout_target_get_auth_password (loaded));
  lookout_auth_secrets_watch_async (reloaded, NULL, lookout_test_async_cb, &res);
  LOOKOUT_TEST_WAIT (res != NULL);
  g_assert_true (lookout_auth_secrets_watch_finish (reloaded, res, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lookout_target_get_auth_password (loaded), ==, "s3cret pass");

  lookout_test_add_target (reloaded, later);
  loaded = lookout_monitor_find_target_by_uri (reloaded, "http://127.0.0.1:8081/");
  g_assert_nonnull (loaded);
  LOOKOUT_TEST_WAIT (g_strcmp0 (lookout_target_get_auth_password (loaded), "bob's") == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) keyring_dir = lookout_test_dir_new ();
  g_autofree char *keyring = g_build_filename (keyring_dir, "test.keyring", NULL);

  /* libsecret's file backend: a keyring of the test's own */
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "lookout-test", TRUE);

  lookout_test_gui_init (&argc, &argv);

  g_test_add_func ("/gui/target-dialog/empty", test_dialog_empty);
  g_test_add_func ("/gui/target-dialog/valid-invalid", test_dialog_valid_invalid);
  g_test_add_func ("/gui/target-dialog/paste-switches-kind", test_dialog_paste_switches_kind);
  g_test_add_func ("/gui/target-dialog/normalised-and-slips", test_dialog_normalised_and_slips);
  g_test_add_func ("/gui/target-dialog/name-follows-address", test_dialog_name_follows_address);
  g_test_add_func ("/gui/target-dialog/build-target", test_dialog_build_target);
  g_test_add_func ("/gui/target-dialog/edit", test_dialog_edit);
  g_test_add_func ("/gui/target-dialog/confirm-without-monitor", test_dialog_confirm_without_monitor);
  g_test_add_func ("/gui/target-dialog/kind-options", test_dialog_kind_options);
  g_test_add_func ("/gui/target-dialog/locations", test_dialog_locations);
  g_test_add_func ("/gui/target-dialog/organise", test_dialog_organise);
  g_test_add_func ("/gui/target-dialog/known-tags", test_dialog_known_tags);
  g_test_add_func ("/gui/target-dialog/http-auth", test_dialog_http_auth);
  g_test_add_func ("/gui/target-dialog/ntp-offsets", test_dialog_ntp_offsets);
  g_test_add_func ("/gui/auth-secrets/watch", test_auth_secrets_watch);

  return g_test_run ();
}
