/* alta-allergy.c: an allergy or intolerance (FHIR AllergyIntolerance)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-allergy"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-allergy.h"
#include "alta-json.h"
struct _AltaAllergy
{
  AltaRecordItem parent_instance;

  char      *reaction;   /* what it does, every manifestation once */
  char      *severity;   /* the worst reaction severity: "mild", "moderate" or "severe" */
  char      *criticality;   /* "low", "high" or "unable-to-assess" */
};

G_DEFINE_FINAL_TYPE (AltaAllergy, alta_allergy, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_REACTION,
  PROP_SEVERITY,
  PROP_CRITICALITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
severity_rank (const char *severity)
{
  if (g_strcmp0 (severity, "severe") == 0)
    return 3;
  if (g_strcmp0 (severity, "moderate") == 0)
    return 2;
  if (g_strcmp0 (severity, "mild") == 0)
    return 1;
  return 0;
}

/* The substance, what it did (every reaction's manifestations, once each), and the worst
 * severity recorded */
static void
alta_allergy_load (AltaRecordItem *item,
                   JsonObject     *resource)
{
  AltaAllergy *self = ALTA_ALLERGY (item);
  static const char *dates[] = { "recordedDate", "onsetDateTime", "onsetPeriod", NULL };
  JsonArray *reactions = alta_json_get_array (resource, "reaction");
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *title = alta_fhir_dup_concept_text (alta_json_get_object (resource, "code"));
  g_autofree char *status = alta_fhir_dup_concept_code (alta_json_get_object (resource,
                                                                              "clinicalStatus"),
                                                        NULL);
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);
  int worst = 0;

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  alta_record_item_set_status (item, status);
  self->criticality = alta_fhir_dup_text (alta_json_get_string (resource, "criticality"));

  for (guint i = 0; reactions != NULL && i < json_array_get_length (reactions) && i < 50; i++)
    {
      JsonObject *reaction = alta_json_array_get_object (reactions, i);
      JsonArray *manifestations = alta_json_get_array (reaction, "manifestation");
      const char *severity = alta_json_get_string (reaction, "severity");

      if (severity_rank (severity) > worst)
        {
          worst = severity_rank (severity);
          g_free (self->severity);
          self->severity = g_strdup (severity);
        }

      for (guint j = 0; manifestations != NULL && j < json_array_get_length (manifestations) && j < 50; j++)
        {
          char *manifestation = alta_fhir_dup_concept_text (alta_json_array_get_object (manifestations, j));

          if (manifestation == NULL ||
              g_ptr_array_find_with_equal_func (seen, manifestation, g_str_equal, NULL))
            {
              g_free (manifestation);
              continue;
            }
          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, manifestation);
          g_ptr_array_add (seen, manifestation);
        }

      if (manifestations == NULL && alta_json_get_string (reaction, "description") != NULL)
        {
          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, alta_json_get_string (reaction, "description"));
        }
    }

  self->reaction = alta_fhir_dup_text (text->str);
}

static void
alta_allergy_finalize (GObject *object)
{
  AltaAllergy *self = (AltaAllergy *)object;

  g_clear_pointer (&self->reaction, g_free);
  g_clear_pointer (&self->severity, g_free);
  g_clear_pointer (&self->criticality, g_free);

  G_OBJECT_CLASS (alta_allergy_parent_class)->finalize (object);
}

static void
alta_allergy_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AltaAllergy *self = ALTA_ALLERGY (object);

  switch (prop_id)
    {
    case PROP_REACTION:
      g_value_set_string (value, self->reaction);
      break;
    case PROP_SEVERITY:
      g_value_set_string (value, self->severity);
      break;
    case PROP_CRITICALITY:
      g_value_set_string (value, self->criticality);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_allergy_class_init (AltaAllergyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_allergy_finalize;
  object_class->get_property = alta_allergy_get_property;
  item_class->resource_type = "AllergyIntolerance";
  item_class->load = alta_allergy_load;

  properties[PROP_REACTION] =
    g_param_spec_string ("reaction", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEVERITY] =
    g_param_spec_string ("severity", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CRITICALITY] =
    g_param_spec_string ("criticality", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_allergy_init (AltaAllergy *self)
{
}

/**
 * alta_allergy_get_reaction:
 *
 * Returns: (nullable) what it does, every manifestation once
 */
const char *
alta_allergy_get_reaction (AltaAllergy *self)
{
  g_return_val_if_fail (ALTA_IS_ALLERGY (self), NULL);

  return self->reaction;
}

/**
 * alta_allergy_get_severity:
 *
 * Returns: (nullable) the worst reaction severity: "mild", "moderate" or "severe"
 */
const char *
alta_allergy_get_severity (AltaAllergy *self)
{
  g_return_val_if_fail (ALTA_IS_ALLERGY (self), NULL);

  return self->severity;
}

/**
 * alta_allergy_get_criticality:
 *
 * Returns: (nullable) "low", "high" or "unable-to-assess"
 */
const char *
alta_allergy_get_criticality (AltaAllergy *self)
{
  g_return_val_if_fail (ALTA_IS_ALLERGY (self), NULL);

  return self->criticality;
}
