/* alta-fhir-refills.h: refill requests (Task), their rules and their queries
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "alta-server-fhir-write.h"
#include "alta-store.h"

G_BEGIN_DECLS

#define ALTA_FHIR_TASK_TYPE_SYSTEM "https://myaltamed.net/fhir/CodeSystem/task-type"
#define ALTA_FHIR_TASK_TYPE_REFILL "refill-request"

/* What a request's medication allows, from the Task's point of view */
typedef struct
{
  guint pending;      /* refill requests still open (not yet completed, rejected, ...) */
  guint completed;    /* refill requests the clinic completed: each used one refill */
} AltaFhirRefillCounts;

gboolean     alta_fhir_refill_is_pending_status  (const char            *status);
gboolean     alta_fhir_task_is_refill_request    (JsonObject            *task);
gint64       alta_fhir_refills_left              (JsonObject            *medication_request,
                                                  guint                  completed);
gboolean     alta_fhir_refill_check_new          (JsonObject            *task,
                                                  const char            *language,
                                                  char                 **out_medication_id,
                                                  GError               **error);
gboolean     alta_fhir_refill_check_medication   (JsonObject            *medication_request,
                                                  const AltaFhirRefillCounts *counts,
                                                  const char            *language,
                                                  GError               **error);
void         alta_fhir_refill_prepare_new        (JsonObject            *task,
                                                  JsonObject            *medication_request,
                                                  const char            *author_ref,
                                                  gint64                 now);
gboolean     alta_fhir_refill_set_outcome        (JsonObject            *task,
                                                  const char            *status,
                                                  const char            *reason,
                                                  gint64                 now,
                                                  GError               **error);

gboolean     alta_fhir_store_count_refills       (AltaStore             *store,
                                                  const char            *patient_id,
                                                  const char            *medication_id,
                                                  AltaFhirRefillCounts  *out_counts,
                                                  GError               **error);

gboolean     alta_fhir_refill_create             (AltaFhirWrite         *write,
                                                  GError               **error);

G_END_DECLS
