/* alta-portal-client-staff.h: the enrollment station's staff calls, as typed calls
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_STAFF_PATIENT (alta_staff_patient_get_type ())

G_DECLARE_FINAL_TYPE (AltaStaffPatient, alta_staff_patient, ALTA, STAFF_PATIENT, GObject)

const char *alta_staff_patient_get_id            (AltaStaffPatient *self);
const char *alta_staff_patient_get_name          (AltaStaffPatient *self);
const char *alta_staff_patient_get_birth_date    (AltaStaffPatient *self);
const char *alta_staff_patient_get_email         (AltaStaffPatient *self);
gboolean    alta_staff_patient_get_has_account   (AltaStaffPatient *self);
gboolean    alta_staff_patient_get_portal_access (AltaStaffPatient *self);

/* How a staff member checked a patient's identity, as the audit trail records it */
#define ALTA_IDENTITY_PHOTO_ID        "photo-id"
#define ALTA_IDENTITY_PHONE_QUESTIONS "phone-questions"
#define ALTA_IDENTITY_KNOWN_PATIENT   "known-patient"

void        alta_portal_client_staff_search_patients_async  (AltaPortalClient    *self,
                                                             const char          *family,
                                                             const char          *given,
                                                             const char          *birth_date,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GListStore *alta_portal_client_staff_search_patients_finish (AltaPortalClient    *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void        alta_portal_client_staff_issue_code_async       (AltaPortalClient    *self,
                                                             const char          *patient_id,
                                                             const char          *email,
                                                             const char          *identity_verified,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
char       *alta_portal_client_staff_issue_code_finish      (AltaPortalClient    *self,
                                                             GAsyncResult        *result,
                                                             GDateTime          **out_expires_at,
                                                             GError             **error);
void        alta_portal_client_staff_grant_proxy_async      (AltaPortalClient    *self,
                                                             const char          *proxy_username,
                                                             const char          *patient_id,
                                                             const char          *relationship,
                                                             const char          *consent_form_id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean    alta_portal_client_staff_grant_proxy_finish     (AltaPortalClient    *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);
void        alta_portal_client_staff_send_reset_async       (AltaPortalClient    *self,
                                                             const char          *username,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean    alta_portal_client_staff_send_reset_finish      (AltaPortalClient    *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

G_END_DECLS
