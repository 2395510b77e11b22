/* test-fhir-model.c: FHIR resources into the app's model objects
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "alta-allergy.h"
#include "alta-appointment.h"
#include "alta-clinic.h"
#include "alta-fhir-bundle.h"
#include "alta-immunization.h"
#include "alta-lab-report.h"
#include "alta-lab-result.h"
#include "alta-medication.h"
#include "alta-message-thread.h"
#include "alta-portal-error.h"
#include "alta-problem.h"
#include "alta-refill-request.h"
#include "alta-slot.h"

static GBytes *
read_sample (const char *folder,
             const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "fhir", folder, name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static GType
model_types (guint i)
{
  GType types[] = {
    ALTA_TYPE_ALLERGY, ALTA_TYPE_IMMUNIZATION, ALTA_TYPE_MEDICATION, ALTA_TYPE_PROBLEM,
    ALTA_TYPE_LAB_RESULT, ALTA_TYPE_LAB_REPORT,
  };

  return types[i];
}

#define N_MODEL_TYPES 6

/* Every item of a page has what a list row needs */
static void
assert_items_usable (GListModel *items)
{
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr (AltaRecordItem) item = g_list_model_get_item (items, i);

      g_assert_nonnull (alta_record_item_get_id (item));
      g_assert_nonnull (alta_record_item_get_title (item));
    }
}

/* The patient bundles of tests/data/fhir, with the counts of its README */
static void
test_sample_bundles (void)
{
  static const struct
  {
    const char *name;
    guint       counts[N_MODEL_TYPES];
  } files[] = {
    { "Carolyne559_Koelpin146.json", { 0, 59, 3, 3, 712, 80 } },
    { "Francisco472_Guardado953.json", { 0, 44, 0, 0, 28, 36 } },
    { "Leta870_Kihn564.json", { 0, 25, 0, 3, 16, 2 } },
    { "Philip822_Schultz619.json", { 0, 25, 0, 6, 16, 2 } },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr (GBytes) body = read_sample ("bundles", files[f].name);

      for (guint t = 0; t < N_MODEL_TYPES; t++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, model_types (t), &error);

          g_assert_no_error (error);
          g_test_message ("%s %s", files[f].name, g_type_name (model_types (t)));
          g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->items)), ==,
                            files[f].counts[t]);
          assert_items_usable (G_LIST_MODEL (page->items));
        }
    }
}

/* Carolyne's scrambled LOINC codes and survey categories still read as results */
static void
test_scrambled_codes (void)
{
  g_autoptr (GBytes) body = read_sample ("bundles", "Carolyne559_Koelpin146.json");
  g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, ALTA_TYPE_LAB_RESULT, NULL);
  guint with_value = 0, with_date = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (page->items)); i++)
    {
      g_autoptr (AltaLabResult) result = g_list_model_get_item (G_LIST_MODEL (page->items), i);

      with_value += alta_lab_result_get_has_value (result) ||
                    alta_lab_result_get_value_text (result) != NULL;
      with_date += alta_record_item_get_date (ALTA_RECORD_ITEM (result)) != NULL;
      g_assert_nonnull (alta_lab_result_get_code (result));
    }

  g_assert_cmpuint (with_date, ==, 712);
  g_assert_cmpuint (with_value, >, 600);
}

/* The bulk export: one resource a line, each read on its own */
static void
test_sample_ndjson (void)
{
  static const struct
  {
    const char *name;
    GType     (*get_type) (void);
    guint       count;
  } files[] = {
    { "AllergyIntolerance.ndjson", alta_allergy_get_type, 8 },
    { "Immunization.ndjson", alta_immunization_get_type, 80 },
    { "MedicationRequest.ndjson", alta_medication_get_type, 607 },
    { "Condition.ndjson", alta_problem_get_type, 175 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr (GBytes) body = read_sample ("ndjson", files[f].name);
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      guint count = 0;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr (AltaRecordItem) item = NULL;
          g_autoptr (GError) error = NULL;

          if (lines[i][0] == '\0')
            continue;
          item = alta_fhir_resource_parse (lines[i], -1, files[f].get_type (), &error);
          g_assert_no_error (error);
          g_assert_nonnull (alta_record_item_get_title (item));
          count++;
        }

      g_assert_cmpuint (count, ==, files[f].count);
    }

  /* A resource of another type is refused, clearly */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AltaRecordItem) item = alta_fhir_resource_parse ("{\"resourceType\":\"Patient\"}", -1,
                                                                ALTA_TYPE_ALLERGY, &error);

    g_assert_null (item);
    g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE);
  }
}

static AltaRecordItem *
parse (const char *json,
       GType       type)
{
  g_autoptr (GError) error = NULL;
  AltaRecordItem *item = alta_fhir_resource_parse (json, -1, type, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

static void
test_details (void)
{
  g_autoptr (AltaRecordItem) allergy = parse (
    "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\",\"criticality\":\"high\","
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"active\"}]},"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"764146007\",\"display\":\"Penicillin\"}]},"
    "\"recordedDate\":\"2019-04-02\",\"reaction\":["
    "{\"manifestation\":[{\"text\":\"Hives\"},{\"text\":\"Itching\"}],\"severity\":\"mild\"},"
    "{\"manifestation\":[{\"text\":\"Hives\"}],\"severity\":\"moderate\"}]}", ALTA_TYPE_ALLERGY);
  g_autoptr (AltaRecordItem) medication = parse (
    "{\"resourceType\":\"MedicationRequest\",\"id\":\"m1\",\"status\":\"active\","
    "\"medicationCodeableConcept\":{\"text\":\"Metformin 500 mg tablet\"},"
    "\"authoredOn\":\"2025-03-01T10:00:00-08:00\",\"requester\":{\"reference\":\"Practitioner/p\",\"display\":\"Dr. Ana Torres\"},"
    "\"dosageInstruction\":[{\"text\":\"Take 1 tablet twice a day\"}],"
    "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":3}}", ALTA_TYPE_MEDICATION);
  g_autoptr (AltaRecordItem) problem = parse (
    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},"
    "\"code\":{\"text\":\"Acute bronchitis\"},\"onsetDateTime\":\"2024-01\",\"abatementDateTime\":\"2024-02-10\"}",
    ALTA_TYPE_PROBLEM);
  g_autoptr (AltaRecordItem) high = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
    "\"category\":[{\"coding\":[{\"code\":\"laboratory\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"4548-4\",\"display\":\"Hemoglobin A1c\"}]},"
    "\"effectiveDateTime\":\"2025-06-01T08:30:00Z\",\"valueQuantity\":{\"value\":7.2,\"unit\":\"%\"},"
    "\"referenceRange\":[{\"low\":{\"value\":4},\"high\":{\"value\":5.6}}]}", ALTA_TYPE_LAB_RESULT);
  g_autoptr (AltaRecordItem) critical = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"o2\",\"code\":{\"text\":\"Potassium\"},"
    "\"valueQuantity\":{\"value\":2,\"code\":\"mmol/L\"},"
    "\"interpretation\":[{\"coding\":[{\"code\":\"LL\"}]}]}", ALTA_TYPE_LAB_RESULT);
  g_autoptr (AltaRecordItem) pressure = parse (
    "{\"resourceType\":\"Observation\",\"id\":\"o3\",\"code\":{\"text\":\"Blood pressure\"},"
    "\"component\":[{\"code\":{\"text\":\"Systolic\"},\"valueQuantity\":{\"value\":120,\"unit\":\"mm[Hg]\"}},"
    "{\"code\":{\"text\":\"Diastolic\"},\"valueQuantity\":{\"value\":80,\"unit\":\"mm[Hg]\"}}]}",
    ALTA_TYPE_LAB_RESULT);
  g_autoptr (AltaRecordItem) report = parse (
    "{\"resourceType\":\"DiagnosticReport\",\"id\":\"r1\",\"status\":\"final\",\"code\":{\"text\":\"Lipid panel\"},"
    "\"performer\":[{\"display\":\"MyAltaMed Laboratory\"}],\"effectiveDateTime\":\"2025-06-01\","
    "\"result\":[{\"reference\":\"Observation/o1\"},{\"reference\":\"urn:uuid:x\"},{\"reference\":\"Observation/o2\"}]}",
    ALTA_TYPE_LAB_REPORT);
  const char * const *ids;

  g_assert_cmpstr (alta_record_item_get_title (allergy), ==, "Penicillin");
  g_assert_cmpstr (alta_allergy_get_reaction (ALTA_ALLERGY (allergy)), ==, "Hives, Itching");
  g_assert_cmpstr (alta_allergy_get_severity (ALTA_ALLERGY (allergy)), ==, "moderate");
  g_assert_cmpstr (alta_allergy_get_criticality (ALTA_ALLERGY (allergy)), ==, "high");
  g_assert_cmpstr (alta_record_item_get_status (allergy), ==, "active");
  g_assert_cmpint (g_date_time_get_year (alta_record_item_get_date (allergy)), ==, 2019);

  g_assert_cmpstr (alta_medication_get_instructions (ALTA_MEDICATION (medication)), ==,
                   "Take 1 tablet twice a day");
  g_assert_cmpstr (alta_medication_get_prescriber (ALTA_MEDICATION (medication)), ==, "Dr. Ana Torres");
  g_assert_cmpint (alta_medication_get_refills (ALTA_MEDICATION (medication)), ==, 3);
  g_assert_cmpint (g_date_time_get_hour (alta_record_item_get_date (medication)), ==, 10);

  g_assert_cmpstr (alta_record_item_get_status (problem), ==, "resolved");
  g_assert_cmpint (g_date_time_get_month (alta_record_item_get_date (problem)), ==, 1);
  g_assert_cmpint (g_date_time_get_day_of_month (alta_problem_get_resolved_date (ALTA_PROBLEM (problem))), ==, 10);

  g_assert_true (alta_lab_result_get_has_value (ALTA_LAB_RESULT (high)));
  g_assert_cmpfloat (alta_lab_result_get_value (ALTA_LAB_RESULT (high)), ==, 7.2);
  g_assert_cmpstr (alta_lab_result_get_unit (ALTA_LAB_RESULT (high)), ==, "%");
  g_assert_cmpfloat (alta_lab_result_get_high (ALTA_LAB_RESULT (high)), ==, 5.6);
  g_assert_cmpint (alta_lab_result_get_flag (ALTA_LAB_RESULT (high)), ==, ALTA_RESULT_FLAG_HIGH);
  g_assert_cmpstr (alta_lab_result_get_code (ALTA_LAB_RESULT (high)), ==, "4548-4");
  g_assert_cmpstr (alta_lab_result_get_code_system (ALTA_LAB_RESULT (high)), ==, "http://loinc.org");
  g_assert_cmpstr (alta_lab_result_get_category (ALTA_LAB_RESULT (high)), ==, "laboratory");
  {
    g_autofree char *high_value = alta_lab_result_dup_value_with_unit (ALTA_LAB_RESULT (high));
    g_autofree char *pressure_value = alta_lab_result_dup_value_with_unit (ALTA_LAB_RESULT (pressure));

    g_assert_cmpstr (high_value, ==, "7.2%");
    g_assert_cmpstr (pressure_value, ==, "Systolic 120 mmHg, Diastolic 80 mmHg");
  }

  g_assert_cmpint (alta_lab_result_get_flag (ALTA_LAB_RESULT (critical)), ==, ALTA_RESULT_FLAG_CRITICAL_LOW);
  g_assert_cmpstr (alta_lab_result_get_unit (ALTA_LAB_RESULT (critical)), ==, "mmol/L");

  g_assert_false (alta_lab_result_get_has_value (ALTA_LAB_RESULT (pressure)));
  g_assert_cmpstr (alta_lab_result_get_value_text (ALTA_LAB_RESULT (pressure)), ==,
                   "Systolic 120 mmHg, Diastolic 80 mmHg");
  g_assert_cmpint (alta_lab_result_get_flag (ALTA_LAB_RESULT (pressure)), ==, ALTA_RESULT_FLAG_NONE);

  g_assert_cmpstr (alta_lab_report_get_performer (ALTA_LAB_REPORT (report)), ==, "MyAltaMed Laboratory");
  ids = alta_lab_report_get_result_ids (ALTA_LAB_REPORT (report));
  g_assert_cmpuint (g_strv_length ((GStrv)ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, "o1");
  g_assert_cmpstr (ids[1], ==, "o2");

  /* Properties, for the list rows' expressions */
  {
    g_autofree char *title = NULL;
    AltaResultFlag flag;

    g_object_get (high, "title", &title, "flag", &flag, NULL);
    g_assert_cmpstr (title, ==, "Hemoglobin A1c");
    g_assert_cmpint (flag, ==, ALTA_RESULT_FLAG_HIGH);
  }
}

static AltaRecordItem *
parse_note (const char *content_type,
            const char *text)
{
  g_autofree char *data = g_base64_encode ((const guchar *)text, strlen (text));
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"DiagnosticReport\",\"id\":\"n\",\"code\":{\"text\":\"Visit note\"},"
    "\"presentedForm\":[{\"contentType\":\"application/pdf\",\"data\":\"JVBERi0=\"},"
    "{\"contentType\":\"%s\",\"data\":\"%s\"}]}", content_type, data);

  return parse (json, ALTA_TYPE_LAB_REPORT);
}

/* Reports that are notes: their text, from plain text or HTML, never their markup */
static void
test_note_reports (void)
{
  g_autoptr (AltaRecordItem) plain = parse_note ("text/plain; charset=utf-8",
                                                 "\n# Assessment\nMild asthma, well controlled.\n");
  g_autoptr (AltaRecordItem) html = parse_note (
    "text/html",
    "<html><head><style>p { color: red }</style><script>alert('x')</script></head>"
    "<body><h1>Visit   note</h1><!-- internal --><p>Blood pressure &lt; 130/80 &amp; "
    "stable.</p><ul><li>Keep walking&#32;daily</li><li>Caf&eacute; &#x2713; &#0; &#99999999;"
    "</li></ul>Line<br/>break <b>bold</b> <a href=\"javascript:x\">link</a></body></html>");
  g_autoptr (AltaRecordItem) conclusion = parse (
    "{\"resourceType\":\"DiagnosticReport\",\"id\":\"c\",\"code\":{\"text\":\"Chest X-ray\"},"
    "\"conclusion\":\"No acute findings.\"}", ALTA_TYPE_LAB_REPORT);
  g_autoptr (AltaRecordItem) broken = parse (
    "{\"resourceType\":\"DiagnosticReport\",\"id\":\"b\",\"code\":{\"text\":\"Note\"},"
    "\"presentedForm\":[{\"contentType\":\"text/plain\",\"data\":\"!!!!\"},"
    "{\"contentType\":\"text/plain\"},{\"data\":\"aGk=\"},"
    "{\"contentType\":\"text/plain\",\"data\":\"aGkAdGhlcmU=\"},"
    "{\"contentType\":7,\"data\":[]}]}", ALTA_TYPE_LAB_REPORT);
  g_autoptr (GString) huge = g_string_new ("<p>");
  g_autoptr (AltaRecordItem) too_large = NULL;
  g_autofree char *stripped = NULL;

  g_assert_cmpstr (alta_lab_report_get_text (ALTA_LAB_REPORT (plain)), ==,
                   "# Assessment\nMild asthma, well controlled.");
  g_assert_cmpuint (g_strv_length ((GStrv)alta_lab_report_get_result_ids (ALTA_LAB_REPORT (plain))), ==, 0);
  g_assert_cmpstr (alta_lab_report_get_text (ALTA_LAB_REPORT (html)), ==,
                   "Visit note\nBlood pressure < 130/80 & stable.\nKeep walking daily\n"
                   "Caf&eacute; \u2713 &#0; &#99999999;\nLine\nbreak bold link");
  g_assert_null (alta_lab_report_get_text (ALTA_LAB_REPORT (conclusion)));
  g_assert_cmpstr (alta_lab_report_get_conclusion (ALTA_LAB_REPORT (conclusion)), ==,
                   "No acute findings.");
  /* Not base64, no type, no data, a NUL inside, not a string: no text, no crash */
  g_assert_null (alta_lab_report_get_text (ALTA_LAB_REPORT (broken)));

  /* A form larger than the bound is left out whole, not cut */
  while (huge->len < ALTA_REPORT_MAX_FORM + 16)
    g_string_append (huge, "A long note. ");
  too_large = parse_note ("text/html", huge->str);
  g_assert_null (alta_lab_report_get_text (ALTA_LAB_REPORT (too_large)));

  /* Unclosed tags, comments and entities end the text, quietly */
  stripped = alta_fhir_html_to_text ("a <b unclosed");
  g_assert_cmpstr (stripped, ==, "a");
  g_clear_pointer (&stripped, g_free);
  stripped = alta_fhir_html_to_text ("a <!-- never closed");
  g_assert_cmpstr (stripped, ==, "a");
  g_clear_pointer (&stripped, g_free);
  stripped = alta_fhir_html_to_text ("x <script>while (1) {}");
  g_assert_cmpstr (stripped, ==, "x");
  g_clear_pointer (&stripped, g_free);
  stripped = alta_fhir_html_to_text ("&&&&#;&#x;&#12");
  g_assert_cmpstr (stripped, ==, "&&&&#;&#x;&#12");
}

/* Whatever arrives shows what it can and never crashes */
static void
test_malformed (void)
{
  static const char *resources[][2] = {
    { "AllergyIntolerance", "{\"resourceType\":\"AllergyIntolerance\"}" },
    { "AllergyIntolerance", "{\"resourceType\":\"AllergyIntolerance\",\"id\":5,\"code\":\"peanut\","
                            "\"reaction\":\"bad\",\"clinicalStatus\":[1,2],\"recordedDate\":20190101}" },
    { "AllergyIntolerance", "{\"resourceType\":\"AllergyIntolerance\",\"reaction\":[null,1,{\"manifestation\":{}},"
                            "{\"manifestation\":[null,{\"coding\":\"x\"},{\"coding\":[null,{\"display\":7}]}],"
                            "\"severity\":[\"severe\"]}]}" },
    { "Immunization", "{\"resourceType\":\"Immunization\",\"vaccineCode\":{\"coding\":[{\"system\":\"urn:x\",\"code\":\"ZZZ\"}]},"
                      "\"occurrenceDateTime\":\"not a date\",\"extension\":[{\"url\":\"x\",\"valueString\":\"y\"}]}" },
    { "Immunization", "{\"resourceType\":\"Immunization\",\"occurrenceDateTime\":\"2020-02-30\",\"location\":\"Clinic\"}" },
    { "MedicationRequest", "{\"resourceType\":\"MedicationRequest\",\"dosageInstruction\":{\"text\":\"x\"},"
                           "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":-4},\"medicationReference\":{\"display\":\"Pill\"}}" },
    { "MedicationRequest", "{\"resourceType\":\"MedicationRequest\",\"dispenseRequest\":{\"numberOfRepeatsAllowed\":1.5e300}}" },
    { "Condition", "{\"resourceType\":\"Condition\",\"onsetPeriod\":{\"start\":[]},\"abatementDateTime\":true,"
                   "\"code\":{\"text\":\"\"}}" },
    { "Observation", "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":\"7.2\",\"unit\":5},"
                     "\"referenceRange\":[{\"low\":{\"value\":null},\"high\":\"x\"}],\"interpretation\":[{\"coding\":[{\"code\":\"WEIRD\"}]}]}" },
    { "Observation", "{\"resourceType\":\"Observation\",\"valueQuantity\":{\"value\":1e308},\"referenceRange\":[{\"low\":{\"value\":-1e308}}],"
                     "\"component\":\"x\",\"valueBoolean\":true}" },
    { "Observation", "{\"resourceType\":\"Observation\",\"component\":[null,{\"code\":{},\"valueQuantity\":{\"value\":1}},{}]}" },
    { "DiagnosticReport", "{\"resourceType\":\"DiagnosticReport\",\"result\":[\"Observation/1\",{\"reference\":\"Observation/\"},"
                          "{\"reference\":3}],\"performer\":{}}" },
  };
  GType types[G_N_ELEMENTS (resources)];
  g_autoptr (GString) huge = g_string_new ("{\"resourceType\":\"Condition\",\"code\":{\"text\":\"");

  for (guint i = 0; i < G_N_ELEMENTS (resources); i++)
    {
      g_autoptr (AltaRecordItem) item = NULL;
      g_autoptr (GError) error = NULL;

      types[i] = g_str_equal (resources[i][0], "AllergyIntolerance") ? ALTA_TYPE_ALLERGY
               : g_str_equal (resources[i][0], "Immunization") ? ALTA_TYPE_IMMUNIZATION
               : g_str_equal (resources[i][0], "MedicationRequest") ? ALTA_TYPE_MEDICATION
               : g_str_equal (resources[i][0], "Condition") ? ALTA_TYPE_PROBLEM
               : g_str_equal (resources[i][0], "Observation") ? ALTA_TYPE_LAB_RESULT
               : ALTA_TYPE_LAB_REPORT;
      g_test_message ("%s", resources[i][1]);
      item = alta_fhir_resource_parse (resources[i][1], -1, types[i], &error);
      g_assert_no_error (error);
      g_assert_nonnull (item);
    }

  /* A wrong value leaves the property empty, not made up */
  {
    g_autoptr (AltaRecordItem) item = alta_fhir_resource_parse (resources[8][1], -1,
                                                                ALTA_TYPE_LAB_RESULT, NULL);

    g_assert_false (alta_lab_result_get_has_value (ALTA_LAB_RESULT (item)));
    g_assert_false (alta_lab_result_get_has_low (ALTA_LAB_RESULT (item)));
    g_assert_cmpint (alta_lab_result_get_flag (ALTA_LAB_RESULT (item)), ==, ALTA_RESULT_FLAG_NONE);
  }
  {
    g_autoptr (AltaRecordItem) item = alta_fhir_resource_parse (resources[6][1], -1,
                                                                ALTA_TYPE_MEDICATION, NULL);

    g_assert_cmpint (alta_medication_get_refills (ALTA_MEDICATION (item)), ==, -1);
  }

  /* A megabyte of name is cut to something a row can show */
  for (guint i = 0; i < 100000; i++)
    g_string_append (huge, "abcdefghiñ");
  g_string_append (huge, "\"}}");
  {
    g_autoptr (AltaRecordItem) item = alta_fhir_resource_parse (huge->str, huge->len,
                                                                ALTA_TYPE_PROBLEM, NULL);

    g_assert_cmpuint (strlen (alta_record_item_get_title (item)), <=, ALTA_RECORD_MAX_TEXT + 3);
    g_assert_true (g_utf8_validate (alta_record_item_get_title (item), -1, NULL));
  }
}

static void
test_bad_bundles (void)
{
  const char *bad[] = {
    "", "null", "[]", "{", "{\"resourceType\":\"Patient\"}", "\"Bundle\"",
    "{\"resourceType\":\"Bundle\",\"entry\":[" "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]" "]}",
  };
  const char *odd[] = {
    "{\"resourceType\":\"Bundle\"}",
    "{\"resourceType\":\"Bundle\",\"entry\":{}}",
    "{\"resourceType\":\"Bundle\",\"total\":\"many\",\"link\":[null,{\"relation\":\"next\"}],"
    "\"entry\":[null,{},{\"resource\":null},{\"resource\":{\"resourceType\":\"OperationOutcome\"}},"
    "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"x\"}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GBytes) body = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, ALTA_TYPE_LAB_RESULT, &error);

      g_assert_null (page);
      g_assert_error (error, ALTA_PORTAL_ERROR, ALTA_PORTAL_ERROR_INVALID_RESPONSE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      g_autoptr (GBytes) body = g_bytes_new_static (odd[i], strlen (odd[i]));
      g_autoptr (GError) error = NULL;
      g_autoptr (AltaRecordPage) page = alta_fhir_bundle_parse (body, ALTA_TYPE_LAB_RESULT, &error);

      g_assert_no_error (error);
      g_assert_cmpint (page->total, ==, -1);
      g_assert_null (page->next_url);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (page->items)), ==, i == 2 ? 1 : 0);
    }
}

/* A date without a time is a calendar day: the same day in every time zone. A dateTime is
 * an instant. (main() runs these tests in Los Angeles time.)
 */
static void
test_dates (void)
{
  const struct
  {
    const char *text;
    int         year, month, day;   /* in local time */
  } good[] = {
    { "2026-03-05", 2026, 3, 5 },
    { "2026-03", 2026, 3, 1 },
    { "2026", 2026, 1, 1 },
    { "2024-02-29", 2024, 2, 29 },
    { "2026-03-05T01:30:00Z", 2026, 3, 4 },        /* 17:30 the day before in California */
    { "2026-03-05T09:00:00-08:00", 2026, 3, 5 },
    { "2026-03-05T23:59:60.25+14:00", 2026, 3, 5 }, /* a leap second, in Kiribati */
  };
  const char *bad[] = {
    "", "0000", "20260305", "2026-3-5", "2026-02-30", "2025-02-29", "2026-13", "2026-00",
    "2026-03-05T24:00:00Z", "2026-03-05T10:60", "2026-03-05T10:00:00+15:00",
    "2026-03-05 10:00:00", "2026-03-05T10:00:00.Z", "2026-03-05Z", "yesterday",
  };
  gint64 start, end;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GDateTime) date = alta_fhir_parse_date (good[i].text);
      g_autoptr (GDateTime) local = NULL;

      g_test_message ("%s", good[i].text);
      g_assert_nonnull (date);
      local = g_date_time_to_local (date);
      g_assert_cmpint (g_date_time_get_year (local), ==, good[i].year);
      g_assert_cmpint (g_date_time_get_month (local), ==, good[i].month);
      g_assert_cmpint (g_date_time_get_day_of_month (local), ==, good[i].day);
      g_assert_true (alta_fhir_parse_date_range (good[i].text, &start, &end));
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i]);
      g_assert_null (alta_fhir_parse_date (bad[i]));
      g_assert_false (alta_fhir_parse_date_range (bad[i], &start, &end));
    }
  g_assert_null (alta_fhir_parse_date (NULL));

  /* The server searches by what a value covers: all of February 2024 */
  g_assert_true (alta_fhir_parse_date_range ("2024-02", &start, &end));
  g_assert_cmpint (end - start, ==, 29 * 86400);
  g_assert_true (alta_fhir_parse_date_range ("9999-12", &start, &end));
  g_assert_cmpint (end - start, ==, 31 * 86400);
}

/* Visits, slots, clinics and refill requests as the clinic answers them, and as they break */
static void
test_visits (void)
{
  g_autoptr (AltaRecordItem) declined = parse (
    "{\"resourceType\":\"Appointment\",\"id\":\"d1\",\"status\":\"cancelled\","
    "\"meta\":{\"versionId\":\"3\"},"
    "\"serviceCategory\":[{\"coding\":[{\"system\":\"https://myaltamed.net/fhir/CodeSystem/service-category\","
    "\"code\":\"dental\"}]}],"
    "\"cancelationReason\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason\","
    "\"code\":\"prov\"}],\"text\":\"No dentist that week\"},"
    "\"requestedPeriod\":[{\"start\":\"2026-12-14T16:00:00Z\",\"end\":\"2026-12-14T20:00:00Z\"},"
    "{\"start\":\"2026-12-15T20:00:00Z\",\"end\":\"2026-12-15T16:00:00Z\"},"
    "{\"start\":\"not a date\",\"end\":\"2026-12-16T20:00:00Z\"},"
    "{\"start\":\"2026-12-17T16:00:00Z\",\"end\":\"2026-12-17T20:00:00Z\"}],"
    "\"comment\":\"A loose filling\","
    "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"}},"
    "{\"actor\":{\"reference\":\"Location/\",\"display\":\"Nowhere\"}},"
    "{\"actor\":{\"reference\":\"Location/l2\",\"display\":\"MyAltaMed Pasadena Dental\"}},"
    "{\"actor\":{\"reference\":\"Practitioner/x\",\"display\":\"Rosa Díaz, DDS\"}}]}",
    ALTA_TYPE_APPOINTMENT);
  g_autoptr (AltaRecordItem) withdrawn = parse (
    "{\"resourceType\":\"Appointment\",\"id\":\"d2\",\"status\":\"cancelled\","
    "\"cancelationReason\":{\"coding\":[{\"code\":\"pat\"}]}}", ALTA_TYPE_APPOINTMENT);
  g_autoptr (AltaRecordItem) odd = parse (
    "{\"resourceType\":\"Appointment\",\"id\":\"d3\",\"status\":42,"
    "\"start\":\"2026-12-14T16:00:00Z\",\"end\":\"2026-12-14T15:00:00Z\","
    "\"requestedPeriod\":{\"start\":\"2026-12-14T16:00:00Z\"},\"participant\":\"none\"}",
    ALTA_TYPE_APPOINTMENT);
  g_autoptr (AltaRecordItem) slot = parse (
    "{\"resourceType\":\"Slot\",\"id\":\"s1\",\"status\":\"free\",\"start\":\"2026-12-14T17:00:00Z\","
    "\"schedule\":{\"reference\":\"Schedule/sc1\"}}", ALTA_TYPE_SLOT);
  g_autoptr (AltaRecordItem) clinic = parse (
    "{\"resourceType\":\"Location\",\"id\":\"l1\",\"name\":\"Eastside\","
    "\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/timezone\",\"valueCode\":\"Mars/Olympus\"}],"
    "\"address\":{\"line\":[\"1 Main St\",7,\"\"],\"city\":\"El Monte\",\"postalCode\":\"91731\"},"
    "\"telecom\":[{\"system\":\"email\",\"value\":\"x@example.org\"},{\"system\":\"phone\",\"value\":\"(626) 555-0100\"}]}",
    ALTA_TYPE_CLINIC);
  g_autoptr (AltaRecordItem) rejected = parse (
    "{\"resourceType\":\"Task\",\"id\":\"t1\",\"status\":\"rejected\",\"authoredOn\":\"2026-11-30T10:00:00Z\","
    "\"focus\":{\"reference\":\"MedicationRequest/m1\"},"
    "\"statusReason\":{\"text\":\"Please make an appointment first\"}}", ALTA_TYPE_REFILL_REQUEST);
  AltaAppointment *visit = ALTA_APPOINTMENT (declined);
  GDateTime *start, *end;

  g_assert_cmpint (alta_appointment_get_state (visit), ==, ALTA_APPOINTMENT_DECLINED);
  g_assert_cmpint (alta_appointment_get_service (visit), ==, ALTA_SERVICE_DENTAL);
  g_assert_cmpstr (alta_appointment_get_cancel_reason (visit), ==, "No dentist that week");
  g_assert_cmpstr (alta_appointment_get_comment (visit), ==, "A loose filling");
  g_assert_cmpstr (alta_appointment_get_location_id (visit), ==, "l2");
  g_assert_cmpstr (alta_appointment_get_location (visit), ==, "MyAltaMed Pasadena Dental");
  g_assert_cmpstr (alta_appointment_get_practitioner (visit), ==, "Rosa Díaz, DDS");
  g_assert_cmpstr (alta_record_item_get_version (declined), ==, "3");
  g_assert_null (alta_appointment_get_start (visit));
  /* Only the periods that are periods */
  g_assert_cmpuint (alta_appointment_get_n_requested_periods (visit), ==, 2);
  g_assert_true (alta_appointment_get_requested_period (visit, 1, &start, &end));
  g_assert_cmpint (g_date_time_get_day_of_month (start), ==, 17);
  g_assert_false (alta_appointment_get_requested_period (visit, 2, &start, &end));

  g_assert_cmpint (alta_appointment_get_state (ALTA_APPOINTMENT (withdrawn)), ==,
                   ALTA_APPOINTMENT_CANCELLED);
  g_assert_cmpint (alta_appointment_get_service (ALTA_APPOINTMENT (withdrawn)), ==,
                   ALTA_SERVICE_MEDICAL);
  g_assert_cmpint (alta_appointment_get_state (ALTA_APPOINTMENT (odd)), ==, ALTA_APPOINTMENT_UNKNOWN);
  g_assert_null (alta_appointment_get_end (ALTA_APPOINTMENT (odd)));
  g_assert_cmpuint (alta_appointment_get_n_requested_periods (ALTA_APPOINTMENT (odd)), ==, 0);

  /* A slot without an end cannot be offered */
  g_assert_false (alta_slot_get_is_free (ALTA_SLOT (slot)));
  g_assert_cmpstr (alta_slot_get_schedule_id (ALTA_SLOT (slot)), ==, "sc1");

  /* A zone this computer does not know: the clinics' own */
  g_assert_cmpstr (g_time_zone_get_identifier (alta_clinic_get_time_zone (ALTA_CLINIC (clinic))), ==,
                   "America/Los_Angeles");
  g_assert_cmpstr (alta_clinic_get_address (ALTA_CLINIC (clinic)), ==, "1 Main St, El Monte, 91731");
  g_assert_cmpstr (alta_clinic_get_phone (ALTA_CLINIC (clinic)), ==, "(626) 555-0100");

  g_assert_cmpint (alta_refill_request_get_state (ALTA_REFILL_REQUEST (rejected)), ==,
                   ALTA_REFILL_REJECTED);
  g_assert_cmpstr (alta_refill_request_get_reason (ALTA_REFILL_REQUEST (rejected)), ==,
                   "Please make an appointment first");
  g_assert_cmpstr (alta_refill_request_get_medication_id (ALTA_REFILL_REQUEST (rejected)), ==, "m1");
  g_assert_null (alta_refill_request_get_note (ALTA_REFILL_REQUEST (rejected)));

  /* A blank note is no note */
  {
    g_autoptr (JsonObject) task = alta_refill_request_new_json ("p1", "m1", " \n ");

    g_assert_false (json_object_has_member (task, "note"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (task, "focus"),
                                                    "reference"), ==, "MedicationRequest/m1");
  }
}

static AltaRecordItem *
message_new (const char *id,
             const char *sender,
             const char *sent,
             const char *answers,
             gboolean    received)
{
  g_autofree char *answered = answers != NULL
                                ? g_strdup_printf (",\"inResponseTo\":[{\"reference\":\"Communication/%s\"}]",
                                                   answers)
                                : g_strdup ("");
  g_autofree char *json = g_strdup_printf ("{\"resourceType\":\"Communication\",\"id\":\"%s\","
                                           "\"status\":\"completed\",\"sent\":\"%s\","
                                           "\"topic\":{\"text\":\"Topic %s\"},"
                                           "\"sender\":{\"reference\":\"%s\"},"
                                           "\"payload\":[{\"contentString\":\"Text of %s\"}]%s%s}",
                                           id, sent, id, sender, id, answered,
                                           received ? ",\"received\":\"2026-01-09T00:00:00Z\"" : "");
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return alta_record_item_new_from_json (ALTA_TYPE_MESSAGE, json_node_get_object (node));
}

/* A thread is a first message and all that answer it, however deep; the threads newest
 * first, each oldest first; a proxy's messages are never unread; a loop of answers ends */
static void
test_message_threads (void)
{
  g_autoptr (GListStore) messages = g_list_store_new (ALTA_TYPE_MESSAGE);
  g_autoptr (GPtrArray) threads = NULL;
  AltaMessageThread *first, *second, *third;
  GListModel *in_first;
  const char *order[] = { "a", "b", "c" };
  struct
  {
    const char *id, *sender, *sent, *answers;
    gboolean    received;
  } rows[] = {
    { "c", "RelatedPerson/r1", "2026-01-05T10:00:00Z", "b", FALSE },
    { "d", "Practitioner/x", "2026-01-02T10:00:00Z", NULL, TRUE },
    { "b", "Practitioner/x", "2026-01-04T10:00:00Z", "a", FALSE },
    { "a", "Patient/p1", "2026-01-03T10:00:00Z", NULL, FALSE },
    { "e", "Practitioner/x", "2026-01-01T10:00:00Z", "f", FALSE },
    { "f", "Practitioner/x", "2026-01-01T09:00:00Z", "e", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (AltaRecordItem) message = message_new (rows[i].id, rows[i].sender, rows[i].sent,
                                                        rows[i].answers, rows[i].received);

      g_list_store_append (messages, message);
    }

  threads = alta_message_thread_collect (G_LIST_MODEL (messages));
  g_assert_cmpuint (threads->len, ==, 3);
  first = g_ptr_array_index (threads, 0);
  second = g_ptr_array_index (threads, 1);
  third = g_ptr_array_index (threads, 2);

  g_assert_cmpstr (alta_message_thread_get_id (first), ==, "a");
  g_assert_cmpstr (alta_message_thread_get_topic (first), ==, "Topic a");
  in_first = alta_message_thread_get_messages (first);
  g_assert_cmpuint (g_list_model_get_n_items (in_first), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (AltaRecordItem) message = g_list_model_get_item (in_first, i);

      g_assert_cmpstr (alta_record_item_get_id (message), ==, order[i]);
    }
  g_assert_cmpstr (alta_message_get_text (alta_message_thread_get_latest (first)), ==, "Text of c");
  g_assert_true (alta_message_get_from_patient (alta_message_thread_get_latest (first)));
  g_assert_cmpstr (alta_message_get_in_response_to (alta_message_thread_get_latest (first)), ==,
                   "b");
  /* b is unread; c, the proxy's, is not */
  g_assert_cmpuint (alta_message_thread_get_n_unread (first), ==, 1);

  g_assert_cmpstr (alta_message_thread_get_id (second), ==, "d");
  g_assert_cmpuint (alta_message_thread_get_n_unread (second), ==, 0);

  /* e and f answer each other: one thread, both in it */
  g_assert_cmpuint (g_list_model_get_n_items (alta_message_thread_get_messages (third)), ==, 2);
  g_assert_cmpuint (alta_message_thread_get_n_unread (third), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  /* Far from UTC, where the machines run: dates must not move a day */
  g_setenv ("TZ", "America/Los_Angeles", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-model/sample-bundles", test_sample_bundles);
  g_test_add_func ("/fhir-model/scrambled-codes", test_scrambled_codes);
  g_test_add_func ("/fhir-model/sample-ndjson", test_sample_ndjson);
  g_test_add_func ("/fhir-model/details", test_details);
  g_test_add_func ("/fhir-model/note-reports", test_note_reports);
  g_test_add_func ("/fhir-model/malformed", test_malformed);
  g_test_add_func ("/fhir-model/bad-bundles", test_bad_bundles);
  g_test_add_func ("/fhir-model/dates", test_dates);
  g_test_add_func ("/fhir-model/visits", test_visits);
  g_test_add_func ("/fhir-model/message-threads", test_message_threads);

  return g_test_run ();
}
