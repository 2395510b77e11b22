/* alta-appointment-row.h: a visit or a dental request on the appointments page
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-appointment.h"
#include "alta-clinic.h"

G_BEGIN_DECLS

typedef enum
{
  ALTA_APPOINTMENT_ROW_UPCOMING,   /* with "Add to Calendar" and "Cancel" */
  ALTA_APPOINTMENT_ROW_PAST,
  ALTA_APPOINTMENT_ROW_REQUEST,    /* a dental request: its state, and "Cancel" while waiting */
} AltaAppointmentRowKind;

#define ALTA_TYPE_APPOINTMENT_ROW (alta_appointment_row_get_type ())

G_DECLARE_FINAL_TYPE (AltaAppointmentRow, alta_appointment_row, ALTA, APPOINTMENT_ROW, AdwActionRow)

GtkWidget       *alta_appointment_row_new             (AltaAppointment        *appointment,
                                                       AltaClinic             *clinic,
                                                       AltaAppointmentRowKind  kind,
                                                       gboolean                allow_files);
AltaAppointment *alta_appointment_row_get_appointment (AltaAppointmentRow     *self);

G_END_DECLS
