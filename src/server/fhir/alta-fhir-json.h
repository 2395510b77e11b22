/* alta-fhir-json.h: FHIR JSON text in and out, its numbers as they were written
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _AltaFhirJson AltaFhirJson;

gboolean      alta_fhir_json_scan_numbers    (const char    *data,
                                              gsize          length,
                                              GPtrArray    **out_numbers,
                                              GError       **error);

AltaFhirJson *alta_fhir_json_parse           (const char    *data,
                                              gssize         length,
                                              GError       **error);
JsonNode     *alta_fhir_json_get_root        (AltaFhirJson  *self);
void          alta_fhir_json_free            (AltaFhirJson  *self);

char         *alta_fhir_json_to_text         (JsonNode      *node);
char         *alta_fhir_resource_to_text     (JsonObject    *resource);
char         *alta_fhir_resource_to_content_text (JsonObject *resource,
                                                  gsize      *out_meta_at,
                                                  gboolean   *out_in_meta);
char         *alta_fhir_resource_add_version (const char    *content,
                                              gsize          meta_at,
                                              gboolean       in_meta,
                                              const char    *version_id,
                                              const char    *last_updated);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirJson, alta_fhir_json_free)

G_END_DECLS
