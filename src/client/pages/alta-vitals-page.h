/* alta-vitals-page.h: vital signs, each kind's latest value, its trend and its history
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_VITALS_PAGE (alta_vitals_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaVitalsPage, alta_vitals_page, ALTA, VITALS_PAGE, AdwBin)

AltaSession *alta_vitals_page_get_session (AltaVitalsPage *self);
void         alta_vitals_page_set_session (AltaVitalsPage *self,
                                           AltaSession    *session);

G_END_DECLS
