/* alta-medication-row.h: a prescription, its refills and how to ask for one
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-medication.h"
#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_MEDICATION_ROW (alta_medication_row_get_type ())

G_DECLARE_FINAL_TYPE (AltaMedicationRow, alta_medication_row, ALTA, MEDICATION_ROW, AdwActionRow)

GtkWidget      *alta_medication_row_new            (AltaSession       *session,
                                                    AltaMedication    *medication);
AltaMedication *alta_medication_row_get_medication (AltaMedicationRow *self);

G_END_DECLS
