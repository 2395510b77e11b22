/* alta-fhir-resource.h: reading FHIR R4 resources for storage and search
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "alta-fhir-date.h"

G_BEGIN_DECLS

#define ALTA_FHIR_ERROR (alta_fhir_error_quark ())

typedef enum
{
  ALTA_FHIR_ERROR_INVALID,        /* not a resource we can keep: says which element and why */
  ALTA_FHIR_ERROR_UNSERVED,       /* a real FHIR R4 type this server does not keep */
  ALTA_FHIR_ERROR_UNRESOLVED,     /* a reference that names nothing */
} AltaFhirError;

/* How a type's records are shared */
typedef enum
{
  ALTA_FHIR_SCOPE_PATIENT,        /* in one patient's record */
  ALTA_FHIR_SCOPE_DIRECTORY,      /* clinicians, clinics: readable where a record names them */
  ALTA_FHIR_SCOPE_CALENDAR,       /* schedules and slots: any signed-in account */
} AltaFhirScope;

typedef struct
{
  const char    *type;
  AltaFhirScope  scope;
  const char    *patient_element;  /* the element naming the patient, for SCOPE_PATIENT */
  gboolean       is_result;        /* released by a clinician before a patient sees it */
  const char    *date_elements[4]; /* the search's date: the first one present */
  const char    *status_element;
  const char    *clinical_status_element;
  const char    *required[4];      /* elements the resource cannot do without */
} AltaFhirTypeInfo;

/* One token a search can match: `param` is the search parameter's name */
typedef struct
{
  const char *param;
  char       *system;   /* nullable */
  char       *code;
} AltaFhirToken;

/* One reference, with the name of the element that holds it */
typedef struct
{
  char *element;
  char *target;         /* as written: "Patient/12", "urn:uuid:…", "Organization?identifier=…" */
} AltaFhirRef;

typedef struct
{
  char   *system;       /* nullable */
  char   *value;
} AltaFhirIdentifier;

/* What the store keeps beside a resource's JSON */
typedef struct
{
  const AltaFhirTypeInfo *info;
  char     *id;              /* nullable: a resource to be created has none */
  char     *patient_ref;     /* the reference in patient_element, as written */
  gboolean  has_date;
  gint64    date_start;      /* Unix seconds, [start, end) covers the value's precision */
  gint64    date_end;
  char     *status;
  char     *clinical_status;
  GPtrArray *tokens;         /* AltaFhirToken */
  GPtrArray *refs;           /* AltaFhirRef, every Reference.reference in the resource */
  GPtrArray *identifiers;    /* AltaFhirIdentifier */
} AltaFhirIndex;

GQuark                  alta_fhir_error_quark        (void);

const AltaFhirTypeInfo *alta_fhir_type_lookup        (const char         *type);
const AltaFhirTypeInfo *alta_fhir_type_get_all       (guint              *n_types);
gboolean                alta_fhir_type_is_r4         (const char         *type);
const char * const     *alta_fhir_type_get_r4_names  (guint              *n_names);
gboolean                alta_fhir_id_is_valid        (const char         *id);

char                   *alta_fhir_format_instant     (gint64              unix_seconds);

AltaFhirIndex          *alta_fhir_index_resource     (JsonObject         *resource,
                                                      GError            **error);
void                    alta_fhir_index_free         (AltaFhirIndex      *index);

gboolean                alta_fhir_split_reference    (const char         *reference,
                                                      char              **out_type,
                                                      char              **out_id);
void                    alta_fhir_rewrite_references (JsonNode           *node,
                                                      GHashTable         *map);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AltaFhirIndex, alta_fhir_index_free)

G_END_DECLS
