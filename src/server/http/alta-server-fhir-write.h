/* alta-server-fhir-write.h: writes to the clinical record (FHIR create, update, patch)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "alta-fhir-store.h"
#include "alta-server-private.h"

G_BEGIN_DECLS

/* The identifier system of the ids clients give their creates, for If-None-Exist */
#define ALTA_FHIR_CLIENT_REQUEST_SYSTEM "https://myaltamed.net/fhir/sid/client-request"

/* One write being made. The framework fills it; a type's handler checks and completes
 * @resource, and may make other changes in the same transaction (a slot turning busy, a
 * notice mail).
 */
typedef struct
{
  AltaRequest      *request;     /* the request (account, actor, language, now, request_id) */
  JsonObject       *resource;    /* the parsed body (POST/PUT) or the stored resource after a PATCH */
  const char       *patient_id;  /* the record written into, from the resource */
  gboolean          is_proxy;    /* the writer sees this record by proxy */
  char             *author_ref;  /* "Patient/<id>", or "RelatedPerson/<id>" for a proxy */
  AltaFhirRecord   *existing;    /* for update/patch: the stored record; NULL for create */
  JsonObject       *existing_resource; /* for update/patch: the stored resource, parsed */
} AltaFhirWrite;

typedef gboolean (*AltaFhirWriteFunc) (AltaFhirWrite  *write,
                                       GError        **error);

/* A type that can be written: its handlers, either may be NULL (not allowed, 405) */
typedef struct
{
  const char        *type;
  AltaFhirWriteFunc  create;     /* POST */
  AltaFhirWriteFunc  update;     /* PUT, and PATCH once the patch is applied */
} AltaFhirWriteType;

void      alta_server_fhir_write_register (AltaServer     *self);

gboolean  alta_fhir_write_fail            (AltaFhirWrite  *write,
                                           AltaPortalError code,
                                           const char     *format,
                                           const char     *argument,
                                           GError        **error);
gboolean  alta_fhir_write_only_changed    (AltaFhirWrite  *write,
                                           const char * const *allowed,
                                           GError        **error);
JsonObject *alta_fhir_write_load          (AltaFhirWrite  *write,
                                           const char     *reference,
                                           const char     *expected_type,
                                           AltaFhirRecord **out_record,
                                           GError        **error);
gboolean  alta_fhir_write_put             (AltaFhirWrite  *write,
                                           JsonObject     *resource,
                                           const char     *id,
                                           const char     *patient_id,
                                           GError        **error);

G_END_DECLS
