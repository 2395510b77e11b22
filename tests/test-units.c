/* test-units.c: units, values and normal ranges as patients read them, in both languages
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <math.h>

#include "alta-lab-result.h"
#include "alta-units.h"

#ifdef __GLIBC__
/* GNU gettext's count of catalog changes: a new $LANGUAGE is read once it moves */
extern int _nl_msg_cat_cntr;
#endif

/* Translations follow $LANGUAGE, as the app's language switch does (alta-application.c) */
static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_MESSAGES, "");
#ifdef __GLIBC__
  ++_nl_msg_cat_cntr;
#endif
}

static void
assert_unit (const char *code,
             const char *expected)
{
  g_autofree char *text = alta_units_dup_for_patient (code);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_range (gboolean    has_low,
              double      low,
              gboolean    has_high,
              double      high,
              const char *unit,
              const char *shown,
              const char *spoken)
{
  g_autofree char *range = alta_units_format_range (has_low, low, has_high, high, unit);
  g_autofree char *description = alta_units_describe_range (has_low, low, has_high, high);

  g_assert_cmpstr (range, ==, shown);
  g_assert_cmpstr (description, ==, spoken);
}

static AltaLabResult *
parse_result (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return ALTA_LAB_RESULT (alta_record_item_new_from_json (ALTA_TYPE_LAB_RESULT,
                                                          json_node_get_object (node)));
}

/* Every unit of the demo records and the sample bundles */
static void
test_units_english (void)
{
  use_language ("en");

  assert_unit ("10*3/uL", "×10³/µL");
  assert_unit ("10*6/uL", "×10⁶/µL");
  assert_unit ("m[IU]/L", "mIU/L");
  assert_unit ("[IU]/L", "IU/L");
  assert_unit ("u[IU]/mL", "µIU/mL");
  assert_unit ("mg/dL", "mg/dL");
  assert_unit ("g/dL", "g/dL");
  assert_unit ("mmol/L", "mmol/L");
  assert_unit ("%", "%");
  assert_unit ("fL", "fL");
  assert_unit ("pg", "pg");
  assert_unit ("mm[Hg]", "mmHg");
  assert_unit ("mmHg", "mmHg");
  assert_unit ("kg/m2", "kg/m²");
  assert_unit ("/min", "per minute");
  assert_unit ("{beats}/min", "beats per minute");
  assert_unit ("beats/minute", "beats per minute");
  assert_unit ("[lb_av]", "lb");
  assert_unit ("[in_i]", "in");
  assert_unit ("Cel", "°C");
  assert_unit ("[degF]", "°F");
  assert_unit ("mL/min/{1.73_m2}", "mL/min/1.73 m²");
  assert_unit ("kg", "kg");
  assert_unit ("cm", "cm");
  assert_unit ("1", "");
  assert_unit (NULL, "");
  assert_unit ("", "");
}

/* Codes not in the table lose only what is plainly code */
static void
test_units_unknown (void)
{
  use_language ("en");

  assert_unit ("{cells}/uL", "cells/µL");
  assert_unit ("10*9/L", "×10⁹/L");
  assert_unit ("10*5/mL", "×10⁵/mL");
  assert_unit ("ug/g", "µg/g");
  assert_unit ("umol/mmol", "µmol/mmol");
  assert_unit ("m[IU]/g", "mIU/g");
  assert_unit ("[mi_i]/h", "mi/h");
  assert_unit ("mm2", "mm²");
  assert_unit ("/[HPF]", "/HPF");
  /* Words a laboratory wrote for people pass as they came */
  assert_unit ("cells per microliter", "cells per microliter");
  assert_unit ("copies (log)", "copies (log)");
  /* Not UTF-8: nothing; very long: as written */
  assert_unit ("\xff\xfe", "");
  {
    g_autofree char *longest = g_strnfill (ALTA_UNITS_MAX_LENGTH + 1, 'u');

    assert_unit (longest, longest);
  }
  /* Brackets and braces that never close, and lone ones */
  assert_unit ("[in_i", "in_i");
  assert_unit ("]{", "");
  assert_unit ("10*", "10*");
  assert_unit ("10*3x", "10*3x");
}

static void
test_units_spanish (void)
{
  use_language ("es");

  assert_unit ("10*3/uL", "×10³/µL");
  assert_unit ("m[IU]/L", "mUI/L");
  assert_unit ("[IU]/L", "UI/L");
  assert_unit ("u[IU]/mL", "µUI/mL");
  assert_unit ("mm[Hg]", "mmHg");
  assert_unit ("/min", "por minuto");
  assert_unit ("{beats}/min", "latidos por minuto");
  assert_unit ("[lb_av]", "lb");
  assert_unit ("[in_i]", "pulg");
  assert_unit ("Cel", "°C");

  use_language ("en");
}

static void
test_values (void)
{
  struct
  {
    double      value;
    const char *unit;
    const char *text;
  } values[] = {
    { 124, "mg/dL", "124 mg/dL" },
    { 6.8, "10*3/uL", "6.8 ×10³/µL" },
    { 41.5, "%", "41.5%" },
    { 0.88, "mg/dL", "0.88 mg/dL" },
    { 72, "/min", "72 per minute" },
    { 1.5e6, "1", "1500000" },
    { 3, NULL, "3" },
  };

  use_language ("en");
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = alta_units_format_value (values[i].value, values[i].unit);

      g_assert_cmpstr (text, ==, values[i].text);
    }
}

static void
test_ranges_english (void)
{
  use_language ("en");

  assert_range (TRUE, 70, TRUE, 99, "mg/dL", "Normal: 70 to 99 mg/dL", "normal range 70 to 99");
  assert_range (FALSE, 0, TRUE, 199, "mg/dL", "Normal: under 200 mg/dL", "normal range under 200");
  assert_range (TRUE, 40, FALSE, 0, "mg/dL", "Normal: over 40 mg/dL", "normal range over 40");
  assert_range (FALSE, 0, TRUE, 5.6, "%", "Normal: up to 5.6%", "normal range up to 5.6");
  assert_range (TRUE, 0.4, TRUE, 4, "m[IU]/L", "Normal: 0.4 to 4 mIU/L", "normal range 0.4 to 4");
  assert_range (TRUE, 4.5, TRUE, 11, "10*3/uL", "Normal: 4.5 to 11 ×10³/µL",
                "normal range 4.5 to 11");
  assert_range (FALSE, 0, FALSE, 0, "mg/dL", NULL, NULL);
  assert_range (TRUE, NAN, FALSE, 0, "mg/dL", NULL, NULL);
}

static void
test_ranges_spanish (void)
{
  use_language ("es");

  assert_range (TRUE, 70, TRUE, 99, "mg/dL", "Normal: de 70 a 99 mg/dL",
                "rango normal de 70 a 99");
  assert_range (FALSE, 0, TRUE, 199, "mg/dL", "Normal: menos de 200 mg/dL",
                "rango normal: menos de 200");
  assert_range (TRUE, 40, FALSE, 0, "mg/dL", "Normal: más de 40 mg/dL",
                "rango normal: más de 40");
  assert_range (FALSE, 0, TRUE, 5.6, "%", "Normal: hasta 5.6%", "rango normal: hasta 5.6");
  assert_range (TRUE, 0.4, TRUE, 4, "m[IU]/L", "Normal: de 0.4 a 4 mUI/L",
                "rango normal de 0.4 a 4");

  use_language ("en");
}

/* A result's range carries its unit, and a one-sided range flags the value by itself */
static void
test_results (void)
{
  g_autoptr (AltaLabResult) hdl = parse_result (
    "{\"resourceType\":\"Observation\",\"id\":\"hdl\",\"code\":{\"text\":\"HDL cholesterol\"},"
    "\"valueQuantity\":{\"value\":37,\"unit\":\"mg/dL\"},"
    "\"referenceRange\":[{\"low\":{\"value\":40,\"unit\":\"mg/dL\"}}]}");
  g_autoptr (AltaLabResult) cholesterol = parse_result (
    "{\"resourceType\":\"Observation\",\"id\":\"chol\",\"code\":{\"text\":\"Total cholesterol\"},"
    "\"valueQuantity\":{\"value\":214,\"code\":\"mg/dL\"},"
    "\"referenceRange\":[{\"high\":{\"value\":199,\"code\":\"mg/dL\"}}]}");
  g_autoptr (AltaLabResult) normal = parse_result (
    "{\"resourceType\":\"Observation\",\"id\":\"ldl\",\"code\":{\"text\":\"LDL cholesterol\"},"
    "\"valueQuantity\":{\"value\":99,\"unit\":\"mg/dL\"},"
    "\"referenceRange\":[{\"high\":{\"value\":99}}]}");
  g_autoptr (AltaLabResult) tsh = parse_result (
    "{\"resourceType\":\"Observation\",\"id\":\"tsh\",\"code\":{\"text\":\"TSH\"},"
    "\"valueQuantity\":{\"value\":2.1,\"unit\":\"m[IU]/L\"},"
    "\"interpretation\":[{\"coding\":[{\"code\":\"H\"}]}],"
    "\"referenceRange\":[{\"low\":{\"value\":0.4},\"high\":{\"value\":4}}]}");
  g_autoptr (AltaLabResult) text_range = parse_result (
    "{\"resourceType\":\"Observation\",\"id\":\"u\",\"code\":{\"text\":\"Urine protein\"},"
    "\"valueString\":\"Trace\",\"referenceRange\":[{\"text\":\"Negative\"}]}");
  g_autofree char *hdl_range = NULL;
  g_autofree char *hdl_value = NULL;
  g_autofree char *cholesterol_range = NULL;
  g_autofree char *tsh_range = NULL;
  g_autofree char *tsh_value = NULL;
  g_autofree char *text_shown = NULL;
  g_autofree char *text_spoken = NULL;

  use_language ("en");

  g_assert_cmpint (alta_lab_result_get_flag (hdl), ==, ALTA_RESULT_FLAG_LOW);
  g_assert_cmpint (alta_lab_result_get_flag (cholesterol), ==, ALTA_RESULT_FLAG_HIGH);
  g_assert_cmpint (alta_lab_result_get_flag (normal), ==, ALTA_RESULT_FLAG_NORMAL);
  /* The laboratory's interpretation wins over the range */
  g_assert_cmpint (alta_lab_result_get_flag (tsh), ==, ALTA_RESULT_FLAG_HIGH);
  g_assert_cmpint (alta_lab_result_get_flag (text_range), ==, ALTA_RESULT_FLAG_NONE);

  hdl_range = alta_lab_result_dup_range (hdl);
  hdl_value = alta_lab_result_dup_value_with_unit (hdl);
  cholesterol_range = alta_lab_result_dup_range (cholesterol);
  tsh_range = alta_lab_result_dup_range (tsh);
  tsh_value = alta_lab_result_dup_value_with_unit (tsh);
  text_shown = alta_lab_result_dup_range (text_range);
  text_spoken = alta_lab_result_dup_range_description (text_range);
  g_assert_cmpstr (hdl_range, ==, "Normal: over 40 mg/dL");
  g_assert_cmpstr (hdl_value, ==, "37 mg/dL");
  g_assert_cmpstr (cholesterol_range, ==, "Normal: under 200 mg/dL");
  /* A range without a unit of its own has its value's */
  g_assert_cmpstr (tsh_range, ==, "Normal: 0.4 to 4 mIU/L");
  g_assert_cmpstr (tsh_value, ==, "2.1 mIU/L");
  g_assert_cmpstr (text_shown, ==, "Normal: Negative");
  g_assert_cmpstr (text_spoken, ==, "normal range Negative");
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("MYALTAMED_LOCALEDIR");
  g_autofree char *catalog = NULL;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  /* The Spanish cases need the built catalog: without it they fail, never pass in English */
  g_assert_nonnull (localedir);
  catalog = g_build_filename (localedir, "es", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_assert_true (g_file_test (catalog, G_FILE_TEST_IS_REGULAR));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  g_test_add_func ("/units/english", test_units_english);
  g_test_add_func ("/units/unknown", test_units_unknown);
  g_test_add_func ("/units/spanish", test_units_spanish);
  g_test_add_func ("/units/values", test_values);
  g_test_add_func ("/units/ranges-english", test_ranges_english);
  g_test_add_func ("/units/ranges-spanish", test_ranges_spanish);
  g_test_add_func ("/units/results", test_results);

  return g_test_run ();
}
