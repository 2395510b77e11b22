/* alta-clinic.h: a clinic (a FHIR Location): where it is, its phone, its time zone
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_CLINIC (alta_clinic_get_type ())

G_DECLARE_FINAL_TYPE (AltaClinic, alta_clinic, ALTA, CLINIC, AltaRecordItem)

const char *alta_clinic_get_address   (AltaClinic *self);
const char *alta_clinic_get_phone     (AltaClinic *self);
GTimeZone  *alta_clinic_get_time_zone (AltaClinic *self);

G_END_DECLS
