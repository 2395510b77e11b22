/* test-medlineplus.c: "Learn more" links
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "alta-medlineplus.h"

static void
assert_url (const char *system,
            const char *code,
            const char *language,
            const char *expected)
{
  g_autofree char *url = alta_medlineplus_dup_url (system, code, language);

  g_assert_cmpstr (url, ==, expected);
}

static void
test_code_systems (void)
{
  assert_url ("http://loinc.org", "2345-7", "en",
              "https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs="
              "2.16.840.1.113883.6.1&mainSearchCriteria.v.c=2345-7"
              "&informationRecipient.languageCode.c=en");
  assert_url ("http://hl7.org/fhir/sid/icd-10-cm", "E11.9", "es",
              "https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs="
              "2.16.840.1.113883.6.90&mainSearchCriteria.v.c=E11.9"
              "&informationRecipient.languageCode.c=es");
  assert_url ("http://snomed.info/sct", "44054006", NULL,
              "https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs="
              "2.16.840.1.113883.6.96&mainSearchCriteria.v.c=44054006"
              "&informationRecipient.languageCode.c=en");
  assert_url ("http://www.nlm.nih.gov/research/umls/rxnorm", "314076", "es",
              "https://connect.medlineplus.gov/application?mainSearchCriteria.v.cs="
              "2.16.840.1.113883.6.88&mainSearchCriteria.v.c=314076"
              "&informationRecipient.languageCode.c=es");
}

static void
test_refused (void)
{
  /* Code systems MedlinePlus does not know, and codes that would shape the URL */
  assert_url ("http://hl7.org/fhir/sid/cvx", "140", "en", NULL);
  assert_url (NULL, "140", "en", NULL);
  assert_url ("http://loinc.org", NULL, "en", NULL);
  assert_url ("http://loinc.org", "", "en", NULL);
  assert_url ("http://loinc.org", "2345-7&x=1", "en", NULL);
  assert_url ("http://loinc.org", "2345 7", "en", NULL);
  assert_url ("http://loinc.org", "../../evil", "en", NULL);
  assert_url ("http://loinc.org",
              "12345678901234567890123456789012345678901234567890123456789012345", "en", NULL);
}

static JsonObject *
concept_of (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
assert_code (const char *concept_json,
             const char *expected_system,
             const char *expected_code)
{
  g_autoptr (JsonObject) concept = concept_of (concept_json);
  g_autofree char *system = NULL;
  g_autofree char *code = alta_medlineplus_dup_code (concept, &system);

  g_assert_cmpstr (code, ==, expected_code);
  g_assert_cmpstr (system, ==, expected_system);
}

/* The coding a link uses: the first one MedlinePlus knows, whatever comes before it */
static void
test_codings (void)
{
  /* A problem coded in SNOMED CT and ICD-10-CM: the first known one */
  assert_code ("{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\"},"
               "{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"E11.9\"}],"
               "\"text\":\"Type 2 diabetes\"}",
               "http://snomed.info/sct", "44054006");
  /* A local code first, then ICD-10-CM */
  assert_code ("{\"coding\":[{\"system\":\"urn:oid:1.2.3\",\"code\":\"X1\"},"
               "{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"I10\"}]}",
               "http://hl7.org/fhir/sid/icd-10-cm", "I10");
  /* A medicine (RxNorm) and a test (LOINC) */
  assert_code ("{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\","
               "\"code\":\"861007\"}]}",
               "http://www.nlm.nih.gov/research/umls/rxnorm", "861007");
  assert_code ("{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\"}]}",
               "http://loinc.org", "4548-4");
  /* Nothing to link: only unknown systems, a code that would shape the URL, no coding */
  assert_code ("{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\"}]}",
               NULL, NULL);
  assert_code ("{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1&x=2\"}]}",
               NULL, NULL);
  assert_code ("{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":42}]}", NULL, NULL);
  assert_code ("{\"text\":\"Aspirin\"}", NULL, NULL);
  assert_code ("{\"coding\":\"not a list\"}", NULL, NULL);

  g_assert_null (alta_medlineplus_dup_code (NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/medlineplus/code-systems", test_code_systems);
  g_test_add_func ("/medlineplus/refused", test_refused);
  g_test_add_func ("/medlineplus/codings", test_codings);

  return g_test_run ();
}
