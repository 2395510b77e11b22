/* alta-lab-report.c: a test report and its values (FHIR DiagnosticReport)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-lab-report"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-lab-report.h"
#include "alta-json.h"
struct _AltaLabReport
{
  AltaRecordItem parent_instance;

  char      *category;   /* the kind of report, as text */
  char      *performer;   /* who reported it */
  char      *conclusion;   /* the clinician's conclusion */
  GStrv      result_ids;   /* the ids of its Observations */
};

G_DEFINE_FINAL_TYPE (AltaLabReport, alta_lab_report, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_CATEGORY,
  PROP_PERFORMER,
  PROP_CONCLUSION,
  PROP_RESULT_IDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_lab_report_load (AltaRecordItem *item,
                      JsonObject     *resource)
{
  AltaLabReport *self = ALTA_LAB_REPORT (item);
  static const char *dates[] = { "effectiveDateTime", "effectivePeriod", "issued", NULL };
  JsonArray *results = alta_json_get_array (resource, "result");
  g_autoptr (GStrvBuilder) ids = g_strv_builder_new ();
  g_autofree char *title = alta_fhir_dup_concept_text (alta_json_get_object (resource, "code"));
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->category = alta_fhir_dup_first_concept_text (alta_json_get_array (resource, "category"));
  self->performer = alta_fhir_dup_reference_display (
    alta_json_array_get_object (alta_json_get_array (resource, "performer"), 0));
  self->conclusion = alta_fhir_dup_text (alta_json_get_string (resource, "conclusion"));

  /* "Observation/<id>" → "<id>": the results page finds them among the observations */
  for (guint i = 0; results != NULL && i < json_array_get_length (results) && i < 500; i++)
    {
      const char *reference = alta_json_get_string (alta_json_array_get_object (results, i),
                                                    "reference");

      if (reference != NULL && g_str_has_prefix (reference, "Observation/") &&
          reference[strlen ("Observation/")] != '\0' && strlen (reference) < 100)
        g_strv_builder_add (ids, reference + strlen ("Observation/"));
    }
  self->result_ids = g_strv_builder_end (ids);
}

static void
alta_lab_report_finalize (GObject *object)
{
  AltaLabReport *self = (AltaLabReport *)object;

  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->performer, g_free);
  g_clear_pointer (&self->conclusion, g_free);
  g_clear_pointer (&self->result_ids, g_strfreev);

  G_OBJECT_CLASS (alta_lab_report_parent_class)->finalize (object);
}

static void
alta_lab_report_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaLabReport *self = ALTA_LAB_REPORT (object);

  switch (prop_id)
    {
    case PROP_CATEGORY:
      g_value_set_string (value, self->category);
      break;
    case PROP_PERFORMER:
      g_value_set_string (value, self->performer);
      break;
    case PROP_CONCLUSION:
      g_value_set_string (value, self->conclusion);
      break;
    case PROP_RESULT_IDS:
      g_value_set_boxed (value, self->result_ids);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_lab_report_class_init (AltaLabReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_lab_report_finalize;
  object_class->get_property = alta_lab_report_get_property;
  item_class->resource_type = "DiagnosticReport";
  item_class->load = alta_lab_report_load;

  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERFORMER] =
    g_param_spec_string ("performer", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONCLUSION] =
    g_param_spec_string ("conclusion", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT_IDS] =
    g_param_spec_boxed ("result-ids", NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_lab_report_init (AltaLabReport *self)
{
}

/**
 * alta_lab_report_get_category:
 *
 * Returns: (nullable) the kind of report, as text
 */
const char *
alta_lab_report_get_category (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->category;
}

/**
 * alta_lab_report_get_performer:
 *
 * Returns: (nullable) who reported it
 */
const char *
alta_lab_report_get_performer (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->performer;
}

/**
 * alta_lab_report_get_conclusion:
 *
 * Returns: (nullable) the clinician's conclusion
 */
const char *
alta_lab_report_get_conclusion (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return self->conclusion;
}

/**
 * alta_lab_report_get_result_ids:
 *
 * Returns: (nullable) the ids of its Observations
 */
const char * const *
alta_lab_report_get_result_ids (AltaLabReport *self)
{
  g_return_val_if_fail (ALTA_IS_LAB_REPORT (self), NULL);

  return (const char * const *)self->result_ids;
}
