/* alta-vital-sign.h: one measurement of a vital sign (FHIR Observation, vital-signs)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

/**
 * AltaVitalKind:
 *
 * What was measured, from the Observation's LOINC codes. A vital sign of a code not
 * listed is %ALTA_VITAL_KIND_OTHER and goes by its own name.
 */
typedef enum
{
  ALTA_VITAL_KIND_OTHER,
  ALTA_VITAL_KIND_BLOOD_PRESSURE,
  ALTA_VITAL_KIND_HEART_RATE,
  ALTA_VITAL_KIND_RESPIRATORY_RATE,
  ALTA_VITAL_KIND_TEMPERATURE,
  ALTA_VITAL_KIND_OXYGEN_SATURATION,
  ALTA_VITAL_KIND_WEIGHT,
  ALTA_VITAL_KIND_HEIGHT,
  ALTA_VITAL_KIND_BMI,
  ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE,
} AltaVitalKind;

#define ALTA_TYPE_VITAL_KIND (alta_vital_kind_get_type ())
GType alta_vital_kind_get_type (void);

#define ALTA_TYPE_VITAL_SIGN (alta_vital_sign_get_type ())

G_DECLARE_FINAL_TYPE (AltaVitalSign, alta_vital_sign, ALTA, VITAL_SIGN, AltaRecordItem)

AltaVitalKind  alta_vital_sign_get_kind           (AltaVitalSign *self);
const char    *alta_vital_sign_get_code           (AltaVitalSign *self);
char          *alta_vital_sign_dup_key            (AltaVitalSign *self);
gboolean       alta_vital_sign_get_has_value      (AltaVitalSign *self);
double         alta_vital_sign_get_value          (AltaVitalSign *self);
gboolean       alta_vital_sign_get_has_diastolic  (AltaVitalSign *self);
double         alta_vital_sign_get_diastolic      (AltaVitalSign *self);
const char    *alta_vital_sign_get_unit           (AltaVitalSign *self);
int            alta_vital_sign_get_decimals       (AltaVitalSign *self);

G_END_DECLS
