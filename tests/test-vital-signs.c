/* test-vital-signs.c: vital-signs Observations into AltaVitalSign
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-fhir-bundle.h"
#include "alta-vital-sign.h"

#define CATEGORY "\"category\":[{\"coding\":[{\"system\":" \
                 "\"http://terminology.hl7.org/CodeSystem/observation-category\"," \
                 "\"code\":\"vital-signs\"}]}]"
#define LOINC(code) "{\"system\":\"http://loinc.org\",\"code\":\"" code "\"}"
#define MMHG(value) "\"valueQuantity\":{\"value\":" value ",\"unit\":\"mm[Hg]\"," \
                    "\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}"

static AltaVitalSign *
parse (const char *json)
{
  g_autoptr (GError) error = NULL;
  AltaRecordItem *item = alta_fhir_resource_parse (json, -1, ALTA_TYPE_VITAL_SIGN, &error);

  g_assert_no_error (error);
  g_assert_true (ALTA_IS_VITAL_SIGN (item));
  return ALTA_VITAL_SIGN (item);
}

static GBytes *
read_data (const char *first,
           ...)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  va_list args;
  char *contents;
  gsize length;

  g_ptr_array_add (parts, (char *)g_test_get_dir (G_TEST_DIST));
  g_ptr_array_add (parts, "data");
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *)part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  path = g_build_filenamev ((char **)parts->pdata);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* A blood pressure is one Observation; its systolic and diastolic pressures are its
 * components, found by their codes in whatever order they come (Synthea puts the
 * diastolic first) */
static void
test_blood_pressure (void)
{
  g_autoptr (AltaVitalSign) pressure = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"bp\",\"status\":\"final\"," CATEGORY ","
    "\"code\":{\"coding\":[" LOINC ("85354-9") "],\"text\":\"Blood Pressure\"},"
    "\"effectiveDateTime\":\"2026-11-17T09:10:00-08:00\",\"component\":["
    "{\"code\":{\"coding\":[" LOINC ("8462-4") "]}," MMHG ("81") "},"
    "{\"code\":{\"coding\":[" LOINC ("8480-6") "]}," MMHG ("123") "}]}");
  g_autoptr (AltaVitalSign) systolic_only = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"bp2\",\"code\":{\"coding\":[" LOINC ("85354-9") "]},"
    "\"component\":[{\"code\":{\"coding\":[" LOINC ("8480-6") "]}," MMHG ("131") "},"
    "{\"code\":{\"coding\":[" LOINC ("8462-4") "]},"
    "\"dataAbsentReason\":{\"coding\":[{\"code\":\"not-performed\"}]}}]}");
  g_autofree char *key = alta_vital_sign_dup_key (pressure);

  g_assert_cmpint (alta_vital_sign_get_kind (pressure), ==, ALTA_VITAL_KIND_BLOOD_PRESSURE);
  g_assert_cmpstr (key, ==, "blood-pressure");
  g_assert_cmpstr (alta_vital_sign_get_code (pressure), ==, "85354-9");
  g_assert_cmpstr (alta_record_item_get_title (ALTA_RECORD_ITEM (pressure)), ==, "Blood Pressure");
  g_assert_true (alta_vital_sign_get_has_value (pressure));
  g_assert_cmpfloat (alta_vital_sign_get_value (pressure), ==, 123);
  g_assert_true (alta_vital_sign_get_has_diastolic (pressure));
  g_assert_cmpfloat (alta_vital_sign_get_diastolic (pressure), ==, 81);
  g_assert_cmpstr (alta_vital_sign_get_unit (pressure), ==, "mm[Hg]");
  g_assert_cmpint (alta_vital_sign_get_decimals (pressure), ==, 0);
  g_assert_cmpint (g_date_time_get_day_of_month (alta_record_item_get_date (ALTA_RECORD_ITEM (pressure))),
                   ==, 17);

  g_assert_true (alta_vital_sign_get_has_value (systolic_only));
  g_assert_cmpfloat (alta_vital_sign_get_value (systolic_only), ==, 131);
  g_assert_false (alta_vital_sign_get_has_diastolic (systolic_only));
}

/* What was measured comes from any LOINC coding; other systems' codes do not count */
static void
test_kinds (void)
{
  static const struct
  {
    const char    *coding;
    AltaVitalKind  kind;
  } cases[] = {
    { "{\"system\":\"http://snomed.info/sct\",\"code\":\"8867-4\"}," LOINC ("8310-5"),
      ALTA_VITAL_KIND_TEMPERATURE },
    { LOINC ("8331-1"), ALTA_VITAL_KIND_TEMPERATURE },
    { LOINC ("2708-6") "," LOINC ("59408-5"), ALTA_VITAL_KIND_OXYGEN_SATURATION },
    { LOINC ("59408-5"), ALTA_VITAL_KIND_OXYGEN_SATURATION },
    { LOINC ("8867-4"), ALTA_VITAL_KIND_HEART_RATE },
    { LOINC ("9279-1"), ALTA_VITAL_KIND_RESPIRATORY_RATE },
    { LOINC ("29463-7"), ALTA_VITAL_KIND_WEIGHT },
    { LOINC ("8302-2"), ALTA_VITAL_KIND_HEIGHT },
    { LOINC ("39156-5"), ALTA_VITAL_KIND_BMI },
    { LOINC ("9843-4"), ALTA_VITAL_KIND_HEAD_CIRCUMFERENCE },
    { "{\"system\":\"http://snomed.info/sct\",\"code\":\"8867-4\"}", ALTA_VITAL_KIND_OTHER },
    { "{\"system\":\"http://loinc.org\",\"code\":\"5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
      ALTA_VITAL_KIND_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"id\":\"v%u\",\"code\":{\"coding\":[%s],\"text\":\"X\"},"
        "\"valueQuantity\":{\"value\":1}}", i, cases[i].coding);
      g_autoptr (AltaVitalSign) vital = parse (json);

      g_test_message ("case %u", i);
      g_assert_cmpint (alta_vital_sign_get_kind (vital), ==, cases[i].kind);
    }
}

/* Measurements of a code we do not know go together by their code, else by their name */
static void
test_other_keys (void)
{
  g_autoptr (AltaVitalSign) coded = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"p\",\"code\":{\"coding\":["
    "{\"system\":\"http://loinc.org\",\"code\":\"72514-3\"}],\"text\":\"Pain severity\"},"
    "\"valueQuantity\":{\"value\":2,\"unit\":\"{score}\"}}");
  g_autoptr (AltaVitalSign) named = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"n\",\"code\":{\"text\":\"Waist\"},"
    "\"valueQuantity\":{\"value\":80.25,\"unit\":\"cm\"}}");
  g_autofree char *coded_key = alta_vital_sign_dup_key (coded);
  g_autofree char *named_key = alta_vital_sign_dup_key (named);

  g_assert_cmpstr (coded_key, ==, "code:72514-3");
  g_assert_cmpstr (named_key, ==, "name:Waist");
  g_assert_cmpint (alta_vital_sign_get_decimals (named), ==, -1);
  g_assert_cmpfloat (alta_vital_sign_get_value (named), ==, 80.25);
}

/* A value that is missing, not a number, or not finite is no value; nothing else breaks */
static void
test_missing_values (void)
{
  static const char *values[] = {
    "\"dataAbsentReason\":{\"coding\":[{\"code\":\"not-performed\"}]}",
    "\"valueQuantity\":{\"unit\":\"kg\"}",
    "\"valueQuantity\":{\"value\":\"seventy\",\"unit\":\"kg\"}",
    "\"valueQuantity\":{\"value\":1e999,\"unit\":\"kg\"}",
    "\"valueQuantity\":[72]",
    "\"valueString\":\"72\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"resourceType\":\"Observation\",\"id\":\"w%u\",\"code\":{\"coding\":[" LOINC ("29463-7") "]},%s}",
        i, values[i]);
      g_autoptr (AltaVitalSign) weight = parse (json);

      g_test_message ("case %u", i);
      g_assert_cmpint (alta_vital_sign_get_kind (weight), ==, ALTA_VITAL_KIND_WEIGHT);
      g_assert_false (alta_vital_sign_get_has_value (weight));
      g_assert_false (alta_vital_sign_get_has_diastolic (weight));
      g_assert_null (alta_vital_sign_get_unit (weight));
    }

  {
    /* A blood pressure without components has no value at all */
    g_autoptr (AltaVitalSign) empty = parse (
      "{\"resourceType\":\"Observation\",\"id\":\"bp\",\"code\":{\"coding\":[" LOINC ("85354-9") "]},"
      "\"component\":[{\"code\":{\"text\":\"Cuff size\"},\"valueString\":\"large\"}]}");

    g_assert_false (alta_vital_sign_get_has_value (empty));
    g_assert_false (alta_vital_sign_get_has_diastolic (empty));
  }
}

/* The unit is the UCUM code when there is one (it is what a unit table knows), else the
 * text given */
static void
test_units (void)
{
  g_autoptr (AltaVitalSign) coded = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"t\",\"code\":{\"coding\":[" LOINC ("8310-5") "]},"
    "\"valueQuantity\":{\"value\":36.61,\"unit\":\"degrees C\",\"system\":\"http://unitsofmeasure.org\","
    "\"code\":\"Cel\"}}");
  g_autoptr (AltaVitalSign) text_only = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"w\",\"code\":{\"coding\":[" LOINC ("29463-7") "]},"
    "\"valueQuantity\":{\"value\":165,\"unit\":\"lbs\"}}");
  g_autoptr (AltaVitalSign) no_unit = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"h\",\"code\":{\"coding\":[" LOINC ("8867-4") "]},"
    "\"valueQuantity\":{\"value\":72,\"code\":\"\"}}");

  g_assert_cmpstr (alta_vital_sign_get_unit (coded), ==, "Cel");
  g_assert_cmpint (alta_vital_sign_get_decimals (coded), ==, 1);
  g_assert_cmpstr (alta_vital_sign_get_unit (text_only), ==, "lbs");
  g_assert_null (alta_vital_sign_get_unit (no_unit));
  g_assert_true (alta_vital_sign_get_has_value (no_unit));
}

/* The sample records: every vital sign of Philip's and of the test patient is read with a
 * value and a kind */
static void
test_sample_records (void)
{
  static const struct
  {
    const char *folder;
    const char *name;
    guint       vitals;
    guint       pressures;
    guint       without_value;
  } files[] = {
    { "fhir/bundles", "Philip822_Schultz619.json", 6, 1, 0 },
    { "fhir/bundles", "Leta870_Kihn564.json", 6, 1, 0 },
    { "vitals", "Teresa_Ibarra.json", 39, 8, 1 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr (GBytes) body = read_data (files[f].folder, files[f].name, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, ALTA_TYPE_VITAL_SIGN, &error);
      guint vitals = 0, pressures = 0, without_value = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (page->items)); i++)
        {
          g_autoptr (AltaVitalSign) vital = g_list_model_get_item (G_LIST_MODEL (page->items), i);

          /* The laboratory results of the same file are Observations too */
          if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_OTHER)
            continue;
          vitals++;
          g_assert_nonnull (alta_record_item_get_date (ALTA_RECORD_ITEM (vital)));
          if (!alta_vital_sign_get_has_value (vital))
            without_value++;
          if (alta_vital_sign_get_kind (vital) == ALTA_VITAL_KIND_BLOOD_PRESSURE)
            {
              pressures++;
              g_assert_true (alta_vital_sign_get_has_diastolic (vital));
              g_assert_cmpfloat (alta_vital_sign_get_value (vital), >, alta_vital_sign_get_diastolic (vital));
              g_assert_cmpstr (alta_vital_sign_get_unit (vital), ==, "mm[Hg]");
            }
        }

      g_test_message ("%s", files[f].name);
      g_assert_cmpuint (vitals, ==, files[f].vitals);
      g_assert_cmpuint (pressures, ==, files[f].pressures);
      g_assert_cmpuint (without_value, ==, files[f].without_value);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vital-signs/blood-pressure", test_blood_pressure);
  g_test_add_func ("/vital-signs/kinds", test_kinds);
  g_test_add_func ("/vital-signs/other-keys", test_other_keys);
  g_test_add_func ("/vital-signs/missing-values", test_missing_values);
  g_test_add_func ("/vital-signs/units", test_units);
  g_test_add_func ("/vital-signs/sample-records", test_sample_records);

  return g_test_run ();
}
