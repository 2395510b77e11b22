/* alta-lab-result.h: one value of a test result (FHIR Observation)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

/**
 * AltaResultFlag:
 *
 * How a value compares with its reference range, from the laboratory's interpretation
 * or, when it gives none, from the range itself.
 */
typedef enum
{
  ALTA_RESULT_FLAG_NONE,           /* nothing to compare with */
  ALTA_RESULT_FLAG_NORMAL,
  ALTA_RESULT_FLAG_LOW,
  ALTA_RESULT_FLAG_HIGH,
  ALTA_RESULT_FLAG_CRITICAL_LOW,
  ALTA_RESULT_FLAG_CRITICAL_HIGH,
  ALTA_RESULT_FLAG_ABNORMAL,       /* abnormal, without a direction */
} AltaResultFlag;

#define ALTA_TYPE_RESULT_FLAG (alta_result_flag_get_type ())
GType alta_result_flag_get_type (void);

#define ALTA_TYPE_LAB_RESULT (alta_lab_result_get_type ())

G_DECLARE_FINAL_TYPE (AltaLabResult, alta_lab_result, ALTA, LAB_RESULT, AltaRecordItem)

const char           *alta_lab_result_get_code             (AltaLabResult *self);
const char           *alta_lab_result_get_code_system      (AltaLabResult *self);
const char           *alta_lab_result_get_category         (AltaLabResult *self);
double                alta_lab_result_get_value            (AltaLabResult *self);
gboolean              alta_lab_result_get_has_value        (AltaLabResult *self);
const char           *alta_lab_result_get_value_text       (AltaLabResult *self);
char                 *alta_lab_result_dup_value_with_unit  (AltaLabResult *self);
const char           *alta_lab_result_get_unit             (AltaLabResult *self);
double                alta_lab_result_get_low              (AltaLabResult *self);
gboolean              alta_lab_result_get_has_low          (AltaLabResult *self);
double                alta_lab_result_get_high             (AltaLabResult *self);
gboolean              alta_lab_result_get_has_high         (AltaLabResult *self);
const char           *alta_lab_result_get_range_text       (AltaLabResult *self);
const char           *alta_lab_result_get_range_unit       (AltaLabResult *self);
char                 *alta_lab_result_dup_range            (AltaLabResult *self);
char                 *alta_lab_result_dup_range_description (AltaLabResult *self);
AltaResultFlag        alta_lab_result_get_flag             (AltaLabResult *self);

G_END_DECLS
