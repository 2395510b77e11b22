/* alta-request-code-form.h: asking for an activation code by mail
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_REQUEST_CODE_FORM (alta_request_code_form_get_type ())

G_DECLARE_FINAL_TYPE (AltaRequestCodeForm, alta_request_code_form, ALTA, REQUEST_CODE_FORM, AdwBin)

void alta_request_code_form_set_client (AltaRequestCodeForm *self,
                                        AltaPortalClient    *client);
void alta_request_code_form_clear      (AltaRequestCodeForm *self);
void alta_request_code_form_focus      (AltaRequestCodeForm *self);

G_END_DECLS
