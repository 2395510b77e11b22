/* alta-slot.h: a free or busy time in a clinician's schedule
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

#define ALTA_TYPE_SLOT (alta_slot_get_type ())

G_DECLARE_FINAL_TYPE (AltaSlot, alta_slot, ALTA, SLOT, AltaRecordItem)

GDateTime  *alta_slot_get_start       (AltaSlot *self);
GDateTime  *alta_slot_get_end         (AltaSlot *self);
const char *alta_slot_get_schedule_id (AltaSlot *self);
gboolean    alta_slot_get_is_free     (AltaSlot *self);

G_END_DECLS
