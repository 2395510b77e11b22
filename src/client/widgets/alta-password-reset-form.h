/* alta-password-reset-form.h: a forgotten password, reset with a mailed code
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_PASSWORD_RESET_FORM (alta_password_reset_form_get_type ())

G_DECLARE_FINAL_TYPE (AltaPasswordResetForm, alta_password_reset_form, ALTA, PASSWORD_RESET_FORM, AdwBin)

void alta_password_reset_form_set_client (AltaPasswordResetForm *self,
                                          AltaPortalClient      *client);
void alta_password_reset_form_clear      (AltaPasswordResetForm *self);
void alta_password_reset_form_focus      (AltaPasswordResetForm *self);

G_END_DECLS
