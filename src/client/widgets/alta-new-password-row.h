/* alta-new-password-row.h: a new password's row, marking the password rules as typed
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "alta-password-policy.h"
#include "alta-password-row.h"

G_BEGIN_DECLS

#define ALTA_TYPE_NEW_PASSWORD_ROW (alta_new_password_row_get_type ())

G_DECLARE_FINAL_TYPE (AltaNewPasswordRow, alta_new_password_row, ALTA, NEW_PASSWORD_ROW,
                      AltaPasswordRow)

void        alta_new_password_row_set_username (AltaNewPasswordRow *self,
                                                const char         *username);
gboolean    alta_new_password_row_update       (AltaNewPasswordRow *self);
const char *alta_new_password_row_check        (AltaNewPasswordRow *self,
                                                const char         *username);

G_END_DECLS
