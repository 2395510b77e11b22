/* alta-application-private.h: what the application's files share
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-application.h"
#include "alta-session.h"
#include "alta-window.h"

G_BEGIN_DECLS

void     alta_application_add_actions       (AltaApplication *self);
void     alta_application_lock_down_actions (AltaApplication *self);
void     alta_application_close_help        (AltaApplication *self);
gboolean alta_application_open_in_language  (AltaApplication *self,
                                             AltaWindow      *window,
                                             const char      *language,
                                             AltaSession     *session);
void     alta_application_restore_language  (AltaApplication *self,
                                             AltaWindow      *window);

G_END_DECLS
