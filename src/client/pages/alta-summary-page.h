/* alta-summary-page.h: allergies, immunizations, medications and problems
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SUMMARY_PAGE (alta_summary_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaSummaryPage, alta_summary_page, ALTA, SUMMARY_PAGE, AdwBin)

AltaSession *alta_summary_page_get_session (AltaSummaryPage *self);
void         alta_summary_page_set_session (AltaSummaryPage *self,
                                            AltaSession     *session);

G_END_DECLS
