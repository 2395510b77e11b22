/* alta-appointment.h: a visit, booked, requested or cancelled
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

typedef enum
{
  ALTA_SERVICE_MEDICAL,
  ALTA_SERVICE_DENTAL,
} AltaService;

/* Where a visit stands, as the patient says it */
typedef enum
{
  ALTA_APPOINTMENT_BOOKED,      /* booked: it has its time */
  ALTA_APPOINTMENT_REQUESTED,   /* proposed or pending: a dental request, waiting */
  ALTA_APPOINTMENT_CANCELLED,   /* cancelled by the patient (or for a reason not the clinic's) */
  ALTA_APPOINTMENT_DECLINED,    /* cancelled by the clinic: a request it will not book */
  ALTA_APPOINTMENT_ATTENDED,    /* arrived, checked in or fulfilled */
  ALTA_APPOINTMENT_MISSED,      /* noshow */
  ALTA_APPOINTMENT_UNKNOWN,
} AltaAppointmentState;

#define ALTA_APPOINTMENT_MAX_PERIODS 8

#define ALTA_TYPE_APPOINTMENT (alta_appointment_get_type ())

G_DECLARE_FINAL_TYPE (AltaAppointment, alta_appointment, ALTA, APPOINTMENT, AltaRecordItem)

const char           *alta_appointment_get_practitioner    (AltaAppointment *self);
const char           *alta_appointment_get_location        (AltaAppointment *self);
const char           *alta_appointment_get_location_id     (AltaAppointment *self);
AltaService           alta_appointment_get_service         (AltaAppointment *self);
AltaAppointmentState  alta_appointment_get_state           (AltaAppointment *self);
GDateTime            *alta_appointment_get_start           (AltaAppointment *self);
GDateTime            *alta_appointment_get_end             (AltaAppointment *self);
const char           *alta_appointment_get_comment         (AltaAppointment *self);
const char           *alta_appointment_get_cancel_reason   (AltaAppointment *self);
guint                 alta_appointment_get_n_requested_periods (AltaAppointment *self);
gboolean              alta_appointment_get_requested_period (AltaAppointment  *self,
                                                             guint             index,
                                                             GDateTime       **out_start,
                                                             GDateTime       **out_end);

G_END_DECLS
