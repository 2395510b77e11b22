/* alta-value-row.h: one value of a report, with its range and flag
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-lab-result.h"

G_BEGIN_DECLS

#define ALTA_TYPE_VALUE_ROW (alta_value_row_get_type ())

G_DECLARE_FINAL_TYPE (AltaValueRow, alta_value_row, ALTA, VALUE_ROW, AdwActionRow)

GtkWidget     *alta_value_row_new        (AltaLabResult *result);
AltaLabResult *alta_value_row_get_result (AltaValueRow  *self);
void           alta_value_row_set_result (AltaValueRow  *self,
                                          AltaLabResult *result);

G_END_DECLS
