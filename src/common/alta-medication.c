/* alta-medication.c: a prescription (FHIR MedicationRequest)
 *
 * Copyright 2026 The MyAltaMed for Linux authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "alta-medication"

#include "config.h"

#include <math.h>
#include <string.h>

#include "alta-medication.h"
#include "alta-json.h"
#include "alta-medlineplus.h"
struct _AltaMedication
{
  AltaRecordItem parent_instance;

  char      *instructions;   /* how to take it */
  char      *prescriber;   /* who prescribed it */
  int        refills;   /* refills left, or -1 when the record does not say */
  char      *code;   /* a code MedlinePlus Connect knows (RxNorm), or NULL */
  char      *code_system;
};

G_DEFINE_FINAL_TYPE (AltaMedication, alta_medication, ALTA_TYPE_RECORD_ITEM)

enum {
  PROP_0,
  PROP_INSTRUCTIONS,
  PROP_PRESCRIBER,
  PROP_REFILLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
alta_medication_load (AltaRecordItem *item,
                      JsonObject     *resource)
{
  AltaMedication *self = ALTA_MEDICATION (item);
  static const char *dates[] = { "authoredOn", NULL };
  JsonArray *dosages = alta_json_get_array (resource, "dosageInstruction");
  JsonObject *dosage = alta_json_array_get_object (dosages, 0);
  JsonObject *dispense = alta_json_get_object (resource, "dispenseRequest");
  g_autofree char *title = alta_fhir_dup_concept_text (
    alta_json_get_object (resource, "medicationCodeableConcept"));
  g_autoptr (GDateTime) date = alta_fhir_read_date (resource, dates);
  gint64 refills;

  self->code = alta_medlineplus_dup_code (alta_json_get_object (resource,
                                                                "medicationCodeableConcept"),
                                          &self->code_system);

  if (title == NULL)
    title = alta_fhir_dup_reference_display (alta_json_get_object (resource,
                                                                   "medicationReference"));

  alta_record_item_set_title (item, title);
  alta_record_item_set_date (item, date);
  self->instructions = alta_fhir_dup_text (alta_json_get_string (dosage, "text"));
  if (self->instructions == NULL)
    self->instructions = alta_fhir_dup_text (alta_json_get_string (dosage, "patientInstruction"));
  self->prescriber = alta_fhir_dup_reference_display (alta_json_get_object (resource,
                                                                            "requester"));
  if (alta_json_get_int (dispense, "numberOfRepeatsAllowed", &refills) && refills >= 0 &&
      refills < 1000)
    self->refills = refills;
}

static void
alta_medication_finalize (GObject *object)
{
  AltaMedication *self = (AltaMedication *)object;

  g_clear_pointer (&self->instructions, g_free);
  g_clear_pointer (&self->prescriber, g_free);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->code_system, g_free);

  G_OBJECT_CLASS (alta_medication_parent_class)->finalize (object);
}

static void
alta_medication_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AltaMedication *self = ALTA_MEDICATION (object);

  switch (prop_id)
    {
    case PROP_INSTRUCTIONS:
      g_value_set_string (value, self->instructions);
      break;
    case PROP_PRESCRIBER:
      g_value_set_string (value, self->prescriber);
      break;
    case PROP_REFILLS:
      g_value_set_int (value, self->refills);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
alta_medication_class_init (AltaMedicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AltaRecordItemClass *item_class = ALTA_RECORD_ITEM_CLASS (klass);

  object_class->finalize = alta_medication_finalize;
  object_class->get_property = alta_medication_get_property;
  item_class->resource_type = "MedicationRequest";
  item_class->load = alta_medication_load;

  properties[PROP_INSTRUCTIONS] =
    g_param_spec_string ("instructions", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRESCRIBER] =
    g_param_spec_string ("prescriber", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFILLS] =
    g_param_spec_int ("refills", NULL, NULL, -1, G_MAXINT, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
alta_medication_init (AltaMedication *self)
{
  self->refills = -1;
}

/**
 * alta_medication_get_instructions:
 *
 * Returns: (nullable) how to take it
 */
const char *
alta_medication_get_instructions (AltaMedication *self)
{
  g_return_val_if_fail (ALTA_IS_MEDICATION (self), NULL);

  return self->instructions;
}

/**
 * alta_medication_get_prescriber:
 *
 * Returns: (nullable) who prescribed it
 */
const char *
alta_medication_get_prescriber (AltaMedication *self)
{
  g_return_val_if_fail (ALTA_IS_MEDICATION (self), NULL);

  return self->prescriber;
}

/**
 * alta_medication_get_refills:
 *
 * Returns: refills left, or -1 when the record does not say
 */
int
alta_medication_get_refills (AltaMedication *self)
{
  g_return_val_if_fail (ALTA_IS_MEDICATION (self), -1);

  return self->refills;
}

/**
 * alta_medication_get_code:
 * @out_system: (out) (optional): the code's system
 *
 * Returns: (nullable): the medicine's code in a system MedlinePlus Connect knows (RxNorm)
 */
const char *
alta_medication_get_code (AltaMedication  *self,
                          const char     **out_system)
{
  g_return_val_if_fail (ALTA_IS_MEDICATION (self), NULL);

  if (out_system != NULL)
    *out_system = self->code_system;
  return self->code;
}
