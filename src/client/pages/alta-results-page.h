/* alta-results-page.h: test results, a report's values, and a value's trend
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_RESULTS_PAGE (alta_results_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaResultsPage, alta_results_page, ALTA, RESULTS_PAGE, AdwBin)

AltaSession *alta_results_page_get_session (AltaResultsPage *self);
void         alta_results_page_set_session (AltaResultsPage *self,
                                            AltaSession     *session);

G_END_DECLS
