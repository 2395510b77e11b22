/* alta-fhir-appointments.h: booking, cancelling and requesting appointments
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-server-fhir-write.h"

G_BEGIN_DECLS

#define ALTA_FHIR_SERVICE_CATEGORY_SYSTEM "https://myaltamed.net/fhir/CodeSystem/service-category"

/* The longest reason a patient may give for a dental request, in characters */
#define ALTA_FHIR_DENTAL_REASON_MAX 1000

gboolean alta_fhir_appointment_create       (AltaFhirWrite  *write,
                                             GError        **error);
gboolean alta_fhir_appointment_update       (AltaFhirWrite  *write,
                                             GError        **error);

/* The clinic's side (admin commands), each in the caller's transaction */
gboolean alta_fhir_appointments_open_slots  (AltaStore      *store,
                                             const char     *practitioner_id,
                                             const char     *location_id,
                                             const char     *service,
                                             GTimeZone      *zone,
                                             int             days,
                                             int             first_minute,
                                             int             last_minute,
                                             int             slot_minutes,
                                             gboolean        weekdays_only,
                                             gint64          now,
                                             char          **out_schedule_id,
                                             guint          *out_n_created,
                                             GError        **error);
gboolean alta_fhir_appointments_confirm_dental (AltaStore   *store,
                                             const char     *appointment_id,
                                             const char     *slot_id,
                                             gint64          now,
                                             char          **out_patient_id,
                                             GError        **error);
gboolean alta_fhir_appointments_decline_dental (AltaStore   *store,
                                             const char     *appointment_id,
                                             const char     *reason,
                                             gint64          now,
                                             char          **out_patient_id,
                                             GError        **error);

G_END_DECLS
