/* alta-sign-in-page.h: signing in
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-portal-client.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SIGN_IN_PAGE (alta_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaSignInPage, alta_sign_in_page, ALTA, SIGN_IN_PAGE, AdwBin)

void alta_sign_in_page_set_client        (AltaSignInPage   *self,
                                          AltaPortalClient *client);
void alta_sign_in_page_set_settings      (AltaSignInPage   *self,
                                          GSettings        *settings,
                                          gboolean          may_remember);
void alta_sign_in_page_reset             (AltaSignInPage   *self,
                                          const char       *notice);

void alta_sign_in_page_focus             (AltaSignInPage   *self);
void alta_sign_in_page_take_input        (AltaSignInPage   *self,
                                          AltaSignInPage   *from);

G_END_DECLS
