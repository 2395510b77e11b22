/* alta-message.h: a message between a patient and the care team (FHIR Communication)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_MESSAGE (alta_message_get_type ())

G_DECLARE_FINAL_TYPE (AltaMessage, alta_message, ALTA, MESSAGE, AltaRecordItem)

gboolean    alta_message_get_from_patient   (AltaMessage *self);
gboolean    alta_message_get_is_read        (AltaMessage *self);
gboolean    alta_message_get_is_unread      (AltaMessage *self);
const char *alta_message_get_text           (AltaMessage *self);
const char *alta_message_get_in_response_to (AltaMessage *self);

G_END_DECLS
