/* lookout-report-window-private.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lookout-report-window.h"

G_BEGIN_DECLS

/* Prints the report shown (the text report, landscape, page by page):
 * with the print dialog for the Print button, or straight into the PDF file
 * @export_path with GTK_PRINT_OPERATION_ACTION_EXPORT. */
GtkPrintOperationResult lookout_report_window_print (LookoutReportWindow      *self,
                                                     GtkPrintOperationAction   action,
                                                     const char               *export_path,
                                                     GError                  **error);

G_END_DECLS
