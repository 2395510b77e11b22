/* alta-home-page.h: the greeting, whose record, and what is new
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_HOME_PAGE (alta_home_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaHomePage, alta_home_page, ALTA, HOME_PAGE, AdwBin)

AltaSession *alta_home_page_get_session (AltaHomePage *self);
void         alta_home_page_set_session (AltaHomePage *self,
                                         AltaSession  *session);

G_END_DECLS
