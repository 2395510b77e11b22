/* alta-help-page.h: the patient FAQ, searchable, with the numbers to call
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ALTA_TYPE_HELP_PAGE (alta_help_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaHelpPage, alta_help_page, ALTA, HELP_PAGE, AdwBin)

void alta_help_page_reset (AltaHelpPage *self);

G_END_DECLS
