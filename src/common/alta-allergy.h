/* alta-allergy.h: an allergy or intolerance (FHIR AllergyIntolerance)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_ALLERGY (alta_allergy_get_type ())

G_DECLARE_FINAL_TYPE (AltaAllergy, alta_allergy, ALTA, ALLERGY, AltaRecordItem)

const char           *alta_allergy_get_reaction    (AltaAllergy *self);
const char           *alta_allergy_get_severity    (AltaAllergy *self);
const char           *alta_allergy_get_criticality (AltaAllergy *self);

G_END_DECLS
