/* test-fhir-json.c: FHIR JSON read and written again, its numbers as written
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-json.h"
#include "alta-fhir-resource.h"

static char *
round_trip (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaFhirJson) json = alta_fhir_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (json);
  return alta_fhir_json_to_text (alta_fhir_json_get_root (json));
}

/* Every number comes back as it was written, byte for byte */
static void
test_literals_kept (void)
{
  const char *texts[] = {
    "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":5.6,\"unit\":\"%\"},"
    "\"referenceRange\":[{\"low\":{\"value\":5.60},\"high\":{\"value\":1.0}}],"
    "\"component\":[{\"valueInteger\":120},{\"valueDecimal\":0.1},{\"valueDecimal\":1e-7},"
    "{\"valueDecimal\":1E3},{\"valueDecimal\":-0.5},{\"valueDecimal\":12345678901234567890},"
    "{\"valueDecimal\":0.010},{\"valueDecimal\":0.01},{\"valueDecimal\":-0},"
    "{\"valueDecimal\":1.50e+2},{\"valueDecimal\":2E-0},{\"valueDecimal\":1e400},"
    "{\"valueDecimal\":123456789012345678901234567890.000}]}",
    "[1,2.0,[3.00,[-4e-04]],{\"a\":[5.5,{\"b\":-0.0}]},true,false,null,\"6.60\"]",
    "{\"x\\\"1.5\":\"2.50\\\\\",\"y\":[],\"z\":{},\"w\":9.9e9}",
    "42.000",
    "{\"a\":-9223372036854775808,\"b\":9223372036854775807,\"c\":18446744073709551616}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *written = round_trip (texts[i]);
      g_autofree char *again = round_trip (written);

      g_assert_cmpstr (written, ==, texts[i]);
      g_assert_cmpstr (again, ==, texts[i]);
    }
}

/* Space between tokens goes, as json-glib's generator writes; numbers stay */
static void
test_compact (void)
{
  g_autofree char *written = round_trip (" {\n  \"a\" : [ 1.10 , 2E2 ] ,\r\n\t\"b\" : 0.0 }\n");

  g_autofree char *marked = round_trip ("\xef\xbb\xbf{\"a\":1.10}");

  g_assert_cmpstr (written, ==, "{\"a\":[1.10,2E2],\"b\":0.0}");
  /* A byte order mark is read past, as json-glib does */
  g_assert_cmpstr (marked, ==, "{\"a\":1.10}");
}

/* Apart from numbers, the text is what json-glib writes: stored resources keep their hash */
static void
test_same_as_json_glib (void)
{
  g_autoptr (GString) all = g_string_new (NULL);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *control = NULL;

  /* json-glib 1.6 leaves 0x1f bare (not JSON); everything else must be the same */
  for (int c = 1; c < 0x80; c++)
    if (c != 0x1f)
      g_string_append_c (all, (char)c);
  g_string_append (all, "é€😀\u2028");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, all->str);
  json_builder_add_string_value (builder, all->str);
  json_builder_set_member_name (builder, "list");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, -12);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_null_value (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_add_int_value (builder, G_MAXINT64);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  ours = alta_fhir_json_to_text (root);
  theirs = json_to_string (root, FALSE);
  g_assert_cmpstr (ours, ==, theirs);

  /* …and ours reads back the same */
  {
    g_autofree char *again = round_trip (ours);

    g_assert_cmpstr (again, ==, ours);
  }

  {
    g_autoptr (JsonNode) node = json_node_init_string (json_node_alloc (), "a\x1f"
                                                                           "b");

    control = alta_fhir_json_to_text (node);
    g_assert_cmpstr (control, ==, "\"a\\u001fb\"");
  }
}

/* A number made in code: the shortest text that reads back the same double */
static void
test_numbers_from_code (void)
{
  const struct
  {
    double      value;
    const char *text;
  } doubles[] = {
    { 7.8, "7.8" },
    { 4.0, "4.0" },
    { 5.6, "5.6" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1e-7, "1e-07" },
    { 1e21, "1e+21" },
    { -0.5, "-0.5" },
    { -0.0, "-0.0" },
    { 120.0, "120.0" },
    { 123456.789, "123456.789" },
    { G_MAXDOUBLE, "1.7976931348623157e+308" },
    { 5e-324, "5e-324" },
    { 1000.0, "1000.0" },
    { 1e16, "1e+16" },
    { 0.0001, "0.0001" },
    { 0.00001234, "1.234e-05" },
    { 123456789012345.6, "123456789012345.6" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      g_autoptr (JsonNode) node = json_node_init_double (json_node_alloc (), doubles[i].value);
      g_autofree char *text = alta_fhir_json_to_text (node);

      g_assert_cmpstr (text, ==, doubles[i].text);
      g_assert_cmpfloat (g_ascii_strtod (text, NULL), ==, doubles[i].value);
    }

  {
    g_autoptr (JsonNode) node = json_node_init_int (json_node_alloc (), 120);
    g_autofree char *text = alta_fhir_json_to_text (node);

    g_assert_cmpstr (text, ==, "120");
  }
}

/* Nodes moved into another tree keep their text while their parse lives */
static void
test_moved_nodes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaFhirJson) json = alta_fhir_json_parse ("{\"value\":5.60,\"list\":[1.0]}", -1,
                                                        &error);
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), json_object_new ());
  JsonObject      *parsed;
  JsonObject      *quantity = json_object_new ();
  g_autofree char *text = NULL;
  g_autofree char *after_free = NULL;

  g_assert_no_error (error);
  parsed = json_node_get_object (alta_fhir_json_get_root (json));
  json_object_set_member (quantity, "value", json_object_dup_member (parsed, "value"));
  json_object_set_member (quantity, "list",
                          json_node_ref (json_object_get_member (parsed, "list")));
  json_object_set_double_member (quantity, "code", 2.5);
  json_object_set_object_member (json_node_get_object (root), "valueQuantity", quantity);
  json_object_remove_member (parsed, "value");

  text = alta_fhir_json_to_text (root);
  g_assert_cmpstr (text, ==, "{\"valueQuantity\":{\"value\":5.6,\"list\":[1.0],\"code\":2.5}}");

  /* json_object_dup_member() makes a new node, which has no literal: 5.6, not 5.60. The
   * array moved by reference keeps it; once the parse is gone, numbers are as from code.
   */
  g_clear_pointer (&json, alta_fhir_json_free);
  after_free = alta_fhir_json_to_text (root);
  g_assert_cmpstr (after_free, ==,
                   "{\"valueQuantity\":{\"value\":5.6,\"list\":[1.0],\"code\":2.5}}");

  {
    g_autoptr (AltaFhirJson) other = alta_fhir_json_parse ("{\"value\":5.60,\"list\":[1.00]}", -1,
                                                           &error);
    JsonObject *object = json_node_get_object (alta_fhir_json_get_root (other));
    g_autoptr (JsonNode) holder = json_node_init_object (json_node_alloc (), json_object_new ());
    g_autofree char *kept = NULL;

    g_assert_no_error (error);
    json_object_set_member (json_node_get_object (holder), "v",
                            json_node_ref (json_object_get_member (object, "value")));
    json_object_set_member (json_node_get_object (holder), "l",
                            json_node_ref (json_object_get_member (object, "list")));
    kept = alta_fhir_json_to_text (holder);
    g_assert_cmpstr (kept, ==, "{\"v\":5.60,\"l\":[1.00]}");
  }
}

/* A member named twice: json-glib keeps the last value, in the first one's place */
static void
test_duplicate_members (void)
{
  g_autofree char *written = round_trip ("{\"a\":1.50,\"b\":3.0,\"a\":2.50,\"c\":[0.10,0.20]}");

  g_autofree char *no_number_first = round_trip ("{\"a\":\"x\",\"b\":2.0,\"a\":2.00}");
  g_autofree char *nested = round_trip ("[{\"a\":[1.0],\"a\":{\"b\":1.00,\"b\":1.000}},0.50]");

  g_assert_cmpstr (written, ==, "{\"a\":2.50,\"b\":3.0,\"c\":[0.10,0.20]}");
  /* Document order would give a the 2.0 and b the 2.00 */
  g_assert_cmpstr (no_number_first, ==, "{\"a\":2.00,\"b\":2.0}");
  g_assert_cmpstr (nested, ==, "[{\"a\":{\"b\":1.000}},0.50]");
}

/* What json-glib would take but JSON is not */
static void
test_refused (void)
{
  const char *texts[] = {
    "{\"a\":0x10}",
    "{\"a\":.5}",
    "{\"a\":01}",
    "{\"a\":1.}",
    "{\"a\":+1}",
    "{\"a\":1e}",
    "{\"a\":-}",
    "{\"a\":1.5.5}",
    "{\"a\":1e5e5}",
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":-Infinity}",
    "{/* 1 */\"a\":2}",
    "{\"a\":2}// 3",
    "{'a':1}",
    "{a:1}",
    "{\"a\":tru}",
    "{\"a\":truex}",
    "{\"a\":nul}",
    "{\"a\":\"x}",
    "{\"a\":\"x\\\"}",
    "{\"a\":\"\\7\"}",
    "{\"a\":\"\\x41\"}",
    "{\"a\":\"\\u12\"}",
    "{\"a\":\"\\u12G4\"}",
    "\"{1E3\\7351\\\\?\\\\\\\"{{{\"",
    "{\"a\":1}\x01",
    "{\"a\":1true}",
    "\xef\xbb{\"a\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaFhirJson) json = alta_fhir_json_parse (texts[i], -1, &error);
      g_autofree char *shown = g_strescape (texts[i], NULL);

      g_test_message ("%s: %s", shown, error != NULL ? error->message : "accepted");
      g_assert_null (json);
      g_assert_nonnull (error);
    }

  /* A NUL byte, inside a string and outside */
  {
    const char with_nul[] = "{\"a\":\"x\0y\"}";
    const char after_nul[] = "{\"a\":1}\0";
    g_autoptr (GError) error = NULL;

    g_assert_false (alta_fhir_json_scan_numbers (with_nul, sizeof with_nul - 1, NULL, &error));
    g_assert_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (alta_fhir_json_scan_numbers (after_nul, sizeof after_nul - 1, NULL, &error));
    g_assert_error (error, ALTA_FHIR_ERROR, ALTA_FHIR_ERROR_INVALID);
  }

  /* Tokens that are fine, nested wrong: json-glib's to refuse */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AltaFhirJson) json = alta_fhir_json_parse ("{\"a\":1,}", -1, &error);

    g_assert_null (json);
    g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_TRAILING_COMMA);
  }

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AltaFhirJson) json = alta_fhir_json_parse ("  ", -1, &error);

    g_assert_null (json);
    g_assert_nonnull (error);
  }
}

/* The scan lists every literal in order, and nothing inside strings */
static void
test_scan (void)
{
  const char *text = "[1,{\"a\":\"4 \\\" 5\",\"6\":-2.5e+3},\"\\\\\",0,[true,null,7E7]]";
  g_autoptr (GPtrArray) numbers = NULL;
  g_autoptr (GError) error = NULL;
  const char *expected[] = { "1", "-2.5e+3", "0", "7E7" };

  g_assert_true (alta_fhir_json_scan_numbers (text, strlen (text), &numbers, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (numbers->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < numbers->len; i++)
    g_assert_cmpstr (g_ptr_array_index (numbers, i), ==, expected[i]);

  /* Only the length given is read */
  g_clear_pointer (&numbers, g_ptr_array_unref);
  g_assert_true (alta_fhir_json_scan_numbers ("[12,34]", 3, &numbers, &error));
  g_assert_cmpuint (numbers->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (numbers, 0), ==, "12");
}

/* The store's own entry point: a resource object */
static void
test_resource_to_text (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AltaFhirJson) json =
    alta_fhir_json_parse ("{\"resourceType\":\"Observation\","
                          "\"valueQuantity\":{\"value\":0.010}}",
                          -1,
                          &error);
  JsonObject      *resource;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  resource = json_node_get_object (alta_fhir_json_get_root (json));
  json_object_set_string_member (resource, "id", "o-1");
  text = alta_fhir_resource_to_text (resource);
  g_assert_cmpstr (text, ==,
                   "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":0.010},"
                   "\"id\":\"o-1\"}");
}

/* The store writes a resource once: its text without the server's meta (hashed), and that
 * text with meta.versionId and meta.lastUpdated spliced in, which must be what writing the
 * tree again with them set gives, wherever meta is or when there is none. */
static void
test_add_version (void)
{
  const char *texts[] = {
    "{\"resourceType\":\"Observation\",\"id\":\"o\",\"valueQuantity\":{\"value\":1.50}}",
    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"profile\":[\"http://x/y\"]},"
    "\"name\":[{\"family\":\"A\\\"}\"}]}",
    "{\"meta\":{\"tag\":[{\"code\":\"a\"}],\"source\":\"#x\"},\"resourceType\":\"Condition\"}",
    "{\"resourceType\":\"Condition\",\"id\":\"c\",\"meta\":{\"security\":[]}}",
    "{\"resourceType\":\"DiagnosticReport\",\"contained\":[{\"resourceType\":\"Observation\","
    "\"meta\":{\"profile\":[\"z\"]},\"valueQuantity\":{\"value\":0.010}}],\"id\":\"d\"}",
    "{\"resourceType\":\"Observation\",\"meta\":{\"profile\":[\"q\"]},\"id\":\"o\","
    "\"contained\":[{\"meta\":{}}]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaFhirJson) json = alta_fhir_json_parse (texts[i], -1, &error);
      g_autofree char *content = NULL;
      g_autofree char *spliced = NULL;
      g_autofree char *written = NULL;
      JsonObject *resource, *meta;
      gsize meta_at;
      gboolean in_meta;

      g_assert_no_error (error);
      resource = json_node_get_object (alta_fhir_json_get_root (json));
      content = alta_fhir_resource_to_content_text (resource, &meta_at, &in_meta);
      g_assert_cmpstr (content, ==, texts[i]);
      g_assert_cmpint (in_meta, ==, json_object_has_member (resource, "meta"));

      spliced = alta_fhir_resource_add_version (content, meta_at, in_meta, "12",
                                                "2026-12-04T18:00:00.000Z");
      meta = json_object_has_member (resource, "meta")
               ? json_object_get_object_member (resource, "meta") : NULL;
      if (meta == NULL)
        {
          meta = json_object_new ();
          json_object_set_object_member (resource, "meta", meta);
        }
      json_object_set_string_member (meta, "versionId", "12");
      json_object_set_string_member (meta, "lastUpdated", "2026-12-04T18:00:00.000Z");
      written = alta_fhir_resource_to_text (resource);
      g_assert_cmpstr (spliced, ==, written);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-json/literals-kept", test_literals_kept);
  g_test_add_func ("/fhir-json/compact", test_compact);
  g_test_add_func ("/fhir-json/same-as-json-glib", test_same_as_json_glib);
  g_test_add_func ("/fhir-json/numbers-from-code", test_numbers_from_code);
  g_test_add_func ("/fhir-json/moved-nodes", test_moved_nodes);
  g_test_add_func ("/fhir-json/duplicate-members", test_duplicate_members);
  g_test_add_func ("/fhir-json/refused", test_refused);
  g_test_add_func ("/fhir-json/scan", test_scan);
  g_test_add_func ("/fhir-json/resource-to-text", test_resource_to_text);
  g_test_add_func ("/fhir-json/add-version", test_add_version);

  return g_test_run ();
}
