/* alta-lab-report.h: a test report and its values (FHIR DiagnosticReport)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

/* Largest presented form read, decoded: a report's text is never more, and a hostile
 * server cannot make the app lay out megabytes */
#define ALTA_REPORT_MAX_FORM (64 * 1024)

#define ALTA_TYPE_LAB_REPORT (alta_lab_report_get_type ())

G_DECLARE_FINAL_TYPE (AltaLabReport, alta_lab_report, ALTA, LAB_REPORT, AltaRecordItem)

const char           *alta_lab_report_get_category   (AltaLabReport *self);
const char           *alta_lab_report_get_performer  (AltaLabReport *self);
const char           *alta_lab_report_get_conclusion (AltaLabReport *self);
const char           *alta_lab_report_get_text       (AltaLabReport *self);
const char * const   *alta_lab_report_get_result_ids (AltaLabReport *self);

char                 *alta_fhir_html_to_text         (const char    *html);

G_END_DECLS
