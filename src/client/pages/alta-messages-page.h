/* alta-messages-page.h: conversations with the care team
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "alta-session.h"

G_BEGIN_DECLS

#define ALTA_TYPE_MESSAGES_PAGE (alta_messages_page_get_type ())

G_DECLARE_FINAL_TYPE (AltaMessagesPage, alta_messages_page, ALTA, MESSAGES_PAGE, AdwBin)

AltaSession *alta_messages_page_get_session (AltaMessagesPage *self);
void         alta_messages_page_set_session (AltaMessagesPage *self,
                                             AltaSession      *session);

G_END_DECLS
