/* alta-fhir-resource.c: reading FHIR R4 resources for storage and search
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-fhir-resource"

#include "config.h"

#include <string.h>

#include "alta-fhir-resource.h"
#include "alta-json.h"

G_DEFINE_QUARK (alta-fhir-error-quark, alta_fhir_error)

/* The types this server keeps, and where each keeps what its searches need. */
static const AltaFhirTypeInfo types[] = {
  { "AllergyIntolerance", ALTA_FHIR_SCOPE_PATIENT, "patient", FALSE,
    { "recordedDate", "onsetDateTime", "onsetPeriod" }, NULL, "clinicalStatus",
    { "patient" } },
  { "Appointment", ALTA_FHIR_SCOPE_PATIENT, "participant", FALSE,
    { "start", "requestedPeriod" }, "status", NULL,
    { "status", "participant" } },
  { "CareTeam", ALTA_FHIR_SCOPE_PATIENT, "subject", FALSE,
    { "period" }, "status", NULL,
    { "subject" } },
  { "Communication", ALTA_FHIR_SCOPE_PATIENT, "subject", FALSE,
    { "sent", "received" }, "status", NULL,
    { "subject", "status" } },
  { "Condition", ALTA_FHIR_SCOPE_PATIENT, "subject", FALSE,
    { "onsetDateTime", "onsetPeriod", "recordedDate" }, NULL, "clinicalStatus",
    { "subject" } },
  { "DiagnosticReport", ALTA_FHIR_SCOPE_PATIENT, "subject", TRUE,
    { "effectiveDateTime", "effectivePeriod", "issued" }, "status", NULL,
    { "subject", "code", "status" } },
  { "Immunization", ALTA_FHIR_SCOPE_PATIENT, "patient", FALSE,
    { "occurrenceDateTime", "recorded" }, "status", NULL,
    { "patient", "vaccineCode", "status" } },
  { "Location", ALTA_FHIR_SCOPE_DIRECTORY, NULL, FALSE,
    { NULL }, "status", NULL,
    { NULL } },
  { "MedicationRequest", ALTA_FHIR_SCOPE_PATIENT, "subject", FALSE,
    { "authoredOn" }, "status", NULL,
    { "subject", "status", "intent" } },
  { "Observation", ALTA_FHIR_SCOPE_PATIENT, "subject", TRUE,
    { "effectiveDateTime", "effectivePeriod", "effectiveInstant", "issued" }, "status", NULL,
    { "subject", "code", "status" } },
  { "Organization", ALTA_FHIR_SCOPE_DIRECTORY, NULL, FALSE,
    { NULL }, NULL, NULL,
    { NULL } },
  { "Patient", ALTA_FHIR_SCOPE_PATIENT, NULL, FALSE,
    { "birthDate" }, NULL, NULL,
    { NULL } },
  { "Practitioner", ALTA_FHIR_SCOPE_DIRECTORY, NULL, FALSE,
    { NULL }, NULL, NULL,
    { NULL } },
  { "PractitionerRole", ALTA_FHIR_SCOPE_DIRECTORY, NULL, FALSE,
    { "period" }, NULL, NULL,
    { NULL } },
  { "RelatedPerson", ALTA_FHIR_SCOPE_PATIENT, "patient", FALSE,
    { "period" }, NULL, NULL,
    { "patient" } },
  { "Schedule", ALTA_FHIR_SCOPE_CALENDAR, NULL, FALSE,
    { "planningHorizon" }, NULL, NULL,
    { "actor" } },
  { "Slot", ALTA_FHIR_SCOPE_CALENDAR, NULL, FALSE,
    { "start" }, "status", NULL,
    { "schedule", "status", "start" } },
  { "Task", ALTA_FHIR_SCOPE_PATIENT, "for", FALSE,
    { "authoredOn" }, "status", NULL,
    { "status", "intent", "for" } },
};

/* Token search parameters: the parameter and the element it reads, per type */
static const struct
{
  const char *type;
  const char *param;
  const char *element;
} token_elements[] = {
  { "AllergyIntolerance", "code", "code" },
  { "AllergyIntolerance", "category", "category" },
  { "Appointment", "service-category", "serviceCategory" },
  { "Appointment", "service-type", "serviceType" },
  { "CareTeam", "category", "category" },
  { "Communication", "category", "category" },
  { "Condition", "code", "code" },
  { "Condition", "category", "category" },
  { "DiagnosticReport", "code", "code" },
  { "DiagnosticReport", "category", "category" },
  { "Immunization", "vaccine-code", "vaccineCode" },
  { "MedicationRequest", "code", "medicationCodeableConcept" },
  { "MedicationRequest", "category", "category" },
  { "Observation", "code", "code" },
  { "Observation", "category", "category" },
  { "PractitionerRole", "role", "code" },
  { "PractitionerRole", "specialty", "specialty" },
  { "Schedule", "service-category", "serviceCategory" },
  { "Slot", "service-category", "serviceCategory" },
  { "Task", "code", "code" },
};

/* Every resource type of FHIR R4 (4.0.1), to tell a type we do not keep from a mistake */
static const char * const r4_types[] = {
  "Account", "ActivityDefinition", "AdverseEvent", "AllergyIntolerance", "Appointment",
  "AppointmentResponse", "AuditEvent", "Basic", "Binary", "BiologicallyDerivedProduct",
  "BodyStructure", "Bundle", "CapabilityStatement", "CarePlan", "CareTeam", "CatalogEntry",
  "ChargeItem", "ChargeItemDefinition", "Claim", "ClaimResponse", "ClinicalImpression",
  "CodeSystem", "Communication", "CommunicationRequest", "CompartmentDefinition", "Composition",
  "ConceptMap", "Condition", "Consent", "Contract", "Coverage", "CoverageEligibilityRequest",
  "CoverageEligibilityResponse", "DetectedIssue", "Device", "DeviceDefinition", "DeviceMetric",
  "DeviceRequest", "DeviceUseStatement", "DiagnosticReport", "DocumentManifest",
  "DocumentReference", "EffectEvidenceSynthesis", "Encounter", "Endpoint", "EnrollmentRequest",
  "EnrollmentResponse", "EpisodeOfCare", "EventDefinition", "Evidence", "EvidenceVariable",
  "ExampleScenario", "ExplanationOfBenefit", "FamilyMemberHistory", "Flag", "Goal",
  "GraphDefinition", "Group", "GuidanceResponse", "HealthcareService", "ImagingStudy",
  "Immunization", "ImmunizationEvaluation", "ImmunizationRecommendation",
  "ImplementationGuide", "InsurancePlan", "Invoice", "Library", "Linkage", "List", "Location",
  "Measure", "MeasureReport", "Media", "Medication", "MedicationAdministration",
  "MedicationDispense", "MedicationKnowledge", "MedicationRequest", "MedicationStatement",
  "MedicinalProduct", "MedicinalProductAuthorization", "MedicinalProductContraindication",
  "MedicinalProductIndication", "MedicinalProductIngredient", "MedicinalProductInteraction",
  "MedicinalProductManufactured", "MedicinalProductPackaged", "MedicinalProductPharmaceutical",
  "MedicinalProductUndesirableEffect", "MessageDefinition", "MessageHeader",
  "MolecularSequence", "NamingSystem", "NutritionOrder", "Observation", "ObservationDefinition",
  "OperationDefinition", "OperationOutcome", "Organization", "OrganizationAffiliation",
  "Parameters", "Patient", "PaymentNotice", "PaymentReconciliation", "Person", "PlanDefinition",
  "Practitioner", "PractitionerRole", "Procedure", "Provenance", "Questionnaire",
  "QuestionnaireResponse", "RelatedPerson", "RequestGroup", "ResearchDefinition",
  "ResearchElementDefinition", "ResearchStudy", "ResearchSubject", "RiskAssessment",
  "RiskEvidenceSynthesis", "Schedule", "SearchParameter", "ServiceRequest", "Slot", "Specimen",
  "SpecimenDefinition", "StructureDefinition", "StructureMap", "Subscription", "Substance",
  "SubstanceNucleicAcid", "SubstancePolymer", "SubstanceProtein",
  "SubstanceReferenceInformation", "SubstanceSourceMaterial", "SubstanceSpecification",
  "SupplyDelivery", "SupplyRequest", "Task", "TerminologyCapabilities", "TestReport",
  "TestScript", "ValueSet", "VerificationResult", "VisionPrescription",
};

const AltaFhirTypeInfo *
alta_fhir_type_lookup (const char *type)
{
  if (type == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (strcmp (types[i].type, type) == 0)
      return &types[i];

  return NULL;
}

/**
 * alta_fhir_type_get_all:
 * @n_types: (out): how many
 *
 * Returns: the served types, sorted by name
 */
const AltaFhirTypeInfo *
alta_fhir_type_get_all (guint *n_types)
{
  *n_types = G_N_ELEMENTS (types);
  return types;
}

gboolean
alta_fhir_type_is_r4 (const char *type)
{
  gsize low = 0, high = G_N_ELEMENTS (r4_types);

  /* r4_types is sorted (test-fhir-search checks): a binary search, as the importer asks
   * once per resource and per reference
   */
  while (low < high)
    {
      gsize middle = low + (high - low) / 2;
      int order = strcmp (r4_types[middle], type);

      if (order == 0)
        return TRUE;
      if (order < 0)
        low = middle + 1;
      else
        high = middle;
    }

  return FALSE;
}

/**
 * alta_fhir_type_get_r4_names:
 * @n_names: (out): how many
 *
 * Returns: every resourceType of FHIR R4, sorted
 */
const char * const *
alta_fhir_type_get_r4_names (guint *n_names)
{
  *n_names = G_N_ELEMENTS (r4_types);
  return r4_types;
}

/* FHIR R4 id: [A-Za-z0-9\-\.]{1,64} */
gboolean
alta_fhir_id_is_valid (const char *id)
{
  gsize length = 0;

  if (id == NULL)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++, length++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;

  return length >= 1 && length <= 64;
}

char *
alta_fhir_format_instant (gint64 unix_seconds)
{
  g_autoptr (GDateTime) datetime = g_date_time_new_from_unix_utc (unix_seconds);

  return datetime != NULL ? g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%SZ")
                          : g_strdup ("1970-01-01T00:00:00Z");
}

static void
token_free (gpointer data)
{
  AltaFhirToken *token = data;

  g_free (token->system);
  g_free (token->code);
  g_free (token);
}

static void
ref_free (gpointer data)
{
  AltaFhirRef *ref = data;

  g_free (ref->element);
  g_free (ref->target);
  g_free (ref);
}

static void
identifier_free (gpointer data)
{
  AltaFhirIdentifier *identifier = data;

  g_free (identifier->system);
  g_free (identifier->value);
  g_free (identifier);
}

void
alta_fhir_index_free (AltaFhirIndex *index)
{
  if (index == NULL)
    return;

  g_free (index->id);
  g_free (index->patient_ref);
  g_free (index->status);
  g_free (index->clinical_status);
  g_clear_pointer (&index->tokens, g_ptr_array_unref);
  g_clear_pointer (&index->refs, g_ptr_array_unref);
  g_clear_pointer (&index->identifiers, g_ptr_array_unref);
  g_free (index);
}

static void
add_token (AltaFhirIndex *index,
           const char    *param,
           const char    *system,
           const char    *code)
{
  AltaFhirToken *token;

  if (code == NULL || *code == '\0' || strlen (code) > 256 ||
      (system != NULL && strlen (system) > 1024) || index->tokens->len >= 256)
    return;

  token = g_new0 (AltaFhirToken, 1);
  token->param = param;
  token->system = g_strdup (system);
  token->code = g_strdup (code);
  g_ptr_array_add (index->tokens, token);
}

/* A token element may be a code, a Coding, a CodeableConcept, or an array of them. */
static void
add_tokens_of (AltaFhirIndex *index,
               const char    *param,
               JsonNode      *node,
               int            depth)
{
  if (node == NULL || depth > 4)
    return;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    add_token (index, param, NULL, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_tokens_of (index, param, json_array_get_element (array, i), depth + 1);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *coding = json_object_get_member (object, "coding");

      if (coding != NULL)
        add_tokens_of (index, param, coding, depth + 1);
      else
        add_token (index, param, alta_json_get_string (object, "system"),
                   alta_json_get_string (object, "code"));
    }
}

/* Every Reference in the resource, with the element that holds it; contained resources
 * are left alone (their references are local).
 */
static void
collect_refs (AltaFhirIndex *index,
              const char    *element,
              JsonNode      *node,
              int            depth)
{
  if (depth > 32)
    return;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_refs (index, element, json_array_get_element (array, i), depth + 1);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (strcmp (name, "contained") == 0)
            continue;

          if (strcmp (name, "reference") == 0 && element != NULL &&
              JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            {
              AltaFhirRef *ref = g_new0 (AltaFhirRef, 1);

              ref->element = g_strdup (element);
              ref->target = g_strdup (json_node_get_string (member));
              g_ptr_array_add (index->refs, ref);
            }
          else
            collect_refs (index, depth == 0 ? name : element, member, depth + 1);
        }
    }
}

static void
collect_identifiers (AltaFhirIndex *index,
                     JsonObject    *resource)
{
  JsonNode *node = json_object_get_member (resource, "identifier");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array) && i < 64; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      AltaFhirIdentifier *identifier;
      const char *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      value = alta_json_get_string (json_node_get_object (element), "value");
      if (value == NULL || *value == '\0' || strlen (value) > 1024)
        continue;

      identifier = g_new0 (AltaFhirIdentifier, 1);
      identifier->system = g_strdup (alta_json_get_string (json_node_get_object (element),
                                                        "system"));
      identifier->value = g_strdup (value);
      g_ptr_array_add (index->identifiers, identifier);
    }
}

/* The first date of the element: a date, dateTime or instant string, a Period, or the
 * first Period of an array (Appointment.requestedPeriod).
 */
static gboolean
read_date_element (JsonNode *node,
                   gint64   *out_start,
                   gint64   *out_end,
                   GError  **error,
                   const char *name)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        return FALSE;
      node = json_array_get_element (array, 0);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (alta_fhir_parse_date_range (json_node_get_string (node), out_start, out_end))
        return TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *period = json_node_get_object (node);
      const char *start = alta_json_get_string (period, "start");
      const char *end = alta_json_get_string (period, "end");
      gint64 ignored, end_value;

      if (start != NULL && alta_fhir_parse_date_range (start, out_start, &ignored) &&
          (end == NULL || alta_fhir_parse_date_range (end, &ignored, &end_value)))
        {
          *out_end = end != NULL ? end_value : ignored;
          return TRUE;
        }
      if (start == NULL && end != NULL && alta_fhir_parse_date_range (end, out_start, out_end))
        return TRUE;
    }

  g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
               "“%s” is not a FHIR date, dateTime or Period", name);
  return FALSE;
}

/* The first participant whose actor's reference starts with @prefix */
static const char *
find_participant (JsonArray  *participants,
                  const char *prefix)
{
  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = alta_json_get_object (alta_json_array_get_object (participants, i),
                                                "actor");
      const char *reference = alta_json_get_string (actor, "reference");

      if (reference != NULL && g_str_has_prefix (reference, prefix))
        return reference;
    }

  return NULL;
}

/* Appointment names its patient among its participants. Before import rewrites them,
 * patients may still be urn:uuid references: the first such actor is then taken, and the
 * importer checks what it points at.
 */
static const char *
find_participant_patient (JsonObject *resource)
{
  JsonArray *participants = alta_json_get_array (resource, "participant");
  const char *reference;

  if (participants == NULL)
    return NULL;

  reference = find_participant (participants, "Patient/");
  return reference != NULL ? reference : find_participant (participants, "urn:uuid:");
}

static const char *
get_status_code (JsonObject *resource,
                 const char *element)
{
  JsonNode *node = json_object_get_member (resource, element);

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *coding = json_object_get_member (json_node_get_object (node), "coding");

      if (coding != NULL && JSON_NODE_HOLDS_ARRAY (coding) &&
          json_array_get_length (json_node_get_array (coding)) > 0)
        {
          JsonNode *first = json_array_get_element (json_node_get_array (coding), 0);

          if (JSON_NODE_HOLDS_OBJECT (first))
            return alta_json_get_string (json_node_get_object (first), "code");
        }
    }

  return NULL;
}

/**
 * alta_fhir_index_resource:
 * @resource: a FHIR R4 resource
 * @error: return location for a #GError
 *
 * Checks what the server relies on (a served resourceType, a valid id, the elements a
 * type cannot do without, readable dates) and reads what its searches need.
 *
 * Returns: (transfer full): the index, or %NULL with %ALTA_FHIR_ERROR_UNSERVED for a
 *   type the server does not keep, %ALTA_FHIR_ERROR_INVALID otherwise
 */
AltaFhirIndex *
alta_fhir_index_resource (JsonObject  *resource,
                          GError     **error)
{
  g_autoptr (AltaFhirIndex) index = NULL;
  const AltaFhirTypeInfo *info;
  const char *type = alta_json_get_string (resource, "resourceType");
  JsonNode *id_node = json_object_get_member (resource, "id");

  if (type == NULL)
    {
      g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                           "It has no resourceType");
      return NULL;
    }

  info = alta_fhir_type_lookup (type);
  if (info == NULL)
    {
      if (alta_fhir_type_is_r4 (type))
        g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_UNSERVED,
                     "%s is not kept by this server", type);
      else
        g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                     "“%.64s” is not a FHIR R4 resourceType", type);
      return NULL;
    }

  index = g_new0 (AltaFhirIndex, 1);
  index->info = info;
  index->tokens = g_ptr_array_new_with_free_func (token_free);
  index->refs = g_ptr_array_new_with_free_func (ref_free);
  index->identifiers = g_ptr_array_new_with_free_func (identifier_free);

  if (id_node != NULL)
    {
      const char *id = alta_json_get_string (resource, "id");

      if (!alta_fhir_id_is_valid (id))
        {
          g_set_error_literal (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                               "Its id is not a FHIR id (1 to 64 letters, digits, - and .)");
          return NULL;
        }
      index->id = g_strdup (id);
    }

  for (guint i = 0; i < G_N_ELEMENTS (info->required) && info->required[i] != NULL; i++)
    {
      if (!json_object_has_member (resource, info->required[i]) ||
          JSON_NODE_HOLDS_NULL (json_object_get_member (resource, info->required[i])))
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s needs “%s”", type, info->required[i]);
          return NULL;
        }
    }

  if (info->patient_element != NULL)
    {
      const char *reference = NULL;

      if (strcmp (info->patient_element, "participant") == 0)
        reference = find_participant_patient (resource);
      else
        {
          JsonNode *node = json_object_get_member (resource, info->patient_element);

          if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
            reference = alta_json_get_string (json_node_get_object (node), "reference");
        }

      if (reference == NULL)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "%s names no patient in “%s”", type, info->patient_element);
          return NULL;
        }
      index->patient_ref = g_strdup (reference);
    }

  for (guint i = 0; i < G_N_ELEMENTS (info->date_elements) && info->date_elements[i] != NULL;
       i++)
    {
      JsonNode *node = json_object_get_member (resource, info->date_elements[i]);

      if (node == NULL)
        continue;

      if (!read_date_element (node, &index->date_start, &index->date_end, error,
                              info->date_elements[i]))
        return NULL;
      index->has_date = TRUE;
      break;
    }

  if (info->status_element != NULL)
    {
      JsonNode *node = json_object_get_member (resource, info->status_element);

      if (node != NULL && alta_json_get_string (resource, info->status_element) == NULL)
        {
          g_set_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID,
                       "“%s” is not a code", info->status_element);
          return NULL;
        }
      index->status = g_strdup (alta_json_get_string (resource, info->status_element));
    }

  if (info->clinical_status_element != NULL)
    index->clinical_status = g_strdup (get_status_code (resource,
                                                        info->clinical_status_element));

  for (guint i = 0; i < G_N_ELEMENTS (token_elements); i++)
    if (strcmp (token_elements[i].type, type) == 0)
      add_tokens_of (index, token_elements[i].param,
                     json_object_get_member (resource, token_elements[i].element), 0);

  {
    g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), resource);

    collect_refs (index, NULL, root, 0);
  }
  collect_identifiers (index, resource);

  return g_steal_pointer (&index);
}

/**
 * alta_fhir_split_reference:
 * @reference: a relative reference, "Type/id" (or "Type/id/_history/n")
 *
 * Returns: %TRUE when @reference is a relative reference to a served or R4 type
 */
gboolean
alta_fhir_split_reference (const char  *reference,
                           char       **out_type,
                           char       **out_id)
{
  const char *slash;
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  const char *history;

  if (reference == NULL || (slash = strchr (reference, '/')) == NULL)
    return FALSE;

  type = g_strndup (reference, slash - reference);
  history = strstr (slash + 1, "/_history/");
  id = history != NULL ? g_strndup (slash + 1, history - (slash + 1)) : g_strdup (slash + 1);

  if (!alta_fhir_type_is_r4 (type) || !alta_fhir_id_is_valid (id))
    return FALSE;

  if (out_type != NULL)
    *out_type = g_steal_pointer (&type);
  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return TRUE;
}

/**
 * alta_fhir_rewrite_references:
 * @node: a resource, or any part of one
 * @map: what each reference as written becomes ("urn:uuid:…" → "Patient/12")
 *
 * Replaces every Reference.reference found in @map.
 */
void
alta_fhir_rewrite_references (JsonNode   *node,
                              GHashTable *map)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        alta_fhir_rewrite_references (json_array_get_element (array, i), map);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (strcmp (name, "reference") == 0 && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            {
              const char *target = g_hash_table_lookup (map, json_node_get_string (member));

              if (target != NULL)
                json_node_set_string (member, target);
            }
          else if (strcmp (name, "contained") != 0)
            alta_fhir_rewrite_references (member, map);
        }
    }
}
