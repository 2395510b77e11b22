/* alta-medlineplus.c: "Learn more" links to MedlinePlus Connect for a coded concept
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-medlineplus"

#include "config.h"

#include "alta-json.h"
#include "alta-medlineplus.h"

/* MedlinePlus Connect (https://medlineplus.gov/medlineplus-connect/web-application/) takes a
 * code and the OID of its code system and answers with the patient-education page for it, in
 * English or Spanish. Only the code systems it knows are linked; a code is at most 64
 * characters of letters, digits, dots and dashes, so nothing from a record can shape the URL.
 */

#define CONNECT_URL "https://connect.medlineplus.gov/application"
#define MAX_CODE    64

static const struct
{
  const char *system;
  const char *oid;
} code_systems[] = {
  { "http://hl7.org/fhir/sid/icd-10-cm", "2.16.840.1.113883.6.90" },
  { "http://snomed.info/sct", "2.16.840.1.113883.6.96" },
  { "http://www.nlm.nih.gov/research/umls/rxnorm", "2.16.840.1.113883.6.88" },
  { "http://loinc.org", "2.16.840.1.113883.6.1" },
};

static const char *
oid_of (const char *system)
{
  for (guint i = 0; i < G_N_ELEMENTS (code_systems); i++)
    if (g_strcmp0 (system, code_systems[i].system) == 0)
      return code_systems[i].oid;

  return NULL;
}

static gboolean
is_plain_code (const char *code)
{
  gsize length = 0;

  for (const char *p = code; *p != '\0'; p++, length++)
    if (length >= MAX_CODE || !(g_ascii_isalnum (*p) || *p == '.' || *p == '-'))
      return FALSE;

  return length > 0;
}

/**
 * alta_medlineplus_dup_url:
 * @system: the concept's code system URI, as FHIR writes it
 * @code: the code
 * @language: (nullable): "es" for Spanish, anything else for English
 *
 * Returns: (transfer full) (nullable): the MedlinePlus Connect page for the code, or %NULL
 *   for a code system MedlinePlus does not know or a code that is not a plain code
 */
char *
alta_medlineplus_dup_url (const char *system,
                          const char *code,
                          const char *language)
{
  const char *oid = oid_of (system);

  if (oid == NULL || code == NULL || !is_plain_code (code))
    return NULL;

  return g_strdup_printf (CONNECT_URL
                          "?mainSearchCriteria.v.cs=%s"
                          "&mainSearchCriteria.v.c=%s"
                          "&informationRecipient.languageCode.c=%s",
                          oid, code, g_strcmp0 (language, "es") == 0 ? "es" : "en");
}

/**
 * alta_medlineplus_dup_code:
 * @concept: (nullable): a CodeableConcept, such as a Condition's or a MedicationRequest's code
 * @out_system: (out) (optional) (nullable): the system of the code
 *
 * A concept often has several codings (SNOMED CT and ICD-10-CM for a problem); the first one
 * whose system MedlinePlus Connect knows, with a plain code, is the one a link can use.
 *
 * Returns: (transfer full) (nullable): that coding's code, or %NULL when none can be linked
 */
char *
alta_medlineplus_dup_code (JsonObject  *concept,
                           char       **out_system)
{
  JsonArray *codings = alta_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = alta_json_array_get_object (codings, i);
      const char *system = alta_json_get_string (coding, "system");
      const char *code = alta_json_get_string (coding, "code");

      if (oid_of (system) != NULL && code != NULL && is_plain_code (code))
        {
          if (out_system != NULL)
            *out_system = g_strdup (system);
          return g_strdup (code);
        }
    }

  if (out_system != NULL)
    *out_system = NULL;
  return NULL;
}
