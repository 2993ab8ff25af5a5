/* lookout-trace-dialog.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "lookout-trace-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "lookout-trace.h"
#include "lookout-trace-dialog.h"

#define TRACE_TIMEOUT_MS 10000

struct _LookoutTraceDialog
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkButton       *again_button;
  GtkSpinner      *spinner;
  GtkLabel        *status_label;
  LookoutHopTable *hop_table;

  char            *host;
  GCancellable    *cancellable;
  gboolean         running;
};

G_DEFINE_FINAL_TYPE (LookoutTraceDialog, lookout_trace_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (LookoutTraceDialog *self,
             gboolean            running,
             const char         *status)
{
  gtk_label_set_label (self->status_label, status);
  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->again_button), !running);
  if (self->running != running)
    {
      self->running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
}

static void
traced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LookoutTraceDialog) self = user_data;
  g_autoptr(LookoutTraceReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  report = lookout_trace_run_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (report == NULL)
    {
      status = g_strdup_printf (_("Could not trace the route to %s: %s"), self->host, error->message);
      set_running (self, FALSE, status);
      return;
    }

  lookout_hop_table_add_report (self->hop_table, report);
  if (report->destination_ttl > 0)
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s answered after %u hop",
                                           "%s answered after %u hops", report->destination_ttl),
                              self->host, report->destination_ttl);
  else if (report->unreachable)
    status = g_strdup_printf (_("%s is unreachable: the path ends after hop %u"),
                              self->host, report->n_hops);
  else
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s did not answer within %u hop",
                                           "%s did not answer within %u hops", report->n_hops),
                              self->host, report->n_hops);
  set_running (self, FALSE, status);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LookoutTraceDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses;
  LookoutTraceOptions options;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (addresses == NULL)
    {
      g_autofree char *status = g_strdup_printf (_("Could not find the address of %s: %s"),
                                                 self->host, error->message);

      set_running (self, FALSE, status);
      return;
    }

  lookout_trace_options_init (&options);
  lookout_trace_run_async (addresses->data, &options, TRACE_TIMEOUT_MS, self->cancellable,
                           traced_cb, g_object_ref (self));
  g_resolver_free_addresses (addresses);
}

static void
start (LookoutTraceDialog *self)
{
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  g_autofree char *status = g_strdup_printf (_("Tracing the route to %s…"), self->host);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  lookout_hop_table_reset (self->hop_table);
  set_running (self, TRUE, status);
  g_resolver_lookup_by_name_async (resolver, self->host, self->cancellable,
                                   resolved_cb, g_object_ref (self));
}

static void
again_clicked_cb (LookoutTraceDialog *self)
{
  start (self);
}

static void
lookout_trace_dialog_dispose (GObject *object)
{
  LookoutTraceDialog *self = LOOKOUT_TRACE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LOOKOUT_TYPE_TRACE_DIALOG);

  G_OBJECT_CLASS (lookout_trace_dialog_parent_class)->dispose (object);
}

static void
lookout_trace_dialog_finalize (GObject *object)
{
  LookoutTraceDialog *self = LOOKOUT_TRACE_DIALOG (object);

  g_free (self->host);

  G_OBJECT_CLASS (lookout_trace_dialog_parent_class)->finalize (object);
}

static void
lookout_trace_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  LookoutTraceDialog *self = LOOKOUT_TRACE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_trace_dialog_class_init (LookoutTraceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lookout_trace_dialog_dispose;
  object_class->finalize = lookout_trace_dialog_finalize;
  object_class->get_property = lookout_trace_dialog_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LOOKOUT_TYPE_HOP_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lookoutapp/Lookout/lookout-trace-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LookoutTraceDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, LookoutTraceDialog, again_button);
  gtk_widget_class_bind_template_child (widget_class, LookoutTraceDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, LookoutTraceDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, LookoutTraceDialog, hop_table);
  gtk_widget_class_bind_template_callback (widget_class, again_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
lookout_trace_dialog_init (LookoutTraceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
lookout_trace_dialog_new (GtkWindow  *parent,
                          const char *host)
{
  LookoutTraceDialog *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (LOOKOUT_TYPE_TRACE_DIALOG, "transient-for", parent, NULL);
  self->host = g_strdup (host);
  adw_window_title_set_subtitle (self->window_title, host);
  start (self);

  return GTK_WIDGET (self);
}

LookoutHopTable *
lookout_trace_dialog_get_hop_table (LookoutTraceDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TRACE_DIALOG (self), NULL);

  return self->hop_table;
}

gboolean
lookout_trace_dialog_get_running (LookoutTraceDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TRACE_DIALOG (self), FALSE);

  return self->running;
}

const char *
lookout_trace_dialog_get_status (LookoutTraceDialog *self)
{
  g_return_val_if_fail (LOOKOUT_IS_TRACE_DIALOG (self), NULL);

  return gtk_label_get_label (self->status_label);
}
