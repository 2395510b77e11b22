/* alta-appointments-page.h: visits to come and past, booking, cancelling, dental requests
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_APPOINTMENTS_PAGE (alta_appointments_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaAppointmentsPage, alta_appointments_page, ALTA, APPOINTMENTS_PAGE, AdwBin)

AltaSession *alta_appointments_page_get_session (AltaAppointmentsPage *self);
void         alta_appointments_page_set_session (AltaAppointmentsPage *self,
                                                 AltaSession          *session);

G_END_DECLS
