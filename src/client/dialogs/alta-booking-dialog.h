/* alta-booking-dialog.h: booking a medical visit: the kind, a free time, confirm
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_BOOKING_DIALOG (alta_booking_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AltaBookingDialog, alta_booking_dialog, ALTA, BOOKING_DIALOG, AdwWindow)

AltaBookingDialog *alta_booking_dialog_new (GtkWindow        *parent,
                                            AltaPortalClient *client,
                                            const char       *patient_id,
                                            gboolean          allow_files);

G_END_DECLS
