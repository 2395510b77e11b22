/* alta-preferences-page.h: the signed-in account's contact details, language and password
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_PREFERENCES_PAGE (alta_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaPreferencesPage, alta_preferences_page, ALTA, PREFERENCES_PAGE, AdwBin)

AltaSession *alta_preferences_page_get_session   (AltaPreferencesPage *self);
void         alta_preferences_page_set_session   (AltaPreferencesPage *self,
                                                  AltaSession         *session);
void         alta_preferences_page_take_typed    (AltaPreferencesPage *self,
                                                  AltaPreferencesPage *from);
void         alta_preferences_page_save_language (AltaPreferencesPage *self);

G_END_DECLS
