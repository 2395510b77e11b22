/* test-fhir-capability.c: the CapabilityStatement says what the code does
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-capability.h"
#include "alta-fhir-resource.h"
#include "alta-fhir-search.h"

#define BASE "https://portal.example:8443/fhir/R4"
#define NOW G_GINT64_CONSTANT (1764583200) /* 2025-12-01T10:00:00Z */

static JsonArray *
resources_of (JsonNode *statement)
{
  JsonArray *rest = json_object_get_array_member (json_node_get_object (statement), "rest");

  g_assert_cmpuint (json_array_get_length (rest), ==, 1);
  return json_object_get_array_member (json_array_get_object_element (rest, 0), "resource");
}

/* Every type the server keeps, in its order, with exactly the searches it takes */
static void
test_matches_code (void)
{
  g_autoptr (JsonNode) statement = alta_fhir_capability_statement_new (BASE, NOW);
  JsonArray              *resources = resources_of (statement);
  const AltaFhirTypeInfo *types;
  guint                   n_types;

  types = alta_fhir_type_get_all (&n_types);
  g_assert_cmpuint (json_array_get_length (resources), ==, n_types);

  for (guint i = 0; i < n_types; i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);
      JsonArray  *listed = json_object_get_array_member (resource, "searchParam");
      g_autoptr (GPtrArray) params = alta_fhir_search_list_params (types[i].type);

      g_assert_cmpstr (json_object_get_string_member (resource, "type"), ==, types[i].type);
      g_assert_cmpstr (json_object_get_string_member (resource, "versioning"), ==, "versioned");
      g_assert_false (json_object_get_boolean_member (resource, "readHistory"));
      g_assert_cmpuint (json_array_get_length (listed), ==, params->len);
      for (guint j = 0; j < params->len; j++)
        {
          const AltaFhirSearchParamInfo *param = g_ptr_array_index (params, j);
          JsonObject                    *entry = json_array_get_object_element (listed, j);
          const char                    *value = strcmp (param->kind, "date") == 0
                                                   ? "ge2025-01-01"
                                                   : "1";
          g_autofree char               *query = g_strdup_printf ("%s=%s", param->name, value);
          g_autofree char               *typed = g_strdup_printf ("%s=Patient/1", param->name);
          g_autoptr (AltaFhirSearch) search = NULL;

          g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, param->name);
          g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, param->kind);

          /* …and the search takes it */
          g_test_message ("%s?%s", types[i].type, query);
          search = alta_fhir_search_parse (types[i].type, query, NULL, NULL);
          if (search == NULL && strcmp (param->kind, "reference") == 0)
            search = alta_fhir_search_parse (types[i].type, typed, NULL, NULL);
          g_assert_nonnull (search);
        }
    }
}

/* The writes of portal-api.md, and nothing else */
static void
test_writes (void)
{
  const struct
  {
    const char *type;
    const char *interactions;
  } expected[] = {
    { "Appointment", "read search-type create update patch" },
    { "Communication", "read search-type create update patch" },
    { "Task", "read search-type create" },
    { "Schedule", "read search-type" },
    { "Slot", "read search-type" },
    { "Patient", "read search-type" },
    { "Observation", "read search-type" },
  };
  g_autoptr (JsonNode) statement = alta_fhir_capability_statement_new (BASE, NOW);
  JsonArray *resources = resources_of (statement);
  guint      checked = 0;

  for (guint i = 0; i < json_array_get_length (resources); i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);
      const char *type = json_object_get_string_member (resource, "type");
      JsonArray  *interactions = json_object_get_array_member (resource, "interaction");
      g_autoptr (GString) codes = g_string_new (NULL);
      const char *want = "read search-type";
      gboolean    creates;

      for (guint j = 0; j < json_array_get_length (interactions); j++)
        g_string_append_printf (codes, "%s%s", j > 0 ? " " : "",
                                json_object_get_string_member (
                                  json_array_get_object_element (interactions, j), "code"));

      for (guint j = 0; j < G_N_ELEMENTS (expected); j++)
        if (strcmp (expected[j].type, type) == 0)
          {
            want = expected[j].interactions;
            checked++;
          }

      g_test_message ("%s: %s", type, codes->str);
      g_assert_cmpstr (codes->str, ==, want);

      /* A retried create finds the first one (If-None-Exist) */
      creates = strstr (want, "create") != NULL;
      g_assert_cmpint (json_object_has_member (resource, "conditionalCreate"), ==, creates);
      if (creates)
        g_assert_true (json_object_get_boolean_member (resource, "conditionalCreate"));
    }

  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (expected));
}

/* Only the date, the address and the version come from code */
static void
test_dynamic_parts (void)
{
  g_autoptr (JsonNode) first = alta_fhir_capability_statement_new (BASE, NOW);
  g_autoptr (JsonNode) second = alta_fhir_capability_statement_new ("https://other/fhir/R4",
                                                                    NOW + 60);
  JsonObject *statement = json_node_get_object (first);
  JsonObject *other = json_node_get_object (second);

  g_assert_cmpstr (json_object_get_string_member (statement, "resourceType"), ==,
                   "CapabilityStatement");
  g_assert_cmpstr (json_object_get_string_member (statement, "date"), ==, "2025-12-01T10:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (statement,
                                                                                 "implementation"),
                                                  "url"),
                   ==, BASE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (statement,
                                                                                 "software"),
                                                  "version"),
                   ==, PACKAGE_VERSION);

  g_assert_cmpstr (json_object_get_string_member (other, "date"), ==, "2025-12-01T10:01:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (other,
                                                                                 "implementation"),
                                                  "url"),
                   ==, "https://other/fhir/R4");
  /* Each answer is its own: the first is unchanged */
  g_assert_cmpstr (json_object_get_string_member (statement, "date"), ==, "2025-12-01T10:00:00Z");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-capability/matches-code", test_matches_code);
  g_test_add_func ("/fhir-capability/writes", test_writes);
  g_test_add_func ("/fhir-capability/dynamic-parts", test_dynamic_parts);

  return g_test_run ();
}
