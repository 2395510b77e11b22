/* alta-connect-page.h: reaching the portal, and what went wrong
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ALTA_TYPE_CONNECT_PAGE (alta_connect_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaConnectPage, alta_connect_page, ALTA, CONNECT_PAGE, AdwBin)

void alta_connect_page_show_connecting (AltaConnectPage *self);
void alta_connect_page_show_error      (AltaConnectPage *self,
                                        const GError    *error);

void alta_connect_page_show_kiosk_down (AltaConnectPage *self,
                                        const GError    *error);

G_END_DECLS
