/* alta-application.h: the MyAltaMed application
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define ALTA_TYPE_APPLICATION (alta_application_get_type ())

G_DECLARE_FINAL_TYPE (AltaApplication, alta_application, ALTA, APPLICATION, AdwApplication)

AltaApplication *alta_application_new (void);

G_END_DECLS
