/* lookout-window-transfer.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main menu's Import Targets…, Export Targets… and Back Up Database…
 *
 * An import reads and parses the whole file on a worker thread (a targets
 * file or a JSON array, lookout_target_list_parse()), refuses it whole
 * when a line is bad or a target is already monitored, naming each, and
 * only then adds every target. An export writes the list as a targets file
 * or JSON, chosen by the file's extension. A backup is the store's online
 * copy of the whole database. */

#define G_LOG_DOMAIN "lookout-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lookout-input-file.h"
#include "lookout-target-list.h"
#include "lookout-window-private.h"

static void
show_toast (LookoutWindow *self,
            const char    *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_problem (LookoutWindow *self,
              const char    *heading,
              const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- import ---- */

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *contents = NULL;
  GPtrArray *targets;
  GError *error = NULL;
  gsize length = 0;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("%s is not a local file"), name);
      return;
    }
  if (!lookout_input_file_read (path, LOOKOUT_INPUT_LIMIT_TARGETS, _("a targets file"),
                                &contents, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  targets = lookout_target_list_parse (contents, length, name, &error);
  if (targets == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, targets, (GDestroyNotify) g_ptr_array_unref);
}

static void
imported_one_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_problem (self, _("A Target Was Not Added"), error->message);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GString) known = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  targets = g_task_propagate_pointer (G_TASK (result), &error);
  if (targets == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self, _("Nothing Imported"), error->message);
      return;
    }
  if (self->monitor == NULL)
    return;

  /* All or nothing: a target already watched refuses the whole file. */
  for (guint i = 0; i < targets->len; i++)
    {
      const char *uri = lookout_target_get_uri_string (targets->pdata[i]);

      if (lookout_monitor_find_target_by_uri (self->monitor, uri) != NULL)
        g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "", uri);
    }
  if (known->len > 0)
    {
      g_autofree char *body = g_strdup_printf (_("These targets are already monitored: %s"), known->str);

      show_problem (self, _("Nothing Imported"), body);
      return;
    }

  for (guint i = 0; i < targets->len; i++)
    lookout_monitor_add_target_async (self->monitor, targets->pdata[i], self->cancellable,
                                      imported_one_cb, g_object_ref (self));

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u target", "Imported %u targets",
                                        targets->len), targets->len);
  show_toast (self, title);
}

void
lookout_window_import_file (LookoutWindow *self,
                            GFile         *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, self->cancellable, read_cb, g_object_ref (self));
  g_task_set_source_tag (task, lookout_window_import_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, read_thread);
}

/* ---- export and backup ---- */

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (object));
  g_autofree char *title = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self, _("Targets Not Exported"), error->message);
      return;
    }

  title = g_strdup_printf (_("Targets exported to %s"), name);
  show_toast (self, title);
}

void
lookout_window_export_file (LookoutWindow *self,
                            GFile         *file)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *text;

  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->monitor == NULL)
    return;

  name = g_file_get_basename (file);
  text = lookout_target_list_format (lookout_monitor_get_targets (self->monitor),
                                     g_str_has_suffix (name, ".json") ? LOOKOUT_TARGET_LIST_JSON
                                                                      : LOOKOUT_TARGET_LIST_TEXT);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, written_cb, g_object_ref (self));
}

static void
backed_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LookoutWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lookout_store_backup_finish (LOOKOUT_STORE (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_problem (self, _("Database Not Backed Up"), error->message);
      return;
    }

  show_toast (self, _("Database backed up"));
}

void
lookout_window_backup_file (LookoutWindow *self,
                            GFile         *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (LOOKOUT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->monitor == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      show_problem (self, _("Database Not Backed Up"), _("A backup is written to a local file"));
      return;
    }
  lookout_store_backup_async (lookout_monitor_get_store (self->monitor), path, self->cancellable,
                              backed_up_cb, g_object_ref (self));
}

/* ---- the file choosers ---- */

typedef void (*FileFunc) (LookoutWindow *self,
                          GFile         *file);

static void
chooser_responded_cb (GtkNativeDialog *chooser,
                      int              response,
                      LookoutWindow   *self)
{
  FileFunc func = g_object_get_data (G_OBJECT (chooser), "lookout-file-func");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    func (self, file);

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
choose_file (LookoutWindow        *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept,
             const char           *suggested,
             FileFunc              func)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, NULL);
  if (suggested != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "lookout-file-func", func);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_responded_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
import_targets_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  choose_file (LOOKOUT_WINDOW (widget), _("Import Targets"), GTK_FILE_CHOOSER_ACTION_OPEN,
               _("_Import"), NULL, lookout_window_import_file);
}

static void
export_targets_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  choose_file (LOOKOUT_WINDOW (widget), _("Export Targets"), GTK_FILE_CHOOSER_ACTION_SAVE,
               _("_Export"), "lookout-targets.txt", lookout_window_export_file);
}

static void
backup_database_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *suggested = g_date_time_format (now, "lookout-backup-%Y-%m-%d.db");

  choose_file (LOOKOUT_WINDOW (widget), _("Back Up Database"), GTK_FILE_CHOOSER_ACTION_SAVE,
               _("_Back Up"), suggested, lookout_window_backup_file);
}

void
lookout_window_transfer_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-targets", NULL, import_targets_action);
  gtk_widget_class_install_action (widget_class, "win.export-targets", NULL, export_targets_action);
  gtk_widget_class_install_action (widget_class, "win.backup-database", NULL, backup_database_action);
}
