/* alta-medication.h: a prescription (FHIR MedicationRequest)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_MEDICATION (alta_medication_get_type ())

G_DECLARE_FINAL_TYPE (AltaMedication, alta_medication, ALTA, MEDICATION, AltaRecordItem)

const char           *alta_medication_get_instructions (AltaMedication *self);
const char           *alta_medication_get_prescriber   (AltaMedication *self);
int                   alta_medication_get_refills      (AltaMedication *self);
const char           *alta_medication_get_code         (AltaMedication *self,
                                                        const char    **out_system);

G_END_DECLS
