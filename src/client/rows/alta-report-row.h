/* alta-report-row.h: a report in the results list
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-lab-report.h"
#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_REPORT_ROW (alta_report_row_get_type ())

G_DECLARE_FINAL_TYPE (AltaReportRow, alta_report_row, ALTA, REPORT_ROW, AdwBin)

GtkWidget     *alta_report_row_new         (void);
AltaLabReport *alta_report_row_get_report  (AltaReportRow *self);
AltaSession   *alta_report_row_get_session (AltaReportRow *self);
void           alta_report_row_show        (AltaReportRow *self,
                                            AltaSession   *session,
                                            AltaLabReport *report);

G_END_DECLS
