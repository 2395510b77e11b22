/* test-format.c: trends, vital signs and proxy records in words, in English and in Spanish
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "alta-fhir-bundle.h"
#include "alta-format.h"
#include "alta-vital-sign.h"

/* The app's language, as AltaApplication sets it */
static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  setlocale (LC_MESSAGES, "");
}

static GDateTime *
date (int year,
      int month,
      int day)
{
  return g_date_time_new_utc (year, month, day, 15, 30, 0);
}

static AltaVitalSign *
vital (const char *code,
       const char *value)
{
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"Observation\",\"id\":\"v\",\"code\":{\"coding\":"
    "[{\"system\":\"http://loinc.org\",\"code\":\"%s\"}],\"text\":\"Pain severity\"},%s}",
    code, value);
  g_autoptr (GError) error = NULL;
  AltaRecordItem *item = alta_fhir_resource_parse (json, -1, ALTA_TYPE_VITAL_SIGN, &error);

  g_assert_no_error (error);
  return ALTA_VITAL_SIGN (item);
}

static void
check_summary (const char *first_value,
               GDateTime  *first_date,
               const char *last_value,
               GDateTime  *last_date,
               const char *expected)
{
  g_autofree char *summary = alta_format_trend_summary (first_value, first_date,
                                                        last_value, last_date);

  g_assert_cmpstr (summary, ==, expected);
}

static void
test_trend_summary (void)
{
  g_autoptr (GDateTime) february = date (2025, 2, 3);
  g_autoptr (GDateTime) november = date (2026, 11, 20);
  g_autoptr (GDateTime) november_early = date (2026, 11, 4);
  g_autoptr (GDateTime) november_evening = g_date_time_new_utc (2026, 11, 20, 23, 0, 0);

  use_language ("en");
  check_summary ("162 mg/dL", february, "124 mg/dL", november,
                 "From 162 mg/dL in February 2025 to 124 mg/dL in November 2026.");
  check_summary (NULL, NULL, "124 mg/dL", november, "124 mg/dL in November 2026");
  check_summary ("130 mg/dL", november_early, "124 mg/dL", november,
                 "From 130 mg/dL on November 4, 2026 to 124 mg/dL on November 20, 2026.");
  check_summary ("130 mg/dL", november, "124 mg/dL", november_evening,
                 "From 130 mg/dL to 124 mg/dL on November 20, 2026.");

  use_language ("es");
  check_summary ("162 mg/dL", february, "124 mg/dL", november,
                 "De 162 mg/dL en febrero de 2025 a 124 mg/dL en noviembre de 2026.");
  check_summary (NULL, NULL, "124 mg/dL", november, "124 mg/dL en noviembre de 2026");
  check_summary ("130 mg/dL", november_early, "124 mg/dL", november,
                 "De 130 mg/dL el 4 de noviembre de 2026 a 124 mg/dL el 20 de noviembre de 2026.");
  check_summary ("130 mg/dL", november, "124 mg/dL", november_evening,
                 "De 130 mg/dL a 124 mg/dL el 20 de noviembre de 2026.");
  use_language ("en");
}

#define MMHG(value) "{\"value\":" value ",\"unit\":\"mm[Hg]\",\"code\":\"mm[Hg]\"}"
#define PRESSURE(systolic, diastolic) \
  "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\"}]}," \
  "\"valueQuantity\":" diastolic "},{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\"," \
  "\"code\":\"8480-6\"}]},\"valueQuantity\":" systolic "}]"

static void
check_vital (const char *code,
             const char *value,
             const char *english_kind,
             const char *english,
             const char *spanish_kind,
             const char *spanish)
{
  g_autoptr (AltaVitalSign) sign = vital (code, value);
  g_autofree char *english_text = NULL;
  g_autofree char *english_name = NULL;
  g_autofree char *spanish_text = NULL;
  g_autofree char *spanish_name = NULL;

  use_language ("en");
  english_text = alta_format_vital_value (sign);
  english_name = alta_format_vital_kind (sign);
  use_language ("es");
  spanish_text = alta_format_vital_value (sign);
  spanish_name = alta_format_vital_kind (sign);
  use_language ("en");

  g_assert_cmpstr (english_name, ==, english_kind);
  g_assert_cmpstr (english_text, ==, english);
  g_assert_cmpstr (spanish_name, ==, spanish_kind);
  g_assert_cmpstr (spanish_text, ==, spanish);
}

/* Values as a patient reads them: rounded as the measurement is, in words for units */
static void
test_vital_values (void)
{
  check_vital ("85354-9", PRESSURE (MMHG ("120"), MMHG ("80")),
               "Blood pressure", "120/80 mmHg", "Presión arterial", "120/80 mmHg");
  check_vital ("85354-9", PRESSURE (MMHG ("119.6"), "{\"unit\":\"mm[Hg]\"}"),
               "Blood pressure", "120/– mmHg", "Presión arterial", "120/– mmHg");
  check_vital ("85354-9", "\"component\":[]",
               "Blood pressure", "No value recorded", "Presión arterial", "Sin valor registrado");
  check_vital ("8867-4", "\"valueQuantity\":{\"value\":73.472,\"unit\":\"/min\",\"code\":\"/min\"}",
               "Heart rate", "73 beats/min", "Frecuencia cardíaca", "73 latidos/min");
  check_vital ("9279-1", "\"valueQuantity\":{\"value\":16,\"code\":\"/min\"}",
               "Breathing rate", "16 breaths/min", "Frecuencia respiratoria", "16 respiraciones/min");
  check_vital ("8310-5", "\"valueQuantity\":{\"value\":36.61,\"unit\":\"Cel\",\"code\":\"Cel\"}",
               "Temperature", "36.6 °C", "Temperatura", "36.6 °C");
  check_vital ("2708-6", "\"valueQuantity\":{\"value\":97.5,\"unit\":\"%\",\"code\":\"%\"}",
               "Blood oxygen", "98%", "Oxígeno en la sangre", "98%");
  check_vital ("29463-7", "\"valueQuantity\":{\"value\":75.44,\"unit\":\"kg\",\"code\":\"kg\"}",
               "Weight", "75.4 kg", "Peso", "75.4 kg");
  check_vital ("29463-7", "\"valueQuantity\":{\"value\":166.3,\"unit\":\"pounds\",\"code\":\"[lb_av]\"}",
               "Weight", "166.3 lb", "Peso", "166.3 lb");
  check_vital ("29463-7", "\"dataAbsentReason\":{\"text\":\"Refused\"}",
               "Weight", "No value recorded", "Peso", "Sin valor registrado");
  check_vital ("39156-5", "\"valueQuantity\":{\"value\":28.38,\"unit\":\"kg/m2\",\"code\":\"kg/m2\"}",
               "Body mass index (BMI)", "28.4 kg/m²", "Índice de masa corporal (IMC)", "28.4 kg/m²");
  check_vital ("8302-2", "\"valueQuantity\":{\"value\":163,\"unit\":\"cm\",\"code\":\"cm\"}",
               "Height", "163.0 cm", "Estatura", "163.0 cm");
  /* A code we do not know keeps its own name, its value as given and its unit */
  check_vital ("72514-3", "\"valueQuantity\":{\"value\":2.5,\"unit\":\"{score}\"}",
               "Pain severity", "2.5 {score}", "Pain severity", "2.5 {score}");
  check_vital ("72514-3", "\"valueQuantity\":{\"value\":3}",
               "Pain severity", "3", "Pain severity", "3");
}

/* "10:30 a. m.", as a Spanish reader writes it, whatever the C library's locales */
static void
test_time_of_day (void)
{
  g_autoptr (GDateTime) morning = g_date_time_new_utc (2026, 12, 3, 10, 30, 0);
  g_autoptr (GDateTime) afternoon = g_date_time_new_utc (2026, 12, 3, 15, 5, 0);
  g_autofree char *en_morning = NULL, *en_afternoon = NULL;
  g_autofree char *es_morning = NULL, *es_afternoon = NULL;

  use_language ("en");
  en_morning = alta_format_date_time (morning, "%-I:%M %p");
  en_afternoon = alta_format_date_time (afternoon, "%-I:%M %p");
  g_assert_cmpstr (en_morning, ==, "10:30 AM");
  g_assert_cmpstr (en_afternoon, ==, "3:05 PM");

  use_language ("es");
  es_morning = alta_format_date_time (morning, "%-I:%M %p");
  es_afternoon = alta_format_date_time (afternoon, "%-I:%M %p");
  g_assert_cmpstr (es_morning, ==, "10:30 a.\u00a0m.");
  g_assert_cmpstr (es_afternoon, ==, "3:05 p.\u00a0m.");
  use_language ("en");
}

/* The record chooser's proxy records: by relationship and gender, neutral without one */
static void
test_proxy_records (void)
{
  const struct {
    const char *relationship, *gender;
    int age;
    const char *en, *es;
  } cases[] = {
    { "child", "male", 6, "Mateo Reyes, your son, 6", "Mateo Reyes, su hijo, 6 años" },
    { "child", "female", 1, "Mateo Reyes, your daughter, 1", "Mateo Reyes, su hija, 1 año" },
    { "child", "unknown", 6, "Mateo Reyes, your child, 6", "Mateo Reyes, su hijo o hija, 6 años" },
    { "child", "other", 6, "Mateo Reyes, your child, 6", "Mateo Reyes, su hijo o hija, 6 años" },
    { "child", NULL, 6, "Mateo Reyes, your child, 6", "Mateo Reyes, su hijo o hija, 6 años" },
    { "dependent-adult", "male", 80, "Mateo Reyes, an adult in your care, 80",
      "Mateo Reyes, adulto a su cargo, 80 años" },
    { "dependent-adult", "female", 80, "Mateo Reyes, an adult in your care, 80",
      "Mateo Reyes, adulta a su cargo, 80 años" },
    { "dependent-adult", NULL, 80, "Mateo Reyes, an adult in your care, 80",
      "Mateo Reyes, persona adulta a su cargo, 80 años" },
    { "self", "male", 37, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *en = NULL, *es = NULL;

      use_language ("en");
      en = alta_format_proxy_record ("Mateo Reyes", cases[i].relationship, cases[i].gender,
                                     cases[i].age);
      use_language ("es");
      es = alta_format_proxy_record ("Mateo Reyes", cases[i].relationship, cases[i].gender,
                                     cases[i].age);
      g_assert_cmpstr (en, ==, cases[i].en);
      g_assert_cmpstr (es, ==, cases[i].es);
    }
  use_language ("en");
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("MYALTAMED_LOCALEDIR");

  /* Dates are shown in local time: the test's is fixed */
  g_setenv ("TZ", "UTC", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/trend-summary", test_trend_summary);
  g_test_add_func ("/format/vital-values", test_vital_values);
  g_test_add_func ("/format/time-of-day", test_time_of_day);
  g_test_add_func ("/format/proxy-records", test_proxy_records);

  return g_test_run ();
}
