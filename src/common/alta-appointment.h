/* alta-appointment.h: a visit booked with the care team (FHIR Appointment)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_APPOINTMENT (alta_appointment_get_type ())

G_DECLARE_FINAL_TYPE (AltaAppointment, alta_appointment, ALTA, APPOINTMENT, AltaRecordItem)

const char *alta_appointment_get_practitioner (AltaAppointment *self);

G_END_DECLS
