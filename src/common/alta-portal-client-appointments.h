/* alta-portal-client-appointments.h: appointments and dental requests, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-appointment.h"
#include "alta-clinic.h"
#include "alta-portal-client.h"

G_BEGIN_DECLS

/* One day and time of day that would suit the patient for a dental visit */
typedef struct
{
  GDateTime *start;
  GDateTime *end;
} AltaRequestedPeriod;

void             alta_portal_client_cancel_appointment_async  (AltaPortalClient          *self,
                                                               AltaAppointment           *appointment,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
AltaAppointment *alta_portal_client_cancel_appointment_finish (AltaPortalClient          *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void             alta_portal_client_request_dental_async      (AltaPortalClient          *self,
                                                               const char                *patient_id,
                                                               const AltaRequestedPeriod *periods,
                                                               guint                      n_periods,
                                                               const char                *reason,
                                                               const char                *request_id,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
AltaAppointment *alta_portal_client_request_dental_finish     (AltaPortalClient          *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);
void             alta_portal_client_find_dental_clinic_async  (AltaPortalClient          *self,
                                                               const char * const        *preferred_ids,
                                                               GCancellable              *cancellable,
                                                               GAsyncReadyCallback        callback,
                                                               gpointer                   user_data);
AltaClinic      *alta_portal_client_find_dental_clinic_finish (AltaPortalClient          *self,
                                                               GAsyncResult              *result,
                                                               GError                   **error);

G_END_DECLS
