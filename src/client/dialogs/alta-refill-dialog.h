/* alta-refill-dialog.h: asking the clinic for a refill, with a note for the pharmacy
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

#define ALTA_TYPE_REFILL_DIALOG (alta_refill_dialog_get_type ())

G_DECLARE_FINAL_TYPE (AltaRefillDialog, alta_refill_dialog, ALTA, REFILL_DIALOG, AdwWindow)

AltaRefillDialog *alta_refill_dialog_new (GtkWindow      *parent,
                                          AltaSession    *session,
                                          AltaMedication *medication);

G_END_DECLS
