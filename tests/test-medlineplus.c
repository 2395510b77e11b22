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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/medlineplus/code-systems", test_code_systems);
  g_test_add_func ("/medlineplus/refused", test_refused);

  return g_test_run ();
}
