/* alta-refill-request.h: a request to refill a prescription (a FHIR Task) and its answer
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "alta-record-item.h"

G_BEGIN_DECLS

typedef enum
{
  ALTA_REFILL_PENDING,    /* requested, received, accepted, in progress... */
  ALTA_REFILL_COMPLETED,
  ALTA_REFILL_REJECTED,   /* rejected, cancelled or failed: the reason says why */
} AltaRefillState;

#define ALTA_TYPE_REFILL_REQUEST (alta_refill_request_get_type ())

G_DECLARE_FINAL_TYPE (AltaRefillRequest, alta_refill_request, ALTA, REFILL_REQUEST, AltaRecordItem)

AltaRefillState  alta_refill_request_get_state         (AltaRefillRequest *self);
const char      *alta_refill_request_get_medication_id (AltaRefillRequest *self);
const char      *alta_refill_request_get_reason        (AltaRefillRequest *self);
const char      *alta_refill_request_get_note          (AltaRefillRequest *self);

JsonObject      *alta_refill_request_new_json          (const char        *patient_id,
                                                        const char        *medication_id,
                                                        const char        *note);

G_END_DECLS
