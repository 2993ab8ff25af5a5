/* lookout-window-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-window.h"
#include "lookout-map.h"
#include "lookout-target-finder.h"
#include "lookout-target-page.h"

G_BEGIN_DECLS

/* The struct is here so the widget tests can reach the template children. */
struct _LookoutWindow
{
  AdwApplicationWindow  parent_instance;

  LookoutMonitor       *monitor;
  GtkSingleSelection   *selection;
  GSettings            *settings;
  GSignalGroup         *selected_signals;
  GCancellable         *cancellable;
  /* Target id (gint64 *) → its last LookoutResult in this session. */
  GHashTable           *last_results;

  AdwToastOverlay      *toast_overlay;
  AdwToast             *migration_toast;   /* weak: while an older file's history moves */
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkStack             *sidebar_stack;
  GtkListView          *list_view;
  /* search, filters and order of the list (lookout-target-finder.c) */
  LookoutTargetFinder  *finder;
  GtkWidget            *pause_button;
  GtkWidget            *resume_button;
  GtkStack             *content_stack;
  AdwWindowTitle       *content_title;
  AdwStatusPage        *error_page;
  GtkWidget            *read_only_button;  /* when another process monitors */
  /* Shown while results are not being saved. */
  GtkRevealer          *saving_revealer;
  GtkLabel             *saving_label;
  LookoutTargetPage    *target_page;
  GMenuModel           *target_menu;
  GtkWidget            *target_popover;   /* the row menu, parented to sidebar */

  /* The dashboard (lookout-window-map.c) */
  LookoutMap           *map;
  GtkToggleButton      *dashboard_button;

  /* The latest "Removed" toast, for tests (weak). */
  AdwToast             *removed_toast;
  /* The focus back on the selected row after a removal. */
  guint                 refocus_id;
};

void     lookout_window_update_view           (LookoutWindow  *self);
/* Where @target is in the list shown; clears the search and filters
 * first if they hide it. */
gboolean lookout_window_find_position         (LookoutWindow  *self,
                                               LookoutTarget  *target,
                                               guint          *position);

/* lookout-window-map.c */
void     lookout_window_map_class_init        (GtkWidgetClass *widget_class);
void     lookout_window_map_init              (LookoutWindow  *self);
void     lookout_window_map_set_monitor       (LookoutWindow  *self,
                                               LookoutMonitor *monitor);
gboolean lookout_window_map_is_shown          (LookoutWindow  *self);
void     lookout_window_leave_map             (LookoutWindow  *self);
void     lookout_window_map_show_result       (LookoutWindow       *self,
                                              const LookoutResult *result);
void     lookout_window_map_selection_changed (LookoutWindow  *self,
                                               LookoutTarget  *target);

/* lookout-window-transfer.c: the menu's import, export and backup, and
 * what they do with the file chosen */
void     lookout_window_transfer_class_init   (GtkWidgetClass *widget_class);
void     lookout_window_import_file           (LookoutWindow  *self,
                                               GFile          *file);
void     lookout_window_export_file           (LookoutWindow  *self,
                                               GFile          *file);
void     lookout_window_backup_file           (LookoutWindow  *self,
                                               GFile          *file);

G_END_DECLS
