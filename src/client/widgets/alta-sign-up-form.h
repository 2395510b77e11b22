/* alta-sign-up-form.h: a new account with an activation code, then signed in
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SIGN_UP_FORM (alta_sign_up_form_get_type ())

G_DECLARE_FINAL_TYPE (AltaSignUpForm, alta_sign_up_form, ALTA, SIGN_UP_FORM, AdwBin)

AltaSignUpForm   *alta_sign_up_form_new                 (void);
AltaPortalClient *alta_sign_up_form_get_client          (AltaSignUpForm   *self);
void              alta_sign_up_form_set_client          (AltaSignUpForm   *self,
                                                         AltaPortalClient *client);
const char       *alta_sign_up_form_get_activation_code (AltaSignUpForm   *self);
void              alta_sign_up_form_set_activation_code (AltaSignUpForm   *self,
                                                         const char       *activation_code);
gboolean          alta_sign_up_form_get_code_editable   (AltaSignUpForm   *self);
void              alta_sign_up_form_set_code_editable   (AltaSignUpForm   *self,
                                                         gboolean          code_editable);
void              alta_sign_up_form_clear               (AltaSignUpForm   *self);
void              alta_sign_up_form_focus               (AltaSignUpForm   *self);

G_END_DECLS
