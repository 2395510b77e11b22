/* alta-immunization.h: a vaccine given (FHIR Immunization)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_IMMUNIZATION (alta_immunization_get_type ())

G_DECLARE_FINAL_TYPE (AltaImmunization, alta_immunization, ALTA, IMMUNIZATION, AltaRecordItem)

const char           *alta_immunization_get_location   (AltaImmunization *self);
const char           *alta_immunization_get_lot_number (AltaImmunization *self);

G_END_DECLS
