/* alta-application-private.h: what the application's files share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-application.h"

G_BEGIN_DECLS

void alta_application_add_actions (AltaApplication *self);

G_END_DECLS
