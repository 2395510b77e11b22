/* alta-fhir-messages.h: messages with the care team (Communication), their rules and queries
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

/* A message's text, in Unicode characters (code points) */
#define ALTA_FHIR_MESSAGE_MAX_CHARS 10000

gboolean    alta_fhir_message_check_text       (const char   *text,
                                                const char   *field,
                                                const char   *language,
                                                GError      **error);
gboolean    alta_fhir_message_check_new        (JsonObject   *communication,
                                                const char   *language,
                                                GPtrArray   **out_replied_ids,
                                                GError      **error);
GHashTable *alta_fhir_care_team_collect        (GPtrArray    *care_teams);
gboolean    alta_fhir_message_check_recipients (JsonObject   *communication,
                                                GHashTable   *care_team,
                                                const char   *language,
                                                GError      **error);
void        alta_fhir_message_prepare_new      (JsonObject   *communication,
                                                const char   *author_ref,
                                                gint64        now);
gboolean    alta_fhir_message_is_from_record   (JsonObject   *communication);
gboolean    alta_fhir_message_check_update     (JsonObject   *stored,
                                                JsonObject   *updated,
                                                const char   *patient_id,
                                                const char   *language,
                                                GError      **error);
JsonObject *alta_fhir_message_new_reply        (JsonObject   *message,
                                                const char   *patient_id,
                                                const char   *practitioner_id,
                                                const char   *text,
                                                gint64        now);

GPtrArray  *alta_fhir_store_list_care_teams    (AltaStore    *store,
                                                const char   *patient_id,
                                                GError      **error);

gboolean    alta_fhir_message_create           (AltaFhirWrite *write,
                                                GError       **error);
gboolean    alta_fhir_message_update           (AltaFhirWrite *write,
                                                GError       **error);

G_END_DECLS
